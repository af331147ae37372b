"""Data protection (issue 8): how long each kind of personal record is kept, the runs of the
retention job, and the log of subject-access exports.

The retention periods are settings an admin changes in the Django admin; a kind without a row
uses the default in `DEFAULT_RETENTION` (like `reports.selectors.evaluation.thresholds_for`)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class RetentionKind(models.TextChoices):
    APPLICATIONS = "APPLICATIONS", "Unsuccessful or withdrawn PSCL applications"
    DEACTIVATED_USERS = "DEACTIVATED_USERS", "Deactivated user accounts"
    VISIT_NOTES = "VISIT_NOTES", "PSCL visit notes and pre-visit notes"
    ACCESS_LOGS = "ACCESS_LOGS", "Access logs (reports, performance data, log-in attempts)"
    NOTIFICATIONS = "NOTIFICATIONS", "Notifications"
    IMPORT_FILES = "IMPORT_FILES", "Uploaded import files"
    REMOVED_EVIDENCE = "REMOVED_EVIDENCE", "Files of evidence removed from returns"


class RetentionUnit(models.TextChoices):
    MONTHS = "MONTHS", "months"
    DAYS = "DAYS", "days"


#: kind -> (how many, unit, what happens once the period has passed, counted from when).
DEFAULT_RETENTION = {
    RetentionKind.APPLICATIONS: (
        12,
        RetentionUnit.MONTHS,
        "The applicant's name, contact details, letter and notes are removed; the status and "
        "dates stay for the statistics.",
        "the decision",
    ),
    RetentionKind.DEACTIVATED_USERS: (
        24,
        RetentionUnit.MONTHS,
        "The name, email address and job title are replaced, the password made unusable, API "
        "tokens, watches and notification settings deleted; the account row stays for the "
        "history that refers to it.",
        "the last log-in (or, never signed in, the account's creation)",
    ),
    RetentionKind.VISIT_NOTES: (
        36,
        RetentionUnit.MONTHS,
        "The free text of visit notes (notes, who attended, how standards were challenged) and "
        "of pre-visit notes is removed; dates, kinds, stages and days stay.",
        "the end of the visit's programme year",
    ),
    RetentionKind.ACCESS_LOGS: (
        24,
        RetentionUnit.MONTHS,
        "Report accesses, performance-data views and log-in attempts are deleted.",
        "the access",
    ),
    RetentionKind.NOTIFICATIONS: (
        12,
        RetentionUnit.MONTHS,
        "Notifications are deleted.",
        "their creation",
    ),
    RetentionKind.IMPORT_FILES: (
        30,
        RetentionUnit.DAYS,
        "The uploaded file is deleted; the import's record and summary stay.",
        "the upload",
    ),
    RetentionKind.REMOVED_EVIDENCE: (
        24,
        RetentionUnit.MONTHS,
        "The file of evidence removed (archived) from a return is deleted; the record stays.",
        "its removal",
    ),
}


class RetentionRule(models.Model):
    """How long one kind of personal record is kept before the retention job anonymises or
    deletes it. One row per kind; a kind without a row keeps its default."""

    kind = models.CharField(max_length=20, choices=RetentionKind.choices, unique=True)
    keep_for = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit = models.CharField(max_length=6, choices=RetentionUnit.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                name="retention_rule_keep_for_positive",
                condition=models.Q(keep_for__gte=1),
                violation_error_message="Keep records for at least one day or month.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.period}"

    @property
    def period(self) -> str:
        unit = RetentionUnit(self.unit).label
        return f"{self.keep_for} {unit[:-1] if self.keep_for == 1 else unit}"

    @property
    def action(self) -> str:
        return DEFAULT_RETENTION[self.kind][2]

    @property
    def counted_from(self) -> str:
        return DEFAULT_RETENTION[self.kind][3]


class RetentionRun(models.Model):
    """One run of the retention job, scheduled or by hand, dry or real, with what it counted per
    kind (`counts`: kind -> records anonymised or deleted, or that would be in a dry run)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField(help_text="The date the periods were counted back from.")
    is_dry_run = models.BooleanField("dry run", default=False)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        dry = " (dry run)" if self.is_dry_run else ""
        return f"Retention run of {self.started_at:%Y-%m-%d %H:%M}{dry}"


class SubjectAccessRequest(models.Model):
    """A subject-access export: who exported whose data, when, and how many records of each
    section the export held. The person's name is kept as text as well, so that the log still
    reads once their account is anonymised."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="subject_access_requests",
    )
    subject_label = models.CharField(max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="subject_access_exports",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    item_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return (
            f"{self.requested_by} exported the data of {self.subject_label} at {self.requested_at}"
        )
