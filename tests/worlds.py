"""What the module-scoped test worlds share (tests/access, tests/input, tests/scale): a world is
built once per module (and per xdist worker) in an outer transaction that is rolled back when the
module ends, each test adding its own savepoint on top (the `db` fixture); its users' clients are
signed in once, second factor included.

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        with world_settings(TODAY), rolled_back(django_db_blocker):
            yield build_world()
"""

from contextlib import contextmanager

from django.db import transaction
from django.test import Client, override_settings

from config.celery import app as celery_app
from conftest import _login_with_second_factor


@contextmanager
def rolled_back(django_db_blocker):
    """Database access for a module-scoped fixture, in a transaction rolled back on exit."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


@contextmanager
def world_settings(today):
    """While a world is built and used outside a test's own settings: the world's date, the fast
    password hasher, and Celery tasks run in the request (eager), as conftest gives each test."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], PLP_TODAY=today
        ):
            yield
    finally:
        celery_app.conf.task_always_eager = eager


def signed_in_client(user) -> Client:
    """A client signed in as `user` as conftest's client_for signs in, second factor included;
    signed out for None."""
    client = Client()
    if user is not None:
        login = _login_with_second_factor(Client._login)
        login(client, user, "django.contrib.auth.backends.ModelBackend")
    return client
