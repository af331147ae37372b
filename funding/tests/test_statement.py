"""The funding statement (issue 5, item 4): `manage.py funding_statement` writes exactly the
header, a row per school holding a place and the TOTAL row; the page shows the same totals;
only strategy managers and admins read it."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Role
from funding.factories import FundingRatesFactory
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(lea):
    """Two schools hold places at a supply rate with pennies; a third declined."""
    year = ProgrammeYearFactory(local_authority=lea, name="2004-05")
    FundingRatesFactory(programme_year=year, daily_supply_rate=Decimal("151.37"))
    for urn, name, pupils, status in (
        (100002, "Brook Infant School", 90, ParticipationStatus.ACCEPTED),
        (100001, "Ashby Primary School", 121, ParticipationStatus.ACTIVE),
        (100003, "Crane Junior School", 300, ParticipationStatus.DECLINED),
    ):
        school = SchoolFactory(local_authority=lea, urn=urn, name=name, number_on_roll=pupils)
        participation = ParticipationFactory(programme_year=year, school=school, status=status)
        if status != ParticipationStatus.DECLINED:
            grant_compute(participation=participation)
    return year


EXPECTED = (
    "urn,school,pupils,funded_people,supply_days,daily_rate,supply_amount,travel_grant,"
    "pscl_days,pscl_day_rate,pscl_amount,total\n"
    "100001,Ashby Primary School,121,3,15.0,151.37,2270.55,120.00,4.0,300.00,1200.00,3590.55\n"
    "100002,Brook Infant School,90,2,10.0,151.37,1513.70,120.00,4.0,300.00,1200.00,2833.70\n"
    "TOTAL,,211,5,25.0,,3784.25,240.00,8.0,,2400.00,6424.25\n"
)


def test_command_writes_the_statement_exactly(year):
    out = io.StringIO()
    call_command("funding_statement", "--lea", "991", "--year", "2004-05", stdout=out)
    assert out.getvalue() == EXPECTED


@pytest.mark.parametrize(
    ("lea_code", "name"), [("999", "2004-05"), ("991", "1999-00"), ("992", "2004-05")]
)
def test_command_refuses_an_unknown_lea_or_year(year, other_lea, lea_code, name):
    with pytest.raises(CommandError, match="No programme year"):
        call_command("funding_statement", "--lea", lea_code, "--year", name, stdout=io.StringIO())


def test_command_neutralises_a_formula_in_a_school_name(year, lea):
    school = SchoolFactory(
        local_authority=lea,
        urn=100009,
        name='=HYPERLINK("http://x.example","Pay")',
        number_on_roll=50,
    )
    grant_compute(participation=ParticipationFactory(programme_year=year, school=school))
    out = io.StringIO()
    call_command("funding_statement", "--lea", "991", "--year", "2004-05", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.startswith("100009"))
    assert line.startswith("100009,\"'=HYPERLINK(")


def test_statement_page_shows_the_rows_and_the_total(client_for, users, year):
    response = client_for(users[Role.MANAGER]).get(reverse("funding:statement", args=[year.pk]))
    assert response.status_code == 200
    statement = response.context["statement"]
    assert [row["urn"] for row in statement.rows] == [100001, 100002]
    assert statement.totals["total"] == Decimal("6424.25")
    html = response.content.decode()
    assert "6,424.25" in html
    assert "Crane Junior School" not in html


@pytest.mark.parametrize(
    "role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]
)
@pytest.mark.parametrize("name", ["statement", "statement_csv", "statement_xlsx"])
def test_statement_is_for_managers_only(client_for, users, year, role, name):
    assert (
        client_for(users[role]).get(reverse(f"funding:{name}", args=[year.pk])).status_code == 403
    )


@pytest.mark.parametrize("name", ["statement", "statement_csv", "statement_xlsx"])
def test_statement_of_another_lea_is_not_found(client_for, foreign_users, year, name):
    response = client_for(foreign_users[Role.MANAGER]).get(
        reverse(f"funding:{name}", args=[year.pk])
    )
    assert response.status_code == 404


def test_admin_reads_any_statement(client_for, admin_user, year):
    assert (
        client_for(admin_user).get(reverse("funding:statement", args=[year.pk])).status_code == 200
    )


@pytest.mark.parametrize("extra", [0, 6])
def test_statement_and_budget_queries_are_bounded(
    client_for, users, year, extra, django_assert_max_num_queries
):
    for _ in range(extra):
        school = SchoolFactory(local_authority=year.local_authority, number_on_roll=150)
        grant_compute(participation=ParticipationFactory(programme_year=year, school=school))
    client = client_for(users[Role.MANAGER])
    for name in ("statement", "budget", "statement_csv", "statement_xlsx"):
        with django_assert_max_num_queries(10):
            assert client.get(reverse(f"funding:{name}", args=[year.pk])).status_code == 200
