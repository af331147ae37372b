"""The notification pages: each user sees their own notifications only, newest first, in a
bounded number of queries; each chooses how they hear; anonymous visitors are sent to sign
in."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reports.factories import NotificationFactory
from reports.models import Notification, NotificationFrequency, NotificationPreference

pytestmark = pytest.mark.django_db

LIST_URL = reverse("reports:notification_list")
PREFERENCES_URL = reverse("reports:notification_preferences")


@pytest.mark.parametrize("url", [LIST_URL, PREFERENCES_URL])
def test_an_anonymous_visitor_is_sent_to_sign_in(client_for, url):
    response = client_for(None).get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_both_pages(users, client_for, role):
    client = client_for(users[role])

    assert client.get(LIST_URL).status_code == 200
    assert client.get(PREFERENCES_URL).status_code == 200


def test_the_list_shows_the_users_own_notifications_only_newest_first(users, school, client_for):
    governor = users[Role.GOVERNOR]
    older = NotificationFactory(
        user=governor, subject="The summer term progress report is ready", url="/reports/runs/1/"
    )
    Notification.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    NotificationFactory(
        user=governor,
        school=school,
        subject="The autumn term progress report is ready",
        url="/reports/runs/2/",
        sent_at=timezone.now(),
    )
    NotificationFactory(
        user=users[Role.HEADTEACHER],
        subject="Agreed actions from the PSCL's visit on 12 November 2004",
        url="/consultants/schools/1/visits/",
    )

    response = client_for(governor).get(LIST_URL)

    page = response.content.decode()
    assert "Agreed actions from the PSCL" not in page
    assert page.index("The autumn term progress report") < page.index(
        "The summer term progress report"
    )
    assert 'href="/reports/runs/2/"' in page
    assert "Millfield Primary School" in page
    assert "Emailed" in page
    assert "Not emailed yet" in page
    assert list(response.context["notifications"]) == list(
        Notification.objects.filter(user=governor).order_by("-created_at")
    )


def test_the_list_says_what_waits_for_the_digest(users, client_for):
    manager = users[Role.MANAGER]
    NotificationPreference.objects.create(user=manager, frequency=NotificationFrequency.WEEKLY)
    NotificationFactory(user=manager, subject="Governor reports are ready")
    NotificationFactory(
        user=manager, subject="A digested one", sent_at=timezone.now(), in_digest=True
    )

    page = client_for(manager).get(LIST_URL).content.decode()

    assert "You get a weekly digest" in page
    assert "In your next digest" in page
    assert "Sent in a weekly digest" in page


def test_the_list_is_paginated(users, client_for):
    governor = users[Role.GOVERNOR]
    NotificationFactory.create_batch(30, user=governor)

    response = client_for(governor).get(LIST_URL)
    second = client_for(governor).get(LIST_URL, {"page": 2})

    assert len(response.context["notifications"]) == 25
    assert len(second.context["notifications"]) == 5


@pytest.mark.parametrize("count", [2, 40])
def test_the_list_takes_a_bounded_number_of_queries(
    users, school, client_for, django_assert_max_num_queries, count
):
    governor = users[Role.GOVERNOR]
    NotificationFactory.create_batch(count, user=governor, school=school)
    client = client_for(governor)

    with django_assert_max_num_queries(8):
        response = client.get(LIST_URL)

    assert response.status_code == 200


def test_the_preference_page_shows_the_current_choice(users, client_for):
    user = users[Role.HEADTEACHER]
    NotificationPreference.objects.create(user=user, frequency=NotificationFrequency.WEEKLY)

    page = client_for(user).get(PREFERENCES_URL).content.decode()

    assert re.search(r'value="WEEKLY"\s*checked', page)
    assert not re.search(r'value="IMMEDIATE"\s*checked', page)
    assert "govuk-radios" in page


def test_choosing_the_weekly_digest_is_saved_with_a_banner(users, client_for):
    user = users[Role.GOVERNOR]
    client = client_for(user)

    response = client.post(PREFERENCES_URL, {"frequency": "WEEKLY"}, follow=True)

    assert response.redirect_chain == [(PREFERENCES_URL, 302)]
    assert NotificationPreference.objects.get(user=user).frequency == "WEEKLY"
    page = response.content.decode()
    assert "govuk-notification-banner--success" in page
    assert "You will get a weekly digest of what changed." in page


def test_a_preference_is_the_users_own(users, client_for):
    client_for(users[Role.GOVERNOR]).post(PREFERENCES_URL, {"frequency": "WEEKLY"})

    assert not NotificationPreference.objects.filter(user=users[Role.HEADTEACHER]).exists()
    assert list(NotificationPreference.objects.values_list("user", flat=True)) == [
        users[Role.GOVERNOR].pk
    ]


def test_no_choice_is_an_error(users, client_for):
    user = users[Role.GOVERNOR]

    response = client_for(user).post(PREFERENCES_URL, {"frequency": "MONTHLY"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Choose an email each time or a weekly digest" in page
    assert not NotificationPreference.objects.exists()
