"""Fixtures shared by every test: two LEAs, their schools, and one user per role in each."""

import pytest
from django.test import Client, override_settings

from accounts.factories import UserFactory
from accounts.models import Role
from schools.factories import LocalAuthorityFactory, SchoolFactory

LEA_ROLES = (Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT)
SCHOOL_ROLES = (Role.HEADTEACHER, Role.GOVERNOR)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the real hasher (config/settings.py); tests hash thousands of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _media_root_of_the_tests(tmp_path_factory):
    # Uploads and generated files (letters, evidence, the demo's invoices) go to a folder of the
    # test run's own, never to the project's media/ folder. A test or module may still set its
    # own.
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture
def lea(db):
    return LocalAuthorityFactory(code="991", name="Northmoor")


@pytest.fixture
def other_lea(db):
    return LocalAuthorityFactory(code="992", name="Southvale")


@pytest.fixture
def school(lea):
    """The school the headteacher and governor of `lea` belong to."""
    return SchoolFactory(local_authority=lea, name="Millfield Primary School", number_on_roll=118)


@pytest.fixture
def sibling_school(lea):
    """Another school of the same LEA: visible to LEA staff, not to `school`'s own people."""
    return SchoolFactory(local_authority=lea, name="Oakwood Primary School", number_on_roll=240)


@pytest.fixture
def foreign_school(other_lea):
    """A school of the other LEA: nobody but an admin of `lea`'s side may see it."""
    return SchoolFactory(local_authority=other_lea, name="Southvale Junior School")


def make_user(role, *, lea=None, school=None, **kwargs):
    """A user of `role`, placed in `lea` (LEA roles) or `school` (school roles)."""
    if role == Role.ADMIN:
        return UserFactory(admin=True, **kwargs)
    if role in LEA_ROLES:
        return UserFactory(role=role, local_authority=lea, **kwargs)
    return UserFactory(role=role, school=school, **kwargs)


@pytest.fixture
def admin_user(db):
    return make_user(Role.ADMIN, email="admin@example.org")


@pytest.fixture
def users(lea, school, admin_user):
    """One user per role: admin, and the LEA and school roles of `lea` and `school`."""
    result = {Role.ADMIN: admin_user}
    for role in (*LEA_ROLES, *SCHOOL_ROLES):
        result[role] = make_user(role, lea=lea, school=school)
    return result


@pytest.fixture
def foreign_users(other_lea, foreign_school):
    """One user per non-admin role in the other LEA."""
    return {
        role: make_user(role, lea=other_lea, school=foreign_school)
        for role in (*LEA_ROLES, *SCHOOL_ROLES)
    }


@pytest.fixture
def client_for():
    """A test client signed in as the given user (or anonymous for None)."""

    def _client(user=None):
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _client
