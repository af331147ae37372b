"""The consultant leaders' journey in a phone-sized window of headless Debian Chromium (issue 4):
a PSCL opens "My schools", logs a half-day visit to the school allocated to them with a stage, two
focuses, notes, an agreed action and how standards were challenged, and submits it; then the
school's link adviser opens "Visit notes", reads the note and opens the visit. Every page on the
way passes an axe-core scan, and the browser reports no CSP violation or script error."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from consultants.factories import AdviserFactory, AllocationFactory, AttachmentFactory
from consultants.models import AdviserKind, Visit, VisitLength, VisitStatus
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

#: A phone held upright, touch only.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
NOTE = (
    "Looked at the Year 2 reading records with the head and deputy: guided reading happens "
    "twice a week at most, and nobody checks which books the groups read."
)
CHALLENGE = "Asked why KS1 reading fell by 8 points and what the plan does about it."
ACTION = "Set up guided reading groups in Year 2 and Year 3."


@pytest.fixture
def caseload():
    """Millfield, in this year's programme, allocated to the PSCL David Ellison; Jo Whitfield is
    its link adviser; a school of the same LEA allocated to nobody."""
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
        headteacher_name="Sarah Bennett",
    )
    SchoolFactory(local_authority=lea, name="Oakwood Primary School", urn=120002)
    pscl = make_user(
        Role.CONSULTANT,
        lea=lea,
        email="pscl@northmoor.example.org",
        full_name="David Ellison",
    )
    link_adviser = make_user(
        Role.LINK_ADVISER,
        lea=lea,
        email="adviser@northmoor.example.org",
        full_name="Jo Whitfield",
    )
    allocation = AllocationFactory(
        adviser=AdviserFactory(local_authority=lea, user=pscl, full_name="David Ellison"),
        participation=ParticipationFactory(programme_year=year, school=millfield),
    )
    AttachmentFactory(
        adviser=AdviserFactory(
            local_authority=lea,
            kind=AdviserKind.LINK_ADVISER,
            user=link_adviser,
            full_name="Jo Whitfield",
        ),
        school=millfield,
    )
    return allocation, pscl, link_adviser


def _fill_date(group, day: datetime.date) -> None:
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_pscl_logs_a_visit_on_a_phone_and_the_link_adviser_reads_it(
    live_server, caseload, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before and after
    # it, never during.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    allocation, pscl, link_adviser = caseload
    today = timezone.localdate()
    due_on = today + datetime.timedelta(days=21)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        # The PSCL opens "My schools": Millfield is there, Oakwood is not.
        context = browser.new_context(**PHONE)
        page = context.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, pscl.email, DEMO_PASSWORD)
        page.goto(f"{live_server.url}{reverse('consultants:caseload')}")
        expect(page.get_by_role("heading", name="My schools", level=1)).to_be_visible()
        main = page.locator("main")
        expect(main).to_contain_text("Millfield Primary School")
        expect(main).not_to_contain_text("Oakwood Primary School")
        assert axe_violations(page) == []

        # ... logs a visit to Millfield ...
        page.get_by_role("link", name="Log a visit to Millfield Primary School").tap()
        expect(page.get_by_role("heading", name="Log a visit", level=1)).to_be_visible()
        assert axe_violations(page) == []
        _fill_date(page.get_by_role("group", name="Date of the visit"), today)
        page.get_by_label("Half day").check()
        page.get_by_label("Getting started").check()
        page.get_by_label("2 New perspective and ownership").check()
        focus = page.get_by_role("group", name="Focus of the visit")
        focus.get_by_label("English", exact=True).check()
        focus.get_by_label("Leadership", exact=True).check()
        page.get_by_label("Who attended").fill("Headteacher, deputy headteacher")
        page.get_by_label("Notes", exact=True).fill(NOTE)
        page.get_by_role("group", name="Were standards challenged?").get_by_label("Yes").check()
        page.get_by_label("How were standards challenged?").fill(CHALLENGE)
        action = page.get_by_role("group", name="Agreed action 1")
        action.get_by_label("Who", exact=True).fill("Deputy headteacher")
        action.get_by_label("What", exact=True).fill(ACTION)
        _fill_date(action.get_by_role("group", name="By when"), due_on)
        page.get_by_role("button", name="Submit", exact=True).tap()

        # ... and lands on the submitted visit.
        expect(page.locator("main")).to_contain_text("Visit submitted")
        expect(page.locator("main")).to_contain_text(ACTION)
        assert axe_violations(page) == []
        context.close()

        # The link adviser reads the note in "Visit notes", then opens the visit.
        context = browser.new_context(**PHONE)
        page = context.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, link_adviser.email, DEMO_PASSWORD)
        page.goto(f"{live_server.url}{reverse('consultants:visit_feed')}")
        expect(page.get_by_role("heading", name="Visit notes", level=1)).to_be_visible()
        expect(page.locator("main")).to_contain_text("Millfield Primary School")
        expect(page.get_by_text("guided reading happens twice a week").first).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_role("link", name="Read the note of Millfield Primary School").first.tap()
        main = page.locator("main")
        expect(main).to_contain_text(NOTE)
        expect(main).to_contain_text(CHALLENGE)
        expect(main).to_contain_text(ACTION)
        assert axe_violations(page) == []
        context.close()
        browser.close()

    assert problems == []
    visit = Visit.objects.get(allocation=allocation)
    assert (visit.status, visit.length, visit.days) == (
        VisitStatus.SUBMITTED,
        VisitLength.HALF_DAY,
        Decimal("0.50"),
    )
    assert visit.focus == ["ENGLISH", "LEADERSHIP"]
    assert visit.standards_challenged is True
    assert visit.created_by == pscl
    assert list(visit.agreed_actions.values_list("who", "what", "due_on")) == [
        ("Deputy headteacher", ACTION, due_on)
    ]
