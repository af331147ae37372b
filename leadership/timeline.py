"""A school's timeline: every event of its story, newest first, gathered from registered sources.

A source is a function `(school, user) -> Iterable[TimelineEvent]` that reads one kind of record
in a fixed number of queries (one, with select_related, whatever the number of events) and
yields only what `user` may see. The leadership sources are registered below, when this module
is imported; the apps above leadership (PSCL visits, payments, reports) register theirs with
`register_timeline_source` in their AppConfig.ready(), so that leadership never imports them.

A source may also give `latest`, a function `(school_ids, user) -> {school_id: datetime}` that
answers "when did each of these schools last have an event of this source" in a fixed number
of queries; the watchlist uses it. A source without one is asked school by school.
"""

import datetime
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Max, QuerySet
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from schools.models import School
from schools.panels import register_school_section

from .models import (
    Concern,
    ConcernEscalation,
    ConcernLevel,
    GoodPractice,
    Note,
    ParticipationTransition,
    PlanReview,
    SchoolVisit,
    TrainingAttendance,
    Watch,
)


def as_datetime(moment: datetime.date | datetime.datetime) -> datetime.datetime:
    """`moment` as an aware datetime: a date becomes the start of that day in the current time
    zone, a naive datetime is taken to be in the current time zone."""
    if not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.combine(moment, datetime.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@dataclass(frozen=True)
class TimelineEvent:
    """One event of a school's story.

    `at` may be given as a date (a visit, a review) or a datetime (a note); it is kept as an
    aware datetime so that events of every source sort together, and `has_time` says whether
    the time of day means anything. `actor` is the name of who did it ("" when unknown), `url`
    a page about the event ("" when there is none).
    """

    at: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    actor: str = ""
    url: str = ""
    has_time: bool = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "has_time", isinstance(self.at, datetime.datetime))
        object.__setattr__(self, "at", as_datetime(self.at))

    @property
    def kind_label(self) -> str:
        return _kind_labels.get(self.kind) or self.kind.replace("_", " ").capitalize()


EventsFunction = Callable[[School, object], Iterable[TimelineEvent]]
LatestFunction = Callable[[Collection[int], object], Mapping[int, datetime.datetime]]


@dataclass(frozen=True)
class TimelineSource:
    events: EventsFunction
    kinds: tuple[str, ...]
    latest: LatestFunction | None = None


_sources: list[TimelineSource] = []
_kind_labels: dict[str, str] = {}


def register_timeline_source(
    events: EventsFunction,
    *,
    kinds: Mapping[str, str] | None = None,
    latest: LatestFunction | None = None,
) -> EventsFunction:
    """Add `events` to every school's timeline. `kinds` names the kinds of event it yields, each
    with the label the page shows and the filter offers; when the filter asks for another kind,
    the source is not run. Registering the same function twice has no effect."""
    kinds = dict(kinds or {})
    if all(source.events is not events for source in _sources):
        _sources.append(TimelineSource(events=events, kinds=tuple(kinds), latest=latest))
        for kind, label in kinds.items():
            _kind_labels.setdefault(kind, label)
    return events


def timeline_kinds() -> list[tuple[str, str]]:
    """The kinds of event the registered sources declare, as (kind, label), in the order they
    were registered: the choices of the timeline's filter."""
    return list(_kind_labels.items())


def school_timeline(school: School, user, *, kind: str = "") -> list[TimelineEvent]:
    """Every event of `school`'s story that `user` may see, newest first (events at the same
    moment keep the order of their sources), only of `kind` when one is given.

    The caller has checked that `user` may see `school`. Each source costs its own fixed number
    of queries, so the whole timeline costs the same whatever the number of events.
    """
    events: list[TimelineEvent] = []
    for source in _sources:
        if kind and source.kinds and kind not in source.kinds:
            continue
        events.extend(
            event for event in source.events(school, user) if not kind or event.kind == kind
        )
    events.sort(key=lambda event: event.at, reverse=True)
    return events


def latest_event_at(schools: Iterable[School], user) -> dict[int, datetime.datetime]:
    """For each of `schools` that has any event `user` may see, the moment of its latest one,
    by school id. Sources that give `latest` cost a fixed number of queries for all the schools
    together; the others are asked school by school."""
    schools = list(schools)
    if not schools:
        return {}
    school_ids = [school.pk for school in schools]
    latest: dict[int, datetime.datetime] = {}

    def keep(school_id: int, moment: datetime.datetime) -> None:
        if school_id not in latest or moment > latest[school_id]:
            latest[school_id] = moment

    for source in _sources:
        if source.latest is not None:
            for school_id, moment in source.latest(school_ids, user).items():
                keep(school_id, as_datetime(moment))
            continue
        for school in schools:
            moments = [event.at for event in source.events(school, user)]
            if moments:
                keep(school.pk, max(moments))
    return latest


def latest_by_school(
    queryset: QuerySet, *, school_path: str, at_field: str, school_ids: Collection[int]
) -> dict[int, datetime.datetime]:
    """The latest `at_field` of the rows of `queryset` for each of `school_ids`, in one query:
    the building block of a source's `latest`. `school_path` leads from the rows to the school."""
    rows = (
        queryset.filter(**{f"{school_path}__in": school_ids})
        .order_by()
        .values(school_path)
        .annotate(latest=Max(at_field))
    )
    return {row[school_path]: as_datetime(row["latest"]) for row in rows if row["latest"]}


def _name(user) -> str:
    return user.full_name if user is not None else ""


def _merge_latest(*results: Mapping[int, datetime.datetime]) -> dict[int, datetime.datetime]:
    merged: dict[int, datetime.datetime] = {}
    for result in results:
        for school_id, moment in result.items():
            if school_id not in merged or moment > merged[school_id]:
                merged[school_id] = moment
    return merged


# The leadership sources ----------------------------------------------------------------------


def participation_events(school, user):
    """Each change of the school's place in a programme year, with who made it and why."""
    transitions = (
        ParticipationTransition.objects.filter(participation__school=school)
        .select_related("participation__programme_year", "changed_by")
        .order_by("-changed_at", "-pk")
    )
    for transition in transitions:
        year = transition.participation.programme_year.name
        was = (
            f"Was {transition.get_from_status_display().lower()}." if transition.from_status else ""
        )
        yield TimelineEvent(
            at=transition.changed_at,
            kind="participation",
            title=f"Place in {year}: {transition.get_to_status_display().lower()}",
            detail=" ".join(part for part in (was, transition.reason) if part),
            actor=_name(transition.changed_by),
        )


def participation_latest(school_ids, user):
    return latest_by_school(
        ParticipationTransition.objects.all(),
        school_path="participation__school",
        at_field="changed_at",
        school_ids=school_ids,
    )


def school_visit_events(school, user):
    """Each visit the school's team made to another school, with who went."""
    visits = (
        SchoolVisit.objects.active()
        .filter(participation__school=school)
        .select_related("host_school")
        .prefetch_related("members")
        .order_by("-visited_on", "-pk")
    )
    for visit in visits:
        went = ", ".join(member.full_name for member in visit.members.all())
        parts = [visit.purpose]
        if went:
            parts.append(f"Went: {went}.")
        if visit.is_outside_locality:
            parts.append("Outside the school's locality.")
        yield TimelineEvent(
            at=visit.visited_on,
            kind="school_visit",
            title=f"Visited {visit.host_school.name}",
            detail="\n".join(parts),
        )


def school_visit_latest(school_ids, user):
    return latest_by_school(
        SchoolVisit.objects.active(),
        school_path="participation__school",
        at_field="visited_on",
        school_ids=school_ids,
    )


def plan_review_events(school, user):
    """Each review of the school's action plan, with its progress rating."""
    reviews = (
        PlanReview.objects.filter(plan__participation__school=school)
        .select_related("plan__participation__programme_year", "reviewed_by")
        .order_by("-reviewed_on", "-pk")
    )
    for review in reviews:
        year = review.plan.participation.programme_year.name
        yield TimelineEvent(
            at=review.reviewed_on,
            kind="plan_review",
            title=f"Action plan for {year} reviewed: {review.get_progress_display()}",
            detail=review.notes,
            actor=_name(review.reviewed_by),
        )


def plan_review_latest(school_ids, user):
    return latest_by_school(
        PlanReview.objects.all(),
        school_path="plan__participation__school",
        at_field="reviewed_on",
        school_ids=school_ids,
    )


def training_events(school, user):
    """Each training session the school's team attended, with the members present."""
    present = (
        TrainingAttendance.objects.filter(member__participation__school=school, is_present=True)
        .select_related("event", "member")
        .order_by("-event__held_on", "-event_id", "member__full_name")
    )
    for _, lines in groupby(present, key=lambda line: line.event_id):
        lines = list(lines)
        event = lines[0].event
        names = ", ".join(line.member.full_name for line in lines)
        yield TimelineEvent(
            at=event.held_on,
            kind="training",
            title=f"Training {event.get_session_display().lower()} attended",
            detail=f"{event.venue}. Present: {names}.",
        )


def training_latest(school_ids, user):
    return latest_by_school(
        TrainingAttendance.objects.filter(is_present=True),
        school_path="member__participation__school",
        at_field="event__held_on",
        school_ids=school_ids,
    )


def note_events(school, user):
    """Each note written on the school."""
    for note in Note.objects.filter(school=school).select_related("author").order_by("-pk"):
        yield TimelineEvent(
            at=note.created_at,
            kind="note",
            title="Note",
            detail=note.text,
            actor=_name(note.author),
        )


def note_latest(school_ids, user):
    return latest_by_school(
        Note.objects.all(), school_path="school", at_field="created_at", school_ids=school_ids
    )


_STEP_TITLES = {
    ConcernLevel.LINK_ADVISER: "Concern escalated to the link adviser",
    ConcernLevel.STRATEGY_MANAGER: "Concern escalated to the strategy manager",
    ConcernLevel.GOVERNING_BODY: "Governing body formally notified of a concern",
    ConcernLevel.RESOLVED: "Concern resolved",
}


def concern_events(school, user):
    """Each concern raised about the school and each step it took, as far as `user` may see
    concerns (`Concern.objects.visible_to`)."""
    concerns = Concern.objects.visible_to(user).filter(school=school)
    for concern in concerns.select_related("raised_by").order_by("-raised_at", "-pk"):
        yield TimelineEvent(
            at=concern.raised_at,
            kind="concern",
            title=f"Concern raised ({concern.get_severity_display().lower()} severity)",
            detail=concern.summary,
            actor=_name(concern.raised_by),
            url=reverse("leadership:concern_detail", args=[concern.pk]),
        )
    steps = (
        ConcernEscalation.objects.filter(concern__in=concerns)
        .select_related("escalated_by")
        .order_by("-escalated_at", "-pk")
    )
    for step in steps:
        if step.to_level == ConcernLevel.GOVERNING_BODY:
            url = reverse("leadership:concern_letter", args=[step.concern_id])
        else:
            url = reverse("leadership:concern_detail", args=[step.concern_id])
        yield TimelineEvent(
            at=step.escalated_at,
            kind="concern",
            title=_STEP_TITLES.get(step.to_level, step.get_to_level_display()),
            detail=step.note,
            actor=_name(step.escalated_by),
            url=url,
        )


def concern_latest(school_ids, user):
    concerns = Concern.objects.visible_to(user).filter(school__in=school_ids)
    return _merge_latest(
        latest_by_school(
            concerns, school_path="school", at_field="raised_at", school_ids=school_ids
        ),
        latest_by_school(
            ConcernEscalation.objects.filter(concern__in=concerns),
            school_path="concern__school",
            at_field="escalated_at",
            school_ids=school_ids,
        ),
    )


def good_practice_events(school, user):
    """Each case study of good practice written about the school."""
    studies = (
        GoodPractice.objects.filter(
            participation__school=school, participation__is_good_practice=True
        )
        .select_related("participation__programme_year", "written_by")
        .order_by("-written_at", "-pk")
    )
    for study in studies:
        yield TimelineEvent(
            at=study.written_at,
            kind="good_practice",
            title=f"Written up as good practice: {study.title}",
            detail=f"A case study of {study.participation.programme_year.name}.",
            actor=_name(study.written_by),
            url=reverse("leadership:good_practice_detail", args=[study.pk]),
        )


def good_practice_latest(school_ids, user):
    return latest_by_school(
        GoodPractice.objects.filter(participation__is_good_practice=True),
        school_path="participation__school",
        at_field="written_at",
        school_ids=school_ids,
    )


register_timeline_source(
    participation_events,
    kinds={"participation": "Participation"},
    latest=participation_latest,
)
register_timeline_source(
    school_visit_events, kinds={"school_visit": "School visit"}, latest=school_visit_latest
)
register_timeline_source(
    plan_review_events, kinds={"plan_review": "Plan review"}, latest=plan_review_latest
)
register_timeline_source(training_events, kinds={"training": "Training"}, latest=training_latest)
register_timeline_source(note_events, kinds={"note": "Note"}, latest=note_latest)
register_timeline_source(concern_events, kinds={"concern": "Concern"}, latest=concern_latest)
register_timeline_source(
    good_practice_events, kinds={"good_practice": "Good practice"}, latest=good_practice_latest
)


# The school page's section -------------------------------------------------------------------


def school_story_section(request, school):
    """The school page's link to the school's timeline, with the watchlist button."""
    # Rendered without the request, as the other sections are (a RequestContext would run
    # every context processor again): the button's form is given its CSRF token and path.
    return render_to_string(
        "leadership/engagement/school_section.html",
        {
            "school": school,
            "is_watching": Watch.objects.filter(user=request.user, school=school).exists(),
            "can_add_note": request.user.has_perm("leadership.add_note", school),
            "csrf_token": get_token(request),
            "next": request.path,
        },
    )


def register() -> None:
    """Start-up registrations that need the app registry ready: the school page's section.
    LeadershipConfig.ready() calls it."""
    register_school_section(school_story_section)
