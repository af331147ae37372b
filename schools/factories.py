"""factory-boy factories for the schools register, shared by the tests and `seed_demo`."""

import datetime
from decimal import Decimal

import factory
from factory import fuzzy
from factory.django import DjangoModelFactory

from .models import (
    IctCompetence,
    Inspection,
    InspectionType,
    KeyStage,
    KeyStage2Target,
    KeyStageResult,
    LeadershipJudgement,
    LocalAuthority,
    OfstedCategory,
    Phase,
    School,
    SchoolType,
    Subject,
    ValueAdded,
)

SCHOOL_NAME_PATTERNS = [
    "{} Primary School",
    "{} Community Primary School",
    "{} Church of England Primary School",
    "{} Junior School",
    "St {} Catholic Primary School",
    "{} Primary and Nursery School",
]
PLACES = [
    "Millfield",
    "Oakwood",
    "Ashby",
    "Brookside",
    "Kingsway",
    "Hollybank",
    "Thornton",
    "Westcliffe",
    "Barrowfield",
    "Elmhurst",
    "Fairfield",
    "Greenacres",
    "Hawthorn",
    "Ivybridge",
    "Larkrise",
    "Meadowbank",
    "Northfield",
    "Orchard Vale",
    "Parkside",
    "Queensbury",
    "Ravensworth",
    "Sandhill",
    "Tillingham",
    "Upton",
    "Whitmore",
    "Yew Tree",
    "Alderley",
    "Beechwood",
    "Castleton",
    "Dunmore",
    "Eastbrook",
    "Foxhill",
    "Glebe",
    "Hartley",
    "Kirkby",
    "Langley",
    "Marston",
    "Netherton",
    "Oldfield",
    "Pinewood",
    "Redhill",
    "Stanton",
    "Thorpe",
    "Underwood",
    "Walton",
    "Wickham",
    "Ashfield",
    "Birchwood",
    "Coppice",
    "Dovecote",
    "Edgeley",
    "Fernhill",
    "Gorse Hill",
]
SAINTS = ["Mary's", "John's", "Peter's", "Andrew's", "Joseph's", "Anne's", "Michael's", "Paul's"]
BARRIERS = [
    "High pupil mobility in Years 3 to 6; many pupils join with little prior attainment data.",
    "KS1 reading is weak: too few pupils reach Level 2B, which holds back KS2 English.",
    "Middle leaders are new to post and do not yet check the quality of teaching.",
    "Boys' writing lags well behind girls' across the school.",
    "Mathematics teaching relies on worksheets; pupils rarely explain their reasoning.",
    "Attendance is below the LEA average and persistent absence is rising.",
    "A mixed-age structure in a small school makes the planning of progression difficult.",
]
AWARDS = ["Healthy Schools", "Artsmark Silver", "Basic Skills Quality Mark", "Eco-Schools Bronze"]


class LocalAuthorityFactory(DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("code",)

    # 600 to 799: no English LEA has these codes, and no test names one of them (tests use
    # 991 to 993 and 855), so a generated authority never turns out to be a test's own.
    code = factory.Sequence(lambda n: f"{600 + n % 200:03d}")
    name = factory.Faker("county", locale="en_GB")


def _school_name(n: int) -> str:
    pattern = SCHOOL_NAME_PATTERNS[n % len(SCHOOL_NAME_PATTERNS)]
    if pattern.startswith("St "):
        return pattern.format(SAINTS[(n // len(SCHOOL_NAME_PATTERNS)) % len(SAINTS)])
    return pattern.format(PLACES[(n * 7) % len(PLACES)])


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("urn",)

    # From 700000: tests name real-looking URNs (100000 to 654321, 900001), and a generated one
    # equal to a test's would make get_or_create hand back the test's school.
    urn = factory.Sequence(lambda n: 700000 + n)
    local_authority = factory.SubFactory(LocalAuthorityFactory)
    establishment_number = factory.Sequence(lambda n: f"{2000 + n % 7999:04d}")
    name = factory.Sequence(_school_name)
    phase = Phase.PRIMARY
    school_type = fuzzy.FuzzyChoice(
        [SchoolType.COMMUNITY, SchoolType.VOLUNTARY_AIDED, SchoolType.VOLUNTARY_CONTROLLED]
    )
    number_on_roll = fuzzy.FuzzyInteger(45, 420)
    postcode = factory.Faker("postcode", locale="en_GB")
    easting = fuzzy.FuzzyInteger(430000, 470000)
    northing = fuzzy.FuzzyInteger(280000, 320000)
    percentage_fsm = fuzzy.FuzzyDecimal(2, 45, precision=1)
    pupil_mobility = fuzzy.FuzzyDecimal(3, 25, precision=1)
    ofsted_category = OfstedCategory.NONE
    headteacher_name = factory.Faker("name", locale="en_GB")
    headteacher_started_on = fuzzy.FuzzyDate(datetime.date(1990, 9, 1), datetime.date(2004, 4, 1))
    years_of_headship = fuzzy.FuzzyInteger(1, 20)
    leadership_judgement = fuzzy.FuzzyChoice([j.value for j in LeadershipJudgement])
    ict_competence = fuzzy.FuzzyChoice([c.value for c in IctCompetence])
    barriers_commentary = fuzzy.FuzzyChoice(BARRIERS)
    awards = fuzzy.FuzzyChoice(["", AWARDS[0], "\n".join(AWARDS[:2]), "\n".join(AWARDS[1:])])


class KeyStageResultFactory(DjangoModelFactory):
    class Meta:
        model = KeyStageResult

    school = factory.SubFactory(SchoolFactory)
    year = 2004
    key_stage = KeyStage.KS2
    cohort_size = fuzzy.FuzzyInteger(8, 60)
    english_percentage = fuzzy.FuzzyDecimal(50, 95, precision=1)
    maths_percentage = fuzzy.FuzzyDecimal(45, 95, precision=1)


class ValueAddedFactory(DjangoModelFactory):
    class Meta:
        model = ValueAdded

    school = factory.SubFactory(SchoolFactory)
    year = 2004
    score = fuzzy.FuzzyDecimal(97, 103, precision=1)
    grade = factory.LazyAttribute(lambda o: value_added_grade(o.score))


class InspectionFactory(DjangoModelFactory):
    class Meta:
        model = Inspection

    school = factory.SubFactory(SchoolFactory)
    inspected_on = fuzzy.FuzzyDate(datetime.date(2000, 9, 1), datetime.date(2004, 7, 1))
    inspection_type = InspectionType.SECTION_10
    overall_grade = fuzzy.FuzzyInteger(2, 6)
    leadership_grade = fuzzy.FuzzyInteger(2, 6)
    teaching_grade = fuzzy.FuzzyInteger(2, 6)
    summary = "A school with strengths in pastoral care; standards in English and maths vary."


class KeyStage2TargetFactory(DjangoModelFactory):
    class Meta:
        model = KeyStage2Target

    school = factory.SubFactory(SchoolFactory)
    year = 2005
    subject = Subject.ENGLISH
    percentage = fuzzy.FuzzyDecimal(60, 90, precision=0)
    set_on = datetime.date(2003, 12, 1)


def value_added_grade(score: Decimal | None) -> int | None:
    """The 1-7 grade for a KS1-2 value-added score (1 very high, 4 average, 7 very low)."""
    if score is None:
        return None
    bands = [(Decimal("102.5"), 1), (Decimal("101.5"), 2), (Decimal("100.5"), 3)]
    bands += [(Decimal("99.5"), 4), (Decimal("98.5"), 5), (Decimal("97.5"), 6)]
    for floor, grade in bands:
        if score >= floor:
            return grade
    return 7
