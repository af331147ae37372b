"""Page speed benchmark: the main pages of each role under gunicorn, at 20 concurrent users.

Starts the app under gunicorn (config.wsgi) on PostgreSQL with production-like settings, signs in
one user of each role by writing their sessions straight into the session store (signed in and
two-factor verified, as the middleware checks), drives the pages from a second process with
locust (bench/locustfile.py), and prints a table: per page the number of requests, the median
(p50) and 95th-percentile (p95) latency in milliseconds, their ratio to the floor, and failures.
The floor is /health/ (config.views.health), a view that reads nothing, asked for in the same run
from the same server with the same signed-in session, so that it carries the whole middleware
stack (session, user, two-factor check). Targets: p95 under 150 ms and ratio under 4; a miss is
marked "!". Not a test: it prints timings and asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plp_bench .venv/bin/python \\
        bench/pages_bench.py --today 2004-11-26 --duration 40

Pages (role in brackets): home, the manager's dashboard [manager]; school list with filters
[manager]; school page [manager]; selection page of the LEA's current programme year [manager];
PSCL caseload [consultant]; visit form post [consultant]: the real "log a visit" form on one of
the PSCL's current allocations, opened ("visit form (GET)") then posted
with a date and "Save as draft" again and again (each post saves a draft visit); governor report
page [governor]: the newest done governor progress report of the governor's school; floor
/health/ [manager].

The users: --manager, --consultant and --governor (emails). By default the national data's bench
users (reports.national.BENCH_USERS, when that module exists and its users are in the database),
else the demo's (seed_demo) Northmoor users.

Server: gunicorn with --workers (3 by default: one more than the machine's 2 cores, so that a core
is not idle while a worker waits on PostgreSQL; the Dockerfile's number), sync workers, bound to
127.0.0.1 on a free port, no access log. Settings: DEBUG off, a Redis cache (REDIS_URL, which
must be set), the two-factor device read through that cache, database connections kept
--conn-max-age seconds (60, as production keeps them; 0 opens one a request). With --production
the server runs with DJANGO_ENV=production (manifest static files by whitenoise after a
collectstatic into staticfiles/, Secure cookies, HSTS; the requests carry X-Forwarded-Proto:
https as behind the TLS proxy). Production refuses PLP_TODAY, so --production cannot be used with
--today: the demo data (2004-05) needs --today and runs in the default mode, which differs from
production only in those HTTPS settings and in static files served from the finders (the pages
here load none).

Load: locust headless in a subprocess, --users simulated users (20) all started at once, each
waiting --wait seconds (2 to 6, as a person reading the page) between requests, for --duration
seconds (40): about 5 requests a second in all. With no wait, or with 0.5 to 1.5 s, 20 users
ask for more than 2 shared cores can serve; requests queue behind each other and every figure,
the floor's included, becomes queueing time (the ratios then tend to 1 and mean nothing). The
same school page is asked for each time: after the first request its chart comes from the cache
(schools.charts.cached_results_chart_svg). The machine's other work shows in every figure: run
it on a quiet machine, and compare the ratios rather than the milliseconds.

Writes: the sessions and, for users of roles that must use two-factor sign-in who have no
confirmed device, a device named "bench"; the drafts the visit posts save (with their history),
and the report readings the governor report page logs. All are deleted at the end (--keep-visits
keeps the drafts). With --make-report, when the governor's school has no done governor report, one
of its queued ones is generated in-process first (a write that stays; use it on a database of
your own, such as the demo's).

Requires REDIS_URL (db of your own), DATABASE_URL (PostgreSQL), the data loaded (seed_demo or
seed_national) and the migrations applied. Locust's own CSV files go to --csv (a prefix; a
temporary folder by default).
"""

import argparse
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: The demo's users (seed_demo), used when the national bench users are not in the database.
DEMO_USERS = {
    "manager": "manager@northmoor.example.org",
    "consultant": "pscl@northmoor.example.org",
    "governor": "governor@northmoor.example.org",
}
#: Signs both this process's sessions and the server's: they must share it.
BENCH_SECRET_KEY = "pages-bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
P95_TARGET_MS = 150
RATIO_TARGET = 4
FLOOR = "floor /health/"
DEVICE_NAME = "bench"


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """The options this bench shares with bench/page_profile.py: the database, Redis, the date
    and the users."""
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--today", help="the application's date (PLP_TODAY), YYYY-MM-DD")
    parser.add_argument("--manager", help="email of the strategy manager")
    parser.add_argument("--consultant", help="email of the PSCL")
    parser.add_argument("--governor", help="email of the governor")


def check_common_arguments(parser: argparse.ArgumentParser, args) -> None:
    if not args.database_url.startswith("postgres"):
        parser.error("DATABASE_URL (or --database-url) must name a PostgreSQL database.")
    if not args.redis_url:
        parser.error("REDIS_URL (or --redis-url) must be set: production caches in Redis.")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common_arguments(parser)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--users", type=int, default=20, help="simulated users (20)")
    parser.add_argument(
        "--spawn-rate", type=float, default=5.0,
        help="users started a second (5); the figures count from when all have started",
    )  # fmt: skip
    parser.add_argument("--duration", type=int, default=40, help="seconds of load (40)")
    parser.add_argument(
        "--wait", type=float, nargs=2, default=[2.0, 6.0], metavar=("MIN", "MAX"),
        help="seconds each user waits between requests (2 6)",
    )  # fmt: skip
    parser.add_argument("--production", action="store_true", help="DJANGO_ENV=production")
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="CONN_MAX_AGE (60, production's default)"
    )
    parser.add_argument("--csv", help="prefix of locust's CSV files (a temporary folder)")
    parser.add_argument("--keep-visits", action="store_true", help="keep the posted drafts")
    parser.add_argument("--make-report", action="store_true", help="generate a governor report")
    args = parser.parse_args(argv)
    check_common_arguments(parser, args)
    if args.production and args.today:
        parser.error("--production refuses --today (production refuses PLP_TODAY).")
    return args


def server_environment(args, media_root: str) -> dict:
    """The environment of both the server and this process (the same SECRET_KEY and database)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PLP_TODAY", "DEBUG", "DJANGO_ENV", "CONN_MAX_AGE")
    }
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        SECRET_KEY=BENCH_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DEBUG="0",
        MEDIA_ROOT=media_root,
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    if args.today:
        env["PLP_TODAY"] = args.today
    if args.production:
        env.update(DJANGO_ENV="production", SECURE_SSL_REDIRECT="1")
    if args.conn_max_age is not None:
        env["CONN_MAX_AGE"] = str(args.conn_max_age)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Data: users, sessions, the pages' addresses --------------------------------------------------


def bench_users(args) -> dict:
    from accounts.models import User

    chosen = {"manager": args.manager, "consultant": args.consultant, "governor": args.governor}
    defaults = DEMO_USERS
    try:
        from reports.national import BENCH_USERS

        national = {
            "manager": BENCH_USERS.get("manager"),
            "consultant": BENCH_USERS.get("pscl") or BENCH_USERS.get("consultant"),
            "governor": BENCH_USERS.get("governor"),
        }
        if all(national.values()) and User.objects.filter(email=national["manager"]).exists():
            defaults = national
    except ImportError:
        pass
    emails = {role: chosen[role] or defaults[role] for role in DEMO_USERS}
    users = {}
    for role, email in emails.items():
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            sys.exit(f"No active user {email} ({role}) in the database.")
        users[role] = user
    return users


def signed_in_session(user, created: dict) -> str:
    """A session of `user`, signed in and past the second factor, as the log-in would leave it;
    returns its key. A user of a role that must use two-factor sign-in without a confirmed
    device is given one named "bench" (recorded in `created`, deleted at the end)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.sessions import mark_session_start
    from accounts.twofactor import policy
    from accounts.twofactor.receivers import SESSION_KEY as TWO_FACTOR_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    mark_session_start(session)
    needs = policy.needs_second_factor(user)
    session[TWO_FACTOR_KEY] = needs
    if needs:
        device = next(iter(devices_for_user(user, confirmed=True)), None)
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
            created["devices"].append(device.pk)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    created["sessions"].append(session.session_key)
    return session.session_key


def current_year(lea, today):
    from leadership.models import ProgrammeYear

    years = ProgrammeYear.objects.filter(local_authority=lea)
    return (
        years.filter(starts_on__lte=today, ends_on__gte=today).first()
        or years.order_by("-starts_on").first()
    )


def plan_pages(users: dict, today: datetime.date, make_report: bool) -> tuple[list, dict | None]:
    from django.urls import reverse

    from consultants.models import Allocation
    from leadership.models import Participation
    from reports.models import ReportKind, ReportRun
    from reports.selectors.runs import run_list
    from schools.models import School

    manager, consultant, governor = users["manager"], users["consultant"], users["governor"]
    lea = manager.local_authority
    pages = [
        {"name": "home (manager dashboard)", "role": "manager", "path": reverse("home")},
        {
            "name": "school list, filtered",
            "role": "manager",
            "path": reverse("schools:list") + "?phase=PRIMARY&size=large&ofsted_category=ANY",
        },
        {
            "name": "school list, search",
            "role": "manager",
            "path": reverse("schools:list") + "?q=primary",
        },
    ]
    year = current_year(lea, today)
    participation = (
        Participation.objects.filter(programme_year=year, status="ACTIVE")
        .select_related("school")
        .order_by("school__urn")
        .first()
    )
    school = (
        participation.school
        if participation
        else School.objects.visible_to(manager).order_by("urn").first()
    )
    pages.append(
        {
            "name": "school page",
            "role": "manager",
            "path": reverse("schools:detail", args=[school.urn]),
        }
    )
    pages.append(
        {
            "name": "selection page",
            "role": "manager",
            "path": reverse("leadership:selection", args=[year.pk]),
        }
    )
    pages.append(
        {"name": "PSCL caseload", "role": "consultant", "path": reverse("consultants:caseload")}
    )
    allocation = next(
        (
            allocation
            for allocation in Allocation.objects.visible_to(consultant)
            .filter(adviser__user=consultant)
            .select_related("participation__programme_year", "adviser")
            .order_by("pk")
            if consultant.has_perm("consultants.log_visit", allocation)
        ),
        None,
    )
    visit_form = None
    if allocation is None:
        print("The PSCL has no current allocation: no visit form post.")
    else:
        visit_on = min(today, allocation.participation.programme_year.ends_on)
        visit_form = {
            "name": "visit form post",
            "role": "consultant",
            "path": reverse("consultants:visit_new", args=[allocation.pk]),
            "form_id": "visit-form",
            "saved_prefix": reverse("consultants:visit_detail", args=[0])[:-2],
            "fill": {
                "visit_on_0": str(visit_on.day),
                "visit_on_1": str(visit_on.month),
                "visit_on_2": str(visit_on.year),
                "notes": "Page benchmark draft (deleted after the run).",
                "action": "draft",
            },
            "allocation": allocation.pk,
        }
    governor_runs = ReportRun.objects.filter(kind=ReportKind.GOVERNOR, school=governor.school)
    run = run_list(user=governor).filter(kind=ReportKind.GOVERNOR).done().first()
    if run is None and make_report:
        queued = governor_runs.exclude(status="DONE").order_by("-pk").first()
        if queued is not None:
            from reports.services.runs import run_generate

            print(f"Generating governor report run {queued.pk} for {governor.school} ...")
            run_generate(queued.pk)
            run = run_list(user=governor).filter(kind=ReportKind.GOVERNOR).done().first()
    if run is None:
        print("The governor's school has no done governor report: no governor report page.")
    else:
        pages.append(
            {
                "name": "governor report page",
                "role": "governor",
                "path": reverse("reports:run_detail", args=[run.pk]),
            }
        )
    pages.append({"name": FLOOR, "role": "manager", "path": reverse("health")})
    return pages, visit_form


# Running -------------------------------------------------------------------------------------


def start_server(args, env: dict, port: int) -> subprocess.Popen:
    if args.production:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    server = subprocess.Popen(  # noqa: S603 (our own command line)
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            # As behind the TLS proxy, or production mode would redirect to https.
            probe = urllib.request.Request(
                f"http://127.0.0.1:{port}/health/", headers={"X-Forwarded-Proto": "https"}
            )
            with urllib.request.urlopen(probe, timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            sys.exit("gunicorn stopped while starting.")
    stop(server)
    sys.exit("gunicorn did not answer within 60 s.")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def warm_up(pages: list, plan: dict, port: int) -> None:
    """Each page once per worker or so, so that no first request (templates, imports) counts."""
    for page in pages * 3:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{page['path']}",
            headers={
                "Cookie": "; ".join(f"{k}={v}" for k, v in plan["roles"][page["role"]].items()),
                "X-Forwarded-Proto": "https",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                answer.read()
        except OSError as error:
            print(f"warm-up: {page['name']}: {error}")


def run_locust(args, plan_file: str, port: int, csv_prefix: str, env: dict, log) -> None:
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate),
        # The figures are of the steady load: from when every user has started, not of the
        # first seconds when 20 people would all open their first page in the same instant.
        "--reset-stats",
        "-t",
        f"{args.duration}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        csv_prefix,
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    print("$ " + " ".join(command), flush=True)
    subprocess.run(  # noqa: S603 (our own command line)
        command,
        cwd=ROOT,
        env={**env, "PLP_BENCH_PLAN": plan_file},
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def read_stats(csv_prefix: str) -> list[dict]:
    import csv

    with open(f"{csv_prefix}_stats.csv", encoding="utf-8") as file:
        return [row for row in csv.DictReader(file) if row["Name"] != "Aggregated"]


def print_table(rows: list[dict], order: list[str]) -> None:
    by_name = {row["Name"]: row for row in rows}
    floor = by_name.get(FLOOR)
    floor50 = float(floor["50%"]) if floor else 0
    floor95 = float(floor["95%"]) if floor else 0
    header = f"{'page':<26} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'x p50':>6} {'x p95':>6}"
    print(header + f" {'failures':>8}")
    print("-" * (len(header) + 9))
    for name in order + [name for name in by_name if name not in order]:
        row = by_name.get(name)
        if row is None:
            continue
        p50, p95 = float(row["50%"]), float(row["95%"])
        r50 = p50 / floor50 if floor50 else 0
        r95 = p95 / floor95 if floor95 else 0
        misses = (p95 >= P95_TARGET_MS) or (name != FLOOR and max(r50, r95) >= RATIO_TARGET)
        print(
            f"{name:<26} {row['Request Count']:>8} {p50:>7.0f} {p95:>7.0f} {r50:>6.1f} {r95:>6.1f}"
            f" {row['Failure Count']:>8}{'  !' if misses else ''}"
        )
    print(
        f"Targets: p95 under {P95_TARGET_MS} ms, ratio to the floor under {RATIO_TARGET} "
        "(p50 and p95); ! marks a miss."
    )


def print_failures(csv_prefix: str) -> None:
    import csv

    with open(f"{csv_prefix}_failures.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        print(f"Failed {row['Occurrences']} times: {row['Method']} {row['Name']}: {row['Error']}")


def clean_up(
    created: dict, users: dict, visit_form: dict | None, before: dict, keep_visits: bool
) -> None:
    """Delete what the run wrote: the sessions, any "bench" device, the bench users' report
    readings and performance-data readings logged during the run, and the drafts posted."""
    from django.contrib.sessions.models import Session
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from consultants.models import Visit
    from reports.models import ReportAccess
    from schools.models import PerformanceDataView

    user_ids = [user.pk for user in users.values()]
    Session.objects.filter(session_key__in=created["sessions"]).delete()
    TOTPDevice.objects.filter(pk__in=created["devices"], name=DEVICE_NAME).delete()
    ReportAccess.objects.filter(pk__gt=before["access"], user_id__in=user_ids).delete()
    PerformanceDataView.objects.filter(pk__gt=before["reading"], user_id__in=user_ids).delete()
    if visit_form is None or keep_visits:
        return
    drafts = Visit.objects.filter(
        pk__gt=before["visit"], allocation_id=visit_form["allocation"], status="DRAFT"
    )
    ids = list(drafts.values_list("pk", flat=True))
    drafts.delete()
    # Their history, the deletions' records included.
    Visit.history.filter(id__in=ids).delete()
    print(f"Deleted {len(ids)} draft visits the posts saved, and their history.")


def main(argv=None):
    args = parse_args(argv)
    media_root = tempfile.mkdtemp(prefix="pages-bench-media-")
    env = server_environment(args, media_root)
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Max

    from accounts.clock import today as clock_today
    from consultants.models import Visit
    from reports.models import ReportAccess
    from schools.models import PerformanceDataView

    today = clock_today()
    users = bench_users(args)
    created = {"sessions": [], "devices": []}
    before = {
        "visit": Visit.objects.aggregate(m=Max("pk"))["m"] or 0,
        "access": ReportAccess.objects.aggregate(m=Max("pk"))["m"] or 0,
        "reading": PerformanceDataView.objects.aggregate(m=Max("pk"))["m"] or 0,
    }
    port = free_port()
    server = None
    visit_form = None
    try:
        csrf = "b" * 32  # CSRF cookie secret (32 characters); the form's token is masked from it.
        roles = {
            role: {
                settings.SESSION_COOKIE_NAME: signed_in_session(user, created),
                settings.CSRF_COOKIE_NAME: csrf,
            }
            for role, user in users.items()
        }
        pages, visit_form = plan_pages(users, today, args.make_report)
        plan = {
            "host_header": f"127.0.0.1:{port}",
            "wait": args.wait,
            "roles": roles,
            "pages": pages,
            "visit_form": visit_form,
        }
        work = tempfile.mkdtemp(prefix="pages-bench-")
        plan_file = os.path.join(work, "plan.json")
        with open(plan_file, "w", encoding="utf-8") as file:
            json.dump(plan, file)
        csv_prefix = args.csv or os.path.join(work, "locust")
        print(
            f"Database {settings.DATABASES['default']['NAME']}, today {today}, "
            f"gunicorn --workers {args.workers} on 127.0.0.1:{port}, "
            f"{'DJANGO_ENV=production' if args.production else 'DEBUG off (not production mode)'}, "
            f"CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']}; users: "
            + ", ".join(f"{role} {user.email}" for role, user in users.items())
        )
        for page in pages + ([visit_form] if visit_form else []):
            print(f"  {page['name']:<26} [{page['role']}] {page['path']}")
        server = start_server(args, env, port)
        warm_up(pages, plan, port)
        with open(f"{csv_prefix}.log", "w", encoding="utf-8") as log:
            run_locust(args, plan_file, port, csv_prefix, env, log)
        print(
            f"\n{args.users} users, {args.duration} s, wait {args.wait[0]}-{args.wait[1]} s "
            f"between requests; locust CSV: {csv_prefix}_stats.csv\n"
        )
        order = [page["name"] for page in pages if page["name"] != FLOOR]
        order += ["visit form (GET)", "visit form post", FLOOR]
        print_table(read_stats(csv_prefix), order)
        print_failures(csv_prefix)
    finally:
        if server is not None:
            stop(server)
        clean_up(created, users, visit_form, before, args.keep_visits)


if __name__ == "__main__":
    main()
