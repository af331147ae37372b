"""The funding statement as a report (issue 6, item 4): the same rows and totals as the funding
statement page, to the penny, read in one query."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Role
from funding.factories import FundingRatesFactory
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from reports.factories import ReportRunFactory
from reports.models import ReportKind, RunStatus
from reports.selectors.statement import build_statement_report
from reports.services.runs import run_generate, run_request
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2005, 3, 15)


@pytest.fixture
def year(lea):
    """Two schools hold places at a supply rate with pennies; a third declined."""
    year = ProgrammeYearFactory(local_authority=lea, name="2004-05")
    FundingRatesFactory(programme_year=year, daily_supply_rate=Decimal("151.37"))
    for urn, name, pupils, status in (
        (100002, "Brook Infant School", 90, ParticipationStatus.ACCEPTED),
        (100001, "Ashby Primary School", 121, ParticipationStatus.ACTIVE),
        (100003, "Crane Junior School", 300, ParticipationStatus.DECLINED),
    ):
        school = SchoolFactory(local_authority=lea, urn=urn, name=name, number_on_roll=pupils)
        participation = ParticipationFactory(programme_year=year, school=school, status=status)
        if status != ParticipationStatus.DECLINED:
            grant_compute(participation=participation)
    return year


def _run(year):
    return ReportRunFactory(
        kind=ReportKind.FUNDING_STATEMENT, programme_year=year, school=None, term=""
    )


def test_the_report_holds_the_statement_of_the_year(year, django_assert_num_queries):
    run = _run(year)
    with django_assert_num_queries(1):
        content = build_statement_report(run, today=TODAY)
    statement = content.context["statement"]
    assert [row["school"] for row in statement.rows] == [
        "Ashby Primary School",
        "Brook Infant School",
    ]
    assert statement.totals["supply_amount"] == Decimal("3784.25")
    assert statement.totals["total"] == Decimal("6424.25")
    assert content.title == "Funding statement 2004-05: Northmoor"
    assert content.filename == "funding-statement-northmoor-2004-05-v1.pdf"


def test_the_reports_totals_are_the_pages(client_for, users, year):
    page = client_for(users[Role.MANAGER]).get(reverse("funding:statement", args=[year.pk]))
    content = build_statement_report(_run(year), today=TODAY)
    assert content.context["statement"].totals == page.context["statement"].totals
    assert content.context["statement"].rows == page.context["statement"].rows
    html = render_to_string(content.template_name, content.context)
    assert 'id="statement-total">6,424.25</td>' in html
    assert "Crane Junior School" not in html
    assert "Ashby Primary School" in html


def test_a_year_without_grants_says_so(lea):
    year = ProgrammeYearFactory(
        local_authority=lea,
        name="2005-06",
        starts_on=datetime.date(2005, 9, 1),
        ends_on=datetime.date(2006, 7, 31),
    )
    content = build_statement_report(_run(year), today=TODAY)
    html = render_to_string(content.template_name, content.context)
    assert "No school holding a place has a grant yet." in html
    assert content.context["statement"].totals["total"] == Decimal("0.00")


def test_the_engine_issues_the_statement(year, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        run = run_request(
            kind=ReportKind.FUNDING_STATEMENT,
            programme_year=year,
            by=users[Role.MANAGER],
            idempotency_key="test:statement-engine",
        )
    run = run_generate(run.pk)
    assert run.status == RunStatus.DONE, run.error
    assert 'id="statement-total">6,424.25</td>' in run.html
