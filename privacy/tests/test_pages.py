"""The data protection landing page: the rules in force (the admin's and the defaults), the last
run's counts, and the recent exports (an admin's all, a manager's their own)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from privacy.models import RetentionKind, RetentionRule, RetentionUnit, SubjectAccessRequest
from privacy.services.retention import apply_retention

pytestmark = pytest.mark.django_db

HOME = reverse("privacy:home")


def test_the_page_shows_the_rules_in_force_and_the_last_run(users, client_for, admin_user):
    RetentionRule.objects.create(
        kind=RetentionKind.NOTIFICATIONS, keep_for=1, unit=RetentionUnit.MONTHS
    )
    client = client_for(users[Role.MANAGER])
    assert "has not run yet" in client.get(HOME).content.decode()

    apply_retention(dry_run=True)
    response = client.get(HOME)

    page = response.content.decode()
    rules = {rule.kind: rule for rule in response.context["rules"]}
    assert rules[RetentionKind.NOTIFICATIONS].period == "1 month"
    assert rules[RetentionKind.IMPORT_FILES].period == "30 days"
    assert "1 month after their creation" in page
    assert "A dry run (nothing changed)" in page
    assert len(response.context["run_rows"]) == len(RetentionKind)


def test_a_manager_sees_their_own_exports_and_an_admin_all(users, client_for, admin_user):
    mine = SubjectAccessRequest.objects.create(
        subject=users[Role.GOVERNOR], subject_label="Governor", requested_by=users[Role.MANAGER]
    )
    theirs = SubjectAccessRequest.objects.create(
        subject=users[Role.GOVERNOR], subject_label="Governor", requested_by=admin_user
    )

    assert list(client_for(users[Role.MANAGER]).get(HOME).context["exports"]) == [mine]
    assert set(client_for(admin_user).get(HOME).context["exports"]) == {mine, theirs}


def test_an_anonymous_visitor_is_sent_to_sign_in(client_for):
    response = client_for(None).get(HOME)
    assert response.status_code == 302
    assert "login" in response.url
