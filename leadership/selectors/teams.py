"""Reads of leadership teams and their time, training events, registers and missed sessions,
and school-to-school visits, shared by the pages and the reports.

Each function runs a fixed number of queries whatever the size of the teams, the registers or
the cohort: sums are computed in the database, related rows come in one query each.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import apnumber
from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from schools.models import School

from ..models import (
    LeadershipTeamMember,
    MemberRole,
    Participation,
    ParticipationStatus,
    ProgrammeYear,
    SchoolActivity,
    SchoolVisit,
    TrainingAttendance,
    TrainingEvent,
    TrainingSession,
)
from ..models.programme import PLACE_HOLDING_STATUSES
from ..models.teams import (
    EXPECTED_SCHOOL_BASED_DAYS,
    EXPECTED_TRAINING_DAYS,
    EXPECTED_VISITING_DAYS,
)

#: DOMAIN.md: each of the three central sessions is a half day.
DAYS_PER_SESSION = Decimal("0.5")
#: The order in which a team is listed: the head first.
ROLE_ORDER = {role.value: position for position, role in enumerate(MemberRole)}
#: The participations whose attendance the missed-sessions page checks.
MISSED_SESSIONS_STATUSES = (
    ParticipationStatus.ACCEPTED,
    ParticipationStatus.ACTIVE,
    ParticipationStatus.COMPLETED,
)
#: How many schools a host-school search shows at most.
HOST_SEARCH_LIMIT = 20

_DAYS = DecimalField(max_digits=5, decimal_places=1)
_ZERO_DAYS = Value(Decimal("0.0"), output_field=_DAYS)


# Teams and their time ------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeCommitment:
    """Days given against days expected, for one kind of programme time."""

    done: Decimal
    expected: Decimal

    @property
    def is_complete(self) -> bool:
        return self.done >= self.expected


@dataclass(frozen=True)
class MemberTime:
    """A team member and the time they have given (DOMAIN.md: three half-days of training, one
    day visiting other schools, two and a half days of school-based activity)."""

    member: LeadershipTeamMember
    training: TimeCommitment
    visiting: TimeCommitment
    school_based: TimeCommitment
    sessions_attended: int

    @property
    def is_complete(self) -> bool:
        return all(
            commitment.is_complete
            for commitment in (self.training, self.visiting, self.school_based)
        )


def _sum_per_member(queryset: QuerySet, *, group: str, field: str) -> Coalesce:
    """The sum of `field` over the rows of `queryset` that belong to the member of the outer
    query, zero when there are none."""
    total = (
        queryset.filter(**{group: OuterRef("pk")})
        .order_by()
        .values(group)
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=_DAYS), _ZERO_DAYS)


def team_time(participation: Participation) -> tuple[MemberTime, ...]:
    """Each current member of the participation's team (former members are archived), the
    head first, with the days they have given:
    training is half a day for each session (1, 2 or 3) at which they were marked present;
    visiting is the days of the school-to-school visits they went on; school-based is the days
    of activity logged for them. One query, whatever the size of the team."""
    sessions = (
        TrainingAttendance.objects.filter(member=OuterRef("pk"), is_present=True)
        .order_by()
        .values("member")
        .annotate(sessions=Count("event__session", distinct=True))
        .values("sessions")
    )
    members = (
        LeadershipTeamMember.objects.active()
        .filter(participation=participation)
        .annotate(
            sessions_attended=Coalesce(
                Subquery(sessions, output_field=IntegerField()),
                Value(0, output_field=IntegerField()),
            ),
            visiting_days=_sum_per_member(
                SchoolVisit.objects.active(), group="members", field="days"
            ),
            school_based_days=_sum_per_member(
                SchoolActivity.objects.all(), group="member", field="days"
            ),
        )
    )
    ordered = sorted(members, key=lambda m: (ROLE_ORDER[m.role], m.full_name.lower(), m.pk))
    return tuple(
        MemberTime(
            member=member,
            training=TimeCommitment(
                done=DAYS_PER_SESSION * member.sessions_attended, expected=EXPECTED_TRAINING_DAYS
            ),
            visiting=TimeCommitment(done=member.visiting_days, expected=EXPECTED_VISITING_DAYS),
            school_based=TimeCommitment(
                done=member.school_based_days, expected=EXPECTED_SCHOOL_BASED_DAYS
            ),
            sessions_attended=member.sessions_attended,
        )
        for member in ordered
    )


def funded_team_size(participation: Participation) -> int | None:
    """The team the programme funds for the school: the year's large team (head + 3) for a
    school with more pupils than the year's small-school limit, its small team (head + 1)
    otherwise (DOMAIN.md: Funding). None when the school's number on roll is not recorded."""
    pupils = participation.school.number_on_roll
    if pupils is None:
        return None
    year = participation.programme_year
    if pupils > year.small_school_max_pupils:
        return year.large_team_size
    return year.small_team_size


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def funded_team_description(participation: Participation) -> str | None:
    """The funded team in words: "The funded team for a school of 118 pupils is 2 people: the
    headteacher and one other teacher." None when the number on roll is not recorded."""
    size = funded_team_size(participation)
    if size is None:
        return None
    pupils = participation.school.number_on_roll
    others = size - 1
    if others <= 0:
        who = "the headteacher"
    elif pupils > participation.programme_year.small_school_max_pupils:
        who = f"the headteacher and {apnumber(others)} senior staff"
    else:
        who = f"the headteacher and {apnumber(others)} other teacher{'s' if others > 1 else ''}"
    return (
        f"The funded team for a school of {pupils} pupil{'s' if pupils != 1 else ''} "
        f"is {_people(size)}: {who}."
    )


@dataclass(frozen=True)
class TeamOverview:
    """What the team page shows: the members and their time, the funded team size and
    whether this team matches it, and the school-based activity logged, newest first."""

    participation: Participation
    members: tuple[MemberTime, ...]
    funded_size: int | None
    funded_description: str | None
    activities: tuple[SchoolActivity, ...]
    #: Members who have left the team (archived), kept for the record.
    former_members: tuple[LeadershipTeamMember, ...] = ()

    expected_training = EXPECTED_TRAINING_DAYS
    expected_visiting = EXPECTED_VISITING_DAYS
    expected_school_based = EXPECTED_SCHOOL_BASED_DAYS

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def has_headteacher(self) -> bool:
        return any(m.member.role == MemberRole.HEADTEACHER for m in self.members)

    @property
    def differs_from_funded(self) -> bool:
        return self.funded_size is not None and self.size != self.funded_size

    @property
    def size_message(self) -> str | None:
        """The funded team and this team's size, when the two differ."""
        if not self.differs_from_funded:
            return None
        return f"{self.funded_description} This team has {self.size}."


def team_overview(participation: Participation) -> TeamOverview:
    """Everything the team page shows for `participation`, in three queries whatever the size
    of the team. The participation must come with its school and programme year."""
    activities = (
        SchoolActivity.objects.filter(member__participation=participation)
        .select_related("member")
        .order_by("-done_on", "-pk")
    )
    return TeamOverview(
        participation=participation,
        members=team_time(participation),
        funded_size=funded_team_size(participation),
        funded_description=funded_team_description(participation),
        activities=tuple(activities),
        former_members=tuple(
            LeadershipTeamMember.objects.archived()
            .filter(participation=participation)
            .order_by("-archived_at", "full_name")
        ),
    )


# Training events, registers and missed sessions ---------------------------------------------


def training_years_visible_to(user) -> QuerySet[ProgrammeYear]:
    """The programme years whose training `user` may see: the scope of
    `TrainingEvent.objects.visible_to`, for years that have no event yet as well."""
    years = ProgrammeYear.objects.visible_to(user)
    if user.is_authenticated and user.is_school_member:
        years = years.filter(
            participations__school_id=user.school_id,
            participations__status__in=PLACE_HOLDING_STATUSES,
        )
    return years


def training_event_list(*, programme_year: ProgrammeYear, user) -> QuerySet[TrainingEvent]:
    """The year's training events that `user` may see, by session and date, each with the
    number on its register (`registered`) and the number marked present (`present`)."""
    return (
        TrainingEvent.objects.visible_to(user)
        .filter(programme_year=programme_year)
        .annotate(
            registered=Count("register"),
            present=Count("register", filter=Q(register__is_present=True)),
        )
        .order_by("session", "held_on", "pk")
    )


@dataclass(frozen=True)
class RegisterLine:
    """A line of a register as the register page shows it."""

    line: TrainingAttendance
    name: str
    school: School | None
    role: str

    @property
    def is_present(self) -> bool:
        return self.line.is_present


@dataclass(frozen=True)
class Register:
    """An event's register as `user` may see it (`lines`), with the whole register's count,
    present count and whether it holds more people than the event's capacity."""

    event: TrainingEvent
    lines: tuple[RegisterLine, ...]
    registered: int
    present: int

    @property
    def over_capacity_by(self) -> int:
        return max(self.registered - self.event.capacity, 0)


def training_register(*, event: TrainingEvent, user) -> Register:
    """The event's register: the team members of the schools `user` may see, by school, head
    first; then, for LEA staff and admins, the PSCLs. Two queries, whatever its length."""
    totals = event.register.aggregate(
        registered=Count("pk"), present=Count("pk", filter=Q(is_present=True))
    )
    visible = Q(member__participation__in=Participation.objects.visible_to(user))
    if user.is_admin or user.is_lea_staff:
        visible |= Q(consultant__isnull=False)
    lines = event.register.filter(visible).select_related(
        "member__participation__school", "consultant"
    )
    members, consultants = [], []
    for line in lines:
        if line.member is not None:
            members.append(
                RegisterLine(
                    line=line,
                    name=line.member.full_name,
                    school=line.member.participation.school,
                    role=line.member.get_role_display(),
                )
            )
        else:
            consultants.append(
                RegisterLine(line=line, name=line.consultant.full_name, school=None, role="PSCL")
            )
    members.sort(
        key=lambda r: (r.school.name, ROLE_ORDER[r.line.member.role], r.name.lower(), r.line.pk)
    )
    consultants.sort(key=lambda r: (r.name.lower(), r.line.pk))
    return Register(
        event=event,
        lines=tuple(members + consultants),
        registered=totals["registered"],
        present=totals["present"],
    )


@dataclass(frozen=True)
class SessionProblem:
    """A session a school missed (no member present at any of its events) or did not attend as
    a team (some members absent, or members present at different events)."""

    session: TrainingSession
    is_missed: bool
    absent: tuple[str, ...]
    attended: tuple[tuple[str, TrainingEvent], ...]

    @property
    def events(self) -> tuple[TrainingEvent, ...]:
        return tuple(dict.fromkeys(event for _, event in self.attended))


@dataclass(frozen=True)
class SchoolSessions:
    """A school whose team missed a session or did not attend one together."""

    participation: Participation
    problems: tuple[SessionProblem, ...]


def sessions_held(programme_year: ProgrammeYear, *, today: datetime.date) -> list[int]:
    """The year's sessions whose every event has taken place by `today`: until the last event of
    a session, a school may still attend it."""
    last_held = dict(
        TrainingEvent.objects.filter(programme_year=programme_year)
        .order_by()
        .values("session")
        .annotate(last=Max("held_on"))
        .values_list("session", "last")
    )
    return sorted(session for session, last in last_held.items() if last <= today)


def missed_sessions(
    *, programme_year: ProgrammeYear, user, today: datetime.date
) -> tuple[list[int], tuple[SchoolSessions, ...]]:
    """The sessions held by `today` and, among the schools `user` may see that accepted, took up
    or completed a place in the year, those that missed a held session or whose team did not
    attend it together, by school name. A team with no members misses every session. Four
    queries, whatever the size of the cohort."""
    held = sessions_held(programme_year, today=today)
    if not held:
        return held, ()
    participations = list(
        Participation.objects.visible_to(user)
        .filter(programme_year=programme_year, status__in=MISSED_SESSIONS_STATUSES)
        .select_related("school")
        .prefetch_related(Prefetch("team_members", queryset=LeadershipTeamMember.objects.active()))
        .order_by("school__name", "pk")
    )
    presences = (
        TrainingAttendance.objects.filter(
            event__programme_year=programme_year,
            event__session__in=held,
            is_present=True,
            member__participation__in=[p.pk for p in participations],
            member__archived_at__isnull=True,
        )
        .select_related("event")
        .order_by("event__held_on", "event__pk")
    )
    # (participation, session) -> member id -> events at which the member was present
    present_at: dict[tuple[int, int], dict[int, list[TrainingEvent]]] = defaultdict(
        lambda: defaultdict(list)
    )
    member_participation = {m.pk: p.pk for p in participations for m in p.team_members.all()}
    for presence in presences:
        key = (member_participation[presence.member_id], presence.event.session)
        present_at[key][presence.member_id].append(presence.event)
    schools = []
    for participation in participations:
        team = sorted(
            participation.team_members.all(),
            key=lambda m: (ROLE_ORDER[m.role], m.full_name.lower(), m.pk),
        )
        problems = []
        for session in held:
            present = present_at.get((participation.pk, session), {})
            absent = tuple(m.full_name for m in team if m.pk not in present)
            attended = tuple((m.full_name, event) for m in team for event in present.get(m.pk, []))
            events = {event.pk for _, event in attended}
            if not present or absent or len(events) > 1:
                problems.append(
                    SessionProblem(
                        session=TrainingSession(session),
                        is_missed=not present,
                        absent=absent,
                        attended=attended,
                    )
                )
        if problems:
            schools.append(SchoolSessions(participation=participation, problems=tuple(problems)))
    return held, tuple(schools)


# School-to-school visits ---------------------------------------------------------------------


@dataclass(frozen=True)
class VisitRow:
    """A visit as the visits page shows it. `host_is_visible` says whether the user may open
    the host school's background file: only its name, URN and LEA are shown otherwise."""

    visit: SchoolVisit
    members: tuple[LeadershipTeamMember, ...]
    host_is_visible: bool


@dataclass(frozen=True)
class VisitList:
    participation: Participation
    visits: tuple[VisitRow, ...]

    @property
    def outside_locality(self) -> int:
        """Visits outside the school's locality: what the travel grant pays for."""
        return sum(1 for row in self.visits if row.visit.is_outside_locality)

    @property
    def days(self) -> Decimal:
        return sum((row.visit.days for row in self.visits), Decimal("0.0"))


def school_visit_list(*, participation: Participation, user) -> VisitList:
    """The participation's school-to-school visits (not those removed: archived), newest first,
    with the members who went and their hosts. Three queries, whatever the number of visits."""
    visits = list(
        SchoolVisit.objects.active()
        .filter(participation=participation)
        .select_related("host_school__local_authority")
        .prefetch_related("members")
        .order_by("-visited_on", "-pk")
    )
    visible_hosts = set(
        School.objects.visible_to(user)
        .filter(pk__in={visit.host_school_id for visit in visits})
        .values_list("pk", flat=True)
    )
    return VisitList(
        participation=participation,
        visits=tuple(
            VisitRow(
                visit=visit,
                members=tuple(
                    sorted(
                        visit.members.all(),
                        key=lambda m: (ROLE_ORDER[m.role], m.full_name.lower(), m.pk),
                    )
                ),
                host_is_visible=visit.host_school_id in visible_hosts,
            )
            for visit in visits
        ),
    )


def host_school_search(query: str, *, limit: int = HOST_SEARCH_LIMIT) -> list[School]:
    """Schools anywhere in England whose name contains `query`, or whose URN it is, by name:
    the host of a school-to-school visit may be any school. The register of school names and
    URNs is public (GIAS), so the search runs over all schools; only the name, URN and LEA are
    loaded, and the caller shows nothing else."""
    query = query.strip()
    if not query:
        return []
    condition = Q(name__icontains=query)
    if query.isdigit():
        condition |= Q(urn=int(query))
    return list(
        School.objects.filter(condition)
        .select_related("local_authority")
        .only("name", "urn", "local_authority__name", "local_authority__code")
        .order_by("name", "urn")[:limit]
    )


def host_school_by_urn(urn: str) -> School | None:
    """The school with URN `urn` (any school in England), with its LEA; None if there is none
    or `urn` is not a number. Like `host_school_search`, for its name, URN and LEA only."""
    urn = urn.strip()
    if not urn.isdigit():
        return None
    return (
        School.objects.filter(urn=int(urn))
        .select_related("local_authority")
        .only("name", "urn", "local_authority__name", "local_authority__code")
        .first()
    )
