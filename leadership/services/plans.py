"""Writes of action plans (DOMAIN.md: Action plans): starting a plan, its summary, priorities,
success criteria, actions and reviews.

The views have already checked that the user may edit the plan (`leadership.edit_plan`); these
functions hold the rules that do not depend on who asks: one plan per participation, only for a
school holding a place; an action's owner is a member of the same school's team.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.versioning import new_version
from leadership.models import (
    Action,
    ActionPlan,
    ActionStatus,
    LeadershipTeamMember,
    Participation,
    PlanPriority,
    PlanReview,
    PriorityArea,
    ReviewProgress,
    SuccessCriterion,
)
from leadership.models.programme import PLACE_HOLDING_STATUSES


def plan_contents_changed(*, plan_id: int | None = None, priority_id: int | None = None) -> None:
    """Give the plan (named, or holding the priority) a new `contents_version`, so that the cache
    keeps no check of it from before the change (`leadership.selectors.plans`). Called on every
    save and delete of a priority, success criterion or action (`LeadershipConfig.ready`), in the
    writer's transaction. A bulk write of them (which sends no signal) must call it itself. One
    UPDATE, which leaves no history entry."""
    plans = ActionPlan.objects.all()
    if plan_id is not None:
        plans = plans.filter(pk=plan_id)
    else:
        plans = plans.filter(priorities=priority_id)
    plans.update(contents_version=new_version())


@transaction.atomic
def action_plan_start(*, participation: Participation) -> ActionPlan:
    """The participation's plan, started now if it has none. Starting twice, even at the same
    moment, gives the one plan. Refused (ValidationError) unless the school holds a place."""
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    existing = ActionPlan.objects.filter(participation=participation).first()
    if existing is not None:
        return existing
    if participation.status not in PLACE_HOLDING_STATUSES:
        raise ValidationError(
            "A plan can be started once the school has accepted its place in the programme."
        )
    plan = ActionPlan(participation=participation)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def action_plan_update(*, plan: ActionPlan, summary: str) -> ActionPlan:
    """Change what the plan sets out to change, in brief."""
    plan.summary = summary
    plan.full_clean()
    plan.save(update_fields=["summary", "updated_at"])
    return plan


def _lock_plan(plan_id: int) -> ActionPlan:
    """Hold the plan's row until the transaction ends, so that two people reordering its
    priorities at once take turns."""
    return ActionPlan.objects.select_for_update().get(pk=plan_id)


def _renumber(priorities: list[PlanPriority]) -> None:
    for number, priority in enumerate(priorities, start=1):
        if priority.position != number:
            priority.position = number
            priority.save(update_fields=["position"])


@transaction.atomic
def plan_priority_create(
    *, plan: ActionPlan, area: PriorityArea, title: str, description: str = ""
) -> PlanPriority:
    """Add a priority at the end of the plan. The plan check, not this function, says when a
    plan has more priorities than the year can carry: a school may draft before it focuses."""
    _lock_plan(plan.pk)
    last = plan.priorities.aggregate(last=Max("position"))["last"] or 0
    priority = PlanPriority(
        plan=plan, area=area, title=title, description=description, position=last + 1
    )
    priority.full_clean()
    priority.save()
    return priority


@transaction.atomic
def plan_priority_update(
    *,
    priority: PlanPriority,
    area: PriorityArea,
    title: str,
    description: str = "",
    position: int | None = None,
) -> PlanPriority:
    """Change a priority; with `position` (1 is first), move it there and number the plan's
    priorities 1, 2, 3... in their new order."""
    priority.area = area
    priority.title = title
    priority.description = description
    priority.full_clean()
    priority.save(update_fields=["area", "title", "description"])
    if position is not None:
        _lock_plan(priority.plan_id)
        ordered = list(
            PlanPriority.objects.filter(plan_id=priority.plan_id).order_by("position", "pk")
        )
        moved = next(each for each in ordered if each.pk == priority.pk)
        ordered.remove(moved)
        ordered.insert(min(max(position, 1), len(ordered) + 1) - 1, moved)
        _renumber(ordered)
        priority.position = moved.position
    return priority


@transaction.atomic
def plan_priority_delete(*, priority: PlanPriority) -> None:
    """Remove a priority with its success criteria and actions; the others close up."""
    plan_id = priority.plan_id
    _lock_plan(plan_id)
    priority.delete()
    _renumber(list(PlanPriority.objects.filter(plan_id=plan_id).order_by("position", "pk")))


@transaction.atomic
def success_criterion_create(
    *,
    priority: PlanPriority,
    description: str,
    measure: str = "",
    baseline: Decimal | None = None,
    target_value: Decimal | None = None,
    target_on: date | None = None,
) -> SuccessCriterion:
    """Add a success criterion to a priority. One without a number is kept (the plan check
    flags it), so that a first draft can be saved."""
    criterion = SuccessCriterion(
        priority=priority,
        description=description,
        measure=measure,
        baseline=baseline,
        target_value=target_value,
        target_on=target_on,
    )
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def success_criterion_update(
    *,
    criterion: SuccessCriterion,
    description: str,
    measure: str = "",
    baseline: Decimal | None = None,
    target_value: Decimal | None = None,
    target_on: date | None = None,
) -> SuccessCriterion:
    """Change a success criterion."""
    criterion.description = description
    criterion.measure = measure
    criterion.baseline = baseline
    criterion.target_value = target_value
    criterion.target_on = target_on
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def success_criterion_delete(*, criterion: SuccessCriterion) -> None:
    criterion.delete()


def _check_owner(owner: LeadershipTeamMember | None, priority: PlanPriority) -> None:
    if owner is not None and owner.participation_id != priority.plan.participation_id:
        raise ValidationError({"owner": "Choose a member of this school's leadership team."})


@transaction.atomic
def action_create(
    *,
    priority: PlanPriority,
    description: str,
    due_on: date,
    owner: LeadershipTeamMember | None = None,
    status: ActionStatus = ActionStatus.NOT_STARTED,
) -> Action:
    """Add an action to a priority. Its owner must be a member of the same participation's
    leadership team (ValidationError otherwise, and nothing is saved)."""
    _check_owner(owner, priority)
    action = Action(
        priority=priority, description=description, due_on=due_on, owner=owner, status=status
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    description: str,
    due_on: date,
    owner: LeadershipTeamMember | None = None,
    status: ActionStatus,
) -> Action:
    """Change an action; its owner, as when added, must be on the same school's team."""
    _check_owner(owner, action.priority)
    action.description = description
    action.due_on = due_on
    action.owner = owner
    action.status = status
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_set_status(*, action: Action, status: ActionStatus) -> Action:
    """Mark an action not started, in progress or done."""
    action.status = status
    action.full_clean()
    action.save(update_fields=["status"])
    return action


@transaction.atomic
def action_delete(*, action: Action) -> None:
    action.delete()


@transaction.atomic
def plan_review_create(
    *, plan: ActionPlan, reviewed_on: date, progress: ReviewProgress, notes: str, reviewed_by
) -> PlanReview:
    """Record a review of the plan by `reviewed_by` (the signed-in user)."""
    review = PlanReview(
        plan=plan,
        reviewed_on=reviewed_on,
        progress=progress,
        notes=notes,
        reviewed_by=reviewed_by,
    )
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def plan_review_update(
    *, review: PlanReview, reviewed_on: date, progress: ReviewProgress, notes: str
) -> PlanReview:
    """Correct a review; who recorded it stays as it was."""
    review.reviewed_on = reviewed_on
    review.progress = progress
    review.notes = notes
    review.full_clean()
    review.save()
    return review
