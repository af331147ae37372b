"""A real Celery worker, in its own process, takes a task from Redis and writes to PostgreSQL.

The rest of the suite runs tasks in-process or calls services directly; this test proves the
wiring that production relies on: `celery -A config worker` finds the task, the message crosses
the broker, and the worker's database writes are committed where the web process can read them.
"""

import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from redis import Redis

from config.celery import app
from schools.factories import SchoolFactory, ValueAddedFactory
from schools.models import School
from schools.tasks import refresh_school_figures

BASE_DIR = Path(__file__).resolve().parent.parent
WAIT_FOR_RESULT_SECONDS = 30
WAIT_FOR_EXIT_SECONDS = 15

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not (settings.REDIS_URL and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")),
        reason=(
            "needs REDIS_URL and a PostgreSQL DATABASE_URL: the worker is another process, so it "
            "needs a real broker and a database both processes can open"
        ),
    ),
]


def _test_database_url() -> str:
    """The URL of the database this test runs in (pytest-django's test database)."""
    db = connection.settings_dict
    credentials = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{db['HOST']}{port}/{quote(db['NAME'], safe='')}"


def _stop(worker: subprocess.Popen) -> None:
    """A warm shutdown (SIGTERM), and SIGKILL if the worker has not gone in time."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=WAIT_FOR_EXIT_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=WAIT_FOR_EXIT_SECONDS)


def test_a_worker_process_refreshes_a_schools_figures_sent_through_redis(
    transactional_db, tmp_path
):
    assert not app.conf.task_always_eager, "with REDIS_URL set, tasks must go to the broker"
    school = SchoolFactory()
    ValueAddedFactory(school=school, year=2003, score=Decimal("101.4"))
    ValueAddedFactory(school=school, year=2004, score=Decimal("98.2"))
    assert School.objects.get(pk=school.pk).latest_value_added is None
    # A queue of its own, so that no other worker on the same Redis can take the task.
    queue = f"test-worker-{uuid.uuid4().hex}"
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "REDIS_URL": settings.REDIS_URL}
    env.pop("DJANGO_ENV", None)

    refresh_school_figures.apply_async(kwargs={"school_id": school.pk}, queue=queue)
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname={queue}@%h",
                "-Q",
                queue,
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WAIT_FOR_RESULT_SECONDS
        school.refresh_from_db()
        while school.latest_value_added is None and time.monotonic() < deadline:
            assert worker.poll() is None, f"the worker exited early:\n{log_path.read_text()}"
            time.sleep(0.5)
            school.refresh_from_db()
    finally:
        _stop(worker)
        # The queue's list and kombu's record of its binding, so that runs leave nothing behind.
        redis = Redis.from_url(settings.REDIS_URL)
        redis.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")

    assert school.latest_value_added == Decimal("98.2"), log_path.read_text()
    assert school.latest_value_added_year == 2004
    assert worker.returncode == 0, log_path.read_text()
