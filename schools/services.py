"""Writes to the schools register that carry a rule."""

from django.db import transaction

from .models import School, ValueAdded


@transaction.atomic
def school_refresh_figures(*, school_id: int) -> School:
    """Recompute the figures a school keeps from its yearly records (today the latest value-added
    score and its year), so that lists filter on them without a join. Safe to run any number of
    times: it writes only what the records say."""
    school = School.objects.select_for_update().get(pk=school_id)
    latest = (
        ValueAdded.objects.filter(school_id=school_id, score__isnull=False)
        .order_by("-year")
        .values("year", "score")
        .first()
    )
    figures = (latest["score"], latest["year"]) if latest else (None, None)
    if (school.latest_value_added, school.latest_value_added_year) != figures:
        # Saving only on a change keeps the school's history free of no-op entries.
        school.latest_value_added, school.latest_value_added_year = figures
        school.save(update_fields=["latest_value_added", "latest_value_added_year"])
    return school
