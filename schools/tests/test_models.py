"""The schools register's rules held by the database (each check and unique constraint, with
full_clean bypassed) and reported clearly by full_clean; and the School properties."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from schools.factories import (
    InspectionFactory,
    KeyStage2TargetFactory,
    KeyStageResultFactory,
    SchoolFactory,
    ValueAddedFactory,
)
from schools.models import KeyStage, LocalAuthority, School, Subject

pytestmark = pytest.mark.django_db

ABOVE = "Ensure this value is less than or equal to {}."
BELOW = "Ensure this value is greater than or equal to {}."
VA_SCORE = "A value-added score lies between 50 and 150."


def _case(factory, field, constraint, value, message, *, on_field=True):
    """A value out of range for `field`, the check constraint it breaks, and what full_clean
    says: on the field when it has validators of its own, else the constraint's message."""
    error_key = field if on_field else NON_FIELD_ERRORS
    return pytest.param(
        factory, field, constraint, value, error_key, message, id=f"{constraint}-{value}"
    )


OUT_OF_RANGE = [
    _case(
        SchoolFactory,
        "percentage_fsm",
        "school_percentage_fsm_0_100",
        Decimal("100.1"),
        ABOVE.format(100),
    ),
    _case(
        SchoolFactory,
        "percentage_fsm",
        "school_percentage_fsm_0_100",
        Decimal("-0.1"),
        BELOW.format(0),
    ),
    _case(
        SchoolFactory,
        "pupil_mobility",
        "school_pupil_mobility_0_100",
        Decimal("100.1"),
        ABOVE.format(100),
    ),
    _case(
        SchoolFactory,
        "pupil_mobility",
        "school_pupil_mobility_0_100",
        Decimal("-0.1"),
        BELOW.format(0),
    ),
    _case(
        SchoolFactory,
        "leadership_judgement",
        "school_leadership_judgement_1_4",
        0,
        "Value 0 is not a valid choice.",
    ),
    _case(
        SchoolFactory,
        "leadership_judgement",
        "school_leadership_judgement_1_4",
        5,
        "Value 5 is not a valid choice.",
    ),
    _case(
        KeyStageResultFactory,
        "english_percentage",
        "result_english_0_100",
        Decimal("100.1"),
        ABOVE.format(100),
    ),
    _case(
        KeyStageResultFactory,
        "maths_percentage",
        "result_maths_0_100",
        Decimal("-0.1"),
        BELOW.format(0),
    ),
    _case(
        KeyStage2TargetFactory,
        "percentage",
        "target_percentage_0_100",
        Decimal("100.5"),
        ABOVE.format(100),
    ),
    _case(
        KeyStage2TargetFactory,
        "percentage",
        "target_percentage_0_100",
        Decimal("-1"),
        BELOW.format(0),
    ),
    _case(ValueAddedFactory, "grade", "value_added_grade_1_7", 0, BELOW.format(1)),
    _case(ValueAddedFactory, "grade", "value_added_grade_1_7", 8, ABOVE.format(7)),
    _case(
        ValueAddedFactory,
        "score",
        "value_added_score_plausible",
        Decimal("49.9"),
        VA_SCORE,
        on_field=False,
    ),
    _case(
        ValueAddedFactory,
        "score",
        "value_added_score_plausible",
        Decimal("150.1"),
        VA_SCORE,
        on_field=False,
    ),
    _case(InspectionFactory, "overall_grade", "inspection_overall_grade_1_7", 0, BELOW.format(1)),
    _case(InspectionFactory, "overall_grade", "inspection_overall_grade_1_7", 8, ABOVE.format(7)),
    _case(
        InspectionFactory, "leadership_grade", "inspection_leadership_grade_1_7", 8, ABOVE.format(7)
    ),
    _case(InspectionFactory, "teaching_grade", "inspection_teaching_grade_1_7", 0, BELOW.format(1)),
]


@pytest.fixture
def lea_school(lea):
    return SchoolFactory(local_authority=lea)


def _unsaved(factory, lea, school, **values):
    """An unsaved row of `factory`'s model, placed in `lea` or `school`."""
    if factory is SchoolFactory:
        return factory.build(local_authority=lea, **values)
    return factory.build(school=school, **values)


@pytest.mark.parametrize(
    ("factory", "field", "constraint", "value", "error_key", "message"), OUT_OF_RANGE
)
def test_database_refuses_a_value_out_of_range(
    factory, field, constraint, value, error_key, message, lea, lea_school
):
    row = _unsaved(factory, lea, lea_school, **{field: value})

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        row.save()


@pytest.mark.parametrize(
    ("factory", "field", "constraint", "value", "error_key", "message"), OUT_OF_RANGE
)
def test_full_clean_explains_a_value_out_of_range(
    factory, field, constraint, value, error_key, message, lea, lea_school
):
    row = _unsaved(factory, lea, lea_school, **{field: value})

    with pytest.raises(ValidationError) as raised:
        row.full_clean()

    assert raised.value.message_dict == {error_key: [message]}


EDGES = [
    pytest.param(SchoolFactory, "percentage_fsm", 0, 100, id="fsm"),
    pytest.param(SchoolFactory, "pupil_mobility", 0, 100, id="mobility"),
    pytest.param(SchoolFactory, "leadership_judgement", 1, 4, id="leadership-judgement"),
    pytest.param(KeyStageResultFactory, "english_percentage", 0, 100, id="ks-english"),
    pytest.param(KeyStageResultFactory, "maths_percentage", 0, 100, id="ks-maths"),
    pytest.param(KeyStage2TargetFactory, "percentage", 0, 100, id="target"),
    pytest.param(ValueAddedFactory, "grade", 1, 7, id="va-grade"),
    pytest.param(ValueAddedFactory, "score", 50, 150, id="va-score"),
    pytest.param(InspectionFactory, "overall_grade", 1, 7, id="inspection-overall"),
    pytest.param(InspectionFactory, "leadership_grade", 1, 7, id="inspection-leadership"),
    pytest.param(InspectionFactory, "teaching_grade", 1, 7, id="inspection-teaching"),
]


@pytest.mark.parametrize(("factory", "field", "low", "high"), EDGES)
def test_values_at_the_edges_of_each_range_are_accepted(factory, field, low, high, lea):
    for edge in (low, high):
        row = _unsaved(factory, lea, SchoolFactory(local_authority=lea), **{field: edge})

        row.full_clean()
        row.save()

        assert type(row).objects.filter(pk=row.pk, **{field: edge}).exists()


def test_database_refuses_a_second_school_with_the_same_urn(lea, other_lea):
    SchoolFactory(local_authority=lea, urn=123456)

    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory.build(local_authority=other_lea, urn=123456).save()
    with pytest.raises(ValidationError, match="School with this URN already exists"):
        SchoolFactory.build(local_authority=other_lea, urn=123456).full_clean()


def test_database_refuses_a_second_lea_with_the_same_code(lea):
    with pytest.raises(IntegrityError), transaction.atomic():
        LocalAuthority.objects.create(code=lea.code, name="Another")
    with pytest.raises(ValidationError, match="LEA with this LA code already exists"):
        LocalAuthority(code=lea.code, name="Another").full_clean()


def test_full_clean_refuses_an_lea_code_that_is_not_three_digits():
    with pytest.raises(ValidationError) as raised:
        LocalAuthority(code="91", name="Short").full_clean()

    assert raised.value.message_dict["code"] == ["An LA code is three digits, such as 855."]


# (factory, the fields that with the school make a row's natural key, what full_clean says).
ONE_PER_KEY = [
    pytest.param(
        KeyStageResultFactory,
        {"year": 2004, "key_stage": KeyStage.KS2},
        "Key stage result with this School, Year and Key stage already exists.",
        id="result-per-school-year-stage",
    ),
    pytest.param(
        ValueAddedFactory,
        {"year": 2004},
        "Value-added score with this School and Year already exists.",
        id="value-added-per-school-year",
    ),
    pytest.param(
        InspectionFactory,
        {"inspected_on": datetime.date(2003, 3, 4)},
        "Inspection with this School and Inspected on already exists.",
        id="inspection-per-school-day",
    ),
    pytest.param(
        KeyStage2TargetFactory,
        {"year": 2005, "subject": Subject.MATHS, "set_on": datetime.date(2003, 12, 1)},
        "KS2 target with this School, Year, Subject and Set on already exists.",
        id="target-setting-per-day",
    ),
]


@pytest.mark.parametrize(("factory", "key", "message"), ONE_PER_KEY)
def test_database_refuses_a_second_row_with_the_same_natural_key(factory, key, message, school):
    factory(school=school, **key)

    with pytest.raises(IntegrityError), transaction.atomic():
        factory(school=school, **key)


@pytest.mark.parametrize(("factory", "key", "message"), ONE_PER_KEY)
def test_full_clean_explains_a_second_row_with_the_same_natural_key(factory, key, message, school):
    factory(school=school, **key)

    with pytest.raises(ValidationError) as raised:
        factory.build(school=school, **key).full_clean()

    assert raised.value.message_dict[NON_FIELD_ERRORS] == [message]


@pytest.mark.parametrize(("factory", "key", "message"), ONE_PER_KEY)
def test_the_same_natural_key_at_another_school_is_allowed(
    factory, key, message, school, sibling_school
):
    factory(school=school, **key)

    other = factory(school=sibling_school, **key)

    assert other.pk is not None


def test_a_ks1_and_a_ks2_result_for_the_same_year_are_both_kept(school):
    KeyStageResultFactory(school=school, year=2004, key_stage=KeyStage.KS1)
    KeyStageResultFactory(school=school, year=2004, key_stage=KeyStage.KS2)

    assert school.results.filter(year=2004).count() == 2


def test_missing_results_are_stored_as_empty_not_zero(school):
    result = KeyStageResultFactory(school=school, english_percentage=None, maths_percentage=None)

    result.full_clean()
    result.refresh_from_db()

    assert result.english_percentage is None and result.maths_percentage is None


@pytest.mark.parametrize(
    ("roll", "is_small"), [(45, True), (120, True), (121, False), (420, False), (None, None)]
)
def test_a_school_of_120_pupils_or_fewer_is_small(roll, is_small, lea):
    school = SchoolFactory(local_authority=lea, number_on_roll=roll)

    assert school.is_small is is_small
    assert School.objects.small().filter(pk=school.pk).exists() is (is_small is True)
    assert School.objects.large().filter(pk=school.pk).exists() is (is_small is False)


def test_awards_list_has_one_award_a_line_without_blank_lines():
    school = SchoolFactory.build(awards="  Healthy Schools \n\n Artsmark Silver\n   \n")

    assert school.awards_list == ["Healthy Schools", "Artsmark Silver"]
    assert SchoolFactory.build(awards="").awards_list == []
