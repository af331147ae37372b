"""Background jobs of the schools register."""

from celery import shared_task

from .imports.base import import_run
from .services import school_refresh_figures


@shared_task(name="schools.refresh_school_figures")
def refresh_school_figures(*, school_id: int) -> None:
    """Recompute a school's derived figures. Idempotent, so safe to redeliver."""
    school_refresh_figures(school_id=school_id)


@shared_task(name="schools.run_import")
def run_import(*, record_id: int) -> None:
    """Run a large import (issue 7, item 3). A finished record is left alone and the save is
    idempotent, so a redelivered job does no harm."""
    import_run(record_id=record_id)
