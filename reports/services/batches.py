"""Batches of governor reports: one run for each active school of an LEA for a term, started by
a strategy manager or by the termly schedule, and their progress."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from accounts import clock
from consultants.models import Term
from leadership.models import ParticipationStatus, ProgrammeYear
from schools.models import School

from ..models import ReportBatch, ReportKind, RunStatus
from ..terms import current_term
from .runs import run_request


def _active_schools(programme_year: ProgrammeYear):
    return School.objects.filter(
        local_authority_id=programme_year.local_authority_id,
        participations__programme_year=programme_year,
        participations__status=ParticipationStatus.ACTIVE,
    ).order_by("name", "pk")


@transaction.atomic
def batch_start(
    *,
    programme_year: ProgrammeYear,
    term: str,
    by,
    idempotency_key: str,
    source: str = ReportBatch.Source.MANUAL,
) -> ReportBatch:
    """Ask for the governor report of every school active in `programme_year`, for `term`.

    The same key (a form posted twice, the schedule firing twice in a term) returns the batch
    made the first time. Each run has a key made from the batch's and the school's, so a batch
    never asks twice for a school's report.
    """
    # Locked first, as `run_request` does: one batch start for the year at a time, so that two
    # starts with the same key cannot both miss the other's batch.
    programme_year = (
        ProgrammeYear.objects.select_for_update()
        .select_related("local_authority")
        .get(pk=programme_year.pk)
    )
    existing = ReportBatch.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.programme_year_id != programme_year.pk or existing.term != term:
            raise ValidationError(
                "This request has already been made for another batch: start a new request."
            )
        return existing
    if term not in Term.values:
        raise ValidationError({"term": "Choose a term."})
    schools = list(_active_schools(programme_year))
    if not schools:
        raise ValidationError(
            f"No school is active in {programme_year.name}: there is no governor report to make."
        )
    batch = ReportBatch(
        local_authority=programme_year.local_authority,
        programme_year=programme_year,
        kind=ReportKind.GOVERNOR,
        term=term,
        source=source,
        requested_by=by,
        idempotency_key=idempotency_key,
    )
    batch.full_clean()
    batch.save()
    for school in schools:
        run_request(
            kind=ReportKind.GOVERNOR,
            programme_year=programme_year,
            by=by,
            idempotency_key=f"{batch.idempotency_key}:{school.pk}",
            term=term,
            school=school,
            batch=batch,
        )
    batch.total = len(schools)
    batch.save(update_fields=["total"])
    return batch


@dataclass(frozen=True)
class BatchProgress:
    total: int
    queued: int
    running: int
    done: int
    failed: int

    @property
    def finished(self) -> int:
        return self.done + self.failed

    @property
    def percent(self) -> int:
        """Finished runs as a whole percentage of the batch (100 for an empty batch)."""
        if not self.total:
            return 100
        return min(100, self.finished * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.finished >= self.total


def batch_progress(batch: ReportBatch) -> BatchProgress:
    """How far the batch has gone, counted from its runs in one query."""
    counts = batch.runs.aggregate(
        queued=Count("pk", filter=Q(status=RunStatus.QUEUED)),
        running=Count("pk", filter=Q(status=RunStatus.RUNNING)),
        done=Count("pk", filter=Q(status=RunStatus.DONE)),
        failed=Count("pk", filter=Q(status=RunStatus.FAILED)),
    )
    return BatchProgress(total=batch.total, **counts)


def scheduled_batches(*, today: datetime.date | None = None) -> list[ReportBatch]:
    """The termly schedule: for each LEA's programme year under way `today`, the governor
    reports of its active schools for the current term. The key names the year and the term, so
    the schedule firing twice in a term (or beat restarted) makes one batch. LEAs with no active
    school are passed over."""
    today = today or clock.today()
    years = (
        ProgrammeYear.objects.filter(starts_on__lte=today, ends_on__gte=today)
        .select_related("local_authority")
        .order_by("local_authority_id", "-starts_on", "-pk")
    )
    batches = []
    seen_leas = set()
    for year in years:
        if year.local_authority_id in seen_leas:
            continue
        seen_leas.add(year.local_authority_id)
        if not _active_schools(year).exists():
            continue
        term = current_term(year, today)
        batches.append(
            batch_start(
                programme_year=year,
                term=term,
                by=None,
                idempotency_key=f"schedule:{year.pk}:{term}",
                source=ReportBatch.Source.SCHEDULE,
            )
        )
    return batches
