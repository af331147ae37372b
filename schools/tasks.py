"""Background jobs of the schools register."""

from celery import shared_task

from .services import school_refresh_figures


@shared_task(name="schools.refresh_school_figures")
def refresh_school_figures(*, school_id: int) -> None:
    """Recompute a school's derived figures. Idempotent, so safe to redeliver."""
    school_refresh_figures(school_id=school_id)
