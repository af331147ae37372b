"""Two-factor sign-in (accounts.twofactor): who must use it, setting it up, giving a code, recovery
codes, throttling and lock-out, the admin site, the API, and the test client's own shortcut."""

import re

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.factories import DEMO_PASSWORD, totp_code_for, totp_device_for
from accounts.models import Role
from accounts.twofactor import policy, services
from conftest import force_login_without_otp

pytestmark = pytest.mark.django_db

HOME = "/"
VERIFY = "/accounts/two-factor/"
SETUP = "/accounts/two-factor/set-up/"
RECOVERY = "/accounts/two-factor/recovery-codes/"
TURN_OFF = "/accounts/two-factor/turn-off/"
ACCOUNT = "/accounts/"
REQUIRED = [Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT]
OPTIONAL = [Role.HEADTEACHER, Role.GOVERNOR]


def half_signed_in(user):
    """A client past the password step only, as the log-in form leaves it."""
    client = Client()
    force_login_without_otp(client, user)
    return client


def wrong_code_for(device):
    """Six digits the device will not accept now (nor in the steps either side)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    good = set()
    for step in (now - 1, now, now + 1):
        totp.drift = device.drift + step - now
        good.add(str(totp.token()).zfill(6))
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in good)


def field_error(response):
    html = response.content.decode()
    error = r'<span id="id_code_1_error" class="govuk-error-message">(.*?)</span>\s*<input'
    match = re.search(error, html, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split()) if match else None


# Who must use it


@pytest.mark.parametrize("role", REQUIRED)
def test_each_required_role_is_sent_to_set_up_before_any_page(role, users):
    client = half_signed_in(users[role])

    for path in (HOME, "/schools/", ACCOUNT):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{SETUP}?next={path.replace('/', '%2F')}"


@pytest.mark.parametrize("role", OPTIONAL)
def test_headteachers_and_governors_are_not_forced_to_set_it_up(role, users):
    client = half_signed_in(users[role])

    assert client.get(HOME).status_code == 200
    assert client.get(ACCOUNT).status_code == 200
    assert not policy.is_required_for(users[role])


def test_staff_status_makes_it_required_whatever_the_role(users):
    head = users[Role.HEADTEACHER]
    head.is_staff = True
    head.save(update_fields=["is_staff"])

    assert policy.is_required_for(head)
    assert half_signed_in(head).get(HOME)["Location"].startswith(SETUP)


def test_a_required_role_with_an_app_is_asked_for_the_code_not_set_up(users):
    totp_device_for(users[Role.MANAGER])

    response = half_signed_in(users[Role.MANAGER]).get("/schools/")

    assert response["Location"] == f"{VERIFY}?next=%2Fschools%2F"


def test_a_half_signed_in_user_may_still_sign_out_and_reset_the_password(users):
    client = half_signed_in(users[Role.MANAGER])

    assert client.get(reverse("accounts:password_reset")).status_code == 200
    assert client.get(SETUP).status_code == 200
    assert client.post(reverse("accounts:logout"))["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


# Setting it up


def test_set_up_shows_a_qr_code_and_the_key_then_confirms_with_the_first_code(users):
    manager = users[Role.MANAGER]
    client = half_signed_in(manager)

    page = client.get(f"{SETUP}?next=/schools/")
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert 'src="data:image/svg+xml;' in html
    assert services.key_for_typing(device) in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert client.get(SETUP).content.decode().count(services.key_for_typing(device)) == 1

    response = client.post(f"{SETUP}?next=/schools/", {"code": totp_code_for(device)})

    assert response["Location"] == f"{RECOVERY}?next=/schools/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    codes = client.get(response["Location"]).context["codes"]
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    # Shown once: the page has no codes to show a second time.
    assert client.get(RECOVERY).context["codes"] is None
    assert client.get("/schools/").status_code == 200


def test_a_wrong_first_code_is_refused_next_to_the_field_and_nothing_is_confirmed(users):
    manager = users[Role.MANAGER]
    client = half_signed_in(manager)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=manager)

    response = client.post(SETUP, {"code": wrong_code_for(device)})

    assert response.status_code == 200
    assert field_error(response) == (
        "Error: The code is not right. Check your authenticator app and try again"
    )
    assert "govuk-error-summary" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(HOME)["Location"].startswith(SETUP)


def test_set_up_is_closed_once_an_app_is_confirmed(users):
    """Someone who knows only the password cannot swap in an app of their own."""
    manager = users[Role.MANAGER]
    totp_device_for(manager)
    client = half_signed_in(manager)

    response = client.get(SETUP)

    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=manager).count() == 1


# Giving the code at sign-in


def test_the_right_code_signs_in_and_returns_to_the_page_asked_for(users):
    device = totp_device_for(users[Role.LINK_ADVISER])
    client = half_signed_in(users[Role.LINK_ADVISER])

    page = client.get(f"{VERIFY}?next=/schools/")
    assert 'autocomplete="one-time-code"' in page.content.decode()
    response = client.post(f"{VERIFY}?next=/schools/", {"code": totp_code_for(device)})

    assert response["Location"] == "/schools/"
    assert client.get("/schools/").status_code == 200


def test_the_code_page_does_not_send_the_user_to_another_site(users):
    device = totp_device_for(users[Role.MANAGER])
    client = half_signed_in(users[Role.MANAGER])

    response = client.post(
        f"{VERIFY}?next=https://evil.example.com/", {"code": totp_code_for(device)}
    )

    assert response["Location"] == reverse("home")


def test_a_wrong_code_is_refused_with_a_message_next_to_the_field_and_logged(users, caplog):
    device = totp_device_for(users[Role.MANAGER])
    client = half_signed_in(users[Role.MANAGER])

    with caplog.at_level("WARNING", logger="plp.security"):
        response = client.post(VERIFY, {"code": wrong_code_for(device)})

    assert response.status_code == 200
    assert "The code is not right" in field_error(response)
    assert "<title>Error: Enter your code - PLP Admin</title>" in response.content.decode()
    assert client.get(HOME)["Location"].startswith(VERIFY)
    assert any('"event": "otp.failed"' in r.getMessage() for r in caplog.records)


def test_after_a_wrong_code_the_device_is_throttled_even_for_the_right_code(users, settings):
    # django-otp waits 1 s, 2 s, 4 s ... after each wrong code; a minute here, for a slow machine.
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = totp_device_for(users[Role.MANAGER])
    client = half_signed_in(users[Role.MANAGER])
    client.post(VERIFY, {"code": wrong_code_for(device)})

    response = client.post(VERIFY, {"code": totp_code_for(device)})

    assert field_error(response) == "Error: Too many wrong codes. Wait a minute, then try again"
    assert DEVICE_ID_SESSION_KEY not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_repeated_wrong_codes_lock_the_account_like_wrong_passwords(users):
    manager = users[Role.MANAGER]
    device = totp_device_for(manager)
    client = half_signed_in(manager)

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(VERIFY, {"code": wrong_code_for(device)}).status_code == 200
    response = client.post(VERIFY, {"code": wrong_code_for(device)})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    again = Client().post(
        reverse("accounts:login"), {"username": manager.email, "password": DEMO_PASSWORD}
    )
    assert again.status_code == 429


def test_a_recovery_code_signs_in_once(users):
    manager = users[Role.MANAGER]
    totp_device_for(manager)
    code = services.recovery_codes_replace(user=manager)[0]
    first = half_signed_in(manager)

    response = first.post(VERIFY, {"code": code.upper()}, follow=True)

    assert response.redirect_chain[0] == (reverse("home"), 302)
    assert "You have 9 left" in response.content.decode()
    second = half_signed_in(manager)
    again = second.post(VERIFY, {"code": code})
    assert again.status_code == 200
    assert "not right" in field_error(again)


# Optional roles


def test_a_headteacher_who_sets_it_up_needs_the_code_at_the_next_sign_in(users):
    head = users[Role.HEADTEACHER]
    client = Client()
    client.post(reverse("accounts:login"), {"username": head.email, "password": DEMO_PASSWORD})
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=head)
    client.post(SETUP, {"code": totp_code_for(device)})
    assert client.get(HOME).status_code == 200

    later = Client()
    later.post(reverse("accounts:login"), {"username": head.email, "password": DEMO_PASSWORD})

    assert later.get(HOME)["Location"] == f"{VERIFY}?next=%2F"


def test_a_governor_turns_it_off_with_a_current_code(users, client_for):
    governor = users[Role.GOVERNOR]
    device = totp_device_for(governor)
    client = client_for(governor)

    wrong = client.post(TURN_OFF, {"code": wrong_code_for(device)})
    assert "not right" in field_error(wrong)
    assert TOTPDevice.objects.filter(user=governor).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)

    response = client.post(TURN_OFF, {"code": totp_code_for(device)})

    assert response["Location"] == ACCOUNT
    assert not TOTPDevice.objects.filter(user=governor).exists()
    assert client.get(HOME).status_code == 200


def test_a_required_role_cannot_turn_it_off(users, client_for):
    manager = users[Role.MANAGER]
    device = totp_device_for(manager)

    response = client_for(manager).post(TURN_OFF, {"code": totp_code_for(device)})

    assert response["Location"] == ACCOUNT
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).exists()


# The admin site


ADMIN_PAGES = ["/admin/", "/admin/accounts/user/", "/admin/login/", "/admin/auth/group/"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_admin_whose_session_has_no_code_cannot_open_the_admin(path, users):
    totp_device_for(users[Role.ADMIN])
    client = half_signed_in(users[Role.ADMIN])

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_the_admin_site_itself_refuses_an_unverified_staff_user(users, rf):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = users[Role.ADMIN]
    request.user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    request.user.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_the_admin_log_in_page_takes_no_password(users):
    client = Client()
    admin_user = users[Role.ADMIN]

    page = client.get("/admin/login/?next=/admin/")
    posted = client.post(
        "/admin/login/?next=/admin/", {"username": admin_user.email, "password": DEMO_PASSWORD}
    )

    assert page["Location"] == f"{reverse('accounts:login')}?next=%2Fadmin%2F"
    assert posted.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_verified_admin_opens_the_admin_and_a_verified_non_admin_is_refused(users, client_for):
    assert client_for(users[Role.ADMIN]).get("/admin/accounts/user/").status_code == 200
    assert client_for(users[Role.MANAGER]).get("/admin/login/").status_code == 403


def test_an_admin_resets_a_lost_phone_and_the_reset_is_recorded(users, client_for):
    manager = users[Role.MANAGER]
    totp_device_for(manager)
    services.recovery_codes_replace(user=manager)
    their_session = client_for(manager)
    assert their_session.get(HOME).status_code == 200

    response = client_for(users[Role.ADMIN]).post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [manager.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticDevice.objects.filter(user=manager).exists()
    entry = LogEntry.objects.get(object_id=str(manager.pk))
    assert entry.get_change_message() == "Two-factor sign-in reset (devices removed)."
    # The session verified with the removed app is sent to set up a new one.
    assert their_session.get(HOME)["Location"].startswith(SETUP)


# The API and htmx


def test_the_api_answers_403_json_to_a_session_without_the_code(users, client_for):
    client = half_signed_in(users[Role.MANAGER])

    response = client.get(reverse("api:school-list"))

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Two-factor sign-in required")
    assert client_for(users[Role.MANAGER]).get(reverse("api:school-list")).status_code == 200


def test_the_api_still_takes_a_token(users):
    token = Token.objects.create(user=users[Role.MANAGER])

    response = Client().get(reverse("api:school-list"), HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200


def test_an_htmx_request_is_redirected_by_htmx(users):
    client = half_signed_in(users[Role.MANAGER])

    response = client.get("/schools/", HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == f"{SETUP}?next=%2Fschools%2F"


# The test client's shortcut


def test_force_login_passes_the_second_factor_for_other_tests(users, client):
    client.force_login(users[Role.CONSULTANT])

    assert client.get(HOME).status_code == 200
    assert DEVICE_ID_SESSION_KEY in client.session


@pytest.mark.no_auto_otp
def test_the_no_auto_otp_marker_leaves_the_second_factor_to_the_test(users, client):
    client.force_login(users[Role.CONSULTANT])

    assert client.get(HOME)["Location"].startswith(SETUP)
    assert DEVICE_ID_SESSION_KEY not in client.session


# Your account


def test_the_account_page_shows_who_you_are_and_your_two_factor_status(users, client_for):
    manager = users[Role.MANAGER]
    html = client_for(manager).get(ACCOUNT).content.decode()

    assert escape(manager.full_name) in html
    assert manager.email in html
    assert "Strategy manager" in html
    assert "Required for your role." in html
    assert f'href="{RECOVERY}"' in html
    assert f'href="{TURN_OFF}"' not in html
    assert f'href="{ACCOUNT}"' in client_for(manager).get(HOME).content.decode()


def test_the_account_page_offers_a_governor_to_set_it_up(users, client_for):
    html = client_for(users[Role.GOVERNOR]).get(ACCOUNT).content.decode()

    assert "Off" in html
    assert f'href="{SETUP}"' in html


def test_new_recovery_codes_replace_the_old_ones(users, client_for):
    manager = users[Role.MANAGER]
    client = client_for(manager)
    old = services.recovery_codes_replace(user=manager)

    response = client.post(RECOVERY, follow=True)

    new = response.context["codes"]
    assert len(new) == 10
    assert not set(old) & set(StaticToken.objects.values_list("token", flat=True))


def test_a_cached_device_of_another_user_does_not_undo_a_verified_session(client_for, users):
    # One cache may serve several databases (parallel test runs, a staging copy), where the
    # session's device id names someone else's device: the database is read again, and the
    # session stays verified.
    from django.core.cache import cache

    from accounts.twofactor import devices
    from accounts.twofactor.middleware import OTPMiddleware

    client = client_for(users[Role.MANAGER])
    persistent_id = OTPMiddleware._normalize_persistent_id(client.session[DEVICE_ID_SESSION_KEY])
    stranger = totp_device_for(users[Role.CONSULTANT])
    cache.set(devices._cache_key(persistent_id), stranger, devices.CACHE_SECONDS)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY]
    assert cache.get(devices._cache_key(persistent_id)).user_id == users[Role.MANAGER].pk
