"""The rates and grants pages through the test client: allowed and refused users with the same
setup, another LEA's objects not found, bad input reported next to its field with nothing
saved, bounded queries on the grant list, and the offer letter as a page and a PDF."""

import re
import shutil
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from funding.factories import FundingRatesFactory, PaymentFactory
from funding.models import FundingRates, Grant, PaymentStatus
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools.factories import SchoolFactory
from schools.models import School

pytestmark = pytest.mark.django_db

D = Decimal

VALID = {
    "daily_supply_rate": "160",
    "supply_days_per_person": "5",
    "small_school_max_pupils": "120",
    "funded_people_large": "3",
    "funded_people_small": "2",
    "travel_grant": "120.00",
    "pscl_day_rate": "300",
    "pscl_days_per_school": "4",
}
#: The most queries the grant list may run for any number of schools: session, user, the
#: year, the participations with their grants, and the page's frame.
GRANT_LIST_QUERY_BOUND = 8


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def year(lea):
    year = ProgrammeYearFactory(local_authority=lea)
    FundingRatesFactory(programme_year=year)
    return year


@pytest.fixture
def places(year, school, sibling_school):
    """`school` (118 pupils, small) and `sibling_school` (240, large) with grants, and a
    school with a place but no number on roll."""
    own = ParticipationFactory(programme_year=year, school=school)
    sibling = ParticipationFactory(programme_year=year, school=sibling_school)
    no_roll = ParticipationFactory(
        programme_year=year,
        school=SchoolFactory(
            local_authority=year.local_authority,
            name="Yew Tree Primary School",
            number_on_roll=None,
        ),
    )
    grant_compute(participation=own)
    grant_compute(participation=sibling)
    return {"own": own, "sibling": sibling, "no_roll": no_roll}


@pytest.fixture
def foreign_place(other_lea, foreign_school):
    foreign_school.number_on_roll = 150
    foreign_school.save()
    year = ProgrammeYearFactory(local_authority=other_lea)
    participation = ParticipationFactory(programme_year=year, school=foreign_school)
    grant_compute(participation=participation)
    return participation


def year_url(name, year):
    return reverse(f"funding:{name}", args=[year.pk])


def grant_url(name, participation):
    return reverse(f"funding:{name}", args=[participation.pk])


# The rates page ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_managers_and_admins_read_the_rates(client_for, users, year, role):
    response = client_for(users[role]).get(year_url("rates", year))
    assert response.status_code == 200
    body = text(response)
    assert "Daily supply-cover rate" in body
    assert "GBP 150" in body
    assert "GBP 300" in body
    assert body.count("<h1") == 1


@pytest.mark.parametrize("role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER])
def test_others_who_see_the_year_may_not_read_or_change_the_rates(client_for, users, year, role):
    client = client_for(users[role])
    assert client.get(year_url("rates", year)).status_code == 403
    assert client.get(year_url("rates_edit", year)).status_code == 403
    assert client.post(year_url("rates_edit", year), VALID).status_code == 403
    assert FundingRates.objects.get(programme_year=year).daily_supply_rate == D("150.00")


def test_another_leas_manager_finds_no_rates(client_for, foreign_users, year):
    client = client_for(foreign_users[Role.MANAGER])
    assert client.get(year_url("rates", year)).status_code == 404
    assert client.post(year_url("rates_edit", year), VALID).status_code == 404
    assert FundingRates.objects.get(programme_year=year).daily_supply_rate == D("150.00")


def test_an_anonymous_visitor_is_sent_to_sign_in(client, year):
    response = client.get(year_url("rates", year))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_form_starts_from_the_years_rates(client_for, users, year):
    body = text(client_for(users[Role.MANAGER]).get(year_url("rates_edit", year)))
    assert re.search(r'name="daily_supply_rate"[^>]*value="150.00"', body)
    assert re.search(r'name="small_school_max_pupils"[^>]*value="120"', body)
    assert 'for="id_pscl_days_per_school"' in body


def test_saving_the_rates_recomputes_unpaid_grants_and_says_which(client_for, users, year, places):
    PaymentFactory(participation=places["sibling"], status=PaymentStatus.PAID)
    client = client_for(users[Role.MANAGER])

    response = client.post(year_url("rates_edit", year), VALID, follow=True)

    assert response.redirect_chain[-1][0] == year_url("rates", year)
    body = text(response)
    # Millfield (118 pupils): 2 x 5 x 160 = 1,600.00 + 120.00 + 1,200.00 = 2,920.00 (was 2,820)
    assert Grant.objects.get(participation=places["own"]).total == D("2920.00")
    assert re.search(r"Millfield Primary School</th>\s*<td[^>]*>GBP 2,820</td>", body)
    assert "GBP 2,920" in body
    # Oakwood's grant has a paid instalment: left at 3 x 5 x 150 + 120 + 1,200 = 3,570.00.
    assert Grant.objects.get(participation=places["sibling"]).total == D("3570.00")
    assert "Left as they were because already paid" in body
    assert "Oakwood Primary School: GBP 3,570" in body
    assert "Could not be worked out" in body
    assert "Yew Tree Primary School" in body
    # The history says who changed what, from and to.
    assert re.search(
        r"Daily supply-cover rate</th>\s*<td[^>]*>GBP 150</td>\s*<td[^>]*>GBP 160", body
    )
    assert users[Role.MANAGER].email in body or users[Role.MANAGER].get_full_name() in body
    # The report is shown once.
    assert "Grants recomputed" not in text(client.get(year_url("rates", year)))


def test_a_threshold_change_is_saved_on_the_year_and_in_its_history(
    client_for, users, year, places
):
    client = client_for(users[Role.ADMIN])
    response = client.post(
        year_url("rates_edit", year), {**VALID, "small_school_max_pupils": "100"}, follow=True
    )
    year.refresh_from_db()
    assert year.small_school_max_pupils == 100
    # Millfield (118) is large now: 3 x 5 x 160 = 2,400.00 + 120.00 + 1,200.00 = 3,720.00
    assert Grant.objects.get(participation=places["own"]).total == D("3720.00")
    assert re.search(r"Size threshold[^<]*</th>\s*<td[^>]*>120</td>\s*<td[^>]*>100", text(response))


#: The rates page: session, user, the year, the rates, the two histories and the page's frame.
RATES_QUERY_BOUND = 8


@pytest.mark.parametrize("changes", [1, 10])
def test_the_rates_page_runs_a_bounded_number_of_queries(
    client_for, users, year, changes, django_assert_max_num_queries
):
    client = client_for(users[Role.MANAGER])
    for step in range(changes):
        client.post(year_url("rates_edit", year), {**VALID, "daily_supply_rate": str(151 + step)})
        client.get(year_url("rates", year))  # takes the report out of the session
    with django_assert_max_num_queries(RATES_QUERY_BOUND):
        body = text(client.get(year_url("rates", year)))
    assert f"GBP {150 + changes}</td>" in body
    assert body.count("Daily supply-cover rate</th>") == changes + 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("daily_supply_rate", "", "Enter the daily supply-cover rate"),
        ("daily_supply_rate", "lots", "must be an amount in pounds"),
        ("daily_supply_rate", "137.333", "must be in pounds and pence"),
        ("travel_grant", "-5", "cannot be negative"),
        ("supply_days_per_person", "7.25", "can have one decimal place"),
        ("small_school_max_pupils", "0", "must be at least 1"),
        ("funded_people_large", "2.5", "must be a whole number"),
        ("pscl_days_per_school", "0", "must be at least 0.5"),
    ],
)
def test_bad_input_is_reported_next_to_its_field_and_nothing_is_saved(
    client_for, users, year, places, field, value, message
):
    response = client_for(users[Role.MANAGER]).post(
        year_url("rates_edit", year), {**VALID, field: value}
    )
    assert response.status_code == 200
    body = text(response)
    assert "govuk-error-summary" in body
    assert f'href="#id_{field}"' in body
    # The message sits in the field's own form group, between its label and its input.
    group = re.search(
        rf'<div id="div_id_{field}" class="[^"]*govuk-form-group--error">(.*?)<input', body, re.S
    )
    assert group is not None
    assert f'id="id_{field}_1_error" class="govuk-error-message"' in group.group(1)
    assert message in group.group(1)
    assert FundingRates.objects.get(programme_year=year).daily_supply_rate == D("150.00")
    assert Grant.objects.get(participation=places["own"]).total == D("2820.00")
    year.refresh_from_db()
    assert year.small_school_max_pupils == 120


# The grant list -----------------------------------------------------------------------------


def test_the_grant_list_shows_each_grant_the_totals_and_the_schools_without(
    client_for, users, year, places
):
    response = client_for(users[Role.MANAGER]).get(year_url("grant_list", year))
    assert response.status_code == 200
    body = text(response)
    assert "Millfield Primary School" in body
    assert "Oakwood Primary School" in body
    # 2,820.00 (small) + 3,570.00 (large) = 6,390.00
    assert re.search(r'id="total-grants"><strong>6390.00</strong>', body)
    assert "Yew Tree Primary School" in body
    assert "No number on roll" in body


@pytest.mark.parametrize("role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.GOVERNOR])
def test_the_grant_list_is_for_managers(client_for, users, year, places, role):
    client = client_for(users[role])
    assert client.get(year_url("grant_list", year)).status_code == 403
    assert client.post(year_url("grants_recompute", year)).status_code == 403


def test_another_leas_manager_finds_no_grant_list(client_for, foreign_users, year, places):
    client = client_for(foreign_users[Role.MANAGER])
    assert client.get(year_url("grant_list", year)).status_code == 404
    assert client.post(year_url("grants_recompute", year)).status_code == 404


def _add_places(year, count):
    for index in range(count):
        participation = ParticipationFactory(
            programme_year=year,
            school=SchoolFactory(local_authority=year.local_authority, number_on_roll=80 + index),
        )
        grant_compute(participation=participation)


@pytest.mark.parametrize("count", [2, 20])
def test_the_grant_list_runs_a_bounded_number_of_queries(
    client_for, users, year, places, count, django_assert_max_num_queries
):
    _add_places(year, count)
    client = client_for(users[Role.MANAGER])
    with django_assert_max_num_queries(GRANT_LIST_QUERY_BOUND):
        response = client.get(year_url("grant_list", year))
    assert text(response).count('href="/funding/participations/') == count + 2


def test_recompute_catches_up_with_a_roll_changed_behind_its_back(client_for, users, year, places):
    # An update that bypasses save() (and so the roll-change receiver), as a bulk import may.
    School.objects.filter(pk=places["own"].school_id).update(number_on_roll=121)
    client = client_for(users[Role.MANAGER])
    assert client.get(year_url("grants_recompute", year)).status_code == 405

    response = client.post(year_url("grants_recompute", year), follow=True)

    assert response.redirect_chain[-1][0] == year_url("grant_list", year)
    grant = Grant.objects.get(participation=places["own"])
    assert (grant.pupils, grant.total) == (121, D("3570.00"))
    body = text(response)
    assert re.search(r"Millfield Primary School</th>\s*<td[^>]*>GBP 2,820</td>", body)
    assert "1 grant(s) recomputed" in body


# One grant and its letter --------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN, Role.HEADTEACHER, Role.GOVERNOR])
def test_the_grant_is_shown_to_the_manager_head_and_governors(
    client_for, users, year, places, role
):
    response = client_for(users[role]).get(grant_url("grant_detail", places["own"]))
    assert response.status_code == 200
    body = text(response)
    assert "118 pupils (120 or fewer): 2 staff x 5 days x GBP 150 = GBP 1,500" in body
    assert "Total: GBP 2,820" in body
    assert "(first worked out)" in body
    assert grant_url("grant_letter_pdf", places["own"]) in body


@pytest.mark.parametrize("role", [Role.LINK_ADVISER, Role.CONSULTANT])
def test_the_grant_is_not_found_by_other_lea_staff(client_for, users, year, places, role):
    client = client_for(users[role])
    for name in ("grant_detail", "grant_letter", "grant_letter_pdf"):
        assert client.get(grant_url(name, places["own"])).status_code == 404


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.GOVERNOR])
def test_a_school_does_not_find_another_schools_grant(client_for, users, year, places, role):
    client = client_for(users[role])
    for name in ("grant_detail", "grant_letter", "grant_letter_pdf"):
        assert client.get(grant_url(name, places["sibling"])).status_code == 404


@pytest.mark.parametrize("role", [Role.MANAGER, Role.HEADTEACHER])
def test_another_leas_grant_is_not_found(client_for, users, foreign_place, role):
    client = client_for(users[role])
    assert client.get(grant_url("grant_detail", foreign_place)).status_code == 404
    assert client.get(grant_url("grant_letter", foreign_place)).status_code == 404


def test_a_place_without_a_grant_has_no_grant_page(client_for, users, year, places):
    response = client_for(users[Role.MANAGER]).get(grant_url("grant_detail", places["no_roll"]))
    assert response.status_code == 404


def test_the_grant_history_shows_a_roll_change(client_for, users, year, places):
    school = places["own"].school
    school.number_on_roll = 121
    school.save()
    body = text(client_for(users[Role.HEADTEACHER]).get(grant_url("grant_detail", places["own"])))
    assert re.search(r">121</td>\s*<td[^>]*>2820.00</td>\s*<td[^>]*>3570.00</td>", body)


def test_the_letter_states_the_breakdown_and_the_conditions(client_for, users, year, places):
    response = client_for(users[Role.GOVERNOR]).get(grant_url("grant_letter", places["sibling"]))
    assert response.status_code == 404
    response = client_for(users[Role.GOVERNOR]).get(grant_url("grant_letter", places["own"]))
    assert response.status_code == 200
    body = text(response)
    assert "Chair of Governors" in body
    assert "a grant of <strong>GBP 2,820</strong>" in body
    assert "PSCL support: 4 days x GBP 300 = GBP 1,200" in body
    assert "three training sessions" in body
    assert "outside your locality" in body
    assert "expenditure return" in body
    assert "may be reclaimed" in body
    assert "further the programme" in body


def test_the_letter_downloads_as_a_pdf(client_for, users, year, places):
    response = client_for(users[Role.HEADTEACHER]).get(grant_url("grant_letter_pdf", places["own"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"grant-offer-{places['own'].school.urn}" in response["Content-Disposition"]


# In a browser ----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pages_pass_axe_on_a_phone_with_no_script_errors(live_server, monkeypatch):
    """A strategy manager, on a phone, changes a rate with a mistake, corrects it, reads the
    report and the grants, and the headteacher reads the grant and its letter: every page
    passes axe-core (no serious or critical violation) and the browser reports no CSP
    violation or script error."""
    from tests.browser import CHROMIUM, CHROMIUM_ARGS, axe_violations, collect_problems, sign_in

    if not shutil.which(CHROMIUM):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    from accounts.factories import DEMO_PASSWORD
    from conftest import make_user
    from schools.factories import LocalAuthorityFactory

    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    year = ProgrammeYearFactory(local_authority=lea)
    FundingRatesFactory(programme_year=year)
    school = SchoolFactory(local_authority=lea, name="Millfield Primary School", number_on_roll=121)
    participation = ParticipationFactory(programme_year=year, school=school)
    grant_compute(participation=participation)
    manager = make_user(Role.MANAGER, lea=lea, email="priya@northmoor.example.org")
    head = make_user(Role.HEADTEACHER, school=school, email="sarah@millfield.example.org")

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    problems: list[str] = []
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(**phone).new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, manager.email, DEMO_PASSWORD)
        page.goto(f"{live_server.url}{year_url('rates_edit', year)}")
        assert axe_violations(page) == []
        page.get_by_label("Daily supply-cover rate").fill("160.555")
        page.get_by_role("button", name="Save the rates and recompute the grants").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("pounds and pence")
        assert axe_violations(page) == []
        page.get_by_label("Daily supply-cover rate").fill("160")
        page.get_by_role("button", name="Save the rates and recompute the grants").click()
        expect(page.locator("main")).to_contain_text("GBP 3,720")
        assert axe_violations(page) == []
        page.goto(f"{live_server.url}{year_url('grant_list', year)}")
        expect(page.locator("main")).to_contain_text("3720.00")
        assert axe_violations(page) == []

        page = browser.new_context(**phone).new_page()
        collect_problems(page, problems)
        sign_in(page, live_server.url, head.email, DEMO_PASSWORD)
        for name in ("grant_detail", "grant_letter"):
            page.goto(f"{live_server.url}{grant_url(name, participation)}")
            expect(page.locator("main")).to_contain_text("GBP 3,720")
            assert axe_violations(page) == []
        browser.close()
    assert problems == []
