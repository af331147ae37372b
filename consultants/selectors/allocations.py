"""Reads of matching and allocations: the facts `consultants.matching` ranks on, the matching
board of a programme year, an allocation's history, and the school page's PSCL.

Each function runs a fixed number of queries whatever the number of schools and PSCLs.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum

from leadership.models import Participation, ParticipationStatus, ProgrammeYear
from leadership.selectors.plans import school_participations
from schools.models import School

from ..matching import Candidate, Place, Target, fmt_days, rank
from ..models import (
    CURRENT_STATUSES,
    Adviser,
    AdviserKind,
    Allocation,
    AllocationEvent,
    AllocationEventKind,
    AllocationStatus,
    Attachment,
    Capacity,
    ConflictDeclaration,
    DeclaredConflict,
)

#: The participations that are matched to a PSCL: the school has taken its place.
MATCHABLE_STATUSES = (ParticipationStatus.ACCEPTED, ParticipationStatus.ACTIVE)


def _link_advisers_by_school(lea_id: int) -> dict[int, frozenset[int]]:
    """The link advisers attached to each school of the LEA (one query)."""
    found = defaultdict(set)
    rows = Attachment.objects.filter(
        adviser__kind=AdviserKind.LINK_ADVISER, school__local_authority_id=lea_id
    ).values_list("school_id", "adviser_id")
    for school_id, adviser_id in rows:
        found[school_id].add(adviser_id)
    return {school_id: frozenset(ids) for school_id, ids in found.items()}


def _place(school: School, link_advisers: dict[int, frozenset[int]]) -> Place:
    return Place(
        pk=school.pk,
        name=school.name,
        easting=school.easting,
        northing=school.northing,
        number_on_roll=school.number_on_roll,
        school_type=school.school_type,
        school_type_label=school.get_school_type_display() if school.school_type else "",
        link_adviser_ids=link_advisers.get(school.pk, frozenset()),
    )


def matching_candidates(
    *, year: ProgrammeYear, adviser_pks=None, link_advisers=None
) -> list[Candidate]:
    """Every PSCL of the year's LEA (or those of `adviser_pks`) with their appointment, the
    year's declaration and conflicts, the schools that declined them this year, and their
    capacity and current allocations for the year. Seven queries at most."""
    if link_advisers is None:
        link_advisers = _link_advisers_by_school(year.local_authority_id)
    advisers = Adviser.objects.pscls().filter(local_authority_id=year.local_authority_id)
    if adviser_pks is not None:
        advisers = advisers.filter(pk__in=adviser_pks)
    advisers = list(advisers.select_related("home_school").order_by("full_name", "pk"))
    pks = [adviser.pk for adviser in advisers]
    capacities = {
        c.adviser_id: c for c in Capacity.objects.filter(programme_year=year, adviser_id__in=pks)
    }
    declared = set(
        ConflictDeclaration.objects.filter(programme_year=year, adviser_id__in=pks).values_list(
            "adviser_id", flat=True
        )
    )
    conflicts = defaultdict(lambda: defaultdict(list))
    for conflict in (
        DeclaredConflict.objects.filter(
            declaration__programme_year=year, declaration__adviser_id__in=pks
        )
        .only("kind", "school_id", "declaration__adviser_id")
        .select_related("declaration")
    ):
        conflicts[conflict.declaration.adviser_id][conflict.school_id].append(
            conflict.get_kind_display()
        )
    taken = {
        row["adviser_id"]: row
        for row in Allocation.objects.current()
        .filter(participation__programme_year=year, adviser_id__in=pks)
        .values("adviser_id")
        .annotate(schools=Count("pk"), days=Sum("planned_days"))
        .order_by()
    }
    declined = defaultdict(dict)
    for adviser_id, school_id, ended_on in Allocation.objects.filter(
        participation__programme_year=year,
        adviser_id__in=pks,
        status=AllocationStatus.DECLINED,
    ).values_list("adviser_id", "participation__school_id", "ended_on"):
        declined[adviser_id][school_id] = ended_on
    candidates = []
    for adviser in advisers:
        capacity = capacities.get(adviser.pk)
        used = taken.get(adviser.pk, {})
        candidates.append(
            Candidate(
                pk=adviser.pk,
                name=adviser.full_name,
                home=_place(adviser.home_school, link_advisers) if adviser.home_school else None,
                is_active=adviser.is_active,
                is_appointed=adviser.appointed_on is not None,
                has_declaration=adviser.pk in declared,
                conflicts={k: tuple(v) for k, v in conflicts[adviser.pk].items()},
                declined_by=dict(declined[adviser.pk]),
                max_schools=capacity.max_schools if capacity else None,
                max_days=capacity.max_days if capacity else None,
                schools_taken=used.get("schools", 0),
                days_taken=used.get("days") or Decimal("0.0"),
            )
        )
    return candidates


def _current_adviser_pks(participations) -> dict[int, int]:
    return dict(
        Allocation.objects.current()
        .filter(participation__in=participations)
        .values_list("participation_id", "adviser_id")
    )


def matching_target(*, participation: Participation, link_advisers=None) -> Target:
    """The participation as matching sees it (two queries)."""
    if link_advisers is None:
        link_advisers = _link_advisers_by_school(participation.school.local_authority_id)
    current = (
        Allocation.objects.current()
        .filter(participation=participation)
        .values_list("adviser_id", flat=True)
        .first()
    )
    return Target(
        participation_pk=participation.pk,
        place=_place(participation.school, link_advisers),
        current_adviser_pk=current,
    )


@dataclass(frozen=True)
class SuggestionsPage:
    target: Target
    ranked: list
    excluded: list
    current: Allocation | None


def match_suggestions(*, participation: Participation) -> SuggestionsPage:
    """The ranked PSCLs for `participation` with the reasons of each score, the PSCLs who may
    not be matched with why, and its current allocation (if any)."""
    year = participation.programme_year
    link_advisers = _link_advisers_by_school(year.local_authority_id)
    target = matching_target(participation=participation, link_advisers=link_advisers)
    candidates = matching_candidates(year=year, link_advisers=link_advisers)
    ranked, excluded = rank(candidates, target, year_name=year.name, days=year.pscl_days_per_school)
    current = (
        Allocation.objects.current()
        .filter(participation=participation)
        .select_related("adviser")
        .annotate(change_reason=_change_reason())
        .first()
    )
    return SuggestionsPage(target, ranked, excluded, current)


def unmatched_participations(*, year: ProgrammeYear):
    """The year's participating schools (accepted or active) without a PSCL."""
    return (
        Participation.objects.filter(programme_year=year, status__in=MATCHABLE_STATUSES)
        .exclude(allocations__status__in=CURRENT_STATUSES)
        .select_related("school")
        .order_by("school__name", "pk")
    )


def suggest_all_inputs(*, year: ProgrammeYear) -> tuple[list[Participation], list, list]:
    """The unmatched participations, their targets and every PSCL of the LEA as candidates."""
    link_advisers = _link_advisers_by_school(year.local_authority_id)
    participations = list(unmatched_participations(year=year))
    targets = [
        Target(participation_pk=p.pk, place=_place(p.school, link_advisers)) for p in participations
    ]
    candidates = matching_candidates(year=year, link_advisers=link_advisers)
    return participations, targets, candidates


def _change_reason():
    """The reason of the allocation's latest change request (a subquery)."""
    return Subquery(
        AllocationEvent.objects.filter(
            allocation=OuterRef("pk"), kind=AllocationEventKind.CHANGE_REQUESTED
        )
        .order_by("-at", "-pk")
        .values("reason")[:1]
    )


@dataclass(frozen=True)
class BoardRow:
    participation: Participation
    allocation: Allocation | None

    @property
    def is_past_days(self) -> bool:
        return self.allocation is not None and self.allocation.days_left < 0


@dataclass(frozen=True)
class LoadRow:
    adviser: Adviser
    schools: int
    days: Decimal
    max_schools: int | None
    max_days: Decimal | None

    @property
    def warnings(self) -> list[str]:
        found = []
        if self.max_schools is None:
            if self.schools:
                found.append("No capacity recorded")
            return found
        if self.schools > self.max_schools:
            found.append(f"Over capacity: {self.schools} of {self.max_schools} schools")
        if self.days > self.max_days:
            found.append(f"Over capacity: {fmt_days(self.days)} of {fmt_days(self.max_days)} days")
        return found


@dataclass(frozen=True)
class Board:
    rows: list[BoardRow]
    load: list[LoadRow]

    @property
    def unmatched(self) -> int:
        return sum(1 for row in self.rows if row.allocation is None)

    @property
    def past_days(self) -> int:
        return sum(1 for row in self.rows if row.is_past_days)

    @property
    def over_capacity(self) -> int:
        return sum(1 for row in self.load if row.warnings)


def matching_board(*, year: ProgrammeYear) -> Board:
    """Every participating school of the year with its current PSCL and days (unmatched first,
    then by name), and each PSCL's load against capacity. Four queries."""
    participations = list(
        Participation.objects.filter(programme_year=year, status__in=MATCHABLE_STATUSES)
        .select_related("school")
        .order_by("school__name", "pk")
    )
    allocations = {
        a.participation_id: a
        for a in Allocation.objects.current()
        .filter(participation__programme_year=year)
        .with_days()
        .annotate(change_reason=_change_reason())
        .select_related("adviser")
    }
    rows = [BoardRow(p, allocations.get(p.pk)) for p in participations]
    rows.sort(key=lambda row: row.allocation is not None)
    capacities = {c.adviser_id: c for c in Capacity.objects.filter(programme_year=year).order_by()}
    advisers = (
        Adviser.objects.pscls()
        .filter(local_authority_id=year.local_authority_id)
        .filter(
            Q(pk__in=list(capacities))
            | Q(
                allocations__participation__programme_year=year,
                allocations__status__in=CURRENT_STATUSES,
            )
        )
        .distinct()
        .order_by("full_name", "pk")
    )
    loads = defaultdict(lambda: [0, Decimal("0.0")])
    for allocation in allocations.values():
        loads[allocation.adviser_id][0] += 1
        loads[allocation.adviser_id][1] += allocation.planned_days
    load = []
    for adviser in advisers:
        capacity = capacities.get(adviser.pk)
        schools, days = loads[adviser.pk]
        load.append(
            LoadRow(
                adviser,
                schools,
                days,
                capacity.max_schools if capacity else None,
                capacity.max_days if capacity else None,
            )
        )
    return Board(rows, load)


def allocation_events(*, allocation: Allocation):
    """The history of an allocation, oldest first, with who made each change."""
    return allocation.events.select_related("by").order_by("at", "pk")


def school_current_allocation(*, school: School, user) -> Allocation | None:
    """The current allocation (with its days) of `school`'s latest participation that `user`
    may see, with its PSCL's name: the school page's section reads no other field (another would
    cost a query of its own). One query: the participation (with its programme year) comes from
    `school_participations`, which the page's programme section has already read. A
    participation has at most one current allocation, so the order only makes the query
    deterministic and cheap (the model's default order would join the school for its name)."""
    participations = school_participations(school=school, user=user)
    if not participations:
        return None
    # Read through the participation's manager, the allocation comes with it as its
    # participation, without a join. The caller has checked that the user may see the school,
    # so only the PSCL's own rule is left to apply.
    return (
        participations[0]
        .allocations.visible_to_in_visible_school(user)
        .current()
        .with_days()
        .select_related("adviser")
        .only("status", "planned_days", "participation_id", "adviser__full_name")
        .order_by("pk")
        .first()
    )
