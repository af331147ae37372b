"""The lock-out (django-axes): 5 failed log-ins for one email address from one client address lock
that pair out for 15 minutes; the client address is the one the trusted proxy saw, so a client
cannot dodge the lock-out with an X-Forwarded-For of its own (accounts.security.client_ip_address).
"""

import os
import subprocess
import sys
from datetime import timedelta

import axes.attempts
import axes.handlers.proxy
import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from accounts.security import client_ip_address

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "not-the-password"
PROXY = "10.0.0.2"
REAL = "203.0.113.7"
OTHER_REAL = "198.51.100.20"


@pytest.fixture
def clock(monkeypatch):
    """Moves the time django-axes and the sessions read (axes imports `now` by name)."""

    class Clock:
        now = timezone.now()

        def __call__(self):
            return self.now

        def move(self, **delta):
            self.now += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    monkeypatch.setattr(axes.attempts, "now", clock)
    monkeypatch.setattr(axes.handlers.proxy, "now", clock)
    return clock


@pytest.fixture
def governor(users):
    # Two-factor sign-in is optional for a governor: the password alone signs in.
    return users[Role.GOVERNOR]


def log_in(user, password, **meta):
    return Client().post(
        reverse("accounts:login"), {"username": user.email, "password": password}, **meta
    )


def fail_until_locked(user, **meta):
    """Fail the limit's number of times: the form again each time, the lock-out at the last."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(user, WRONG_PASSWORD, **meta)
        assert response.status_code == 200, "a failure before the limit shows the form again"
    assert_locked_out(log_in(user, WRONG_PASSWORD, **meta))


def assert_locked_out(response):
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()


def assert_signed_in(response):
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


# Without a proxy


def test_the_lock_out_settings():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_CLIENT_IP_CALLABLE == "accounts.security.client_ip_address"
    assert settings.TRUSTED_PROXY_COUNT == 0


def test_five_failures_lock_the_user_and_address_out_even_with_the_right_password(governor):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(governor, WRONG_PASSWORD, REMOTE_ADDR=REAL).status_code == 200, attempt
    assert_signed_in(log_in(governor, DEMO_PASSWORD, REMOTE_ADDR=OTHER_REAL))

    assert log_in(governor, WRONG_PASSWORD, REMOTE_ADDR=REAL).status_code == 429

    assert_locked_out(log_in(governor, DEMO_PASSWORD, REMOTE_ADDR=REAL))


def test_another_address_is_not_locked(governor):
    fail_until_locked(governor, REMOTE_ADDR=REAL)

    assert_signed_in(log_in(governor, DEMO_PASSWORD, REMOTE_ADDR=OTHER_REAL))


def test_another_user_at_the_same_address_is_not_locked(governor, users):
    fail_until_locked(governor, REMOTE_ADDR=REAL)

    assert_signed_in(log_in(users[Role.HEADTEACHER], DEMO_PASSWORD, REMOTE_ADDR=REAL))


def test_the_lock_out_ends_after_15_minutes(governor, clock):
    fail_until_locked(governor, REMOTE_ADDR=REAL)

    clock.move(minutes=15, seconds=1)

    assert_signed_in(log_in(governor, DEMO_PASSWORD, REMOTE_ADDR=REAL))


def test_an_attempt_while_locked_out_starts_the_15_minutes_again(governor, clock):
    fail_until_locked(governor, REMOTE_ADDR=REAL)

    clock.move(minutes=14, seconds=59)
    assert_locked_out(log_in(governor, DEMO_PASSWORD, REMOTE_ADDR=REAL))
    clock.move(minutes=14, seconds=59)
    assert_locked_out(log_in(governor, DEMO_PASSWORD, REMOTE_ADDR=REAL))
    clock.move(minutes=15, seconds=1)

    assert_signed_in(log_in(governor, DEMO_PASSWORD, REMOTE_ADDR=REAL))


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(governor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(governor, WRONG_PASSWORD, REMOTE_ADDR=REAL, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    assert_locked_out(
        log_in(governor, DEMO_PASSWORD, REMOTE_ADDR=REAL, HTTP_X_FORWARDED_FOR="192.0.2.99")
    )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {REAL}


# Behind one trusted proxy


@pytest.fixture
def behind_a_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_behind_a_proxy_the_failures_count_against_the_address_the_proxy_saw(
    governor, behind_a_proxy
):
    fail_until_locked(governor, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=REAL)

    assert_locked_out(log_in(governor, DEMO_PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=REAL))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {REAL}
    # Another client behind the same proxy is not locked out with it.
    assert_signed_in(
        log_in(governor, DEMO_PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OTHER_REAL)
    )


def test_behind_a_proxy_a_spoofed_first_entry_does_not_dodge_the_lock(governor, behind_a_proxy):
    # The client sends its own X-Forwarded-For, a new address each time; the proxy appends the
    # real one.
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(
            governor,
            WRONG_PASSWORD,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {REAL}",
        )

    assert_locked_out(
        log_in(
            governor,
            DEMO_PASSWORD,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.99, {REAL}",
        )
    )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {REAL}


@pytest.mark.parametrize(
    ("proxy_count", "forwarded_for", "expected"),
    [
        (0, "", "10.0.0.2"),
        (0, "203.0.113.7", "10.0.0.2"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "192.0.2.1, 203.0.113.7", "203.0.113.7"),
        (1, " 192.0.2.1 ,203.0.113.7 ", "203.0.113.7"),
        (2, "192.0.2.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        # Not through the proxy at all: only the nearest peer is known.
        (1, "", "10.0.0.2"),
        (2, "203.0.113.7", "10.0.0.2"),
    ],
)
def test_the_client_address(settings, proxy_count, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxy_count
    meta = {"REMOTE_ADDR": "10.0.0.2"}
    if forwarded_for:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for

    assert client_ip_address(RequestFactory().get("/", **meta)) == expected


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, 0),
        ({"TRUSTED_PROXY_COUNT": "2"}, 2),
        (
            {
                "DJANGO_ENV": "production",
                "SECRET_KEY": "k" * 50 + "Aa1!",
                "ALLOWED_HOSTS": "plp.example.org",
                "DATABASE_URL": "postgres://plp:x@db.example.org:5432/plp",
                "REDIS_URL": "redis://redis.example.org:6379/3",
            },
            1,
        ),
    ],
)
def test_the_trusted_proxy_count_is_read_from_the_environment(variables, expected):
    # A fresh process: the settings are read once, at start.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_")
        and name not in {"TRUSTED_PROXY_COUNT", "DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **variables)
    script = "import django; django.setup(); from django.conf import settings; "
    script += "print(settings.TRUSTED_PROXY_COUNT)"

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == str(expected)
