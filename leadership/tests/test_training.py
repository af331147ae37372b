"""Training events: who sees them, the register build and marking, and which schools missed a
session or did not attend it together."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from conftest import make_user
from leadership.factories import (
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    ProgrammeYearFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import (
    MemberRole,
    ParticipationStatus,
    TrainingEvent,
)
from leadership.selectors.teams import missed_sessions, training_register
from leadership.services.teams import (
    register_build,
    register_mark,
    training_event_create,
    training_event_update,
)

pytestmark = pytest.mark.django_db

#: After every event of the factories' sessions 1 and 2, before session 3.
TODAY = datetime.date(2005, 1, 10)


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def participation(year, school):
    return ParticipationFactory(programme_year=year, school=school)


@pytest.fixture
def event(year):
    return TrainingEventFactory(programme_year=year, session=1)


def team(participation, size=2):
    roles = [MemberRole.HEADTEACHER, MemberRole.DEPUTY, MemberRole.ENGLISH_COORDINATOR]
    roles += [MemberRole.OTHER_SENIOR] * 5
    return [
        LeadershipTeamMemberFactory(participation=participation, role=role) for role in roles[:size]
    ]


def lines_of(event):
    return set(event.register.values_list("member_id", "consultant_id"))


# Who sees the training ------------------------------------------------------------------------


def test_lea_staff_see_their_leas_training_and_school_people_only_where_the_school_takes_part(
    users, foreign_users, year, participation, sibling_school, event
):
    other_head = make_user(Role.HEADTEACHER, school=sibling_school)
    declined_head = make_user(
        Role.HEADTEACHER,
        school=ParticipationFactory(
            programme_year=year, status=ParticipationStatus.DECLINED
        ).school,
    )

    def sees(user):
        return TrainingEvent.objects.visible_to(user).filter(pk=event.pk).exists()

    assert all(sees(users[role]) for role in Role.values)
    assert not sees(other_head)
    assert not sees(declined_head)
    assert not any(sees(user) for user in foreign_users.values())


# Building and marking the register ------------------------------------------------------------


def test_the_register_lists_every_member_of_accepted_and_active_teams_and_the_leas_pscls(
    lea, other_lea, year, event, users
):
    accepted = team(
        ParticipationFactory(programme_year=year, status=ParticipationStatus.ACCEPTED), 2
    )
    active = team(ParticipationFactory(programme_year=year, status=ParticipationStatus.ACTIVE), 3)
    for status in (
        ParticipationStatus.INVITED,
        ParticipationStatus.DECLINED,
        ParticipationStatus.COMPLETED,
        ParticipationStatus.WITHDRAWN,
    ):
        team(ParticipationFactory(programme_year=year, status=status), 1)
    team(ParticipationFactory(programme_year__local_authority=lea, programme_year__name="2005-06"))
    team(ParticipationFactory(programme_year__local_authority=other_lea))
    pscl = users[Role.CONSULTANT]
    make_user(Role.CONSULTANT, lea=lea, is_active=False)
    make_user(Role.CONSULTANT, lea=other_lea)

    added = register_build(event=event)

    assert added == 6
    assert lines_of(event) == {(m.pk, None) for m in accepted + active} | {(None, pscl.pk)}


def test_building_the_register_twice_adds_no_one_and_keeps_the_marks(participation, event):
    head, deputy = team(participation, 2)
    register_build(event=event)
    register_mark(event=event, present_line_ids=[event.register.get(member=head).pk])

    assert register_build(event=event) == 0
    newcomer = LeadershipTeamMemberFactory(participation=participation)
    assert register_build(event=event) == 1

    marks = dict(event.register.values_list("member_id", "is_present"))
    assert marks == {head.pk: True, deputy.pk: False, newcomer.pk: False}


def test_marking_sets_every_line_present_or_absent_in_one_go(participation, event):
    head, deputy, english = team(participation, 3)
    register_build(event=event)
    line = {m: event.register.get(member=m).pk for m in (head, deputy, english)}
    register_mark(event=event, present_line_ids=[line[head], line[deputy]])

    present = register_mark(event=event, present_line_ids=[line[deputy], line[english]])

    assert present == 2
    marks = dict(event.register.values_list("member_id", "is_present"))
    assert marks == {head.pk: False, deputy.pk: True, english.pk: True}


def test_marking_a_line_of_another_event_changes_nothing(year, participation, event):
    (head,) = team(participation, 1)
    other_event = TrainingEventFactory(programme_year=year, session=2)
    own = TrainingAttendanceFactory(event=event, member=head, is_present=True)
    foreign = TrainingAttendanceFactory(event=other_event, member=head, is_present=False)

    with pytest.raises(ValidationError, match="not on this event's register"):
        register_mark(event=event, present_line_ids=[foreign.pk])

    own.refresh_from_db()
    foreign.refresh_from_db()
    assert (own.is_present, foreign.is_present) == (True, False)


def test_the_register_shows_each_user_the_lines_in_their_scope(
    users, year, participation, sibling_school, event
):
    own = team(participation, 2)
    other = team(ParticipationFactory(programme_year=year, school=sibling_school), 1)
    register_build(event=event)

    def names(role):
        return {row.name for row in training_register(event=event, user=users[role]).lines}

    pscl = users[Role.CONSULTANT].full_name
    everyone = {m.full_name for m in own + other} | {pscl}
    assert names(Role.MANAGER) == everyone
    assert names(Role.ADMIN) == everyone
    assert names(Role.HEADTEACHER) == {m.full_name for m in own}
    assert names(Role.CONSULTANT) == {pscl}
    assert training_register(event=event, user=users[Role.HEADTEACHER]).registered == 4


def test_the_register_warns_when_more_are_on_it_than_the_event_holds(users, participation, year):
    event = TrainingEventFactory(programme_year=year, capacity=2)
    team(participation, 2)
    register_build(event=event)

    register = training_register(event=event, user=users[Role.MANAGER])

    assert (register.registered, register.over_capacity_by) == (3, 1)


def test_the_register_costs_the_same_queries_at_any_length(users, year, event):
    team(ParticipationFactory(programme_year=year), 2)
    register_build(event=event)
    with CaptureQueriesContext(connection) as small:
        assert len(training_register(event=event, user=users[Role.MANAGER]).lines) == 3
    for _ in range(5):
        team(ParticipationFactory(programme_year=year), 4)
    register_build(event=event)
    with CaptureQueriesContext(connection) as large:
        assert len(training_register(event=event, user=users[Role.MANAGER]).lines) == 23

    assert len(small) == len(large)


# Events ---------------------------------------------------------------------------------------


def test_an_event_is_scheduled_within_the_programme_year(year):
    event = training_event_create(
        programme_year=year,
        session=2,
        held_on=datetime.date(2004, 11, 18),
        venue=" Town Hall ",
        capacity=30,
    )

    assert (event.session, event.venue, event.capacity) == (2, "Town Hall", 30)
    with pytest.raises(ValidationError) as error:
        training_event_update(
            event=event,
            session=2,
            held_on=datetime.date(2005, 9, 1),
            venue="Town Hall",
            capacity=30,
        )
    assert list(error.value.message_dict) == ["held_on"]


@pytest.mark.parametrize(("session", "capacity", "field"), [(4, 30, "session"), (1, 0, "capacity")])
def test_an_event_needs_a_session_of_1_to_3_and_a_capacity(year, session, capacity, field):
    with pytest.raises(ValidationError) as error:
        training_event_create(
            programme_year=year,
            session=session,
            held_on=datetime.date(2004, 11, 18),
            venue="Town Hall",
            capacity=capacity,
        )

    assert field in error.value.message_dict
    assert not TrainingEvent.objects.exists()


# Missed sessions ------------------------------------------------------------------------------


@pytest.fixture
def sessions(year):
    """Session 1 at two venues, session 2 at one, session 3 after TODAY."""
    return {
        "1a": TrainingEventFactory(
            programme_year=year, session=1, held_on=datetime.date(2004, 9, 23)
        ),
        "1b": TrainingEventFactory(
            programme_year=year, session=1, held_on=datetime.date(2004, 9, 30), venue="Town Hall"
        ),
        "2": TrainingEventFactory(
            programme_year=year, session=2, held_on=datetime.date(2004, 11, 18)
        ),
        "3": TrainingEventFactory(
            programme_year=year, session=3, held_on=datetime.date(2005, 3, 3)
        ),
    }


def attend(event, *members, present=True):
    for member in members:
        TrainingAttendanceFactory(event=event, member=member, is_present=present)


def school_problems(users, year, today=TODAY):
    held, schools = missed_sessions(programme_year=year, user=users[Role.MANAGER], today=today)
    return held, {s.participation.school.name: {p.session: p for p in s.problems} for s in schools}


def test_a_team_that_attended_every_held_session_together_is_not_listed(
    users, year, participation, sessions
):
    members = team(participation, 2)
    attend(sessions["1b"], *members)
    attend(sessions["2"], *members)

    held, problems = school_problems(users, year)

    assert held == [1, 2]
    assert problems == {}


def test_a_team_with_no_member_present_missed_the_session(users, year, participation, sessions):
    head, deputy = team(participation, 2)
    attend(sessions["1a"], head, deputy, present=False)
    attend(sessions["2"], head, deputy)

    _, problems = school_problems(users, year)

    problem = problems[participation.school.name][1]
    assert problem.is_missed
    assert problem.absent == (head.full_name, deputy.full_name)
    assert set(problems[participation.school.name]) == {1}


def test_members_at_different_events_of_a_session_did_not_attend_together(
    users, year, participation, sessions
):
    head, deputy = team(participation, 2)
    attend(sessions["1a"], head)
    attend(sessions["1b"], deputy)
    attend(sessions["2"], head, deputy)

    _, problems = school_problems(users, year)

    problem = problems[participation.school.name][1]
    assert not problem.is_missed
    assert problem.absent == ()
    assert problem.attended == (
        (head.full_name, sessions["1a"]),
        (deputy.full_name, sessions["1b"]),
    )


def test_a_team_with_a_member_absent_did_not_attend_together(users, year, participation, sessions):
    head, deputy, english = team(participation, 3)
    attend(sessions["1a"], head, deputy, english)
    attend(sessions["2"], head, english)

    _, problems = school_problems(users, year)

    problem = problems[participation.school.name][2]
    assert not problem.is_missed
    assert problem.absent == (deputy.full_name,)
    assert set(problems[participation.school.name]) == {2}


def test_a_team_with_no_members_missed_every_held_session(users, year, participation, sessions):
    _, problems = school_problems(users, year)

    assert set(problems[participation.school.name]) == {1, 2}
    assert all(p.is_missed and p.absent == () for p in problems[participation.school.name].values())


def test_a_session_is_checked_only_once_its_last_event_has_taken_place(
    users, year, participation, sessions
):
    head, deputy = team(participation, 2)
    attend(sessions["2"], head, deputy)

    held, problems = school_problems(users, year, today=datetime.date(2004, 9, 29))
    assert held == []
    assert problems == {}
    held, problems = school_problems(users, year, today=datetime.date(2004, 11, 18))
    assert held == [1, 2]
    assert set(problems[participation.school.name]) == {1}


def test_only_schools_that_accepted_took_up_or_completed_a_place_are_checked(users, year, sessions):
    checked = {
        status: ParticipationFactory(programme_year=year, status=status).school.name
        for status in ParticipationStatus.values
    }

    _, problems = school_problems(users, year)

    assert set(problems) == {
        checked[ParticipationStatus.ACCEPTED],
        checked[ParticipationStatus.ACTIVE],
        checked[ParticipationStatus.COMPLETED],
    }


def test_a_headteacher_sees_only_their_own_schools_missed_sessions(
    users, year, participation, sibling_school, sessions
):
    ParticipationFactory(programme_year=year, school=sibling_school)

    _, schools = missed_sessions(programme_year=year, user=users[Role.HEADTEACHER], today=TODAY)

    assert [s.participation for s in schools] == [participation]


def _cohort(year, sessions, size):
    for _ in range(size):
        head, deputy = team(ParticipationFactory(programme_year=year), 2)
        attend(sessions["1a"], head)
        attend(sessions["1b"], deputy)
        attend(sessions["2"], head)


def test_missed_sessions_cost_the_same_queries_for_any_cohort(users, year, sessions):
    _cohort(year, sessions, 2)
    with CaptureQueriesContext(connection) as small:
        assert len(school_problems(users, year)[1]) == 2
    _cohort(year, sessions, 10)
    with CaptureQueriesContext(connection) as large:
        assert len(school_problems(users, year)[1]) == 12

    assert len(small) == len(large)
