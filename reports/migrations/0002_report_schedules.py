"""The reports' schedules in django-celery-beat, where an admin can change them (Django admin,
"Periodic tasks"): the termly governor reports, the sweeper of stalled runs and the weekly
digest. Rows are found by name, so running this again (or after an admin has edited a schedule)
makes no second row, and reversing it removes only these tasks."""

import zoneinfo

from django.db import migrations
from django.utils import timezone

TIMEZONE = "Europe/London"

#: name -> (task, crontab fields) for the crontab tasks.
CRONTAB_TASKS = {
    # Governors' reports once a term, on a day near its end (DOMAIN.md: termly is the norm).
    "Termly governor progress reports (autumn)": (
        "reports.scheduled_governor_reports",
        {"minute": "0", "hour": "6", "day_of_month": "10", "month_of_year": "12"},
    ),
    "Termly governor progress reports (spring)": (
        "reports.scheduled_governor_reports",
        {"minute": "0", "hour": "6", "day_of_month": "20", "month_of_year": "3"},
    ),
    "Termly governor progress reports (summer)": (
        "reports.scheduled_governor_reports",
        {"minute": "0", "hour": "6", "day_of_month": "10", "month_of_year": "7"},
    ),
    "Weekly notification digest": (
        "reports.send_weekly_digests",
        {"minute": "0", "hour": "7", "day_of_week": "1", "day_of_month": "*", "month_of_year": "*"},
    ),
}
SWEEPER = "Sweep stalled report runs"
SWEEPER_TASK = "reports.sweep_stalled_runs"


def add_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    tz = zoneinfo.ZoneInfo(TIMEZONE)
    for name, (task, fields) in CRONTAB_TASKS.items():
        fields = {"day_of_week": "*", **fields}
        crontab, _ = CrontabSchedule.objects.get_or_create(**fields, timezone=tz)
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "enabled": True}
        )
    interval, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SWEEPER, defaults={"task": SWEEPER_TASK, "interval": interval, "enabled": True}
    )
    # Tells a running beat (DatabaseScheduler) that its schedule changed.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTask.objects.filter(name__in=[*CRONTAB_TASKS, SWEEPER]).delete()
    # This migration's schedules, where no other task uses them.
    for _task, fields in CRONTAB_TASKS.values():
        CrontabSchedule.objects.filter(
            **{"day_of_week": "*", **fields}, periodictask__isnull=True
        ).delete()
    IntervalSchedule.objects.filter(every=5, period="minutes", periodictask__isnull=True).delete()
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedules, remove_schedules)]
