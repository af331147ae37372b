"""The sweeper of stalled report runs (reports.services.runs.runs_sweep): it sends again exactly
the runs whose message or worker was lost, and nothing else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.factories import ReportRunFactory
from reports.models import ReportRun, RunStatus
from reports.services.runs import runs_sweep
from reports.tasks import runs as run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(run_tasks.generate_report, "delay", lambda **kw: calls.append(kw))
    return calls


def _run(status, *, now, queued_ago=timedelta(0), started_ago=None, **kwargs):
    """A run of `status`, asked for `queued_ago` before `now` and started `started_ago` before."""
    run = ReportRunFactory(status=status, **kwargs)
    ReportRun.objects.filter(pk=run.pk).update(
        created_at=now - queued_ago,
        queued_at=now - queued_ago,
        started_at=None if started_ago is None else now - started_ago,
    )
    return run


def test_the_sweeper_sends_again_exactly_the_stalled_runs(
    settings, sent, django_capture_on_commit_callbacks
):
    now = timezone.now()
    settings.REPORTS_QUEUED_STALL_SECONDS = 900
    settings.CELERY_TASK_TIME_LIMIT = 600
    lost_message = _run(RunStatus.QUEUED, now=now, queued_ago=timedelta(seconds=901))
    waiting = _run(RunStatus.QUEUED, now=now, queued_ago=timedelta(seconds=899))
    dead_worker = _run(
        RunStatus.RUNNING,
        now=now,
        queued_ago=timedelta(hours=1),
        started_ago=timedelta(seconds=661),
    )
    working = _run(
        RunStatus.RUNNING,
        now=now,
        queued_ago=timedelta(hours=1),
        started_ago=timedelta(seconds=659),
    )
    done = ReportRunFactory(
        status=RunStatus.DONE,
        html="<p>Done</p>",
        pdf="reports/1/1/done.pdf",
        data_read_at=now - timedelta(days=1),
    )
    failed = ReportRunFactory(status=RunStatus.FAILED, error="ValueError: no data")
    ReportRun.objects.filter(pk__in=[done.pk, failed.pk]).update(
        created_at=now - timedelta(days=1),
        queued_at=now - timedelta(days=1),
        started_at=now - timedelta(days=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        swept = runs_sweep(now=now)

    assert swept == sorted([lost_message.pk, dead_worker.pk])
    assert sorted(call["run_id"] for call in sent) == swept
    statuses = dict(ReportRun.objects.values_list("pk", "status"))
    assert statuses == {
        lost_message.pk: RunStatus.QUEUED,
        waiting.pk: RunStatus.QUEUED,
        dead_worker.pk: RunStatus.QUEUED,
        working.pk: RunStatus.RUNNING,
        done.pk: RunStatus.DONE,
        failed.pk: RunStatus.FAILED,
    }


def test_the_sweeper_sends_nothing_before_its_transaction_commits(
    sent, django_capture_on_commit_callbacks
):
    now = timezone.now()
    stalled = _run(RunStatus.QUEUED, now=now, queued_ago=timedelta(hours=2))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert runs_sweep(now=now) == [stalled.pk]
    assert sent == []

    for callback in callbacks:
        callback()
    assert sent == [{"run_id": stalled.pk}]


def test_a_run_sent_again_waits_its_full_time_before_the_next_sweep_sends_it_again(
    settings, sent, django_capture_on_commit_callbacks
):
    settings.REPORTS_QUEUED_STALL_SECONDS = 900
    now = timezone.now()
    stalled = _run(RunStatus.QUEUED, now=now, queued_ago=timedelta(hours=2))

    with django_capture_on_commit_callbacks(execute=True):
        assert runs_sweep(now=now) == [stalled.pk]
        assert runs_sweep(now=now + timedelta(minutes=5)) == []
        assert runs_sweep(now=now + timedelta(seconds=901)) == [stalled.pk]

    assert sent == [{"run_id": stalled.pk}, {"run_id": stalled.pk}]


def test_with_nothing_stalled_the_sweeper_sends_nothing(sent, django_capture_on_commit_callbacks):
    _run(RunStatus.QUEUED, now=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert runs_sweep() == []
    assert sent == []


def test_the_sweep_task_sweeps(sent, django_capture_on_commit_callbacks):
    stalled = _run(RunStatus.RUNNING, now=timezone.now(), started_ago=timedelta(hours=3))

    with django_capture_on_commit_callbacks(execute=True):
        run_tasks.sweep_stalled_runs.delay()

    assert sent == [{"run_id": stalled.pk}]
    assert run_tasks.sweep_stalled_runs.name == "reports.sweep_stalled_runs"
