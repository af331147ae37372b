"""Notifications: who is told of what, and the emails that tell them (issue 6, items 5 and 6).

Three events notify people: a report run is done (the school's governors and whoever asked),
a batch of governor reports has finished (the manager who started it), and a PSCL has submitted
a visit note with agreed actions (the school's headteacher). Each event makes one
`Notification` per person, whatever happens twice (a job redelivered, a hook called again): the
database's unique constraints hold that, and these functions create rows with
`ignore_conflicts` and then read them back.

Each person chooses how they hear (`NotificationPreference`, none: at once). Those who want an
email each time get one, sent by Celery once the transaction that made the notification commits;
the others get one weekly digest of everything new. An email names what happened and links to
the page, which asks the reader to sign in: it never carries a report, and a visit's email lists
the agreed actions but never the visit's notes (docs/decisions/006).
"""

import datetime
import logging
import smtplib
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.models import Role, User
from consultants.models import Visit, VisitStatus

from ..models import (
    Notification,
    NotificationFrequency,
    NotificationKind,
    NotificationPreference,
    ReportBatch,
    ReportKind,
    ReportRun,
    RunStatus,
)

logger = logging.getLogger(__name__)

#: How each kind of report is named in a notification, before "for ...".
REPORT_NAMES = {
    ReportKind.LEA_EVALUATION: "LEA evaluation report",
    ReportKind.PSCL_CASELOAD: "PSCL caseload report",
    ReportKind.FUNDING_STATEMENT: "funding statement",
}


def _long_date(day: datetime.date) -> str:
    """E.g. "12 November 2004"."""
    return dateformat.format(day, "j F Y")


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}"


# Preferences ---------------------------------------------------------------------------------


def notification_preference(user: User) -> NotificationPreference:
    """The user's choice of how to hear of changes: their saved preference, else an unsaved one
    that says "an email each time" (the default for everyone who has not chosen)."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference or NotificationPreference(user=user)


@transaction.atomic
def set_notification_preference(*, user: User, frequency: str) -> NotificationPreference:
    """Save how `user` wants to hear of changes. Someone who moves from the weekly digest to an
    email each time gets what was waiting for the digest at once, in one digest email, so that
    nothing is lost between the two."""
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    previous = preference.frequency
    preference.frequency = frequency
    preference.full_clean()
    preference.save()
    if (
        previous == NotificationFrequency.WEEKLY
        and frequency == NotificationFrequency.IMMEDIATE
        and Notification.objects.unsent().filter(user=user).exists()
    ):
        # The tasks call this module: imported here, not at the top, to keep out of a cycle.
        from ..tasks.notifications import send_digest_email

        transaction.on_commit(partial(send_digest_email.delay, user_id=user.pk))
    return preference


def _weekly_user_ids(user_ids: Iterable[int]) -> set[int]:
    return set(
        NotificationPreference.objects.filter(
            user_id__in=list(user_ids), frequency=NotificationFrequency.WEEKLY
        ).values_list("user_id", flat=True)
    )


# Making notifications ------------------------------------------------------------------------


def _notify(
    recipients: Iterable[User], *, event: dict, kind: str, subject: str, body: str, url: str
) -> list[Notification]:
    """One notification per recipient for the event (`{"run": run}`, `{"visit": visit}` or
    `{"batch": batch}`), never two: rows that exist already are kept as they are. The
    notifications not yet emailed to those who want an email each time are sent once the
    current transaction commits."""
    users = {user.pk: user for user in recipients if user.is_active}
    if not users:
        return []
    (target,) = event.values()
    # A run's school or a visit's (a batch has none).
    school = getattr(target, "school", None)
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                kind=kind,
                school=school,
                subject=subject,
                body=body,
                url=url,
                **event,
            )
            for user_id in users
        ],
        ignore_conflicts=True,
    )
    notifications = list(
        Notification.objects.filter(user_id__in=users, **event).order_by("user_id")
    )
    weekly = _weekly_user_ids(users)
    # The tasks call this module: imported here, not at the top, to keep out of a cycle.
    from ..tasks.notifications import send_notification_email

    for notification in notifications:
        notification.user = users[notification.user_id]
        if notification.sent_at is None and notification.user_id not in weekly:
            transaction.on_commit(
                partial(send_notification_email.delay, notification_id=notification.pk)
            )
    return notifications


def _report_subject(run: ReportRun) -> str:
    if run.kind == ReportKind.GOVERNOR:
        term = run.get_term_display().lower()
        return f"The {term} progress report for {run.school.name} is ready"
    name = REPORT_NAMES.get(run.kind, run.get_kind_display())
    if run.kind == ReportKind.PSCL_CASELOAD and run.adviser_id is not None:
        return f"The {name} for {run.adviser.full_name}, {run.programme_year.name}, is ready"
    return f"The {name} for {run.programme_year.name} is ready"


def _report_body(run: ReportRun) -> str:
    title = run.title or _report_subject(run).removesuffix(" is ready")
    lines = [f'The report "{title}" is ready to read in PLP Admin.']
    if run.data_read_at is not None:
        read_at = timezone.localtime(run.data_read_at)
        lines.append(
            f"It shows the data as it was on {_long_date(read_at.date())} at "
            f"{dateformat.format(read_at, 'H:i')}."
        )
    if run.kind == ReportKind.GOVERNOR:
        lines.append(
            "It tells the governing body how the school is getting on with the Primary "
            "Leadership Programme, and suggests questions to ask the headteacher. You can "
            "download it as a PDF for the meeting pack."
        )
    return "\n\n".join(lines)


def notify_report_ready(run: ReportRun) -> list[Notification]:
    """Tell the people concerned that `run` is done, once each however often this is called.

    A governor report goes to the active governors of its school (only that school's) and to
    the active user who asked for it, unless it was asked as part of a batch (the batch's
    requester hears once, of the whole batch: `notify_batch_done`). Any other report goes to
    the active user who asked for it. Called by the report engine inside the transaction that
    marks the run done: the emails go only if that transaction commits."""
    run = ReportRun.objects.select_related("school", "programme_year", "adviser").get(pk=run.pk)
    recipients = []
    if run.kind == ReportKind.GOVERNOR:
        recipients.extend(
            User.objects.filter(role=Role.GOVERNOR, school_id=run.school_id, is_active=True)
        )
    if run.requested_by_id is not None and run.batch_id is None:
        requester = User.objects.filter(pk=run.requested_by_id, is_active=True).first()
        if requester is not None:
            recipients.append(requester)
    return _notify(
        recipients,
        event={"run": run},
        kind=NotificationKind.REPORT_READY,
        subject=_report_subject(run),
        body=_report_body(run),
        url=reverse("reports:run_detail", args=[run.pk]),
    )


def notify_batch_done(batch: ReportBatch) -> Notification | None:
    """Tell the manager who started `batch` (if any, and still active) that it has finished,
    with how many reports were done and how many failed; once, however often this is called."""
    batch = ReportBatch.objects.select_related("requested_by").get(pk=batch.pk)
    if batch.requested_by is None:
        return None
    counts = batch.runs.aggregate(
        done=Count("pk", filter=Q(status=RunStatus.DONE)),
        failed=Count("pk", filter=Q(status=RunStatus.FAILED)),
    )
    what = "Governor reports" if batch.kind == ReportKind.GOVERNOR else "Reports"
    term = batch.get_term_display().lower()
    subject = f"{what} for the {term} are ready: {counts['done']} done, {counts['failed']} failed"
    body = (
        f"{what} for the {term} of {batch.programme_year.name}, {batch.local_authority.name}: "
        f"{counts['done']} of {batch.total} done, {counts['failed']} failed."
    )
    if counts["failed"]:
        body += (
            "\n\nThe batch's page lists the reports that failed, so that you can run them again."
        )
    notifications = _notify(
        [batch.requested_by],
        event={"batch": batch},
        kind=NotificationKind.BATCH_DONE,
        subject=subject,
        body=body,
        url=reverse("reports:batch_detail", args=[batch.pk]),
    )
    return notifications[0] if notifications else None


def _visit_body(visit: Visit, actions) -> str:
    school = visit.allocation.participation.school
    pscl = visit.allocation.adviser.full_name
    lines = [
        f"{pscl}, your PSCL, visited {school.name} on {_long_date(visit.visit_on)} and agreed "
        "these actions with the school:",
        "",
    ]
    for action in actions:
        lines.append(f"- {action.who}, by {_long_date(action.due_on)}: {action.what}")
    lines += ["", "You can mark each action done when it is done."]
    return "\n".join(lines)


@transaction.atomic
def on_visit_submitted(visit_id: int) -> None:
    """Tell the headteacher(s) of the school of the actions agreed at a visit just submitted,
    once each. A visit with no agreed actions tells nobody. The notification lists who does
    what by when and never the visit's notes, which headteachers may not read
    (docs/decisions/006). Registered with the consultants app (`reports.apps`) and called once
    the submission has committed."""
    visit = (
        Visit.objects.select_related("allocation__participation__school", "allocation__adviser")
        .filter(pk=visit_id, status=VisitStatus.SUBMITTED)
        .first()
    )
    if visit is None:
        return
    actions = list(visit.agreed_actions.order_by("due_on", "pk"))
    if not actions:
        return
    school = visit.allocation.participation.school
    heads = User.objects.filter(role=Role.HEADTEACHER, school=school, is_active=True)
    _notify(
        heads,
        event={"visit": visit},
        kind=NotificationKind.VISIT_ACTIONS,
        subject=f"Agreed actions from the PSCL's visit on {_long_date(visit.visit_on)}",
        body=_visit_body(visit, actions),
        url=reverse("consultants:school_visits", args=[school.urn]),
    )


# Sending emails ------------------------------------------------------------------------------


def _email_context(user: User) -> dict:
    return {
        "user": user,
        "site_url": settings.SITE_URL,
        "preferences_link": _absolute(reverse("reports:notification_preferences")),
        "notifications_link": _absolute(reverse("reports:notification_list")),
    }


@transaction.atomic
def send_notification_now(notification_id: int) -> bool:
    """Email one notification to its user, unless it has been emailed already: the row is
    locked while the email goes, so two deliveries of the same job send one email. Returns
    whether an email went. The email names what happened and links to the page (the reader
    signs in there); it never carries an attachment. Nothing goes to a user who has been
    deactivated since."""
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.sent_at is not None:
        return False
    user = notification.user
    if not user.is_active or not user.email:
        return False
    context = {
        **_email_context(user),
        "notification": notification,
        "link": _absolute(notification.url),
    }
    EmailMessage(
        subject=notification.subject,
        body=render_to_string("reports/email/notification.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    ).send()
    notification.sent_at = timezone.now()
    notification.save(update_fields=["sent_at"])
    return True


@transaction.atomic
def send_digest(*, user_id: int, now: datetime.datetime | None = None) -> bool:
    """Email `user_id` one digest of all their notifications not yet emailed (made up to
    `now`), and mark them sent in a digest. The rows are locked while the email goes, so a
    second run at the same time finds nothing left and sends nothing. Returns whether an email
    went."""
    now = now or timezone.now()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    notifications = list(
        Notification.objects.select_for_update(of=("self",))
        .unsent()
        .filter(user=user, created_at__lte=now)
        .select_related("school")
        .order_by("created_at", "pk")
    )
    if not notifications:
        return False
    count = len(notifications)
    context = {
        **_email_context(user),
        "items": [
            {"notification": notification, "link": _absolute(notification.url)}
            for notification in notifications
        ],
        "count": count,
    }
    EmailMessage(
        subject=f"Your weekly digest from PLP Admin: {count} update{'s' if count != 1 else ''}",
        body=render_to_string("reports/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    ).send()
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        sent_at=now, in_digest=True
    )
    return True


def send_weekly_digests(*, now: datetime.datetime | None = None) -> int:
    """Email each active user who chose the weekly digest one digest of their notifications not
    yet emailed, and mark them sent. Returns the number of emails sent. Running it twice sends
    nothing the second time. Each user's digest is its own transaction: a digest that cannot be
    sent leaves its notifications unsent and the others go; the error is raised at the end so
    that the task tries again."""
    now = now or timezone.now()
    user_ids = list(
        Notification.objects.unsent()
        .filter(
            created_at__lte=now,
            user__is_active=True,
            user__notification_preference__frequency=NotificationFrequency.WEEKLY,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    failures: list[Exception] = []
    for user_id in user_ids:
        try:
            sent += send_digest(user_id=user_id, now=now)
        except (smtplib.SMTPException, OSError) as error:
            # One refused address or a passing fault must not hold back the other digests.
            logger.warning("The weekly digest to user %s was not sent: %s", user_id, error)
            failures.append(error)
    if failures:
        # Raised once the others are sent, so that the task retries: only the digests that
        # failed are still unsent.
        raise failures[0]
    return sent
