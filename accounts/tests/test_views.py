"""Signing in and out through the real log-in form, with django-axes in the way as in production."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.factories import DEMO_PASSWORD, totp_code_for, totp_device_for
from accounts.models import Role

pytestmark = pytest.mark.django_db

LOGIN_PATH = "/accounts/login/"


def _sign_in(client, email, password=DEMO_PASSWORD, **extra):
    return client.post(LOGIN_PATH, {"username": email, "password": password}, **extra)


def test_login_page_shows_the_sign_in_form(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Sign in - PLP Admin</title>" in html
    assert '<label for="id_username" class="govuk-label">' in html
    assert "Email address" in html
    assert 'type="email"' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="current-password"' in html
    assert 'class="govuk-button"' in html
    assert ">Sign in</button>" in html
    assert "csrfmiddlewaretoken" in html


def test_signing_in_with_the_right_email_and_password_lands_on_home(client, users, lea):
    # A strategy manager gives the code of their authenticator app after the password
    # (accounts/tests/test_two_factor.py); a governor, who need not, goes straight home.
    manager = users[Role.MANAGER]
    device = totp_device_for(manager)

    response = _sign_in(client, manager.email, follow=True)
    assert response.redirect_chain == [
        (reverse("home"), 302),
        (f"{reverse('accounts:two_factor_verify')}?next=%2F", 302),
    ]
    response = client.post(response.redirect_chain[-1][0], {"code": totp_code_for(device)})
    response = client.get(response["Location"])

    assert response.context["user"] == manager
    assert int(client.session["_auth_user_id"]) == manager.pk
    assert f'<h1 class="govuk-heading-l">{lea.name}</h1>' in response.content.decode()
    assert _sign_in(Client(), users[Role.GOVERNOR].email)["Location"] == reverse("home")


def test_signing_in_ignores_the_case_of_the_email_address(client, users):
    manager = users[Role.MANAGER]

    response = _sign_in(client, f"  {manager.email.upper()} ")

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == manager.pk


def test_signing_in_returns_to_the_page_that_asked_for_it(client, users):
    response = client.post(
        f"{LOGIN_PATH}?next=/schools/",
        {"username": users[Role.MANAGER].email, "password": DEMO_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/schools/"


def test_a_wrong_password_shows_the_error_summary_and_signs_nobody_in(client, users):
    response = _sign_in(client, users[Role.MANAGER].email, password="not-the-password")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Sign in - PLP Admin</title>" in html
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_username">Enter a correct email address and password</a>' in html
    assert "_auth_user_id" not in client.session


def test_an_unknown_email_address_gets_the_same_message_as_a_wrong_password(client, users):
    response = _sign_in(client, "nobody@example.org")

    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_email_address_in_the_wrong_format_is_refused_before_any_password_check(client):
    response = _sign_in(client, "not-an-email-address")

    assert "Enter an email address in the correct format" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_empty_form_asks_for_both_fields(client):
    response = _sign_in(client, "", password="")

    html = response.content.decode()
    assert '<a href="#id_username">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html
    assert "govuk-form-group--error" in html


def test_a_closed_account_cannot_sign_in(client, users):
    manager = users[Role.MANAGER]
    manager.is_active = False
    manager.save(update_fields=["is_active"])

    response = _sign_in(client, manager.email)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_wrong_passwords_lock_sign_in_even_with_the_right_password(client, users):
    manager = users[Role.MANAGER]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        email = manager.email.upper() if attempt % 2 else manager.email
        _sign_in(client, email, password="not-the-password")

    response = _sign_in(client, manager.email)

    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Sign-in locked" in html
    assert f"try again in {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in html
    assert "_auth_user_id" not in client.session


def test_signing_out_by_post_ends_the_session(client, users):
    _sign_in(client, users[Role.MANAGER].email)
    assert "_auth_user_id" in client.session

    response = client.post(reverse("accounts:logout"), follow=True)

    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert "_auth_user_id" not in client.session
    assert "govuk-notification-banner--success" in response.content.decode()
    assert "You have signed out." in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_signing_out_by_get_is_refused_and_keeps_the_session(client, users):
    _sign_in(client, users[Role.MANAGER].email)

    response = client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert "_auth_user_id" in client.session


def test_a_signed_in_user_opening_the_login_page_goes_on_to_home(client, users):
    _sign_in(client, users[Role.GOVERNOR].email)

    response = client.get(reverse("accounts:login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
