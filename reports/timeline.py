"""Issued governor progress reports on the school's timeline (`leadership.timeline`).

Each done governor report of the school that the user may read (`ReportRun.visible_to`) is an
event on the day it was issued, linking to the report. One query per school; `report_latest`
answers for many schools in one query. `register()` adds the source; ReportsConfig.ready()
calls it.
"""

from django.urls import reverse
from django.utils.timezone import localtime

from leadership.timeline import TimelineEvent, latest_by_school, register_timeline_source

from .models import ReportKind, ReportRun, RunStatus

KINDS = {"governor_report": "Governor progress report"}


def _issued(user):
    return ReportRun.objects.visible_to(user).filter(
        kind=ReportKind.GOVERNOR, status=RunStatus.DONE
    )


def report_events(school, user):
    """The school's issued governor reports that `user` may read, newest first, in one query."""
    runs = _issued(user).filter(school=school).select_related("requested_by")
    for run in runs.order_by("-finished_at", "-pk"):
        read_on = localtime(run.data_read_at)
        yield TimelineEvent(
            at=run.finished_at,
            kind="governor_report",
            title=run.title,
            detail=f"Version {run.version}, with the data as at {read_on:%d %B %Y}.",
            actor=run.requested_by.full_name if run.requested_by else "Termly schedule",
            url=reverse("reports:run_detail", args=[run.pk]),
        )


def report_latest(school_ids, user):
    """When each school's latest governor report that `user` may read was issued. One query."""
    return latest_by_school(
        _issued(user), school_path="school", at_field="finished_at", school_ids=school_ids
    )


def register() -> None:
    """Add the issued governor reports to every school's timeline (twice has no effect)."""
    register_timeline_source(report_events, kinds=KINDS, latest=report_latest)
