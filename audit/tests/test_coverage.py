"""Every audited model keeps a history, and every way of changing one records who did it: the
services (as a page or the API calls them), the page forms, the Django admin's save and its bulk
actions, deletions included."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import RequestFactory
from django.urls import reverse
from simple_history.models import HistoricalChanges

from accounts.models import Role
from audit.selectors import TRACKED
from consultants.models import AgreedAction, Allocation, Visit
from consultants.services.allocations import allocation_change_days
from consultants.services.visits import agreed_action_mark_done
from funding.models import (
    CoverClaim,
    ExpenditureReturn,
    Grant,
    OtherSpending,
    Payment,
    ReturnStatus,
)
from funding.services.grants import rates_update
from funding.services.payments import payment_cancel, payment_mark_paid
from funding.services.returns import SpendingLine, return_save, return_submit
from leadership.factories import LeadershipTeamMemberFactory
from leadership.models import (
    Action,
    ActionPlan,
    ActionStatus,
    OfstedKind,
    Participation,
    PlanPriority,
    PlanReview,
    PriorityArea,
    ReviewProgress,
    SuccessCriterion,
)
from leadership.services.plans import (
    action_plan_update,
    action_set_status,
    plan_priority_delete,
    plan_priority_update,
    plan_review_create,
    success_criterion_update,
)
from leadership.services.programme import participation_update_judgement
from tests.test_admin import change_page_data

from .records import acting_as, every_kind

pytestmark = pytest.mark.django_db

#: The models issue 8 (item 7) names: participations, allocations, visits and their agreed
#: actions, action plans with their priorities, criteria, actions and reviews, grants,
#: payments, and expenditure returns with their cover claims and other spending.
AUDITED = {
    Participation,
    Allocation,
    Visit,
    AgreedAction,
    ActionPlan,
    PlanPriority,
    SuccessCriterion,
    Action,
    PlanReview,
    Grant,
    Payment,
    ExpenditureReturn,
    CoverClaim,
    OtherSpending,
}


def _latest(obj_or_model, pk=None):
    model = obj_or_model if pk is not None else type(obj_or_model)
    pk = pk if pk is not None else obj_or_model.pk
    return model.history.filter(id=pk).order_by("-history_id").first()


def test_every_audited_model_keeps_a_history_and_the_audit_pages_read_each():
    assert {tracked.model for tracked in TRACKED} == AUDITED
    for model in AUDITED:
        assert issubclass(model.history.model, HistoricalChanges), model


# Services ----------------------------------------------------------------------------------


def test_each_service_change_is_recorded_with_the_user_who_made_it(users, school):
    records = every_kind(school)
    manager = users[Role.MANAGER]
    member = LeadershipTeamMemberFactory(participation=records["participation"])
    with acting_as(manager):
        participation_update_judgement(
            participation=records["participation"],
            ofsted_kind=OfstedKind.WEAK_HEADTEACHER,
            is_not_yet_progressing=True,
            by=manager,
        )
        allocation_change_days(
            allocation=records["allocation"], planned_days=Decimal("5.0"), by=manager,
            accept_over_capacity=True,
        )  # fmt: skip
        action_plan_update(plan=records["action_plan"], summary="Raise KS2 writing.")
        plan_priority_update(
            priority=records["plan_priority"], area=PriorityArea.MATHS, title="Maths at KS2"
        )
        success_criterion_update(
            criterion=records["success_criterion"], description="80% at Level 4 in maths"
        )
        action_set_status(action=records["plan_action"], status=ActionStatus.DONE)
        review = plan_review_create(
            plan=records["action_plan"], reviewed_on=datetime.date(2004, 11, 20),
            progress=ReviewProgress.GREEN, notes="On track.", reviewed_by=manager,
        )  # fmt: skip
        rates_update(
            programme_year=records["participation"].programme_year,
            values={"daily_supply_rate": Decimal("175.00")},
        )
        payment_mark_paid(payment=records["payment"], paid_on=datetime.date(2004, 10, 4))
        cancelled = type(records["payment"]).objects.create(
            participation=records["participation"], kind="SCHOOL_GRANT", payee="SCHOOL",
            payee_name="Millfield", amount=Decimal("10.00"), due_on=datetime.date(2005, 1, 1),
        )  # fmt: skip
        payment_cancel(payment=cancelled, reason="Scheduled twice.")
        return_save(
            participation=records["participation"],
            cover_days={member.pk: Decimal("4.0")},
            travel_spent=Decimal("60.00"),
            other_spending=[SpendingLine("TRAINING", "Course fees", Decimal("90.00"))],
        )
        return_submit(participation=records["participation"], by=manager)
    with acting_as(users[Role.HEADTEACHER]):
        agreed_action_mark_done(
            action=records["agreed_action"], by=users[Role.HEADTEACHER],
            done_on=datetime.date(2004, 11, 1),
        )  # fmt: skip

    changed = [
        records["participation"],
        records["allocation"],
        records["action_plan"],
        records["plan_priority"],
        records["success_criterion"],
        records["plan_action"],
        review,
        Grant.objects.get(participation=records["participation"]),
        records["payment"],
        cancelled,
        ExpenditureReturn.objects.get(participation=records["participation"]),
        CoverClaim.objects.get(member=member),
        OtherSpending.objects.get(description="Course fees"),
    ]
    for obj in changed:
        assert _latest(obj).history_user == manager, type(obj).__name__
    assert _latest(records["agreed_action"]).history_user == users[Role.HEADTEACHER]
    # The spending lines that return_save replaced are deleted through the model: kept as '-'.
    deleted = _latest(OtherSpending, pk=records["other_spending"].pk)
    assert (deleted.history_type, deleted.history_user) == ("-", manager)
    assert ExpenditureReturn.objects.get().status == ReturnStatus.SUBMITTED


def test_a_service_deletion_records_the_deleted_record_and_its_cascade(users, school):
    records = every_kind(school)
    pks = {key: records[key].pk for key in ("plan_priority", "success_criterion", "plan_action")}
    with acting_as(users[Role.MANAGER]):
        plan_priority_delete(priority=records["plan_priority"])
    for key, model in (
        ("plan_priority", PlanPriority),
        ("success_criterion", SuccessCriterion),
        ("plan_action", Action),
    ):
        last = _latest(model, pk=pks[key])
        assert (last.history_type, last.history_user) == ("-", users[Role.MANAGER]), key


# Page forms --------------------------------------------------------------------------------


def test_a_page_form_records_the_signed_in_user(users, school, client_for):
    records = every_kind(school)
    participation = records["participation"]
    client = client_for(users[Role.MANAGER])

    response = client.post(
        reverse("leadership:participation_judgement", args=[participation.pk]),
        {"ofsted_kind": OfstedKind.NEW_HEADTEACHER, "is_not_yet_progressing": "on"},
    )

    assert response.status_code == 302
    last = _latest(participation)
    assert (last.history_type, last.history_user) == ("~", users[Role.MANAGER])
    assert last.ofsted_kind == OfstedKind.NEW_HEADTEACHER


def test_a_payment_marked_paid_on_its_page_records_the_manager(users, school, client_for):
    records = every_kind(school)
    payment = records["payment"]

    response = client_for(users[Role.MANAGER]).post(
        reverse("funding:payment_paid", args=[payment.pk]),
        {"paid_on_0": "4", "paid_on_1": "10", "paid_on_2": "2004", "reference": "BACS 1"},
    )

    assert response.status_code == 302
    last = _latest(payment)
    assert (last.status, last.history_user) == ("PAID", users[Role.MANAGER])


# Django admin ------------------------------------------------------------------------------

EDITABLE_IN_ADMIN = [tracked for tracked in TRACKED if tracked.model is not Grant]


@pytest.mark.parametrize("tracked", EDITABLE_IN_ADMIN, ids=lambda tracked: tracked.kind)
def test_saving_in_the_django_admin_records_the_admin(tracked, users, school, client_for):
    obj = every_kind(school)[tracked.kind]
    client = client_for(users[Role.ADMIN])
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])

    response = client.post(url, change_page_data(client.get(url)))

    assert response.status_code == 302
    last = _latest(obj)
    assert (last.history_type, last.history_user) == ("~", users[Role.ADMIN])


@pytest.mark.parametrize(
    "model", [OtherSpending, CoverClaim, AgreedAction, SuccessCriterion, Action, PlanReview]
)
def test_the_admins_bulk_delete_records_each_deletion_with_the_admin(
    model, users, school, foreign_school, client_for
):
    kind = next(tracked.kind for tracked in TRACKED if tracked.model is model)
    objs = [every_kind(school)[kind], every_kind(foreign_school)[kind]]
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = client_for(users[Role.ADMIN]).post(
        url,
        {
            "action": "delete_selected",
            ACTION_CHECKBOX_NAME: [obj.pk for obj in objs],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not model.objects.filter(pk__in=[obj.pk for obj in objs]).exists()
    for obj in objs:
        last = _latest(model, pk=obj.pk)
        assert (last.history_type, last.history_user) == ("-", users[Role.ADMIN])


def test_no_admin_action_on_an_audited_model_bypasses_its_history(users):
    """The only bulk action on the audited models is Django's delete, which deletes through
    the model (each row's post_delete records it). A new action must save each object or use
    simple_history's bulk_update_with_history, and be added here with a test of its own."""
    request = RequestFactory().get("/")
    request.user = users[Role.ADMIN]
    for model in AUDITED:
        actions = set(admin.site._registry[model].get_actions(request))
        assert actions <= {"delete_selected"}, (model.__name__, actions)
