"""Fixtures of the bad-input tests: one world per module (tests/input/world.py), built once and
rolled back when the module ends, with a record of which rows belong to the other LEA."""

import pytest

from tests.worlds import rolled_back, world_settings

from .rows import Baseline, pks_by_model, project_models
from .world import TODAY, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world of tests/input/world.py, with `world.other_rows`: the pks, by model, of the rows
    made for the other LEA (nothing a user of the own LEA does may touch them), and
    `world.baseline`: every row as built."""
    with world_settings(TODAY), rolled_back(django_db_blocker):
        built = build_world()
        before_other = built.rows_before_other
        built.other_rows = {
            model: pks - before_other.get(model, set()) for model, pks in pks_by_model().items()
        }
        built.baseline = Baseline()
        built.baseline.take(project_models())
        yield built


@pytest.fixture(autouse=True)
def _today_of_the_world(settings):
    settings.PLP_TODAY = TODAY
