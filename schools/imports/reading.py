"""Reading a CSV file row by row, by header name, with clear messages for a wrong file.

The whole England GIAS file is about 50,000 rows; everything here streams: the encoding check
decodes the file in chunks, and rows come one at a time from `csv.reader` over a text wrapper,
so memory does not grow with the file.
"""

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 64 * 1024

#: The first bytes of files that are not CSV, with what to tell the user.
_SIGNATURES = (
    (
        b"PK\x03\x04",
        "This is an Excel (.xlsx) or zip file, not a CSV file. Save it as CSV and try again.",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "This is an old Excel (.xls) file, not a CSV file. Save it as CSV and try again.",
    ),
    (b"%PDF", "This is a PDF file, not a CSV file."),
)


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message says why in plain English."""


@dataclass(frozen=True)
class FileInfo:
    encoding: str  # "utf-8-sig" or "cp1252"
    encoding_label: str  # what the import record shows
    line_count: int  # lines in the file, header included (for progress)


#: The first bytes of files that are programs or web pages, never CSV.
_NOT_CSV = (
    (b"MZ", "This is a program (.exe), not a CSV file."),
    (b"\x7fELF", "This is a program, not a CSV file."),
    (b"\x1f\x8b", "This is a compressed (.gz) file, not a CSV file. Unpack it first."),
)
_MARKUP = (b"<!doctype", b"<html", b"<?xml", b"<?php", b"<script", b"<svg", b"<body", b"<head")


def head_problem(head: bytes) -> str | None:
    """Why a file starting with `head` (its first few kilobytes) cannot be a CSV file, or None:
    spreadsheets, PDFs, programs, compressed files, web pages and binary data are told apart
    by their first bytes, so that the upload form can refuse them before anything is saved."""
    for signature, message in (*_SIGNATURES, *_NOT_CSV):
        if head.startswith(signature):
            return message
    if head.removeprefix(codecs.BOM_UTF8).lstrip().lower().startswith(_MARKUP):
        return "This is a web page or other markup, not a CSV file."
    if b"\x00" in head:
        return (
            "The file contains binary data (or is UTF-16 text); save it as CSV, "
            "UTF-8 or Windows-1252."
        )
    return None


def inspect_file(path: Path) -> FileInfo:
    """Say how to read `path`: UTF-8 (with or without a byte-order mark) if every byte decodes
    as UTF-8, else Windows-1252 (older GIAS files). Refuses Excel, PDF and other binary files,
    and bytes that are neither encoding."""
    with open(path, "rb") as handle:
        head = handle.read(8)
        if not head:
            raise FileProblem("The file is empty.")
        for signature, message in _SIGNATURES:
            if head.startswith(signature):
                raise FileProblem(message)
        handle.seek(0)
        has_bom = head.startswith(codecs.BOM_UTF8)
        utf8 = codecs.getincrementaldecoder("utf-8")()
        cp1252 = codecs.getincrementaldecoder("cp1252")()
        is_utf8 = is_cp1252 = True
        lines = 0
        while chunk := handle.read(CHUNK):
            if b"\x00" in chunk:
                raise FileProblem(
                    "The file contains binary data (or is UTF-16 text); save it as CSV, "
                    "UTF-8 or Windows-1252."
                )
            lines += chunk.count(b"\n")
            last = chunk
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            if not is_utf8 and is_cp1252:
                try:
                    cp1252.decode(chunk)
                except UnicodeDecodeError:
                    is_cp1252 = False
        if is_utf8:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                is_utf8 = False
        if not last.endswith(b"\n"):
            lines += 1
    if is_utf8:
        label = "UTF-8 (BOM)" if has_bom else "UTF-8"
        return FileInfo("utf-8-sig", label, lines)
    if is_cp1252:
        return FileInfo("cp1252", "Windows-1252", lines)
    raise FileProblem(
        "The file's characters are neither UTF-8 nor Windows-1252. Save it as CSV (UTF-8)."
    )


@dataclass(frozen=True)
class Row:
    line: int  # the line of the file the row ends on (the header is line 1)
    values: dict[str, str]


class RowShapeError(Exception):
    """A row with more or fewer fields than the header (a truncated or damaged row)."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


def read_rows(
    path: Path,
    info: FileInfo,
    *,
    required: tuple[str, ...],
    file_label: str,
    columns: tuple[str, ...] | None = None,
) -> Iterator[Row | RowShapeError]:
    """Yield each data row of `path` by column name, or a `RowShapeError` for a row whose
    number of fields differs from the header. Raises `FileProblem` if a `required` column is
    missing (another kind of file) or the CSV itself is broken (an unterminated quote).

    With `columns`, a row's values hold only those of its columns the file has (a GIAS row has
    139 fields and the import reads 17 of them): building a small dict a row rather than a
    full one is most of the reading's cost. Blank lines are skipped, as `csv.DictReader`
    skips them."""
    with open(path, encoding=info.encoding, newline="") as text:
        reader = csv.reader(text, strict=True)
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise FileProblem(f"The header line cannot be read as CSV: {error}.") from None
        if not header:
            raise FileProblem("The file is empty.")
        header = [name.strip() for name in header]
        missing = [name for name in required if name not in header]
        if missing:
            raise FileProblem(
                f"This does not look like a {file_label} file: it has no "
                f"{', '.join(repr(name) for name in missing)} column"
                f"{'s' if len(missing) > 1 else ''}."
            )
        width = len(header)
        # name -> position; a name given twice is read from its last column, as DictReader does.
        positions = {name: index for index, name in enumerate(header)}
        if columns is not None:
            picked = [(name, positions[name]) for name in columns if name in positions]
        while True:
            start = reader.line_num + 1  # the line the next row starts on
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise FileProblem(
                    f"Line {start}: the file is not valid CSV ({error}); it may be "
                    "truncated or have an unterminated quote. Nothing was imported."
                ) from None
            count = len(fields)
            if count == width:
                if columns is None:
                    values = dict(zip(header, fields, strict=True))
                else:
                    values = {name: fields[index] for name, index in picked}
                yield Row(reader.line_num, values)
            elif not fields:
                continue  # a blank line
            elif count > width:
                yield RowShapeError(
                    reader.line_num, f"the row has {count} fields, the header {width}"
                )
            else:
                yield RowShapeError(
                    reader.line_num,
                    f"the row has {count} fields, the header {width} (a truncated row?)",
                )
