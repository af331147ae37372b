"""Demo data for the programme year, loaded by `manage.py seed_demo` after the schools and the
log-ins.

For each demo LEA: last year, 2003-04, finished (most schools completed, a few judged not yet
making the progress they can, a few declined with their reasons); and this year, 2004-05, under
way on the demo's "today", `DEMO_TODAY`: about thirty schools at every step of the workflow, each
step a recorded transition by the strategy manager; leadership teams, the three training
sessions with their registers, school-to-school visits, school-based activity, and action plans
of varying quality. The demo headteacher's school has everything a demonstration shows, from a
plan that the plan check flags to a concern escalated to the link adviser.

Dates are real dates: this year's work lies between the start of the year and `DEMO_TODAY`
(selection and invitations in the summer term before it). Every row is found by its natural key
and written only when it differs (`accounts.demo.upsert`); every random choice comes from the
generator the caller passes or from factory-boy's, both seeded by the command, and none depends
on what the database already holds, so seeding again changes nothing.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from accounts.demo import EMAIL_LOCAL_PARTS, upsert, upsert_all
from accounts.models import Role, User
from schools.demo import SeededLea
from schools.models import (
    KeyStage,
    KeyStageResult,
    LocalAuthority,
    OfstedCategory,
    School,
    ValueAdded,
)

from .factories import (
    ActionPlanFactory,
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    ProgrammeYearFactory,
    SchoolActivityFactory,
    TrainingEventFactory,
)
from .models import (
    Action,
    ActionPlan,
    ActionStatus,
    Concern,
    ConcernEscalation,
    ConcernLevel,
    ConcernSeverity,
    GoodPractice,
    LeadershipTeamMember,
    MemberRole,
    Note,
    OfstedKind,
    Participation,
    ParticipationStatus,
    ParticipationTransition,
    PlanPriority,
    PlanReview,
    PriorityArea,
    ProgrammeYear,
    ReviewProgress,
    SchoolActivity,
    SchoolVisit,
    SelectionFlag,
    SuccessCriterion,
    TrainingAttendance,
    TrainingEvent,
    Watch,
)

Status = ParticipationStatus

#: The demo's "today": the data describes the programme as it stood at the end of this day.
DEMO_TODAY = datetime.date(2004, 11, 26)


@dataclass(frozen=True)
class YearSpec:
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    funded_places: int
    reserve_places: int


PREVIOUS_YEAR = YearSpec("2003-04", datetime.date(2003, 9, 1), datetime.date(2004, 7, 31), 10, 0)
CURRENT_YEAR = YearSpec("2004-05", datetime.date(2004, 9, 1), datetime.date(2005, 7, 31), 34, 3)

#: Last year's schools: how many were approached, and of those how many declined or were
#: judged not yet making the progress they can (selection criterion 1 this year).
PREVIOUS_SCHOOLS = 12
PREVIOUS_DECLINED = 3
PREVIOUS_NOT_PROGRESSING = 3
#: This year's schools by status; the demo school, last year's schools not yet progressing and
#: two of last year's decliners are among the active ones (DOMAIN.md: approach them first).
CURRENT_STATUSES = {
    Status.ACTIVE: 19,
    Status.ACCEPTED: 3,
    Status.INVITED: 3,
    Status.DECLINED: 2,
    Status.WITHDRAWN: 1,
    Status.IDENTIFIED: 2,
}


@dataclass(frozen=True)
class LeaProgramme:
    """What differs between the demo LEAs' programmes."""

    #: Whether the demo headteacher's school took part last year (and is not yet progressing).
    demo_school_took_part: bool
    #: The two venues at which each central session is delivered.
    venues: tuple[str, str]


LEA_PROGRAMMES = {
    "991": LeaProgramme(
        demo_school_took_part=False,
        venues=("Professional Development Centre, Darlington", "Town Hall, Bishop Auckland"),
    ),
    "992": LeaProgramme(
        demo_school_took_part=True,
        venues=("Teachers' Centre, Taunton", "Blake Hall, Bridgwater"),
    ),
}

#: Each session is delivered twice, locally; half the schools go to each delivery.
SESSION_DATES = {
    1: (datetime.date(2004, 9, 23), datetime.date(2004, 9, 28)),
    2: (datetime.date(2004, 10, 14), datetime.date(2004, 10, 19)),
    3: (datetime.date(2004, 11, 16), datetime.date(2004, 11, 18)),
}
#: The PSCL goes to the first delivery of each session (attendance is recommended, not
#: required) and missed session 2.
PSCL_PRESENT = {1: True, 2: False, 3: True}

DECLINE_REASONS = (
    "The headteacher retires at Christmas; the governors would rather the new head decides.",
    "Two teachers are on maternity leave, so senior staff cannot be released for training.",
    "The school has just come out of special measures and wants to consolidate first.",
    "The deputy teaches full time and the governors judged supply cover would not free her.",
)
DECLINED_AGAIN_REASON = (
    "Declined again: the head would rather the staff follow the LEA's own leadership course."
)
WITHDRAWAL_REASON = (
    "The headteacher left at half term; the governors asked to withdraw until a new head is in "
    "post."
)
SELECTION_REASONS = (
    "KS2 maths is 9 points below the 2005 target; a new head needs support to close the gap.",
    "Writing at KS2 has fallen two years running; the 2006 target is out of reach without help.",
    "A large Year 5 cohort with weak reading: the programme would help reach the 2006 target.",
)
ACTIVITY_DESCRIPTIONS = (
    "Planning meeting with the PSCL: agreed the plan's priorities and success criteria.",
    "Observed Year 5 maths lessons with the PSCL and gave feedback.",
    "Analysed the Year 6 optional test results with the English co-ordinator.",
    "Led a staff meeting on tracking pupils' progress in writing.",
    "Scrutinised Year 3 and Year 4 writing books with the PSCL.",
    "Leadership team meeting: reviewed progress against the action plan.",
)
VISIT_PURPOSES = (
    "See how the host school tracks pupils' progress in writing each half term.",
    "Watch guided reading in Years 3 and 4 and talk to the English co-ordinator.",
    "Learn how the host school's leadership team shares the monitoring of teaching.",
    "See a mental maths starter taught across Key Stage 2 and its assessment.",
)
TITLES = frozenset({"Mr", "Mrs", "Ms", "Miss", "Dr"})


@dataclass(frozen=True)
class Staff:
    """The demo LEA's people the programme's records name."""

    manager: User
    link_adviser: User
    pscl: User
    headteacher: User


@dataclass
class SeededProgramme:
    """An LEA's programme as seeded: its two years and this year's schools by status."""

    lea: LocalAuthority
    previous_year: ProgrammeYear
    current_year: ProgrammeYear
    current_statuses: Counter = field(default_factory=Counter)


def seed_leadership(*, seeded_leas: list[SeededLea], rng: random.Random) -> list[SeededProgramme]:
    """Create or update last year's and this year's programme of each seeded LEA, with every
    record a demonstration shows.

    Needs the LEAs' schools (`schools.demo.seed_schools`) and demo log-ins
    (`accounts.demo.seed_users`). Deterministic for a given state of `rng` and of factory-boy's
    random generator; writes only what differs from the database.
    """
    result = []
    for seeded in seeded_leas:
        other_schools = [
            school for other in seeded_leas if other is not seeded for school in other.schools
        ]
        result.append(_seed_lea(seeded, other_schools, rng))
    return result


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


def _working_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days = (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5]


def _time_on(rng: random.Random, day: datetime.date) -> datetime.datetime:
    return _at(day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)))


def _built(factory, **attributes) -> dict[str, Any]:
    """The field values of the row `factory` builds with `attributes`: the factory's defaults
    wherever the seed says nothing. Automatic timestamps are left to `_stamp`; a cache version
    (`accounts.versioning`) to its writer, as a new random one would differ on every seed."""
    row = factory.build(**attributes)
    return {
        model_field.name: getattr(row, model_field.name)
        for model_field in row._meta.concrete_fields
        if not model_field.primary_key
        and not getattr(model_field, "auto_now", False)
        and not getattr(model_field, "auto_now_add", False)
        and model_field.name != getattr(row, "version_field", None)
    }


def _upsert_built(model, factory, *, keys: tuple[str, ...], **attributes):
    values = _built(factory, **attributes)
    lookup = {key: values.pop(key) for key in keys}
    return upsert(model, lookup=lookup, values=values)[0]


def _stamp(obj: models.Model, **timestamps: datetime.datetime) -> None:
    """Give `obj` the demo's dates in fields that every save sets to now (`auto_now_add`,
    `auto_now`), with an update that only a difference triggers."""
    changed = {name: value for name, value in timestamps.items() if getattr(obj, name) != value}
    if changed:
        type(obj)._default_manager.filter(pk=obj.pk).update(**changed)
        for name, value in changed.items():
            setattr(obj, name, value)


def _staff(lea, demo_school: School) -> Staff:
    """The demo users of `lea`, found by the addresses `accounts.demo.seed_users` gives them."""
    domain = f"{lea.name.lower()}.example.org"
    roles = {
        "manager": Role.MANAGER,
        "link_adviser": Role.LINK_ADVISER,
        "pscl": Role.CONSULTANT,
        "headteacher": Role.HEADTEACHER,
    }
    emails = {name: f"{EMAIL_LOCAL_PARTS[role]}@{domain}" for name, role in roles.items()}
    users = {user.email: user for user in User.objects.filter(email__in=emails.values())}
    staff = Staff(**{name: users[email] for name, email in emails.items()})
    if staff.headteacher.school_id != demo_school.pk:
        raise ValueError(f"{staff.headteacher} is not the head of {demo_school}.")
    return staff


def _need_order(schools: list[School], rng: random.Random) -> list[School]:
    """The LEA's schools, neediest first: by latest KS1-2 value added to 2004, give or take the
    LEA's own knowledge (a little noise). Reads the value-added records, not the schools' derived
    figures, which are refreshed only once the seed commits."""
    latest = dict(
        ValueAdded.objects.filter(school__in=schools, year__lte=2004)
        .exclude(score=None)
        .order_by("school_id", "year")
        .values_list("school_id", "score")
    )
    return sorted(schools, key=lambda school: float(latest.get(school.pk, 100)) + rng.gauss(0, 0.4))


@dataclass
class _Place:
    """A school's place in a year as planned: its steps through the workflow, each (status,
    when, reason)."""

    school: School
    status: Status
    steps: list[tuple[Status, datetime.datetime, str]]
    ofsted_kind: int | None = None
    is_not_yet_progressing: bool = False
    is_good_practice: bool = False

    def on(self, status: Status) -> datetime.date | None:
        return next((when.date() for step, when, _ in self.steps if step == status), None)

    @property
    def reason(self) -> str:
        return self.steps[-1][2] if self.status in (Status.DECLINED, Status.WITHDRAWN) else ""


def _seed_lea(
    seeded: SeededLea, other_schools: list[School], rng: random.Random
) -> SeededProgramme:
    spec = LEA_PROGRAMMES[seeded.lea.code]
    staff = _staff(seeded.lea, seeded.demo_school)
    order = _need_order(seeded.schools, rng)

    previous_places = _plan_previous_year(order, seeded.demo_school, spec, rng)
    current_places, unplaced = _plan_current_year(order, seeded.demo_school, previous_places, rng)
    _assign_ofsted_kinds([*previous_places, *current_places], seeded.demo_school, rng)

    previous_year = _seed_year(seeded.lea, PREVIOUS_YEAR)
    current_year = _seed_year(seeded.lea, CURRENT_YEAR)
    previous = _seed_participations(previous_year, previous_places, staff)
    current = _seed_participations(current_year, current_places, staff)

    _seed_good_practice(previous_places, previous, staff)
    _seed_selection_flags(current_year, current_places, unplaced, staff)

    teams = _seed_teams(current_places, current, seeded.demo_school, rng)
    # Last year's teams, from a generator of their own so that this year's draws stay as they
    # were: the expenditure returns of last year claim cover for each member.
    _seed_teams(
        previous_places,
        previous,
        seeded.demo_school,
        random.Random(f"{seeded.lea.code}-2003-04"),  # noqa: S311
    )
    attending = [
        place for place in current_places if place.status in (Status.ACTIVE, Status.WITHDRAWN)
    ]
    _seed_training(current_year, spec, attending, teams, seeded.demo_school, staff, rng)
    placed = {place.school for place in current_places}
    hosts = [school for school in order if school not in placed]
    active = [place for place in current_places if place.status == Status.ACTIVE]
    _seed_visits(active, current, teams, seeded.demo_school, hosts, other_schools, rng)
    _seed_activities(active, teams, seeded.demo_school, rng)
    _seed_plans(active, current, teams, seeded.demo_school, staff, rng)
    withdrawn = next(place for place in current_places if place.status == Status.WITHDRAWN)
    _seed_engagement(seeded.demo_school, withdrawn.school, active, staff)

    return SeededProgramme(
        lea=seeded.lea,
        previous_year=previous_year,
        current_year=current_year,
        current_statuses=Counter(place.status for place in current_places),
    )


def _plan_previous_year(order, demo_school, spec: LeaProgramme, rng) -> list[_Place]:
    """Last year's schools, the neediest of their time: most completed, a few declined."""
    others = [school for school in order if school != demo_school]
    chosen = others[: PREVIOUS_SCHOOLS - spec.demo_school_took_part]
    statuses = [Status.DECLINED] * PREVIOUS_DECLINED
    statuses += [Status.COMPLETED] * (len(chosen) - PREVIOUS_DECLINED)
    rng.shuffle(statuses)
    plan = list(zip(chosen, statuses, strict=True))
    if spec.demo_school_took_part:
        plan.insert(0, (demo_school, Status.COMPLETED))
    completed = [school for school, status in plan if status == Status.COMPLETED]
    not_progressing = completed[:1] if spec.demo_school_took_part else []
    not_progressing += rng.sample(
        completed[len(not_progressing) :], PREVIOUS_NOT_PROGRESSING - len(not_progressing)
    )
    good_practice = next(school for school in completed if school not in not_progressing)
    decline_reasons = iter(rng.sample(DECLINE_REASONS, PREVIOUS_DECLINED))
    identified_days = _working_days(datetime.date(2003, 5, 12), datetime.date(2003, 5, 23))
    answer_days = _working_days(datetime.date(2003, 6, 11), datetime.date(2003, 7, 4))

    places = []
    for school, status in plan:
        steps = [
            (Status.IDENTIFIED, _time_on(rng, rng.choice(identified_days)), ""),
            (Status.INVITED, _at(datetime.date(2003, 6, 9), 9, 0), ""),
        ]
        answered = _time_on(rng, rng.choice(answer_days))
        if status == Status.DECLINED:
            steps.append((Status.DECLINED, answered, next(decline_reasons)))
        else:
            steps += [
                (Status.ACCEPTED, answered, ""),
                (Status.ACTIVE, _at(PREVIOUS_YEAR.starts_on, 9, 0), ""),
                (Status.COMPLETED, _at(datetime.date(2004, 7, 16), 15, 0), ""),
            ]
        places.append(
            _Place(
                school=school,
                status=status,
                steps=steps,
                is_not_yet_progressing=school in not_progressing,
                is_good_practice=school == good_practice,
            )
        )
    return places


def _plan_current_year(
    order, demo_school, previous_places, rng
) -> tuple[list[_Place], list[School]]:
    """This year's schools and the LEA's schools left unplaced. Schools that completed
    last year and progress are done; last year's schools not yet progressing and those that
    declined are approached first (DOMAIN.md: Selecting schools), then the neediest."""
    progressing = {
        place.school
        for place in previous_places
        if place.status == Status.COMPLETED and not place.is_not_yet_progressing
    }
    not_progressing = [p.school for p in previous_places if p.is_not_yet_progressing]
    declined = [p.school for p in previous_places if p.status == Status.DECLINED]
    first = [demo_school, *(s for s in [*not_progressing, *declined] if s != demo_school)]
    pool = first + [s for s in order if s not in progressing and s not in first]
    chosen_count = sum(CURRENT_STATUSES.values())
    chosen, unplaced = pool[:chosen_count], pool[chosen_count:]

    fixed = dict.fromkeys([demo_school, *not_progressing, *declined[:2]], Status.ACTIVE)
    fixed[declined[2]] = Status.DECLINED
    remaining = Counter(CURRENT_STATUSES)
    remaining.subtract(fixed.values())
    bag = [status for status, count in remaining.items() for _ in range(count)]
    rng.shuffle(bag)
    statuses = [fixed[school] if school in fixed else bag.pop() for school in chosen]

    decline_reasons = iter(rng.sample(DECLINE_REASONS, CURRENT_STATUSES[Status.DECLINED]))
    places = []
    for school, status in zip(chosen, statuses, strict=True):
        reason = ""
        if status == Status.DECLINED:
            reason = DECLINED_AGAIN_REASON if school in declined else next(decline_reasons)
        elif status == Status.WITHDRAWN:
            reason = WITHDRAWAL_REASON
        places.append(
            _Place(school=school, status=status, steps=_current_steps(status, reason, rng))
        )
    return places, unplaced


def _current_steps(status: Status, reason: str, rng: random.Random):
    """The steps of a place this year. The main round was identified in May, invited in June and
    began with the year; a later round, identified once the 2004 KS2 results arrived, is still
    being invited and answered."""
    if status in (Status.ACTIVE, Status.WITHDRAWN, Status.DECLINED):
        identified = rng.choice(
            _working_days(datetime.date(2004, 5, 10), datetime.date(2004, 5, 21))
        )
        answered = rng.choice(_working_days(datetime.date(2004, 6, 16), datetime.date(2004, 7, 9)))
        steps = [
            (Status.IDENTIFIED, _time_on(rng, identified), ""),
            (Status.INVITED, _at(datetime.date(2004, 6, 14), 9, 0), ""),
        ]
        if status == Status.DECLINED:
            return [*steps, (Status.DECLINED, _time_on(rng, answered), reason)]
        steps += [
            (Status.ACCEPTED, _time_on(rng, answered), ""),
            (Status.ACTIVE, _at(CURRENT_YEAR.starts_on, 9, 0), ""),
        ]
        if status == Status.WITHDRAWN:
            steps.append((Status.WITHDRAWN, _at(datetime.date(2004, 10, 22), 11, 30), reason))
        return steps
    if status == Status.IDENTIFIED:
        identified = rng.choice(
            _working_days(datetime.date(2004, 11, 15), datetime.date(2004, 11, 22))
        )
        return [(Status.IDENTIFIED, _time_on(rng, identified), "")]
    identified = rng.choice(_working_days(datetime.date(2004, 9, 20), datetime.date(2004, 9, 24)))
    steps = [(Status.IDENTIFIED, _time_on(rng, identified), "")]
    if status == Status.INVITED:
        return [*steps, (Status.INVITED, _at(datetime.date(2004, 11, 8), 9, 0), "")]
    accepted = rng.choice(_working_days(datetime.date(2004, 11, 1), datetime.date(2004, 11, 19)))
    return [
        *steps,
        (Status.INVITED, _at(datetime.date(2004, 10, 4), 9, 0), ""),
        (Status.ACCEPTED, _time_on(rng, accepted), ""),
    ]


def _assign_ofsted_kinds(places: list[_Place], demo_school: School, rng: random.Random) -> None:
    """The strategy manager's Ofsted kind (1-4) for each school that took up its place: 4 for a
    school in an Ofsted category and for the demo school, 2 for a head in post under two years,
    else any of the four."""
    bag = [kind.value for kind in OfstedKind] * 10
    rng.shuffle(bag)
    for place in places:
        if place.status in (Status.IDENTIFIED, Status.INVITED, Status.DECLINED):
            continue
        school = place.school
        if school == demo_school or school.ofsted_category != OfstedCategory.NONE:
            place.ofsted_kind = OfstedKind.PROGRAMME_IS_RIGHT
        elif school.headteacher_started_on and school.headteacher_started_on.year >= 2003:
            place.ofsted_kind = OfstedKind.NEW_HEADTEACHER
        else:
            place.ofsted_kind = bag.pop()


def _seed_year(lea, spec: YearSpec) -> ProgrammeYear:
    return _upsert_built(
        ProgrammeYear,
        ProgrammeYearFactory,
        keys=("local_authority", "name"),
        local_authority=lea,
        name=spec.name,
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
        funded_places=spec.funded_places,
        reserve_places=spec.reserve_places,
    )


def _seed_participations(
    year: ProgrammeYear, places: list[_Place], staff: Staff
) -> dict[School, Participation]:
    """Each place and the transitions that brought it to its status, all by the manager."""
    participations = {}
    for place in places:
        participation = _upsert_built(
            Participation,
            ParticipationFactory,
            keys=("programme_year", "school"),
            programme_year=year,
            school=place.school,
            status=place.status,
            status_reason=place.reason,
            ofsted_kind=place.ofsted_kind,
            is_not_yet_progressing=place.is_not_yet_progressing,
            invited_on=place.on(Status.INVITED),
            joined_on=place.on(Status.ACCEPTED),
            is_good_practice=place.is_good_practice,
        )
        previous = ""
        rows = []
        for status, when, reason in place.steps:
            rows.append(
                {
                    "to_status": status,
                    "from_status": previous,
                    "reason": reason,
                    "changed_by": staff.manager,
                    "changed_at": when,
                }
            )
            previous = status
        upsert_all(
            ParticipationTransition,
            within={"participation": participation},
            keys=("to_status",),
            rows=rows,
        )
        participations[place.school] = participation
    return participations


def _seed_good_practice(places, participations, staff: Staff) -> None:
    place = next(place for place in places if place.is_good_practice)
    good_practice, _ = upsert(
        GoodPractice,
        lookup={"participation": participations[place.school]},
        values={
            "title": "Tracking every pupil's progress in writing",
            "case_study": (
                "The leadership team set a writing target for every pupil in Years 3 to 6 and "
                "checked it each half term. Teachers moderated samples together with the PSCL, "
                "and pupils who stalled got a six-week boost in small groups. KS2 writing at "
                "Level 4+ rose by 11 points in a year."
            ),
            "written_by": staff.link_adviser,
        },
    )
    _stamp(good_practice, written_at=_at(datetime.date(2004, 7, 9), 14, 0))


def _seed_selection_flags(year, places, unplaced, staff: Staff) -> None:
    """Criterion 3 for two schools not yet placed and one identified in the later round."""
    identified = [place.school for place in places if place.status == Status.IDENTIFIED]
    flagged = [*unplaced[:2], identified[0]]
    for school, reason in zip(flagged, SELECTION_REASONS, strict=True):
        flag, _ = upsert(
            SelectionFlag,
            lookup={"programme_year": year, "school": school},
            values={"reason": reason, "flagged_by": staff.manager},
        )
        _stamp(flag, flagged_at=_at(datetime.date(2004, 9, 24), 11, 0))


SMALL_TEAM = (MemberRole.HEADTEACHER, MemberRole.DEPUTY)
LARGE_TEAM = (
    MemberRole.HEADTEACHER,
    MemberRole.DEPUTY,
    MemberRole.ENGLISH_COORDINATOR,
    MemberRole.MATHS_COORDINATOR,
)


def _email(full_name: str, school: School) -> str:
    parts = [part for part in full_name.replace("'", "").split() if part not in TITLES]
    return f"{parts[0][0]}.{parts[-1]}@{slugify(school.name)}.sch.uk".lower()


def _seed_teams(places, participations, demo_school, rng) -> dict[School, list]:
    """Teams for the schools that took up a place: the funded team for the school's size (head
    + 1 at 120 pupils or fewer, else head + 3) for most; some a member short or one over; a
    school that has only just accepted has its head so far. Returns each team, head first."""
    teams = {}
    for place in places:
        if place.status not in (Status.ACTIVE, Status.COMPLETED, Status.WITHDRAWN, Status.ACCEPTED):
            continue
        school = place.school
        roles = list(SMALL_TEAM if school.number_on_roll <= 120 else LARGE_TEAM)
        shape = rng.choices(["funded", "short", "over"], [7, 2, 1])[0]
        if place.status == Status.ACCEPTED:
            roles = roles[:1]
        elif school != demo_school and shape == "short":
            roles = roles[:-1]
        elif school != demo_school and shape == "over":
            roles.append(MemberRole.OTHER_SENIOR)
        participation = participations[school]
        names = [school.headteacher_name]
        for role in roles[1:]:
            name = LeadershipTeamMemberFactory.build(
                participation=participation, role=role
            ).full_name
            while name in names:
                name = LeadershipTeamMemberFactory.build(
                    participation=participation, role=role
                ).full_name
            names.append(name)
        rows = [
            {"full_name": name, "role": role, "email": _email(name, school)}
            for name, role in zip(names, roles, strict=True)
        ]
        upsert_all(
            LeadershipTeamMember,
            within={"participation": participation},
            keys=("full_name",),
            rows=rows,
        )
        members = {member.full_name: member for member in participation.team_members.all()}
        teams[school] = [members[name] for name in names]
    return teams


def _seed_training(year, spec: LeaProgramme, places, teams, demo_school, staff: Staff, rng):
    """The three sessions, each delivered at two venues, and their registers: every member of a
    school taking part on the day, present or not. One school missed session 2 altogether, the
    demo school's second member missed it too, and now and then someone is away."""
    events = {}
    for session, days in SESSION_DATES.items():
        for delivery, held_on in enumerate(days):
            events[session, delivery] = _upsert_built(
                TrainingEvent,
                TrainingEventFactory,
                keys=("programme_year", "session", "held_on"),
                programme_year=year,
                session=session,
                held_on=held_on,
                venue=spec.venues[delivery],
            )
    skipped_session_2 = next(place.school for place in places if place.school != demo_school)
    registers = {event: [] for event in events.values()}
    for index, place in enumerate(places):
        left_on = place.on(Status.WITHDRAWN)
        for session in SESSION_DATES:
            event = events[session, index % 2]
            if left_on and event.held_on > left_on:
                continue
            for position, member in enumerate(teams[place.school]):
                absent = rng.random() < 0.08
                if session == 2 and place.school == skipped_session_2:
                    absent = True
                if place.school == demo_school:
                    absent = session == 2 and position == 1
                registers[event].append(
                    {"member_id": member.pk, "consultant_id": None, "is_present": not absent}
                )
    for session, present in PSCL_PRESENT.items():
        registers[events[session, 0]].append(
            {"member_id": None, "consultant_id": staff.pscl.pk, "is_present": present}
        )
    for event, rows in registers.items():
        upsert_all(
            TrainingAttendance,
            within={"event": event},
            keys=("member_id", "consultant_id"),
            rows=rows,
        )


def _seed_visits(places, participations, teams, demo_school, hosts, other_schools, rng):
    """School-to-school visits: two for the demo school, one of them outside its locality (to a
    school of the other demo LEA); one for about half the other schools."""
    autumn = _working_days(datetime.date(2004, 10, 4), DEMO_TODAY - datetime.timedelta(days=1))
    for place in places:
        school = place.school
        team = teams[school]
        if school == demo_school:
            visits = [
                (datetime.date(2004, 10, 13), hosts[-1], VISIT_PURPOSES[0], False, team),
                (datetime.date(2004, 11, 10), other_schools[-1], VISIT_PURPOSES[3], True, team),
            ]
        else:
            visits = []
            visited_on = rng.choice(autumn)
            outside = rng.random() < 0.3
            host = rng.choice(other_schools if outside else hosts[len(hosts) // 2 :])
            purpose = rng.choice(VISIT_PURPOSES)
            if rng.random() < 0.5:
                visits.append((visited_on, host, purpose, outside, team[:2]))
        for visited_on, host, purpose, outside, members in visits:
            visit, _ = upsert(
                SchoolVisit,
                lookup={
                    "participation": participations[school],
                    "visited_on": visited_on,
                    "host_school": host,
                },
                values={"purpose": purpose, "is_outside_locality": outside},
            )
            visit.members.set(members)


def _seed_activities(places, teams, demo_school, rng) -> None:
    """School-based time each member has logged so far this year."""
    days = _working_days(datetime.date(2004, 9, 13), DEMO_TODAY)
    for place in places:
        for position, member in enumerate(teams[place.school]):
            count = rng.randint(0, 3)
            if place.school == demo_school:
                count = 3 if position == 0 else 2
            rows = [
                _built(
                    SchoolActivityFactory,
                    member=member,
                    done_on=done_on,
                    days=rng.choice((Decimal("0.5"), Decimal("0.5"), Decimal("1.0"))),
                    description=rng.choice(ACTIVITY_DESCRIPTIONS),
                )
                for done_on in sorted(rng.sample(days, count))
            ]
            for row in rows:
                del row["member"]
            upsert_all(SchoolActivity, within={"member": member}, keys=("done_on",), rows=rows)


@dataclass(frozen=True)
class _Criterion:
    description: str
    measure: str = ""
    subject: str = ""
    #: With a `subject`, the points by which the target is set above the school's 2004 KS2
    #: result (the baseline); without one, the target itself.
    rise: int = 0
    target_on: datetime.date | None = datetime.date(2005, 7, 15)


@dataclass(frozen=True)
class _Action:
    description: str
    owner_role: MemberRole
    due_on: datetime.date
    status: ActionStatus


@dataclass(frozen=True)
class _Priority:
    area: PriorityArea
    title: str
    criteria: tuple[_Criterion, ...]
    actions: tuple[_Action, ...]


ENGLISH = _Priority(
    PriorityArea.ENGLISH,
    "Raise standards in writing in Key Stage 2",
    (
        _Criterion(
            "More Year 6 pupils reach Level 4 in English",
            "% of Year 6 at Level 4+ in English",
            "english",
            8,
        ),
        _Criterion(
            "Every pupil in Years 3 to 6 has a writing level checked each half term",
            "% of pupils with a half-termly writing assessment",
            "",
            100,
            datetime.date(2005, 2, 11),
        ),
    ),
    (
        _Action(
            "Introduce half-termly writing assessments across Key Stage 2",
            MemberRole.ENGLISH_COORDINATOR,
            datetime.date(2004, 10, 22),
            ActionStatus.DONE,
        ),
        _Action(
            "Moderate Year 6 writing samples with the PSCL",
            MemberRole.ENGLISH_COORDINATOR,
            datetime.date(2004, 12, 10),
            ActionStatus.IN_PROGRESS,
        ),
    ),
)
MATHS = _Priority(
    PriorityArea.MATHS,
    "Raise attainment in mathematics, especially using and applying",
    (
        _Criterion(
            "More Year 6 pupils reach Level 4 in mathematics",
            "% of Year 6 at Level 4+ in maths",
            "maths",
            7,
        ),
    ),
    (
        _Action(
            "Teach a daily mental maths starter in every class",
            MemberRole.MATHS_COORDINATOR,
            datetime.date(2004, 11, 5),
            ActionStatus.DONE,
        ),
        _Action(
            "Observe a maths lesson in each Key Stage 2 class and feed back",
            MemberRole.HEADTEACHER,
            datetime.date(2005, 2, 11),
            ActionStatus.NOT_STARTED,
        ),
    ),
)
LEADERSHIP = _Priority(
    PriorityArea.LEADERSHIP,
    "Share the monitoring of teaching across the leadership team",
    (_Criterion("Subject leaders monitor teaching regularly", target_on=None),),
    (
        _Action(
            "Agree a monitoring timetable for the spring term",
            MemberRole.HEADTEACHER,
            datetime.date(2004, 11, 12),
            ActionStatus.IN_PROGRESS,
        ),
    ),
)
CREATIVITY = _Priority(
    PriorityArea.OTHER,
    "Develop a creative curriculum through the arts",
    (_Criterion("Pupils enjoy a broader, more creative curriculum", target_on=None),),
    (
        _Action(
            "Plan an arts week for the summer term",
            MemberRole.DEPUTY,
            datetime.date(2005, 3, 18),
            ActionStatus.NOT_STARTED,
        ),
    ),
)
ATTENDANCE = _Priority(
    PriorityArea.OTHER,
    "Improve attendance",
    (
        _Criterion(
            "Attendance rises to the LEA average",
            "% attendance over the year",
            "",
            95,
            datetime.date(2005, 7, 22),
        ),
    ),
    (
        _Action(
            "Call parents on the first day of every absence",
            MemberRole.DEPUTY,
            datetime.date(2004, 10, 1),
            ActionStatus.DONE,
        ),
    ),
)

#: Plans of varying quality (DOMAIN.md: Action plans): what each holds, and its reviews as
#: (date, progress). "good" is focused and reviewed; the others carry what Ofsted found weak.
PLAN_KINDS = {
    "good": (
        (ENGLISH, MATHS),
        (
            (datetime.date(2004, 10, 15), ReviewProgress.AMBER),
            (datetime.date(2004, 11, 19), ReviewProgress.GREEN),
        ),
    ),
    "unreviewed": (
        (ENGLISH, MATHS, LEADERSHIP),
        ((datetime.date(2004, 10, 8), ReviewProgress.AMBER),),
    ),
    "unfocused": ((CREATIVITY, LEADERSHIP), ()),
    "overloaded": (
        (ENGLISH, MATHS, LEADERSHIP, CREATIVITY, ATTENDANCE),
        ((datetime.date(2004, 11, 12), ReviewProgress.RED),),
    ),
}
PLAN_WEIGHTS = {"good": 4, "unreviewed": 3, "unfocused": 2, "overloaded": 1, None: 2}
PLAN_SUMMARIES = {
    "good": "Raise KS2 English and maths by tracking every pupil's progress each half term.",
    "unreviewed": "Raise standards in English and maths and share the monitoring of teaching.",
    "unfocused": "Broaden the curriculum and develop the leadership team.",
    "overloaded": "Improve everything the review found weak, all this year.",
    "demo": "Raise attainment in KS2 writing and maths through sharper tracking of progress.",
}
REVIEW_NOTES = {
    ReviewProgress.GREEN: "Assessments in place in every class; the first moderation went well.",
    ReviewProgress.AMBER: "Writing assessments started in Years 5 and 6; Years 3 and 4 lag.",
    ReviewProgress.RED: "Too many priorities at once: nothing has moved since the last review.",
}

#: The demo school's plan: English and maths; a criterion with no number (the plan check flags
#: it), an action overdue on DEMO_TODAY, and one review, eight weeks before DEMO_TODAY.
DEMO_PLAN = (
    _Priority(
        PriorityArea.ENGLISH,
        ENGLISH.title,
        (
            *ENGLISH.criteria,
            _Criterion("Pupils talk confidently about their writing targets", target_on=None),
        ),
        (
            ENGLISH.actions[0],
            _Action(
                "Moderate Year 6 writing samples with the PSCL",
                MemberRole.DEPUTY,
                datetime.date(2004, 11, 19),
                ActionStatus.IN_PROGRESS,
            ),
        ),
    ),
    MATHS,
)
DEMO_REVIEW_ON = DEMO_TODAY - datetime.timedelta(weeks=8)


def _seed_plans(places, participations, teams, demo_school, staff: Staff, rng) -> None:
    """An action plan for most active schools, of varying quality; the demo school's as the
    demonstration needs it. Baselines are the school's 2004 KS2 results."""
    baselines = {
        school_id: {"english": english, "maths": maths}
        for school_id, english, maths in KeyStageResult.objects.filter(
            school__in=[place.school for place in places], year=2004, key_stage=KeyStage.KS2
        ).values_list("school_id", "english_percentage", "maths_percentage")
    }
    kinds, weights = zip(*PLAN_WEIGHTS.items(), strict=True)
    for place in places:
        school = place.school
        kind = rng.choices(kinds, weights)[0]
        if school == demo_school:
            priorities, reviews = DEMO_PLAN, ((DEMO_REVIEW_ON, ReviewProgress.AMBER),)
            kind, reviewer = "demo", staff.headteacher
        elif kind is None:
            continue
        else:
            priorities, reviews = PLAN_KINDS[kind]
            reviewer = None
        plan = _upsert_built(
            ActionPlan,
            ActionPlanFactory,
            keys=("participation",),
            participation=participations[school],
            summary=PLAN_SUMMARIES[kind],
        )
        created_at = _at(datetime.date(2004, 9, 24), 16, 0)
        updated_at = _at(reviews[-1][0], 16, 30) if reviews else created_at
        _stamp(plan, created_at=created_at, updated_at=updated_at)
        owners = {member.role: member for member in teams[school]}
        _seed_priorities(plan, priorities, baselines.get(school.pk, {}), owners, teams[school][0])
        upsert_all(
            PlanReview,
            within={"plan": plan},
            keys=("reviewed_on",),
            rows=[
                {
                    "reviewed_on": reviewed_on,
                    "progress": progress,
                    "notes": REVIEW_NOTES[progress],
                    "reviewed_by": reviewer,
                }
                for reviewed_on, progress in reviews
            ],
        )


def _seed_priorities(plan, priorities, baselines, owners, head) -> None:
    upsert_all(
        PlanPriority,
        within={"plan": plan},
        keys=("position",),
        rows=[
            {"position": position, "area": priority.area, "title": priority.title}
            for position, priority in enumerate(priorities, start=1)
        ],
    )
    saved = {priority.position: priority for priority in plan.priorities.all()}
    for position, priority in enumerate(priorities, start=1):
        upsert_all(
            SuccessCriterion,
            within={"priority": saved[position]},
            keys=("description",),
            rows=[_criterion_row(criterion, baselines) for criterion in priority.criteria],
        )
        upsert_all(
            Action,
            within={"priority": saved[position]},
            keys=("description",),
            rows=[
                {
                    "description": action.description,
                    "owner": owners.get(action.owner_role, head),
                    "due_on": action.due_on,
                    "status": action.status,
                }
                for action in priority.actions
            ],
        )


def _criterion_row(criterion: _Criterion, baselines: dict) -> dict[str, Any]:
    baseline = target = None
    if criterion.measure:
        baseline = baselines.get(criterion.subject) if criterion.subject else None
        if criterion.subject:
            start = baseline if baseline is not None else Decimal(65)
            target = min(Decimal(100), start + criterion.rise).quantize(Decimal("0.1"))
        else:
            target = Decimal(criterion.rise).quantize(Decimal("0.1"))
    return {
        "description": criterion.description,
        "measure": criterion.measure,
        "baseline": baseline,
        "target_value": target,
        "target_on": criterion.target_on,
    }


def _seed_engagement(demo_school, withdrawn_school, places, staff: Staff) -> None:
    """Notes on the demo school and a few others; a concern about the demo school escalated to
    the link adviser; the concern that ended in the withdrawn school's governors being told;
    and the manager's and link adviser's watchlists."""
    notes = [
        (
            demo_school,
            staff.manager,
            datetime.date(2004, 9, 8),
            "Met the head and the chair of governors: the deputy will be released for all "
            "three sessions and the cover is booked.",
        ),
        (
            demo_school,
            staff.link_adviser,
            datetime.date(2004, 10, 20),
            "Joint visit with the PSCL: writing assessments are under way in Years 5 and 6; one "
            "of the plan's English criteria still has no number.",
        ),
        (
            demo_school,
            staff.pscl,
            datetime.date(2004, 11, 17),
            "Moderated Year 6 writing with the head. The deputy missed session 2 when the supply "
            "teacher cancelled; we agreed she catches up at the next leadership meeting.",
        ),
        (
            demo_school,
            staff.headteacher,
            datetime.date(2004, 11, 24),
            "Cover booked for the deputy and me to visit a school outside the LEA in the spring.",
        ),
    ]
    others = [place.school for place in places if place.school != demo_school][:4]
    notes += [
        (
            school,
            staff.manager,
            datetime.date(2004, 10, 1) + datetime.timedelta(days=7 * index),
            "Start-of-year meeting held: the team knows the three sessions and the visit day.",
        )
        for index, school in enumerate(others)
    ]
    for school, author, day, text in notes:
        note, _ = upsert(Note, lookup={"school": school, "text": text}, values={"author": author})
        _stamp(note, created_at=_at(day, 15, 0))

    _seed_concern(
        demo_school,
        raised_by=staff.pscl,
        raised_on=datetime.date(2004, 11, 3),
        severity=ConcernSeverity.MEDIUM,
        summary=(
            "Two planned PSCL meetings were cancelled at short notice in October, and the "
            "deputy missed training session 2."
        ),
        resolution="",
        steps=[
            (
                ConcernLevel.LINK_ADVISER,
                staff.manager,
                datetime.date(2004, 11, 4),
                "Asked the link adviser to raise it with the head at her visit on 18 November.",
                "",
            )
        ],
    )
    ended = (
        "The governors asked to withdraw on 22 October; the school is to be approached again "
        "once a new head is in post."
    )
    _seed_concern(
        withdrawn_school,
        raised_by=staff.link_adviser,
        raised_on=datetime.date(2004, 10, 5),
        severity=ConcernSeverity.HIGH,
        summary="The headteacher has been absent since mid-September; no one leads the programme.",
        resolution=ended,
        steps=[
            (
                ConcernLevel.STRATEGY_MANAGER,
                staff.link_adviser,
                datetime.date(2004, 10, 6),
                "No reply to two letters to the acting head.",
                "",
            ),
            (
                ConcernLevel.GOVERNING_BODY,
                staff.manager,
                datetime.date(2004, 10, 12),
                "The chair of governors is told formally; a reply is asked for by 22 October.",
                "Dear Chair of Governors,\n\nThe LEA is concerned that the school is not taking "
                "part in the Primary Leadership Programme as agreed: the leadership team has "
                "missed the first session and no plan has been written. Please tell us by 22 "
                "October how the governing body will ensure the programme is led.\n\nYours "
                "sincerely,\n\n" + staff.manager.full_name + "\nPrimary Strategy Manager",
            ),
            (ConcernLevel.RESOLVED, staff.manager, datetime.date(2004, 10, 22), ended, ""),
        ],
    )
    watches = [
        (staff.manager, demo_school),
        (staff.manager, withdrawn_school),
        (staff.link_adviser, demo_school),
    ]
    for user, school in watches:
        watch, _ = upsert(Watch, lookup={"user": user, "school": school}, values={})
        _stamp(watch, created_at=_at(datetime.date(2004, 9, 6), 9, 30))


def _seed_concern(school, *, raised_by, raised_on, severity, summary, resolution, steps) -> None:
    concern, _ = upsert(
        Concern,
        lookup={"school": school, "summary": summary},
        values={
            "raised_by": raised_by,
            "severity": severity,
            "level": steps[-1][0],
            "resolution": resolution,
        },
    )
    _stamp(concern, raised_at=_at(raised_on, 14, 10))
    for level, by, day, note, letter in steps:
        escalation, _ = upsert(
            ConcernEscalation,
            lookup={"concern": concern, "to_level": level},
            values={"note": note, "letter": letter, "escalated_by": by},
        )
        _stamp(escalation, escalated_at=_at(day, 9, 30))
