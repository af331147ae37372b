"""Report runs: asking for a report, producing it exactly once, and sending stalled runs again.

A run is created in the request (`run_request`) and sent to Celery only once its transaction has
committed, so a worker never looks for a row that is not there yet. The worker calls
`run_generate`, which may be called more than once for the same run (the broker redelivers a
message whose worker died, the sweeper sends a stalled run again, a form is posted twice) and
still produces one report: one DONE row, one PDF file, one notification per reader
(docs/decisions/008-report-runs-exactly-once.md).
"""

import logging
import time
from datetime import timedelta
from functools import partial

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import clock
from consultants.models import AdviserKind, Term
from leadership.models import Participation, ProgrammeYear
from leadership.pdf import html_to_pdf

from .. import content as report_content
from ..models import ReportBatch, ReportKind, ReportRun, RunStatus
from . import notifications

logger = logging.getLogger(__name__)

#: Errors that say nothing about the report, only that the database or the broker was not
#: there for a moment: the task retries them with backoff.
TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
)

#: The longest error text kept on a failed run.
ERROR_MAX_LENGTH = 1000


def _send(run_id: int) -> None:
    """Send the run to a worker once the current transaction commits (never before: the worker
    would not find the row)."""
    # Imported here: the task module imports this one.
    from ..tasks.runs import generate_report

    transaction.on_commit(partial(generate_report.delay, run_id=run_id))


def _scope_key(*, kind, programme_year, term, school, adviser) -> str:
    return (
        f"{kind}:{programme_year.pk}:{term}:{school.pk if school else ''}:"
        f"{adviser.pk if adviser else ''}"
    )


def _validate_scope(*, kind, programme_year, term, school, adviser) -> None:
    """The scope must make sense for the kind and lie inside the programme year's LEA. The
    objects come from the views, already loaded through `visible_to`; this checks they fit
    together."""
    errors = {}
    if kind not in ReportKind.values:
        errors["kind"] = "Choose a kind of report."
    if term and term not in Term.values:
        errors["term"] = "Choose a term."
    lea_id = programme_year.local_authority_id
    if kind == ReportKind.GOVERNOR:
        if not term:
            errors["term"] = "Choose the term the report is for."
        if school is None:
            errors["school"] = "Choose the school the report is for."
    if school is not None and "school" not in errors:
        if school.local_authority_id != lea_id:
            errors["school"] = (
                f"{school.name} is not a school of {programme_year.local_authority.name}."
            )
        elif (
            kind == ReportKind.GOVERNOR
            and not Participation.objects.filter(
                programme_year=programme_year, school=school
            ).exists()
        ):
            errors["school"] = (
                f"{school.name} has no place in the programme in {programme_year.name}."
            )
    if adviser is not None and (
        adviser.kind != AdviserKind.PSCL or adviser.local_authority_id != lea_id
    ):
        errors["adviser"] = (
            f"{adviser.full_name} is not a PSCL of {programme_year.local_authority.name}."
        )
    if errors:
        raise ValidationError(errors)


def _same_scope(run: ReportRun, *, kind, programme_year, term, school, adviser, batch) -> bool:
    return (
        run.kind == kind
        and run.programme_year_id == programme_year.pk
        and run.term == term
        and run.school_id == (school.pk if school else None)
        and run.adviser_id == (adviser.pk if adviser else None)
        and run.batch_id == (batch.pk if batch else None)
    )


@transaction.atomic
def run_request(
    *,
    kind: str,
    programme_year: ProgrammeYear,
    by,
    idempotency_key: str,
    term: str = "",
    school=None,
    adviser=None,
    parameters: dict | None = None,
    batch: ReportBatch | None = None,
) -> ReportRun:
    """Ask for a report: a new queued run, the next version of its scope, sent to a worker when
    the transaction commits.

    The same request made again (the same `idempotency_key`: a form posted twice, a batch or a
    schedule started twice) returns the run it made the first time, and sends nothing. Access
    is the caller's to check: `by` and the scope objects must already be the user's to use.
    """
    # The year's row lock serialises requests for the year: two requests never take the same
    # version, and a key is looked up and taken by one request at a time.
    programme_year = (
        ProgrammeYear.objects.select_for_update()
        .select_related("local_authority")
        .get(pk=programme_year.pk)
    )
    scope = {
        "kind": kind,
        "programme_year": programme_year,
        "term": term,
        "school": school,
        "adviser": adviser,
    }
    existing = ReportRun.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if not _same_scope(existing, batch=batch, **scope):
            raise ValidationError(
                "This request has already been made for another report: start a new request."
            )
        return existing
    _validate_scope(**scope)

    scope_key = _scope_key(**scope)
    latest = ReportRun.objects.filter(scope_key=scope_key).aggregate(latest=Max("version"))
    run = ReportRun(
        kind=kind,
        local_authority=programme_year.local_authority,
        programme_year=programme_year,
        term=term,
        school=school,
        adviser=adviser,
        parameters=parameters or {},
        requested_by=by,
        batch=batch,
        idempotency_key=idempotency_key,
        scope_key=scope_key,
        version=(latest["latest"] or 0) + 1,
    )
    run.full_clean()
    run.save()
    _send(run.pk)
    return run


def _lock(run_id: int) -> ReportRun | None:
    return (
        ReportRun.objects.select_for_update(of=("self",))
        .select_related("local_authority", "programme_year", "school", "adviser", "batch")
        .filter(pk=run_id)
        .first()
    )


def _claim(run_id: int) -> ReportRun | None:
    """Mark the run as running for this attempt; a finished run is returned as it is."""
    with transaction.atomic():
        run = _lock(run_id)
        if run is None or run.is_finished:
            return run
        run.status = RunStatus.RUNNING
        run.attempts += 1
        run.started_at = timezone.now()
        run.save(update_fields=["status", "attempts", "started_at"])
        return run


def _read(run: ReportRun):
    """The report's content and body, every figure read from one snapshot of the database."""
    # SET TRANSACTION must be the transaction's first statement, so only in a transaction of
    # our own (inside a test's transaction the run reads what that transaction sees anyway).
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        data_read_at = timezone.now()
        built = report_content.build_content(run, today=clock.today())
        # Rendered inside the snapshot too: a template may still follow a relation.
        body = render_to_string(built.template_name, built.context)
    return built, body, data_read_at


def _batch_finished(batch_id: int) -> ReportBatch | None:
    """The batch, locked, if none of its runs is still to finish. The lock makes the last two
    runs of a batch finish one after the other, so exactly one of them sees the batch done."""
    batch = ReportBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None:
        return None
    unfinished = batch.runs.exclude(status__in=[RunStatus.DONE, RunStatus.FAILED])
    return None if unfinished.exists() else batch


def _commit(run_id: int, *, built, body: str, pdf: bytes, data_read_at) -> ReportRun | None:
    """Issue the report, unless another delivery of the same run already has."""
    saved = None
    try:
        with transaction.atomic():
            run = _lock(run_id)
            if run is None or run.is_finished:
                return run
            # A name of our own in the run's folder. A killed attempt may have left a file there
            # before its transaction was lost: it goes, so that the run has exactly one file.
            name = run.pdf.field.generate_filename(run, built.filename)
            storage = run.pdf.storage
            if storage.exists(name):
                storage.delete(name)
            run.pdf.save(built.filename, ContentFile(pdf), save=False)
            saved = (storage, run.pdf.name)
            run.status = RunStatus.DONE
            run.title = built.title[: ReportRun._meta.get_field("title").max_length]
            run.html = body
            run.data_read_at = data_read_at
            run.finished_at = timezone.now()
            run.error = ""
            run.save()
            notifications.notify_report_ready(run)
            if run.batch_id and (batch := _batch_finished(run.batch_id)):
                notifications.notify_batch_done(batch)
            return run
    except BaseException:
        # The row was not issued: neither is the file.
        if saved is not None:
            storage, name = saved
            storage.delete(name)
        raise


def run_fail(*, run_id: int, error: str) -> ReportRun | None:
    """Mark the run as failed with `error`, unless it has finished already."""
    with transaction.atomic():
        run = _lock(run_id)
        if run is None or run.is_finished:
            return run
        run.status = RunStatus.FAILED
        run.error = (error or "Failed.")[:ERROR_MAX_LENGTH]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        if run.batch_id and (batch := _batch_finished(run.batch_id)):
            notifications.notify_batch_done(batch)
        return run


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()


def report_pdf(document: str) -> bytes:
    """The PDF of a report's print document (`reports/report/pdf.html` around its body)."""
    return html_to_pdf(document, base_url=settings.SITE_URL + "/")


def run_generate(run_id: int) -> ReportRun | None:
    """Produce the run's report, exactly once however often it is called.

    Claims the run, reads its data in one snapshot, renders the body and the PDF outside any
    lock, then issues it under the run's row lock: the first attempt to get there issues it
    (file, row, notifications in one transaction), later ones write nothing. A finished run is
    returned unchanged; a run that does not exist (deleted since) gives None.

    Transient errors (the database or broker away for a moment) are raised for the task to
    retry. Any other error is the report's own: the run is marked failed and the error logged,
    not raised, so that a bad report is not retried for ever.
    """
    run = _claim(run_id)
    if run is None or run.is_finished:
        return run
    delay = settings.REPORTS_FAULT_DELAY_SECONDS
    if delay > 0:
        time.sleep(delay)
    try:
        built, body, data_read_at = _read(run)
        document = render_to_string("reports/report/pdf.html", {"title": built.title, "body": body})
        pdf = report_pdf(document)
        return _commit(run_id, built=built, body=body, pdf=pdf, data_read_at=data_read_at)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        logger.exception("Report run %s failed", run_id)
        return run_fail(run_id=run_id, error=_error_text(exc))


@transaction.atomic
def runs_sweep(*, now=None) -> list[int]:
    """Send stalled runs again: queued for longer than `REPORTS_QUEUED_STALL_SECONDS` (the
    message was lost), or running for longer than the task time limit and a minute (the worker
    died; the time limit would have stopped a live one). Returns their ids.

    A run sent twice is harmless: `run_generate` issues it once.
    """
    now = now or timezone.now()
    queued_before = now - timedelta(seconds=settings.REPORTS_QUEUED_STALL_SECONDS)
    running_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    stalled = list(
        ReportRun.objects.select_for_update(skip_locked=True)
        .filter(
            Q(status=RunStatus.QUEUED, queued_at__lt=queued_before)
            | Q(status=RunStatus.RUNNING, started_at__lt=running_before)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Sent again now: a run still waiting in a long queue is not sent again at every sweep.
    ReportRun.objects.filter(pk__in=stalled).update(status=RunStatus.QUEUED, queued_at=now)
    for run_id in stalled:
        _send(run_id)
    if stalled:
        logger.warning("Sent %d stalled report runs again: %s", len(stalled), stalled)
    return stalled
