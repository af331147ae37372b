"""The weekly digest: one email per reader who chose it, gathering everything not yet emailed,
marking it sent; running it again sends nothing; moving back to an email each time sends what
was waiting."""

import datetime
import smtplib

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from accounts.factories import UserFactory
from accounts.models import Role
from conftest import make_user
from reports.factories import NotificationFactory
from reports.models import Notification, NotificationFrequency, NotificationPreference
from reports.services.notifications import (
    notification_preference,
    send_weekly_digests,
    set_notification_preference,
)
from reports.tasks.notifications import send_weekly_digests as send_weekly_digests_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    """The moment the digest runs: just after the notifications of a test are made."""
    return timezone.now() + datetime.timedelta(minutes=1)


def reader(lea, **fields):
    """A strategy manager of `lea` (any role would do)."""
    return UserFactory(role=Role.MANAGER, local_authority=lea, **fields)


def weekly_reader(lea, **fields):
    user = reader(lea, **fields)
    NotificationPreference.objects.create(user=user, frequency=NotificationFrequency.WEEKLY)
    return user


def notify(user, subject, **fields):
    return NotificationFactory(user=user, subject=subject, url=f"/reports/{subject[:3]}/", **fields)


def test_the_digest_gathers_each_readers_notifications_and_marks_them_sent(now, lea, mailoutbox):
    alice = weekly_reader(lea, email="alice@example.org")
    bob = weekly_reader(lea, email="bob@example.org")
    carol = reader(lea, email="carol@example.org")  # an email each time
    for subject in ("One report ready", "Two report ready", "Six agreed actions"):
        notify(alice, subject)
    notify(bob, "Bob's report ready")
    waiting = notify(carol, "Carol's report ready")

    assert send_weekly_digests(now=now) == 2

    emails = {email.to[0]: email for email in mailoutbox}
    assert set(emails) == {"alice@example.org", "bob@example.org"}
    alices = emails["alice@example.org"]
    assert alices.subject == "Your weekly digest from PLP Admin: 3 updates"
    assert alices.from_email == settings.DEFAULT_FROM_EMAIL
    assert alices.attachments == []
    for subject in ("One report ready", "Two report ready", "Six agreed actions"):
        assert subject in alices.body
    assert f"{settings.SITE_URL}/reports/One/" in alices.body
    assert "Bob's report ready" not in alices.body
    assert emails["bob@example.org"].subject == "Your weekly digest from PLP Admin: 1 update"
    sent = Notification.objects.filter(user__in=[alice, bob])
    assert all(n.sent_at == now and n.in_digest for n in sent)
    waiting.refresh_from_db()
    assert waiting.sent_at is None


def test_running_the_digest_again_sends_nothing(now, lea, mailoutbox):
    user = weekly_reader(lea)
    notify(user, "A report is ready")

    assert send_weekly_digests(now=now) == 1
    assert send_weekly_digests(now=now + datetime.timedelta(minutes=1)) == 0
    assert send_weekly_digests_task.delay().get() == 0

    assert len(mailoutbox) == 1


def test_the_digest_leaves_what_came_after_it_for_next_week(now, lea, mailoutbox):
    user = weekly_reader(lea)
    notify(user, "Before the digest")
    later = notify(user, "After the digest")
    Notification.objects.filter(pk=later.pk).update(created_at=now + datetime.timedelta(hours=1))

    assert send_weekly_digests(now=now) == 1

    assert "Before the digest" in mailoutbox[0].body
    assert "After the digest" not in mailoutbox[0].body
    later.refresh_from_db()
    assert later.sent_at is None
    assert send_weekly_digests(now=now + datetime.timedelta(days=7)) == 1
    assert "After the digest" in mailoutbox[1].body


def test_already_emailed_notifications_are_not_in_the_digest(now, lea, mailoutbox):
    user = weekly_reader(lea)
    notify(user, "Emailed at once last week", sent_at=now - datetime.timedelta(days=3))

    assert send_weekly_digests(now=now) == 0
    assert mailoutbox == []


def test_a_deactivated_reader_gets_no_digest(now, lea, mailoutbox):
    user = weekly_reader(lea, is_active=False)
    notify(user, "A report is ready")

    assert send_weekly_digests(now=now) == 0
    assert mailoutbox == []


def test_one_refused_digest_does_not_hold_back_the_others(now, lea, mailoutbox, monkeypatch):
    refused = weekly_reader(lea, email="refused@example.org")
    user = weekly_reader(lea, email="reader@example.org")
    notify(refused, "Refused report")
    notify(user, "Reader's report")
    real_send = EmailMessage.send

    def send(self, *args, **kwargs):
        if self.to == ["refused@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"refused@example.org": (550, b"No such user")})
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)

    # Raised at the end, so that the task tries again for the refused one only.
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_weekly_digests(now=now)

    assert [email.to for email in mailoutbox] == [["reader@example.org"]]
    assert Notification.objects.get(user=refused).sent_at is None
    assert Notification.objects.get(user=user).in_digest


def test_without_a_choice_a_user_gets_an_email_each_time(users):
    preference = notification_preference(users[Role.GOVERNOR])

    assert preference.frequency == NotificationFrequency.IMMEDIATE
    assert preference.pk is None


def test_a_choice_is_saved_and_changed(users):
    user = users[Role.HEADTEACHER]

    set_notification_preference(user=user, frequency=NotificationFrequency.WEEKLY)
    assert notification_preference(user).frequency == NotificationFrequency.WEEKLY
    set_notification_preference(user=user, frequency=NotificationFrequency.IMMEDIATE)

    assert NotificationPreference.objects.get(user=user).frequency == (
        NotificationFrequency.IMMEDIATE
    )


def test_moving_to_an_email_each_time_sends_what_waited_for_the_digest(
    lea, mailoutbox, django_capture_on_commit_callbacks
):
    user = weekly_reader(lea)
    notify(user, "Waiting report one")
    notify(user, "Waiting agreed actions")

    with django_capture_on_commit_callbacks(execute=True):
        set_notification_preference(user=user, frequency=NotificationFrequency.IMMEDIATE)

    (email,) = mailoutbox
    assert "Waiting report one" in email.body
    assert "Waiting agreed actions" in email.body
    assert not Notification.objects.unsent().exists()


def test_a_school_user_and_a_manager_each_get_their_own_digest(lea, school, mailoutbox):
    governor = make_user(Role.GOVERNOR, school=school)
    manager = make_user(Role.MANAGER, lea=lea)
    for user in (governor, manager):
        set_notification_preference(user=user, frequency=NotificationFrequency.WEEKLY)
    notify(governor, "Governor report ready", school=school)
    notify(manager, "Batch finished")

    assert send_weekly_digests(now=timezone.now()) == 2
    bodies = {email.to[0]: email.body for email in mailoutbox}
    assert "Governor report ready (Millfield Primary School)" in bodies[governor.email]
    assert "Batch finished" not in bodies[governor.email]
    assert "Governor report ready" not in bodies[manager.email]
