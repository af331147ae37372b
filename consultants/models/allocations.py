"""Allocations: a PSCL matched to a school's participation in a programme year, with planned days,
and every change of the match kept (DOMAIN.md: matching is "best fit"; changes must be recorded)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from accounts.models import Role
from accounts.scoping import scope_to_schools

from .advisers import Adviser


class AllocationStatus(models.TextChoices):
    CONFIRMED = "CONFIRMED", "Confirmed"
    CHANGE_REQUESTED = "CHANGE_REQUESTED", "Change asked for by the school"
    DECLINED = "DECLINED", "Declined by the school"
    ENDED = "ENDED", "Ended"


#: Statuses of the allocation that is the school's PSCL now (at most one per participation).
CURRENT_STATUSES = (AllocationStatus.CONFIRMED, AllocationStatus.CHANGE_REQUESTED)


class AllocationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Allocations of the schools `user` may see; for a PSCL, only their own (not a
        previous PSCL's match of the same school, nor why it ended)."""
        scoped = scope_to_schools(self, user, school_path="participation__school")
        if user.is_authenticated and user.role == Role.CONSULTANT:
            return scoped.filter(adviser__user=user)
        return scoped

    def visible_to_in_visible_school(self, user):
        """`visible_to(user)` for allocations of a school `user` is known to see (a page that
        has already scoped the school): every one of them, but only their own for a PSCL.
        Without the join to the school that `visible_to` needs to scope it."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.CONSULTANT:
            return self.filter(adviser__user=user)
        return self

    def current(self):
        return self.filter(status__in=CURRENT_STATUSES)

    def for_pscl_user(self, user):
        return self.filter(adviser__user=user)

    def with_days(self):
        """Annotate `days_delivered` (the days of submitted visits), in the same query, and so
        give `Allocation.days_left`. (An annotation of `days_left` too would repeat the visits'
        subquery: Django writes an annotation's expression again where another uses it.)"""
        from .visits import Visit, VisitStatus

        delivered = (
            Visit.objects.filter(allocation=OuterRef("pk"), status=VisitStatus.SUBMITTED)
            .order_by()
            .values("allocation")
            .annotate(total=Sum("days"))
            .values("total")
        )
        money = DecimalField(max_digits=6, decimal_places=2)
        return self.annotate(
            days_delivered=Coalesce(
                Subquery(delivered, output_field=money), Value(Decimal("0.00")), output_field=money
            ),
        )


class Allocation(models.Model):
    """A PSCL supporting one school in one programme year. Created, changed and ended only by
    `consultants.services.allocations`, which records each change as an AllocationEvent."""

    adviser = models.ForeignKey(
        Adviser,
        verbose_name="PSCL",
        on_delete=models.PROTECT,
        related_name="allocations",
        limit_choices_to={"kind": "PSCL"},
    )
    participation = models.ForeignKey(
        "leadership.Participation", on_delete=models.PROTECT, related_name="allocations"
    )
    status = models.CharField(
        max_length=16, choices=AllocationStatus.choices, default=AllocationStatus.CONFIRMED
    )
    planned_days = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("60"))],
        help_text="The programme year's days per school by default; more may be allocated.",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    objects = AllocationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["participation__school__name", "-confirmed_at"]
        indexes = [models.Index(fields=["adviser", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(status__in=["CONFIRMED", "CHANGE_REQUESTED"]),
                name="allocation_one_current_per_participation",
                violation_error_message="The school already has a PSCL this year.",
            ),
            models.CheckConstraint(
                name="allocation_planned_days_positive",
                condition=Q(planned_days__gte=Decimal("0.5")),
                violation_error_message="Plan at least half a day.",
            ),
            models.CheckConstraint(
                name="allocation_declined_or_ended_has_reason",
                condition=~Q(status__in=["DECLINED", "ENDED"], end_reason=""),
                violation_error_message="Say why the match ended.",
            ),
        ]

    def __str__(self):
        return f"{self.adviser.full_name} with {self.participation}"

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    @property
    def days_left(self) -> Decimal:
        """The planned days less those delivered: negative when the school is past its days.
        Read from an allocation loaded `with_days()`."""
        return self.planned_days - self.days_delivered


class AllocationEventKind(models.TextChoices):
    CONFIRMED = "CONFIRMED", "Match confirmed"
    DAYS_CHANGED = "DAYS_CHANGED", "Planned days changed"
    CHANGE_REQUESTED = "CHANGE_REQUESTED", "School asked for a change"
    CHANGE_WITHDRAWN = "CHANGE_WITHDRAWN", "School withdrew its request"
    DECLINED = "DECLINED", "School declined the PSCL"
    ENDED = "ENDED", "Match ended"


class AllocationEvent(models.Model):
    """One change of a match, with who made it, when and why: the history the school, the
    strategy manager and next year's matching read."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=AllocationEventKind.choices)
    reason = models.TextField(blank=True)
    detail = models.CharField(max_length=200, blank=True, help_text='Such as "4.0 -> 5.0 days".')
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["allocation", "at", "pk"]

    def __str__(self):
        return f"{self.allocation}: {self.get_kind_display()}"
