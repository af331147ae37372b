"""The expenditure return's journey in headless Debian Chromium (issue 5, item 8): the headteacher
of Millfield opens the school's return, enters the team's supply-cover days and the travel
spent, uploads a supply invoice (a PDF) and submits the return; the strategy manager opens the
year's returns, opens Millfield's and queries it with a question; the headteacher then sees the
question on the return. Every page on the way passes an axe-core scan, and the browser reports
no CSP violation or script error."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from conftest import make_user
from funding.factories import FundingRatesFactory
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

#: The smallest file a PDF reader opens: one empty page.
INVOICE = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
    b"%%EOF\n"
)
QUESTION = (
    "The deputy's cover is half a day short of the training she attended: "
    "how was the rest paid for?"
)


@pytest.fixture
def school_return(settings, tmp_path):
    """Millfield (120 pupils), active in this year's programme with a head and a deputy and a
    grant worked out; its headteacher and the LEA's strategy manager can sign in."""
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
    FundingRatesFactory(programme_year=year)
    millfield = SchoolFactory(
        local_authority=lea, name="Millfield Primary School", urn=120001, number_on_roll=120
    )
    participation = ParticipationFactory(programme_year=year, school=millfield)
    LeadershipTeamMemberFactory(
        participation=participation, role=MemberRole.HEADTEACHER, full_name="Sarah Bennett"
    )
    LeadershipTeamMemberFactory(
        participation=participation, role=MemberRole.DEPUTY, full_name="Anna Clarke"
    )
    grant_compute(participation=participation)
    head = make_user(
        Role.HEADTEACHER,
        school=millfield,
        email="head@northmoor.example.org",
        full_name="Sarah Bennett",
    )
    manager = make_user(
        Role.MANAGER,
        lea=lea,
        email="manager@northmoor.example.org",
        full_name="Priya Shah",
    )
    return participation, head, manager


def test_a_headteacher_submits_the_return_and_the_manager_queries_it(
    live_server, school_return, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM is used before and after
    # it, never during.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    participation, head, manager = school_return
    detail_url = f"{live_server.url}{reverse('funding:return_detail', args=[participation.pk])}"
    list_url = (
        f"{live_server.url}{reverse('funding:return_list', args=[participation.programme_year.pk])}"
    )
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        # The headteacher opens the school's return and starts it.
        head_context = browser.new_context()
        page = head_context.new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, head.email, DEMO_PASSWORD)
        page.goto(detail_url)
        expect(page.get_by_role("heading", name="Expenditure return", level=1)).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_role("link", name="Start the return").click()
        expect(
            page.get_by_role("heading", name="Write the expenditure return", level=1)
        ).to_be_visible()
        assert axe_violations(page) == []

        # ... enters the cover days and the travel, and saves ...
        page.get_by_label("Supply-cover days used for Sarah Bennett").fill("5")
        page.get_by_label("Supply-cover days used for Anna Clarke").fill("4.5")
        page.get_by_label("Travel spent (GBP)").fill("84.50")
        page.get_by_role("button", name="Save the return").click()
        main = page.locator("main")
        expect(main).to_contain_text("Return saved.")
        expect(page.locator("#travel")).to_contain_text("84.50")
        assert axe_violations(page) == []

        # ... uploads the supply invoice ...
        page.get_by_role("link", name="Upload evidence").click()
        expect(page.get_by_role("heading", name="Upload evidence", level=1)).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_label("Evidence file").set_input_files(
            {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": INVOICE}
        )
        page.get_by_label("What it shows (optional)").fill("Supply agency invoice, October")
        page.get_by_role("button", name="Upload").click()
        expect(main).to_contain_text("invoice.pdf uploaded.")
        expect(page.locator("#evidence")).to_contain_text("invoice.pdf")
        assert axe_violations(page) == []

        # ... and submits the return.
        page.get_by_role("button", name="Submit the return").click()
        expect(main).to_contain_text("Return submitted to the strategy manager.")
        assert axe_violations(page) == []

        # The strategy manager opens the year's returns, then Millfield's, and queries it.
        manager_context = browser.new_context()
        manager_page = manager_context.new_page()
        collect_problems(manager_page, problems)
        sign_in(manager_page, live_server.url, manager.email, DEMO_PASSWORD)
        manager_page.goto(list_url)
        expect(
            manager_page.get_by_role("heading", name="Expenditure returns", level=1)
        ).to_be_visible()
        assert axe_violations(manager_page) == []
        manager_page.get_by_role("link", name="Millfield Primary School", exact=True).click()
        expect(
            manager_page.get_by_role("heading", name="Expenditure return", level=1)
        ).to_be_visible()
        expect(manager_page.locator("#evidence")).to_contain_text("invoice.pdf")
        assert axe_violations(manager_page) == []
        manager_page.get_by_role("link", name="Approve or query").click()
        expect(
            manager_page.get_by_role("heading", name="Approve or query the return", level=1)
        ).to_be_visible()
        assert axe_violations(manager_page) == []
        manager_page.get_by_label("Query the return: ask the school a question").check()
        manager_page.get_by_label("Question for the school").fill(QUESTION)
        manager_page.get_by_role("button", name="Save decision").click()
        expect(manager_page.locator("main")).to_contain_text("Return queried.")
        assert axe_violations(manager_page) == []
        manager_context.close()

        # The headteacher sees the question on the return.
        page.goto(detail_url)
        expect(page.locator("#query")).to_contain_text(QUESTION)
        expect(page.get_by_role("button", name="Submit the return again")).to_be_visible()
        assert axe_violations(page) == []
        head_context.close()
        browser.close()

    assert problems == []
    saved = ExpenditureReturn.objects.get(participation=participation)
    assert (saved.status, saved.query_message, saved.travel_spent) == (
        ReturnStatus.QUERIED,
        QUESTION,
        Decimal("84.50"),
    )
    assert (saved.submitted_by, saved.decided_by) == (head, manager)
    assert sorted(saved.cover_claims.values_list("member__full_name", "days")) == [
        ("Anna Clarke", Decimal("4.5")),
        ("Sarah Bennett", Decimal("5.0")),
    ]
    evidence = saved.evidence.get()
    assert evidence.original_name == "invoice.pdf"
    with evidence.file.open("rb") as stored:
        assert stored.read() == INVOICE
