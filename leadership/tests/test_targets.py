"""KS2 targets before and after a school joined the programme, and results against them."""

import datetime
from decimal import Decimal

import pytest

from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.selectors.plans import participation_targets
from schools.factories import KeyStage2TargetFactory, KeyStageResultFactory, SchoolFactory
from schools.models import KeyStage, Subject, TargetDirection

pytestmark = pytest.mark.django_db

JOINED_ON = datetime.date(2004, 7, 1)
BEFORE_JOINING = datetime.date(2004, 3, 1)
AFTER_JOINING = datetime.date(2004, 11, 1)


@pytest.fixture
def participation(lea, school):
    year = ProgrammeYearFactory(local_authority=lea)
    return ParticipationFactory(programme_year=year, school=school, joined_on=JOINED_ON)


def set_target(school, percentage, set_on, *, year=2005, subject=Subject.ENGLISH):
    return KeyStage2TargetFactory(
        school=school, year=year, subject=subject, percentage=Decimal(percentage), set_on=set_on
    )


def only_target(participation):
    (target,) = participation_targets(participation)
    return target


@pytest.mark.parametrize(
    ("after", "direction", "change"),
    [
        ("75", TargetDirection.RAISED, Decimal("5")),
        ("70", TargetDirection.KEPT, Decimal("0")),
        ("64", TargetDirection.LOWERED, Decimal("-6")),
    ],
)
def test_a_target_set_again_after_joining_is_raised_kept_or_lowered(
    participation, school, after, direction, change
):
    set_target(school, "70", BEFORE_JOINING)
    set_target(school, after, AFTER_JOINING)

    target = only_target(participation)

    assert target.before.percentage == Decimal("70")
    assert target.after.percentage == Decimal(after)
    assert target.is_set_before_joining
    assert target.direction == direction
    assert target.change == change


def test_before_joining_is_the_latest_setting_on_or_before_the_day_of_joining(
    participation, school
):
    set_target(school, "60", datetime.date(2003, 12, 1))
    set_target(school, "68", JOINED_ON)
    set_target(school, "66", AFTER_JOINING)

    target = only_target(participation)

    assert target.before.percentage == Decimal("68")
    assert target.before.set_on == JOINED_ON
    assert target.direction == TargetDirection.LOWERED


def test_a_target_never_set_again_is_kept(participation, school):
    set_target(school, "72", BEFORE_JOINING)

    target = only_target(participation)

    assert target.before == target.after
    assert target.direction == TargetDirection.KEPT


def test_a_target_first_set_after_joining_compares_with_its_first_setting(participation, school):
    set_target(school, "70", AFTER_JOINING)
    set_target(school, "73", datetime.date(2005, 1, 15))

    target = only_target(participation)

    assert not target.is_set_before_joining
    assert target.before.set_on == AFTER_JOINING
    assert target.direction == TargetDirection.RAISED


def test_a_participation_with_no_joining_date_compares_with_the_first_setting(
    participation, school
):
    set_target(school, "60", datetime.date(2003, 12, 1))
    set_target(school, "65", BEFORE_JOINING)
    set_target(school, "70", AFTER_JOINING)
    assert only_target(participation).before.percentage == Decimal("65")

    participation.joined_on = None
    target = only_target(participation)

    assert target.before.percentage == Decimal("60")
    assert not target.is_set_before_joining
    assert target.direction == TargetDirection.RAISED
    assert target.change == Decimal("10")


def test_each_year_and_subject_is_compared_on_its_own_in_order(participation, school):
    set_target(school, "70", BEFORE_JOINING, year=2006, subject=Subject.MATHS)
    set_target(school, "72", AFTER_JOINING, year=2006, subject=Subject.MATHS)
    set_target(school, "80", BEFORE_JOINING, year=2005, subject=Subject.MATHS)
    set_target(school, "78", AFTER_JOINING, year=2005, subject=Subject.MATHS)
    set_target(school, "75", BEFORE_JOINING, year=2005, subject=Subject.ENGLISH)

    targets = participation_targets(participation)

    assert [(t.year, t.subject, t.direction) for t in targets] == [
        (2005, Subject.ENGLISH, TargetDirection.KEPT),
        (2005, Subject.MATHS, TargetDirection.LOWERED),
        (2006, Subject.MATHS, TargetDirection.RAISED),
    ]


def test_targets_for_tests_sat_before_the_programme_year_are_left_out(participation, school):
    set_target(school, "70", datetime.date(2003, 6, 1), year=2004)
    set_target(school, "65", datetime.date(2003, 11, 1), year=2004)

    assert participation_targets(participation) == ()


def test_another_schools_targets_are_left_out(participation, school, lea):
    set_target(SchoolFactory(local_authority=lea), "70", BEFORE_JOINING)

    assert participation_targets(participation) == ()


def test_results_are_compared_with_the_latest_target(participation, school):
    set_target(school, "70", BEFORE_JOINING, subject=Subject.ENGLISH)
    set_target(school, "75", AFTER_JOINING, subject=Subject.ENGLISH)
    set_target(school, "70", BEFORE_JOINING, subject=Subject.MATHS)
    set_target(school, "70", BEFORE_JOINING, year=2006)
    KeyStageResultFactory(
        school=school,
        year=2005,
        key_stage=KeyStage.KS2,
        english_percentage=Decimal("78.0"),
        maths_percentage=Decimal("60.0"),
    )
    KeyStageResultFactory(school=school, year=2006, key_stage=KeyStage.KS1)

    english, maths, next_year = participation_targets(participation)

    assert english.result == Decimal("78.0")
    assert english.is_met
    assert english.result_against_target == Decimal("3.0")
    assert maths.result == Decimal("60.0")
    assert maths.is_met is False
    assert maths.result_against_target == Decimal("-10.0")
    assert next_year.result is None
    assert next_year.is_met is None
    assert next_year.result_against_target is None


def test_a_suppressed_result_counts_as_no_result(participation, school):
    set_target(school, "70", BEFORE_JOINING)
    KeyStageResultFactory(school=school, year=2005, english_percentage=None)

    assert only_target(participation).is_met is None


def test_targets_cost_two_queries_however_many_there_are(
    participation, school, django_assert_num_queries
):
    for year in (2005, 2006, 2007):
        for subject in Subject:
            set_target(school, "70", BEFORE_JOINING, year=year, subject=subject)
            set_target(school, "71", AFTER_JOINING, year=year, subject=subject)
        KeyStageResultFactory(school=school, year=year)

    with django_assert_num_queries(2):
        targets = participation_targets(participation)

    assert len(targets) == 6
