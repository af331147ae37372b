"""Reads for the pages that put the money together (issue 5, items 6 and 7): the year's money
at a glance, the school's money, a PSCL's payments, and the home page's money panels.

Every read goes through the models' `visible_to(user)` where a user is involved, so a page can
never show a row the user may not see; the number of queries does not grow with the rows.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import rules
from django.db.models import Count, Prefetch, Q, Sum

from leadership.models import Participation, ProgrammeYear
from leadership.models.programme import PLACE_HOLDING_STATUSES

from ..grants import breakdown_lines
from ..models import (
    ExpenditureReturn,
    Grant,
    Payment,
    PaymentKind,
    PaymentStatus,
    ReturnStatus,
)
from ..models.rates import ZERO
from .budgets import BudgetFigures, budget_figures

# The year's money at a glance ----------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class YearFunding:
    """A programme year's money: the budget, the grants, the payments and the returns."""

    budget: BudgetFigures
    places_held: int
    grant_count: int
    grants_total: Decimal
    payments_scheduled: int
    payments_paid: int
    #: Returns by status, every status listed (0 when none), then the places without a return.
    returns: list[StatusCount]
    returns_not_started: int

    @property
    def places_without_grant(self) -> int:
        return self.places_held - self.grant_count

    @property
    def over_budget_by(self) -> Decimal | None:
        """How far the commitment exceeds the budget, None when it does not."""
        return -self.budget.remaining if self.budget.is_over else None


def year_funding(programme_year: ProgrammeYear) -> YearFunding:
    """The year's money in seven queries, whatever the number of schools."""
    places = Participation.objects.filter(
        programme_year=programme_year, status__in=PLACE_HOLDING_STATUSES
    ).aggregate(
        held=Count("pk"),
        with_grant=Count("grant"),
        with_return=Count("expenditure_return"),
        grants_total=Sum("grant__total"),
    )
    payments = Payment.objects.filter(participation__programme_year=programme_year).aggregate(
        scheduled=Count("pk", filter=Q(status=PaymentStatus.SCHEDULED)),
        paid=Count("pk", filter=Q(status=PaymentStatus.PAID)),
    )
    counts = dict(
        ExpenditureReturn.objects.filter(participation__programme_year=programme_year)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    return YearFunding(
        budget=budget_figures(programme_year),
        places_held=places["held"],
        grant_count=places["with_grant"],
        grants_total=places["grants_total"] or ZERO,
        payments_scheduled=payments["scheduled"],
        payments_paid=payments["paid"],
        returns=[StatusCount(s.value, s.label, counts.get(s.value, 0)) for s in ReturnStatus],
        returns_not_started=places["held"] - places["with_return"],
    )


def funding_year_list(*, user):
    """The programme years `user` may see, newest first, with their LEA."""
    return (
        ProgrammeYear.objects.visible_to(user)
        .select_related("local_authority")
        .order_by("-starts_on", "local_authority__name")
    )


def may_edit_return(user, obj) -> bool:
    """Whether the pages offer `user` to write the return: the rule itself, asked directly so
    that a superuser's blanket permissions do not put the headteacher's link on an admin's
    page."""
    return rules.has_perm("funding.edit_return", user, obj)


# The school's money ---------------------------------------------------------------------------

#: What a return's status means to a governor: has the grant been accounted for?
ACCOUNTED_FOR = {
    None: "Not yet: the school has not started its expenditure return.",
    ReturnStatus.DRAFT: "Not yet: the expenditure return is being written and has not been sent.",
    ReturnStatus.SUBMITTED: "Sent to the LEA, which is checking it.",
    ReturnStatus.QUERIED: "Not yet: the LEA has asked a question the school must answer.",
    ReturnStatus.APPROVED: "Yes: the LEA has approved the school's expenditure return.",
}


@dataclass(frozen=True)
class ParticipationMoney:
    """One place's money, as its school sees it."""

    participation: Participation
    grant: Grant | None
    breakdown: list[str]
    #: The grant's instalments to the school, by due date (cancelled ones included).
    instalments: list[Payment]
    expenditure_return: ExpenditureReturn | None
    can_edit_return: bool

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.instalments if p.status == PaymentStatus.PAID), ZERO)

    @property
    def scheduled(self) -> Decimal:
        return sum(
            (p.amount for p in self.instalments if p.status == PaymentStatus.SCHEDULED), ZERO
        )

    @property
    def return_status(self) -> str | None:
        return self.expenditure_return.status if self.expenditure_return else None

    @property
    def accounted_for(self) -> str:
        return ACCOUNTED_FOR[self.return_status]

    @property
    def is_accounted_for(self) -> bool:
        return self.return_status == ReturnStatus.APPROVED


def school_money(*, user, school) -> list[ParticipationMoney]:
    """The school's places that hold (or held) money, newest year first, each with its grant,
    its instalments and its expenditure return, as `user` may see them. Two queries, plus a
    permission check per place (no query)."""
    instalments = Payment.objects.visible_to(user).filter(kind=PaymentKind.SCHOOL_GRANT)
    participations = (
        Participation.objects.visible_to(user)
        .filter(school=school)
        .filter(Q(status__in=PLACE_HOLDING_STATUSES) | Q(grant__isnull=False))
        .select_related("programme_year__local_authority", "school", "grant", "expenditure_return")
        .prefetch_related(
            Prefetch(
                "payments",
                queryset=instalments.order_by("due_on", "instalment", "pk"),
                to_attr="instalments",
            )
        )
        .order_by("-programme_year__starts_on")
    )
    places = []
    for participation in participations:
        grant = getattr(participation, "grant", None)
        expenditure_return = getattr(participation, "expenditure_return", None)
        places.append(
            ParticipationMoney(
                participation=participation,
                grant=grant,
                breakdown=breakdown_lines(grant) if grant is not None else [],
                instalments=participation.instalments,
                expenditure_return=expenditure_return,
                can_edit_return=may_edit_return(user, expenditure_return or participation),
            )
        )
    return places


# A PSCL's payments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PsclPayments:
    """A PSCL's payments for the days they delivered, newest first, with the totals of the
    payments not cancelled."""

    payments: list[Payment]
    days: Decimal = field(default=ZERO)
    paid: Decimal = field(default=ZERO)
    scheduled: Decimal = field(default=ZERO)

    @property
    def total(self) -> Decimal:
        return self.paid + self.scheduled


def pscl_payments_for(*, user) -> PsclPayments:
    """The PSCL_DAYS payments `user` may see (`Payment.visible_to`: for a PSCL, their own).
    One query."""
    payments = list(
        Payment.objects.visible_to(user)
        .filter(kind=PaymentKind.PSCL_DAYS)
        .select_related("participation__school", "participation__programme_year")
        .order_by("-due_on", "-pk")
    )
    live = [p for p in payments if p.status != PaymentStatus.CANCELLED]
    return PsclPayments(
        payments=payments,
        days=sum((p.days or ZERO for p in live), ZERO),
        paid=sum((p.amount for p in live if p.status == PaymentStatus.PAID), ZERO),
        scheduled=sum((p.amount for p in live if p.status == PaymentStatus.SCHEDULED), ZERO),
    )


# Home page panels ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentTotals:
    """The PSCL's home page line: what has been paid and what is scheduled."""

    paid: Decimal
    scheduled: Decimal
    count: int


def pscl_payment_totals(*, user) -> PaymentTotals:
    """The totals of `user`'s own PSCL payments, cancelled ones left out. One query."""
    totals = (
        Payment.objects.visible_to(user)
        .filter(kind=PaymentKind.PSCL_DAYS)
        .live()
        .aggregate(
            paid=Sum("amount", filter=Q(status=PaymentStatus.PAID)),
            scheduled=Sum("amount", filter=Q(status=PaymentStatus.SCHEDULED)),
            count=Count("pk"),
        )
    )
    return PaymentTotals(
        paid=totals["paid"] or ZERO, scheduled=totals["scheduled"] or ZERO, count=totals["count"]
    )


@dataclass(frozen=True)
class OurGrant:
    """The headteacher's home page panel: the grant of this year's place, what has been paid,
    and the expenditure return's status."""

    participation: Participation
    grant: Grant
    paid: Decimal
    expenditure_return: ExpenditureReturn | None
    can_edit_return: bool

    @property
    def return_status_label(self) -> str:
        if self.expenditure_return is None:
            return "Not started"
        return self.expenditure_return.get_status_display()


def our_grant(*, user, participation: Participation) -> OurGrant | None:
    """The grant panel of `participation` for `user` (None when it has no grant or the user
    may not see it). One query for the grant and the return, one for the sum paid."""
    grant = (
        Grant.objects.visible_to(user)
        .filter(participation=participation)
        .select_related("participation__school", "participation__expenditure_return")
        .first()
    )
    if grant is None:
        return None
    paid = (
        Payment.objects.visible_to(user)
        .filter(
            participation=participation,
            kind=PaymentKind.SCHOOL_GRANT,
            status=PaymentStatus.PAID,
        )
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    expenditure_return = getattr(grant.participation, "expenditure_return", None)
    return OurGrant(
        participation=participation,
        grant=grant,
        paid=paid,
        expenditure_return=expenditure_return,
        can_edit_return=may_edit_return(user, expenditure_return or participation),
    )
