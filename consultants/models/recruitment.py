"""Recruiting PSCLs: applications moved from received to appointed (or not), with their history,
and the conflicts of interest each PSCL declares before being matched (DOMAIN.md: PSCLs)."""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import Role
from accounts.scoping import scope_to_lea

from .advisers import Adviser

#: The largest application letter that may be uploaded.
LETTER_MAX_BYTES = 5 * 1024 * 1024


class ApplicationStatus(models.TextChoices):
    RECEIVED = "RECEIVED", "Received"
    SCREENED = "SCREENED", "Screened"
    SHORTLISTED = "SHORTLISTED", "Shortlisted"
    INTERVIEWED = "INTERVIEWED", "Interviewed"
    APPOINTED = "APPOINTED", "Appointed"
    NOT_APPOINTED = "NOT_APPOINTED", "Not appointed"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


#: The steps an application may take from each status; the last three are final.
APPLICATION_STEPS = {
    ApplicationStatus.RECEIVED: (
        ApplicationStatus.SCREENED,
        ApplicationStatus.NOT_APPOINTED,
        ApplicationStatus.WITHDRAWN,
    ),
    ApplicationStatus.SCREENED: (
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.NOT_APPOINTED,
        ApplicationStatus.WITHDRAWN,
    ),
    ApplicationStatus.SHORTLISTED: (
        ApplicationStatus.INTERVIEWED,
        ApplicationStatus.NOT_APPOINTED,
        ApplicationStatus.WITHDRAWN,
    ),
    ApplicationStatus.INTERVIEWED: (
        ApplicationStatus.APPOINTED,
        ApplicationStatus.NOT_APPOINTED,
        ApplicationStatus.WITHDRAWN,
    ),
}


class Recommendation(models.TextChoices):
    STRONGLY = "STRONGLY", "Strongly recommends"
    RECOMMENDS = "RECOMMENDS", "Recommends"
    RESERVATIONS = "RESERVATIONS", "Has reservations"
    DOES_NOT = "DOES_NOT", "Does not recommend"


def application_letter_path(application, filename: str) -> str:
    # The name the applicant gave is not trusted: the path is ours, the extension fixed.
    return f"applications/{application.programme_year_id}/letter-{application.email_slug}.pdf"


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Strategy managers and link advisers (who recommend) see their LEA's applications;
        admins all; nobody else any."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role not in (Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER):
            return self.none()
        return scope_to_lea(self, user, lea_path="programme_year__local_authority")

    def open(self):
        return self.filter(status__in=list(APPLICATION_STEPS))


class Application(models.Model):
    """An application to be a PSCL in a programme year. Status changes go through
    `consultants.services.recruitment`, which records each one."""

    programme_year = models.ForeignKey(
        "leadership.ProgrammeYear", on_delete=models.PROTECT, related_name="pscl_applications"
    )
    full_name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    home_school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pscl_applications",
        help_text="The school the applicant leads (or led).",
    )
    years_of_headship = models.PositiveSmallIntegerField(null=True, blank=True)
    received_on = models.DateField()
    letter_text = models.TextField("letter", blank=True)
    letter_file = models.FileField(
        "letter (PDF)",
        upload_to=application_letter_path,
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    recommended_by = models.ForeignKey(
        Adviser,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
        limit_choices_to={"kind": "LINK_ADVISER"},
    )
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices, blank=True)
    recommendation_notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=14, choices=ApplicationStatus.choices, default=ApplicationStatus.RECEIVED
    )
    screening_notes = models.TextField(blank=True)
    interviewed_on = models.DateField(null=True, blank=True)
    interview_panel = models.CharField(max_length=300, blank=True)
    interview_score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Out of 20.",
    )
    interview_notes = models.TextField(blank=True)
    adviser = models.ForeignKey(
        Adviser,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        help_text="The PSCL the applicant became on appointment.",
    )

    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme_year", "-received_on", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_year", "email"],
                name="application_one_per_person_year",
                violation_error_message="This person has already applied this year.",
            ),
            models.CheckConstraint(
                name="application_has_letter",
                condition=~Q(letter_text="", letter_file=""),
                violation_error_message="Give the letter as text or upload it as a PDF.",
            ),
            models.CheckConstraint(
                name="application_score_1_20",
                condition=Q(interview_score__isnull=True)
                | Q(interview_score__gte=1, interview_score__lte=20),
                violation_error_message="The interview score is 1 to 20.",
            ),
            models.CheckConstraint(
                name="application_interviewed_has_interview",
                condition=~Q(status__in=["INTERVIEWED", "APPOINTED"])
                | Q(interviewed_on__isnull=False, interview_score__isnull=False),
                violation_error_message="An interview needs its date and score.",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.programme_year.name})"

    @property
    def email_slug(self) -> str:
        return "".join(c if c.isalnum() else "-" for c in self.email.lower())[:80]

    @property
    def is_open(self) -> bool:
        return self.status in APPLICATION_STEPS

    @property
    def next_steps(self) -> tuple[str, ...]:
        return APPLICATION_STEPS.get(self.status, ())


class ApplicationStep(models.Model):
    """One change of an application's status: who made it, when, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=14, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=ApplicationStatus.choices)
    notes = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["application", "changed_at", "pk"]

    def __str__(self):
        return f"{self.application}: {self.from_status or 'new'} -> {self.to_status}"


class ConflictKind(models.TextChoices):
    FAMILY = "FAMILY", "Family link"
    GOVERNOR = "GOVERNOR", "Governor of the school"
    FORMER_EMPLOYER = "FORMER_EMPLOYER", "Former employer"
    FEDERATION = "FEDERATION", "Same federation"
    OTHER = "OTHER", "Other"


class ConflictDeclarationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(adviser__in=Adviser.objects.visible_to(user))


class ConflictDeclaration(models.Model):
    """A PSCL's declaration, for one programme year, of any link to the LEA's participating
    schools. No declaration, no match; each declared conflict rules its school out."""

    adviser = models.ForeignKey(
        Adviser, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    programme_year = models.ForeignKey(
        "leadership.ProgrammeYear", on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    declared_on = models.DateField()
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ConflictDeclarationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme_year", "adviser"]
        constraints = [
            models.UniqueConstraint(
                fields=["adviser", "programme_year"], name="conflict_declaration_one_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.adviser.full_name}'s declaration for {self.programme_year.name}"


class DeclaredConflict(models.Model):
    declaration = models.ForeignKey(
        ConflictDeclaration, on_delete=models.CASCADE, related_name="conflicts"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    kind = models.CharField(max_length=16, choices=ConflictKind.choices)
    details = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["declaration", "school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "school", "kind"],
                name="declared_conflict_once",
                violation_error_message="That link to the school is already declared.",
            ),
            models.CheckConstraint(
                name="declared_conflict_other_has_details",
                condition=~Q(kind="OTHER", details=""),
                violation_error_message="Say what the link is.",
            ),
        ]

    def __str__(self):
        return f"{self.declaration.adviser.full_name}: {self.get_kind_display()} with {self.school}"
