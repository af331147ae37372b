"""The programme year's first journey, with two log-ins in headless Debian Chromium: the strategy
manager invites a school from the selection page; its headteacher accepts, names the team and
starts the action plan; the plan check flags a success criterion with no number. Every page on the
way passes an axe-core scan, and the browser reports no CSP violation or script error."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from leadership.factories import ProgrammeYearFactory
from leadership.models import Participation, ParticipationStatus
from schools.factories import LocalAuthorityFactory, SchoolFactory, ValueAddedFactory
from schools.services import school_refresh_figures
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
def programme():
    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    today = timezone.localdate()
    starts_on = datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    year = ProgrammeYearFactory(
        local_authority=lea,
        name=f"{starts_on.year}-{(starts_on.year + 1) % 100:02d}",
        starts_on=starts_on,
        ends_on=datetime.date(starts_on.year + 1, 7, 31),
    )
    millfield = SchoolFactory(
        local_authority=lea,
        name="Millfield Primary School",
        urn=120001,
        number_on_roll=118,
        headteacher_name="Sarah Bennett",
    )
    ValueAddedFactory(school=millfield, year=2004, score=Decimal("98.2"))
    school_refresh_figures(school_id=millfield.pk)
    manager = make_user(Role.MANAGER, lea=lea, email="manager@northmoor.example.org")
    head = make_user(
        Role.HEADTEACHER,
        school=millfield,
        email="head@northmoor.example.org",
        full_name="Sarah Bennett",
    )
    return year, millfield, manager, head


def test_manager_invites_and_the_headteacher_accepts_names_the_team_and_starts_the_plan(
    live_server, programme, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before and after
    # it, never during.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    year, millfield, manager, head = programme
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        # The strategy manager invites Millfield from the selection page.
        context = browser.new_context()
        page = context.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, manager.email, DEMO_PASSWORD)
        page.goto(f"{live_server.url}/programme/programme-years/{year.pk}/selection/")
        expect(page.get_by_text("98.2").first).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_label("Invite Millfield Primary School").check()
        page.get_by_role("button", name="Invite the selected schools").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("1 school invited")
        context.close()

        # The headteacher accepts from the home page.
        context = browser.new_context()
        page = context.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, head.email, DEMO_PASSWORD)
        assert axe_violations(page) == []
        page.get_by_role("button", name="Accept the place").click()
        expect(page.locator("main")).to_contain_text("Accepted")

        # ... names the team: herself and her English co-ordinator (a small school) ...
        participation_url = page.url
        page.get_by_role("link", name="Leadership team and time given").click()
        assert axe_violations(page) == []
        for full_name, role in [
            ("Sarah Bennett", "Headteacher"),
            ("Tom Okoro", "English co-ordinator"),
        ]:
            page.get_by_role("link", name="Add a member").click()
            page.get_by_label("Full name").fill(full_name)
            page.get_by_label(role, exact=True).check()
            page.get_by_role("button", name=re.compile("Add|Save")).click()
            expect(page.locator("main")).to_contain_text(full_name)
        assert axe_violations(page) == []

        # ... and starts the plan with a success criterion that has no number.
        page.goto(participation_url)
        page.get_by_role("link", name="Action plan, its check and targets").click()
        page.get_by_role("button", name="Start the plan").click()
        page.get_by_role("link", name="Add a priority").click()
        page.get_by_label("English", exact=True).check()
        page.get_by_label("Priority", exact=True).fill("Raise standards in reading in KS1")
        page.get_by_role("button", name=re.compile("Add|Save")).click()
        expect(page.locator("main")).to_contain_text("Raise standards in reading in KS1")
        page.get_by_role("link", name=re.compile("Add a success criterion")).click()
        page.get_by_label("Success criterion", exact=True).fill("Better reading")
        page.get_by_role("button", name=re.compile("Add|Save")).click()
        expect(page.locator("main")).to_contain_text("'Better reading' has no number")
        assert axe_violations(page) == []
        context.close()
        browser.close()

    assert problems == []
    participation = Participation.objects.get(programme_year=year, school=millfield)
    assert participation.status == ParticipationStatus.ACCEPTED
    assert participation.team_members.count() == 2
    assert participation.action_plan.priorities.get().success_criteria.count() == 1
