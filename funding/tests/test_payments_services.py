"""Payments (issue 5, item 3): a grant in instalments with the pennies on the last, marking
paid and cancelling, and the PSCL payments for submitted days (idempotent)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from conftest import make_user
from consultants.factories import AdviserFactory, AllocationFactory, VisitFactory
from consultants.models import VisitLength, VisitStatus
from funding.factories import FundingRatesFactory, PaymentFactory
from funding.models import Payee, Payment, PaymentKind, PaymentStatus
from funding.services.grants import grant_compute
from funding.services.payments import (
    add_months,
    grant_instalments_schedule,
    payment_cancel,
    payment_mark_paid,
    pscl_payments_prepare,
    split_amount,
)
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

OCT = datetime.date(2004, 10, 1)


@pytest.fixture
def manager(lea):
    return make_user(Role.MANAGER, lea=lea)


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


def _granted(year, pupils=121, **kwargs):
    school = SchoolFactory(local_authority=year.local_authority, number_on_roll=pupils)
    participation = ParticipationFactory(programme_year=year, school=school, **kwargs)
    grant_compute(participation=participation)
    return participation


def test_split_amount_puts_the_pennies_on_the_last_and_adds_up_exactly():
    assert split_amount(Decimal("100.00"), 3) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    parts = split_amount(Decimal("2370.01"), 7)
    assert sum(parts) == Decimal("2370.01")
    assert len(set(parts[:-1])) == 1


def test_add_months_keeps_within_the_month():
    assert add_months(datetime.date(2005, 1, 31), 1) == datetime.date(2005, 2, 28)
    assert add_months(datetime.date(2004, 10, 1), 6) == datetime.date(2005, 4, 1)
    assert add_months(datetime.date(2004, 11, 15), 14) == datetime.date(2006, 1, 15)


def test_schedule_splits_the_school_amount_without_the_pscl(year, users):
    participation = _granted(year)
    grant = participation.grant
    # 121 pupils: 3 x 5 days x GBP 150 = 2,250 supply, plus GBP 120 travel.
    assert grant.school_amount == Decimal("2370.00")
    payments = grant_instalments_schedule(
        participation=participation,
        count=3,
        first_due_on=OCT,
        months_apart=4,
        by=users["MANAGER"],
    )
    assert [p.amount for p in payments] == [Decimal("790.00")] * 3
    assert [p.due_on for p in payments] == [
        OCT,
        datetime.date(2005, 2, 1),
        datetime.date(2005, 6, 1),
    ]
    assert [p.instalment for p in payments] == [1, 2, 3]
    assert {p.payee for p in payments} == {Payee.SCHOOL}
    assert payments[0].payee_name == participation.school.name
    assert payments[0].created_by == users["MANAGER"]


def test_schedule_with_pennies_sums_exactly(year, manager):
    participation = _granted(year)
    payments = grant_instalments_schedule(
        participation=participation, count=7, first_due_on=OCT, months_apart=1, by=manager
    )
    assert sum(p.amount for p in payments) == participation.grant.school_amount
    assert payments[-1].amount > payments[0].amount


def test_schedule_is_refused_when_live_instalments_exist(year, manager):
    participation = _granted(year)
    grant_instalments_schedule(
        participation=participation, count=2, first_due_on=OCT, months_apart=6, by=manager
    )
    with pytest.raises(ValidationError) as error:
        grant_instalments_schedule(
            participation=participation, count=2, first_due_on=OCT, months_apart=6, by=manager
        )
    assert error.value.code == "already_scheduled"
    assert Payment.objects.filter(participation=participation).count() == 2


def test_schedule_again_once_the_instalments_are_cancelled(year, manager):
    participation = _granted(year)
    for payment in grant_instalments_schedule(
        participation=participation, count=2, first_due_on=OCT, months_apart=6, by=manager
    ):
        payment_cancel(payment=payment, reason="Wrong dates.")
    again = grant_instalments_schedule(
        participation=participation, count=1, first_due_on=OCT, months_apart=1, by=manager
    )
    assert again[0].amount == Decimal("2370.00")


def test_schedule_is_refused_without_a_grant(year, manager):
    participation = ParticipationFactory(programme_year=year)
    with pytest.raises(ValidationError) as error:
        grant_instalments_schedule(
            participation=participation, count=2, first_due_on=OCT, months_apart=6, by=manager
        )
    assert error.value.code == "no_grant"
    assert not Payment.objects.exists()


def test_schedule_is_refused_for_a_school_without_a_place(year, manager):
    participation = _granted(year)
    participation.status = ParticipationStatus.WITHDRAWN
    participation.status_reason = "Closed."
    participation.save()
    with pytest.raises(ValidationError) as error:
        grant_instalments_schedule(
            participation=participation, count=1, first_due_on=OCT, months_apart=1, by=manager
        )
    assert error.value.code == "no_place"


@pytest.mark.parametrize("count", [0, 13])
def test_schedule_refuses_a_bad_count(year, count, manager):
    participation = _granted(year)
    with pytest.raises(ValidationError) as error:
        grant_instalments_schedule(
            participation=participation, count=count, first_due_on=OCT, months_apart=1, by=manager
        )
    assert "count" in error.value.message_dict
    assert not Payment.objects.exists()


def test_mark_paid_then_it_cannot_be_paid_or_cancelled_again(year):
    payment = PaymentFactory(participation=ParticipationFactory(programme_year=year))
    paid = payment_mark_paid(
        payment=payment, paid_on=datetime.date(2004, 10, 4), reference=" BACS-1 "
    )
    assert (paid.status, paid.paid_on, paid.reference) == (
        PaymentStatus.PAID,
        datetime.date(2004, 10, 4),
        "BACS-1",
    )
    with pytest.raises(ValidationError) as error:
        payment_mark_paid(payment=payment, paid_on=datetime.date(2004, 10, 5))
    assert error.value.code == "not_scheduled"
    with pytest.raises(ValidationError):
        payment_cancel(payment=payment, reason="Oops")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_cancel_needs_a_reason(year):
    payment = PaymentFactory(participation=ParticipationFactory(programme_year=year))
    with pytest.raises(ValidationError) as error:
        payment_cancel(payment=payment, reason="  ")
    assert "reason" in error.value.message_dict
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SCHEDULED
    payment_cancel(payment=payment, reason="Scheduled twice.")
    payment.refresh_from_db()
    assert (payment.status, payment.cancelled_reason) == (
        PaymentStatus.CANCELLED,
        "Scheduled twice.",
    )


# PSCL payments ------------------------------------------------------------------------------


def _allocation(year, **adviser):
    adviser = AdviserFactory(local_authority=year.local_authority, **adviser)
    return AllocationFactory(
        adviser=adviser, participation=ParticipationFactory(programme_year=year)
    )


def test_pscl_payments_pay_submitted_days_up_to_the_date_to_the_pscls_school(year, users):
    FundingRatesFactory(programme_year=year, pscl_day_rate=Decimal("300.00"))
    allocation = _allocation(year)
    VisitFactory(allocation=allocation, visit_on=datetime.date(2004, 10, 12))  # half day
    VisitFactory(
        allocation=allocation, visit_on=datetime.date(2004, 11, 2), length=VisitLength.FULL_DAY
    )
    VisitFactory(allocation=allocation, visit_on=datetime.date(2005, 1, 10))  # after up_to
    VisitFactory(
        allocation=allocation,
        visit_on=datetime.date(2004, 10, 20),
        status=VisitStatus.DRAFT,
        submitted_at=None,
    )

    created = pscl_payments_prepare(
        programme_year=year, up_to=datetime.date(2004, 12, 31), by=users["MANAGER"]
    )

    assert len(created) == 1
    payment = created[0]
    assert payment.kind == PaymentKind.PSCL_DAYS
    assert payment.days == Decimal("1.50")
    assert payment.amount == Decimal("450.00")
    assert payment.payee == Payee.PSCL_SCHOOL
    assert payment.payee_name == allocation.adviser.home_school.name
    assert payment.allocation == allocation
    assert payment.participation == allocation.participation
    assert payment.status == PaymentStatus.SCHEDULED
    assert payment.due_on == datetime.date(2004, 12, 31)


def test_pscl_payments_are_idempotent_and_pay_only_new_days(year, manager):
    allocation = _allocation(year)
    VisitFactory(allocation=allocation, visit_on=datetime.date(2004, 10, 12))
    first = pscl_payments_prepare(
        programme_year=year, up_to=datetime.date(2004, 12, 31), by=manager
    )
    assert (
        pscl_payments_prepare(programme_year=year, up_to=datetime.date(2004, 12, 31), by=manager)
        == []
    )
    assert Payment.objects.count() == 1

    VisitFactory(allocation=allocation, visit_on=datetime.date(2005, 1, 10))
    later = pscl_payments_prepare(programme_year=year, up_to=datetime.date(2005, 3, 31), by=manager)
    assert [p.days for p in later] == [Decimal("0.50")]
    assert later[0].instalment == first[0].instalment + 1


def test_pscl_days_of_a_cancelled_payment_are_paid_again(year, manager):
    allocation = _allocation(year)
    VisitFactory(allocation=allocation)
    (payment,) = pscl_payments_prepare(
        programme_year=year, up_to=datetime.date(2004, 12, 31), by=manager
    )
    payment_cancel(payment=payment, reason="Wrong rate.")
    (again,) = pscl_payments_prepare(
        programme_year=year, up_to=datetime.date(2004, 12, 31), by=manager
    )
    assert again.days == Decimal("0.50")


def test_pscl_without_a_home_school_is_paid_in_person(year, manager):
    allocation = _allocation(year, home_school=None)
    VisitFactory(allocation=allocation)
    (payment,) = pscl_payments_prepare(
        programme_year=year, up_to=datetime.date(2004, 12, 31), by=manager
    )
    assert payment.payee == Payee.PSCL
    assert payment.payee_name == allocation.adviser.full_name


def test_pscl_payments_nothing_without_new_days_and_not_other_years(year, other_lea, manager):
    _allocation(year)  # no visits
    other_year = ProgrammeYearFactory(local_authority=other_lea)
    VisitFactory(allocation=_allocation(other_year))
    assert (
        pscl_payments_prepare(programme_year=year, up_to=datetime.date(2005, 7, 31), by=manager)
        == []
    )
    assert not Payment.objects.exists()
