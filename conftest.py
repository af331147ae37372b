"""Fixtures shared by every test: two LEAs, their schools, and one user per role in each."""

import pytest
from django.test import Client, override_settings

from accounts.factories import UserFactory
from accounts.models import Role
from schools.factories import LocalAuthorityFactory, SchoolFactory

LEA_ROLES = (Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT)
SCHOOL_ROLES = (Role.HEADTEACHER, Role.GOVERNOR)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "no_auto_otp: the test client's force_login/login leave the second factor to the test "
        "(accounts/tests/test_two_factor.py)",
    )


#: Markers of tests that take seconds each: a browser, a Celery worker.
LONG_MARKERS = ("browser", "celery_worker")


def pytest_collection_modifyitems(config, items):
    """The long modules first: those under tests/ (the access, bad-input and scale worlds, the
    demo seeds, the backup, the journeys) and those with browser or Celery worker tests, in the
    order they were collected, then the rest. The Makefile runs xdist with
    `--dist loadfile --no-loadscope-reorder`, which hands whole modules to the workers in this
    order, so the short tests fill the end of the run. (xdist's own order, most tests first, put
    the browser modules, a few long tests each, last, with one worker left to run them.)"""
    tests_dir = config.rootpath / "tests"
    long_modules = {
        item.path
        for item in items
        if item.path.is_relative_to(tests_dir)
        or any(item.get_closest_marker(name) for name in LONG_MARKERS)
    }
    items.sort(key=lambda item: item.path not in long_modules)


def _login_with_second_factor(original):
    """Client._login that also passes two-factor sign-in for a user who must use it: gives them a
    confirmed authenticator app (if they have none) and marks the session verified, as the
    verify page would. Tests only: the application has no way round the second factor."""

    def _login(client, user, backend=None):
        from django_otp import DEVICE_ID_SESSION_KEY

        from accounts.factories import totp_device_for
        from accounts.twofactor import policy

        original(client, user, backend)
        if policy.needs_second_factor(user):
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
            session.save()

    _login.without_second_factor = original
    return _login


@pytest.fixture(autouse=True)
def _second_factor_on_test_sign_in(request, monkeypatch):
    """Every test client signed in with `force_login` or `login` is fully signed in, second
    factor included, unless the test is marked `no_auto_otp` (or uses force_login_without_otp)."""
    if request.node.get_closest_marker("no_auto_otp") is None:
        monkeypatch.setattr(Client, "_login", _login_with_second_factor(Client._login))


def force_login_without_otp(client, user):
    """Sign `client` in as `user` with the password step only: a half-signed-in session."""
    login = getattr(Client._login, "without_second_factor", Client._login)
    user.backend = "django.contrib.auth.backends.ModelBackend"
    login(client, user, user.backend)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the real hasher (config/settings.py); tests hash thousands of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_found_on_request(settings):
    # Outside production WhiteNoise serves from the finders (config/settings.py). Built with
    # AUTOREFRESH off, its middleware reads and stats every static file, and the test client
    # builds the middleware again for each client: a quarter of a second a client before
    # config/staticfinders.py, still tens of milliseconds after. With it on, a file is looked
    # for when it is asked for, as under `make run`.
    settings.WHITENOISE_AUTOREFRESH = True


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
