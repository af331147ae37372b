"""Two managers confirming at the same moment, on Postgres with real transactions: the first
to lock the participation (or the PSCL) wins; the other is told why, and nothing is doubled."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import Role
from consultants.models import Allocation
from consultants.services.allocations import allocation_confirm
from consultants.tests.test_allocations_services import DAYS, build_map

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need Postgres"),
]


def race(*calls):
    """Run `calls` in threads, each with its own connection, released together; return what
    each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # the outcome, whatever it is, is what the test reads
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_managers_matching_one_school_at_once_make_one_match(lea, users):
    the_map = build_map(lea, users[Role.MANAGER])
    participation = the_map.participations["ashby"]

    def confirming(key):
        return lambda: allocation_confirm(
            participation=participation,
            adviser=the_map.pscls[key],
            planned_days=DAYS,
            by=the_map.manager,
        )

    results = race(confirming("bob"), confirming("carol"))
    won = [r for r in results if isinstance(r, Allocation)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert (len(won), len(lost)) == (1, 1)
    assert "already has a PSCL" in lost[0].messages[0]
    assert Allocation.objects.filter(participation=participation).count() == 1


def test_two_schools_taking_a_pscls_last_place_at_once_need_the_second_to_accept(lea, users):
    the_map = build_map(lea, users[Role.MANAGER])
    the_map.pscls["alice"].capacities.update(max_schools=3, max_days=Decimal("40"))

    def confirming(key):
        return lambda: allocation_confirm(
            participation=the_map.participations[key],
            adviser=the_map.pscls["alice"],
            planned_days=DAYS,
            by=the_map.manager,
        )

    results = race(confirming("ashby"), confirming("brook"))
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert len(lost) == 1
    assert lost[0].code == "over_capacity"
    assert Allocation.objects.current().filter(adviser=the_map.pscls["alice"]).count() == 3
