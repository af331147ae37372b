"""The strategy manager's first journey, in headless Debian Chromium driven by Playwright:
sign in, filter the school list, open a school's background file. Every page on the way passes an
axe-core scan with no serious or critical violation, and the browser reports no Content Security
Policy violation or script error."""

from decimal import Decimal

import pytest

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from schools.factories import (
    InspectionFactory,
    KeyStage2TargetFactory,
    KeyStageResultFactory,
    LocalAuthorityFactory,
    SchoolFactory,
    ValueAddedFactory,
)
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


@pytest.fixture
def journey_data():
    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    other = LocalAuthorityFactory(code="992", name="Southvale")
    millfield = SchoolFactory(
        local_authority=lea, name="Millfield Primary School", urn=120001, number_on_roll=118
    )
    for year, score in [(2002, "99.1"), (2003, "98.6"), (2004, "98.2")]:
        KeyStageResultFactory(school=millfield, year=year, key_stage=2)
        KeyStageResultFactory(school=millfield, year=year, key_stage=1)
        ValueAddedFactory(school=millfield, year=year, score=Decimal(score))
    KeyStage2TargetFactory(school=millfield, year=2005, percentage=Decimal(70))
    InspectionFactory(school=millfield)
    for n in range(2, 12):
        SchoolFactory(local_authority=lea, urn=120000 + n, number_on_roll=90 + n * 20)
    SchoolFactory(local_authority=other, name="Southvale Junior School", urn=130001)
    manager = make_user(Role.MANAGER, lea=lea, email="manager@northmoor.example.org")
    # The service's derived figures, as seed_demo and the imports leave them.
    from schools.services import school_refresh_figures

    school_refresh_figures(school_id=millfield.pk)
    return manager


def test_manager_signs_in_filters_schools_and_opens_a_background_file(
    live_server, journey_data, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before and after
    # it, never during, so Django's async-safety check may be relaxed for this test.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        collect_problems(page, problems)

        page.goto(f"{live_server.url}/")
        expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
        assert axe_violations(page) == []
        sign_in(page, live_server.url, journey_data.email, DEMO_PASSWORD)

        expect(page.get_by_role("heading", level=1)).to_contain_text("Northmoor")
        assert axe_violations(page) == []

        page.get_by_role("navigation").get_by_role("link", name="Schools").click()
        expect(page.get_by_text("11 schools")).to_be_visible()
        assert "Southvale Junior School" not in page.content()
        assert axe_violations(page) == []

        page.get_by_label("Value added below 100").check()
        page.get_by_role("button", name="Apply filters").click()
        expect(page.get_by_text("1 school", exact=True)).to_be_visible()
        assert axe_violations(page) == []

        page.get_by_role("link", name="Millfield Primary School").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Millfield Primary School")
        expect(page.locator("svg[role=img]")).to_have_count(1)
        expect(page.get_by_text("98.2").first).to_be_visible()
        assert axe_violations(page) == []
        browser.close()

    assert problems == []
