"""Issued governor reports on the school's timeline, for those who may read them."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from conftest import make_user
from leadership.factories import ParticipationFactory
from leadership.timeline import latest_event_at, school_timeline
from reports.factories import ReportRunFactory
from reports.models import ReportKind, RunStatus

pytestmark = pytest.mark.django_db

ISSUED = datetime.datetime(2004, 12, 10, 6, 5, tzinfo=datetime.UTC)


def _issued(school, **kwargs):
    participation = ParticipationFactory._meta.model.objects.filter(school=school).first()
    if participation is None:
        participation = ParticipationFactory(
            school=school, programme_year__local_authority=school.local_authority
        )
    return ReportRunFactory(
        programme_year=participation.programme_year,
        school=school,
        status=RunStatus.DONE,
        title=f"Autumn term 2004 progress report: {school.name}",
        html="<h2>What the programme is for</h2>",
        pdf="reports/1/1/report.pdf",
        data_read_at=ISSUED,
        finished_at=ISSUED,
        **kwargs,
    )


def test_the_governor_sees_their_schools_issued_report_on_the_timeline(school, lea):
    run = _issued(school)
    ReportRunFactory(programme_year=run.programme_year, school=school)  # queued: not an event
    governor = make_user(Role.GOVERNOR, school=school)

    events = school_timeline(school, governor, kind="governor_report")

    assert [(e.title, e.url, e.actor) for e in events] == [
        (run.title, reverse("reports:run_detail", args=[run.pk]), "Termly schedule")
    ]
    assert events[0].detail == "Version 1, with the data as at 10 December 2004."
    assert latest_event_at([school], governor)[school.pk] >= ISSUED


def test_another_schools_governor_and_the_evaluation_reports_stay_off_the_timeline(
    school, sibling_school
):
    _issued(school)
    _issued(school, kind=ReportKind.LEA_EVALUATION)
    other_governor = make_user(Role.GOVERNOR, school=sibling_school)
    manager = make_user(Role.MANAGER, lea=school.local_authority)

    assert school_timeline(school, other_governor, kind="governor_report") == []
    assert len(school_timeline(school, manager, kind="governor_report")) == 1
