"""Writes to the schools register that carry a rule."""

from collections.abc import Iterable

from django.db import transaction

from accounts.versioning import new_version

from .models import LocalAuthority, PerformanceDataView, PerformancePage, School, ValueAdded


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


def school_records_changed(*, school_ids: Iterable[int]) -> None:
    """Give each of the schools a new `records_version`, so that the cache keeps no background
    of theirs from before the change (`schools.selectors.cached_school_background`). Called on
    every save and delete of a school's results, value added, KS2 targets and inspections (see
    `SchoolsConfig.ready`), in the writer's transaction: a reader sees the new version with the
    new records, never one without the other. A bulk write of them (which sends no signal) must
    call it itself. One UPDATE, which leaves no history entry."""
    School.objects.filter(pk__in=set(school_ids)).update(records_version=new_version())


def record_performance_view(
    user,
    *,
    school: School | None = None,
    local_authority: LocalAuthority | None = None,
    page: PerformancePage,
) -> PerformanceDataView:
    """Log that `user` opened `page`, which shows `school`'s confidential performance data (or,
    with no school, the data of many schools of `local_authority`), so that the LEA can see who
    read what (DOMAIN.md: every view of a PANDA should be auditable). One INSERT, in the
    request's own transaction: a page that failed leaves no entry, a page shown always does.
    The LEA defaults to the school's."""
    if local_authority is None and school is not None:
        local_authority_id = school.local_authority_id
    else:
        local_authority_id = local_authority.pk if local_authority is not None else None
    return PerformanceDataView.objects.create(
        user=user,
        school=school,
        local_authority_id=local_authority_id,
        page=page,
    )


def record_performance_views(
    user, *, local_authority_ids: Iterable[int | None], page: PerformancePage
) -> None:
    """Log a page of many schools that may span LEAs (an admin's school list or download): one
    row per LEA shown, so that each LEA's manager sees the reading, in one INSERT whatever the
    number of schools (at most one row per LEA, about 150 in England)."""
    lea_ids = sorted({lea_id for lea_id in local_authority_ids if lea_id is not None})
    PerformanceDataView.objects.bulk_create(
        PerformanceDataView(user=user, local_authority_id=lea_id, page=page) for lea_id in lea_ids
    )
