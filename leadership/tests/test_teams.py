"""Leadership teams: the funded team size, each member's time against the expectation, and the
services that change a team and log its school-based activity."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leadership.factories import (
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    ProgrammeYearFactory,
    SchoolActivityFactory,
    SchoolVisitFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import (
    LeadershipTeamMember,
    MemberRole,
    ParticipationStatus,
    SchoolActivity,
    SchoolVisit,
)
from leadership.selectors.teams import (
    funded_team_size,
    team_overview,
    team_time,
)
from leadership.services.teams import (
    activity_log,
    team_member_add,
    team_member_remove,
    team_member_update,
)
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def participation(year, school):
    return ParticipationFactory(programme_year=year, school=school)


def add_members(participation, *roles):
    return [LeadershipTeamMemberFactory(participation=participation, role=role) for role in roles]


# The funded team ------------------------------------------------------------------------------


@pytest.mark.parametrize(("pupils", "size"), [(45, 2), (120, 2), (121, 4), (420, 4)])
def test_the_funded_team_is_head_plus_one_at_120_pupils_or_fewer_and_head_plus_three_above(
    year, pupils, size
):
    participation = ParticipationFactory(
        programme_year=year,
        school=SchoolFactory(local_authority=year.local_authority, number_on_roll=pupils),
    )

    assert funded_team_size(participation) == size


def test_the_funded_team_follows_the_years_own_threshold_and_sizes(lea):
    year = ProgrammeYearFactory(
        local_authority=lea, small_school_max_pupils=100, small_team_size=3, large_team_size=5
    )
    small = ParticipationFactory(programme_year=year, school__number_on_roll=100)
    large = ParticipationFactory(programme_year=year, school__number_on_roll=101)

    assert (funded_team_size(small), funded_team_size(large)) == (3, 5)


def test_the_funded_team_is_unknown_when_the_number_on_roll_is_not_recorded(year):
    participation = ParticipationFactory(programme_year=year, school__number_on_roll=None)

    overview = team_overview(participation)

    assert overview.funded_size is None
    assert overview.size_message is None


def test_a_small_school_with_a_team_of_three_is_told_its_funded_team_is_two(participation):
    add_members(participation, MemberRole.HEADTEACHER, MemberRole.DEPUTY, MemberRole.OTHER_SENIOR)

    overview = team_overview(participation)

    assert overview.size_message == (
        "The funded team for a school of 118 pupils is 2 people: the headteacher and one other "
        "teacher. This team has 3."
    )


def test_a_large_school_with_a_team_of_two_is_told_its_funded_team_is_four(year, sibling_school):
    participation = ParticipationFactory(programme_year=year, school=sibling_school)
    add_members(participation, MemberRole.HEADTEACHER, MemberRole.DEPUTY)

    overview = team_overview(participation)

    assert overview.size_message == (
        "The funded team for a school of 240 pupils is 4 people: the headteacher and three "
        "senior staff. This team has 2."
    )


def test_a_team_of_the_funded_size_has_no_size_message(participation):
    add_members(participation, MemberRole.HEADTEACHER, MemberRole.ENGLISH_COORDINATOR)

    overview = team_overview(participation)

    assert not overview.differs_from_funded
    assert overview.size_message is None
    assert overview.has_headteacher


def test_a_team_without_a_headteacher_is_noticed(participation):
    add_members(participation, MemberRole.DEPUTY, MemberRole.MATHS_COORDINATOR)

    assert not team_overview(participation).has_headteacher


# Time against the expectation -----------------------------------------------------------------


def test_each_members_time_adds_training_sessions_visits_and_school_based_activity(
    participation, year, sibling_school
):
    head, deputy = add_members(participation, MemberRole.HEADTEACHER, MemberRole.DEPUTY)
    session_1 = TrainingEventFactory(programme_year=year, session=1)
    session_1_again = TrainingEventFactory(programme_year=year, session=1, venue="Town Hall")
    session_2 = TrainingEventFactory(programme_year=year, session=2)
    session_3 = TrainingEventFactory(programme_year=year, session=3)
    # The head came to session 1 twice (two venues): it is still one half day.
    TrainingAttendanceFactory(event=session_1, member=head, is_present=True)
    TrainingAttendanceFactory(event=session_1_again, member=head, is_present=True)
    TrainingAttendanceFactory(event=session_2, member=head, is_present=True)
    TrainingAttendanceFactory(event=session_3, member=head, is_present=False)
    TrainingAttendanceFactory(event=session_1, member=deputy, is_present=False)
    SchoolVisitFactory(participation=participation, members=[head], days=Decimal("0.5"))
    SchoolVisitFactory(participation=participation, members=[head, deputy], days=Decimal("1.0"))
    SchoolActivityFactory(member=head, days=Decimal("0.5"))
    SchoolActivityFactory(member=head, days=Decimal("2.0"))
    SchoolActivityFactory(member=deputy, days=Decimal("1.0"))
    # Another school's team gives time that must not be counted here.
    other = LeadershipTeamMemberFactory(participation__programme_year=year)
    SchoolActivityFactory(member=other, days=Decimal("3.0"))
    TrainingAttendanceFactory(event=session_3, member=other, is_present=True)

    times = {row.member.pk: row for row in team_time(participation)}

    assert times[head.pk].sessions_attended == 2
    assert times[head.pk].training.done == Decimal("1.0")
    assert times[head.pk].visiting.done == Decimal("1.5")
    assert times[head.pk].school_based.done == Decimal("2.5")
    assert times[deputy.pk].training.done == Decimal("0.0")
    assert times[deputy.pk].visiting.done == Decimal("1.0")
    assert times[deputy.pk].school_based.done == Decimal("1.0")
    assert set(times) == {head.pk, deputy.pk}


def test_a_commitment_is_complete_once_the_expected_days_are_given(participation, year):
    (head,) = add_members(participation, MemberRole.HEADTEACHER)
    for session in (1, 2, 3):
        TrainingAttendanceFactory(
            event=TrainingEventFactory(programme_year=year, session=session), member=head
        )
    SchoolVisitFactory(participation=participation, members=[head], days=Decimal("1.0"))
    SchoolActivityFactory(member=head, days=Decimal("2.0"))

    (row,) = team_time(participation)

    assert (row.training.done, row.training.expected) == (Decimal("1.5"), Decimal("1.5"))
    assert row.training.is_complete
    assert row.visiting.is_complete
    assert not row.school_based.is_complete
    assert not row.is_complete


def test_a_member_with_no_time_yet_has_zero_days_of_each(participation):
    add_members(participation, MemberRole.DEPUTY)

    (row,) = team_time(participation)

    assert (row.training.done, row.visiting.done, row.school_based.done) == (0, 0, 0)
    assert not row.training.is_complete


def test_the_team_is_listed_head_first(participation):
    add_members(participation, MemberRole.OTHER_SENIOR, MemberRole.DEPUTY, MemberRole.HEADTEACHER)

    roles = [row.member.role for row in team_time(participation)]

    assert roles == [MemberRole.HEADTEACHER, MemberRole.DEPUTY, MemberRole.OTHER_SENIOR]


def _give_time(participation, year, members):
    event = TrainingEventFactory(programme_year=year, session=1)
    visit = SchoolVisitFactory(participation=participation, members=members)
    for member in members:
        TrainingAttendanceFactory(event=event, member=member)
        SchoolActivityFactory(member=member)
    return visit


def test_team_time_costs_one_query_whatever_the_size_of_the_team(participation, year):
    _give_time(participation, year, add_members(participation, MemberRole.HEADTEACHER))
    with CaptureQueriesContext(connection) as small:
        assert len(team_time(participation)) == 1
    _give_time(participation, year, add_members(participation, *[MemberRole.OTHER_SENIOR] * 7))
    with CaptureQueriesContext(connection) as large:
        assert len(team_time(participation)) == 8

    assert len(small) == len(large) == 1


# Changing the team ----------------------------------------------------------------------------


def test_adding_a_member_puts_them_in_the_team(participation):
    member = team_member_add(
        participation=participation,
        full_name=" Sarah Lewis ",
        role=MemberRole.HEADTEACHER,
        email="s.lewis@example.org",
    )

    member.refresh_from_db()
    assert (member.participation, member.full_name, member.role) == (
        participation,
        "Sarah Lewis",
        MemberRole.HEADTEACHER,
    )


def test_a_team_cannot_have_two_headteachers(participation):
    (head,) = add_members(participation, MemberRole.HEADTEACHER)

    with pytest.raises(ValidationError) as error:
        team_member_add(
            participation=participation, full_name="Another Head", role=MemberRole.HEADTEACHER
        )

    assert error.value.message_dict == {
        "role": [f"This team already has a headteacher, {head.full_name}."]
    }
    assert participation.team_members.count() == 1


def test_a_team_cannot_have_two_members_of_the_same_name(participation):
    (deputy,) = add_members(participation, MemberRole.DEPUTY)

    with pytest.raises(ValidationError) as error:
        team_member_add(
            participation=participation,
            full_name=deputy.full_name.upper(),
            role=MemberRole.OTHER_SENIOR,
        )

    assert list(error.value.message_dict) == ["full_name"]


@pytest.mark.parametrize(
    "status",
    [
        ParticipationStatus.IDENTIFIED,
        ParticipationStatus.INVITED,
        ParticipationStatus.DECLINED,
        ParticipationStatus.COMPLETED,
        ParticipationStatus.WITHDRAWN,
    ],
)
def test_a_team_changes_only_while_the_school_holds_an_accepted_or_active_place(year, status):
    participation = ParticipationFactory(programme_year=year, status=status)

    with pytest.raises(ValidationError, match="accepted or taken up its place"):
        team_member_add(participation=participation, full_name="Jo Reid", role=MemberRole.DEPUTY)

    assert not LeadershipTeamMember.objects.exists()


def test_an_accepted_place_may_name_its_team(year):
    participation = ParticipationFactory(programme_year=year, status=ParticipationStatus.ACCEPTED)

    team_member_add(participation=participation, full_name="Jo Reid", role=MemberRole.DEPUTY)

    assert participation.team_members.count() == 1


def test_updating_a_member_changes_their_details_under_the_same_rules(participation):
    head, deputy = add_members(participation, MemberRole.HEADTEACHER, MemberRole.DEPUTY)

    team_member_update(member=head, full_name=head.full_name, role=MemberRole.HEADTEACHER)
    team_member_update(
        member=deputy, full_name="Ann Deputy", role=MemberRole.ENGLISH_COORDINATOR, email="a@x.org"
    )
    with pytest.raises(ValidationError) as error:
        team_member_update(member=deputy, full_name="Ann Deputy", role=MemberRole.HEADTEACHER)

    deputy.refresh_from_db()
    assert (deputy.full_name, deputy.role, deputy.email) == (
        "Ann Deputy",
        MemberRole.ENGLISH_COORDINATOR,
        "a@x.org",
    )
    assert "role" in error.value.message_dict


def test_removing_a_member_archives_them_and_keeps_their_activity_and_visits(participation):
    head, deputy = add_members(participation, MemberRole.HEADTEACHER, MemberRole.DEPUTY)
    SchoolActivityFactory(member=deputy)
    visit = SchoolVisitFactory(participation=participation, members=[head, deputy])

    team_member_remove(member=deputy)

    assert list(participation.team_members.active()) == [head]
    assert list(participation.team_members.archived()) == [deputy]
    assert SchoolActivity.objects.filter(member_id=deputy.pk).exists()
    assert set(SchoolVisit.objects.get(pk=visit.pk).members.all()) == {head, deputy}
    deputy.refresh_from_db()
    assert deputy.archived_at is not None
    assert deputy.history.latest().archived_at == deputy.archived_at


def test_a_former_headteacher_leaves_room_for_a_new_one(participation):
    (head,) = add_members(participation, MemberRole.HEADTEACHER)
    team_member_remove(member=head)

    new_head = team_member_add(
        participation=participation, full_name=head.full_name, role=MemberRole.HEADTEACHER
    )

    assert list(participation.team_members.active()) == [new_head]
    assert [m.member for m in team_time(participation)] == [new_head]


# School-based activity ------------------------------------------------------------------------


def test_logging_activity_records_the_days_for_the_member(participation):
    (deputy,) = add_members(participation, MemberRole.DEPUTY)

    activity = activity_log(
        member=deputy,
        done_on=datetime.date(2004, 10, 12),
        days=Decimal("1.5"),
        description="Planned the writing priority with the PSCL.",
    )

    assert activity.member == deputy
    assert team_time(participation)[0].school_based.done == Decimal("1.5")


@pytest.mark.parametrize(
    ("done_on", "days", "field"),
    [
        (datetime.date(2004, 8, 31), Decimal("1.0"), "done_on"),
        (datetime.date(2005, 8, 1), Decimal("1.0"), "done_on"),
        (datetime.date(2004, 10, 12), Decimal("0.0"), "days"),
    ],
)
def test_activity_outside_the_year_or_of_no_time_is_refused(participation, done_on, days, field):
    (deputy,) = add_members(participation, MemberRole.DEPUTY)

    with pytest.raises(ValidationError) as error:
        activity_log(member=deputy, done_on=done_on, days=days, description="Planning")

    assert field in error.value.message_dict
    assert not SchoolActivity.objects.exists()
