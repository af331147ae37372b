"""The programme on the home page and in the navigation: the manager's current year with its
places and counts, the headteacher's answer to an invitation, and who gets a "Programme" item."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import Participation, ParticipationStatus
from leadership.selectors.programme import current_participation, current_programme_year
from reports.selectors.home import home_figures
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

Status = ParticipationStatus
HOME = "/"


def _year(lea, name, starts_on, **kwargs):
    return ProgrammeYearFactory(
        local_authority=lea,
        name=name,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=330),
        **kwargs,
    )


@pytest.fixture
def running(lea):
    """The LEA's year under way today, between an older one and one that starts later."""
    today = timezone.localdate()
    _year(lea, "older", today - datetime.timedelta(days=700))
    _year(lea, "later", today + datetime.timedelta(days=200))
    return _year(lea, "running", today - datetime.timedelta(days=30), funded_places=6)


def test_the_current_year_is_the_one_under_way_else_the_latest(lea, other_lea):
    first = _year(lea, "2003-04", datetime.date(2003, 9, 1))
    second = _year(lea, "2004-05", datetime.date(2004, 9, 1))
    _year(other_lea, "2005-06", datetime.date(2005, 9, 1))

    def current(day):
        return current_programme_year(local_authority_id=lea.pk, today=day)

    assert current(datetime.date(2004, 1, 15)) == first
    assert current(datetime.date(2004, 8, 30)) == second
    assert current(datetime.date(2005, 3, 1)) == second
    assert current(datetime.date(2009, 3, 1)) == second
    assert (
        current_programme_year(local_authority_id=999999, today=datetime.date(2004, 1, 1)) is None
    )


def test_a_schools_current_participation_is_in_its_leas_current_year(lea, school):
    first = _year(lea, "2003-04", datetime.date(2003, 9, 1))
    second = _year(lea, "2004-05", datetime.date(2004, 9, 1))
    ParticipationFactory(programme_year=first, school=school, status=Status.COMPLETED)

    assert current_participation(school=school, today=datetime.date(2004, 1, 5)).programme_year == (
        first
    )
    assert current_participation(school=school, today=datetime.date(2004, 10, 5)) is None
    in_second = ParticipationFactory(programme_year=second, school=school, status=Status.INVITED)
    assert current_participation(school=school, today=datetime.date(2004, 10, 5)) == in_second


def test_the_managers_home_shows_the_current_years_places_and_counts(
    client_for, users, running, school, sibling_school
):
    ParticipationFactory(programme_year=running, school=school, status=Status.INVITED)
    ParticipationFactory(programme_year=running, school=sibling_school, status=Status.ACTIVE)
    ParticipationFactory(programme_year=running, status=Status.DECLINED)

    response = client_for(users[Role.MANAGER]).get(HOME)

    programme = response.context["figures"].programme
    assert programme.programme_year == running
    assert (programme.places_open, programme.places_taken, programme.places_left) == (3, 1, 2)
    assert programme.count_of(Status.INVITED) == 1
    assert programme.count_of(Status.DECLINED) == 1
    html = response.content.decode()
    assert "Programme year running" in html
    year_url = reverse("leadership:year_detail", args=[running.pk])
    assert re.search(rf'href="{year_url}">\s*<span class="app-figure__number">3<', html)
    selection_url = reverse("leadership:selection", args=[running.pk])
    assert re.search(rf'href="{selection_url}">\s*<span class="app-figure__number">2<', html)


def test_the_link_adviser_sees_the_year_but_not_the_selection(client_for, users, running):
    html = client_for(users[Role.LINK_ADVISER]).get(HOME).content.decode()

    assert "Programme year running" in html
    assert reverse("leadership:year_detail", args=[running.pk]) in html
    assert "/selection/" not in html


def test_a_manager_whose_lea_has_no_year_is_offered_to_create_one(client_for, users, other_lea):
    _year(other_lea, "elsewhere", datetime.date(2004, 9, 1))

    response = client_for(users[Role.MANAGER]).get(HOME)

    assert response.context["figures"].programme is None
    assert f'href="{reverse("leadership:year_create")}">Create a programme year' in (
        response.content.decode()
    )


def test_home_figures_take_the_date_they_are_given(users, lea):
    first = _year(lea, "2003-04", datetime.date(2003, 9, 1))
    _year(lea, "2004-05", datetime.date(2004, 9, 1))

    figures = home_figures(users[Role.MANAGER], today=datetime.date(2004, 2, 1))

    assert figures.programme.programme_year == first


@pytest.mark.parametrize("school_count", [5, 50])
def test_the_managers_home_with_a_year_runs_a_fixed_number_of_queries(
    client_for, users, running, django_assert_max_num_queries, school_count
):
    for n in range(school_count):
        ParticipationFactory(
            programme_year=running,
            school=SchoolFactory(local_authority=running.local_authority),
            status=list(Status)[n % len(Status)],
        )
    client = client_for(users[Role.MANAGER])

    with django_assert_max_num_queries(7):
        response = client.get(HOME)

    assert response.context["figures"].programme.participation_count == school_count


def test_the_headteacher_of_an_invited_school_can_accept_from_home(
    client_for, users, running, school
):
    invited = ParticipationFactory(programme_year=running, school=school, status=Status.INVITED)
    client = client_for(users[Role.HEADTEACHER])

    html = client.get(HOME).content.decode()
    accept = reverse("leadership:participation_move", args=[invited.pk, "ACCEPTED"])
    response = client.post(accept)

    assert "Primary Leadership Programme running" in html
    assert f'action="{accept}"' in html
    assert "Accept the place" in html
    detail = reverse("leadership:participation_detail", args=[invited.pk])
    assert f'href="{detail}#declined"' in html
    assert reverse("leadership:participation_letter", args=[invited.pk]) in html
    assert response.status_code == 302
    assert Participation.objects.get(pk=invited.pk).status == Status.ACCEPTED
    after = client.get(HOME).content.decode()
    assert "Accept the place" not in after
    assert ">Accepted</strong>" in after


def test_the_governor_sees_the_invitation_without_the_buttons(client_for, users, running, school):
    ParticipationFactory(programme_year=running, school=school, status=Status.INVITED)

    html = client_for(users[Role.GOVERNOR]).get(HOME).content.decode()

    assert ">Invited</strong>" in html
    assert "Accept the place" not in html


def test_a_school_without_a_place_this_year_sees_nothing_of_the_programme(
    client_for, users, running, school, sibling_school
):
    ParticipationFactory(programme_year=running, school=sibling_school, status=Status.INVITED)

    response = client_for(users[Role.HEADTEACHER]).get(HOME)

    assert response.context["figures"].participation is None
    assert "Primary Leadership Programme" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "has_item"),
    [
        (Role.ADMIN, True),
        (Role.MANAGER, True),
        (Role.LINK_ADVISER, True),
        (Role.CONSULTANT, True),
        (Role.HEADTEACHER, False),
        (Role.GOVERNOR, False),
    ],
)
def test_the_navigation_has_programme_for_admins_and_lea_staff(client_for, users, role, has_item):
    html = client_for(users[role]).get(HOME).content.decode()

    item = re.search(r'href="/programme/">\s*Programme\s*</a>', html)
    assert (item is not None) == has_item
