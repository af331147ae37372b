"""The people's pages in headless Debian Chromium at a phone's size: each page of every role
passes an axe-core scan with no serious or critical violation, and the browser reports no CSP
violation or script error. The headteacher rates the PSCL's support from the home page."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from consultants.factories import (
    AdviserFactory,
    AgreedActionFactory,
    AllocationFactory,
    AttachmentFactory,
    CapacityFactory,
    LinkAdviserFactory,
    PreVisitNoteFactory,
    SupportEvaluationFactory,
    VisitFactory,
)
from consultants.models import SupportEvaluation, Term
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

PHONE = {"width": 375, "height": 812}
DAY = datetime.timedelta(days=1)


@pytest.fixture
def people():
    """An LEA in its current programme year: a PSCL with two schools, visits and actions, the
    link adviser of one school, its headteacher, and the strategy manager."""
    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    today = timezone.localdate()
    year = ProgrammeYearFactory(
        local_authority=lea, name="This year", starts_on=today - 60 * DAY, ends_on=today + 200 * DAY
    )
    millfield = SchoolFactory(local_authority=lea, name="Millfield Primary School", urn=120001)
    oakwood = SchoolFactory(local_authority=lea, name="Oakwood Primary School", urn=120002)
    users = {
        role: make_user(role, lea=lea, school=millfield, email=f"{role.lower()}@example.org")
        for role in (Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER)
    }
    pscl = AdviserFactory(local_authority=lea, user=users[Role.CONSULTANT], full_name="David Hale")
    CapacityFactory(adviser=pscl, programme_year=year)
    link = LinkAdviserFactory(local_authority=lea, user=users[Role.LINK_ADVISER])
    AttachmentFactory(adviser=link, school=millfield)
    allocations = []
    for school in (millfield, oakwood):
        allocation = AllocationFactory(
            adviser=pscl,
            participation=ParticipationFactory(programme_year=year, school=school),
            planned_days=Decimal("1.0"),
        )
        visit = VisitFactory(allocation=allocation, visit_on=today - 10 * DAY)
        VisitFactory(allocation=allocation, visit_on=today - 3 * DAY, length="FULL_DAY")
        AgreedActionFactory(visit=visit, due_on=today - DAY)
        planned = VisitFactory(allocation=allocation, planned=True, visit_on=today + 4 * DAY)
        allocations.append(allocation)
    PreVisitNoteFactory(visit=planned)
    SupportEvaluationFactory(allocation=allocations[1], term=Term.AUTUMN, rating=2)
    return {"year": year, "pscl": pscl, "users": users, "millfield": allocations[0]}


def test_every_page_passes_axe_on_a_phone_and_the_head_rates_the_support(
    live_server, people, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before and after
    # it, never during.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    users, year, pscl = people["users"], people["year"], people["pscl"]
    base = live_server.url
    pages = {
        Role.CONSULTANT: ["/", "/consultants/my-schools/"],
        Role.LINK_ADVISER: ["/", "/consultants/visit-notes/", "/consultants/visit-notes/?school=1"],
        Role.MANAGER: [
            "/consultants/pscls/",
            f"/consultants/programme-years/{year.pk}/pscls/{pscl.pk}/evaluations/",
        ],
    }
    problems: list[str] = []
    scanned = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for role, paths in pages.items():
            context = browser.new_context(viewport=PHONE)
            page = context.new_page()
            collect_problems(page, problems)
            sign_in(page, base, users[role].email, DEMO_PASSWORD)
            for path in paths:
                page.goto(f"{base}{path}")
                expect(page.locator("h1")).to_have_count(1)
                scanned[(role, path)] = axe_violations(page)
            context.close()

        # The headteacher finds the rating from the "Our PSCL" panel, makes a mistake, rates.
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        collect_problems(page, problems)
        sign_in(page, base, users[Role.HEADTEACHER].email, DEMO_PASSWORD)
        expect(page.locator("#our-pscl")).to_contain_text("David Hale")
        scanned[(Role.HEADTEACHER, "/")] = axe_violations(page)
        page.get_by_role("link", name="Rate David Hale's support this term").click()
        page.get_by_label("Spring term").check()
        page.get_by_role("button", name="Save the rating").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a rating")
        scanned[(Role.HEADTEACHER, "error")] = axe_violations(page)
        page.get_by_label("Spring term").check()
        page.get_by_label("4 Good").check()
        page.get_by_label("Comments").fill("Clear advice on the maths priority.")
        page.get_by_role("button", name="Save the rating").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("spring term")
        scanned[(Role.HEADTEACHER, "rated")] = axe_violations(page)
        context.close()
        browser.close()

    assert {key: found for key, found in scanned.items() if found} == {}
    assert problems == []
    evaluation = SupportEvaluation.objects.get(allocation=people["millfield"])
    assert (evaluation.term, evaluation.rating) == (Term.SPRING, 4)
