"""The payment pages (issue 5, items 3 and 4): the list with filters and totals (bounded
queries), scheduling instalments, marking paid, cancelling and preparing PSCL payments; for
strategy managers and admins only (others 403, another LEA 404)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from consultants.factories import AdviserFactory, AllocationFactory, VisitFactory
from funding.factories import PaymentFactory
from funding.models import Payment, PaymentKind, PaymentStatus
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

OTHERS = [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def participation(year, school):
    participation = ParticipationFactory(programme_year=year, school=school)
    grant_compute(participation=participation)
    return participation


def _payments(year, count):
    for index in range(count):
        school = SchoolFactory(local_authority=year.local_authority)
        participation = ParticipationFactory(programme_year=year, school=school)
        PaymentFactory(participation=participation, amount=Decimal("100.10") + index)
        PaymentFactory(pscl=True, participation=participation)


def test_list_shows_payments_and_totals(client_for, users, year, participation):
    PaymentFactory(participation=participation, amount=Decimal("1185.00"))
    PaymentFactory(
        participation=participation, amount=Decimal("1185.01"), status=PaymentStatus.PAID
    )
    PaymentFactory(
        participation=participation, amount=Decimal("7.00"), status=PaymentStatus.CANCELLED
    )
    response = client_for(users[Role.MANAGER]).get(reverse("funding:payment_list", args=[year.pk]))
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.scheduled, totals.paid, totals.cancelled, totals.live) == (
        Decimal("1185.00"),
        Decimal("1185.01"),
        Decimal("7.00"),
        Decimal("2370.01"),
    )
    assert "2,370.01" in response.content.decode()


def test_list_filters_by_kind_status_and_school(
    client_for, users, year, participation, sibling_school
):
    other = ParticipationFactory(programme_year=year, school=sibling_school)
    PaymentFactory(participation=participation)
    PaymentFactory(participation=participation, status=PaymentStatus.PAID)
    PaymentFactory(pscl=True, participation=other)
    client = client_for(users[Role.MANAGER])
    url = reverse("funding:payment_list", args=[year.pk])

    def listed(query):
        return list(client.get(url, query).context["payments"])

    assert {p.kind for p in listed({"kind": PaymentKind.PSCL_DAYS})} == {PaymentKind.PSCL_DAYS}
    assert len(listed({"status": PaymentStatus.PAID})) == 1
    assert {p.participation_id for p in listed({"school": sibling_school.pk})} == {other.pk}
    assert len(listed({})) == 3


@pytest.mark.parametrize("count", [2, 8])
def test_list_queries_are_bounded(client_for, users, year, count, django_assert_max_num_queries):
    _payments(year, count)
    client = client_for(users[Role.MANAGER])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("funding:payment_list", args=[year.pk]))
    assert len(response.context["payments"]) == count * 2


@pytest.mark.parametrize("role", OTHERS)
def test_others_are_refused(client_for, users, year, participation, role):
    payment = PaymentFactory(participation=participation)
    client = client_for(users[role])
    assert client.get(reverse("funding:payment_list", args=[year.pk])).status_code == 403
    assert client.get(reverse("funding:pscl_payments", args=[year.pk])).status_code == 403
    for name in ("payment_paid", "payment_cancel"):
        status = client.post(reverse(f"funding:{name}", args=[payment.pk]), {}).status_code
        # Those who cannot see the payment are not told it exists.
        assert status in (403, 404)
        assert status == (403 if role in (Role.HEADTEACHER, Role.GOVERNOR) else 404)
    schedule = client.get(reverse("funding:payments_schedule", args=[participation.pk]))
    # A PSCL not matched to the school does not see its participation at all.
    assert schedule.status_code == (404 if role == Role.CONSULTANT else 403)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SCHEDULED


def test_another_leas_manager_gets_404(client_for, foreign_users, year, participation):
    payment = PaymentFactory(participation=participation)
    client = client_for(foreign_users[Role.MANAGER])
    assert client.get(reverse("funding:payment_list", args=[year.pk])).status_code == 404
    assert client.post(reverse("funding:payment_paid", args=[payment.pk]), {}).status_code == 404
    assert (
        client.get(reverse("funding:payments_schedule", args=[participation.pk])).status_code == 404
    )


def test_schedule_page_schedules_instalments(client_for, users, participation):
    client = client_for(users[Role.MANAGER])
    url = reverse("funding:payments_schedule", args=[participation.pk])
    school_amount = participation.grant.school_amount
    assert f"GBP {school_amount:,.2f}" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "count": "3",
            "first_due_on_0": "1",
            "first_due_on_1": "10",
            "first_due_on_2": "2004",
            "months_apart": "4",
        },
    )
    assert response.status_code == 302
    amounts = list(Payment.objects.order_by("instalment").values_list("amount", flat=True))
    assert len(amounts) == 3
    assert sum(amounts) == school_amount


def test_schedule_page_bad_input_saves_nothing(client_for, users, participation):
    response = client_for(users[Role.MANAGER]).post(
        reverse("funding:payments_schedule", args=[participation.pk]),
        {"count": "0", "first_due_on_0": "31", "first_due_on_1": "2", "first_due_on_2": "2005"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Schedule at least one instalment" in html
    assert "Enter a real date" in html
    assert "Enter the months between instalments" in html
    assert not Payment.objects.exists()


def test_schedule_twice_shows_the_service_error(client_for, users, participation):
    PaymentFactory(participation=participation)
    response = client_for(users[Role.MANAGER]).post(
        reverse("funding:payments_schedule", args=[participation.pk]),
        {
            "count": "2",
            "first_due_on_0": "1",
            "first_due_on_1": "10",
            "first_due_on_2": "2004",
            "months_apart": "6",
        },
    )
    assert response.status_code == 200
    assert "already has instalments" in response.content.decode()
    assert Payment.objects.count() == 1


def test_mark_paid_page(client_for, users, participation):
    payment = PaymentFactory(participation=participation)
    client = client_for(users[Role.MANAGER])
    url = reverse("funding:payment_paid", args=[payment.pk])
    bad = client.post(url, {"reference": "X"})
    assert "Enter the date it was paid" in bad.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SCHEDULED
    response = client.post(
        url, {"paid_on_0": "4", "paid_on_1": "10", "paid_on_2": "2004", "reference": "BACS 77"}
    )
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on, payment.reference) == (
        PaymentStatus.PAID,
        datetime.date(2004, 10, 4),
        "BACS 77",
    )


def test_cancel_page(client_for, admin_user, participation):
    payment = PaymentFactory(participation=participation)
    client = client_for(admin_user)
    url = reverse("funding:payment_cancel", args=[payment.pk])
    assert "Say why the payment is cancelled" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Duplicate."}).status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED


def test_pscl_payments_page_shows_then_creates(client_for, users, year):
    adviser = AdviserFactory(local_authority=year.local_authority)
    allocation = AllocationFactory(
        adviser=adviser, participation=ParticipationFactory(programme_year=year)
    )
    VisitFactory(allocation=allocation, visit_on=datetime.date(2004, 10, 12))
    client = client_for(users[Role.MANAGER])
    url = reverse("funding:pscl_payments", args=[year.pk])
    date = {"up_to_0": "31", "up_to_1": "12", "up_to_2": "2004"}

    preview = client.get(url, date)
    assert preview.status_code == 200
    assert len(preview.context["lines"]) == 1
    assert "150.00" in preview.content.decode()
    assert not Payment.objects.exists()

    assert client.post(url, date).status_code == 302
    assert client.post(url, date).status_code == 302  # a second click adds nothing
    payment = Payment.objects.get()
    assert (payment.kind, payment.days, payment.amount) == (
        PaymentKind.PSCL_DAYS,
        Decimal("0.50"),
        Decimal("150.00"),
    )


def test_pscl_payments_page_bad_date(client_for, users, year):
    response = client_for(users[Role.MANAGER]).post(
        reverse("funding:pscl_payments", args=[year.pk]), {"up_to_0": "40"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.parametrize("count", [2, 6])
def test_pscl_preview_queries_are_bounded(
    client_for, users, year, count, django_assert_max_num_queries
):
    for _ in range(count):
        allocation = AllocationFactory(
            adviser=AdviserFactory(local_authority=year.local_authority),
            participation=ParticipationFactory(programme_year=year),
        )
        VisitFactory(allocation=allocation)
    client = client_for(users[Role.MANAGER])
    with django_assert_max_num_queries(10):
        response = client.get(
            reverse("funding:pscl_payments", args=[year.pk]),
            {"up_to_0": "31", "up_to_1": "12", "up_to_2": "2004"},
        )
    assert len(response.context["lines"]) == count


def test_list_offers_the_grants_not_yet_scheduled(client_for, users, year, participation):
    scheduled = ParticipationFactory(programme_year=year)
    grant_compute(participation=scheduled)
    PaymentFactory(participation=scheduled)
    cancelled_only = ParticipationFactory(programme_year=year)
    grant_compute(participation=cancelled_only)
    PaymentFactory(participation=cancelled_only, status=PaymentStatus.CANCELLED)
    response = client_for(users[Role.MANAGER]).get(reverse("funding:payment_list", args=[year.pk]))
    offered = {grant.participation_id for grant in response.context["unscheduled"]}
    assert offered == {participation.pk, cancelled_only.pk}
    assert (
        reverse("funding:payments_schedule", args=[participation.pk]) in response.content.decode()
    )
