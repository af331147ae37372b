"""The retention job: anonymise or delete each kind of personal record once its retention period
(a `RetentionRule`, or the default) has passed (issue 8, data protection).

Each kind has one handler. A handler finds the records whose period has passed and that still
hold what it removes, so that a second run finds nothing (idempotent), and changes them with a
few bulk statements, whatever their number. Anonymising a record anonymises its simple-history
rows too: history must not keep what the record no longer holds. Files are deleted once the
transaction has committed. A dry run counts and changes nothing.
"""

import calendar
import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Case, CharField, F, Max, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.utils import timezone

from accounts import clock
from accounts.models import User
from consultants.models import Application, ApplicationStatus, ApplicationStep, PreVisitNote, Visit
from funding.models import ReturnEvidence
from leadership.models import Watch
from reports.models import Notification, NotificationPreference
from schools.models import ImportRecord, ImportStatus

from ..models import DEFAULT_RETENTION, RetentionKind, RetentionRule, RetentionRun, RetentionUnit

logger = logging.getLogger(__name__)

#: What replaces a required free text once it is removed.
REMOVED_TEXT = "Removed under the retention rules."
REMOVED_NAME = "Removed under the retention rules"
#: Applications whose decision ends them; open and appointed ones are kept.
ENDED_APPLICATION_STATUSES = (ApplicationStatus.NOT_APPOINTED, ApplicationStatus.WITHDRAWN)
#: The folder (under MEDIA_ROOT) of uploaded import files; files named on the command line
#: belong to whoever ran it and are never touched.
IMPORT_UPLOAD_PREFIX = "imports/"
#: Access logs: model label -> the field that says when. Models that are not installed are
#: skipped, so that a log added later needs one line here.
ACCESS_LOG_MODELS = {
    "reports.ReportAccess": "at",
    "schools.PerformanceDataView": "viewed_at",
    "axes.AccessAttempt": "attempt_time",
    "axes.AccessLog": "attempt_time",
    "axes.AccessFailureLog": "attempt_time",
}


@dataclass(frozen=True)
class RuleInForce:
    kind: RetentionKind
    keep_for: int
    unit: RetentionUnit
    is_default: bool

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def period(self) -> str:
        unit = self.unit.label
        return f"{self.keep_for} {unit[:-1] if self.keep_for == 1 else unit}"

    @property
    def action(self) -> str:
        return DEFAULT_RETENTION[self.kind][2]

    @property
    def counted_from(self) -> str:
        return DEFAULT_RETENTION[self.kind][3]

    def cutoff(self, today: datetime.date) -> datetime.date:
        """The first day still kept: records dated before it have passed the period."""
        if self.unit == RetentionUnit.DAYS:
            return today - datetime.timedelta(days=self.keep_for)
        return months_before(today, self.keep_for)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """`day` moved back `months` calendar months, on the month's last day if it is shorter."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def rules_in_force() -> list[RuleInForce]:
    """Every kind's rule: the admin's row where there is one, else the default. One query."""
    saved = {rule.kind: rule for rule in RetentionRule.objects.all()}
    rules = []
    for kind in RetentionKind:
        rule = saved.get(kind)
        if rule is None:
            keep_for, unit = DEFAULT_RETENTION[kind][:2]
            rules.append(RuleInForce(kind, keep_for, RetentionUnit(unit), is_default=True))
        else:
            rules.append(RuleInForce(kind, rule.keep_for, RetentionUnit(rule.unit), False))
    return rules


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _delete_files_on_commit(names: list[str]) -> None:
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def _history(model):
    return model.history.model


# Handlers: (cutoff date, dry run) -> records anonymised or deleted -------------------------


def _applications(cutoff: datetime.date, dry_run: bool) -> int:
    """Unsuccessful and withdrawn applications decided before `cutoff`: the applicant's
    personal fields go, the status, dates, score and programme year stay for the statistics."""
    decided = (
        Application.objects.filter(status__in=ENDED_APPLICATION_STATUSES)
        .exclude(email__startswith="removed-application-")
        .annotate(
            decided_on=Coalesce(
                TruncDate(Max("steps__changed_at", filter=Q(steps__to_status=F("status")))),
                F("received_on"),
            )
        )
        .filter(decided_on__lt=cutoff)
    )
    ids = list(decided.values_list("pk", flat=True))
    if dry_run or not ids:
        return len(ids)
    letters = list(
        Application.objects.filter(pk__in=ids)
        .exclude(letter_file="")
        .values_list("letter_file", flat=True)
    )
    personal = {
        "full_name": Value(REMOVED_NAME),
        "email": Concat(Value("removed-application-"), Cast("id", CharField()), Value("@invalid")),
        "phone": "",
        "home_school": None,
        "letter_text": REMOVED_TEXT,
        "letter_file": "",
        "recommendation_notes": "",
        "screening_notes": "",
        "interview_panel": "",
        "interview_notes": "",
    }
    Application.objects.filter(pk__in=ids).update(**personal)
    _history(Application).objects.filter(id__in=ids).update(**personal)
    ApplicationStep.objects.filter(application_id__in=ids).update(notes="")
    _delete_files_on_commit(letters)
    return len(ids)


def _deactivated_users(cutoff: datetime.date, dry_run: bool) -> int:
    """Accounts deactivated whose last log-in (or creation) is before `cutoff`: the row stays
    (history and records point at it) with nothing that names the person."""
    users = (
        User.objects.filter(is_active=False)
        .exclude(email__startswith="removed-", email__endswith="@invalid")
        .annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lt=_start_of(cutoff))
    )
    ids = list(users.values_list("pk", flat=True))
    if dry_run or not ids:
        return len(ids)
    User.objects.filter(pk__in=ids).update(
        full_name=REMOVED_NAME,
        email=Concat(Value("removed-"), Cast("id", CharField()), Value("@invalid")),
        job_title="",
        password=UNUSABLE_PASSWORD_PREFIX,
        is_staff=False,
    )
    if hasattr(User, "history"):
        _history(User).objects.filter(id__in=ids).update(
            full_name=REMOVED_NAME,
            email=Concat(Value("removed-"), Cast("id", CharField()), Value("@invalid")),
            job_title="",
        )
    Watch.objects.filter(user_id__in=ids).delete()
    NotificationPreference.objects.filter(user_id__in=ids).delete()
    if apps.is_installed("rest_framework.authtoken"):
        apps.get_model("authtoken", "Token").objects.filter(user_id__in=ids).delete()
    return len(ids)


def _visit_notes(cutoff: datetime.date, dry_run: bool) -> int:
    """Visit notes and pre-visit notes of programme years that ended before `cutoff`: the free
    text goes; the visit's date, kind, stage, focus and days stay."""
    ended = Q(allocation__participation__programme_year__ends_on__lt=cutoff)
    visits = Visit.objects.filter(ended).filter(
        ~Q(notes="") | ~Q(attendees="") | ~Q(challenge_detail__in=["", REMOVED_TEXT])
    )
    notes = PreVisitNote.objects.filter(
        visit__allocation__participation__programme_year__ends_on__lt=cutoff
    ).exclude(progress=REMOVED_TEXT, wants=REMOVED_TEXT)
    visit_ids = list(visits.values_list("pk", flat=True))
    note_ids = list(notes.values_list("pk", flat=True))
    if dry_run:
        return len(visit_ids) + len(note_ids)
    # A submitted visit that challenged standards must say how: the text is replaced, not
    # emptied (database constraint visit_submitted_is_complete).
    text = {
        "notes": "",
        "attendees": "",
        "challenge_detail": Case(
            When(challenge_detail="", then=Value("")), default=Value(REMOVED_TEXT)
        ),
    }
    for model in (Visit, _history(Visit)):
        key = "pk__in" if model is Visit else "id__in"
        model.objects.filter(**{key: visit_ids}).update(**text)
    removed = {"progress": REMOVED_TEXT, "wants": REMOVED_TEXT}
    PreVisitNote.objects.filter(pk__in=note_ids).update(**removed)
    _history(PreVisitNote).objects.filter(id__in=note_ids).update(**removed)
    return len(visit_ids) + len(note_ids)


def _access_logs(cutoff: datetime.date, dry_run: bool) -> int:
    """Logs of who read what and who tried to sign in, older than `cutoff`: deleted."""
    total = 0
    for label, field in ACCESS_LOG_MODELS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        old = model.objects.filter(**{f"{field}__lt": _start_of(cutoff)})
        total += old.count() if dry_run else old.delete()[1].get(model._meta.label, 0)
    return total


def _notifications(cutoff: datetime.date, dry_run: bool) -> int:
    old = Notification.objects.filter(created_at__lt=_start_of(cutoff))
    if dry_run:
        return old.count()
    return old.delete()[1].get(Notification._meta.label, 0)


def _import_files(cutoff: datetime.date, dry_run: bool) -> int:
    """Uploaded import files older than `cutoff`: the file goes, the record and its summary
    stay. A file that a newer record (a confirmed import) or a running one still uses stays."""
    uploads = ImportRecord.objects.filter(stored_file__startswith=IMPORT_UPLOAD_PREFIX)
    still_used = uploads.filter(
        Q(created_at__gte=_start_of(cutoff))
        | Q(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
    ).values("stored_file")
    names = sorted(
        set(
            uploads.filter(created_at__lt=_start_of(cutoff))
            .exclude(stored_file__in=still_used)
            .values_list("stored_file", flat=True)
        )
    )
    if dry_run or not names:
        return len(names)
    ImportRecord.objects.filter(stored_file__in=names).update(stored_file="")
    media = Path(settings.MEDIA_ROOT).resolve()

    def delete_files():
        for name in names:
            path = (media / name).resolve()
            if path.is_relative_to(media / IMPORT_UPLOAD_PREFIX.rstrip("/")):
                path.unlink(missing_ok=True)

    transaction.on_commit(delete_files)
    return len(names)


def _removed_evidence(cutoff: datetime.date, dry_run: bool) -> int:
    """Files of evidence archived (removed from a return) before `cutoff`: deleted; the row and
    its history stay."""
    old = (
        ReturnEvidence.objects.archived().filter(archived_at__lt=_start_of(cutoff)).exclude(file="")
    )
    files = dict(old.values_list("pk", "file"))
    if dry_run or not files:
        return len(files)
    ReturnEvidence.objects.filter(pk__in=files).update(file="")
    _history(ReturnEvidence).objects.filter(id__in=files).update(file="")
    _delete_files_on_commit(list(files.values()))
    return len(files)


HANDLERS: dict[RetentionKind, Callable[[datetime.date, bool], int]] = {
    RetentionKind.APPLICATIONS: _applications,
    RetentionKind.DEACTIVATED_USERS: _deactivated_users,
    RetentionKind.VISIT_NOTES: _visit_notes,
    RetentionKind.ACCESS_LOGS: _access_logs,
    RetentionKind.NOTIFICATIONS: _notifications,
    RetentionKind.IMPORT_FILES: _import_files,
    RetentionKind.REMOVED_EVIDENCE: _removed_evidence,
}


def apply_retention(*, today: datetime.date | None = None, dry_run: bool = False) -> dict:
    """Apply every kind's retention rule as of `today` (the application's today by default):
    anonymise or delete what has passed its period, each kind in its own transaction. Returns
    kind -> the number of records changed (or that would be, in a dry run). Running it twice
    changes nothing the second time. Each run is recorded (`RetentionRun`)."""
    today = today or clock.today()
    run = RetentionRun.objects.create(started_at=timezone.now(), as_of=today, is_dry_run=dry_run)
    counts = {}
    for rule in rules_in_force():
        with transaction.atomic():
            counts[rule.kind.value] = HANDLERS[rule.kind](rule.cutoff(today), dry_run)
    run.counts = counts
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    logger.info("Retention %s as of %s: %s", "dry run" if dry_run else "run", today, counts)
    return counts


def last_run() -> RetentionRun | None:
    """The latest finished run, real or dry."""
    return RetentionRun.objects.filter(finished_at__isnull=False).first()
