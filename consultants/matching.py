"""Matching PSCLs to schools: who may be matched, how well each fits, and a whole-LEA proposal.

Pure functions on small dataclasses, with no database: `consultants.selectors.allocations` builds
the dataclasses from the models, so that the rules here are tested on a hand-made map.

DOMAIN.md (PSCLs: matching): matching is "best fit": geography and travel, similar school size
and type, the PSCL's capacity, sometimes a cluster sharing one link adviser. Never the PSCL's own
school, never a school they declared a conflict with, never an undeclared PSCL.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

#: Points for distance: this many at 0 km, falling linearly to none at `DISTANCE_ZERO_METRES`.
DISTANCE_POINTS = 40
DISTANCE_ZERO_METRES = 25_000
#: Points for a similar number on roll: SIZE_POINTS x (1 - |a - b| / max(a, b)).
SIZE_POINTS = 20
#: Points for the same type of school (community, voluntary aided...).
TYPE_POINTS = 10
#: Points when the school's link adviser is also attached to the PSCL's home school.
LINK_ADVISER_POINTS = 15
#: Points for remaining capacity: CAPACITY_POINTS x schools left / max schools.
CAPACITY_POINTS = 15
#: The best possible score.
MAX_SCORE = DISTANCE_POINTS + SIZE_POINTS + TYPE_POINTS + LINK_ADVISER_POINTS + CAPACITY_POINTS


@dataclass(frozen=True)
class Place:
    """A school as matching sees it."""

    pk: int
    name: str
    easting: int | None = None
    northing: int | None = None
    number_on_roll: int | None = None
    school_type: str = ""
    school_type_label: str = ""
    #: The link advisers attached to the school (a school has at most one).
    link_adviser_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Target:
    """A participating school to match, and the PSCL it has now (when it asked for a change)."""

    participation_pk: int
    place: Place
    current_adviser_pk: int | None = None


@dataclass(frozen=True)
class Candidate:
    """A PSCL of the LEA with what decides whether and how well they fit, for one year."""

    pk: int
    name: str
    home: Place | None = None
    is_active: bool = True
    is_appointed: bool = True
    has_declaration: bool = True
    #: The schools (pk) the PSCL declared a conflict with, and the kinds (labels) of each.
    conflicts: dict[int, tuple[str, ...]] = field(default_factory=dict)
    #: The schools (pk) that declined the PSCL this year, and when.
    declined_by: dict[int, date] = field(default_factory=dict)
    #: The PSCL's capacity for the year; None when none is recorded.
    max_schools: int | None = None
    max_days: Decimal | None = None
    #: Current allocations of the year: how many schools, and their planned days.
    schools_taken: int = 0
    days_taken: Decimal = Decimal("0.0")

    @property
    def schools_left(self) -> int:
        return (self.max_schools or 0) - self.schools_taken

    @property
    def days_left(self) -> Decimal:
        return (self.max_days or Decimal("0")) - self.days_taken

    def taking(self, days: Decimal) -> "Candidate":
        """The candidate with one more school of `days` taken."""
        return replace(
            self, schools_taken=self.schools_taken + 1, days_taken=self.days_taken + days
        )


@dataclass(frozen=True)
class ScorePart:
    """One part of a score: its points out of `out_of`, and the reason shown to the manager."""

    name: str
    points: float
    out_of: int
    reason: str


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: float
    parts: tuple[ScorePart, ...]
    #: Shown next to the suggestion: taking the school's days would pass the PSCL's days.
    days_warning: str = ""


@dataclass(frozen=True)
class Exclusion:
    candidate: Candidate
    reasons: tuple[str, ...]
    #: True when the PSCL is ruled out only by capacity: the manager may still confirm them,
    #: saying that they accept going over capacity.
    only_capacity: bool = False


@dataclass(frozen=True)
class Proposal:
    """Suggest-all's proposal for one school: the suggestion, or None and why not."""

    target: Target
    suggestion: Suggestion | None
    eligible: tuple[Candidate, ...]
    why_none: str = ""


def fmt_days(days: Decimal) -> str:
    return f"{Decimal(days).quantize(Decimal('0.1'))}"


def hard_reasons(candidate: Candidate, target: Target, *, year_name: str) -> list[str]:
    """Why `candidate` may never be matched to `target` this year (empty: they may)."""
    reasons = []
    school = target.place
    if not candidate.is_active:
        reasons.append("No longer working for the LEA")
    elif not candidate.is_appointed:
        reasons.append("Not appointed")
    if candidate.home is not None and candidate.home.pk == school.pk:
        reasons.append("Own school")
    if not candidate.has_declaration:
        reasons.append(f"No conflict declaration for {year_name}")
    for kind in candidate.conflicts.get(school.pk, ()):
        reasons.append(f"Declared conflict: {kind.lower()}")
    declined_on = candidate.declined_by.get(school.pk)
    if declined_on is not None:
        reasons.append(f"Declined by the school on {declined_on.day} {declined_on:%B %Y}")
    if target.current_adviser_pk == candidate.pk:
        reasons.append("The school's current PSCL, whom it asked to change")
    return reasons


def capacity_reason(candidate: Candidate, *, year_name: str) -> str:
    """Why `candidate` has no school place left this year ("" when they have)."""
    if candidate.max_schools is None:
        return f"Full: no capacity recorded for {year_name}"
    if candidate.schools_left <= 0:
        return f"Full: {candidate.schools_taken} of {candidate.max_schools} schools"
    return ""


def days_warning(candidate: Candidate, days: Decimal) -> str:
    """A warning when `days` more would take `candidate` past their days ("" otherwise)."""
    if candidate.max_days is None or candidate.days_taken + days <= candidate.max_days:
        return ""
    return (
        f"Over capacity on days: {fmt_days(candidate.days_taken)} planned + {fmt_days(days)} "
        f"of {fmt_days(candidate.max_days)} days"
    )


def distance_metres(a: Place, b: Place) -> float | None:
    """The straight-line distance between two schools from their grid references."""
    if None in (a.easting, a.northing, b.easting, b.northing):
        return None
    return math.hypot(a.easting - b.easting, a.northing - b.northing)


def _round(points: float) -> float:
    return round(points + 0.0, 1)


def distance_part(home: Place | None, school: Place) -> ScorePart:
    metres = distance_metres(home, school) if home is not None else None
    if metres is None:
        return ScorePart("Distance", 0.0, DISTANCE_POINTS, "Distance unknown: no grid reference")
    points = DISTANCE_POINTS * max(0.0, 1 - metres / DISTANCE_ZERO_METRES)
    return ScorePart(
        "Distance", _round(points), DISTANCE_POINTS, f"{metres / 1000:.1f} km from the home school"
    )


def size_part(home: Place | None, school: Place) -> ScorePart:
    a = home.number_on_roll if home is not None else None
    b = school.number_on_roll
    if a is None or b is None:
        return ScorePart("Size", 0.0, SIZE_POINTS, "Size unknown: no number on roll")
    biggest = max(a, b)
    points = SIZE_POINTS * (1 - abs(a - b) / biggest) if biggest else SIZE_POINTS
    return ScorePart(
        "Size", _round(points), SIZE_POINTS, f"{a} pupils at the home school, {b} here"
    )


def type_part(home: Place | None, school: Place) -> ScorePart:
    if home is None or not home.school_type or not school.school_type:
        return ScorePart("Type", 0.0, TYPE_POINTS, "Type of school unknown")
    if home.school_type == school.school_type:
        label = school.school_type_label or school.school_type
        return ScorePart("Type", float(TYPE_POINTS), TYPE_POINTS, f"Same type: {label.lower()}")
    return ScorePart(
        "Type",
        0.0,
        TYPE_POINTS,
        f"Different type: {(home.school_type_label or home.school_type).lower()} at the home "
        "school",
    )


def link_adviser_part(home: Place | None, school: Place) -> ScorePart:
    if not school.link_adviser_ids:
        return ScorePart("Link adviser", 0.0, LINK_ADVISER_POINTS, "The school has no link adviser")
    if home is not None and school.link_adviser_ids & home.link_adviser_ids:
        return ScorePart(
            "Link adviser",
            float(LINK_ADVISER_POINTS),
            LINK_ADVISER_POINTS,
            "Same link adviser as the home school",
        )
    return ScorePart("Link adviser", 0.0, LINK_ADVISER_POINTS, "A different link adviser")


def capacity_part(candidate: Candidate) -> ScorePart:
    if not candidate.max_schools:
        return ScorePart("Capacity", 0.0, CAPACITY_POINTS, "No capacity recorded")
    left = max(candidate.schools_left, 0)
    points = CAPACITY_POINTS * left / candidate.max_schools
    return ScorePart(
        "Capacity",
        _round(points),
        CAPACITY_POINTS,
        f"{left} of {candidate.max_schools} schools left",
    )


def score(candidate: Candidate, target: Target) -> tuple[float, tuple[ScorePart, ...]]:
    """How well `candidate` fits `target`, out of MAX_SCORE, and its parts with their reasons.
    The total is the sum of the parts as shown (each to one decimal place)."""
    home, school = candidate.home, target.place
    parts = (
        distance_part(home, school),
        size_part(home, school),
        type_part(home, school),
        link_adviser_part(home, school),
        capacity_part(candidate),
    )
    return _round(sum(part.points for part in parts)), parts


def _order(suggestion: Suggestion):
    return (-suggestion.score, suggestion.candidate.name, suggestion.candidate.pk)


def rank(
    candidates: Iterable[Candidate], target: Target, *, year_name: str, days: Decimal
) -> tuple[list[Suggestion], list[Exclusion]]:
    """The PSCLs who may be matched to `target`, best first (ties by name), each with a warning
    if `days` more would pass their days; and those who may not, by name, with why."""
    ranked, excluded = [], []
    for candidate in candidates:
        reasons = hard_reasons(candidate, target, year_name=year_name)
        full = capacity_reason(candidate, year_name=year_name)
        if reasons or full:
            excluded.append(
                Exclusion(
                    candidate,
                    tuple(reasons + ([full] if full else [])),
                    only_capacity=not reasons,
                )
            )
            continue
        total, parts = score(candidate, target)
        ranked.append(Suggestion(candidate, total, parts, days_warning(candidate, days)))
    ranked.sort(key=_order)
    excluded.sort(key=lambda e: (e.candidate.name, e.candidate.pk))
    return ranked, excluded


def suggest_all(
    targets: Sequence[Target], candidates: Sequence[Candidate], *, year_name: str, days: Decimal
) -> list[Proposal]:
    """A PSCL for every target within capacity (schools and days, `days` a school), greedily:
    the schools with the fewest eligible PSCLs choose first, each taking its best-scoring PSCL
    with room left. Proposals come back in the order the schools chose."""
    eligible = {
        target.participation_pk: tuple(
            c for c in candidates if not hard_reasons(c, target, year_name=year_name)
        )
        for target in targets
    }
    order = sorted(
        targets,
        key=lambda t: (len(eligible[t.participation_pk]), t.place.name, t.participation_pk),
    )
    state = {candidate.pk: candidate for candidate in candidates}
    proposals = []
    for target in order:
        choices = eligible[target.participation_pk]
        if not choices:
            proposals.append(Proposal(target, None, choices, "No eligible PSCL"))
            continue
        with_room = [
            state[c.pk]
            for c in choices
            if not capacity_reason(state[c.pk], year_name=year_name)
            and not days_warning(state[c.pk], days)
        ]
        if not with_room:
            proposals.append(
                Proposal(target, None, choices, "Every eligible PSCL is full (schools or days)")
            )
            continue
        scored = []
        for candidate in with_room:
            total, parts = score(candidate, target)
            scored.append(Suggestion(candidate, total, parts))
        best = min(scored, key=_order)
        state[best.candidate.pk] = best.candidate.taking(days)
        proposals.append(Proposal(target, best, choices))
    return proposals
