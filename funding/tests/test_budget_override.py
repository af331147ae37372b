"""The acceptance override on the participation page (issue 5, item 3): a strategy manager
accepting beyond the budget is shown the limit and a "Reason to go beyond a limit" box, and
accepts with a recorded reason; the headteacher accepting their own place just sees the
message. Then two acceptances at the same moment on PostgreSQL, only one of which fits the
budget: exactly one succeeds."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from conftest import make_user
from funding.factories import BudgetFactory
from funding.models import BudgetOverride
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import Participation, ParticipationStatus, ParticipationTransition
from leadership.services.programme import participation_move
from schools.factories import SchoolFactory

Status = ParticipationStatus
TODAY = datetime.date(2004, 6, 21)
OVERRIDE_LABEL = "Reason to go beyond a limit"


def _participation(year, status):
    school = SchoolFactory(local_authority=year.local_authority, number_on_roll=121)
    participation = ParticipationFactory(programme_year=year, school=school, status=status)
    if status == Status.ACTIVE:
        grant_compute(participation=participation)
    return participation


@pytest.fixture
def tight(lea):
    """One school holds a place; the budget has GBP 1 less than a second grant left."""
    year = ProgrammeYearFactory(local_authority=lea)
    held = _participation(year, Status.ACTIVE)
    BudgetFactory(programme_year=year, allocation_received=held.grant.total * 2 - 1)
    return _participation(year, Status.INVITED)


def _accept_url(participation):
    return reverse("leadership:participation_move", args=[participation.pk, Status.ACCEPTED.value])


@pytest.mark.django_db
def test_manager_is_shown_the_limit_and_the_reason_box(client_for, users, tight):
    response = client_for(users[Role.MANAGER]).post(_accept_url(tight), {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "over the budget" in html
    assert "govuk-error-summary" in html
    assert OVERRIDE_LABEL in html
    assert 'name="accepted-override_reason"' in html
    assert Participation.objects.get(pk=tight.pk).status == Status.INVITED
    assert not BudgetOverride.objects.exists()


@pytest.mark.django_db
def test_manager_accepts_with_a_reason_and_it_is_recorded(client_for, users, tight):
    response = client_for(users[Role.MANAGER]).post(
        _accept_url(tight), {"accepted-override_reason": "Top-up confirmed by the DfES."}
    )
    assert response.status_code == 302
    assert Participation.objects.get(pk=tight.pk).status == Status.ACCEPTED
    override = BudgetOverride.objects.get()
    assert (override.participation_id, override.by, override.reason) == (
        tight.pk,
        users[Role.MANAGER],
        "Top-up confirmed by the DfES.",
    )


@pytest.mark.django_db
def test_headteacher_accepting_over_budget_just_sees_the_message(client_for, tight):
    head = make_user(Role.HEADTEACHER, school=tight.school)
    response = client_for(head).post(
        _accept_url(tight), {"accepted-override_reason": "We would like to join."}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "strategy manager must confirm" in html
    assert OVERRIDE_LABEL not in html
    assert Participation.objects.get(pk=tight.pk).status == Status.INVITED
    assert not BudgetOverride.objects.exists()


@pytest.mark.django_db
def test_the_reason_box_is_not_shown_before_a_limit_is_met(client_for, users, tight):
    response = client_for(users[Role.MANAGER]).get(
        reverse("leadership:participation_detail", args=[tight.pk])
    )
    assert response.status_code == 200
    assert OVERRIDE_LABEL not in response.content.decode()


# Two managers at the same moment -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_once_only_one_fits_the_budget(lea):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks; CI runs this on PostgreSQL.")
    year = ProgrammeYearFactory(local_authority=lea, funded_places=34, reserve_places=0)
    held = _participation(year, Status.ACTIVE)
    # Room for exactly one more grant of the same size.
    BudgetFactory(programme_year=year, allocation_received=held.grant.total * 2)
    rivals = [_participation(year, Status.INVITED) for _ in range(2)]
    managers = [make_user(Role.MANAGER, lea=lea) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = {}

    def accept(participation, manager):
        def run():
            # Each thread has its own database connection (Django's are per thread).
            try:
                barrier.wait(timeout=10)
                participation_move(
                    participation=participation,
                    to_status=Status.ACCEPTED,
                    by=manager,
                    today=TODAY,
                )
                outcomes[participation.pk] = "accepted"
            except ValidationError as error:
                outcomes[participation.pk] = error.code
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=accept(p, m)) for p, m in zip(rivals, managers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(outcomes.values()) == ["accepted", "over_budget"]
    assert year.participations.holding_places().count() == 2
    assert ParticipationTransition.objects.filter(to_status=Status.ACCEPTED).count() == 1
    assert not BudgetOverride.objects.exists()
