"""Tasks that send notification emails: one notification at once, one user's digest, and the
weekly digests (scheduled by django-celery-beat as "reports.send_weekly_digests").

Each takes ids as keyword arguments and makes one service call. The services lock the rows
they send and mark them sent, so a task delivered twice (acks_late, a worker lost) sends one
email. Mail-server and network faults are retried with a growing wait."""

import smtplib

from celery import shared_task

from ..services import notifications

#: Faults of the mail server or the network that are worth trying again.
TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, OSError)

RETRY_OPTIONS = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="reports.send_notification_email", **RETRY_OPTIONS)
def send_notification_email(*, notification_id: int) -> bool:
    """Email one notification to its user, unless it has been emailed already."""
    return notifications.send_notification_now(notification_id)


@shared_task(name="reports.send_digest_email", **RETRY_OPTIONS)
def send_digest_email(*, user_id: int) -> bool:
    """Email one user a digest of their notifications not yet emailed (sent when they move from
    the weekly digest to an email each time)."""
    return notifications.send_digest(user_id=user_id)


@shared_task(name="reports.send_weekly_digests", **RETRY_OPTIONS)
def send_weekly_digests() -> int:
    """Email every user who chose the weekly digest what is new since their last one."""
    return notifications.send_weekly_digests()
