"""The schools register: LEAs, schools and the background file a PSCL gets for each school
(DOMAIN.md: "The background file a PSCL should get for each school"), with yearly results,
value added, inspections and Key Stage 2 targets."""

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.scoping import scope_to_lea, scope_to_schools
from accounts.versioning import VersionKeptOnSave

#: The largest roll of a "small" school. DOMAIN.md: Funding ("120 pupils or fewer"); the
#: funding rules keep their own threshold per programme year, this one is for filtering lists.
SMALL_SCHOOL_MAX_PUPILS = 120
#: The 2003-2006 KS1-2 value-added measure is centred on 100 (DOMAIN.md: Measures of progress).
VALUE_ADDED_AVERAGE = Decimal("100.0")

PERCENTAGE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def _percentage_check(name: str, field: str) -> models.CheckConstraint:
    label = field.replace("_", " ").capitalize()
    return models.CheckConstraint(
        name=name,
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
        violation_error_message=f"{label} must be between 0 and 100.",
    )


def _grade_check(name: str, field: str, low: int, high: int) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=name,
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": low, f"{field}__lte": high}),
        violation_error_message=f"{field.replace('_', ' ').capitalize()} must be {low} to {high}.",
    )


class LocalAuthorityQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_lea(self, user, lea_path="")


class LocalAuthority(models.Model):
    """A local education authority (today a local authority), known by its three-digit DfE code."""

    code = models.CharField(
        "LA code",
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", "An LA code is three digits, such as 855.")],
    )
    name = models.CharField(max_length=100)

    objects = LocalAuthorityQuerySet.as_manager()

    class Meta:
        verbose_name = "LEA"
        verbose_name_plural = "LEAs"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Phase(models.TextChoices):
    PRIMARY = "PRIMARY", "Primary"
    MIDDLE_DEEMED_PRIMARY = "MIDDLE_DEEMED_PRIMARY", "Middle deemed primary"
    ALL_THROUGH = "ALL_THROUGH", "All-through"


class SchoolType(models.TextChoices):
    COMMUNITY = "COMMUNITY", "Community school"
    VOLUNTARY_AIDED = "VOLUNTARY_AIDED", "Voluntary aided school"
    VOLUNTARY_CONTROLLED = "VOLUNTARY_CONTROLLED", "Voluntary controlled school"
    FOUNDATION = "FOUNDATION", "Foundation school"
    ACADEMY = "ACADEMY", "Academy"
    FREE_SCHOOL = "FREE_SCHOOL", "Free school"
    OTHER = "OTHER", "Other"


class OfstedCategory(models.TextChoices):
    NONE = "NONE", "None"
    SPECIAL_MEASURES = "SPECIAL_MEASURES", "Special measures"
    SERIOUS_WEAKNESSES = "SERIOUS_WEAKNESSES", "Serious weaknesses"
    NOTICE_TO_IMPROVE = "NOTICE_TO_IMPROVE", "Notice to improve"


class LeadershipJudgement(models.IntegerChoices):
    """The LEA's judgement of the quality of leadership, on Ofsted's four-point scale."""

    OUTSTANDING = 1, "1 Outstanding"
    GOOD = 2, "2 Good"
    SATISFACTORY = 3, "3 Satisfactory"
    INADEQUATE = 4, "4 Inadequate"


class IctCompetence(models.TextChoices):
    HIGH = "HIGH", "High"
    SECURE = "SECURE", "Secure"
    DEVELOPING = "DEVELOPING", "Developing"
    LOW = "LOW", "Low"


class SchoolQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The schools `user` may see (see `accounts.scoping`)."""
        return scope_to_schools(self, user, school_path="")

    def in_lea(self, lea):
        return self.filter(local_authority=lea)

    def small(self):
        return self.filter(number_on_roll__lte=SMALL_SCHOOL_MAX_PUPILS)

    def large(self):
        return self.filter(number_on_roll__gt=SMALL_SCHOOL_MAX_PUPILS)

    def value_added_below_average(self):
        return self.filter(latest_value_added__lt=VALUE_ADDED_AVERAGE)

    def in_ofsted_category(self):
        return self.exclude(ofsted_category=OfstedCategory.NONE)


class School(VersionKeptOnSave):
    """A primary school and the facts of its background file."""

    urn = models.PositiveIntegerField("URN", unique=True, help_text="Unique reference number.")
    local_authority = models.ForeignKey(
        LocalAuthority, verbose_name="LEA", on_delete=models.PROTECT, related_name="schools"
    )
    establishment_number = models.CharField(
        "LA establishment number",
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", "An establishment number is four digits.")],
    )
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=30, choices=Phase.choices, default=Phase.PRIMARY)
    school_type = models.CharField(
        "type", max_length=30, choices=SchoolType.choices, default=SchoolType.COMMUNITY
    )
    number_on_roll = models.PositiveIntegerField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    percentage_fsm = models.DecimalField(
        "% eligible for free school meals",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENTAGE_VALIDATORS,
    )
    pupil_mobility = models.DecimalField(
        "pupil mobility (%)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENTAGE_VALIDATORS,
        help_text="Pupils joining or leaving other than at the usual times, as a % of the roll.",
    )
    ofsted_category = models.CharField(
        max_length=20, choices=OfstedCategory.choices, default=OfstedCategory.NONE
    )
    is_open = models.BooleanField(
        default=True, help_text="False once GIAS says the school closed; its history is kept."
    )
    closed_on = models.DateField(null=True, blank=True)
    ofsted_rating = models.CharField(
        "latest Ofsted rating", max_length=40, blank=True, help_text="As GIAS gives it."
    )
    headteacher_name = models.CharField(max_length=150, blank=True)
    headteacher_started_on = models.DateField("headteacher in post since", null=True, blank=True)
    years_of_headship = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The headteacher's years as a head, in any school."
    )
    leadership_judgement = models.PositiveSmallIntegerField(
        "quality of leadership", choices=LeadershipJudgement.choices, null=True, blank=True
    )
    ict_competence = models.CharField(
        "leadership team ICT competence", max_length=12, choices=IctCompetence.choices, blank=True
    )
    barriers_commentary = models.TextField("issues and barriers to progress", blank=True)
    awards = models.TextField(
        "quality marks and awards", blank=True, help_text="One award or quality mark a line."
    )
    # Derived from ValueAdded by `schools.services.school_refresh_figures`; kept on the school
    # so that lists can filter and sort by it without a join.
    latest_value_added = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, editable=False
    )
    latest_value_added_year = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False
    )

    # A new value whenever the school's results, value added, KS2 targets or inspections change
    # (`schools.services.school_records_changed`, on every save and delete of them): the key of
    # its background in the cache (`schools.selectors.cached_school_background`). Random, so that
    # no other database's school of the same pk can share a key.
    records_version = models.UUIDField(default=uuid.uuid4, editable=False)
    version_field = "records_version"

    objects = SchoolQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["records_version"])

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["local_authority", "name"]),
            models.Index(fields=["number_on_roll"]),
            models.Index(fields=["latest_value_added"]),
            # An admin's lists of every school in the country (the API's), in name order a
            # page at a time: read in index order, not sorted (tests/scale/).
            models.Index(fields=["name", "id"]),
        ]
        constraints = [
            _percentage_check("school_percentage_fsm_0_100", "percentage_fsm"),
            _percentage_check("school_pupil_mobility_0_100", "pupil_mobility"),
            _grade_check("school_leadership_judgement_1_4", "leadership_judgement", 1, 4),
        ]

    def __str__(self):
        return f"{self.name} ({self.urn})"

    @property
    def is_small(self) -> bool | None:
        if self.number_on_roll is None:
            return None
        return self.number_on_roll <= SMALL_SCHOOL_MAX_PUPILS

    @property
    def awards_list(self) -> list[str]:
        return [line.strip() for line in self.awards.splitlines() if line.strip()]


class SchoolRelatedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_schools(self, user, school_path="school")


class KeyStage(models.IntegerChoices):
    KS1 = 1, "Key Stage 1"
    KS2 = 2, "Key Stage 2"


class KeyStageResult(models.Model):
    """A school's results at the end of a key stage in one year: % of pupils at the expected
    level (Level 2+ at KS1, Level 4+ at KS2) in English and maths. Missing or suppressed figures
    are stored as empty, never as zero."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="results")
    year = models.PositiveSmallIntegerField(help_text="The summer of the tests, such as 2004.")
    key_stage = models.PositiveSmallIntegerField(choices=KeyStage.choices)
    cohort_size = models.PositiveSmallIntegerField(null=True, blank=True)
    english_percentage = models.DecimalField(
        "English: % at expected level",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENTAGE_VALIDATORS,
    )
    maths_percentage = models.DecimalField(
        "maths: % at expected level",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENTAGE_VALIDATORS,
    )

    objects = SchoolRelatedQuerySet.as_manager()

    class Meta:
        ordering = ["school", "key_stage", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "key_stage"], name="result_one_per_school_year_stage"
            ),
            _percentage_check("result_english_0_100", "english_percentage"),
            _percentage_check("result_maths_0_100", "maths_percentage"),
        ]

    def __str__(self):
        return f"{self.school} KS{self.key_stage} {self.year}"


class ValueAdded(models.Model):
    """The KS1-2 value-added score for one year (centred on 100, DOMAIN.md) and its grade 1-7."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="value_added")
    year = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    grade = models.PositiveSmallIntegerField(
        "value-added grade",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text="1 (very high) to 7 (very low).",
    )

    objects = SchoolRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = "value-added score"
        verbose_name_plural = "value-added scores"
        ordering = ["school", "year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="value_added_one_per_year"),
            _grade_check("value_added_grade_1_7", "grade", 1, 7),
            models.CheckConstraint(
                name="value_added_score_plausible",
                condition=Q(score__isnull=True) | Q(score__gte=50, score__lte=150),
                violation_error_message="A value-added score lies between 50 and 150.",
            ),
        ]

    def __str__(self):
        return f"{self.school} VA {self.year}: {self.score}"


class InspectionType(models.TextChoices):
    SECTION_10 = "SECTION_10", "Section 10"
    SECTION_5 = "SECTION_5", "Section 5"


class Inspection(models.Model):
    """An Ofsted inspection and its grades. Section 10 inspections graded on a seven-point
    scale (1 excellent to 7 very poor)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField()
    inspection_type = models.CharField(
        max_length=12, choices=InspectionType.choices, default=InspectionType.SECTION_10
    )
    overall_grade = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    leadership_grade = models.PositiveSmallIntegerField(
        "leadership and management grade",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    teaching_grade = models.PositiveSmallIntegerField(
        "quality of teaching grade",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    summary = models.TextField(blank=True)

    objects = SchoolRelatedQuerySet.as_manager()

    class Meta:
        ordering = ["school", "-inspected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "inspected_on"], name="inspection_one_per_school_day"
            ),
            _grade_check("inspection_overall_grade_1_7", "overall_grade", 1, 7),
            _grade_check("inspection_leadership_grade_1_7", "leadership_grade", 1, 7),
            _grade_check("inspection_teaching_grade_1_7", "teaching_grade", 1, 7),
        ]

    def __str__(self):
        return f"{self.school} inspected {self.inspected_on:%d %b %Y}"


class Subject(models.TextChoices):
    ENGLISH = "ENGLISH", "English"
    MATHS = "MATHS", "Maths"


class TargetDirection(models.TextChoices):
    RAISED = "RAISED", "Raised"
    KEPT = "KEPT", "Kept"
    LOWERED = "LOWERED", "Lowered"


class KeyStage2Target(models.Model):
    """One setting of a school's KS2 target (% of pupils at Level 4+) for a year and subject.

    A target set again is a new row, so the history shows whether it was raised, kept or
    lowered (DOMAIN.md: Action plans, "Targets").
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(help_text="The summer of the tests the target is for.")
    subject = models.CharField(max_length=10, choices=Subject.choices)
    percentage = models.DecimalField(
        "target: % at Level 4+", max_digits=4, decimal_places=1, validators=PERCENTAGE_VALIDATORS
    )
    set_on = models.DateField()
    note = models.CharField(max_length=255, blank=True)

    objects = SchoolRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = "KS2 target"
        verbose_name_plural = "KS2 targets"
        ordering = ["school", "year", "subject", "set_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "subject", "set_on"], name="target_one_setting_a_day"
            ),
            _percentage_check("target_percentage_0_100", "percentage"),
        ]

    def __str__(self):
        return f"{self.school} {self.get_subject_display()} {self.year}: {self.percentage}%"


class KeyStage2Progress(models.Model):
    """A school's Key Stage 2 progress scores for one year, from the DfE performance tables
    (`READPROG`, `WRITPROG`, `MATPROG`: centred on 0, unlike the 2003-2006 value added centred on
    100), their five-point banding (1 well above average to 5 well below) and the % of pupils at
    the expected standard in reading, writing and maths (`PTRWM_EXP`). A suppressed or missing
    figure is stored as empty, never as zero."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="ks2_progress")
    year = models.PositiveSmallIntegerField(help_text="The summer of the tests, such as 2019.")
    reading_progress = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    reading_band = models.PositiveSmallIntegerField(null=True, blank=True)
    writing_progress = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    writing_band = models.PositiveSmallIntegerField(null=True, blank=True)
    maths_progress = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    maths_band = models.PositiveSmallIntegerField(null=True, blank=True)
    percentage_expected_rwm = models.DecimalField(
        "% at the expected standard in reading, writing and maths",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENTAGE_VALIDATORS,
    )

    objects = SchoolRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = "KS2 progress scores"
        verbose_name_plural = "KS2 progress scores"
        ordering = ["school", "year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="ks2_progress_one_per_year"),
            _percentage_check("ks2_progress_rwm_0_100", "percentage_expected_rwm"),
            _grade_check("ks2_progress_reading_band_1_5", "reading_band", 1, 5),
            _grade_check("ks2_progress_writing_band_1_5", "writing_band", 1, 5),
            _grade_check("ks2_progress_maths_band_1_5", "maths_band", 1, 5),
        ]

    def __str__(self):
        return f"{self.school} KS2 progress {self.year}"


class SchoolLinkQuerySet(models.QuerySet):
    def predecessor_pairs(self, urns):
        """(school URN, predecessor URN) for every link that makes one school the predecessor of
        another, in either direction of the GIAS file ("Predecessor..." links from the new
        school, "Successor..." links from the old one), for schools in `urns`."""
        from django.db.models import F

        urns = list(urns)
        forward = self.filter(urn__in=urns, link_type__startswith="Predecessor").values_list(
            "urn", "linked_urn"
        )
        backward = self.filter(linked_urn__in=urns, link_type__startswith="Successor").values_list(
            F("linked_urn"), F("urn")
        )
        return set(forward) | set(backward)

    def predecessor_school_ids(self, schools, *, depth: int = 5) -> dict[int, set[int]]:
        """For each school of `schools` (School objects), the ids of the schools in the register
        it succeeded, following links back up to `depth` steps (an academy that converted from
        a school that was itself an amalgamation). One query a step and one for the schools."""
        by_urn = {school.urn: {school.pk} for school in schools}
        found: dict[int, set[int]] = {urn: set() for urn in by_urn}  # school URN -> old URNs
        frontier = {urn: {urn} for urn in by_urn}
        for _ in range(depth):
            wanted = set().union(*frontier.values()) if frontier else set()
            if not wanted:
                break
            pairs = self.predecessor_pairs(wanted)
            step: dict[int, set[int]] = {}
            for urn, reached in frontier.items():
                older = {old for new, old in pairs if new in reached} - found[urn] - {urn}
                if older:
                    found[urn] |= older
                    step[urn] = older
            frontier = step
        old_urns = set().union(*found.values()) if found else set()
        ids = dict(School.objects.filter(urn__in=old_urns).values_list("urn", "pk"))
        return {
            school.pk: {ids[urn] for urn in found[school.urn] if urn in ids} for school in schools
        }


class SchoolLink(models.Model):
    """A link between two establishments in GIAS (the links file): an academy conversion, a
    merger or an amalgamation gives a school a new URN, and the link from the new URN to the old
    one is how the school's programme history follows it. Kept by URN, not by foreign key:
    either school may not (yet) be in the register."""

    urn = models.PositiveIntegerField("URN", db_index=True)
    linked_urn = models.PositiveIntegerField("linked URN", db_index=True)
    linked_name = models.CharField(max_length=200, blank=True)
    link_type = models.CharField(max_length=60, help_text="As GIAS gives it, e.g. Successor.")
    established_on = models.DateField(null=True, blank=True)

    objects = SchoolLinkQuerySet.as_manager()

    class Meta:
        ordering = ["urn", "linked_urn"]
        constraints = [
            models.UniqueConstraint(
                fields=["urn", "linked_urn", "link_type"], name="school_link_unique"
            )
        ]

    def __str__(self):
        return f"{self.urn} {self.link_type} {self.linked_urn}"


class ImportKind(models.TextChoices):
    GIAS = "GIAS", "GIAS establishments"
    KS2 = "KS2", "KS2 performance tables"
    CENSUS = "CENSUS", "School census"
    GIAS_LINKS = "GIAS_LINKS", "GIAS links"


class ImportStatus(models.TextChoices):
    QUEUED = "QUEUED", "Queued"
    RUNNING = "RUNNING", "Running"
    CHECKED = "CHECKED", "Checked (dry run, nothing saved)"
    REFUSED = "REFUSED", "Refused: errors, nothing saved"
    DONE = "DONE", "Imported"
    FAILED = "FAILED", "Failed: the file could not be read"


class ImportRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see every import; a strategy manager the imports made for their LEA."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        from accounts.models import Role

        if user.role == Role.MANAGER:
            return self.filter(local_authority_id=user.local_authority_id)
        return self.none()


class ImportRecord(models.Model):
    """One run of an import, dry or real: who, when, which file, what it found and did.

    `errors` holds the bad rows as `{"line", "column", "reason"}` (the first 1,000; `error_count`
    counts them all); `changes` the first 100 rows' changes, which a dry run shows before the
    user confirms. `progress_done`/`progress_total` are rows, for the progress page of a large
    import run as a Celery job."""

    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255, help_text="The name the file was given.")
    stored_file = models.CharField(
        max_length=255, blank=True, help_text="The upload's path under MEDIA_ROOT (our name)."
    )
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    local_authority = models.ForeignKey(
        LocalAuthority,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A manager's import touches only this LEA's schools; empty for admins.",
    )
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    is_dry_run = models.BooleanField("dry run", default=False)
    import_good_rows = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    encoding = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True, help_text="Why a file could not be read.")
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=list, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING)


class PerformancePage(models.TextChoices):
    """The pages that show a school's confidential performance data (DOMAIN.md: "PANDA reports
    are confidential to the school and the LEA ... every view should be auditable")."""

    SCHOOL_DETAIL = "SCHOOL_DETAIL", "School page"
    SCHOOL_LIST = "SCHOOL_LIST", "School list"
    SCHOOL_EXPORT = "SCHOOL_EXPORT", "School list download"
    SELECTION = "SELECTION", "Selection page"
    PARTICIPATION_JUDGEMENT = "PARTICIPATION_JUDGEMENT", "Participation judgements"
    API_SCHOOL = "API_SCHOOL", "API: a school"
    API_SCHOOL_LIST = "API_SCHOOL_LIST", "API: list of schools"


class PerformanceDataViewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The log is the LEA's to read: its strategy managers their LEA's rows, admins all."""
        from accounts.models import Role

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            return self
        if user.role == Role.MANAGER:
            return self.filter(local_authority_id=user.local_authority_id)
        return self.none()


class PerformanceDataView(models.Model):
    """One opening of a page that shows confidential performance data: who, when, which page,
    and the school (none for a page of many schools, such as the selection page) and its LEA.
    Written by `schools.services.record_performance_view`; never changed.

    The school and the LEA are set to null rather than blocking a deletion, so that the log
    never stands in the way of the register; the user likewise."""

    user = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    viewed_at = models.DateTimeField(default=timezone.now)
    page = models.CharField(max_length=24, choices=PerformancePage.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PerformanceDataViewQuerySet.as_manager()

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        indexes = [
            models.Index(fields=["local_authority", "-viewed_at"]),
            models.Index(fields=["school", "-viewed_at"]),
            models.Index(fields=["user", "-viewed_at"]),
            # The admin's "who viewed what" across every LEA, newest first a page at a time:
            # the log grows by a row a page view (tests/scale/).
            models.Index(fields=["-viewed_at", "-id"]),
        ]

    def __str__(self):
        return f"{self.user} opened the {self.get_page_display().lower()} at {self.viewed_at}"
