"""`visible_to(user)` on every funding model that has it, for every kind of user (issue 5, item 7):
each sees exactly the rows their place allows, once each.

- rates: everyone of the LEA (they are the published terms of the grant);
- budgets and budget overrides: the LEA's strategy managers only;
- grants and expenditure returns: the school's headteacher and governors and the LEA's
  strategy managers; never a PSCL or a link adviser;
- payments: the manager all of the LEA's; the school's head and governors the school's grant
  instalments (not what its PSCL is paid); a PSCL only the payments for their own days.
Admins see everything; anonymous and inactive users nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from consultants.factories import AllocationFactory
from consultants.models import AllocationStatus
from funding.factories import (
    BudgetFactory,
    ExpenditureReturnFactory,
    FundingRatesFactory,
    PaymentFactory,
)
from funding.models import (
    Budget,
    BudgetOverride,
    ExpenditureReturn,
    FundingRates,
    Grant,
    Payment,
)
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from tests.actors import ACTORS, make_actor

pytestmark = pytest.mark.django_db

ALL_ACTORS = tuple(ACTORS)
INACTIVE = {name for name, (_role, _side, active) in ACTORS.items() if not active}

#: For each model, the labels of the rows each actor sees; every actor not named sees none.
EXPECTED = {
    FundingRates: {
        "admin": {"own", "other"},
        **{name: {"own"} for name in ("manager", "link_adviser", "pscl", "headteacher")},
        "governor": {"own"},
        **{
            f"other_{name}": {"other"}
            for name in ("manager", "link_adviser", "pscl", "headteacher", "governor")
        },
    },
    Budget: {"admin": {"own", "other"}, "manager": {"own"}, "other_manager": {"other"}},
    BudgetOverride: {"admin": {"own", "other"}, "manager": {"own"}, "other_manager": {"other"}},
    Grant: {
        "admin": {"own", "sibling", "foreign"},
        "manager": {"own", "sibling"},
        "other_manager": {"foreign"},
        "headteacher": {"own"},
        "governor": {"own"},
        "other_headteacher": {"foreign"},
        "other_governor": {"foreign"},
    },
    ExpenditureReturn: {
        "admin": {"own", "sibling", "foreign"},
        "manager": {"own", "sibling"},
        "other_manager": {"foreign"},
        "headteacher": {"own"},
        "governor": {"own"},
        "other_headteacher": {"foreign"},
        "other_governor": {"foreign"},
    },
    Payment: {
        "admin": {
            "own_grant",
            "sibling_grant",
            "foreign_grant",
            "own_pscl",
            "sibling_pscl",
            "foreign_pscl",
        },
        "manager": {"own_grant", "sibling_grant", "own_pscl", "sibling_pscl"},
        "other_manager": {"foreign_grant", "foreign_pscl"},
        # The allocated PSCL: their own days only, not the school's grant nor others' days.
        "pscl": {"own_pscl"},
        "other_pscl": {"foreign_pscl"},
        # The school: its grant instalments, not what its PSCL is paid.
        "headteacher": {"own_grant"},
        "governor": {"own_grant"},
        "other_headteacher": {"foreign_grant"},
        "other_governor": {"foreign_grant"},
    },
}


@pytest.fixture
def world(lea, other_lea, school, sibling_school, foreign_school):
    """Two LEAs' money, each row under a label, and every actor."""
    years = {
        "own": ProgrammeYearFactory(local_authority=lea),
        "other": ProgrammeYearFactory(local_authority=other_lea),
    }
    participations = {
        "own": ParticipationFactory(programme_year=years["own"], school=school),
        "sibling": ParticipationFactory(programme_year=years["own"], school=sibling_school),
        "foreign": ParticipationFactory(programme_year=years["other"], school=foreign_school),
    }
    foreign_school.number_on_roll = 200
    foreign_school.save()
    places = {
        "leas": {"own": lea, "other": other_lea},
        "schools": {"own": school, "sibling": sibling_school, "foreign": foreign_school},
        "participations": participations,
    }
    actors = {name: make_actor(name, places) for name in ALL_ACTORS}

    rows = {model: {} for model in EXPECTED}
    for side, year in years.items():
        rows[FundingRates][side] = FundingRatesFactory(programme_year=year)
        rows[Budget][side] = BudgetFactory(programme_year=year)
    for label, participation in participations.items():
        grant_compute(participation=participation)
        rows[Grant][label] = Grant.objects.get(participation=participation)
        rows[ExpenditureReturn][label] = ExpenditureReturnFactory(participation=participation)
        rows[Payment][f"{label}_grant"] = PaymentFactory(participation=participation)
    for side, label in (("own", "sibling"), ("other", "foreign")):
        rows[BudgetOverride][side] = BudgetOverride.objects.create(
            programme_year=years[side],
            participation=participations[label],
            committed_before=Decimal("98000.00"),
            grant_total=rows[Grant][label].total,
            budget=Decimal("100000.00"),
            reason="The last school of the cluster.",
            at=timezone.now(),
        )
    allocations = {
        "own": participations["own"].allocations.get(adviser__user=actors["pscl"]),
        # The sibling school's PSCL is someone else, paid for their own days.
        "sibling": AllocationFactory(participation=participations["sibling"]),
        "foreign": participations["foreign"].allocations.get(adviser__user=actors["other_pscl"]),
    }
    for label, allocation in allocations.items():
        rows[Payment][f"{label}_pscl"] = PaymentFactory(
            participation=allocation.participation,
            pscl=True,
            allocation=allocation,
            due_on=datetime.date(2004, 12, 17),
        )
    return actors, rows


def seen(model, user, rows):
    """The labels of the rows of `model` that `user` sees, and how many rows came back."""
    labels = {obj.pk: label for label, obj in rows[model].items()}
    found = list(model.objects.visible_to(user).values_list("pk", flat=True))
    return {labels[pk] for pk in found if pk in labels}, len(found)


@pytest.mark.parametrize("model", list(EXPECTED), ids=lambda m: m.__name__)
@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_each_actor_sees_exactly_their_rows_once(model, actor, world):
    actors, rows = world
    labels, count = seen(model, actors[actor], rows)
    expected = EXPECTED[model].get(actor, set())
    assert labels == expected
    assert count == len(expected)


def test_inactive_users_and_the_anonymous_visitor_see_no_money(world):
    actors, _rows = world
    assert INACTIVE
    for name in (*INACTIVE, "anonymous"):
        for model in EXPECTED:
            assert not model.objects.visible_to(actors[name]).exists(), (name, model)


def test_a_pscl_who_moves_on_no_longer_sees_the_schools_grant_but_keeps_their_payments(world):
    """A PSCL's payments follow the adviser, not the current allocation to the school."""
    actors, rows = world
    allocation = rows[Payment]["own_pscl"].allocation
    type(allocation).objects.filter(pk=allocation.pk).update(
        status=AllocationStatus.ENDED,
        ended_on=datetime.date(2004, 12, 20),
        end_reason="Moved to another LEA.",
    )
    labels, _count = seen(Payment, actors["pscl"], rows)
    assert labels == {"own_pscl"}
    assert not Grant.objects.visible_to(actors["pscl"]).exists()
