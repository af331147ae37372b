"""Writes of payments (issue 5, item 3): a school's grant in instalments, a payment marked paid
or cancelled, and the PSCL payments for days delivered.

Each is atomic and takes a row lock on what two strategy managers could change at once (the
participation, the payment, the year's allocations), so a double click or two tabs never
schedule or pay twice."""

import calendar
import datetime
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from consultants.models import Allocation
from leadership.models import Participation, ProgrammeYear
from leadership.models.programme import PLACE_HOLDING_STATUSES

from ..models import Grant, Payee, Payment, PaymentKind, PaymentStatus
from ..selectors.payments import PsclPaymentLine, pscl_payment_lines

PENNY = Decimal("0.01")
#: The most instalments a grant is split into (one a month for a year).
MAX_INSTALMENTS = 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved on `months` calendar months, kept within the month (31 January + 1 month is
    the last day of February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def split_amount(total: Decimal, count: int) -> list[Decimal]:
    """`total` in `count` equal parts rounded down to the penny, the pennies left over on the
    last part: the parts always add up to `total` exactly."""
    part = (total / count).quantize(PENNY, rounding=ROUND_DOWN)
    return [part] * (count - 1) + [total - part * (count - 1)]


@transaction.atomic
def grant_instalments_schedule(
    *,
    participation: Participation,
    count: int,
    first_due_on: datetime.date,
    months_apart: int,
    by,
) -> list[Payment]:
    """Schedule the school's own amount of its grant (supply cover and travel; the PSCL is paid
    apart) as `count` instalments, the first due on `first_due_on` and each next one
    `months_apart` months later. Refused when the school holds no place, has no grant yet, or
    already has instalments that are scheduled or paid (cancel them first)."""
    locked = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(pk=participation.pk)
    )
    if locked.status not in PLACE_HOLDING_STATUSES:
        raise ValidationError(
            f"{locked.school.name} does not hold a place, so it has no grant to pay.",
            code="no_place",
        )
    grant = Grant.objects.filter(participation=locked).first()
    if grant is None:
        raise ValidationError(
            f"{locked.school.name} has no grant yet: record its number on roll so the grant can "
            "be worked out.",
            code="no_grant",
        )
    live = Payment.objects.filter(participation=locked, kind=PaymentKind.SCHOOL_GRANT).live()
    if live.exists():
        raise ValidationError(
            f"{locked.school.name}'s grant already has instalments scheduled or paid. Cancel "
            "the scheduled ones before scheduling again.",
            code="already_scheduled",
        )
    if not 1 <= count <= MAX_INSTALMENTS:
        raise ValidationError(
            {"count": f"Choose between 1 and {MAX_INSTALMENTS} instalments."}, code="count"
        )
    if months_apart < 1 and count > 1:
        raise ValidationError(
            {"months_apart": "Instalments are at least one month apart."}, code="months_apart"
        )
    amounts = split_amount(grant.school_amount, count)
    if amounts[0] <= 0:
        raise ValidationError(
            {"count": f"{grant.school_amount} cannot be split into {count} instalments."},
            code="too_small",
        )
    payments = []
    for number, amount in enumerate(amounts, start=1):
        payment = Payment(
            participation=locked,
            kind=PaymentKind.SCHOOL_GRANT,
            payee=Payee.SCHOOL,
            payee_name=locked.school.name,
            instalment=number,
            amount=amount,
            due_on=add_months(first_due_on, months_apart * (number - 1)),
            created_by=by,
        )
        payment.full_clean()
        payment.save()
        payments.append(payment)
    return payments


def _locked_scheduled(payment: Payment, verb: str) -> Payment:
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status != PaymentStatus.SCHEDULED:
        raise ValidationError(
            f"This payment is {locked.get_status_display().lower()}, so it cannot be {verb}.",
            code="not_scheduled",
        )
    return locked


@transaction.atomic
def payment_mark_paid(*, payment: Payment, paid_on: datetime.date, reference: str = "") -> Payment:
    """Record that a scheduled payment was made on `paid_on`, with the finance system's
    reference. A paid grant is never recomputed afterwards (`grant_compute`)."""
    locked = _locked_scheduled(payment, "marked paid")
    if paid_on is None:
        raise ValidationError({"paid_on": "Enter the date it was paid."}, code="required")
    locked.status = PaymentStatus.PAID
    locked.paid_on = paid_on
    locked.reference = reference.strip()
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def payment_cancel(*, payment: Payment, reason: str) -> Payment:
    """Cancel a scheduled payment with the reason (a paid payment stays as it was paid)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the payment is cancelled."}, code="required")
    locked = _locked_scheduled(payment, "cancelled")
    locked.status = PaymentStatus.CANCELLED
    locked.cancelled_reason = reason
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def pscl_payments_prepare(
    *, programme_year: ProgrammeYear, up_to: datetime.date, by
) -> list[Payment]:
    """Schedule the PSCL payments for the days of submitted visits up to `up_to` not yet in a
    scheduled or paid PSCL payment, at the year's PSCL day rate, due on `up_to`: to the PSCL's
    own school when they lead one, else to the PSCL. Running it again adds nothing until more
    visits are submitted. The year's allocations are locked first, so two runs at once are
    served one after the other."""
    list(
        Allocation.objects.select_for_update(of=("self",))
        .filter(participation__programme_year=programme_year)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    created = []
    for line in pscl_payment_lines(programme_year, up_to=up_to):
        created.append(_pscl_payment(line, up_to=up_to, by=by))
    return created


def _pscl_payment(line: PsclPaymentLine, *, up_to, by) -> Payment:
    payment = Payment(
        participation_id=line.allocation.participation_id,
        allocation=line.allocation,
        kind=PaymentKind.PSCL_DAYS,
        payee=line.payee,
        payee_name=line.payee_name,
        instalment=line.instalment,
        days=line.days,
        amount=line.amount,
        due_on=up_to,
        created_by=by,
    )
    payment.full_clean()
    payment.save()
    return payment
