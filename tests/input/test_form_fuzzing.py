"""Bad input (issue 8, item 10): Hypothesis drives every form of the project with generated
input, as every role. For each POST URL (tests/input/forms_table.py): the roles that may post
get the page and its form, then generated values of every kind (tests/input/strategies.py);
the answer is never a server error, every row the request wrote still passes `full_clean()`,
and nothing of the other LEA changed. The roles that may not post are refused (403, 404, or
sent to sign in) and change nothing.

Each example runs in a savepoint that is rolled back, so each starts from the same world.
`PLP_FUZZ_EXAMPLES` (default 10) sets the examples per form; `PLP_FUZZ_RANDOM=1` draws new
examples on each run instead of the same ones."""

import os

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts.models import Role

from .forms_table import ANYONE, FORMS, NOT_FORMS
from .html_forms import form_posting_to
from .rows import capture_writes, check_written
from .strategies import payload
from .world import ROLES

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("PLP_FUZZ_EXAMPLES", "10"))
RANDOM = os.environ.get("PLP_FUZZ_RANDOM") == "1"
SKIPPED_PREFIXES = ("admin/", "api/")
REFUSED = (403, 404)


def post_urls() -> dict:
    """{URL name: route} of every URL outside admin/ and api/ whose view accepts POST (a class
    with a `post` method among its allowed methods; a function view is taken to accept it)."""
    found = {}

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                if entry.namespace and namespace:
                    ns = f"{namespace}:{entry.namespace}"
                walk(entry, prefix + str(entry.pattern), ns)
                continue
            assert isinstance(entry, URLPattern)
            route = prefix + str(entry.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            view_class = getattr(entry.callback, "view_class", None)
            accepts = view_class is None or (
                "post" in view_class.http_method_names and hasattr(view_class, "post")
            )
            if accepts:
                name = f"{namespace}:{entry.name}" if namespace else (entry.name or route)
                found[name] = route

    walk(get_resolver(), "", None)
    return found


def test_every_post_url_is_fuzzed():
    """A new form fails this test until it has a line in tests/input/forms_table.py."""
    urls = post_urls()
    missing = sorted(set(urls) - set(FORMS) - set(NOT_FORMS))
    assert not missing, f"POST URLs with no entry in tests/input/forms_table.py: {missing}"
    gone = sorted(set(FORMS) - set(urls))
    assert not gone, f"entries of tests/input/forms_table.py with no such POST URL: {gone}"


def allowed_roles(entry) -> list:
    if entry.roles == ANYONE:
        return [*ROLES, None]
    return [role for role in [*ROLES, None] if role in entry.roles]


def refused_roles(entry) -> list:
    if entry.roles == ANYONE:
        return []
    return [role for role in [*ROLES, None] if role not in entry.roles]


def has_get(name, kwargs) -> bool:
    from django.urls import resolve

    match = resolve(reverse(name, kwargs=kwargs))
    view_class = getattr(match.func, "view_class", None)
    return view_class is None or (
        "get" in view_class.http_method_names and hasattr(view_class, "get")
    )


def is_refusal(response, entry, role) -> bool:
    """Refused: 403 or 404, or sent to sign in (or, for the pages of signing in, a signed-in
    user sent on)."""
    if response.status_code in REFUSED:
        return True
    if response.status_code != 302:
        return False
    if entry.signed_in_redirect and role is not None:
        return True
    return response.url.startswith(reverse(django_settings.LOGIN_URL))


def ids_of(world) -> list[int]:
    """Ids a hostile client might try: the world's records of both LEAs, and URNs."""
    ids = set()
    for side in (world.own, world.other):
        for obj in side.objects.values():
            ids.add(obj.pk)
        ids.update(u.pk for u in side.users.values())
        ids.update({side.school.urn, side.sibling.urn, side.lea.pk})
    return sorted(ids)


class Session:
    """A signed-in test client whose session cookie is put back after each example (an
    example's rollback undoes a sign-out, but not the cookie the client dropped)."""

    def __init__(self, client):
        self.client = client
        self.cookie = client.cookies.get(django_settings.SESSION_COOKIE_NAME)

    def restore(self):
        if self.cookie is not None:
            self.client.cookies[django_settings.SESSION_COOKIE_NAME] = self.cookie.value
        else:
            self.client.cookies.pop(django_settings.SESSION_COOKIE_NAME, None)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_form_survives_generated_input_from_every_role(name, world, client_for):
    entry = FORMS[name]
    kwargs = entry.kwargs(world)
    url = reverse(name, kwargs=kwargs)
    sessions = {role: Session(client_for(world.user(role))) for role in [*ROLES, None]}
    gettable = has_get(name, kwargs)
    if entry.page:
        page_name, page_kwargs, *query = entry.page
        page_url = reverse(page_name, kwargs=page_kwargs(world))
        page_url += query[0](world) if query else ""
    else:
        page_url = url if gettable else None

    # The roles that may post see the form.
    forms = {}
    for role in allowed_roles(entry):
        if page_url is None:
            forms[role] = None
            continue
        response = sessions[role].client.get(page_url)
        if (response.status_code == 302 and entry.redirects) or (
            entry.page and response.status_code != 200
        ):
            # A page that sends this user elsewhere, or another page they may not open: the
            # posts are generated without the form's fields.
            forms[role] = None
            continue
        assert response.status_code == 200, f"{role} gets {page_url}: {response.status_code}"
        form = form_posting_to(response.content.decode(), page_url, url)
        # A button of another page may be shown only in some states (watch or unwatch).
        assert form is not None or entry.page, f"{role} sees no form posting to {url}"
        forms[role] = form
    some_form = next((f for f in forms.values() if f is not None), None)
    defaults = some_form.defaults() if some_form else {}

    # The roles that may not post are refused, and what they send changes nothing.
    baseline = world.baseline
    for role in refused_roles(entry):
        session = sessions[role]
        with transaction.atomic():
            with capture_writes() as written:
                response = session.client.post(url, defaults)
            transaction.set_rollback(True)
        session.restore()
        assert is_refusal(response, entry, role), f"{role} POST {url}: {response.status_code}"
        assert not written, f"{role} was refused at {url} but wrote {written}"

    ids = ids_of(world)
    roles = list(forms)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        # A failing example is reported as found: shrinking a web request takes long.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        report_multiple_bugs=False,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def fuzz(data):
        role = data.draw(st.sampled_from(roles), label="role")
        sent = data.draw(payload(forms[role], ids), label="data")
        session = sessions[role]
        with transaction.atomic():
            with capture_writes() as written:
                response = session.client.post(url, sent)
            # An admin works across LEAs: what they write may point at the other LEA's rows.
            problems = check_written(
                written, baseline, world.other_rows, across_leas=role == Role.ADMIN
            )
            transaction.set_rollback(True)
        session.restore()
        assert response.status_code < 500, f"{role} POST {url}: {response.status_code}"
        assert not problems, problems

    fuzz()
