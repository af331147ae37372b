"""Bad input (issue 7, item 3): every bad row reported with its line, column and reason; a file
with errors saves nothing unless the good rows are chosen; a wrong file gets a clear message."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from schools.imports.base import SeenKeys
from schools.imports.reading import FileProblem, inspect_file
from schools.imports.services import import_from_command
from schools.models import ImportStatus, School

from .data import KS2_SAMPLE, gias_row, gias_text, write

pytestmark = pytest.mark.django_db


def run(path, *, dry_run=False, import_good_rows=False):
    return import_from_command(
        kind="GIAS", path=path, options={}, dry_run=dry_run, import_good_rows=import_good_rows
    )


BAD_ROWS = [
    (gias_row(URN="abc"), "URN", "'abc' is not a whole number"),
    (
        gias_row(URN="100010", **{"LA (code)": "20"}),
        "LA (code)",
        "'20' is not a three-digit LA code",
    ),
    (
        gias_row(URN="100011", EstablishmentNumber="36A4"),
        "EstablishmentNumber",
        "'36A4' is not four digits",
    ),
    (gias_row(URN="100012", EstablishmentName=""), "EstablishmentName", "is empty"),
    (gias_row(URN="100013", NumberOfPupils="-3"), "NumberOfPupils", "-3 is less than 0"),
    (gias_row(URN="100014", PercentageFSM="140"), "PercentageFSM", "140 is outside 0 to 100"),
    (gias_row(URN="100015", PercentageFSM="lots"), "PercentageFSM", "'lots' is not a number"),
    (gias_row(URN="100016", Postcode="EC3A 5DE XYZ"), "Postcode", "is longer than 8 characters"),
    (
        gias_row(
            URN="100017", **{"EstablishmentStatus (name)": "Closed", "CloseDate": "2021-08-31"}
        ),
        "CloseDate",
        "'2021-08-31' is not a date like 31-08-2021",
    ),
    (
        gias_row(URN="100018", **{"EstablishmentStatus (name)": "Mothballed"}),
        "EstablishmentStatus (name)",
        "'Mothballed' is not a known status",
    ),
    (gias_row(URN="100000"), "URN", "100000 appears again (first on line 2)"),
]


@pytest.fixture
def file_with_bad_rows(tmp_path):
    rows = [gias_row(), *(row for row, _, _ in BAD_ROWS), gias_row(URN="100020")]
    return write(tmp_path / "bad.csv", gias_text(rows))


def test_every_bad_row_is_reported_with_its_line_column_and_reason(file_with_bad_rows):
    record = run(file_with_bad_rows, dry_run=True)

    expected = [
        {"line": line, "column": column, "reason": reason}
        for line, (_, column, reason) in enumerate(BAD_ROWS, start=3)
    ]
    assert record.errors == expected
    assert record.error_count == len(BAD_ROWS)
    assert record.created == 2


def test_a_file_with_errors_saves_nothing(file_with_bad_rows):
    record = run(file_with_bad_rows)

    assert record.status == ImportStatus.REFUSED
    assert "nothing was saved" in record.message
    assert not School.objects.exists()


def test_the_good_rows_are_imported_when_chosen(file_with_bad_rows):
    record = run(file_with_bad_rows, import_good_rows=True)

    assert record.status == ImportStatus.DONE
    assert record.created == 2
    assert record.error_count == len(BAD_ROWS)
    assert set(School.objects.values_list("urn", flat=True)) == {100000, 100020}


def test_the_command_refuses_a_file_with_errors_and_lists_them(file_with_bad_rows, capsys):
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_gias", str(file_with_bad_rows))

    assert "Line 3, URN: 'abc' is not a whole number" in capsys.readouterr().err
    assert not School.objects.exists()


def test_a_row_with_too_few_fields_is_an_error(tmp_path):
    text = gias_text([gias_row(), gias_row(URN="100001")])
    lines = text.split("\r\n")
    lines[2] = ",".join(lines[2].split(",")[:20])  # the last row cut short
    path = write(tmp_path / "short.csv", "\r\n".join(lines))

    record = run(path, dry_run=True)

    assert record.errors == [
        {
            "line": 3,
            "column": "",
            "reason": "the row has 20 fields, the header 139 (a truncated row?)",
        }
    ]
    assert record.created == 1


def test_a_row_with_too_many_fields_is_an_error(tmp_path):
    text = gias_text([gias_row()])
    path = write(tmp_path / "long.csv", text + text.split("\r\n")[1] + ',"extra"\r\n')

    record = run(path, dry_run=True)

    assert record.errors == [
        {"line": 3, "column": "", "reason": "the row has 140 fields, the header 139"}
    ]


def test_blank_lines_are_skipped_and_later_lines_keep_their_numbers(tmp_path):
    text = gias_text([gias_row(), gias_row(URN="100001", NumberOfPupils="many")])
    lines = text.split("\r\n")
    path = write(tmp_path / "blank.csv", "\r\n".join([*lines[:2], "", *lines[2:]]))

    record = run(path, dry_run=True)

    assert record.errors == [
        {"line": 4, "column": "NumberOfPupils", "reason": "'many' is not a whole number"}
    ]
    assert record.created == 1


def test_seen_keys_give_the_first_line_of_a_key_met_again():
    seen = SeenKeys()
    keys = (100000, 2**40, (100000, 100001, "Successor"), 7)
    for line, key in enumerate(keys, start=2):
        assert seen.first_line(key) is None
        seen.add(key, line)

    assert [seen.first_line(key) for key in keys] == [2, 3, 4, 5]
    assert seen.first_line(100001) is None
    assert seen.first_line(8) is None


def test_an_unterminated_quote_fails_with_a_clear_message(tmp_path):
    text = gias_text([gias_row()])
    path = write(tmp_path / "truncated.csv", text + '"100001","201","City of Lon')

    record = run(path)

    assert record.status == ImportStatus.FAILED
    assert record.message.startswith("Line 3: the file is not valid CSV")
    assert "truncated" in record.message
    assert not School.objects.exists()


def test_another_csv_is_refused_naming_the_missing_columns(tmp_path):
    record = run(KS2_SAMPLE)

    assert record.status == ImportStatus.FAILED
    assert record.message.startswith("This does not look like a GIAS establishment file")
    assert "'LA (code)'" in record.message


def test_an_excel_file_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    path = tmp_path / "schools.xlsx"
    path.write_bytes(buffer.getvalue())

    record = run(path)

    assert record.status == ImportStatus.FAILED
    assert "Excel" in record.message


def test_a_file_in_neither_utf8_nor_windows_1252_is_refused(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(gias_text([gias_row()]).encode("ascii") + b'"\x81\x8d"\r\n')

    with pytest.raises(FileProblem, match="neither UTF-8 nor Windows-1252"):
        inspect_file(path)


def test_a_utf16_file_is_refused(tmp_path):
    path = write(tmp_path / "utf16.csv", gias_text([gias_row()]), encoding="utf-16")

    record = run(path)

    assert record.status == ImportStatus.FAILED
    assert "UTF-16" in record.message


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(CommandError, match="The file is empty"):
        call_command("import_gias", str(path))


def test_an_unexpected_error_while_saving_saves_nothing_and_is_recorded(tmp_path, monkeypatch):
    from schools.imports.gias import GiasImporter

    path = write(tmp_path / "ok.csv", gias_text([gias_row(), gias_row(URN="100001")]))
    real_apply = GiasImporter.apply

    def apply_then_fail(self, batch, *, write):
        outcomes = real_apply(self, batch, write=write)
        if write:
            raise RuntimeError("disk full")
        return outcomes

    monkeypatch.setattr(GiasImporter, "apply", apply_then_fail)

    record = run(path)

    assert record.status == ImportStatus.FAILED
    assert "unexpected error and saved nothing" in record.message
    assert not School.objects.exists()
