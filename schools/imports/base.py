"""Running an import: check every row, then save the good ones in one transaction, and record
what happened in an `ImportRecord`.

Two passes over the file, both streaming in batches:
1. the check: each row is parsed (a bad value is an error with its line, column and reason) and
   compared with the register, without writing; the record's progress moves as it goes;
2. the save, only for a real run, and only if the check found no error or the user chose to
   import the good rows: the same work with writes, in one transaction, so nothing is ever
   half-saved.
A dry run stops after the check: the record then says what would change.
"""

import logging
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import ImportRecord, ImportStatus
from .reading import FileInfo, FileProblem, Row, RowShapeError, inspect_file, read_rows

logger = logging.getLogger(__name__)

#: Rows a batch reads, looks up and saves together.
BATCH_SIZE = 500
#: How many rows' changes a record keeps to show (the dry run's preview).
MAX_CHANGES = 100
#: How many bad rows a record keeps (all are counted).
MAX_ERRORS = 1000
#: Above either limit an upload runs as a Celery job with a progress page.
LARGE_FILE_ROWS = 5000
LARGE_FILE_BYTES = 2 * 1024 * 1024

#: Cells the DfE and GIAS files use for a figure that is missing or suppressed (PROVENANCE.md).
MISSING_CODES = frozenset({"", "SUPP", "NE", "NA", "NP", "LOWCOV", "X", "C", "NULL", ":"})


class RowError(Exception):
    """A bad value in one row: the row is left out and reported."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


class Skip(Exception):
    """A row the import leaves out on purpose (another phase, a summary row...): counted as
    skipped, not an error."""

    def __init__(self, reason: str = "", *, show: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.show = show  # list it among the changes (e.g. a school not in the register)


@dataclass
class Outcome:
    """What a row did (or would do) to the register."""

    line: int
    key: str
    action: str  # "created", "updated", "unchanged" or "skipped"
    changes: dict[str, list[str]] = field(default_factory=dict)
    reason: str = ""


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    changes: list[dict] = field(default_factory=list)

    def add_error(self, line: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"line": line, "column": column, "reason": reason})

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.action, getattr(self, outcome.action) + 1)
        listed = outcome.action != "unchanged" and (outcome.action != "skipped" or outcome.reason)
        if listed and len(self.changes) < MAX_CHANGES:
            self.changes.append(
                {
                    "line": outcome.line,
                    "key": outcome.key,
                    "action": outcome.action,
                    "changes": outcome.changes,
                    "reason": outcome.reason,
                }
            )


def is_missing(value: str | None) -> bool:
    return value is None or value.strip().upper() in MISSING_CODES


def parse_int(row: Row, column: str, *, required: bool = False, minimum: int = 0) -> int | None:
    """A whole number, or None for an empty or suppressed cell."""
    value = row.values.get(column)
    if is_missing(value):
        if required:
            raise RowError(column, "is empty")
        return None
    try:
        number = int(value.strip())
    except ValueError:
        raise RowError(column, f"{value.strip()!r} is not a whole number") from None
    if number < minimum:
        raise RowError(column, f"{number} is less than {minimum}")
    return number


def parse_decimal(
    row: Row, column: str, *, low: Decimal | None = None, high: Decimal | None = None
) -> Decimal | None:
    """A decimal figure ("24.88%" gives Decimal("24.88")), or None for an empty or suppressed
    cell: never 0."""
    value = row.values.get(column)
    if is_missing(value):
        return None
    text = value.strip().removesuffix("%").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise RowError(column, f"{value.strip()!r} is not a number")
    if (low is not None and number < low) or (high is not None and number > high):
        raise RowError(column, f"{number} is outside {low} to {high}")
    return number


def shown(value) -> str:
    """A value as the change list shows it."""
    return "" if value is None else str(value)


class Importer:
    """One kind of file. Subclasses name the columns they need and say how a row becomes a
    change to the register.

    `parse(row)` returns the row's values (raising `RowError` or `Skip`); `apply(batch,
    write=...)` compares a batch of parsed rows with the register and, if `write`, saves
    them, returning one `Outcome` a row. `apply` must give the same outcomes with and without
    `write`, so that the check (and a dry run) says exactly what the save will do."""

    kind: str
    file_label: str
    required_columns: tuple[str, ...] = ()
    #: Every column `parse` reads, when it reads only some (None: a row keeps all its values).
    columns: tuple[str, ...] | None = None

    def __init__(self, record: ImportRecord):
        self.record = record
        self.options = record.options or {}

    def key_of(self, parsed) -> object:
        """The row's key within the file; a key seen twice is an error."""
        raise NotImplementedError

    def key_column(self) -> str:
        return self.required_columns[0]

    def parse(self, row: Row):
        raise NotImplementedError

    def apply(self, batch: list[tuple[Row, object]], *, write: bool) -> Iterable[Outcome]:
        raise NotImplementedError


def _batches(items: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class SeenKeys:
    """The keys a pass has met and the line of each, to report a key given twice: the only
    thing a pass keeps for every row.

    A whole-number key (a URN) costs 12 bytes: a bitmap says whether it was seen, and two
    arrays hold the keys and their lines in file order, searched only when a key comes again.
    A dict would cost about 100 bytes a row. Other keys (the links file's triples) go in a
    dict."""

    #: Whole-number keys below this use the bitmap (at most 2 MB; URNs have six digits).
    BITMAP_LIMIT = 2**24

    def __init__(self):
        self.bits = bytearray()
        self.keys = array("q")
        self.lines = array("q")
        self.other: dict[object, int] = {}

    def _in_bitmap(self, key) -> bool:
        return type(key) is int and 0 <= key < self.BITMAP_LIMIT

    def first_line(self, key) -> int | None:
        """The line `key` was first seen on, or None."""
        if not self._in_bitmap(key):
            return self.other.get(key)
        byte = key >> 3
        if byte < len(self.bits) and self.bits[byte] & (1 << (key & 7)):
            return self.lines[self.keys.index(key)]
        return None

    def add(self, key, line: int) -> None:
        if not self._in_bitmap(key):
            self.other[key] = line
            return
        byte = key >> 3
        if byte >= len(self.bits):
            self.bits.extend(bytes(byte + 1 - len(self.bits)))
        self.bits[byte] |= 1 << (key & 7)
        self.keys.append(key)
        self.lines.append(line)


def _pass(importer: Importer, path: Path, info: FileInfo, *, write: bool, on_batch=None) -> Counts:
    counts = Counts()
    seen = SeenKeys()
    rows = read_rows(
        path,
        info,
        required=importer.required_columns,
        file_label=importer.file_label,
        columns=importer.columns,
    )
    for batch in _batches(rows, BATCH_SIZE):
        good = []
        for row in batch:
            counts.rows += 1
            if isinstance(row, RowShapeError):
                counts.add_error(row.line, "", row.reason)
                continue
            try:
                parsed = importer.parse(row)
            except RowError as error:
                counts.add_error(row.line, error.column, error.reason)
                continue
            except Skip as skip:
                counts.add(
                    Outcome(row.line, "", "skipped", reason=skip.reason if skip.show else "")
                )
                continue
            key = importer.key_of(parsed)
            first = seen.first_line(key)
            if first is not None:
                counts.add_error(
                    row.line, importer.key_column(), f"{key} appears again (first on line {first})"
                )
                continue
            seen.add(key, row.line)
            good.append((row, parsed))
        if good:
            for outcome in importer.apply(good, write=write):
                counts.add(outcome)
        if on_batch is not None:
            on_batch(counts)
    return counts


def file_path(record: ImportRecord) -> Path:
    """The file of a record: an upload's path is relative to MEDIA_ROOT; the command's is the
    absolute path it was given."""
    return Path(settings.MEDIA_ROOT) / record.stored_file


def file_kept(record: ImportRecord) -> bool:
    """Whether the record's file is still there to import: the retention job (privacy) deletes
    old uploads and empties `stored_file`, keeping the record and its findings."""
    return bool(record.stored_file) and file_path(record).is_file()


def is_large(path: Path) -> bool:
    """Whether an upload is big enough to run as a Celery job rather than at once."""
    if path.stat().st_size > LARGE_FILE_BYTES:
        return True
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(65536), b"")) > (
            LARGE_FILE_ROWS
        )


def _save_counts(record: ImportRecord, counts: Counts) -> None:
    record.rows = counts.rows
    record.created = counts.created
    record.updated = counts.updated
    record.unchanged = counts.unchanged
    record.skipped = counts.skipped
    record.error_count = counts.error_count
    record.errors = counts.errors
    record.changes = counts.changes


def _finish(record: ImportRecord, status: str, message: str = "") -> ImportRecord:
    record.status = status
    record.message = message
    record.finished_at = timezone.now()
    record.save()
    return record


def import_run(*, record_id: int) -> ImportRecord:
    """Run the import `record_id` describes and record the outcome. Safe to run twice (a
    redelivered Celery job): a finished record is left alone, and the save is idempotent.

    Never raises for a bad file: the record's status is FAILED and its message says why."""
    from . import importer_for

    record = ImportRecord.objects.get(pk=record_id)
    if record.is_finished:
        return record
    record.status = ImportStatus.RUNNING
    record.save(update_fields=["status"])
    importer = importer_for(record)
    path = file_path(record)
    try:
        info = inspect_file(path)
        record.encoding = info.encoding_label
        record.progress_total = max(info.line_count - 1, 0)
        record.save(update_fields=["encoding", "progress_total"])

        def progress(counts: Counts) -> None:
            record.progress_done = min(counts.rows, record.progress_total)
            record.save(update_fields=["progress_done"])

        checked = _pass(importer, path, info, write=False, on_batch=progress)
        _save_counts(record, checked)
        if record.is_dry_run:
            return _finish(record, ImportStatus.CHECKED)
        if checked.error_count and not record.import_good_rows:
            return _finish(
                record,
                ImportStatus.REFUSED,
                "The file has errors, so nothing was saved. Correct them, or choose to import "
                "the good rows.",
            )
        with transaction.atomic():
            saved = _pass(importer, path, info, write=True)
        saved.errors, saved.error_count = checked.errors, checked.error_count
        _save_counts(record, saved)
        return _finish(record, ImportStatus.DONE)
    except FileProblem as problem:
        return _finish(record, ImportStatus.FAILED, str(problem))
    except FileNotFoundError:
        return _finish(record, ImportStatus.FAILED, "The uploaded file is no longer there.")
    except Exception:
        # The transaction has rolled back: nothing was saved. The record must not stay
        # "running" for ever, and the user gets a message rather than a traceback.
        logger.exception("Import %s failed", record.pk)
        return _finish(
            record,
            ImportStatus.FAILED,
            "The import stopped on an unexpected error and saved nothing. The error is logged.",
        )
