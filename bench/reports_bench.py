"""Time the governor progress report: one report (data read and HTML body, PDF, total) averaged
over several runs, and a whole LEA's batch of governor reports run eagerly through the report
engine (`reports.services.batches.batch_start` -> `reports.services.runs.run_generate`).

Not a test: it asserts nothing and prints timings. Run it against a database of its own, since
it loads the demo data (`seed_demo`) when the database has none and writes a batch of runs
(deleted again at the end unless --keep):

    createdb -h 127.0.0.1 -U postgres plp_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plp_bench \\
        DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/reports_bench.py

Without DATABASE_URL it uses the project's SQLite file (db.sqlite3), seeding it if empty. With
REDIS_URL unset Celery runs tasks in-process, which is what "eagerly" means here; the PDFs are
written to a temporary folder and the emails to memory.
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
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

from accounts.models import Role, User  # noqa: E402
from leadership.models import Participation, ParticipationStatus, ProgrammeYear  # noqa: E402
from leadership.pdf import html_to_pdf  # noqa: E402
from reports.models import ReportBatch, ReportKind, ReportRun, RunStatus  # noqa: E402
from reports.selectors.governor import build_governor_report  # noqa: E402
from reports.terms import current_term  # noqa: E402


def _today(argument: str | None) -> datetime.date:
    if argument:
        return datetime.date.fromisoformat(argument)
    from accounts.clock import today
    from leadership.demo import DEMO_TODAY

    return getattr(settings, "PLP_TODAY", None) or (DEMO_TODAY if _has_demo() else today())


def _has_demo() -> bool:
    return Participation.objects.filter(status=ParticipationStatus.ACTIVE).exists()


def _busiest_year() -> ProgrammeYear:
    """The programme year with the most active schools."""
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


def time_one_report(*, year, school, term, today, runs: int) -> None:
    run = ReportRun(
        kind=ReportKind.GOVERNOR,
        local_authority=year.local_authority,
        programme_year=year,
        school=school,
        term=term,
        version=1,
    )
    base_url = settings.SITE_URL + "/"
    html_times, pdf_times, totals = [], [], []
    queries = 0
    pages = 0
    for _ in range(runs):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            content = build_governor_report(run, today=today)
            body = render_to_string(content.template_name, content.context)
        built = time.perf_counter()
        document = render_to_string(
            "reports/report/pdf.html", {"title": content.title, "body": body}
        )
        pdf = html_to_pdf(document, base_url=base_url)
        done = time.perf_counter()
        html_times.append(built - start)
        pdf_times.append(done - built)
        totals.append(done - start)
        queries = len(captured.captured_queries)
        pages = _pages(pdf)
    print(f"One governor report: {content.title} ({runs} runs)")
    print(f"  {queries} queries, HTML body {len(body):,} bytes, PDF {len(pdf):,} bytes")
    if pages:
        print(f"  {pages} PDF pages")
    print(_stats("data + HTML body", html_times))
    print(_stats("PDF (WeasyPrint)", pdf_times))
    print(_stats("total", totals))


def time_batch(*, year, term, keep: bool) -> None:
    manager = User.objects.filter(role=Role.MANAGER, local_authority=year.local_authority).first()
    from reports.services.batches import batch_start

    start = time.perf_counter()
    batch = batch_start(
        programme_year=year, term=term, by=manager, idempotency_key=f"bench:{uuid.uuid4().hex}"
    )
    elapsed = time.perf_counter() - start
    runs = ReportRun.objects.filter(batch=batch)
    done = runs.filter(status=RunStatus.DONE).count()
    failed = list(runs.filter(status=RunStatus.FAILED).values_list("error", flat=True)[:3])
    print(f"A whole-LEA batch of governor reports: {year} ({batch.total} schools, eager)")
    print(f"  {done} done, {runs.filter(status=RunStatus.FAILED).count()} failed")
    for error in failed:
        print(f"  failed: {error[:200]}")
    print(f"  total {elapsed:8.2f} s   per report {elapsed / max(batch.total, 1) * 1000:8.1f} ms")
    if not keep:
        runs.delete()
        ReportBatch.objects.filter(pk=batch.pk).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of the single report (5)")
    parser.add_argument("--today", help="the application's date, YYYY-MM-DD (the demo's)")
    parser.add_argument("--term", help="AUTUMN, SPRING or SUMMER (the term of --today)")
    parser.add_argument("--no-batch", action="store_true", help="skip the LEA batch")
    parser.add_argument("--keep", action="store_true", help="keep the batch's runs")
    args = parser.parse_args()

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
    print()
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(
            MEDIA_ROOT=media,
            PLP_TODAY=today,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
    ):
        time_one_report(year=year, school=school, term=term, today=today, runs=args.runs)
        if not args.no_batch:
            print()
            time_batch(year=year, term=term, keep=args.keep)


if __name__ == "__main__":
    main()
