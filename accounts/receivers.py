"""Security events from Django's and django-axes' signals (accounts.security): log-ins, failed
log-ins, lock-outs and log-outs, wherever they happen (the sign-in page, the admin's, a test).
Connected in AccountsConfig.ready()."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .security import log_event, login_identifier
from .sessions import mark_session_start


@receiver(user_logged_in, dispatch_uid="plp_security_logged_in")
def on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_session_start(request.session)
    log_event("login.succeeded", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="plp_security_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # `credentials` holds the password (Django masks it, but it is never read here): only the
    # email address typed in is kept.
    identifier = credentials.get("username") or credentials.get("email")
    log_event(
        "login.failed",
        request=request,
        outcome="failure",
        email=login_identifier(identifier),
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )


@receiver(user_locked_out, dispatch_uid="plp_security_locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    log_event(
        "login.locked_out",
        request=request,
        outcome="refused",
        email=login_identifier(username),
    )


@receiver(user_logged_out, dispatch_uid="plp_security_logged_out")
def on_logged_out(sender, request, user, **kwargs):
    reason = getattr(request, "plp_session_expired", None)
    if reason:
        log_event(
            "session.expired",
            request=request,
            user=user,
            outcome="expired",
            level=logging.INFO,
            reason=reason,
        )
    else:
        log_event("logout", request=request, user=user)
