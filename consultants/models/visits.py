"""The PSCL's visit log: planned visits with the school's pre-visit note, visit notes from draft to
submitted, agreed actions, and the school's termly evaluation of the support (DOMAIN.md: Time and
support, the six consultancy stages; Monitoring and evaluation)."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import Role
from accounts.scoping import scope_to_schools

from .advisers import AdviserKind, ChoiceListValidator
from .allocations import Allocation


class VisitStatus(models.TextChoices):
    PLANNED = "PLANNED", "Planned"
    DRAFT = "DRAFT", "Draft"
    SUBMITTED = "SUBMITTED", "Submitted"
    CANCELLED = "CANCELLED", "Cancelled"


class VisitLength(models.TextChoices):
    HALF_DAY = "HALF_DAY", "Half day"
    FULL_DAY = "FULL_DAY", "Full day"
    HOURS = "HOURS", "Hours"


class VisitKind(models.TextChoices):
    GETTING_TO_KNOW_YOU = "GETTING_TO_KNOW_YOU", "Getting to know you"
    GETTING_STARTED = "GETTING_STARTED", "Getting started"
    PLANNING = "PLANNING", "Planning"
    LESSON_OBSERVATION = "LESSON_OBSERVATION", "Lesson observation"
    REVIEW = "REVIEW", "Review"
    JOINT_VISIT = "JOINT_VISIT", "Joint visit with the link adviser"
    OTHER = "OTHER", "Other"


class ConsultancyStage(models.IntegerChoices):
    EXPLORING = 1, "1 Exploring problems and opportunities"
    NEW_PERSPECTIVE = 2, "2 New perspective and ownership"
    NEW_SCENARIO = 3, "3 Creating a new scenario"
    CHOOSING_GOALS = 4, "4 Choosing goals"
    PLANNING_FOR_ACTION = 5, "5 Planning for action"
    IMPLEMENTING = 6, "6 Implementing change and monitoring"


class VisitFocus(models.TextChoices):
    ENGLISH = "ENGLISH", "English"
    MATHS = "MATHS", "Maths"
    LEADERSHIP = "LEADERSHIP", "Leadership"
    REMODELLING = "REMODELLING", "Remodelling"
    ASSESSMENT = "ASSESSMENT", "Assessment"
    OTHER = "OTHER", "Other"


#: The days a visit of each fixed length counts for.
LENGTH_DAYS = {VisitLength.HALF_DAY: Decimal("0.5"), VisitLength.FULL_DAY: Decimal("1.0")}
#: Statuses that others than the PSCL may read: a draft is the PSCL's own.
SHARED_STATUSES = (VisitStatus.PLANNED, VisitStatus.SUBMITTED)


def visit_days(length: str, hours: Decimal | None, hours_per_day: Decimal) -> Decimal:
    """The support days a visit counts for: half or one, or its hours over the programme year's
    hours in a day, to the hundredth of a day."""
    if length in LENGTH_DAYS:
        return LENGTH_DAYS[length]
    if not hours:
        return Decimal("0.00")
    return (Decimal(hours) / hours_per_day).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The visits whose notes `user` may read (DOMAIN.md: notes are shared between the
        PSCL, the school's link adviser and the strategy manager): a PSCL their own, drafts
        included; the link advisers attached to the school and the LEA's strategy managers the
        planned and submitted ones; admins all. Headteachers read agreed actions and planned
        visits through `schedule_visible_to` and `AgreedAction.visible_to`, never the notes."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        if user.role == Role.CONSULTANT:
            return scope_to_schools(
                self, user, school_path="allocation__participation__school"
            ).filter(allocation__adviser__user=user)
        shared = self.filter(status__in=SHARED_STATUSES)
        if user.role == Role.MANAGER:
            return scope_to_schools(shared, user, school_path="allocation__participation__school")
        if user.role == Role.LINK_ADVISER:
            return scope_to_schools(
                shared, user, school_path="allocation__participation__school"
            ).filter(
                allocation__participation__school__adviser_attachments__adviser__user=user,
                allocation__participation__school__adviser_attachments__adviser__kind=(
                    AdviserKind.LINK_ADVISER
                ),
            )
        return self.none()

    def schedule_visible_to(self, user):
        """Planned visits (date and purpose) that `user` may see: everyone who reads the notes,
        and the headteacher of the school, so that the school prepares."""
        planned = self.filter(status=VisitStatus.PLANNED)
        if user.is_authenticated and user.is_active and user.role == Role.HEADTEACHER:
            return scope_to_schools(planned, user, school_path="allocation__participation__school")
        return planned.filter(pk__in=self.visible_to(user).values("pk"))

    def submitted(self):
        return self.filter(status=VisitStatus.SUBMITTED)

    def planned(self):
        return self.filter(status=VisitStatus.PLANNED)


class Visit(models.Model):
    """A PSCL's visit to a school: planned ahead (date and purpose), then logged as a draft and
    submitted. After submission every edit is kept (`history`)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="visits")
    status = models.CharField(max_length=10, choices=VisitStatus.choices, default=VisitStatus.DRAFT)
    visit_on = models.DateField("date")
    purpose = models.CharField(
        max_length=300, blank=True, help_text="What the visit is for, so the school can prepare."
    )
    length = models.CharField(max_length=10, choices=VisitLength.choices, blank=True)
    hours = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("10"))],
    )
    days = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.00"),
        editable=False,
        help_text="Support days the visit counts for, from its length.",
    )
    kind = models.CharField(max_length=20, choices=VisitKind.choices, blank=True)
    stage = models.PositiveSmallIntegerField(
        "consultancy stage", choices=ConsultancyStage.choices, null=True, blank=True
    )
    focus = models.JSONField(
        default=list,
        blank=True,
        validators=[ChoiceListValidator("consultants.models.visits.VisitFocus")],
    )
    attendees = models.TextField("who attended", blank=True)
    notes = models.TextField(blank=True)
    standards_challenged = models.BooleanField(
        "standards challenged",
        null=True,
        blank=True,
        help_text="Whether the PSCL challenged the school on its standards.",
    )
    challenge_detail = models.TextField("how standards were challenged", blank=True)
    next_visit_on = models.DateField("next visit", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = VisitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visit_on", "-pk"]
        indexes = [
            models.Index(fields=["allocation", "status", "visit_on"]),
            models.Index(fields=["status", "visit_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="visit_hours_only_for_hours",
                condition=Q(length="HOURS") | Q(hours__isnull=True),
                violation_error_message="Give hours only for a visit of some hours.",
            ),
            models.CheckConstraint(
                name="visit_submitted_is_complete",
                condition=~Q(status="SUBMITTED")
                | (
                    ~Q(length="")
                    & ~Q(length="HOURS", hours__isnull=True)
                    & ~Q(standards_challenged=True, challenge_detail="")
                    & ~Q(kind="")
                    & Q(stage__isnull=False, standards_challenged__isnull=False)
                    & Q(submitted_at__isnull=False)
                ),
                violation_error_message=(
                    "A submitted visit has its length (with the hours, for some hours), kind, "
                    "stage, and whether standards were challenged and how."
                ),
            ),
            models.CheckConstraint(
                name="visit_stage_1_6",
                condition=Q(stage__isnull=True) | Q(stage__gte=1, stage__lte=6),
                violation_error_message="The consultancy stage is 1 to 6.",
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} visit to {self.school.name} on {self.visit_on}"

    def save(self, *args, **kwargs):
        # The days follow the length, whoever saves the visit (a form, the admin, a fixture).
        self.days = self.compute_days()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"length", "hours"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "days"}
        super().save(*args, **kwargs)

    @property
    def school(self):
        return self.allocation.participation.school

    @property
    def focus_labels(self) -> list[str]:
        return [VisitFocus(value).label for value in self.focus if value in VisitFocus.values]

    @property
    def is_submitted(self) -> bool:
        return self.status == VisitStatus.SUBMITTED

    def compute_days(self) -> Decimal:
        hours_per_day = self.allocation.participation.programme_year.pscl_hours_per_day
        return visit_days(self.length, self.hours, hours_per_day)


class AgreedActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Actions agreed at submitted visits: for everyone who reads the visit's notes, and
        for the headteacher of the school (who carries them out). A draft's actions are the
        PSCL's own until submitted."""
        if user.is_authenticated and user.is_active and user.role == Role.HEADTEACHER:
            return scope_to_schools(
                self.filter(visit__status=VisitStatus.SUBMITTED),
                user,
                school_path="visit__allocation__participation__school",
            )
        return self.filter(visit__in=Visit.objects.visible_to(user))

    def overdue(self, today):
        return self.filter(
            visit__status=VisitStatus.SUBMITTED, done_on__isnull=True, due_on__lt=today
        )


class AgreedAction(models.Model):
    """What was agreed at a visit: who does what by when, and when it was done."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="agreed_actions")
    who = models.CharField(max_length=150)
    what = models.TextField()
    due_on = models.DateField("by when")
    done_on = models.DateField(null=True, blank=True)

    objects = AgreedActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on", "done_on"])]

    def __str__(self):
        return f"{self.who}: {self.what[:60]} by {self.due_on}"


class PreVisitNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(
            Q(visit__in=Visit.objects.visible_to(user))
            | Q(visit__in=Visit.objects.schedule_visible_to(user))
        )


class PreVisitNote(models.Model):
    """The headteacher's note before a planned visit: progress since last time and what the
    school wants from the visit. The PSCL reads it in the visit form."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="pre_visit_note")
    progress = models.TextField("progress since the last visit")
    wants = models.TextField("what the school wants from this visit")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    written_at = models.DateTimeField()

    objects = PreVisitNoteQuerySet.as_manager()
    history = HistoricalRecords()

    def __str__(self):
        return f"Pre-visit note for {self.visit}"


class Term(models.TextChoices):
    AUTUMN = "AUTUMN", "Autumn term"
    SPRING = "SPRING", "Spring term"
    SUMMER = "SUMMER", "Summer term"


class SupportEvaluationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The headteacher's own school's ratings, the PSCL's ratings of their support, the
        LEA's for its strategy manager, all for an admin."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.CONSULTANT:
            # Their own support, at the schools allocated to them now.
            return scope_to_schools(
                self.filter(allocation__adviser__user=user),
                user,
                school_path="allocation__participation__school",
            )
        if user.role in (Role.ADMIN, Role.MANAGER, Role.HEADTEACHER):
            return scope_to_schools(self, user, school_path="allocation__participation__school")
        return self.none()


class SupportEvaluation(models.Model):
    """The school's termly rating of its PSCL's support (1 poor to 5 excellent) with comments."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="evaluations")
    term = models.CharField(max_length=6, choices=Term.choices)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 poor, 2 weak, 3 satisfactory, 4 good, 5 excellent.",
    )
    comments = models.TextField(blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    written_at = models.DateTimeField()

    objects = SupportEvaluationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["allocation", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "term"],
                name="support_evaluation_one_per_term",
                violation_error_message="The school has already rated this term's support.",
            ),
            models.CheckConstraint(
                name="support_evaluation_rating_1_5",
                condition=Q(rating__gte=1, rating__lte=5),
                violation_error_message="The rating is 1 to 5.",
            ),
        ]

    def __str__(self):
        return f"{self.get_term_display()} rating {self.rating} for {self.allocation}"
