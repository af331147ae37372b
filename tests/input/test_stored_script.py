"""Bad input (issue 8, item 10): text with script in it, stored in every free-text field of
every record, never runs in a page or a PDF. Each page of the project (tests/input/pages_table.py
and the form pages of tests/input/forms_table.py) is rendered for every role with the payloads of
tests/input/poison.py stored through the ORM: no page holds the markup unescaped, the fields a
page shows appear escaped, the HTML given to WeasyPrint is escaped too, and WeasyPrint fetches
nothing but the site's static files."""

import urllib.request

import pytest
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from weasyprint.urls import URLFetcher

import leadership.pdf
from leadership.pdf import StaticFilesFetcher, html_to_pdf
from reports.factories import ReportRunFactory
from reports.models import RunStatus
from reports.services.runs import run_generate

from .forms_table import FORMS
from .pages_table import PAGES, url_name
from .poison import raw_markers_in, tags_shown_escaped
from .test_form_fuzzing import SKIPPED_PREFIXES, has_get
from .world import ROLES

pytestmark = pytest.mark.django_db

#: Fields that an admin must find (escaped) on some page: the text people write and read most.
MUST_SHOW = {
    "accounts.User.full_name",
    "schools.School.name",
    "schools.School.barriers_commentary",
    "leadership.Note.text",
    "leadership.Concern.summary",
    "leadership.Participation.status_reason",
    "leadership.LeadershipTeamMember.full_name",
    "leadership.SchoolVisit.purpose",
    "leadership.ActionPlan.summary",
    "leadership.PlanPriority.title",
    "leadership.SuccessCriterion.description",
    "leadership.Action.description",
    "leadership.PlanReview.notes",
    "consultants.Adviser.full_name",
    "consultants.Application.letter_text",
    "consultants.Visit.notes",
    "consultants.AgreedAction.what",
    "funding.OtherSpending.description",
    "funding.ReturnEvidence.original_name",
    "reports.ReportRun.title",
}
DOWNLOADS = ("text/csv", "application/vnd.openxmlformats")


@pytest.fixture(scope="module")
def poisoned(world, django_db_blocker):
    """{tag: field} of the payloads stored in the world, and a governor report generated from
    the poisoned records (`world.own.objects["run"]`)."""
    from .poison import poison_world

    with django_db_blocker.unblock():
        tags = poison_world()
        run = ReportRunFactory(programme_year=world.own.year, school=world.own.school)
        run_generate(run.pk)
        run.refresh_from_db()
        assert run.status == RunStatus.DONE, run.error
        world.own.objects["run"] = run
    return tags


def get_urls() -> set:
    """The names of every URL outside admin/ and api/ whose view answers GET."""
    names = set()

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                walk(entry, prefix + str(entry.pattern), ns)
                continue
            assert isinstance(entry, URLPattern)
            route = prefix + str(entry.pattern)
            view_class = getattr(entry.callback, "view_class", None)
            if route.startswith(SKIPPED_PREFIXES) or route == "favicon.ico":
                continue
            if view_class is None or hasattr(view_class, "get"):
                names.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver(), "", None)
    return names


def page_urls(world):
    """(name, url) of every page to render: the pages, then the form pages that answer GET."""
    for key, kwargs in PAGES.items():
        yield key, reverse(url_name(key), kwargs=kwargs(world))
    for name, entry in FORMS.items():
        kwargs = entry.kwargs(world)
        if has_get(name, kwargs):
            yield name, reverse(name, kwargs=kwargs)


def test_every_page_is_rendered():
    """A new page fails this test until tests/input/pages_table.py lists it."""
    listed = {url_name(key) for key in PAGES} | set(FORMS)
    missing = sorted(get_urls() - listed)
    assert not missing, f"pages with no entry in tests/input/pages_table.py: {missing}"


@pytest.fixture
def pdf_html(monkeypatch):
    """The HTML documents given to WeasyPrint during the test."""
    documents = []
    real = leadership.pdf.HTML

    def spy(*args, string=None, **kwargs):
        documents.append(string)
        return real(*args, string=string, **kwargs)

    monkeypatch.setattr(leadership.pdf, "HTML", spy)
    return documents


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_no_page_runs_stored_script(role, world, poisoned, client_for, pdf_html):
    client = client_for(world.user(role))
    problems, shown, rendered = [], set(), 0
    for name, url in page_urls(world):
        response = client.get(url)
        if response.status_code != 200:
            continue
        rendered += 1
        content_type = response["Content-Type"]
        if response.get("X-Content-Type-Options") != "nosniff":
            problems.append(f"{name}: no X-Content-Type-Options: nosniff")
        body = body_of(response)
        if content_type.startswith(("text/html", "application/json")):
            text = body.decode()
            if found := raw_markers_in(text):
                problems.append(f"{name} ({url}) shows unescaped {found}")
            shown |= tags_shown_escaped(text, poisoned)
        elif content_type.startswith(DOWNLOADS) and "attachment" not in response.get(
            "Content-Disposition", ""
        ):
            problems.append(f"{name}: a {content_type} download not sent as an attachment")
    for document in pdf_html:
        if found := raw_markers_in(document):
            problems.append(f"a PDF's HTML holds unescaped {found}")
    assert rendered > 5, f"{role} could open only {rendered} pages"
    assert not problems, "\n".join(problems)
    shown_fields = {poisoned[tag] for tag in shown}
    if role == ROLES[0]:
        assert shown_fields >= MUST_SHOW, sorted(MUST_SHOW - shown_fields)


def test_the_generated_report_and_its_pdf_are_escaped(world, poisoned, client_for, pdf_html):
    run = world.own.run
    assert not raw_markers_in(run.html)
    assert tags_shown_escaped(run.html, poisoned)
    page = client_for(world.admin).get(reverse("reports:run_detail", args=[run.pk]))
    assert not raw_markers_in(page.content.decode())
    for name in ("leadership:participation_letter_pdf", "funding:grant_letter_pdf"):
        response = client_for(world.admin).get(reverse(name, args=[world.own.participation.pk]))
        assert response["Content-Type"] == "application/pdf"
    assert len(pdf_html) == 2
    for document in pdf_html:
        assert not raw_markers_in(document)
        assert tags_shown_escaped(document, poisoned)


HOSTILE = """<html><body><p>Letter</p>
<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/tracker.png">
<img src="https://example.org/x.png"><img src="/static/../../../../etc/passwd">
<img src="/media/evidence/secret.pdf"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">
<div style="background: url(file:///etc/hostname)">x</div></body></html>"""


def test_weasyprint_fetches_nothing_but_static_files(monkeypatch):
    fetched = []
    monkeypatch.setattr(URLFetcher, "fetch", lambda self, url, *a, **k: fetched.append(url))
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: fetched.append(a))

    pdf = html_to_pdf(HOSTILE, base_url="http://testserver/")

    assert pdf.startswith(b"%PDF")
    assert fetched == []
    fetcher = StaticFilesFetcher("http://testserver/")
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/tracker.png",
        "http://testserver/static/../../etc/passwd",
        "http://testserver/static/%2e%2e/%2e%2e/etc/passwd",
        "http://testserver/media/evidence/secret.pdf",
        "data:text/html,<script>1</script>",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    css = fetcher.fetch(f"http://testserver{static('css/print.css')}")
    assert css  # the site's own static files are still served
