"""The matching rules on a small hand-made map, with no database: eligibility, each part of the
score, the ranking order and suggest-all's greedy choice within capacity."""

import datetime
from decimal import Decimal

import pytest

from consultants import matching
from consultants.matching import Candidate, Place, Target

#: Link advisers: Lin (100) and Lee (101).
LIN, LEE = 100, 101

# The home schools of the three PSCLs.
HOME_A = Place(
    1, "Alder Primary", 450000, 300000, 200, "COMMUNITY", "Community school", frozenset({LIN})
)
HOME_B = Place(
    2,
    "Birch Primary",
    460000,
    300000,
    400,
    "VOLUNTARY_AIDED",
    "Voluntary aided school",
    frozenset({LEE}),
)
HOME_C = Place(
    3, "Cedar Primary", None, None, 100, "COMMUNITY", "Community school", frozenset({LIN})
)

# The participating schools to match.
ASHBY = Place(
    11, "Ashby Primary", 453000, 304000, 180, "COMMUNITY", "Community school", frozenset({LIN})
)
BROOK = Place(
    12,
    "Brook Primary",
    460000,
    305000,
    400,
    "VOLUNTARY_AIDED",
    "Voluntary aided school",
    frozenset({LEE}),
)
CASTLE = Place(13, "Castle Primary", 450000, 300000, 100, "COMMUNITY", "Community school")
DALE = Place(
    14, "Dale Primary", 475000, 300000, 300, "FOUNDATION", "Foundation school", frozenset({LEE})
)

YEAR = "2004-05"
DAYS = Decimal("4.0")


def alice(**changes):
    base = Candidate(
        1,
        "Alice Archer",
        HOME_A,
        max_schools=4,
        max_days=Decimal("16"),
        schools_taken=2,
        days_taken=Decimal("8"),
    )
    return _with(base, changes)


def bob(**changes):
    base = Candidate(2, "Bob Baker", HOME_B, max_schools=5, max_days=Decimal("20"))
    return _with(base, changes)


def carol(**changes):
    base = Candidate(3, "Carol Cooper", HOME_C, max_schools=3, max_days=Decimal("12"))
    return _with(base, changes)


def _with(candidate, changes):
    from dataclasses import replace

    return replace(candidate, **changes)


def target(place, **kwargs):
    return Target(participation_pk=place.pk + 1000, place=place, **kwargs)


def test_distance_is_straight_line_and_falls_to_nothing_at_25_km():
    part = matching.distance_part(HOME_A, ASHBY)  # 3 km east, 4 km north: 5 km
    assert (part.points, part.reason) == (32.0, "5.0 km from the home school")
    far = Place(99, "Far", 450000, 330000)
    assert matching.distance_part(HOME_A, far).points == 0.0
    assert matching.distance_part(HOME_A, Place(98, "Same", 450000, 300000)).points == 40.0


def test_unknown_location_scores_no_distance_points_and_says_so():
    part = matching.distance_part(HOME_C, ASHBY)
    assert part.points == 0.0
    assert part.reason == "Distance unknown: no grid reference"
    assert matching.distance_part(None, ASHBY).points == 0.0


def test_size_type_link_adviser_and_capacity_parts():
    assert matching.size_part(HOME_A, ASHBY).points == 18.0  # 20 x (1 - 20/200)
    assert matching.size_part(HOME_B, ASHBY).points == 9.0  # 20 x (1 - 220/400)
    assert matching.type_part(HOME_A, ASHBY).points == 10
    assert matching.type_part(HOME_B, ASHBY).points == 0
    assert matching.link_adviser_part(HOME_A, ASHBY).points == 15
    assert (
        matching.link_adviser_part(HOME_A, ASHBY).reason == "Same link adviser as the home school"
    )
    assert matching.link_adviser_part(HOME_B, ASHBY).points == 0
    assert matching.link_adviser_part(HOME_A, CASTLE).reason == "The school has no link adviser"
    part = matching.capacity_part(alice())
    assert (part.points, part.reason) == (7.5, "2 of 4 schools left")


def test_the_ranking_on_the_hand_made_map():
    """Alice: 32.0 + 18.0 + 10 + 15 + 7.5 = 82.5. Bob: 8.1 km gives 27.1, 9.0 for size, no
    type, no link adviser, 15 for capacity = 51.1. Carol: no location, 11.1 for size, 10, 15,
    15 = 51.1: the tie with Bob goes by name."""
    ranked, excluded = matching.rank(
        [carol(), bob(), alice()], target(ASHBY), year_name=YEAR, days=DAYS
    )
    assert [(s.candidate.name, s.score) for s in ranked] == [
        ("Alice Archer", 82.5),
        ("Bob Baker", 51.1),
        ("Carol Cooper", 51.1),
    ]
    assert excluded == []
    bob_parts = {part.name: part for part in ranked[1].parts}
    assert bob_parts["Distance"].reason == "8.1 km from the home school"
    assert bob_parts["Distance"].points == 27.1
    assert sum(part.points for part in ranked[0].parts) == pytest.approx(ranked[0].score)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"home": ASHBY}, "Own school"),
        (
            {"conflicts": {ASHBY.pk: ("Governor of the school",)}},
            "Declared conflict: governor of the school",
        ),
        ({"has_declaration": False}, "No conflict declaration for 2004-05"),
        ({"is_appointed": False}, "Not appointed"),
        ({"is_active": False}, "No longer working for the LEA"),
        (
            {"declined_by": {ASHBY.pk: datetime.date(2004, 10, 4)}},
            "Declined by the school on 4 October 2004",
        ),
        ({"schools_taken": 4}, "Full: 4 of 4 schools"),
        (
            {"max_schools": None, "max_days": None, "schools_taken": 0},
            "Full: no capacity recorded for 2004-05",
        ),
    ],
)
def test_each_exclusion_has_its_reason(changes, reason):
    ranked, excluded = matching.rank(
        [alice(**changes), bob()], target(ASHBY), year_name=YEAR, days=DAYS
    )
    assert [s.candidate.name for s in ranked] == ["Bob Baker"]
    assert len(excluded) == 1
    assert excluded[0].candidate.name == "Alice Archer"
    assert reason in excluded[0].reasons
    assert excluded[0].only_capacity == reason.startswith("Full")


def test_the_schools_current_pscl_is_not_suggested_again():
    ranked, excluded = matching.rank(
        [alice(), bob()], target(ASHBY, current_adviser_pk=1), year_name=YEAR, days=DAYS
    )
    assert [s.candidate.name for s in ranked] == ["Bob Baker"]
    assert excluded[0].reasons == ("The school's current PSCL, whom it asked to change",)


def test_a_pscl_short_of_days_is_suggested_with_a_warning():
    ranked, _ = matching.rank(
        [alice(days_taken=Decimal("14"))], target(ASHBY), year_name=YEAR, days=DAYS
    )
    assert ranked[0].days_warning == "Over capacity on days: 14.0 planned + 4.0 of 16.0 days"
    ranked, _ = matching.rank(
        [alice(days_taken=Decimal("12"))], target(ASHBY), year_name=YEAR, days=DAYS
    )
    assert ranked[0].days_warning == ""


def test_suggest_all_lets_the_schools_with_fewest_choices_choose_first_within_capacity():
    """Dale can only have Bob (Alice and Carol declared conflicts), Brook Alice or Bob (Carol's
    conflict): Dale chooses first and takes Bob, who is then full; Brook takes Alice, then full.
    Ashby and Castle have only Carol left, who has days for one school only."""
    candidates = [
        alice(
            max_schools=1,
            schools_taken=0,
            days_taken=Decimal("0"),
            conflicts={DALE.pk: ("Family link",)},
        ),
        bob(max_schools=1),
        carol(
            max_days=Decimal("6"),
            conflicts={DALE.pk: ("Governor",), BROOK.pk: ("Former employer",)},
        ),
    ]
    targets = [target(ASHBY), target(BROOK), target(CASTLE), target(DALE)]
    proposals = matching.suggest_all(targets, candidates, year_name=YEAR, days=DAYS)
    chosen = [
        (p.target.place.name, p.suggestion.candidate.name if p.suggestion else None, p.why_none)
        for p in proposals
    ]
    assert chosen == [
        ("Dale Primary", "Bob Baker", ""),
        ("Brook Primary", "Alice Archer", ""),
        ("Ashby Primary", "Carol Cooper", ""),
        ("Castle Primary", None, "Every eligible PSCL is full (schools or days)"),
    ]
    assert [len(p.eligible) for p in proposals] == [1, 2, 3, 3]


def test_suggest_all_says_when_no_pscl_is_eligible():
    proposals = matching.suggest_all(
        [target(ASHBY)], [alice(has_declaration=False)], year_name=YEAR, days=DAYS
    )
    assert proposals[0].suggestion is None
    assert proposals[0].why_none == "No eligible PSCL"


def test_the_weights_add_up_to_100():
    assert matching.MAX_SCORE == 100
