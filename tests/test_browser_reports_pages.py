"""Every report page not walked by the reports journey passes an axe-core scan in headless
Debian Chromium, with no CSP violation or script error: the strategy manager's dashboard and
each early warning, the evaluation report's draft and thresholds, the report request forms, the
evaluation, caseload and funding statement reports as issued, and each user's notifications and
their preferences."""

import datetime

import pytest
from django.urls import reverse

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from config.celery import app
from conftest import make_user
from consultants.factories import AdviserFactory, AllocationFactory, VisitFactory
from funding.factories import FundingRatesFactory
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from reports.models import ReportKind, RunStatus
from reports.selectors.dashboard import WarningKind
from reports.services.runs import run_generate, run_request
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

TODAY = datetime.date(2004, 11, 26)


@pytest.fixture
def northmoor(settings, tmp_path, monkeypatch):
    """Northmoor's 2004-05 programme as on 26 November 2004: three schools with a PSCL and a
    grant, one visited, and its three LEA reports issued."""
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.MEDIA_ROOT = tmp_path
    settings.PLP_TODAY = TODAY
    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    year = ProgrammeYearFactory(local_authority=lea)
    FundingRatesFactory(programme_year=year)
    manager = make_user(Role.MANAGER, lea=lea, email="manager@northmoor.example.org")
    pscl = AdviserFactory(local_authority=lea, full_name="David Hughes")
    for number in range(3):
        school = SchoolFactory(local_authority=lea, urn=120001 + number, number_on_roll=150)
        participation = ParticipationFactory(
            programme_year=year, school=school, joined_on=datetime.date(2004, 9, 6)
        )
        grant_compute(participation=participation)
        allocation = AllocationFactory(adviser=pscl, participation=participation)
        if number == 0:
            VisitFactory(allocation=allocation, visit_on=datetime.date(2004, 11, 12))
    runs = []
    for kind in (ReportKind.LEA_EVALUATION, ReportKind.PSCL_CASELOAD, ReportKind.FUNDING_STATEMENT):
        run = run_request(kind=kind, programme_year=year, by=manager, idempotency_key=f"axe:{kind}")
        runs.append(run_generate(run.pk))
    assert [run.status for run in runs] == [RunStatus.DONE] * 3
    governor = make_user(Role.GOVERNOR, school=school, email="governor@northmoor.example.org")
    return year, manager, governor, runs


def _scan(page, base_url, paths) -> dict[str, list[str]]:
    """The serious and critical axe violations of each page, by path (pages with none left
    out), after checking each page answered."""
    found = {}
    for path in paths:
        response = page.goto(base_url + path)
        assert response.status == 200, path
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    return found


def test_the_managers_and_a_governors_report_pages_pass_axe(live_server, northmoor, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    year, manager, governor, runs = northmoor
    manager_paths = [
        reverse("reports:dashboard"),
        *(reverse("reports:warning_detail", args=[kind.value]) for kind in WarningKind),
        reverse("reports:evaluation_draft", args=[year.pk]),
        reverse("reports:evaluation_thresholds", args=[year.pk]),
        reverse("reports:request_governor"),
        reverse("reports:request_caseload"),
        reverse("reports:request_statement"),
        reverse("reports:batch_list"),
        *(reverse("reports:run_detail", args=[run.pk]) for run in runs),
        reverse("reports:notification_list"),
        reverse("reports:notification_preferences"),
    ]
    governor_paths = [
        reverse("reports:run_list"),
        reverse("reports:notification_list"),
        reverse("reports:notification_preferences"),
    ]
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        found = {}
        for user, paths in ((manager, manager_paths), (governor, governor_paths)):
            context = browser.new_context()
            page = context.new_page()
            collect_problems(page, problems)
            sign_in(page, live_server.url, user.email, DEMO_PASSWORD)
            found.update(
                {
                    f"{user.get_role_display()} {path}": v
                    for path, v in _scan(page, live_server.url, paths).items()
                }
            )
            context.close()
        browser.close()

    assert found == {}
    assert problems == []
