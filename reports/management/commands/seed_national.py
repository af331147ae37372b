"""`manage.py seed_national`: England-sized data for benchmarks, written in bulk (issue 9).

    manage.py seed_national [--scale 1.0] [--seed 2004] [--reset]

PostgreSQL only (rows go in with COPY). At `--scale 1.0`: 150 LEAs, 17,000 schools with five years
of results, about 4,500 schools holding a place in 2004-05, about 1,000 PSCLs, about 20,000 visits
and the rest (see `reports.national`), then three issued reports of the largest LEA (the bench
school's governor progress report, the PSCL caseload report, the funding statement), produced
in-process. A smaller scale makes proportionally less (0.005 is a
couple of LEAs, for the tests). Running it again on a database that holds the national data makes
nothing; `--reset` deletes the generated data first (the generator's LEAs, codes 400 to 599, and
the log-ins at national.example.org), leaving any other data, seed_demo's say, as it is. It prints
what it made, the time of each step, and the bench log-ins (`reports.national.BENCH_USERS`).
Refuses production: the log-ins share a published password.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from reports.national import BENCH_PASSWORD, BENCH_USERS, BIGGEST_LEA_NAME
from reports.national.generator import MAX_SCALE, NationalGenerator, national_leas, reset_national


class Command(BaseCommand):
    help = (
        "Create England-sized data for benchmarks in bulk: at --scale 1.0, 150 LEAs, 17,000 "
        "schools with five years of results, about 4,500 taking part in 2004-05, 1,000 PSCLs, "
        "20,000 visits, teams, plans and the money; with log-ins for each role (one password). "
        "Makes nothing if the data is there; --reset removes the generated data first. "
        "PostgreSQL only; refuses production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1.0 is England; 0.005 a couple of LEAs."
        )
        parser.add_argument("--seed", type=int, default=2004, help="The random generator's seed.")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the generated data first, then generate."
        )
        parser.add_argument(
            "--no-reports", action="store_true", help="Leave out the three issued reports."
        )

    def handle(self, *args, scale, seed, reset: bool, no_reports: bool, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("seed_national makes log-ins with a published password.")
        if connection.vendor != "postgresql":
            raise CommandError("seed_national writes with PostgreSQL's COPY: set DATABASE_URL.")
        if not 0 < scale <= MAX_SCALE:
            # Above it the URNs would leave the generator's range (800001 to 899999).
            raise CommandError(f"--scale must be more than 0 and at most {MAX_SCALE}.")
        if reset:
            started = time.monotonic()
            removed = reset_national()
            self.stdout.write(
                f"Reset: removed {removed['LEAs']} LEAs with their data and "
                f"{removed['other log-ins']} other log-ins in {time.monotonic() - started:.1f}s."
            )
        existing = national_leas().count()
        if existing:
            self.stdout.write(
                f"The national data is already here ({existing} LEAs): nothing made. "
                "Use --reset to make it again."
            )
            self._write_logins()
            return
        self.stdout.write(f"Generating national data at scale {scale} (seed {seed})...")
        started = time.monotonic()
        generator = NationalGenerator(scale=scale, seed=seed, write=self.stdout.write)
        counts = generator.run()
        runs = []
        if not no_reports:
            step = time.monotonic()
            runs = generator.make_reports()
            self.stdout.write(f"  reports: {time.monotonic() - step:.1f}s")
        total = time.monotonic() - started
        self.stdout.write(f"Made, as on {generator.today:%d %B %Y}:")
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            self.stdout.write(f"  {name.ljust(width)}  {count:>9,}")
        self.stdout.write(f"  {'rows in all'.ljust(width)}  {sum(counts.values()):>9,}")
        done = ", ".join(
            f"{run.get_kind_display()} #{run.pk} ({run.get_status_display().lower()})"
            for run in runs
        )
        if runs:
            self.stdout.write(f"Reports of {BIGGEST_LEA_NAME}: {done}.")
        self.stdout.write(f"Done in {total:.1f}s.")
        self._write_logins()

    def _write_logins(self) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"Bench log-ins (password {BENCH_PASSWORD})"))
        for role, email in BENCH_USERS.items():
            self.stdout.write(f"  {role.ljust(12)}  {email}")
        self.stdout.write(
            "Staff log-ins have the demo's authenticator key (seed_demo prints it). "
            "Run the site with PLP_TODAY=2004-11-26."
        )
