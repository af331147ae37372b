"""Expenditure returns: each school accounts for its grant (DOMAIN.md: Funding, "every school must
account for what it spent (cover days used, travel, training attended)")."""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import Archivable, ArchivableQuerySet, Role
from accounts.scoping import scope_to_schools

from .rates import ZERO

#: The largest evidence file that may be uploaded.
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_EXTENSIONS = ["pdf", "png", "jpg", "jpeg"]


class ReturnStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    SUBMITTED = "SUBMITTED", "Submitted"
    QUERIED = "QUERIED", "Queried"
    APPROVED = "APPROVED", "Approved"


class SpendingCategory(models.TextChoices):
    MATERIALS = "MATERIALS", "Materials for the programme"
    TRAINING = "TRAINING", "Training for the programme"
    VISITS = "VISITS", "Visits for the programme"
    GENERAL_BUDGET = "GENERAL_BUDGET", "Put into the general budget"
    UNRELATED = "UNRELATED", "Not related to the programme"
    OTHER = "OTHER", "Other"


#: Spending that does not further the programme (DOMAIN.md: Ofsted found schools that put the
#: grant into their general supply budget).
NOT_FOR_THE_PROGRAMME = (SpendingCategory.GENERAL_BUDGET, SpendingCategory.UNRELATED)


class ReturnQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A school's return: its headteacher and governors, the LEA's strategy managers,
        admins. PSCLs and link advisers do not see the money."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role in (Role.CONSULTANT, Role.LINK_ADVISER):
            return self.none()
        return scope_to_schools(self, user, school_path="participation__school")


class ExpenditureReturn(models.Model):
    """How a school spent its grant: cover days per team member, travel, other spending, with
    evidence. Submitted by the headteacher; approved or queried by the strategy manager."""

    participation = models.OneToOneField(
        "leadership.Participation", on_delete=models.PROTECT, related_name="expenditure_return"
    )
    travel_spent = models.DecimalField(
        "travel spent (GBP)",
        max_digits=8,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    status = models.CharField(
        max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    query_message = models.TextField(
        blank=True, help_text="The strategy manager's question, which the school sees."
    )

    objects = ReturnQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["participation__school__name"]
        constraints = [
            models.CheckConstraint(
                name="return_travel_not_negative",
                condition=Q(travel_spent__gte=0),
                violation_error_message="Travel spent cannot be negative.",
            ),
            models.CheckConstraint(
                name="return_queried_has_message",
                condition=~Q(status="QUERIED", query_message=""),
                violation_error_message="Say what the school should answer.",
            ),
            models.CheckConstraint(
                name="return_submitted_has_time",
                condition=Q(status="DRAFT") | Q(submitted_at__isnull=False),
                violation_error_message="A submitted return has the time it was submitted.",
            ),
        ]

    def __str__(self):
        return f"Expenditure return of {self.participation}"


class CoverClaim(models.Model):
    """Supply-cover days used for one member of the leadership team."""

    expenditure_return = models.ForeignKey(
        ExpenditureReturn, on_delete=models.CASCADE, related_name="cover_claims"
    )
    member = models.ForeignKey(
        "leadership.LeadershipTeamMember", on_delete=models.PROTECT, related_name="cover_claims"
    )
    days = models.DecimalField(max_digits=4, decimal_places=1, validators=[MinValueValidator(ZERO)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["expenditure_return", "member__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["expenditure_return", "member"],
                name="cover_claim_one_per_member",
                violation_error_message="That team member's cover days are already claimed.",
            ),
            models.CheckConstraint(
                name="cover_claim_days_not_negative",
                condition=Q(days__gte=0),
                violation_error_message="Days cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.member.full_name}: {self.days} cover days"


class OtherSpending(models.Model):
    expenditure_return = models.ForeignKey(
        ExpenditureReturn, on_delete=models.CASCADE, related_name="other_spending"
    )
    category = models.CharField(max_length=16, choices=SpendingCategory.choices)
    description = models.CharField(max_length=300)
    amount = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "other spending"
        ordering = ["expenditure_return", "pk"]
        constraints = [
            models.CheckConstraint(
                name="other_spending_positive",
                condition=Q(amount__gt=0),
                violation_error_message="Give the amount spent.",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: GBP {self.amount}"

    @property
    def is_for_the_programme(self) -> bool:
        return self.category not in NOT_FOR_THE_PROGRAMME


def evidence_path(evidence, filename: str) -> str:
    # The uploaded name is not trusted: the path is ours; only the checked extension is kept.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"returns/{evidence.expenditure_return_id}/evidence-{evidence.token}.{extension}"


class ReturnEvidence(Archivable):
    """A supply invoice, receipt or other evidence for a return: a PDF or an image. Evidence
    removed from a return is archived, its file kept until the retention rules say otherwise."""

    expenditure_return = models.ForeignKey(
        ExpenditureReturn, on_delete=models.CASCADE, related_name="evidence"
    )
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(
        upload_to=evidence_path, validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)]
    )
    original_name = models.CharField(max_length=200)
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField()

    objects = ArchivableQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "return evidence"
        ordering = ["expenditure_return", "uploaded_at"]

    def __str__(self):
        return f"{self.original_name} for {self.expenditure_return}"
