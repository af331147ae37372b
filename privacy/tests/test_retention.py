"""The retention job: each kind's rule anonymises or deletes exactly what has passed its period
and nothing else, a second run changes nothing, a dry run changes nothing, history rows are
anonymised with their records, the schedule exists and the command prints the counts."""

import datetime
import importlib
from pathlib import Path

import pytest
from axes.models import AccessLog
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from rest_framework.authtoken.models import Token

from accounts.factories import UserFactory
from accounts.models import Role
from config.celery import app
from consultants.factories import ApplicationFactory, PreVisitNoteFactory, VisitFactory
from consultants.models import Application, ApplicationStatus, ApplicationStep
from funding.factories import ReturnEvidenceFactory
from leadership.factories import ProgrammeYearFactory
from privacy.models import RetentionKind, RetentionRule, RetentionRun, RetentionUnit
from privacy.services.retention import (
    REMOVED_NAME,
    REMOVED_TEXT,
    apply_retention,
    months_before,
    rules_in_force,
)
from privacy.tasks import apply_retention_task
from reports.factories import NotificationFactory, ReportRunFactory
from reports.models import Notification, ReportAccess
from schools.models import ImportKind, ImportRecord, ImportStatus, PerformanceDataView

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2004, 11, 26)
#: Long before every default period counted back from TODAY; and well inside them.
LONG_AGO = datetime.datetime(2001, 3, 1, 9, 0, tzinfo=datetime.UTC)
RECENTLY = datetime.datetime(2004, 11, 1, 9, 0, tzinfo=datetime.UTC)
NOTHING = dict.fromkeys(RetentionKind.values, 0)


def counts(**changed):
    return {**NOTHING, **{RetentionKind[kind].value: n for kind, n in changed.items()}}


def decided_application(lea, *, status, on):
    application = ApplicationFactory(programme_year__local_authority=lea, phone="01632 960000")
    Application.objects.filter(pk=application.pk).update(status=status)
    ApplicationStep.objects.create(
        application=application,
        from_status=ApplicationStatus.RECEIVED,
        to_status=status,
        notes="Withdrew: moving to Leeds for family reasons.",
        changed_at=on,
    )
    # A second history row, as the workflow would leave.
    application.refresh_from_db()
    application.screening_notes = "Strong letter."
    application.save()
    return application


# Applications -----------------------------------------------------------------------------------


def test_an_ended_application_past_its_period_is_anonymised_with_its_history(lea):
    old = decided_application(lea, status=ApplicationStatus.WITHDRAWN, on=LONG_AGO)
    recent = decided_application(lea, status=ApplicationStatus.NOT_APPOINTED, on=RECENTLY)
    appointed = ApplicationFactory(
        programme_year__local_authority=lea, email="appointed@example.org"
    )
    Application.objects.filter(pk=appointed.pk).update(
        status=ApplicationStatus.APPOINTED, interviewed_on=LONG_AGO.date(), interview_score=15
    )

    assert apply_retention(today=TODAY) == counts(APPLICATIONS=1)

    old.refresh_from_db()
    assert (old.full_name, old.email, old.phone, old.home_school, old.screening_notes) == (
        REMOVED_NAME,
        f"removed-application-{old.pk}@invalid",
        "",
        None,
        "",
    )
    assert old.letter_text == REMOVED_TEXT
    assert old.status == ApplicationStatus.WITHDRAWN
    assert old.history.count() >= 2
    assert set(old.history.values_list("full_name", "email", "screening_notes")) == {
        (REMOVED_NAME, old.email, "")
    }
    assert list(old.steps.values_list("notes", flat=True)) == [""]
    recent.refresh_from_db()
    assert recent.full_name != REMOVED_NAME
    assert recent.steps.get().notes.startswith("Withdrew")
    assert Application.objects.get(pk=appointed.pk).email == "appointed@example.org"


def test_an_application_with_no_recorded_step_counts_from_its_receipt(lea):
    application = ApplicationFactory(
        programme_year__local_authority=lea, received_on=datetime.date(2002, 1, 5)
    )
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.WITHDRAWN)

    assert apply_retention(today=TODAY)[RetentionKind.APPLICATIONS] == 1


# Deactivated accounts ---------------------------------------------------------------------------


def test_a_deactivated_account_past_its_period_is_anonymised_and_kept(lea):
    gone = UserFactory(role=Role.MANAGER, local_authority=lea, is_active=False, job_title="SM")
    recent = UserFactory(role=Role.MANAGER, local_authority=lea, is_active=False)
    active = UserFactory(role=Role.MANAGER, local_authority=lea)
    type(gone).objects.filter(pk__in=[gone.pk, active.pk]).update(last_login=LONG_AGO)
    type(gone).objects.filter(pk=recent.pk).update(last_login=RECENTLY)
    Token.objects.create(user=gone)

    assert apply_retention(today=TODAY) == counts(DEACTIVATED_USERS=1)

    gone.refresh_from_db()
    assert (gone.full_name, gone.email, gone.job_title) == (
        REMOVED_NAME,
        f"removed-{gone.pk}@invalid",
        "",
    )
    assert not gone.has_usable_password()
    assert gone.local_authority == lea  # the row stays for what refers to it
    assert not Token.objects.filter(user=gone).exists()
    recent.refresh_from_db()
    active.refresh_from_db()
    assert REMOVED_NAME not in (recent.full_name, active.full_name)
    assert recent.has_usable_password()


# Visit notes ------------------------------------------------------------------------------------


def test_visit_notes_of_a_year_ended_past_the_period_lose_their_free_text(lea):
    old_year = ProgrammeYearFactory(
        local_authority=lea,
        name="2000-01",
        starts_on=datetime.date(2000, 9, 1),
        ends_on=datetime.date(2001, 7, 31),
    )
    old = VisitFactory(
        allocation__adviser__local_authority=lea,
        allocation__participation__programme_year=old_year,
        visit_on=datetime.date(2000, 10, 12),
    )
    old.notes = "A second version of the notes."
    old.save()
    note = PreVisitNoteFactory(
        visit__allocation=old.allocation, visit__visit_on=datetime.date(2001, 3, 1)
    )
    current = VisitFactory(allocation__adviser__local_authority=lea)

    # The submitted visit and the pre-visit note (its planned visit has no text of its own).
    assert apply_retention(today=TODAY) == counts(VISIT_NOTES=2)

    old.refresh_from_db()
    assert (old.notes, old.attendees, old.challenge_detail) == ("", "", REMOVED_TEXT)
    assert (old.kind, old.stage, old.days) == (current.kind, current.stage, current.days)
    assert set(old.history.values_list("notes", "attendees")) == {("", "")}
    note.refresh_from_db()
    assert (note.progress, note.wants) == (REMOVED_TEXT, REMOVED_TEXT)
    assert set(note.history.values_list("progress", flat=True)) == {REMOVED_TEXT}
    current.refresh_from_db()
    assert current.notes.startswith("Looked at")
    old.full_clean()  # still a valid submitted visit


# Logs, notifications, files ---------------------------------------------------------------------


def test_access_logs_and_notifications_past_their_period_are_deleted(lea, admin_user):
    run = ReportRunFactory(programme_year__local_authority=lea)
    old_access = ReportAccess.objects.create(run=run, user=admin_user, format="HTML")
    new_access = ReportAccess.objects.create(run=run, user=admin_user, format="PDF")
    ReportAccess.objects.filter(pk=old_access.pk).update(at=LONG_AGO)
    PerformanceDataView.objects.create(user=admin_user, page="SELECTION", viewed_at=LONG_AGO)
    new_view = PerformanceDataView.objects.create(user=admin_user, page="SELECTION")
    AccessLog.objects.create(username="admin@example.org", ip_address="127.0.0.1")
    AccessLog.objects.filter(pk__in=AccessLog.objects.values("pk")).update(attempt_time=LONG_AGO)
    new_log = AccessLog.objects.create(username="admin@example.org", ip_address="127.0.0.1")
    old_note, new_note = NotificationFactory(), NotificationFactory(user=admin_user)
    Notification.objects.filter(pk=old_note.pk).update(created_at=LONG_AGO)

    assert apply_retention(today=TODAY) == counts(ACCESS_LOGS=3, NOTIFICATIONS=1)

    assert list(ReportAccess.objects.all()) == [new_access]
    assert list(PerformanceDataView.objects.all()) == [new_view]
    assert list(AccessLog.objects.all()) == [new_log]
    assert list(Notification.objects.all()) == [new_note]


def upload(name: str, *, at, status=ImportStatus.DONE) -> ImportRecord:
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("URN,EstablishmentName\n")
    record = ImportRecord.objects.create(
        kind=ImportKind.GIAS, file_name="gias.csv", stored_file=name, status=status
    )
    ImportRecord.objects.filter(pk=record.pk).update(created_at=at)
    return record


def test_uploaded_import_files_past_their_period_are_deleted_and_the_records_kept(
    tmp_path, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    old = upload("imports/gias-old.csv", at=timezone.now() - datetime.timedelta(days=40))
    # Checked long ago, confirmed yesterday: the confirmed import still needs the file.
    shared = upload("imports/gias-shared.csv", at=timezone.now() - datetime.timedelta(days=40))
    confirmed = upload("imports/gias-shared.csv", at=timezone.now() - datetime.timedelta(days=1))
    new = upload("imports/gias-new.csv", at=timezone.now())
    outside = tmp_path / "own.csv"
    outside.write_text("URN\n")
    command = ImportRecord.objects.create(
        kind=ImportKind.GIAS, file_name="own.csv", stored_file=str(outside)
    )
    ImportRecord.objects.filter(pk=command.pk).update(created_at=LONG_AGO)

    with django_capture_on_commit_callbacks(execute=True):
        assert apply_retention(today=today)[RetentionKind.IMPORT_FILES] == 1

    media = Path(settings.MEDIA_ROOT)
    old.refresh_from_db()
    assert old.stored_file == "" and old.file_name == "gias.csv"
    assert not (media / "imports/gias-old.csv").exists()
    assert (media / "imports/gias-shared.csv").exists()
    for kept in (shared, confirmed, new):
        kept.refresh_from_db()
        assert kept.stored_file
    assert (media / "imports/gias-new.csv").exists()
    assert outside.exists()


def test_the_file_of_evidence_removed_long_ago_is_deleted(django_capture_on_commit_callbacks):
    removed = ReturnEvidenceFactory()
    removed.archive(at=LONG_AGO)
    recently_removed = ReturnEvidenceFactory()
    recently_removed.archive(at=RECENTLY)
    current = ReturnEvidenceFactory()
    stored = removed.file.name

    with django_capture_on_commit_callbacks(execute=True):
        assert apply_retention(today=TODAY) == counts(REMOVED_EVIDENCE=1)

    removed.refresh_from_db()
    assert removed.file.name == "" and removed.is_archived
    assert not removed.file.storage.exists(stored)
    for kept in (recently_removed, current):
        kept.refresh_from_db()
        assert kept.file.storage.exists(kept.file.name)


# The job as a whole -----------------------------------------------------------------------------


@pytest.fixture
def everything_due(lea, admin_user):
    """One record of most kinds past its period."""
    application = decided_application(lea, status=ApplicationStatus.WITHDRAWN, on=LONG_AGO)
    user = UserFactory(role=Role.MANAGER, local_authority=lea, is_active=False)
    type(user).objects.filter(pk=user.pk).update(last_login=LONG_AGO)
    note = NotificationFactory()
    Notification.objects.filter(pk=note.pk).update(created_at=LONG_AGO)
    return application, user, note


def test_a_second_run_changes_nothing(everything_due):
    first = apply_retention(today=TODAY)
    assert first == counts(APPLICATIONS=1, DEACTIVATED_USERS=1, NOTIFICATIONS=1)

    assert apply_retention(today=TODAY) == NOTHING


def test_a_dry_run_counts_and_changes_nothing(everything_due):
    application, user, note = everything_due

    assert apply_retention(today=TODAY, dry_run=True) == counts(
        APPLICATIONS=1, DEACTIVATED_USERS=1, NOTIFICATIONS=1
    )

    application.refresh_from_db()
    user.refresh_from_db()
    assert REMOVED_NAME not in (application.full_name, user.full_name)
    assert Notification.objects.filter(pk=note.pk).exists()
    run = RetentionRun.objects.get()
    assert run.is_dry_run and run.counts[RetentionKind.APPLICATIONS] == 1


def test_an_admins_rule_replaces_the_default(everything_due):
    RetentionRule.objects.create(
        kind=RetentionKind.APPLICATIONS, keep_for=10, unit=RetentionUnit.DAYS
    )
    RetentionRule.objects.create(
        kind=RetentionKind.NOTIFICATIONS, keep_for=100, unit=RetentionUnit.MONTHS
    )
    rules = {rule.kind: rule for rule in rules_in_force()}
    assert rules[RetentionKind.APPLICATIONS].period == "10 days"
    assert not rules[RetentionKind.APPLICATIONS].is_default
    assert rules[RetentionKind.VISIT_NOTES].is_default

    assert apply_retention(today=TODAY) == counts(APPLICATIONS=1, DEACTIVATED_USERS=1)


def test_months_before_keeps_to_the_end_of_a_shorter_month():
    assert months_before(datetime.date(2004, 3, 31), 1) == datetime.date(2004, 2, 29)
    assert months_before(datetime.date(2004, 11, 26), 12) == datetime.date(2003, 11, 26)
    assert months_before(datetime.date(2004, 1, 15), 25) == datetime.date(2001, 12, 15)


def test_the_command_prints_the_counts_and_its_dry_run_changes_nothing(
    everything_due, capsys, settings
):
    settings.PLP_TODAY = TODAY
    application = everything_due[0]

    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Unsuccessful or withdrawn PSCL applications: 1 would be anonymised" in out
    application.refresh_from_db()
    assert application.full_name != REMOVED_NAME

    call_command("apply_retention")
    assert "Total: 3" in capsys.readouterr().out
    application.refresh_from_db()
    assert application.full_name == REMOVED_NAME


def test_the_task_applies_the_rules(everything_due, monkeypatch, settings):
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.PLP_TODAY = TODAY

    result = apply_retention_task.delay().get()

    assert result[RetentionKind.APPLICATIONS] == 1
    assert RetentionRun.objects.get().as_of == TODAY


def test_the_daily_schedule_is_in_celery_beat():
    # The migration's own function: its row may have gone with an earlier test's flush, and
    # running it again must find it, not add another.
    schedule = importlib.import_module("privacy.migrations.0002_retention_schedule")
    schedule.add_schedule(django_apps, None)
    schedule.add_schedule(django_apps, None)

    task = PeriodicTask.objects.get(name="Apply the data retention rules")
    assert task.task == apply_retention_task.name == "privacy.apply_retention"
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_week) == ("2", "30", "*")
    assert str(task.crontab.timezone) == "Europe/London"


def test_the_schedule_migration_can_be_reversed():
    schedule = importlib.import_module("privacy.migrations.0002_retention_schedule")
    schedule.add_schedule(django_apps, None)

    schedule.remove_schedule(django_apps, None)

    assert not PeriodicTask.objects.filter(task="privacy.apply_retention").exists()
