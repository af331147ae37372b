"""The export of a programme year's participations (issue 7, item 4): the schools of the year
that the user may see, with the filters of the address, as the year's page refuses and allows,
as CSV and XLSX with formulas neutralised, in a bounded number of queries."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.exports import EVIL, column, csv_rows, xlsx_rows, xlsx_sheet
from consultants.factories import AdviserFactory, AllocationFactory
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

#: Session, user, the year, the permission's LEA check, the participations with their
#: schools, whatever the number of participations (and a PSCL's allocation subquery).
EXPORT_QUERY_BOUND = 6


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def own(year, school):
    return ParticipationFactory(
        programme_year=year,
        school=school,
        status=ParticipationStatus.ACTIVE,
        invited_on=datetime.date(2004, 6, 1),
        joined_on=datetime.date(2004, 6, 20),
    )


@pytest.fixture
def declined(year, lea):
    school = SchoolFactory(local_authority=lea, name=EVIL)
    return ParticipationFactory(
        programme_year=year, school=school, status=ParticipationStatus.DECLINED
    )


def urls(year):
    return (
        reverse("leadership:year_participations_csv", args=[year.pk]),
        reverse("leadership:year_participations_xlsx", args=[year.pk]),
    )


def _urns(rows):
    return {int(urn) for urn in column(rows, "URN")}


def test_the_manager_exports_the_years_schools_as_the_page_lists_them(
    client_for, users, year, own, declined, foreign_school
):
    client = client_for(users[Role.MANAGER])
    page = client.get(reverse("leadership:year_detail", args=[year.pk]))
    listed = [p.school.urn for p in page.context["participations"]]
    csv_url, xlsx_url = urls(year)
    rows = csv_rows(client.get(csv_url))
    assert [int(urn) for urn in column(rows, "URN")] == listed
    assert foreign_school.urn not in listed
    assert _urns(xlsx_rows(client.get(xlsx_url))) == set(listed)


def test_another_leas_year_is_not_found_and_its_schools_never_appear(
    client_for, users, foreign_users, year, own, other_lea, foreign_school
):
    foreign_year = ProgrammeYearFactory(local_authority=other_lea)
    ParticipationFactory(programme_year=foreign_year, school=foreign_school)
    for url in urls(foreign_year):
        assert client_for(users[Role.MANAGER]).get(url).status_code == 404
    for url in urls(year):
        assert client_for(foreign_users[Role.MANAGER]).get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.GOVERNOR])
def test_school_people_are_refused_as_on_the_years_page(client_for, users, year, own, role):
    client = client_for(users[role])
    assert client.get(reverse("leadership:year_detail", args=[year.pk])).status_code == 403
    for url in urls(year):
        assert client.get(url).status_code == 403


def test_an_anonymous_visitor_is_asked_to_sign_in(client_for, year):
    response = client_for().get(urls(year)[0])
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_pscl_exports_only_the_schools_allocated_to_them(
    client_for, users, lea, year, own, declined
):
    pscl = AdviserFactory(local_authority=lea, user=users[Role.CONSULTANT])
    theirs = ParticipationFactory(programme_year=year)
    AllocationFactory(adviser=pscl, participation=theirs)
    rows = csv_rows(client_for(users[Role.CONSULTANT]).get(urls(year)[0]))
    assert _urns(rows) == {theirs.school.urn}


def test_the_export_has_the_filters_of_the_address(
    client_for, users, year, own, declined, sibling_school
):
    ParticipationFactory(
        programme_year=year, school=sibling_school, status=ParticipationStatus.INVITED
    )
    client = client_for(users[Role.MANAGER])
    csv_url, xlsx_url = urls(year)
    query = {"status": [ParticipationStatus.ACTIVE, ParticipationStatus.INVITED]}
    assert _urns(csv_rows(client.get(csv_url, query))) == {own.school.urn, sibling_school.urn}
    assert _urns(xlsx_rows(client.get(xlsx_url, {"q": "oakwood"}))) == {sibling_school.urn}
    assert _urns(csv_rows(client.get(csv_url, {"q": str(own.school.urn)}))) == {own.school.urn}


def test_filters_that_are_not_valid_export_no_school(client_for, users, year, own):
    rows = csv_rows(client_for(users[Role.MANAGER]).get(urls(year)[0], {"status": "LOST"}))
    assert rows == [rows[0]]


def test_both_formats_neutralise_a_formula_and_keep_dates_as_dates(
    client_for, users, year, own, declined
):
    client = client_for(users[Role.MANAGER])
    csv_url, xlsx_url = urls(year)
    rows = csv_rows(client.get(csv_url))
    assert f"'{EVIL}" in column(rows, "School")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    own_row = next(row for row in rows if row[0] == str(own.school.urn))
    assert own_row[rows[0].index("Invited on")] == "2004-06-01"
    assert own_row[rows[0].index("Status")] == "Active"
    reason = column(rows, "Reason")[column(rows, "School").index(f"'{EVIL}")]
    assert reason == declined.status_reason

    sheet = xlsx_sheet(client.get(xlsx_url))
    header = [cell.value for cell in sheet[1]]
    assert all(cell.font.bold for cell in sheet[1])
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    evil = cells[declined.school.urn][header.index("School")]
    assert evil.value == f"'{EVIL}"
    assert evil.data_type == "s"
    joined = cells[own.school.urn][header.index("Accepted on")]
    assert joined.is_date
    assert joined.value.date() == datetime.date(2004, 6, 20)


def test_the_file_name_has_the_lea_the_year_and_today(client_for, users, year, own, settings):
    settings.PLP_TODAY = datetime.date(2004, 11, 26)
    response = client_for(users[Role.MANAGER]).get(urls(year)[1])
    assert response["Content-Disposition"] == (
        'attachment; filename="participations-991-2004-05-2004-11-26.xlsx"'
    )


def test_the_years_page_links_to_the_exports_with_its_query(client_for, users, year, own):
    response = client_for(users[Role.MANAGER]).get(
        reverse("leadership:year_detail", args=[year.pk]), {"status": "ACTIVE"}
    )
    csv_url, xlsx_url = urls(year)
    assert f'href="{csv_url}?status=ACTIVE"'.encode() in response.content
    assert f'href="{xlsx_url}?status=ACTIVE"'.encode() in response.content


@pytest.mark.parametrize("index", [0, 1])
@pytest.mark.parametrize("role", [Role.MANAGER, Role.CONSULTANT])
def test_the_export_runs_the_same_queries_for_3_or_30_schools(
    client_for, users, lea, year, index, role, django_assert_max_num_queries
):
    pscl = AdviserFactory(local_authority=lea, user=users[Role.CONSULTANT])

    def add(count):
        for _ in range(count):
            AllocationFactory(adviser=pscl, participation=ParticipationFactory(programme_year=year))

    client = client_for(users[role])
    url = urls(year)[index]
    add(3)
    with django_assert_max_num_queries(EXPORT_QUERY_BOUND) as small:
        assert client.get(url, {"status": "ACTIVE"}).status_code == 200
    add(27)
    with django_assert_max_num_queries(EXPORT_QUERY_BOUND) as large:
        response = client.get(url, {"status": "ACTIVE"})
    assert len(small.captured_queries) == len(large.captured_queries)
    rows = csv_rows(response) if index == 0 else xlsx_rows(response)
    assert len(rows) == 31
