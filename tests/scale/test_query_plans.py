"""Issue 9, item 3: no query of the main pages reads a large table from end to end where an index
would serve (PostgreSQL only).

The main pages (tests/scale/pages.py keys in `MAIN_PAGES`) are opened by the role each is for,
in the bad-input world made larger (tests/scale/grow.py), and every SELECT they run is captured.
Each is then explained with `SET LOCAL enable_seqscan = off`: the planner then takes any index
that can serve, and keeps a sequential scan only where none can. A Seq Scan left on one of the
large tables (`LARGE_TABLES`) fails the test, unless `ALLOWED` names the page and table with the
reason the scan is right. The fix is an index (Meta.indexes in the app's models, with a comment
why) or a query that can use one.
"""

import json
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from tests.input.world import ROLES, TODAY, build_world
from tests.worlds import rolled_back, signed_in_client, world_settings

from .grow import grow, seed
from .pages import PAGES_BY_KEY

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"),
]

A, M, L, C, H, G = (
    Role.ADMIN,
    Role.MANAGER,
    Role.LINK_ADVISER,
    Role.CONSULTANT,
    Role.HEADTEACHER,
    Role.GOVERNOR,
)

#: The main pages of issue 9 (its page benchmark's list) and the API lists, with the role that
#: opens each.
MAIN_PAGES = [
    ("home", A),
    ("home", M),
    ("home", C),
    ("home", H),
    ("reports:dashboard", M),
    ("schools:list", M),
    ("schools:list:filtered", M),
    ("schools:list:ofsted", M),
    ("schools:list", C),
    ("schools:list:filtered", A),
    ("schools:detail", M),
    ("schools:detail", H),
    ("consultants:caseload", C),
    ("form:leadership:selection", M),
    ("leadership:year_detail", M),
    ("form:consultants:visit_new", C),
    ("form:consultants:visit_log", C),
    ("consultants:visit_detail", M),
    ("reports:run_detail", G),
    ("reports:run_list", M),
    ("consultants:visit_feed", M),
    ("funding:grant_list", M),
    ("funding:payment_list", M),
    ("funding:return_list", M),
    ("consultants:adviser_list", M),
    ("consultants:matching", M),
    ("leadership:year_plans", M),
    ("reports:warning_detail:no-pscl-visit", M),
    ("reports:warning_detail:return-overdue", M),
    *[(key, M) for key in PAGES_BY_KEY if key.startswith("api:") and key.endswith("-list")],
    ("api:visit-list", C),
    ("api:school-list", H),
]

#: The tables that grow with the country (issue 9, item 1): a sequential scan of one of these
#: on a page is a page that slows down as the data grows.
LARGE_TABLES = {
    "accounts_user",
    "schools_school",
    "schools_keystageresult",
    "schools_valueadded",
    "schools_inspection",
    "schools_keystage2target",
    "schools_keystage2progress",
    "schools_performancedataview",
    "leadership_participation",
    "leadership_selectionflag",
    "leadership_leadershipteammember",
    "leadership_actionplan",
    "leadership_planpriority",
    "leadership_action",
    "leadership_planreview",
    "leadership_note",
    "leadership_concern",
    "consultants_adviser",
    "consultants_attachment",
    "consultants_allocation",
    "consultants_visit",
    "consultants_agreedaction",
    "funding_grant",
    "funding_payment",
    "funding_expenditurereturn",
    "reports_reportrun",
    "reports_reportaccess",
    "reports_notification",
}

#: (page key, role, table): why a sequential scan there is right.
ALLOWED: dict[tuple[str, Role, str], str] = {
    ("home", A, "accounts_user"): (
        "The admin's home counts every active user of the country by role: it reads the whole "
        "table by design, once, for one role (tens of thousands of rows at national scale)."
    ),
}

SELECT = re.compile(r"^\s*(\(?\s*SELECT|WITH)\b", re.IGNORECASE)
CURSOR = re.compile(r"^\s*DECLARE\s+\S+\s+NO SCROLL CURSOR\s+(WITH(OUT)? HOLD\s+)?FOR\s+", re.I)


#: (page key, table) of any page (tests/scale/test_bounded_queries.py checks every page's
#: queries): why a sequential scan there is right.
ALLOWED_ANY_PAGE: dict[tuple[str, str], str] = {
    ("home", "accounts_user"): ALLOWED["home", A, "accounts_user"],
}


def selects(queries):
    """The SELECTs among `queries` (SQL text, or the dicts Django's query log keeps), a
    server-side cursor's DECLARE taken off."""
    for query in queries:
        sql = CURSOR.sub("", query["sql"] if isinstance(query, dict) else query)
        if SELECT.match(sql):
            yield sql


def _seq_scans(plan):
    """The tables a plan (EXPLAIN's JSON) reads with a Seq Scan."""
    found = set()
    stack = [plan]
    while stack:
        node = stack.pop()
        if node.get("Node Type") == "Seq Scan":
            found.add(node["Relation Name"])
        stack.extend(node.get("Plans", []))
    return found


def _explain(sql):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (raw,) = cursor.fetchone()
        transaction.set_rollback(True)
    plan = raw if isinstance(raw, list) else json.loads(raw)
    return plan[0]["Plan"]


@pytest.fixture(scope="module")
def captured(django_db_setup, django_db_blocker):
    """{(page key, role): [SELECT ...]} of the main pages in the larger world."""
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    with world_settings(TODAY), rolled_back(django_db_blocker):
        world = build_world()
        seed(world)
        grow(world, 3)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        clients = {role: signed_in_client(world.user(role)) for role in ROLES}
        found = {}
        for key, role in MAIN_PAGES:
            url = PAGES_BY_KEY[key].url(world)
            connection.queries_log.clear()
            with transaction.atomic():
                with CaptureQueriesContext(connection) as queries:
                    response = clients[role].get(url)
                transaction.set_rollback(True)
            assert response.status_code == 200, f"{role.label} {url}: {response.status_code}"
            found[key, role] = list(selects(queries.captured_queries))
        yield found


def test_the_main_pages_were_captured(captured):
    assert all(captured[page] for page in MAIN_PAGES), [p for p in MAIN_PAGES if not captured[p]]


@pytest.mark.parametrize(("key", "role"), MAIN_PAGES, ids=[f"{k}-{r.name}" for k, r in MAIN_PAGES])
def test_no_main_query_scans_a_large_table_an_index_could_serve(captured, key, role):
    wrong = []
    for sql in captured[key, role]:
        scanned = _seq_scans(_explain(sql)) & LARGE_TABLES
        for table in sorted(scanned):
            if (key, role, table) not in ALLOWED:
                wrong.append(f"Seq Scan on {table}:\n  {sql[:600]}")
    assert not wrong, f"{role.label} {key}:\n" + "\n".join(wrong)


def test_a_scan_no_index_serves_is_found(captured):
    """The check itself: a filter on a column without an index keeps its Seq Scan even with
    sequential scans off, and a filter on an indexed column loses it."""
    unindexed = "SELECT id FROM schools_school WHERE headteacher_name = 'A Head'"
    indexed = "SELECT id FROM schools_school WHERE local_authority_id = 1"
    assert _seq_scans(_explain(unindexed)) == {"schools_school"}
    assert _seq_scans(_explain(indexed)) == set()


def test_every_allowed_scan_names_a_main_page():
    pages = set(MAIN_PAGES)
    assert not [entry for entry in ALLOWED if entry[:2] not in pages]
    assert all(reason.strip() for reason in ALLOWED.values())
