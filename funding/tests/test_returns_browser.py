"""The expenditure return journey in headless Debian Chromium: the headteacher writes the
return (cover days, travel, another spending line), uploads a PDF invoice and submits it; the
strategy manager finds it in the year's list, queries it; the headteacher reads the question,
changes the travel and submits again; the manager approves. Every page passes an axe-core scan
and the browser reports no CSP violation or script error."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from funding.models import ExpenditureReturn, ReturnStatus
from funding.services.grants import grant_compute
from leadership.factories import (
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    ProgrammeYearFactory,
)
from leadership.models import MemberRole
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

QUESTION = "Which visits did the travel pay for?"


@pytest.fixture
def programme(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
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
        local_authority=lea, name="Millfield Primary School", number_on_roll=118
    )
    participation = ParticipationFactory(programme_year=year, school=millfield)
    grant_compute(participation=participation)
    LeadershipTeamMemberFactory(
        participation=participation, full_name="Sarah Bennett", role=MemberRole.HEADTEACHER
    )
    LeadershipTeamMemberFactory(
        participation=participation, full_name="Tom Okoro", role=MemberRole.ENGLISH_COORDINATOR
    )
    manager = make_user(Role.MANAGER, lea=lea, email="manager@northmoor.example.org")
    head = make_user(Role.HEADTEACHER, school=millfield, email="head@northmoor.example.org")
    return year, participation, manager, head


def test_the_headteacher_submits_and_the_manager_queries_then_approves(
    live_server, programme, monkeypatch, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    year, participation, manager, head = programme
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(b"%PDF-1.4\n%%EOF\n")
    detail = f"{live_server.url}/funding/participations/{participation.pk}/return/"
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        # The headteacher writes the return.
        context = browser.new_context()
        page = context.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, head.email, DEMO_PASSWORD)
        page.goto(detail)
        assert axe_violations(page) == []
        page.get_by_role("link", name="Start the return").click()
        assert axe_violations(page) == []
        page.get_by_label("Supply-cover days used for Sarah Bennett").fill("5")
        page.get_by_label("Supply-cover days used for Tom Okoro").fill("4.5")
        page.get_by_label("Travel spent (GBP)").fill("84.50")
        page.get_by_label("What kind of spending on line 1").select_option("MATERIALS")
        page.get_by_label("What it was on line 1").fill("Guided reading books")
        page.get_by_label("Amount (GBP) on line 1").fill("12,50")
        page.get_by_role("button", name="Save the return").click()
        # A comma is not a number: the error is next to the field, in the summary too.
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_label("Amount (GBP) on line 1").fill("12.50")
        page.get_by_role("button", name="Add another line").click()
        expect(page.get_by_label("What it was on line 2")).to_be_visible()
        page.get_by_role("button", name="Save the return").click()
        expect(page.locator("#spent")).to_contain_text("GBP 1,522.00")

        page.get_by_role("link", name="Upload evidence").click()
        assert axe_violations(page) == []
        page.get_by_label("Evidence file").set_input_files(str(invoice))
        page.get_by_role("button", name="Upload").click()
        expect(page.locator("#evidence")).to_contain_text("invoice.pdf")
        page.get_by_role("button", name="Submit the return").click()
        expect(page.locator("main")).to_contain_text("Submitted")
        assert axe_violations(page) == []
        context.close()

        # The strategy manager finds it in the year's list and queries it.
        context = browser.new_context()
        page = context.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, manager.email, DEMO_PASSWORD)
        page.goto(f"{live_server.url}/funding/programme-years/{year.pk}/returns/")
        assert axe_violations(page) == []
        page.get_by_role("link", name="Millfield Primary School").click()
        page.get_by_role("link", name="Approve or query").click()
        assert axe_violations(page) == []
        page.get_by_label(re.compile("Query the return")).check()
        page.get_by_role("button", name="Save decision").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the question")
        assert axe_violations(page) == []
        page.get_by_label("Question for the school").fill(QUESTION)
        page.get_by_role("button", name="Save decision").click()
        expect(page.locator("main")).to_contain_text("Queried")
        context.close()

        # The headteacher reads the question, changes the travel and submits again.
        context = browser.new_context()
        page = context.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, head.email, DEMO_PASSWORD)
        page.goto(detail)
        expect(page.locator("#query")).to_contain_text(QUESTION)
        assert axe_violations(page) == []
        page.get_by_role("link", name="Change the return").click()
        expect(page.locator("#query")).to_contain_text(QUESTION)
        page.get_by_label("Travel spent (GBP)").fill("60.00")
        page.get_by_role("button", name="Save the return").click()
        page.get_by_role("button", name="Submit the return again").click()
        expect(page.locator("main")).to_contain_text("Submitted")
        context.close()

        # The manager approves.
        context = browser.new_context()
        page = context.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, manager.email, DEMO_PASSWORD)
        page.goto(f"{live_server.url}/funding/participations/{participation.pk}/return/decide/")
        page.get_by_label("Approve the return").check()
        page.get_by_role("button", name="Save decision").click()
        expect(page.locator("#history")).to_contain_text("Approved")
        assert axe_violations(page) == []
        context.close()
        browser.close()

    assert problems == []
    saved = ExpenditureReturn.objects.get(participation=participation)
    assert saved.status == ReturnStatus.APPROVED
    assert str(saved.travel_spent) == "60.00"
