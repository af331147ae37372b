"""Writes through the API (issue 7, item 5): a PSCL plans, drafts, submits and changes their
own visits, and the action plan's editors review it, through the services the pages call; the
same permissions as the pages (404 out of scope, 403 in scope but not theirs to change) and the
services' refusals as 400 with the fields they name."""

import datetime

import pytest
from django.urls import reverse

from consultants.models import Visit, VisitStatus
from leadership.models import PlanReview

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2004, 11, 15)

COMPLETE_NOTE = {
    "visit_on": "2004-11-10",
    "length": "FULL_DAY",
    "kind": "PLANNING",
    "stage": 2,
    "focus": ["ENGLISH"],
    "attendees": "Head and deputy",
    "notes": "Went through the tracking of Year 6 writing.",
    "standards_challenged": True,
    "challenge_detail": "Asked why Year 6 writing is flat.",
    "agreed_actions": [{"who": "Deputy", "what": "Moderate writing", "due_on": "2004-12-03"}],
}


@pytest.fixture(autouse=True)
def _today(settings):
    settings.PLP_TODAY = TODAY


def test_a_pscl_submits_a_visit_to_their_school_through_the_service(world_for, api_client_for):
    pscl, world = world_for("pscl")
    allocation = world.allocations["own"]

    response = api_client_for(pscl).post(
        reverse("api:visit-list"),
        {**COMPLETE_NOTE, "allocation": allocation.pk, "action": "submit"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    visit = Visit.objects.get(pk=response.json()["id"])
    assert (visit.allocation, visit.status, str(visit.days)) == (
        allocation,
        VisitStatus.SUBMITTED,
        "1.00",
    )
    assert visit.submitted_at is not None
    assert [a["what"] for a in response.json()["agreed_actions"]] == ["Moderate writing"]
    assert visit.history.first().history_user == pscl


def test_a_pscl_saves_a_draft_and_plans_a_visit(world_for, api_client_for):
    pscl, world = world_for("pscl")
    client = api_client_for(pscl)
    url = reverse("api:visit-list")
    allocation = world.allocations["own"].pk

    draft = client.post(url, {"allocation": allocation, "visit_on": "2004-11-12"}, format="json")
    planned = client.post(
        url,
        {"allocation": allocation, "visit_on": "2004-12-01", "action": "plan", "purpose": "Review"},
        format="json",
    )

    assert (draft.status_code, draft.json()["status"]) == (201, VisitStatus.DRAFT)
    assert (planned.status_code, planned.json()["status"]) == (201, VisitStatus.PLANNED)
    assert planned.json()["purpose"] == "Review"


@pytest.mark.parametrize("other", ["sibling", "foreign"])
def test_a_pscl_cannot_log_a_visit_on_another_pscls_allocation(other, world_for, api_client_for):
    pscl, world = world_for("pscl")
    before = Visit.objects.count()

    response = api_client_for(pscl).post(
        reverse("api:visit-list"),
        {**COMPLETE_NOTE, "allocation": world.allocations[other].pk, "action": "submit"},
        format="json",
    )

    assert response.status_code == 404
    assert Visit.objects.count() == before


def test_a_strategy_manager_who_sees_the_allocation_may_not_log_its_visits(
    world_for, api_client_for
):
    manager, world = world_for("manager")

    response = api_client_for(manager).post(
        reverse("api:visit-list"),
        {**COMPLETE_NOTE, "allocation": world.allocations["own"].pk, "action": "submit"},
        format="json",
    )

    assert response.status_code == 403


def test_an_incomplete_submission_is_refused_field_by_field(world_for, api_client_for):
    pscl, world = world_for("pscl")
    before = Visit.objects.count()

    response = api_client_for(pscl).post(
        reverse("api:visit-list"),
        {"allocation": world.allocations["own"].pk, "visit_on": "2004-11-10", "action": "submit"},
        format="json",
    )

    assert response.status_code == 400
    assert {"length", "kind", "stage", "standards_challenged"} <= set(response.json())
    assert Visit.objects.count() == before


def test_a_pscl_changes_a_submitted_visit_and_the_change_is_kept(world_for, api_client_for):
    pscl, world = world_for("pscl")
    visit = world.visits["own_submitted"]

    response = api_client_for(pscl).patch(
        reverse("api:visit-detail", args=[visit.pk]),
        {"notes": "Corrected: Year 5 writing, not Year 6."},
        format="json",
    )

    assert response.status_code == 200, response.json()
    visit.refresh_from_db()
    assert visit.notes == "Corrected: Year 5 writing, not Year 6."
    assert visit.status == VisitStatus.SUBMITTED
    assert visit.history.count() >= 2


def test_a_pscl_submits_their_draft(world_for, api_client_for):
    pscl, world = world_for("pscl")
    draft = world.visits["own_draft"]

    response = api_client_for(pscl).put(
        reverse("api:visit-detail", args=[draft.pk]),
        {**COMPLETE_NOTE, "action": "submit"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert draft.status == VisitStatus.SUBMITTED


@pytest.mark.parametrize(("name", "status"), [("manager", 403), ("other_pscl", 404)])
def test_only_the_pscl_changes_their_visit(name, status, world_for, api_client_for):
    actor, world = world_for(name)
    visit = world.visits["own_submitted"]

    response = api_client_for(actor).patch(
        reverse("api:visit-detail", args=[visit.pk]), {"notes": "Not mine."}, format="json"
    )

    assert response.status_code == status
    visit.refresh_from_db()
    assert visit.notes != "Not mine."


REVIEW = {"reviewed_on": "2004-11-12", "progress": "GREEN", "notes": "On track."}


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("headteacher", 201),
        ("pscl", 201),
        ("manager", 201),
        ("admin", 201),
        ("governor", 403),
        ("link_adviser", 403),
        ("other_headteacher", 404),
        ("other_manager", 404),
    ],
)
def test_the_plans_editors_review_it_as_the_plan_page_allows(
    name, status, world_for, api_client_for
):
    actor, world = world_for(name)
    plan = world.plans["own"]
    before = PlanReview.objects.filter(plan=plan).count()

    response = api_client_for(actor).post(
        reverse("api:plan-review-list"), {**REVIEW, "plan": plan.pk}, format="json"
    )

    assert response.status_code == status
    assert PlanReview.objects.filter(plan=plan).count() == before + (status == 201)
    if status == 201:
        review = PlanReview.objects.get(pk=response.json()["id"])
        assert (review.reviewed_by, review.progress) == (actor, "GREEN")


def test_the_headteacher_corrects_a_review(world_for, api_client_for):
    head, world = world_for("headteacher")
    review = world.reviews["own"]

    response = api_client_for(head).patch(
        reverse("api:plan-review-detail", args=[review.pk]), {"progress": "RED"}, format="json"
    )
    empty = api_client_for(head).patch(
        reverse("api:plan-review-detail", args=[review.pk]), {"notes": ""}, format="json"
    )

    assert response.status_code == 200
    assert empty.status_code == 400
    assert "notes" in empty.json()
    review.refresh_from_db()
    assert (review.progress, review.notes != "") == ("RED", True)
