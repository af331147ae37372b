"""The termly governor reports' journey in headless Debian Chromium (issue 6, item 9): the
strategy manager starts the autumn reports for every active school of a small LEA and watches
the progress bar reach done, then signs out; the chair of governors of Millfield signs in, opens
Reports, reads the school's report and downloads its PDF. Every report page on the way passes
an axe-core scan, and the browser reports no CSP violation or script error.

Without REDIS_URL the tasks run in the request once it commits (as in `make run`), so the batch
is finished when its page first opens: the page must then show every report done and stop
polling."""

import re

import pytest

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from config.celery import app
from conftest import make_user
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from reports.factories import ReportBatchFactory, ReportRunFactory
from reports.models import ReportAccess, ReportBatch, RunStatus
from reports.services.runs import run_generate
from schools.factories import LocalAuthorityFactory, SchoolFactory
from tests.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    collect_problems,
    sign_in,
    skip_without_chromium,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

skip_without_chromium()

SCHOOLS = ("Millfield Primary School", "Oakwood Primary School", "Upton Primary School")


@pytest.fixture
def small_lea(settings, tmp_path, monkeypatch):
    """Northmoor's 2004-05 programme with three active schools, its strategy manager, and the
    chair of governors of Millfield. Tasks run in-process, as without REDIS_URL, even when the
    suite has a broker (the real worker is tested in tests/test_celery_reports.py)."""
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.MEDIA_ROOT = tmp_path
    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    year = ProgrammeYearFactory(local_authority=lea)
    schools = [
        SchoolFactory(local_authority=lea, name=name, urn=120001 + n, number_on_roll=110 + n * 60)
        for n, name in enumerate(SCHOOLS)
    ]
    for school in schools:
        ParticipationFactory(programme_year=year, school=school)
    manager = make_user(
        Role.MANAGER, lea=lea, email="manager@northmoor.example.org", full_name="Priya Shah"
    )
    governor = make_user(
        Role.GOVERNOR,
        school=schools[0],
        email="chair@millfield.example.org",
        full_name="Daniel Okafor",
    )
    return year, manager, governor


def test_a_manager_runs_the_terms_reports_and_a_governor_reads_and_downloads_theirs(
    live_server, small_lea, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before and after
    # it, never during.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    year, manager, governor = small_lea
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        # The strategy manager opens Reports and starts the autumn term's governor reports.
        manager_context = browser.new_context()
        page = manager_context.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, manager.email, DEMO_PASSWORD)
        page.get_by_role("navigation", name="Menu").get_by_role(
            "link", name="Reports", exact=True
        ).click()
        expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_role("link", name="Governor progress reports for every active school").click()
        expect(
            page.get_by_role("heading", name="Start the governor reports", level=1)
        ).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_label("Programme year").select_option(label=year.name)
        page.get_by_label("Autumn term").check()
        page.get_by_role("button", name="Start the reports").click()

        # ... and watches the progress bar reach done.
        expect(
            page.get_by_role("heading", name="Governor reports, autumn term", level=1)
        ).to_be_visible()
        expect(page.locator("#batch-counts")).to_contain_text(
            "All 3 reports finished: 3 done, 0 failed."
        )
        expect(page.get_by_role("progressbar", name="Reports finished")).to_have_attribute(
            "value", "100"
        )
        assert page.locator("#batch-progress").get_attribute("hx-trigger") is None
        for name in SCHOOLS:
            expect(page.locator("#batch-progress")).to_contain_text(name)
        assert axe_violations(page) == []

        # The manager reads one report of the batch, then signs out.
        page.get_by_role("link", name="Read the report for Oakwood Primary School").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Oakwood Primary School")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        manager_context.close()

        # The chair of governors signs in, opens Reports and reads Millfield's report.
        governor_context = browser.new_context(accept_downloads=True)
        page = governor_context.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, governor.email, DEMO_PASSWORD)
        page.get_by_role("navigation", name="Menu").get_by_role(
            "link", name="Reports", exact=True
        ).click()
        expect(page.get_by_role("heading", name="Autumn term 2004-05", level=2)).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("Oakwood")
        assert axe_violations(page) == []
        page.get_by_role("link", name=re.compile(r"^Read ")).click()
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_contain_text("Millfield Primary School")
        expect(page.locator("main")).to_contain_text("Data as read at")
        assert axe_violations(page) == []

        # ... and downloads the PDF for the governors' meeting.
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download PDF").click()
        download = download_info.value
        with open(download.path(), "rb") as pdf:
            pdf_bytes = pdf.read()
        governor_context.close()
        browser.close()

    assert problems == []
    assert pdf_bytes.startswith(b"%PDF")
    assert download.suggested_filename.endswith(".pdf")
    batch = ReportBatch.objects.get()
    assert set(batch.runs.values_list("status", flat=True)) == {RunStatus.DONE}
    millfield_run = batch.runs.get(school__name=SCHOOLS[0])
    assert sorted(ReportAccess.objects.filter(user=governor).values_list("run", "format")) == [
        (millfield_run.pk, ReportAccess.Format.HTML),
        (millfield_run.pk, ReportAccess.Format.PDF),
    ]


def test_pages_waiting_for_reports_update_themselves_until_the_reports_are_done(
    live_server, small_lea, monkeypatch
):
    """A report and a batch left queued (as when a worker has not picked them up yet): their
    pages poll with htmx, and turn into the report and a full progress bar once the worker has
    produced them, with no script of the page's own and no CSP violation."""
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    year, manager, governor = small_lea
    millfield = governor.school
    run = ReportRunFactory(programme_year=year, school=millfield, requested_by=manager)
    batch = ReportBatchFactory(programme_year=year, requested_by=manager, total=1)
    batch_run = ReportRunFactory(programme_year=year, school=millfield, batch=batch)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, manager.email, DEMO_PASSWORD)

        # The run's page waits, then shows the report once a worker has made it.
        page.goto(f"{live_server.url}/reports/{run.pk}/")
        expect(page.locator("#run-status")).to_contain_text("waiting to be made")
        assert axe_violations(page) == []
        run_generate(run.pk)
        expect(page.get_by_role("link", name="Download PDF")).to_be_visible(timeout=10_000)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Millfield Primary School")

        # The batch's progress bar moves from nothing to done, and the polling stops.
        page.goto(f"{live_server.url}/reports/batches/{batch.pk}/")
        progress = page.get_by_role("progressbar", name="Reports finished")
        expect(progress).to_have_attribute("value", "0")
        run_generate(batch_run.pk)
        expect(progress).to_have_attribute("value", "100", timeout=10_000)
        expect(page.locator("#batch-counts")).to_contain_text("All 1 report finished")
        assert page.locator("#batch-progress").get_attribute("hx-trigger") is None
        assert axe_violations(page) == []

        # The form that asks for one school's report.
        page.goto(f"{live_server.url}/reports/new/governor/?school={millfield.urn}")
        expect(
            page.get_by_role("heading", name="Ask for a governor progress report", level=1)
        ).to_be_visible()
        assert axe_violations(page) == []
        browser.close()

    assert problems == []
