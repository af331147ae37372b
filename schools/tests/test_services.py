"""`school_refresh_figures` and the Celery task that runs it: the latest value-added score a
school keeps for lists, recomputed from its yearly records, any number of times."""

from decimal import Decimal

import pytest
from django.conf import settings

from schools.factories import SchoolFactory, ValueAddedFactory
from schools.models import School
from schools.services import school_refresh_figures
from schools.tasks import refresh_school_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_with_value_added(lea):
    school = SchoolFactory(local_authority=lea)
    ValueAddedFactory(school=school, year=2003, score=Decimal("98.4"))
    ValueAddedFactory(school=school, year=2004, score=Decimal("101.2"))
    # The latest year's score was suppressed: the one before is the latest known.
    ValueAddedFactory(school=school, year=2005, score=None)
    return school


def _figures(school_id):
    school = School.objects.get(pk=school_id)
    return school.latest_value_added, school.latest_value_added_year


def test_refresh_keeps_the_latest_year_with_a_score(school_with_value_added):
    returned = school_refresh_figures(school_id=school_with_value_added.pk)

    assert _figures(school_with_value_added.pk) == (Decimal("101.2"), 2004)
    assert (returned.latest_value_added, returned.latest_value_added_year) == (
        Decimal("101.2"),
        2004,
    )


def test_refresh_clears_the_figures_of_a_school_without_a_score(lea):
    school = SchoolFactory(local_authority=lea)
    School.objects.filter(pk=school.pk).update(
        latest_value_added=Decimal("99.0"), latest_value_added_year=2003
    )
    ValueAddedFactory(school=school, year=2004, score=None)

    school_refresh_figures(school_id=school.pk)

    assert _figures(school.pk) == (None, None)


def test_refresh_follows_a_new_years_score(school_with_value_added):
    school_refresh_figures(school_id=school_with_value_added.pk)
    ValueAddedFactory(school=school_with_value_added, year=2006, score=Decimal("97.9"))

    school_refresh_figures(school_id=school_with_value_added.pk)

    assert _figures(school_with_value_added.pk) == (Decimal("97.9"), 2006)


def test_refreshing_twice_gives_the_same_figures_and_no_new_history(school_with_value_added):
    school_refresh_figures(school_id=school_with_value_added.pk)
    first = _figures(school_with_value_added.pk)
    history = school_with_value_added.history.count()

    school_refresh_figures(school_id=school_with_value_added.pk)

    assert _figures(school_with_value_added.pk) == first
    assert school_with_value_added.history.count() == history


def test_refresh_leaves_other_schools_alone(school_with_value_added, lea):
    other = SchoolFactory(local_authority=lea)
    ValueAddedFactory(school=other, year=2004, score=Decimal("102.0"))

    school_refresh_figures(school_id=school_with_value_added.pk)

    assert _figures(other.pk) == (None, None)


def test_the_celery_task_refreshes_the_school_in_process(school_with_value_added):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No REDIS_URL: `delay` runs the task here and now, as `make run` does.
        refresh_school_figures.delay(school_id=school_with_value_added.pk)
    else:
        # A real broker is configured; run the task body here, with no worker needed.
        refresh_school_figures.apply(kwargs={"school_id": school_with_value_added.pk})

    assert _figures(school_with_value_added.pk) == (Decimal("101.2"), 2004)


def test_the_celery_task_is_safe_to_run_twice(school_with_value_added):
    for _ in range(2):
        result = refresh_school_figures.apply(kwargs={"school_id": school_with_value_added.pk})

        assert result.successful()
    assert _figures(school_with_value_added.pk) == (Decimal("101.2"), 2004)
