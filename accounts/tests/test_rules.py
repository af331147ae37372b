"""django-rules permissions on accounts, asked through `user.has_perm(perm, obj)`: for every role,
on themselves, on a person of the same LEA and on a person of another LEA."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from conftest import make_user

pytestmark = pytest.mark.django_db

#: Each actor of `lea`'s side (school roles in `school`): (role, whether active).
ACTORS = {
    "admin": (Role.ADMIN, True),
    "manager": (Role.MANAGER, True),
    "link_adviser": (Role.LINK_ADVISER, True),
    "pscl": (Role.CONSULTANT, True),
    "headteacher": (Role.HEADTEACHER, True),
    "governor": (Role.GOVERNOR, True),
    **{f"inactive_{role.value.lower()}": (role, False) for role in Role},
}

#: For each permission, the targets each actor may act on: "self", "same_lea" (the headteacher
#: of another school of their LEA) and "other_lea" (the strategy manager of another LEA).
PERMISSIONS = {
    "accounts.view_user": {
        "admin": {"self", "same_lea", "other_lea"},
        "manager": {"self", "same_lea"},
        "link_adviser": {"self"},
        "pscl": {"self"},
        "headteacher": {"self"},
        "governor": {"self"},
    },
    "accounts.change_user": {
        "admin": {"self", "same_lea", "other_lea"},
        "manager": {"self", "same_lea"},
        "link_adviser": {"self"},
        "pscl": {"self"},
        "headteacher": {"self"},
        "governor": {"self"},
    },
}


@pytest.fixture
def targets(lea, other_lea, sibling_school):
    return {
        "same_lea": make_user(Role.HEADTEACHER, school=sibling_school),
        "other_lea": make_user(Role.MANAGER, lea=other_lea),
    }


@pytest.mark.parametrize("target", ["self", "same_lea", "other_lea"])
@pytest.mark.parametrize("name", ACTORS)
@pytest.mark.parametrize("perm", PERMISSIONS)
def test_account_permissions_follow_the_users_place(perm, name, target, lea, school, targets):
    role, is_active = ACTORS[name]
    user = make_user(role, lea=lea, school=school, is_active=is_active)
    obj = user if target == "self" else targets[target]

    allowed = user.has_perm(perm, obj)

    assert allowed is (target in PERMISSIONS[perm].get(name, set()))


@pytest.mark.parametrize("perm", PERMISSIONS)
def test_an_anonymous_visitor_holds_no_account_permission(perm, users, targets):
    for obj in [*users.values(), *targets.values()]:
        assert AnonymousUser().has_perm(perm, obj) is False
