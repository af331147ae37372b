"""Reads for the strategy manager's LEA dashboard: the early warnings and the figures of its
charts (JOURNEYS.md: "Each Monday opens the dashboard: 3 schools with no visit for 6 weeks,
2 with no action plan, 1 target lowered, 1 expenditure return overdue").

Every warning is worked out for the LEA's current programme year as of `today`
(`accounts.clock.today()`), except the funding ones, which look back too: in the autumn it is
last year's returns that are overdue and last year's grants that may be unspent. Each warning
names the schools concerned with the reason in words, so a manager can click through to the
school's timeline.

The whole dashboard costs a fixed number of queries, however many schools the LEA has: each
warning reads its rows for every school at once and sorts them out in Python.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db.models import Count, Exists, OuterRef, Subquery, Sum
from django.db.models.functions import TruncMonth

from consultants.models import Allocation, Visit, VisitStatus
from funding.models import ExpenditureReturn, Grant, ReturnStatus
from funding.selectors.returns import FlagCode, return_summaries
from leadership.models import (
    ActionPlan,
    Participation,
    ParticipationStatus,
    PlanPriority,
    PlanReview,
    ProgrammeYear,
    ReviewProgress,
    TrainingAttendance,
)
from leadership.models.programme import PLACE_HOLDING_STATUSES
from leadership.selectors.plans import target_moves
from leadership.selectors.programme import current_programme_year
from schools.models import LocalAuthority, TargetDirection

#: No PSCL visit for 6 weeks (issue 6, item 7; JOURNEYS.md: "no visit for 6 weeks"): a school
#: whose last submitted PSCL visit is more than this many weeks ago is flagged.
PSCL_VISIT_GAP_WEEKS = 6
#: No action plan by week 6 (issue 6, item 7): once this many weeks have passed since the year
#: started (or the school joined, if later), a school with no plan, or a plan with no priority,
#: is flagged.
ACTION_PLAN_DUE_WEEKS = 6

#: Returns in with the LEA: anything else after the due date is overdue.
RETURN_IN_STATUSES = (ReturnStatus.SUBMITTED, ReturnStatus.APPROVED)


class WarningKind(StrEnum):
    """The six early warnings, by the slug of their detail page."""

    NO_PSCL_VISIT = "no-pscl-visit"
    NO_ACTION_PLAN = "no-action-plan"
    MISSED_TRAINING = "missed-training"
    TARGET_LOWERED = "target-lowered"
    GRANT_UNSPENT = "grant-unspent"
    RETURN_OVERDUE = "return-overdue"

    @property
    def label(self) -> str:
        return WARNING_LABELS[self]

    @property
    def description(self) -> str:
        return WARNING_DESCRIPTIONS[self]

    @property
    def is_about_money(self) -> bool:
        """The funding warnings, shown only to those who may see the schools' money."""
        return self in MONEY_WARNINGS


WARNING_LABELS = {
    WarningKind.NO_PSCL_VISIT: f"No PSCL visit for {PSCL_VISIT_GAP_WEEKS} weeks",
    WarningKind.NO_ACTION_PLAN: f"No action plan by week {ACTION_PLAN_DUE_WEEKS}",
    WarningKind.MISSED_TRAINING: "Missed training session",
    WarningKind.TARGET_LOWERED: "Target lowered",
    WarningKind.GRANT_UNSPENT: "Grant unspent",
    WarningKind.RETURN_OVERDUE: "Expenditure return overdue",
}
WARNING_DESCRIPTIONS = {
    WarningKind.NO_PSCL_VISIT: (
        f"Active schools whose PSCL has not logged a visit for more than {PSCL_VISIT_GAP_WEEKS} "
        "weeks, or not at all since the year started."
    ),
    WarningKind.NO_ACTION_PLAN: (
        f"Active schools with no action plan, or a plan with no priority, {ACTION_PLAN_DUE_WEEKS} "
        "weeks after the year started (or after they joined, if later)."
    ),
    WarningKind.MISSED_TRAINING: (
        "Schools with a member of the leadership team marked absent from a training session "
        "held so far."
    ),
    WarningKind.TARGET_LOWERED: (
        "Schools that lowered a Key Stage 2 target after joining the programme."
    ),
    WarningKind.GRANT_UNSPENT: (
        "Schools whose expenditure return accounts for less than the grant they received, "
        "after the year ended."
    ),
    WarningKind.RETURN_OVERDUE: (
        "Funded schools whose expenditure return is not in (submitted or approved) by the date "
        "the LEA set for the year."
    ),
}
MONEY_WARNINGS = frozenset({WarningKind.GRANT_UNSPENT, WarningKind.RETURN_OVERDUE})


@dataclass(frozen=True)
class SchoolWarning:
    """One school in a warning: its participation (with `school` and `programme_year`) and
    why it is there, in plain words."""

    participation: Participation
    reasons: tuple[str, ...]

    @property
    def school(self):
        return self.participation.school

    @property
    def programme_year(self) -> ProgrammeYear:
        return self.participation.programme_year


@dataclass(frozen=True)
class EarlyWarning:
    """A kind of warning and the schools concerned, by school name."""

    kind: WarningKind
    schools: tuple[SchoolWarning, ...]

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def description(self) -> str:
        return self.kind.description

    @property
    def slug(self) -> str:
        return self.kind.value

    @property
    def count(self) -> int:
        return len(self.schools)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class MonthDays:
    """PSCL support days in one month of the year: delivered in the month (submitted visits),
    delivered by the end of the month, and the days funded for the year. `delivered_to_date`
    is None for a month that has not started."""

    month: datetime.date
    delivered: Decimal
    delivered_to_date: Decimal | None
    funded: Decimal

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def short_label(self) -> str:
        return f"{self.month:%b}"


@dataclass(frozen=True)
class RagCount:
    """Active schools' action plans by the progress their latest review gave; `progress` is
    a `ReviewProgress` value, or "" for plans not reviewed yet."""

    progress: str
    label: str
    count: int


NOT_REVIEWED = ""


@dataclass(frozen=True)
class LeaDashboard:
    """Everything the LEA dashboard shows, as of `today`. With no programme year yet, the
    warnings and the charts' figures are empty."""

    local_authority: LocalAuthority
    today: datetime.date
    programme_year: ProgrammeYear | None
    warnings: tuple[EarlyWarning, ...]
    status_counts: tuple[StatusCount, ...]
    days_by_month: tuple[MonthDays, ...]
    review_counts: tuple[RagCount, ...]

    @property
    def participation_count(self) -> int:
        return sum(row.count for row in self.status_counts)

    @property
    def days_funded(self) -> Decimal:
        return self.days_by_month[0].funded if self.days_by_month else Decimal("0")

    @property
    def days_delivered(self) -> Decimal:
        return sum((row.delivered for row in self.days_by_month), Decimal("0"))

    @property
    def reviewed_plan_count(self) -> int:
        return sum(row.count for row in self.review_counts if row.progress != NOT_REVIEWED)


# Dates and words ----------------------------------------------------------------------------


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _days_ago(days: int) -> str:
    return "1 day ago" if days == 1 else f"{days} days ago"


def _percentage(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return f"{text}%"


def _number(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _clock_starts_on(participation: Participation, year: ProgrammeYear) -> datetime.date:
    """When the school's 6 weeks start: the year's start, or its joining day if later (a
    school given a reserve place in the spring)."""
    joined_on = participation.joined_on
    return max(year.starts_on, joined_on) if joined_on else year.starts_on


def _by_school_name(warnings: list[SchoolWarning]) -> tuple[SchoolWarning, ...]:
    return tuple(
        sorted(
            warnings,
            key=lambda w: (
                w.participation.school.name.lower(),
                w.participation.programme_year.starts_on,
                w.participation.pk,
            ),
        )
    )


# The warnings -------------------------------------------------------------------------------


def _active_participations(year: ProgrammeYear, today: datetime.date) -> list[Participation]:
    """The year's active participations, each with its school, the date of its last submitted
    PSCL visit up to `today` (`last_visit_on`) and whether it has a plan with a priority
    (`has_plan`, `has_priority`): one query."""
    last_visit = (
        Visit.objects.filter(
            allocation__participation=OuterRef("pk"),
            status=VisitStatus.SUBMITTED,
            visit_on__lte=today,
        )
        .order_by("-visit_on")
        .values("visit_on")[:1]
    )
    participations = list(
        Participation.objects.filter(programme_year=year, status=ParticipationStatus.ACTIVE)
        .select_related("school")
        .annotate(
            last_visit_on=Subquery(last_visit),
            has_plan=Exists(ActionPlan.objects.filter(participation=OuterRef("pk"))),
            has_priority=Exists(PlanPriority.objects.filter(plan__participation=OuterRef("pk"))),
        )
        .order_by("school__name", "pk")
    )
    for participation in participations:
        participation.programme_year = year
    return participations


def _no_pscl_visit(
    participations: list[Participation], year: ProgrammeYear, today: datetime.date
) -> list[SchoolWarning]:
    """Active schools whose last submitted visit is more than 6 weeks before `today`, or with
    none once 6 weeks have passed since the year started (or they joined). A visit before that
    start (in the summer) does not count against the school until 6 weeks into the year."""
    gap = datetime.timedelta(weeks=PSCL_VISIT_GAP_WEEKS)
    warnings = []
    for participation in participations:
        starts_on = _clock_starts_on(participation, year)
        last_visit_on = participation.last_visit_on
        since = max(last_visit_on, starts_on) if last_visit_on else starts_on
        if today - since <= gap:
            continue
        if last_visit_on is None:
            reason = f"No visit yet: the school's year started on {_long(starts_on)}."
        else:
            days = (today - last_visit_on).days
            reason = f"Last visit on {_long(last_visit_on)}, {_days_ago(days)}."
        warnings.append(SchoolWarning(participation, (reason,)))
    return warnings


def _no_action_plan(
    participations: list[Participation], year: ProgrammeYear, today: datetime.date
) -> list[SchoolWarning]:
    """Active schools with no plan, or a plan with no priority, once 6 weeks have passed since
    the year started (or they joined, if later)."""
    due = datetime.timedelta(weeks=ACTION_PLAN_DUE_WEEKS)
    warnings = []
    for participation in participations:
        if participation.has_priority:
            continue
        starts_on = _clock_starts_on(participation, year)
        if today - starts_on < due:
            continue
        what = "An action plan with no priority" if participation.has_plan else "No action plan"
        reason = (
            f"{what}, {ACTION_PLAN_DUE_WEEKS} weeks after {_long(starts_on)} "
            f"(due by {_long(starts_on + due)})."
        )
        warnings.append(SchoolWarning(participation, (reason,)))
    return warnings


def _place_holders(year: ProgrammeYear) -> list[Participation]:
    participations = list(
        Participation.objects.filter(programme_year=year, status__in=PLACE_HOLDING_STATUSES)
        .select_related("school")
        .order_by("school__name", "pk")
    )
    for participation in participations:
        participation.programme_year = year
    return participations


def _missed_training(
    place_holders: list[Participation], year: ProgrammeYear, today: datetime.date
) -> list[SchoolWarning]:
    """Schools with a team member marked absent at a session held by `today`: one query."""
    by_pk = {p.pk: p for p in place_holders}
    absences = (
        TrainingAttendance.objects.filter(
            event__programme_year=year,
            event__held_on__lte=today,
            member__participation_id__in=list(by_pk),
            is_present=False,
        )
        .select_related("event", "member")
        .order_by("event__session", "event__held_on", "event__pk", "member__full_name")
    )
    # participation -> event -> names of the absent
    absent: dict[int, dict] = defaultdict(dict)
    for line in absences:
        absent[line.member.participation_id].setdefault(line.event, []).append(
            line.member.full_name
        )
    warnings = []
    for participation_id, events in absent.items():
        reasons = tuple(
            f"{event.get_session_display()} on {_long(event.held_on)} ({event.venue}): "
            f"{', '.join(names)} absent."
            for event, names in events.items()
        )
        warnings.append(SchoolWarning(by_pk[participation_id], reasons))
    return warnings


def _target_lowered(
    place_holders: list[Participation], today: datetime.date
) -> list[SchoolWarning]:
    """Schools with a KS2 target lowered after joining (`leadership.selectors.plans
    .target_moves`, the rule of the school page), for every school at once: one query. Only
    settings made by `today` count."""
    reasons: dict[int, list[str]] = defaultdict(list)
    by_pk = {p.pk: p for p in place_holders}
    for move in target_moves(place_holders, up_to=today):
        if move.direction == TargetDirection.LOWERED:
            reasons[move.participation.pk].append(
                f"{move.year} {move.subject.label} target lowered from "
                f"{_percentage(move.before.percentage)} (set on {_long(move.before.set_on)}) to "
                f"{_percentage(move.after.percentage)} (set on {_long(move.after.set_on)})."
            )
    return [SchoolWarning(by_pk[pk], tuple(lines)) for pk, lines in reasons.items()]


def _years_of_lea(year: ProgrammeYear) -> list[ProgrammeYear]:
    """Every programme year of the LEA with its funding rates (None if not saved): one query."""
    years = list(
        ProgrammeYear.objects.filter(local_authority_id=year.local_authority_id)
        .select_related("funding_rates")
        .order_by("starts_on", "pk")
    )
    for other in years:
        other.local_authority = year.local_authority
    return years


def _rates_of(year: ProgrammeYear):
    try:
        return year.funding_rates
    except ProgrammeYear.funding_rates.RelatedObjectDoesNotExist:
        return None


def _grant_unspent(
    years: list[ProgrammeYear], year: ProgrammeYear, today: datetime.date
) -> list[SchoolWarning]:
    """The "grant unspent at year end" flag of `funding.selectors.returns.return_summaries`,
    for the current year and the year before it (the one whose returns are being checked in
    the autumn): a fixed number of queries."""
    earlier = [other for other in years if other.starts_on < year.starts_on]
    checked = [year, earlier[-1]] if earlier else [year]
    participations = list(
        Participation.objects.filter(
            programme_year__in=checked, status__in=PLACE_HOLDING_STATUSES
        ).select_related("school", "programme_year")
    )
    by_year = {other.pk: other for other in checked}
    for participation in participations:
        participation.programme_year = by_year[participation.programme_year_id]
    warnings = []
    for summary in return_summaries(participations, today=today).values():
        details = tuple(
            f"{summary.participation.programme_year.name}: {detail}"
            for flag in summary.flags
            if flag.code == FlagCode.UNSPENT
            for detail in flag.details
        )
        if details:
            warnings.append(SchoolWarning(summary.participation, details))
    return warnings


def _return_overdue(years: list[ProgrammeYear], today: datetime.date) -> list[SchoolWarning]:
    """For every year of the LEA whose returns were due before `today`, the funded schools
    (those with a grant) whose return is missing or not submitted or approved: one query."""
    due = {}
    for other in years:
        rates = _rates_of(other)
        if rates is not None and rates.returns_due_on is not None and rates.returns_due_on < today:
            due[other.pk] = (other, rates.returns_due_on)
    if not due:
        return []
    returns = ExpenditureReturn.objects.filter(participation=OuterRef("pk"))
    participations = (
        Participation.objects.filter(
            programme_year_id__in=list(due),
            status__in=PLACE_HOLDING_STATUSES,
            grant__isnull=False,
        )
        .exclude(Exists(returns.filter(status__in=RETURN_IN_STATUSES)))
        .select_related("school")
        .annotate(return_status=Subquery(returns.values("status")[:1]))
    )
    warnings = []
    for participation in participations:
        other, due_on = due[participation.programme_year_id]
        participation.programme_year = other
        status = participation.return_status
        if status is None:
            state = "not started"
        elif status == ReturnStatus.QUERIED:
            state = "queried by the LEA and not sent back"
        else:
            state = "still a draft, not submitted"
        reason = f"The {other.name} return was due by {_long(due_on)}: {state}."
        warnings.append(SchoolWarning(participation, (reason,)))
    return warnings


def early_warnings(
    *,
    programme_year: ProgrammeYear,
    today: datetime.date,
    kinds: tuple[WarningKind, ...] | None = None,
) -> tuple[EarlyWarning, ...]:
    """The early warnings of `programme_year`'s LEA as of `today`, in the order of `kinds`
    (all six by default), each with the schools concerned by name and the reasons. Only the
    LEA's own schools are read. A fixed number of queries, whatever the number of schools.

    The caller decides who may see which kinds: the money ones (`WarningKind.is_about_money`)
    are for those who may see the schools' grants."""
    kinds = tuple(WarningKind) if kinds is None else tuple(kinds)
    found: dict[WarningKind, list[SchoolWarning]] = {}
    if {WarningKind.NO_PSCL_VISIT, WarningKind.NO_ACTION_PLAN} & set(kinds):
        active = _active_participations(programme_year, today)
        found[WarningKind.NO_PSCL_VISIT] = _no_pscl_visit(active, programme_year, today)
        found[WarningKind.NO_ACTION_PLAN] = _no_action_plan(active, programme_year, today)
    if {WarningKind.MISSED_TRAINING, WarningKind.TARGET_LOWERED} & set(kinds):
        holders = _place_holders(programme_year)
        found[WarningKind.MISSED_TRAINING] = _missed_training(holders, programme_year, today)
        found[WarningKind.TARGET_LOWERED] = _target_lowered(holders, today)
    if MONEY_WARNINGS & set(kinds):
        years = _years_of_lea(programme_year)
        if WarningKind.GRANT_UNSPENT in kinds:
            found[WarningKind.GRANT_UNSPENT] = _grant_unspent(years, programme_year, today)
        found[WarningKind.RETURN_OVERDUE] = _return_overdue(years, today)
    return tuple(EarlyWarning(kind, _by_school_name(found[kind])) for kind in kinds)


def early_warning(
    *, programme_year: ProgrammeYear, kind: WarningKind, today: datetime.date
) -> EarlyWarning:
    """One kind of early warning (see `early_warnings`)."""
    return early_warnings(programme_year=programme_year, today=today, kinds=(kind,))[0]


def dashboard_programme_year(
    local_authority: LocalAuthority, *, today: datetime.date
) -> ProgrammeYear | None:
    """The LEA's current programme year as of `today` (the one under way, else the latest), or
    None if it has none."""
    year = current_programme_year(local_authority_id=local_authority.pk, today=today)
    if year is not None:
        year.local_authority = local_authority
    return year


# The charts' figures ------------------------------------------------------------------------


def _status_counts(year: ProgrammeYear) -> tuple[StatusCount, ...]:
    counts = dict(
        Participation.objects.filter(programme_year=year)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    return tuple(
        StatusCount(status.value, status.label, counts.get(status.value, 0))
        for status in ParticipationStatus
        if counts.get(status.value, 0)
    )


def _month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _days_by_month(year: ProgrammeYear, today: datetime.date) -> tuple[MonthDays, ...]:
    """Each month of the year with the PSCL days delivered in it (submitted visits) and by its
    end, against the days funded: the schools' grants' PSCL days, or for a school with no grant
    yet its PSCL's planned days, else the year's days per school. Only schools holding a place
    count (a withdrawn school's days are funded no more). Two queries."""
    delivered = {
        row["month"]: row["days"]
        for row in Visit.objects.filter(
            allocation__participation__programme_year=year,
            allocation__participation__status__in=PLACE_HOLDING_STATUSES,
            status=VisitStatus.SUBMITTED,
            visit_on__lte=today,
        )
        .annotate(month=TruncMonth("visit_on"))
        .order_by()
        .values("month")
        .annotate(days=Sum("days"))
    }
    delivered = {
        (month.date() if isinstance(month, datetime.datetime) else month): days
        for month, days in delivered.items()
    }
    planned = (
        Allocation.objects.current()
        .filter(participation=OuterRef("pk"))
        .order_by()
        .values("participation")
        .annotate(total=Sum("planned_days"))
        .values("total")
    )
    funded = Decimal("0")
    for grant_days, planned_days in Participation.objects.filter(
        programme_year=year, status__in=PLACE_HOLDING_STATUSES
    ).values_list(
        Subquery(
            Grant.objects.filter(participation=OuterRef("pk")).order_by().values("pscl_days")[:1]
        ),
        Subquery(planned),
    ):
        # As the evaluation report counts them (reports.selectors.evaluation._days_figures).
        funded += grant_days or planned_days or year.pscl_days_per_school
    rows = []
    to_date = Decimal("0")
    for month in _month_starts(year.starts_on, year.ends_on):
        in_month = delivered.get(month, Decimal("0"))
        to_date += in_month
        rows.append(
            MonthDays(
                month=month,
                delivered=in_month,
                delivered_to_date=to_date if month <= today else None,
                funded=funded,
            )
        )
    return tuple(rows)


def _review_counts(year: ProgrammeYear) -> tuple[RagCount, ...]:
    """Active schools' plans by their latest review's progress, and those not reviewed: one
    query."""
    latest = (
        PlanReview.objects.filter(plan=OuterRef("pk"))
        .order_by("-reviewed_on", "-pk")
        .values("progress")[:1]
    )
    counts: dict[str, int] = defaultdict(int)
    for progress in ActionPlan.objects.filter(
        participation__programme_year=year,
        participation__status=ParticipationStatus.ACTIVE,
    ).values_list(Subquery(latest), flat=True):
        counts[progress or NOT_REVIEWED] += 1
    rows = [RagCount(p.value, p.label, counts[p.value]) for p in ReviewProgress]
    rows.append(RagCount(NOT_REVIEWED, "Not reviewed yet", counts[NOT_REVIEWED]))
    return tuple(rows)


def lea_dashboard_figures(
    *,
    local_authority: LocalAuthority,
    today: datetime.date,
    include_money: bool = True,
) -> LeaDashboard:
    """The LEA dashboard as of `today`: the current programme year, its early warnings (the
    money ones only with `include_money`) and the figures of its charts. The caller has
    checked that the user may see `local_authority`. A fixed number of queries, whatever the
    number of schools."""
    year = dashboard_programme_year(local_authority, today=today)
    if year is None:
        return LeaDashboard(
            local_authority=local_authority,
            today=today,
            programme_year=None,
            warnings=(),
            status_counts=(),
            days_by_month=(),
            review_counts=(),
        )
    kinds = tuple(kind for kind in WarningKind if include_money or not kind.is_about_money)
    return LeaDashboard(
        local_authority=local_authority,
        today=today,
        programme_year=year,
        warnings=early_warnings(programme_year=year, today=today, kinds=kinds),
        status_counts=_status_counts(year),
        days_by_month=_days_by_month(year, today),
        review_counts=_review_counts(year),
    )
