"""CSV and XLSX downloads of the lists, safe to open in a spreadsheet (issue 7, item 4).

Every list page (schools, participations, allocations, visits, payments) offers its rows as a
file: the same rows as the page, with the page's filters, in the user's scope. The helpers live
here, in the foundation app, so that every app can use them (dependencies point one way).

A text cell that starts with =, +, -, @ (or a tab or a carriage return) would be read by a
spreadsheet as a formula, so a school named "=HYPERLINK(...)" could run one on the reader's
computer: such text is written with a single quote before it, and as a text cell in XLSX.
Numbers stay numbers and dates stay dates: a Decimal is written with its places (never through
a float), a date as a date cell. The CSV starts with a byte order mark so that Excel reads it as
UTF-8 (accented names stay whole).
"""

import csv
import datetime
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from . import clock

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DECIMAL_FORMAT = "0.0#"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
#: The file formats a list exports to.
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    """One column of an export: its header and how to read its value from a row's object."""

    header: str
    value: Any  # (object) -> the cell's value


def safe_text(value: str) -> str:
    """`value` with a single quote before it when a spreadsheet would read it as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _plain(value):
    """A value as a spreadsheet should hold it: yes/no for booleans, local time without a
    zone for timestamps (Excel has no time zones)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def csv_cell(value) -> str:
    """One CSV cell: Decimal with its places (never a float), dates ISO, text made safe."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return safe_text(str(value))


def xlsx_cell(value):
    """One XLSX cell's value: numbers and dates as they are, anything else as safe text."""
    value = _plain(value)
    if value is None or isinstance(value, (int, Decimal, datetime.date)):
        return value
    return safe_text(str(value))


def export_filename(stem: str, file_format: str) -> str:
    """`stem-YYYY-MM-DD.csv`, dated with the application's today, so that two downloads of a
    list on different days do not overwrite each other."""
    return f"{stem}-{clock.today():%Y-%m-%d}.{file_format}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header, rows, *, bom: bool = True) -> HttpResponse:
    """A CSV download of `header` and `rows` (UTF-8, with a byte order mark unless `bom` is
    False)."""
    response = HttpResponse(content_type=CSV_TYPE)
    if bom:
        response.write(BOM)
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return _attachment(response, filename)


def xlsx_bytes(
    title: str,
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    number_formats: Mapping[str, str] | None = None,
    bold_last_row: bool = False,
) -> bytes:
    """An XLSX workbook of one sheet: the header in bold, then `rows`. Dates are date cells;
    a Decimal is a number cell, formatted as `number_formats` says for its column (by header
    name) or with up to two places."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([safe_text(str(name)) for name in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    formats = {list(header).index(name): fmt for name, fmt in (number_formats or {}).items()}
    widths = [len(str(name)) for name in header]
    wrote_rows = False
    for row in rows:
        values = [xlsx_cell(value) for value in row]
        sheet.append(values)
        wrote_rows = True
        for index, cell in enumerate(sheet[sheet.max_row]):
            value = values[index]
            if isinstance(value, Decimal):
                cell.number_format = formats.get(index, DECIMAL_FORMAT)
            elif isinstance(value, datetime.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, datetime.date):
                cell.number_format = DATE_FORMAT
            widths[index] = max(widths[index], len(str(value if value is not None else "")))
    if bold_last_row and wrote_rows:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for index, column in enumerate(sheet.iter_cols(max_row=1)):
        sheet.column_dimensions[column[0].column_letter].width = min(max(widths[index] + 2, 8), 50)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, title: str, header, rows, **options) -> HttpResponse:
    """An XLSX download; `options` as `xlsx_bytes` takes them."""
    response = HttpResponse(xlsx_bytes(title, header, rows, **options), content_type=XLSX_TYPE)
    return _attachment(response, filename)


def export_response(
    file_format: str, *, stem: str, title: str, columns: Sequence[Column], objects: Iterable
) -> HttpResponse:
    """The download of `objects` (evaluated once, in the order given) as `columns`, in
    `file_format` ("csv" or "xlsx"), named `stem` and today's date."""
    if file_format not in FORMATS:
        raise ValueError(f"Unknown export format: {file_format}")
    header = [column.header for column in columns]
    rows = ([column.value(obj) for column in columns] for obj in objects)
    filename = export_filename(stem, file_format)
    if file_format == "xlsx":
        return xlsx_response(filename, title, header, rows)
    return csv_response(filename, header, rows)
