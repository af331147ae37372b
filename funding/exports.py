"""CSV and XLSX files of the finance figures (issue 5, item 4), safe to open in a spreadsheet.

The writing itself (formula neutralising, numbers as numbers, dates as dates) is the one every
list uses, in `accounts.exports`. What is the finance officer's own is here: money is written
from Decimal with two places (CSV: its digits; XLSX: a number cell with the `#,##0.00` format),
and the totals row may be in bold."""

from decimal import Decimal

from django.http import HttpResponse

from accounts.exports import (
    CSV_TYPE,
    DATE_FORMAT,
    FORMULA_STARTS,
    XLSX_TYPE,
    csv_cell,
    safe_text,
)
from accounts.exports import csv_response as _csv_response
from accounts.exports import xlsx_bytes as _xlsx_bytes
from accounts.exports import xlsx_response as _xlsx_response

__all__ = [
    "CSV_TYPE",
    "DATE_FORMAT",
    "FORMULA_STARTS",
    "MONEY_FORMAT",
    "XLSX_TYPE",
    "csv_cell",
    "csv_response",
    "safe_text",
    "xlsx_bytes",
    "xlsx_response",
]

MONEY_FORMAT = "#,##0.00"
PENNY = Decimal("0.01")


def _money_rows(rows):
    # Money is exact in the file: openpyxl writes a Decimal's digits as they are.
    for row in rows:
        yield [value.quantize(PENNY) if isinstance(value, Decimal) else value for value in row]


def csv_response(filename: str, header, rows, *, bom: bool = False) -> HttpResponse:
    """A CSV download of the finance figures. The funding statement is written as
    `manage.py funding_statement` writes it, without a byte order mark; the payment list
    asks for one (`bom=True`), as every other list's export has."""
    return _csv_response(filename, header, rows, bom=bom)


def xlsx_bytes(title: str, header, rows, *, money_columns=(), bold_last_row=False) -> bytes:
    """An XLSX workbook of one sheet: the header in bold, then `rows`. The cells of
    `money_columns` (names from `header`) that hold a Decimal are numbers with two places."""
    return _xlsx_bytes(
        title,
        header,
        _money_rows(rows),
        number_formats=dict.fromkeys(money_columns, MONEY_FORMAT),
        bold_last_row=bold_last_row,
    )


def xlsx_response(
    filename: str, title: str, header, rows, *, money_columns=(), bold_last_row=False
) -> HttpResponse:
    return _xlsx_response(
        filename,
        title,
        header,
        _money_rows(rows),
        number_formats=dict.fromkeys(money_columns, MONEY_FORMAT),
        bold_last_row=bold_last_row,
    )
