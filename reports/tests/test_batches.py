"""Batches of governor reports (reports.services.batches): one run per active school, started
once per key, their progress, the termly schedule, and its rows in django-celery-beat."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from accounts.factories import UserFactory
from accounts.models import Role
from config.celery import app
from consultants.models import Term
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from reports import content
from reports.content import ReportContent
from reports.factories import ReportBatchFactory, ReportRunFactory
from reports.models import (
    Notification,
    NotificationKind,
    ReportBatch,
    ReportKind,
    ReportRun,
    RunStatus,
)
from reports.services.batches import (
    BatchProgress,
    batch_progress,
    batch_start,
    scheduled_batches,
)
from reports.tasks import runs as run_tasks

pytestmark = pytest.mark.django_db

schedules = importlib.import_module("reports.migrations.0002_report_schedules")

#: A day in the spring term of the 2004-05 programme year.
SPRING_DAY = datetime.date(2005, 3, 20)


def build_plain(run, *, today):
    return ReportContent(
        title=f"Report for {run.school.name}",
        template_name="reports/report/_plain.html",
        context={"text": run.school.name},
        filename="plain.pdf",
    )


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(run_tasks.generate_report, "delay", lambda **kw: calls.append(kw))
    return calls


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def manager(lea):
    return UserFactory(role=Role.MANAGER, local_authority=lea)


@pytest.fixture
def active_schools(year, school, sibling_school):
    """Two active schools of the year, and others of the LEA that are not active."""
    ParticipationFactory(programme_year=year, school=school)
    ParticipationFactory(programme_year=year, school=sibling_school)
    for status in (
        ParticipationStatus.INVITED,
        ParticipationStatus.ACCEPTED,
        ParticipationStatus.DECLINED,
        ParticipationStatus.WITHDRAWN,
        ParticipationStatus.COMPLETED,
    ):
        ParticipationFactory(programme_year=year, status=status)
    # Active, but in another year of the LEA.
    ParticipationFactory(
        programme_year=ProgrammeYearFactory(
            local_authority=year.local_authority,
            name="2005-06",
            starts_on=datetime.date(2005, 9, 1),
            ends_on=datetime.date(2006, 7, 31),
        )
    )
    return [school, sibling_school]


def test_a_batch_asks_for_the_governor_report_of_every_active_school(
    year, manager, active_schools, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_start(programme_year=year, term=Term.SPRING, by=manager, idempotency_key="b1")

    runs = ReportRun.objects.filter(batch=batch).order_by("school__name")
    assert [run.school for run in runs] == active_schools
    assert {(run.kind, run.term, run.requested_by_id) for run in runs} == {
        (ReportKind.GOVERNOR, Term.SPRING, manager.pk)
    }
    assert sorted(run.idempotency_key for run in runs) == sorted(
        f"b1:{school.pk}" for school in active_schools
    )
    assert batch.total == 2
    assert batch.source == ReportBatch.Source.MANUAL
    assert batch.local_authority == year.local_authority
    assert sorted(call["run_id"] for call in sent) == sorted(run.pk for run in runs)


def test_starting_the_same_batch_twice_makes_one_batch(year, manager, active_schools, sent):
    first = batch_start(programme_year=year, term=Term.SPRING, by=manager, idempotency_key="b1")
    again = batch_start(programme_year=year, term=Term.SPRING, by=manager, idempotency_key="b1")
    other_term = batch_start(
        programme_year=year, term=Term.SUMMER, by=manager, idempotency_key="b2"
    )

    assert again.pk == first.pk
    assert ReportBatch.objects.count() == 2
    assert ReportRun.objects.filter(batch=first).count() == 2
    # A second batch for a term is a new version of each school's report.
    assert set(ReportRun.objects.filter(batch=other_term).values_list("version", flat=True)) == {1}
    with pytest.raises(ValidationError, match="already been made for another batch"):
        batch_start(programme_year=year, term=Term.AUTUMN, by=manager, idempotency_key="b1")


def test_a_batch_needs_an_active_school(year, manager, school):
    ParticipationFactory(programme_year=year, school=school, status=ParticipationStatus.INVITED)

    with pytest.raises(ValidationError, match="No school is active in 2004-05"):
        batch_start(programme_year=year, term=Term.SPRING, by=manager, idempotency_key="b1")
    assert not ReportBatch.objects.exists()
    assert not ReportRun.objects.exists()


def test_batch_progress_counts_its_runs_in_one_query(django_assert_num_queries):
    batch = ReportBatchFactory(total=5)
    for status in (RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.FAILED):
        ReportRunFactory(
            batch=batch,
            programme_year=batch.programme_year,
            status=status,
            error="ValueError: no data" if status == RunStatus.FAILED else "",
        )
    for _ in range(2):
        ReportRunFactory(
            batch=batch,
            programme_year=batch.programme_year,
            status=RunStatus.DONE,
            html="<p>Done</p>",
            pdf="reports/1/1/done.pdf",
            data_read_at=datetime.datetime(2005, 3, 20, 9, tzinfo=datetime.UTC),
        )
    ReportRunFactory(programme_year=batch.programme_year)  # not the batch's

    with django_assert_num_queries(1):
        progress = batch_progress(batch)

    assert progress == BatchProgress(total=5, queued=1, running=1, done=2, failed=1)
    assert (progress.finished, progress.percent, progress.is_finished) == (3, 60, False)


def test_a_batch_is_finished_when_every_run_is_done_or_failed():
    assert BatchProgress(total=3, queued=0, running=0, done=2, failed=1).is_finished
    assert BatchProgress(total=3, queued=0, running=0, done=2, failed=1).percent == 100
    assert not BatchProgress(total=3, queued=0, running=1, done=2, failed=0).is_finished
    assert BatchProgress(total=3, queued=3, running=0, done=0, failed=0).percent == 0
    assert BatchProgress(total=3, queued=1, running=0, done=2, failed=0).percent == 66


def test_the_manager_hears_once_when_the_last_run_of_the_batch_is_done(
    year, manager, active_schools, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(content.BUILDERS, ReportKind.GOVERNOR, f"{__name__}.build_plain")

    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_start(programme_year=year, term=Term.SPRING, by=manager, idempotency_key="b1")

    progress = batch_progress(batch)
    assert (progress.done, progress.is_finished) == (2, True)
    assert list(Notification.objects.filter(batch=batch).values_list("user", "kind")) == [
        (manager.pk, NotificationKind.BATCH_DONE)
    ]
    # A batch's requester hears of the batch, not of each report.
    assert not Notification.objects.filter(user=manager, run__batch=batch).exists()


def test_the_schedule_starts_each_leas_governor_reports_once_a_term(
    year, active_schools, other_lea, sent, django_capture_on_commit_callbacks
):
    # The other LEA is under way too but has no active school; an LEA's past year is passed over.
    ProgrammeYearFactory(local_authority=other_lea)
    ParticipationFactory(
        programme_year=ProgrammeYearFactory(
            local_authority=other_lea,
            name="2003-04",
            starts_on=datetime.date(2003, 9, 1),
            ends_on=datetime.date(2004, 7, 31),
        )
    )

    with django_capture_on_commit_callbacks(execute=True):
        batches = scheduled_batches(today=SPRING_DAY)
        again = scheduled_batches(today=SPRING_DAY)

    assert [batch.pk for batch in again] == [batch.pk for batch in batches]
    (batch,) = batches
    assert batch.programme_year == year
    assert (batch.term, batch.source, batch.requested_by) == (
        Term.SPRING,
        ReportBatch.Source.SCHEDULE,
        None,
    )
    assert batch.idempotency_key == f"schedule:{year.pk}:SPRING"
    assert batch.total == 2
    assert ReportRun.objects.count() == 2
    assert len(sent) == 2


def test_the_schedule_does_nothing_outside_a_programme_year(year, active_schools, sent):
    assert scheduled_batches(today=datetime.date(2005, 8, 20)) == []
    assert not ReportBatch.objects.exists()


def test_the_scheduled_task_starts_the_terms_batches(
    year, active_schools, settings, sent, django_capture_on_commit_callbacks
):
    settings.PLP_TODAY = datetime.date(2004, 12, 10)

    with django_capture_on_commit_callbacks(execute=True):
        run_tasks.scheduled_governor_reports.delay()

    batch = ReportBatch.objects.get()
    assert (batch.term, batch.source) == (Term.AUTUMN, ReportBatch.Source.SCHEDULE)
    assert run_tasks.scheduled_governor_reports.name == "reports.scheduled_governor_reports"


def test_the_schedules_are_in_django_celery_beat_for_an_admin_to_edit():
    # The migration's own function: its rows may have gone with an earlier test's flush, and
    # running it again must find them, not add more.
    schedules.add_schedules(apps, None)
    schedules.add_schedules(apps, None)
    # The reports' own: other apps (privacy) add schedules of their own.
    reports_tasks = PeriodicTask.objects.filter(task__startswith="reports.")
    tasks = {task.name: task for task in reports_tasks.select_related("crontab", "interval")}

    assert len(tasks) == 5
    termly = {
        name: (
            task.task,
            task.crontab.minute,
            task.crontab.hour,
            task.crontab.day_of_month,
            task.crontab.month_of_year,
            task.crontab.day_of_week,
            str(task.crontab.timezone),
        )
        for name, task in tasks.items()
        if name.startswith("Termly governor progress reports")
    }
    assert termly == {
        "Termly governor progress reports (autumn)": (
            "reports.scheduled_governor_reports",
            "0",
            "6",
            "10",
            "12",
            "*",
            "Europe/London",
        ),
        "Termly governor progress reports (spring)": (
            "reports.scheduled_governor_reports",
            "0",
            "6",
            "20",
            "3",
            "*",
            "Europe/London",
        ),
        "Termly governor progress reports (summer)": (
            "reports.scheduled_governor_reports",
            "0",
            "6",
            "10",
            "7",
            "*",
            "Europe/London",
        ),
    }
    sweeper = tasks["Sweep stalled report runs"]
    assert (sweeper.task, sweeper.interval.every, sweeper.interval.period) == (
        "reports.sweep_stalled_runs",
        5,
        "minutes",
    )
    digest = tasks["Weekly notification digest"]
    assert (digest.task, digest.crontab.hour, digest.crontab.minute) == (
        "reports.send_weekly_digests",
        "7",
        "0",
    )
    assert (digest.crontab.day_of_week, digest.crontab.day_of_month) == ("1", "*")
    assert all(task.enabled for task in tasks.values())


def test_the_schedules_migration_can_be_reversed():
    schedules.add_schedules(apps, None)
    admins_own = PeriodicTask.objects.create(
        name="Nightly backup check",
        task="reports.sweep_stalled_runs",
        interval=PeriodicTask.objects.get(name="Sweep stalled report runs").interval,
    )

    schedules.remove_schedules(apps, None)

    assert list(PeriodicTask.objects.filter(task__startswith="reports.")) == [admins_own]
    # The interval another task still uses stays; the unused crontabs go (those of other apps'
    # schedules, such as privacy's, stay).
    assert IntervalSchedule.objects.get() == admins_own.interval
    assert not CrontabSchedule.objects.filter(periodictask__task__startswith="reports.").exists()
    assert not CrontabSchedule.objects.filter(periodictask__isnull=True).exists()


def test_every_scheduled_task_is_registered_with_celery():
    app.loader.import_default_modules()
    names = set(PeriodicTask.objects.values_list("task", flat=True))

    assert names <= set(app.tasks)
