"""The participation page's "Reason to go beyond a limit" (issue 5, item 3), independent of the
app that sets the limit: a registered acceptance check refuses, the strategy manager sees the
refusal next to the reason box and accepts with a reason, which reaches the check; the
headteacher sees the refusal only; the workflow's own refusals are never overridable."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from conftest import make_user
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import Participation, ParticipationStatus
from leadership.services import programme as services

pytestmark = pytest.mark.django_db

Status = ParticipationStatus
LABEL = "Reason to go beyond a limit"


@pytest.fixture
def limited(monkeypatch):
    """Only the test's own check: refuses unless a reason is given; remembers the reasons."""
    seen = []

    def check(*, participation, programme_year, by, override_reason):
        seen.append(override_reason)
        if not override_reason:
            raise ValidationError(
                "The test limit is reached.", code="test_limit", params=services.OVERRIDABLE
            )

    monkeypatch.setattr(services, "_acceptance_checks", [check])
    return seen


@pytest.fixture
def invited(lea, school):
    year = ProgrammeYearFactory(local_authority=lea)
    return ParticipationFactory(programme_year=year, school=school, status=Status.INVITED)


def _url(participation, status=Status.ACCEPTED):
    return reverse("leadership:participation_move", args=[participation.pk, status.value])


def test_manager_sees_the_limit_beside_the_reason_box(client_for, users, invited, limited):
    response = client_for(users[Role.MANAGER]).post(_url(invited), {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The test limit is reached." in html
    assert LABEL in html
    assert 'href="#id_accepted-override_reason"' in html  # the error summary links to the box
    assert Participation.objects.get(pk=invited.pk).status == Status.INVITED


def test_manager_accepts_with_the_reason(client_for, users, invited, limited):
    response = client_for(users[Role.MANAGER]).post(
        _url(invited), {"accepted-override_reason": "  Agreed with the director.  "}
    )
    assert response.status_code == 302
    assert Participation.objects.get(pk=invited.pk).status == Status.ACCEPTED
    assert limited == ["Agreed with the director."]


def test_headteacher_sees_the_refusal_without_the_box(client_for, users, invited, limited):
    response = client_for(users[Role.HEADTEACHER]).post(
        _url(invited), {"accepted-override_reason": "Please"}
    )
    html = response.content.decode()
    assert "The test limit is reached." in html
    assert LABEL not in html
    assert limited == [""]  # a headteacher's reason never reaches the check
    assert Participation.objects.get(pk=invited.pk).status == Status.INVITED


def test_a_checks_refusal_that_is_not_a_limit_shows_no_reason_box(
    client_for, users, invited, monkeypatch
):
    def check(*, participation, programme_year, by, override_reason):
        raise ValidationError("Record the number on roll first.", code="no_roll")

    monkeypatch.setattr(services, "_acceptance_checks", [check])
    response = client_for(users[Role.MANAGER]).post(_url(invited), {})
    html = response.content.decode()
    assert "Record the number on roll first." in html
    assert LABEL not in html
    assert Participation.objects.get(pk=invited.pk).status == Status.INVITED


def test_the_places_limit_is_not_overridable(client_for, lea, school, limited):
    year = ProgrammeYearFactory(local_authority=lea, funded_places=1, reserve_places=0)
    ParticipationFactory(programme_year=year, status=Status.ACTIVE)
    waiting = ParticipationFactory(programme_year=year, school=school, status=Status.INVITED)
    manager = make_user(Role.MANAGER, lea=lea)
    response = client_for(manager).post(_url(waiting), {})
    html = response.content.decode()
    assert "open places" in html
    assert LABEL not in html
