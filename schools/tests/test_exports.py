"""The school list's exports (issue 7, item 4): the page's schools, with its filters, in the
user's scope, as CSV and XLSX with formulas neutralised, in a bounded number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.exports import EVIL, column, csv_rows, xlsx_rows
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

CSV_URL = reverse("schools:list_csv")
XLSX_URL = reverse("schools:list_xlsx")
#: Session, user, the LEA count of the filters, the schools with their LEA (and the
#: navigation's school for some roles), and the insert of the view log, whatever the number
#: of schools.
EXPORT_QUERY_BOUND = 7


@pytest.fixture
def evil_school(lea):
    return SchoolFactory(
        local_authority=lea, name=EVIL, number_on_roll=300, percentage_fsm=Decimal("12.5")
    )


def _urns(rows):
    return {int(urn) for urn in column(rows, "URN")}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ADMIN, {"school", "sibling_school", "foreign_school"}),
        (Role.MANAGER, {"school", "sibling_school"}),
        (Role.LINK_ADVISER, {"school", "sibling_school"}),
        (Role.HEADTEACHER, {"school"}),
        (Role.GOVERNOR, {"school"}),
        (Role.CONSULTANT, set()),
    ],
)
def test_the_export_has_only_the_schools_in_the_users_scope(
    role, expected, users, school, sibling_school, foreign_school, client_for
):
    schools = {"school": school, "sibling_school": sibling_school, "foreign_school": foreign_school}
    client = client_for(users[role])
    page = {s.urn for s in client.get(reverse("schools:list")).context["schools"]}
    wanted = {schools[name].urn for name in expected}
    assert _urns(csv_rows(client.get(CSV_URL))) == wanted == page
    assert _urns(xlsx_rows(client.get(XLSX_URL))) == wanted


def test_another_leas_manager_never_gets_this_leas_schools(
    foreign_users, school, sibling_school, foreign_school, client_for
):
    rows = csv_rows(client_for(foreign_users[Role.MANAGER]).get(CSV_URL))
    assert _urns(rows) == {foreign_school.urn}


def test_the_export_asks_an_anonymous_visitor_to_sign_in(client_for):
    response = client_for().get(CSV_URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_the_export_has_the_pages_filters(url, users, lea, school, sibling_school, client_for):
    small = SchoolFactory(local_authority=lea, name="Wren Small Primary", number_on_roll=60)
    client = client_for(users[Role.MANAGER])
    query = {"q": "primary", "size": "large"}
    page = {s.urn for s in client.get(reverse("schools:list"), query).context["schools"]}
    rows = csv_rows(client.get(url, query)) if url == CSV_URL else xlsx_rows(client.get(url, query))
    assert _urns(rows) == page == {sibling_school.urn}
    assert small.urn not in _urns(rows)


def test_filters_that_are_not_valid_export_no_school(users, school, client_for):
    rows = csv_rows(client_for(users[Role.MANAGER]).get(CSV_URL, {"size": "enormous"}))
    assert rows == [rows[0]]


def test_the_csv_neutralises_a_formula_in_a_school_name(users, evil_school, client_for):
    rows = csv_rows(client_for(users[Role.MANAGER]).get(CSV_URL))
    assert f"'{EVIL}" in column(rows, "School")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_xlsx_has_a_bold_header_text_for_formulas_and_numbers_as_numbers(
    users, evil_school, client_for
):
    rows = xlsx_rows(client_for(users[Role.MANAGER]).get(XLSX_URL))
    assert rows[0][:2] == ["URN", "School"]
    row = next(row for row in rows[1:] if row[0] == evil_school.urn)
    assert row[1] == f"'{EVIL}"
    assert row[rows[0].index("Pupils")] == 300
    assert Decimal(str(row[rows[0].index("% free school meals")])) == Decimal("12.5")
    assert row[rows[0].index("Size")] == "Large"


def test_the_file_is_named_with_todays_date(users, school, client_for, settings):
    settings.PLP_TODAY = datetime.date(2004, 11, 26)
    response = client_for(users[Role.MANAGER]).get(XLSX_URL)
    assert response["Content-Disposition"] == 'attachment; filename="schools-2004-11-26.xlsx"'


def test_the_list_links_to_the_exports_with_its_filters(users, school, client_for):
    response = client_for(users[Role.MANAGER]).get(reverse("schools:list"), {"q": "mill"})
    assert f'href="{CSV_URL}?q=mill"'.encode() in response.content
    assert f'href="{XLSX_URL}?q=mill"'.encode() in response.content


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER, Role.GOVERNOR])
def test_the_export_runs_the_same_queries_for_10_or_200_schools(
    url, role, users, lea, other_lea, client_for, django_assert_max_num_queries
):
    client = client_for(users[role])
    SchoolFactory.create_batch(5, local_authority=lea)
    SchoolFactory.create_batch(5, local_authority=other_lea)
    with django_assert_max_num_queries(EXPORT_QUERY_BOUND) as with_10:
        assert client.get(url, {"q": "school"}).status_code == 200
    SchoolFactory.create_batch(95, local_authority=lea)
    SchoolFactory.create_batch(95, local_authority=other_lea)
    with django_assert_max_num_queries(EXPORT_QUERY_BOUND) as with_200:
        assert client.get(url, {"q": "school"}).status_code == 200
    assert len(with_10.captured_queries) == len(with_200.captured_queries)
