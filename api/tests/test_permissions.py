"""Who reads what through the API (issue 7, item 6), for every actor of tests/actors.py and
every endpoint: each list holds exactly the rows of the actor's scope, as on the pages; a row
out of scope is 404 on its own address; an anonymous or deactivated user gets 401."""

from decimal import Decimal

import pytest
from django.urls import reverse

from schools.models import KeyStage2Progress
from tests.actors import ACTORS, LEAS_SEEN, SCHOOLS_SEEN

pytestmark = pytest.mark.django_db

#: The visits whose notes each actor reads (docs/decisions/006): a PSCL their own, drafts
#: included; a link adviser the submitted ones of the school they are attached to; a strategy
#: manager the LEA's submitted ones; an admin all; headteachers and governors none.
VISITS_SEEN = {
    "admin": {f"{s}_{k}" for s in ("own", "sibling", "foreign") for k in ("submitted", "draft")},
    "manager": {"own_submitted", "sibling_submitted"},
    "link_adviser": {"own_submitted"},
    "pscl": {"own_submitted", "own_draft"},
    "headteacher": set(),
    "governor": set(),
    "other_manager": {"foreign_submitted"},
    "other_link_adviser": {"foreign_submitted"},
    "other_pscl": {"foreign_submitted", "foreign_draft"},
    "other_headteacher": set(),
    "other_governor": set(),
}

#: The report runs each actor may open (reports/tests/test_report_permissions.py): the done
#: governor reports of their scope; strategy managers and admins the queued one as well.
RUNS_SEEN = {
    "admin": {"own", "sibling", "foreign", "queued_own"},
    "manager": {"own", "sibling", "queued_own"},
    "link_adviser": {"own", "sibling"},
    "pscl": {"own"},
    "headteacher": {"own"},
    "governor": {"own"},
    **{f"other_{role}": {"foreign"} for role in ("manager", "link_adviser", "pscl")},
    "other_headteacher": {"foreign"},
    "other_governor": {"foreign"},
}


def _endpoints(world):
    """Each endpoint: (its URL name, the objects by key, the key of an object in the API's id
    field, and how each actor's expected keys are found)."""
    return {
        "lea": (world.leas, "id", lambda name: LEAS_SEEN[name]),
        "school": (world.schools, "urn", lambda name: SCHOOLS_SEEN[name]),
        "programme-year": (world.years, "id", lambda name: LEAS_SEEN[name]),
        "participation": (world.participations, "id", lambda name: SCHOOLS_SEEN[name]),
        "allocation": (world.allocations, "id", lambda name: SCHOOLS_SEEN[name]),
        "visit": (world.visits, "id", lambda name: VISITS_SEEN[name]),
        "plan-review": (world.reviews, "id", lambda name: SCHOOLS_SEEN[name]),
        "report-run": (world.runs, "id", lambda name: RUNS_SEEN[name]),
    }


def _signed_in(name) -> bool:
    role, _side, is_active = ACTORS[name]
    return role is not None and is_active


@pytest.mark.parametrize("name", list(ACTORS))
def test_every_endpoint_answers_each_actor_with_their_scope(name, world_for, api_client_for):
    actor, world = world_for(name)
    client = api_client_for(actor)

    for endpoint, (objects, id_field, seen) in _endpoints(world).items():
        keys_by_id = {
            getattr(obj, "urn" if id_field == "urn" else "pk"): k for k, obj in objects.items()
        }
        listing = client.get(reverse(f"api:{endpoint}-list"), {"page_size": 200})
        if not _signed_in(name):
            assert listing.status_code == 401, endpoint
            continue
        assert listing.status_code == 200, endpoint
        listed = {
            keys_by_id.get(row[id_field], f"unknown {row[id_field]}")
            for row in listing.json()["results"]
        }
        assert listed == seen(name), endpoint
        for key, obj in objects.items():
            detail = client.get(reverse(f"api:{endpoint}-detail", args=[getattr(obj, id_field)]))
            assert detail.status_code == (200 if key in seen(name) else 404), (endpoint, key)


@pytest.mark.parametrize("name", [n for n in ACTORS if not _signed_in(n)])
def test_anonymous_and_deactivated_users_may_not_write(name, world_for, api_client_for):
    actor, world = world_for(name)
    client = api_client_for(actor)

    visit = client.post(
        reverse("api:visit-list"),
        {"allocation": world.allocations["own"].pk, "visit_on": "2004-10-12"},
        format="json",
    )
    review = client.patch(
        reverse("api:plan-review-detail", args=[world.reviews["own"].pk]),
        {"notes": "Changed."},
        format="json",
    )

    assert (visit.status_code, review.status_code) == (401, 401)


def test_a_report_run_gives_the_addresses_of_its_page_and_pdf_not_its_body(
    world_for, api_client_for
):
    actor, world = world_for("manager")
    client = api_client_for(actor)

    done = client.get(reverse("api:report-run-detail", args=[world.runs["own"].pk])).json()
    queued = client.get(reverse("api:report-run-detail", args=[world.runs["queued_own"].pk])).json()

    assert "html" not in done
    assert done["page_url"].endswith(reverse("reports:run_detail", args=[world.runs["own"].pk]))
    assert done["pdf_url"].endswith(reverse("reports:run_pdf", args=[world.runs["own"].pk]))
    assert queued["pdf_url"] is None


def test_a_school_comes_with_its_results_value_added_and_progress_scores(world_for, api_client_for):
    actor, world = world_for("headteacher")
    KeyStage2Progress.objects.create(
        school=world.schools["own"], year=2019, reading_progress=Decimal("-1.20")
    )

    body = (
        api_client_for(actor)
        .get(reverse("api:school-detail", args=[world.schools["own"].urn]))
        .json()
    )

    assert [(r["year"], r["key_stage"]) for r in body["results"]] == [(2004, 2)]
    assert body["results"][0]["english_percentage"] is not None
    assert body["value_added"] == [{"year": 2004, "score": "98.5", "grade": 5}]
    progress = body["ks2_progress"]
    assert [(p["year"], p["reading_progress"], p["maths_progress"]) for p in progress] == [
        (2019, "-1.20", None)
    ]
