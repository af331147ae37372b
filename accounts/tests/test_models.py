"""A user's place matches their role, and only admins are superusers: held by the database
(full_clean bypassed) and explained by full_clean."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from accounts.factories import DEMO_PASSWORD, UserFactory
from accounts.models import Role, User

pytestmark = pytest.mark.django_db

PLACE_MESSAGE = (
    "Managers, link advisers and PSCLs belong to an LEA; headteachers and governors to a school; "
    "admins to neither."
)
SUPERUSER_MESSAGE = "Only an admin can be a superuser."

# (role, where the user is placed): each breaks `user_place_matches_role`.
MISPLACED = [
    pytest.param(Role.MANAGER, set(), id="manager-without-lea"),
    pytest.param(Role.LINK_ADVISER, {"school"}, id="link-adviser-in-a-school"),
    pytest.param(Role.CONSULTANT, {"lea", "school"}, id="pscl-in-lea-and-school"),
    pytest.param(Role.HEADTEACHER, set(), id="headteacher-without-school"),
    pytest.param(Role.GOVERNOR, {"lea"}, id="governor-in-an-lea"),
    pytest.param(Role.HEADTEACHER, {"lea", "school"}, id="headteacher-in-lea-and-school"),
    pytest.param(Role.ADMIN, {"lea"}, id="admin-with-lea"),
    pytest.param(Role.ADMIN, {"school"}, id="admin-with-school"),
]

# (role, where the user is placed): what the constraint allows.
PLACED = [
    pytest.param(Role.MANAGER, {"lea"}, id="manager"),
    pytest.param(Role.LINK_ADVISER, {"lea"}, id="link-adviser"),
    pytest.param(Role.CONSULTANT, {"lea"}, id="pscl"),
    pytest.param(Role.HEADTEACHER, {"school"}, id="headteacher"),
    pytest.param(Role.GOVERNOR, {"school"}, id="governor"),
    pytest.param(Role.ADMIN, set(), id="admin"),
]


def _user(role, places, lea, school, **extra):
    return UserFactory.build(
        role=role,
        local_authority=lea if "lea" in places else None,
        school=school if "school" in places else None,
        **extra,
    )


@pytest.mark.parametrize(("role", "places"), MISPLACED)
def test_database_refuses_a_user_placed_against_their_role(role, places, lea, school):
    user = _user(role, places, lea, school)

    with pytest.raises(IntegrityError, match="user_place_matches_role"), transaction.atomic():
        user.save()


@pytest.mark.parametrize(("role", "places"), MISPLACED)
def test_full_clean_explains_where_each_role_belongs(role, places, lea, school):
    user = _user(role, places, lea, school)

    with pytest.raises(ValidationError) as raised:
        user.full_clean()

    assert raised.value.message_dict == {NON_FIELD_ERRORS: [PLACE_MESSAGE]}


@pytest.mark.parametrize(("role", "places"), PLACED)
def test_a_user_placed_as_their_role_requires_is_accepted(role, places, lea, school):
    user = _user(role, places, lea, school)

    user.full_clean()
    user.save()

    assert User.objects.filter(pk=user.pk, role=role).exists()


@pytest.mark.parametrize(("role", "places"), [p for p in PLACED if p.values[0] != Role.ADMIN])
def test_database_refuses_a_superuser_who_is_not_an_admin(role, places, lea, school):
    user = _user(role, places, lea, school, is_superuser=True)

    with pytest.raises(IntegrityError, match="user_superuser_is_admin"), transaction.atomic():
        user.save()
    with pytest.raises(ValidationError) as raised:
        user.full_clean()
    assert raised.value.message_dict == {NON_FIELD_ERRORS: [SUPERUSER_MESSAGE]}


def test_an_admin_may_be_a_superuser():
    admin = UserFactory(admin=True)

    admin.full_clean()

    assert User.objects.get(pk=admin.pk).is_superuser


def test_database_refuses_two_users_with_the_same_email(lea):
    UserFactory(email="priya@example.org", local_authority=lea)

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="priya@example.org", local_authority=lea)
    with pytest.raises(ValidationError, match="User with this Email address already exists"):
        UserFactory.build(email="priya@example.org", local_authority=lea).full_clean()


def test_create_user_lowercases_the_email_and_checks_the_place(lea):
    user = User.objects.create_user(
        "Priya.Sharma@Northmoor.Example.org",
        DEMO_PASSWORD,
        full_name="Priya Sharma",
        role=Role.MANAGER,
        local_authority=lea,
    )

    assert user.email == "priya.sharma@northmoor.example.org"
    assert user.check_password(DEMO_PASSWORD)
    with pytest.raises(ValidationError):
        User.objects.create_user(
            "jo@example.org", DEMO_PASSWORD, full_name="Jo Whitfield", role=Role.MANAGER
        )
    assert not User.objects.filter(email="jo@example.org").exists()


def test_create_superuser_makes_an_admin_with_no_place():
    admin = User.objects.create_superuser("sam@example.org", DEMO_PASSWORD, full_name="Sam W")

    assert (admin.role, admin.is_staff, admin.is_superuser) == (Role.ADMIN, True, True)
    assert admin.local_authority is None and admin.school is None


@pytest.mark.parametrize(
    ("role", "is_lea_staff", "is_school_member"),
    [
        (Role.ADMIN, False, False),
        (Role.MANAGER, True, False),
        (Role.LINK_ADVISER, True, False),
        (Role.CONSULTANT, True, False),
        (Role.HEADTEACHER, False, True),
        (Role.GOVERNOR, False, True),
    ],
)
def test_role_properties(role, is_lea_staff, is_school_member):
    user = UserFactory.build(role=role)

    assert user.is_admin is (role == Role.ADMIN)
    assert user.is_lea_staff is is_lea_staff
    assert user.is_school_member is is_school_member


def test_short_name_is_the_first_name_or_the_email():
    assert UserFactory.build(full_name="Daniel Okafor").get_short_name() == "Daniel"
    assert UserFactory.build(full_name="", email="x@example.org").get_short_name() == (
        "x@example.org"
    )
