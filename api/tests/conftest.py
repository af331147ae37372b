"""The API tests' world: two LEAs with a programme year each; `school` and `sibling_school` of
the own LEA and `foreign_school` of the other take part, each with its PSCL, a submitted visit
and a draft, an action plan with a review, results, value added and a done governor report; and
a queued governor report of `school`. The actors of tests/actors.py, each placed in it."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from consultants.factories import (
    AdviserFactory,
    AllocationFactory,
    AttachmentFactory,
    LinkAdviserFactory,
    VisitFactory,
)
from consultants.models import Allocation, VisitStatus
from leadership.factories import (
    ActionPlanFactory,
    ParticipationFactory,
    PlanReviewFactory,
    ProgrammeYearFactory,
)
from leadership.models import ParticipationStatus
from reports.factories import ReportRunFactory
from reports.tests.test_runs_views import done_run
from schools.factories import KeyStageResultFactory, SchoolFactory, ValueAddedFactory
from tests.actors import ACTORS, make_actor

#: The schools of the world by key, and the side (LEA) of each.
SIDES = {"own": "own", "sibling": "own", "foreign": "other"}


@dataclass
class World:
    leas: dict
    schools: dict
    years: dict
    participations: dict
    allocations: dict = field(default_factory=dict)
    visits: dict = field(default_factory=dict)
    plans: dict = field(default_factory=dict)
    reviews: dict = field(default_factory=dict)
    runs: dict = field(default_factory=dict)

    def places(self):
        return {"leas": self.leas, "schools": self.schools, "participations": self.participations}


def allocation_of(participation, lea) -> Allocation:
    """The participation's current allocation, or a new one to a PSCL of the LEA made for it."""
    current = Allocation.objects.current().filter(participation=participation).first()
    if current is not None:
        return current
    adviser = AdviserFactory(local_authority=lea, home_school=None)
    return AllocationFactory(adviser=adviser, participation=participation)


def populate(world: World, actor, side) -> World:
    """Everything but the places, after the actor of `side` (a PSCL actor is allocated to its
    side's school first, so that the visits there are theirs)."""
    for key, school in world.schools.items():
        lea = world.leas[SIDES[key]]
        participation = world.participations[key]
        allocation = allocation_of(participation, lea)
        world.allocations[key] = allocation
        world.visits[f"{key}_submitted"] = VisitFactory(allocation=allocation)
        world.visits[f"{key}_draft"] = VisitFactory(
            allocation=allocation, status=VisitStatus.DRAFT, visit_on=datetime.date(2004, 11, 2)
        )
        world.plans[key] = ActionPlanFactory(participation=participation)
        world.reviews[key] = PlanReviewFactory(plan=world.plans[key])
        KeyStageResultFactory(school=school, year=2004)
        ValueAddedFactory(school=school, year=2004, score=Decimal("98.5"), grade=5)
        world.runs[key] = done_run(programme_year=world.years[SIDES[key]], school=school)
    world.runs["queued_own"] = ReportRunFactory(
        programme_year=world.years["own"], school=world.schools["own"], term="SPRING"
    )
    if actor.is_authenticated and actor.role == Role.LINK_ADVISER:
        # The link adviser of their side's school reads its visit notes (docs/decisions/006).
        school = world.schools["own" if side == "own" else "foreign"]
        adviser = LinkAdviserFactory(local_authority=school.local_authority, user=actor)
        AttachmentFactory(adviser=adviser, school=school)
    return world


def fill_programme_year(year, n):
    """`n` schools of the year's LEA taking part, each with everything the lists show."""
    lea = year.local_authority
    for _ in range(n):
        school = SchoolFactory(local_authority=lea)
        KeyStageResultFactory(school=school, year=2004)
        ValueAddedFactory(school=school, year=2004)
        participation = ParticipationFactory(programme_year=year, school=school)
        allocation = AllocationFactory(
            adviser=AdviserFactory(local_authority=lea, home_school=None),
            participation=participation,
        )
        VisitFactory(allocation=allocation)
        PlanReviewFactory(plan=ActionPlanFactory(participation=participation))
        done_run(programme_year=year, school=school)


@pytest.fixture
def base_world(lea, other_lea, school, sibling_school, foreign_school):
    years = {
        "own": ProgrammeYearFactory(local_authority=lea),
        "other": ProgrammeYearFactory(local_authority=other_lea),
    }
    schools = {"own": school, "sibling": sibling_school, "foreign": foreign_school}
    participations = {
        key: ParticipationFactory(
            programme_year=years[SIDES[key]], school=s, status=ParticipationStatus.ACTIVE
        )
        for key, s in schools.items()
    }
    return World(
        leas={"own": lea, "other": other_lea},
        schools=schools,
        years=years,
        participations=participations,
    )


@pytest.fixture
def world_for(base_world):
    """`world_for(name)`: the actor `name` (tests/actors.py) and the world around them."""

    def build(name):
        actor = make_actor(name, base_world.places())
        return actor, populate(base_world, actor, ACTORS[name][1])

    return build


@pytest.fixture
def api_client_for():
    """An API client signed in (session) as the given user, or anonymous for None."""

    def _client(user=None):
        client = APIClient()
        if user is not None and user.is_authenticated:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _client
