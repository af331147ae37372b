"""Matching in headless Chromium on a phone-sized window: the strategy manager opens the board,
a school's suggestions, confirms a PSCL over capacity (after the warning), reviews suggest-all;
the headteacher asks for another PSCL. Every page passes an axe-core scan with no serious or
critical violation, and the browser reports no CSP violation or script error."""

import pytest

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from consultants.models import Allocation, AllocationStatus
from consultants.tests.test_allocations_services import build_map
from schools.factories import LocalAuthorityFactory
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

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def journey():
    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    manager = make_user(Role.MANAGER, lea=lea, email="manager@northmoor.example.org")
    the_map = build_map(lea, manager)
    the_map.pscls["alice"].capacities.update(max_schools=2)
    head = make_user(
        Role.HEADTEACHER,
        school=the_map.places["ashby"],
        email="head@ashby.example.org",
    )
    return the_map, head


def test_the_manager_matches_and_the_headteacher_asks_for_a_change(
    live_server, journey, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before and after
    # it, never during.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    the_map, head = journey
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=PHONE)
        collect_problems(page, problems)
        sign_in(page, live_server.url, "manager@northmoor.example.org", DEMO_PASSWORD)

        page.goto(f"{live_server.url}/consultants/programme-years/{the_map.year.pk}/matching/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Matching PSCLs to schools")
        assert axe_violations(page) == []

        page.get_by_role("link", name="Suggestions for Ashby Primary").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Choose a PSCL")
        assert axe_violations(page) == []
        # Alice is full: confirming her asks the manager to accept going over capacity.
        page.get_by_text("Confirm Alice Archer over capacity").click()
        page.get_by_role("button", name="Confirm Alice Archer").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("over capacity")
        assert axe_violations(page) == []
        page.get_by_label("I accept that this takes the PSCL over capacity").check()
        page.get_by_role("button", name="Confirm Alice Archer").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("PSCL: Alice Archer")
        assert axe_violations(page) == []

        page.goto(
            f"{live_server.url}/consultants/programme-years/{the_map.year.pk}/matching/suggest-all/"
        )
        expect(page.get_by_role("heading", level=1)).to_have_text("Suggest a PSCL for every school")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Save these matches").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Matching PSCLs to schools")

        page.context.clear_cookies()
        sign_in(page, live_server.url, head.email, DEMO_PASSWORD)
        allocation = Allocation.objects.get(participation=the_map.participations["ashby"])
        page.goto(f"{live_server.url}/consultants/allocations/{allocation.pk}/")
        page.get_by_role("link", name="Ask for another PSCL").click()
        page.get_by_role("button", name="Ask for another PSCL").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Say why")
        assert axe_violations(page) == []
        page.get_by_label("Why does the school want another PSCL?").fill("We need maths.")
        page.get_by_role("button", name="Ask for another PSCL").click()
        expect(page.locator(".govuk-summary-list")).to_contain_text("Change asked for")
        assert axe_violations(page) == []
        browser.close()

    assert problems == []
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.CHANGE_REQUESTED
    matched = Allocation.objects.current().filter(participation__programme_year=the_map.year)
    assert matched.count() == 6
