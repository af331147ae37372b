"""Leadership teams and their time: training sessions, school-to-school visits and school-based
activity (DOMAIN.md: Time and support each school gets)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import Archivable, ArchivableQuerySet
from accounts.scoping import scope_to_lea, scope_to_schools

from .programme import PLACE_HOLDING_STATUSES, Participation, ProgrammeYear

#: DOMAIN.md: each team member gives three half-days of training, one day visiting other
#: schools and two and a half days of school-based activity.
EXPECTED_TRAINING_DAYS = Decimal("1.5")
EXPECTED_VISITING_DAYS = Decimal("1.0")
EXPECTED_SCHOOL_BASED_DAYS = Decimal("2.5")


class MemberRole(models.TextChoices):
    HEADTEACHER = "HEADTEACHER", "Headteacher"
    DEPUTY = "DEPUTY", "Deputy headteacher"
    ENGLISH_COORDINATOR = "ENGLISH_COORDINATOR", "English co-ordinator"
    MATHS_COORDINATOR = "MATHS_COORDINATOR", "Maths co-ordinator"
    OTHER_SENIOR = "OTHER_SENIOR", "Other senior staff"


class ParticipationRelatedQuerySet(ArchivableQuerySet):
    def visible_to(self, user):
        return scope_to_schools(self, user, school_path="participation__school")


class LeadershipTeamMember(Archivable):
    """A member of a participating school's leadership team. A member who leaves is archived,
    not deleted ("former members"): their cover claims, register lines and visits stay."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="team_members"
    )
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=24, choices=MemberRole.choices)
    email = models.EmailField(blank=True)

    objects = ParticipationRelatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["participation", "role", "full_name"]
        constraints = [
            # The rules hold among the current members: a former headteacher leaves room for
            # the next one.
            models.UniqueConstraint(
                fields=["participation", "full_name"],
                condition=Q(archived_at__isnull=True),
                name="team_member_unique_name",
                violation_error_message="A team has no two current members of the same name.",
            ),
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(role=MemberRole.HEADTEACHER, archived_at__isnull=True),
                name="team_one_headteacher",
                violation_error_message="A team has one headteacher.",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_role_display()})"


class SchoolActivity(models.Model):
    """School-based programme time a member gave: meetings with the PSCL, planning, observing
    teaching, feedback."""

    member = models.ForeignKey(
        LeadershipTeamMember, on_delete=models.CASCADE, related_name="activities"
    )
    done_on = models.DateField()
    days = models.DecimalField(
        max_digits=3, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    description = models.CharField(max_length=255)

    class Meta:
        verbose_name_plural = "school activities"
        ordering = ["member", "done_on"]
        constraints = [
            models.CheckConstraint(
                name="school_activity_days_positive",
                condition=Q(days__gt=0),
                violation_error_message="Days must be more than nothing.",
            )
        ]

    def __str__(self):
        return f"{self.member}: {self.description} on {self.done_on}"


class TrainingSession(models.IntegerChoices):
    SESSION_1 = 1, "Session 1"
    SESSION_2 = 2, "Session 2"
    SESSION_3 = 3, "Session 3"


class TrainingEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """LEA staff see their LEA's training; headteachers and governors only the training of
        the years in which their school holds a place."""
        events = scope_to_lea(self, user, lea_path="programme_year__local_authority")
        if user.is_authenticated and user.is_school_member:
            events = events.filter(
                programme_year__participations__school_id=user.school_id,
                programme_year__participations__status__in=PLACE_HOLDING_STATUSES,
            )
        return events


class TrainingEvent(models.Model):
    """One delivery of one of the three central half-day sessions, delivered locally."""

    programme_year = models.ForeignKey(
        ProgrammeYear, on_delete=models.CASCADE, related_name="training_events"
    )
    session = models.PositiveSmallIntegerField(choices=TrainingSession.choices)
    held_on = models.DateField()
    venue = models.CharField(max_length=200)
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    objects = TrainingEventQuerySet.as_manager()

    class Meta:
        ordering = ["programme_year", "session", "held_on"]
        constraints = [
            models.CheckConstraint(
                name="training_event_session_1_3",
                condition=Q(session__gte=1, session__lte=3),
                violation_error_message="The sessions are 1, 2 and 3.",
            ),
            models.CheckConstraint(
                name="training_event_capacity_positive",
                condition=Q(capacity__gte=1),
                violation_error_message="Capacity must be at least one.",
            ),
        ]

    def __str__(self):
        return f"{self.get_session_display()}, {self.venue}, {self.held_on:%d %b %Y}"


class TrainingAttendance(models.Model):
    """A line of an event's register: a team member, or a PSCL (who is recommended to attend),
    and whether they came."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="register")
    member = models.ForeignKey(
        LeadershipTeamMember,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_attendances",
        verbose_name="PSCL",
    )
    is_present = models.BooleanField(default=False)

    class Meta:
        ordering = ["event", "pk"]
        constraints = [
            models.CheckConstraint(
                name="attendance_member_or_pscl",
                condition=Q(member__isnull=False, consultant__isnull=True)
                | Q(member__isnull=True, consultant__isnull=False),
                violation_error_message="A register line is for a team member or a PSCL.",
            ),
            models.UniqueConstraint(
                fields=["event", "member"],
                condition=Q(member__isnull=False),
                name="attendance_member_once_per_event",
            ),
            models.UniqueConstraint(
                fields=["event", "consultant"],
                condition=Q(consultant__isnull=False),
                name="attendance_pscl_once_per_event",
            ),
        ]

    def __str__(self):
        who = self.member or self.consultant
        return f"{who} at {self.event}: {'present' if self.is_present else 'absent'}"


class SchoolVisit(Archivable):
    """A visit by team members to another primary school, inside the LEA or outside it. Visits
    outside the school's locality are what the travel grant pays for (DOMAIN.md: Funding). A
    visit recorded in error is archived, not deleted."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="school_visits"
    )
    visited_on = models.DateField()
    host_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="hosted_visits"
    )
    members = models.ManyToManyField(LeadershipTeamMember, related_name="school_visits")
    purpose = models.TextField()
    days = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    is_outside_locality = models.BooleanField("outside the school's locality", default=False)

    objects = ParticipationRelatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["participation", "-visited_on"]
        constraints = [
            models.CheckConstraint(
                name="school_visit_days_positive",
                condition=Q(days__gt=0),
                violation_error_message="Days must be more than nothing.",
            )
        ]

    def __str__(self):
        return f"{self.participation.school.name} to {self.host_school.name} on {self.visited_on}"
