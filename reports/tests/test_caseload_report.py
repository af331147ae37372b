"""The PSCL caseload report (issue 6, item 4): each PSCL's schools with days planned, delivered
and left, visits submitted and the last of them, training days attended and the schools'
ratings, checked against hand-built data; one PSCL or every PSCL of the year; a fixed number
of queries."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from accounts.models import Role
from consultants.factories import (
    AdviserFactory,
    AllocationFactory,
    ConsultantTrainingFactory,
    SupportEvaluationFactory,
    VisitFactory,
)
from consultants.models import AllocationStatus, Term, TrainingDay, VisitLength, VisitStatus
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from reports.factories import ReportRunFactory
from reports.models import ReportKind, RunStatus
from reports.selectors.caseload import build_caseload_report, caseload_figures
from reports.services.runs import run_generate, run_request
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2004, 11, 26)


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea, name="2004-05")


def _place(year, name):
    school = SchoolFactory(local_authority=year.local_authority, name=name)
    return ParticipationFactory(programme_year=year, school=school)


@pytest.fixture
def pscls(year, lea):
    """Anne supports Ashby (4 days) and Brook (5 days); Bill supports Crane and had Dale until
    the match ended; Bill's match with Elm was declined; Cara has no school this year."""
    anne = AdviserFactory(local_authority=lea, full_name="Anne First", home_school=None)
    bill = AdviserFactory(local_authority=lea, full_name="Bill Second", home_school=None)
    cara = AdviserFactory(local_authority=lea, full_name="Cara Third", home_school=None)
    ashby = AllocationFactory(adviser=anne, participation=_place(year, "Ashby Primary School"))
    brook = AllocationFactory(
        adviser=anne,
        participation=_place(year, "Brook Primary School"),
        planned_days=Decimal("5.0"),
    )
    crane = AllocationFactory(adviser=bill, participation=_place(year, "Crane Primary School"))
    dale = AllocationFactory(
        adviser=bill,
        participation=_place(year, "Dale Primary School"),
        status=AllocationStatus.ENDED,
    )
    AllocationFactory(
        adviser=bill,
        participation=_place(year, "Elm Primary School"),
        status=AllocationStatus.DECLINED,
    )
    VisitFactory(allocation=ashby, length=VisitLength.FULL_DAY, visit_on=datetime.date(2004, 9, 20))
    VisitFactory(allocation=ashby, visit_on=datetime.date(2004, 11, 2))
    VisitFactory(allocation=ashby, status=VisitStatus.DRAFT, visit_on=datetime.date(2004, 11, 20))
    VisitFactory(allocation=ashby, planned=True, visit_on=datetime.date(2004, 12, 1))
    VisitFactory(allocation=dale, visit_on=datetime.date(2004, 10, 1))
    SupportEvaluationFactory(allocation=ashby, term=Term.AUTUMN, rating=5)
    SupportEvaluationFactory(allocation=brook, term=Term.AUTUMN, rating=2)
    ConsultantTrainingFactory(adviser=anne, programme_year=year, day=TrainingDay.INITIAL_1)
    ConsultantTrainingFactory(adviser=anne, programme_year=year, day=TrainingDay.INITIAL_2)
    other_year = ProgrammeYearFactory(
        local_authority=lea,
        name="2003-04",
        starts_on=datetime.date(2003, 9, 1),
        ends_on=datetime.date(2004, 7, 31),
    )
    ConsultantTrainingFactory(adviser=anne, programme_year=other_year, day=TrainingDay.FOURTH)
    return {"anne": anne, "bill": bill, "cara": cara, "crane": crane}


def test_every_pscl_with_a_school_this_year(year, pscls):
    figures = caseload_figures(programme_year=year, today=TODAY)
    assert [c.adviser.full_name for c in figures.pscls] == ["Anne First", "Bill Second"]
    assert figures.planned == Decimal("13.0")
    assert figures.delivered == Decimal("2.0")
    assert figures.visits == 3


def test_a_pscls_schools_days_visits_and_ratings(year, pscls):
    anne = caseload_figures(programme_year=year, today=TODAY).pscls[0]
    ashby, brook = anne.schools
    assert ashby.school == "Ashby Primary School"
    assert (ashby.planned, ashby.delivered, ashby.left) == (
        Decimal("4.0"),
        Decimal("1.50"),
        Decimal("2.50"),
    )
    assert ashby.visits == 2
    assert ashby.last_visit_on == datetime.date(2004, 11, 2)
    assert ashby.ratings == (("Autumn term", 5),)
    assert (brook.planned, brook.delivered, brook.visits, brook.last_visit_on) == (
        Decimal("5.0"),
        Decimal("0"),
        0,
        None,
    )
    assert anne.planned == Decimal("9.0")
    assert anne.left == Decimal("7.50")
    assert anne.training_days == ("Initial training, day 1", "Initial training, day 2")
    assert anne.mean_rating == Decimal("3.50")
    assert anne.rating_count == 2


def test_an_ended_match_counts_its_days_delivered_but_not_its_plan(year, pscls):
    bill = caseload_figures(programme_year=year, today=TODAY).pscls[1]
    assert [(s.school, s.is_current) for s in bill.schools] == [
        ("Crane Primary School", True),
        ("Dale Primary School", False),
    ]
    assert bill.planned == Decimal("4.0")
    assert bill.delivered == Decimal("0.50")
    assert bill.visits == 1
    assert bill.training_days == ()
    assert bill.mean_rating is None


def test_one_pscls_caseload(year, pscls):
    figures = caseload_figures(programme_year=year, today=TODAY, adviser=pscls["bill"])
    assert [c.adviser for c in figures.pscls] == [pscls["bill"]]
    empty = caseload_figures(programme_year=year, today=TODAY, adviser=pscls["cara"])
    assert [(c.adviser, c.schools) for c in empty.pscls] == [(pscls["cara"], ())]


@pytest.mark.parametrize("extra", [0, 6])
def test_the_figures_take_a_fixed_number_of_queries(
    year, pscls, lea, extra, django_assert_max_num_queries
):
    for index in range(extra):
        allocation = AllocationFactory(
            adviser=AdviserFactory(local_authority=lea, home_school=None),
            participation=_place(year, f"School {index}"),
        )
        VisitFactory(allocation=allocation)
        SupportEvaluationFactory(allocation=allocation)
        ConsultantTrainingFactory(adviser=allocation.adviser, programme_year=year)
    with django_assert_max_num_queries(3):
        figures = caseload_figures(programme_year=year, today=TODAY)
        assert len(figures.pscls) == 2 + extra


def _run(year, adviser=None):
    return ReportRunFactory(
        kind=ReportKind.PSCL_CASELOAD, programme_year=year, school=None, term="", adviser=adviser
    )


def test_the_report_for_every_pscl(year, pscls):
    content = build_caseload_report(_run(year), today=TODAY)
    assert content.title == "PSCL caseloads 2004-05: Northmoor"
    assert content.filename == "caseload-northmoor-2004-05-v1.pdf"
    html = render_to_string(content.template_name, content.context)
    assert "Anne First" in html and "Bill Second" in html
    assert "Elm Primary School" not in html
    assert "1.50 delivered of 9.00 planned; 7.50 left" in html


def test_the_report_for_one_pscl(year, pscls):
    content = build_caseload_report(_run(year, pscls["anne"]), today=TODAY)
    assert content.title == "PSCL caseload 2004-05: Anne First"
    assert content.filename == "caseload-anne-first-2004-05-v1.pdf"
    html = render_to_string(content.template_name, content.context)
    assert "Bill Second" not in html
    assert "Ashby Primary School" in html


def test_the_engine_issues_one_pscls_caseload(
    year, pscls, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        run = run_request(
            kind=ReportKind.PSCL_CASELOAD,
            programme_year=year,
            adviser=pscls["anne"],
            by=users[Role.MANAGER],
            idempotency_key="test:caseload-engine",
        )
    run = run_generate(run.pk)
    assert run.status == RunStatus.DONE, run.error
    assert run.title == "PSCL caseload 2004-05: Anne First"
    assert "Ashby Primary School" in run.html
