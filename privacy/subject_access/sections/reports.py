"""What the reports app holds about a person: the report runs and batches they asked for, the
reports they opened, their notifications and notification setting, thresholds they set."""

from reports.models import (
    EvaluationThresholds,
    Notification,
    NotificationPreference,
    ReportAccess,
    ReportBatch,
    ReportRun,
)

from ..registry import rows, section


@section(
    "report_runs",
    "Reports and batches asked for",
    covers=("reports.ReportRun.requested_by", "reports.ReportBatch.requested_by"),
)
def report_runs(user):
    runs = rows(
        ReportRun.objects.filter(requested_by=user).order_by("created_at"),
        kind="kind",
        title="title",
        status="status",
        at="created_at",
    )
    batches = rows(
        ReportBatch.objects.filter(requested_by=user).order_by("created_at"),
        kind="kind",
        term="term",
        total="total",
        at="created_at",
    )
    return [{"record": "report run", **r} for r in runs] + [
        {"record": "batch", **r} for r in batches
    ]


@section("report_accesses", "Reports opened", covers=("reports.ReportAccess.user",))
def report_accesses(user):
    return rows(
        ReportAccess.objects.filter(user=user).order_by("at"),
        report="run__title",
        format="format",
        at="at",
    )


@section(
    "notifications",
    "Notifications and notification setting",
    covers=("reports.Notification.user", "reports.NotificationPreference.user"),
)
def notifications(user):
    sent = rows(
        Notification.objects.filter(user=user).order_by("created_at"),
        kind="kind",
        subject="subject",
        body="body",
        created_at="created_at",
        sent_at="sent_at",
    )
    setting = rows(NotificationPreference.objects.filter(user=user), frequency="frequency")
    return [{"record": "notification", **r} for r in sent] + [
        {"record": "setting", **r} for r in setting
    ]


@section(
    "evaluation_thresholds",
    "Evaluation thresholds set",
    covers=("reports.EvaluationThresholds.updated_by",),
)
def evaluation_thresholds(user):
    return rows(
        EvaluationThresholds.objects.filter(updated_by=user),
        programme_year="programme_year__name",
        updated_at="updated_at",
    )
