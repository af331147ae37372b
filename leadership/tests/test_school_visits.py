"""School-to-school visits: recording them, the host-school search over every school in
England, the count of visits outside the locality, and who may do what."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from conftest import make_user
from leadership.factories import (
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    ProgrammeYearFactory,
    SchoolVisitFactory,
)
from leadership.models import MemberRole, ParticipationStatus, SchoolVisit
from leadership.selectors.teams import host_school_by_urn, host_school_search, school_visit_list
from leadership.services.teams import (
    school_visit_archive,
    school_visit_record,
    school_visit_update,
)
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

EDITORS = (Role.ADMIN, Role.MANAGER, Role.HEADTEACHER)
READ_ONLY = (Role.LINK_ADVISER, Role.GOVERNOR)


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


def visits_url(participation):
    return reverse("leadership:school_visits", args=[participation.pk])


def add_url(participation):
    return reverse("leadership:school_visit_add", args=[participation.pk])


def visit_data(host, members, **changes):
    return {
        "host_school": host.urn,
        "visited_on_0": "17",
        "visited_on_1": "11",
        "visited_on_2": "2004",
        "members": [m.pk for m in members],
        "purpose": "See how the host school tracks progress in writing.",
        "days": "1",
        **changes,
    }


# Recording visits -----------------------------------------------------------------------------


def test_a_visit_to_a_school_of_another_lea_is_recorded_with_the_members_who_went(
    participation, team, foreign_school
):
    visit = school_visit_record(
        participation=participation,
        visited_on=datetime.date(2004, 11, 17),
        host_school=foreign_school,
        members=team[:1],
        purpose=" Tracking in writing ",
        is_outside_locality=True,
    )

    visit.refresh_from_db()
    assert (visit.host_school, visit.days, visit.purpose) == (
        foreign_school,
        Decimal("1.0"),
        "Tracking in writing",
    )
    assert list(visit.members.all()) == team[:1]
    assert visit.is_outside_locality


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"host_school": "own"}, "host_school"),
        ({"visited_on": datetime.date(2005, 8, 2)}, "visited_on"),
        ({"members": []}, "members"),
        ({"members": "stranger"}, "members"),
        ({"days": Decimal("0")}, "days"),
    ],
)
def test_a_visit_that_breaks_a_rule_is_refused(
    participation, team, year, sibling_school, change, field
):
    values = {
        "participation": participation,
        "visited_on": datetime.date(2004, 11, 17),
        "host_school": sibling_school,
        "members": team,
        "purpose": "Tracking",
        **change,
    }
    if values["host_school"] == "own":
        values["host_school"] = participation.school
    if values["members"] == "stranger":
        values["members"] = [LeadershipTeamMemberFactory(participation__programme_year=year)]

    with pytest.raises(ValidationError) as error:
        school_visit_record(**values)

    assert field in error.value.message_dict
    assert not SchoolVisit.objects.exists()


def test_a_visit_is_corrected_and_deleted(participation, team, sibling_school, foreign_school):
    visit = SchoolVisitFactory(
        participation=participation, host_school=sibling_school, members=team
    )

    school_visit_update(
        visit=visit,
        visited_on=datetime.date(2005, 2, 2),
        host_school=foreign_school,
        members=team[1:],
        purpose="Maths",
        days=Decimal("0.5"),
        is_outside_locality=True,
    )
    visit.refresh_from_db()
    assert (visit.host_school, visit.days, list(visit.members.all())) == (
        foreign_school,
        Decimal("0.5"),
        team[1:],
    )

    school_visit_archive(visit=visit)
    assert not SchoolVisit.objects.active().exists()
    assert SchoolVisit.objects.archived().get() == visit


def test_visits_are_closed_once_the_place_is_completed(year, school, sibling_school):
    participation = ParticipationFactory(
        programme_year=year, school=school, status=ParticipationStatus.COMPLETED
    )
    member = LeadershipTeamMemberFactory(participation=participation)
    visit = SchoolVisitFactory(participation=participation, members=[member])

    with pytest.raises(ValidationError, match="accepted or taken up its place"):
        school_visit_archive(visit=visit)

    assert SchoolVisit.objects.active().filter(pk=visit.pk).exists()


# The host-school search -----------------------------------------------------------------------


def test_the_host_search_finds_schools_in_every_lea_by_name_or_urn(school, foreign_school):
    SchoolFactory(name="Millbrook Infant School", urn=654321)

    by_name = host_school_search("mill")
    by_urn = host_school_search(str(foreign_school.urn))

    assert [s.name for s in by_name] == ["Millbrook Infant School", "Millfield Primary School"]
    assert by_urn == [foreign_school]
    assert host_school_search("   ") == []
    assert host_school_by_urn(str(foreign_school.urn)) == foreign_school
    assert host_school_by_urn("not a urn") is None


def test_the_host_search_shows_at_most_twenty_schools():
    for n in range(25):
        SchoolFactory(name=f"Hilltop {n:02d} Primary School")

    found = host_school_search("Hilltop")

    assert [s.name for s in found] == [f"Hilltop {n:02d} Primary School" for n in range(20)]


def test_the_search_page_lists_name_urn_and_lea_of_schools_anywhere(
    users, participation, team, foreign_school, client_for
):
    response = client_for(users[Role.HEADTEACHER]).get(add_url(participation), {"q": "Southvale"})
    page = response.content.decode()

    assert response.context["results"] == [foreign_school]
    assert "Southvale Junior School" in page
    assert str(foreign_school.urn) in page
    assert f"?host={foreign_school.urn}" in page
    assert reverse("schools:detail", args=[foreign_school.urn]) not in page


def test_a_chosen_host_links_to_its_background_file_only_for_a_user_who_may_see_it(
    users, participation, team, sibling_school, client_for
):
    url = add_url(participation)
    detail = reverse("schools:detail", args=[sibling_school.urn])

    as_head = client_for(users[Role.HEADTEACHER]).get(url, {"host": sibling_school.urn})
    as_manager = client_for(users[Role.MANAGER]).get(url, {"host": sibling_school.urn})

    assert as_head.context["host"] == sibling_school
    assert "Oakwood Primary School" in as_head.content.decode()
    assert detail not in as_head.content.decode()
    assert detail in as_manager.content.decode()
    assert as_head.context["form"].initial["host_school"] == sibling_school.urn


def test_a_search_of_one_letter_is_refused_with_a_reason(users, participation, client_for):
    response = client_for(users[Role.HEADTEACHER]).get(add_url(participation), {"q": "M"})

    assert response.context["search_form"].errors == {
        "q": ["Enter at least 2 characters of the school's name"]
    }
    assert response.context["results"] is None


# The visits pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS)
def test_the_head_the_manager_and_an_admin_record_a_visit(
    role, users, participation, team, foreign_school, client_for
):
    response = client_for(users[role]).post(
        add_url(participation), visit_data(foreign_school, team, is_outside_locality="on")
    )

    assert response.status_code == 302
    assert response.url == visits_url(participation)
    visit = SchoolVisit.objects.get()
    assert (visit.host_school, visit.is_outside_locality, visit.members.count()) == (
        foreign_school,
        True,
        2,
    )


@pytest.mark.parametrize("role", READ_ONLY)
def test_governors_and_link_advisers_read_the_visits_but_may_not_change_them(
    role, users, participation, team, sibling_school, client_for
):
    visit = SchoolVisitFactory(
        participation=participation, host_school=sibling_school, members=team
    )
    client = client_for(users[role])
    edit = reverse("leadership:school_visit_edit", args=[visit.pk])
    delete = reverse("leadership:school_visit_delete", args=[visit.pk])

    page = client.get(visits_url(participation))
    assert page.status_code == 200
    assert "Record a visit" not in page.content.decode()
    assert client.get(add_url(participation)).status_code == 403
    assert client.post(add_url(participation), visit_data(sibling_school, team)).status_code == 403
    assert client.post(edit, visit_data(sibling_school, team, purpose="x")).status_code == 403
    assert client.post(delete).status_code == 403
    assert SchoolVisit.objects.active().get().purpose == visit.purpose


def test_users_who_cannot_see_the_school_do_not_find_its_visits(
    users, foreign_users, sibling_school, participation, team, client_for
):
    visit = SchoolVisitFactory(
        participation=participation, host_school=sibling_school, members=team
    )
    other_head = make_user(Role.HEADTEACHER, school=sibling_school)

    for user in (users[Role.CONSULTANT], other_head, *foreign_users.values()):
        client = client_for(user)
        assert client.get(visits_url(participation)).status_code == 404
        assert (
            client.post(add_url(participation), visit_data(sibling_school, team)).status_code == 404
        )
        delete = reverse("leadership:school_visit_delete", args=[visit.pk])
        assert client.post(delete).status_code == 404
    assert SchoolVisit.objects.active().count() == 1


def test_an_anonymous_visitor_is_sent_to_sign_in(participation, client_for):
    response = client_for(None).get(visits_url(participation))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_visits_page_counts_the_visits_outside_the_locality(
    users, participation, team, sibling_school, foreign_school, client_for
):
    SchoolVisitFactory(participation=participation, host_school=sibling_school, members=team)
    SchoolVisitFactory(
        participation=participation,
        host_school=foreign_school,
        members=team[:1],
        is_outside_locality=True,
    )
    SchoolVisitFactory(
        participation=participation,
        host_school=SchoolFactory(),
        members=team[1:],
        is_outside_locality=True,
        days=Decimal("0.5"),
    )

    response = client_for(users[Role.GOVERNOR]).get(visits_url(participation))

    assert response.context["visits"].outside_locality == 2
    assert response.context["visits"].days == Decimal("2.5")
    assert "2 visits outside the locality" in response.content.decode()


def test_a_host_links_to_its_background_file_only_for_those_who_may_see_it(
    users, participation, team, sibling_school, client_for
):
    SchoolVisitFactory(participation=participation, host_school=sibling_school, members=team)
    detail = reverse("schools:detail", args=[sibling_school.urn])

    head_page = client_for(users[Role.HEADTEACHER]).get(visits_url(participation))
    manager_page = client_for(users[Role.MANAGER]).get(visits_url(participation))

    assert "Oakwood Primary School" in head_page.content.decode()
    assert detail not in head_page.content.decode()
    assert detail in manager_page.content.decode()


def test_a_visit_without_members_is_refused_next_to_the_checkboxes(
    users, participation, team, sibling_school, client_for
):
    response = client_for(users[Role.HEADTEACHER]).post(
        add_url(participation), visit_data(sibling_school, [])
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["members"]
    assert response.context["host"] == sibling_school
    assert not SchoolVisit.objects.exists()


def test_a_visit_to_the_teams_own_school_is_refused_in_the_error_summary(
    users, participation, team, client_for
):
    response = client_for(users[Role.HEADTEACHER]).post(
        add_url(participation), visit_data(participation.school, team)
    )

    assert response.context["form"].non_field_errors() == [
        "Choose another school: a team visits a school other than its own."
    ]
    assert "a team visits a school other than its own" in response.content.decode()
    assert not SchoolVisit.objects.exists()


def test_the_head_changes_and_removes_a_visit(
    users, participation, team, sibling_school, foreign_school, client_for
):
    visit = SchoolVisitFactory(
        participation=participation, host_school=sibling_school, members=team
    )
    client = client_for(users[Role.HEADTEACHER])
    edit = reverse("leadership:school_visit_edit", args=[visit.pk])

    form = client.get(edit).context["form"]
    assert form.initial["host_school"] == sibling_school.urn
    response = client.post(edit, visit_data(foreign_school, team[:1], days="1.5"))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.host_school, visit.days, visit.members.count()) == (
        foreign_school,
        Decimal("1.5"),
        1,
    )

    delete = reverse("leadership:school_visit_delete", args=[visit.pk])
    assert "Remove the visit to Southvale Junior School" in client.get(delete).content.decode()
    client.post(delete)
    archived = SchoolVisit.objects.get()
    assert archived.is_archived
    assert archived.archived_by == users[Role.HEADTEACHER]
    assert archived.history.latest().history_user == users[Role.HEADTEACHER]
    assert client.get(visits_url(participation)).context["visits"].visits == ()
    assert client.post(delete).status_code == 404


def test_the_visits_page_costs_the_same_queries_for_few_or_many_visits(
    users, participation, team, client_for
):
    client = client_for(users[Role.MANAGER])
    SchoolVisitFactory.create_batch(2, participation=participation, members=team)
    with CaptureQueriesContext(connection) as small:
        client.get(visits_url(participation))
    SchoolVisitFactory.create_batch(10, participation=participation, members=team)
    with CaptureQueriesContext(connection) as large:
        response = client.get(visits_url(participation))

    assert len(response.context["visits"].visits) == 12
    assert len(small) == len(large)


def test_school_visit_list_runs_a_fixed_number_of_queries(users, participation, team):
    SchoolVisitFactory.create_batch(5, participation=participation, members=team)

    with CaptureQueriesContext(connection) as queries:
        visits = school_visit_list(participation=participation, user=users[Role.MANAGER])
        names = [m.full_name for row in visits.visits for m in row.members]
        hosts = [row.visit.host_school.local_authority.name for row in visits.visits]

    assert len(names) == 10
    assert len(hosts) == 5
    assert len(queries) == 3
