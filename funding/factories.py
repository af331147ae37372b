"""factory-boy factories for the funding app, shared by the tests and `seed_demo`."""

import datetime
import secrets
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from consultants.factories import AllocationFactory
from leadership.factories import (
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    ProgrammeYearFactory,
)

from .models import (
    Budget,
    CoverClaim,
    ExpenditureReturn,
    FundingRates,
    OtherSpending,
    Payee,
    Payment,
    PaymentKind,
    PaymentStatus,
    ReturnEvidence,
    ReturnStatus,
    SpendingCategory,
)


class FundingRatesFactory(DjangoModelFactory):
    """The 2004-05 figures of DOMAIN.md with a supply rate of GBP 150 and a PSCL day of GBP 300."""

    class Meta:
        model = FundingRates
        django_get_or_create = ("programme_year",)

    programme_year = factory.SubFactory(ProgrammeYearFactory)


class BudgetFactory(DjangoModelFactory):
    class Meta:
        model = Budget
        django_get_or_create = ("programme_year",)

    programme_year = factory.SubFactory(ProgrammeYearFactory)
    allocation_received = Decimal("100000.00")
    received_on = datetime.date(2004, 4, 1)


class PaymentFactory(DjangoModelFactory):
    """A scheduled grant instalment to the school; `pscl=True` for a PSCL payment."""

    class Meta:
        model = Payment

    participation = factory.SubFactory(ParticipationFactory)
    kind = PaymentKind.SCHOOL_GRANT
    payee = Payee.SCHOOL
    payee_name = factory.LazyAttribute(lambda o: o.participation.school.name)
    instalment = 1
    amount = Decimal("1000.00")
    due_on = datetime.date(2004, 10, 1)
    status = PaymentStatus.SCHEDULED
    paid_on = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status == PaymentStatus.PAID),
        yes_declaration=datetime.date(2004, 10, 4),
        no_declaration=None,
    )
    cancelled_reason = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status == PaymentStatus.CANCELLED),
        yes_declaration="Scheduled twice by mistake.",
        no_declaration="",
    )

    class Params:
        pscl = factory.Trait(
            kind=PaymentKind.PSCL_DAYS,
            allocation=factory.SubFactory(
                AllocationFactory, participation=factory.SelfAttribute("..participation")
            ),
            payee=Payee.PSCL,
            payee_name=factory.LazyAttribute(lambda o: o.allocation.adviser.full_name),
            days=Decimal("2.00"),
            amount=Decimal("600.00"),
        )


class ExpenditureReturnFactory(DjangoModelFactory):
    class Meta:
        model = ExpenditureReturn

    participation = factory.SubFactory(ParticipationFactory)
    travel_spent = Decimal("84.50")
    status = ReturnStatus.DRAFT
    submitted_at = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != ReturnStatus.DRAFT),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )
    query_message = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status == ReturnStatus.QUERIED),
        yes_declaration="The cover claimed is less than the training attended: please explain.",
        no_declaration="",
    )


class CoverClaimFactory(DjangoModelFactory):
    class Meta:
        model = CoverClaim

    expenditure_return = factory.SubFactory(ExpenditureReturnFactory)
    member = factory.SubFactory(
        LeadershipTeamMemberFactory,
        participation=factory.SelfAttribute("..expenditure_return.participation"),
    )
    days = Decimal("5.0")


class OtherSpendingFactory(DjangoModelFactory):
    class Meta:
        model = OtherSpending

    expenditure_return = factory.SubFactory(ExpenditureReturnFactory)
    category = SpendingCategory.MATERIALS
    description = "Guided reading books for Year 2"
    amount = Decimal("45.00")


class ReturnEvidenceFactory(DjangoModelFactory):
    class Meta:
        model = ReturnEvidence

    expenditure_return = factory.SubFactory(ExpenditureReturnFactory)
    token = factory.LazyFunction(lambda: secrets.token_hex(16))
    file = factory.django.FileField(filename="invoice.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "invoice.pdf"
    description = "Supply agency invoice, October"
    uploaded_by = None
    uploaded_at = factory.LazyFunction(timezone.now)
