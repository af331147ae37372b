"""Idle and absolute session timeouts (issue 8).

A signed-in session ends after SESSION_IDLE_TIMEOUT minutes without activity (30 by default) and,
however busy, SESSION_ABSOLUTE_TIMEOUT hours after the log-in (12 by default): a laptop left open
in a staff room, or a session cookie copied once, stops working on its own. Both clocks live in
the session itself, so they hold across every web process.

Background polling (a report run's or a batch's progress, an import's progress) is not activity:
those htmx requests leave the idle clock alone, so a forgotten tab still times out; the next poll
after the timeout takes the whole tab to the sign-in page (HX-Redirect).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.storage import default_storage
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

# Session keys: seconds since the epoch, as JSON keeps them.
STARTED_AT_KEY = "plp_started_at"
ACTIVE_AT_KEY = "plp_active_at"
# The idle clock is written at most this often (seconds): a session save on every request would
# cost a database write per page, and a minute either way does not matter for a 30-minute limit.
ACTIVITY_WRITE_INTERVAL = 60

IDLE = "idle"
ABSOLUTE = "absolute"


def idle_timeout_seconds() -> int:
    return int(settings.SESSION_IDLE_TIMEOUT.total_seconds())


def absolute_timeout_seconds() -> int:
    return int(settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds())


def _now() -> int:
    return int(timezone.now().timestamp())


def mark_session_start(session) -> None:
    """Start both clocks: called at every log-in (accounts.receivers)."""
    now = _now()
    session[STARTED_AT_KEY] = now
    session[ACTIVE_AT_KEY] = now


def expiry_reason(session, *, now: int | None = None) -> str | None:
    """ "absolute" or "idle" if the session has run out, else None."""
    now = _now() if now is None else now
    started_at = session.get(STARTED_AT_KEY)
    active_at = session.get(ACTIVE_AT_KEY)
    if started_at is not None and now - started_at >= absolute_timeout_seconds():
        return ABSOLUTE
    if active_at is not None and now - active_at >= idle_timeout_seconds():
        return IDLE
    return None


def _duration(seconds: int) -> str:
    """ "30 minutes", "1 hour", "12 hours", "90 minutes"."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'' if hours == 1 else 's'}"
    minutes = max(seconds // 60, 1)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def expiry_message(reason: str) -> str:
    if reason == ABSOLUTE:
        return (
            f"You were signed out after {_duration(absolute_timeout_seconds())}; "
            "please sign in again."
        )
    return f"You were signed out after {_duration(idle_timeout_seconds())} without activity."


def is_background_poll(request) -> bool:
    """An htmx request sent by a polling element (SESSION_BACKGROUND_HTMX_TRIGGERS names the
    elements' ids), not by the person."""
    if request.headers.get("HX-Request") != "true":
        return False
    return request.headers.get("HX-Trigger", "") in settings.SESSION_BACKGROUND_HTMX_TRIGGERS


class SessionTimeoutMiddleware:
    """Ends a signed-in session that has been idle, or alive, too long.

    Sits right after AuthenticationMiddleware (config/settings.py). On expiry the user is signed
    out (accounts.receivers logs "session.expired"), and is sent to the sign-in page with a
    message; an htmx request gets HX-Redirect instead, so that the whole page goes, not a
    fragment; the API (/api/) carries on as signed out, and answers as it does to anyone signed
    out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = _now()
        if session.get(STARTED_AT_KEY) is None:
            # A session from before the clocks existed: start them now.
            mark_session_start(session)
        reason = expiry_reason(session, now=now)
        if reason is not None:
            response = self._expire(request, reason)
            if response is not None:
                return response
            return self.get_response(request)
        stale = now - session.get(ACTIVE_AT_KEY, 0) >= ACTIVITY_WRITE_INTERVAL
        if stale and not is_background_poll(request):
            session[ACTIVE_AT_KEY] = now
        return self.get_response(request)

    def _expire(self, request, reason: str) -> HttpResponse | None:
        request.plp_session_expired = reason
        logout(request)
        if request.path.startswith("/api/"):
            return None
        login_url = resolve_url(settings.LOGIN_URL)
        if request.headers.get("HX-Request") == "true":
            current = urlsplit(request.headers.get("HX-Current-URL", "")).path
            target = redirect_to_login(current, login_url)["Location"] if current else login_url
            response = HttpResponseClientRedirect(target)
        else:
            # A GET comes back to where it was after signing in; a form's POST cannot be replayed.
            if request.method == "GET":
                response = redirect_to_login(request.get_full_path(), login_url)
            else:
                response = HttpResponseRedirect(login_url)
        # MessageMiddleware runs after this one, so it has not set up the storage yet.
        storage = default_storage(request)
        storage.add(messages.INFO, expiry_message(reason))
        storage.update(response)
        return response
