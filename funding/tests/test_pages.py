"""The pages that put the money together, through the test client: the manager's landing, the
year's money, value for money, the school's money and a PSCL's payments. Each page is tried by
the users allowed and refused with the same setup."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from conftest import make_user
from consultants.factories import AdviserFactory, AllocationFactory, VisitFactory
from consultants.models import VisitLength
from funding.factories import (
    BudgetFactory,
    ExpenditureReturnFactory,
    FundingRatesFactory,
    PaymentFactory,
)
from funding.models import PaymentStatus, ReturnStatus
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools.factories import KeyStageResultFactory, SchoolFactory
from schools.models import KeyStage

pytestmark = pytest.mark.django_db

#: The most queries a page may run whatever the number of rows: session, user, the header's
#: school for school roles, the year or school, the page's own reads.
YEAR_QUERY_BOUND = 12
VALUE_QUERY_BOUND = 6
SCHOOL_QUERY_BOUND = 6
MY_PAYMENTS_QUERY_BOUND = 4


def text(response) -> str:
    return response.content.decode()


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def year(lea):
    programme_year = ProgrammeYearFactory(local_authority=lea)
    FundingRatesFactory(programme_year=programme_year)
    BudgetFactory(programme_year=programme_year, allocation_received=Decimal("10000.00"))
    return programme_year


@pytest.fixture
def place(year, school):
    """Millfield's place (118 pupils: a grant of GBP 2,820) with one instalment paid and one
    scheduled."""
    participation = ParticipationFactory(programme_year=year, school=school)
    grant_compute(participation=participation)
    PaymentFactory(
        participation=participation,
        amount=Decimal("1000.00"),
        status=PaymentStatus.PAID,
        due_on=datetime.date(2004, 10, 1),
    )
    PaymentFactory(
        participation=participation,
        instalment=2,
        amount=Decimal("500.00"),
        due_on=datetime.date(2005, 2, 1),
    )
    return participation


@pytest.fixture
def pscl(users, lea):
    """The PSCL user of `lea` as an adviser."""
    return AdviserFactory(
        user=users[Role.CONSULTANT], local_authority=lea, full_name=users[Role.CONSULTANT].full_name
    )


def add_places(year, count):
    lea = year.local_authority
    for number in range(count):
        school = SchoolFactory(local_authority=lea, number_on_roll=90 + 20 * number)
        participation = ParticipationFactory(programme_year=year, school=school)
        grant_compute(participation=participation)
        PaymentFactory(participation=participation, status=PaymentStatus.PAID)
        allocation = AllocationFactory(participation=participation, adviser__local_authority=lea)
        PaymentFactory(participation=participation, pscl=True, allocation=allocation)
        ExpenditureReturnFactory(participation=participation, status=ReturnStatus.SUBMITTED)
        VisitFactory(allocation=allocation)
        KeyStageResultFactory(school=school, year=2004, key_stage=KeyStage.KS2)
        KeyStageResultFactory(school=school, year=2005, key_stage=KeyStage.KS2)


# The manager's landing --------------------------------------------------------------------


def test_the_managers_landing_opens_the_latest_year_of_their_lea(client_for, users, lea, year):
    ProgrammeYearFactory(
        local_authority=lea,
        name="2003-04",
        starts_on=datetime.date(2003, 9, 1),
        ends_on=datetime.date(2004, 7, 31),
    )

    response = client_for(users[Role.MANAGER]).get(reverse("funding:funding_home"))

    assert response.status_code == 302
    assert response.url == reverse("funding:year_funding", args=[year.pk])


def test_an_admin_chooses_among_every_leas_years(client_for, admin_user, year, other_lea):
    other_year = ProgrammeYearFactory(local_authority=other_lea)

    response = client_for(admin_user).get(reverse("funding:funding_home"))

    assert response.status_code == 200
    html = text(response)
    assert reverse("funding:year_funding", args=[year.pk]) in html
    assert reverse("funding:year_funding", args=[other_year.pk]) in html


def test_a_manager_without_a_year_is_told_to_set_one_up(client_for, users):
    response = client_for(users[Role.MANAGER]).get(reverse("funding:funding_home"))

    assert response.status_code == 200
    assert "There is no programme year yet" in text(response)


@pytest.mark.parametrize(
    "role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]
)
def test_only_managers_and_admins_have_a_funding_landing(client_for, users, year, role):
    response = client_for(users[role]).get(reverse("funding:funding_home"))

    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client_for, year):
    response = client_for(None).get(reverse("funding:year_funding", args=[year.pk]))

    assert response.status_code == 302
    assert "/accounts/login/" in response.url or "login" in response.url


# The year's money -----------------------------------------------------------------------------


def test_the_year_shows_its_budget_grants_payments_and_returns_with_every_link(
    client_for, users, year, place, sibling_school
):
    ExpenditureReturnFactory(participation=place, status=ReturnStatus.SUBMITTED)
    ParticipationFactory(programme_year=year, school=sibling_school)  # no grant yet

    response = client_for(users[Role.MANAGER]).get(reverse("funding:year_funding", args=[year.pk]))

    assert response.status_code == 200
    html = squash(text(response))
    assert "£10,000.00" in html  # received
    assert "£2,820.00: the grants of the places held" in html  # committed
    assert "£7,180.00" in html  # remaining
    assert "1 payment, £500.00" in html  # scheduled
    assert "1 payment, £1,000.00" in html  # paid
    assert "1 place without a grant yet" in html
    assert re.search(r"Submitted</dt> <dd class=\"govuk-summary-list__value\">1</dd>", html)
    assert re.search(r"Not started</dt> <dd class=\"govuk-summary-list__value\">1</dd>", html)
    for name in (
        "rates",
        "grant_list",
        "budget",
        "payment_list",
        "pscl_payments",
        "statement",
        "return_list",
        "value_for_money",
    ):
        assert reverse(f"funding:{name}", args=[year.pk]) in html


def test_the_year_warns_when_the_grants_exceed_the_budget(client_for, users, year, place):
    year.budget.allocation_received = Decimal("2000.00")
    year.budget.save()

    html = text(
        client_for(users[Role.MANAGER]).get(reverse("funding:year_funding", args=[year.pk]))
    )

    assert "£820.00 over the budget" in html


def test_another_leas_manager_cannot_find_the_year(client_for, foreign_users, year):
    response = client_for(foreign_users[Role.MANAGER]).get(
        reverse("funding:year_funding", args=[year.pk])
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    "role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]
)
def test_only_managers_and_admins_read_the_years_money(client_for, users, year, place, role):
    response = client_for(users[role]).get(reverse("funding:year_funding", args=[year.pk]))

    assert response.status_code in (403, 404)
    assert "£2,820.00" not in text(response)


def test_an_admin_reads_any_years_money(client_for, admin_user, year, place):
    response = client_for(admin_user).get(reverse("funding:year_funding", args=[year.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 8])
def test_the_years_money_runs_a_fixed_number_of_queries(
    client_for, users, year, django_assert_max_num_queries, count
):
    add_places(year, count)
    client = client_for(users[Role.MANAGER])

    with django_assert_max_num_queries(YEAR_QUERY_BOUND):
        response = client.get(reverse("funding:year_funding", args=[year.pk]))

    assert response.status_code == 200


# Value for money ----------------------------------------------------------------------------


def test_value_for_money_shows_the_hand_computed_figures_and_explains_them(
    client_for, users, year, place, school, lea
):
    allocation = AllocationFactory(participation=place, adviser__local_authority=lea)
    VisitFactory(allocation=allocation, length=VisitLength.FULL_DAY)
    VisitFactory(allocation=allocation, length=VisitLength.FULL_DAY)
    VisitFactory(allocation=allocation, length=VisitLength.HALF_DAY)
    KeyStageResultFactory(
        school=school,
        year=2004,
        english_percentage=Decimal("60.0"),
        maths_percentage=Decimal("70.0"),
    )
    KeyStageResultFactory(
        school=school,
        year=2005,
        english_percentage=Decimal("66.0"),
        maths_percentage=Decimal("68.5"),
    )

    response = client_for(users[Role.MANAGER]).get(
        reverse("funding:value_for_money", args=[year.pk])
    )

    assert response.status_code == 200
    html = squash(text(response))
    # 2,820 / 2.5 days = 1,128; 2,820 / 6 points = 470; maths fell by 1.5.
    assert "£1,128.00" in html
    assert "£470.00 a point (+6.0)" in html
    assert "No improvement (-1.5 points): not divided" in html
    assert "summer 2004, before the year started" in html
    assert reverse("funding:grant_detail", args=[place.pk]) in html
    assert reverse("funding:school_money", args=[school.urn]) in html


def test_value_for_money_says_when_results_are_missing(client_for, users, year, place):
    html = squash(
        text(
            client_for(users[Role.MANAGER]).get(reverse("funding:value_for_money", args=[year.pk]))
        )
    )

    assert "No figure: results missing" in html
    assert "None delivered" in html


def test_another_leas_manager_cannot_find_value_for_money(client_for, foreign_users, year):
    response = client_for(foreign_users[Role.MANAGER]).get(
        reverse("funding:value_for_money", args=[year.pk])
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    "role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]
)
def test_only_managers_and_admins_judge_value_for_money(client_for, users, year, place, role):
    response = client_for(users[role]).get(reverse("funding:value_for_money", args=[year.pk]))

    assert response.status_code in (403, 404)


def test_an_admin_judges_any_leas_value_for_money(client_for, admin_user, year, place):
    response = client_for(admin_user).get(reverse("funding:value_for_money", args=[year.pk]))

    assert response.status_code == 200
    assert "£2,820.00" in text(response)


@pytest.mark.parametrize("count", [2, 8])
def test_value_for_money_runs_a_fixed_number_of_queries(
    client_for, users, year, django_assert_max_num_queries, count
):
    add_places(year, count)
    client = client_for(users[Role.MANAGER])

    with django_assert_max_num_queries(VALUE_QUERY_BOUND):
        response = client.get(reverse("funding:value_for_money", args=[year.pk]))

    assert response.status_code == 200
    assert text(response).count('<div class="govuk-summary-card">') == count


# The school's money -------------------------------------------------------------------------


def money_url(school):
    return reverse("funding:school_money", args=[school.urn])


def test_the_headteacher_reads_the_grant_instalments_and_may_start_the_return(
    client_for, users, school, place
):
    response = client_for(users[Role.HEADTEACHER]).get(money_url(school))

    assert response.status_code == 200
    html = squash(text(response))
    assert "£2,820.00" in html
    assert "118 pupils (120 or fewer): 2 staff x 5 days x GBP 150 = GBP 1,500" in html
    assert reverse("funding:grant_detail", args=[place.pk]) in html
    assert reverse("funding:grant_letter", args=[place.pk]) in html
    assert "£1,000.00" in html and "£500.00" in html
    assert "Paid so far: £1,000.00. Still to be paid: £500.00." in html
    assert "Not started" in html
    assert "Start the expenditure return" in html
    assert reverse("funding:return_edit", args=[place.pk]) in html


def test_the_headteacher_may_change_a_queried_return_but_not_an_approved_one(
    client_for, users, school, place
):
    expenditure_return = ExpenditureReturnFactory(participation=place, status=ReturnStatus.QUERIED)
    client = client_for(users[Role.HEADTEACHER])

    html = text(client.get(money_url(school)))
    assert reverse("funding:return_edit", args=[place.pk]) in html
    assert reverse("funding:return_detail", args=[place.pk]) in html
    assert expenditure_return.query_message in html

    expenditure_return.status = ReturnStatus.APPROVED
    expenditure_return.save()
    html = text(client.get(money_url(school)))
    assert reverse("funding:return_edit", args=[place.pk]) not in html
    assert reverse("funding:return_detail", args=[place.pk]) in html
    assert "Yes: the LEA has approved" in html


def test_governors_read_in_plain_words_what_the_money_is_for_and_if_it_is_accounted_for(
    client_for, users, school, place
):
    ExpenditureReturnFactory(participation=place, status=ReturnStatus.SUBMITTED)

    response = client_for(users[Role.GOVERNOR]).get(money_url(school))

    assert response.status_code == 200
    html = squash(text(response))
    assert (
        "£1,500.00 pays for 10 days of supply cover, so that 2 of the school's staff can leave "
        "their classes for the programme" in html
    )
    assert "Sent to the LEA, which is checking it." in html
    assert reverse("funding:return_detail", args=[place.pk]) in html
    assert reverse("funding:return_edit", args=[place.pk]) not in html


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_the_lea_reads_a_schools_money(client_for, users, admin_user, school, place, who):
    user = admin_user if who == "admin" else users[Role.MANAGER]

    response = client_for(user).get(money_url(school))

    assert response.status_code == 200
    assert "£2,820.00" in text(response)
    assert reverse("funding:return_edit", args=[place.pk]) not in text(response)


def test_a_pscl_and_a_link_adviser_see_the_school_but_not_its_money(
    client_for, users, school, place, pscl
):
    AllocationFactory(adviser=pscl, participation=place)

    for role in (Role.CONSULTANT, Role.LINK_ADVISER):
        response = client_for(users[role]).get(money_url(school))
        assert response.status_code == 403
        assert "£2,820.00" not in text(response)


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.GOVERNOR])
def test_school_people_cannot_find_another_schools_money(
    client_for, users, year, sibling_school, role
):
    grant_compute(participation=ParticipationFactory(programme_year=year, school=sibling_school))

    response = client_for(users[role]).get(money_url(sibling_school))

    assert response.status_code == 404


def test_another_leas_manager_cannot_find_the_schools_money(
    client_for, foreign_users, school, place
):
    response = client_for(foreign_users[Role.MANAGER]).get(money_url(school))

    assert response.status_code == 404


def test_a_school_without_a_place_is_told_so(client_for, users, school):
    response = client_for(users[Role.HEADTEACHER]).get(money_url(school))

    assert response.status_code == 200
    assert "has no place in the programme with a grant" in text(response)


def test_pscl_payments_are_not_shown_to_the_school(client_for, users, school, place, pscl):
    PaymentFactory(
        participation=place, pscl=True, allocation__adviser=pscl, amount=Decimal("777.00")
    )

    for role in (Role.HEADTEACHER, Role.MANAGER):
        html = text(client_for(users[role]).get(money_url(school)))
        assert "£777.00" not in html


@pytest.mark.parametrize("years", [1, 4])
def test_the_schools_money_runs_a_fixed_number_of_queries(
    client_for, users, lea, school, django_assert_max_num_queries, years
):
    for number in range(years):
        programme_year = ProgrammeYearFactory(
            local_authority=lea,
            name=f"{2004 + number}-{5 + number:02d}",
            starts_on=datetime.date(2004 + number, 9, 1),
            ends_on=datetime.date(2005 + number, 7, 31),
        )
        participation = ParticipationFactory(programme_year=programme_year, school=school)
        grant_compute(participation=participation)
        PaymentFactory(participation=participation, status=PaymentStatus.PAID)
        PaymentFactory(participation=participation, instalment=2)
        ExpenditureReturnFactory(participation=participation)
    client = client_for(users[Role.HEADTEACHER])

    with django_assert_max_num_queries(SCHOOL_QUERY_BOUND):
        response = client.get(money_url(school))

    assert response.status_code == 200
    assert text(response).count('<section class="govuk-!-margin-bottom-9" id="place-') == years


# A PSCL's payments ----------------------------------------------------------------------------


def test_a_pscl_sees_their_own_payments_with_totals(client_for, users, lea, year, place, pscl):
    allocation = AllocationFactory(adviser=pscl, participation=place)
    PaymentFactory(
        participation=place,
        pscl=True,
        allocation=allocation,
        days=Decimal("2.00"),
        amount=Decimal("600.00"),
        status=PaymentStatus.PAID,
    )
    PaymentFactory(
        participation=place,
        pscl=True,
        allocation=allocation,
        days=Decimal("1.50"),
        amount=Decimal("450.00"),
    )
    PaymentFactory(
        participation=place,
        pscl=True,
        allocation=allocation,
        days=Decimal("1.00"),
        amount=Decimal("300.00"),
        status=PaymentStatus.CANCELLED,
    )
    # Another PSCL's payment, at another school.
    other_place = ParticipationFactory(
        programme_year=year, school=SchoolFactory(local_authority=lea, name="Beech Primary")
    )
    PaymentFactory(participation=other_place, pscl=True, amount=Decimal("999.00"))

    response = client_for(users[Role.CONSULTANT]).get(reverse("funding:my_payments"))

    assert response.status_code == 200
    html = squash(text(response))
    assert "£600.00" in html and "£450.00" in html
    assert "Cancelled" in html
    assert "£999.00" not in html
    assert "Beech Primary" not in html
    # Totals leave the cancelled payment out: 600 + 450, 3.5 days.
    assert "£1,050.00" in html
    assert "3.5" in html
    # The school's grant instalments are not the PSCL's.
    assert "£1,000.00" not in html


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER, Role.HEADTEACHER, Role.GOVERNOR]
)
def test_only_pscls_have_my_payments(client_for, users, role):
    response = client_for(users[role]).get(reverse("funding:my_payments"))

    assert response.status_code == 403


def test_a_pscl_of_another_lea_sees_none_of_these_payments(client_for, place, pscl, other_lea):
    PaymentFactory(participation=place, pscl=True, allocation__adviser=pscl)
    stranger = make_user(Role.CONSULTANT, lea=other_lea)

    html = text(client_for(stranger).get(reverse("funding:my_payments")))

    assert "No payments yet" in html


@pytest.mark.parametrize("count", [2, 8])
def test_my_payments_runs_a_fixed_number_of_queries(
    client_for, users, year, pscl, django_assert_max_num_queries, count
):
    for _number in range(count):
        participation = ParticipationFactory(
            programme_year=year, school=SchoolFactory(local_authority=year.local_authority)
        )
        allocation = AllocationFactory(adviser=pscl, participation=participation)
        PaymentFactory(participation=participation, pscl=True, allocation=allocation)
    client = client_for(users[Role.CONSULTANT])

    with django_assert_max_num_queries(MY_PAYMENTS_QUERY_BOUND):
        response = client.get(reverse("funding:my_payments"))

    assert text(response).count("£600.00") == count


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.MANAGER, True),
        (Role.HEADTEACHER, True),
        (Role.GOVERNOR, True),
        (Role.LINK_ADVISER, False),
    ],
)
def test_the_school_page_leads_to_the_money_of_a_school_that_held_a_place(
    role, shown, users, place, school, sibling_school, client_for
):
    money = reverse("funding:school_money", args=[school.urn])
    page = text(client_for(users[role]).get(reverse("schools:detail", args=[school.urn])))
    assert (money in page) is shown
    # A school that never held a place has no money to show.
    if role == Role.MANAGER:
        sibling_page = text(
            client_for(users[role]).get(reverse("schools:detail", args=[sibling_school.urn]))
        )
        assert "funding/schools/" not in sibling_page
