"""The PSCL's visits on the school's timeline (`leadership.timeline`).

Submitted visits ("pscl_visit") appear for those who may read the notes
(`Visit.objects.visible_to`); planned visits ("pscl_visit_planned") for those who see the
schedule (`Visit.objects.schedule_visible_to`, the headteacher too). Drafts and cancelled visits
never. One query per school; `visit_latest` answers for many schools in one query.
`register()` adds the source; ConsultantsConfig.ready() calls it.
"""

from django.db.models import Q
from django.urls import reverse

from accounts import clock
from leadership.timeline import TimelineEvent, latest_by_school, register_timeline_source

from .models import ConsultancyStage, Visit, VisitLength, VisitStatus

KINDS = {"pscl_visit": "PSCL visit", "pscl_visit_planned": "Planned PSCL visit"}


def _stage_words(stage: int | None) -> str:
    if stage not in ConsultancyStage.values:
        return ""
    # "4 Choosing goals" reads "choosing goals" in a title.
    return ConsultancyStage(stage).label.split(" ", 1)[1].lower()


def _length_words(visit: Visit) -> str:
    if visit.length == VisitLength.HOURS and visit.hours is not None:
        hours = visit.hours.normalize()
        return f"{hours:f} hour" if hours == 1 else f"{hours:f} hours"
    return VisitLength(visit.length).label.lower() if visit.length else ""


def visit_title(visit: Visit) -> str:
    """Like "PSCL visit: half day, choosing goals"."""
    words = ", ".join(part for part in (_length_words(visit), _stage_words(visit.stage)) if part)
    return f"PSCL visit: {words}" if words else "PSCL visit"


def _shown_visits(user):
    """The visits of the timeline `user` may see: submitted notes they read, the schedule."""
    readable = Visit.objects.visible_to(user).filter(status=VisitStatus.SUBMITTED)
    schedule = Visit.objects.schedule_visible_to(user)
    return Visit.objects.filter(Q(pk__in=readable.values("pk")) | Q(pk__in=schedule.values("pk")))


def visit_events(school, user):
    """The school's submitted and planned PSCL visits that `user` may see, in one query."""
    visits = (
        _shown_visits(user)
        .filter(allocation__participation__school=school)
        .select_related("allocation__adviser", "allocation__participation__school")
        .order_by("-visit_on", "-pk")
    )
    for visit in visits:
        pscl = visit.allocation.adviser.full_name
        if visit.status == VisitStatus.SUBMITTED:
            detail = visit.get_kind_display()
            if visit.focus_labels:
                detail += f". Focus: {', '.join(visit.focus_labels)}."
            yield TimelineEvent(
                at=visit.visit_on,
                kind="pscl_visit",
                title=visit_title(visit),
                detail=detail,
                actor=pscl,
                url=reverse("consultants:visit_detail", args=[visit.pk]),
            )
            continue
        if user.has_perm("consultants.write_pre_visit_note", visit):
            url = reverse("consultants:pre_visit_note", args=[visit.pk])
        else:
            url = reverse("consultants:visit_detail", args=[visit.pk])
        yield TimelineEvent(
            at=visit.visit_on,
            kind="pscl_visit_planned",
            title="PSCL visit planned",
            detail=visit.purpose,
            actor=pscl,
            url=url,
        )


def visit_latest(school_ids, user):
    """The date of each school's latest PSCL visit `user` may see: submitted, or planned for a
    day already come (a visit planned for next month has not happened yet). One query."""
    today = clock.today()
    shown = _shown_visits(user).filter(
        Q(status=VisitStatus.SUBMITTED) | Q(status=VisitStatus.PLANNED, visit_on__lte=today)
    )
    return latest_by_school(
        shown,
        school_path="allocation__participation__school",
        at_field="visit_on",
        school_ids=school_ids,
    )


def register() -> None:
    """Add the PSCL visits to every school's timeline (registering twice has no effect)."""
    register_timeline_source(visit_events, kinds=KINDS, latest=visit_latest)
