"""Report runs and their batches, the log of who opened each report, the thresholds behind an
evaluation report's points for action, and notifications.

A report run is one issued report: its kind and scope, who asked, its status, and once done its
HTML and PDF and the moment its data was read. A done run never changes; asking again makes a new
version of the same scope. Runs are produced by Celery (`reports.tasks`); the services in
`reports.services.runs` create them and write their results, exactly once per run.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import scope_to_lea, scope_to_schools
from consultants.models import Term


class ReportKind(models.TextChoices):
    GOVERNOR = "GOVERNOR", "Governor progress report"
    LEA_EVALUATION = "LEA_EVALUATION", "LEA evaluation report"
    PSCL_CASELOAD = "PSCL_CASELOAD", "PSCL caseload report"
    FUNDING_STATEMENT = "FUNDING_STATEMENT", "Funding statement"


class RunStatus(models.TextChoices):
    QUEUED = "QUEUED", "Queued"
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Done"
    FAILED = "FAILED", "Failed"


#: The kinds a link adviser may read (the LEA's, not its money or its PSCLs' caseloads).
LINK_ADVISER_KINDS = (ReportKind.GOVERNOR, ReportKind.LEA_EVALUATION)


def report_pdf_path(run: "ReportRun", filename: str) -> str:
    """Each run's PDF in a folder of its own, under a name of ours (never the user's)."""
    return f"reports/{run.local_authority_id}/{run.pk}/{filename}"


class ReportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Batches are the LEA's work: its strategy managers and admins."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role not in (Role.ADMIN, Role.MANAGER):
            return self.none()
        return scope_to_lea(self, user, lea_path="local_authority")


class ReportBatch(models.Model):
    """Governor reports for every active school of an LEA for one term, started by a manager or
    by the termly schedule. Its progress is counted from its runs."""

    class Source(models.TextChoices):
        MANUAL = "MANUAL", "Started by a manager"
        SCHEDULE = "SCHEDULE", "Termly schedule"

    local_authority = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.PROTECT, related_name="report_batches"
    )
    programme_year = models.ForeignKey(
        "leadership.ProgrammeYear", on_delete=models.PROTECT, related_name="report_batches"
    )
    kind = models.CharField(max_length=20, choices=ReportKind, default=ReportKind.GOVERNOR)
    term = models.CharField(max_length=6, choices=Term)
    source = models.CharField(max_length=8, choices=Source, default=Source.MANUAL)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: The same request (a form posted twice, a schedule fired twice) finds this batch again.
    idempotency_key = models.CharField(max_length=100, unique=True)
    #: The number of runs the batch asked for.
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "report batches"

    def __str__(self):
        return (
            f"{self.get_kind_display()}s, {self.get_term_display().lower()} "
            f"{self.programme_year.name}, {self.local_authority}"
        )


class ReportRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Governors and headteachers: their own school's governor reports. PSCLs: the governor
        reports of the schools allocated to them now and their own caseload reports. Link
        advisers: their LEA's governor and evaluation reports. Strategy managers: every report
        of their LEA. Admins: all."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role in (Role.HEADTEACHER, Role.GOVERNOR):
            return scope_to_schools(
                self.filter(kind=ReportKind.GOVERNOR), user, school_path="school"
            )
        if user.role == Role.CONSULTANT:
            governor = scope_to_schools(
                self.filter(kind=ReportKind.GOVERNOR), user, school_path="school"
            )
            own_caseload = scope_to_lea(
                self.filter(kind=ReportKind.PSCL_CASELOAD, adviser__user=user),
                user,
                lea_path="local_authority",
            )
            return governor | own_caseload
        if user.role == Role.LINK_ADVISER:
            return scope_to_lea(
                self.filter(kind__in=LINK_ADVISER_KINDS), user, lea_path="local_authority"
            )
        return scope_to_lea(self, user, lea_path="local_authority")

    def done(self):
        return self.filter(status=RunStatus.DONE)


class ReportRun(models.Model):
    """One report: what and whom it covers, who asked, and once done its HTML and PDF.

    Scope: always an LEA and a programme year; a governor report names a school and a term; a
    caseload report may name one PSCL (none: every PSCL of the year). `scope_key` names the scope
    in one string, and `version` counts the runs of that scope from 1.
    """

    kind = models.CharField(max_length=20, choices=ReportKind)
    local_authority = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.PROTECT, related_name="report_runs"
    )
    programme_year = models.ForeignKey(
        "leadership.ProgrammeYear", on_delete=models.PROTECT, related_name="report_runs"
    )
    term = models.CharField(max_length=6, choices=Term, blank=True)
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_runs",
    )
    adviser = models.ForeignKey(
        "consultants.Adviser",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_runs",
    )
    #: What the report was asked with beyond its scope, kept as asked: for an evaluation report
    #: the manager's points for action ({"points_for_action": [...]}).
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    batch = models.ForeignKey(
        ReportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    #: The same request never yields two reports: a second request with this key finds this run.
    idempotency_key = models.CharField(max_length=100, unique=True)
    scope_key = models.CharField(max_length=200, db_index=True)
    version = models.PositiveIntegerField()

    status = models.CharField(max_length=7, choices=RunStatus, default=RunStatus.QUEUED)
    #: Why the run failed, for the manager and the admin (never shown to governors).
    error = models.TextField(blank=True)
    #: How many times a worker has started the run.
    attempts = models.PositiveSmallIntegerField(default=0)

    #: The report's heading, set when it is done (e.g. "Autumn term 2004 progress report:
    #: Millfield Primary School").
    title = models.CharField(max_length=300, blank=True)
    #: The report's body as issued: HTML rendered from our templates (escaped at render time).
    html = models.TextField(blank=True)
    pdf = models.FileField(upload_to=report_pdf_path, max_length=300, blank=True)
    #: When the report's data was read: the report shows the data as it was at that moment.
    data_read_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    #: When the run was last sent to Celery; a run queued for long after it has stalled (its
    #: message was lost) and is sent again by the sweeper, which sets this afresh.
    queued_at = models.DateTimeField(default=timezone.now)
    #: When a worker last started the run; a run running for longer than the task time limit
    #: has stalled and is sent again by the sweeper.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key", "version"], name="reports_run_one_version_per_scope"
            ),
            models.CheckConstraint(
                condition=~Q(kind=ReportKind.GOVERNOR) | (Q(school__isnull=False) & ~Q(term="")),
                name="reports_run_governor_has_school_and_term",
            ),
            models.CheckConstraint(
                condition=~Q(status=RunStatus.DONE)
                | (Q(data_read_at__isnull=False) & ~Q(html="") & ~Q(pdf="")),
                name="reports_run_done_has_content",
            ),
            models.CheckConstraint(
                condition=~Q(status=RunStatus.FAILED) | ~Q(error=""),
                name="reports_run_failed_has_error",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "started_at"]),
            models.Index(fields=["status", "queued_at"]),
            models.Index(fields=["local_authority", "kind", "-created_at"]),
            models.Index(fields=["school", "-created_at"]),
        ]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} (version {self.version})"

    @property
    def is_done(self) -> bool:
        return self.status == RunStatus.DONE

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class ReportAccess(models.Model):
    """A report read on screen or downloaded as a PDF: who, which, when. Every opening of a
    report's content is logged, not just the listing."""

    class Format(models.TextChoices):
        HTML = "HTML", "Read on screen"
        PDF = "PDF", "Downloaded as PDF"

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_accesses"
    )
    format = models.CharField(max_length=4, choices=Format)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "report accesses"
        # The admin's "who viewed what" across every LEA, newest first a page at a time; the
        # readings of reports grow with every governor who opens one (tests/scale/).
        indexes = [models.Index(fields=["-at", "-id"])]

    def __str__(self):
        action = self.get_format_display().lower()
        return f"{self.user} {action} {self.run} at {self.at:%Y-%m-%d %H:%M}"


PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class EvaluationThresholds(models.Model):
    """The levels below (or above) which the LEA evaluation report suggests a point for action.
    One set per programme year, edited by the strategy manager; the defaults are Ofsted's
    expectations."""

    programme_year = models.OneToOneField(
        "leadership.ProgrammeYear", on_delete=models.CASCADE, related_name="evaluation_thresholds"
    )
    plans_quantified_min_percent = models.DecimalField(
        "Plans with quantified success criteria, at least (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=PERCENT,
    )
    days_delivered_min_percent = models.DecimalField(
        "Funded PSCL days delivered, at least (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=PERCENT,
    )
    grants_accounted_min_percent = models.DecimalField(
        "Grants accounted for, at least (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=PERCENT,
    )
    training_attendance_min_percent = models.DecimalField(
        "Team members at every training session, at least (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=PERCENT,
    )
    targets_lowered_max = models.PositiveSmallIntegerField(
        "Schools that lowered a target, at most", default=0
    )
    support_rating_min = models.DecimalField(
        "Schools' average rating of PSCL support, at least (1 to 5)",
        max_digits=3,
        decimal_places=2,
        default=Decimal("3.5"),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(5))],
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name_plural = "evaluation thresholds"

    def __str__(self):
        return f"Evaluation thresholds for {self.programme_year}"


class NotificationFrequency(models.TextChoices):
    IMMEDIATE = "IMMEDIATE", "An email each time"
    WEEKLY = "WEEKLY", "A weekly digest"


class NotificationPreference(models.Model):
    """How a user wants to hear of what changed in their schools. No row: an email each time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    frequency = models.CharField(
        max_length=9, choices=NotificationFrequency, default=NotificationFrequency.IMMEDIATE
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display().lower()}"


class NotificationKind(models.TextChoices):
    REPORT_READY = "REPORT_READY", "A report is ready"
    VISIT_ACTIONS = "VISIT_ACTIONS", "Agreed actions from a PSCL visit"
    BATCH_DONE = "BATCH_DONE", "A batch of reports has finished"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A user's own notifications only."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(user=user)

    def unsent(self):
        return self.filter(sent_at__isnull=True)


class Notification(models.Model):
    """Something a user is told: by email at once, or in their weekly digest. Each event
    notifies each user once (a run or a visit has one notification per user), so a job that
    runs twice tells nobody twice. The email carries a link, never a report."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=13, choices=NotificationKind)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey(
        ReportRun, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    batch = models.ForeignKey(
        ReportBatch,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    visit = models.ForeignKey(
        "consultants.Visit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    #: The path to follow (the site's address is added in the email).
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    #: When the user was emailed about it (at once or in a digest); empty: not yet.
    sent_at = models.DateTimeField(null=True, blank=True)
    in_digest = models.BooleanField(default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "run"],
                condition=Q(run__isnull=False),
                name="reports_notification_once_per_run",
            ),
            models.UniqueConstraint(
                fields=["user", "visit"],
                condition=Q(visit__isnull=False),
                name="reports_notification_once_per_visit",
            ),
            models.UniqueConstraint(
                fields=["user", "batch"],
                condition=Q(batch__isnull=False),
                name="reports_notification_once_per_batch",
            ),
        ]
        indexes = [models.Index(fields=["user", "sent_at"])]

    def __str__(self):
        return f"{self.subject} (to {self.user})"
