"""Reads of action plans and targets (DOMAIN.md: Action plans): the plan page, the plan check,
the LEA's list of plans per programme year, the plans on a school's page, and each
participation's KS2 targets before and after it joined.

Every function here costs a fixed number of queries, however many participations, priorities,
criteria, actions or reviews there are.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from django.core.cache import cache
from django.db.models import Max, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

from accounts.scoping import sees_school
from leadership.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Participation,
    PlanPriority,
    PlanReview,
    PriorityArea,
    ProgrammeYear,
    SuccessCriterion,
)
from schools.models import KeyStage, KeyStage2Target, KeyStageResult, Subject, TargetDirection
from schools.selectors import TargetSetting


class PlanFlagCode(StrEnum):
    """The weaknesses Ofsted found in year 1's plans that the plan check looks for."""

    NO_ENGLISH_OR_MATHS = "NO_ENGLISH_OR_MATHS"
    CRITERION_WITHOUT_NUMBER = "CRITERION_WITHOUT_NUMBER"
    TOO_MANY_PRIORITIES = "TOO_MANY_PRIORITIES"
    ACTIONS_OVERDUE = "ACTIONS_OVERDUE"
    NO_RECENT_REVIEW = "NO_RECENT_REVIEW"


@dataclass(frozen=True)
class PlanFlag:
    """One thing the plan check found weak, in plain words. `code` is a `PlanFlagCode`;
    `anchor` is the id of the part of the plan page the flag is about (empty if none)."""

    code: str
    message: str
    anchor: str = ""


@dataclass(frozen=True)
class PlanRow:
    """A participation with its plan (None if not started), the plan's number of priorities
    (None without a plan) and the plan check's flags (none without a plan)."""

    participation: Participation
    plan: ActionPlan | None
    priority_count: int | None
    flags: tuple[PlanFlag, ...]


@dataclass(frozen=True)
class PlanPage:
    """Everything the plan page shows: the plan (None until started), its priorities in order
    (each with `success_criteria` and `actions`, owners joined, loaded), its reviews newest
    first, the plan check's flags and the KS2 targets before and after joining."""

    participation: Participation
    plan: ActionPlan | None
    priorities: tuple[PlanPriority, ...]
    reviews: tuple[PlanReview, ...]
    flags: tuple[PlanFlag, ...]
    targets: tuple["TargetChange", ...]

    @property
    def max_priorities(self) -> int:
        return self.participation.programme_year.max_plan_priorities

    @property
    def review_weeks(self) -> int:
        return self.participation.programme_year.plan_review_weeks


def _priorities(*, with_owners: bool = False) -> Prefetch:
    """A plan's priorities in order with their criteria and actions (owners joined only
    `with_owners`: the plan check does not read them): three queries, whatever the number of
    plans. The criteria and actions are ordered within their own priority, so that their
    queries need not join the priorities back for the models' default ordering."""
    actions = Action.objects.order_by("due_on", "pk")
    if with_owners:
        actions = actions.select_related("owner")
    priorities = PlanPriority.objects.order_by("position", "pk").prefetch_related(
        Prefetch("success_criteria", queryset=SuccessCriterion.objects.order_by("pk")),
        Prefetch("actions", queryset=actions),
    )
    return Prefetch("priorities", queryset=priorities)


def _plans(queryset: QuerySet[ActionPlan], *, for_page: bool = False) -> list[ActionPlan]:
    """The plans of `queryset` with what the plan check reads: the programme year, the date of
    the latest review (`last_reviewed_on`) and the priorities in order with their criteria and
    actions; `for_page`, also the actions' owners and the reviews. Four queries (five
    `for_page`), whatever the number of plans."""
    lookups = [_priorities(with_owners=for_page)]
    if for_page:
        lookups.append(
            Prefetch("reviews", queryset=PlanReview.objects.select_related("reviewed_by"))
        )
    return list(
        queryset.select_related("participation__programme_year")
        .annotate(last_reviewed_on=Max("reviews__reviewed_on"))
        .prefetch_related(*lookups)
    )


def _long_date(day: date) -> str:
    return date_format(day, "j F Y")


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _check(plan: ActionPlan, *, today: date) -> list[PlanFlag]:
    """The plan check on a plan loaded by `_plans`; runs no query."""
    year: ProgrammeYear = plan.participation.programme_year
    priorities = list(plan.priorities.all())
    flags = []

    # DOMAIN.md: a good plan "is focused on raising standards in English and mathematics".
    if not any(p.area in (PriorityArea.ENGLISH, PriorityArea.MATHS) for p in priorities):
        message = (
            "The plan has no priorities yet: start with one in English or maths."
            if not priorities
            else "The plan has no priority in English or maths, where standards must rise."
        )
        flags.append(PlanFlag(PlanFlagCode.NO_ENGLISH_OR_MATHS, message, "priorities"))

    if len(priorities) > year.max_plan_priorities:
        flags.append(
            PlanFlag(
                PlanFlagCode.TOO_MANY_PRIORITIES,
                f"The plan has {len(priorities)} priorities, more than the "
                f"{year.max_plan_priorities} a year can carry: focus on fewer.",
                "priorities",
            )
        )

    for priority in priorities:
        for criterion in priority.success_criteria.all():
            if not criterion.is_quantified:
                flags.append(
                    PlanFlag(
                        PlanFlagCode.CRITERION_WITHOUT_NUMBER,
                        f"The success criterion '{criterion.description}' has no number to "
                        "measure it by.",
                        f"criterion-{criterion.pk}",
                    )
                )

    overdue = sorted(
        (
            action
            for priority in priorities
            for action in priority.actions.all()
            if action.due_on < today and action.status != ActionStatus.DONE
        ),
        key=lambda action: (action.due_on, action.pk),
    )
    if overdue:
        first = overdue[0]
        flags.append(
            PlanFlag(
                PlanFlagCode.ACTIONS_OVERDUE,
                f"{_plural(len(overdue), 'action is', 'actions are')} overdue, the earliest "
                f"'{first.description}', due on {_long_date(first.due_on)}.",
                f"action-{first.pk}",
            )
        )

    last_reviewed_on = plan.last_reviewed_on
    since = last_reviewed_on or timezone.localdate(plan.created_at)
    if today - since > timedelta(weeks=year.plan_review_weeks):
        if last_reviewed_on is None:
            message = (
                f"The plan has not been reviewed since it was started on {_long_date(since)}: "
                f"review it at least every {_plural(year.plan_review_weeks, 'week', 'weeks')}."
            )
        else:
            message = (
                f"The plan has not been reviewed since {_long_date(since)}: review it at least "
                f"every {_plural(year.plan_review_weeks, 'week', 'weeks')}."
            )
        flags.append(PlanFlag(PlanFlagCode.NO_RECENT_REVIEW, message, "reviews"))
    return flags


def plan_check(plan: ActionPlan, *, today: date) -> list[PlanFlag]:
    """What Ofsted found weak in year 1's plans, as found in `plan` on `today`:
    - no priority in English or maths;
    - more priorities than the programme year can carry (`max_plan_priorities`; as many is fine);
    - each success criterion without a number (no measure or no target value);
    - actions overdue (due before `today` and not done), with how many;
    - no review for more than `plan_review_weeks` weeks (counted from the latest review, or from
      the day the plan was started if it has none; exactly that many weeks is fine).
    Four queries, whatever the size of the plan."""
    (loaded,) = _plans(ActionPlan.objects.filter(pk=plan.pk))
    return _check(loaded, today=today)


def plan_flags_for_participations(
    participations: Iterable[Participation], *, today: date
) -> dict[int, list[PlanFlag]]:
    """The plan check (see `plan_check`) for each of `participations`, by participation pk;
    every participation given is a key, and one without a plan has no flags. Four queries
    whatever the number of participations. The caller has already limited `participations` to
    those the user may see."""
    pks = [participation.pk for participation in participations]
    flags: dict[int, list[PlanFlag]] = {pk: [] for pk in pks}
    for plan in _plans(ActionPlan.objects.filter(participation_id__in=pks)):
        flags[plan.participation_id] = _check(plan, today=today)
    return flags


def _with_plans(participations: QuerySet[Participation]) -> QuerySet[Participation]:
    """`participations` with their programme years and plans, and each plan's latest review date
    (`plan_last_reviewed_on`), in their own query: a participation has at most one plan."""
    return participations.select_related("programme_year", "action_plan").annotate(
        plan_last_reviewed_on=Max("action_plan__reviews__reviewed_on")
    )


#: How long a plan's check stays in the cache. Its key changes with everything the check reads
#: (`_check_key`), so this bounds only what a bulk write that forgot to say so could leave behind.
PLAN_CHECK_CACHE_SECONDS = 60 * 60
#: Raise when what is cached (a priority count and the flags) changes shape.
PLAN_CHECK_CACHE_VERSION = 1


def _check_key(plan: ActionPlan, *, today: date) -> str:
    """The cache key of `plan`'s check on `today`: everything `_check` reads. The priorities,
    criteria and actions are in the plan's `contents_version`; its start, its latest review, the
    year's settings, the day and the language of the messages are named."""
    year = plan.participation.programme_year
    return (
        f"plp:plan-check:{PLAN_CHECK_CACHE_VERSION}:{plan.pk}:{plan.contents_version}:"
        f"{plan.created_at.isoformat()}:{plan.last_reviewed_on}:{year.max_plan_priorities}:"
        f"{year.plan_review_weeks}:{today.isoformat()}:{get_language()}"
    )


def _plan_rows(participations: Iterable[Participation], *, today: date) -> list[PlanRow]:
    """A row for each of `participations` (loaded by `_with_plans`), in their order. Each plan's
    priority count and check come from the cache (one round trip for all) or, for the plans not
    there, from their priorities read in three more queries."""
    loaded = list(participations)
    plans = {}
    for participation in loaded:
        # The join leaves no plan cached as None: the reverse accessor then raises.
        plan = getattr(participation, "action_plan", None)
        if plan is not None:
            plan.last_reviewed_on = participation.plan_last_reviewed_on
            plans[participation.pk] = plan
    keys = {pk: _check_key(plan, today=today) for pk, plan in plans.items()}
    checks = cache.get_many(list(keys.values())) if keys else {}
    missing = [plan for pk, plan in plans.items() if keys[pk] not in checks]
    if missing:
        prefetch_related_objects(missing, _priorities())
        found = {
            keys[plan.participation_id]: (
                len(plan.priorities.all()),
                tuple(_check(plan, today=today)),
            )
            for plan in missing
        }
        cache.set_many(found, PLAN_CHECK_CACHE_SECONDS)
        checks.update(found)
    rows = []
    for participation in loaded:
        plan = plans.get(participation.pk)
        priority_count, flags = (None, ()) if plan is None else checks[keys[participation.pk]]
        rows.append(
            PlanRow(
                participation=participation, plan=plan, priority_count=priority_count, flags=flags
            )
        )
    return rows


def programme_year_plans(*, year: ProgrammeYear, user, today: date) -> list[PlanRow]:
    """The LEA's list of plans for `year`: every participation holding a place that `user` may
    see, by school name, with its plan and flags. Four queries whatever the number of
    participations; one once every plan's check is in the cache (`_plan_rows`)."""
    return _plan_rows(
        _with_plans(
            Participation.objects.visible_to(user)
            .filter(programme_year=year)
            .holding_places()
            .select_related("school")
            .order_by("school__name", "pk")
        ),
        today=today,
    )


#: Where `school_participations` keeps what it read on the school instance, by user pk.
_SCHOOL_PARTICIPATIONS = "_plp_participations"


def school_participations(*, school, user) -> list[Participation]:
    """Each participation of `school` that `user` may see, newest programme year first, with its
    programme year and plan (`_with_plans`). One query, then none: the list is kept on the
    `school` instance (one request's), so that the school page's sections (the plans, the PSCL,
    the money) share one read. Read through the school's own related manager, each
    participation comes with `school` set without joining it. A caller that changes a
    participation must read the school again rather than reuse this instance."""
    kept = school.__dict__.setdefault(_SCHOOL_PARTICIPATIONS, {})
    if user.pk not in kept:
        participations = school.participations.all()
        # A participation's scope is its school's: none to apply to a school the user is known
        # to see (known without a query for every role but the PSCL's).
        if not sees_school(user, school):
            participations = participations.visible_to(user)
        kept[user.pk] = list(
            _with_plans(participations.order_by("-programme_year__starts_on", "pk"))
        )
    return kept[user.pk]


def school_plans(*, school, user, today: date) -> list[PlanRow]:
    """Each participation of `school` that `user` may see (`school_participations`), newest
    programme year first, with its plan and flags. Four queries whatever the number of years;
    one once every plan's check is in the cache (`_plan_rows`), none if the participations were
    already read for `school`."""
    return _plan_rows(school_participations(school=school, user=user), today=today)


def plan_page(participation: Participation, *, today: date) -> PlanPage:
    """The plan page of `participation` on `today` (see `PlanPage`). Seven queries whatever the
    size of the plan. The caller has already checked that the user may see `participation`."""
    loaded = _plans(ActionPlan.objects.filter(participation=participation), for_page=True)
    plan = loaded[0] if loaded else None
    return PlanPage(
        participation=participation,
        plan=plan,
        priorities=() if plan is None else tuple(plan.priorities.all()),
        reviews=() if plan is None else tuple(plan.reviews.all()),
        flags=() if plan is None else tuple(_check(plan, today=today)),
        targets=participation_targets(participation),
    )


# Targets (DOMAIN.md: Action plans, "Targets") --------------------------------------------------


@dataclass(frozen=True)
class TargetChange:
    """A KS2 target (a year and a subject) before the school joined the programme and now.

    `before` is the latest setting on or before the day the school joined; if there is none
    (the target was first set later, or the participation has no joining date) it is the first
    setting, and `is_set_before_joining` is False. `after` is the latest setting. `result` is the
    % of pupils the school achieved at Level 4+ that year, None until results exist.
    """

    year: int
    subject: Subject
    before: TargetSetting
    after: TargetSetting
    is_set_before_joining: bool
    direction: TargetDirection
    result: Decimal | None

    @property
    def change(self) -> Decimal:
        """Percentage points from `before` to `after` (negative if lowered)."""
        return self.after.percentage - self.before.percentage

    @property
    def result_against_target(self) -> Decimal | None:
        """Percentage points by which the result beat (positive) or missed (negative) the
        latest target; None until results exist."""
        if self.result is None:
            return None
        return self.result - self.after.percentage

    @property
    def is_met(self) -> bool | None:
        if self.result is None:
            return None
        return self.result >= self.after.percentage


def _direction(before: Decimal, after: Decimal) -> TargetDirection:
    if after > before:
        return TargetDirection.RAISED
    if after < before:
        return TargetDirection.LOWERED
    return TargetDirection.KEPT


def _before_and_after(settings: list, joined_on) -> tuple:
    """The rule of a target's change (oldest setting first in `settings`): "before" is the latest
    setting on or before the joining day, else the first; "after" is the latest. Also whether
    "before" was set by the joining day."""
    set_before = [s for s in settings if joined_on is not None and s.set_on <= joined_on]
    before = set_before[-1] if set_before else settings[0]
    return before, settings[-1], bool(set_before)


@dataclass(frozen=True)
class TargetMove:
    """Whether one school's target (a year and a subject) was raised, kept or lowered after it
    joined, as `participation_targets` judges it, without the results."""

    participation: Participation
    year: int
    subject: Subject
    before: TargetSetting
    after: TargetSetting
    direction: TargetDirection


def target_moves(
    participations: list[Participation], *, up_to: date | None = None
) -> list[TargetMove]:
    """`participation_targets`' raised, kept or lowered for many participations at once, in one
    query (the dashboard and the evaluation report). Settings dated after `up_to` are left out:
    as of that day they have not been made yet. Each participation's programme year must be
    loaded."""
    by_school = {p.school_id: p for p in participations}
    if not by_school:
        return []
    targets = KeyStage2Target.objects.filter(
        school_id__in=list(by_school),
        year__gte=min(p.programme_year.ends_on.year for p in participations),
    ).order_by("school_id", "year", "subject", "set_on", "pk")
    if up_to is not None:
        targets = targets.filter(set_on__lte=up_to)
    grouped: dict[tuple[int, int, str], list[TargetSetting]] = {}
    for target in targets:
        grouped.setdefault((target.school_id, target.year, target.subject), []).append(
            TargetSetting(percentage=target.percentage, set_on=target.set_on, note=target.note)
        )
    moves = []
    for (school_id, year, subject), settings in grouped.items():
        participation = by_school[school_id]
        if year < participation.programme_year.ends_on.year:
            continue
        before, after, _ = _before_and_after(settings, participation.joined_on)
        moves.append(
            TargetMove(
                participation=participation,
                year=year,
                subject=Subject(subject),
                before=before,
                after=after,
                direction=_direction(before.percentage, after.percentage),
            )
        )
    return moves


def participation_targets(participation: Participation) -> tuple[TargetChange, ...]:
    """Whether the school raised, kept or lowered each KS2 target after joining the programme,
    and its results against the latest target (DOMAIN.md: Ofsted found very few schools raised
    their targets and some lowered them). Only targets for the programme year's own summer and
    later count: earlier tests were sat before the school joined. Ordered by year, then subject.
    Two queries (three if the participation's programme year is not loaded)."""
    first_year = participation.programme_year.ends_on.year
    targets = KeyStage2Target.objects.filter(
        school_id=participation.school_id, year__gte=first_year
    ).order_by("year", "subject", "set_on", "pk")
    results = {
        result.year: result
        for result in KeyStageResult.objects.filter(
            school_id=participation.school_id, key_stage=KeyStage.KS2, year__gte=first_year
        )
    }
    grouped: dict[tuple[int, str], list[TargetSetting]] = {}
    for target in targets:
        grouped.setdefault((target.year, target.subject), []).append(
            TargetSetting(percentage=target.percentage, set_on=target.set_on, note=target.note)
        )
    changes = []
    for (year, subject), settings in grouped.items():
        before, after, set_before = _before_and_after(settings, participation.joined_on)
        achieved = results.get(year)
        if achieved is None:
            result = None
        elif subject == Subject.ENGLISH:
            result = achieved.english_percentage
        else:
            result = achieved.maths_percentage
        changes.append(
            TargetChange(
                year=year,
                subject=Subject(subject),
                before=before,
                after=after,
                is_set_before_joining=set_before,
                direction=_direction(before.percentage, after.percentage),
                result=result,
            )
        )
    return tuple(changes)
