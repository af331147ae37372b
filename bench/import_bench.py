"""Time a GIAS establishment import of generated files of several sizes, and measure its memory.

Not a test: it asserts nothing and prints figures. For each size (10,000, 25,000 and 50,000 rows
by default) it writes two GIAS files shaped like the real `edubasealldataYYYYMMDD.csv` (its full
139-column header; about 150 LEAs; every phase, type and status GIAS uses, so only part of each
file is primary schools):

1. the first file, imported into an empty register (schools and LEAs created);
2. a second file a month later: the same schools, a share of them changed (names, heads, rolls,
   free school meals, Ofsted ratings, closures), some new schools, and a few bad rows, so that
   the user confirms with "import the good rows".

Each file goes through the import as a user drives it from the pages, in this process: the
upload and check (`import_upload`, a dry run) and then the confirm (`import_confirm`, which
checks again and saves in one transaction). A file above `LARGE_FILE_ROWS` would run as a
Celery job; this script unsets REDIS_URL so Celery runs it in-process, as `make run` does.

For each step it prints the wall-clock and CPU time, rows a second, the peak resident memory
of the process during the step and its growth over the step's start (Linux's VmHWM, reset
before each step), and the number of database queries (counted, not kept). Each size runs in
a child process of its own, then once more with tracemalloc on for the peak of the Python heap
of each step (tracemalloc slows Python down about four times, so those runs print no times;
`--no-tracemalloc` skips them).

Run it against a database of its own, which it migrates; it refuses a database that already
holds schools, and deletes what it wrote (schools, their history, LEAs, import records, the
uploaded files) after each size:

    createdb -h 127.0.0.1 -U postgres plp_import_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plp_import_bench \\
        .venv/bin/python bench/import_bench.py

Without DATABASE_URL it uses a new SQLite file in a temporary folder (never the project's
db.sqlite3). Options: `--sizes 10000,25000,50000`, `--no-tracemalloc`, `--keep-files DIR`
(write the generated files to DIR and keep them). The machine's other work shows in the wall
times: compare the CPU times when it is busy.
"""

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER_FILE = ROOT / "schools" / "tests" / "data" / "gias_establishment_header.csv"

#: (phase, share of rows) roughly as the national GIAS file has them.
PHASES = (
    ("Primary", 0.42),
    ("Not applicable", 0.28),
    ("Secondary", 0.13),
    ("16 plus", 0.07),
    ("Nursery", 0.06),
    ("Middle deemed primary", 0.01),
    ("Middle deemed secondary", 0.01),
    ("All-through", 0.02),
)
TYPES = (
    "Community school",
    "Voluntary aided school",
    "Voluntary controlled school",
    "Foundation school",
    "Academy converter",
    "Academy sponsor led",
    "Free schools",
    "Other independent school",
    "Community special school",
)
STATUSES = (("Open", 0.74), ("Closed", 0.23), ("Open, but proposed to close", 0.02))
OFSTED = ("Outstanding", "Good", "Requires improvement", "Inadequate", "")
FIRST_NAMES = ("Ann", "Ben", "Carol", "David", "Eve", "Farid", "Grace", "Hugh", "Imran", "Jo")
LAST_NAMES = ("Smith", "Jones", "Patel", "Brown", "Taylor", "Khan", "Evans", "Wilson", "Hughes")
TOWNS = ("Leicester", "Bristol", "Leeds", "Norwich", "Exeter", "Preston", "Derby", "Hull")
FIRST_URN = 100000
LEA_COUNT = 150
#: Shares of the second file's rows.
CHANGED = 0.15
NEWLY_CLOSED = 0.01
NEW_SCHOOLS = 0.02
BAD_ROWS = 0.002


def _header() -> list[str]:
    with open(HEADER_FILE, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def _pick(rng: random.Random, weighted) -> str:
    point, total = rng.random(), 0.0
    for value, share in weighted:
        total += share
        if point < total:
            return value
    return weighted[-1][0]


def _lea_codes() -> list[str]:
    rng = random.Random(150)  # noqa: S311 (made-up data, not secrets)
    return sorted(rng.sample([str(code) for code in range(201, 939)], LEA_COUNT))


def _school(rng: random.Random, urn: int, leas: list[str]) -> dict:
    """One establishment's cells, with the columns the import reads and a realistic fill of the
    others (addresses, websites, census figures), so that a row is about as long as GIAS's."""
    code = leas[urn % len(leas)]
    status = _pick(rng, STATUSES)
    town = rng.choice(TOWNS)
    pupils = rng.randint(20, 700)
    return {
        "URN": str(urn),
        "LA (code)": code,
        "LA (name)": f"Local authority {code}",
        "EstablishmentNumber": f"{rng.randint(1000, 7999)}",
        "EstablishmentName": f"{rng.choice(LAST_NAMES)} {town} School {urn}",
        "TypeOfEstablishment (code)": str(rng.randint(1, 50)),
        "TypeOfEstablishment (name)": rng.choice(TYPES),
        "EstablishmentTypeGroup (name)": "Local authority maintained schools",
        "EstablishmentStatus (code)": "1",
        "EstablishmentStatus (name)": status,
        "OpenDate": "01-09-1975",
        "CloseDate": f"31-08-20{rng.randint(10, 24)}" if status == "Closed" else "",
        "PhaseOfEducation (name)": _pick(rng, PHASES),
        "StatutoryLowAge": "4",
        "StatutoryHighAge": "11",
        "Gender (name)": "Mixed",
        "ReligiousCharacter (name)": "Does not apply",
        "SchoolCapacity": str(pupils + 30),
        "CensusDate": "16-01-2025",
        "NumberOfPupils": str(pupils),
        "NumberOfBoys": str(pupils // 2),
        "NumberOfGirls": str(pupils - pupils // 2),
        "PercentageFSM": f"{rng.uniform(0, 60):.1f}" if rng.random() > 0.05 else "",
        "LastChangedDate": "01-10-2025",
        "Street": f"{rng.randint(1, 200)} {rng.choice(LAST_NAMES)} Road",
        "Town": town,
        "County (name)": "Not recorded",
        "Postcode": f"LE{rng.randint(1, 19)} {rng.randint(1, 9)}AB",
        "SchoolWebsite": f"https://www.school{urn}.example.sch.uk",
        "TelephoneNum": f"0116{rng.randint(2000000, 9999999)}",
        "HeadTitle (name)": "Mrs",
        "HeadFirstName": rng.choice(FIRST_NAMES),
        "HeadLastName": rng.choice(LAST_NAMES),
        "HeadPreferredJobTitle": "Headteacher",
        "GOR (name)": "East Midlands",
        "DistrictAdministrative (name)": f"District {code}",
        "AdministrativeWard (name)": f"{town} Ward {urn % 40}",
        "ParliamentaryConstituency (name)": f"{town} Constituency",
        "UrbanRural (name)": "(B1) Urban minor conurbation",
        "Easting": str(rng.randint(100000, 650000)),
        "Northing": str(rng.randint(10000, 650000)),
        "MSOA (name)": f"{town} {urn % 60:03d}",
        "LSOA (name)": f"{town} {urn % 60:03d}A",
        "OfstedRating (name)": rng.choice(OFSTED),
        "RSCRegion (name)": "East Midlands and the Humber",
        "Country (name)": "United Kingdom",
        "UPRN": str(rng.randint(10**9, 10**10)),
    }


def _changed(rng: random.Random, cells: dict) -> dict:
    """The same school a month later: one or two of the fields the import reads have moved."""
    cells = dict(cells)
    for _ in range(rng.randint(1, 2)):
        what = rng.randrange(5)
        if what == 0:
            cells["EstablishmentName"] = cells["EstablishmentName"].replace("School", "Academy")
        elif what == 1:
            cells["HeadFirstName"] = rng.choice(FIRST_NAMES)
            cells["HeadLastName"] = rng.choice(LAST_NAMES) + "-Ward"
        elif what == 2:
            cells["NumberOfPupils"] = str(int(cells["NumberOfPupils"]) + rng.randint(1, 30))
        elif what == 3:
            cells["PercentageFSM"] = f"{rng.uniform(0, 60):.1f}"
        else:
            cells["OfstedRating (name)"] = rng.choice(OFSTED[:4])
    return cells


def _bad(rng: random.Random, cells: dict) -> dict:
    """A row a user would have to correct: a bad code, figure or date."""
    cells = dict(cells)
    cells["PhaseOfEducation (name)"] = "Primary"
    what = rng.randrange(3)
    if what == 0:
        cells["LA (code)"] = "X9"
    elif what == 1:
        cells["NumberOfPupils"] = "about 200"
    else:
        cells["EstablishmentStatus (name)"] = "Closed"
        cells["CloseDate"] = "2021/08/31"
    return cells


def write_files(rows: int, folder: Path) -> tuple[Path, Path]:
    """Write the first and the second GIAS file of `rows` rows each (the second has the new
    schools in place of as many rows of the first) and return their paths."""
    header = _header()
    leas = _lea_codes()
    first, second = folder / f"gias_{rows}_1.csv", folder / f"gias_{rows}_2.csv"
    rng = random.Random(rows)  # noqa: S311 (made-up data, not secrets)
    change_rng = random.Random(rows + 1)  # noqa: S311
    new_count = int(rows * NEW_SCHOOLS)
    with (
        open(first, "w", encoding="utf-8", newline="") as one,
        open(second, "w", encoding="utf-8", newline="") as two,
    ):
        writers = [
            csv.DictWriter(handle, fieldnames=header, quoting=csv.QUOTE_ALL, restval="")
            for handle in (one, two)
        ]
        for writer in writers:
            writer.writeheader()
        for index in range(rows):
            cells = _school(rng, FIRST_URN + index, leas)
            writers[0].writerow(cells)
            if index < new_count:  # its place in the second file goes to a new school
                cells = _school(rng, FIRST_URN + rows + index, leas)
                cells["EstablishmentStatus (name)"] = "Open"
                cells["CloseDate"] = ""
            else:
                point = change_rng.random()
                if point < BAD_ROWS:
                    cells = _bad(change_rng, cells)
                elif point < BAD_ROWS + NEWLY_CLOSED:
                    cells = dict(cells, **{"EstablishmentStatus (name)": "Closed"})
                    cells["CloseDate"] = "31-12-2025"
                elif point < BAD_ROWS + NEWLY_CLOSED + CHANGED:
                    cells = _changed(change_rng, cells)
            writers[1].writerow(cells)
    return first, second


# The child process: one size ---------------------------------------------------------------------


def _status_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in kB."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak_rss() -> bool:
    """Reset the process's peak resident memory (VmHWM), so that each step shows its own."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def run_size(first: Path, second: Path, *, trace: bool) -> None:
    """Import `first` then `second` as an admin would, printing one line a step: its times,
    peak memory and queries, or with `trace` its Python heap peak only (tracemalloc makes the
    times meaningless)."""
    os.environ.pop("REDIS_URL", None)  # Celery in-process: the job runs in this process
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import tracemalloc

    import django

    django.setup()
    from django.core.files import File
    from django.db import connection

    from accounts.models import Role, User
    from schools.imports.services import import_confirm, import_upload
    from schools.models import ImportRecord, ImportStatus, LocalAuthority, School

    if School.objects.exists():
        sys.exit("The database already holds schools: give the benchmark a database of its own.")
    admin, _ = User.objects.get_or_create(
        email="import-bench@example.invalid",
        defaults={"full_name": "Import benchmark", "role": Role.ADMIN},
    )
    leas_before = set(LocalAuthority.objects.values_list("pk", flat=True))
    records_before = set(ImportRecord.objects.values_list("pk", flat=True))
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    def step(label: str, rows: int, action):
        nonlocal queries
        queries = 0
        peak_resets = _reset_peak_rss()
        rss_before = _status_kb("VmRSS")
        if trace:
            tracemalloc.start()
        started, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(count):
            record = action()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        if trace:
            heap = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"  {label:<20} Python heap peak {heap / 2**20:6.1f} MB", flush=True)
            return record
        peak = (
            _status_kb("VmHWM")
            if peak_resets
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        )
        print(
            f"  {label:<20} {seconds:6.1f} s  CPU {cpu:5.1f} s  {rows / seconds:6,.0f} rows/s  "
            f"peak RSS {peak / 1024:6.1f} MB (+{max(peak - rss_before, 0) / 1024:5.1f})  "
            f"{queries:6,} queries  {record.status}: {record.created:,} created, "
            f"{record.updated:,} updated, {record.unchanged:,} unchanged, "
            f"{record.skipped:,} skipped, {record.error_count:,} errors",
            flush=True,
        )
        if record.status not in (ImportStatus.CHECKED, ImportStatus.DONE):
            print(f"    {record.message}", flush=True)
        return record

    try:
        for number, path in enumerate((first, second), start=1):
            with open(path, "rb") as handle:
                rows = sum(1 for _ in handle) - 1

            def upload(path=path):
                with open(path, "rb") as handle:
                    record = import_upload(
                        kind="GIAS",
                        upload=File(handle, name=path.name),
                        user=admin,
                        options={"all_through": False},
                    )
                record.refresh_from_db()
                return record

            checked = step(f"file {number}: upload+check", rows, upload)

            def confirm(checked=checked):
                record = import_confirm(
                    checked=checked, user=admin, import_good_rows=bool(checked.error_count)
                )
                record.refresh_from_db()
                return record

            step(f"file {number}: confirm", rows, confirm)
    finally:
        _clean(leas_before, records_before)


def _clean(leas_before: set, records_before: set) -> None:
    """Delete what the run wrote: schools and their history, new LEAs, import records and
    their uploaded files."""
    from django.conf import settings

    from schools.models import ImportRecord, LocalAuthority, School

    records = ImportRecord.objects.exclude(pk__in=records_before)
    for stored in set(records.values_list("stored_file", flat=True)):
        (Path(settings.MEDIA_ROOT) / stored).unlink(missing_ok=True)
    records.delete()
    School.history.all()._raw_delete(School.history.db)
    School.objects.all()._raw_delete(School.objects.db)
    LocalAuthority.objects.exclude(pk__in=leas_before).delete()


# The parent process ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,25000,50000", help="rows of each file")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the heap-peak runs")
    parser.add_argument("--keep-files", type=Path, help="write the files here and keep them")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        run_size(*arguments.child, trace=arguments.trace)
        return

    with tempfile.TemporaryDirectory(prefix="plp-import-bench-") as temporary:
        folder = arguments.keep_files or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        environment = dict(os.environ)
        environment.setdefault("MEDIA_ROOT", str(Path(temporary) / "media"))
        if not environment.get("DATABASE_URL"):
            environment["DATABASE_URL"] = f"sqlite:///{Path(temporary) / 'bench.sqlite3'}"
        environment.pop("REDIS_URL", None)

        def child(command: list[str]) -> None:
            # In the project's folder: Celery puts the working folder first on sys.path.
            done = subprocess.run(command, env=environment, cwd=ROOT, check=False)  # noqa: S603
            if done.returncode:
                sys.exit(done.returncode)

        print(f"GIAS import benchmark on {environment['DATABASE_URL'].split('@')[-1]}", flush=True)
        child([sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"])
        for rows in (int(size) for size in arguments.sizes.split(",")):
            started = time.perf_counter()
            first, second = write_files(rows, folder)
            print(
                f"\n{rows:,} rows a file ({first.stat().st_size / 2**20:.1f} MB; written in "
                f"{time.perf_counter() - started:.1f} s)",
                flush=True,
            )
            command = [sys.executable, __file__, "--child", str(first), str(second)]
            child(command)
            if not arguments.no_tracemalloc:
                print("  the same with tracemalloc on:", flush=True)
                child([*command, "--trace"])
            if not arguments.keep_files:
                first.unlink()
                second.unlink()


if __name__ == "__main__":
    main()
