"""Tasks that produce report runs, start the termly governor reports and send stalled runs again.

Each is thin: it calls one service in `reports.services`, which makes it safe to run twice.
"""

import logging

from celery import Task, shared_task

from ..services.batches import scheduled_batches
from ..services.runs import TRANSIENT_ERRORS, run_fail, run_generate, runs_sweep

logger = logging.getLogger(__name__)


class ReportRunTask(Task):
    """A report task that, once its retries are spent, marks its run as failed (the run would
    otherwise wait for the sweeper, to be tried again and again)."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = (kwargs or {}).get("run_id")
        if run_id is not None and isinstance(exc, TRANSIENT_ERRORS):
            retries = self.request.retries
            run_fail(
                run_id=run_id,
                error=f"Gave up after {retries + 1} tries: {type(exc).__name__}: {exc}",
            )
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(
    base=ReportRunTask,
    bind=True,
    name="reports.generate_report",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def generate_report(self, *, run_id: int) -> None:
    """Produce report run `run_id`. Safe to deliver twice: the run is issued once."""
    run_generate(run_id)


@shared_task(name="reports.sweep_stalled_runs")
def sweep_stalled_runs() -> None:
    """Send again the runs whose message or worker was lost (every few minutes, by beat)."""
    runs_sweep()


@shared_task(name="reports.scheduled_governor_reports")
def scheduled_governor_reports() -> None:
    """Start the term's governor reports for every LEA (by beat, once a term). Safe to fire
    twice in a term: the second finds the batches the first started."""
    scheduled_batches()
