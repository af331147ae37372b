"""The PSCL visits on the school's timeline: submitted visits for note readers, planned visits
for those who see the schedule, never drafts; one query per school; `latest`."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from consultants import timeline as visit_timeline
from consultants.factories import VisitFactory
from consultants.models import VisitStatus
from leadership.timeline import latest_event_at, school_timeline, timeline_kinds

from .test_visits_world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(lea, school, sibling_school, users):
    visit_timeline.register()
    return make_world(lea=lea, school=school, sibling_school=sibling_school, users=users)


@pytest.fixture
def visits(world):
    submitted = VisitFactory(
        allocation=world.allocation,
        stage=4,
        length="HALF_DAY",
        visit_on=datetime.date(2004, 10, 12),
    )
    planned = VisitFactory(
        allocation=world.allocation,
        planned=True,
        purpose="Review the plan",
        visit_on=datetime.date(2004, 11, 9),
    )
    draft = VisitFactory(allocation=world.allocation, status=VisitStatus.DRAFT)
    return submitted, planned, draft


def kinds_of(events):
    return sorted(event.kind for event in events)


def test_registering_adds_the_kinds_once(world):
    visit_timeline.register()
    kinds = dict(timeline_kinds())
    assert kinds["pscl_visit"] == "PSCL visit"
    assert kinds["pscl_visit_planned"] == "Planned PSCL visit"


def test_note_readers_see_submitted_and_planned_visits(world, visits):
    submitted = visits[0]
    for user in (world.users[Role.LINK_ADVISER], world.users[Role.MANAGER], world.pscl.user):
        events = [e for e in school_timeline(world.school, user) if e.kind.startswith("pscl")]
        assert kinds_of(events) == ["pscl_visit", "pscl_visit_planned"]
    event = next(
        e for e in school_timeline(world.school, world.pscl.user) if e.kind == "pscl_visit"
    )
    assert event.title == "PSCL visit: half day, choosing goals"
    assert event.actor == "David Okoro"
    assert event.url == reverse("consultants:visit_detail", args=[submitted.pk])


def test_a_visit_of_some_hours_says_its_hours(world):
    visit = VisitFactory(allocation=world.allocation, length="HOURS", hours=Decimal("2.5"), stage=1)
    assert (
        visit_timeline.visit_title(visit)
        == "PSCL visit: 2.5 hours, exploring problems and opportunities"
    )


def test_the_headteacher_sees_only_the_planned_visit_with_the_note_link(world, visits):
    _, planned, _ = visits
    events = [
        e
        for e in school_timeline(world.school, world.users[Role.HEADTEACHER])
        if e.kind.startswith("pscl")
    ]
    assert kinds_of(events) == ["pscl_visit_planned"]
    assert events[0].url == reverse("consultants:pre_visit_note", args=[planned.pk])
    assert events[0].detail == "Review the plan"


def test_governors_and_unattached_link_advisers_see_no_visit(world, visits):
    for user in (world.users[Role.GOVERNOR], world.unattached_link_user):
        assert not [e for e in school_timeline(world.school, user) if e.kind.startswith("pscl")]


def test_the_source_costs_one_query_whatever_the_number_of_visits(
    world, visits, django_assert_num_queries
):
    user = world.users[Role.MANAGER]
    with django_assert_num_queries(1):
        few = list(visit_timeline.visit_events(world.school, user))
    for day in range(10):
        VisitFactory(allocation=world.allocation, visit_on=datetime.date(2004, 12, 1 + day))
    with django_assert_num_queries(1):
        many = list(visit_timeline.visit_events(world.school, user))
    assert len(many) == len(few) + 10


def test_latest_is_the_last_visit_that_has_happened(world, visits):
    _submitted, _planned, draft = visits
    assert draft.status == VisitStatus.DRAFT
    user = world.users[Role.MANAGER]
    latest = visit_timeline.visit_latest([world.school.pk, world.sibling_school.pk], user)
    # The planned visit (9 November 2004) has come, the draft is not counted.
    assert latest[world.school.pk].date() == datetime.date(2004, 11, 9)
    assert world.sibling_school.pk not in latest
    assert world.school.pk not in visit_timeline.visit_latest(
        [world.school.pk], world.users[Role.GOVERNOR]
    )
    assert latest_event_at([world.school], user)[world.school.pk] >= latest[world.school.pk]
