"""Time, and optionally profile, the benchmark's pages one request at a time, in this process.

The page benchmark (bench/pages_bench.py) says how fast each page is under load; this says where
one request's time goes. It signs in the same users, plans the same pages (its `plan_pages`), and
asks for each page --runs times through Django's test client (the whole middleware stack, as
under gunicorn, with DEBUG off and the Redis cache), after one request to warm up. It prints per
page the median and best time, the queries and the time they took; with --profile NAME it runs
cProfile over that page's requests and prints the --top functions by cumulative time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plp_national \\
    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python bench/page_profile.py \\
        --today 2004-11-26 --runs 20 [--page selection] [--profile selection]

--page keeps only the pages whose name contains the text (repeatable). The profile is sorted by
cumulative time, or by the pstats key in PROFILE_SORT (PROFILE_SORT=tottime for time spent in
each function itself). --queries prints each query of a page's last request with its time.
Writes and cleans up as the page benchmark does (sessions, any "bench"
device, the readings the pages log), and posts nothing: the visit form is only opened. Not a
test: it prints timings and asserts nothing.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pages_bench  # noqa: E402 (after the path)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    pages_bench.add_common_arguments(parser)
    parser.add_argument("--runs", type=int, default=20, help="requests per page (20)")
    parser.add_argument("--page", action="append", default=[], help="pages whose name has this")
    parser.add_argument("--profile", help="cProfile the pages whose name has this")
    parser.add_argument("--top", type=int, default=30, help="functions printed (30)")
    parser.add_argument(
        "--queries", action="store_true", help="print each query of a page's last request"
    )
    args = parser.parse_args(argv)
    pages_bench.check_common_arguments(parser, args)
    # What pages_bench's helpers read from its own arguments.
    args.production = False
    args.conn_max_age = None
    args.make_report = False
    return args


def main(argv=None):
    args = parse_args(argv)
    env = pages_bench.server_environment(args, tempfile.mkdtemp(prefix="page-profile-media-"))
    env["ALLOWED_HOSTS"] = "testserver"
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.db.models import Max
    from django.test import Client

    from accounts.clock import today as clock_today
    from consultants.models import Visit
    from reports.models import ReportAccess
    from schools.models import PerformanceDataView

    # Queries are recorded (their count and time) without turning DEBUG on.
    connection.force_debug_cursor = True
    users = pages_bench.bench_users(args)
    created = {"sessions": [], "devices": []}
    before = {
        "visit": Visit.objects.aggregate(m=Max("pk"))["m"] or 0,
        "access": ReportAccess.objects.aggregate(m=Max("pk"))["m"] or 0,
        "reading": PerformanceDataView.objects.aggregate(m=Max("pk"))["m"] or 0,
    }
    try:
        clients = {}
        for role, user in users.items():
            clients[role] = Client()
            clients[role].cookies[settings.SESSION_COOKIE_NAME] = pages_bench.signed_in_session(
                user, created
            )
        pages, visit_form = pages_bench.plan_pages(users, clock_today(), make_report=False)
        if visit_form:
            pages.append({**visit_form, "name": "visit form (GET)"})
        if args.page:
            pages = [page for page in pages if any(part in page["name"] for part in args.page)]
        print(f"{'page':<26} {'p50 ms':>7} {'best ms':>7} {'queries':>7} {'query ms':>8}")
        for page in pages:
            client = clients[page["role"]]
            response = client.get(page["path"])
            if response.status_code != 200:
                print(f"{page['name']}: status {response.status_code}")
                continue
            profiler = cProfile.Profile() if args.profile and args.profile in page["name"] else None
            times, queries, query_ms = [], 0, 0.0
            for _ in range(args.runs):
                reset_queries()
                start = time.perf_counter()
                if profiler:
                    profiler.enable()
                client.get(page["path"])
                if profiler:
                    profiler.disable()
                times.append((time.perf_counter() - start) * 1000)
                queries = len(connection.queries)
                query_ms = sum(float(query["time"]) for query in connection.queries) * 1000
            print(
                f"{page['name']:<26} {statistics.median(times):>7.1f} {min(times):>7.1f} "
                f"{queries:>7} {query_ms:>8.1f}"
            )
            if args.queries:
                for query in connection.queries:
                    sql = " ".join(query["sql"].split())
                    print(f"  {float(query['time']) * 1000:5.1f} ms  {sql[:300]}")
            if profiler:
                order = os.environ.get("PROFILE_SORT", "cumulative")
                pstats.Stats(profiler).sort_stats(order).print_stats(args.top)
    finally:
        pages_bench.clean_up(created, users, None, before, keep_visits=True)


if __name__ == "__main__":
    main()
