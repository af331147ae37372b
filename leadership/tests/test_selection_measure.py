"""Selection criterion 2 with the measure each programme year chooses (issue 7): the 2003-2006
value added (centred on 100) or a KS2 progress score (centred on 0); and a school that reopened
under a new URN carrying its predecessor's programme history and results (GIAS links)."""

import datetime
from decimal import Decimal

import pytest

from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from leadership.models.programme import SelectionMeasure
from leadership.selectors.programme import (
    CRITERION_NOT_YET_PROGRESSING,
    CRITERION_VALUE_ADDED,
    school_list_for_selection,
)
from schools.factories import SchoolFactory
from schools.models import KeyStage2Progress, SchoolLink

pytestmark = pytest.mark.django_db

Status = ParticipationStatus


@pytest.fixture
def last_year(lea):
    return ProgrammeYearFactory(
        local_authority=lea,
        name="2018-19",
        starts_on=datetime.date(2018, 9, 1),
        ends_on=datetime.date(2019, 7, 31),
    )


@pytest.fixture
def year(lea, last_year):
    return ProgrammeYearFactory(
        local_authority=lea,
        name="2019-20",
        starts_on=datetime.date(2019, 9, 1),
        ends_on=datetime.date(2020, 7, 31),
        selection_measure=SelectionMeasure.KS2_MATHS,
        value_added_threshold=Decimal("-1.0"),
    )


def _candidates(year):
    return {c.school.name: c for c in school_list_for_selection(year).candidates}


def _progress(school, year, maths):
    return KeyStage2Progress.objects.create(
        school=school, year=year, maths_progress=None if maths is None else Decimal(maths)
    )


def test_a_progress_score_below_the_years_threshold_meets_criterion_2(lea, year):
    low = SchoolFactory(local_authority=lea, name="Low", latest_value_added=Decimal("105"))
    _progress(low, 2018, "1.0")
    _progress(low, 2019, "-2.5")  # the latest year counts
    high = SchoolFactory(local_authority=lea, name="High", latest_value_added=Decimal("90"))
    _progress(high, 2019, "0.5")
    suppressed = SchoolFactory(local_authority=lea, name="Suppressed")
    _progress(suppressed, 2019, None)

    candidates = _candidates(year)

    assert candidates["Low"].criterion_numbers == (CRITERION_VALUE_ADDED,)
    assert candidates["Low"].criteria[0].text == "KS2 maths progress -2.50 (below -1)"
    assert candidates["Low"].measure_value == Decimal("-2.5")
    # value added 90 no longer counts once the year chooses maths progress
    assert candidates["High"].criteria == ()
    assert candidates["Suppressed"].criteria == ()  # missing is not zero


def test_the_value_added_measure_is_still_the_default(lea, last_year):
    school = SchoolFactory(local_authority=lea, name="Old", latest_value_added=Decimal("98.0"))
    _progress(school, 2019, "-5")

    candidates = _candidates(last_year)

    assert last_year.selection_measure == SelectionMeasure.VALUE_ADDED
    assert candidates["Old"].criteria[0].text == "value added 98.0 (below 100)"


def _academy_of(lea, predecessor, *, link_from_new=True):
    academy = SchoolFactory(local_authority=lea, name="New Academy", latest_value_added=None)
    if link_from_new:
        SchoolLink.objects.create(
            urn=academy.urn, linked_urn=predecessor.urn, link_type="Predecessor"
        )
    else:
        SchoolLink.objects.create(
            urn=predecessor.urn, linked_urn=academy.urn, link_type="Successor"
        )
    return academy


@pytest.mark.parametrize("link_from_new", [True, False])
def test_a_new_urn_inherits_last_years_decline(lea, last_year, year, link_from_new):
    old = SchoolFactory(local_authority=lea, name="Old School", is_open=False)
    ParticipationFactory(programme_year=last_year, school=old, status=Status.DECLINED)
    academy = _academy_of(lea, old, link_from_new=link_from_new)
    _progress(academy, 2019, "-3")

    candidate = _candidates(year)["New Academy"]

    assert candidate.declined_last_year
    assert candidate.is_approached_first


def test_a_new_urn_inherits_having_taken_part(lea, last_year, year):
    old = SchoolFactory(local_authority=lea, name="Old School")
    ParticipationFactory(
        programme_year=last_year, school=old, status=Status.COMPLETED, is_not_yet_progressing=True
    )
    _academy_of(lea, old)

    candidate = _candidates(year)["New Academy"]

    assert candidate.criterion_numbers == (CRITERION_NOT_YET_PROGRESSING,)


def test_a_new_urn_without_results_uses_its_predecessors(lea, last_year, year):
    old = SchoolFactory(local_authority=lea, name="Old School", latest_value_added=Decimal("96"))
    _progress(old, 2019, "-4")
    _academy_of(lea, old)

    candidates = _candidates(year)
    last_years = _candidates(last_year)

    assert candidates["New Academy"].measure_value == Decimal("-4")
    assert candidates["New Academy"].criterion_numbers == (CRITERION_VALUE_ADDED,)
    assert last_years["New Academy"].measure_value == Decimal("96")


def test_an_unlinked_school_inherits_nothing(lea, last_year, year):
    old = SchoolFactory(local_authority=lea, name="Old School")
    ParticipationFactory(programme_year=last_year, school=old, status=Status.DECLINED)
    SchoolFactory(local_authority=lea, name="Stranger")

    assert not _candidates(year)["Stranger"].declined_last_year


@pytest.mark.parametrize("count", [5, 40])
def test_following_links_adds_no_query(lea, last_year, year, count, django_assert_num_queries):
    for n in range(count):
        old = SchoolFactory(local_authority=lea, name=f"Old {n}")
        ParticipationFactory(programme_year=last_year, school=old, status=Status.DECLINED)
        new = SchoolFactory(local_authority=lea, name=f"New {n}")
        SchoolLink.objects.create(urn=new.urn, linked_urn=old.urn, link_type="Predecessor")
        _progress(new, 2019, "-2")

    with django_assert_num_queries(2):
        selection = school_list_for_selection(year)
        declined = [c for c in selection.candidates if c.declined_last_year]

    assert len(declined) == count * 2
