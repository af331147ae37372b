"""Reads of the PSCL's visit log shared by its pages, the calendar feed and the timeline.

Every read starts from the models' `visible_to` / `schedule_visible_to`, so that a page built on
them shows nothing the user may not see; the related rows each page shows are loaded here, in a
fixed number of queries whatever the number of visits.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from accounts.models import Role
from schools.models import School

from ..models import (
    CURRENT_STATUSES,
    Adviser,
    AdviserKind,
    AgreedAction,
    Allocation,
    ConsultancyStage,
    PreVisitNote,
    Visit,
    VisitFocus,
    VisitKind,
    VisitLength,
    VisitStatus,
)

#: The fields of a visit note, in the order of the form; what the history of a
#: submitted visit compares.
NOTE_FIELDS = (
    "visit_on",
    "length",
    "hours",
    "kind",
    "stage",
    "focus",
    "attendees",
    "notes",
    "standards_challenged",
    "challenge_detail",
    "next_visit_on",
)

#: The roles that read visit notes (as far as `Visit.objects.visible_to` lets them).
NOTE_READER_ROLES = (Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT)


def reads_notes(user) -> bool:
    """Whether `user` is of a role that reads visit notes (which notes: `visible_to`)."""
    return user.is_authenticated and (user.is_admin or user.role in NOTE_READER_ROLES)


def _at_school(school: School) -> dict:
    """The lookup of the visits of `school`."""
    return {"allocation__participation__school": school}


def _has_pre_visit_note() -> Exists:
    return Exists(PreVisitNote.objects.filter(visit=OuterRef("pk")))


def school_visits_for_reader(*, school: School, user) -> QuerySet:
    """The school's visits whose notes `user` may read, newest first, cancelled ones left
    out: submitted, planned and (for the PSCL) drafts, with the PSCL, the pre-visit note and the
    agreed actions loaded."""
    return (
        Visit.objects.visible_to(user)
        .filter(**_at_school(school))
        .exclude(status=VisitStatus.CANCELLED)
        .annotate(pre_visit_note_written=_has_pre_visit_note())
        .select_related("allocation__adviser", "allocation__participation__programme_year")
        .prefetch_related(
            Prefetch("agreed_actions", queryset=AgreedAction.objects.order_by("due_on", "pk"))
        )
        .order_by("-visit_on", "-pk")
    )


def school_planned_visits(*, school: School, user) -> QuerySet:
    """The school's planned visits `user` may see (the schedule), soonest first, with the PSCL
    and the pre-visit note."""
    return (
        Visit.objects.schedule_visible_to(user)
        .filter(**_at_school(school))
        .annotate(pre_visit_note_written=_has_pre_visit_note())
        .select_related("allocation__adviser")
        .order_by("visit_on", "pk")
    )


def school_agreed_actions(*, school: School, user) -> QuerySet:
    """The actions agreed at the school's submitted visits that `user` may see, by due date."""
    return (
        AgreedAction.objects.visible_to(user)
        .filter(visit__allocation__participation__school=school)
        .select_related("visit")
        .order_by("due_on", "pk")
    )


def current_allocation_of(*, user, school: School) -> Allocation | None:
    """The PSCL `user`'s current allocation to `school`, if they have one."""
    if not user.is_authenticated or user.role != Role.CONSULTANT:
        return None
    return (
        Allocation.objects.filter(
            adviser__user=user, participation__school=school, status__in=CURRENT_STATUSES
        )
        .select_related("adviser", "participation__programme_year")
        .first()
    )


def pscl_of(user) -> Adviser | None:
    """The PSCL profile of `user`, if they are a PSCL."""
    if not user.is_authenticated or user.role != Role.CONSULTANT:
        return None
    return Adviser.objects.filter(user=user, kind=AdviserKind.PSCL).first()


def calendar_visits(adviser: Adviser) -> QuerySet:
    """The PSCL's planned visits to the schools allocated to them now, for the calendar feed."""
    return (
        Visit.objects.filter(
            allocation__adviser=adviser,
            allocation__status__in=CURRENT_STATUSES,
            status=VisitStatus.PLANNED,
        )
        .select_related("allocation__participation__school")
        .order_by("visit_on", "pk")
    )


# The history of a submitted visit ------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    """One save after submission: when, by whom, what it was about, and each field's old and
    new value as the page shows them."""

    at: datetime.datetime
    by: str
    subject: str
    fields: list[FieldChange] = field(default_factory=list)


def _shown(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "not given"
    if name == "length":
        return VisitLength(value).label if value in VisitLength.values else str(value)
    if name == "kind":
        return VisitKind(value).label if value in VisitKind.values else str(value)
    if name == "stage":
        return ConsultancyStage(value).label if value in ConsultancyStage.values else str(value)
    if name == "focus":
        return ", ".join(VisitFocus(v).label if v in VisitFocus.values else v for v in value)
    if name == "standards_challenged":
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return value.strftime("%-d %B %Y")
    return str(value)


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


_VISIT_FIELDS = (*NOTE_FIELDS, "days")
_ACTION_FIELDS = ("who", "what", "due_on", "done_on")


def _diff(model, old, new, names) -> list[FieldChange]:
    return [
        FieldChange(
            _label(model, name), _shown(name, getattr(old, name)), _shown(name, getattr(new, name))
        )
        for name in names
        if getattr(old, name) != getattr(new, name)
    ]


def _who(record) -> str:
    return record.history_user.full_name if record.history_user else "not known"


def visit_changes_since_submission(visit: Visit) -> list[Change]:
    """Every change to the submitted `visit` and its agreed actions after it was submitted,
    oldest first, from the history (django-simple-history). Saves that changed nothing are
    left out. Three queries."""
    if visit.submitted_at is None:
        return []
    records = list(
        Visit.history.filter(id=visit.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    submitted = [
        index
        for index, record in enumerate(records)
        if record.status == VisitStatus.SUBMITTED and record.history_date >= visit.submitted_at
    ]
    if not submitted:
        return []
    first = submitted[0]
    since = records[first].history_date
    changes = []
    for previous, record in zip(records[first:], records[first + 1 :], strict=False):
        fields = _diff(Visit, previous, record, _VISIT_FIELDS)
        if record.status != previous.status:
            fields.append(
                FieldChange(
                    "Status",
                    VisitStatus(previous.status).label,
                    VisitStatus(record.status).label,
                )
            )
        if fields:
            changes.append(Change(record.history_date, _who(record), "Visit note", fields))

    last_of_action: dict[int, object] = {}
    action_records = (
        AgreedAction.history.filter(visit_id=visit.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for record in action_records:
        previous = last_of_action.get(record.id)
        last_of_action[record.id] = record
        if record.history_date <= since:
            continue
        subject = f"Agreed action: {record.who}"
        if record.history_type == "+":
            fields = [
                FieldChange(
                    _label(AgreedAction, name), "not given", _shown(name, getattr(record, name))
                )
                for name in _ACTION_FIELDS
                if getattr(record, name) not in (None, "")
            ]
            changes.append(Change(record.history_date, _who(record), f"{subject} (added)", fields))
        elif record.history_type == "-":
            changes.append(
                Change(
                    record.history_date,
                    _who(record),
                    f"{subject} (removed)",
                    [FieldChange("What", _shown("what", record.what), "removed")],
                )
            )
        elif previous is not None:
            fields = _diff(AgreedAction, previous, record, _ACTION_FIELDS)
            if fields:
                changes.append(Change(record.history_date, _who(record), subject, fields))
    changes.sort(key=lambda change: change.at)
    return changes
