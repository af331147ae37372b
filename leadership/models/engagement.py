"""The school's story: notes, concerns about engagement and their escalation, good practice,
and each user's watchlist (DOMAIN.md: Monitoring and evaluation)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.scoping import scope_to_schools


class SchoolRelatedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_schools(self, user, school_path="school")


class Note(models.Model):
    """A dated note on a school by a member of the LEA or the school."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolRelatedQuerySet.as_manager()

    class Meta:
        ordering = ["school", "-created_at"]

    def __str__(self):
        return f"Note on {self.school} at {self.created_at:%d %b %Y}"


class ConcernQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The concerns `user` may see: those on the schools in their scope, except that a
        school's own headteacher and governors see only the concerns formally notified to its
        governing body (the others are the LEA's internal business until then)."""
        concerns = scope_to_schools(self, user, school_path="school")
        if user.is_authenticated and user.is_school_member:
            notified = ConcernEscalation.objects.filter(
                concern=models.OuterRef("pk"), to_level=ConcernLevel.GOVERNING_BODY
            )
            concerns = concerns.filter(models.Exists(notified))
        return concerns


class ConcernSeverity(models.TextChoices):
    LOW = "LOW", "Low"
    MEDIUM = "MEDIUM", "Medium"
    HIGH = "HIGH", "High"


class ConcernLevel(models.TextChoices):
    """How far a concern has gone, step by step; RESOLVED closes it."""

    RAISED = "RAISED", "Raised"
    LINK_ADVISER = "LINK_ADVISER", "Escalated to the link adviser"
    STRATEGY_MANAGER = "STRATEGY_MANAGER", "Escalated to the strategy manager"
    GOVERNING_BODY = "GOVERNING_BODY", "Governing body formally notified"
    RESOLVED = "RESOLVED", "Resolved"


class Concern(models.Model):
    """A concern about a school's engagement with the programme. Ofsted found LEAs avoided
    telling governing bodies of their concerns: escalation is a recorded step, with a letter."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    severity = models.CharField(max_length=6, choices=ConcernSeverity.choices)
    summary = models.TextField()
    level = models.CharField(
        max_length=20, choices=ConcernLevel.choices, default=ConcernLevel.RAISED
    )
    resolution = models.TextField(blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["school", "-raised_at"]
        constraints = [
            models.CheckConstraint(
                name="concern_resolved_with_note",
                condition=~Q(level=ConcernLevel.RESOLVED, resolution=""),
                violation_error_message="A concern is resolved with a note.",
            )
        ]

    def __str__(self):
        return f"Concern about {self.school} ({self.get_level_display()})"


class ConcernEscalation(models.Model):
    """One step of a concern: who moved it to which level, when, with what note, and for a
    formal notification the letter sent to the governing body."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="escalations")
    to_level = models.CharField(max_length=20, choices=ConcernLevel.choices)
    note = models.TextField()
    letter = models.TextField(blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    escalated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["concern", "escalated_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="escalation_to_governors_has_letter",
                condition=~Q(to_level=ConcernLevel.GOVERNING_BODY, letter=""),
                violation_error_message="A formal notification to governors needs its letter.",
            )
        ]

    def __str__(self):
        return f"{self.concern}: {self.get_to_level_display()}"


class GoodPractice(models.Model):
    """A short case study of what worked in a participating school, for other schools of the
    LEA to read."""

    participation = models.OneToOneField(
        "leadership.Participation", on_delete=models.CASCADE, related_name="good_practice"
    )
    title = models.CharField(max_length=200)
    case_study = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "good practice"
        ordering = ["-written_at"]

    def __str__(self):
        return self.title


class Watch(models.Model):
    """A school on a user's watchlist."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "watches"
        ordering = ["user", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="watch_once_per_user")
        ]

    def __str__(self):
        return f"{self.user} watches {self.school}"
