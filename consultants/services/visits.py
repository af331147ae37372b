"""Writes of the PSCL's visit log (issue 4, item 6): planning a visit, logging it as a draft and
submitting it, editing it after submission (every edit kept in the history), cancelling a
planned visit, the headteacher's pre-visit note and marking an agreed action done.

The views check who may do each (`consultants.rules`); these functions hold the rules of what
may be done. Each runs in one transaction: a visit and its agreed actions are saved together or
not at all.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import clock

from ..models import (
    AgreedAction,
    Allocation,
    PreVisitNote,
    Visit,
    VisitLength,
    VisitStatus,
)

#: The purpose of the planned visit that submitting a visit with a next visit date creates.
FOLLOW_UP_PURPOSE = "Follow-up visit"

#: Called with a visit's id once its submission has committed: higher apps register here (the
#: reports app tells the headteacher of the agreed actions). See `register_on_visit_submitted`.
_on_visit_submitted: list[Callable[[int], None]] = []


def register_on_visit_submitted(callback: Callable[[int], None]) -> None:
    """Call `callback(visit_id)` after each visit submission commits (once per submission, not on
    later edits). Registering the same callback twice keeps one."""
    if callback not in _on_visit_submitted:
        _on_visit_submitted.append(callback)


def _after_submission(visit_id: int) -> None:
    for callback in _on_visit_submitted:
        transaction.on_commit(partial(callback, visit_id))


@dataclass(frozen=True)
class VisitNote:
    """What the PSCL writes about a visit. Only the date is needed for a draft; submitting asks
    for the length, kind, stage and whether standards were challenged (and how)."""

    visit_on: datetime.date
    length: str = ""
    hours: Decimal | None = None
    kind: str = ""
    stage: int | None = None
    focus: Sequence[str] = field(default_factory=tuple)
    attendees: str = ""
    notes: str = ""
    standards_challenged: bool | None = None
    challenge_detail: str = ""
    next_visit_on: datetime.date | None = None


@dataclass(frozen=True)
class ActionLine:
    """One agreed action as the form sends it: a new one (no `pk`), a change to one of the
    visit's actions, or (`remove`) one to take off the visit."""

    who: str
    what: str
    due_on: datetime.date | None
    pk: int | None = None
    remove: bool = False


def _require_current(allocation: Allocation) -> None:
    if not allocation.is_current:
        raise ValidationError(
            "The school is no longer allocated to this PSCL, so no visit can be logged."
        )


def _locked_visit(visit: Visit) -> Visit:
    return (
        Visit.objects.select_for_update(of=("self",))
        .select_related("allocation__participation__programme_year", "allocation__adviser")
        .get(pk=visit.pk)
    )


def _locked_allocation(allocation: Allocation) -> Allocation:
    return (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("participation__programme_year", "participation__school", "adviser")
        .get(pk=allocation.pk)
    )


def _write_note(visit: Visit, note: VisitNote) -> None:
    """Copy `note` onto `visit`, tidying what the form's reveals leave behind: hours only for a
    visit of some hours, how standards were challenged only when they were."""
    visit.visit_on = note.visit_on
    visit.length = note.length or ""
    visit.hours = note.hours if visit.length == VisitLength.HOURS else None
    visit.kind = note.kind or ""
    visit.stage = note.stage
    visit.focus = list(dict.fromkeys(note.focus))
    visit.attendees = note.attendees.strip()
    visit.notes = note.notes.strip()
    visit.standards_challenged = note.standards_challenged
    visit.challenge_detail = note.challenge_detail.strip() if note.standards_challenged else ""
    visit.next_visit_on = note.next_visit_on


def _check_consistent(visit: Visit) -> None:
    """The rule a draft must keep as well as a submitted visit: the next visit comes after this
    one. (A draft may wait for the hours, or for how standards were challenged: the PSCL saves
    it in the car park and finishes it at home.) Raised by field, so that the form shows each
    message next to its question."""
    errors = {}
    if visit.next_visit_on and visit.visit_on and visit.next_visit_on <= visit.visit_on:
        errors["next_visit_on"] = "The next visit must be after the date of this visit"
    if errors:
        raise ValidationError(errors)


def _check_complete(visit: Visit, *, today: datetime.date) -> None:
    """What a submitted visit must have (the model's `visit_submitted_is_complete`), by field."""
    errors = {}
    if visit.visit_on and visit.visit_on > today:
        errors["visit_on"] = "The date of the visit must be today or in the past"
    if not visit.length:
        errors["length"] = "Choose how long the visit was"
    if not visit.kind:
        errors["kind"] = "Choose the kind of visit"
    if visit.stage is None:
        errors["stage"] = "Choose the consultancy stage"
    if visit.length == VisitLength.HOURS and visit.hours is None:
        errors["hours"] = "Enter how many hours the visit lasted"
    if visit.standards_challenged is None:
        errors["standards_challenged"] = "Say whether standards were challenged"
    elif visit.standards_challenged and not visit.challenge_detail:
        errors["challenge_detail"] = "Say how standards were challenged"
    try:
        _check_consistent(visit)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


def visit_note_problems(
    *, note: VisitNote, complete: bool, today: datetime.date | None = None
) -> ValidationError | None:
    """What is wrong with `note` for a draft (`complete` False) or a submitted visit, by field,
    without saving anything: so that a form shows these with its other errors at once."""
    visit = Visit()
    _write_note(visit, note)
    try:
        if complete:
            _check_complete(visit, today=today or clock.today())
        else:
            _check_consistent(visit)
    except ValidationError as error:
        return error
    return None


def _save(visit: Visit, by) -> None:
    """Validate and save `visit`. Its check constraints hold by construction here: `_write_note`
    keeps hours for a visit of some hours only, `_check_complete` comes before every
    submission, and the stage is one of its field's choices (which `full_clean` checks). So are
    its foreign keys: the allocation is the one locked in this transaction and the author the
    signed-in user. Validating them again would cost a query each, and a savepoint around each
    constraint's (eleven round trips, most of a draft's save); the database still enforces
    them."""
    visit._history_user = by
    visit.full_clean(exclude=["allocation", "created_by"], validate_constraints=False)
    visit.save()


def _save_actions(visit: Visit, actions: Sequence[ActionLine], by, *, new_visit=False) -> None:
    """Add, change and remove the visit's agreed actions as `actions` says. An action that is
    not the visit's, or one that does not validate, stops the whole save. A visit saved for the
    first time (`new_visit`) has none yet."""
    existing = (
        {}
        if new_visit
        else {action.pk: action for action in visit.agreed_actions.select_for_update()}
    )
    for line in actions:
        if line.pk is not None and line.pk not in existing:
            raise ValidationError({NON_FIELD_ERRORS: "An agreed action is not this visit's."})
        if line.remove:
            if line.pk is not None:
                action = existing[line.pk]
                action._history_user = by
                action.delete()
            continue
        action = existing[line.pk] if line.pk is not None else AgreedAction(visit=visit)
        action.who = line.who.strip()
        action.what = line.what.strip()
        action.due_on = line.due_on
        action._history_user = by
        try:
            action.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {NON_FIELD_ERRORS: [f"Agreed action: {message}" for message in error.messages]}
            ) from error
        action.save()


def _plan_follow_up(visit: Visit, by) -> Visit | None:
    """The planned visit on the next visit date, unless one is already planned that day."""
    if visit.next_visit_on is None:
        return None
    allocation = _locked_allocation(visit.allocation)
    already = allocation.visits.filter(status=VisitStatus.PLANNED, visit_on=visit.next_visit_on)
    if already.exists():
        return None
    follow_up = Visit(
        allocation=allocation,
        status=VisitStatus.PLANNED,
        visit_on=visit.next_visit_on,
        purpose=FOLLOW_UP_PURPOSE,
        created_by=by,
    )
    _save(follow_up, by)
    return follow_up


@transaction.atomic
def visit_plan(
    *,
    allocation: Allocation,
    visit_on: datetime.date,
    purpose: str,
    by,
    today: datetime.date | None = None,
) -> Visit:
    """Plan a visit to the allocation's school on `visit_on` (today or later), with its
    purpose, so that the school prepares (its headteacher sees it and writes the pre-visit
    note). One planned visit a day per school."""
    allocation = _locked_allocation(allocation)
    _require_current(allocation)
    if visit_on < (today or clock.today()):
        raise ValidationError({"visit_on": "The date of a planned visit must be today or later"})
    if allocation.visits.filter(status=VisitStatus.PLANNED, visit_on=visit_on).exists():
        raise ValidationError({"visit_on": "A visit is already planned on that day"})
    visit = Visit(
        allocation=allocation,
        status=VisitStatus.PLANNED,
        visit_on=visit_on,
        purpose=purpose.strip(),
        created_by=by,
    )
    _save(visit, by)
    return visit


def _open_for_logging(
    allocation: Allocation | None, visit: Visit | None, by
) -> tuple[Visit, Allocation]:
    """The visit to log: `visit` (planned or a draft, locked) or a new one on `allocation`."""
    if (allocation is None) == (visit is None):
        raise TypeError("Give either the allocation of a new visit or the visit.")
    if visit is not None:
        visit = _locked_visit(visit)
        if visit.status not in (VisitStatus.PLANNED, VisitStatus.DRAFT):
            raise ValidationError("Only a planned visit or a draft can be logged.")
        allocation = visit.allocation
    else:
        allocation = _locked_allocation(allocation)
        visit = Visit(allocation=allocation, status=VisitStatus.DRAFT, created_by=by)
    _require_current(allocation)
    return visit, allocation


@transaction.atomic
def visit_save_draft(
    *,
    note: VisitNote,
    actions: Sequence[ActionLine] = (),
    by,
    allocation: Allocation | None = None,
    visit: Visit | None = None,
) -> Visit:
    """Save the PSCL's note of a visit as a draft, which only they can read: a new visit on
    `allocation`, or `visit` (a planned visit being logged, or a draft). Anything may be left
    out but the date, and the next visit must come after it. The agreed actions are saved with
    it, or nothing is."""
    visit, _ = _open_for_logging(allocation, visit, by)
    new_visit = visit.pk is None
    _write_note(visit, note)
    visit.status = VisitStatus.DRAFT
    _check_consistent(visit)
    _save(visit, by)
    _save_actions(visit, actions, by, new_visit=new_visit)
    return visit


@transaction.atomic
def visit_submit(
    *,
    note: VisitNote,
    actions: Sequence[ActionLine] = (),
    by,
    allocation: Allocation | None = None,
    visit: Visit | None = None,
    today: datetime.date | None = None,
) -> Visit:
    """Submit the PSCL's note of a visit (a new one on `allocation`, or `visit`, planned or a
    draft): from now on the link adviser and the strategy manager read it, the headteacher sees
    its agreed actions and its days count as delivered. The note must be complete. With a next
    visit date, a visit is planned on that day ("Follow-up visit") unless one already is."""
    today = today or clock.today()
    visit, _ = _open_for_logging(allocation, visit, by)
    new_visit = visit.pk is None
    _write_note(visit, note)
    _check_complete(visit, today=today)
    # Saved first as it was (a draft), then with its actions, then submitted: the history's
    # changes after submission start after this moment.
    if visit.status == VisitStatus.PLANNED:
        visit.status = VisitStatus.DRAFT
    _save(visit, by)
    _save_actions(visit, actions, by, new_visit=new_visit)
    visit.status = VisitStatus.SUBMITTED
    visit.submitted_at = timezone.now()
    _save(visit, by)
    _plan_follow_up(visit, by)
    _after_submission(visit.pk)
    return visit


@transaction.atomic
def visit_update_submitted(
    *,
    visit: Visit,
    note: VisitNote,
    actions: Sequence[ActionLine] = (),
    by,
    today: datetime.date | None = None,
) -> Visit:
    """Change a submitted visit's note and agreed actions. It stays complete; every change is
    kept in the visit's history (and its actions'), which the visit page shows. A new next
    visit date plans a follow-up visit as submitting does."""
    today = today or clock.today()
    visit = _locked_visit(visit)
    if visit.status != VisitStatus.SUBMITTED:
        raise ValidationError("Only a submitted visit can be changed this way.")
    _require_current(visit.allocation)
    next_before = visit.next_visit_on
    _write_note(visit, note)
    _check_complete(visit, today=today)
    _save(visit, by)
    _save_actions(visit, actions, by)
    if visit.next_visit_on != next_before:
        _plan_follow_up(visit, by)
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, by) -> Visit:
    """Cancel a planned visit: it leaves the school's schedule and the PSCL's calendar."""
    visit = _locked_visit(visit)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError("Only a planned visit can be cancelled.")
    visit.status = VisitStatus.CANCELLED
    _save(visit, by)
    return visit


@transaction.atomic
def pre_visit_note_write(*, visit: Visit, progress: str, wants: str, by) -> PreVisitNote:
    """Write or rewrite the school's note before a planned visit: progress since the last visit
    and what the school wants from this one. Closed once the visit is logged or cancelled."""
    visit = _locked_visit(visit)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError("The visit has been logged or cancelled: the note is closed.")
    note = PreVisitNote.objects.filter(visit=visit).first() or PreVisitNote(visit=visit)
    note.progress = progress.strip()
    note.wants = wants.strip()
    note.written_by = by
    note.written_at = timezone.now()
    note._history_user = by
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def agreed_action_mark_done(
    *, action: AgreedAction, by, done_on: datetime.date | None = None
) -> AgreedAction:
    """Record that an action agreed at a submitted visit was done (today unless `done_on`).
    Marking it done again keeps the first date."""
    action = (
        AgreedAction.objects.select_for_update(of=("self",))
        .select_related("visit")
        .get(pk=action.pk)
    )
    if action.visit.status != VisitStatus.SUBMITTED:
        raise ValidationError("Only an action of a submitted visit can be marked done.")
    if action.done_on is None:
        action.done_on = done_on or clock.today()
        action._history_user = by
        action.full_clean()
        action.save()
    return action
