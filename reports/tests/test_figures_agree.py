"""The dashboard and the LEA evaluation report count the PSCL days funded and delivered the same
way, so that a manager never reads two figures for one thing."""

import datetime
from decimal import Decimal

import pytest

from consultants.factories import AdviserFactory, AllocationFactory, VisitFactory
from consultants.models import VisitLength
from funding.factories import FundingRatesFactory
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from reports.selectors.dashboard import lea_dashboard_figures
from reports.selectors.evaluation import evaluation_figures, main_findings
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2004, 11, 26)


def _place(year, name, **kwargs):
    school = SchoolFactory(local_authority=year.local_authority, name=name, number_on_roll=200)
    return ParticipationFactory(programme_year=year, school=school, **kwargs)


def _allocate(participation, planned_days=Decimal("4.0")):
    return AllocationFactory(
        participation=participation,
        adviser=AdviserFactory(local_authority=participation.programme_year.local_authority),
        planned_days=planned_days,
    )


def test_the_dashboard_and_the_evaluation_report_agree_on_pscl_days(lea):
    year = ProgrammeYearFactory(local_authority=lea)
    FundingRatesFactory(programme_year=year)
    # A school with a grant (4 PSCL days) and one and a half days delivered.
    granted = _place(year, "Granted School")
    grant_compute(participation=granted)
    allocation = _allocate(granted)
    VisitFactory(
        allocation=allocation, visit_on=datetime.date(2004, 10, 5), length=VisitLength.FULL_DAY
    )
    VisitFactory(allocation=allocation, visit_on=datetime.date(2004, 11, 9))
    # No grant yet: its PSCL plans 5 days; a visit after today does not count yet.
    planned = _place(year, "Planned School")
    allocation = _allocate(planned, Decimal("5.0"))
    VisitFactory(allocation=allocation, visit_on=datetime.date(2004, 11, 1))
    VisitFactory(allocation=allocation, visit_on=datetime.date(2004, 12, 1))
    # No grant and no PSCL yet: the year's 4 days per school.
    _place(year, "Waiting School")
    # Withdrawn: neither its funding nor its visits count.
    withdrawn = _place(year, "Gone School", status=ParticipationStatus.WITHDRAWN)
    VisitFactory(
        allocation=_allocate(withdrawn),
        visit_on=datetime.date(2004, 10, 1),
        length=VisitLength.FULL_DAY,
    )

    dashboard = lea_dashboard_figures(local_authority=lea, today=TODAY)
    evaluation = evaluation_figures(programme_year=year, today=TODAY)

    assert dashboard.days_funded == evaluation.days.funded == Decimal("13.0")
    assert dashboard.days_delivered == evaluation.days.delivered == Decimal("2.0")
    finding = next(f for f in main_findings(evaluation) if "funded PSCL days" in f.summary)
    assert finding.summary.startswith("2 of 13 funded PSCL days delivered")
