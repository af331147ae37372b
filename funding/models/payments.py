"""Payments: the school's grant in instalments, and the PSCL's days delivered (DOMAIN.md: PSCL
support is paid to the PSCL or the PSCL's own school)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import Role
from accounts.scoping import scope_to_schools

from .rates import MONEY


class PaymentKind(models.TextChoices):
    SCHOOL_GRANT = "SCHOOL_GRANT", "Grant to the school"
    PSCL_DAYS = "PSCL_DAYS", "PSCL days delivered"


class Payee(models.TextChoices):
    SCHOOL = "SCHOOL", "The participating school"
    PSCL = "PSCL", "The PSCL"
    PSCL_SCHOOL = "PSCL_SCHOOL", "The PSCL's own school"


class PaymentStatus(models.TextChoices):
    SCHEDULED = "SCHEDULED", "Scheduled"
    PAID = "PAID", "Paid"
    CANCELLED = "CANCELLED", "Cancelled"


class PaymentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins all; strategy managers their LEA's; headteachers and governors their school's
        grant payments; a PSCL the payments for their own days; nobody else any."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.CONSULTANT:
            return self.filter(kind=PaymentKind.PSCL_DAYS, allocation__adviser__user=user)
        if user.role == Role.LINK_ADVISER:
            return self.none()
        if user.is_school_member:
            return scope_to_schools(
                self.filter(kind=PaymentKind.SCHOOL_GRANT),
                user,
                school_path="participation__school",
            )
        return scope_to_schools(self, user, school_path="participation__school")

    def live(self):
        return self.exclude(status=PaymentStatus.CANCELLED)


class Payment(models.Model):
    """One payment, scheduled then paid (or cancelled). A grant instalment belongs to the
    school's participation; a PSCL payment to the allocation whose submitted visits it pays."""

    participation = models.ForeignKey(
        "leadership.Participation", on_delete=models.PROTECT, related_name="payments"
    )
    allocation = models.ForeignKey(
        "consultants.Allocation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    kind = models.CharField(max_length=12, choices=PaymentKind.choices)
    payee = models.CharField(max_length=12, choices=Payee.choices, default=Payee.SCHOOL)
    payee_name = models.CharField(max_length=200)
    instalment = models.PositiveSmallIntegerField(default=1)
    days = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="PSCL days paid for."
    )
    amount = models.DecimalField(**MONEY)
    due_on = models.DateField()
    paid_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.SCHEDULED
    )
    reference = models.CharField(max_length=60, blank=True)
    cancelled_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PaymentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                name="payment_amount_positive",
                condition=Q(amount__gt=0),
                violation_error_message="A payment is for more than nothing.",
            ),
            models.CheckConstraint(
                name="payment_paid_has_date",
                condition=~Q(status="PAID") | Q(paid_on__isnull=False),
                violation_error_message="A paid payment has the date it was paid.",
            ),
            models.CheckConstraint(
                name="payment_cancelled_has_reason",
                condition=~Q(status="CANCELLED", cancelled_reason=""),
                violation_error_message="Say why the payment was cancelled.",
            ),
            models.CheckConstraint(
                name="payment_pscl_has_allocation_and_days",
                condition=Q(kind="SCHOOL_GRANT", allocation__isnull=True, payee="SCHOOL")
                | (
                    Q(kind="PSCL_DAYS", allocation__isnull=False, days__isnull=False)
                    & ~Q(payee="SCHOOL")
                ),
                violation_error_message=(
                    "A grant instalment is paid to the school; a PSCL payment is for an "
                    "allocation's days, to the PSCL or their school."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} GBP {self.amount} to {self.payee_name}"
