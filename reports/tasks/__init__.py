"""The reports app's Celery tasks, found by `app.autodiscover_tasks()` as `reports.tasks`:
`runs` (producing report runs and batches, the termly schedule, the stalled-run sweeper) and
`notifications` (emails at once and the weekly digest)."""

from . import notifications, runs

__all__ = ["notifications", "runs"]
