"""The retention job runs in a real Celery worker, sent through Redis, and its writes reach the
database the web process reads."""

import datetime
import time
import uuid

from django.conf import settings
from redis import Redis

from consultants.factories import ApplicationFactory
from consultants.models import Application, ApplicationStatus
from privacy.models import RetentionRun
from privacy.services.retention import REMOVED_NAME
from privacy.tasks import apply_retention_task
from tests.workers import WORKER_TEST_MARKS, start_worker, stop_worker

WAIT_SECONDS = 60

pytestmark = WORKER_TEST_MARKS


def test_a_worker_applies_the_retention_rules_sent_through_redis(transactional_db, tmp_path):
    application = ApplicationFactory(received_on=datetime.date(2001, 1, 10))
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.WITHDRAWN)
    queue = f"test-privacy-{uuid.uuid4().hex}"
    log_path = tmp_path / "worker.log"

    apply_retention_task.apply_async(queue=queue)
    worker = start_worker(queue, log_path, PLP_TODAY="2004-11-26")
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while (
            not RetentionRun.objects.filter(finished_at__isnull=False).exists()
            and time.monotonic() < deadline
        ):
            assert worker.poll() is None, f"the worker exited early:\n{log_path.read_text()}"
            time.sleep(0.5)
    finally:
        stop_worker(worker)
        redis = Redis.from_url(settings.REDIS_URL)
        redis.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")

    run = RetentionRun.objects.get()
    assert run.as_of == datetime.date(2004, 11, 26), log_path.read_text()
    assert run.counts["APPLICATIONS"] == 1
    application.refresh_from_db()
    assert application.full_name == REMOVED_NAME
