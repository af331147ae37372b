"""The governor progress report: one school's term in the programme, in plain words for a
volunteer governor (issue 6, item 3; JOURNEYS.md: the chair of governors reads it on a phone).

`governor_report` reads the data into a tree of frozen dataclasses, so that tests can check each
figure without rendering; `build_governor_report` turns a report run into its content (title,
body template and context, PDF file name) for `reports.content`.

The report describes the term up to its report date (`reports.terms.report_date`): the end of
the term, or today while the term is running. Anything dated after it is left out: PSCL visits,
agreed actions, plan reviews, training events, school-to-school visits, school activity, target
settings, results not yet known, grant payments. Three things have no date of the application's
own and are shown as they stand when the report is made: the status of the plan's actions, the
grant's figures and the expenditure return (its timestamps are real time, not the programme's).

The PSCL's visit notes are never read here: they are confidential to the PSCL, the link adviser
and the strategy manager (docs/decisions/006). The report shows the facts of each visit (its
date and length) and the actions agreed at it, as the headteacher sees them.

A fixed number of queries whatever the number of visits, actions, priorities or team members.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.text import slugify

from consultants.models import AgreedAction, Allocation, Term, Visit, VisitStatus
from funding.grants import breakdown_lines, gbp
from funding.models import Grant, Payment, PaymentKind, PaymentStatus, ReturnStatus
from funding.selectors.returns import return_summary
from leadership.models import (
    ActionStatus,
    LeadershipTeamMember,
    OfstedKind,
    Participation,
    ParticipationStatus,
    SchoolActivity,
    SchoolVisit,
    TrainingAttendance,
)
from leadership.models.teams import (
    EXPECTED_SCHOOL_BASED_DAYS,
    EXPECTED_TRAINING_DAYS,
    EXPECTED_VISITING_DAYS,
)
from leadership.selectors.plans import PlanFlagCode, plan_page
from leadership.selectors.teams import DAYS_PER_SESSION, ROLE_ORDER, sessions_held
from schools.models import (
    KeyStage,
    KeyStage2Target,
    KeyStageResult,
    School,
    Subject,
    TargetDirection,
)

from ..charts.governor import pscl_days_chart_svg, results_targets_chart_svg
from ..content import ReportContent
from ..models import ReportKind, ReportRun
from ..terms import TermDates, report_date, term_dates

TEMPLATE_NAME = "reports/report/governor.html"
#: How many questions the report suggests a governor asks the headteacher.
QUESTION_COUNT = 3
#: A school's KS2 results for a summer are known from this day of that year (month, day): the
#: tests are sat in May and schools have their results in July.
RESULTS_KNOWN_FROM = (7, 1)
#: The PSCL's days count as behind when fewer than the share of the year gone by, less this.
DAYS_BEHIND_MARGIN = Decimal("0.5")

ZERO = Decimal("0")
DAYS = DecimalField(max_digits=5, decimal_places=1)

#: Ofsted's four kinds of participating school, said plainly for a governor.
OFSTED_KIND_TEXT = {
    OfstedKind.HIGH_PERFORMING_NEW_LEADERSHIP: (
        "The school already does fairly well, but it has a new headteacher or big changes "
        "among its senior staff."
    ),
    OfstedKind.NEW_HEADTEACHER: (
        "The headteacher is new to headship. The PSCL also acts as a mentor to them."
    ),
    OfstedKind.WEAK_HEADTEACHER: (
        "The LEA judges that leadership is the main thing holding back the school's progress, "
        "so the programme's support for leadership matters most here."
    ),
    OfstedKind.PROGRAMME_IS_RIGHT: (
        "The programme is a good fit for the school. Often such a school has recently come out "
        "of special measures or serious weaknesses (Ofsted's categories for schools that need "
        "extra help)."
    ),
}

#: What a participation's status means for a governor.
STATUS_TEXT = {
    ParticipationStatus.IDENTIFIED: "The LEA has identified the school for a place.",
    ParticipationStatus.INVITED: "The school has been invited to take part.",
    ParticipationStatus.ACCEPTED: "The school has accepted a place.",
    ParticipationStatus.DECLINED: "The school declined its place.",
    ParticipationStatus.ACTIVE: "The school is taking part.",
    ParticipationStatus.COMPLETED: "The school has completed the programme.",
    ParticipationStatus.WITHDRAWN: "The school has withdrawn from the programme.",
}

REVIEW_TEXT = {"RED": "Off track", "AMBER": "Some concerns", "GREEN": "On track"}


def _number(value: Decimal) -> str:
    """A number of days or a percentage as people write it: "3.5", "4", "0.75"."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# The report's tree ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipationSection:
    status: str
    status_label: str
    status_text: str
    joined_on: datetime.date | None
    ofsted_kind: int | None
    ofsted_kind_text: str
    number_on_roll: int | None


@dataclass(frozen=True)
class MemberRow:
    """A member of the leadership team and the time they have given by the report date."""

    name: str
    role: str
    sessions_attended: int
    training_days: Decimal
    visiting_days: Decimal
    school_based_days: Decimal

    @property
    def total_days(self) -> Decimal:
        return self.training_days + self.visiting_days + self.school_based_days

    @property
    def training_display(self) -> str:
        return _number(self.training_days)

    @property
    def visiting_display(self) -> str:
        return _number(self.visiting_days)

    @property
    def school_based_display(self) -> str:
        return _number(self.school_based_days)

    @property
    def total_display(self) -> str:
        return _number(self.total_days)


@dataclass(frozen=True)
class TeamSection:
    members: tuple[MemberRow, ...]
    #: The training sessions (1 to 3) whose every event was held by the report date.
    sessions_held: tuple[int, ...]
    expected_training_days: Decimal = EXPECTED_TRAINING_DAYS
    expected_visiting_days: Decimal = EXPECTED_VISITING_DAYS
    expected_school_based_days: Decimal = EXPECTED_SCHOOL_BASED_DAYS

    @property
    def members_missing_sessions(self) -> tuple[MemberRow, ...]:
        """Members who were at fewer sessions than have been held."""
        return tuple(m for m in self.members if m.sessions_attended < len(self.sessions_held))


@dataclass(frozen=True)
class AgreedActionRow:
    who: str
    what: str
    due_on: datetime.date
    #: Done by the report date (an action done later is still open in this report).
    done_on: datetime.date | None
    is_overdue: bool

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True)
class PsclSection:
    pscl_name: str | None
    #: Submitted visits dated on or before the report date, in the whole year and in the term.
    visits_in_year: int
    visits_in_term: int
    days_used: Decimal
    days_used_in_term: Decimal
    days_planned: Decimal
    #: True when the days planned are the allocation's; False: the year's days per school.
    is_planned_by_allocation: bool
    #: The days the PSCL would have used by the report date at an even pace through the year.
    days_expected_by_now: Decimal
    next_visit_on: datetime.date | None
    next_visit_purpose: str
    agreed_actions: tuple[AgreedActionRow, ...]

    @property
    def days_left(self) -> Decimal:
        return self.days_planned - self.days_used

    @property
    def days_used_display(self) -> str:
        return _number(self.days_used)

    @property
    def days_used_in_term_display(self) -> str:
        return _number(self.days_used_in_term)

    @property
    def days_planned_display(self) -> str:
        return _number(self.days_planned)

    @property
    def days_left_display(self) -> str:
        return _number(abs(self.days_left))

    @property
    def is_behind(self) -> bool:
        return self.days_used < self.days_expected_by_now - DAYS_BEHIND_MARGIN

    @property
    def actions_done(self) -> int:
        return sum(1 for action in self.agreed_actions if action.is_done)

    @property
    def actions_overdue(self) -> tuple[AgreedActionRow, ...]:
        return tuple(action for action in self.agreed_actions if action.is_overdue)


@dataclass(frozen=True)
class CriterionRow:
    description: str
    measure: str
    baseline: Decimal | None
    target_value: Decimal | None
    target_on: datetime.date | None
    is_quantified: bool


@dataclass(frozen=True)
class PriorityRow:
    title: str
    area: str
    criteria: tuple[CriterionRow, ...]
    actions_done: int
    actions_in_progress: int
    actions_not_started: int
    actions_overdue: int

    @property
    def action_count(self) -> int:
        return self.actions_done + self.actions_in_progress + self.actions_not_started


@dataclass(frozen=True)
class PlanSection:
    has_plan: bool
    summary: str
    priorities: tuple[PriorityRow, ...]
    #: The latest review on or before the report date.
    last_reviewed_on: datetime.date | None
    last_review_progress: str
    last_review_label: str
    review_count: int
    review_weeks: int
    is_review_overdue: bool
    #: The plan check's findings, in plain words.
    flags: tuple[str, ...]

    @property
    def actions_overdue(self) -> int:
        return sum(priority.actions_overdue for priority in self.priorities)


@dataclass(frozen=True)
class TargetRow:
    """One KS2 target (a year and a subject): before the school joined and as it stands at the
    report date, whether it was raised, kept or lowered, and the result once known."""

    year: int
    subject: str
    before: Decimal
    after: Decimal
    is_set_before_joining: bool
    direction: str
    result: Decimal | None

    @property
    def direction_label(self) -> str:
        return TargetDirection(self.direction).label

    @property
    def change(self) -> Decimal:
        return self.after - self.before

    @property
    def result_against_target(self) -> Decimal | None:
        return None if self.result is None else self.result - self.after

    @property
    def is_met(self) -> bool | None:
        return None if self.result is None else self.result >= self.after


@dataclass(frozen=True)
class ResultYear:
    """A year's KS2 results (% at Level 4+) and the target for that year as it stood at the
    report date (None where there is none)."""

    year: int
    english: Decimal | None
    maths: Decimal | None
    english_target: Decimal | None
    maths_target: Decimal | None


@dataclass(frozen=True)
class TargetsSection:
    targets: tuple[TargetRow, ...]
    results: tuple[ResultYear, ...]

    @property
    def latest_results(self) -> ResultYear | None:
        known = [row for row in self.results if row.english is not None or row.maths is not None]
        return known[-1] if known else None

    @property
    def has_targets_first_set_after_joining(self) -> bool:
        return any(not target.is_set_before_joining for target in self.targets)

    @property
    def lowered(self) -> tuple[TargetRow, ...]:
        return tuple(t for t in self.targets if t.direction == TargetDirection.LOWERED)


@dataclass(frozen=True)
class PaymentRow:
    instalment: int
    amount: Decimal
    paid_on: datetime.date

    @property
    def amount_display(self) -> str:
        return gbp(self.amount)


@dataclass(frozen=True)
class SpendingRow:
    label: str
    description: str
    amount: Decimal
    is_for_the_programme: bool

    @property
    def amount_display(self) -> str:
        return gbp(self.amount)


@dataclass(frozen=True)
class MoneySection:
    has_grant: bool
    total: Decimal | None
    #: What the school receives itself (supply cover and travel); the PSCL is paid apart.
    school_amount: Decimal | None
    supply_amount: Decimal | None
    supply_days: Decimal | None
    travel_grant: Decimal | None
    pscl_amount: Decimal | None
    breakdown: tuple[str, ...]
    payments: tuple[PaymentRow, ...]
    has_return: bool
    return_status: str
    return_status_label: str
    is_return_sent: bool
    cover_days: Decimal
    cover_amount: Decimal
    travel_spent: Decimal
    other_spending: tuple[SpendingRow, ...]
    #: Spent on the programme according to the return (cover, travel, other programme spending).
    spent: Decimal
    not_for_the_programme: Decimal

    @property
    def received(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), ZERO)

    @property
    def unspent(self) -> Decimal | None:
        if self.school_amount is None:
            return None
        return self.school_amount - self.spent

    def _gbp(self, value: Decimal | None) -> str:
        return "" if value is None else gbp(value)

    @property
    def total_display(self) -> str:
        return self._gbp(self.total)

    @property
    def school_amount_display(self) -> str:
        return self._gbp(self.school_amount)

    @property
    def supply_amount_display(self) -> str:
        return self._gbp(self.supply_amount)

    @property
    def supply_days_display(self) -> str:
        return "" if self.supply_days is None else _number(self.supply_days)

    @property
    def travel_grant_display(self) -> str:
        return self._gbp(self.travel_grant)

    @property
    def pscl_amount_display(self) -> str:
        return self._gbp(self.pscl_amount)

    @property
    def received_display(self) -> str:
        return gbp(self.received)

    @property
    def cover_days_display(self) -> str:
        return _number(self.cover_days)

    @property
    def cover_amount_display(self) -> str:
        return gbp(self.cover_amount)

    @property
    def travel_spent_display(self) -> str:
        return gbp(self.travel_spent)

    @property
    def spent_display(self) -> str:
        return gbp(self.spent)

    @property
    def unspent_display(self) -> str:
        return self._gbp(self.unspent)

    @property
    def not_for_the_programme_display(self) -> str:
        return gbp(self.not_for_the_programme)


@dataclass(frozen=True)
class Question:
    text: str
    why: str


@dataclass(frozen=True)
class GovernorReport:
    school_name: str
    programme_year_name: str
    term: TermDates
    #: The last day the report describes.
    report_date: datetime.date
    is_term_over: bool
    participation: ParticipationSection
    team: TeamSection
    pscl: PsclSection
    plan: PlanSection
    targets: TargetsSection
    money: MoneySection
    questions: tuple[Question, ...]

    @property
    def title(self) -> str:
        return f"{self.term.label} progress report: {self.school_name}"


class NoPlace(Exception):
    """A governor report was asked for a school that has no place in the programme year."""


# Reading it -----------------------------------------------------------------------------------


def _long_date(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def _participation_section(participation: Participation) -> ParticipationSection:
    kind = participation.ofsted_kind
    return ParticipationSection(
        status=participation.status,
        status_label=participation.get_status_display(),
        status_text=STATUS_TEXT[participation.status],
        joined_on=participation.joined_on,
        ofsted_kind=kind,
        ofsted_kind_text=OFSTED_KIND_TEXT.get(kind, "") if kind else "",
        number_on_roll=participation.school.number_on_roll,
    )


def _team_section(participation: Participation, *, on: datetime.date) -> TeamSection:
    """The team and its time by `on`: two queries (the members with their sums, and the
    sessions held)."""
    sessions = (
        TrainingAttendance.objects.filter(
            member=OuterRef("pk"), is_present=True, event__held_on__lte=on
        )
        .order_by()
        .values("member")
        .annotate(sessions=Count("event__session", distinct=True))
        .values("sessions")
    )

    def total(queryset, group):
        summed = (
            queryset.filter(**{group: OuterRef("pk")})
            .order_by()
            .values(group)
            .annotate(total=Sum("days"))
            .values("total")
        )
        return Coalesce(
            Subquery(summed, output_field=DAYS), Value(Decimal("0.0"), output_field=DAYS)
        )

    # The team as it stood on `on`: members who left (archived) later still count.
    members = LeadershipTeamMember.objects.filter(
        Q(archived_at__isnull=True) | Q(archived_at__date__gt=on), participation=participation
    ).annotate(
        sessions_attended=Coalesce(
            Subquery(sessions, output_field=IntegerField()), Value(0, output_field=IntegerField())
        ),
        visiting_days=total(SchoolVisit.objects.active().filter(visited_on__lte=on), "members"),
        school_based_days=total(SchoolActivity.objects.filter(done_on__lte=on), "member"),
    )
    ordered = sorted(members, key=lambda m: (ROLE_ORDER[m.role], m.full_name.lower(), m.pk))
    return TeamSection(
        members=tuple(
            MemberRow(
                name=member.full_name,
                role=member.get_role_display(),
                sessions_attended=member.sessions_attended,
                training_days=DAYS_PER_SESSION * member.sessions_attended,
                visiting_days=Decimal(member.visiting_days),
                school_based_days=Decimal(member.school_based_days),
            )
            for member in ordered
        ),
        sessions_held=tuple(sessions_held(participation.programme_year, today=on)),
    )


def _expected_days(planned: Decimal, *, year, on: datetime.date) -> Decimal:
    """The days used by `on` at an even pace from the year's start to its end."""
    length = (year.ends_on - year.starts_on).days
    gone = min(max((on - year.starts_on).days, 0), length)
    return (planned * gone / length).quantize(Decimal("0.01")) if length else planned


def _pscl_section(
    participation: Participation, *, term: TermDates, on: datetime.date
) -> PsclSection:
    """The PSCL's visits and days by `on`: four queries."""
    year = participation.programme_year
    allocations = list(
        Allocation.objects.filter(participation=participation)
        .select_related("adviser")
        .order_by("-confirmed_at", "-pk")
    )
    current = next((a for a in allocations if a.is_current), None)
    shown = current or (allocations[0] if allocations else None)
    planned = current.planned_days if current else year.pscl_days_per_school

    # Every submitted visit to the school this year counts, whichever PSCL made it.
    submitted = Visit.objects.filter(
        allocation__participation=participation, status=VisitStatus.SUBMITTED, visit_on__lte=on
    )
    in_term = Q(visit_on__gte=term.starts_on)
    figures = submitted.aggregate(
        visit_count=Count("pk"),
        days_used=Sum("days"),
        term_visit_count=Count("pk", filter=in_term),
        term_days_used=Sum("days", filter=in_term),
    )
    upcoming = (
        Visit.objects.filter(
            allocation__participation=participation,
            status=VisitStatus.PLANNED,
            visit_on__gt=on,
        )
        .order_by("visit_on", "pk")
        .values("visit_on", "purpose")
        .first()
    )
    if upcoming is None:
        # No visit planned yet: the date the PSCL gave at the last visit, if still ahead.
        last = submitted.order_by("-visit_on", "-pk").values("next_visit_on").first()
        if last and last["next_visit_on"] and last["next_visit_on"] > on:
            upcoming = {"visit_on": last["next_visit_on"], "purpose": ""}
    actions = (
        AgreedAction.objects.filter(
            visit__allocation__participation=participation,
            visit__status=VisitStatus.SUBMITTED,
            visit__visit_on__lte=on,
        )
        .only("who", "what", "due_on", "done_on")
        .order_by("due_on", "pk")
    )
    rows = []
    for action in actions:
        done_on = action.done_on if action.done_on and action.done_on <= on else None
        rows.append(
            AgreedActionRow(
                who=action.who,
                what=action.what,
                due_on=action.due_on,
                done_on=done_on,
                is_overdue=done_on is None and action.due_on < on,
            )
        )
    return PsclSection(
        pscl_name=shown.adviser.full_name if shown else None,
        visits_in_year=figures["visit_count"],
        visits_in_term=figures["term_visit_count"],
        days_used=figures["days_used"] or ZERO,
        days_used_in_term=figures["term_days_used"] or ZERO,
        days_planned=planned,
        is_planned_by_allocation=current is not None,
        days_expected_by_now=_expected_days(planned, year=year, on=on),
        next_visit_on=upcoming["visit_on"] if upcoming else None,
        next_visit_purpose=upcoming["purpose"] if upcoming else "",
        agreed_actions=tuple(rows),
    )


def _plan_section(participation: Participation, *, on: datetime.date) -> PlanSection:
    """The plan's priorities, criteria, actions and reviews by `on`, and the plan check on that
    day: the queries of `leadership.selectors.plans.plan_page`."""
    year = participation.programme_year
    page = plan_page(participation, today=on)
    if page.plan is None:
        return PlanSection(
            has_plan=False,
            summary="",
            priorities=(),
            last_reviewed_on=None,
            last_review_progress="",
            last_review_label="",
            review_count=0,
            review_weeks=year.plan_review_weeks,
            is_review_overdue=False,
            flags=(),
        )
    reviews = [review for review in page.reviews if review.reviewed_on <= on]
    latest = reviews[0] if reviews else None
    priorities = []
    for priority in page.priorities:
        actions = list(priority.actions.all())
        priorities.append(
            PriorityRow(
                title=priority.title,
                area=priority.get_area_display(),
                criteria=tuple(
                    CriterionRow(
                        description=criterion.description,
                        measure=criterion.measure,
                        baseline=criterion.baseline,
                        target_value=criterion.target_value,
                        target_on=criterion.target_on,
                        is_quantified=criterion.is_quantified,
                    )
                    for criterion in priority.success_criteria.all()
                ),
                actions_done=sum(1 for a in actions if a.status == ActionStatus.DONE),
                actions_in_progress=sum(1 for a in actions if a.status == ActionStatus.IN_PROGRESS),
                actions_not_started=sum(1 for a in actions if a.status == ActionStatus.NOT_STARTED),
                actions_overdue=sum(
                    1 for a in actions if a.status != ActionStatus.DONE and a.due_on < on
                ),
            )
        )
    # The plan check's review rule, on the reviews held by the report date only: from the latest
    # of them, or from the start of the year if there is none.
    since = (
        latest.reviewed_on
        if latest
        else max(year.starts_on, participation.joined_on or year.starts_on)
    )
    is_review_overdue = on - since > datetime.timedelta(weeks=year.plan_review_weeks)
    flags = [flag.message for flag in page.flags if flag.code != PlanFlagCode.NO_RECENT_REVIEW]
    if is_review_overdue:
        weeks = year.plan_review_weeks
        if latest:
            flags.append(
                f"The plan was last reviewed on {_long_date(since)}. It should be reviewed at "
                f"least every {weeks} weeks."
            )
        else:
            flags.append(
                f"The plan has not been reviewed yet. It should be reviewed at least every "
                f"{weeks} weeks."
            )
    return PlanSection(
        has_plan=True,
        summary=page.plan.summary,
        priorities=tuple(priorities),
        last_reviewed_on=latest.reviewed_on if latest else None,
        last_review_progress=latest.progress if latest else "",
        last_review_label=REVIEW_TEXT.get(latest.progress, "") if latest else "",
        review_count=len(reviews),
        review_weeks=year.plan_review_weeks,
        is_review_overdue=is_review_overdue,
        flags=tuple(flags),
    )


def _results_known_by(on: datetime.date) -> int:
    """The latest summer whose KS2 results are known on `on`."""
    month, day = RESULTS_KNOWN_FROM
    return on.year if (on.month, on.day) >= (month, day) else on.year - 1


def _direction(before: Decimal, after: Decimal) -> str:
    if after > before:
        return TargetDirection.RAISED
    if after < before:
        return TargetDirection.LOWERED
    return TargetDirection.KEPT


def _targets_section(participation: Participation, *, on: datetime.date) -> TargetsSection:
    """The KS2 targets set by `on` and the results known by then: two queries. Whether a target
    was raised, kept or lowered follows `leadership.selectors.plans.participation_targets`
    (the latest setting on or before joining against the latest), for the years from the
    programme year's own summer; the results chart shows every year."""
    known_by = _results_known_by(on)
    settings = KeyStage2Target.objects.filter(
        school_id=participation.school_id, set_on__lte=on
    ).order_by("year", "subject", "set_on", "pk")
    results = {
        result.year: result
        for result in KeyStageResult.objects.filter(
            school_id=participation.school_id, key_stage=KeyStage.KS2, year__lte=known_by
        )
    }
    grouped: dict[tuple[int, str], list[KeyStage2Target]] = {}
    for setting in settings:
        grouped.setdefault((setting.year, setting.subject), []).append(setting)

    first_year = participation.programme_year.ends_on.year
    joined_on = participation.joined_on
    targets = []
    for (year, subject), rows in grouped.items():
        if year < first_year:
            continue
        set_before = [s for s in rows if joined_on is not None and s.set_on <= joined_on]
        before = (set_before[-1] if set_before else rows[0]).percentage
        after = rows[-1].percentage
        achieved = results.get(year)
        result = None
        if achieved is not None:
            result = (
                achieved.english_percentage
                if subject == Subject.ENGLISH
                else achieved.maths_percentage
            )
        targets.append(
            TargetRow(
                year=year,
                subject=Subject(subject).label,
                before=before,
                after=after,
                is_set_before_joining=bool(set_before),
                direction=_direction(before, after),
                result=result,
            )
        )

    latest_target = {key: rows[-1].percentage for key, rows in grouped.items()}
    years = sorted(set(results) | {year for year, _ in grouped if year <= known_by + 2})
    result_years = tuple(
        ResultYear(
            year=year,
            english=results[year].english_percentage if year in results else None,
            maths=results[year].maths_percentage if year in results else None,
            english_target=latest_target.get((year, Subject.ENGLISH)),
            maths_target=latest_target.get((year, Subject.MATHS)),
        )
        for year in years
    )
    return TargetsSection(targets=tuple(targets), results=result_years)


def _money_section(participation: Participation, *, on: datetime.date) -> MoneySection:
    """The grant, the instalments paid by `on` and the expenditure return: two queries and
    those of `funding.selectors.returns.return_summary`."""
    grant = Grant.objects.filter(participation=participation).first()
    payments = tuple(
        PaymentRow(instalment=p.instalment, amount=p.amount, paid_on=p.paid_on)
        for p in Payment.objects.filter(
            participation=participation,
            kind=PaymentKind.SCHOOL_GRANT,
            status=PaymentStatus.PAID,
            paid_on__lte=on,
        ).order_by("paid_on", "instalment", "pk")
    )
    summary = return_summary(participation, today=on)
    expenditure_return = summary.expenditure_return
    claims = list(expenditure_return.cover_claims.all()) if expenditure_return else []
    spending = list(expenditure_return.other_spending.all()) if expenditure_return else []
    cover_days = sum((claim.days for claim in claims), ZERO)
    daily_rate = grant.daily_rate if grant else ZERO
    return MoneySection(
        has_grant=grant is not None,
        total=grant.total if grant else None,
        school_amount=grant.school_amount if grant else None,
        supply_amount=grant.supply_amount if grant else None,
        supply_days=grant.supply_days if grant else None,
        travel_grant=grant.travel_grant if grant else None,
        pscl_amount=grant.pscl_amount if grant else None,
        breakdown=tuple(breakdown_lines(grant)) if grant else (),
        payments=payments,
        has_return=expenditure_return is not None,
        return_status=expenditure_return.status if expenditure_return else "",
        return_status_label=summary.status_label,
        is_return_sent=(
            expenditure_return is not None and expenditure_return.status != ReturnStatus.DRAFT
        ),
        cover_days=cover_days,
        cover_amount=cover_days * daily_rate,
        travel_spent=expenditure_return.travel_spent if expenditure_return else ZERO,
        other_spending=tuple(
            SpendingRow(
                label=item.get_category_display(),
                description=item.description,
                amount=item.amount,
                is_for_the_programme=item.is_for_the_programme,
            )
            for item in spending
        ),
        spent=summary.spent if expenditure_return else ZERO,
        not_for_the_programme=sum(
            (item.amount for item in spending if not item.is_for_the_programme), ZERO
        ),
    )


# What to ask the headteacher ------------------------------------------------------------------

GENERAL_QUESTIONS = (
    Question(
        "What difference has the programme made to teaching in English and maths so far?",
        "The programme is there to raise standards in English and maths.",
    ),
    Question(
        "How will the school know by the summer whether its action plan has worked?",
        "A good plan says in numbers what success looks like, and checks it during the year.",
    ),
    Question(
        "How does the leadership team share the work of the plan between its members?",
        "The programme builds leadership shared across the team, not only the headteacher.",
    ),
    Question(
        "What has the school learnt from visiting other schools?",
        "Each team member is expected to spend a day visiting other primary schools.",
    ),
)


def _questions(
    *,
    year,
    term: TermDates,
    on: datetime.date,
    team: TeamSection,
    pscl: PsclSection,
    plan: PlanSection,
    targets: TargetsSection,
    money: MoneySection,
) -> tuple[Question, ...]:
    """Three questions for the governors to ask, the most pressing first, computed from the
    report's own figures; general good questions fill any gap."""
    found: list[Question] = []
    if not plan.has_plan:
        found.append(
            Question(
                "When will the school's action plan be written, and who is writing it?",
                "The school has no action plan recorded yet.",
            )
        )
    elif plan.is_review_overdue:
        found.append(
            Question(
                "When will the leadership team next review the action plan, and what will it "
                "look at?",
                (
                    f"The plan was last reviewed on {_long_date(plan.last_reviewed_on)}."
                    if plan.last_reviewed_on
                    else "The plan has not been reviewed yet."
                )
                + f" It should be reviewed at least every {plan.review_weeks} weeks.",
            )
        )
    for target in targets.lowered:
        found.append(
            Question(
                f"Why was the {target.year} {target.subject.lower()} target lowered, and what "
                "would it take to aim higher?",
                f"The target went down from {_number(target.before)}% to "
                f"{_number(target.after)}% of pupils reaching Level 4.",
            )
        )
        break
    if pscl.is_behind:
        found.append(
            Question(
                "How will the school use the rest of its PSCL days before the year ends?",
                f"The PSCL has used {_number(pscl.days_used)} of {_number(pscl.days_planned)} "
                f"days. At an even pace it would be about {_number(pscl.days_expected_by_now)} "
                "days by now.",
            )
        )
    overdue = len(pscl.actions_overdue) + plan.actions_overdue
    if overdue:
        found.append(
            Question(
                "What is holding up the actions that are overdue, and when will they be done?",
                (
                    "1 action is past its date and not done."
                    if overdue == 1
                    else f"{overdue} actions are past their date and not done."
                ),
            )
        )
    year_over = on >= year.ends_on or term.term == Term.SUMMER
    if money.has_grant and year_over and not money.is_return_sent:
        found.append(
            Question(
                "Has the school sent the LEA its account of how the grant was spent?",
                "Every school must account for its grant: cover days used, travel and "
                "other spending.",
            )
        )
    elif money.has_grant and money.is_return_sent and money.unspent and money.unspent > 0:
        found.append(
            Question(
                "How will the rest of the grant be used for the programme?",
                f"The school has accounted for {gbp(money.spent)} of the "
                f"{gbp(money.school_amount)} it receives: {gbp(money.unspent)} is not yet spent.",
            )
        )
    if money.not_for_the_programme:
        found.append(
            Question(
                "Why was some of the grant spent on things other than the programme?",
                f"{gbp(money.not_for_the_programme)} went on something other than the programme.",
            )
        )
    missing = team.members_missing_sessions
    if missing:
        found.append(
            Question(
                "How will the team members who missed training catch up?",
                f"{len(missing)} of {len(team.members)} team members missed at least one of "
                f"the {len(team.sessions_held)} training sessions held so far.",
            )
        )
    latest = targets.latest_results
    if latest is not None:
        for subject, result, target in (
            ("English", latest.english, latest.english_target),
            ("maths", latest.maths, latest.maths_target),
        ):
            if result is not None and target is not None and result < target:
                found.append(
                    Question(
                        f"What is the school doing to close the gap in {subject}?",
                        f"In {latest.year}, {_number(result)}% of pupils reached Level 4 in "
                        f"{subject}, against a target of {_number(target)}%.",
                    )
                )
                break
    for general in GENERAL_QUESTIONS:
        if len(found) >= QUESTION_COUNT:
            break
        found.append(general)
    return tuple(found[:QUESTION_COUNT])


def governor_report(
    *, school: School, programme_year, term: str, today: datetime.date
) -> GovernorReport:
    """The governor progress report of `school` for `term` of `programme_year`, describing the
    term up to `reports.terms.report_date(programme_year, term, today)`. Raises
    `NoPlace` if the school has no place in the year. A fixed number of queries, whatever the
    amount of data."""
    participation = (
        Participation.objects.select_related("school", "programme_year")
        .filter(school=school, programme_year=programme_year)
        .first()
    )
    if participation is None:
        raise NoPlace(f"{school.name} has no place in {programme_year.name}: no report to make.")
    year = participation.programme_year
    dates = term_dates(year, term)
    on = report_date(year, term, today)
    team = _team_section(participation, on=on)
    pscl = _pscl_section(participation, term=dates, on=on)
    plan = _plan_section(participation, on=on)
    targets = _targets_section(participation, on=on)
    money = _money_section(participation, on=on)
    return GovernorReport(
        school_name=participation.school.name,
        programme_year_name=year.name,
        term=dates,
        report_date=on,
        is_term_over=on >= dates.ends_on,
        participation=_participation_section(participation),
        team=team,
        pscl=pscl,
        plan=plan,
        targets=targets,
        money=money,
        questions=_questions(
            year=year,
            term=dates,
            on=on,
            team=team,
            pscl=pscl,
            plan=plan,
            targets=targets,
            money=money,
        ),
    )


def governor_report_filename(report: GovernorReport, *, version: int) -> str:
    """E.g. "millfield-primary-school-autumn-2004-v2.pdf"."""
    term = report.term.term.lower()
    return f"{slugify(report.school_name)}-{term}-{report.term.starts_on.year}-v{version}.pdf"


def governor_report_context(report: GovernorReport) -> dict:
    """The body template's context: the report and its two charts (SVG, "" when there is
    nothing to draw)."""
    return {
        "report": report,
        "days_chart": pscl_days_chart_svg(
            used=report.pscl.days_used,
            planned=report.pscl.days_planned,
            school_name=report.school_name,
            chart_id="governor-days-chart",
        ),
        "results_chart": results_targets_chart_svg(
            report.targets.results,
            school_name=report.school_name,
            chart_id="governor-results-chart",
        ),
    }


def build_governor_report(run: ReportRun, *, today: datetime.date) -> ReportContent:
    """The content of a governor report run (see `reports.content`)."""
    if run.kind != ReportKind.GOVERNOR:
        raise ValueError(f"Not a governor report: {run.kind}")
    report = governor_report(
        school=run.school, programme_year=run.programme_year, term=run.term, today=today
    )
    return ReportContent(
        title=report.title,
        template_name=TEMPLATE_NAME,
        context=governor_report_context(report),
        filename=governor_report_filename(report, version=run.version),
    )
