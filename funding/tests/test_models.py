"""The funding models' rules held by the database (each constraint refuses a bad row, through
`full_clean` with its message and through the database itself), the grant arithmetic's money
helpers and wording, the budget check run by an acceptance, and the school receiver that
recomputes an unpaid grant when the roll changes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from funding.factories import (
    BudgetFactory,
    CoverClaimFactory,
    ExpenditureReturnFactory,
    FundingRatesFactory,
    OtherSpendingFactory,
    PaymentFactory,
)
from funding.grants import breakdown_lines, gbp, money
from funding.models import (
    Budget,
    BudgetOverride,
    CoverClaim,
    ExpenditureReturn,
    Grant,
    Payee,
    Payment,
    PaymentKind,
    PaymentStatus,
    ReturnStatus,
    SpendingCategory,
)
from funding.services.grants import figures_for, grant_compute
from leadership.factories import (
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    ProgrammeYearFactory,
)
from leadership.models import ParticipationStatus
from leadership.services.programme import participation_move
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = datetime.date(2004, 7, 1)


@pytest.fixture
def year(lea):
    year = ProgrammeYearFactory(local_authority=lea)
    FundingRatesFactory(programme_year=year)
    return year


@pytest.fixture
def participation(year, school):
    """`school` (118 pupils: small) holding a place; its grant is GBP 2,820 under the
    default rates (2 x 5 x 150 = 1,500 + 120 + 4 x 300 = 1,200)."""
    return ParticipationFactory(programme_year=year, school=school)


def constraint_message(model, name):
    return next(c.violation_error_message for c in model._meta.constraints if c.name == name)


def assert_refused(obj, message):
    """`obj` fails `full_clean` with `message`, and the database refuses it too."""
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert message in error.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


# The grant ------------------------------------------------------------------------------------


def test_a_computed_grant_totals_its_parts(participation):
    grant_compute(participation=participation)
    grant = Grant.objects.get(participation=participation)
    assert (grant.supply_amount, grant.travel_grant, grant.pscl_amount) == (
        D("1500.00"),
        D("120.00"),
        D("1200.00"),
    )
    assert grant.total == D("2820.00")
    assert grant.school_amount == D("1620.00")
    assert grant.is_small_school


def test_a_grant_whose_total_is_not_the_sum_is_refused(participation):
    grant_compute(participation=participation)
    grant = Grant.objects.get(participation=participation)
    grant.total = grant.total + D("0.01")
    assert_refused(grant, constraint_message(Grant, "grant_total_is_the_sum"))


def test_a_grant_with_a_negative_amount_is_refused(participation):
    grant_compute(participation=participation)
    grant = Grant.objects.get(participation=participation)
    grant.travel_grant = D("-120.00")
    grant.total = grant.supply_amount + grant.travel_grant + grant.pscl_amount
    with pytest.raises(IntegrityError), transaction.atomic():
        grant.save()


def test_rates_cannot_be_negative(year):
    rates = year.funding_rates
    rates.daily_supply_rate = D("-1.00")
    with pytest.raises(ValidationError):
        rates.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        rates.save()


def test_a_budget_cannot_be_negative(year):
    budget = Budget(programme_year=year, allocation_received=D("-5.00"))
    with pytest.raises(ValidationError) as error:
        budget.full_clean()
    assert "allocation_received" in error.value.message_dict
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        budget.save()
    assert "budget_not_negative" in str(refused.value)


def test_a_budget_override_needs_a_reason(participation, users):
    override = BudgetOverride(
        programme_year=participation.programme_year,
        participation=participation,
        committed_before=D("10000.00"),
        grant_total=D("2820.00"),
        budget=D("12000.00"),
        reason="",
        by=users[Role.MANAGER],
        at=timezone.now(),
    )
    with pytest.raises(ValidationError):
        override.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        override.save()
    assert override.amount_over == D("820.00")


# Payments -------------------------------------------------------------------------------------


def test_a_payment_of_nothing_is_refused(participation):
    payment = PaymentFactory.build(participation=participation, amount=D("0.00"))
    assert_refused(payment, constraint_message(Payment, "payment_amount_positive"))


def test_a_paid_payment_needs_its_date(participation):
    payment = PaymentFactory.build(
        participation=participation, status=PaymentStatus.PAID, paid_on=None
    )
    assert_refused(payment, constraint_message(Payment, "payment_paid_has_date"))


def test_a_cancelled_payment_needs_a_reason(participation):
    payment = PaymentFactory.build(
        participation=participation, status=PaymentStatus.CANCELLED, cancelled_reason=""
    )
    assert_refused(payment, constraint_message(Payment, "payment_cancelled_has_reason"))


@pytest.mark.parametrize(
    ("kind", "payee", "with_allocation", "days"),
    [
        (PaymentKind.SCHOOL_GRANT, Payee.PSCL, False, None),
        (PaymentKind.SCHOOL_GRANT, Payee.SCHOOL, True, None),
        (PaymentKind.PSCL_DAYS, Payee.PSCL, False, D("2.00")),
        (PaymentKind.PSCL_DAYS, Payee.PSCL, True, None),
        (PaymentKind.PSCL_DAYS, Payee.SCHOOL, True, D("2.00")),
    ],
)
def test_a_grant_goes_to_the_school_and_a_pscl_payment_pays_an_allocations_days(
    participation, kind, payee, with_allocation, days
):
    allocation = PaymentFactory(participation=participation, pscl=True).allocation
    payment = PaymentFactory.build(
        participation=participation,
        kind=kind,
        payee=payee,
        allocation=allocation if with_allocation else None,
        days=days,
    )
    assert_refused(payment, constraint_message(Payment, "payment_pscl_has_allocation_and_days"))


def test_a_pscl_payment_to_the_pscls_school_is_accepted(participation, users):
    payment = PaymentFactory(
        participation=participation,
        pscl=True,
        payee=Payee.PSCL_SCHOOL,
        created_by=users[Role.MANAGER],
    )
    payment.full_clean()
    assert Payment.objects.live().get() == payment


def test_live_payments_leave_out_the_cancelled(participation):
    kept = PaymentFactory(participation=participation)
    PaymentFactory(participation=participation, instalment=2, status=PaymentStatus.CANCELLED)
    assert list(Payment.objects.live()) == [kept]


# Returns --------------------------------------------------------------------------------------


def test_a_queried_return_needs_a_message(participation):
    expenditure_return = ExpenditureReturnFactory.build(
        participation=participation,
        status=ReturnStatus.QUERIED,
        submitted_at=timezone.now(),
        query_message="",
    )
    assert_refused(
        expenditure_return,
        constraint_message(ExpenditureReturn, "return_queried_has_message"),
    )


def test_a_submitted_return_needs_its_time(participation):
    expenditure_return = ExpenditureReturnFactory.build(
        participation=participation, status=ReturnStatus.SUBMITTED, submitted_at=None
    )
    assert_refused(
        expenditure_return,
        constraint_message(ExpenditureReturn, "return_submitted_has_time"),
    )


def test_travel_spent_cannot_be_negative(participation):
    expenditure_return = ExpenditureReturnFactory.build(
        participation=participation, travel_spent=D("-1.00")
    )
    with pytest.raises(ValidationError):
        expenditure_return.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        expenditure_return.save()


def test_a_team_members_cover_is_claimed_once_per_return(participation):
    claim = CoverClaimFactory(expenditure_return__participation=participation)
    second = CoverClaim(
        expenditure_return=claim.expenditure_return, member=claim.member, days=D("1.0")
    )
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "That team member's cover days are already claimed." in error.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_cover_days_cannot_be_negative(participation):
    member = LeadershipTeamMemberFactory(participation=participation)
    claim = CoverClaim(
        expenditure_return=ExpenditureReturnFactory(participation=participation),
        member=member,
        days=D("-1.0"),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        claim.save()


def test_other_spending_is_for_more_than_nothing(participation):
    spending = OtherSpendingFactory.build(
        expenditure_return=ExpenditureReturnFactory(participation=participation),
        amount=D("0.00"),
    )
    with pytest.raises(ValidationError) as error:
        spending.full_clean()
    assert "Give the amount spent." in error.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        spending.save()


@pytest.mark.parametrize(
    ("category", "for_the_programme"),
    [
        (SpendingCategory.MATERIALS, True),
        (SpendingCategory.TRAINING, True),
        (SpendingCategory.VISITS, True),
        (SpendingCategory.OTHER, True),
        (SpendingCategory.GENERAL_BUDGET, False),
        (SpendingCategory.UNRELATED, False),
    ],
)
def test_general_budget_and_unrelated_spending_do_not_further_the_programme(
    category, for_the_programme
):
    assert OtherSpendingFactory.build(category=category).is_for_the_programme is for_the_programme


# Money helpers and wording --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("2.345"), D("2.35")),
        (D("2.344"), D("2.34")),
        (D("-2.345"), D("-2.35")),
        (D("150"), D("150.00")),
        ("0.005", D("0.01")),
    ],
)
def test_money_rounds_half_up_to_the_penny(value, expected):
    assert money(value) == expected
    assert str(money(value)) == str(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("2250"), "GBP 2,250"),
        (D("2250.50"), "GBP 2,250.50"),
        (D("120.00"), "GBP 120"),
        (D("0.004"), "GBP 0"),
        (D("1234567.891"), "GBP 1,234,567.89"),
    ],
)
def test_gbp_reads_as_people_write_money(value, expected):
    assert gbp(value) == expected


def test_the_breakdown_at_120_pupils_is_the_small_school_rule(year, school):
    school.number_on_roll = 120
    school.save()
    participation = ParticipationFactory(programme_year=year, school=school)
    assert breakdown_lines(figures_for(participation)) == [
        "120 pupils (120 or fewer): 2 staff x 5 days x GBP 150 = GBP 1,500 of supply cover "
        "(10 days)",
        "Travel to schools outside the locality: GBP 120",
        "PSCL support: 4 days x GBP 300 = GBP 1,200",
        "Total: GBP 2,820",
    ]


def test_the_breakdown_at_121_pupils_is_the_large_school_rule_read_from_the_saved_grant(
    year, school
):
    school.number_on_roll = 121
    school.save()
    participation = ParticipationFactory(programme_year=year, school=school)
    grant_compute(participation=participation)
    assert breakdown_lines(Grant.objects.get(participation=participation)) == [
        "121 pupils (more than 120): 3 staff x 5 days x GBP 150 = GBP 2,250 of supply cover "
        "(15 days)",
        "Travel to schools outside the locality: GBP 120",
        "PSCL support: 4 days x GBP 300 = GBP 1,200",
        "Total: GBP 3,570",
    ]


# The budget check on acceptance --------------------------------------------------------------


@pytest.fixture
def invited(year, school):
    return ParticipationFactory(
        programme_year=year, school=school, status=ParticipationStatus.INVITED
    )


def accept(participation, by, override_reason=""):
    return participation_move(
        participation=participation,
        to_status=ParticipationStatus.ACCEPTED,
        by=by,
        today=TODAY,
        override_reason=override_reason,
    )


def test_accepting_without_a_budget_saves_the_grant(invited, users):
    accepted = accept(invited, users[Role.MANAGER])
    assert accepted.status == ParticipationStatus.ACCEPTED
    assert Grant.objects.get(participation=invited).total == D("2820.00")
    assert not BudgetOverride.objects.exists()


def test_accepting_within_the_budget_saves_the_grant(invited, year, users):
    BudgetFactory(programme_year=year, allocation_received=D("2820.00"))
    accept(invited, users[Role.MANAGER])
    assert Grant.objects.get(participation=invited).total == D("2820.00")
    assert not BudgetOverride.objects.exists()


@pytest.fixture
def tight_budget(year, sibling_school):
    """A budget that the sibling school's grant (240 pupils: GBP 3,570) nearly fills."""
    ParticipationFactory(programme_year=year, school=sibling_school)
    grant_compute(participation=year.participations.get(school=sibling_school))
    return BudgetFactory(programme_year=year, allocation_received=D("5000.00"))


def test_accepting_past_the_budget_is_refused_with_the_sums(invited, tight_budget, users):
    with pytest.raises(ValidationError) as error:
        accept(invited, users[Role.MANAGER])
    invited.refresh_from_db()
    assert error.value.messages == [
        "Accepting Millfield Primary School commits its grant of GBP 2,820, which takes the "
        "commitment to GBP 6,390: GBP 1,390 over the budget of GBP 5,000 for 2004-05. "
        "Give a reason to go ahead anyway."
    ]
    assert invited.status == ParticipationStatus.INVITED
    assert not Grant.objects.filter(participation=invited).exists()
    assert not BudgetOverride.objects.exists()


def test_a_manager_overriding_with_a_reason_accepts_and_records_the_override(
    invited, tight_budget, users
):
    manager = users[Role.MANAGER]
    accept(invited, manager, override_reason="  The reserve covers the last school.  ")
    invited.refresh_from_db()
    override = BudgetOverride.objects.get()
    assert invited.status == ParticipationStatus.ACCEPTED
    assert Grant.objects.get(participation=invited).total == D("2820.00")
    assert (
        override.participation,
        override.committed_before,
        override.grant_total,
        override.budget,
        override.reason,
        override.by,
        override.amount_over,
    ) == (
        invited,
        D("3570.00"),
        D("2820.00"),
        D("5000.00"),
        "The reserve covers the last school.",
        manager,
        D("1390.00"),
    )


def test_an_admin_may_override_too(invited, tight_budget, admin_user):
    accept(invited, admin_user, override_reason="Agreed with the DfES.")
    assert BudgetOverride.objects.get().by == admin_user


def test_a_headteacher_cannot_override_the_budget(invited, tight_budget, users):
    with pytest.raises(ValidationError) as error:
        accept(invited, users[Role.HEADTEACHER], override_reason="We really want to join.")
    invited.refresh_from_db()
    assert error.value.messages[0].endswith("The strategy manager must confirm this acceptance.")
    assert invited.status == ParticipationStatus.INVITED
    assert not BudgetOverride.objects.exists()
    assert not Grant.objects.filter(participation=invited).exists()


def test_a_school_without_a_roll_is_accepted_without_a_grant_only_while_there_is_no_budget(
    year, lea, users
):
    unknown = SchoolFactory(local_authority=lea, number_on_roll=None)
    first = ParticipationFactory(
        programme_year=year, school=unknown, status=ParticipationStatus.INVITED
    )
    accept(first, users[Role.MANAGER])
    assert not Grant.objects.filter(participation=first).exists()

    other_year = ProgrammeYearFactory(local_authority=lea, name="2005-06")
    BudgetFactory(programme_year=other_year)
    second = ParticipationFactory(
        programme_year=other_year, school=unknown, status=ParticipationStatus.INVITED
    )
    with pytest.raises(ValidationError) as error:
        accept(second, users[Role.MANAGER])
    second.refresh_from_db()
    assert "has no number on roll" in error.value.messages[0]
    assert second.status == ParticipationStatus.INVITED


# The school receiver -------------------------------------------------------------------------


def test_a_roll_change_recomputes_an_unpaid_grant_and_keeps_the_old_one_in_history(
    participation, school
):
    grant_compute(participation=participation)
    school.number_on_roll = 150
    school.save()
    grant = Grant.objects.get(participation=participation)
    assert (grant.pupils, grant.funded_people, grant.total) == (150, 3, D("3570.00"))
    assert [h.total for h in grant.history.order_by("history_date")] == [
        D("2820.00"),
        D("3570.00"),
    ]


def test_a_roll_change_leaves_a_paid_grant_as_offered(participation, school):
    grant_compute(participation=participation)
    PaymentFactory(participation=participation, status=PaymentStatus.PAID)
    school.number_on_roll = 150
    school.save()
    grant = Grant.objects.get(participation=participation)
    assert (grant.pupils, grant.total) == (118, D("2820.00"))
    assert grant.history.count() == 1


def test_saving_a_school_without_changing_its_roll_leaves_the_grant_alone(participation, school):
    grant_compute(participation=participation)
    school.name = "Millfield Community Primary School"
    school.save()
    assert Grant.objects.get(participation=participation).history.count() == 1
