"""The census import (issue 7, item 2): number on roll and % FSM by URN; NA or empty leaves the
register's figure; a changed roll is saved through the model so funding recomputes grants."""

from decimal import Decimal

import pytest
from django.db.models.signals import post_save

from schools.factories import SchoolFactory
from schools.imports.base import parse_decimal
from schools.imports.reading import Row
from schools.imports.services import import_from_command
from schools.models import ImportStatus, School

from .data import CENSUS_SAMPLE, write

pytestmark = pytest.mark.django_db

HEADER = "URN,LA,Estab,NOR,PNUMFSMEVER\n"


def run(path, *, dry_run=False, import_good_rows=False):
    return import_from_command(
        kind="CENSUS", path=path, options={}, dry_run=dry_run, import_good_rows=import_good_rows
    )


def test_a_percentage_with_its_sign_is_read_exactly():
    row = Row(2, {"PNUMFSMEVER": "24.88%"})

    assert parse_decimal(row, "PNUMFSMEVER") == Decimal("24.88")


def test_the_sample_file_sets_the_roll_and_fsm_and_na_keeps_the_old_figure():
    aldgate = SchoolFactory(urn=100000, number_on_roll=200, percentage_fsm=Decimal("10.0"))
    independent = SchoolFactory(urn=100001, number_on_roll=700, percentage_fsm=Decimal("5.0"))

    record = run(CENSUS_SAMPLE)

    assert record.status == ImportStatus.DONE
    assert record.updated == 2
    aldgate.refresh_from_db()
    assert (aldgate.number_on_roll, aldgate.percentage_fsm) == (249, Decimal("24.9"))
    independent.refresh_from_db()
    assert independent.number_on_roll == 780
    assert independent.percentage_fsm == Decimal("0.0")


def test_na_and_empty_cells_leave_the_figures_as_they_are(tmp_path):
    school = SchoolFactory(urn=300000, number_on_roll=150, percentage_fsm=Decimal("12.5"))
    path = write(tmp_path / "census.csv", HEADER + "300000,855,2001,NA,\n")

    record = run(path)

    assert (record.unchanged, record.updated) == (1, 0)
    school.refresh_from_db()
    assert (school.number_on_roll, school.percentage_fsm) == (150, Decimal("12.5"))


def test_a_changed_roll_is_saved_through_the_model_for_the_funding_receiver(tmp_path):
    school = SchoolFactory(urn=300100, number_on_roll=130)
    saved = []

    def receiver(sender, instance, update_fields=None, **kwargs):
        saved.append((instance.urn, set(update_fields or ())))

    post_save.connect(receiver, sender=School, dispatch_uid="test_census_receiver")
    try:
        run(write(tmp_path / "census.csv", HEADER + "300100,855,2001,118,20.00%\n"))
    finally:
        post_save.disconnect(sender=School, dispatch_uid="test_census_receiver")

    assert saved == [(300100, {"number_on_roll", "percentage_fsm"})]
    school.refresh_from_db()
    assert school.number_on_roll == 118


def test_importing_twice_changes_nothing_and_saves_no_history():
    SchoolFactory(urn=100000)
    run(CENSUS_SAMPLE)
    history = School.history.count()

    again = run(CENSUS_SAMPLE)

    assert (again.updated, again.unchanged, again.skipped) == (0, 1, 1)
    assert School.history.count() == history


def test_schools_not_in_the_register_are_skipped_and_listed():
    record = run(CENSUS_SAMPLE, dry_run=True)

    assert record.skipped == 2
    assert [change["reason"] for change in record.changes] == ["not in the register"] * 2
    assert record.error_count == 0


def test_bad_figures_are_reported_and_nothing_is_saved(tmp_path):
    school = SchoolFactory(urn=300200, number_on_roll=100)
    path = write(
        tmp_path / "census.csv",
        HEADER
        + "300200,855,2001,99,1%\n"
        + "300201,855,2002,many,1%\n"
        + "300202,855,2003,5,101%\n",
    )

    record = run(path)

    assert record.status == ImportStatus.REFUSED
    assert record.errors == [
        {"line": 3, "column": "NOR", "reason": "'many' is not a whole number"},
        {"line": 4, "column": "PNUMFSMEVER", "reason": "101 is outside 0 to 100"},
    ]
    school.refresh_from_db()
    assert school.number_on_roll == 100
