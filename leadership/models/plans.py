"""Action plans: priorities, success criteria, actions and reviews (DOMAIN.md: Action plans)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.scoping import scope_to_schools
from accounts.versioning import VersionKeptOnSave

from .programme import Participation
from .teams import LeadershipTeamMember


class ActionPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_schools(self, user, school_path="participation__school")


class ActionPlan(VersionKeptOnSave):
    """A participating school's plan for the year: one per participation."""

    participation = models.OneToOneField(
        Participation, on_delete=models.CASCADE, related_name="action_plan"
    )
    summary = models.TextField(blank=True, help_text="What the plan sets out to change, in brief.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A new value whenever a priority, success criterion or action of the plan is saved or
    # deleted (`leadership.services.plans.plan_contents_changed`): with the plan's latest review,
    # its year's settings and the day, the key of its check in the cache
    # (`leadership.selectors.plans`, the lists of plans).
    contents_version = models.UUIDField(default=uuid.uuid4, editable=False)
    version_field = "contents_version"

    objects = ActionPlanQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["contents_version"])

    def __str__(self):
        return f"Action plan: {self.participation}"


class PriorityArea(models.TextChoices):
    ENGLISH = "ENGLISH", "English"
    MATHS = "MATHS", "Maths"
    LEADERSHIP = "LEADERSHIP", "Leadership"
    OTHER = "OTHER", "Other"


class PlanPriority(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="priorities")
    area = models.CharField(max_length=12, choices=PriorityArea.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "plan priorities"
        ordering = ["plan", "position", "pk"]

    def __str__(self):
        return self.title


class SuccessCriterion(models.Model):
    """How the school will know a priority is met: a measure with a baseline, a target value and
    a date. A criterion without a number is what Ofsted found weak; the plan check flags it."""

    priority = models.ForeignKey(
        PlanPriority, on_delete=models.CASCADE, related_name="success_criteria"
    )
    description = models.CharField(max_length=255)
    measure = models.CharField(
        max_length=200, blank=True, help_text='For example "% of Year 6 at Level 4+ in reading".'
    )
    baseline = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    target_value = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    target_on = models.DateField("by", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "success criteria"
        ordering = ["priority", "pk"]

    def __str__(self):
        return self.description

    @property
    def is_quantified(self) -> bool:
        return self.target_value is not None and bool(self.measure)


class ActionStatus(models.TextChoices):
    NOT_STARTED = "NOT_STARTED", "Not started"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    DONE = "DONE", "Done"


class Action(models.Model):
    priority = models.ForeignKey(PlanPriority, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=255)
    owner = models.ForeignKey(
        LeadershipTeamMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "due_on", "pk"]

    def __str__(self):
        return self.description


class ReviewProgress(models.TextChoices):
    RED = "RED", "Red: off track"
    AMBER = "AMBER", "Amber: some concerns"
    GREEN = "GREEN", "Green: on track"


class PlanReview(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    progress = models.CharField(max_length=5, choices=ReviewProgress.choices)
    notes = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="plan_review_has_notes",
                condition=~Q(notes=""),
                violation_error_message="A review needs notes.",
            )
        ]

    def __str__(self):
        return f"Review of {self.plan.participation} on {self.reviewed_on}"
