"""Reads of the school's story shared by the pages: concerns, good practice and watchlists.

The timeline itself is gathered by `leadership.timeline.school_timeline`.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Max, QuerySet, Value, When
from django.template.loader import render_to_string

from accounts.scoping import scope_to_lea
from schools.models import School

from ..models import (
    Concern,
    ConcernEscalation,
    ConcernLevel,
    ConcernSeverity,
    GoodPractice,
    Participation,
    ParticipationStatus,
    Watch,
)
from ..timeline import latest_event_at

#: The statuses of a place whose school can be written up as good practice: it has taken part.
GOOD_PRACTICE_STATUSES = (ParticipationStatus.ACTIVE, ParticipationStatus.COMPLETED)

_SEVERITY_RANK = Case(
    When(severity=ConcernSeverity.HIGH, then=Value(0)),
    When(severity=ConcernSeverity.MEDIUM, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def concern_list_open(*, user) -> QuerySet[Concern]:
    """The open (not resolved) concerns `user` may see, the most severe first and, at each
    severity, the longest open first; each with its school, LEA, who raised it and the moment
    of its last step (`last_step_at`, None before the first), in one query."""
    return (
        Concern.objects.visible_to(user)
        .exclude(level=ConcernLevel.RESOLVED)
        .select_related("school__local_authority", "raised_by")
        .annotate(last_step_at=Max("escalations__escalated_at"), severity_rank=_SEVERITY_RANK)
        .order_by("severity_rank", "raised_at", "pk")
    )


def school_concerns_open(*, school: School, user) -> QuerySet[Concern]:
    """The open concerns about `school` that `user` may see, newest first."""
    return (
        Concern.objects.visible_to(user)
        .filter(school=school)
        .exclude(level=ConcernLevel.RESOLVED)
        .order_by("-raised_at", "-pk")
    )


def concern_steps(*, concern: Concern) -> QuerySet[ConcernEscalation]:
    """The steps `concern` has taken, in order, each with who took it."""
    return concern.escalations.select_related("escalated_by").order_by("escalated_at", "pk")


def concern_letter_draft(*, concern: Concern, author, today: datetime.date) -> str:
    """The formal letter to the chair of governors that notifies the governing body of
    `concern`, for `author` (the strategy manager) to edit before it is recorded: the school
    and its headteacher, the concern, the steps taken so far, the author's name and LEA."""
    school = concern.school
    return render_to_string(
        "leadership/engagement/letter_draft.txt",
        {
            "today": today,
            "school": school,
            "lea": school.local_authority,
            "concern": concern,
            "steps": concern_steps(concern=concern),
            "author": author,
        },
    ).strip()


def governing_body_letter(*, concern: Concern) -> ConcernEscalation | None:
    """The step that formally notified the governing body of `concern`, with its letter, or
    None if the concern never reached it."""
    return (
        concern.escalations.filter(to_level=ConcernLevel.GOVERNING_BODY)
        .select_related("escalated_by")
        .order_by("escalated_at", "pk")
        .first()
    )


def good_practice_visible_to(user) -> QuerySet[GoodPractice]:
    """The case studies of good practice `user` may read: every one of their LEA (theirs, or
    their school's), whichever school it is about; every LEA's for an admin. The LEA shares
    them deliberately: a reader sees the case study and the school's name, and nothing else of
    the school comes with it."""
    return scope_to_lea(
        GoodPractice.objects.filter(participation__is_good_practice=True),
        user,
        lea_path="participation__school__local_authority",
    )


def good_practice_list(*, user) -> QuerySet[GoodPractice]:
    """The case studies `user` may read, newest first, each with its school, LEA and year."""
    return (
        good_practice_visible_to(user)
        .select_related("participation__school__local_authority", "participation__programme_year")
        .order_by("-written_at", "-pk")
    )


def school_places_for_good_practice(*, school: School) -> QuerySet[Participation]:
    """The school's places that can be written up as good practice (it took part), newest year
    first, each with its year and any case study already written."""
    return (
        Participation.objects.filter(school=school, status__in=GOOD_PRACTICE_STATUSES)
        .select_related("programme_year", "good_practice")
        .order_by("-programme_year__starts_on")
    )


def is_watching(*, user, school: School) -> bool:
    return Watch.objects.filter(user=user, school=school).exists()


@dataclass(frozen=True)
class WatchedSchool:
    """A school on a user's watchlist, with the moment of its latest event on the timeline the
    user sees (None if it has none)."""

    school: School
    watched_at: datetime.datetime
    latest_event_at: datetime.datetime | None


def watchlist(*, user) -> list[WatchedSchool]:
    """The schools on `user`'s watchlist that they may still see, by name. A school that has
    left the user's scope drops out of the list (its watch stays, and returns with the scope).
    A fixed number of queries whatever the number of schools (see `latest_event_at`)."""
    watches = list(
        Watch.objects.filter(user=user, school__in=School.objects.visible_to(user))
        .select_related("school__local_authority")
        .order_by("school__name", "school__urn")
    )
    latest = latest_event_at([watch.school for watch in watches], user)
    return [
        WatchedSchool(
            school=watch.school,
            watched_at=watch.created_at,
            latest_event_at=latest.get(watch.school_id),
        )
        for watch in watches
    ]
