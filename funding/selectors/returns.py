"""Reads of expenditure returns: which participations a user may see the return of, each
return's figures (grant, spent, unspent) and its flags, and the manager's list for a year.

The flags answer Ofsted's finding that some schools put the grant into their general supply
budget and then could not send staff to training (DOMAIN.md: Funding). `return_summaries` works
them out for any number of participations in a fixed number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Role
from leadership.models import (
    LeadershipTeamMember,
    Participation,
    ProgrammeYear,
    SchoolVisit,
    TrainingAttendance,
    TrainingEvent,
)
from leadership.models.programme import PLACE_HOLDING_STATUSES

from ..grants import gbp, money
from ..models import (
    NOT_FOR_THE_PROGRAMME,
    CoverClaim,
    ExpenditureReturn,
    Grant,
    OtherSpending,
    ReturnStatus,
)

HALF_DAY = Decimal("0.5")
ZERO = Decimal("0.00")

#: The statuses the manager's list filters by; "NONE" is a school that has not started a return.
NO_RETURN = "NONE"
LIST_STATUSES = [
    (NO_RETURN, "No return"),
    *ReturnStatus.choices,
]


class FlagCode:
    UNSPENT = "UNSPENT"
    COVER_BELOW_ATTENDED = "COVER_BELOW_ATTENDED"
    TRAINING_MISSED = "TRAINING_MISSED"
    NOT_FOR_PROGRAMME = "NOT_FOR_PROGRAMME"


@dataclass(frozen=True)
class ReturnFlag:
    """Something the strategy manager should look at, said in plain English."""

    code: str
    title: str
    details: tuple[str, ...]


@dataclass
class ReturnSummary:
    """One participation's return at a glance: the grant the school received (supply cover and
    travel; the PSCL is paid apart), what the return says was spent on the programme, and the
    flags."""

    participation: Participation
    expenditure_return: ExpenditureReturn | None
    grant_amount: Decimal | None
    spent: Decimal
    flags: list[ReturnFlag] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.expenditure_return.status if self.expenditure_return else NO_RETURN

    @property
    def status_label(self) -> str:
        if self.expenditure_return is None:
            return "No return"
        return self.expenditure_return.get_status_display()

    @property
    def unspent(self) -> Decimal | None:
        if self.grant_amount is None:
            return None
        return money(self.grant_amount - self.spent)


def return_participations_visible_to(user):
    """The participations holding a place whose return `user` may see: the school's
    headteacher and governors, the LEA's strategy managers, admins. PSCLs and link advisers
    see none (they do not see the money), the same as `ExpenditureReturn.visible_to`."""
    if not user.is_authenticated or not user.is_active:
        return Participation.objects.none()
    if user.role in (Role.CONSULTANT, Role.LINK_ADVISER):
        return Participation.objects.none()
    return Participation.objects.visible_to(user).filter(status__in=PLACE_HOLDING_STATUSES)


def _days(value: Decimal) -> str:
    value = Decimal(value).normalize()
    text = f"{value:f}"
    return f"{text} day" if value == 1 else f"{text} days"


def return_summaries(participations, *, today) -> dict[int, ReturnSummary]:
    """The figures and flags of each of `participations` (with `programme_year` loaded), by
    participation id, in a fixed number of queries whatever their number.

    Flags (each with the reason in words):
    - grant unspent at year end: after the year's `ends_on`, spent (cover days x the grant's
      daily rate + travel + other spending for the programme) is less than the school's grant;
    - cover days claimed fewer than the training (half a day per session attended) and the
      school-to-school visit days a team member attended;
    - training missed while the grant was claimed: a member with cover claimed who was absent
      from a session held by `today`, or on no register for it;
    - spending on anything other than the programme (`NOT_FOR_THE_PROGRAMME`).
    """
    participations = list(participations)
    ids = [p.pk for p in participations]
    if not ids:
        return {}
    returns = {
        r.participation_id: r
        for r in ExpenditureReturn.objects.filter(participation_id__in=ids).prefetch_related(
            Prefetch("cover_claims", queryset=CoverClaim.objects.order_by("pk")),
            Prefetch("other_spending", queryset=OtherSpending.objects.order_by("pk")),
        )
    }
    grants = {g.participation_id: g for g in Grant.objects.filter(participation_id__in=ids)}
    members_by_participation = defaultdict(list)
    # Current members, and former (archived) members for whom cover is claimed.
    for member in (
        LeadershipTeamMember.objects.filter(participation_id__in=ids)
        .filter(Q(archived_at__isnull=True) | Q(cover_claims__isnull=False))
        .distinct()
        .order_by("full_name")
    ):
        members_by_participation[member.participation_id].append(member)

    # Sessions held by `today` in each year, and each member's register lines.
    year_ids = {p.programme_year_id for p in participations}
    sessions_held = defaultdict(set)
    for year_id, session in (
        TrainingEvent.objects.filter(programme_year_id__in=year_ids, held_on__lte=today)
        .values_list("programme_year_id", "session")
        .distinct()
    ):
        sessions_held[year_id].add(session)
    present_sessions = defaultdict(set)
    absent_sessions = defaultdict(set)
    for member_id, session, is_present in TrainingAttendance.objects.filter(
        member__participation_id__in=ids, event__held_on__lte=today
    ).values_list("member_id", "event__session", "is_present"):
        (present_sessions if is_present else absent_sessions)[member_id].add(session)
    visit_days = defaultdict(lambda: Decimal("0"))
    for member_id, days in SchoolVisit.members.through.objects.filter(
        schoolvisit__participation_id__in=ids, schoolvisit__archived_at__isnull=True
    ).values_list("leadershipteammember_id", "schoolvisit__days"):
        visit_days[member_id] += days

    summaries = {}
    for participation in participations:
        expenditure_return = returns.get(participation.pk)
        grant = grants.get(participation.pk)
        claims = list(expenditure_return.cover_claims.all()) if expenditure_return else []
        spending = list(expenditure_return.other_spending.all()) if expenditure_return else []
        daily_rate = grant.daily_rate if grant else ZERO
        cover_days = sum((c.days for c in claims), Decimal("0"))
        spent = money(
            cover_days * daily_rate
            + (expenditure_return.travel_spent if expenditure_return else ZERO)
            + sum((s.amount for s in spending if s.category not in NOT_FOR_THE_PROGRAMME), ZERO)
        )
        summary = ReturnSummary(
            participation=participation,
            expenditure_return=expenditure_return,
            grant_amount=grant.school_amount if grant else None,
            spent=spent,
        )
        year = participation.programme_year
        if grant is not None and today > year.ends_on and spent < grant.school_amount:
            summary.flags.append(
                ReturnFlag(
                    FlagCode.UNSPENT,
                    "Grant unspent at year end",
                    (
                        f"The year ended on {year.ends_on:%-d %B %Y}. The school received "
                        f"{gbp(grant.school_amount)} for supply cover and travel and has "
                        f"accounted for {gbp(spent)} spent on the programme: "
                        f"{gbp(grant.school_amount - spent)} is unspent.",
                    ),
                )
            )
        if expenditure_return is not None:
            claimed = {c.member_id: c.days for c in claims}
            members = members_by_participation[participation.pk]
            short = []
            missed = []
            for member in members:
                training = HALF_DAY * len(present_sessions[member.pk])
                visits = visit_days[member.pk]
                attended = training + visits
                days = claimed.get(member.pk, Decimal("0"))
                if days < attended:
                    short.append(
                        f"{member.full_name}: attended {_days(attended)} "
                        f"({_days(training)} of training, {_days(visits)} of visits to other "
                        f"schools) but cover is claimed for {_days(days)}."
                    )
                if days > 0:
                    for session in sorted(sessions_held[year.pk] - present_sessions[member.pk]):
                        if session in absent_sessions[member.pk]:
                            how = "was absent from"
                        else:
                            how = "is on no register for"
                        missed.append(
                            f"{member.full_name} {how} training session {session}, "
                            f"though {_days(days)} of cover is claimed for them."
                        )
            if short:
                summary.flags.append(
                    ReturnFlag(
                        FlagCode.COVER_BELOW_ATTENDED,
                        "Cover days claimed are fewer than the training and visits attended",
                        tuple(short),
                    )
                )
            if missed:
                summary.flags.append(
                    ReturnFlag(
                        FlagCode.TRAINING_MISSED,
                        "Training missed while the grant was claimed",
                        tuple(missed),
                    )
                )
            elsewhere = [s for s in spending if s.category in NOT_FOR_THE_PROGRAMME]
            if elsewhere:
                summary.flags.append(
                    ReturnFlag(
                        FlagCode.NOT_FOR_PROGRAMME,
                        "Spending on something other than the programme",
                        tuple(
                            f"{gbp(s.amount)}: {s.get_category_display().lower()} "
                            f"({s.description})."
                            for s in elsewhere
                        ),
                    )
                )
        summaries[participation.pk] = summary
    return summaries


def return_members(participation) -> QuerySet[LeadershipTeamMember]:
    """The team members a return claims cover for, by name: the current members, and former
    (archived) members for whom cover is already claimed, so that leaving the team does not
    lose a claim."""
    return (
        LeadershipTeamMember.objects.filter(participation=participation)
        .filter(Q(archived_at__isnull=True) | Q(cover_claims__isnull=False))
        .distinct()
        .order_by("full_name")
    )


def return_summary(participation, *, today) -> ReturnSummary:
    """The figures and flags of one participation's return."""
    return return_summaries([participation], today=today)[participation.pk]


@dataclass
class ReturnList:
    rows: list[ReturnSummary]
    total_schools: int

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.flags)


def return_list(
    *, programme_year: ProgrammeYear, today, status: str = "", flagged_only: bool = False
) -> ReturnList:
    """Every school holding a place in `programme_year`, with its return's status, grant, spent,
    unspent and flags; optionally only those of one status (`NO_RETURN` for no return) or only
    the flagged ones. A fixed number of queries whatever the number of schools."""
    participations = (
        Participation.objects.filter(
            programme_year=programme_year, status__in=PLACE_HOLDING_STATUSES
        )
        .select_related("school", "programme_year")
        .order_by("school__name")
    )
    total = len(participations)
    participations = list(participations)
    summaries = return_summaries(participations, today=today)
    rows = [summaries[p.pk] for p in participations]
    if status:
        rows = [row for row in rows if row.status == status]
    if flagged_only:
        rows = [row for row in rows if row.flags]
    return ReturnList(rows=rows, total_schools=total)


@dataclass(frozen=True)
class Decision:
    """One step of a return's life: submitted, queried or approved, when, by whom."""

    status: str
    label: str
    at: object
    by: object
    message: str


def return_history(expenditure_return: ExpenditureReturn) -> list[Decision]:
    """Each submission and each decision on the return, oldest first, from its history (the
    records where the status changed)."""
    decisions = []
    previous = None
    records = expenditure_return.history.order_by("history_date", "history_id").select_related(
        "submitted_by", "decided_by"
    )
    for record in records:
        if record.status != previous and record.status != ReturnStatus.DRAFT:
            if record.status == ReturnStatus.SUBMITTED:
                at, by, message = record.submitted_at, record.submitted_by, ""
            else:
                at, by = record.decided_at, record.decided_by
                message = record.query_message if record.status == ReturnStatus.QUERIED else ""
            decisions.append(
                Decision(
                    status=record.status,
                    label=ReturnStatus(record.status).label,
                    at=at,
                    by=by,
                    message=message,
                )
            )
        previous = record.status
    return decisions
