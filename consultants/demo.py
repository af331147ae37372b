"""Demo data for consultant leaders, loaded by `manage.py seed_demo` after the programme years
(`leadership.demo.seed_leadership`).

For each demo LEA: the LEA's advisers (the demo PSCL and link adviser with their log-ins, eight
more PSCLs and two more link advisers who sign in with the demo password, a literacy and a
numeracy consultant); link advisers attached to every school (the demo link adviser to about
half, the demo headteacher's school among them); each PSCL's capacity, training (one missed the
fourth day) and declaration of conflicts (one declares a conflict, one has not declared yet);
this year's recruitment at every status with its steps; allocations for every school that took
up a place this year (the demo PSCL has the demo headteacher's school and three others; one
school has asked for a change; one declined its first PSCL and has another) and for last year's
completed schools; and the visit log: submitted visits from September to `DEMO_TODAY` with their
agreed actions, a couple of drafts, planned visits with some pre-visit notes, a few schools not
visited for six weeks and one past its days; the schools' ratings of last year's support (three
terms) and a couple of this autumn's.

Every row is found by its natural key and written only when it differs
(`accounts.demo.upsert`); every random choice comes from the generator the caller passes, in an
order that does not depend on the database, so seeding again changes nothing.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone
from factory import Transformer

from accounts.demo import EMAIL_LOCAL_PARTS, upsert, upsert_all
from accounts.factories import DEMO_PASSWORD, UserFactory
from accounts.models import Role, User
from leadership.demo import DEMO_TODAY, SeededProgramme
from leadership.models import Participation, ParticipationStatus, ProgrammeYear
from schools.demo import SeededLea
from schools.models import School

from .models import (
    Adviser,
    AdviserKind,
    AgreedAction,
    Allocation,
    AllocationEvent,
    AllocationEventKind,
    AllocationStatus,
    Application,
    ApplicationStatus,
    ApplicationStep,
    Attachment,
    Capacity,
    ConflictDeclaration,
    ConflictKind,
    ConsultancyStage,
    ConsultantTraining,
    DeclaredConflict,
    Expertise,
    PreVisitNote,
    Recommendation,
    SupportEvaluation,
    Term,
    TrainingDay,
    Visit,
    VisitFocus,
    VisitKind,
    VisitLength,
    VisitStatus,
)

#: The advisers of each demo LEA besides its demo PSCL and link adviser: full name and years of
#: headship for the PSCLs; full names for the link advisers; the literacy and numeracy
#: consultants.
PEOPLE = {
    "991": {
        "pscls": (
            ("Helen Crossley", 11),
            ("Mark Pattinson", 7),
            ("Susan Armstrong", 14),
            ("Gareth Lowes", 6),
            ("Anne Metcalfe", 9),
            ("Paul Dunning", 5),
            ("Christine Bell", 12),
            ("Neil Hetherington", 8),
        ),
        "link_advisers": ("Keith Robson", "Lesley Barker"),
        "literacy": "Janet Milburn",
        "numeracy": "Stephen Todd",
    },
    "992": {
        "pscls": (
            ("Rachel Tucker", 10),
            ("Andrew Pym", 7),
            ("Gillian Vowles", 13),
            ("Martin Chedzoy", 6),
            ("Fiona Hembrow", 9),
            ("Colin Rendell", 5),
            ("Julia Coombes", 12),
            ("Tom Venn", 8),
        ),
        "link_advisers": ("Diane Sparkes", "Robert Gulliford"),
        "literacy": "Ruth Baverstock",
        "numeracy": "Philip Laver",
    },
}
#: Years of headship and expertise of each LEA's demo PSCL (appointed last year).
DEMO_PSCL_HEADSHIP = 10
#: The PSCLs appointed last year (the demo PSCL and the first four of PEOPLE); the others were
#: appointed this summer, through this year's recruitment.
LAST_YEARS_PSCLS = 5
APPOINTED_LAST_YEAR = datetime.date(2003, 7, 7)
APPOINTED_THIS_YEAR = datetime.date(2004, 7, 5)
#: Of the PSCLs (by position, the demo PSCL first): who missed the fourth training day, who
#: declared a conflict, and who has not declared yet (and so is matched to no school).
MISSED_FOURTH_DAY = 3
DECLARED_CONFLICT = 2
UNDECLARED = 8

TRAINING_DATES = {
    "2003-04": {
        TrainingDay.INITIAL_1: datetime.date(2003, 7, 14),
        TrainingDay.INITIAL_2: datetime.date(2003, 7, 15),
        TrainingDay.INITIAL_3: datetime.date(2003, 9, 4),
        TrainingDay.FOURTH: datetime.date(2003, 11, 12),
    },
    "2004-05": {
        TrainingDay.INITIAL_1: datetime.date(2004, 7, 12),
        TrainingDay.INITIAL_2: datetime.date(2004, 7, 13),
        TrainingDay.INITIAL_3: datetime.date(2004, 9, 2),
        TrainingDay.FOURTH: datetime.date(2004, 11, 10),
    },
}

#: This year's applicants who were not appointed, with the status they reached.
OTHER_APPLICANTS = (
    ("Brian Hodgson", ApplicationStatus.RECEIVED),
    ("Maureen Kirk", ApplicationStatus.SCREENED),
    ("Alan Wardle", ApplicationStatus.SHORTLISTED),
    ("Patricia Nolan", ApplicationStatus.INTERVIEWED),
    ("Graham Stobbs", ApplicationStatus.NOT_APPOINTED),
    ("Sandra Liddle", ApplicationStatus.WITHDRAWN),
)
APPLICATION_PATHS = {
    ApplicationStatus.RECEIVED: (ApplicationStatus.RECEIVED,),
    ApplicationStatus.SCREENED: (ApplicationStatus.RECEIVED, ApplicationStatus.SCREENED),
    ApplicationStatus.SHORTLISTED: (
        ApplicationStatus.RECEIVED,
        ApplicationStatus.SCREENED,
        ApplicationStatus.SHORTLISTED,
    ),
    ApplicationStatus.INTERVIEWED: (
        ApplicationStatus.RECEIVED,
        ApplicationStatus.SCREENED,
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.INTERVIEWED,
    ),
    ApplicationStatus.APPOINTED: (
        ApplicationStatus.RECEIVED,
        ApplicationStatus.SCREENED,
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.INTERVIEWED,
        ApplicationStatus.APPOINTED,
    ),
    ApplicationStatus.NOT_APPOINTED: (
        ApplicationStatus.RECEIVED,
        ApplicationStatus.SCREENED,
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.NOT_APPOINTED,
    ),
    ApplicationStatus.WITHDRAWN: (
        ApplicationStatus.RECEIVED,
        ApplicationStatus.SCREENED,
        ApplicationStatus.WITHDRAWN,
    ),
}
STEP_DATES = {
    ApplicationStatus.RECEIVED: datetime.date(2004, 5, 10),
    ApplicationStatus.SCREENED: datetime.date(2004, 5, 24),
    ApplicationStatus.SHORTLISTED: datetime.date(2004, 6, 4),
    ApplicationStatus.INTERVIEWED: datetime.date(2004, 6, 16),
    ApplicationStatus.APPOINTED: APPOINTED_THIS_YEAR,
    ApplicationStatus.NOT_APPOINTED: datetime.date(2004, 6, 11),
    ApplicationStatus.WITHDRAWN: datetime.date(2004, 5, 28),
}
STEP_NOTES = {
    ApplicationStatus.RECEIVED: "",
    ApplicationStatus.SCREENED: "Meets the criteria: an experienced head of a good school.",
    ApplicationStatus.SHORTLISTED: "Strong letter; references received.",
    ApplicationStatus.INTERVIEWED: "Interviewed by the strategy manager and a link adviser.",
    ApplicationStatus.APPOINTED: "Appointed from September; initial training booked.",
    ApplicationStatus.NOT_APPOINTED: "Not shortlisted: too little recent headship experience.",
    ApplicationStatus.WITHDRAWN: "Withdrew: the governors need the head in school next year.",
}
LETTERS = (
    "I have led my school for {years} years, through an inspection that judged leadership very "
    "good. I would like to help colleagues sharpen their plans and raise standards in English.",
    "After {years} years of headship I know how lonely the job can be. I want to support heads "
    "who are working hard to improve results in mathematics, as we did at my school.",
    "My school's Key Stage 2 results rose for four years running under my leadership of {years} "
    "years. I would bring practical experience of tracking pupils' progress.",
)

#: Planned days beyond the year's default for the school judged to need more support.
EXTRA_DAYS = Decimal("1.0")
#: How many schools of the year are left unvisited for six weeks or more.
UNVISITED_SCHOOLS = 3
SIX_WEEKS_BEFORE = DEMO_TODAY - datetime.timedelta(weeks=6)

DECLINE_REASON = (
    "The headteacher knew the PSCL as the head of a neighbouring school in competition for "
    "pupils, and asked for someone from further afield."
)
CHANGE_REASON = (
    "The headteacher would like a PSCL with experience of mathematics, which is the school's "
    "first priority."
)
YEAR_END_REASON = "The programme year ended."

KIND_ORDER = (
    VisitKind.GETTING_TO_KNOW_YOU,
    VisitKind.GETTING_STARTED,
    VisitKind.PLANNING,
    VisitKind.LESSON_OBSERVATION,
    VisitKind.REVIEW,
    VisitKind.JOINT_VISIT,
    VisitKind.PLANNING,
    VisitKind.REVIEW,
)
ATTENDEES = (
    "Headteacher, deputy headteacher",
    "Headteacher, deputy headteacher, English subject leader",
    "Headteacher, mathematics subject leader",
    "Headteacher, deputy headteacher, Key Stage 1 leader",
    "Headteacher, chair of governors",
)
NOTES = {
    VisitKind.GETTING_TO_KNOW_YOU: (
        "First visit. I met {head} and the deputy and walked round the school. We talked about "
        "how the last two years' results compare with similar schools and what the staff think "
        "is holding pupils back in {focus}. {head} is open about the problems."
    ),
    VisitKind.GETTING_STARTED: (
        "We went through the pupil tracking sheets together. The gap is widest in {focus}, and "
        "the leadership team had not looked at the Year 4 data before. We agreed to start from "
        "there and I suggested looking at the optional tests as well."
    ),
    VisitKind.PLANNING: (
        "Worked on the action plan with the leadership team. The priority for {focus} now has "
        "success criteria with numbers in them; the second priority is still too broad and I "
        "asked them to cut it down to what can be checked by Easter."
    ),
    VisitKind.LESSON_OBSERVATION: (
        "Observed two lessons with {head}, one in Year 5 and one in Year 2, and compared our "
        "judgements. Good pace in Year 5; in Year 2 the guided work was not matched to the "
        "groups. We agreed feedback for both teachers focused on {focus}."
    ),
    VisitKind.REVIEW: (
        "Reviewed progress against the plan. Two of the actions for {focus} are done and the "
        "half-termly assessments show Year 6 moving. The monitoring timetable slipped while the "
        "deputy was on a course; it is back on track from next week."
    ),
    VisitKind.JOINT_VISIT: (
        "Joint visit with the link adviser. We looked at the school's self-evaluation together "
        "and agreed the evidence for {focus} is thin. {head} will bring the work scrutiny to the "
        "next meeting."
    ),
}
CHALLENGES = (
    "Asked why KS2 {subject} fell last summer when the targets were raised, and what the plan "
    "does about the boys' writing.",
    "Challenged the targets for 2005: on the tracking data they are too low for this cohort.",
    "Pointed out that the Year 6 intervention groups are chosen on teacher assessment only and "
    "asked for the test evidence.",
    "Asked how the governors are told about progress against the {subject} priority.",
)
ACTIONS = (
    ("Headteacher", "Share the tracking data for Years 3 to 6 with all teaching staff."),
    ("Deputy headteacher", "Set up guided reading groups in Year 2 and Year 3."),
    ("English subject leader", "Scrutinise a sample of Year 5 writing books and report back."),
    ("Mathematics subject leader", "Plan a staff meeting on mental calculation strategies."),
    ("Headteacher", "Rewrite the success criteria of the second priority with numbers in them."),
    ("Headteacher", "Agree a monitoring timetable for the spring term with the leadership team."),
    ("Key Stage 1 leader", "Observe phonics teaching in Reception and Year 1."),
    ("Headteacher", "Report progress on the plan to the governors' curriculum committee."),
)
PURPOSES = (
    "Review the first half-term of the plan",
    "Observe lessons in Year 6 with the headteacher",
    "Look at the autumn assessment results together",
    "Plan the spring term's monitoring",
)
PRE_VISIT_NOTES = (
    (
        "Guided reading groups are running in Year 2 and 3; the deputy has started the book "
        "scrutiny.",
        "Help to read the autumn assessments and decide which pupils to target in Year 6.",
    ),
    (
        "The staff meeting on mental calculation went well and the subject leader has planned a "
        "follow-up.",
        "We would like you to observe two maths lessons with us.",
    ),
)
EVALUATION_COMMENTS = {
    5: "Outstanding support: practical, challenging and always on time.",
    4: "Clear, practical advice; the plan is sharper for it.",
    3: "Helpful visits, though we would like more time on the classroom side.",
    2: "Visits were often rearranged and the advice was general.",
}
TERM_WRITTEN_ON = {
    "2003-04": {
        Term.AUTUMN: datetime.date(2003, 12, 12),
        Term.SPRING: datetime.date(2004, 3, 31),
        Term.SUMMER: datetime.date(2004, 7, 16),
    },
    "2004-05": {Term.AUTUMN: datetime.date(2004, 11, 24)},
}


@dataclass
class SeededConsultants:
    """An LEA's consultant leaders as seeded, for the command's summary."""

    lea: Any
    pscls: int = 0
    link_advisers: int = 0
    current_allocations: int = 0
    submitted_visits: int = 0
    planned_visits: int = 0
    demo_pscl_schools: list[School] = field(default_factory=list)


def seed_consultants(
    *, seeded_leas: list[SeededLea], programmes: list[SeededProgramme], rng: random.Random
) -> list[SeededConsultants]:
    """Create or update each seeded LEA's advisers, recruitment, allocations and visit log.

    Needs the schools, demo log-ins and programme years (`seed_leadership`). Deterministic for a
    given state of `rng`; writes only what differs from the database.
    """
    password = _Password()
    by_lea = {programme.lea.pk: programme for programme in programmes}
    return [_seed_lea(seeded, by_lea[seeded.lea.pk], rng, password) for seeded in seeded_leas]


@dataclass
class _Password:
    """The demo password hashed once per seed, for the log-ins this module adds."""

    encoded: str = ""

    def get(self) -> str:
        if not self.encoded:
            self.encoded = make_password(DEMO_PASSWORD)
        return self.encoded


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


def _stamp(obj: models.Model, **timestamps: datetime.datetime) -> None:
    """Give `obj` the demo's dates in the fields every save sets to now, with an update that
    only a difference triggers."""
    changed = {name: value for name, value in timestamps.items() if getattr(obj, name) != value}
    if changed:
        type(obj)._default_manager.filter(pk=obj.pk).update(**changed)
        for name, value in changed.items():
            setattr(obj, name, value)


def _domain(lea) -> str:
    return f"{lea.name.lower()}.example.org"


def _person_email(full_name: str, lea) -> str:
    first, *_, last = full_name.lower().split()
    return f"{first}.{last}@{_domain(lea)}"


def _seed_user(full_name: str, role: Role, job_title: str, lea, password: _Password) -> User:
    user, _ = upsert(
        User,
        lookup={"email": _person_email(full_name, lea)},
        values={
            "full_name": full_name,
            "job_title": job_title,
            "role": role,
            "local_authority": lea,
            "school": None,
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
        },
        build=lambda **fields: UserFactory.build(
            password=Transformer.Force(password.get()), **fields
        ),
    )
    return user


def _seed_adviser(lea, *, kind, full_name, user=None, **profile) -> Adviser:
    values = {
        "kind": kind,
        "user": user,
        "email": user.email if user else _person_email(full_name, lea),
        "phone": profile.pop("phone", ""),
        "home_school": profile.pop("home_school", None),
        "years_of_headship": profile.pop("years_of_headship", None),
        "expertise": profile.pop("expertise", []),
        "appointed_on": profile.pop("appointed_on", None),
        "is_active": True,
    }
    adviser, _ = upsert(
        Adviser, lookup={"local_authority": lea, "full_name": full_name}, values=values
    )
    return adviser


def _participations(year: ProgrammeYear, *statuses) -> list[Participation]:
    return list(
        Participation.objects.filter(programme_year=year, status__in=statuses)
        .select_related("school")
        .order_by("school__urn")
    )


@dataclass
class _Lea:
    """What the steps of one LEA's seed share."""

    lea: Any
    demo_school: School
    manager: User
    head: User
    previous_year: ProgrammeYear
    current_year: ProgrammeYear
    rng: random.Random
    pscls: list[Adviser] = field(default_factory=list)
    link_advisers: list[Adviser] = field(default_factory=list)
    conflicts: dict[Adviser, School] = field(default_factory=dict)


def _seed_lea(
    seeded: SeededLea, programme: SeededProgramme, rng: random.Random, password: _Password
) -> SeededConsultants:
    lea = seeded.lea
    domain = _domain(lea)
    staff = {
        user.role: user
        for user in User.objects.filter(
            email__in=[
                f"{EMAIL_LOCAL_PARTS[role]}@{domain}"
                for role in (Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER)
            ]
        )
    }
    context = _Lea(
        lea=lea,
        demo_school=seeded.demo_school,
        manager=staff[Role.MANAGER],
        head=staff[Role.HEADTEACHER],
        previous_year=programme.previous_year,
        current_year=programme.current_year,
        rng=rng,
    )
    _seed_advisers(context, seeded.schools, staff, password)
    _seed_attachments(context, seeded.schools)
    _seed_capacity_and_training(context)
    _seed_declarations(context)
    _seed_recruitment(context)
    previous = _seed_previous_allocations(context)
    current = _seed_current_allocations(context)
    submitted, planned = _seed_visit_log(context, previous, current)
    _seed_evaluations(context, previous, current)
    demo_pscl = context.pscls[0]
    return SeededConsultants(
        lea=lea,
        pscls=len(context.pscls),
        link_advisers=len(context.link_advisers),
        current_allocations=sum(1 for a in current if a.is_current),
        submitted_visits=submitted,
        planned_visits=planned,
        demo_pscl_schools=[
            a.participation.school for a in current if a.adviser == demo_pscl and a.is_current
        ],
    )


def _seed_advisers(context: _Lea, schools: list[School], staff, password: _Password) -> None:
    """The demo PSCL first, then the other PSCLs; the demo link adviser first, then the others;
    the literacy and numeracy consultants. PSCLs lead schools that are not in this year's
    programme."""
    lea, rng = context.lea, context.rng
    people = PEOPLE[lea.code]
    placed = set(
        Participation.objects.filter(programme_year=context.current_year).values_list(
            "school_id", flat=True
        )
    )
    homes = [school for school in schools if school.pk not in placed]
    homes = rng.sample(homes, min(len(homes), 1 + len(people["pscls"])))
    homes += [None] * (1 + len(people["pscls"]) - len(homes))
    expertise_pool = [Expertise.ENGLISH, Expertise.MATHS, Expertise.ASSESSMENT]
    others = [Expertise.LEADERSHIP, Expertise.REMODELLING, Expertise.EARLY_YEARS]
    others.append(Expertise.INCLUSION)

    demo_user = staff[Role.CONSULTANT]
    pscl_people = [(demo_user.full_name, DEMO_PSCL_HEADSHIP, demo_user), *people["pscls"]]
    for position, entry in enumerate(pscl_people):
        full_name, years = entry[0], entry[1]
        user = entry[2] if len(entry) > 2 else None
        if user is None:
            user = _seed_user(
                full_name, Role.CONSULTANT, "Primary Strategy Consultant Leader", lea, password
            )
        expertise = [rng.choice(expertise_pool), Expertise.LEADERSHIP, rng.choice(others)]
        if position == 0:
            expertise = [Expertise.ENGLISH, Expertise.LEADERSHIP, Expertise.ASSESSMENT]
        context.pscls.append(
            _seed_adviser(
                lea,
                kind=AdviserKind.PSCL,
                full_name=full_name,
                user=user,
                phone=f"07700 9{rng.randint(10000, 99999)}",
                home_school=homes[position],
                years_of_headship=years,
                expertise=list(dict.fromkeys(expertise)),
                appointed_on=(
                    APPOINTED_LAST_YEAR if position < LAST_YEARS_PSCLS else APPOINTED_THIS_YEAR
                ),
            )
        )

    demo_adviser = staff[Role.LINK_ADVISER]
    link_people = [(demo_adviser.full_name, demo_adviser)]
    link_people += [(name, None) for name in people["link_advisers"]]
    for full_name, user in link_people:
        if user is None:
            user = _seed_user(full_name, Role.LINK_ADVISER, "Link Adviser", lea, password)
        context.link_advisers.append(
            _seed_adviser(lea, kind=AdviserKind.LINK_ADVISER, full_name=full_name, user=user)
        )
    for kind in (AdviserKind.LITERACY, AdviserKind.NUMERACY):
        _seed_adviser(lea, kind=kind, full_name=people[kind.value.lower()])


def _seed_attachments(context: _Lea, schools: list[School]) -> None:
    """Every school has a link adviser: the demo one has about half, the demo school among them;
    the literacy and numeracy consultants work in a few schools each."""
    rng = context.rng
    others = sorted((s for s in schools if s != context.demo_school), key=lambda s: s.urn)
    rng.shuffle(others)
    half = len(schools) // 2
    shares = [
        [context.demo_school, *others[: half - 1]],
        others[half - 1 : half - 1 + (len(others) - half + 1) // 2],
        others[half - 1 + (len(others) - half + 1) // 2 :],
    ]
    for adviser, share in zip(context.link_advisers, shares, strict=True):
        _attach(adviser, share)
    consultants = Adviser.objects.filter(
        local_authority=context.lea, kind__in=(AdviserKind.LITERACY, AdviserKind.NUMERACY)
    ).order_by("kind")
    for adviser in consultants:
        _attach(adviser, rng.sample(sorted(schools, key=lambda s: s.urn), 5))


def _attach(adviser: Adviser, schools: list[School]) -> None:
    upsert_all(
        Attachment,
        within={"adviser": adviser},
        keys=("school",),
        rows=[{"school": school, "attached_on": datetime.date(2003, 9, 1)} for school in schools],
    )


def _seed_capacity_and_training(context: _Lea) -> None:
    """Each PSCL's capacity and training days, last year for those appointed then."""
    rng = context.rng
    for position, adviser in enumerate(context.pscls):
        years = [context.current_year]
        if position < LAST_YEARS_PSCLS:
            years.insert(0, context.previous_year)
        for year in years:
            max_schools = 4 if position == 0 else rng.choice((3, 3, 4))
            upsert(
                Capacity,
                lookup={"adviser": adviser, "programme_year": year},
                values={
                    "max_schools": max_schools,
                    "max_days": year.pscl_days_per_school * max_schools + EXTRA_DAYS,
                },
            )
            days = TRAINING_DATES[year.name]
            missed = year == context.current_year and position == MISSED_FOURTH_DAY
            upsert_all(
                ConsultantTraining,
                within={"adviser": adviser, "programme_year": year},
                keys=("day",),
                rows=[
                    {"day": day, "attended_on": on}
                    for day, on in days.items()
                    if not (missed and day == TrainingDay.FOURTH)
                ],
            )


def _seed_declarations(context: _Lea) -> None:
    """Every PSCL but one has declared for this year (and those of last year for last year);
    one declares that they govern one of this year's schools."""
    current = _participations(context.current_year, ParticipationStatus.ACTIVE)
    conflict_school = next(p.school for p in reversed(current) if p.school != context.demo_school)
    for position, adviser in enumerate(context.pscls):
        years = [] if position == UNDECLARED else [context.current_year]
        if position < LAST_YEARS_PSCLS:
            years.insert(0, context.previous_year)
        for year in years:
            declared_on = datetime.date(year.starts_on.year, 7, 20)
            declaration, _ = upsert(
                ConflictDeclaration,
                lookup={"adviser": adviser, "programme_year": year},
                values={"declared_on": declared_on, "declared_by": adviser.user},
            )
            rows = []
            if position == DECLARED_CONFLICT and year == context.current_year:
                context.conflicts[adviser] = conflict_school
                rows.append(
                    {
                        "school": conflict_school,
                        "kind": ConflictKind.GOVERNOR,
                        "details": "Chair of the governors' finance committee since 2002.",
                    }
                )
            upsert_all(
                DeclaredConflict,
                within={"declaration": declaration},
                keys=("school", "kind"),
                rows=rows,
            )


def _seed_recruitment(context: _Lea) -> None:
    """This year's applications: the PSCLs appointed this summer, linked to their adviser, and
    others at every other status, each step recorded by the strategy manager."""
    rng = context.rng
    year = context.current_year
    recommenders = context.link_advisers
    applicants = [
        (adviser.full_name, ApplicationStatus.APPOINTED, adviser)
        for adviser in context.pscls[LAST_YEARS_PSCLS:]
    ]
    applicants += [(name, status, None) for name, status in OTHER_APPLICANTS]
    for index, (full_name, status, adviser) in enumerate(applicants):
        years = adviser.years_of_headship if adviser else rng.randint(3, 15)
        interviewed = status in (ApplicationStatus.INTERVIEWED, ApplicationStatus.APPOINTED)
        recommender = recommenders[index % len(recommenders)]
        recommendation = rng.choice(
            (Recommendation.STRONGLY, Recommendation.RECOMMENDS, Recommendation.RESERVATIONS)
        )
        application, _ = upsert(
            Application,
            lookup={"programme_year": year, "email": _person_email(full_name, context.lea)},
            values={
                "full_name": full_name,
                "phone": f"01{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                "home_school": adviser.home_school if adviser else None,
                "years_of_headship": years,
                "received_on": STEP_DATES[ApplicationStatus.RECEIVED]
                - datetime.timedelta(days=index % 4),
                "letter_text": LETTERS[index % len(LETTERS)].format(years=years),
                "recommended_by": recommender if status != ApplicationStatus.RECEIVED else None,
                "recommendation": (recommendation if status != ApplicationStatus.RECEIVED else ""),
                "recommendation_notes": (
                    f"Known to me as a head in {context.lea.name} for {years} years."
                    if status != ApplicationStatus.RECEIVED
                    else ""
                ),
                "status": status,
                "screening_notes": (
                    STEP_NOTES[ApplicationStatus.SCREENED]
                    if status != ApplicationStatus.RECEIVED
                    else ""
                ),
                "interviewed_on": STEP_DATES[ApplicationStatus.INTERVIEWED]
                if interviewed
                else None,
                "interview_panel": (
                    f"{context.manager.full_name}, {recommender.full_name}" if interviewed else ""
                ),
                "interview_score": rng.randint(13, 19) if interviewed else None,
                "interview_notes": (
                    "Clear about the consultancy stages; good examples of challenge."
                    if interviewed
                    else ""
                ),
                "adviser": adviser,
            },
        )
        rows = []
        previous = ""
        for step in APPLICATION_PATHS[status]:
            rows.append(
                {
                    "to_status": step,
                    "from_status": previous,
                    "notes": STEP_NOTES[step],
                    "changed_by": context.manager,
                    "changed_at": _at(STEP_DATES[step], 9 + index % 7),
                }
            )
            previous = step
        upsert_all(
            ApplicationStep, within={"application": application}, keys=("to_status",), rows=rows
        )


def _allocate(
    context: _Lea,
    participation: Participation,
    adviser: Adviser,
    *,
    confirmed_on: datetime.date,
    status=AllocationStatus.CONFIRMED,
    planned_days: Decimal | None = None,
    ended_on: datetime.date | None = None,
    end_reason: str = "",
    events=(),
) -> Allocation:
    """An allocation with its events: confirmed by the manager, then each of `events`
    (kind, date, reason, detail)."""
    allocation, _ = upsert(
        Allocation,
        lookup={"participation": participation, "adviser": adviser},
        values={
            "status": status,
            "planned_days": planned_days or participation.programme_year.pscl_days_per_school,
            "confirmed_by": context.manager,
            "confirmed_at": _at(confirmed_on, 11),
            "ended_on": ended_on,
            "end_reason": end_reason,
        },
    )
    rows = [
        {
            "kind": AllocationEventKind.CONFIRMED,
            "reason": "Best fit on experience and distance.",
            "detail": "",
            "by": context.manager,
            "at": _at(confirmed_on, 11),
        }
    ]
    for kind, on, reason, detail in events:
        rows.append(
            {
                "kind": kind,
                "reason": reason,
                "detail": detail,
                "by": context.manager,
                "at": _at(on, 14),
            }
        )
    upsert_all(AllocationEvent, within={"allocation": allocation}, keys=("kind",), rows=rows)
    return allocation


def _seed_previous_allocations(context: _Lea) -> list[Allocation]:
    """Last year's completed schools, shared among last year's PSCLs, each match ended with the
    year. The demo school, where it took part, had the demo PSCL."""
    completed = _participations(context.previous_year, ParticipationStatus.COMPLETED)
    completed.sort(key=lambda p: p.school != context.demo_school)
    pscls = context.pscls[:LAST_YEARS_PSCLS]
    allocations = []
    for index, participation in enumerate(completed):
        allocations.append(
            _allocate(
                context,
                participation,
                pscls[index % len(pscls)],
                confirmed_on=datetime.date(2003, 7, 24),
                status=AllocationStatus.ENDED,
                ended_on=context.previous_year.ends_on,
                end_reason=YEAR_END_REASON,
                events=[
                    (
                        AllocationEventKind.ENDED,
                        context.previous_year.ends_on,
                        YEAR_END_REASON,
                        "",
                    )
                ],
            )
        )
    return allocations


def _seed_current_allocations(context: _Lea) -> list[Allocation]:
    """Every school that took up a place this year is matched. The demo PSCL has the demo
    school and three others; the PSCL who has not declared has none, nor does anyone have the
    school they declared a conflict with. One school asked for a change; one declined its first
    PSCL and was matched again; the neediest school has an extra day."""
    rng = context.rng
    participations = _participations(
        context.current_year, ParticipationStatus.ACTIVE, ParticipationStatus.ACCEPTED
    )
    demo = next(p for p in participations if p.school == context.demo_school)
    others = [p for p in participations if p != demo]
    rng.shuffle(others)
    matchable = [a for i, a in enumerate(context.pscls) if i != UNDECLARED]
    demo_pscl = matchable[0]
    assigned: dict[Participation, Adviser] = {demo: demo_pscl}
    for participation in [p for p in others if p.status == ParticipationStatus.ACTIVE][:3]:
        assigned[participation] = demo_pscl
    remaining = [p for p in others if p not in assigned]
    load = dict.fromkeys(matchable[1:], 0)
    for participation in remaining:
        candidates = [
            adviser
            for adviser in matchable[1:]
            if context.conflicts.get(adviser) != participation.school
            and adviser.home_school_id != participation.school_id
        ]
        adviser = min(candidates, key=lambda a: (load[a], context.pscls.index(a)))
        load[adviser] += 1
        assigned[participation] = adviser

    active_others = [
        p for p in remaining if p.status == ParticipationStatus.ACTIVE and p in assigned
    ]
    declined_school = active_others[0]
    change_school = active_others[1]
    extra_school = active_others[2]
    allocations = []
    for participation, adviser in assigned.items():
        confirmed_on = datetime.date(2004, 7, 22)
        if participation.joined_on and participation.joined_on > confirmed_on:
            confirmed_on = min(DEMO_TODAY, participation.joined_on + datetime.timedelta(days=3))
        kwargs = {}
        if participation == declined_school:
            first = next(
                a
                for a in matchable[1:]
                if a != adviser and context.conflicts.get(a) != participation.school
            )
            allocations.append(
                _allocate(
                    context,
                    participation,
                    first,
                    confirmed_on=confirmed_on,
                    status=AllocationStatus.DECLINED,
                    ended_on=datetime.date(2004, 9, 3),
                    end_reason=DECLINE_REASON,
                    events=[
                        (
                            AllocationEventKind.DECLINED,
                            datetime.date(2004, 9, 3),
                            DECLINE_REASON,
                            "",
                        )
                    ],
                )
            )
            confirmed_on = datetime.date(2004, 9, 10)
        if participation == change_school:
            kwargs = {
                "status": AllocationStatus.CHANGE_REQUESTED,
                "events": [
                    (
                        AllocationEventKind.CHANGE_REQUESTED,
                        datetime.date(2004, 11, 22),
                        CHANGE_REASON,
                        "",
                    )
                ],
            }
        if participation == extra_school:
            days = participation.programme_year.pscl_days_per_school
            kwargs = {
                "planned_days": days + EXTRA_DAYS,
                "events": [
                    (
                        AllocationEventKind.DAYS_CHANGED,
                        datetime.date(2004, 10, 4),
                        "The school went into special measures: one more day this year.",
                        f"{days} -> {days + EXTRA_DAYS} days",
                    )
                ],
            }
        allocations.append(
            _allocate(context, participation, adviser, confirmed_on=confirmed_on, **kwargs)
        )
    return allocations


@dataclass
class _VisitPlan:
    allocation: Allocation
    dates: list[datetime.date]
    planned: list[datetime.date]
    full_days: bool = False
    draft_on: datetime.date | None = None


def _plan_current_visits(context: _Lea, current: list[Allocation]) -> list[_VisitPlan]:
    """The visit dates of this year's matches: every three or four weeks from the match's start
    to `DEMO_TODAY`; a few schools left unvisited for six weeks; one school past its days;
    drafts for the demo PSCL's latest visit and one other."""
    rng = context.rng
    demo_pscl = context.pscls[0]
    plans = []
    active = [
        a for a in current if a.is_current and a.participation.status == ParticipationStatus.ACTIVE
    ]
    demo_school_plan = None
    others_of_demo = [a for a in active if a.adviser != demo_pscl]
    unvisited = set(others_of_demo[-UNVISITED_SCHOOLS:])
    past_days = next(
        (
            a
            for a in others_of_demo
            if a not in unvisited
            and a.planned_days == a.participation.programme_year.pscl_days_per_school
        ),
        None,
    )
    for allocation in current:
        if not allocation.is_current:
            continue
        start = max(allocation.confirmed_at.date(), datetime.date(2004, 9, 6))
        start += datetime.timedelta(days=rng.randint(7, 14))
        dates = []
        if allocation in active:
            gap = (12, 16) if allocation == past_days else (18, 28)
            last = (
                SIX_WEEKS_BEFORE - datetime.timedelta(days=4)
                if allocation in unvisited
                else DEMO_TODAY
            )
            day = start
            while day <= last:
                while day.weekday() >= 5:
                    day += datetime.timedelta(days=1)
                if day > last:
                    break
                dates.append(day)
                day += datetime.timedelta(days=rng.randint(*gap))
        planned_first = DEMO_TODAY + datetime.timedelta(days=rng.randint(7, 20))
        while planned_first.weekday() >= 5:
            planned_first += datetime.timedelta(days=1)
        planned = [] if allocation in unvisited else [planned_first]
        if allocation.participation.school == context.demo_school:
            planned.append(datetime.date(2005, 1, 13))
        plan = _VisitPlan(allocation, dates, planned, full_days=allocation == past_days)
        if allocation.participation.school == context.demo_school:
            demo_school_plan = plan
        plans.append(plan)
    if demo_school_plan is not None:
        demo_school_plan.draft_on = DEMO_TODAY - datetime.timedelta(days=1)
        demo_school_plan.dates = [
            d for d in demo_school_plan.dates if d < demo_school_plan.draft_on
        ]
    other = next(
        (p for p in plans if p.allocation.adviser != demo_pscl and p.dates and not p.full_days),
        None,
    )
    if other is not None:
        other.draft_on = other.dates.pop()
    return plans


def _seed_visit_log(context: _Lea, previous: list[Allocation], current: list[Allocation]):
    """Submitted visits with their agreed actions, drafts, planned visits and pre-visit notes;
    last year's visits too. Returns how many of this year's visits were submitted and planned."""
    rng = context.rng
    submitted = planned_count = 0
    for allocation in previous:
        start = datetime.date(2003, 9, 15)
        dates = [start + datetime.timedelta(weeks=7 * n + rng.randint(0, 3)) for n in range(5)]
        dates = [d - datetime.timedelta(days=max(0, d.weekday() - 4)) for d in dates]
        _seed_submitted(
            context, allocation, dates, full_days=False, today=datetime.date(2004, 7, 20)
        )
    for plan in _plan_current_visits(context, current):
        _seed_submitted(
            context,
            plan.allocation,
            plan.dates,
            full_days=plan.full_days,
            today=DEMO_TODAY,
            planned=plan.planned,
            draft_on=plan.draft_on,
        )
        submitted += len(plan.dates)
        if plan.draft_on:
            _seed_draft(context, plan.allocation, plan.draft_on, stage=min(6, len(plan.dates) + 1))
        for index, day in enumerate(plan.planned):
            visit = _upsert_visit(
                plan.allocation,
                day,
                {
                    "status": VisitStatus.PLANNED,
                    "purpose": PURPOSES[(len(plan.dates) + index) % len(PURPOSES)],
                    **_EMPTY_NOTES,
                },
                created_on=DEMO_TODAY - datetime.timedelta(days=rng.randint(1, 20)),
            )
            planned_count += 1
            is_demo = plan.allocation.participation.school == context.demo_school
            if (is_demo and index == 0) or (not is_demo and rng.random() < 0.4):
                progress, wants = PRE_VISIT_NOTES[rng.randrange(len(PRE_VISIT_NOTES))]
                upsert(
                    PreVisitNote,
                    lookup={"visit": visit},
                    values={
                        "progress": progress,
                        "wants": wants,
                        "written_by": context.head if is_demo else None,
                        "written_at": _at(
                            DEMO_TODAY - datetime.timedelta(days=rng.randint(0, 3)), 16
                        ),
                    },
                )
    return submitted, planned_count


_EMPTY_NOTES = {
    "length": "",
    "hours": None,
    "kind": "",
    "stage": None,
    "focus": [],
    "attendees": "",
    "notes": "",
    "standards_challenged": None,
    "challenge_detail": "",
    "next_visit_on": None,
    "submitted_at": None,
}


def _upsert_visit(allocation, day, values, *, created_on) -> Visit:
    visit, _ = upsert(
        Visit,
        lookup={"allocation": allocation, "visit_on": day},
        values={"created_by": allocation.adviser.user, **values},
    )
    updated_on = max(created_on, min(day, DEMO_TODAY))
    _stamp(visit, created_at=_at(created_on, 8), updated_at=_at(updated_on, 17))
    return visit


def _head_name(school: School) -> str:
    return school.headteacher_name or "the headteacher"


def _visit_content(context: _Lea, allocation: Allocation, index: int) -> dict[str, Any]:
    rng = context.rng
    kind = KIND_ORDER[min(index, len(KIND_ORDER) - 1)]
    focus = [VisitFocus.ENGLISH if rng.random() < 0.6 else VisitFocus.MATHS]
    if rng.random() < 0.6:
        focus.append(rng.choice((VisitFocus.LEADERSHIP, VisitFocus.ASSESSMENT, VisitFocus.MATHS)))
    focus = list(dict.fromkeys(focus))
    subject = "English" if focus[0] == VisitFocus.ENGLISH else "mathematics"
    challenged = rng.random() < 0.8
    school = allocation.participation.school
    return {
        "kind": kind,
        "stage": min(6, 1 + index * 5 // 6 + (1 if index >= 2 and rng.random() < 0.3 else 0)),
        "focus": focus,
        "attendees": ATTENDEES[rng.randrange(len(ATTENDEES))],
        "notes": NOTES[kind if kind in NOTES else VisitKind.REVIEW].format(
            head=_head_name(school), focus=subject
        ),
        "standards_challenged": challenged,
        "challenge_detail": (
            CHALLENGES[rng.randrange(len(CHALLENGES))].format(subject=subject) if challenged else ""
        ),
    }


def _seed_submitted(
    context: _Lea,
    allocation: Allocation,
    dates: list[datetime.date],
    *,
    full_days: bool,
    today: datetime.date,
    planned=(),
    draft_on=None,
) -> None:
    rng = context.rng
    following = [*dates[1:], draft_on or (planned[0] if planned else None)]
    for index, day in enumerate(dates):
        content = _visit_content(context, allocation, index)
        if full_days:
            length, hours = VisitLength.FULL_DAY, None
        else:
            roll = rng.random()
            if roll < 0.65:
                length, hours = VisitLength.HALF_DAY, None
            elif roll < 0.85:
                length, hours = VisitLength.HOURS, Decimal(rng.choice(("2.0", "2.5", "4.0")))
            else:
                length, hours = VisitLength.FULL_DAY, None
        content["stage"] = ConsultancyStage(min(6, content["stage"]))
        visit = _upsert_visit(
            allocation,
            day,
            {
                "status": VisitStatus.SUBMITTED,
                "purpose": "",
                "length": length,
                "hours": hours,
                "next_visit_on": following[index],
                "submitted_at": _at(day + datetime.timedelta(days=rng.randint(0, 2)), 18),
                **content,
            },
            created_on=day,
        )
        actions = rng.sample(ACTIONS, rng.choice((1, 2, 2)))
        rows = []
        for who, what in actions:
            due_on = day + datetime.timedelta(days=rng.randint(14, 35))
            done_on = None
            if due_on < today and rng.random() < 0.7:
                done_on = min(today, due_on - datetime.timedelta(days=rng.randint(0, 6)))
            rows.append({"what": what, "who": who, "due_on": due_on, "done_on": done_on})
        upsert_all(AgreedAction, within={"visit": visit}, keys=("what",), rows=rows)


def _seed_draft(context: _Lea, allocation: Allocation, day: datetime.date, *, stage: int) -> None:
    content = _visit_content(context, allocation, max(0, stage - 1))
    content["notes"] = content["notes"].split(". ")[0] + "."
    _upsert_visit(
        allocation,
        day,
        {
            **_EMPTY_NOTES,
            **content,
            "status": VisitStatus.DRAFT,
            "purpose": "",
            "length": VisitLength.HALF_DAY,
            "stage": ConsultancyStage(min(6, stage)),
            "standards_challenged": None,
            "challenge_detail": "",
        },
        created_on=day,
    )


def _seed_evaluations(context: _Lea, previous: list[Allocation], current: list[Allocation]) -> None:
    """Last year's schools rated their PSCL's support each term; this autumn's ratings are due
    at the end of term, and two schools have given theirs already."""
    rng = context.rng
    for allocation in previous:
        base = rng.choice((3, 4, 4, 5))
        for term, on in TERM_WRITTEN_ON["2003-04"].items():
            rating = max(2, min(5, base + rng.choice((-1, 0, 0, 1))))
            _evaluate(context, allocation, term, on, rating)
    early = [
        a
        for a in current
        if a.is_current
        and a.participation.status == ParticipationStatus.ACTIVE
        and a.participation.school != context.demo_school
        and a.status == AllocationStatus.CONFIRMED
    ][:2]
    for allocation, rating in zip(early, (4, 3), strict=False):
        _evaluate(context, allocation, Term.AUTUMN, TERM_WRITTEN_ON["2004-05"][Term.AUTUMN], rating)


def _evaluate(context: _Lea, allocation: Allocation, term, on: datetime.date, rating: int) -> None:
    is_demo = allocation.participation.school == context.demo_school
    upsert(
        SupportEvaluation,
        lookup={"allocation": allocation, "term": term},
        values={
            "rating": rating,
            "comments": EVALUATION_COMMENTS[rating],
            "written_by": context.head if is_demo else None,
            "written_at": _at(on, 15),
        },
    )
