"""The budget (issue 5, item 3): its figures and warnings, the manager's page and form, and the
acceptance guard: refused over the budget unless a strategy manager gives a reason, which is
recorded as a BudgetOverride."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from conftest import make_user
from funding.factories import BudgetFactory, PaymentFactory
from funding.models import Budget, BudgetOverride, PaymentStatus
from funding.selectors.payments import budget_page
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import Participation, ParticipationStatus
from leadership.services.programme import participation_move
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

Status = ParticipationStatus
TODAY = datetime.date(2004, 6, 21)


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


def _participation(year, status=Status.ACTIVE, pupils=121):
    school = SchoolFactory(local_authority=year.local_authority, number_on_roll=pupils)
    participation = ParticipationFactory(programme_year=year, school=school, status=status)
    if status in (Status.ACCEPTED, Status.ACTIVE, Status.COMPLETED):
        grant_compute(participation=participation)
    return participation


# Figures and warnings -----------------------------------------------------------------------


def test_budget_figures_and_no_warning_with_room_to_spare(year):
    held = [_participation(year) for _ in range(2)]
    _participation(year, status=Status.DECLINED)
    grant = held[0].grant.total
    BudgetFactory(programme_year=year, allocation_received=grant * 5)
    PaymentFactory(participation=held[0], amount=Decimal("500.00"), status=PaymentStatus.PAID)
    PaymentFactory(participation=held[0], amount=Decimal("250.25"))
    PaymentFactory(participation=held[1], amount=Decimal("99.00"), status=PaymentStatus.CANCELLED)

    page = budget_page(year)

    assert page.figures.committed == grant * 2
    assert page.figures.paid == Decimal("500.00")
    assert page.figures.scheduled == Decimal("250.25")
    assert page.figures.remaining == grant * 3
    assert page.average_grant == grant
    assert page.warning == ""


def test_warning_when_less_than_one_more_average_grant_remains(year):
    held = _participation(year)
    BudgetFactory(programme_year=year, allocation_received=held.grant.total * 2 - 1)
    assert "less than one more average grant" in budget_page(year).warning


def test_warning_when_over_budget(year):
    held = _participation(year)
    BudgetFactory(programme_year=year, allocation_received=held.grant.total - 1)
    page = budget_page(year)
    assert page.figures.is_over
    assert "more than the budget" in page.warning


def test_no_budget_no_warning(year):
    _participation(year)
    page = budget_page(year)
    assert page.figures.remaining is None
    assert page.warning == ""


# The acceptance guard -----------------------------------------------------------------------


@pytest.fixture
def tight(year):
    """One school holds a place; the budget leaves GBP 1 less than a second grant."""
    held = _participation(year)
    BudgetFactory(programme_year=year, allocation_received=held.grant.total * 2 - 1)
    return _participation(year, status=Status.INVITED)


def test_acceptance_over_budget_is_refused_without_a_reason(tight, users):
    with pytest.raises(ValidationError) as error:
        participation_move(
            participation=tight, to_status=Status.ACCEPTED, by=users[Role.MANAGER], today=TODAY
        )
    assert error.value.code == "over_budget"
    assert "GBP 1 over the budget" in error.value.messages[0]
    assert "Give a reason" in error.value.messages[0]
    assert Participation.objects.get(pk=tight.pk).status == Status.INVITED
    assert not BudgetOverride.objects.exists()


def test_acceptance_over_budget_goes_ahead_with_the_managers_reason(tight, users, year):
    manager = users[Role.MANAGER]
    participation_move(
        participation=tight,
        to_status=Status.ACCEPTED,
        by=manager,
        today=TODAY,
        override_reason="  The DfES confirmed a top-up in May.  ",
    )
    assert Participation.objects.get(pk=tight.pk).status == Status.ACCEPTED
    override = BudgetOverride.objects.get()
    assert override.participation == tight
    assert override.by == manager
    assert override.reason == "The DfES confirmed a top-up in May."
    assert override.amount_over == Decimal("1.00")
    assert budget_page(year).overrides == [override]


def test_a_headteacher_cannot_override_the_budget(tight, users):
    head = make_user(Role.HEADTEACHER, school=tight.school)
    with pytest.raises(ValidationError) as error:
        participation_move(
            participation=tight,
            to_status=Status.ACCEPTED,
            by=head,
            today=TODAY,
            override_reason="We need it",
        )
    assert error.value.code == "over_budget"
    assert "strategy manager must confirm" in error.value.messages[0]
    assert not BudgetOverride.objects.exists()


def test_acceptance_within_budget_commits_the_grant(year, users):
    BudgetFactory(programme_year=year, allocation_received=Decimal("100000.00"))
    invited = _participation(year, status=Status.INVITED)
    participation_move(
        participation=invited, to_status=Status.ACCEPTED, by=users[Role.MANAGER], today=TODAY
    )
    assert (
        budget_page(year).figures.committed == Participation.objects.get(pk=invited.pk).grant.total
    )
    assert not BudgetOverride.objects.exists()


# Pages --------------------------------------------------------------------------------------


def test_budget_page_shows_the_figures_warning_and_overrides(client_for, users, tight, year):
    participation_move(
        participation=tight,
        to_status=Status.ACCEPTED,
        by=users[Role.MANAGER],
        today=TODAY,
        override_reason="Top-up promised.",
    )
    response = client_for(users[Role.MANAGER]).get(reverse("funding:budget", args=[year.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Over budget" in html
    assert "Top-up promised." in html
    assert "1.00" in html


@pytest.mark.parametrize(
    "role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]
)
def test_budget_pages_are_for_managers_only(client_for, users, year, role):
    client = client_for(users[role])
    assert client.get(reverse("funding:budget", args=[year.pk])).status_code == 403
    assert client.get(reverse("funding:budget_edit", args=[year.pk])).status_code == 403


def test_budget_of_another_lea_is_not_found(client_for, foreign_users, year):
    client = client_for(foreign_users[Role.MANAGER])
    assert client.get(reverse("funding:budget", args=[year.pk])).status_code == 404
    assert client.post(reverse("funding:budget_edit", args=[year.pk]), {}).status_code == 404


def test_admin_sees_any_budget(client_for, admin_user, year):
    assert client_for(admin_user).get(reverse("funding:budget", args=[year.pk])).status_code == 200


def test_anonymous_is_sent_to_sign_in(client, year):
    response = client.get(reverse("funding:budget", args=[year.pk]))
    assert response.status_code == 302


def test_budget_edit_saves(client_for, users, year):
    response = client_for(users[Role.MANAGER]).post(
        reverse("funding:budget_edit", args=[year.pk]),
        {
            "allocation_received": "81234.56",
            "received_on_0": "1",
            "received_on_1": "4",
            "received_on_2": "2004",
            "notes": "Standards Fund",
        },
    )
    assert response.status_code == 302
    budget = Budget.objects.get(programme_year=year)
    assert budget.allocation_received == Decimal("81234.56")
    assert budget.received_on == datetime.date(2004, 4, 1)
    assert budget.notes == "Standards Fund"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "The allocation cannot be negative"),
        ("lots", "Enter the allocation as an amount in pounds"),
        ("10.123", "to the penny"),
        ("", "Enter the allocation received"),
    ],
)
def test_budget_edit_bad_input_shows_the_error_and_saves_nothing(
    client_for, users, year, value, message
):
    response = client_for(users[Role.MANAGER]).post(
        reverse("funding:budget_edit", args=[year.pk]), {"allocation_received": value}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "govuk-error-summary" in html
    assert not Budget.objects.exists()
