"""The KS2 performance-table import (issue 7, item 2): by URN, for one year; suppressed or
missing figures stored as missing, never 0; LA and England rows skipped; schools not in the
register skipped and listed."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from schools.factories import SchoolFactory
from schools.imports.services import import_from_command
from schools.models import ImportStatus, KeyStage2Progress

from .data import KS2_SAMPLE, write

pytestmark = pytest.mark.django_db

HEADER = (
    "RECTYPE,LEA,URN,SCHNAME,READPROG,READPROG_DESCR,WRITPROG,WRITPROG_DESCR,"
    "MATPROG,MATPROG_DESCR,PTRWM_EXP\n"
)


def run(path, *, year=2019, dry_run=False, import_good_rows=False):
    return import_from_command(
        kind="KS2",
        path=path,
        options={"year": year},
        dry_run=dry_run,
        import_good_rows=import_good_rows,
    )


def test_the_sample_file_imports_progress_scores_and_bands():
    bringhurst = SchoolFactory(urn=141279)
    buckminster = SchoolFactory(urn=119910)
    suppressed = SchoolFactory(urn=120149)  # SUPP in every measure (line 145)
    empty = SchoolFactory(urn=142410)  # empty in every measure (line 12)

    record = run(KS2_SAMPLE)

    assert record.status == ImportStatus.DONE
    assert (record.rows, record.created, record.error_count) == (300, 4, 0)
    assert record.skipped == 296  # schools not in the register
    assert record.changes[2] == {
        "line": 4,
        "key": "URN 139342",
        "action": "skipped",
        "changes": {},
        "reason": "not in the register",
    }
    progress = KeyStage2Progress.objects.get(school=bringhurst, year=2019)
    assert progress.reading_progress == Decimal("2.6")
    assert progress.reading_band == 2
    assert progress.writing_progress == Decimal("2.3")
    assert progress.maths_progress == Decimal("2")
    assert progress.percentage_expected_rwm is None  # PTRWM_EXP is not in the cut-down file
    assert KeyStage2Progress.objects.get(school=buckminster).maths_progress == Decimal("-1")
    for school in (suppressed, empty):
        missing = KeyStage2Progress.objects.get(school=school)
        assert missing.reading_progress is None
        assert missing.writing_progress is None
        assert missing.maths_progress is None
        assert missing.reading_band is None


def test_importing_the_sample_twice_changes_nothing():
    SchoolFactory(urn=141279)
    run(KS2_SAMPLE)

    again = run(KS2_SAMPLE)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_every_suppression_code_is_stored_as_missing_never_zero(tmp_path):
    codes = ["SUPP", "NE", "NA", "NP", "LOWCOV", "x", "c", ""]
    lines = [HEADER]
    for n, code in enumerate(codes):
        SchoolFactory(urn=200000 + n)
        lines.append(
            f"1,855,{200000 + n},School {n},{code},{code},{code},{code},{code},{code},{code}\n"
        )
    path = write(tmp_path / "ks2.csv", "".join(lines))

    record = run(path)

    assert (record.created, record.error_count) == (len(codes), 0)
    assert not KeyStage2Progress.objects.exclude(
        reading_progress=None,
        writing_progress=None,
        maths_progress=None,
        percentage_expected_rwm=None,
        reading_band=None,
    ).exists()


def test_the_raw_file_figures_and_words_are_read(tmp_path):
    school = SchoolFactory(urn=200100)
    path = write(
        tmp_path / "ks2.csv",
        HEADER
        + "1,855,200100,Hill,-1.5,Below average,0.25,Average,3,Well above average,65%\n"
        + "4,855,,LA total,0.1,,0.2,,0.3,,64%\n"
        + "5,,,England,0,,0,,0,,65%\n",
    )

    record = run(path, year=2023)

    assert (record.created, record.skipped) == (1, 2)
    progress = KeyStage2Progress.objects.get(school=school, year=2023)
    assert (progress.reading_progress, progress.reading_band) == (Decimal("-1.5"), 4)
    assert (progress.writing_progress, progress.writing_band) == (Decimal("0.25"), 3)
    assert progress.maths_band == 1
    assert progress.percentage_expected_rwm == Decimal("65")


def test_a_later_file_replaces_a_figure_with_a_suppressed_one(tmp_path):
    school = SchoolFactory(urn=200200)
    run(write(tmp_path / "a.csv", HEADER + "1,855,200200,Hill,1.5,2,1,3,1,3,70%\n"))

    record = run(write(tmp_path / "b.csv", HEADER + "1,855,200200,Hill,SUPP,SUPP,1,3,1,3,70%\n"))

    assert record.updated == 1
    assert record.changes[0]["changes"]["reading_progress"] == ["1.50", ""]
    assert KeyStage2Progress.objects.get(school=school).reading_progress is None


def test_bad_values_are_reported_by_line_and_column(tmp_path):
    SchoolFactory(urn=200300)
    path = write(
        tmp_path / "ks2.csv",
        HEADER
        + "1,855,200300,Hill,lots,2,1,3,1,3,70%\n"
        + "1,855,200301,Vale,1,9,1,3,1,3,70%\n"
        + "1,855,200302,Dale,1,2,1,3,1,3,170%\n",
    )

    record = run(path)

    assert record.status == ImportStatus.REFUSED
    assert record.errors == [
        {"line": 2, "column": "READPROG", "reason": "'lots' is not a number"},
        {"line": 3, "column": "READPROG_DESCR", "reason": "'9' is not a band 1 to 5"},
        {"line": 4, "column": "PTRWM_EXP", "reason": "170 is outside 0 to 100"},
    ]
    assert not KeyStage2Progress.objects.exists()


def test_the_command_needs_the_year(capsys):
    SchoolFactory(urn=141279)
    with pytest.raises(CommandError):
        call_command("import_ks2", str(KS2_SAMPLE))

    call_command("import_ks2", str(KS2_SAMPLE), "--year", "2019")

    assert "1 created" in capsys.readouterr().out
    assert KeyStage2Progress.objects.get().year == 2019
