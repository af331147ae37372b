"""Who is told of what, once each: a report run done, a batch finished, a visit's agreed
actions; the emails go only after the transaction commits, carry a link and never a report,
and never the visit's notes."""

import datetime
import smtplib

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from conftest import make_user
from consultants.factories import AgreedActionFactory, AllocationFactory, VisitFactory
from consultants.services.visits import ActionLine, VisitNote, visit_submit
from consultants.tests.test_visits_world import NOTES_TEXT, TODAY, VISIT_DAY, make_world
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from reports.factories import ReportBatchFactory, ReportRunFactory
from reports.models import (
    Notification,
    NotificationFrequency,
    NotificationKind,
    NotificationPreference,
    ReportKind,
    RunStatus,
)
from reports.services.notifications import (
    notify_batch_done,
    notify_report_ready,
    on_visit_submitted,
    send_notification_now,
)
from reports.tasks.notifications import send_notification_email

pytestmark = pytest.mark.django_db


def done(**fields):
    """A done run (the engine's job in real life): content and the moment its data was read."""
    return ReportRunFactory(
        status=RunStatus.DONE,
        html="<p>Report</p>",
        pdf="reports/test/report.pdf",
        data_read_at=timezone.now(),
        finished_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def governors(school, sibling_school, foreign_school, users):
    """The school's two active governors, then an inactive one, another school's and another
    LEA's."""
    return {
        "ours": [users[Role.GOVERNOR], make_user(Role.GOVERNOR, school=school)],
        "inactive": make_user(Role.GOVERNOR, school=school, is_active=False),
        "sibling": make_user(Role.GOVERNOR, school=sibling_school),
        "foreign": make_user(Role.GOVERNOR, school=foreign_school),
    }


def weekly(user):
    NotificationPreference.objects.create(user=user, frequency=NotificationFrequency.WEEKLY)


# Report runs ---------------------------------------------------------------------------------


def test_a_governor_report_tells_the_schools_active_governors_and_who_asked(
    year, school, governors, users
):
    manager = users[Role.MANAGER]
    run = done(programme_year=year, school=school, requested_by=manager)

    notifications = notify_report_ready(run)

    expected = {governor.pk for governor in governors["ours"]} | {manager.pk}
    assert {n.user_id for n in notifications} == expected
    assert Notification.objects.count() == 3
    notification = notifications[0]
    assert notification.kind == NotificationKind.REPORT_READY
    assert notification.subject == (
        "The autumn term progress report for Millfield Primary School is ready"
    )
    assert notification.url == reverse("reports:run_detail", args=[run.pk])
    assert notification.run == run
    assert notification.school == school


def test_a_run_of_a_batch_leaves_the_batch_requester_to_the_batch_notification(
    year, school, governors
):
    batch = ReportBatchFactory(programme_year=year)
    run = done(programme_year=year, school=school, batch=batch, requested_by=batch.requested_by)

    notifications = notify_report_ready(run)

    assert {n.user_id for n in notifications} == {g.pk for g in governors["ours"]}


def test_another_kind_of_report_tells_only_who_asked(year, lea, governors, users):
    manager = users[Role.MANAGER]
    run = done(
        programme_year=year, kind=ReportKind.LEA_EVALUATION, school=None, term="",
        requested_by=manager,
    )  # fmt: skip

    notifications = notify_report_ready(run)

    assert [n.user for n in notifications] == [manager]
    assert notifications[0].subject == (f"The LEA evaluation report for {year.name} is ready")
    assert notifications[0].school is None


def test_an_inactive_requester_is_not_told(year, users):
    manager = make_user(Role.MANAGER, lea=year.local_authority, is_active=False)
    run = done(
        programme_year=year, kind=ReportKind.FUNDING_STATEMENT, school=None, term="",
        requested_by=manager,
    )  # fmt: skip

    assert notify_report_ready(run) == []
    assert not Notification.objects.exists()


def test_telling_of_a_report_twice_tells_each_person_once(
    year, school, governors, users, mailoutbox, django_capture_on_commit_callbacks
):
    run = done(programme_year=year, school=school, requested_by=users[Role.MANAGER])

    with django_capture_on_commit_callbacks(execute=True):
        first = notify_report_ready(run)
    with django_capture_on_commit_callbacks(execute=True):
        second = notify_report_ready(run)

    assert sorted(n.pk for n in first) == sorted(n.pk for n in second)
    assert Notification.objects.filter(run=run).count() == 3
    assert sorted(email.to[0] for email in mailoutbox) == sorted(
        [g.email for g in governors["ours"]] + [users[Role.MANAGER].email]
    )


def test_the_emails_wait_for_the_commit(
    year, school, governors, mailoutbox, django_capture_on_commit_callbacks
):
    run = done(programme_year=year, school=school)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_report_ready(run)
    assert mailoutbox == []
    assert len(callbacks) == 2

    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 2
    assert Notification.objects.filter(sent_at__isnull=False).count() == 2


def test_a_rolled_back_report_tells_nobody(
    year, school, governors, mailoutbox, django_capture_on_commit_callbacks
):
    run = done(programme_year=year, school=school)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_report_ready(run)
        raise RuntimeError("the engine failed after notifying")

    assert callbacks == []
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_the_email_links_to_the_report_and_attaches_nothing(
    year, school, users, mailoutbox, django_capture_on_commit_callbacks
):
    governor = users[Role.GOVERNOR]
    run = done(programme_year=year, school=school)

    with django_capture_on_commit_callbacks(execute=True):
        notify_report_ready(run)

    (email,) = mailoutbox
    assert email.to == [governor.email]
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert email.subject == "The autumn term progress report for Millfield Primary School is ready"
    link = settings.SITE_URL + reverse("reports:run_detail", args=[run.pk])
    assert link in email.body
    assert "Sign in to read it" in email.body
    assert email.attachments == []
    assert "<p>Report</p>" not in email.body
    assert settings.SITE_URL + reverse("reports:notification_preferences") in email.body


def test_a_weekly_reader_is_not_emailed_at_once(
    year, school, governors, mailoutbox, django_capture_on_commit_callbacks
):
    reader, other = governors["ours"]
    weekly(reader)
    run = done(programme_year=year, school=school)

    with django_capture_on_commit_callbacks(execute=True):
        notify_report_ready(run)

    assert [email.to for email in mailoutbox] == [[other.email]]
    assert Notification.objects.get(user=reader).sent_at is None
    assert Notification.objects.get(user=other).sent_at is not None


def test_sending_a_notification_twice_sends_one_email(year, school, users, mailoutbox):
    run = done(programme_year=year, school=school)
    (notification,) = notify_report_ready(run)

    assert send_notification_now(notification.pk) is True
    assert send_notification_now(notification.pk) is False
    send_notification_email.delay(notification_id=notification.pk)

    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert notification.in_digest is False


def test_a_deactivated_user_is_not_emailed(year, school, users, mailoutbox):
    run = done(programme_year=year, school=school)
    (notification,) = notify_report_ready(run)
    users[Role.GOVERNOR].is_active = False
    users[Role.GOVERNOR].save()

    assert send_notification_now(notification.pk) is False
    assert mailoutbox == []


def test_a_passing_mail_server_fault_is_retried(year, school, users, mailoutbox, monkeypatch):
    """The task tries again after a mail-server fault (at once here: Celery runs eagerly, and
    `throw=False` lets the eager run retry as a worker would rather than raise)."""
    run = done(programme_year=year, school=school)
    (notification,) = notify_report_ready(run)
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send
    calls = []

    def flaky_send(self, *args, **kwargs):
        calls.append(self.to)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky_send)

    send_notification_email.apply(kwargs={"notification_id": notification.pk}, throw=False)

    assert len(calls) == 2
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None


def test_the_email_task_is_safe_to_redeliver():
    assert send_notification_email.name == "reports.send_notification_email"
    assert send_notification_email.acks_late is True
    assert smtplib.SMTPException in send_notification_email.autoretry_for
    assert ConnectionError in send_notification_email.autoretry_for or (
        OSError in send_notification_email.autoretry_for
    )


# Batches -------------------------------------------------------------------------------------


def test_a_finished_batch_tells_the_manager_who_started_it_once(
    year, school, sibling_school, mailoutbox, django_capture_on_commit_callbacks
):
    batch = ReportBatchFactory(programme_year=year, total=3)
    done(programme_year=year, school=school, batch=batch)
    done(programme_year=year, school=sibling_school, batch=batch)
    ReportRunFactory(
        programme_year=year, school=sibling_school, batch=batch, status=RunStatus.FAILED,
        error="WeasyPrint failed",
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_batch_done(batch)
    with django_capture_on_commit_callbacks(execute=True):
        again = notify_batch_done(batch)

    assert again.pk == notification.pk
    assert notification.user == batch.requested_by
    assert notification.kind == NotificationKind.BATCH_DONE
    assert notification.subject == (
        "Governor reports for the autumn term are ready: 2 done, 1 failed"
    )
    assert notification.url == reverse("reports:batch_detail", args=[batch.pk])
    assert Notification.objects.filter(batch=batch).count() == 1
    assert [email.to for email in mailoutbox] == [[batch.requested_by.email]]


def test_a_scheduled_batch_tells_nobody(year):
    batch = ReportBatchFactory(programme_year=year, requested_by=None)

    assert notify_batch_done(batch) is None
    assert not Notification.objects.exists()


def test_a_batch_of_a_deactivated_manager_tells_nobody(year):
    manager = make_user(Role.MANAGER, lea=year.local_authority, is_active=False)
    batch = ReportBatchFactory(programme_year=year, requested_by=manager)

    assert notify_batch_done(batch) is None


# Visits --------------------------------------------------------------------------------------


@pytest.fixture
def visit(year, school):
    """A submitted visit to `school` with two agreed actions."""
    allocation = AllocationFactory(
        participation=ParticipationFactory(programme_year=year, school=school),
        adviser__local_authority=school.local_authority,
        adviser__full_name="David Okoro",
    )
    visit = VisitFactory(allocation=allocation, visit_on=datetime.date(2004, 11, 12))
    visit.notes = NOTES_TEXT
    visit.save()
    AgreedActionFactory(
        visit=visit,
        who="Deputy headteacher",
        what="Set up guided reading groups in Year 2.",
        due_on=datetime.date(2004, 12, 3),
    )
    AgreedActionFactory(
        visit=visit,
        who="Headteacher",
        what="Add numbers to the maths success criteria.",
        due_on=datetime.date(2004, 11, 26),
    )
    return visit


def test_agreed_actions_tell_the_schools_active_headteacher_only(
    visit, school, sibling_school, users, governors, mailoutbox, django_capture_on_commit_callbacks
):
    head = users[Role.HEADTEACHER]
    make_user(Role.HEADTEACHER, school=school, is_active=False)
    make_user(Role.HEADTEACHER, school=sibling_school)

    with django_capture_on_commit_callbacks(execute=True):
        on_visit_submitted(visit.pk)

    (notification,) = Notification.objects.all()
    assert notification.user == head
    assert notification.kind == NotificationKind.VISIT_ACTIONS
    assert notification.visit == visit
    assert notification.school == school
    assert notification.subject == "Agreed actions from the PSCL's visit on 12 November 2004"
    assert notification.url == reverse("consultants:school_visits", args=[school.urn])
    # Who, what and by when, in the order they are due.
    body = notification.body
    assert "David Okoro" in body
    assert body.index("- Headteacher, by 26 November 2004: Add numbers") < body.index(
        "- Deputy headteacher, by 3 December 2004: Set up guided reading groups in Year 2."
    )
    (email,) = mailoutbox
    assert email.to == [head.email]
    assert "Set up guided reading groups in Year 2." in email.body
    assert settings.SITE_URL + notification.url in email.body


def test_the_visit_notes_never_reach_the_headteacher(
    visit, users, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        on_visit_submitted(visit.pk)

    (email,) = mailoutbox
    notification = Notification.objects.get()
    for text in (NOTES_TEXT, visit.challenge_detail, visit.attendees):
        assert text not in email.body
        assert text not in notification.body


def test_a_visit_without_agreed_actions_tells_nobody(year, school, users, mailoutbox):
    allocation = AllocationFactory(
        participation=ParticipationFactory(programme_year=year, school=school)
    )
    visit = VisitFactory(allocation=allocation)

    on_visit_submitted(visit.pk)

    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_a_draft_tells_nobody(visit, users):
    visit.status = "DRAFT"
    visit.submitted_at = None
    visit.save()

    on_visit_submitted(visit.pk)

    assert not Notification.objects.exists()


def test_a_visit_tells_the_headteacher_once(
    visit, users, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        on_visit_submitted(visit.pk)
        on_visit_submitted(visit.pk)
    with django_capture_on_commit_callbacks(execute=True):
        on_visit_submitted(visit.pk)

    assert Notification.objects.filter(visit=visit).count() == 1
    assert len(mailoutbox) == 1


def test_submitting_a_visit_with_actions_emails_the_headteacher(
    lea, school, sibling_school, users, mailoutbox, django_capture_on_commit_callbacks
):
    """End to end through the hook that the reports app registers with the consultants app."""
    world = make_world(lea=lea, school=school, sibling_school=sibling_school, users=users)
    note = VisitNote(
        visit_on=VISIT_DAY,
        length="HALF_DAY",
        kind="GETTING_STARTED",
        stage=4,
        focus=("ENGLISH",),
        notes=NOTES_TEXT,
        standards_challenged=False,
    )
    action = ActionLine(who="English co-ordinator", what="Audit the reading books.", due_on=TODAY)

    with django_capture_on_commit_callbacks(execute=True):
        visit = visit_submit(
            allocation=world.allocation,
            note=note,
            actions=[action],
            by=users[Role.CONSULTANT],
            today=TODAY,
        )

    (email,) = mailoutbox
    assert email.to == [users[Role.HEADTEACHER].email]
    assert email.subject == "Agreed actions from the PSCL's visit on 12 October 2004"
    assert "English co-ordinator, by 14 October 2004: Audit the reading books." in email.body
    assert NOTES_TEXT not in email.body
    assert Notification.objects.get().visit == visit


def test_submitting_a_visit_without_actions_emails_nobody(
    lea, school, sibling_school, users, mailoutbox, django_capture_on_commit_callbacks
):
    world = make_world(lea=lea, school=school, sibling_school=sibling_school, users=users)
    note = VisitNote(
        visit_on=VISIT_DAY, length="HALF_DAY", kind="GETTING_STARTED", stage=4,
        standards_challenged=False,
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        visit_submit(allocation=world.allocation, note=note, by=users[Role.CONSULTANT], today=TODAY)

    assert mailoutbox == []
    assert not Notification.objects.exists()
