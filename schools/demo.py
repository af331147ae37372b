"""Demo data for the schools register, loaded by `manage.py seed_demo`.

Two LEAs of forty schools each, small and large, with KS1 and KS2 results and value added for
2002 to 2006, one or two section 10 inspections, and KS2 targets for 2005 and 2006 whose history
shows some raised, some kept and some lowered. The figures hang together: a school that makes
good progress has higher value added, better results and better inspection grades.
Every row is found by its natural key and written only when it differs (`accounts.demo.upsert`),
and every random choice comes from the generator the caller passes, so seeding is repeatable.
"""

import datetime
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from accounts.demo import upsert, upsert_all

from .factories import PLACES, SAINTS, SchoolFactory, value_added_grade
from .models import (
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
from .services import school_records_changed

SCHOOLS_PER_LEA = 40
RESULT_YEARS = range(2002, 2007)
#: KS2 cohorts smaller than this have their results and value added suppressed.
SUPPRESSION_COHORT = 8
#: Letters a postcode's inward part may use (no C, I, K, M, O or V).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
#: Section 10 grades: 1 excellent ... 4 satisfactory ... 7 very poor.
INSPECTION_SUMMARIES = {
    1: "An excellent school: very good teaching and leadership secure high standards.",
    2: "A very good school with high standards in English and mathematics.",
    3: "A good school; standards in mathematics are rising faster than in English.",
    4: "A satisfactory school; teaching is too variable and standards in writing are low.",
    5: "The school has unsatisfactory features: pupils' progress in Key Stage 2 is too slow.",
    6: "The school has serious weaknesses in leadership and in the quality of teaching.",
    7: "The school requires special measures: it fails to give its pupils an acceptable education.",
}
TARGET_NOTES = {
    "set": "Agreed with the LEA.",
    "raised": "Raised after the leadership team's review of pupils' progress with the PSCL.",
    "kept": "Reviewed with the PSCL and kept.",
    "lowered": "Lowered: the cohort has more pupils with special educational needs than expected.",
}


@dataclass(frozen=True)
class Town:
    """A town of a demo LEA: its postcode districts and its centre on the National Grid."""

    name: str
    districts: tuple[str, ...]
    easting: int
    northing: int


@dataclass(frozen=True)
class DemoLea:
    """What the seed builds for one LEA."""

    code: str
    name: str
    first_urn: int
    towns: tuple[Town, ...]
    #: The school the demo headteacher and governor belong to; always the LEA's first URN.
    demo_school_name: str
    demo_school_roll: int
    demo_school_headteacher: str
    #: How well the demo school's pupils progress, in standard deviations from the mean.
    demo_school_quality: float
    ofsted_categories: tuple[OfstedCategory, ...]


DEMO_LEAS = (
    DemoLea(
        code="991",
        name="Northmoor",
        first_urn=120001,
        towns=(
            Town("Darlington", ("DL1", "DL2", "DL3"), 428700, 514600),
            Town("Newton Aycliffe", ("DL5",), 427300, 524500),
            Town("Bishop Auckland", ("DL14",), 421000, 529600),
            Town("Barnard Castle", ("DL12",), 404900, 516500),
        ),
        demo_school_name="Millfield Primary School",
        demo_school_roll=120,
        demo_school_headteacher="Sarah Bennett",
        demo_school_quality=-0.9,
        ofsted_categories=(OfstedCategory.SPECIAL_MEASURES, OfstedCategory.SERIOUS_WEAKNESSES),
    ),
    DemoLea(
        code="992",
        name="Southvale",
        first_urn=130001,
        towns=(
            Town("Taunton", ("TA1", "TA2", "TA3"), 322800, 124700),
            Town("Bridgwater", ("TA6",), 330000, 137000),
            Town("Wellington", ("TA21",), 313900, 120600),
            Town("Chard", ("TA20",), 332600, 108700),
        ),
        demo_school_name="Kingsway Primary School",
        demo_school_roll=236,
        demo_school_headteacher="Tom Ridley",
        demo_school_quality=-0.4,
        ofsted_categories=(
            OfstedCategory.SERIOUS_WEAKNESSES,
            OfstedCategory.NOTICE_TO_IMPROVE,
            OfstedCategory.SERIOUS_WEAKNESSES,
        ),
    ),
)

#: Rolls fixed at the edges of the small-school band (DOMAIN.md: Funding, "120 pupils or fewer"),
#: by position in the LEA's list.
FIXED_ROLLS = {1: 120, 2: 121}
NAME_PATTERNS = (
    ("{} Primary School", 8),
    ("{} Community Primary School", 2),
    ("{} Church of England Primary School", 3),
    ("{} Primary and Nursery School", 3),
    ("St {} Catholic Primary School", 2),
)
#: Values the school factory draws that the seed keeps as they come.
FACTORY_FIELDS = (
    "percentage_fsm",
    "pupil_mobility",
    "headteacher_name",
    "headteacher_started_on",
    "ict_competence",
    "barriers_commentary",
    "awards",
)


@dataclass(frozen=True)
class SeededLea:
    """An LEA as seeded, with its schools."""

    lea: LocalAuthority
    schools: list[School]
    #: The school of the LEA's demo headteacher and governor.
    demo_school: School


def seed_schools(*, rng: random.Random) -> list[SeededLea]:
    """Create or update the demo LEAs and their schools with every yearly record.

    Deterministic for a given state of `rng` and of factory-boy's random generator. Writes only
    what differs from the database. The schools' derived figures are left to
    `schools.services.school_refresh_figures`.
    """
    return [_seed_lea(spec, rng) for spec in DEMO_LEAS]


def _seed_lea(spec: DemoLea, rng: random.Random) -> SeededLea:
    lea, _ = upsert(LocalAuthority, lookup={"code": spec.code}, values={"name": spec.name})
    names = _school_names(spec, rng)
    category_positions = dict(
        zip(
            range(SCHOOLS_PER_LEA - len(spec.ofsted_categories), SCHOOLS_PER_LEA),
            spec.ofsted_categories,
            strict=True,
        )
    )
    schools = [
        _seed_school(
            spec, lea, rng, position=position, name=name, category=category_positions.get(position)
        )
        for position, name in enumerate(names)
    ]
    return SeededLea(lea=lea, schools=schools, demo_school=schools[0])


def _school_names(spec: DemoLea, rng: random.Random) -> list[str]:
    """The LEA's school names, the demo school first; no two alike."""
    taken = {other.demo_school_name.split(" ")[0] for other in DEMO_LEAS}
    places = rng.sample([place for place in PLACES if place not in taken], SCHOOLS_PER_LEA - 1)
    patterns, weights = zip(*NAME_PATTERNS, strict=True)
    names = [spec.demo_school_name]
    for place in places:
        pattern = rng.choices(patterns, weights)[0]
        name = pattern.format(rng.choice(SAINTS) if pattern.startswith("St ") else place)
        names.append(f"{place} Primary School" if name in names else name)
    return names


@dataclass(frozen=True)
class _Profile:
    """How a school's pupils do, from which all its figures are drawn."""

    #: Progress in standard deviations from the mean: value added, results, inspection grades.
    quality: float
    #: Change in % at the expected level each year.
    trend: float
    ks1_level: float
    ks2_level: float

    def expected(self, key_stage: int, year: int) -> float:
        level = self.ks1_level if key_stage == KeyStage.KS1 else self.ks2_level
        return level + self.trend * (year - 2004)


def _seed_school(spec: DemoLea, lea, rng: random.Random, *, position, name, category) -> School:
    demo = position == 0
    built = SchoolFactory.build(local_authority=lea, urn=spec.first_urn + position, name=name)
    if demo:
        quality = spec.demo_school_quality
    elif category is not None:
        quality = rng.uniform(-2.4, -1.8)
    else:
        quality = max(-2.2, min(2.2, rng.gauss(0, 1)))
    fsm = float(built.percentage_fsm)
    profile = _Profile(
        quality=quality,
        trend=rng.gauss(0.8, 1.0),
        ks1_level=84 + 4 * quality - 0.25 * (fsm - 18),
        ks2_level=76 + 5 * quality - 0.3 * (fsm - 18),
    )
    if demo:
        roll = spec.demo_school_roll
    elif position in FIXED_ROLLS:
        roll = FIXED_ROLLS[position]
    elif rng.random() < 0.35:
        roll = rng.randint(48, 118)
    else:
        roll = rng.randint(125, 430)
    inspections = _draw_inspections(rng, quality=quality, category=category)
    town = rng.choice(spec.towns)
    inward = f"{rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    values = {field: getattr(built, field) for field in FACTORY_FIELDS}
    values.update(
        local_authority=lea,
        name=name,
        establishment_number=_establishment_number(name, position),
        school_type=_school_type(name, rng),
        number_on_roll=roll,
        postcode=f"{rng.choice(town.districts)} {inward}",
        easting=town.easting + round(rng.gauss(0, 1800)),
        northing=town.northing + round(rng.gauss(0, 1800)),
        ofsted_category=category or OfstedCategory.NONE,
        years_of_headship=max(1, 2004 - built.headteacher_started_on.year) + rng.randint(0, 6),
        leadership_judgement=_leadership_judgement(inspections[-1]["leadership_grade"]),
    )
    if demo:
        values["headteacher_name"] = spec.demo_school_headteacher
    school, _ = upsert(School, lookup={"urn": built.urn}, values=values)
    within = {"school": school}
    results, value_added = _draw_results(roll, rng, profile)
    targets = _draw_targets(rng, profile)
    records = (
        (Inspection, ("inspected_on",), inspections),
        (KeyStageResult, ("year", "key_stage"), results),
        (ValueAdded, ("year",), value_added),
        (KeyStage2Target, ("year", "subject", "set_on"), targets),
    )
    inserted = sum(
        upsert_all(model, within=within, keys=keys, rows=rows) for model, keys, rows in records
    )
    if inserted:
        # Inserted in bulk, the new records sent no signal: say so, for the cached background.
        school_records_changed(school_ids=[school.pk])
    return school


def _establishment_number(name: str, position: int) -> str:
    # LA establishment numbers: 2xxx for community and foundation primaries, 3xxx voluntary.
    voluntary = "Church of England" in name or name.startswith("St ")
    return f"{(3000 if voluntary else 2000) + 10 + position:04d}"


def _school_type(name: str, rng: random.Random) -> SchoolType:
    if name.startswith("St "):
        return SchoolType.VOLUNTARY_AIDED
    if "Church of England" in name:
        return rng.choice([SchoolType.VOLUNTARY_CONTROLLED, SchoolType.VOLUNTARY_AIDED])
    return SchoolType.FOUNDATION if rng.random() < 0.1 else SchoolType.COMMUNITY


def _grade(value: float) -> int:
    return max(1, min(7, round(value)))


def _leadership_judgement(inspection_grade: int) -> int:
    """The LEA's four-point judgement that follows from Ofsted's seven-point grade."""
    return {1: 1, 2: 2, 3: 2, 4: 3}.get(inspection_grade, 4)


def _school_day(rng: random.Random, year: int) -> datetime.date:
    # Section 10 inspections ended in July 2005; none in the August holiday.
    months = [1, 2, 3, 4, 5, 6, 7] if year >= 2005 else [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12]
    day = datetime.date(year, rng.choice(months), rng.randint(1, 28))
    if day.weekday() >= 5:
        day += datetime.timedelta(days=7 - day.weekday())
    return day


def _draw_inspections(rng: random.Random, *, quality: float, category) -> list[dict]:
    """One or two section 10 inspections, oldest first; a school in a category has two, the
    latest of which put it there."""
    latest_on = _school_day(rng, rng.randint(2001, 2005))
    dates = [latest_on]
    if category is not None or rng.random() < 0.4:
        dates.insert(0, _school_day(rng, latest_on.year - rng.randint(4, 6)))
    inspections = []
    for inspected_on in dates:
        if inspected_on == latest_on and category is not None:
            overall = 7 if category == OfstedCategory.SPECIAL_MEASURES else 6
        else:
            overall = _grade(3.3 - 1.1 * quality + rng.gauss(0, 0.6))
        inspections.append(
            {
                "inspected_on": inspected_on,
                "inspection_type": InspectionType.SECTION_10,
                "overall_grade": overall,
                "leadership_grade": _grade(overall + rng.choice([-1, 0, 0, 0, 1])),
                "teaching_grade": _grade(overall + rng.choice([-1, 0, 0, 0, 1])),
                "summary": INSPECTION_SUMMARIES[overall],
            }
        )
    return inspections


def _percentage(expected: float, cohort: int, rng: random.Random) -> Decimal:
    """A % of a cohort, as whole pupils: noisier the smaller the cohort, as real results are."""
    drawn = expected + rng.gauss(0, 30 / math.sqrt(cohort))
    pupils = max(0, min(cohort, round(drawn * cohort / 100)))
    return (Decimal(100 * pupils) / Decimal(cohort)).quantize(Decimal("0.1"))


def _draw_results(roll: int, rng: random.Random, profile: _Profile) -> tuple[list, list]:
    """KS1 and KS2 results and value added for each year; small cohorts suppressed, and now and
    then one subject missing."""
    results, value_added = [], []
    va_centre = 100 + 1.1 * profile.quality
    for year in RESULT_YEARS:
        for key_stage in (KeyStage.KS1, KeyStage.KS2):
            cohort = max(3, round(roll / 7 + rng.gauss(0, 2)))
            expected = profile.expected(key_stage, year)
            english = _percentage(expected, cohort, rng)
            maths = _percentage(expected - 1.5, cohort, rng)
            if cohort < SUPPRESSION_COHORT:
                english = maths = None
            elif rng.random() < 0.03:
                english, maths = rng.choice([(None, maths), (english, None)])
            results.append(
                {
                    "year": year,
                    "key_stage": key_stage,
                    "cohort_size": cohort,
                    "english_percentage": english,
                    "maths_percentage": maths,
                }
            )
        # Value added is published only where the KS2 cohort is.
        score = None
        if cohort >= SUPPRESSION_COHORT:
            drawn = va_centre + 0.2 * profile.trend * (year - 2004) + rng.gauss(0, 0.6)
            score = Decimal(max(96.5, min(103.5, drawn))).quantize(Decimal("0.1"))
        value_added.append({"year": year, "score": score, "grade": value_added_grade(score)})
    return results, value_added


#: The KS2 target years (DOMAIN.md: "challenging targets for 2005 and 2006"): when each was set,
#: and when the school reviewed it after joining the programme.
TARGET_SETTINGS = (
    (2005, datetime.date(2003, 12, 5), datetime.date(2004, 10, 15)),
    (2006, datetime.date(2004, 12, 3), datetime.date(2005, 10, 14)),
)


def _draw_targets(rng: random.Random, profile: _Profile) -> list[dict]:
    """KS2 targets in English and maths for 2005 and 2006, a little above the expected results;
    about half reviewed, and of those some raised, some kept and some lowered (DOMAIN.md: Action
    plans, "Targets")."""
    targets = []
    for year, set_on, reviewed_on in TARGET_SETTINGS:
        for subject, offset in ((Subject.ENGLISH, 0), (Subject.MATHS, -1.5)):
            expected = round(profile.expected(KeyStage.KS2, year) + offset)
            target = min(98, max(40, expected) + rng.randint(2, 8))
            settings = [(set_on, target, "set")]
            if rng.random() < 0.55:
                direction = rng.choices(["raised", "kept", "lowered"], [4, 2.5, 3.5])[0]
                change = rng.randint(2, 6) * {"raised": 1, "kept": 0, "lowered": -1}[direction]
                settings.append((reviewed_on, min(100, target + change), direction))
            targets += [
                {
                    "year": year,
                    "subject": subject,
                    "set_on": on,
                    "percentage": Decimal(percentage),
                    "note": TARGET_NOTES[note],
                }
                for on, percentage, note in settings
            ]
    return targets
