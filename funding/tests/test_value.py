"""Value for money (issue 5, item 6): cost, support days delivered, cost per day and per school,
and cost per percentage point of KS2 change, against hand-computed figures.

The 2004-05 rates of the factories: supply cover GBP 150 a day, 5 days a person, 3 people over
120 pupils and 2 at or under, GBP 120 travel, 4 PSCL days at GBP 300. So a school of 118
pupils gets 2 x 5 x 150 + 120 + 4 x 300 = GBP 2,820 and one of 240 pupils
3 x 5 x 150 + 120 + 1,200 = GBP 3,570.
"""

import datetime
from decimal import Decimal

import pytest

from consultants.factories import AdviserFactory, AllocationFactory, VisitFactory
from consultants.models import AllocationStatus, VisitLength, VisitStatus
from funding.factories import FundingRatesFactory
from funding.selectors.value import (
    PointCost,
    baseline_year,
    results_year,
    value_for_money,
)
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from schools.factories import KeyStageResultFactory, SchoolFactory
from schools.models import KeyStage

pytestmark = pytest.mark.django_db


def d(value: str) -> Decimal:
    return Decimal(value)


def result(school, year, english, maths):
    return KeyStageResultFactory(
        school=school,
        year=year,
        key_stage=KeyStage.KS2,
        english_percentage=None if english is None else d(english),
        maths_percentage=None if maths is None else d(maths),
    )


def visits(allocation, *lengths, status=VisitStatus.SUBMITTED):
    for number, length in enumerate(lengths):
        VisitFactory(
            allocation=allocation,
            length=length,
            status=status,
            visit_on=datetime.date(2004, 10, 1) + datetime.timedelta(days=7 * number),
        )


@pytest.fixture
def year(lea):
    programme_year = ProgrammeYearFactory(local_authority=lea)
    FundingRatesFactory(programme_year=programme_year)
    return programme_year


@pytest.fixture
def scene(year, lea, school, sibling_school):
    """Millfield (118 pupils, GBP 2,820) and Oakwood (240 pupils, GBP 3,570) hold places."""
    small = ParticipationFactory(programme_year=year, school=school)
    large = ParticipationFactory(programme_year=year, school=sibling_school)
    for participation in (small, large):
        grant_compute(participation=participation)
    pscl = AdviserFactory(local_authority=lea)
    # Millfield: three half days and a full day submitted (2.5 days); a draft is not delivered.
    small_allocation = AllocationFactory(adviser=pscl, participation=small)
    visits(small_allocation, *[VisitLength.HALF_DAY] * 3, VisitLength.FULL_DAY)
    visits(small_allocation, VisitLength.FULL_DAY, status=VisitStatus.DRAFT)
    # Oakwood: a full day by a PSCL who left, then two full days by the next (3 days).
    first = AllocationFactory(
        adviser=AdviserFactory(local_authority=lea),
        participation=large,
        status=AllocationStatus.ENDED,
    )
    visits(first, VisitLength.FULL_DAY)
    visits(AllocationFactory(adviser=pscl, participation=large), *[VisitLength.FULL_DAY] * 2)
    # Millfield: English 60 -> 67 (+7.0) by 2006, maths 55 -> 54 (-1.0); 2003 is not the baseline.
    result(school, 2003, "40.0", "40.0")
    result(school, 2004, "60.0", "55.0")
    result(school, 2005, "66.0", "55.0")
    result(school, 2006, "67.0", "54.0")
    # Oakwood: English 70 -> 73 (+3.0); maths has no 2004 figure.
    result(sibling_school, 2004, "70.0", None)
    result(sibling_school, 2005, "73.0", "80.0")
    return small, large


def test_baseline_is_the_summer_before_the_year_and_results_the_summer_it_ends(year):
    assert baseline_year(year) == 2004
    assert results_year(year) == 2005


def test_each_school_costs_its_grant_over_the_days_its_pscls_delivered(year, scene):
    value = value_for_money(year)

    millfield, oakwood = value.schools
    assert millfield.school.name == "Millfield Primary School"
    assert millfield.cost == d("2820.00")
    assert millfield.days_delivered == d("2.50")
    assert millfield.cost_per_day == d("1128.00")
    assert oakwood.cost == d("3570.00")
    # The ended allocation's day counts: the school received it.
    assert oakwood.days_delivered == d("3.00")
    assert oakwood.cost_per_day == d("1190.00")


def test_cost_per_point_is_against_the_baseline_and_the_latest_result_rounded_to_the_penny(
    year, scene
):
    millfield, oakwood = value_for_money(year).schools

    english = millfield.english
    assert (english.baseline, english.baseline_year) == (d("60.0"), 2004)
    assert (english.latest, english.latest_year) == (d("67.0"), 2006)
    assert english.change == d("7.0")
    # 2,820 / 7 = 402.857... -> 402.86
    assert english.cost_per_point == d("402.86")
    assert oakwood.english.change == d("3.0")
    assert oakwood.english.cost_per_point == d("1190.00")


def test_a_fall_or_a_missing_result_is_shown_as_such_never_divided(year, scene):
    millfield, oakwood = value_for_money(year).schools

    assert millfield.maths.change == d("-1.0")
    assert millfield.maths.is_no_gain
    assert millfield.maths.cost_per_point is None
    assert oakwood.maths.is_missing
    assert oakwood.maths.baseline is None
    assert oakwood.maths.latest == d("80.0")
    assert oakwood.maths.cost_per_point is None


def test_the_lea_adds_up_the_schools(year, scene):
    lea = value_for_money(year).lea

    assert lea.school_count == 2
    assert lea.cost == d("6390.00")
    assert lea.cost_per_school == d("3195.00")
    assert lea.days_delivered == d("5.50")
    # 6,390 / 5.5 = 1,161.818... -> 1,161.82
    assert lea.cost_per_day == d("1161.82")
    # English: both schools, +7.0 and +3.0: 6,390 / 10 = 639.
    assert (lea.english.school_count, lea.english.change) == (2, d("10.0"))
    assert lea.english.cost_per_point == d("639.00")
    # Maths: only Millfield has both results, and it fell.
    assert (lea.maths.school_count, lea.maths.cost, lea.maths.change) == (
        1,
        d("2820.00"),
        d("-1.0"),
    )
    assert lea.maths.is_no_gain
    assert lea.maths.cost_per_point is None


def test_before_any_result_or_day_nothing_is_divided(year, school):
    grant_compute(participation=ParticipationFactory(programme_year=year, school=school))

    value = value_for_money(year)

    (row,) = value.schools
    assert row.days_delivered == d("0.00")
    assert row.cost_per_day is None
    assert row.english.is_missing and row.maths.is_missing
    assert value.lea.cost_per_day is None
    assert value.lea.english.is_missing
    assert value.lea.english.cost_per_point is None


def test_a_school_without_a_grant_is_listed_but_not_costed(year, lea, school):
    grant_compute(participation=ParticipationFactory(programme_year=year, school=school))
    ParticipationFactory(
        programme_year=year, school=SchoolFactory(local_authority=lea, number_on_roll=None)
    )

    value = value_for_money(year)

    assert [row.cost for row in value.schools].count(None) == 1
    assert value.lea.school_count == 1
    assert value.lea.cost == d("2820.00")


def test_only_the_years_places_held_are_counted(year, lea, school, sibling_school):
    grant_compute(participation=ParticipationFactory(programme_year=year, school=school))
    withdrawn = ParticipationFactory(
        programme_year=year, school=sibling_school, status=ParticipationStatus.WITHDRAWN
    )
    next_year = ProgrammeYearFactory(
        local_authority=lea,
        name="2005-06",
        starts_on=datetime.date(2005, 9, 1),
        ends_on=datetime.date(2006, 7, 31),
    )
    grant_compute(participation=ParticipationFactory(programme_year=next_year, school=school))

    value = value_for_money(year)

    assert [row.participation for row in value.schools] != [withdrawn]
    assert len(value.schools) == 1
    assert value.lea.cost == d("2820.00")


def test_a_change_of_exactly_zero_has_no_cost_per_point():
    point = PointCost(subject="English", cost=d("2820.00"), change=d("0.0"))

    assert point.is_no_gain
    assert point.cost_per_point is None


@pytest.mark.parametrize("school_count", [3, 12])
def test_value_for_money_runs_three_queries_whatever_the_number_of_schools(
    year, lea, django_assert_max_num_queries, school_count
):
    pscl = AdviserFactory(local_authority=lea)
    for number in range(school_count):
        school = SchoolFactory(local_authority=lea, number_on_roll=100 + 10 * number)
        participation = ParticipationFactory(programme_year=year, school=school)
        grant_compute(participation=participation)
        visits(AllocationFactory(adviser=pscl, participation=participation), VisitLength.FULL_DAY)
        result(school, 2004, "60.0", "60.0")
        result(school, 2005, "65.0", "62.0")

    with django_assert_max_num_queries(3):
        value = value_for_money(year)

    assert len(value.schools) == school_count
    assert value.lea.days_delivered == d(school_count)
