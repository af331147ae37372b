"""Each LEA's budget for a programme year, and the recorded overrides that let an acceptance
commit more than it (DOMAIN.md: Funding; issue 5, item 3)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import Role
from accounts.scoping import scope_to_lea

from .rates import ZERO


def _managers_only(queryset, user, lea_path):
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role not in (Role.ADMIN, Role.MANAGER):
        return queryset.none()
    return scope_to_lea(queryset, user, lea_path=lea_path)


class BudgetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An LEA's budget is for its strategy managers (and admins) only."""
        return _managers_only(self, user, "programme_year__local_authority")


class Budget(models.Model):
    """The money the LEA received for a programme year. Committed, paid and remaining are
    computed (`funding.selectors.budgets.budget_figures`), never stored."""

    programme_year = models.OneToOneField(
        "leadership.ProgrammeYear", on_delete=models.CASCADE, related_name="budget"
    )
    allocation_received = models.DecimalField(
        "allocation received (GBP)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )
    received_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    objects = BudgetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="budget_not_negative",
                condition=Q(allocation_received__gte=0),
                violation_error_message="The allocation cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"Budget for {self.programme_year}: GBP {self.allocation_received}"


class BudgetOverrideQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _managers_only(self, user, "programme_year__local_authority")


class BudgetOverride(models.Model):
    """An acceptance that took the commitment past the budget, allowed explicitly by a strategy
    manager with a reason."""

    programme_year = models.ForeignKey(
        "leadership.ProgrammeYear", on_delete=models.PROTECT, related_name="budget_overrides"
    )
    participation = models.ForeignKey(
        "leadership.Participation", on_delete=models.PROTECT, related_name="budget_overrides"
    )
    committed_before = models.DecimalField(max_digits=12, decimal_places=2)
    grant_total = models.DecimalField(max_digits=10, decimal_places=2)
    budget = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField()

    objects = BudgetOverrideQuerySet.as_manager()

    class Meta:
        ordering = ["programme_year", "at"]
        constraints = [
            models.CheckConstraint(
                name="budget_override_has_reason",
                condition=~Q(reason=""),
                violation_error_message="Say why the budget may be exceeded.",
            ),
        ]

    def __str__(self):
        return f"Budget override for {self.participation}"

    @property
    def amount_over(self):
        return self.committed_before + self.grant_total - self.budget
