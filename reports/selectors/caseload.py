"""The PSCL caseload report of a programme year: for each PSCL (or the one a run names), the
schools they support with the days planned, delivered and left, the visits submitted and the
last of them, the PSCL's own training days, and the schools' ratings of their support
(DOMAIN.md: PSCLs; Monitoring and evaluation, "days delivered against days funded").

`caseload_figures` runs a fixed number of queries, whatever the number of PSCLs or schools.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Prefetch, Q
from django.utils.text import slugify

from consultants.models import (
    Adviser,
    Allocation,
    AllocationStatus,
    ConsultantTraining,
    SupportEvaluation,
    VisitStatus,
)
from leadership.models import ProgrammeYear

from ..content import ReportContent
from ..models import ReportRun

ZERO_DAYS = Decimal("0.0")


@dataclass(frozen=True)
class CaseloadSchool:
    """One school in a PSCL's caseload. `is_current` is False for a match that has ended (its
    days delivered still count)."""

    school: str
    urn: int
    is_current: bool
    status: str
    planned: Decimal
    delivered: Decimal
    visits: int
    last_visit_on: datetime.date | None
    ratings: tuple[tuple[str, int], ...]

    @property
    def left(self) -> Decimal:
        return self.planned - self.delivered


@dataclass(frozen=True)
class PsclCaseload:
    adviser: Adviser
    schools: tuple[CaseloadSchool, ...]
    training_days: tuple[str, ...]

    @property
    def planned(self) -> Decimal:
        return sum((s.planned for s in self.schools if s.is_current), ZERO_DAYS)

    @property
    def delivered(self) -> Decimal:
        return sum((s.delivered for s in self.schools), ZERO_DAYS)

    @property
    def left(self) -> Decimal:
        return sum((s.left for s in self.schools if s.is_current), ZERO_DAYS)

    @property
    def visits(self) -> int:
        return sum(s.visits for s in self.schools)

    @property
    def last_visit_on(self) -> datetime.date | None:
        dates = [s.last_visit_on for s in self.schools if s.last_visit_on]
        return max(dates) if dates else None

    @property
    def rating_count(self) -> int:
        return sum(len(s.ratings) for s in self.schools)

    @property
    def mean_rating(self) -> Decimal | None:
        ratings = [rating for s in self.schools for _, rating in s.ratings]
        if not ratings:
            return None
        return (Decimal(sum(ratings)) / len(ratings)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class CaseloadFigures:
    programme_year: ProgrammeYear
    today: datetime.date
    adviser: Adviser | None
    pscls: tuple[PsclCaseload, ...]

    @property
    def planned(self) -> Decimal:
        return sum((p.planned for p in self.pscls), ZERO_DAYS)

    @property
    def delivered(self) -> Decimal:
        return sum((p.delivered for p in self.pscls), ZERO_DAYS)

    @property
    def visits(self) -> int:
        return sum(p.visits for p in self.pscls)


def caseload_figures(
    *, programme_year: ProgrammeYear, today: datetime.date, adviser: Adviser | None = None
) -> CaseloadFigures:
    """The caseloads of `programme_year`: every PSCL with a school that year (a match the
    school declined does not count), or only `adviser` (shown even with no school). Schools
    are those the PSCL supports now and those whose match has ended, by name. Days delivered
    are the days of submitted visits. Three queries."""
    allocations = (
        Allocation.objects.filter(participation__programme_year=programme_year)
        .exclude(status=AllocationStatus.DECLINED)
        .with_days()
        .annotate(
            visits_submitted=Count("visits", filter=Q(visits__status=VisitStatus.SUBMITTED)),
            last_visit_on=Max("visits__visit_on", filter=Q(visits__status=VisitStatus.SUBMITTED)),
        )
        .select_related("adviser", "participation__school")
        .prefetch_related(
            Prefetch("evaluations", queryset=SupportEvaluation.objects.order_by("term", "pk"))
        )
        .order_by("adviser__full_name", "adviser_id", "participation__school__name", "pk")
    )
    if adviser is not None:
        allocations = allocations.filter(adviser=adviser)
    by_adviser: dict[int, list[CaseloadSchool]] = {}
    advisers: dict[int, Adviser] = {}
    if adviser is not None:
        advisers[adviser.pk] = adviser
        by_adviser[adviser.pk] = []
    for allocation in allocations:
        advisers.setdefault(allocation.adviser_id, allocation.adviser)
        school = allocation.participation.school
        by_adviser.setdefault(allocation.adviser_id, []).append(
            CaseloadSchool(
                school=school.name,
                urn=school.urn,
                is_current=allocation.is_current,
                status=allocation.get_status_display(),
                planned=allocation.planned_days,
                delivered=Decimal(allocation.days_delivered).quantize(Decimal("0.01")),
                visits=allocation.visits_submitted,
                last_visit_on=allocation.last_visit_on,
                ratings=tuple(
                    (evaluation.get_term_display(), evaluation.rating)
                    for evaluation in allocation.evaluations.all()
                ),
            )
        )
    training: dict[int, list[str]] = {pk: [] for pk in advisers}
    for training_day in ConsultantTraining.objects.filter(
        programme_year=programme_year, adviser_id__in=list(advisers)
    ).order_by("adviser_id", "day"):
        training[training_day.adviser_id].append(training_day.get_day_display())
    return CaseloadFigures(
        programme_year=programme_year,
        today=today,
        adviser=adviser,
        pscls=tuple(
            PsclCaseload(
                adviser=advisers[pk],
                schools=tuple(schools),
                training_days=tuple(training[pk]),
            )
            for pk, schools in by_adviser.items()
        ),
    )


def build_caseload_report(run: ReportRun, *, today: datetime.date) -> ReportContent:
    """The caseload report of `run.programme_year`, for `run.adviser` or every PSCL."""
    year = run.programme_year
    figures = caseload_figures(programme_year=year, today=today, adviser=run.adviser)
    if run.adviser is None:
        title = f"PSCL caseloads {year.name}: {year.local_authority.name}"
        who = slugify(year.local_authority.name)
    else:
        title = f"PSCL caseload {year.name}: {run.adviser.full_name}"
        who = slugify(run.adviser.full_name)
    return ReportContent(
        title=title,
        template_name="reports/report/caseload.html",
        context={"title": title, "programme_year": year, "figures": figures, "today": today},
        filename=f"caseload-{who}-{slugify(year.name)}-v{run.version}.pdf",
    )
