"""The GIAS establishment import (issue 7, item 1): by header name, primary phases only, LEAs
created, schools upserted by URN, idempotent, streaming."""

import tracemalloc
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from schools.imports.base import BATCH_SIZE
from schools.imports.services import import_from_command
from schools.models import ImportRecord, ImportStatus, LocalAuthority, Phase, School, SchoolType
from schools.signals import rolls_changed

from .data import GIAS_HEADER, gias_row, gias_text, write

pytestmark = pytest.mark.django_db


def run(path, *, dry_run=False, import_good_rows=False, all_through=False):
    return import_from_command(
        kind="GIAS",
        path=path,
        options={"all_through": all_through},
        dry_run=dry_run,
        import_good_rows=import_good_rows,
    )


@pytest.fixture
def gias_file(tmp_path):
    rows = [
        gias_row(),
        gias_row(
            URN="100001",
            EstablishmentNumber="2001",
            EstablishmentName="Hillside Academy",
            **{"TypeOfEstablishment (name)": "Academy converter", "PercentageFSM": "24.88"},
        ),
        gias_row(URN="100002", **{"PhaseOfEducation (name)": "Secondary"}),
        gias_row(URN="100003", **{"PhaseOfEducation (name)": "All-through"}),
        gias_row(
            URN="100004",
            EstablishmentName="Middle School",
            **{
                "LA (code)": "855",
                "LA (name)": "Leicestershire",
                "PhaseOfEducation (name)": "Middle deemed primary",
                "NumberOfPupils": "",
            },
        ),
    ]
    return write(tmp_path / "edubasealldata20250101.csv", gias_text(rows), encoding="cp1252")


def test_primary_schools_are_created_with_their_lea_and_figures(gias_file):
    record = run(gias_file)

    assert record.status == ImportStatus.DONE
    assert (record.created, record.skipped, record.error_count) == (3, 2, 0)
    assert record.encoding == "UTF-8"  # plain ASCII decodes as UTF-8
    aldgate = School.objects.get(urn=100000)
    assert aldgate.local_authority.code == "201"
    assert aldgate.local_authority.name == "City of London"
    assert aldgate.establishment_number == "3614"
    assert aldgate.school_type == SchoolType.VOLUNTARY_AIDED
    assert aldgate.phase == Phase.PRIMARY
    assert aldgate.number_on_roll == 276
    assert aldgate.percentage_fsm == Decimal("10.2")
    assert (aldgate.postcode, aldgate.easting, aldgate.northing) == ("EC3A 5DE", 533498, 181201)
    assert aldgate.headteacher_name == "Ann Example"
    assert aldgate.ofsted_rating == "Outstanding"
    assert aldgate.is_open
    academy = School.objects.get(urn=100001)
    assert academy.school_type == SchoolType.ACADEMY
    assert academy.percentage_fsm == Decimal("24.9")  # the register keeps one decimal place
    middle = School.objects.get(urn=100004)
    assert middle.phase == Phase.MIDDLE_DEEMED_PRIMARY
    assert middle.number_on_roll is None
    assert LocalAuthority.objects.get(code="855").name == "Leicestershire"
    assert not School.objects.filter(urn__in=[100002, 100003]).exists()


def test_all_through_schools_are_kept_only_when_chosen(gias_file):
    run(gias_file, all_through=True)

    assert School.objects.get(urn=100003).phase == Phase.ALL_THROUGH
    assert not School.objects.filter(urn=100002).exists()


def test_importing_the_same_file_twice_changes_nothing(gias_file):
    run(gias_file)
    history = School.history.count()

    again = run(gias_file)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert School.history.count() == history


def test_a_changed_school_is_updated_and_an_empty_figure_keeps_the_old_one(tmp_path, gias_file):
    run(gias_file)
    changed = write(
        tmp_path / "changed.csv",
        gias_text([gias_row(EstablishmentName="The New Aldgate School", NumberOfPupils="")]),
    )

    record = run(changed)

    assert record.updated == 1
    assert record.changes[0]["changes"] == {
        "name": ["The Aldgate School", "The New Aldgate School"]
    }
    school = School.objects.get(urn=100000)
    assert school.name == "The New Aldgate School"
    assert school.number_on_roll == 276


def test_a_closed_school_is_kept_and_marked_closed(tmp_path, gias_file):
    run(gias_file)
    closed = write(
        tmp_path / "closed.csv",
        gias_text(
            [
                gias_row(**{"EstablishmentStatus (name)": "Closed", "CloseDate": "31-08-2021"}),
                gias_row(URN="100099", **{"EstablishmentStatus (name)": "Closed"}),
            ]
        ),
    )

    record = run(closed)

    school = School.objects.get(urn=100000)
    assert not school.is_open
    assert school.closed_on.isoformat() == "2021-08-31"
    assert (record.updated, record.skipped) == (1, 1)
    assert not School.objects.filter(urn=100099).exists()


def test_a_dry_run_says_what_would_change_and_saves_nothing(gias_file):
    record = run(gias_file, dry_run=True)

    assert record.status == ImportStatus.CHECKED
    assert record.is_dry_run
    assert record.created == 3
    assert [change["key"] for change in record.changes] == [
        "URN 100000",
        "URN 100001",
        "URN 100004",
    ]
    assert record.changes[0]["changes"]["name"] == ["", "The Aldgate School"]
    assert not School.objects.exists()
    assert not LocalAuthority.objects.exists()


def test_columns_are_read_by_name_not_position(tmp_path):
    header = list(reversed(GIAS_HEADER))
    path = write(tmp_path / "reordered.csv", gias_text([gias_row()], header=header))

    run(path)

    assert School.objects.get(urn=100000).name == "The Aldgate School"


def test_a_windows_1252_file_is_read_and_its_encoding_recorded(tmp_path):
    path = write(
        tmp_path / "old.csv",
        gias_text([gias_row(EstablishmentName="St Mary\u2019s Church of England Primary School")]),
        encoding="cp1252",
    )

    record = run(path)

    assert record.encoding == "Windows-1252"
    assert School.objects.get().name == "St Mary\u2019s Church of England Primary School"


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path):
    path = write(
        tmp_path / "new.csv",
        gias_text([gias_row(EstablishmentName="Ysgol Gymraeg Âber")]),
        encoding="utf-8-sig",
    )

    record = run(path)

    assert record.encoding == "UTF-8 (BOM)"
    assert School.objects.get().name == "Ysgol Gymraeg Âber"


def test_the_command_imports_and_reports(gias_file, capsys):
    call_command("import_gias", str(gias_file))

    out = capsys.readouterr().out
    assert "3 created" in out
    assert School.objects.count() == 3
    assert ImportRecord.objects.get().user is None


def test_the_command_dry_run_saves_nothing(gias_file, capsys):
    call_command("import_gias", str(gias_file), "--dry-run", "--all-through")

    assert "4 created" in capsys.readouterr().out
    assert not School.objects.exists()


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_gias", str(tmp_path / "nothing.csv"))


def _peak_of_dry_run(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(gias_text([]))
        line = gias_text([gias_row()]).split("\n", 1)[1]
        for urn in range(200000, 200000 + rows):
            handle.write(line.replace('"100000"', f'"{urn}"', 1))
    tracemalloc.start()
    try:
        record = run(path, dry_run=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert record.created == rows
    return peak


def test_a_large_file_imports_with_memory_that_does_not_grow_with_it(tmp_path):
    """A 20,000-row file (about 11 MB) peaks at about the memory of a 5,000-row one: rows
    stream in batches of BATCH_SIZE, each row keeping only the 17 columns the import reads;
    only the URNs seen (to catch duplicates, 12 bytes a row) are kept. The peak is about 3 MB
    for 5,000, 20,000 and 50,000 rows."""
    small = _peak_of_dry_run(tmp_path / "small.csv", 5000)
    big_path = tmp_path / "big.csv"
    big = _peak_of_dry_run(big_path, 20000)

    assert BATCH_SIZE < 5000
    assert big < small * 1.4
    assert big < big_path.stat().st_size * 0.8


def test_changed_rolls_are_announced_for_the_funding_receiver_and_each_change_has_history(
    tmp_path, gias_file
):
    """Changes are saved in bulk; the schools whose roll changed are announced together with
    rolls_changed (the funding app recomputes their grants), not one post_save a school; every
    changed school gets one history row."""
    run(gias_file)
    changed = write(
        tmp_path / "changed.csv",
        gias_text(
            [
                gias_row(NumberOfPupils="280", PercentageFSM="11.0"),
                gias_row(
                    URN="100001",
                    EstablishmentNumber="2001",
                    EstablishmentName="Hillside Primary Academy",
                    **{"TypeOfEstablishment (name)": "Academy converter", "PercentageFSM": "24.88"},
                ),
            ]
        ),
    )
    announced, saved = [], []

    def on_rolls(sender, schools, **kwargs):
        announced.append([(school.urn, school.number_on_roll) for school in schools])

    def on_save(sender, instance, **kwargs):
        saved.append(instance.urn)

    rolls_changed.connect(on_rolls, sender=School, dispatch_uid="test_gias_rolls")
    post_save.connect(on_save, sender=School, dispatch_uid="test_gias_saves")
    try:
        record = run(changed)
    finally:
        rolls_changed.disconnect(sender=School, dispatch_uid="test_gias_rolls")
        post_save.disconnect(sender=School, dispatch_uid="test_gias_saves")

    assert record.updated == 2
    assert announced == [[(100000, 280)]]
    assert saved == []
    aldgate = School.objects.get(urn=100000)
    assert (aldgate.number_on_roll, aldgate.percentage_fsm) == (280, Decimal("11.0"))
    assert aldgate.name == "The Aldgate School"  # a field that did not change is left alone
    assert School.objects.get(urn=100001).name == "Hillside Primary Academy"
    for urn, name in ((100000, "The Aldgate School"), (100001, "Hillside Primary Academy")):
        history = list(School.history.filter(urn=urn).order_by("history_id"))
        assert [entry.history_type for entry in history] == ["+", "~"]
        assert history[-1].name == name
    assert School.history.get(urn=100000, history_type="~").number_on_roll == 280


def _import_and_rename(tmp_path, first_urn: int, count: int) -> int:
    """Import `count` schools, then a file renaming them all; the queries of the second."""
    urns = range(first_urn, first_urn + count)
    run(write(tmp_path / f"new{count}.csv", gias_text([gias_row(URN=str(u)) for u in urns])))
    renamed = gias_text([gias_row(URN=str(u), EstablishmentName=f"School {u}") for u in urns])
    with CaptureQueriesContext(connection) as queries:
        record = run(write(tmp_path / f"renamed{count}.csv", renamed))
    assert record.updated == count
    return len(queries)


def test_saving_changed_schools_runs_the_same_queries_however_many_changed(tmp_path):
    """Changed schools are saved a batch at a time: the queries do not grow with the schools
    (within a batch)."""
    assert _import_and_rename(tmp_path, 300000, 3) == _import_and_rename(tmp_path, 400000, 40)
