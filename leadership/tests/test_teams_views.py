"""The team page and the pages that change a team, for every role across two LEAs."""

from decimal import Decimal

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
    SchoolActivityFactory,
    SchoolVisitFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import LeadershipTeamMember, MemberRole, ParticipationStatus, SchoolActivity

pytestmark = pytest.mark.django_db

#: Who may read a team, and who may change it (leadership.edit_team).
READERS = (Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER, Role.HEADTEACHER, Role.GOVERNOR)
EDITORS = (Role.ADMIN, Role.MANAGER, Role.HEADTEACHER)
READ_ONLY = (Role.LINK_ADVISER, Role.GOVERNOR)


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def participation(year, school):
    return ParticipationFactory(programme_year=year, school=school)


@pytest.fixture
def head(participation):
    return LeadershipTeamMemberFactory(
        participation=participation, role=MemberRole.HEADTEACHER, full_name="Sarah Lewis"
    )


@pytest.fixture
def deputy(participation):
    return LeadershipTeamMemberFactory(
        participation=participation, role=MemberRole.DEPUTY, full_name="Tom Hughes"
    )


def team_url(participation):
    return reverse("leadership:team", args=[participation.pk])


def add_url(participation):
    return reverse("leadership:team_member_add", args=[participation.pk])


MEMBER = {"full_name": "Priya Shah", "role": MemberRole.ENGLISH_COORDINATOR, "email": ""}


# Who may see and change a team ------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_the_team_page_is_open_to_the_schools_people_and_its_lea(
    role, users, participation, head, client_for
):
    response = client_for(users[role]).get(team_url(participation))

    assert response.status_code == 200
    assert "Sarah Lewis" in response.content.decode()


def test_a_pscl_with_no_allocation_does_not_find_the_team(users, participation, client_for):
    assert client_for(users[Role.CONSULTANT]).get(team_url(participation)).status_code == 404


def test_the_headteacher_of_another_school_does_not_find_the_team(
    sibling_school, participation, client_for
):
    other_head = make_user(Role.HEADTEACHER, school=sibling_school)

    assert client_for(other_head).get(team_url(participation)).status_code == 404


@pytest.mark.parametrize("role", [*Role.values])
def test_nobody_of_the_other_lea_finds_the_team(
    role, foreign_users, admin_user, participation, client_for
):
    user = admin_user if role == Role.ADMIN else foreign_users[role]

    expected = 200 if role == Role.ADMIN else 404
    assert client_for(user).get(team_url(participation)).status_code == expected


def test_an_anonymous_visitor_is_sent_to_sign_in(participation, client_for):
    response = client_for(None).get(team_url(participation))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", EDITORS)
def test_the_head_the_manager_and_an_admin_may_add_a_member(role, users, participation, client_for):
    client = client_for(users[role])

    assert client.get(add_url(participation)).status_code == 200
    response = client.post(add_url(participation), MEMBER)

    assert response.status_code == 302
    assert response.url == team_url(participation)
    assert participation.team_members.get().full_name == "Priya Shah"


@pytest.mark.parametrize("role", READ_ONLY)
def test_governors_and_link_advisers_read_the_team_but_may_not_change_it(
    role, users, participation, deputy, client_for
):
    client = client_for(users[role])
    page = client.get(team_url(participation)).content.decode()
    member_urls = [
        reverse(name, args=[deputy.pk])
        for name in (
            "leadership:team_member_edit",
            "leadership:team_member_remove",
            "leadership:activity_log",
        )
    ]

    assert "Add a member" not in page
    assert client.get(add_url(participation)).status_code == 403
    assert client.post(add_url(participation), MEMBER).status_code == 403
    for url in member_urls:
        assert client.get(url).status_code == 403
        assert client.post(url, {**MEMBER, "full_name": "Changed"}).status_code == 403
    assert list(participation.team_members.values_list("full_name", flat=True)) == ["Tom Hughes"]


@pytest.mark.parametrize("role", [Role.CONSULTANT])
def test_a_user_who_cannot_see_the_school_cannot_change_its_team(
    role, users, foreign_users, participation, deputy, client_for
):
    for user in (users[role], foreign_users[Role.MANAGER], foreign_users[Role.HEADTEACHER]):
        client = client_for(user)
        assert client.post(add_url(participation), MEMBER).status_code == 404
        edit = reverse("leadership:team_member_edit", args=[deputy.pk])
        assert client.post(edit, {**MEMBER, "full_name": "Changed"}).status_code == 404
    deputy.refresh_from_db()
    assert deputy.full_name == "Tom Hughes"


def test_the_head_of_another_school_cannot_change_this_team(
    sibling_school, participation, deputy, client_for
):
    client = client_for(make_user(Role.HEADTEACHER, school=sibling_school))

    assert client.post(add_url(participation), MEMBER).status_code == 404
    remove = reverse("leadership:team_member_remove", args=[deputy.pk])
    assert client.post(remove).status_code == 404
    assert LeadershipTeamMember.objects.filter(pk=deputy.pk).exists()


# What the team page says ------------------------------------------------------------------------


def test_the_page_says_when_the_team_differs_from_the_funded_team(
    users, participation, head, deputy, client_for
):
    LeadershipTeamMemberFactory(participation=participation, role=MemberRole.MATHS_COORDINATOR)

    page = client_for(users[Role.HEADTEACHER]).get(team_url(participation)).content.decode()

    assert (
        "The funded team for a school of 118 pupils is 2 people: the headteacher and one other "
        "teacher. This team has 3." in page
    )
    assert "This team has no headteacher" not in page


def test_the_page_says_when_the_team_has_no_headteacher(users, participation, deputy, client_for):
    page = client_for(users[Role.GOVERNOR]).get(team_url(participation)).content.decode()

    assert "This team has no headteacher" in page


def test_the_page_shows_each_members_time_against_the_expectation(
    users, year, participation, head, deputy, client_for
):
    for session in (1, 2, 3):
        event = TrainingEventFactory(programme_year=year, session=session)
        TrainingAttendanceFactory(event=event, member=head)
    TrainingAttendanceFactory(event=event, member=deputy)
    SchoolActivityFactory(member=deputy, days=Decimal("1.0"))

    response = client_for(users[Role.MANAGER]).get(team_url(participation))
    rows = {row.member.full_name: row for row in response.context["team"].members}
    page = response.content.decode()

    assert rows["Sarah Lewis"].training.is_complete
    assert "1.5 of 1.5 days" in page
    assert "0.5 of 1.5 days" in page
    assert "1.0 of 2.5 days" in page
    assert page.count('govuk-tag--green">Complete') == 1


def test_the_page_offers_changes_only_to_those_who_may_make_them(
    users, participation, deputy, client_for
):
    for role, can_edit in ((Role.HEADTEACHER, True), (Role.LINK_ADVISER, False)):
        page = client_for(users[role]).get(team_url(participation)).content.decode()
        assert ("Add a member" in page) == can_edit
        assert (reverse("leadership:activity_log", args=[deputy.pk]) in page) == can_edit


def test_a_closed_place_offers_no_changes_even_to_the_head(year, school, users, client_for):
    participation = ParticipationFactory(
        programme_year=year, school=school, status=ParticipationStatus.DECLINED
    )

    page = client_for(users[Role.HEADTEACHER]).get(team_url(participation)).content.decode()

    assert "Add a member" not in page
    assert "This place is declined" in page


def _fill_team(participation, year, size):
    event = TrainingEventFactory(programme_year=year, session=1)
    members = LeadershipTeamMemberFactory.create_batch(size, participation=participation)
    SchoolVisitFactory(participation=participation, members=members)
    for member in members:
        TrainingAttendanceFactory(event=event, member=member)
        SchoolActivityFactory(member=member)


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.MANAGER])
def test_the_team_page_costs_the_same_queries_for_a_team_of_two_or_of_eight(
    role, users, year, participation, client_for
):
    client = client_for(users[role])
    _fill_team(participation, year, 2)
    with CaptureQueriesContext(connection) as small:
        client.get(team_url(participation))
    _fill_team(participation, year, 6)
    with CaptureQueriesContext(connection) as large:
        response = client.get(team_url(participation))

    assert len(response.context["team"].members) == 8
    assert len(small) == len(large)


# Changing the team through the pages ------------------------------------------------------------


def test_a_second_headteacher_is_refused_next_to_the_role(users, participation, head, client_for):
    response = client_for(users[Role.HEADTEACHER]).post(
        add_url(participation), {**MEMBER, "role": MemberRole.HEADTEACHER}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "role": ["This team already has a headteacher, Sarah Lewis."]
    }
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "<title>Error: " in page


def test_a_member_without_name_or_role_is_refused_with_the_reasons(
    users, participation, client_for
):
    response = client_for(users[Role.MANAGER]).post(add_url(participation), {"email": "x"})

    assert set(response.context["form"].errors) == {"full_name", "role", "email"}
    assert not participation.team_members.exists()


def test_the_head_changes_a_members_role(users, participation, deputy, client_for):
    url = reverse("leadership:team_member_edit", args=[deputy.pk])
    client = client_for(users[Role.HEADTEACHER])

    assert client.get(url).context["form"].initial["full_name"] == "Tom Hughes"
    response = client.post(
        url, {"full_name": "Tom Hughes", "role": MemberRole.MATHS_COORDINATOR, "email": ""}
    )

    assert response.status_code == 302
    deputy.refresh_from_db()
    assert deputy.role == MemberRole.MATHS_COORDINATOR


def test_the_manager_removes_a_member_after_confirming(users, participation, deputy, client_for):
    url = reverse("leadership:team_member_remove", args=[deputy.pk])
    client = client_for(users[Role.MANAGER])

    assert "Remove Tom Hughes from the team?" in client.get(url).content.decode()
    assert LeadershipTeamMember.objects.filter(pk=deputy.pk).exists()
    response = client.post(url)

    assert response.url == team_url(participation)
    assert not LeadershipTeamMember.objects.active().filter(pk=deputy.pk).exists()
    deputy.refresh_from_db()
    assert deputy.archived_by == users[Role.MANAGER]
    page = client.get(team_url(participation)).content.decode()
    assert "Former members" in page
    assert "Tom Hughes, deputy headteacher: left the team" in page
    assert client.post(url).status_code == 404


def test_the_head_logs_school_based_activity_for_a_member(users, participation, deputy, client_for):
    url = reverse("leadership:activity_log", args=[deputy.pk])

    response = client_for(users[Role.HEADTEACHER]).post(
        url,
        {
            "done_on_0": "12",
            "done_on_1": "10",
            "done_on_2": "2004",
            "days": "1.5",
            "description": "Observed Year 5 maths with the PSCL.",
        },
    )

    assert response.status_code == 302
    activity = SchoolActivity.objects.get()
    assert (activity.member, activity.days, str(activity.done_on)) == (
        deputy,
        Decimal("1.5"),
        "2004-10-12",
    )


def test_activity_outside_the_year_is_refused_next_to_the_date(
    users, participation, deputy, client_for
):
    url = reverse("leadership:activity_log", args=[deputy.pk])

    response = client_for(users[Role.HEADTEACHER]).post(
        url,
        {
            "done_on_0": "12",
            "done_on_1": "10",
            "done_on_2": "2005",
            "days": "0.75",
            "description": "Planning",
        },
    )

    errors = response.context["form"].errors
    assert set(errors) == {"days"}
    response = client_for(users[Role.HEADTEACHER]).post(
        url,
        {
            "done_on_0": "12",
            "done_on_1": "10",
            "done_on_2": "2005",
            "days": "0.5",
            "description": "Planning",
        },
    )
    assert list(response.context["form"].errors) == ["done_on"]
    assert "2004-05" in response.context["form"].errors["done_on"][0]
    assert not SchoolActivity.objects.exists()
