"""`User.objects.visible_to(user)` for every role on both sides of two LEAs: an admin sees
everyone, a strategy manager the people of their LEA and its schools, everyone else themselves,
and an anonymous or inactive user no one."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role, User
from conftest import make_user

pytestmark = pytest.mark.django_db

#: The people of the test world: (role, LEA side, school). "own" is `lea`, "other" `other_lea`.
PEOPLE = {
    "admin": (Role.ADMIN, None, None),
    "manager": (Role.MANAGER, "own", None),
    "link_adviser": (Role.LINK_ADVISER, "own", None),
    "pscl": (Role.CONSULTANT, "own", None),
    "headteacher": (Role.HEADTEACHER, None, "own"),
    "governor": (Role.GOVERNOR, None, "own"),
    "sibling_headteacher": (Role.HEADTEACHER, None, "sibling"),
    "other_manager": (Role.MANAGER, "other", None),
    "other_link_adviser": (Role.LINK_ADVISER, "other", None),
    "other_pscl": (Role.CONSULTANT, "other", None),
    "other_headteacher": (Role.HEADTEACHER, None, "foreign"),
    "other_governor": (Role.GOVERNOR, None, "foreign"),
}
OWN_LEA = {"manager", "link_adviser", "pscl", "headteacher", "governor", "sibling_headteacher"}
OTHER_LEA = {
    "other_manager",
    "other_link_adviser",
    "other_pscl",
    "other_headteacher",
    "other_governor",
}

#: Whom each person sees; anyone not listed sees only themselves.
SEEN = {
    "admin": set(PEOPLE),
    "manager": OWN_LEA,
    "other_manager": OTHER_LEA,
}


@pytest.fixture
def people(lea, other_lea, school, sibling_school, foreign_school):
    leas = {"own": lea, "other": other_lea}
    schools = {"own": school, "sibling": sibling_school, "foreign": foreign_school}
    return {
        name: make_user(role, lea=leas.get(side), school=schools.get(place))
        for name, (role, side, place) in PEOPLE.items()
    }


@pytest.mark.parametrize("name", PEOPLE)
def test_each_user_sees_exactly_the_people_in_their_scope(name, people):
    visible = set(User.objects.visible_to(people[name]))

    assert visible == {people[seen] for seen in SEEN.get(name, {name})}


@pytest.mark.parametrize("name", PEOPLE)
def test_an_inactive_user_sees_no_one_not_even_themselves(name, people):
    user = people[name]
    user.is_active = False
    user.save()

    assert not User.objects.visible_to(user).exists()


def test_an_anonymous_visitor_sees_no_one(people):
    assert not User.objects.visible_to(AnonymousUser()).exists()


def test_a_manager_sees_a_new_member_of_a_school_in_their_lea(people, sibling_school):
    newcomer = make_user(Role.GOVERNOR, school=sibling_school)

    assert newcomer in User.objects.visible_to(people["manager"])
    assert newcomer not in User.objects.visible_to(people["other_manager"])
