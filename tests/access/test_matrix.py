"""The permission matrix: every URL x method of config/access_policy.py x role (admin, strategy
manager, link adviser, PSCL, headteacher, governor, anonymous) x object (own, same LEA but not
theirs, other LEA), requested against one world (tests/access/world.py), each answer compared
with the one the table promises:

- anonymous: sent to sign in (the API: 401 or 403);
- a role the URL is not for: 403, or 404 when the object is outside what the role may see;
- an allowed role and an object outside its scope: 404;
- an allowed role and an object in scope: success (2xx, or a redirect that is not to sign in);
  for a change, anything but 403, 404, 405 or a server error.

No request may end in a server error, and a refused change must leave the database as it was
(row counts and latest history dates of the main tables). Every request runs in a savepoint that
is rolled back, so each one sees the same world.
"""

import copy
import dataclasses
import io
import json
import zipfile
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.urls import reverse

from config.access_policy import (
    OBJECT_KINDS,
    RULES,
    Access,
    Refusal,
    Scope,
    rule_for,
)
from tests.access.patterns import all_patterns
from tests.access.world import ACTOR_ROLES, RELATIONS, build_world, url_kwargs
from tests.worlds import rolled_back, signed_in_client

#: For each scope, the relations of the objects each role reaches (admin: all).
IN_SCOPE = {
    Scope.LEA: {
        "manager": {"own", "sibling"},
        "link_adviser": {"own", "sibling"},
        "pscl": {"own", "sibling"},
        "headteacher": {"own", "sibling"},
        "governor": {"own", "sibling"},
    },
    Scope.SCHOOL: {
        "manager": {"own", "sibling"},
        "link_adviser": {"own", "sibling"},
        "pscl": {"own"},
        "headteacher": {"own"},
        "governor": {"own"},
    },
    Scope.VISIT_NOTES: {
        "manager": {"own", "sibling"},
        "link_adviser": {"own"},
        "pscl": {"own"},
    },
    Scope.OWN_ADVISER: {
        "manager": {"own", "sibling"},
        "link_adviser": {"own", "sibling"},
        "pscl": {"own"},
    },
}
#: The objects (by relation) each role may see at all, by what the object belongs to or by kind:
#: a refused role gets 403 for an object it sees, 404 for any other (admins see everything).
SEEN = {
    "school": IN_SCOPE[Scope.SCHOOL],
    "adviser": IN_SCOPE[Scope.OWN_ADVISER],
    "lea": IN_SCOPE[Scope.LEA],
    # Recruitment is for those who oversee the LEA (Application.visible_to).
    "application": {"manager": {"own", "sibling"}, "link_adviser": {"own", "sibling"}},
    # Visit notes (docs/decisions/006); headteachers see planned visits only through the
    # schedule, which the visit pages do not use.
    "visit": IN_SCOPE[Scope.VISIT_NOTES],
    # Agreed actions: as the notes, and the school's headteacher (AgreedAction.visible_to).
    "agreed_action": {**IN_SCOPE[Scope.VISIT_NOTES], "headteacher": {"own"}},
}

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
OK, SIGN_IN, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND = "ok", "sign in", "401/403", 403, 404

#: The main tables whose row counts and latest history date make the fingerprint of the
#: database (a refused change must not move it).
FINGERPRINT_TABLES = (
    "schools_school",
    "leadership_participation",
    "leadership_leadershipteammember",
    "leadership_schoolvisit",
    "leadership_planpriority",
    "leadership_action",
    "leadership_planreview",
    "leadership_concern",
    "leadership_note",
    "consultants_adviser",
    "consultants_allocation",
    "consultants_visit",
    "consultants_agreedaction",
    "funding_payment",
    "funding_expenditurereturn",
    "funding_returnevidence",
    "reports_reportrun",
)
HISTORY_TABLES = (
    "leadership_historicalparticipation",
    "consultants_historicalvisit",
    "consultants_historicalallocation",
    "funding_historicalpayment",
    "funding_historicalexpenditurereturn",
)


def _fingerprint_sql():
    tables = set(connection.introspection.table_names())
    # The table names are the constants above, never input.
    parts = [f"(SELECT count(*) FROM {t})" for t in FINGERPRINT_TABLES if t in tables]  # noqa: S608
    parts += [
        f"(SELECT max(history_date) FROM {t})"  # noqa: S608
        for t in HISTORY_TABLES
        if t in tables
    ]
    return "SELECT " + ", ".join(parts)


def fingerprint(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world per module (and per xdist worker), committed in an outer transaction that is
    rolled back at the end; each test adds its own savepoint on top (the `db` fixture). Each
    actor gets one client, signed in once (second factor included, as conftest's sign-in does
    for every test client)."""
    with rolled_back(django_db_blocker):
        built = build_world()
        built.fingerprint_sql = _fingerprint_sql()
        built.clients = {name: signed_in_client(built.users.get(name)) for name in ACTOR_ROLES}
        yield built


PATTERNS = {}


def _patterns():
    if not PATTERNS:
        PATTERNS.update({p.key: p for p in all_patterns()})
    return PATTERNS


def _relations(rule):
    if rule.obj is None or OBJECT_KINDS[rule.obj][0] == "value":
        return ("own",)
    return RELATIONS


def expected(rule, name, method, actor, relation):
    """The answer the table promises."""
    role = ACTOR_ROLES[actor]
    if rule.access == Access.PUBLIC:
        return OK
    if role is None:
        return UNAUTHENTICATED if name.startswith("api:") else SIGN_IN
    allowed = role in rule.roles_for(method)
    kind_owner = OBJECT_KINDS[rule.obj][0] if rule.obj else "value"
    if kind_owner == "value" or rule.scope in (Scope.NONE, Scope.OWN_USER, Scope.TOKEN):
        in_scope = True
    else:
        in_scope = actor == "admin" or relation in IN_SCOPE[rule.scope].get(actor, set())
    if allowed and in_scope:
        return OK
    if allowed:
        return NOT_FOUND
    if rule.refusal == Refusal.NOT_FOUND or role in rule.hidden_from:
        return NOT_FOUND
    if rule.refusal == Refusal.ROLE_GATE:
        return FORBIDDEN
    if actor == "admin" or kind_owner == "value":
        return FORBIDDEN
    seen = SEEN.get(rule.obj, SEEN.get(kind_owner, {}))
    return FORBIDDEN if relation in seen.get(actor, ()) else NOT_FOUND


def _url(name, kwargs):
    pattern = _patterns()[name]
    if "year_pk" in pattern.kwargs and "year_pk" not in kwargs and "pk" in kwargs:
        year_pk = kwargs.pop("pk")
        kwargs = {**kwargs, "year_pk": year_pk}
    if name == "leadership:participation_move":
        kwargs = {**kwargs, "to_status": "DECLINED"}
    if name == "favicon.ico":
        return "/favicon.ico"
    return reverse(name, kwargs=kwargs)


#: What a POST sends where an empty form would be refused for want of its object (the page then
#: answers 404 for the missing choice, not for the user's access).
POST_DATA = {
    "consultants:match_suggestions": lambda world, relation: {
        "adviser": world.get("adviser", relation).pk
    },
    "api:visit-list": lambda world, relation: {
        "allocation": world.get("allocation", relation).pk,
        "action": "plan",
        "visit_on": "2004-12-13",
        "purpose": "Review the plan",
    },
    "api:visit-detail": lambda world, relation: {"action": "draft", "visit_on": "2004-12-13"},
    "api:plan-review-list": lambda world, relation: {
        "plan": world.get("plan_review", relation)[1].plan_id,
        "reviewed_on": "2004-11-26",
        "progress": "AMBER",
        "notes": "On track.",
    },
    "api:plan-review-detail": lambda world, relation: {
        "reviewed_on": "2004-11-26",
        "progress": "AMBER",
        "notes": "On track.",
    },
}

#: API list URLs whose POST names its object in the body: the kind and scope of that object.
BODY_OBJECTS = {
    "api:visit-list": ("allocation", Scope.SCHOOL),
    "api:plan-review-list": ("participation", Scope.SCHOOL),
}


#: The other LEA's name, which every one of its schools also bears (tests/access/world.py):
#: no page, export or API answer a non-admin of the own LEA gets may contain it.
OTHER_LEA_NAME = b"Southvale"


def other_lea_filters(world):
    """Filters naming the other LEA's records, added to every list: a list must not let them
    through (a filter narrows the user's scope, never widens it)."""
    school = world.get("school", "other")
    year = world.get("programme_year", "other")
    lea = world.leas["other"]
    return (
        f"?school={school.urn}&urn={school.urn}&lea={lea.code}&local_authority={lea.pk}"
        f"&year={year.pk}&programme_year={year.pk}&school_urn={school.urn}"
    )


#: The API lists, the kind of object each lists and its identifying field.
API_LISTS = {
    "api:lea-list": (("lea",), "id"),
    "api:school-list": (("school",), "urn"),
    "api:programme-year-list": (("programme_year",), "id"),
    "api:participation-list": (("participation",), "id"),
    "api:allocation-list": (("allocation",), "id"),
    "api:visit-list": (("visit", "submitted_visit"), "id"),
    "api:plan-review-list": (("plan_review",), "id"),
    "api:report-run-list": (("report_run",), "id"),
}


def api_ids(body, name):
    """The identifiers of the rows of an API list's page."""
    field = API_LISTS[name][1]
    return {row[field] for row in json.loads(body)["results"]}


def other_lea_ids(world, name):
    kinds, field = API_LISTS[name]
    ids = set()
    for kind in kinds:
        obj = world.get(kind, "other")
        if isinstance(obj, tuple):
            obj = obj[1]
        ids.add(getattr(obj, field))
    return ids


def leaks(world, client, name, actor, url, status):
    """What the last answer to a non-admin showed of the other LEA."""
    if status != 200 or actor == "admin":
        return []
    found = []
    if OTHER_LEA_NAME in client.last_body:
        found.append(f"{actor}: {url} shows the other LEA's records")
    if name in API_LISTS:
        leaked = api_ids(client.last_body, name) & other_lea_ids(world, name)
        if leaked:
            found.append(f"{actor}: {url} lists the other LEA's rows {sorted(leaked)}")
    return found


def request(client, method, url, is_api, fingerprint_sql=None, data=None):
    """The status and redirect target of one request, and whether it changed the database
    (when `fingerprint_sql` is given), in a savepoint that is rolled back afterwards; an
    exception in the view counts as a server error."""
    cookies = copy.deepcopy(client.cookies)
    try:
        return _request(client, method, url, is_api, fingerprint_sql, data or {})
    finally:
        # A sign-out or a password change answers with a new cookie: the next request must
        # still be the actor's.
        client.cookies = cookies


def _request(client, method, url, is_api, fingerprint_sql, data):
    with transaction.atomic():
        before = fingerprint(fingerprint_sql) if fingerprint_sql else None
        try:
            if method == "GET":
                response = client.get(url)
            elif is_api:
                body = json.dumps(data)
                response = client.generic(method, url, data=body, content_type="application/json")
            else:
                response = client.generic(
                    method, url, data=urlencode(data), content_type=FORM_CONTENT_TYPE
                )
        except Exception as error:
            transaction.set_rollback(True)
            return 500, f"{type(error).__name__}: {error}", False
        changed = fingerprint_sql is not None and fingerprint(fingerprint_sql) != before
        client.last_body = _body(response) if response.status_code == 200 else b""
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", ""), changed


def _body(response):
    """The bytes a person would read: an XLSX workbook's XML, any other response as sent."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            content = b"".join(
                workbook.read(member) for member in workbook.namelist() if member.endswith(".xml")
            )
    return content


def matches(want, status, location, method, public=False):
    if status >= 500:
        return False
    if want == OK:
        if location and "/login/" in location and not public:
            return False
        if method == "GET":
            return 200 <= status < 400
        return status not in (401, 403, 404, 405)
    if want == SIGN_IN:
        return status == 302 and "/accounts/login/" in location
    if want == UNAUTHENTICATED:
        return status in (401, 403)
    return status == want


def _cases():
    for name, rule in RULES.items():
        for method in rule.methods:
            yield pytest.param(name, method, id=f"{name}-{method}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), list(_cases()))
def test_each_url_answers_each_role_as_the_policy_says(world, name, method):
    rule = rule_for(name)
    url_rule = rule
    if method != "GET" and name in BODY_OBJECTS:
        kind, scope = BODY_OBJECTS[name]
        rule = dataclasses.replace(rule, obj=kind, scope=scope)
    is_api = name.startswith("api:")
    wrong = []
    for actor in ACTOR_ROLES:
        client = world.clients[actor]
        for relation in _relations(rule):
            url = _url(name, url_kwargs(world, url_rule.obj, relation, name))
            want = expected(rule, name, method, actor, relation)
            refused = want != OK and method != "GET"
            sql = world.fingerprint_sql if refused else None
            data = POST_DATA[name](world, relation) if name in POST_DATA else None
            status, location, changed = request(client, method, url, is_api, sql, data)
            public = rule.access == Access.PUBLIC
            if not matches(want, status, location, method, public):
                wrong.append(f"{actor} {relation}: {url} wanted {want}, got {status} {location}")
            if changed:
                wrong.append(f"{actor} {relation}: {url} was refused but changed the database")
            wrong += leaks(world, client, name, actor, url, status)
            if method == "GET" and url_rule.obj is None and status == 200 and actor != "admin":
                # The same list filtered on the other LEA's records: it narrows the user's
                # scope (or answers 404), never widens it.
                filtered = url + other_lea_filters(world)
                status, location, _ = request(client, method, filtered, is_api)
                if status not in (200, 404):
                    wrong.append(f"{actor}: {filtered} answered {status} {location}")
                wrong += leaks(world, client, name, actor, filtered, status)

    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_the_calendar_feed_answers_only_a_current_token(world):
    """The one URL open without signing in that shows records: a token that is not a PSCL's
    current one finds nothing."""
    client = world.clients["anonymous"]
    token = world.get("token", "own").calendar_token

    good = client.get(reverse("consultants:calendar_feed", kwargs={"token": token}))
    bad = client.get(reverse("consultants:calendar_feed", kwargs={"token": "not-" + token}))

    assert good.status_code == 200
    assert bad.status_code == 404
