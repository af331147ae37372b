"""Issue 9, item 3: every page and API list runs a bounded number of queries whatever the size of
the data.

The bad-input world (tests/input/world.py) is built once for the module; every page of
tests/scale/pages.py (HTML pages, CSV and XLSX exports, the letters' PDFs, the API's lists and
records) is opened and its queries counted: a list of the user's own scope by every role allowed
to open it (config/access_policy.py), since each sees a different list; a page of one object by
one allowed role (PLP_SCALE_ALL_ROLES=1: by every one). Then `grow` (tests/scale/grow.py) adds
three more of everything to the actors' LEA (schools with four years of results, places,
allocations to the PSCL actor, visits, plans, grants, payments, returns, reports, users...) and
every page is counted again. A page whose count grows runs a query per row somewhere (an N+1):
the test names it, the role and the queries that were added. Each request runs in a savepoint
that is rolled back, so a page that records a reading (the audit of who viewed what) does not
change what the next one sees, and with an empty cache of its own, so that what the app keeps
in the cache is read in both counts (docs/decisions/018).
"""

import itertools
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from config.access_policy import RULES, Access, Scope
from tests.input.world import ROLES, TODAY, build_world
from tests.worlds import rolled_back, signed_in_client, world_settings

from .grow import grow, seed
from .pages import NOT_MEASURED, all_pages, get_urls

pytestmark = pytest.mark.django_db

#: How many rounds of records `grow` adds between the two counts.
ROUNDS = 3
PAGES = all_pages()
#: Pages whose count may grow by a fixed number, and why.
SLACK: dict[str, int] = {
    # The change history reads the parents of each kind of record on its page with one query
    # per kind (audit.selectors.TRACKED, a fixed list): more records bring more kinds onto the
    # page, never more than one query each (audit/tests/test_pages.py allows 2 too).
    **dict.fromkeys(
        ["audit:changes", "audit:changes:filtered", "audit:changes_csv", "audit:changes_xlsx"], 2
    ),
}


@dataclass
class Counted:
    status: int
    queries: list = field(default_factory=list)


#: The role that opens a page of one object: the first allowed of these (a strategy manager
#: sees the most of an LEA; the others where the page is not theirs).
PREFERENCE = (
    Role.MANAGER,
    Role.CONSULTANT,
    Role.HEADTEACHER,
    Role.LINK_ADVISER,
    Role.GOVERNOR,
    Role.ADMIN,
)
#: PLP_SCALE_ALL_ROLES=1: every allowed role opens every page (slower).
ALL_ROLES = os.environ.get("PLP_SCALE_ALL_ROLES") == "1"


def allowed_roles(name):
    """The roles (None: anonymous) that open URL `name`: every role allowed for a page that
    lists the user's own scope (each role sees a different list), one for a page of one
    object (the same object whoever reads it)."""
    rule = RULES[name]
    if rule.access == Access.PUBLIC:
        return [None]
    allowed = rule.roles_for("GET")
    if ALL_ROLES or (rule.scope in (Scope.NONE, Scope.OWN_USER) and rule.obj is None):
        return [role for role in ROLES if role in allowed]
    return [next(role for role in PREFERENCE if role in allowed)]


def _empty_cache(key, role):
    """A cache of its own for one count: what the pages keep in the cache (a school's
    background, a plan's check, the session's two-factor device) is read as on a first visit,
    whatever page was counted before, so that both counts take the same, longest, path."""
    location = f"scale-{key}-{role}-{next(_counts)}"
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": location,
        }
    }


_counts = itertools.count()


def _count(world, clients):
    """{(key, role): Counted} for every page and every role allowed to open it."""
    counts = {}
    for key, page in PAGES.items():
        url = page.url(world)
        for role in allowed_roles(page.name):
            client = clients[role]
            headers = {"HTTP_ACCEPT": "application/json"} if page.name.startswith("api:") else {}
            # The log keeps the last 9,000 queries only: start each page with an empty one.
            connection.queries_log.clear()
            with transaction.atomic(), override_settings(CACHES=_empty_cache(key, role)):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url, **headers)
                    if response.streaming:
                        b"".join(response.streaming_content)
                transaction.set_rollback(True)
            counts[key, role] = Counted(
                response.status_code, [q["sql"] for q in captured.captured_queries]
            )
    return counts


@dataclass
class Sizes:
    small: dict
    large: dict
    world: object


@pytest.fixture(scope="module")
def sizes(django_db_setup, django_db_blocker):
    """The counts of every page at the world's size and after `grow`, taken once."""
    # The idle clock of a session is written once a minute (accounts/sessions.py): the two
    # counts are taken minutes apart, and every request is rolled back, so keep it unwritten.
    idle_clock = mock.patch("accounts.sessions.ACTIVITY_WRITE_INTERVAL", 24 * 3600)
    with world_settings(TODAY), idle_clock, rolled_back(django_db_blocker):
        world = build_world()
        seed(world)
        clients = {role: signed_in_client(world.user(role)) for role in [*ROLES, None]}
        # One request each first, so that no count holds what only a session's first request
        # does. (Its two-factor device, read through the cache, is read in every count: each
        # has an empty cache, `_empty_cache`.)
        for client in clients.values():
            client.get("/")
        small = _count(world, clients)
        grow(world, ROUNDS)
        large = _count(world, clients)
        yield Sizes(small, large, world)


def test_every_get_url_is_counted():
    """A new page fails this test until tests/scale/pages.py counts it (or says why not)."""
    counted = {page.name for page in PAGES.values()}
    missing = sorted(get_urls() - counted - set(NOT_MEASURED))
    assert not missing, f"GET URLs whose queries no test counts (tests/scale/pages.py): {missing}"
    gone = sorted(set(NOT_MEASURED) - get_urls())
    assert not gone, f"NOT_MEASURED names no GET URL of the access table: {gone}"
    both = sorted(set(NOT_MEASURED) & counted)
    assert not both, f"counted and also listed as not counted: {both}"


LITERALS = re.compile(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"|_django_curs_\w+")


def _shape(sql):
    """A query without its values (quoted strings, numbers, savepoint and cursor names)."""
    return LITERALS.sub("?", sql)[:300]


def _grown(small, large):
    """The queries the larger world ran more of, with how many more."""
    extra = Counter(map(_shape, large)) - Counter(map(_shape, small))
    return [f"  +{n} {sql}" for sql, n in extra.most_common(5)]


def _label(role):
    return Role(role).label if role else "anonymous"


@pytest.mark.parametrize("key", sorted(PAGES))
def test_a_pages_queries_do_not_grow_with_the_data(sizes, key):
    page = PAGES[key]
    wrong = []
    for role in allowed_roles(page.name):
        small, large = sizes.small[key, role], sizes.large[key, role]
        who = f"{_label(role)} {key}"
        if small.status >= 500 or large.status >= 500:
            wrong.append(f"{who}: server error ({small.status}, {large.status})")
            continue
        if small.status != large.status:
            wrong.append(f"{who}: answered {small.status}, then {large.status}")
        allowed = len(small.queries) + SLACK.get(key, 0)
        if len(large.queries) > allowed:
            wrong.append(
                f"{who}: {len(small.queries)} queries, then {len(large.queries)} with more data\n"
                + "\n".join(_grown(small.queries, large.queries))
            )
    assert not wrong, "\n".join(wrong)


def test_the_roles_allowed_open_the_pages(sizes):
    """The counts mean something: each allowed role got the page itself (200), not a refusal."""
    refused = sorted(
        f"{_label(role)} {key}: {counted.status}"
        for (key, role), counted in sizes.small.items()
        if counted.status not in (200, 302)
    )
    assert not refused, "\n".join(refused)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
def test_no_page_scans_a_large_table_an_index_could_serve(sizes):
    """tests/scale/test_query_plans.py's check of the main pages, over the queries of every
    page of the larger world (each query explained once)."""
    from .test_query_plans import ALLOWED_ANY_PAGE, LARGE_TABLES, _explain, _seq_scans, selects

    wrong, seen = [], set()
    for (key, role), counted in sorted(sizes.large.items(), key=lambda item: item[0][0]):
        for sql in selects(counted.queries):
            if sql in seen:
                continue
            seen.add(sql)
            for table in sorted(_seq_scans(_explain(sql)) & LARGE_TABLES):
                if (key, table) not in ALLOWED_ANY_PAGE:
                    wrong.append(f"{_label(role)} {key}: Seq Scan on {table}:\n  {sql[:400]}")
    assert not wrong, "\n".join(wrong)
