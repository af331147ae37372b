"""Reads for the people's pages: the PSCL's caseload, the link adviser's feed of visit notes,
the strategy manager's PSCL overview and a PSCL's evaluations, the school's own ratings, and the
PSCL panels of the home page (issue 4: Pages; DOMAIN.md: Monitoring and evaluation).

Every read goes through the models' `visible_to(user)`, and each runs a fixed number of queries
whatever the number of schools, PSCLs or visits: figures per row come from subqueries and
annotations in the database, related rows from one query each.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import Role
from leadership.models import Participation, ProgrammeYear
from schools.models import School

from ..models import (
    CURRENT_STATUSES,
    Adviser,
    AgreedAction,
    Allocation,
    Capacity,
    ConflictDeclaration,
    ConsultantTraining,
    PreVisitNote,
    SupportEvaluation,
    Term,
    TrainingDay,
    Visit,
)

#: A PSCL with no submitted visit in this many days is flagged on the overview, and the
#: overview counts the visits submitted within it (issue 4: "visits in the last 6 weeks").
RECENT_VISIT_DAYS = 42
#: The link adviser's home page counts the visit notes submitted within this many days.
NEW_NOTES_DAYS = 14
#: The training days a PSCL attends in a year (DOMAIN.md: three before work starts, a fourth).
TRAINING_DAY_COUNT = len(TrainingDay)
#: The labels of the school's ratings of its PSCL's support.
RATING_LABELS = {1: "Poor", 2: "Weak", 3: "Satisfactory", 4: "Good", 5: "Excellent"}

DAYS = DecimalField(max_digits=7, decimal_places=2)


def term_of(day: datetime.date) -> str:
    """The school term `day` falls in: autumn from September, spring from January, summer from
    April (the summer holiday counts with the summer term just ended)."""
    if day.month >= 9:
        return Term.AUTUMN
    if day.month <= 3:
        return Term.SPRING
    return Term.SUMMER


# The PSCL's caseload.


@dataclass
class CaseloadEntry:
    """One school allocated to the PSCL now, with what the PSCL needs before the next visit."""

    #: The allocation, annotated with `days_delivered` (and so `days_left`); its participation and
    #: school are loaded.
    allocation: Allocation
    #: The next planned visit on or after today, with `has_pre_visit_note`; None if none. The
    #: caseload's visits load only the fields it shows (`CASELOAD_VISIT_FIELDS`).
    next_visit: Visit | None
    #: The latest submitted visit, None if none yet.
    last_visit: Visit | None
    #: Actions agreed at submitted visits, past their date and not done, oldest first; each
    #: annotated with `agreed_on`, the date of its visit.
    overdue_actions: list[AgreedAction] = field(default_factory=list)

    @property
    def school(self) -> School:
        return self.allocation.participation.school

    @property
    def is_past_its_days(self) -> bool:
        return self.allocation.days_left < 0


def _with_visit_refs(allocations: QuerySet, *, today: datetime.date) -> QuerySet:
    """Annotate each allocation with the id of its next planned visit (on or after `today`)
    and of its latest submitted visit (see `caseload` for why its own visits are unscoped)."""
    visits = Visit.objects.filter(allocation=OuterRef("pk"))
    next_visit = visits.planned().filter(visit_on__gte=today).order_by("visit_on", "pk")
    last_visit = visits.submitted().order_by("-visit_on", "-pk")
    return allocations.annotate(
        next_visit_id=Subquery(next_visit.values("pk")[:1]),
        last_visit_id=Subquery(last_visit.values("pk")[:1]),
    )


#: The fields of a visit that the caseload shows (its notes are long and not shown).
CASELOAD_VISIT_FIELDS = ("visit_on", "purpose", "kind", "stage")


def caseload(*, user, today: datetime.date) -> list[CaseloadEntry]:
    """The schools allocated now to the PSCL `user`, by school name: days planned, used and
    left, the next planned visit (and whether the school's pre-visit note is in), the last
    submitted visit and the overdue agreed actions. Three queries for any number of schools;
    nothing for a user who is not a PSCL.

    The allocations load through `Allocation.visible_to`; their visits and agreed actions are
    then read by allocation. For a PSCL that is the same scope as `Visit.visible_to` and
    `AgreedAction.visible_to` (their own allocations' visits, of the schools allocated to them
    now), and repeating those scopes' subqueries in each query tripled the page's database
    time (issue 9: the caseload under load)."""
    if user.role != Role.CONSULTANT:
        return []
    allocations = list(
        _with_visit_refs(
            Allocation.objects.visible_to(user)
            .current()
            .filter(adviser__user=user)
            .with_days()
            .select_related("participation__school"),
            today=today,
        ).order_by("participation__school__name", "pk")
    )
    if not allocations:
        return []
    allocation_ids = [allocation.pk for allocation in allocations]
    visit_ids = {a.next_visit_id for a in allocations} | {a.last_visit_id for a in allocations}
    visits = {
        visit.pk: visit
        for visit in Visit.objects.filter(allocation__in=allocation_ids, pk__in=visit_ids - {None})
        .only(*CASELOAD_VISIT_FIELDS)
        .annotate(
            has_pre_visit_note=Exists(PreVisitNote.objects.filter(visit=OuterRef("pk"))),
        )
    }
    overdue = defaultdict(list)
    for action in (
        AgreedAction.objects.overdue(today)
        .filter(visit__allocation__in=allocation_ids)
        .annotate(allocation_id=F("visit__allocation_id"), agreed_on=F("visit__visit_on"))
        .order_by("due_on", "pk")
    ):
        overdue[action.allocation_id].append(action)
    return [
        CaseloadEntry(
            allocation=allocation,
            next_visit=visits.get(allocation.next_visit_id),
            last_visit=visits.get(allocation.last_visit_id),
            overdue_actions=overdue[allocation.pk],
        )
        for allocation in allocations
    ]


# The link adviser's feed of visit notes.


def visit_feed(*, user, school_id: int | None = None, challenged: bool | None = None) -> QuerySet:
    """The submitted visit notes `user` may read, newest first, with the school, the PSCL and
    the agreed actions loaded; limited to one school and to whether standards were challenged
    when those are given."""
    visits = Visit.objects.visible_to(user).submitted()
    if school_id is not None:
        visits = visits.filter(allocation__participation__school_id=school_id)
    if challenged is not None:
        visits = visits.filter(standards_challenged=challenged)
    return (
        visits.select_related("allocation__participation__school", "allocation__adviser")
        .prefetch_related("agreed_actions")
        .order_by("-visit_on", "-submitted_at", "-pk")
    )


def visit_feed_schools(*, user) -> QuerySet:
    """The schools that have submitted visit notes `user` may read: the feed's school filter."""
    school_ids = (
        Visit.objects.visible_to(user).submitted().values("allocation__participation__school_id")
    )
    return School.objects.filter(pk__in=school_ids).order_by("name")


# The strategy manager's PSCL overview.


@dataclass
class PsclOverviewRow:
    """One PSCL's year: their schools, days, visits, the schools' ratings, how often they
    challenged standards, training and declaration, and what needs the manager's attention.
    The counts come from database aggregates (see `pscl_overview`)."""

    adviser: Adviser
    #: The year's current allocations, annotated with `days_delivered` (and so `days_left`).
    allocations: list[Allocation]
    max_schools: int | None
    max_days: Decimal | None
    planned_days: Decimal
    delivered_days: Decimal
    recent_visit_count: int
    submitted_visit_count: int
    challenged_visit_count: int
    evaluation_count: int
    evaluation_average: Decimal | None
    training_days: int
    has_declared: bool
    training_day_count: int = TRAINING_DAY_COUNT

    @property
    def school_count(self) -> int:
        return len(self.allocations)

    @property
    def challenge_percentage(self) -> int | None:
        """The share of submitted visits at which standards were challenged, as a whole
        percentage; None before any visit is submitted."""
        if not self.submitted_visit_count:
            return None
        share = Decimal(100 * self.challenged_visit_count) / self.submitted_visit_count
        return int(share.quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    @property
    def is_over_capacity(self) -> bool:
        """More schools, or more planned days, than the PSCL's capacity for the year (with no
        capacity recorded, any school is too many)."""
        if self.max_schools is None:
            return self.school_count > 0
        return self.school_count > self.max_schools or self.planned_days > self.max_days

    @property
    def schools_past_their_days(self) -> list[Allocation]:
        return [a for a in self.allocations if a.days_left < 0]

    @property
    def has_no_recent_visit(self) -> bool:
        """The PSCL has schools but submitted no visit in the last six weeks."""
        return self.school_count > 0 and self.recent_visit_count == 0

    @property
    def has_warnings(self) -> bool:
        return (
            self.is_over_capacity or bool(self.schools_past_their_days) or self.has_no_recent_visit
        )


def _count(queryset: QuerySet, group: str) -> Subquery:
    """The number of rows of `queryset` (already limited to the outer row by `group`)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _sum(queryset: QuerySet, group: str, field_name: str) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(total=Sum(field_name)).values("total"),
            output_field=DAYS,
        ),
        Value(Decimal("0.00")),
        output_field=DAYS,
    )


def pscl_overview(*, user, programme_year: ProgrammeYear, today: datetime.date):
    """The PSCLs of `programme_year`'s LEA who have a capacity or an allocation that year, by
    name, each with the year's figures (see `PsclOverviewRow`). Visits in the last six weeks
    count from `today`. Two queries for any number of PSCLs and schools."""
    year_allocations = Allocation.objects.visible_to(user).filter(
        adviser=OuterRef("pk"), participation__programme_year=programme_year
    )
    current = year_allocations.current()
    visits = Visit.objects.visible_to(user).submitted()
    year_visits = visits.filter(
        allocation__adviser=OuterRef("pk"),
        allocation__participation__programme_year=programme_year,
    )
    evaluations = SupportEvaluation.objects.visible_to(user).filter(
        allocation__adviser=OuterRef("pk"),
        allocation__participation__programme_year=programme_year,
    )
    capacity = Capacity.objects.filter(adviser=OuterRef("pk"), programme_year=programme_year)
    since = today - datetime.timedelta(days=RECENT_VISIT_DAYS)
    advisers = (
        Adviser.objects.visible_to(user)
        .pscls()
        .filter(local_authority_id=programme_year.local_authority_id)
        .filter(Exists(capacity) | Exists(year_allocations))
        .annotate(
            max_schools=Subquery(capacity.values("max_schools")[:1]),
            max_days=Subquery(capacity.values("max_days")[:1]),
            planned_days=_sum(current, "adviser", "planned_days"),
            delivered_days=_sum(
                visits.filter(
                    allocation__adviser=OuterRef("pk"),
                    allocation__participation__programme_year=programme_year,
                    allocation__status__in=CURRENT_STATUSES,
                ),
                "allocation__adviser",
                "days",
            ),
            recent_visit_count=_count(
                year_visits.filter(visit_on__gte=since, visit_on__lte=today),
                "allocation__adviser",
            ),
            submitted_visit_count=_count(year_visits, "allocation__adviser"),
            challenged_visit_count=_count(
                year_visits.filter(standards_challenged=True), "allocation__adviser"
            ),
            evaluation_count=_count(evaluations, "allocation__adviser"),
            evaluation_average=Subquery(
                evaluations.order_by()
                .values("allocation__adviser")
                .annotate(average=Avg("rating"))
                .values("average"),
                output_field=DecimalField(max_digits=3, decimal_places=1),
            ),
            training_days=_count(
                ConsultantTraining.objects.filter(
                    adviser=OuterRef("pk"), programme_year=programme_year
                ),
                "adviser",
            ),
            has_declared=Exists(
                ConflictDeclaration.objects.filter(
                    adviser=OuterRef("pk"), programme_year=programme_year
                )
            ),
        )
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.visible_to(user)
                .current()
                .filter(participation__programme_year=programme_year)
                .with_days()
                .select_related("participation__school")
                .order_by("participation__school__name"),
                to_attr="year_allocations",
            )
        )
        .order_by("full_name", "pk")
    )
    return [
        PsclOverviewRow(
            adviser=adviser,
            allocations=adviser.year_allocations,
            max_schools=adviser.max_schools,
            max_days=adviser.max_days,
            planned_days=adviser.planned_days,
            delivered_days=adviser.delivered_days,
            recent_visit_count=adviser.recent_visit_count,
            submitted_visit_count=adviser.submitted_visit_count,
            challenged_visit_count=adviser.challenged_visit_count,
            evaluation_count=adviser.evaluation_count,
            evaluation_average=(
                None
                if adviser.evaluation_average is None
                else Decimal(adviser.evaluation_average).quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP
                )
            ),
            training_days=adviser.training_days,
            has_declared=adviser.has_declared,
        )
        for adviser in advisers
    ]


def pscl_evaluations(*, user, adviser: Adviser, programme_year: ProgrammeYear) -> QuerySet:
    """Every rating of `adviser`'s support in `programme_year` that `user` may read, by school
    and term, with who wrote it."""
    return (
        SupportEvaluation.objects.visible_to(user)
        .filter(
            allocation__adviser=adviser, allocation__participation__programme_year=programme_year
        )
        .select_related("allocation__participation__school", "written_by")
        .order_by("allocation__participation__school__name", "allocation", "term")
    )


def latest_programme_year(*, user) -> ProgrammeYear | None:
    """The latest programme year (by start) of `user`'s LEA that they may see, or None."""
    return (
        ProgrammeYear.objects.visible_to(user)
        .filter(local_authority_id=user.local_authority_id)
        .order_by("-starts_on", "-pk")
        .first()
    )


# The school's evaluation of its PSCL's support.


def allocation_evaluations(*, allocation: Allocation) -> dict[str, SupportEvaluation]:
    """The ratings already given for `allocation`, by term."""
    return {e.term: e for e in SupportEvaluation.objects.filter(allocation=allocation)}


# The home page.


@dataclass(frozen=True)
class OurPscl:
    """The headteacher's panel: the school's PSCL this year, days used and left, and the next
    planned visit (None if none)."""

    #: Annotated with `days_delivered` (and so `days_left`); its adviser is loaded.
    allocation: Allocation
    next_visit: Visit | None


def our_pscl(*, user, participation: Participation, today: datetime.date) -> OurPscl | None:
    """The current PSCL of `participation` for its headteacher, or None when it has none."""
    allocation = (
        Allocation.objects.visible_to(user)
        .current()
        .filter(participation=participation)
        .with_days()
        .select_related("adviser", "participation__school")
        .first()
    )
    if allocation is None:
        return None
    next_visit = (
        Visit.objects.schedule_visible_to(user)
        .filter(allocation=allocation, visit_on__gte=today)
        .annotate(has_pre_visit_note=Exists(PreVisitNote.objects.filter(visit=OuterRef("pk"))))
        .order_by("visit_on", "pk")
        .first()
    )
    return OurPscl(allocation=allocation, next_visit=next_visit)


def pscl_home_allocations(*, user, today: datetime.date) -> list[Allocation]:
    """The PSCL `user`'s current allocations for the home page, by school name, each annotated
    with `days_delivered` (and so `days_left`), `next_visit_on` and `next_visit_purpose`. One
    query."""
    if user.role != Role.CONSULTANT:
        return []
    next_visit = (
        Visit.objects.visible_to(user)
        .planned()
        .filter(allocation=OuterRef("pk"), visit_on__gte=today)
        .order_by("visit_on", "pk")
    )
    return list(
        Allocation.objects.visible_to(user)
        .current()
        .filter(adviser__user=user)
        .with_days()
        .annotate(
            next_visit_on=Subquery(next_visit.values("visit_on")[:1]),
            next_visit_purpose=Subquery(next_visit.values("purpose")[:1]),
        )
        .select_related("participation__school")
        .order_by("participation__school__name", "pk")
    )


@dataclass(frozen=True)
class NewVisitNotes:
    """The visit notes submitted in the last two weeks that a link adviser may read."""

    since: datetime.date
    count: int
    #: The latest few, newest first.
    latest: list[Visit]


def new_visit_notes(*, user, today: datetime.date, limit: int = 5) -> NewVisitNotes:
    """The visit notes `user` may read that were submitted on or after two weeks before
    `today`: how many, and the latest `limit`. Two queries."""
    since = today - datetime.timedelta(days=NEW_NOTES_DAYS)
    notes = (
        Visit.objects.visible_to(user)
        .submitted()
        .filter(submitted_at__date__gte=since)
        .select_related("allocation__participation__school", "allocation__adviser")
        .order_by("-submitted_at", "-pk")
    )
    return NewVisitNotes(since=since, count=notes.count(), latest=list(notes[:limit]))
