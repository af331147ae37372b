"""Fixtures of the reports tests."""

import pytest

from config.celery import app


@pytest.fixture(autouse=True)
def _tasks_in_process(monkeypatch):
    # As without REDIS_URL: the tasks (reports, notification emails) run in this process when
    # their transaction commits, even when the suite runs with a broker. The real worker is
    # tested in tests/test_celery_reports.py.
    monkeypatch.setitem(app.conf, "task_always_eager", True)
