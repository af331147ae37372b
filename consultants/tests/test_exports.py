"""The consultants' exports (issue 7, item 4): the year's allocations from the matching board
and the visit notes of the feed, with the pages' filters, in the user's scope (a note only to
those who may read it), as CSV and XLSX with formulas neutralised, in bounded queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.exports import EVIL, column, csv_rows, xlsx_rows, xlsx_sheet
from consultants.factories import (
    AdviserFactory,
    AgreedActionFactory,
    AllocationFactory,
    AttachmentFactory,
    LinkAdviserFactory,
    VisitFactory,
)
from consultants.models import AllocationStatus, VisitStatus
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

FEED_CSV = reverse("consultants:visit_feed_csv")
FEED_XLSX = reverse("consultants:visit_feed_xlsx")
DAY = datetime.timedelta(days=1)


def _urns(rows):
    return {int(urn) for urn in column(rows, "URN")}


def _read(response, url):
    return csv_rows(response) if url.endswith(".csv") else xlsx_rows(response)


# Allocations --------------------------------------------------------------------------------


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def pscl(lea, users):
    return AdviserFactory(local_authority=lea, user=users[Role.CONSULTANT], full_name="Ann Cole")


@pytest.fixture
def allocations(year, lea, school, pscl):
    """A current allocation at `school`, one at a school named like a formula, and an ended
    one."""
    evil = SchoolFactory(local_authority=lea, name=EVIL)
    ended_school = SchoolFactory(local_authority=lea, name="Ended Lane Primary")
    return {
        "own": AllocationFactory(
            adviser=pscl,
            participation=ParticipationFactory(programme_year=year, school=school),
            planned_days=Decimal("4.5"),
        ),
        "evil": AllocationFactory(
            adviser=pscl, participation=ParticipationFactory(programme_year=year, school=evil)
        ),
        "ended": AllocationFactory(
            adviser=pscl,
            participation=ParticipationFactory(programme_year=year, school=ended_school),
            status=AllocationStatus.ENDED,
            ended_on=datetime.date(2004, 12, 1),
        ),
    }


def allocation_urls(year):
    return (
        reverse("consultants:allocations_csv", args=[year.pk]),
        reverse("consultants:allocations_xlsx", args=[year.pk]),
    )


@pytest.mark.parametrize("index", [0, 1])
def test_the_manager_exports_the_current_allocations_as_the_board_shows_them(
    client_for, users, year, allocations, index
):
    client = client_for(users[Role.MANAGER])
    board = client.get(reverse("consultants:matching", args=[year.pk])).context["board"]
    on_board = {row.participation.school.urn for row in board.rows if row.allocation}
    url = allocation_urls(year)[index]
    rows = _read(client.get(url), url)
    assert _urns(rows) == on_board
    assert allocations["ended"].participation.school.urn not in _urns(rows)


def test_the_allocations_export_has_the_filters_of_the_address(
    client_for, users, year, allocations
):
    client = client_for(users[Role.MANAGER])
    csv_url, xlsx_url = allocation_urls(year)
    ended = csv_rows(client.get(csv_url, {"status": AllocationStatus.ENDED}))
    assert _urns(ended) == {allocations["ended"].participation.school.urn}
    assert column(ended, "End reason") == [allocations["ended"].end_reason]
    by_name = xlsx_rows(client.get(xlsx_url, {"q": "millfield"}))
    assert _urns(by_name) == {allocations["own"].participation.school.urn}
    assert csv_rows(client.get(csv_url, {"status": "LOST"}))[1:] == []


@pytest.mark.parametrize(
    "role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]
)
def test_only_those_who_manage_matching_export_allocations(
    client_for, users, foreign_users, year, allocations, role
):
    board = reverse("consultants:matching", args=[year.pk])
    for url in allocation_urls(year):
        status = client_for(users[role]).get(url).status_code
        assert status == client_for(users[role]).get(board).status_code
        assert status in (403, 404)
        assert client_for(foreign_users[Role.MANAGER]).get(url).status_code == 404


def test_the_allocations_export_neutralises_formulas_and_keeps_days_as_numbers(
    client_for, users, year, allocations
):
    csv_url, xlsx_url = allocation_urls(year)
    client = client_for(users[Role.MANAGER])
    rows = csv_rows(client.get(csv_url))
    assert f"'{EVIL}" in column(rows, "School")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    sheet = xlsx_sheet(client.get(xlsx_url))
    header = [cell.value for cell in sheet[1]]
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    own = cells[allocations["own"].participation.school.urn]
    assert own[header.index("Planned days")].data_type == "n"
    assert Decimal(str(own[header.index("Planned days")].value)) == Decimal("4.5")
    assert own[header.index("Confirmed at")].is_date
    assert own[header.index("PSCL")].value == "Ann Cole"
    evil = cells[allocations["evil"].participation.school.urn][header.index("School")]
    assert (evil.value, evil.data_type) == (f"'{EVIL}", "s")


@pytest.mark.parametrize("index", [0, 1])
def test_the_allocations_export_runs_the_same_queries_for_3_or_30(
    client_for, users, lea, year, pscl, index, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            allocation = AllocationFactory(
                adviser=pscl, participation=ParticipationFactory(programme_year=year)
            )
            VisitFactory(allocation=allocation)

    client = client_for(users[Role.MANAGER])
    url = allocation_urls(year)[index]
    add(3)
    with django_assert_max_num_queries(5) as small:
        assert client.get(url).status_code == 200
    add(27)
    with django_assert_max_num_queries(5) as large:
        response = client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)
    rows = _read(response, url)
    assert len(rows) == 31
    assert set(column(rows, "Days delivered")) <= {"0.50", 0.5}


# Visit notes --------------------------------------------------------------------------------


def allocate(adviser, school):
    year = ProgrammeYearFactory(local_authority=school.local_authority)
    return AllocationFactory(
        adviser=adviser, participation=ParticipationFactory(programme_year=year, school=school)
    )


@pytest.fixture
def link_adviser(lea, users, school):
    adviser = LinkAdviserFactory(local_authority=lea, user=users[Role.LINK_ADVISER])
    AttachmentFactory(adviser=adviser, school=school)
    return adviser


@pytest.fixture
def notes(lea, other_lea, school, link_adviser):
    """At `school`: a challenged note with an agreed action, a quiet one, a draft and a planned
    visit; a note at a school named like a formula (not the link adviser's); a note of the
    other LEA."""
    today = timezone.localdate()
    pscl = AdviserFactory(local_authority=lea, full_name="David Hale")
    allocation = allocate(pscl, school)
    challenged = VisitFactory(
        allocation=allocation,
        visit_on=today - 2 * DAY,
        notes="=cmd|' /C calc'!A0",
        standards_challenged=True,
        challenge_detail="Asked why boys' writing lags.",
    )
    AgreedActionFactory(visit=challenged, who="Maths lead", what="Moderate Year 6 books.")
    quiet = VisitFactory(
        allocation=allocation,
        visit_on=today - 9 * DAY,
        notes="Getting to know the team.",
        standards_challenged=False,
        challenge_detail="",
    )
    VisitFactory(allocation=allocation, status=VisitStatus.DRAFT, notes="Draft secret")
    VisitFactory(allocation=allocation, planned=True, visit_on=today + DAY, notes="Plan only")
    evil = SchoolFactory(local_authority=lea, name=EVIL)
    VisitFactory(allocation=allocate(pscl, evil), notes="Evil school note")
    foreign = SchoolFactory(local_authority=other_lea, name="Southvale Far Primary")
    VisitFactory(
        allocation=allocate(AdviserFactory(local_authority=other_lea), foreign),
        notes="Foreign note",
    )
    return {"challenged": challenged, "quiet": quiet, "evil": evil, "foreign": foreign}


@pytest.mark.parametrize("url", [FEED_CSV, FEED_XLSX])
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.LINK_ADVISER, {"Getting to know the team.", "'=cmd|' /C calc'!A0"}),
        (
            Role.MANAGER,
            {"Getting to know the team.", "'=cmd|' /C calc'!A0", "Evil school note"},
        ),
        (
            Role.ADMIN,
            {
                "Getting to know the team.",
                "'=cmd|' /C calc'!A0",
                "Evil school note",
                "Foreign note",
            },
        ),
    ],
)
def test_the_notes_export_has_the_feeds_notes_only(client_for, users, notes, url, role, expected):
    client = client_for(users[role])
    feed = client.get(reverse("consultants:visit_feed"))
    rows = _read(client.get(url), url)
    assert set(column(rows, "Notes")) == expected
    assert len(rows) - 1 == feed.context["paginator"].count


@pytest.mark.parametrize("url", [FEED_CSV, FEED_XLSX])
@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR])
def test_pscls_and_school_people_never_get_the_notes(client_for, users, notes, url, role):
    client = client_for(users[role])
    assert client.get(reverse("consultants:visit_feed")).status_code == 403
    response = client.get(url)
    assert response.status_code == 403
    assert b"Getting to know the team" not in response.content


def test_another_leas_manager_never_gets_this_leas_notes(client_for, foreign_users, notes):
    rows = csv_rows(client_for(foreign_users[Role.MANAGER]).get(FEED_CSV))
    assert column(rows, "Notes") == ["Foreign note"]


def test_the_notes_export_has_the_feeds_filters(client_for, users, notes, school):
    client = client_for(users[Role.MANAGER])
    by_school = csv_rows(client.get(FEED_CSV, {"school": notes["evil"].pk}))
    assert column(by_school, "Notes") == ["Evil school note"]
    quiet = xlsx_rows(client.get(FEED_XLSX, {"school": school.pk, "challenged": "no"}))
    assert column(quiet, "Notes") == ["Getting to know the team."]
    tampered = csv_rows(client.get(FEED_CSV, {"school": notes["foreign"].pk}))
    assert tampered[1:] == []


def test_the_notes_export_neutralises_formulas_and_keeps_types(client_for, users, notes):
    client = client_for(users[Role.MANAGER])
    rows = csv_rows(client.get(FEED_CSV))
    assert f"'{EVIL}" in column(rows, "School")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    challenged = rows[1]
    assert challenged[rows[0].index("Standards challenged")] == "Yes"
    assert challenged[rows[0].index("Agreed actions")] == (
        "Maths lead: Moderate Year 6 books. (by 2004-11-05)"
    )
    assert challenged[rows[0].index("Days")] == "0.50"

    sheet = xlsx_sheet(client.get(FEED_XLSX))
    header = [cell.value for cell in sheet[1]]
    first = sheet[2]
    assert first[header.index("Date")].is_date
    assert first[header.index("Days")].data_type == "n"
    note = first[header.index("Notes")]
    assert (note.value, note.data_type) == ("'=cmd|' /C calc'!A0", "s")


def test_the_feed_links_to_the_exports_with_its_filters(client_for, users, notes, school):
    response = client_for(users[Role.MANAGER]).get(
        reverse("consultants:visit_feed"), {"challenged": "yes"}
    )
    assert f'href="{FEED_CSV}?challenged=yes"'.encode() in response.content
    assert f'href="{FEED_XLSX}?challenged=yes"'.encode() in response.content


@pytest.mark.parametrize("url", [FEED_CSV, FEED_XLSX])
def test_the_notes_export_runs_the_same_queries_for_3_or_30_notes(
    client_for, users, lea, link_adviser, url, django_assert_max_num_queries
):
    def add(count):
        for n in range(count):
            school = SchoolFactory(local_authority=lea)
            AttachmentFactory(adviser=link_adviser, school=school)
            visit = VisitFactory(allocation=allocate(AdviserFactory(local_authority=lea), school))
            AgreedActionFactory(visit=visit, what=f"Action {n}")

    client = client_for(users[Role.LINK_ADVISER])
    add(3)
    # Session, user, the filter's schools, the notes, their agreed actions.
    with django_assert_max_num_queries(6) as small:
        assert client.get(url).status_code == 200
    add(27)
    with django_assert_max_num_queries(6) as large:
        response = client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(_read(response, url)) == 31
