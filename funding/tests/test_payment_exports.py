"""The payment list's exports against the rules every list export keeps (issue 7, item 4):
a CSV that Excel opens as UTF-8, a file named with today's date, the year's payments only
(another LEA's never), and a number of queries that does not grow with the payments."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.exports import column, csv_rows, xlsx_rows
from funding.factories import PaymentFactory
from leadership.factories import ParticipationFactory, ProgrammeYearFactory

pytestmark = pytest.mark.django_db

#: Session, user, the year, the filter's schools, the payments with their school and PSCL, the
#: totals; whatever the number of payments.
EXPORT_QUERY_BOUND = 8


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


def urls(year):
    return (
        reverse("funding:payment_list_csv", args=[year.pk]),
        reverse("funding:payment_list_xlsx", args=[year.pk]),
    )


def test_the_csv_has_a_bom_and_the_files_are_named_with_today(client_for, users, year, settings):
    settings.PLP_TODAY = datetime.date(2004, 11, 26)
    PaymentFactory(participation=ParticipationFactory(programme_year=year))
    client = client_for(users[Role.MANAGER])
    csv_url, xlsx_url = urls(year)
    response = client.get(csv_url)
    assert response["Content-Disposition"] == (
        'attachment; filename="payments-991-2004-05-2004-11-26.csv"'
    )
    assert csv_rows(response)[0][0] == "due_on"
    assert client.get(xlsx_url)["Content-Disposition"].endswith('-2004-11-26.xlsx"')


def test_another_leas_payments_never_appear(client_for, admin_user, year, other_lea):
    ours = PaymentFactory(participation=ParticipationFactory(programme_year=year))
    foreign_year = ProgrammeYearFactory(local_authority=other_lea)
    theirs = PaymentFactory(participation=ParticipationFactory(programme_year=foreign_year))
    rows = csv_rows(client_for(admin_user).get(urls(year)[0]))
    schools = column(rows, "school")[:-1]  # the last row is the TOTAL
    assert schools == [ours.participation.school.name]
    assert theirs.participation.school.name not in schools


@pytest.mark.parametrize("index", [0, 1])
def test_the_export_runs_the_same_queries_for_3_or_30_payments(
    client_for, users, year, index, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            PaymentFactory(
                participation=ParticipationFactory(programme_year=year), amount=Decimal("10.00")
            )

    client = client_for(users[Role.MANAGER])
    url = urls(year)[index]
    add(3)
    with django_assert_max_num_queries(EXPORT_QUERY_BOUND) as small:
        assert client.get(url, {"status": "SCHEDULED"}).status_code == 200
    add(27)
    with django_assert_max_num_queries(EXPORT_QUERY_BOUND) as large:
        response = client.get(url, {"status": "SCHEDULED"})
    assert len(small.captured_queries) == len(large.captured_queries)
    rows = csv_rows(response) if index == 0 else xlsx_rows(response)
    assert len(rows) == 32  # header, 30 payments, TOTAL
