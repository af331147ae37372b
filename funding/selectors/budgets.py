"""The budget's figures: received, committed, paid, remaining (issue 5, item 3)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from leadership.models import ProgrammeYear
from leadership.models.programme import PLACE_HOLDING_STATUSES

from ..models import Budget, Grant, Payment, PaymentStatus
from ..models.rates import ZERO


@dataclass(frozen=True)
class BudgetFigures:
    programme_year: ProgrammeYear
    budget: Budget | None
    committed: Decimal
    paid: Decimal
    scheduled: Decimal

    @property
    def received(self) -> Decimal | None:
        return self.budget.allocation_received if self.budget else None

    @property
    def remaining(self) -> Decimal | None:
        """What is left to commit: received less committed."""
        return None if self.budget is None else self.received - self.committed

    @property
    def is_over(self) -> bool:
        return self.remaining is not None and self.remaining < 0


def committed_total(programme_year: ProgrammeYear, *, excluding_participation=None) -> Decimal:
    """The sum of the grants of the year's places held (accepted, active, completed)."""
    grants = Grant.objects.filter(
        participation__programme_year=programme_year,
        participation__status__in=PLACE_HOLDING_STATUSES,
    )
    if excluding_participation is not None:
        grants = grants.exclude(participation=excluding_participation)
    return grants.aggregate(total=Sum("total"))["total"] or ZERO


def budget_figures(programme_year: ProgrammeYear) -> BudgetFigures:
    """The year's budget figures in three queries."""
    payments = Payment.objects.filter(participation__programme_year=programme_year)
    return BudgetFigures(
        programme_year=programme_year,
        budget=Budget.objects.filter(programme_year=programme_year).first(),
        committed=committed_total(programme_year),
        paid=payments.filter(status=PaymentStatus.PAID).aggregate(t=Sum("amount"))["t"] or ZERO,
        scheduled=payments.filter(status=PaymentStatus.SCHEDULED).aggregate(t=Sum("amount"))["t"]
        or ZERO,
    )
