"""CSV and XLSX files of the finance figures (issue 5, item 4), safe to open in a spreadsheet.

A text cell that starts with =, +, -, @ (or a tab or carriage return) would be read by Excel as
a formula, so a school named "=HYPERLINK(...)" could run one on the finance officer's computer:
such text is written with a single quote before it. Numbers stay numbers: money is written
from Decimal with two places (CSV) or as a number cell with the `#,##0.00` format (XLSX)."""

import csv
import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(value: str) -> str:
    """`value` with a single quote before it when a spreadsheet would read it as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_cell(value) -> str:
    """One CSV cell: Decimal with its places (never a float), dates ISO, text made safe."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return safe_text(str(value))


def csv_response(filename: str, header, rows) -> HttpResponse:
    """A CSV download of `header` and `rows`."""
    response = HttpResponse(content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response


def xlsx_bytes(title: str, header, rows, *, money_columns=(), bold_last_row=False) -> bytes:
    """An XLSX workbook of one sheet: the header in bold, then `rows`. The cells of
    `money_columns` (names from `header`) that hold a Decimal are numbers with two places."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([safe_text(str(name)) for name in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    money_indexes = {list(header).index(name) for name in money_columns}
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
        for index, cell in enumerate(sheet[sheet.max_row]):
            if isinstance(row[index], Decimal):
                cell.number_format = MONEY_FORMAT if index in money_indexes else "0.0#"
            elif isinstance(row[index], datetime.date):
                cell.number_format = DATE_FORMAT
    if bold_last_row and rows:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 50)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        # Money is exact in the file: openpyxl writes a Decimal's digits as they are.
        return value.quantize(Decimal("0.01"))
    if isinstance(value, (int, datetime.date)):
        return value
    return safe_text(str(value))


def xlsx_response(filename: str, title: str, header, rows, **options) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title, header, rows, **options), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
