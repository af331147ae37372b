"""Writes of matching and allocations: confirming a PSCL for a school (one, or all of suggest-all
at once), changing the planned days, the school asking for a change or declining, ending a match.

Every change writes an AllocationEvent (the history). The participation is locked while its
match changes, so that two managers cannot both match it; the PSCLs concerned are locked too, so
that two confirmations cannot together pass a PSCL's capacity unseen.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import clock
from leadership.models import Participation

from ..matching import capacity_reason, days_warning, fmt_days, hard_reasons
from ..models import (
    Adviser,
    Allocation,
    AllocationEvent,
    AllocationEventKind,
    AllocationStatus,
)
from ..selectors.allocations import MATCHABLE_STATUSES, matching_candidates, matching_target


def _event(*, allocation, kind, by, reason="", detail="", at=None) -> AllocationEvent:
    event = AllocationEvent(
        allocation=allocation,
        kind=kind,
        by=by,
        reason=reason,
        detail=detail,
        at=at or timezone.now(),
    )
    # `by` is kept null only when the user is deleted; a change by the system has no one.
    event.full_clean(exclude=["by"] if by is None else None)
    event.save()
    return event


def _clean(allocation: Allocation) -> None:
    # `confirmed_by` is null for a match made before sign-ins were recorded, or by a user since
    # deleted: that alone does not stop the match from changing.
    allocation.full_clean(exclude=["confirmed_by"] if allocation.confirmed_by_id is None else None)


def _lock_participation(participation: Participation) -> Participation:
    return (
        Participation.objects.select_for_update(of=("self",))
        .select_related("school", "programme_year")
        .get(pk=participation.pk)
    )


def _lock_allocation(allocation: Allocation) -> Allocation:
    return (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("adviser", "participation__programme_year", "participation__school")
        .get(pk=allocation.pk)
    )


def _lock_advisers(pks) -> None:
    # In pk order, so that two transactions locking the same PSCLs cannot deadlock.
    list(Adviser.objects.select_for_update().filter(pk__in=sorted(set(pks))).order_by("pk"))


def _check_participation(participation: Participation) -> Allocation | None:
    """The participation's current allocation, which may be replaced only when the school asked
    for a change; errors when the school is not matchable or already has its PSCL."""
    if participation.status not in MATCHABLE_STATUSES:
        raise ValidationError(
            f"{participation.school.name} has not taken its place this year: only accepted or "
            "active schools are matched."
        )
    current = (
        Allocation.objects.current()
        .select_for_update(of=("self",))
        .select_related("adviser")
        .filter(participation=participation)
        .first()
    )
    if current is not None and current.status != AllocationStatus.CHANGE_REQUESTED:
        raise ValidationError(f"{participation.school.name} already has a PSCL this year.")
    return current


def _capacity_problems(candidate, days: Decimal, year_name: str) -> list[str]:
    problems = []
    full = capacity_reason(candidate, year_name=year_name)
    if full:
        problems.append(full)
    warning = days_warning(candidate, days)
    if warning:
        problems.append(warning)
    return problems


def _replace(*, current: Allocation, new_adviser: Adviser, by, today, at) -> None:
    """End `current`, which the school asked to change, because `new_adviser` replaces it."""
    request = (
        current.events.filter(kind=AllocationEventKind.CHANGE_REQUESTED)
        .order_by("-at", "-pk")
        .values_list("reason", flat=True)
        .first()
    )
    reason = f"Replaced by {new_adviser.full_name} at the school's request"
    if request:
        reason += f": {request}"
    current.status = AllocationStatus.ENDED
    current.ended_on = today
    current.end_reason = reason
    _clean(current)
    current.save(update_fields=["status", "ended_on", "end_reason"])
    _event(allocation=current, kind=AllocationEventKind.ENDED, by=by, reason=reason, at=at)


def _create(*, participation, adviser, planned_days, by, at, reason="") -> Allocation:
    allocation = Allocation(
        participation=participation,
        adviser=adviser,
        status=AllocationStatus.CONFIRMED,
        planned_days=planned_days,
        confirmed_by=by,
        confirmed_at=at,
    )
    allocation.full_clean(exclude=["confirmed_by"] if by is None else None)
    allocation.save()
    _event(
        allocation=allocation,
        kind=AllocationEventKind.CONFIRMED,
        by=by,
        reason=reason,
        detail=f"{fmt_days(planned_days)} days",
        at=at,
    )
    return allocation


@transaction.atomic
def allocation_confirm(
    *,
    participation: Participation,
    adviser: Adviser,
    planned_days: Decimal,
    by,
    accept_over_capacity: bool = False,
    today=None,
) -> Allocation:
    """Match `adviser` to `participation` with `planned_days`.

    The PSCL must be eligible (same LEA, appointed, declared for the year, no conflict with the
    school, not its own school, not declined by it this year). Going past the PSCL's capacity
    (schools or days) needs `accept_over_capacity`. When the school asked to change its PSCL,
    the old match ends (with the school's reason) and the new one starts, together.
    """
    participation = _lock_participation(participation)
    year = participation.programme_year
    if adviser.local_authority_id != year.local_authority_id:
        raise ValidationError("The PSCL works for another LEA.")
    current = _check_participation(participation)
    _lock_advisers([adviser.pk])
    candidates = matching_candidates(year=year, adviser_pks=[adviser.pk])
    if not candidates:
        raise ValidationError("Only a PSCL can be matched to a school.")
    candidate = candidates[0]
    reasons = hard_reasons(
        candidate,
        matching_target(participation=participation, link_advisers={}),
        year_name=year.name,
    )
    if reasons:
        raise ValidationError(f"{adviser.full_name} cannot be matched: {'; '.join(reasons)}.")
    problems = _capacity_problems(candidate, Decimal(planned_days), year.name)
    if problems and not accept_over_capacity:
        raise ValidationError(
            f"{adviser.full_name} is over capacity: {'; '.join(problems)}. Confirm that you "
            "accept going over capacity.",
            code="over_capacity",
        )
    at = timezone.now()
    today = today or clock.today()
    if current is not None:
        _replace(current=current, new_adviser=adviser, by=by, today=today, at=at)
    reason = f"Confirmed over capacity ({'; '.join(problems)})" if problems else ""
    return _create(
        participation=participation,
        adviser=adviser,
        planned_days=planned_days,
        by=by,
        at=at,
        reason=reason,
    )


@transaction.atomic
def allocations_confirm_many(*, year, choices, by) -> list[Allocation]:
    """Confirm suggest-all's reviewed choices, `choices` being (participation, adviser) pairs
    each with the year's default days: every one, or (on any error) none.

    Each school must still be unmatched and each PSCL eligible for it; together the choices must
    keep every PSCL within capacity (schools and days). The errors come back keyed by the
    participation's pk (as a string), to show next to each school.
    """
    days = year.pscl_days_per_school
    pairs = sorted(choices, key=lambda pair: pair[0].pk)
    locked = {
        p.pk: p
        for p in Participation.objects.select_for_update(of=("self",))
        .select_related("school", "programme_year")
        .filter(pk__in=[p.pk for p, _ in pairs])
        .order_by("pk")
    }
    _lock_advisers([a.pk for _, a in pairs])
    candidates = {
        c.pk: c for c in matching_candidates(year=year, adviser_pks=[a.pk for _, a in pairs])
    }
    errors = defaultdict(list)
    for participation, adviser in pairs:
        key = str(participation.pk)
        participation = locked.get(participation.pk)
        if participation is None or participation.programme_year_id != year.pk:
            errors[key].append("The school is not in this programme year.")
            continue
        try:
            current = _check_participation(participation)
        except ValidationError as error:
            errors[key].extend(error.messages)
            continue
        if current is not None:
            errors[key].append(f"{participation.school.name} already has a PSCL this year.")
            continue
        candidate = candidates.get(adviser.pk)
        if candidate is None:
            errors[key].append("Only a PSCL of the LEA can be matched to a school.")
            continue
        reasons = hard_reasons(
            candidate,
            matching_target(participation=participation, link_advisers={}),
            year_name=year.name,
        )
        if reasons:
            errors[key].append(f"{adviser.full_name} cannot be matched: {'; '.join(reasons)}.")
            continue
        problems = _capacity_problems(candidate, days, year.name)
        if problems:
            errors[key].append(f"{adviser.full_name} is over capacity: {'; '.join(problems)}.")
            continue
        candidates[adviser.pk] = candidate.taking(days)
    if errors:
        raise ValidationError(dict(errors))
    at = timezone.now()
    return [
        _create(
            participation=locked[participation.pk],
            adviser=adviser,
            planned_days=days,
            by=by,
            at=at,
            reason="Suggested for the whole LEA and reviewed",
        )
        for participation, adviser in pairs
    ]


def _current_or_error(allocation: Allocation) -> Allocation:
    allocation = _lock_allocation(allocation)
    if not allocation.is_current:
        raise ValidationError(
            f"This match is {allocation.get_status_display().lower()}: it can no longer change."
        )
    return allocation


def _reason_or_error(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason


@transaction.atomic
def allocation_change_days(
    *,
    allocation: Allocation,
    planned_days: Decimal,
    by,
    reason: str = "",
    accept_over_capacity: bool = False,
) -> Allocation:
    """Change a current match's planned days. More days than the PSCL has left for the year
    need `accept_over_capacity`."""
    allocation = _current_or_error(allocation)
    old = allocation.planned_days
    planned_days = Decimal(planned_days)
    if planned_days == old:
        raise ValidationError({"planned_days": f"The match already has {fmt_days(old)} days."})
    if planned_days > old:
        year = allocation.participation.programme_year
        _lock_advisers([allocation.adviser_id])
        candidate = matching_candidates(year=year, adviser_pks=[allocation.adviser_id])[0]
        warning = days_warning(candidate, planned_days - old)
        if warning and not accept_over_capacity:
            raise ValidationError(
                f"{allocation.adviser.full_name} is over capacity: {warning}. Confirm that you "
                "accept going over capacity.",
                code="over_capacity",
            )
    allocation.planned_days = planned_days
    _clean(allocation)
    allocation.save(update_fields=["planned_days"])
    _event(
        allocation=allocation,
        kind=AllocationEventKind.DAYS_CHANGED,
        by=by,
        reason=reason.strip(),
        detail=f"{fmt_days(old)} -> {fmt_days(planned_days)} days",
    )
    return allocation


@transaction.atomic
def allocation_request_change(*, allocation: Allocation, reason: str, by) -> Allocation:
    """The school asks for another PSCL, saying why. The PSCL stays until the strategy manager
    confirms another one (or the school withdraws its request)."""
    reason = _reason_or_error(reason, "Say why the school wants another PSCL")
    allocation = _current_or_error(allocation)
    if allocation.status == AllocationStatus.CHANGE_REQUESTED:
        raise ValidationError("The school has already asked for a change.")
    allocation.status = AllocationStatus.CHANGE_REQUESTED
    _clean(allocation)
    allocation.save(update_fields=["status"])
    _event(allocation=allocation, kind=AllocationEventKind.CHANGE_REQUESTED, by=by, reason=reason)
    return allocation


@transaction.atomic
def allocation_withdraw_request(*, allocation: Allocation, by, reason: str = "") -> Allocation:
    """The school withdraws its request for another PSCL: the match is confirmed again."""
    allocation = _current_or_error(allocation)
    if allocation.status != AllocationStatus.CHANGE_REQUESTED:
        raise ValidationError("The school has not asked for a change.")
    allocation.status = AllocationStatus.CONFIRMED
    _clean(allocation)
    allocation.save(update_fields=["status"])
    _event(
        allocation=allocation,
        kind=AllocationEventKind.CHANGE_WITHDRAWN,
        by=by,
        reason=(reason or "").strip(),
    )
    return allocation


def _finish(*, allocation, status, kind, reason, by, today) -> Allocation:
    allocation = _current_or_error(allocation)
    allocation.status = status
    allocation.ended_on = today or clock.today()
    allocation.end_reason = reason
    _clean(allocation)
    allocation.save(update_fields=["status", "ended_on", "end_reason"])
    _event(allocation=allocation, kind=kind, by=by, reason=reason)
    return allocation


@transaction.atomic
def allocation_decline(*, allocation: Allocation, reason: str, by, today=None) -> Allocation:
    """The school declines its PSCL, saying why: the match ends, and the PSCL is not suggested
    to the school again this year."""
    reason = _reason_or_error(reason, "Say why the school declines the PSCL")
    return _finish(
        allocation=allocation,
        status=AllocationStatus.DECLINED,
        kind=AllocationEventKind.DECLINED,
        reason=reason,
        by=by,
        today=today,
    )


@transaction.atomic
def allocation_end(*, allocation: Allocation, reason: str, by, today=None) -> Allocation:
    """The strategy manager ends a match, saying why; the school may then be matched again."""
    reason = _reason_or_error(reason, "Say why the match ends")
    return _finish(
        allocation=allocation,
        status=AllocationStatus.ENDED,
        kind=AllocationEventKind.ENDED,
        reason=reason,
        by=by,
        today=today,
    )
