"""The LEA evaluation report of a programme year, in the form of Ofsted's report on the
Primary Leadership Programme (HMI 2231): main findings computed from the data, each with the
evidence behind it (the numbers and the schools), and points for action suggested wherever a
finding crosses one of the thresholds the strategy manager sets (`EvaluationThresholds`).

The draft page shows the same figures live; the issued report keeps them as they were read.
`evaluation_figures` runs a fixed number of queries, however many schools, plans, visits or
results there are.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Case, Count, IntegerField, Q, Sum, Value, When
from django.utils.text import slugify

from consultants.models import CURRENT_STATUSES, Allocation, SupportEvaluation, Visit
from funding.models import ExpenditureReturn, Grant, ReturnStatus
from leadership.models import (
    LeadershipTeamMember,
    OfstedKind,
    Participation,
    ProgrammeYear,
    TrainingAttendance,
)
from leadership.models.programme import PLACE_HOLDING_STATUSES
from leadership.selectors.plans import PlanFlagCode, plan_flags_for_participations, target_moves
from leadership.selectors.teams import sessions_held
from schools.models import KeyStage, KeyStageResult, School, TargetDirection

from ..content import ReportContent
from ..models import EvaluationThresholds, ReportRun

ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")
#: The KS2 results the trend covers: from two summers before the programme year's own summer
#: to two after it (2003 to 2007 for 2004-05: DOMAIN.md, "raise Key Stage 1 and 2 results over
#: 2005 to 2007", and the year before the programme as the baseline).
TREND_YEARS_BEFORE = 2
TREND_YEARS_AFTER = 2
#: A rating of the PSCL's support at or below this is weak (1 poor, 2 weak).
WEAK_RATING = 2


def percent(part, whole) -> Decimal | None:
    """`part` of `whole` as a percentage to one place; None when there is nothing to count."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _of(part: int, whole: int, noun: str = "schools") -> str:
    return f"{part} of {whole} {noun}"


def _names(participations) -> tuple[str, ...]:
    return tuple(p.school.name for p in participations)


# The figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A group of schools behind a finding, such as "Plans with a criterion without a number"."""

    label: str
    schools: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    """One main finding: a heading, the finding in a sentence with its numbers, further
    sentences, and the schools behind it. `key` names it (its anchor is `finding-<key>`)."""

    key: str
    heading: str
    summary: str
    details: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    @property
    def anchor(self) -> str:
        return f"finding-{self.key}"

    @property
    def has_evidence(self) -> bool:
        """Whether any group names a school (empty groups are not shown)."""
        return any(group.schools for group in self.evidence)


@dataclass(frozen=True)
class PlanFigures:
    """Action plans. A plan has quantified success criteria when it has at least one criterion
    and every criterion has a measure and a target value (the plan check's definition: no
    "criterion without a number" flag). A plan focused on English or maths has a priority in
    one of them (no "no English or maths" flag)."""

    schools: int
    quantified: tuple[str, ...]
    not_quantified: tuple[str, ...]
    without_criteria: tuple[str, ...]
    without_plan: tuple[str, ...]
    not_focused: tuple[str, ...]

    @property
    def with_plan(self) -> int:
        return self.schools - len(self.without_plan)

    @property
    def quantified_percent(self) -> Decimal | None:
        return percent(len(self.quantified), self.schools)

    @property
    def focused(self) -> int:
        return self.with_plan - len(self.not_focused)


@dataclass(frozen=True)
class TargetFigures:
    """KS2 targets for the programme year's summer and later, as `participation_targets`
    counts them: a school raised a target when its latest setting is above the one before it
    joined (or its first setting, if it set none before), lowered one when below. A school may
    have raised one target and lowered another: it is counted in both."""

    schools: int
    raised: tuple[str, ...]
    lowered: tuple[str, ...]
    kept_only: tuple[str, ...]
    without_targets: tuple[str, ...]


@dataclass(frozen=True)
class SchoolDays:
    school: str
    funded: Decimal
    delivered: Decimal

    @property
    def left(self) -> Decimal:
        return self.funded - self.delivered


@dataclass(frozen=True)
class DaysFigures:
    """PSCL days. Funded: each school's planned days with its PSCL now, or the year's days per
    school while it has no PSCL. Delivered: the days of submitted visits, by any PSCL the school
    has had this year."""

    rows: tuple[SchoolDays, ...]

    @property
    def funded(self) -> Decimal:
        return sum((row.funded for row in self.rows), Decimal("0.0"))

    @property
    def delivered(self) -> Decimal:
        return sum((row.delivered for row in self.rows), Decimal("0.0"))

    @property
    def delivered_percent(self) -> Decimal | None:
        return percent(self.delivered, self.funded)

    @property
    def behind(self) -> tuple[SchoolDays, ...]:
        """Schools with days still to be delivered."""
        return tuple(row for row in self.rows if row.left > 0)


@dataclass(frozen=True)
class GrantFigures:
    """Expenditure returns. A school's grant is accounted for when the LEA has approved its
    return: a submitted return still awaits the LEA's judgement of value for money, and a
    queried one has not answered for its spending."""

    schools: int
    approved: tuple[str, ...]
    submitted: tuple[str, ...]
    queried: tuple[str, ...]
    draft: tuple[str, ...]
    no_return: tuple[str, ...]

    @property
    def accounted_percent(self) -> Decimal | None:
        return percent(len(self.approved), self.schools)


@dataclass(frozen=True)
class TrainingFigures:
    """Training: the sessions every event of which has taken place, and the team members of the
    participating schools present at an event of each of them."""

    sessions: tuple[int, ...]
    members: int
    attended_all: int
    schools_short: tuple[str, ...]

    @property
    def attended_percent(self) -> Decimal | None:
        if not self.sessions:
            return None
        return percent(self.attended_all, self.members)


@dataclass(frozen=True)
class RatingFigures:
    """The schools' termly ratings of their PSCL's support, 1 poor to 5 excellent."""

    count: int
    mean: Decimal | None
    by_rating: tuple[tuple[int, int], ...]
    schools_rating: int
    weak_schools: tuple[str, ...]


@dataclass(frozen=True)
class KindRow:
    kind: int | None
    label: str
    schools: tuple[str, ...]


@dataclass(frozen=True)
class ActivityFigures:
    """The PSCLs' submitted visits: how many PSCLs made them, how many and how many days, and in
    how many the PSCL challenged the school on its standards."""

    pscls: int
    visits: int
    days: Decimal
    challenged: int

    @property
    def challenged_percent(self) -> Decimal | None:
        return percent(self.challenged, self.visits)


@dataclass(frozen=True)
class TrendPoint:
    """One group's KS2 results in one year: the mean of the schools' % at Level 4+, and how many
    schools have a figure (None and 0 when none has)."""

    year: int
    english: Decimal | None
    english_schools: int
    maths: Decimal | None
    maths_schools: int


@dataclass(frozen=True)
class TrendFigures:
    years: tuple[int, ...]
    participating: tuple[TrendPoint, ...]
    others: tuple[TrendPoint, ...]
    participating_schools: int
    other_schools: int

    @property
    def rows(self) -> tuple[tuple[TrendPoint, TrendPoint], ...]:
        """Each year's (participating, others) points, for the table."""
        return tuple(zip(self.participating, self.others, strict=True))

    @property
    def has_results(self) -> bool:
        return any(
            point.english_schools or point.maths_schools
            for point in (*self.participating, *self.others)
        )


@dataclass(frozen=True)
class EvaluationFigures:
    programme_year: ProgrammeYear
    today: datetime.date
    schools: int
    plans: PlanFigures
    targets: TargetFigures
    days: DaysFigures
    grants: GrantFigures
    training: TrainingFigures
    ratings: RatingFigures
    kinds: tuple[KindRow, ...]
    activity: ActivityFigures
    trends: TrendFigures

    @property
    def findings(self) -> tuple[Finding, ...]:
        return main_findings(self)


@dataclass(frozen=True)
class PointForAction:
    """A point for action in Ofsted's words, and the finding that is its evidence (`finding_key`,
    empty for a point the manager wrote)."""

    text: str
    finding_key: str = ""

    @property
    def anchor(self) -> str:
        return f"finding-{self.finding_key}" if self.finding_key else ""


def evaluation_figures(*, programme_year: ProgrammeYear, today: datetime.date) -> EvaluationFigures:
    """Every figure of the evaluation report of `programme_year` as the data stands on `today`,
    over the schools holding a place (accepted, active or completed). The caller has already
    checked that the user may see the year. About twenty queries, whatever the size of the LEA."""
    participations = list(
        Participation.objects.filter(
            programme_year=programme_year, status__in=PLACE_HOLDING_STATUSES
        )
        .select_related("school", "programme_year")
        .order_by("school__name", "pk")
    )
    return EvaluationFigures(
        programme_year=programme_year,
        today=today,
        schools=len(participations),
        plans=_plan_figures(participations, today=today),
        targets=_target_figures(participations, today=today),
        days=_days_figures(participations, programme_year, today=today),
        grants=_grant_figures(participations),
        training=_training_figures(participations, programme_year, today=today),
        ratings=_rating_figures(participations),
        kinds=_kind_rows(participations),
        activity=_activity_figures(participations),
        trends=_trend_figures(participations, programme_year),
    )


def _plan_figures(participations: list[Participation], *, today) -> PlanFigures:
    flags = plan_flags_for_participations(participations, today=today)
    pks = [p.pk for p in participations]
    criteria = dict(
        Participation.objects.filter(pk__in=pks, action_plan__isnull=False)
        .annotate(criteria=Count("action_plan__priorities__success_criteria"))
        .values_list("pk", "criteria")
    )
    quantified, not_quantified, without_criteria, without_plan, not_focused = [], [], [], [], []
    for participation in participations:
        if participation.pk not in criteria:
            without_plan.append(participation)
            continue
        codes = {flag.code for flag in flags[participation.pk]}
        if PlanFlagCode.NO_ENGLISH_OR_MATHS in codes:
            not_focused.append(participation)
        if not criteria[participation.pk]:
            without_criteria.append(participation)
        elif PlanFlagCode.CRITERION_WITHOUT_NUMBER in codes:
            not_quantified.append(participation)
        else:
            quantified.append(participation)
    return PlanFigures(
        schools=len(participations),
        quantified=_names(quantified),
        not_quantified=_names(not_quantified),
        without_criteria=_names(without_criteria),
        without_plan=_names(without_plan),
        not_focused=_names(not_focused),
    )


def _target_figures(participations: list[Participation], *, today: datetime.date) -> TargetFigures:
    # The rule of `leadership.selectors.plans.participation_targets`, for every school in one
    # query. Settings after `today` are not known yet (as on the dashboard).
    directions: dict[int, set[str]] = defaultdict(set)
    for move in target_moves(participations, up_to=today):
        directions[move.participation.school_id].add(move.direction)
    raised, lowered, kept_only, without = [], [], [], []
    for participation in participations:
        found = directions.get(participation.school_id)
        if not found:
            without.append(participation)
            continue
        if TargetDirection.RAISED in found:
            raised.append(participation)
        if TargetDirection.LOWERED in found:
            lowered.append(participation)
        if found == {TargetDirection.KEPT}:
            kept_only.append(participation)
    return TargetFigures(
        schools=len(participations),
        raised=_names(raised),
        lowered=_names(lowered),
        kept_only=_names(kept_only),
        without_targets=_names(without),
    )


def _days_figures(
    participations: list[Participation], year: ProgrammeYear, *, today: datetime.date
) -> DaysFigures:
    """Each school's funded and delivered PSCL days, as the dashboard counts them: funded are
    the PSCL days of the school's grant, else its PSCL's planned days, else the year's days per
    school; delivered are its submitted visits' days up to `today`."""
    pks = [p.pk for p in participations]
    granted = dict(
        Grant.objects.filter(participation_id__in=pks).values_list("participation_id", "pscl_days")
    )
    planned = dict(
        Allocation.objects.filter(participation_id__in=pks, status__in=CURRENT_STATUSES)
        .order_by()
        .values("participation_id")
        .annotate(total=Sum("planned_days"))
        .values_list("participation_id", "total")
    )
    delivered = dict(
        Visit.objects.submitted()
        .filter(allocation__participation_id__in=pks, visit_on__lte=today)
        .order_by()
        .values("allocation__participation_id")
        .annotate(total=Sum("days"))
        .values_list("allocation__participation_id", "total")
    )
    return DaysFigures(
        rows=tuple(
            SchoolDays(
                school=p.school.name,
                funded=granted.get(p.pk) or planned.get(p.pk) or year.pscl_days_per_school,
                delivered=(delivered.get(p.pk) or Decimal("0.0")),
            )
            for p in participations
        )
    )


def _grant_figures(participations: list[Participation]) -> GrantFigures:
    statuses = dict(
        ExpenditureReturn.objects.filter(participation_id__in=[p.pk for p in participations])
        .order_by()
        .values_list("participation_id", "status")
    )
    groups: dict[str | None, list] = defaultdict(list)
    for participation in participations:
        groups[statuses.get(participation.pk)].append(participation)
    return GrantFigures(
        schools=len(participations),
        approved=_names(groups[ReturnStatus.APPROVED]),
        submitted=_names(groups[ReturnStatus.SUBMITTED]),
        queried=_names(groups[ReturnStatus.QUERIED]),
        draft=_names(groups[ReturnStatus.DRAFT]),
        no_return=_names(groups[None]),
    )


def _training_figures(
    participations: list[Participation], year: ProgrammeYear, *, today
) -> TrainingFigures:
    held = sessions_held(year, today=today)
    pks = [p.pk for p in participations]
    members = list(
        LeadershipTeamMember.objects.active()
        .filter(participation_id__in=pks)
        .order_by()
        .values_list("pk", "participation_id")
    )
    present: dict[int, set[int]] = defaultdict(set)
    if held:
        for member_id, session in (
            TrainingAttendance.objects.filter(
                event__programme_year=year,
                event__session__in=held,
                is_present=True,
                member__participation_id__in=pks,
            )
            .order_by()
            .values_list("member_id", "event__session")
            .distinct()
        ):
            present[member_id].add(session)
    short = set()
    attended_all = 0
    for member_id, participation_id in members:
        if present[member_id] >= set(held):
            attended_all += 1
        else:
            short.add(participation_id)
    return TrainingFigures(
        sessions=tuple(held),
        members=len(members),
        attended_all=attended_all,
        schools_short=_names(p for p in participations if p.pk in short),
    )


def _rating_figures(participations: list[Participation]) -> RatingFigures:
    ratings = list(
        SupportEvaluation.objects.filter(
            allocation__participation_id__in=[p.pk for p in participations]
        )
        .order_by()
        .values_list("allocation__participation_id", "rating")
    )
    counts = defaultdict(int)
    rated, weak = set(), set()
    for participation_id, rating in ratings:
        counts[rating] += 1
        rated.add(participation_id)
        if rating <= WEAK_RATING:
            weak.add(participation_id)
    mean = None
    if ratings:
        mean = (Decimal(sum(r for _, r in ratings)) / len(ratings)).quantize(
            TWO_PLACES, rounding=ROUND_HALF_UP
        )
    return RatingFigures(
        count=len(ratings),
        mean=mean,
        by_rating=tuple((rating, counts[rating]) for rating in range(5, 0, -1)),
        schools_rating=len(rated),
        weak_schools=_names(p for p in participations if p.pk in weak),
    )


def _kind_rows(participations: list[Participation]) -> tuple[KindRow, ...]:
    rows = [
        KindRow(
            kind=kind.value,
            label=kind.label,
            schools=_names(p for p in participations if p.ofsted_kind == kind.value),
        )
        for kind in OfstedKind
    ]
    rows.append(
        KindRow(
            kind=None,
            label="Not recorded",
            schools=_names(p for p in participations if p.ofsted_kind is None),
        )
    )
    return tuple(rows)


def _activity_figures(participations: list[Participation]) -> ActivityFigures:
    totals = (
        Visit.objects.submitted()
        .filter(allocation__participation_id__in=[p.pk for p in participations])
        .aggregate(
            visits=Count("pk"),
            days=Sum("days"),
            challenged=Count("pk", filter=Q(standards_challenged=True)),
            pscls=Count("allocation__adviser", distinct=True),
        )
    )
    return ActivityFigures(
        pscls=totals["pscls"],
        visits=totals["visits"],
        days=totals["days"] or Decimal("0.0"),
        challenged=totals["challenged"],
    )


def _mean(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _trend_figures(participations: list[Participation], year: ProgrammeYear) -> TrendFigures:
    summer = year.ends_on.year
    years = tuple(range(summer - TREND_YEARS_BEFORE, summer + TREND_YEARS_AFTER + 1))
    school_ids = [p.school_id for p in participations]
    rows = (
        KeyStageResult.objects.filter(
            school__local_authority_id=year.local_authority_id,
            key_stage=KeyStage.KS2,
            year__in=years,
        )
        .annotate(
            is_participating=Case(
                When(school_id__in=school_ids, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by()
        .values("year", "is_participating")
        .annotate(
            english=Avg("english_percentage"),
            english_schools=Count("english_percentage"),
            maths=Avg("maths_percentage"),
            maths_schools=Count("maths_percentage"),
        )
    )
    found = {(row["year"], row["is_participating"]): row for row in rows}

    def points(flag: int) -> tuple[TrendPoint, ...]:
        result = []
        for each in years:
            row = found.get((each, flag), {})
            result.append(
                TrendPoint(
                    year=each,
                    english=_mean(row.get("english")),
                    english_schools=row.get("english_schools", 0),
                    maths=_mean(row.get("maths")),
                    maths_schools=row.get("maths_schools", 0),
                )
            )
        return tuple(result)

    others = (
        School.objects.filter(local_authority_id=year.local_authority_id)
        .exclude(pk__in=school_ids)
        .count()
    )
    return TrendFigures(
        years=years,
        participating=points(1),
        others=points(0),
        participating_schools=len(school_ids),
        other_schools=others,
    )


# The findings ---------------------------------------------------------------------------------


def _days(value: Decimal) -> str:
    """Days as the report (and the dashboard) writes them, to a tenth: 112, 112.5 or 37.9."""
    value = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value)


def _kind_words(row: KindRow) -> str:
    """E.g. "6 are kind 2 (new, inexperienced headteacher)" or "3 are not recorded"."""
    count = len(row.schools)
    verb = "is" if count == 1 else "are"
    if row.kind is None:
        return f"{count} {verb} not recorded yet"
    # The label starts with the kind's number ("2 New, inexperienced headteacher").
    description = row.label.split(" ", 1)[1]
    return f"{count} {verb} kind {row.kind} ({description[0].lower()}{description[1:]})"


def _pct(value: Decimal | None) -> str:
    return "no figure" if value is None else f"{value}%"


def main_findings(figures: EvaluationFigures) -> tuple[Finding, ...]:
    """The report's main findings, each with its numbers and the schools behind it."""
    n = figures.schools
    plans, targets, days = figures.plans, figures.targets, figures.days
    grants, training, ratings = figures.grants, figures.training, figures.ratings
    activity, trends = figures.activity, figures.trends
    findings = [
        Finding(
            key="plans",
            heading="Action plans",
            summary=(
                f"{_of(len(plans.quantified), n)} have plans with quantified success criteria "
                f"({_pct(plans.quantified_percent)})."
            ),
            details=(
                f"{_of(plans.with_plan, n)} have started an action plan; "
                f"{_of(plans.focused, plans.with_plan, 'plans')} have a priority in English or "
                "maths.",
                "A plan counts as quantified when every success criterion has a measure and a "
                "target value.",
            ),
            evidence=(
                Evidence("Plans with quantified success criteria", plans.quantified),
                Evidence("Plans with a success criterion without a number", plans.not_quantified),
                Evidence("Plans with no success criteria yet", plans.without_criteria),
                Evidence("Plans with no priority in English or maths", plans.not_focused),
                Evidence("No action plan yet", plans.without_plan),
            ),
        ),
        Finding(
            key="targets",
            heading="Targets",
            summary=(
                f"Targets raised in {len(targets.raised)} schools, lowered in "
                f"{len(targets.lowered)}."
            ),
            details=(
                f"{len(targets.kept_only)} schools kept every target; "
                f"{len(targets.without_targets)} have no KS2 target recorded for "
                f"{figures.programme_year.ends_on.year} or later.",
            ),
            evidence=(
                Evidence("Raised a target after joining", targets.raised),
                Evidence("Lowered a target after joining", targets.lowered),
                Evidence("Kept every target", targets.kept_only),
                Evidence("No target recorded", targets.without_targets),
            ),
        ),
        Finding(
            key="days",
            heading="PSCL days",
            summary=(
                f"{_days(days.delivered)} of {_days(days.funded)} funded PSCL days delivered "
                f"({_pct(days.delivered_percent)})."
            ),
            details=(
                "Funded days are the PSCL days of each school's grant (before a grant, its "
                "PSCL's planned days, or the year's "
                f"{_days(figures.programme_year.pscl_days_per_school)} days while it has no "
                "PSCL); delivered days are those of submitted visit notes.",
            ),
            evidence=(
                Evidence(
                    "Schools with days still to be delivered",
                    tuple(
                        f"{row.school} ({_days(row.delivered)} of {_days(row.funded)} days)"
                        for row in days.behind
                    ),
                ),
            ),
        ),
        Finding(
            key="grants",
            heading="Grants",
            summary=(
                f"Grants accounted for: {_of(len(grants.approved), n)} "
                f"({_pct(grants.accounted_percent)})."
            ),
            details=(
                "A grant is accounted for when the LEA has approved the school's expenditure "
                f"return. {len(grants.submitted)} more returns are submitted and await a "
                f"decision; {len(grants.queried)} are queried.",
            ),
            evidence=(
                Evidence("Return approved", grants.approved),
                Evidence("Return submitted, awaiting a decision", grants.submitted),
                Evidence("Return queried", grants.queried),
                Evidence("Return started, not submitted", grants.draft),
                Evidence("No return", grants.no_return),
            ),
        ),
        Finding(
            key="training",
            heading="Training",
            summary=(
                (
                    f"{_of(training.attended_all, training.members, 'team members')} attended "
                    f"every training session held so far ({_pct(training.attended_percent)})."
                )
                if training.sessions
                else "No training session has been held yet."
            ),
            details=(
                (
                    "Sessions held: "
                    + ", ".join(str(session) for session in training.sessions)
                    + "."
                ),
            )
            if training.sessions
            else (),
            evidence=(
                Evidence("Schools with a team member who missed a session", training.schools_short),
            ),
        ),
        Finding(
            key="ratings",
            heading="Schools' evaluations of PSCL support",
            summary=(
                f"Schools rated their PSCL's support {ratings.mean} out of 5 on average, over "
                f"{ratings.count} ratings from {ratings.schools_rating} schools."
                if ratings.count
                else "No school has rated its PSCL's support yet."
            ),
            details=tuple(
                f"Rated {rating}: {count}" for rating, count in ratings.by_rating if count
            ),
            evidence=(Evidence("Schools that rated the support 2 or below", ratings.weak_schools),),
        ),
        Finding(
            key="kinds",
            heading="The kinds of school taking part",
            summary="Of the schools holding a place, "
            + "; ".join(_kind_words(row) for row in figures.kinds if row.schools)
            + "."
            if n
            else "No school holds a place.",
            evidence=tuple(Evidence(row.label, row.schools) for row in figures.kinds),
        ),
        Finding(
            key="activity",
            heading="PSCL activity",
            summary=(
                f"{activity.pscls} PSCLs made {activity.visits} visits, "
                f"{_days(activity.days)} days in all; they challenged schools on standards in "
                f"{activity.challenged} visits ({_pct(activity.challenged_percent)})."
            ),
        ),
        Finding(
            key="results",
            heading="Key Stage 2 results",
            summary=_trend_summary(trends),
            details=(
                f"The {trends.participating_schools} participating schools against the LEA's "
                f"{trends.other_schools} other schools: the mean of the schools' percentages "
                "of pupils at Level 4 or above.",
            ),
        ),
    ]
    return tuple(findings)


def _trend_summary(trends: TrendFigures) -> str:
    with_both = [
        (point, other)
        for point, other in zip(trends.participating, trends.others, strict=True)
        if point.english is not None and point.maths is not None
    ]
    if not with_both:
        return "No Key Stage 2 results of the participating schools are recorded for these years."
    first, _ = with_both[0]
    last, other = with_both[-1]
    text = (
        f"In the participating schools, English went from {first.english}% in {first.year} to "
        f"{last.english}% in {last.year}, maths from {first.maths}% to {last.maths}%"
    )
    if first.year == last.year:
        text = (
            f"In {last.year} the participating schools reached {last.english}% in English and "
            f"{last.maths}% in maths"
        )
    if other.english is not None and other.maths is not None:
        text += f"; the LEA's other schools {other.english}% and {other.maths}% in {other.year}"
    return text + "."


# Points for action ----------------------------------------------------------------------------


def thresholds_for(programme_year: ProgrammeYear) -> EvaluationThresholds:
    """The year's thresholds; Ofsted's defaults (unsaved) while the manager has set none. A read:
    reports read their data in a read-only transaction."""
    return EvaluationThresholds.objects.filter(
        programme_year=programme_year
    ).first() or EvaluationThresholds(programme_year=programme_year)


def suggested_points(
    figures: EvaluationFigures, thresholds: EvaluationThresholds
) -> list[PointForAction]:
    """A point for action, worded like Ofsted's, for each threshold the figures cross: below a
    minimum, or above the most schools that may lower a target. A figure with nothing to count
    (no school, no session held, no rating) suggests nothing."""
    points = []

    def below(value: Decimal | None, minimum: Decimal) -> bool:
        return value is not None and value < minimum

    if below(figures.plans.quantified_percent, thresholds.plans_quantified_min_percent):
        points.append(
            PointForAction(
                "Ensure that all action plans have precise, quantifiable success criteria, "
                "focused on raising standards in English and mathematics.",
                "plans",
            )
        )
    if len(figures.targets.lowered) > thresholds.targets_lowered_max:
        points.append(
            PointForAction(
                "Challenge schools that have lowered their targets, and ensure that every "
                "participating school sets challenging targets for Key Stage 2.",
                "targets",
            )
        )
    if below(figures.days.delivered_percent, thresholds.days_delivered_min_percent):
        points.append(
            PointForAction(
                "Ensure that schools receive the PSCL support days they are funded for, and "
                "monitor the days delivered against the days funded.",
                "days",
            )
        )
    if below(figures.grants.accounted_percent, thresholds.grants_accounted_min_percent):
        points.append(
            PointForAction(
                "Ensure that every school accounts for how it used its grant, so that the LEA "
                "can judge whether the programme gives value for money.",
                "grants",
            )
        )
    if below(figures.training.attended_percent, thresholds.training_attendance_min_percent):
        points.append(
            PointForAction(
                "Ensure that all members of each leadership team attend every training "
                "session, and that supply cover is used to release them.",
                "training",
            )
        )
    if below(figures.ratings.mean, thresholds.support_rating_min):
        points.append(
            PointForAction(
                "Review the quality of the support PSCLs give where schools judge it weak, and "
                "strengthen the PSCLs' training and management.",
                "ratings",
            )
        )
    return points


# The report -----------------------------------------------------------------------------------


def evaluation_title(programme_year: ProgrammeYear) -> str:
    return (
        f"Evaluation of the Primary Leadership Programme {programme_year.name}: "
        f"{programme_year.local_authority.name}"
    )


def build_evaluation_report(run: ReportRun, *, today: datetime.date) -> ReportContent:
    """The LEA evaluation report of `run.programme_year`: the main findings with their
    evidence, the KS2 trend chart, and the points for action as the manager issued them
    (`run.parameters["points_for_action"]`), or the suggested points if none were given."""
    from ..charts.evaluation import trends_chart_svg

    year = run.programme_year
    figures = evaluation_figures(programme_year=year, today=today)
    issued = (run.parameters or {}).get("points_for_action")
    if issued is None:
        points = suggested_points(figures, thresholds_for(year))
    else:
        points = [PointForAction(str(text)) for text in issued if str(text).strip()]
    title = evaluation_title(year)
    return ReportContent(
        title=title,
        template_name="reports/report/evaluation.html",
        context={
            "title": title,
            "programme_year": year,
            "figures": figures,
            "findings": figures.findings,
            "points": points,
            "chart_svg": trends_chart_svg(figures.trends, chart_id="evaluation-trends"),
            "today": today,
        },
        filename=(
            f"evaluation-{slugify(year.local_authority.name)}-{slugify(year.name)}"
            f"-v{run.version}.pdf"
        ),
    )
