"""Writes to the programme year: the year's numbers, its reserve, selection flags, and each
school's participation from identified to completed (DOMAIN.md: Selecting schools).

Every change of a participation's status goes through `participation_move` (or the bulk
`participations_invite`), which allows only the transitions in `ALLOWED_TRANSITIONS`, records a
`ParticipationTransition` (from, to, reason, who, when) and keeps the model's history. Accepting
a place locks the programme year's row first, so that two acceptances racing for the last place
are served one after the other and the second is refused.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from schools.models import LocalAuthority, School

from ..models import (
    Participation,
    ParticipationStatus,
    ParticipationTransition,
    ProgrammeYear,
    SelectionFlag,
)
from ..models.programme import PLACE_HOLDING_STATUSES

Status = ParticipationStatus

#: The workflow (issue 3, "Participation workflow"): where a participation may go from each
#: status. Declined, completed and withdrawn are final for the year.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.IDENTIFIED: frozenset({Status.INVITED}),
    Status.INVITED: frozenset({Status.ACCEPTED, Status.DECLINED}),
    Status.ACCEPTED: frozenset({Status.ACTIVE, Status.WITHDRAWN}),
    Status.ACTIVE: frozenset({Status.COMPLETED, Status.WITHDRAWN}),
    Status.DECLINED: frozenset(),
    Status.COMPLETED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

#: Checks the apps above leadership run when a place is accepted (funding: the LEA's budget),
#: registered in their AppConfig.ready() with `register_acceptance_check`. Each is called as
#: `check(participation=..., programme_year=..., by=..., override_reason=...)` inside the
#: acceptance's transaction, after the year's row is locked, and refuses by raising
#: ValidationError; what it writes is undone if the acceptance fails afterwards.
#: A check's refusal that a strategy manager may go beyond with a reason carries these params
#: (`ValidationError(message, code=..., params=OVERRIDABLE)`); any other refusal stands.
AcceptanceCheck = Callable[..., None]
_acceptance_checks: list[AcceptanceCheck] = []
OVERRIDABLE = {"overridable": True}


def is_overridable(error: ValidationError) -> bool:
    """Whether every part of `error` is a limit a strategy manager may go beyond."""
    return not hasattr(error, "error_dict") and all(
        (item.params or {}).get("overridable") for item in error.error_list
    )


def register_acceptance_check(check: AcceptanceCheck) -> AcceptanceCheck:
    if check not in _acceptance_checks:
        _acceptance_checks.append(check)
    return check


#: Moving to these needs a reason: DOMAIN.md keeps declines and their reasons for next year.
REASON_REQUIRED = frozenset({Status.DECLINED, Status.WITHDRAWN})

#: The numbers a strategy manager or admin sets on a programme year (DOMAIN.md: every number
#: marked configurable). `reserve_released` changes only through `programme_year_release_reserve`.
PROGRAMME_YEAR_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "funded_places",
    "reserve_places",
    "pscl_days_per_school",
    "small_school_max_pupils",
    "small_team_size",
    "large_team_size",
    "selection_measure",
    "value_added_threshold",
    "max_plan_priorities",
    "plan_review_weeks",
)


def allowed_next_statuses(status: str) -> list[Status]:
    """The statuses a participation in `status` may move to, in the workflow's order."""
    allowed = ALLOWED_TRANSITIONS[Status(status)]
    return [choice for choice in Status if choice in allowed]


def _set_values(programme_year: ProgrammeYear, values: Mapping[str, Any]) -> None:
    unknown = set(values) - set(PROGRAMME_YEAR_FIELDS)
    if unknown:
        raise ValueError(f"Not a setting of a programme year: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        setattr(programme_year, name, value)


@transaction.atomic
def programme_year_create(
    *, local_authority: LocalAuthority, values: Mapping[str, Any], by
) -> ProgrammeYear:
    """Create `local_authority`'s programme year with `values` (names from
    `PROGRAMME_YEAR_FIELDS`; the model's defaults for any left out). Raises ValidationError
    and saves nothing if the year breaks a rule of the model."""
    programme_year = ProgrammeYear(local_authority=local_authority)
    _set_values(programme_year, values)
    programme_year.full_clean()
    programme_year._history_user = by
    programme_year.save()
    return programme_year


@transaction.atomic
def programme_year_update(
    *, programme_year: ProgrammeYear, values: Mapping[str, Any], by
) -> ProgrammeYear:
    """Change the settings in `values` of `programme_year`, locking its row so that no
    acceptance runs meanwhile. Refuses (ValidationError, nothing saved) a reserve smaller than
    the reserve already released, and places that would no longer hold the schools that have
    accepted."""
    locked = ProgrammeYear.objects.select_for_update().get(pk=programme_year.pk)
    _set_values(locked, values)
    errors = {}
    if locked.reserve_places < locked.reserve_released:
        errors["reserve_places"] = (
            f"{locked.reserve_released} reserve places have been released already: keep at "
            f"least {locked.reserve_released} in reserve."
        )
    elif locked.reserve_places <= locked.funded_places:
        taken = locked.participations.holding_places().count()
        if locked.places_open < taken:
            errors["funded_places"] = (
                f"{taken} schools hold places already: funded places less the reserve still "
                f"held must be at least {taken}."
            )
    if errors:
        raise ValidationError(errors)
    locked.full_clean()
    locked._history_user = by
    locked.save()
    return locked


@transaction.atomic
def programme_year_release_reserve(*, programme_year: ProgrammeYear, by) -> ProgrammeYear:
    """Release one reserve place for acceptance (DOMAIN.md: the reserve is kept for schools
    identified once the year's KS2 results arrive). The year's row is locked, so two releases
    at once release two places, never more than the reserve."""
    locked = ProgrammeYear.objects.select_for_update().get(pk=programme_year.pk)
    if locked.reserve_released >= locked.reserve_places:
        raise ValidationError("Every reserve place has been released already.")
    locked.reserve_released += 1
    locked.full_clean()
    locked._history_user = by
    locked.save(update_fields=["reserve_released"])
    return locked


def _check_school_of_lea(school: School, programme_year: ProgrammeYear) -> None:
    if school.local_authority_id != programme_year.local_authority_id:
        raise ValidationError(
            f"{school.name} is not a school of the LEA that runs {programme_year.name}."
        )


@transaction.atomic
def selection_flag_save(
    *, programme_year: ProgrammeYear, school: School, reason: str, by
) -> SelectionFlag:
    """Flag `school` for selection criterion 3 in `programme_year` with `reason` (the LEA
    judges the programme would help it reach its targets), or change the reason of its flag."""
    _check_school_of_lea(school, programme_year)
    flag = (
        SelectionFlag.objects.select_for_update()
        .filter(programme_year=programme_year, school=school)
        .first()
    ) or SelectionFlag(programme_year=programme_year, school=school)
    flag.reason = reason.strip()
    flag.flagged_by = by
    flag.full_clean()
    flag.save()
    return flag


@transaction.atomic
def selection_flag_delete(*, programme_year: ProgrammeYear, school: School) -> bool:
    """Remove `school`'s criterion 3 flag in `programme_year`; False if it had none."""
    deleted, _ = SelectionFlag.objects.filter(programme_year=programme_year, school=school).delete()
    return bool(deleted)


def _record(participation: Participation, *, from_status: str, reason: str, by) -> None:
    ParticipationTransition.objects.create(
        participation=participation,
        from_status=from_status,
        to_status=participation.status,
        reason=reason,
        changed_by=by,
        changed_at=timezone.now(),
    )


def _save(participation: Participation, *, from_status: str, by) -> None:
    participation.full_clean()
    participation._history_user = by
    participation._change_reason = f"{from_status or 'new'} -> {participation.status}"
    participation.save()


@transaction.atomic
def participations_invite(
    *,
    programme_year: ProgrammeYear,
    schools: Iterable[School],
    by,
    today: datetime.date,
) -> list[Participation]:
    """Invite each of `schools` to `programme_year`: a new participation for a school that has
    none, or its identified one moved on, each INVITED on `today` with its transition recorded.

    All or nothing: if any school is of another LEA or is already placed in the year (invited
    or further), ValidationError names every such school and nothing is saved.
    """
    schools = sorted(set(schools), key=lambda school: (school.name, school.pk))
    existing = {
        participation.school_id: participation
        for participation in Participation.objects.select_for_update().filter(
            programme_year=programme_year, school__in=schools
        )
    }
    problems = []
    for school in schools:
        if school.local_authority_id != programme_year.local_authority_id:
            problems.append(f"{school.name} is not a school of this LEA.")
            continue
        placed = existing.get(school.pk)
        if placed is not None and placed.status != Status.IDENTIFIED:
            problems.append(
                f"{school.name} is already {placed.get_status_display().lower()} "
                f"in {programme_year.name}."
            )
    if problems:
        raise ValidationError(problems)
    invited = []
    for school in schools:
        participation = existing.get(school.pk) or Participation(
            programme_year=programme_year, school=school, status=""
        )
        from_status = participation.status
        participation.status = Status.INVITED
        participation.invited_on = today
        _save(participation, from_status=from_status, by=by)
        _record(participation, from_status=from_status, reason="", by=by)
        invited.append(participation)
    return invited


@transaction.atomic
def participation_move(
    *,
    participation: Participation,
    to_status: str,
    by,
    today: datetime.date,
    reason: str = "",
    override_reason: str = "",
) -> Participation:
    """Move `participation` to `to_status` if the workflow allows it from its current status
    (read under a row lock, so a stale page cannot skip a step), with `reason` where
    `REASON_REQUIRED`. Inviting sets `invited_on`, accepting `joined_on`, both to `today`.

    Accepting also locks the programme year and is refused while the places held (accepted,
    active or completed) already fill the places open: the funded places are never exceeded.
    Then the registered acceptance checks run (the budget); `override_reason` is what a
    strategy manager gave to go beyond a limit a check may let them override.
    Raises ValidationError, and changes nothing, when the move is not allowed.
    """
    to_status = Status(to_status)
    reason = reason.strip()
    if to_status == Status.ACCEPTED:
        # The year first, then the participation: every acceptance takes the locks in the same
        # order, and the count of places below sees every acceptance committed before it.
        programme_year = ProgrammeYear.objects.select_for_update().get(
            pk=participation.programme_year_id
        )
    locked = (
        Participation.objects.select_for_update(of=("self",))
        .select_related("programme_year", "school")
        .get(pk=participation.pk)
    )
    from_status = Status(locked.status)
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise ValidationError(
            f"A participation that is {from_status.label.lower()} cannot become "
            f"{to_status.label.lower()}.",
            code="transition_not_allowed",
        )
    if to_status in REASON_REQUIRED and not reason:
        raise ValidationError(
            {"reason": f"Give the reason the school {_reason_verb(to_status)}."},
            code="reason_required",
        )
    if to_status == Status.ACCEPTED:
        taken = Participation.objects.filter(
            programme_year=programme_year, status__in=PLACE_HOLDING_STATUSES
        ).count()
        if taken >= programme_year.places_open:
            raise ValidationError(
                f"All {programme_year.places_open} open places in {programme_year.name} are "
                "taken. Release a reserve place before accepting another school.",
                code="no_place_left",
            )
        for check in _acceptance_checks:
            check(
                participation=locked,
                programme_year=programme_year,
                by=by,
                override_reason=override_reason.strip(),
            )
        locked.joined_on = today
    if to_status == Status.INVITED:
        locked.invited_on = today
    locked.status = to_status
    if to_status in REASON_REQUIRED:
        locked.status_reason = reason
    _save(locked, from_status=from_status, by=by)
    _record(locked, from_status=from_status, reason=reason, by=by)
    return locked


def _reason_verb(status: Status) -> str:
    return "declined" if status == Status.DECLINED else "withdrew"


@transaction.atomic
def participation_update_judgement(
    *,
    participation: Participation,
    ofsted_kind: int | None,
    is_not_yet_progressing: bool,
    by,
) -> Participation:
    """Record the strategy manager's judgements on a participation: Ofsted's kind of school
    (1 to 4, or none yet) and whether it is not yet making the progress it is capable of (read
    by next year's selection, criterion 1)."""
    locked = Participation.objects.select_for_update().get(pk=participation.pk)
    locked.ofsted_kind = ofsted_kind
    locked.is_not_yet_progressing = is_not_yet_progressing
    locked.full_clean()
    locked._history_user = by
    locked.save(update_fields=["ofsted_kind", "is_not_yet_progressing"])
    return locked
