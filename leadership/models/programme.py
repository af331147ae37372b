"""Programme years and each school's place in one (DOMAIN.md: Selecting schools)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.scoping import scope_to_lea, scope_to_schools


class ProgrammeYearQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_lea(self, user, lea_path="local_authority")


class SelectionMeasure(models.TextChoices):
    """The measure of progress selection criterion 2 compares with the year's threshold
    (issue 7): the 2003-2006 KS1-2 value added is centred on 100, the KS2 progress scores of
    the DfE performance tables (from 2016) on 0."""

    VALUE_ADDED = "VALUE_ADDED", "KS1-2 value added (average 100)"
    KS2_READING = "KS2_READING", "KS2 reading progress score (average 0)"
    KS2_WRITING = "KS2_WRITING", "KS2 writing progress score (average 0)"
    KS2_MATHS = "KS2_MATHS", "KS2 maths progress score (average 0)"


class ProgrammeYear(models.Model):
    """One LEA's cohort for one school year. Every number DOMAIN.md marks configurable lives
    here, editable by the strategy manager or an admin."""

    local_authority = models.ForeignKey(
        "schools.LocalAuthority",
        verbose_name="LEA",
        on_delete=models.PROTECT,
        related_name="programme_years",
    )
    name = models.CharField(max_length=20, help_text='The school year, such as "2004-05".')
    starts_on = models.DateField()
    ends_on = models.DateField()
    funded_places = models.PositiveSmallIntegerField(
        help_text="Places the LEA is funded for, reserve included."
    )
    reserve_places = models.PositiveSmallIntegerField(
        default=0,
        help_text="Places kept back for schools identified once the year's KS2 results arrive.",
    )
    reserve_released = models.PositiveSmallIntegerField(
        default=0, help_text="Reserve places the strategy manager has released for acceptance."
    )
    pscl_days_per_school = models.DecimalField(
        "default PSCL days per school",
        max_digits=4,
        decimal_places=1,
        default=Decimal("4.0"),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    pscl_hours_per_day = models.DecimalField(
        "hours in a PSCL day",
        max_digits=3,
        decimal_places=1,
        default=Decimal("6.5"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text="A visit logged in hours counts for its hours over this many days' worth.",
    )
    small_school_max_pupils = models.PositiveSmallIntegerField(
        default=120, help_text="Schools with this many pupils or fewer are small."
    )
    small_team_size = models.PositiveSmallIntegerField(
        default=2, help_text="Funded team of a small school: the head and one other teacher."
    )
    large_team_size = models.PositiveSmallIntegerField(
        default=4, help_text="Funded team of a larger school: the head and three senior staff."
    )
    value_added_threshold = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=Decimal("100.0"),
        help_text="Selection criterion 2: latest KS1-2 value added below this.",
    )
    selection_measure = models.CharField(
        max_length=12,
        choices=SelectionMeasure.choices,
        default=SelectionMeasure.VALUE_ADDED,
        help_text="Selection criterion 2: the measure whose latest figure is compared with the "
        "value added threshold (for a progress score, a threshold such as 0 or -1).",
    )
    max_plan_priorities = models.PositiveSmallIntegerField(
        default=4, help_text="More priorities than this in an action plan is flagged."
    )
    plan_review_weeks = models.PositiveSmallIntegerField(
        default=6, help_text="A plan with no review for this many weeks is flagged."
    )

    objects = ProgrammeYearQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["local_authority", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "name"], name="programme_year_unique_name_per_lea"
            ),
            models.CheckConstraint(
                name="programme_year_ends_after_start",
                condition=Q(ends_on__gt=F("starts_on")),
                violation_error_message="The year must end after it starts.",
            ),
            models.CheckConstraint(
                name="programme_year_reserve_within_funded",
                condition=Q(reserve_places__lte=F("funded_places")),
                violation_error_message="The reserve cannot exceed the funded places.",
            ),
            models.CheckConstraint(
                name="programme_year_released_within_reserve",
                condition=Q(reserve_released__lte=F("reserve_places")),
                violation_error_message="No more reserve places can be released than kept back.",
            ),
        ]

    def __str__(self):
        return f"{self.local_authority.name} {self.name}"

    @property
    def places_open(self) -> int:
        """Places that acceptances may fill: the funded places less the reserve still held."""
        return self.funded_places - self.reserve_places + self.reserve_released


class ParticipationStatus(models.TextChoices):
    IDENTIFIED = "IDENTIFIED", "Identified"
    INVITED = "INVITED", "Invited"
    ACCEPTED = "ACCEPTED", "Accepted"
    DECLINED = "DECLINED", "Declined"
    ACTIVE = "ACTIVE", "Active"
    COMPLETED = "COMPLETED", "Completed"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


#: Statuses that hold one of the year's places.
PLACE_HOLDING_STATUSES = (
    ParticipationStatus.ACCEPTED,
    ParticipationStatus.ACTIVE,
    ParticipationStatus.COMPLETED,
)


class OfstedKind(models.IntegerChoices):
    """Ofsted's four kinds of participating school (DOMAIN.md: Selecting schools)."""

    HIGH_PERFORMING_NEW_LEADERSHIP = 1, "1 Relatively high-performing, new head or senior staff"
    NEW_HEADTEACHER = 2, "2 New, inexperienced headteacher"
    WEAK_HEADTEACHER = 3, "3 Weak headteacher, the main obstacle to progress"
    PROGRAMME_IS_RIGHT = 4, "4 A school for which the programme is right"


class ParticipationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_schools(self, user, school_path="school")

    def holding_places(self):
        return self.filter(status__in=PLACE_HOLDING_STATUSES)


class Participation(models.Model):
    """A school's place in a programme year, from identified to completed. Changes of status go
    through `leadership.services.programme` only, which records each one."""

    programme_year = models.ForeignKey(
        ProgrammeYear, on_delete=models.PROTECT, related_name="participations"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="participations"
    )
    status = models.CharField(
        max_length=12, choices=ParticipationStatus.choices, default=ParticipationStatus.IDENTIFIED
    )
    status_reason = models.TextField(
        blank=True, help_text="Why the school declined or withdrew (required for those)."
    )
    ofsted_kind = models.PositiveSmallIntegerField(
        "Ofsted kind of school", choices=OfstedKind.choices, null=True, blank=True
    )
    is_not_yet_progressing = models.BooleanField(
        "not yet making the progress it is capable of",
        default=False,
        help_text="The LEA's judgement, read by next year's selection (criterion 1).",
    )
    invited_on = models.DateField(null=True, blank=True)
    joined_on = models.DateField(
        null=True, blank=True, help_text="When the school accepted its place."
    )
    is_good_practice = models.BooleanField(default=False)

    objects = ParticipationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme_year", "school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_year", "school"], name="participation_one_per_school_year"
            ),
            models.CheckConstraint(
                name="participation_ofsted_kind_1_4",
                condition=Q(ofsted_kind__isnull=True) | Q(ofsted_kind__gte=1, ofsted_kind__lte=4),
                violation_error_message="The Ofsted kind of school is 1 to 4.",
            ),
            models.CheckConstraint(
                name="participation_reason_for_decline_or_withdrawal",
                condition=~Q(
                    status__in=[ParticipationStatus.DECLINED, ParticipationStatus.WITHDRAWN],
                    status_reason="",
                ),
                violation_error_message="A decline or a withdrawal needs a reason.",
            ),
        ]
        indexes = [models.Index(fields=["programme_year", "status"])]

    def __str__(self):
        return f"{self.school.name} in {self.programme_year.name}"


class ParticipationTransition(models.Model):
    """One change of a participation's status: who made it, when, and why."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=12, choices=ParticipationStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ParticipationStatus.choices)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["participation", "changed_at", "pk"]

    def __str__(self):
        return f"{self.participation}: {self.from_status or 'new'} -> {self.to_status}"


class SelectionFlagQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_schools(self, user, school_path="school")


class SelectionFlag(models.Model):
    """Selection criterion 3: the LEA judges the programme would significantly raise the
    likelihood of the school reaching its 2005 and 2006 targets."""

    programme_year = models.ForeignKey(
        ProgrammeYear, on_delete=models.CASCADE, related_name="selection_flags"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="selection_flags"
    )
    reason = models.TextField()
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    flagged_at = models.DateTimeField(auto_now_add=True)

    objects = SelectionFlagQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme_year", "school"], name="selection_flag_one_per_school_year"
            ),
            models.CheckConstraint(
                name="selection_flag_has_reason",
                condition=~Q(reason=""),
                violation_error_message="Say why the programme would help the school.",
            ),
        ]

    def __str__(self):
        return f"{self.school} flagged for {self.programme_year.name}"
