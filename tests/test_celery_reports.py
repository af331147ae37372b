"""Report runs produced by real Celery workers on Redis and PostgreSQL, delivered twice and killed
in the middle: each report is still issued exactly once (one row, one file, one notification per
reader). docs/decisions/008-report-runs-exactly-once.md says how.

Each test has a queue of its own, so that no other worker on the same Redis takes its messages;
the runs the code under test sends (`generate_report.delay`) are routed to that queue too.
"""

import json
import os
import signal
import subprocess
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from redis import Redis

from accounts.factories import UserFactory
from accounts.models import Role
from config.celery import app
from consultants.models import Term
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from reports.models import (
    Notification,
    NotificationFrequency,
    NotificationPreference,
    ReportKind,
    ReportRun,
    RunStatus,
)
from reports.services.runs import run_request, runs_sweep
from reports.tasks.runs import generate_report
from schools.factories import LocalAuthorityFactory, SchoolFactory
from tests.workers import (
    WAIT_FOR_EXIT_SECONDS,
    WORKER_TEST_MARKS,
    start_worker,
    stop_worker,
)

WAIT_SECONDS = 90
#: How long the first worker of the kill test waits inside a report: long enough to be killed.
FAULT_DELAY_SECONDS = 30

pytestmark = WORKER_TEST_MARKS


def _wait_until(condition, *, worker: subprocess.Popen, log_path: Path, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert worker.poll() is None, f"the worker exited early:\n{log_path.read_text()}"
        assert time.monotonic() < deadline, f"no {what} in time:\n{log_path.read_text()}"
        time.sleep(0.3)


def _run_status(run_id: int) -> str:
    return ReportRun.objects.values_list("status", flat=True).get(pk=run_id)


def _files(run: ReportRun) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "reports" / str(run.local_authority_id) / str(run.pk)
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def queue(monkeypatch):
    """A queue of the test's own; the runs the code sends go there. Emptied afterwards, with
    the messages a killed worker left unacknowledged."""
    assert not app.conf.task_always_eager, "with REDIS_URL set, tasks must go to the broker"
    name = f"test-reports-{uuid.uuid4().hex}"
    monkeypatch.setattr(
        generate_report,
        "delay",
        lambda **kwargs: generate_report.apply_async(kwargs=kwargs, queue=name),
    )
    yield name
    redis = Redis.from_url(settings.REDIS_URL)
    redis.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")
    # kombu keeps a delivered, unacknowledged message in the "unacked" hash until it is
    # acknowledged or the visibility timeout sends it back to its queue.
    for tag, payload in redis.hgetall("unacked").items():
        _message, _exchange, routing_key = json.loads(payload)
        if routing_key == name:
            redis.hdel("unacked", tag)
            redis.zrem("unacked_index", tag)


@pytest.fixture
def governor_report(transactional_db):
    """A school active in its programme year, its governor and the manager who asks for its
    report; both read a weekly digest, so the workers send no email."""
    lea = LocalAuthorityFactory(code="993", name="Eastmere")
    school = SchoolFactory(local_authority=lea, name="Millfield Primary School", number_on_roll=118)
    year = ProgrammeYearFactory(local_authority=lea)
    ParticipationFactory(programme_year=year, school=school)
    governor = UserFactory(role=Role.GOVERNOR, school=school)
    manager = UserFactory(role=Role.MANAGER, local_authority=lea)
    for user in (governor, manager):
        NotificationPreference.objects.create(user=user, frequency=NotificationFrequency.WEEKLY)
    return {"year": year, "school": school, "readers": {governor.pk, manager.pk}, "by": manager}


def _ask(governor_report) -> ReportRun:
    """Asks for the report; the first message goes to the queue as the transaction commits."""
    return run_request(
        kind=ReportKind.GOVERNOR,
        programme_year=governor_report["year"],
        by=governor_report["by"],
        idempotency_key=f"test:{uuid.uuid4().hex}",
        term=Term.AUTUMN,
        school=governor_report["school"],
    )


def _assert_issued_once(run: ReportRun, governor_report, log_path: Path, *, attempts: int):
    assert ReportRun.objects.count() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, f"{run.error}\n{log_path.read_text()}"
    assert run.attempts == attempts
    assert "Millfield Primary School" in run.html
    assert run.data_read_at is not None
    files = _files(run)
    assert [path.name for path in files] == [Path(run.pdf.name).name]
    assert files[0].read_bytes().startswith(b"%PDF-")
    notified = list(Notification.objects.filter(run=run).values_list("user_id", flat=True))
    assert sorted(notified) == sorted(governor_report["readers"])


def test_a_report_delivered_twice_is_issued_once(governor_report, queue, tmp_path):
    log_path = tmp_path / "worker.log"
    run = _ask(governor_report)
    generate_report.apply_async(kwargs={"run_id": run.pk}, queue=queue)
    redis = Redis.from_url(settings.REDIS_URL)
    assert redis.llen(queue) == 2

    worker = start_worker(queue, log_path)
    try:
        _wait_until(
            lambda: (
                redis.llen(queue) == 0
                and log_path.read_text().count("Task reports.generate_report[") >= 4
            ),
            worker=worker,
            log_path=log_path,
            what="two deliveries received and finished",
        )
    finally:
        stop_worker(worker)

    # Each delivery is logged when received and when it succeeded.
    log = log_path.read_text()
    assert log.count("succeeded in") == 2, log
    # The second delivery found the run done and did not start it again.
    _assert_issued_once(run, governor_report, log_path, attempts=1)
    assert worker.returncode == 0, log


def test_a_report_whose_worker_is_killed_is_issued_once_after_the_sweep(
    governor_report, queue, tmp_path
):
    log_path = tmp_path / "worker.log"
    run = _ask(governor_report)

    first = start_worker(queue, log_path, REPORTS_FAULT_DELAY_SECONDS=str(FAULT_DELAY_SECONDS))
    try:
        _wait_until(
            lambda: _run_status(run.pk) == RunStatus.RUNNING,
            worker=first,
            log_path=log_path,
            what="run started",
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=WAIT_FOR_EXIT_SECONDS)
    finally:
        stop_worker(first)
    assert first.returncode == -signal.SIGKILL
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 1)

    second = start_worker(queue, log_path)
    try:
        # Later than the task time limit: the killed worker's run has stalled.
        assert runs_sweep(now=timezone.now() + timedelta(hours=1)) == [run.pk]
        _wait_until(
            lambda: _run_status(run.pk) in (RunStatus.DONE, RunStatus.FAILED),
            worker=second,
            log_path=log_path,
            what="run finished",
        )
    finally:
        stop_worker(second)

    _assert_issued_once(run, governor_report, log_path, attempts=2)
    assert second.returncode == 0, log_path.read_text()
