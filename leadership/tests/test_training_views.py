"""The training pages: events, registers and missed sessions, for every role across two LEAs."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from conftest import make_user
from leadership.factories import (
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    ProgrammeYearFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import MemberRole, TrainingEvent
from leadership.services.teams import register_build

pytestmark = pytest.mark.django_db

LEA_READERS = (Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT)
SCHOOL_READERS = (Role.HEADTEACHER, Role.GOVERNOR)
MANAGERS = (Role.ADMIN, Role.MANAGER)
NOT_MANAGERS = (Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR)

EVENT = {
    "session": "2",
    "held_on_0": "18",
    "held_on_1": "11",
    "held_on_2": "2004",
    "venue": "Town Hall",
    "capacity": "30",
}


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def participation(year, school):
    return ParticipationFactory(programme_year=year, school=school)


@pytest.fixture
def team(participation):
    return [
        LeadershipTeamMemberFactory(
            participation=participation, role=MemberRole.HEADTEACHER, full_name="Sarah Lewis"
        ),
        LeadershipTeamMemberFactory(
            participation=participation, role=MemberRole.DEPUTY, full_name="Tom Hughes"
        ),
    ]


@pytest.fixture
def event(year):
    return TrainingEventFactory(programme_year=year, session=1, capacity=40)


def list_url(year):
    return reverse("leadership:training_events", args=[year.pk])


def register_url(event):
    return reverse("leadership:training_register", args=[event.pk])


def build_url(event):
    return reverse("leadership:training_register_build", args=[event.pk])


def missed_url(year):
    return reverse("leadership:missed_sessions", args=[year.pk])


# Who sees the training --------------------------------------------------------------------------


@pytest.mark.parametrize("role", LEA_READERS + SCHOOL_READERS)
def test_the_leas_staff_and_the_people_of_a_participating_school_see_the_training(
    role, users, year, participation, event, client_for
):
    client = client_for(users[role])

    response = client.get(list_url(year))

    assert response.status_code == 200
    assert list(response.context["events"]) == [event]
    assert client.get(register_url(event)).status_code == 200
    assert client.get(missed_url(year)).status_code == 200


def test_the_head_of_a_school_not_in_the_programme_does_not_find_its_training(
    sibling_school, year, participation, event, client_for
):
    client = client_for(make_user(Role.HEADTEACHER, school=sibling_school))

    assert client.get(list_url(year)).status_code == 404
    assert client.get(register_url(event)).status_code == 404
    assert client.get(missed_url(year)).status_code == 404


@pytest.mark.parametrize("role", LEA_READERS[1:] + SCHOOL_READERS)
def test_nobody_of_the_other_lea_finds_the_training(
    role, foreign_users, year, participation, event, client_for
):
    client = client_for(foreign_users[role])

    assert client.get(list_url(year)).status_code == 404
    assert client.get(register_url(event)).status_code == 404
    assert client.post(build_url(event)).status_code == 404
    assert (
        client.post(reverse("leadership:training_event_add", args=[year.pk]), EVENT).status_code
        == 404
    )
    assert not event.register.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(year, event, client_for):
    for url in (list_url(year), register_url(event), missed_url(year)):
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


# Managing events ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_the_manager_adds_and_changes_training_events(role, users, year, client_for):
    client = client_for(users[role])
    add_url = reverse("leadership:training_event_add", args=[year.pk])

    assert client.get(add_url).status_code == 200
    response = client.post(add_url, EVENT)

    assert response.status_code == 302
    event = TrainingEvent.objects.get()
    assert (event.session, event.held_on, event.venue) == (
        2,
        datetime.date(2004, 11, 18),
        "Town Hall",
    )
    edit_url = reverse("leadership:training_event_edit", args=[event.pk])
    assert client.get(edit_url).context["form"].initial["venue"] == "Town Hall"
    client.post(edit_url, {**EVENT, "capacity": "25"})
    event.refresh_from_db()
    assert event.capacity == 25


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_others_may_not_add_or_change_events(role, users, year, participation, event, client_for):
    client = client_for(users[role])
    add_url = reverse("leadership:training_event_add", args=[year.pk])
    edit_url = reverse("leadership:training_event_edit", args=[event.pk])

    assert client.get(add_url).status_code == 403
    assert client.post(add_url, EVENT).status_code == 403
    assert client.post(edit_url, EVENT).status_code == 403
    assert "Add a training event" not in client.get(list_url(year)).content.decode()
    assert list(TrainingEvent.objects.values_list("venue", flat=True)) == [event.venue]


def test_an_event_outside_the_year_is_refused_next_to_the_date(users, year, client_for):
    response = client_for(users[Role.MANAGER]).post(
        reverse("leadership:training_event_add", args=[year.pk]), {**EVENT, "held_on_2": "2006"}
    )

    assert list(response.context["form"].errors) == ["held_on"]
    assert "govuk-error-summary" in response.content.decode()
    assert not TrainingEvent.objects.exists()


# The register ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_the_manager_builds_the_register_once_and_marks_it_in_one_post(
    role, users, event, team, client_for
):
    client = client_for(users[role])

    response = client.post(build_url(event))
    assert response.url == register_url(event)
    client.post(build_url(event))
    lines = dict(event.register.filter(member__isnull=False).values_list("member_id", "pk"))
    head, deputy = team
    response = client.post(register_url(event), {"present": [lines[head.pk]]})

    assert response.status_code == 302
    assert event.register.count() == 3  # the team and the LEA's PSCL, once each
    marks = dict(event.register.filter(member__isnull=False).values_list("member_id", "is_present"))
    assert marks == {head.pk: True, deputy.pk: False}
    page = client.get(register_url(event)).content.decode()
    assert f'value="{lines[head.pk]}" checked' in page
    assert f'value="{lines[deputy.pk]}">' in page


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_others_read_the_register_but_may_not_build_or_mark_it(
    role, users, event, team, client_for
):
    register_build(event=event)
    line = event.register.filter(member=team[0]).get()
    client = client_for(users[role])

    page = client.get(register_url(event)).content.decode()
    assert 'name="present"' not in page
    assert client.post(register_url(event), {"present": [line.pk]}).status_code == 403
    assert client.post(build_url(event)).status_code == 403
    line.refresh_from_db()
    assert not line.is_present


def test_the_headteacher_reads_only_their_own_teams_lines(
    users, year, sibling_school, event, team, client_for
):
    LeadershipTeamMemberFactory(
        participation=ParticipationFactory(programme_year=year, school=sibling_school),
        full_name="Ruth Other",
    )
    register_build(event=event)

    page = client_for(users[Role.HEADTEACHER]).get(register_url(event)).content.decode()

    assert "Sarah Lewis" in page
    assert "Ruth Other" not in page
    assert users[Role.CONSULTANT].full_name not in page


def test_the_register_warns_when_more_are_registered_than_the_venue_holds(
    users, year, team, client_for
):
    event = TrainingEventFactory(programme_year=year, capacity=2)
    register_build(event=event)

    page = client_for(users[Role.MANAGER]).get(register_url(event)).content.decode()

    assert "3 people are on the register for 2 places: 1 more than the venue holds." in page


def test_a_line_from_another_event_is_refused_and_nothing_is_marked(
    users, year, event, team, client_for
):
    other_event = TrainingEventFactory(programme_year=year, session=2)
    register_build(event=event)
    register_build(event=other_event)
    foreign = other_event.register.filter(member=team[0]).get()

    response = client_for(users[Role.MANAGER]).post(register_url(event), {"present": [foreign.pk]})

    assert response.status_code == 200
    assert "present" in response.context["form"].errors
    assert not TrainingEvent.objects.filter(register__is_present=True).exists()


def test_building_the_register_is_a_post(users, event, client_for):
    assert client_for(users[Role.MANAGER]).get(build_url(event)).status_code == 405


# Missed sessions ------------------------------------------------------------------------------


def test_the_missed_sessions_page_names_the_school_the_session_and_who(
    users, year, team, client_for
):
    session_1 = TrainingEventFactory(programme_year=year, session=1)
    TrainingAttendanceFactory(event=session_1, member=team[0])

    page = client_for(users[Role.MANAGER]).get(missed_url(year)).content.decode()

    assert "Millfield Primary School" in page
    assert "Session 1" in page
    assert "Not together" in page
    assert "Absent: Tom Hughes" in page


def test_the_missed_sessions_page_says_when_every_team_attended_together(
    users, year, team, client_for
):
    session_1 = TrainingEventFactory(programme_year=year, session=1)
    for member in team:
        TrainingAttendanceFactory(event=session_1, member=member)

    response = client_for(users[Role.MANAGER]).get(missed_url(year))

    assert response.context["schools"] == ()
    assert "Every team attended every session held so far, together." in response.content.decode()


# Bounded queries ------------------------------------------------------------------------------


def _cohort(year, events, schools):
    for _ in range(schools):
        participation = ParticipationFactory(programme_year=year)
        members = LeadershipTeamMemberFactory.create_batch(3, participation=participation)
        for event in events:
            for member in members[:2]:
                TrainingAttendanceFactory(event=event, member=member)


@pytest.mark.parametrize("page", ["list", "register", "missed"])
def test_the_training_pages_cost_the_same_queries_for_a_small_or_large_cohort(
    page, users, year, client_for
):
    events = [TrainingEventFactory(programme_year=year, session=s) for s in (1, 2, 2, 3)]
    url = {"list": list_url(year), "register": register_url(events[0]), "missed": missed_url(year)}
    client = client_for(users[Role.MANAGER])
    _cohort(year, events, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url[page]).status_code == 200
    _cohort(year, events, 8)
    TrainingEventFactory(programme_year=year, session=3, venue="Library")
    with CaptureQueriesContext(connection) as large:
        response = client.get(url[page])

    if page == "missed":
        assert len(response.context["schools"]) == 10
    assert len(small) == len(large)
