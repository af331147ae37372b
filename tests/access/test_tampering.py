"""Tampering (issue 8, item 4): a user who edits a form by hand, putting another school's or the
other LEA's record in a field, posting to a record out of their scope, or posting a form their
role may not use, is refused (a message by the field, 403 or 404) and nothing in the database
changes.

The world is the access tests' (tests/access/world.py): on each side an LEA's school, its
participation, PSCL, plan, money and reports; the actors are the own side's people. A
fingerprint of the database (the row count of every table, and a hash of the rows of the tables
the case touches) is taken before and after each post.
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse

from leadership.models import LeadershipTeamMember
from reports.models import NotificationPreference

from .world import build_world

pytestmark = pytest.mark.django_db

#: Tables that a refused request may write to by design: sign-in and session bookkeeping, and
#: the audit log of refusals.
NOT_FINGERPRINTED_APPS = frozenset({"sessions", "axes", "audit", "admin", "otp_totp", "otp_static"})
#: Read logs: a page shown again with its errors records that its performance data was seen.
NOT_FINGERPRINTED_MODELS = frozenset({"schools.PerformanceDataView"})


def db_fingerprint(watched: tuple[str, ...] = ()) -> dict:
    """The row count of every table, and a hash of every row of the `watched` models (by
    label), so that a changed value shows as well as an added or removed row."""
    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy
        and model._meta.managed
        and model._meta.app_label not in NOT_FINGERPRINTED_APPS
        and model._meta.label not in NOT_FINGERPRINTED_MODELS
    }
    rows = {}
    for label in watched:
        model = apps.get_model(label)
        values = list(model._base_manager.order_by("pk").values_list())
        rows[label] = hashlib.sha256(repr(values).encode()).hexdigest()
    return {"counts": counts, "rows": rows}


def changed(before: dict, after: dict) -> list[str]:
    return [
        f"{kind} {label}"
        for kind in ("counts", "rows")
        for label in before[kind]
        if before[kind][label] != after[kind].get(label)
    ]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The access tests' world, built once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def _pk(world, kind, relation="other"):
    obj = world.get(kind, relation)
    return (obj[1] if isinstance(obj, tuple) else obj).pk


def _date(prefix: str, day: datetime.date) -> dict:
    """A GOV.UK date input's three fields."""
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


@dataclass(frozen=True)
class Case:
    """One tampered post: who posts, where, what, and which tables it would change."""

    actor: str
    url: Callable
    data: Callable = lambda world: {}
    watched: tuple[str, ...] = ()
    api: bool = False
    method: str = "post"
    extra: dict = field(default_factory=dict)


SCHOOL_VISIT = {
    "purpose": "See their phonics teaching",
    "days": "1.0",
    **_date("visited_on", datetime.date(2004, 11, 17)),
}

#: Each case by name: "<what is tampered>".
CASES = {
    # Another LEA's record chosen in a field of a form of this LEA's.
    "match: the other LEA's PSCL to this LEA's school": Case(
        "manager",
        lambda w: reverse("consultants:match_suggestions", args=[_pk(w, "participation", "own")]),
        lambda w: {"adviser": _pk(w, "adviser"), "planned_days": "4"},
        ("consultants.Allocation",),
    ),
    "invite: the other LEA's school": Case(
        "manager",
        lambda w: reverse("leadership:selection", args=[_pk(w, "programme_year", "own")]),
        lambda w: {"schools": [_pk(w, "school")]},
        ("leadership.Participation",),
    ),
    "school visit: the other school's team members went": Case(
        "headteacher",
        lambda w: reverse("leadership:school_visit_add", args=[_pk(w, "participation", "own")]),
        lambda w: {
            **SCHOOL_VISIT,
            "host_school": w.get("school", "sibling").urn,
            "members": [_pk(w, "team_member")],
        },
        ("leadership.SchoolVisit",),
    ),
    "governor report: the other LEA's school": Case(
        "manager",
        lambda w: reverse("reports:request_governor"),
        lambda w: {
            "programme_year": _pk(w, "programme_year", "own"),
            "school": _pk(w, "school"),
            "term": "AUTUMN",
            "idempotency_key": "7b0c8a64-5b8e-4c54-9a0b-7f3a00000001",
        },
        ("reports.ReportRun",),
    ),
    "governor report: the other LEA's programme year": Case(
        "manager",
        lambda w: reverse("reports:request_governor"),
        lambda w: {
            "programme_year": _pk(w, "programme_year"),
            "school": _pk(w, "school"),
            "term": "AUTUMN",
            "idempotency_key": "7b0c8a64-5b8e-4c54-9a0b-7f3a00000002",
        },
        ("reports.ReportRun",),
    ),
    "report batch: the other LEA's programme year": Case(
        "manager",
        lambda w: reverse("reports:batch_start"),
        lambda w: {
            "programme_year": _pk(w, "programme_year"),
            "term": "AUTUMN",
            "idempotency_key": "7b0c8a64-5b8e-4c54-9a0b-7f3a00000003",
        },
        ("reports.ReportBatch", "reports.ReportRun"),
    ),
    "attach: the other LEA's link adviser to this LEA's school": Case(
        "manager",
        lambda w: reverse("consultants:school_advisers", args=[w.get("school", "own").urn]),
        lambda w: {"adviser": _pk(w, "adviser")},
        ("consultants.Attachment",),
    ),
    "detach: the other LEA's adviser from this LEA's school": Case(
        "manager",
        lambda w: reverse("consultants:school_advisers", args=[w.get("school", "own").urn]),
        lambda w: {"detach": _pk(w, "adviser")},
        ("consultants.Attachment",),
    ),
    # A record of the other LEA in the address of a form.
    "selection flag: the other LEA's school in this LEA's year": Case(
        "manager",
        lambda w: reverse(
            "leadership:selection_flag",
            args=[_pk(w, "programme_year", "own"), w.get("school", "other").urn],
        ),
        lambda w: {"reason": "Tampered"},
        ("leadership.SelectionFlag",),
    ),
    "team member: change the other school's": Case(
        "manager",
        lambda w: reverse("leadership:team_member_edit", args=[_pk(w, "team_member")]),
        lambda w: {"full_name": "Tampered", "role": "DEPUTY", "email": "t@example.org"},
        ("leadership.LeadershipTeamMember",),
    ),
    "school visit: remove the other school's": Case(
        "manager",
        lambda w: reverse("leadership:school_visit_delete", args=[_pk(w, "school_visit")]),
        watched=("leadership.SchoolVisit",),
    ),
    "note: on the other LEA's school": Case(
        "manager",
        lambda w: reverse("leadership:note_add", args=[w.get("school", "other").urn]),
        lambda w: {"text": "Tampered"},
        ("leadership.Note",),
    ),
    "concern: raised on the other LEA's school": Case(
        "link_adviser",
        lambda w: reverse("leadership:concern_raise", args=[w.get("school", "other").urn]),
        lambda w: {"summary": "Tampered", "level": "LEA"},
        ("leadership.Concern",),
    ),
    "judgement: the other LEA's participation": Case(
        "manager",
        lambda w: reverse("leadership:participation_judgement", args=[_pk(w, "participation")]),
        lambda w: {"ofsted_kind": "1"},
        ("leadership.Participation",),
    ),
    "plan review: the other LEA's plan": Case(
        "manager",
        lambda w: reverse("leadership:plan_review_add", args=[_pk(w, "participation")]),
        lambda w: {**_date("reviewed_on", datetime.date(2004, 11, 1)), "notes": "Tampered"},
        ("leadership.PlanReview",),
    ),
    "plan review: this LEA's plan, the other's review": Case(
        "manager",
        lambda w: reverse(
            "leadership:plan_review_change",
            args=[_pk(w, "participation", "own"), _pk(w, "plan_review")],
        ),
        lambda w: {**_date("reviewed_on", datetime.date(2004, 11, 1)), "notes": "Tampered"},
        ("leadership.PlanReview",),
    ),
    "training register: the other LEA's event": Case(
        "manager",
        lambda w: reverse("leadership:training_register", args=[_pk(w, "training_event")]),
        lambda w: {"attended": [_pk(w, "team_member")]},
        ("leadership.TrainingAttendance",),
    ),
    "allocation days: the other LEA's allocation": Case(
        "manager",
        lambda w: reverse("consultants:allocation_days", args=[_pk(w, "allocation")]),
        lambda w: {"planned_days": "9"},
        ("consultants.Allocation",),
    ),
    "capacity: this LEA's PSCL in the other LEA's year": Case(
        "manager",
        lambda w: reverse(
            "consultants:capacity_edit",
            args=[_pk(w, "adviser", "own"), _pk(w, "programme_year")],
        ),
        lambda w: {"max_schools": "9"},
        ("consultants.Capacity",),
    ),
    "application: a step of the other LEA's": Case(
        "manager",
        lambda w: reverse("consultants:application_step", args=[_pk(w, "application")]),
        lambda w: {"to_status": "SHORTLISTED", "notes": "Tampered"},
        ("consultants.Application", "consultants.ApplicationStep"),
    ),
    "rates: the other LEA's year": Case(
        "manager",
        lambda w: reverse("funding:rates_edit", args=[_pk(w, "programme_year")]),
        lambda w: {"supply_day_rate": "1"},
        ("funding.FundingRates",),
    ),
    "budget: the other LEA's year": Case(
        "manager",
        lambda w: reverse("funding:budget_edit", args=[_pk(w, "programme_year")]),
        lambda w: {"amount": "1"},
        ("funding.Budget",),
    ),
    "payments: schedule the other LEA's": Case(
        "manager",
        lambda w: reverse("funding:payments_schedule", args=[_pk(w, "participation")]),
        watched=("funding.Payment",),
    ),
    "payment: mark the other LEA's paid": Case(
        "manager",
        lambda w: reverse("funding:payment_paid", args=[_pk(w, "payment")]),
        lambda w: {**_date("paid_on", datetime.date(2004, 11, 1))},
        ("funding.Payment",),
    ),
    "return evidence: remove the other LEA's": Case(
        "headteacher",
        lambda w: reverse("funding:return_evidence_remove", args=[_pk(w, "evidence")]),
        watched=("funding.ReturnEvidence",),
    ),
    "return: decide the other LEA's": Case(
        "manager",
        lambda w: reverse("funding:return_decide", args=[_pk(w, "participation")]),
        lambda w: {"decision": "APPROVE"},
        ("funding.ExpenditureReturn",),
    ),
    # Forms the role may not use on its own records.
    "governor: add a team member (headteacher's form)": Case(
        "governor",
        lambda w: reverse("leadership:team_member_add", args=[_pk(w, "participation", "own")]),
        lambda w: {"full_name": "Tampered", "role": "DEPUTY", "email": "t@example.org"},
        ("leadership.LeadershipTeamMember",),
    ),
    "headteacher: judge the school": Case(
        "headteacher",
        lambda w: reverse(
            "leadership:participation_judgement", args=[_pk(w, "participation", "own")]
        ),
        lambda w: {"ofsted_kind": "3"},
        ("leadership.Participation",),
    ),
    "headteacher: approve the school's own return": Case(
        "headteacher",
        lambda w: reverse("funding:return_decide", args=[_pk(w, "participation", "own")]),
        lambda w: {"decision": "APPROVE", "status": "APPROVED", "approved": "on"},
        ("funding.ExpenditureReturn",),
    ),
    "headteacher: move the school's place": Case(
        "headteacher",
        lambda w: reverse(
            "leadership:participation_move", args=[_pk(w, "participation", "own"), "WITHDRAWN"]
        ),
        lambda w: {"reason": "Tampered"},
        ("leadership.Participation",),
    ),
    "pscl: change the days of their own allocation": Case(
        "pscl",
        lambda w: reverse("consultants:allocation_days", args=[_pk(w, "allocation", "own")]),
        lambda w: {"planned_days": "10", "days": "10"},
        ("consultants.Allocation",),
    ),
    "pscl: the rates of the year": Case(
        "pscl",
        lambda w: reverse("funding:rates_edit", args=[_pk(w, "programme_year", "own")]),
        lambda w: {"supply_day_rate": "1"},
        ("funding.FundingRates",),
    ),
    "link adviser: start a report batch": Case(
        "link_adviser",
        lambda w: reverse("reports:batch_start"),
        lambda w: {
            "programme_year": _pk(w, "programme_year", "own"),
            "term": "AUTUMN",
            "idempotency_key": "7b0c8a64-5b8e-4c54-9a0b-7f3a00000004",
        },
        ("reports.ReportBatch", "reports.ReportRun"),
    ),
    # The API's writes with the other LEA's records.
    "api visit: log one on the other LEA's allocation": Case(
        "pscl",
        lambda w: "/api/visits/",
        lambda w: {
            "allocation": _pk(w, "allocation"),
            "action": "plan",
            "visit_on": "2004-12-06",
            "purpose": "Tampered",
        },
        ("consultants.Visit",),
        api=True,
    ),
    "api visit: change the other LEA's": Case(
        "pscl",
        lambda w: f"/api/visits/{_pk(w, 'submitted_visit')}/",
        lambda w: {"visit_on": "2004-12-06", "notes": "Tampered"},
        ("consultants.Visit",),
        api=True,
        method="patch",
    ),
    "api visit: another visit's agreed action in this PSCL's visit": Case(
        "pscl",
        lambda w: f"/api/visits/{_pk(w, 'submitted_visit', 'own')}/",
        lambda w: {
            "visit_on": str(w.get("submitted_visit", "own").visit_on),
            "agreed_actions": [{"id": _pk(w, "agreed_action"), "who": "X", "what": "Tampered"}],
        },
        ("consultants.Visit", "consultants.AgreedAction"),
        api=True,
        method="patch",
    ),
    "api plan review: the other LEA's plan": Case(
        "manager",
        lambda w: "/api/plan-reviews/",
        lambda w: {
            "plan": w.get("plan_review", "other")[1].plan_id,
            "reviewed_on": "2004-11-01",
            "progress": "ON_TRACK",
            "notes": "Tampered",
        },
        ("leadership.PlanReview",),
        api=True,
    ),
    "api plan review: change the other LEA's": Case(
        "manager",
        lambda w: f"/api/plan-reviews/{_pk(w, 'plan_review')}/",
        lambda w: {"notes": "Tampered"},
        ("leadership.PlanReview",),
        api=True,
        method="patch",
    ),
}


def _refused(response) -> bool:
    """A 400 (API), 403 or 404, or the form shown again with its errors (GOV.UK error
    summary): never a redirect, which is how every form here says it saved."""
    if response.status_code in (400, 403, 404, 405):
        return True
    return response.status_code == 200 and b"govuk-error-summary" in response.content


@pytest.mark.parametrize("name", CASES)
def test_tampered_post_is_refused_and_changes_nothing(name, world, client_for):
    case = CASES[name]
    client = client_for(world.users[case.actor])
    client.raise_request_exception = False
    url, data = case.url(world), case.data(world)
    before = db_fingerprint(case.watched)
    if case.api:
        response = getattr(client, case.method)(
            url, data=json.dumps(data), content_type="application/json"
        )
    else:
        response = getattr(client, case.method)(url, data=data)
    assert response.status_code < 500, response.content[:2000]
    assert _refused(response), (response.status_code, response.get("Location"))
    assert changed(before, db_fingerprint(case.watched)) == []


def test_fields_a_form_does_not_take_are_ignored(world, client_for):
    """A headteacher adding a member to their own school's team, with the other LEA's
    participation, a programme year and an LEA added to the post: the member joins their own
    team, and the other school's team and every other user's settings are as they were."""
    client = client_for(world.users["headteacher"])
    own, other = world.get("participation", "own"), world.get("participation", "other")
    other_team = list(LeadershipTeamMember.objects.filter(participation=other).values_list())
    response = client.post(
        reverse("leadership:team_member_add", args=[own.pk]),
        {
            "full_name": "Ava Hughes",
            "role": "DEPUTY",
            "email": "ava.hughes@example.org",
            "participation": other.pk,
            "programme_year": world.get("programme_year", "other").pk,
            "local_authority": world.leas["other"].pk,
        },
    )
    assert response.status_code == 302
    member = LeadershipTeamMember.objects.get(full_name="Ava Hughes")
    assert member.participation_id == own.pk
    assert list(LeadershipTeamMember.objects.filter(participation=other).values_list()) == (
        other_team
    )


def test_a_notification_preference_is_only_ever_the_users_own(world, client_for):
    """The preference form with another user's id added: the poster's own preference changes,
    the other user's does not."""
    manager = world.users["manager"]
    other_user = world.users["link_adviser"]
    client = client_for(manager)
    response = client.post(
        reverse("reports:notification_preferences"),
        {"frequency": "WEEKLY", "user": other_user.pk, "user_id": other_user.pk},
    )
    assert response.status_code in (200, 302)
    assert not NotificationPreference.objects.filter(user=other_user, frequency="WEEKLY").exists()


def test_the_same_report_request_with_this_leas_school_is_made(world, client_for):
    """The control of the report cases: the same post, with this LEA's school, makes a run, so
    their refusal is the other LEA's school's doing and not a field left out."""
    from reports.models import ReportRun

    case = CASES["governor report: the other LEA's school"]
    data = {**case.data(world), "school": _pk(world, "school", "own")}
    data["idempotency_key"] = "7b0c8a64-5b8e-4c54-9a0b-7f3a00000009"
    before = ReportRun.objects.count()
    response = client_for(world.users["manager"]).post(case.url(world), data)
    assert response.status_code == 302
    assert ReportRun.objects.count() == before + 1
