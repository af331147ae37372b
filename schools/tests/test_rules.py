"""django-rules permissions on the schools register, asked through `user.has_perm(perm, obj)` as
views and templates ask them: for every role, on their own school, a school of the same LEA and
a school of another LEA."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from conftest import make_user

pytestmark = pytest.mark.django_db

#: Each actor of `lea`'s side: (role, whether active); None is an anonymous visitor.
ACTORS = {
    "admin": (Role.ADMIN, True),
    "manager": (Role.MANAGER, True),
    "link_adviser": (Role.LINK_ADVISER, True),
    "pscl": (Role.CONSULTANT, True),
    "headteacher": (Role.HEADTEACHER, True),
    "governor": (Role.GOVERNOR, True),
    "anonymous": (None, False),
    **{f"inactive_{role.value.lower()}": (role, False) for role in Role},
}

#: For each permission on a school, the actors allowed on each target: "own" (the school of the
#: headteacher and governor), "same_lea" (another school of their LEA), "other_lea".
SCHOOL_PERMISSIONS = {
    "schools.view_school": {
        "admin": {"own", "same_lea", "other_lea"},
        "manager": {"own", "same_lea"},
        "link_adviser": {"own", "same_lea"},
        # A PSCL sees only the schools allocated to them; none is allocated here.
        "pscl": set(),
        "headteacher": {"own"},
        "governor": {"own"},
    },
    "schools.change_school": {
        "admin": {"own", "same_lea", "other_lea"},
        "manager": {"own", "same_lea"},
    },
}

#: The actors allowed to see each LEA: "own" (theirs) and "other_lea".
LEA_VIEWERS = {
    "admin": {"own", "other_lea"},
    "manager": {"own"},
    "link_adviser": {"own"},
    "pscl": {"own"},
    "headteacher": {"own"},
    "governor": {"own"},
}


def _actor(name, lea, school):
    role, is_active = ACTORS[name]
    if role is None:
        return AnonymousUser()
    return make_user(role, lea=lea, school=school, is_active=is_active)


@pytest.mark.parametrize("target", ["own", "same_lea", "other_lea"])
@pytest.mark.parametrize("name", ACTORS)
@pytest.mark.parametrize("perm", SCHOOL_PERMISSIONS)
def test_school_permissions_follow_the_users_place(
    perm, name, target, lea, school, sibling_school, foreign_school
):
    user = _actor(name, lea, school)
    obj = {"own": school, "same_lea": sibling_school, "other_lea": foreign_school}[target]

    allowed = user.has_perm(perm, obj)

    assert allowed is (target in SCHOOL_PERMISSIONS[perm].get(name, set()))


@pytest.mark.parametrize("target", ["own", "other_lea"])
@pytest.mark.parametrize("name", ACTORS)
def test_lea_permission_follows_the_users_place(name, target, lea, other_lea, school):
    user = _actor(name, lea, school)
    obj = {"own": lea, "other_lea": other_lea}[target]

    allowed = user.has_perm("schools.view_localauthority", obj)

    assert allowed is (target in LEA_VIEWERS.get(name, set()))


@pytest.mark.parametrize("perm", [*SCHOOL_PERMISSIONS, "schools.view_localauthority"])
def test_without_an_object_only_the_admin_superuser_holds_a_schools_permission(perm, users):
    for role, user in users.items():
        assert user.has_perm(perm) is (role == Role.ADMIN)
