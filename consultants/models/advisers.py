"""The LEA's advisers: PSCLs (consultant leaders), link advisers, literacy and numeracy
consultants; each PSCL's capacity per programme year and training; advisers attached to schools."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.module_loading import import_string
from simple_history.models import HistoricalRecords

from accounts.models import Role
from accounts.scoping import scope_to_lea, scope_to_schools


class AdviserKind(models.TextChoices):
    PSCL = "PSCL", "Consultant leader (PSCL)"
    LINK_ADVISER = "LINK_ADVISER", "Link adviser"
    LITERACY = "LITERACY", "Literacy consultant"
    NUMERACY = "NUMERACY", "Numeracy consultant"


#: The role an adviser's log-in must have, for the kinds that sign in to do their work.
ROLE_OF_KIND = {AdviserKind.PSCL: Role.CONSULTANT, AdviserKind.LINK_ADVISER: Role.LINK_ADVISER}


class Expertise(models.TextChoices):
    ENGLISH = "ENGLISH", "English"
    MATHS = "MATHS", "Maths"
    LEADERSHIP = "LEADERSHIP", "Leadership"
    REMODELLING = "REMODELLING", "Workforce remodelling"
    ASSESSMENT = "ASSESSMENT", "Assessment"
    EARLY_YEARS = "EARLY_YEARS", "Early years"
    INCLUSION = "INCLUSION", "Inclusion and special needs"


@deconstructible
class ChoiceListValidator:
    """Validates a JSON list field holding values of a TextChoices class, each at most once."""

    def __init__(self, choices_path: str):
        # The dotted path of the choices class, so that migrations can name the validator.
        self.choices_path = choices_path

    def __call__(self, value):
        allowed = set(import_string(self.choices_path).values)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError("Give a list of choices.")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise ValidationError(f"Unknown choice: {', '.join(unknown)}.")
        if len(set(value)) != len(value):
            raise ValidationError("Each choice may be given once.")

    def __eq__(self, other):
        return isinstance(other, ChoiceListValidator) and other.choices_path == self.choices_path


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class AdviserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins every adviser; strategy managers and link advisers their LEA's; a PSCL only
        themselves; headteachers and governors the advisers attached or allocated to their
        school (through `for_school`, not here): none."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.CONSULTANT:
            return self.filter(user=user)
        if user.is_school_member:
            return self.none()
        return scope_to_lea(self, user, lea_path="local_authority")

    def pscls(self):
        return self.filter(kind=AdviserKind.PSCL)

    def link_advisers(self):
        return self.filter(kind=AdviserKind.LINK_ADVISER)

    def appointed(self):
        """PSCLs who may be matched: appointed and still working for the LEA."""
        return self.pscls().filter(is_active=True, appointed_on__isnull=False)


class Adviser(models.Model):
    """Someone who advises the LEA's schools. A PSCL has a consultant profile (home school,
    years of headship, expertise) and, once appointed, may be matched to schools."""

    local_authority = models.ForeignKey(
        "schools.LocalAuthority",
        verbose_name="LEA",
        on_delete=models.PROTECT,
        related_name="advisers",
    )
    kind = models.CharField(max_length=12, choices=AdviserKind.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adviser",
        help_text="The log-in of a PSCL or link adviser.",
    )
    full_name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    home_school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident_advisers",
        help_text="For a PSCL: the school they lead (never matched to them).",
    )
    years_of_headship = models.PositiveSmallIntegerField(null=True, blank=True)
    expertise = models.JSONField(
        "areas of expertise",
        default=list,
        blank=True,
        validators=[ChoiceListValidator("consultants.models.advisers.Expertise")],
    )
    appointed_on = models.DateField(
        null=True, blank=True, help_text="For a PSCL: only appointed PSCLs can be matched."
    )
    is_active = models.BooleanField("still working for the LEA", default=True)
    calendar_token = models.CharField(
        max_length=64,
        unique=True,
        default=new_calendar_token,
        editable=False,
        help_text="The secret in the address of the PSCL's calendar feed of planned visits.",
    )

    objects = AdviserQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["calendar_token"])

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["local_authority", "kind"])]
        constraints = [
            models.CheckConstraint(
                name="adviser_profile_only_for_pscl",
                condition=Q(kind=AdviserKind.PSCL)
                | Q(home_school__isnull=True, appointed_on__isnull=True),
                violation_error_message="Only a PSCL has a home school and an appointment.",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_kind_display()})"

    def clean(self):
        super().clean()
        role = ROLE_OF_KIND.get(self.kind)
        if self.user_id is None:
            return
        if role is None:
            raise ValidationError({"user": f"A {self.get_kind_display().lower()} has no log-in."})
        if self.user.role != role:
            raise ValidationError({"user": f"The log-in must be a {Role(role).label.lower()}."})
        if self.user.local_authority_id != self.local_authority_id:
            raise ValidationError({"user": "The log-in belongs to another LEA."})

    @property
    def is_pscl(self) -> bool:
        return self.kind == AdviserKind.PSCL

    @property
    def is_appointed(self) -> bool:
        return self.is_pscl and self.appointed_on is not None

    @property
    def expertise_labels(self) -> list[str]:
        return [Expertise(value).label for value in self.expertise if value in Expertise.values]

    def home_school_leadership_grade(self) -> int | None:
        """The leadership and management grade of the home school's latest inspection
        (1 excellent to 7 very poor), or None. One query; prefetch `home_school__inspections`
        to read it for many PSCLs."""
        if self.home_school_id is None:
            return None
        inspections = sorted(
            self.home_school.inspections.all(), key=lambda i: i.inspected_on, reverse=True
        )
        return inspections[0].leadership_grade if inspections else None

    def rotate_calendar_token(self) -> None:
        self.calendar_token = new_calendar_token()
        self.save(update_fields=["calendar_token"])


class CapacityQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(adviser__in=Adviser.objects.visible_to(user))


class Capacity(models.Model):
    """How many schools and days a PSCL can give in one programme year."""

    adviser = models.ForeignKey(Adviser, on_delete=models.CASCADE, related_name="capacities")
    programme_year = models.ForeignKey(
        "leadership.ProgrammeYear", on_delete=models.CASCADE, related_name="pscl_capacities"
    )
    max_schools = models.PositiveSmallIntegerField(
        "schools", validators=[MinValueValidator(1)], help_text="Schools the PSCL can support."
    )
    max_days = models.DecimalField(
        "days",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0)],
        help_text="School-based days the PSCL can give in the year.",
    )

    objects = CapacityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "capacities"
        ordering = ["programme_year", "adviser"]
        constraints = [
            models.UniqueConstraint(
                fields=["adviser", "programme_year"], name="capacity_one_per_adviser_year"
            ),
            models.CheckConstraint(
                name="capacity_schools_at_least_one",
                condition=Q(max_schools__gte=1),
                violation_error_message="A PSCL supports at least one school.",
            ),
            models.CheckConstraint(
                name="capacity_days_not_negative",
                condition=Q(max_days__gte=0),
                violation_error_message="Days cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.adviser.full_name} {self.programme_year.name}: {self.max_schools} schools"


class TrainingDay(models.TextChoices):
    """The PSCL's training (DOMAIN.md: three days before work starts, a fourth in the autumn)."""

    INITIAL_1 = "INITIAL_1", "Initial training, day 1"
    INITIAL_2 = "INITIAL_2", "Initial training, day 2"
    INITIAL_3 = "INITIAL_3", "Initial training, day 3"
    FOURTH = "FOURTH", "Fourth day (autumn term)"


class ConsultantTrainingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(adviser__in=Adviser.objects.visible_to(user))


class ConsultantTraining(models.Model):
    """A day of PSCL training attended."""

    adviser = models.ForeignKey(Adviser, on_delete=models.CASCADE, related_name="training")
    programme_year = models.ForeignKey(
        "leadership.ProgrammeYear", on_delete=models.CASCADE, related_name="pscl_training"
    )
    day = models.CharField(max_length=10, choices=TrainingDay.choices)
    attended_on = models.DateField()

    objects = ConsultantTrainingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "PSCL training day"
        ordering = ["programme_year", "adviser", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["adviser", "programme_year", "day"],
                name="consultant_training_one_per_day",
                violation_error_message="That training day is already recorded.",
            ),
        ]

    def __str__(self):
        return f"{self.adviser.full_name}: {self.get_day_display()} on {self.attended_on}"


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_schools(self, user, school_path="school")


class Attachment(models.Model):
    """An adviser attached to a school: its link adviser, or a literacy or numeracy consultant
    working there. A school has at most one link adviser (`consultants.services.advisers`)."""

    adviser = models.ForeignKey(Adviser, on_delete=models.CASCADE, related_name="attachments")
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="adviser_attachments"
    )
    attached_on = models.DateField(default=timezone.localdate)

    objects = AttachmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["school", "adviser"]
        constraints = [
            models.UniqueConstraint(
                fields=["adviser", "school"],
                name="attachment_one_per_adviser_school",
                violation_error_message="The adviser is already attached to that school.",
            ),
        ]

    def __str__(self):
        return f"{self.adviser.full_name} at {self.school.name}"
