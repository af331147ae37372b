"""The money pages in headless Debian Chromium at a phone's size: each page of every role that
may read it passes an axe-core scan with no serious or critical violation, the browser reports
no CSP violation or script error, and no page is wider than the phone. The headteacher goes from
the "Our grant" panel to the school's money."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from consultants.factories import AdviserFactory, AllocationFactory, VisitFactory
from funding.factories import (
    BudgetFactory,
    ExpenditureReturnFactory,
    FundingRatesFactory,
    PaymentFactory,
)
from funding.models import PaymentStatus, ReturnStatus
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools.factories import KeyStageResultFactory, LocalAuthorityFactory, SchoolFactory
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
    """An LEA in its current programme year: two schools with grants, payments, a return,
    visits and results; the strategy manager, the PSCL, and Millfield's head and governor."""
    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    today = timezone.localdate()
    year = ProgrammeYearFactory(
        local_authority=lea, name="This year", starts_on=today - 60 * DAY, ends_on=today + 200 * DAY
    )
    FundingRatesFactory(programme_year=year)
    BudgetFactory(programme_year=year)
    millfield = SchoolFactory(
        local_authority=lea, name="Millfield Primary School", urn=120001, number_on_roll=118
    )
    oakwood = SchoolFactory(
        local_authority=lea, name="Oakwood Primary School", urn=120002, number_on_roll=240
    )
    users = {
        role: make_user(role, lea=lea, school=millfield, email=f"{role.lower()}@example.org")
        for role in (Role.MANAGER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR)
    }
    users[Role.ADMIN] = make_user(Role.ADMIN, email="admin@example.org")
    pscl = AdviserFactory(local_authority=lea, user=users[Role.CONSULTANT], full_name="David Hale")
    for school in (millfield, oakwood):
        participation = ParticipationFactory(programme_year=year, school=school)
        grant_compute(participation=participation)
        allocation = AllocationFactory(adviser=pscl, participation=participation)
        VisitFactory(allocation=allocation, visit_on=today - 10 * DAY, length="FULL_DAY")
        PaymentFactory(participation=participation, status=PaymentStatus.PAID)
        PaymentFactory(participation=participation, instalment=2, amount=Decimal("820.00"))
        PaymentFactory(participation=participation, pscl=True, allocation=allocation)
        KeyStageResultFactory(school=school, year=year.starts_on.year - 1)
        KeyStageResultFactory(school=school, year=year.ends_on.year)
    ExpenditureReturnFactory(participation=participation, status=ReturnStatus.QUERIED)
    return {"year": year, "users": users, "millfield": millfield}


def test_every_money_page_passes_axe_on_a_phone_and_the_head_finds_the_grant(
    live_server, people, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before and after
    # it, never during.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    users, year, millfield = people["users"], people["year"], people["millfield"]
    base = live_server.url
    pages = {
        Role.ADMIN: ["/funding/"],
        Role.MANAGER: [
            f"/funding/programme-years/{year.pk}/",
            f"/funding/programme-years/{year.pk}/value-for-money/",
            f"/funding/schools/{millfield.urn}/money/",
        ],
        Role.CONSULTANT: ["/", "/funding/my-payments/"],
        Role.GOVERNOR: ["/", f"/funding/schools/{millfield.urn}/money/"],
    }
    problems: list[str] = []
    scanned = {}
    too_wide = {}
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
                width = page.evaluate("() => document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    too_wide[(role, path)] = width
            context.close()

        # The headteacher goes from the home page's panel to the school's money.
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        collect_problems(page, problems)
        sign_in(page, base, users[Role.HEADTEACHER].email, DEMO_PASSWORD)
        expect(page.locator("#our-grant")).to_contain_text("£2,820.00")
        scanned[(Role.HEADTEACHER, "/")] = axe_violations(page)
        page.get_by_role("link", name="Our grant, payments and return").click()
        expect(page.locator("h1")).to_have_text("The programme's money")
        expect(page.locator("main")).to_contain_text("Paid so far: £1,000.00")
        scanned[(Role.HEADTEACHER, "money")] = axe_violations(page)
        context.close()
        browser.close()

    assert {key: found for key, found in scanned.items() if found} == {}
    assert too_wide == {}
    assert problems == []
