"""Sessions (issue 8): the key rotates at log-in, log-out ends the session on the server, a
password change ends the user's other sessions, a deactivated user is out at their next request,
and the idle (30 minutes) and absolute (12 hours) timeouts, on a clock the tests move."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import sessions
from accounts.factories import DEMO_PASSWORD
from accounts.models import Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "leading-Schools-2004"
POLL = {"HX-Request": "true", "HX-Trigger": "batch-progress"}
HTMX_CLICK = {"HX-Request": "true", "HX-Trigger": "filter-form"}


class MovableClock:
    """django.utils.timezone.now, moved forward by the test: the session timestamps and the
    session store's own expiry both read it."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def move(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = MovableClock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def head(users):
    # A role for which two-factor sign-in is optional: the password alone signs in.
    return users[Role.HEADTEACHER]


def sign_in(client, user, password=DEMO_PASSWORD):
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": password}
    )
    assert response.status_code == 302, "the log-in failed"
    assert response["Location"] == reverse("home")
    return response


def is_signed_in(client) -> bool:
    """Whether `client` is signed in: the password change page needs a signed-in user."""
    response = client.get(reverse("accounts:password_change"))
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    return False


def session_key(client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie and cookie.value else None


# Log-in and log-out


def test_log_in_rotates_the_session_key(client, head):
    anonymous = client.session
    anonymous["visited"] = True
    anonymous.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = anonymous.session_key
    before = anonymous.session_key

    sign_in(client, head)

    after = session_key(client)
    assert after and after != before
    assert not SessionStore().exists(before), "the anonymous session must not live on"
    assert SessionStore(after).load()[SESSION_KEY] == str(head.pk)


def test_a_session_key_chosen_by_an_attacker_is_not_used(client, head):
    fixated = "attackerchosen0123456789abcdefgh"
    client.cookies[settings.SESSION_COOKIE_NAME] = fixated

    sign_in(client, head)

    assert session_key(client) != fixated
    assert not SessionStore().exists(fixated)
    victim_cookie = Client()
    victim_cookie.cookies[settings.SESSION_COOKIE_NAME] = fixated
    assert not is_signed_in(victim_cookie)


def test_log_in_starts_both_clocks(client, head, clock):
    sign_in(client, head)

    stored = client.session
    started = int(clock.now.timestamp())
    assert stored[sessions.STARTED_AT_KEY] == started
    assert stored[sessions.ACTIVE_AT_KEY] == started


def test_log_out_ends_the_session_on_the_server(client, head):
    sign_in(client, head)
    old_key = session_key(client)
    assert is_signed_in(client)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert not SessionStore().exists(old_key)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert not is_signed_in(replay), "the old session cookie must no longer sign anyone in"


# Password change and deactivation


def test_the_password_change_page_is_a_gov_uk_form(client, head):
    sign_in(client, head)

    response = client.get(reverse("accounts:password_change"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Change your password - PLP Admin</title>" in html
    assert '<label for="id_old_password" class="govuk-label">' in html
    assert ">Change the password</button>" in html


def test_the_password_change_page_needs_a_signed_in_user(client):
    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_wrong_current_password_is_refused_next_to_the_field(client, head):
    sign_in(client, head)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "The current password is not correct" in response.content.decode()
    head.refresh_from_db()
    assert head.check_password(DEMO_PASSWORD)


def test_a_password_change_keeps_this_session_and_ends_the_others(head):
    here, elsewhere = Client(), Client()
    sign_in(here, head)
    sign_in(elsewhere, head)
    here_key = session_key(here)

    response = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    done = here.get(response["Location"])
    assert "Your password has been changed" in done.content.decode()
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    # This session's key rotates too (update_session_auth_hash), and the new password works.
    assert session_key(here) != here_key
    sign_in(Client(), head, password=NEW_PASSWORD)


def test_a_deactivated_user_is_out_at_their_next_request(client, head):
    sign_in(client, head)
    assert is_signed_in(client)

    head.is_active = False
    head.save(update_fields=["is_active"])

    assert not is_signed_in(client)


# Timeouts


def test_the_session_cookie_lives_as_long_as_the_absolute_timeout():
    cookie_age, idle, absolute = (
        settings.SESSION_COOKIE_AGE,
        settings.SESSION_IDLE_TIMEOUT,
        settings.SESSION_ABSOLUTE_TIMEOUT,
    )

    assert cookie_age == absolute.total_seconds() == 12 * 60 * 60
    assert idle == timedelta(minutes=30)


def test_29_minutes_without_activity_keeps_the_session(client, head, clock):
    sign_in(client, head)

    clock.move(minutes=29, seconds=59)

    assert is_signed_in(client)


def test_30_minutes_without_activity_signs_out_with_a_message(client, head, clock):
    sign_in(client, head)
    old_key = session_key(client)

    clock.move(minutes=30)
    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('accounts:login')}?next={reverse('accounts:password_change')}"
    )
    page = client.get(response["Location"])
    assert "You were signed out after 30 minutes without activity." in page.content.decode()
    assert not SessionStore().exists(old_key)
    assert not is_signed_in(client)


def test_activity_restarts_the_idle_clock(client, head, clock):
    sign_in(client, head)

    for _ in range(4):
        clock.move(minutes=25)
        assert is_signed_in(client)

    clock.move(minutes=30)
    assert not is_signed_in(client)


def test_12_hours_after_log_in_signs_out_however_active(client, head, clock):
    sign_in(client, head)
    signed_in_at = clock.now
    while clock.now + timedelta(minutes=29) < signed_in_at + timedelta(hours=12):
        clock.move(minutes=29)
        assert is_signed_in(client)

    clock.now = signed_in_at + timedelta(hours=12)
    response = client.get(reverse("home"))

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "You were signed out after 12 hours; please sign in again." in page.content.decode()


def test_the_absolute_timeout_counts_from_the_log_in_not_the_last_request(client, head, clock):
    sign_in(client, head)
    clock.move(hours=11, minutes=50)
    # Activity just before the limit keeps the idle clock fresh; the absolute one runs on.
    stored = client.session
    stored[sessions.ACTIVE_AT_KEY] = int(clock.now.timestamp())
    stored.save()
    assert is_signed_in(client)

    clock.move(minutes=10)

    assert not is_signed_in(client)


def test_the_timeouts_are_configurable(client, head, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=10)
    sign_in(client, head)

    clock.move(minutes=10)
    response = client.get(reverse("home"))

    page = client.get(response["Location"])
    assert "You were signed out after 10 minutes without activity." in page.content.decode()


def test_background_polling_is_not_activity(client, head, clock):
    sign_in(client, head)

    clock.move(minutes=20)
    assert client.get(reverse("accounts:password_change"), headers=POLL).status_code == 200
    clock.move(minutes=10)
    response = client.get(reverse("accounts:password_change"), headers=POLL)

    # 30 minutes after the last real request, the poll finds the session over and takes the tab.
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("accounts:login")
    assert not is_signed_in(client)


def test_an_htmx_request_from_the_person_is_activity(client, head, clock):
    sign_in(client, head)

    clock.move(minutes=20)
    client.get(reverse("accounts:password_change"), headers=HTMX_CLICK)
    clock.move(minutes=20)

    assert is_signed_in(client)


def test_an_expired_htmx_request_sends_the_page_to_sign_in_with_next(client, head, clock):
    sign_in(client, head)

    clock.move(minutes=31)
    response = client.get(
        reverse("accounts:password_change"),
        headers={**HTMX_CLICK, "HX-Current-URL": "http://testserver/schools/?page=2"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('accounts:login')}?next=/schools/"
    assert b"<html" not in response.content


def test_an_expired_post_goes_to_sign_in_without_next(client, head, clock):
    sign_in(client, head)

    clock.move(minutes=31)
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


def test_an_expired_session_on_the_api_answers_as_signed_out(client, head, clock):
    sign_in(client, head)

    clock.move(minutes=31)
    response = client.get("/api/schools/")

    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")
