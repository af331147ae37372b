"""The national data generator behind `manage.py seed_national` (see the package's docstring).

Everything is drawn from one `random.Random(seed)` in a fixed order, so a seed gives the same data
each time. Rows are built as plain dicts in memory and written a table at a time with COPY;
primary keys that later rows refer to are taken from the tables' sequences first.
"""

import datetime
import math
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import clock
from accounts.models import Role, User
from accounts.twofactor.demo import DEMO_TOTP_KEY
from accounts.twofactor.services import APP_DEVICE_NAME
from consultants import demo as consultants_demo
from consultants.models import (
    Adviser,
    AdviserKind,
    AgreedAction,
    Allocation,
    AllocationEvent,
    AllocationEventKind,
    AllocationStatus,
    Attachment,
    Capacity,
    ConflictDeclaration,
    ConsultantTraining,
    Expertise,
    PreVisitNote,
    TrainingDay,
    Visit,
    VisitFocus,
    VisitKind,
    VisitLength,
    VisitStatus,
    visit_days,
)
from funding import demo as funding_demo
from funding.grants import GrantRates, grant_figures, money
from funding.models import (
    Budget,
    CoverClaim,
    ExpenditureReturn,
    FundingRates,
    Grant,
    Payee,
    Payment,
    PaymentKind,
    PaymentStatus,
    ReturnStatus,
)
from leadership import demo as leadership_demo
from leadership.models import (
    Action,
    ActionPlan,
    LeadershipTeamMember,
    MemberRole,
    OfstedKind,
    Participation,
    ParticipationStatus,
    ParticipationTransition,
    PlanPriority,
    PlanReview,
    ProgrammeYear,
    SchoolActivity,
    SchoolVisit,
    SuccessCriterion,
    TrainingAttendance,
    TrainingEvent,
)
from schools.demo import INSPECTION_SUMMARIES, INWARD_LETTERS, SUPPRESSION_COHORT, TARGET_NOTES
from schools.factories import AWARDS, BARRIERS, PLACES, SAINTS, value_added_grade
from schools.models import (
    IctCompetence,
    Inspection,
    InspectionType,
    KeyStage,
    KeyStage2Target,
    KeyStageResult,
    LocalAuthority,
    OfstedCategory,
    School,
    SchoolType,
    Subject,
    ValueAdded,
)

from . import (
    BENCH_PASSWORD,
    BENCH_SCHOOL_URN,
    BIGGEST_LEA_CODE,
    BIGGEST_LEA_NAME,
    CODE_RANGE,
    EMAIL_DOMAIN,
    FIRST_URN,
)
from .bulk import copy_rows, purge, reference_checks_skipped, reserve_ids

Status = ParticipationStatus

#: England at scale 1.0 (DOMAIN.md: Scale).
ENGLAND_LEAS = 150
ENGLAND_SCHOOLS = 17_000
BIGGEST_LEA_SCHOOLS = 300
#: The largest scale whose URNs stay below 900000.
MAX_SCALE = 5.0
#: Share of an LEA's schools holding a place this year (4,500 of 17,000); the largest LEA's.
PLACE_SHARE = 0.262
BIGGEST_PLACE_SHARE = 0.30
#: Share of schools that took part last year (DOMAIN.md: about 25% in year 1).
PREVIOUS_SHARE = 0.25
SCHOOLS_PER_PSCL = 4.5
SCHOOLS_PER_LINK_ADVISER = 60
MIN_SCHOOLS_PER_LEA = 12
RESULT_YEARS = range(2000, 2005)

PREVIOUS = leadership_demo.PREVIOUS_YEAR
CURRENT = leadership_demo.CURRENT_YEAR
DEMO_TODAY = leadership_demo.DEMO_TODAY
#: Whole-pound supply rates an LEA may set.
SUPPLY_RATES = [Decimal(rate) for rate in range(130, 170, 5)]
LEA_SUFFIXES = ("shire", " Vale", " Borough", " Dales", " and District", " Moor", " Downs")
TOWN_PREFIXES = ("", "North ", "South ", "Upper ", "Lower ", "Great ")
NAME_PATTERNS = (
    ("{} Primary School", 8),
    ("{} Community Primary School", 2),
    ("{} Church of England Primary School", 3),
    ("{} Primary and Nursery School", 3),
    ("{} Junior and Infant School", 1),
    ("St {} Catholic Primary School", 2),
)
FIRST_NAMES = [
    "Alison",
    "Andrew",
    "Angela",
    "Anne",
    "Brian",
    "Carol",
    "Catherine",
    "Christine",
    "David",
    "Deborah",
    "Elaine",
    "Emma",
    "Fiona",
    "Gareth",
    "Graham",
    "Helen",
    "Ian",
    "Jane",
    "Janet",
    "Jennifer",
    "John",
    "Julie",
    "Karen",
    "Kevin",
    "Linda",
    "Lorraine",
    "Mark",
    "Martin",
    "Michael",
    "Nicola",
    "Paul",
    "Peter",
    "Rachel",
    "Richard",
    "Robert",
    "Sandra",
    "Sarah",
    "Simon",
    "Stephen",
    "Susan",
    "Tracey",
    "Yvonne",
    "Amrit",
    "Farida",
    "Kwame",
    "Mei",
    "Tariq",
    "Nadia",
]
SURNAMES = [
    "Adams",
    "Ahmed",
    "Allen",
    "Atkinson",
    "Bailey",
    "Baker",
    "Barker",
    "Bell",
    "Bennett",
    "Booth",
    "Bradley",
    "Brooks",
    "Carter",
    "Chapman",
    "Clarke",
    "Collins",
    "Cooper",
    "Davies",
    "Dawson",
    "Dixon",
    "Edwards",
    "Ellis",
    "Evans",
    "Fisher",
    "Fletcher",
    "Foster",
    "Gibson",
    "Graham",
    "Green",
    "Hall",
    "Harris",
    "Hughes",
    "Hunt",
    "Jackson",
    "James",
    "Johnson",
    "Jones",
    "Kaur",
    "Kelly",
    "Khan",
    "King",
    "Knight",
    "Lee",
    "Lewis",
    "Marshall",
    "Martin",
    "Mason",
    "Mills",
    "Moore",
    "Morris",
    "Murphy",
    "Naylor",
    "Owen",
    "Parker",
    "Patel",
    "Pearson",
    "Phillips",
    "Price",
    "Reid",
    "Roberts",
    "Robinson",
    "Russell",
    "Scott",
    "Shaw",
    "Singh",
    "Smith",
    "Stevens",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


def _working_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return leadership_demo._working_days(first, last)


def _weekday(day: datetime.date) -> datetime.date:
    """`day`, or the Monday after it if it falls at a weekend."""
    return day + datetime.timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _d1(value: float) -> Decimal:
    return Decimal(f"{value:.1f}")


def national_leas():
    """The generator's LEAs in this database."""
    return LocalAuthority.objects.filter(code__in=[f"{code:03d}" for code in CODE_RANGE])


def national_users():
    return User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")


def reset_national() -> dict[str, int]:
    """Delete the generated LEAs, everything that hangs off them and the generated log-ins;
    nothing of another LEA (seed_demo's, say) is touched."""
    with transaction.atomic(), reference_checks_skipped():
        leas = purge(LocalAuthority, national_leas())
        users = purge(User, national_users())
    return {"LEAs": leas, "other log-ins": users}


# ---------------------------------------------------------------------------------------------
# In-memory records


@dataclass(eq=False)
class _Lea:
    index: int
    code: str
    name: str
    size: int
    easting: int
    northing: int
    supply_rate: Decimal
    id: int = 0
    schools: list = field(default_factory=list)
    previous_year_id: int = 0
    current_year_id: int = 0
    manager_id: int = 0
    link_advisers: list = field(default_factory=list)  # (adviser id, user id)
    pscls: list = field(default_factory=list)
    places: list = field(default_factory=list)  # this year's participations
    events: dict = field(default_factory=dict)


@dataclass(eq=False)
class _School:
    lea: _Lea
    urn: int
    name: str
    roll: int
    quality: float
    trend: float
    fsm: float
    easting: int
    northing: int
    headteacher_name: str
    id: int = 0
    ks2_2004: tuple = (None, None)
    head_user_id: int | None = None


@dataclass(eq=False)
class _Place:
    school: _School
    status: str
    invited_on: datetime.date | None
    joined_on: datetime.date | None
    id: int = 0
    members: list = field(default_factory=list)  # (id, role, name)
    allocation: object = None


@dataclass(eq=False)
class _Pscl:
    lea: _Lea
    number: int
    name: str
    user_id: int
    home_school: _School
    id: int = 0
    places: list = field(default_factory=list)


@dataclass(eq=False)
class _Allocation:
    place: _Place
    pscl: _Pscl
    planned_days: Decimal
    status: str
    confirmed_on: datetime.date
    id: int = 0
    days_to_half_term: Decimal = Decimal("0.00")


class NationalGenerator:
    """Builds and writes the national data; `run()` does every step in one transaction."""

    def __init__(self, *, scale: float, seed: int, write: Callable[[str], None] = print):
        if scale <= 0:
            raise ValueError("The scale must be more than nothing.")
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        self.write = write
        self.counts: Counter = Counter()
        self.tables: set[str] = set()
        self.timings: list[tuple[str, float]] = []
        today = clock.today()
        # The data is of the 2004-05 year as on the application's date, when that date lies in
        # the year; otherwise as on the demo's day.
        self.today = today if CURRENT.starts_on < today < CURRENT.ends_on else DEMO_TODAY
        self.leas: list[_Lea] = []
        self.schools: list[_School] = []
        self.allocations: list[_Allocation] = []
        self.password = ""
        self.admin_id = 0

    # -- orchestration ------------------------------------------------------------------------

    def run(self) -> Counter:
        steps = [
            ("LEAs and schools", self.make_schools),
            ("results, value added, inspections", self.make_results),
            ("programme years and participations", self.make_programme),
            ("log-ins", self.make_users),
            ("advisers, capacity, training", self.make_advisers),
            ("leadership teams, training, visits, activity", self.make_teams),
            ("action plans and KS2 targets", self.make_plans),
            ("allocations", self.make_allocations),
            ("PSCL visit log", self.make_visits),
            ("funding", self.make_funding),
        ]
        with transaction.atomic():
            for label, step in steps:
                started = time.monotonic()
                step()
                self.timings.append((label, time.monotonic() - started))
                self.write(f"  {label}: {self.timings[-1][1]:.1f}s")
        # Fresh statistics for the planner, as the benchmarks and EXPLAIN checks read them.
        started = time.monotonic()
        tables = sorted(self.tables)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        self.timings.append(("ANALYZE", time.monotonic() - started))
        self.write(f"  ANALYZE of {len(tables)} tables: {self.timings[-1][1]:.1f}s")
        return self.counts

    def _copy(self, model, rows: list[dict]) -> None:
        self.tables.add(model._meta.db_table)
        self.counts[model._meta.verbose_name_plural] += copy_rows(model, rows)

    def _ids(self, model, items: list) -> None:
        for item, pk in zip(items, reserve_ids(model, len(items)), strict=True):
            item.id = pk

    # -- names --------------------------------------------------------------------------------

    def _person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    def _lea_names(self, count: int) -> list[str]:
        names = [f"{place}{suffix}" for place in PLACES for suffix in LEA_SUFFIXES]
        names = [name for name in names if name != BIGGEST_LEA_NAME]
        self.rng.shuffle(names)
        return [BIGGEST_LEA_NAME, *names[: count - 1]]

    def _school_name(self, taken: set[str]) -> str:
        patterns, weights = zip(*NAME_PATTERNS, strict=True)
        for _ in range(20):
            place = self.rng.choice(TOWN_PREFIXES) + self.rng.choice(PLACES)
            pattern = self.rng.choices(patterns, weights)[0]
            name = pattern.format(self.rng.choice(SAINTS) if pattern.startswith("St ") else place)
            if name not in taken:
                break
        else:
            name = f"{place} Primary School No. {len(taken) + 1}"
        taken.add(name)
        return name

    # -- schools ------------------------------------------------------------------------------

    def _sizes(self) -> list[int]:
        rng = self.rng
        count = min(len(CODE_RANGE) - 1, max(2, round(ENGLAND_LEAS * self.scale)))
        total = max(count * MIN_SCHOOLS_PER_LEA, round(ENGLAND_SCHOOLS * self.scale))
        share = max(BIGGEST_LEA_SCHOOLS / ENGLAND_SCHOOLS, 1.3 / count)
        biggest = round(total * share)
        weights = [min(2.2, rng.lognormvariate(0, 0.55)) for _ in range(count - 1)]
        rest = total - biggest
        others = [max(MIN_SCHOOLS_PER_LEA, math.floor(rest * w / sum(weights))) for w in weights]
        for index in range(rest - sum(others)):
            others[index % len(others)] += 1
        return [max(biggest, max(others) + 1), *others]

    def make_schools(self) -> None:
        rng = self.rng
        sizes = self._sizes()
        names = self._lea_names(len(sizes))
        for index, (size, name) in enumerate(zip(sizes, names, strict=True)):
            self.leas.append(
                _Lea(
                    index=index,
                    code=f"{CODE_RANGE.start + 1 + index:03d}",
                    name=name,
                    size=size,
                    easting=rng.randint(360000, 600000),
                    northing=rng.randint(120000, 520000),
                    supply_rate=rng.choice(SUPPLY_RATES),
                )
            )
        self._ids(LocalAuthority, self.leas)
        self._copy(
            LocalAuthority,
            [{"id": lea.id, "code": lea.code, "name": lea.name} for lea in self.leas],
        )
        urn = FIRST_URN
        for lea in self.leas:
            taken: set[str] = set()
            for _ in range(lea.size):
                quality = max(-2.4, min(2.4, rng.gauss(0, 1)))
                roll = rng.randint(28, 120) if rng.random() < 0.33 else rng.randint(121, 640)
                school = _School(
                    lea=lea,
                    urn=urn,
                    name=self._school_name(taken),
                    roll=roll,
                    quality=quality,
                    trend=rng.gauss(0.8, 1.0),
                    fsm=max(1.0, min(65.0, rng.gauss(18 - 6 * quality, 8))),
                    easting=lea.easting + round(rng.gauss(0, 9000)),
                    northing=lea.northing + round(rng.gauss(0, 9000)),
                    headteacher_name=self._person(),
                )
                if urn == BENCH_SCHOOL_URN:
                    school.quality, school.roll = -0.8, 236
                lea.schools.append(school)
                self.schools.append(school)
                urn += 1
        self._ids(School, self.schools)

    def _school_row(self, school: _School, inspections: list[dict], va: Decimal | None) -> dict:
        rng = self.rng
        name = school.name
        district = f"{school.lea.name[:2].upper()}{1 + school.urn % 19}"
        inward = f"{rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        started = datetime.date(rng.randint(1988, 2004), rng.choice((1, 4, 9)), 1)
        latest = inspections[-1]
        category = OfstedCategory.NONE
        if latest["overall_grade"] == 7:
            category = OfstedCategory.SPECIAL_MEASURES
        elif latest["overall_grade"] == 6 and rng.random() < 0.5:
            category = OfstedCategory.SERIOUS_WEAKNESSES
        if name.startswith("St "):
            school_type = SchoolType.VOLUNTARY_AIDED
        elif "Church of England" in name:
            school_type = rng.choice([SchoolType.VOLUNTARY_CONTROLLED, SchoolType.VOLUNTARY_AIDED])
        else:
            school_type = SchoolType.FOUNDATION if rng.random() < 0.1 else SchoolType.COMMUNITY
        voluntary = school_type != SchoolType.COMMUNITY
        return {
            "id": school.id,
            "urn": school.urn,
            "local_authority_id": school.lea.id,
            "establishment_number": f"{(3000 if voluntary else 2000) + school.urn % 997:04d}",
            "name": name,
            "school_type": school_type,
            "number_on_roll": school.roll,
            "postcode": f"{district} {inward}",
            "easting": max(0, school.easting),
            "northing": max(0, school.northing),
            "percentage_fsm": _d1(school.fsm),
            "pupil_mobility": _d1(max(1.0, min(40.0, rng.gauss(11, 5)))),
            "ofsted_category": category,
            "is_open": True,
            "closed_on": None,
            "ofsted_rating": "",
            "headteacher_name": school.headteacher_name,
            "headteacher_started_on": started,
            "years_of_headship": max(1, 2004 - started.year) + rng.randint(0, 6),
            "leadership_judgement": {1: 1, 2: 2, 3: 2, 4: 3}.get(latest["leadership_grade"], 4),
            "ict_competence": rng.choice(IctCompetence.values),
            "barriers_commentary": rng.choice(BARRIERS),
            "awards": rng.choice(["", AWARDS[0], "\n".join(AWARDS[:2]), "\n".join(AWARDS[1:])]),
            "latest_value_added": va,
            "latest_value_added_year": 2004 if va is not None else None,
        }

    def make_results(self) -> None:
        rng = self.rng
        schools, results, value_added, inspections = [], [], [], []
        for school in self.schools:
            ks1_level = 84 + 4 * school.quality - 0.25 * (school.fsm - 18)
            ks2_level = 76 + 5 * school.quality - 0.3 * (school.fsm - 18)
            latest_va = None
            for year in RESULT_YEARS:
                for key_stage, level in ((KeyStage.KS1, ks1_level), (KeyStage.KS2, ks2_level)):
                    cohort = max(3, round(school.roll / 7 + rng.gauss(0, 2)))
                    expected = level + school.trend * (year - 2004)
                    english = self._percentage(expected, cohort)
                    maths = self._percentage(expected - 1.5, cohort)
                    if cohort < SUPPRESSION_COHORT:
                        english = maths = None
                    results.append(
                        {
                            "school_id": school.id,
                            "year": year,
                            "key_stage": key_stage,
                            "cohort_size": cohort,
                            "english_percentage": english,
                            "maths_percentage": maths,
                        }
                    )
                    if key_stage == KeyStage.KS2 and year == 2004:
                        school.ks2_2004 = (english, maths)
                score = None
                if cohort >= SUPPRESSION_COHORT:
                    drawn = 100 + 1.1 * school.quality + 0.2 * school.trend * (year - 2004)
                    score = _d1(max(96.5, min(103.5, drawn + rng.gauss(0, 0.6))))
                value_added.append(
                    {
                        "school_id": school.id,
                        "year": year,
                        "score": score,
                        "grade": value_added_grade(score),
                    }
                )
                latest_va = score if score is not None else latest_va
            school_inspections = self._inspections(school)
            inspections += school_inspections
            schools.append(self._school_row(school, school_inspections, latest_va))
        self._copy(School, schools)
        self._copy(KeyStageResult, results)
        self._copy(ValueAdded, value_added)
        self._copy(Inspection, inspections)

    def _percentage(self, expected: float, cohort: int) -> Decimal:
        drawn = expected + self.rng.gauss(0, 30 / math.sqrt(cohort))
        pupils = max(0, min(cohort, round(drawn * cohort / 100)))
        return (Decimal(100 * pupils) / Decimal(cohort)).quantize(Decimal("0.1"))

    def _inspections(self, school: _School) -> list[dict]:
        rng = self.rng
        latest = datetime.date(rng.randint(2000, 2004), rng.randint(1, 7), rng.randint(1, 28))
        dates = [latest]
        if rng.random() < 0.4:
            dates.insert(0, latest.replace(year=latest.year - rng.randint(4, 6)))
        rows = []
        for inspected_on in dates:
            overall = max(1, min(7, round(3.3 - 1.1 * school.quality + rng.gauss(0, 0.6))))
            rows.append(
                {
                    "school_id": school.id,
                    "inspected_on": inspected_on,
                    "inspection_type": InspectionType.SECTION_10,
                    "overall_grade": overall,
                    "leadership_grade": max(1, min(7, overall + rng.choice([-1, 0, 0, 1]))),
                    "teaching_grade": max(1, min(7, overall + rng.choice([-1, 0, 0, 1]))),
                    "summary": INSPECTION_SUMMARIES[overall],
                }
            )
        return rows

    # -- programme ----------------------------------------------------------------------------

    def _need_order(self, schools: list[_School]) -> list[_School]:
        rng = self.rng
        ordered = sorted(schools, key=lambda s: s.quality + rng.gauss(0, 0.7))
        bench = [s for s in ordered if s.urn == BENCH_SCHOOL_URN]
        return bench + [s for s in ordered if s.urn != BENCH_SCHOOL_URN]

    def make_programme(self) -> None:
        rng = self.rng
        years, previous, transitions = [], [], []
        year_ids = iter(reserve_ids(ProgrammeYear, 2 * len(self.leas)))
        for lea in self.leas:
            lea.previous_year_id, lea.current_year_id = next(year_ids), next(year_ids)
            share = BIGGEST_PLACE_SHARE if lea.code == BIGGEST_LEA_CODE else PLACE_SHARE
            holding = max(3, round(lea.size * share))
            # Last year's cohort.
            order = [s for s in self._need_order(lea.schools) if s.urn != BENCH_SCHOOL_URN]
            took_part = order[: round(lea.size * PREVIOUS_SHARE)]
            for school in took_part:
                roll = rng.random()
                status = (
                    Status.DECLINED if roll < 0.08 else Status.WITHDRAWN if roll < 0.1 else None
                )
                invited_on = _working_days(datetime.date(2003, 5, 6), datetime.date(2003, 6, 20))
                invited = rng.choice(invited_on)
                previous.append(
                    {
                        "programme_year_id": lea.previous_year_id,
                        "school_id": school.id,
                        "status": status or Status.COMPLETED,
                        "status_reason": (
                            rng.choice(leadership_demo.DECLINE_REASONS)
                            if status == Status.DECLINED
                            else leadership_demo.WITHDRAWAL_REASON
                            if status == Status.WITHDRAWN
                            else ""
                        ),
                        "ofsted_kind": None if status else rng.randint(1, 4),
                        "is_not_yet_progressing": status is None and rng.random() < 0.15,
                        "invited_on": invited,
                        "joined_on": None
                        if status == Status.DECLINED
                        else invited + datetime.timedelta(days=rng.randint(7, 30)),
                        "is_good_practice": status is None and rng.random() < 0.05,
                    }
                )
            # This year's, as on today.
            extras = {
                Status.INVITED: round(0.03 * holding),
                Status.DECLINED: max(1, round(0.05 * holding)),
                Status.IDENTIFIED: round(0.02 * holding),
                Status.WITHDRAWN: round(0.01 * holding),
            }
            accepted = round(0.07 * holding)
            statuses = [Status.ACCEPTED] * accepted + [Status.ACTIVE] * (holding - accepted)
            for status, count in extras.items():
                statuses += [status] * count
            order = self._need_order(lea.schools)
            rest = statuses[1:]
            rng.shuffle(rest)
            for school, status in zip(order, [Status.ACTIVE, *rest], strict=False):
                lea.places.append(self._place(school, status))
            reserve = max(1, round(0.05 * holding))
            years += [
                {
                    "id": lea.previous_year_id,
                    "local_authority_id": lea.id,
                    "name": PREVIOUS.name,
                    "starts_on": PREVIOUS.starts_on,
                    "ends_on": PREVIOUS.ends_on,
                    "funded_places": len(took_part),
                    "reserve_places": 0,
                },
                {
                    "id": lea.current_year_id,
                    "local_authority_id": lea.id,
                    "name": CURRENT.name,
                    "starts_on": CURRENT.starts_on,
                    "ends_on": CURRENT.ends_on,
                    "funded_places": holding + reserve,
                    "reserve_places": reserve,
                },
            ]
        self._copy(ProgrammeYear, years)
        self._copy(Participation, previous)
        places = [place for lea in self.leas for place in lea.places]
        self._ids(Participation, places)
        rows = []
        for place in places:
            holds = place.status in (Status.ACTIVE, Status.ACCEPTED)
            reason = ""
            if place.status == Status.DECLINED:
                reason = rng.choice(leadership_demo.DECLINE_REASONS)
            elif place.status == Status.WITHDRAWN:
                reason = leadership_demo.WITHDRAWAL_REASON
            rows.append(
                {
                    "id": place.id,
                    "programme_year_id": place.school.lea.current_year_id,
                    "school_id": place.school.id,
                    "status": place.status,
                    "status_reason": reason,
                    "ofsted_kind": rng.choice(OfstedKind.values) if holds else None,
                    "is_not_yet_progressing": False,
                    "invited_on": place.invited_on,
                    "joined_on": place.joined_on,
                    "is_good_practice": False,
                }
            )
            transitions += self._transitions(place, reason)
        self._copy(Participation, rows)
        self.transitions = transitions

    def _place(self, school: _School, status: str) -> _Place:
        rng = self.rng
        today = self.today
        invited = joined = None
        if status != Status.IDENTIFIED:
            if status in (Status.ACCEPTED, Status.INVITED):
                invited = rng.choice(_working_days(datetime.date(2004, 9, 13), today))
            else:
                invited = rng.choice(
                    _working_days(datetime.date(2004, 5, 4), datetime.date(2004, 6, 18))
                )
        if status in (Status.ACTIVE, Status.WITHDRAWN):
            joined = invited + datetime.timedelta(days=rng.randint(7, 40))
        elif status == Status.ACCEPTED:
            joined = min(today, invited + datetime.timedelta(days=rng.randint(3, 20)))
        return _Place(school=school, status=status, invited_on=invited, joined_on=joined)

    def _transitions(self, place: _Place, reason: str) -> list[dict]:
        rng = self.rng
        steps = [("", Status.IDENTIFIED, datetime.date(2004, 4, 26))]
        if place.invited_on:
            steps.append((Status.IDENTIFIED, Status.INVITED, place.invited_on))
        if place.status == Status.DECLINED:
            decided = place.invited_on + datetime.timedelta(days=rng.randint(5, 20))
            steps.append((Status.INVITED, Status.DECLINED, min(decided, self.today)))
        if place.joined_on:
            steps.append((Status.INVITED, Status.ACCEPTED, place.joined_on))
        if place.status in (Status.ACTIVE, Status.WITHDRAWN):
            steps.append((Status.ACCEPTED, Status.ACTIVE, max(place.joined_on, CURRENT.starts_on)))
        if place.status == Status.WITHDRAWN:
            left = rng.choice(_working_days(datetime.date(2004, 10, 4), self.today))
            steps.append((Status.ACTIVE, Status.WITHDRAWN, left))
        return [
            {
                "participation_id": place.id,
                "from_status": before,
                "to_status": after,
                "reason": reason if after in (Status.DECLINED, Status.WITHDRAWN) else "",
                "changed_by_id": None,
                "changed_at": _at(on, 9 + position),
            }
            for position, (before, after, on) in enumerate(steps)
        ]

    # -- log-ins ------------------------------------------------------------------------------

    def make_users(self) -> None:
        rng = self.rng
        self.password = make_password(BENCH_PASSWORD)
        users: list[dict] = []

        def add(email, full_name, role, job_title, lea=None, school=None) -> dict:
            is_admin = role == Role.ADMIN
            row = {
                "password": self.password,
                "last_login": None,
                "is_superuser": is_admin,
                "email": email,
                "full_name": full_name,
                "role": role,
                "local_authority_id": lea.id if lea else None,
                "school_id": school.id if school else None,
                "job_title": job_title,
                "is_active": True,
                "is_staff": is_admin,
                "date_joined": _at(datetime.date(2004, 4, 1)),
            }
            users.append(row)
            return row

        admin = add(f"admin@{EMAIL_DOMAIN}", "Chris Holloway", Role.ADMIN, "System administrator")
        managers, advisers, pscls, heads = {}, {}, {}, {}
        for lea in self.leas:
            managers[lea] = add(
                f"manager.{lea.code}@{EMAIL_DOMAIN}",
                self._person(),
                Role.MANAGER,
                "Primary Strategy Manager",
                lea=lea,
            )
            count = max(1, round(lea.size / SCHOOLS_PER_LINK_ADVISER))
            advisers[lea] = [
                add(
                    f"adviser{n}.{lea.code}@{EMAIL_DOMAIN}",
                    self._person(),
                    Role.LINK_ADVISER,
                    "Link Adviser",
                    lea=lea,
                )
                for n in range(1, count + 1)
            ]
            holders = [p for p in lea.places if p.status in (Status.ACTIVE, Status.ACCEPTED)]
            count = max(1, round(len(holders) / SCHOOLS_PER_PSCL))
            pscls[lea] = [
                add(
                    f"pscl{n}.{lea.code}@{EMAIL_DOMAIN}",
                    self._person(),
                    Role.CONSULTANT,
                    "Primary Strategy Consultant Leader",
                    lea=lea,
                )
                for n in range(1, count + 1)
            ]
            for place in holders:
                school = place.school
                heads[school] = add(
                    f"head.{school.urn}@{EMAIL_DOMAIN}",
                    school.headteacher_name,
                    Role.HEADTEACHER,
                    "Headteacher",
                    school=school,
                )
                add(
                    f"governor.{school.urn}@{EMAIL_DOMAIN}",
                    self._person(),
                    Role.GOVERNOR,
                    "Chair of Governors",
                    school=school,
                )
        for row, pk in zip(users, reserve_ids(User, len(users)), strict=True):
            row["id"] = pk
        self._copy(User, users)
        self.admin_id = admin["id"]
        devices = [
            {"user_id": row["id"], "name": APP_DEVICE_NAME, "confirmed": True, "key": DEMO_TOTP_KEY}
            for row in users
            if row["role"] in (Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT)
        ]
        self._copy(TOTPDevice, devices)
        for lea in self.leas:
            lea.manager_id = managers[lea]["id"]
            lea.link_advisers = [(0, row["id"], row["full_name"]) for row in advisers[lea]]
            cohort = {p.school for p in lea.places}
            non_cohort = [s for s in lea.schools if s not in cohort]
            homes = rng.sample(non_cohort, min(len(non_cohort), len(pscls[lea])))
            lea.pscls = [
                _Pscl(
                    lea=lea,
                    number=n,
                    name=row["full_name"],
                    user_id=row["id"],
                    home_school=homes[n - 1] if n - 1 < len(homes) else None,
                )
                for n, row in enumerate(pscls[lea], start=1)
            ]
        for school, row in heads.items():
            school.head_user_id = row["id"]
        lea_of = {p.id: p.school.lea for lea in self.leas for p in lea.places}
        for transition in self.transitions:
            transition["changed_by_id"] = lea_of[transition["participation_id"]].manager_id
        self._copy(ParticipationTransition, self.transitions)

    # -- advisers -----------------------------------------------------------------------------

    def make_advisers(self) -> None:
        rng = self.rng
        rows, attachments, training, declarations = [], [], [], []
        for lea in self.leas:
            adviser_ids = reserve_ids(Adviser, len(lea.link_advisers) + len(lea.pscls) + 2)
            for index, (_, user_id, name) in enumerate(lea.link_advisers):
                rows.append(self._adviser(lea, adviser_ids[index], AdviserKind.LINK_ADVISER, name))
                rows[-1]["user_id"] = user_id
                lea.link_advisers[index] = (adviser_ids[index], user_id, name)
            offset = len(lea.link_advisers)
            for index, pscl in enumerate(lea.pscls):
                pscl.id = adviser_ids[offset + index]
                row = self._adviser(lea, pscl.id, AdviserKind.PSCL, pscl.name)
                last_year = rng.random() < 0.5
                row.update(
                    user_id=pscl.user_id,
                    email=f"pscl{pscl.number}.{lea.code}@{EMAIL_DOMAIN}",
                    home_school_id=pscl.home_school.id if pscl.home_school else None,
                    years_of_headship=rng.randint(5, 22),
                    expertise=rng.sample(Expertise.values, rng.randint(2, 3)),
                    appointed_on=consultants_demo.APPOINTED_LAST_YEAR
                    if last_year
                    else consultants_demo.APPOINTED_THIS_YEAR,
                )
                rows.append(row)
                for day, on in consultants_demo.TRAINING_DATES[CURRENT.name].items():
                    if on > self.today or (day == TrainingDay.FOURTH and rng.random() < 0.05):
                        continue
                    training.append(
                        {
                            "adviser_id": pscl.id,
                            "programme_year_id": lea.current_year_id,
                            "day": day,
                            "attended_on": on,
                        }
                    )
                declarations.append(
                    {
                        "adviser_id": pscl.id,
                        "programme_year_id": lea.current_year_id,
                        "declared_on": datetime.date(2004, 7, 19),
                        "declared_by_id": pscl.user_id,
                    }
                )
            for index, kind in enumerate((AdviserKind.LITERACY, AdviserKind.NUMERACY)):
                rows.append(self._adviser(lea, adviser_ids[-2 + index], kind, self._person()))
            # Each school's link adviser, by area; the bench school's is the first.
            by_area = sorted(lea.schools, key=lambda s: (s.urn != BENCH_SCHOOL_URN, s.easting))
            per = math.ceil(len(by_area) / len(lea.link_advisers))
            for position, school in enumerate(by_area):
                attachments.append(
                    {
                        "adviser_id": lea.link_advisers[position // per][0],
                        "school_id": school.id,
                        "attached_on": datetime.date(2004, 9, 1),
                    }
                )
        self._copy(Adviser, rows)
        self._copy(Attachment, attachments)
        self._copy(ConsultantTraining, training)
        self._copy(ConflictDeclaration, declarations)

    def _adviser(self, lea: _Lea, pk: int, kind: str, name: str) -> dict:
        first, last = name.split(" ", 1)
        return {
            "id": pk,
            "local_authority_id": lea.id,
            "kind": kind,
            "user_id": None,
            "full_name": name,
            "email": f"{first[0]}.{last}@{_slug(lea.name)}.gov.example.org".lower(),
            "phone": f"01{self.rng.randint(100, 999)} {self.rng.randint(100000, 999999)}",
            "home_school_id": None,
            "years_of_headship": None,
            "expertise": [],
            "appointed_on": None,
            "is_active": True,
            "calendar_token": f"{self.rng.getrandbits(192):048x}",
        }

    # -- teams --------------------------------------------------------------------------------

    def make_teams(self) -> None:
        rng = self.rng
        members = []
        teams = [
            place
            for lea in self.leas
            for place in lea.places
            if place.status in (Status.ACTIVE, Status.ACCEPTED)
        ]
        for place in teams:
            school = place.school
            small = school.roll <= 120
            roles = list(leadership_demo.SMALL_TEAM if small else leadership_demo.LARGE_TEAM)
            if place.status == Status.ACCEPTED:
                roles = roles[:1]
            elif rng.random() < 0.15:
                roles = roles[:-1] if rng.random() < 0.6 else [*roles, MemberRole.OTHER_SENIOR]
            names = [school.headteacher_name]
            while len(names) < len(roles):
                name = self._person()
                if name not in names:
                    names.append(name)
            for name, role in zip(names, roles, strict=True):
                first, last = name.split(" ", 1)
                members.append(
                    {
                        "participation_id": place.id,
                        "full_name": name,
                        "role": role,
                        "email": f"{first[0]}.{last}@{_slug(school.name)}.sch.uk".lower(),
                    }
                )
                place.members.append([0, role, name])
        ids = iter(reserve_ids(LeadershipTeamMember, len(members)))
        for place in teams:
            for member in place.members:
                member[0] = next(ids)
        flat = [m for place in teams for m in place.members]
        for row, member in zip(members, flat, strict=True):
            row["id"] = member[0]
        self._copy(LeadershipTeamMember, members)
        self._training(teams)
        self._school_visits_and_activity(teams)

    def _training(self, teams: list[_Place]) -> None:
        rng = self.rng
        events, register = [], []
        for lea in self.leas:
            active = [p for p in lea.places if p.status == Status.ACTIVE]
            people = sum(len(p.members) for p in active)
            towns = rng.sample(PLACES, 2)
            for session, days in leadership_demo.SESSION_DATES.items():
                for delivery, held_on in enumerate(days):
                    venue = (
                        f"Professional Development Centre, {towns[0]}"
                        if delivery == 0
                        else f"Teachers' Centre, {towns[1]}"
                    )
                    event = {
                        "programme_year_id": lea.current_year_id,
                        "session": session,
                        "held_on": held_on,
                        "venue": venue,
                        "capacity": max(20, math.ceil(people / 2) + 10),
                    }
                    events.append(event)
                    lea.events[session, delivery] = event
        for event, pk in zip(events, reserve_ids(TrainingEvent, len(events)), strict=True):
            event["id"] = pk
        self._copy(TrainingEvent, events)
        for lea in self.leas:
            active = [p for p in lea.places if p.status == Status.ACTIVE]
            for index, place in enumerate(active):
                for session in leadership_demo.SESSION_DATES:
                    event = lea.events[session, index % 2]
                    if event["held_on"] > self.today:
                        continue
                    for member_id, _, _ in place.members:
                        register.append(
                            {
                                "event_id": event["id"],
                                "member_id": member_id,
                                "consultant_id": None,
                                "is_present": rng.random() > 0.08,
                            }
                        )
            for pscl in lea.pscls:
                for session in leadership_demo.SESSION_DATES:
                    event = lea.events[session, 0]
                    if event["held_on"] <= self.today:
                        register.append(
                            {
                                "event_id": event["id"],
                                "member_id": None,
                                "consultant_id": pscl.user_id,
                                "is_present": rng.random() < 0.8,
                            }
                        )
        self._copy(TrainingAttendance, register)

    def _school_visits_and_activity(self, teams: list[_Place]) -> None:
        rng = self.rng
        autumn = _working_days(datetime.date(2004, 10, 4), self.today - datetime.timedelta(1))
        term = _working_days(datetime.date(2004, 9, 13), self.today)
        visits, links, activities = [], [], []
        for place in teams:
            if place.status != Status.ACTIVE:
                continue
            for member_id, _, _ in place.members:
                for done_on in sorted(rng.sample(term, min(len(term), rng.randint(0, 2)))):
                    activities.append(
                        {
                            "member_id": member_id,
                            "done_on": done_on,
                            "days": rng.choice((Decimal("0.5"), Decimal("0.5"), Decimal("1.0"))),
                            "description": rng.choice(leadership_demo.ACTIVITY_DESCRIPTIONS),
                        }
                    )
            if not autumn or rng.random() > 0.45:
                continue
            outside = rng.random() < 0.3
            lea = place.school.lea
            pool = rng.choice(self.leas).schools if outside else lea.schools
            host = rng.choice(pool)
            if host is place.school:
                continue
            visits.append(
                {
                    "participation_id": place.id,
                    "visited_on": rng.choice(autumn),
                    "host_school_id": host.id,
                    "purpose": rng.choice(leadership_demo.VISIT_PURPOSES),
                    "days": Decimal("1.0"),
                    "is_outside_locality": outside and host.lea is not lea,
                    "archived_at": None,
                    "archived_by_id": None,
                }
            )
            links.append([member_id for member_id, _, _ in place.members[:2]])
        for visit, pk in zip(visits, reserve_ids(SchoolVisit, len(visits)), strict=True):
            visit["id"] = pk
        self._copy(SchoolVisit, visits)
        through = SchoolVisit.members.through
        self._copy(
            through,
            [
                {"schoolvisit_id": visit["id"], "leadershipteammember_id": member_id}
                for visit, members in zip(visits, links, strict=True)
                for member_id in members
            ],
        )
        self._copy(SchoolActivity, activities)

    # -- plans and targets --------------------------------------------------------------------

    def make_plans(self) -> None:
        rng = self.rng
        kinds, weights = zip(*leadership_demo.PLAN_WEIGHTS.items(), strict=True)
        plans, plan_rows, reviews = [], [], []
        for lea in self.leas:
            for place in lea.places:
                if place.status != Status.ACTIVE:
                    continue
                kind = rng.choices(kinds, weights)[0]
                if place.school.urn == BENCH_SCHOOL_URN:
                    kind = "good"
                if kind is None:
                    continue
                plans.append((place, kind))
        plan_ids = reserve_ids(ActionPlan, len(plans))
        priorities, criteria, actions = [], [], []
        for (place, kind), plan_id in zip(plans, plan_ids, strict=True):
            chosen, plan_reviews = leadership_demo.PLAN_KINDS[kind]
            plan_reviews = [(on, progress) for on, progress in plan_reviews if on <= self.today]
            created = _at(datetime.date(2004, 9, 24) + datetime.timedelta(rng.randint(0, 14)), 16)
            plan_rows.append(
                {
                    "id": plan_id,
                    "participation_id": place.id,
                    "summary": leadership_demo.PLAN_SUMMARIES[kind],
                    "created_at": created,
                    "updated_at": _at(plan_reviews[-1][0], 16, 30) if plan_reviews else created,
                }
            )
            for on, progress in plan_reviews:
                reviews.append(
                    {
                        "plan_id": plan_id,
                        "reviewed_on": on,
                        "progress": progress,
                        "notes": leadership_demo.REVIEW_NOTES[progress],
                        "reviewed_by_id": place.school.head_user_id,
                    }
                )
            for position, priority in enumerate(chosen, start=1):
                priorities.append(
                    {
                        "plan_id": plan_id,
                        "area": priority.area,
                        "title": priority.title,
                        "description": "",
                        "position": position,
                        "_priority": priority,
                    }
                )
        priority_ids = reserve_ids(PlanPriority, len(priorities))
        plan_place = {row["id"]: place for row, (place, _) in zip(plan_rows, plans, strict=True)}
        for row, pk in zip(priorities, priority_ids, strict=True):
            row["id"] = pk
            priority = row.pop("_priority")
            place = plan_place[row["plan_id"]]
            owners = {role: member_id for member_id, role, _ in place.members}
            head = place.members[0][0]
            english, maths = place.school.ks2_2004
            baselines = {"english": english, "maths": maths}
            for criterion in priority.criteria:
                criteria.append(
                    {"priority_id": pk, **leadership_demo._criterion_row(criterion, baselines)}
                )
            for action in priority.actions:
                actions.append(
                    {
                        "priority_id": pk,
                        "description": action.description,
                        "owner_id": owners.get(action.owner_role, head),
                        "due_on": action.due_on,
                        "status": action.status,
                    }
                )
        self._copy(ActionPlan, plan_rows)
        self._copy(PlanPriority, priorities)
        self._copy(SuccessCriterion, criteria)
        self._copy(Action, actions)
        self._copy(PlanReview, reviews)
        self._targets()

    def _targets(self) -> None:
        rng = self.rng
        rows = []
        for lea in self.leas:
            for place in lea.places:
                if place.status not in (Status.ACTIVE, Status.ACCEPTED):
                    continue
                school = place.school
                for subject, offset in ((Subject.ENGLISH, 0), (Subject.MATHS, -1.5)):
                    expected = 76 + 5 * school.quality - 0.3 * (school.fsm - 18) + school.trend
                    target = min(98, max(40, round(expected + offset)) + rng.randint(2, 8))
                    settings = [(datetime.date(2003, 12, 5), target, "set")]
                    reviewed_on = datetime.date(2004, 10, 15)
                    if reviewed_on <= self.today and rng.random() < 0.55:
                        direction = rng.choices(["raised", "kept", "lowered"], [4, 2.5, 3.5])[0]
                        change = (
                            rng.randint(2, 6) * {"raised": 1, "kept": 0, "lowered": -1}[direction]
                        )
                        settings.append((reviewed_on, min(100, target + change), direction))
                    for set_on, percentage, note in settings:
                        rows.append(
                            {
                                "school_id": school.id,
                                "year": 2005,
                                "subject": subject,
                                "percentage": Decimal(percentage),
                                "set_on": set_on,
                                "note": TARGET_NOTES[note],
                            }
                        )
        self._copy(KeyStage2Target, rows)

    # -- allocations --------------------------------------------------------------------------

    def make_allocations(self) -> None:
        rng = self.rng
        capacities, events = [], []
        for lea in self.leas:
            holders = [p for p in lea.places if p.status in (Status.ACTIVE, Status.ACCEPTED)]
            holders.sort(key=lambda p: (p.school.urn != BENCH_SCHOOL_URN, p.school.easting))
            count = len(lea.pscls)
            sizes = [
                len(holders) // count + (1 if i < len(holders) % count else 0) for i in range(count)
            ]
            start = 0
            for pscl, size in zip(lea.pscls, sizes, strict=True):
                for place in holders[start : start + size]:
                    planned = Decimal("5.0") if rng.random() < 0.05 else Decimal("4.0")
                    status = AllocationStatus.CONFIRMED
                    if place.status == Status.ACTIVE and rng.random() < 0.02:
                        status = AllocationStatus.CHANGE_REQUESTED
                    confirmed_on = max(place.joined_on, datetime.date(2004, 7, 20))
                    confirmed_on = min(self.today, confirmed_on + datetime.timedelta(days=3))
                    allocation = _Allocation(
                        place=place,
                        pscl=pscl,
                        planned_days=planned,
                        status=status,
                        confirmed_on=confirmed_on,
                    )
                    place.allocation = allocation
                    pscl.places.append(place)
                    self.allocations.append(allocation)
                start += size
                planned_total = sum(p.allocation.planned_days for p in pscl.places)
                spare = 0 if pscl.number == 1 else rng.choice((0, 0, 1, 2))
                capacities.append(
                    {
                        "adviser_id": pscl.id,
                        "programme_year_id": lea.current_year_id,
                        "max_schools": max(1, len(pscl.places) + spare),
                        "max_days": planned_total + Decimal(4 * spare),
                    }
                )
        self._ids(Allocation, self.allocations)
        rows = []
        for allocation in self.allocations:
            place = allocation.place
            manager_id = place.school.lea.manager_id
            confirmed_at = _at(allocation.confirmed_on, 11)
            rows.append(
                {
                    "id": allocation.id,
                    "adviser_id": allocation.pscl.id,
                    "participation_id": place.id,
                    "status": allocation.status,
                    "planned_days": allocation.planned_days,
                    "confirmed_by_id": manager_id,
                    "confirmed_at": confirmed_at,
                    "ended_on": None,
                    "end_reason": "",
                }
            )
            events.append(
                {
                    "allocation_id": allocation.id,
                    "kind": AllocationEventKind.CONFIRMED,
                    "reason": "",
                    "detail": f"{allocation.planned_days} days",
                    "by_id": manager_id,
                    "at": confirmed_at,
                }
            )
            if allocation.status == AllocationStatus.CHANGE_REQUESTED:
                events.append(
                    {
                        "allocation_id": allocation.id,
                        "kind": AllocationEventKind.CHANGE_REQUESTED,
                        "reason": consultants_demo.CHANGE_REASON,
                        "detail": "",
                        "by_id": place.school.head_user_id,
                        "at": _at(self.today - datetime.timedelta(days=rng.randint(2, 20)), 15),
                    }
                )
        self._copy(Allocation, rows)
        self._copy(AllocationEvent, events)
        self._copy(Capacity, capacities)

    # -- visits -------------------------------------------------------------------------------

    def make_visits(self) -> None:
        rng = self.rng
        today = self.today
        visits, actions, notes = [], [], []
        hours_per_day = Decimal("6.5")
        year_end = CURRENT.ends_on
        for allocation in self.allocations:
            place = allocation.place
            pscl_user = allocation.pscl.user_id
            head = place.school.headteacher_name
            dates: list[datetime.date] = []
            if place.status == Status.ACTIVE:
                day = _weekday(datetime.date(2004, 9, 13) + datetime.timedelta(rng.randint(0, 17)))
                while day < today and len(dates) < 6:
                    dates.append(day)
                    day = _weekday(day + datetime.timedelta(days=rng.randint(14, 24)))
            used = Decimal("0")
            planned_on = None
            if rng.random() < 0.8 or place.status == Status.ACCEPTED:
                planned_on = _weekday(today + datetime.timedelta(days=rng.randint(3, 30)))
                planned_on = min(planned_on, year_end)
            draft_on = None
            if dates and rng.random() < 0.08:
                draft_on = today - datetime.timedelta(days=rng.randint(1, 5))
                if draft_on <= dates[-1] or draft_on.weekday() >= 5:
                    draft_on = None
            following = [*dates[1:], draft_on or planned_on]
            for index, day in enumerate(dates):
                roll = rng.random()
                if roll < 0.65:
                    length, hours = VisitLength.HALF_DAY, None
                elif roll < 0.85:
                    length, hours = VisitLength.HOURS, Decimal(rng.choice(("2.0", "2.5", "4.0")))
                else:
                    length, hours = VisitLength.FULL_DAY, None
                days = visit_days(length, hours, hours_per_day)
                if used + days > allocation.planned_days:
                    length, hours = VisitLength.HALF_DAY, None
                    days = visit_days(length, hours, hours_per_day)
                used += days
                if day <= funding_demo.HALF_TERM_ENDS:
                    allocation.days_to_half_term += days
                kind = consultants_demo.KIND_ORDER[min(index, len(consultants_demo.KIND_ORDER) - 1)]
                focus = [VisitFocus.ENGLISH if rng.random() < 0.6 else VisitFocus.MATHS]
                if rng.random() < 0.6:
                    extra = rng.choice((VisitFocus.LEADERSHIP, VisitFocus.ASSESSMENT))
                    focus.append(extra)
                subject = "English" if focus[0] == VisitFocus.ENGLISH else "mathematics"
                challenged = rng.random() < 0.8
                submitted = min(today, day + datetime.timedelta(days=rng.randint(0, 2)))
                note = consultants_demo.NOTES.get(kind, consultants_demo.NOTES[VisitKind.REVIEW])
                visits.append(
                    {
                        "allocation_id": allocation.id,
                        "status": VisitStatus.SUBMITTED,
                        "visit_on": day,
                        "purpose": "",
                        "length": length,
                        "hours": hours,
                        "days": days,
                        "kind": kind,
                        "stage": min(6, 1 + index * 5 // 6 + (index >= 2 and rng.random() < 0.3)),
                        "focus": focus,
                        "attendees": rng.choice(consultants_demo.ATTENDEES),
                        "notes": note.format(head=head, focus=subject),
                        "standards_challenged": challenged,
                        "challenge_detail": rng.choice(consultants_demo.CHALLENGES).format(
                            subject=subject
                        )
                        if challenged
                        else "",
                        "next_visit_on": following[index],
                        "created_by_id": pscl_user,
                        "created_at": _at(day, 8),
                        "updated_at": _at(submitted, 18),
                        "submitted_at": _at(submitted, 18),
                    }
                )
                for who, what in rng.sample(consultants_demo.ACTIONS, rng.choice((1, 2, 2))):
                    due_on = day + datetime.timedelta(days=rng.randint(14, 35))
                    done_on = None
                    if due_on < today and rng.random() < 0.7:
                        done_on = min(today, due_on - datetime.timedelta(days=rng.randint(0, 6)))
                    actions.append(
                        {"visit": len(visits) - 1, "who": who, "what": what, "due_on": due_on}
                    )
                    actions[-1]["done_on"] = done_on
            for status, day in ((VisitStatus.DRAFT, draft_on), (VisitStatus.PLANNED, planned_on)):
                if day is None:
                    continue
                visits.append(
                    {
                        "allocation_id": allocation.id,
                        "status": status,
                        "visit_on": day,
                        "purpose": rng.choice(consultants_demo.PURPOSES),
                        "length": VisitLength.HALF_DAY if status == VisitStatus.DRAFT else "",
                        "hours": None,
                        "days": Decimal("0.5") if status == VisitStatus.DRAFT else Decimal("0"),
                        "kind": VisitKind.REVIEW if status == VisitStatus.DRAFT else "",
                        "stage": 3 if status == VisitStatus.DRAFT else None,
                        "focus": [],
                        "attendees": "",
                        "notes": "",
                        "standards_challenged": None,
                        "challenge_detail": "",
                        "next_visit_on": planned_on if status == VisitStatus.DRAFT else None,
                        "created_by_id": pscl_user,
                        "created_at": _at(min(today, day), 8),
                        "updated_at": _at(min(today, day), 17),
                        "submitted_at": None,
                    }
                )
                if status == VisitStatus.PLANNED and rng.random() < 0.3:
                    progress, wants = rng.choice(consultants_demo.PRE_VISIT_NOTES)
                    notes.append(
                        {
                            "visit": len(visits) - 1,
                            "progress": progress,
                            "wants": wants,
                            "written_by_id": place.school.head_user_id,
                            "written_at": _at(today - datetime.timedelta(days=1), 16),
                        }
                    )
        ids = reserve_ids(Visit, len(visits))
        for visit, pk in zip(visits, ids, strict=True):
            visit["id"] = pk
        for row in actions + notes:
            row["visit_id"] = ids[row.pop("visit")]
        self._copy(Visit, visits)
        self._copy(AgreedAction, actions)
        self._copy(PreVisitNote, notes)

    # -- reports ------------------------------------------------------------------------------

    def make_reports(self) -> list:
        """The largest LEA's issued reports, asked for by its strategy manager and produced here
        and now (a worker that picks them up later finds them done): the bench school's autumn
        governor progress report, the PSCL caseload report and the funding statement. Call once
        the data is committed; each has a fixed key, so asking again finds the same run."""
        from consultants.models import Term
        from reports.models import ReportKind, ReportRun
        from reports.services.runs import run_generate, run_request

        lea = national_leas().get(code=BIGGEST_LEA_CODE)
        year = ProgrammeYear.objects.get(local_authority=lea, name=CURRENT.name)
        manager = User.objects.get(role=Role.MANAGER, local_authority=lea)
        school = School.objects.get(urn=BENCH_SCHOOL_URN)
        wanted = [
            {"kind": ReportKind.GOVERNOR, "term": Term.AUTUMN, "school": school},
            {"kind": ReportKind.PSCL_CASELOAD},
            {"kind": ReportKind.FUNDING_STATEMENT},
        ]
        with transaction.atomic():
            runs = [
                run_request(
                    by=manager,
                    programme_year=year,
                    idempotency_key=f"national:{lea.code}:{scope['kind']}:{year.name}",
                    **scope,
                )
                for scope in wanted
            ]
        for run in runs:
            run_generate(run.pk)
        return list(ReportRun.objects.filter(pk__in=[run.pk for run in runs]).order_by("pk"))

    # -- funding ------------------------------------------------------------------------------

    def make_funding(self) -> None:
        rng = self.rng
        today = self.today
        rates, budgets, grants, payments, returns, claims = [], [], [], [], [], []
        pscl_rate = funding_demo.PSCL_DAY_RATE
        for lea in self.leas:
            rule = GrantRates(
                size_threshold=120,
                funded_people_large=3,
                funded_people_small=2,
                supply_days_per_person=Decimal("5.0"),
                daily_supply_rate=lea.supply_rate,
                travel_grant=Decimal("120.00"),
                pscl_days_per_school=Decimal("4.0"),
                pscl_day_rate=pscl_rate,
            )
            for year_id, due in (
                (lea.previous_year_id, datetime.date(2004, 7, 16)),
                (lea.current_year_id, datetime.date(2005, 7, 15)),
            ):
                rates.append(
                    {
                        "programme_year_id": year_id,
                        "daily_supply_rate": lea.supply_rate,
                        "supply_days_per_person": Decimal("5.0"),
                        "funded_people_large": 3,
                        "funded_people_small": 2,
                        "travel_grant": Decimal("120.00"),
                        "pscl_day_rate": pscl_rate,
                        "returns_due_on": due,
                    }
                )
            committed = Decimal("0.00")
            for place in lea.places:
                if place.status not in (Status.ACTIVE, Status.ACCEPTED):
                    continue
                figures = grant_figures(pupils=place.school.roll, rates=rule)
                committed += figures.total
                grants.append(
                    {
                        "participation_id": place.id,
                        "pupils": figures.pupils,
                        "size_threshold": figures.size_threshold,
                        "funded_people": figures.funded_people,
                        "supply_days_per_person": figures.supply_days_per_person,
                        "supply_days": figures.supply_days,
                        "daily_rate": figures.daily_rate,
                        "supply_amount": figures.supply_amount,
                        "travel_grant": figures.travel_grant,
                        "pscl_days": figures.pscl_days,
                        "pscl_day_rate": figures.pscl_day_rate,
                        "pscl_amount": figures.pscl_amount,
                        "total": figures.total,
                        "computed_at": _at(max(place.joined_on, datetime.date(2004, 9, 1)), 9),
                    }
                )
                payments += self._instalments(place, figures.supply_amount + figures.travel_grant)
                if place.status == Status.ACTIVE and rng.random() < 0.35:
                    returns.append(place)
                    claimable = [
                        m for m in place.members if figures.is_small_school or m[1] != "HEADTEACHER"
                    ]
                    for number, (member_id, _, _) in enumerate(claimable):
                        claims.append(
                            {
                                "return": len(returns) - 1,
                                "member_id": member_id,
                                "days": Decimal("1.5") if number == 0 else Decimal("1.0"),
                            }
                        )
            for year_id, amount, received in (
                (lea.current_year_id, committed, funding_demo.BUDGET_RECEIVED[CURRENT.name]),
                (
                    lea.previous_year_id,
                    committed * Decimal("0.9"),
                    funding_demo.BUDGET_RECEIVED[PREVIOUS.name],
                ),
            ):
                rounded = (amount * Decimal("1.05") / 1000).quantize(
                    Decimal("1"), rounding=ROUND_CEILING
                ) * 1000
                budgets.append(
                    {
                        "programme_year_id": year_id,
                        "allocation_received": Decimal(rounded).quantize(Decimal("0.01")),
                        "received_on": received,
                        "notes": "",
                    }
                )
        for allocation in self.allocations:
            days = allocation.days_to_half_term.quantize(Decimal("0.01"))
            if days <= 0 or today < funding_demo.HALF_TERM_ENDS:
                continue
            home = allocation.pscl.home_school
            payments.append(
                {
                    "participation_id": allocation.place.id,
                    "allocation_id": allocation.id,
                    "kind": PaymentKind.PSCL_DAYS,
                    "payee": Payee.PSCL_SCHOOL if home else Payee.PSCL,
                    "payee_name": home.name if home else allocation.pscl.name,
                    "instalment": 1,
                    "days": days,
                    "amount": money(days * pscl_rate),
                    "due_on": funding_demo.HALF_TERM_PSCL_DUE,
                    "paid_on": None,
                    "status": PaymentStatus.SCHEDULED,
                    "reference": "",
                    "cancelled_reason": "",
                    "created_by_id": allocation.place.school.lea.manager_id,
                }
            )
        self._copy(FundingRates, rates)
        self._copy(Budget, budgets)
        self._copy(Grant, grants)
        self._copy(Payment, payments)
        return_ids = reserve_ids(ExpenditureReturn, len(returns))
        self._copy(
            ExpenditureReturn,
            [
                {
                    "id": pk,
                    "participation_id": place.id,
                    "travel_spent": money(Decimal(rng.choice((0, 0, 24, 36)) + rng.random())),
                    "status": ReturnStatus.DRAFT,
                    "submitted_at": None,
                    "submitted_by_id": None,
                    "decided_at": None,
                    "decided_by_id": None,
                    "query_message": "",
                }
                for place, pk in zip(returns, return_ids, strict=True)
            ],
        )
        for claim in claims:
            claim["expenditure_return_id"] = return_ids[claim.pop("return")]
        self._copy(CoverClaim, claims)

    def _instalments(self, place: _Place, amount: Decimal) -> list[dict]:
        first = (amount / 2).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        first_due = max(
            funding_demo.FIRST_DUE, place.joined_on + funding_demo.LATE_JOINER_DUE_AFTER
        )
        first_paid = first_due + funding_demo.PAID_AFTER
        rows = []
        for number, part, due_on, paid_on in (
            (1, first, first_due, first_paid if first_paid <= self.today else None),
            (2, amount - first, funding_demo.SECOND_DUE, None),
        ):
            rows.append(
                {
                    "participation_id": place.id,
                    "allocation_id": None,
                    "kind": PaymentKind.SCHOOL_GRANT,
                    "payee": Payee.SCHOOL,
                    "payee_name": place.school.name,
                    "instalment": number,
                    "days": None,
                    "amount": part,
                    "due_on": due_on,
                    "paid_on": paid_on,
                    "status": PaymentStatus.PAID if paid_on else PaymentStatus.SCHEDULED,
                    "reference": f"PLP/{CURRENT.name}/{place.school.urn}/{number}"
                    if paid_on
                    else "",
                    "cancelled_reason": "",
                    "created_by_id": place.school.lea.manager_id,
                }
            )
        return rows
