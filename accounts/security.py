"""Structured security logs: one JSON object per line on the logger "plp.security".

A security log is read by people who investigate an incident, so every line says who (user id,
and the email address typed into a log-in form), from where (the client address as django-axes
reads it), what (event, path, method, outcome) and when (UTC). It must never carry what would let
its reader act as the user: passwords, tokens, session ids, CSRF tokens, Authorization or Cookie
headers. Two guards keep them out: `log_event` builds each line from a short list of named
fields (never the request body or headers), and `redact` (also run by `RedactSecretsFilter`
on every record of the logger) masks any key or value that looks like a secret.

Events (docs/decisions/012-sessions-and-security-logs.md): login.succeeded, login.failed,
login.locked_out, logout, password.changed, password_reset.requested, password_reset.completed,
session.expired, access.refused; the two-factor sign-in adds its own otp.* events.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

logger = logging.getLogger("plp.security")

REDACTED = "[redacted]"

# A key whose name says it holds a secret: its value is never written.
SECRET_KEY_PATTERN = re.compile(
    r"pass(word)?|passwd|pwd|secret|token|session|csrf|authori[sz]ation|cookie|api[_-]?key"
    r"|credential|signature|^(otp_?)?code$",
    re.IGNORECASE,
)
# Values that look like a secret wherever they turn up (a message, a path, a user agent).
SECRET_VALUE_PATTERNS = (
    # An Authorization header's value: "Token abc", "Bearer abc", "Basic abc".
    (re.compile(r"\b(token|bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE), REDACTED),
    # A cookie or query parameter that carries a session or CSRF token or a password.
    (
        re.compile(
            r"\b(sessionid|csrftoken|csrfmiddlewaretoken|password|token)=[^\s&;,\"']+",
            re.IGNORECASE,
        ),
        REDACTED,
    ),
    # The password reset link's uid and token (/accounts/reset/<uidb64>/<token>/).
    (re.compile(r"(/reset/)[^/\s]+/[^/\s]+"), r"\g<1>" + REDACTED),
    # A DRF token key (40 hex), a Django session key (32 lower-case letters and digits), a
    # CSRF token (32 or 64 letters and digits): long unbroken runs of letters and digits.
    (re.compile(r"\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{32,}\b"), REDACTED),
)


def _redact_text(text: str) -> str:
    for pattern, replacement in SECRET_VALUE_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact(value: Any, *, key: str | None = None) -> Any:
    """`value` with every secret-looking key or value masked, recursively."""
    if key is not None and SECRET_KEY_PATTERN.search(key):
        return REDACTED
    if isinstance(value, dict):
        return {str(k): redact(v, key=str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return _redact_text(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return _redact_text(str(value))


def client_ip_address(request) -> str | None:
    """The client's address, as django-axes counts it (AXES_CLIENT_IP_CALLABLE) and the log
    records it.

    Behind TRUSTED_PROXY_COUNT reverse proxies, each proxy appends the address it was reached
    from to X-Forwarded-For, so the client is the entry that many places from the right: the
    entries to its left are whatever the client chose to send and are never believed. With no
    proxy (0, the default outside production) the header is ignored and REMOTE_ADDR is the client.
    """
    meta = getattr(request, "META", None) or {}
    remote_addr = meta.get("REMOTE_ADDR") or None
    proxy_count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxy_count <= 0:
        return remote_addr
    forwarded = [
        part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxy_count:
        # Not through every proxy (a request straight to the app server): the nearest peer is all
        # that is known.
        return remote_addr
    return forwarded[-proxy_count]


def _user_fields(user) -> dict[str, Any]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user_id": None}
    return {"user_id": user.pk, "role": getattr(user, "role", None)}


def log_event(
    event: str,
    *,
    request=None,
    user=None,
    outcome: str = "success",
    level: int | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Write one security event as a JSON line on "plp.security", and return what was written.

    `user` defaults to the request's signed-in user. `outcome` is "success", "failure" or
    "refused"; failures and refusals are logged at WARNING, the rest at INFO. Extra keyword
    fields are added as they are (after redaction): pass ids and short words, never a request's
    body, headers or cookies. An email address typed into a log-in form goes in `email`.
    """
    if user is None and request is not None:
        user = getattr(request, "user", None)
    entry: dict[str, Any] = {
        "event": event,
        "time": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        "outcome": outcome,
        **_user_fields(user),
    }
    if request is not None:
        entry.update(
            ip=client_ip_address(request),
            method=getattr(request, "method", None),
            path=getattr(request, "path", None),
        )
    for name, value in fields.items():
        entry.setdefault(name, value)
    entry = redact(entry)
    if level is None:
        level = logging.INFO if outcome == "success" else logging.WARNING
    logger.log(level, json.dumps(entry, sort_keys=False), extra={"security": entry})
    return entry


def login_identifier(value: Any) -> str | None:
    """The email address typed into a log-in form, fit for the log: people sometimes type their
    password into the email box, so anything that is not shaped like an email address is not
    written."""
    if not isinstance(value, str) or not value:
        return None
    value = value.strip().lower()
    if re.fullmatch(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+", value) and len(value) <= 254:
        return value
    return "[not an email address]"


class RedactSecretsFilter(logging.Filter):
    """Masks secrets in every record of the security logger, whoever wrote it: a last guard
    behind `log_event`, for a record logged straight on "plp.security" with a careless message."""

    def filter(self, record: logging.LogRecord) -> bool:
        security = getattr(record, "security", None)
        if isinstance(security, dict):
            record.security = redact(security)
            record.msg = json.dumps(record.security)
            record.args = None
        else:
            record.msg = _redact_text(record.getMessage())
            record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: the event's own fields, or for a record that did not come
    through `log_event`, its time, level, logger and (redacted) message."""

    def format(self, record: logging.LogRecord) -> str:
        security = getattr(record, "security", None)
        if isinstance(security, dict):
            return json.dumps(redact(security))
        return json.dumps(
            {
                "event": "log",
                "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                    timespec="seconds"
                ),
                "level": record.levelname,
                "logger": record.name,
                "message": _redact_text(record.getMessage()),
            }
        )


class AccessRefusedMiddleware:
    """Logs refused access as "access.refused": a view's PermissionDenied, a 401 or 403 answer
    (the API's refusals, a failed CSRF check), and a view's Http404 for a signed-in user (out of
    scope answers 404, docs/decisions/002). A 404 for an address that matches no page, or for
    someone signed out, is not logged: those are mistyped links and robots, not refusals."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (401, 403) and not getattr(request, "plp_refusal_logged", False):
            log_event(
                "access.refused", request=request, outcome="refused", status=response.status_code
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            reason, status = "permission_denied", 403
        elif isinstance(exception, Http404) and request.user.is_authenticated:
            reason, status = "not_found", 404
        else:
            return None
        request.plp_refusal_logged = True
        log_event(
            "access.refused", request=request, outcome="refused", status=status, reason=reason
        )
        return None
