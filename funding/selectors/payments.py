"""Reads of the budget page, the payment list and the PSCL payments due (issue 5, items 3 and
4). The payment list's totals and its exports read the same queryset, so they agree to the
penny."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from consultants.models import Allocation
from leadership.models import ProgrammeYear

from ..models import BudgetOverride, Payee, Payment, PaymentKind, PaymentStatus
from ..models.rates import ZERO
from ..selectors.budgets import BudgetFigures, budget_figures
from ..services.grants import rates_for

PENNY = Decimal("0.01")


# The budget ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetPage:
    figures: BudgetFigures
    grants_count: int
    average_grant: Decimal | None
    overrides: list

    @property
    def warning(self) -> str:
        """Why the strategy manager should look again before accepting more schools."""
        remaining = self.figures.remaining
        if remaining is None:
            return ""
        if remaining < 0:
            return "The grants committed are more than the budget received."
        if self.average_grant is not None and remaining < self.average_grant:
            return (
                "What remains is less than one more average grant: the next school accepted "
                "may take the commitment past the budget."
            )
        return ""


def budget_page(programme_year: ProgrammeYear) -> BudgetPage:
    """The year's budget, the average grant of the places held and the overrides recorded,
    in a fixed number of queries."""
    from leadership.models.programme import PLACE_HOLDING_STATUSES

    from ..models import Grant

    figures = budget_figures(programme_year)
    count = Grant.objects.filter(
        participation__programme_year=programme_year,
        participation__status__in=PLACE_HOLDING_STATUSES,
    ).aggregate(n=Count("pk"))["n"]
    average = (figures.committed / count).quantize(PENNY) if count else None
    overrides = list(
        BudgetOverride.objects.filter(programme_year=programme_year)
        .select_related("participation__school", "by")
        .order_by("at")
    )
    return BudgetPage(figures, count, average, overrides)


# The payment list ---------------------------------------------------------------------------


def payment_list(
    programme_year: ProgrammeYear, *, kind: str = "", status: str = "", school=None
) -> QuerySet:
    """The year's payments, due date first, filtered by kind, status and school."""
    payments = Payment.objects.filter(participation__programme_year=programme_year)
    if kind:
        payments = payments.filter(kind=kind)
    if status:
        payments = payments.filter(status=status)
    if school is not None:
        payments = payments.filter(participation__school=school)
    return payments.select_related("participation__school", "allocation__adviser").order_by(
        "due_on", "participation__school__name", "pk"
    )


@dataclass(frozen=True)
class PaymentTotals:
    scheduled: Decimal
    paid: Decimal
    cancelled: Decimal
    count: int

    @property
    def live(self) -> Decimal:
        """Scheduled and paid: what the LEA pays out (cancelled payments are not)."""
        return self.scheduled + self.paid


def payment_totals(payments: QuerySet) -> PaymentTotals:
    """The totals of `payments` by status, in one query."""
    sums = payments.order_by().aggregate(
        scheduled=Sum("amount", filter=Q(status=PaymentStatus.SCHEDULED)),
        paid=Sum("amount", filter=Q(status=PaymentStatus.PAID)),
        cancelled=Sum("amount", filter=Q(status=PaymentStatus.CANCELLED)),
        count=Count("pk"),
    )
    return PaymentTotals(
        scheduled=sums["scheduled"] or ZERO,
        paid=sums["paid"] or ZERO,
        cancelled=sums["cancelled"] or ZERO,
        count=sums["count"],
    )


def unscheduled_grants(programme_year: ProgrammeYear) -> QuerySet:
    """The grants of the year's places held that have no instalment scheduled or paid yet:
    the schools the strategy manager still has to schedule."""
    from leadership.models.programme import PLACE_HOLDING_STATUSES

    from ..models import Grant

    live_instalments = Payment.objects.live().filter(
        participation=OuterRef("participation"), kind=PaymentKind.SCHOOL_GRANT
    )
    return (
        Grant.objects.filter(
            participation__programme_year=programme_year,
            participation__status__in=PLACE_HOLDING_STATUSES,
        )
        .exclude(Exists(live_instalments))
        .select_related("participation__school")
        .order_by("participation__school__name")
    )


#: The payment export's columns.
PAYMENT_COLUMNS = (
    "due_on",
    "kind",
    "urn",
    "school",
    "payee",
    "payee_name",
    "instalment",
    "days",
    "amount",
    "status",
    "paid_on",
    "reference",
)


def payment_table(payments, totals: PaymentTotals) -> list[list]:
    """The payments as rows in `PAYMENT_COLUMNS` order, then a TOTAL row whose amount is the
    scheduled and paid total (cancelled payments are listed but not counted)."""
    rows = []
    for payment in payments:
        school = payment.participation.school
        rows.append(
            [
                payment.due_on,
                payment.get_kind_display(),
                school.urn,
                school.name,
                payment.get_payee_display(),
                payment.payee_name,
                payment.instalment,
                payment.days,
                payment.amount,
                payment.get_status_display(),
                payment.paid_on,
                payment.reference,
            ]
        )
    total = ["TOTAL", *[""] * (len(PAYMENT_COLUMNS) - 1)]
    total[PAYMENT_COLUMNS.index("amount")] = totals.live
    rows.append(total)
    return rows


# PSCL payments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PsclPaymentLine:
    """A PSCL payment that `pscl_payments_prepare` would schedule."""

    allocation: Allocation
    days_submitted: Decimal
    days_paid: Decimal
    day_rate: Decimal
    instalment: int

    @property
    def days(self) -> Decimal:
        return self.days_submitted - self.days_paid

    @property
    def amount(self) -> Decimal:
        return (self.days * self.day_rate).quantize(PENNY)

    @property
    def payee(self) -> str:
        return Payee.PSCL_SCHOOL if self.allocation.adviser.home_school_id else Payee.PSCL

    @property
    def payee_name(self) -> str:
        adviser = self.allocation.adviser
        return adviser.home_school.name if adviser.home_school_id else adviser.full_name


def pscl_payment_lines(programme_year: ProgrammeYear, *, up_to: datetime.date) -> list:
    """For each allocation of the year, the days of its visits submitted on or before `up_to`
    less the days already in scheduled or paid PSCL payments, at the year's PSCL day rate:
    only the allocations with new days to pay, in two queries (and the rates')."""
    from consultants.models import VisitStatus

    rate = rates_for(programme_year).pscl_day_rate
    allocations = (
        Allocation.objects.filter(participation__programme_year=programme_year)
        .select_related("adviser__home_school", "participation__school")
        .annotate(
            days_submitted=Sum(
                "visits__days",
                filter=Q(visits__status=VisitStatus.SUBMITTED, visits__visit_on__lte=up_to),
            )
        )
        .order_by("participation__school__name", "adviser__full_name", "pk")
    )
    paid = {
        row["allocation"]: (row["days"] or ZERO, row["n"])
        for row in Payment.objects.filter(
            kind=PaymentKind.PSCL_DAYS,
            allocation__participation__programme_year=programme_year,
        )
        .order_by()
        .values("allocation")
        .annotate(
            days=Sum("days", filter=~Q(status=PaymentStatus.CANCELLED)),
            n=Count("pk"),
        )
    }
    lines = []
    for allocation in allocations:
        submitted = allocation.days_submitted or ZERO
        days_paid, payments_so_far = paid.get(allocation.pk, (ZERO, 0))
        line = PsclPaymentLine(allocation, submitted, days_paid, rate, payments_so_far + 1)
        if line.days > 0 and line.amount > 0:
            lines.append(line)
    return lines
