"""The background file's reads: target directions, the results table, and the cached background
under the school's records version."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from schools.factories import (
    InspectionFactory,
    KeyStage2TargetFactory,
    KeyStageResultFactory,
    SchoolFactory,
    ValueAddedFactory,
)
from schools.models import KeyStage, School, Subject, TargetDirection
from schools.selectors import (
    cached_school_background,
    school_background,
    school_list,
    target_summaries,
)

pytestmark = pytest.mark.django_db


def set_targets(school, percentages, *, year=2005, subject=Subject.ENGLISH):
    for month, percentage in enumerate(percentages, start=1):
        KeyStage2TargetFactory(
            school=school,
            year=year,
            subject=subject,
            percentage=Decimal(percentage),
            set_on=datetime.date(2004, month, 1),
        )


@pytest.mark.parametrize(
    ("percentages", "direction", "change"),
    [
        (["75", "80"], TargetDirection.RAISED, Decimal("5.0")),
        (["75", "75"], TargetDirection.KEPT, Decimal("0.0")),
        (["80", "72.5"], TargetDirection.LOWERED, Decimal("-7.5")),
        (["78"], TargetDirection.KEPT, Decimal("0.0")),
        (["70", "60", "75"], TargetDirection.RAISED, Decimal("5.0")),
        (["70", "85", "65"], TargetDirection.LOWERED, Decimal("-5.0")),
    ],
    ids=["raised", "kept", "lowered", "set-once-is-kept", "dip-then-raised", "rise-then-lowered"],
)
def test_target_direction_compares_the_latest_setting_with_the_first(
    school, percentages, direction, change
):
    set_targets(school, percentages)

    (summary,) = target_summaries(school)

    assert summary.direction == direction
    assert summary.change == change
    assert [setting.percentage for setting in summary.settings] == [Decimal(p) for p in percentages]


def test_settings_are_ordered_by_the_date_they_were_set_not_by_when_they_were_entered(school):
    KeyStage2TargetFactory(
        school=school, percentage=Decimal("70"), set_on=datetime.date(2004, 10, 1)
    )
    KeyStage2TargetFactory(
        school=school, percentage=Decimal("80"), set_on=datetime.date(2003, 12, 1)
    )

    (summary,) = target_summaries(school)

    assert summary.first == Decimal("80")
    assert summary.latest == Decimal("70")
    assert summary.direction == TargetDirection.LOWERED


def test_each_year_and_subject_is_its_own_target(school):
    set_targets(school, ["70", "75"], year=2005, subject=Subject.ENGLISH)
    set_targets(school, ["70", "65"], year=2005, subject=Subject.MATHS)
    set_targets(school, ["72"], year=2006, subject=Subject.ENGLISH)

    summaries = target_summaries(school)

    assert [(s.year, s.subject, s.direction) for s in summaries] == [
        (2005, Subject.ENGLISH, TargetDirection.RAISED),
        (2005, Subject.MATHS, TargetDirection.LOWERED),
        (2006, Subject.ENGLISH, TargetDirection.KEPT),
    ]


def test_result_against_target_uses_the_latest_setting_and_the_ks2_result_of_that_year(school):
    set_targets(school, ["75", "80"], year=2005, subject=Subject.ENGLISH)
    set_targets(school, ["70"], year=2005, subject=Subject.MATHS)
    set_targets(school, ["70"], year=2006, subject=Subject.MATHS)
    KeyStageResultFactory(
        school=school,
        year=2005,
        key_stage=KeyStage.KS2,
        english_percentage=Decimal("78.0"),
        maths_percentage=Decimal("70.0"),
    )
    KeyStageResultFactory(
        school=school,
        year=2006,
        key_stage=KeyStage.KS1,
        english_percentage=Decimal("99.0"),
        maths_percentage=Decimal("99.0"),
    )

    english, maths, no_ks2_yet = target_summaries(school)

    assert english.result == Decimal("78.0")
    assert english.result_against_target == Decimal("-2.0")
    assert english.is_met is False
    assert maths.result_against_target == Decimal("0.0")
    assert maths.is_met is True
    assert no_ks2_yet.result is None
    assert no_ks2_yet.is_met is None
    assert no_ks2_yet.result_against_target is None


def test_a_missing_subject_result_leaves_the_target_without_a_result(school):
    set_targets(school, ["70"], year=2005, subject=Subject.MATHS)
    KeyStageResultFactory(school=school, year=2005, key_stage=KeyStage.KS2, maths_percentage=None)

    (maths,) = target_summaries(school)

    assert maths.result is None
    assert maths.is_met is None


def test_targets_of_another_school_are_not_counted(school, sibling_school):
    set_targets(sibling_school, ["60", "50"])

    assert target_summaries(school) == ()


def test_results_table_has_a_row_per_year_with_missing_figures_as_none_not_zero(school):
    KeyStageResultFactory(
        school=school,
        year=2003,
        key_stage=KeyStage.KS1,
        english_percentage=Decimal("85.0"),
        maths_percentage=None,
        cohort_size=None,
    )
    KeyStageResultFactory(
        school=school,
        year=2004,
        key_stage=KeyStage.KS2,
        english_percentage=Decimal("0.0"),
        maths_percentage=Decimal("61.5"),
        cohort_size=12,
    )
    ValueAddedFactory(school=school, year=2005, score=None, grade=None)
    ValueAddedFactory(school=school, year=2004, score=Decimal("98.6"), grade=5)

    background = school_background(school)

    first, second, third = background.results
    assert (first.year, second.year, third.year) == (2003, 2004, 2005)
    assert first.ks1_english == Decimal("85.0")
    assert first.ks1_maths is None
    assert first.ks1_cohort is None
    assert first.ks2_english is None
    assert first.value_added is None
    assert second.ks2_english == Decimal("0.0")
    assert second.ks2_english is not None
    assert second.ks1_english is None
    assert (second.value_added, second.value_added_grade) == (Decimal("98.6"), 5)
    assert third.value_added is None
    assert third.value_added_grade is None


def test_background_lists_inspections_newest_first(school):
    older = InspectionFactory(school=school, inspected_on=datetime.date(2001, 3, 1))
    newer = InspectionFactory(school=school, inspected_on=datetime.date(2004, 5, 1))
    InspectionFactory(inspected_on=datetime.date(2003, 1, 1))

    background = school_background(school)

    assert background.inspections == (newer, older)


def test_background_takes_four_queries_however_many_years(school, django_assert_num_queries):
    for year in range(2000, 2008):
        KeyStageResultFactory(school=school, year=year, key_stage=KeyStage.KS1)
        KeyStageResultFactory(school=school, year=year, key_stage=KeyStage.KS2)
        ValueAddedFactory(school=school, year=year)
        set_targets(school, ["70", "72"], year=year)
        InspectionFactory(school=school, inspected_on=datetime.date(year, 2, 1))

    with django_assert_num_queries(4):
        background = school_background(school)

    assert len(background.results) == 8
    assert len(background.targets) == 8
    assert len(background.inspections) == 8


def test_school_list_joins_the_lea_so_reading_it_costs_no_query(
    users, school, sibling_school, foreign_school, django_assert_num_queries
):
    with django_assert_num_queries(1):
        names = [(s.name, s.local_authority.name) for s in school_list(user=users[Role.MANAGER])]

    assert names == [
        ("Millfield Primary School", "Northmoor"),
        ("Oakwood Primary School", "Northmoor"),
    ]


def test_school_list_of_a_school_member_is_their_school(users, school, sibling_school):
    assert list(school_list(user=users[Role.GOVERNOR])) == [school]
    assert SchoolFactory(local_authority=school.local_authority) not in school_list(
        user=users[Role.HEADTEACHER]
    )


def _fresh(school):
    """The school as the next request reads it."""
    return School.objects.get(pk=school.pk)


def test_the_cached_background_costs_no_query_once_read(school, django_assert_num_queries):
    KeyStageResultFactory(school=school, year=2004, key_stage=KeyStage.KS2)
    InspectionFactory(school=school, inspected_on=datetime.date(2004, 5, 1))
    first = cached_school_background(_fresh(school))

    again = _fresh(school)
    with django_assert_num_queries(0):
        cached = cached_school_background(again)

    assert cached == school_background(again)
    assert cached.school is again
    assert (cached.results, cached.inspections) == (first.results, first.inspections)


@pytest.mark.parametrize(
    "make",
    [
        lambda school: KeyStageResultFactory(school=school, year=2005, key_stage=KeyStage.KS2),
        lambda school: ValueAddedFactory(school=school, year=2005),
        lambda school: set_targets(school, ["80"], year=2006),
        lambda school: InspectionFactory(school=school, inspected_on=datetime.date(2005, 6, 1)),
    ],
    ids=["results", "value added", "target", "inspection"],
)
def test_a_new_record_of_the_school_is_in_its_cached_background_at_once(school, make):
    other = SchoolFactory(local_authority=school.local_authority)
    before = cached_school_background(_fresh(school))
    other_before = cached_school_background(_fresh(other))

    make(school)

    after = cached_school_background(_fresh(school))
    assert after == school_background(_fresh(school))
    assert after != before
    # Another school's entry is untouched (its version did not change).
    assert _fresh(other).records_version == other.records_version
    assert cached_school_background(_fresh(other)) == other_before


def test_a_changed_or_deleted_record_leaves_no_stale_background(school):
    result = KeyStageResultFactory(school=school, year=2004, key_stage=KeyStage.KS2)
    inspection = InspectionFactory(school=school, inspected_on=datetime.date(2004, 5, 1))
    cached_school_background(_fresh(school))

    result.english_percentage = Decimal("12.0")
    result.save()
    assert cached_school_background(_fresh(school)).results[0].ks2_english == Decimal("12.0")

    inspection.delete()
    assert cached_school_background(_fresh(school)).inspections == ()

    KeyStage2TargetFactory(school=school, year=2006)
    School.objects.get(pk=school.pk).targets.all().delete()
    assert cached_school_background(_fresh(school)).targets == ()


def test_a_change_of_records_leaves_the_schools_history_alone(school):
    entries = school.history.count()

    ValueAddedFactory(school=school, year=2005)

    assert _fresh(school).records_version != school.records_version
    assert school.history.count() == entries


def test_saving_a_school_read_before_its_records_changed_keeps_the_new_version(school):
    read_earlier = _fresh(school)
    ValueAddedFactory(school=school, year=2005)
    changed = _fresh(school).records_version

    read_earlier.barriers_commentary = "Staff turnover."
    read_earlier.save()

    stored = _fresh(school)
    assert stored.barriers_commentary == "Staff turnover."
    assert stored.records_version == changed != school.records_version


def test_a_new_school_is_stored_with_its_own_records_version(lea):
    first = SchoolFactory(local_authority=lea)
    second = SchoolFactory(local_authority=lea)

    assert _fresh(first).records_version == first.records_version
    assert first.records_version != second.records_version
