"""The settings' modes (config/settings.py), each read in a fresh process from a controlled
environment, and the security settings that hold in every mode: Argon2, django-axes, the CSP."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.utils import get_random_secret_key

from accounts.factories import UserFactory
from accounts.models import Role

BASE_DIR = Path(__file__).resolve().parent.parent
#: Every variable that chooses a mode; each test starts without any of them.
MODE_VARIABLES = (
    "CONN_MAX_AGE",
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "DJANGO_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "PLP_TODAY",
)
POSTGRES_URL = "postgres://plp:secret@db.example.org:5432/plp"
REDIS_URL = "redis://redis.example.org:6379/3"

READ_SETTINGS = """
import json
from django.conf import settings
from django.contrib.auth.hashers import make_password
from config.celery import app

print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "debug": settings.DEBUG,
    "settings_eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "celery_eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "cache": settings.CACHES["default"]["BACKEND"],
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "first_hasher": settings.PASSWORD_HASHERS[0],
    "hashed": make_password("correct horse battery staple"),
}))
"""


def _environment(**variables: str) -> dict[str, str]:
    """The test process's environment without any mode variable or DJANGO_* switch (another
    test module sets DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy check rightly refuses)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in MODE_VARIABLES and not name.startswith("DJANGO_")
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(variables)
    return env


def _run(args: list[str], **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=_environment(**variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings_in(**variables: str) -> dict:
    result = _run(["-c", READ_SETTINGS], **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _production(**variables: str) -> dict[str, str]:
    return {
        "DJANGO_ENV": "production",
        "SECRET_KEY": get_random_secret_key() + get_random_secret_key(),
        "ALLOWED_HOSTS": "plp.example.org",
        "DATABASE_URL": POSTGRES_URL,
        "REDIS_URL": REDIS_URL,
        **variables,
    }


def test_with_no_environment_the_site_uses_sqlite_with_debug_off_and_tasks_in_process():
    found = _settings_in()

    assert found["engine"] == "config.sqlite3"  # Django's, with decimals to their places
    assert found["debug"] is False
    assert found["settings_eager"] is True
    assert found["celery_eager"] is True
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_database_url_switches_the_database_to_postgresql():
    found = _settings_in(DATABASE_URL=POSTGRES_URL)

    assert found["engine"] == "django.db.backends.postgresql"


def test_redis_url_sends_tasks_to_the_broker_instead_of_running_them_in_process():
    found = _settings_in(REDIS_URL=REDIS_URL)

    assert found["broker"] == REDIS_URL
    assert found["settings_eager"] is False
    assert found["celery_eager"] is False
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_debug_1_turns_debug_on_as_make_run_does():
    found = _settings_in(DEBUG="1")

    assert found["debug"] is True
    assert found["engine"] == "config.sqlite3"  # Django's, with decimals to their places
    assert found["celery_eager"] is True


def test_plp_today_sets_the_applications_date_as_make_run_does_for_the_demo():
    script = "from accounts import clock; print(clock.today().isoformat())"

    result = _run(["-c", script], DEBUG="1", PLP_TODAY="2004-11-26")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "2004-11-26"


def test_a_plp_today_that_is_not_a_date_is_refused_with_the_format_to_use():
    result = _run(["manage.py", "check"], PLP_TODAY="26/11/2004")

    assert result.returncode != 0
    assert "PLP_TODAY must be YYYY-MM-DD, not '26/11/2004'" in result.stderr


def test_production_keeps_database_connections_for_a_minute_unless_told_otherwise():
    assert _settings_in(**_production())["conn_max_age"] == 60
    assert _settings_in(**_production(CONN_MAX_AGE="0"))["conn_max_age"] == 0
    assert _settings_in(DATABASE_URL=POSTGRES_URL)["conn_max_age"] == 0


def test_production_with_every_required_setting_passes_the_deploy_check():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], **_production())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


_test_server = os.environ.get("DATABASE_URL", "")


@pytest.mark.skipif(
    not _test_server.startswith(("postgres://", "postgresql://")),
    reason="the database checks need DATABASE_URL on PostgreSQL",
)
def test_production_passes_the_deploy_check_at_warning_level_with_the_database_checks():
    """`check --deploy --fail-level WARNING` as an operator runs it before a release, with the
    checks that need the database (each model's constraints and indexes against PostgreSQL),
    for every app installed now. The server's maintenance database is only read."""
    scheme, _, rest = _test_server.partition("://")
    server = f"{scheme}://{rest.partition('/')[0]}/postgres"

    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING", "--database", "default"],
        **_production(DATABASE_URL=server),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_takes_a_secret_key_that_starts_with_a_dollar_as_it_is():
    key = "$" + get_random_secret_key()
    script = "from django.conf import settings; print(settings.SECRET_KEY)"

    result = _run(["-c", script], **_production(SECRET_KEY=key))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == key


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set in production"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name the hosts"),
        ({"DEBUG": "1"}, "DEBUG must be off in production"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"REDIS_URL": None}, "REDIS_URL must be set in production"),
        ({"PLP_TODAY": "2004-11-26"}, "PLP_TODAY is for demonstrations and training"),
    ],
    ids=[
        "no-secret-key",
        "no-allowed-hosts",
        "empty-allowed-hosts",
        "debug",
        "no-db",
        "no-redis",
        "set-today",
    ],
)
def test_production_refuses_to_start_without_a_safe_setting(change, message):
    variables = {name: value for name, value in _production(**change).items() if value is not None}

    result = _run(["manage.py", "check"], **variables)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_passwords_are_hashed_with_argon2():
    found = _settings_in()

    assert found["first_hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert found["hashed"].startswith("argon2$")


def test_django_axes_checks_every_log_in_before_the_password():
    assert "axes" in settings.INSTALLED_APPS
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def _log_in(client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password})


@pytest.mark.django_db
def test_a_user_can_still_log_in_after_fewer_failures_than_the_limit(client, lea):
    user = UserFactory(role=Role.MANAGER, local_authority=lea, email="priya@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _log_in(client, user.email, "wrong-password")

    response = _log_in(client, user.email, "plp-demo-2026")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_repeated_failed_log_ins_lock_the_user_out_even_with_the_right_password(client, lea):
    user = UserFactory(role=Role.MANAGER, local_authority=lea, email="priya@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, user.email, "wrong-password")

    response = _log_in(client, user.email, "plp-demo-2026")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts_or_styles(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert "Content-Security-Policy-Report-Only" not in response.headers
    directives = {
        name: values
        for name, *values in (
            part.split() for part in response.headers["Content-Security-Policy"].split(";")
        )
    }
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_postgresql_connection_runs_without_jit_compilation():
    """JIT cost the selection page seconds on national data (bench/README.md)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
