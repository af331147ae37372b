"""The strategy manager's money pages in headless Debian Chromium at a phone's size (issue 5,
items 3 and 4): the budget and its form (with an error), the payments with filters,
scheduling, marking paid, cancelling, the PSCL payments due, the statement, and a
participation accepted beyond the budget with its reason box. Every page passes an axe-core
scan with no serious or critical violation, and the browser reports no CSP violation or
script error."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from consultants.factories import AdviserFactory, AllocationFactory, VisitFactory
from funding.factories import BudgetFactory, PaymentFactory
from funding.models import PaymentStatus
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
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


@pytest.fixture
def money():
    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    year = ProgrammeYearFactory(local_authority=lea)
    held = ParticipationFactory(
        programme_year=year,
        school=SchoolFactory(local_authority=lea, name="Millfield Primary", number_on_roll=121),
    )
    grant_compute(participation=held)
    BudgetFactory(programme_year=year, allocation_received=held.grant.total * 2 - 1)
    invited = ParticipationFactory(
        programme_year=year,
        school=SchoolFactory(local_authority=lea, name="Oakwood Primary", number_on_roll=200),
        status=ParticipationStatus.INVITED,
    )
    scheduled = PaymentFactory(participation=held, amount=Decimal("1185.00"))
    PaymentFactory(participation=held, amount=Decimal("1185.00"), status=PaymentStatus.PAID)
    allocation = AllocationFactory(
        adviser=AdviserFactory(local_authority=lea),
        participation=ParticipationFactory(
            programme_year=year, school=SchoolFactory(local_authority=lea, number_on_roll=90)
        ),
    )
    VisitFactory(allocation=allocation, visit_on=datetime.date(2004, 10, 12))
    manager = make_user(Role.MANAGER, lea=lea)
    return year, held, invited, scheduled, manager


def test_the_managers_money_pages_are_accessible_on_a_phone(live_server, money, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before and after
    # it, never during.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    year, held, invited, scheduled, manager = money
    base = live_server.url
    pages = [
        reverse("funding:budget", args=[year.pk]),
        reverse("funding:budget_edit", args=[year.pk]),
        reverse("funding:payment_list", args=[year.pk]) + "?status=SCHEDULED",
        reverse("funding:payments_schedule", args=[held.pk]),
        reverse("funding:payment_paid", args=[scheduled.pk]),
        reverse("funding:payment_cancel", args=[scheduled.pk]),
        reverse("funding:pscl_payments", args=[year.pk]) + "?up_to_0=31&up_to_1=12&up_to_2=2004",
        reverse("funding:statement", args=[year.pk]),
    ]
    problems: list[str] = []
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        collect_problems(page, problems)
        sign_in(page, base, manager.email, DEMO_PASSWORD)
        for path in pages:
            page.goto(base + path)
            found[path] = axe_violations(page)

        # The budget form with an error.
        page.goto(base + reverse("funding:budget_edit", args=[year.pk]))
        page.get_by_label("Allocation received (GBP)").fill("lots")
        page.get_by_role("button", name="Save the budget").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        found["budget error"] = axe_violations(page)

        # Accepting Oakwood goes past the budget: the limit and the reason box.
        page.goto(base + reverse("leadership:participation_detail", args=[invited.pk]))
        page.get_by_role("button", name="Accept the place").click()
        expect(page.get_by_label("Reason to go beyond a limit")).to_be_visible()
        found["override"] = axe_violations(page)
        page.get_by_label("Reason to go beyond a limit").fill("Top-up confirmed.")
        page.get_by_role("button", name="Accept the place").click()
        # The move answers with a redirect to the participation page; wait for it before going on.
        expect(page.get_by_text("Oakwood Primary is now accepted.")).to_be_visible()
        page.goto(base + reverse("funding:budget", args=[year.pk]))
        expect(page.get_by_text("Top-up confirmed.")).to_be_visible()
        browser.close()

    assert {path: v for path, v in found.items() if v} == {}
    assert problems == []
