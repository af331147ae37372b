"""A real Celery worker, in its own process, takes a task from Redis and writes to PostgreSQL.

The rest of the suite runs tasks in-process or calls services directly; this test proves the
wiring that production relies on: `celery -A config worker` finds the task, the message crosses
the broker, and the worker's database writes are committed where the web process can read them.
"""

import time
import uuid
from decimal import Decimal

from django.conf import settings
from redis import Redis

from config.celery import app
from schools.factories import SchoolFactory, ValueAddedFactory
from schools.models import School
from schools.tasks import refresh_school_figures
from tests.workers import WORKER_TEST_MARKS, start_worker, stop_worker

WAIT_FOR_RESULT_SECONDS = 30

pytestmark = WORKER_TEST_MARKS


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

    refresh_school_figures.apply_async(kwargs={"school_id": school.pk}, queue=queue)
    worker = start_worker(queue, log_path)
    try:
        deadline = time.monotonic() + WAIT_FOR_RESULT_SECONDS
        school.refresh_from_db()
        while school.latest_value_added is None and time.monotonic() < deadline:
            assert worker.poll() is None, f"the worker exited early:\n{log_path.read_text()}"
            time.sleep(0.5)
            school.refresh_from_db()
    finally:
        stop_worker(worker)
        # The queue's list and kombu's record of its binding, so that runs leave nothing behind.
        redis = Redis.from_url(settings.REDIS_URL)
        redis.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")

    assert school.latest_value_added == Decimal("98.2"), log_path.read_text()
    assert school.latest_value_added_year == 2004
    assert worker.returncode == 0, log_path.read_text()
