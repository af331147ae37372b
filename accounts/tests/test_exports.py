"""The writer every list export uses (issue 7, item 4): text a spreadsheet would run as a
formula is neutralised in both formats, numbers and dates keep their type, the CSV opens in
Excel as UTF-8 and the file is named with the application's date."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.exports import (
    BOM,
    CSV_TYPE,
    DATE_FORMAT,
    XLSX_TYPE,
    Column,
    csv_cell,
    export_filename,
    export_response,
    safe_text,
    xlsx_bytes,
    xlsx_cell,
)
from accounts.tests.exports import EVIL, csv_rows, xlsx_rows


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+44 1234", "'+44 1234"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Millfield", "Millfield"),
        ("St Mary's C of E = best", "St Mary's C of E = best"),
    ],
)
def test_text_a_spreadsheet_would_run_gets_a_quote_before_it(value, expected):
    assert safe_text(value) == expected
    assert csv_cell(value) == expected
    assert xlsx_cell(value) == expected


def test_csv_cells_keep_numbers_dates_and_decimal_places():
    assert csv_cell(Decimal("-12.50")) == "-12.50"
    assert csv_cell(-3) == "-3"
    assert csv_cell(None) == ""
    assert csv_cell(datetime.date(2004, 11, 26)) == "2004-11-26"
    assert csv_cell(True) == "Yes"
    assert csv_cell(False) == "No"


def test_a_timestamp_is_written_in_local_time_without_a_zone(settings):
    settings.TIME_ZONE = "Europe/London"
    moment = datetime.datetime(2004, 7, 1, 9, 30, tzinfo=datetime.UTC)
    assert csv_cell(moment) == "2004-07-01 10:30"
    assert xlsx_cell(moment).timetuple()[:5] == (2004, 7, 1, 10, 30)
    assert timezone.is_naive(xlsx_cell(moment))


def test_the_file_is_named_with_the_applications_today(settings):
    settings.PLP_TODAY = datetime.date(2004, 11, 26)
    assert export_filename("schools", "csv") == "schools-2004-11-26.csv"


COLUMNS = (
    Column("Name", lambda row: row["name"]),
    Column("Pupils", lambda row: row["pupils"]),
    Column("FSM", lambda row: row["fsm"]),
    Column("Joined", lambda row: row["joined"]),
)
ROWS = [
    {"name": EVIL, "pupils": 121, "fsm": Decimal("23.5"), "joined": datetime.date(2004, 9, 6)},
    {"name": "Brook Infant", "pupils": None, "fsm": None, "joined": None},
]


def test_a_csv_export_has_a_bom_a_dated_name_and_neutralised_text(settings):
    settings.PLP_TODAY = datetime.date(2004, 11, 26)
    response = export_response(
        "csv", stem="schools", title="Schools", columns=COLUMNS, objects=ROWS
    )
    assert response["Content-Type"] == CSV_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="schools-2004-11-26.csv"'
    assert response.content.startswith(BOM.encode())
    assert csv_rows(response) == [
        ["Name", "Pupils", "FSM", "Joined"],
        [f"'{EVIL}", "121", "23.5", "2004-09-06"],
        ["Brook Infant", "", "", ""],
    ]


def test_an_xlsx_export_has_a_bold_header_typed_cells_and_text_formulas(settings):
    settings.PLP_TODAY = datetime.date(2004, 11, 26)
    response = export_response(
        "xlsx", stem="schools", title="Schools", columns=COLUMNS, objects=ROWS
    )
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="schools-2004-11-26.xlsx"'
    rows = xlsx_rows(response)
    assert rows[0] == ["Name", "Pupils", "FSM", "Joined"]
    assert rows[1][0] == f"'{EVIL}"
    assert rows[1][1] == 121
    assert Decimal(str(rows[1][2])) == Decimal("23.5")
    assert rows[1][3].date() == datetime.date(2004, 9, 6)
    assert rows[2] == ["Brook Infant", None, None, None]
    sheet = load_workbook(io.BytesIO(response.content)).active
    name, pupils, fsm, joined = sheet[2]
    assert name.data_type == "s"  # text, never a formula ("f")
    assert pupils.data_type == "n"
    assert fsm.data_type == "n"
    assert joined.is_date
    assert joined.number_format == DATE_FORMAT


def test_an_xlsx_column_may_have_its_own_number_format():
    content = xlsx_bytes(
        "Money",
        ["school", "amount"],
        [["Ashby", Decimal("10.00")], ["TOTAL", Decimal("10.00")]],
        number_formats={"amount": "#,##0.00"},
        bold_last_row=True,
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["B2"].number_format == "#,##0.00"
    assert sheet["A3"].font.bold
    assert not sheet["A2"].font.bold


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="Unknown export format"):
        export_response("pdf", stem="x", title="x", columns=COLUMNS, objects=ROWS)
