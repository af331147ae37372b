"""Fixtures of the bad-input tests: one world per module (tests/input/world.py), built once and
rolled back when the module ends, with a record of which rows belong to the other LEA."""

import pytest
from django.db import transaction
from django.test import override_settings

from config.celery import app as celery_app

from .rows import Baseline, pks_by_model, project_models
from .world import TODAY, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world of tests/input/world.py, with `world.other_rows`: the pks, by model, of the rows
    made for the other LEA (nothing a user of the own LEA does may touch them), and
    `world.baseline`: every row as built."""
    settings = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], PLP_TODAY=TODAY
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    with django_db_blocker.unblock(), settings:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            before_other = built.rows_before_other
            built.other_rows = {
                model: pks - before_other.get(model, set()) for model, pks in pks_by_model().items()
            }
            built.baseline = Baseline()
            built.baseline.take(project_models())
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _today_of_the_world(settings):
    settings.PLP_TODAY = TODAY
