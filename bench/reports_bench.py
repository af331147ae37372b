"""Time the reports: one governor progress report and one LEA evaluation report (the data read,
the charts, the HTML body, then the PDF), each against the bare WeasyPrint render of the same
HTML; a whole LEA's batch of governor reports run eagerly through the report engine
(`reports.services.batches.batch_start` -> `reports.services.runs.run_generate`); and the same
batch run by real Celery workers, with one and then two worker processes.

Not a test: it asserts nothing and prints timings. Run it against a database of its own, since
it loads the demo data (`seed_demo`) when the database has none and writes batches of runs
(deleted again at the end unless --keep):

    createdb -h 127.0.0.1 -U postgres plp_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plp_bench \\
        DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/reports_bench.py

Without DATABASE_URL it uses the project's SQLite file (db.sqlite3), seeding it if empty. With
REDIS_URL unset Celery runs tasks in-process, which is what "eagerly" means here, and the worker
batches are skipped; with REDIS_URL set (a Redis database of the benchmark's own: its queue is
purged) the script starts `celery worker --pool prefork --concurrency N` for each N of
--workers and times the batch from its start until every run has finished, polling the
database. The PDFs are written to a temporary folder and the emails to memory (the workers'
to nowhere).
"""

import argparse
import datetime
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from weasyprint import HTML  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from leadership.models import Participation, ParticipationStatus, ProgrammeYear  # noqa: E402
from leadership.pdf import StaticFilesFetcher  # noqa: E402
from reports.content import build_content  # noqa: E402
from reports.models import ReportBatch, ReportKind, ReportRun, RunStatus  # noqa: E402
from reports.services.runs import report_pdf  # noqa: E402
from reports.terms import current_term  # noqa: E402
from tests.workers import start_worker, stop_worker  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
#: The chart functions the builders call, timed apart from the rest of the data read.
CHART_FUNCTIONS = (
    "reports.selectors.governor.pscl_days_chart_svg",
    "reports.selectors.governor.results_targets_chart_svg",
    "reports.charts.evaluation.trends_chart_svg",
)
#: How long a worker may take to start, and a worker batch to finish, before the script gives up.
WORKER_START_SECONDS = 120
BATCH_TIMEOUT_SECONDS = 3600


def _today(argument: str | None) -> datetime.date:
    if argument:
        return datetime.date.fromisoformat(argument)
    from accounts.clock import today
    from leadership.demo import DEMO_TODAY

    return getattr(settings, "PLP_TODAY", None) or (DEMO_TODAY if _has_demo() else today())


def _has_demo() -> bool:
    return Participation.objects.filter(status=ParticipationStatus.ACTIVE).exists()


def _busiest_year() -> ProgrammeYear:
    """The programme year with the most active schools: the largest LEA's current year."""
    return (
        ProgrammeYear.objects.annotate(
            active=Count("participations", filter=Q(participations__status="ACTIVE"))
        )
        .select_related("local_authority")
        .order_by("-active", "-starts_on")
        .first()
    )


def _busiest_school(year: ProgrammeYear):
    """The active school of `year` with the most PSCL visits: the heaviest single report."""
    participation = (
        Participation.objects.filter(programme_year=year, status=ParticipationStatus.ACTIVE)
        .annotate(visits=Count("allocations__visits"))
        .select_related("school")
        .order_by("-visits", "school__name")
        .first()
    )
    return participation.school


def _pages(pdf: bytes) -> int:
    """The PDF's number of pages, if pypdf (a development dependency) is installed."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return 0
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _stats(label: str, values: list[float]) -> str:
    mean = statistics.mean(values)
    return (
        f"  {label:<22} mean {mean * 1000:8.1f} ms   min {min(values) * 1000:8.1f} ms   "
        f"max {max(values) * 1000:8.1f} ms"
    )


def bare_pdf(document: str, *, base_url: str) -> bytes:
    """WeasyPrint alone on the finished document: no app logic beyond the stylesheet the HTML
    links (served from the static files, since the site is not running)."""
    return HTML(
        string=document, base_url=base_url, url_fetcher=StaticFilesFetcher(base_url)
    ).write_pdf()


@dataclass
class _Clock:
    """Wall and CPU time of a stretch of code, added up over several stretches."""

    wall: float = 0.0
    cpu: float = 0.0

    @contextmanager
    def timing(self):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall += time.perf_counter() - wall
            self.cpu += time.process_time() - cpu


@dataclass
class _Times:
    wall: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)

    def add(self, label: str, clock: _Clock) -> None:
        self.wall.setdefault(label, []).append(clock.wall)
        self.cpu.setdefault(label, []).append(clock.cpu)


@contextmanager
def _timed_charts(clock: _Clock):
    """Time every call of the chart functions into `clock`."""
    from django.utils.module_loading import import_string

    originals = []
    for dotted in CHART_FUNCTIONS:
        module_path, name = dotted.rsplit(".", 1)
        module = sys.modules.get(module_path) or __import__(module_path, fromlist=[name])
        original = import_string(dotted)

        def timed(*args, _original=original, **kwargs):
            with clock.timing():
                return _original(*args, **kwargs)

        setattr(module, name, timed)
        originals.append((module, name, original))
    try:
        yield
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


def time_report(run: ReportRun, *, today, runs: int, label: str) -> None:
    """Time `run`'s report as the worker makes it (`reports.content.build_content`, the body's
    template, `reports.services.runs.report_pdf`) and the bare WeasyPrint render of the same
    document, `runs` times after one untimed run (imports, caches)."""
    base_url = settings.SITE_URL + "/"
    times = _Times()
    queries = pages = 0
    for attempt in range(runs + 1):
        data, charts, body_clock, pdf_clock, bare_clock = (_Clock() for _ in range(5))
        with CaptureQueriesContext(connection) as captured, data.timing(), _timed_charts(charts):
            content = build_content(run, today=today)
        with body_clock.timing():
            body = render_to_string(content.template_name, content.context)
            document = render_to_string(
                "reports/report/pdf.html", {"title": content.title, "body": body}
            )
        with pdf_clock.timing():
            pdf = report_pdf(document)
        with bare_clock.timing():
            bare = bare_pdf(document, base_url=base_url)
        if attempt == 0:
            continue
        queries = len(captured.captured_queries)
        pages = _pages(pdf)
        total = _Clock(
            data.wall + body_clock.wall + pdf_clock.wall, data.cpu + body_clock.cpu + pdf_clock.cpu
        )
        data_only = _Clock(data.wall - charts.wall, data.cpu - charts.cpu)
        for name, clock in (
            ("data (queries)", data_only),
            ("charts (matplotlib)", charts),
            ("HTML body", body_clock),
            ("PDF", pdf_clock),
            ("total", total),
            ("bare WeasyPrint", bare_clock),
        ):
            times.add(name, clock)
    print(f"{label}: {content.title} ({runs} runs)")
    print(
        f"  {queries} queries, HTML body {len(body):,} bytes, PDF {len(pdf):,} bytes "
        f"(bare render {len(bare):,} bytes)"
    )
    if pages:
        print(f"  {pages} PDF pages")
    print("  wall time:")
    for name, values in times.wall.items():
        print(_stats(name, values))
    print("  CPU time of this process:")
    for name, values in times.cpu.items():
        print(_stats(name, values))
    for kind, values in (("wall", times.wall), ("CPU", times.cpu)):
        ratio = statistics.mean(values["total"]) / statistics.mean(values["bare WeasyPrint"])
        print(f"  report / bare WeasyPrint render ({kind}): {ratio:.2f}")


def time_governor_report(*, year, school, term, today, runs: int) -> None:
    run = ReportRun(
        kind=ReportKind.GOVERNOR,
        local_authority=year.local_authority,
        programme_year=year,
        school=school,
        term=term,
        version=1,
    )
    time_report(run, today=today, runs=runs, label="One governor report")


def time_evaluation_report(*, year, today, runs: int) -> None:
    run = ReportRun(
        kind=ReportKind.LEA_EVALUATION,
        local_authority=year.local_authority,
        programme_year=year,
        term="",
        parameters={},
        version=1,
    )
    active = year.participations.filter(status=ParticipationStatus.ACTIVE).count()
    schools = year.local_authority.schools.count()
    time_report(
        run,
        today=today,
        runs=runs,
        label=f"The LEA evaluation report ({schools} schools, {active} active)",
    )


def _manager(year: ProgrammeYear) -> User | None:
    return User.objects.filter(role=Role.MANAGER, local_authority=year.local_authority).first()


def _delete_batch(batch: ReportBatch) -> None:
    """The batch and its runs (their notifications and accesses go with them)."""
    ReportRun.objects.filter(batch=batch).delete()
    ReportBatch.objects.filter(pk=batch.pk).delete()


def _batch_summary(batch: ReportBatch) -> tuple[int, int, list[str]]:
    runs = ReportRun.objects.filter(batch=batch)
    done = runs.filter(status=RunStatus.DONE).count()
    failed = runs.filter(status=RunStatus.FAILED)
    return done, failed.count(), list(failed.values_list("error", flat=True)[:3])


def _run_times(batch: ReportBatch) -> list[float]:
    """Each run's time in its worker, from claim to issue."""
    return [
        (finished - started).total_seconds()
        for started, finished in ReportRun.objects.filter(
            batch=batch, started_at__isnull=False, finished_at__isnull=False
        ).values_list("started_at", "finished_at")
    ]


@contextmanager
def _eager(eager: bool):
    """Celery's tasks in this process (eager) or sent to the broker, whatever the settings say."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    try:
        yield
    finally:
        app.conf.task_always_eager = before


def time_batch(*, year, term, keep: bool) -> None:
    from reports.services.batches import batch_start

    start = time.perf_counter()
    with _eager(True):
        batch = batch_start(
            programme_year=year,
            term=term,
            by=_manager(year),
            idempotency_key=f"bench:{uuid.uuid4().hex}",
        )
    elapsed = time.perf_counter() - start
    done, failed, errors = _batch_summary(batch)
    print(f"A whole-LEA batch of governor reports: {year} ({batch.total} schools, eager)")
    print(f"  {done} done, {failed} failed")
    for error in errors:
        print(f"  failed: {error[:200]}")
    print(f"  total {elapsed:8.2f} s   per report {elapsed / max(batch.total, 1) * 1000:8.1f} ms")
    if not keep:
        _delete_batch(batch)


def _wait_ready(worker: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + WORKER_START_SECONDS
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"The worker stopped: see {log_path}")
        if " ready." in log_path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise RuntimeError(f"The worker did not start in {WORKER_START_SECONDS} s: see {log_path}")


def _wait_finished(batch: ReportBatch, worker: subprocess.Popen, log_path: Path) -> None:
    runs = ReportRun.objects.filter(batch=batch)
    deadline = time.monotonic() + BATCH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if not runs.exclude(status__in=[RunStatus.DONE, RunStatus.FAILED]).exists():
            return
        if worker.poll() is not None:
            raise RuntimeError(f"The worker stopped: see {log_path}")
        time.sleep(0.2)
    raise RuntimeError(f"The batch did not finish in {BATCH_TIMEOUT_SECONDS} s")


def time_worker_batches(*, year, term, today, media: str, concurrencies, keep: bool) -> None:
    """The LEA's batch run by a real Celery worker with each number of processes in turn."""
    if not settings.REDIS_URL:
        print("Celery worker batches: skipped (set REDIS_URL to a Redis database of its own)")
        return
    from config.celery import app
    from reports.services.batches import batch_start

    per_concurrency = {}
    for concurrency in concurrencies:
        app.control.purge()
        log_path = Path(media) / f"worker-{concurrency}.log"
        worker = start_worker(
            "celery",
            log_path,
            pool="prefork",
            concurrency=concurrency,
            MEDIA_ROOT=media,
            PLP_TODAY=today.isoformat(),
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        )
        batch = None
        try:
            _wait_ready(worker, log_path)
            start = time.perf_counter()
            with _eager(False):
                batch = batch_start(
                    programme_year=year,
                    term=term,
                    by=_manager(year),
                    idempotency_key=f"bench:{uuid.uuid4().hex}",
                )
            _wait_finished(batch, worker, log_path)
            elapsed = time.perf_counter() - start
        except BaseException:
            # Nothing is left behind in the database, even when the batch did not finish.
            stop_worker(worker)
            if batch is not None and not keep:
                _delete_batch(batch)
            raise
        finally:
            stop_worker(worker)
            app.control.purge()
        done, failed, errors = _batch_summary(batch)
        in_worker = _run_times(batch)
        per_concurrency[concurrency] = elapsed
        print(
            f"A whole-LEA batch of governor reports by a Celery worker, --concurrency "
            f"{concurrency}: {year} ({batch.total} schools)"
        )
        print(f"  {done} done, {failed} failed")
        for error in errors:
            print(f"  failed: {error[:200]}")
        print(
            f"  total {elapsed:8.2f} s   per report {elapsed / max(batch.total, 1) * 1000:8.1f} ms"
            f"   {batch.total / elapsed:6.2f} reports/s"
        )
        if in_worker:
            print(
                f"  one run in its worker (claim to issue): mean "
                f"{statistics.mean(in_worker) * 1000:8.1f} ms   min {min(in_worker) * 1000:8.1f} ms"
                f"   max {max(in_worker) * 1000:8.1f} ms"
            )
        first = per_concurrency[concurrencies[0]]
        if concurrency != concurrencies[0]:
            print(f"  speed-up against --concurrency {concurrencies[0]}: {first / elapsed:.2f}")
        if not keep:
            _delete_batch(batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each single report (5)")
    parser.add_argument("--today", help="the application's date, YYYY-MM-DD (the demo's)")
    parser.add_argument("--term", help="AUTUMN, SPRING or SUMMER (the term of --today)")
    parser.add_argument("--no-batch", action="store_true", help="skip every LEA batch")
    parser.add_argument("--no-eager", action="store_true", help="skip the eager LEA batch")
    parser.add_argument(
        "--workers",
        default="1,2",
        help="worker processes of each Celery batch, comma-separated (1,2); '' for none",
    )
    parser.add_argument("--no-evaluation", action="store_true", help="skip the LEA evaluation")
    parser.add_argument(
        "--no-setup",
        action="store_true",
        help="neither migrate nor seed the database (one another process owns)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the batches' runs")
    args = parser.parse_args()
    concurrencies = [int(value) for value in args.workers.split(",") if value.strip()]

    if not args.no_setup:
        call_command("migrate", verbosity=0)
        if not _has_demo():
            print("No demo data: running seed_demo (a minute or two)...")
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                call_command("seed_demo", verbosity=0)
    today = _today(args.today)
    year = _busiest_year()
    term = args.term or current_term(year, today)
    school = _busiest_school(year)
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']}); today {today}")
    print(f"Load average: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    print()
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(
            MEDIA_ROOT=media,
            PLP_TODAY=today,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
    ):
        time_governor_report(year=year, school=school, term=term, today=today, runs=args.runs)
        if not args.no_evaluation:
            print()
            time_evaluation_report(year=year, today=today, runs=args.runs)
        if not args.no_batch and not args.no_eager:
            print()
            time_batch(year=year, term=term, keep=args.keep)
        if not args.no_batch and concurrencies:
            print()
            time_worker_batches(
                year=year,
                term=term,
                today=today,
                media=media,
                concurrencies=concurrencies,
                keep=args.keep,
            )
    print()
    print(f"Load average: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    main()
