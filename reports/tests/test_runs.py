"""The report engine (reports.services.runs, reports.tasks.runs): asking for a report, producing
it exactly once, failing cleanly, and the Celery settings it relies on.

The content of a report is not under test here: the governor kind is pointed at `build_plain`,
a builder of one paragraph, so that these tests say only what the engine does.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from accounts.factories import UserFactory
from accounts.models import Role
from config.celery import app
from consultants.factories import AdviserFactory, LinkAdviserFactory
from consultants.models import Term
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from reports import content
from reports.content import ReportContent
from reports.models import Notification, NotificationKind, ReportKind, ReportRun, RunStatus
from reports.services import notifications as notification_services
from reports.services import runs as run_services
from reports.services.runs import run_fail, run_generate, run_request
from reports.tasks import runs as run_tasks

pytestmark = pytest.mark.django_db

PLAIN_BUILDER = f"{__name__}.build_plain"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # A folder per test: run ids repeat between tests on SQLite, and so would the runs' folders.
    settings.MEDIA_ROOT = tmp_path / "media"


def build_plain(run, *, today):
    """A report of one paragraph naming its school: enough for the engine to issue."""
    return ReportContent(
        title=f"Plain report for {run.school.name}",
        template_name="reports/report/_plain.html",
        context={"text": f"{run.school.name} & friends, version {run.version}"},
        filename=f"plain-v{run.version}.pdf",
    )


#: What `build_looking` saw of its transaction.
SNAPSHOT_SEEN = {}


def build_looking(run, *, today):
    """`build_plain`, noting the isolation of the transaction it reads in."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        SNAPSHOT_SEEN["isolation"] = cursor.fetchone()[0]
        cursor.execute("SHOW transaction_read_only")
        SNAPSHOT_SEEN["read_only"] = cursor.fetchone()[0]
    return build_plain(run, today=today)


def build_broken(run, *, today):
    raise ValueError("no figures for this school")


def build_unreachable_database(run, *, today):
    raise OperationalError("the database server closed the connection")


@pytest.fixture
def plain_reports(monkeypatch):
    monkeypatch.setitem(content.BUILDERS, ReportKind.GOVERNOR, PLAIN_BUILDER)


@pytest.fixture
def sent(monkeypatch):
    """The run ids sent to Celery (instead of sending them)."""
    calls = []
    monkeypatch.setattr(run_tasks.generate_report, "delay", lambda **kw: calls.append(kw))
    return calls


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def participation(year, school):
    return ParticipationFactory(programme_year=year, school=school)


@pytest.fixture
def manager(lea):
    return UserFactory(role=Role.MANAGER, local_authority=lea)


@pytest.fixture
def governor(school):
    return UserFactory(role=Role.GOVERNOR, school=school)


def _ask(year, school, manager, key="form:1", term=Term.AUTUMN, **kwargs):
    return run_request(
        kind=ReportKind.GOVERNOR,
        programme_year=year,
        by=manager,
        idempotency_key=key,
        term=term,
        school=school,
        **kwargs,
    )


def _files(run) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "reports" / str(run.local_authority_id) / str(run.pk)
    return sorted(folder.iterdir()) if folder.exists() else []


def _produce(year, school, manager, django_capture_on_commit_callbacks, **kwargs) -> ReportRun:
    """Ask for a report and let the task run (in-process, as without REDIS_URL)."""
    with django_capture_on_commit_callbacks(execute=True):
        run = _ask(year, school, manager, **kwargs)
    run.refresh_from_db()
    return run


# Asking -----------------------------------------------------------------------------------------


def test_asking_for_a_report_makes_a_queued_run_of_its_scope(year, school, participation, manager):
    run = _ask(year, school, manager, parameters={"note": "for the spring meeting"})

    assert run.status == RunStatus.QUEUED
    assert run.local_authority == year.local_authority
    assert run.requested_by == manager
    assert run.scope_key == f"GOVERNOR:{year.pk}:AUTUMN:{school.pk}:"
    assert run.version == 1
    assert run.parameters == {"note": "for the spring meeting"}
    assert run.attempts == 0


def test_the_same_request_twice_returns_the_first_run_and_sends_it_once(
    year, school, participation, manager, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _ask(year, school, manager, key="form:abc")
    with django_capture_on_commit_callbacks(execute=True):
        again = _ask(year, school, manager, key="form:abc")

    assert again.pk == first.pk
    assert ReportRun.objects.count() == 1
    assert sent == [{"run_id": first.pk}]


def test_the_same_key_for_another_scope_is_refused(year, school, participation, manager):
    _ask(year, school, manager, key="form:abc", term=Term.AUTUMN)

    with pytest.raises(ValidationError, match="already been made for another report"):
        _ask(year, school, manager, key="form:abc", term=Term.SPRING)
    assert ReportRun.objects.count() == 1


def test_asking_again_for_the_same_scope_makes_the_next_version(
    year, school, sibling_school, participation, manager
):
    ParticipationFactory(programme_year=year, school=sibling_school)

    first = _ask(year, school, manager, key="k1")
    second = _ask(year, school, manager, key="k2")
    spring = _ask(year, school, manager, key="k3", term=Term.SPRING)
    sibling = _ask(year, sibling_school, manager, key="k4")

    assert (first.version, second.version) == (1, 2)
    assert second.scope_key == first.scope_key
    assert spring.version == 1
    assert sibling.version == 1


def test_the_task_is_sent_only_after_the_transaction_commits(
    year, school, participation, manager, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = _ask(year, school, manager)
        assert sent == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert sent == [{"run_id": run.pk}]


def test_a_governor_report_needs_a_school_and_a_term(year, manager):
    with pytest.raises(ValidationError) as refused:
        run_request(kind=ReportKind.GOVERNOR, programme_year=year, by=manager, idempotency_key="k")

    assert refused.value.message_dict == {
        "school": ["Choose the school the report is for."],
        "term": ["Choose the term the report is for."],
    }
    assert not ReportRun.objects.exists()


def test_a_governor_report_is_for_a_school_of_the_lea_that_has_a_place(
    year, school, foreign_school, manager
):
    with pytest.raises(ValidationError) as other_lea:
        _ask(year, foreign_school, manager)
    with pytest.raises(ValidationError) as no_place:
        _ask(year, school, manager)

    assert other_lea.value.message_dict == {
        "school": ["Southvale Junior School is not a school of Northmoor."]
    }
    assert no_place.value.message_dict == {
        "school": ["Millfield Primary School has no place in the programme in 2004-05."]
    }


def test_a_withdrawn_school_may_still_have_its_governor_report(year, school, manager):
    ParticipationFactory(programme_year=year, school=school, status=ParticipationStatus.WITHDRAWN)

    assert _ask(year, school, manager).version == 1


def test_a_caseload_report_is_for_a_pscl_of_the_lea(year, lea, other_lea, manager):
    pscl = AdviserFactory(local_authority=lea)
    link_adviser = LinkAdviserFactory(local_authority=lea)
    foreign_pscl = AdviserFactory(local_authority=other_lea)

    run = run_request(
        kind=ReportKind.PSCL_CASELOAD,
        programme_year=year,
        by=manager,
        idempotency_key="c1",
        adviser=pscl,
    )
    everyone = run_request(
        kind=ReportKind.PSCL_CASELOAD, programme_year=year, by=manager, idempotency_key="c2"
    )
    for key, adviser in (("c3", link_adviser), ("c4", foreign_pscl)):
        with pytest.raises(ValidationError) as refused:
            run_request(
                kind=ReportKind.PSCL_CASELOAD,
                programme_year=year,
                by=manager,
                idempotency_key=key,
                adviser=adviser,
            )
        assert refused.value.message_dict == {
            "adviser": [f"{adviser.full_name} is not a PSCL of Northmoor."]
        }

    assert run.scope_key == f"PSCL_CASELOAD:{year.pk}:::{pscl.pk}"
    assert everyone.scope_key == f"PSCL_CASELOAD:{year.pk}:::"
    assert ReportRun.objects.count() == 2


# Producing ---------------------------------------------------------------------------------------


def test_a_run_produces_its_html_pdf_and_the_moment_its_data_was_read(
    year,
    school,
    participation,
    manager,
    governor,
    plain_reports,
    django_capture_on_commit_callbacks,
):
    run = _produce(year, school, manager, django_capture_on_commit_callbacks)

    assert run.status == RunStatus.DONE
    assert run.title == "Plain report for Millfield Primary School"
    # Escaped when rendered: the body is kept as HTML that is safe to show.
    assert run.html.strip() == (
        '<p class="govuk-body">Millfield Primary School &amp; friends, version 1</p>'
    )
    assert run.data_read_at is not None
    assert run.started_at <= run.data_read_at <= run.finished_at
    assert run.attempts == 1
    assert run.error == ""
    assert run.pdf.name == f"reports/{run.local_authority_id}/{run.pk}/plain-v1.pdf"
    assert [path.name for path in _files(run)] == ["plain-v1.pdf"]
    with run.pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_a_done_run_tells_its_schools_governors_and_whoever_asked_once(
    year,
    school,
    participation,
    manager,
    governor,
    plain_reports,
    django_capture_on_commit_callbacks,
):
    run = _produce(year, school, manager, django_capture_on_commit_callbacks)
    run_generate(run.pk)

    notified = Notification.objects.filter(run=run)
    assert sorted(notified.values_list("user__email", flat=True)) == sorted(
        [governor.email, manager.email]
    )
    assert set(notified.values_list("kind", flat=True)) == {NotificationKind.REPORT_READY}


def test_producing_a_done_run_again_writes_nothing(
    year,
    school,
    participation,
    manager,
    governor,
    plain_reports,
    django_capture_on_commit_callbacks,
):
    run = _produce(year, school, manager, django_capture_on_commit_callbacks)
    files_before = [(path, path.stat().st_mtime_ns) for path in _files(run)]

    again = run_generate(run.pk)

    assert again.pk == run.pk
    run_after = ReportRun.objects.get(pk=run.pk)
    assert run_after.attempts == 1
    assert run_after.finished_at == run.finished_at
    assert run_after.data_read_at == run.data_read_at
    assert run_after.html == run.html
    assert [(path, path.stat().st_mtime_ns) for path in _files(run)] == files_before
    assert len(files_before) == 1
    assert Notification.objects.filter(run=run).count() == 2


def test_a_file_left_by_a_killed_attempt_is_replaced_not_kept_beside(
    year, school, participation, manager, plain_reports, sent
):
    run = _ask(year, school, manager)
    folder = Path(settings.MEDIA_ROOT) / "reports" / str(run.local_authority_id) / str(run.pk)
    folder.mkdir(parents=True)
    (folder / "plain-v1.pdf").write_bytes(b"half a PDF")

    run_generate(run.pk)

    run.refresh_from_db()
    assert run.pdf.name.endswith("/plain-v1.pdf")
    assert [path.name for path in _files(run)] == ["plain-v1.pdf"]
    assert (folder / "plain-v1.pdf").read_bytes().startswith(b"%PDF-")


def test_an_issued_report_never_changes_when_its_scope_is_asked_again(
    year, school, participation, manager, plain_reports, django_capture_on_commit_callbacks
):
    first = _produce(year, school, manager, django_capture_on_commit_callbacks, key="k1")
    second = _produce(year, school, manager, django_capture_on_commit_callbacks, key="k2")
    run_fail(run_id=first.pk, error="too late")

    first_after = ReportRun.objects.get(pk=first.pk)
    assert (first_after.status, first_after.error) == (RunStatus.DONE, "")
    assert (first_after.html, first_after.pdf.name) == (first.html, first.pdf.name)
    assert second.version == 2
    assert second.pdf.name != first.pdf.name
    assert "version 2" in second.html


def test_a_report_that_cannot_be_made_fails_with_its_error_and_is_not_retried(
    year, school, participation, manager, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(content.BUILDERS, ReportKind.GOVERNOR, f"{__name__}.build_broken")

    # The task does not raise: a bad report must not go back to the queue.
    run = _produce(year, school, manager, django_capture_on_commit_callbacks)

    assert run.status == RunStatus.FAILED
    assert run.error == "ValueError: no figures for this school"
    assert run.attempts == 1
    assert run.finished_at is not None
    assert not run.pdf
    assert _files(run) == []
    assert not Notification.objects.filter(run=run).exists()


def test_a_report_that_fails_as_it_is_issued_leaves_no_file(
    year, school, participation, manager, plain_reports, monkeypatch, sent
):
    def refuse(run):
        raise ValueError("no recipients table")

    monkeypatch.setattr(notification_services, "notify_report_ready", refuse)
    run = _ask(year, school, manager)

    run_generate(run.pk)

    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, "ValueError: no recipients table")
    assert not run.pdf
    assert _files(run) == []


def test_a_transient_error_is_raised_for_the_task_to_retry(
    year, school, participation, manager, monkeypatch, sent
):
    monkeypatch.setitem(
        content.BUILDERS, ReportKind.GOVERNOR, f"{__name__}.build_unreachable_database"
    )
    run = _ask(year, school, manager)

    with pytest.raises(OperationalError):
        run_generate(run.pk)

    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 1)


def test_the_task_marks_the_run_failed_once_its_retries_are_spent(
    year, school, participation, manager, monkeypatch, sent
):
    monkeypatch.setitem(
        content.BUILDERS, ReportKind.GOVERNOR, f"{__name__}.build_unreachable_database"
    )
    run = _ask(year, school, manager)

    # In-process, the retries follow one another at once; each would raise if it propagated.
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    result = run_tasks.generate_report.apply(kwargs={"run_id": run.pk}, throw=False)

    assert result.failed()
    assert isinstance(result.result, OperationalError)

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.attempts == run_tasks.generate_report.max_retries + 1
    assert run.error == (
        "Gave up after 6 tries: OperationalError: the database server closed the connection"
    )


def test_the_generate_task_retries_transient_errors_with_backoff():
    task = run_tasks.generate_report

    assert task.name == "reports.generate_report"
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert set(task.autoretry_for) == set(run_services.TRANSIENT_ERRORS)
    assert OperationalError in task.autoretry_for
    assert (task.retry_backoff, task.retry_backoff_max, task.retry_jitter) == (True, 300, True)
    assert task.max_retries == 5


def test_a_run_that_no_longer_exists_is_passed_over():
    assert run_generate(987654) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's snapshot isolation")
def test_every_figure_is_read_from_one_read_only_snapshot(
    transactional_db, lea, school, monkeypatch
):
    seen = {}
    monkeypatch.setattr(f"{__name__}.SNAPSHOT_SEEN", seen)
    monkeypatch.setitem(content.BUILDERS, ReportKind.GOVERNOR, f"{__name__}.build_looking")
    monkeypatch.setattr(run_tasks.generate_report, "delay", lambda **kw: None)
    year = ProgrammeYearFactory(local_authority=lea)
    ParticipationFactory(programme_year=year, school=school)
    run = _ask(year, school, None)

    run_generate(run.pk)

    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert seen == {"isolation": "repeatable read", "read_only": "on"}


# Settings ---------------------------------------------------------------------------------------


def test_the_broker_never_hands_a_running_task_to_a_second_worker():
    conf = app.conf
    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]

    assert visibility_timeout > settings.CELERY_TASK_TIME_LIMIT
    assert conf.broker_transport_options["visibility_timeout"] == visibility_timeout
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert settings.REPORTS_FAULT_DELAY_SECONDS == 0


def _settings_error(**variables: str) -> str:
    """What loading the settings in a fresh process with `variables` says on stderr."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "CELERY_", "REPORTS_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **variables)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.SECRET_KEY"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stderr if result.returncode else ""


def test_a_visibility_timeout_no_longer_than_the_task_time_limit_is_refused():
    error = _settings_error(CELERY_VISIBILITY_TIMEOUT="600")

    assert "ImproperlyConfigured: CELERY_VISIBILITY_TIMEOUT (600 s) must be longer" in error
    assert _settings_error(CELERY_VISIBILITY_TIMEOUT="601") == ""


def test_the_fault_injection_delay_is_refused_in_production():
    production = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "plp.example.org",
        "DATABASE_URL": "postgres://plp:secret@db.example.org:5432/plp",
        "REDIS_URL": "redis://redis.example.org:6379/3",
    }

    error = _settings_error(**production, REPORTS_FAULT_DELAY_SECONDS="30")

    assert "REPORTS_FAULT_DELAY_SECONDS is for tests, not production." in error
    assert _settings_error(**production) == ""
