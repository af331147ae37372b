"""The security log (accounts.security): one JSON object per event on "plp.security", with the
events of signing in and out, lock-outs, password changes and resets, expired sessions and
refused access, and never a password, token, session id or CSRF token."""

import json
import logging
import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token

from accounts.factories import DEMO_PASSWORD
from accounts.models import Role
from accounts.security import (
    AccessRefusedMiddleware,
    JsonFormatter,
    RedactSecretsFilter,
    log_event,
    login_identifier,
    redact,
)

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "Wrong-Horse-Battery-7731"
NEW_PASSWORD = "leading-Schools-2004"


@pytest.fixture
def security_log(caplog):
    """The records of "plp.security" (which does not propagate to the root logger, where caplog
    listens) and of every other logger."""
    logger = logging.getLogger("plp.security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO)
    yield caplog
    logger.removeHandler(caplog.handler)


def events(caplog, name=None):
    found = [r.security for r in caplog.records if hasattr(r, "security")]
    return [e for e in found if name is None or e["event"] == name]


def everything_logged(caplog) -> str:
    """Every record as the root handler and the security handler would write it, and every
    attribute of every record."""
    formatter = JsonFormatter()
    return "\n".join(
        f"{r.getMessage()}\n{formatter.format(r)}\n{r.__dict__!r}" for r in caplog.records
    )


def csrf_token_of(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def post_log_in(client, email, password, **extra):
    page = client.get(reverse("accounts:login"))
    token = csrf_token_of(page)
    response = client.post(
        reverse("accounts:login"),
        {"username": email, "password": password, "csrfmiddlewaretoken": token},
        **extra,
    )
    return response, token


def test_a_whole_flow_logs_its_events_and_none_of_its_secrets(security_log, users, foreign_school):
    head, governor = users[Role.HEADTEACHER], users[Role.GOVERNOR]
    secrets = {WRONG_PASSWORD, DEMO_PASSWORD}
    client = Client(enforce_csrf_checks=True)

    # Five wrong passwords lock the governor out; the sixth try, right or wrong, is refused.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response, csrf = post_log_in(client, governor.email, WRONG_PASSWORD)
        secrets.add(csrf)
    response, csrf = post_log_in(client, governor.email, DEMO_PASSWORD)
    secrets.add(csrf)
    assert response.status_code == 429

    # The headteacher signs in, is refused a school of another LEA, then uses the API by token.
    response, csrf = post_log_in(client, head.email, DEMO_PASSWORD)
    secrets.add(csrf)
    assert response.status_code == 302
    secrets.add(client.cookies[settings.SESSION_COOKIE_NAME].value)
    secrets.add(client.cookies[settings.CSRF_COOKIE_NAME].value)
    assert client.get(reverse("schools:detail", args=[foreign_school.urn])).status_code == 404
    token = Token.objects.create(user=head).key
    secrets.add(token)
    api = Client()
    assert api.get("/api/schools/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    bad_token = "f" * 40
    secrets.add(bad_token)
    assert api.get("/api/schools/", HTTP_AUTHORIZATION=f"Token {bad_token}").status_code == 401
    page = client.get(reverse("accounts:password_change"))
    csrf = csrf_token_of(page)
    secrets.add(csrf)
    client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": csrf})

    failed = events(security_log, "login.failed")
    assert len(failed) == settings.AXES_FAILURE_LIMIT + 1
    assert {e["email"] for e in failed} == {governor.email}
    assert all(e["ip"] == "127.0.0.1" and e["outcome"] == "failure" for e in failed)
    assert failed[-1]["locked_out"] is True
    # django-axes signals a lock-out at the fifth failure and at every attempt while locked.
    locked = events(security_log, "login.locked_out")
    assert len(locked) == 2
    assert all(e["email"] == governor.email and e["ip"] == "127.0.0.1" for e in locked)
    [succeeded] = events(security_log, "login.succeeded")
    assert succeeded["user_id"] == head.pk
    assert succeeded["role"] == Role.HEADTEACHER
    assert succeeded["path"] == reverse("accounts:login")
    assert succeeded["method"] == "POST"
    refused = events(security_log, "access.refused")
    assert [(e["status"], e["path"]) for e in refused] == [
        (404, reverse("schools:detail", args=[foreign_school.urn])),
        (401, "/api/schools/"),
    ]
    assert refused[0]["user_id"] == head.pk
    assert refused[1]["user_id"] is None
    [logout] = events(security_log, "logout")
    assert logout["user_id"] == head.pk
    for event in events(security_log):
        assert set(event) >= {"event", "time", "outcome", "user_id"}
        assert datetime.fromisoformat(event["time"]).utcoffset() == timedelta(0)

    logged = everything_logged(security_log)
    for secret in secrets:
        assert secret not in logged, f"a secret ({secret[:4]}...) reached the log"


def test_password_change_and_reset_are_logged(security_log, users, mailoutbox):
    head = users[Role.HEADTEACHER]
    client = Client()
    client.force_login(head, backend="django.contrib.auth.backends.ModelBackend")

    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    Client().post(reverse("accounts:password_reset"), {"email": head.email})
    head.refresh_from_db()
    uid = urlsafe_base64_encode(force_bytes(head.pk))
    reset_token = default_token_generator.make_token(head)
    reset = Client()
    form = reset.get(
        reverse("accounts:password_reset_confirm", args=[uid, reset_token]), follow=True
    )
    reset.post(
        form.redirect_chain[-1][0],
        {"new_password1": "x" + NEW_PASSWORD, "new_password2": "x" + NEW_PASSWORD},
    )

    [changed] = events(security_log, "password.changed")
    assert changed["user_id"] == head.pk
    [requested] = events(security_log, "password_reset.requested")
    assert requested["email"] == head.email
    assert requested["user_id"] is None
    [completed] = events(security_log, "password_reset.completed")
    assert completed["user_id"] == head.pk
    logged = everything_logged(security_log)
    assert NEW_PASSWORD not in logged
    assert reset_token not in logged
    assert "/accounts/reset/[redacted]/" in logged


def test_an_expired_session_is_logged_with_its_reason(security_log, users, monkeypatch):
    head = users[Role.HEADTEACHER]
    client = Client()
    client.force_login(head, backend="django.contrib.auth.backends.ModelBackend")
    later = timezone.now() + timedelta(minutes=31)
    monkeypatch.setattr(timezone, "now", lambda: later)

    client.get(reverse("home"))

    [expired] = events(security_log, "session.expired")
    assert expired["reason"] == "idle"
    assert expired["user_id"] == head.pk
    assert expired["outcome"] == "expired"
    assert events(security_log, "logout") == []


def test_a_permission_denied_is_logged_once(security_log, users):
    head = users[Role.HEADTEACHER]
    request = RequestFactory().get("/consultants/visits/1/edit/")
    request.user = head
    middleware = AccessRefusedMiddleware(lambda r: HttpResponse(status=403))

    middleware.process_exception(request, PermissionDenied())
    middleware(request)

    [refused] = events(security_log, "access.refused")
    assert refused["status"] == 403
    assert refused["reason"] == "permission_denied"
    assert refused["user_id"] == head.pk


def test_a_404_is_logged_only_for_a_signed_in_user_and_a_view(security_log, users, client):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/schools/999999/")
    request.user = AnonymousUser()
    AccessRefusedMiddleware(lambda r: HttpResponse()).process_exception(request, Http404())
    client.get("/no-such-page/")
    client.force_login(users[Role.GOVERNOR], backend="django.contrib.auth.backends.ModelBackend")
    client.get("/no-such-page/")

    assert events(security_log, "access.refused") == []


def test_a_log_in_form_field_that_is_not_an_email_address_is_not_logged():
    assert login_identifier(" Head@Example.org ") == "head@example.org"
    assert login_identifier("my secret password") == "[not an email address]"
    assert login_identifier(None) is None


def test_redact_masks_secret_keys_and_values():
    cleaned = redact(
        {
            "password": "hunter2",
            "new_password1": "hunter3",
            "HTTP_AUTHORIZATION": "Token abc",
            "headers": {"Cookie": "sessionid=abc", "Accept": "text/html"},
            "csrfmiddlewaretoken": "abc",
            "otp_code": "123456",
            "note": "sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
            "query": "next=/&sessionid=k2m3n4&password=hunter4",
            "key": "0123456789abcdef0123456789abcdef01234567",
            "path": "/accounts/reset/MTI/c2x1ab-0123456789abcdef0123/",
            "email": "head@example.org",
            "status": 403,
            "device_id": 7,
        }
    )

    assert cleaned == {
        "password": "[redacted]",
        "new_password1": "[redacted]",
        "HTTP_AUTHORIZATION": "[redacted]",
        "headers": {"Cookie": "[redacted]", "Accept": "text/html"},
        "csrfmiddlewaretoken": "[redacted]",
        "otp_code": "[redacted]",
        "note": "sent Authorization: [redacted]",
        "query": "next=/&[redacted]&[redacted]",
        "key": "[redacted]",
        "path": "/accounts/reset/[redacted]/",
        "email": "head@example.org",
        "status": 403,
        "device_id": 7,
    }


def test_log_event_writes_one_json_line_and_masks_careless_fields(security_log):
    entry = log_event("otp.failed", outcome="failure", token="123456", device_id=3)

    [record] = [r for r in security_log.records if r.name == "plp.security"]
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) == entry
    assert entry["token"] == "[redacted]"
    assert entry["device_id"] == 3
    assert record.levelno == logging.WARNING


def test_the_filter_masks_a_record_written_straight_to_the_security_logger(security_log):
    logger = logging.getLogger("plp.security")
    record = logger.makeRecord(
        "plp.security", logging.INFO, __file__, 1, "Cookie: sessionid=%s", ("k2m3n4p5q6",), None
    )

    RedactSecretsFilter().filter(record)

    assert record.getMessage() == "Cookie: [redacted]"


def test_the_security_logger_writes_json_lines_of_its_own():
    config = settings.LOGGING
    logger = config["loggers"]["plp.security"]
    handler = config["handlers"]["security"]

    assert logger["propagate"] is False
    assert "redact_secrets" in logger["filters"]
    assert handler["formatter"] == "security_json"
    assert config["formatters"]["security_json"]["()"] == "accounts.security.JsonFormatter"
