"""Real Celery workers for the tests marked `celery_worker`: a worker in its own process on the
test's Redis and PostgreSQL test database, listening to one queue of the test's own."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
WAIT_FOR_EXIT_SECONDS = 15

#: The marks of a module of worker tests: they need a broker and a database two processes share.
WORKER_TEST_MARKS = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not (settings.REDIS_URL and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")),
        reason=(
            "needs REDIS_URL and a PostgreSQL DATABASE_URL: the worker is another process, so it "
            "needs a real broker and a database both processes can open"
        ),
    ),
]


def test_database_url() -> str:
    """The URL of the database this test runs in (pytest-django's test database)."""
    db = connection.settings_dict
    credentials = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{db['HOST']}{port}/{quote(db['NAME'], safe='')}"


# Not a test, though its name starts with "test".
test_database_url.__test__ = False


def start_worker(
    queue: str, log_path: Path, *, pool: str = "solo", concurrency: int = 1, **environment: str
) -> subprocess.Popen:
    """A worker taking tasks from `queue` only, logging to `log_path`, with the database this
    process uses (the test's), its broker and MEDIA_ROOT (and `environment` on top): solo by
    default; bench/reports_bench.py starts prefork workers of 1 and 2 processes."""
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        # Files the worker writes go where the test looks for them.
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **environment,
    }
    env.pop("DJANGO_ENV", None)
    with log_path.open("a") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname={queue}-{uuid.uuid4().hex[:6]}@%h",
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


def stop_worker(worker: subprocess.Popen) -> None:
    """A warm shutdown (SIGTERM), and SIGKILL if the worker has not gone in time."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=WAIT_FOR_EXIT_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=WAIT_FOR_EXIT_SECONDS)
