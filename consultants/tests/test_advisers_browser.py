"""Every adviser, recruitment and password page in headless Debian Chromium, at desktop and phone
width: no serious or critical axe-core violation, no CSP violation or script error."""

import datetime

import pytest
from django.urls import reverse

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from consultants.factories import (
    AdviserFactory,
    ApplicationFactory,
    AttachmentFactory,
    ConflictDeclarationFactory,
    DeclaredConflictFactory,
    LinkAdviserFactory,
)
from consultants.models import ApplicationStatus
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
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

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def world():
    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    year = ProgrammeYearFactory(local_authority=lea)
    school = SchoolFactory(local_authority=lea, name="Millfield Primary School", urn=120001)
    ParticipationFactory(programme_year=year, school=school)
    manager = make_user(Role.MANAGER, lea=lea, email="manager@northmoor.example.org")
    pscl_user = make_user(Role.CONSULTANT, lea=lea, email="david@northmoor.example.org")
    pscl = AdviserFactory(local_authority=lea, user=pscl_user, full_name="David Okafor")
    undeclared = AdviserFactory(local_authority=lea, full_name="Amira Shah")
    declaration = ConflictDeclarationFactory(adviser=pscl, programme_year=year)
    DeclaredConflictFactory(declaration=declaration, school=school)
    AttachmentFactory(school=school, adviser=LinkAdviserFactory(local_authority=lea))
    received = ApplicationFactory(programme_year=year)
    shortlisted = ApplicationFactory(programme_year=year, status=ApplicationStatus.SHORTLISTED)
    interviewed = ApplicationFactory(
        programme_year=year,
        status=ApplicationStatus.INTERVIEWED,
        interviewed_on=datetime.date(2004, 6, 14),
        interview_score=15,
    )
    pages = [
        reverse("consultants:adviser_list"),
        reverse("consultants:adviser_add"),
        reverse("consultants:adviser_detail", args=[pscl.pk]),
        reverse("consultants:adviser_edit", args=[pscl.pk]),
        reverse("consultants:capacity_edit", args=[pscl.pk, year.pk]),
        reverse("consultants:training_edit", args=[pscl.pk, year.pk]),
        reverse("consultants:declaration_edit", args=[pscl.pk, year.pk]),
        reverse("consultants:school_advisers", args=[school.urn]),
        reverse("consultants:application_list", args=[year.pk]),
        reverse("consultants:application_add", args=[year.pk]),
        reverse("consultants:application_detail", args=[received.pk]),
        reverse("consultants:application_edit", args=[received.pk]),
        reverse("consultants:application_recommend", args=[received.pk]),
        reverse("consultants:application_step", args=[shortlisted.pk]),
        reverse("consultants:application_step", args=[interviewed.pk]),
        # A PSCL who has not declared yet: sent empty, the declaration is refused.
        reverse("consultants:declaration_edit", args=[undeclared.pk, year.pk]),
    ]
    pscl_pages = [
        reverse("consultants:adviser_detail", args=[pscl.pk]),
        reverse("consultants:declaration_edit", args=[pscl.pk, year.pk]),
    ]
    return manager, pscl_user, pages, pscl_pages


def test_every_page_passes_axe_at_desktop_and_phone_width(live_server, world, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    manager, pscl_user, pages, pscl_pages = world
    # The forms whose error states are scanned too, each sent empty.
    error_forms = [pages[i] for i in (1, 9, 12, 13, 15)]
    problems: list[str] = []
    found: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for viewport in ({"width": 1280, "height": 900}, PHONE):
            for user, paths in ((manager, pages), (pscl_user, pscl_pages), (None, None)):
                context = browser.new_context(viewport=viewport)
                page = context.new_page()
                collect_problems(page, problems)
                if user is None:
                    paths = [
                        reverse("accounts:login"),
                        reverse("accounts:password_reset"),
                        reverse("accounts:password_reset_done"),
                        reverse("accounts:password_reset_complete"),
                        reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]),
                    ]
                else:
                    sign_in(page, live_server.url, user.email, DEMO_PASSWORD)
                for path in paths:
                    response = page.goto(f"{live_server.url}{path}")
                    assert response.status == 200, path
                    assert page.locator("h1").count() == 1, path
                    violations = axe_violations(page)
                    if violations:
                        found[f"{viewport['width']} {path}"] = violations
                if user is manager and viewport is not PHONE:
                    for path in error_forms:
                        page.goto(f"{live_server.url}{path}")
                        # Wait for the answer to the post before counting, not the page before it.
                        with page.expect_navigation():
                            page.locator("main form[method=post] button.govuk-button").last.click()
                        assert page.locator(".govuk-error-summary").count() == 1, path
                        violations = axe_violations(page)
                        if violations:
                            found[f"errors {path}"] = violations
                context.close()
        browser.close()
    assert found == {}
    assert problems == []
