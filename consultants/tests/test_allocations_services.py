"""The services of matching and allocations against the database: eligibility as the models
record it, confirming (over capacity only when accepted), replacing a PSCL the school asked to
change, suggest-all's all-or-nothing save, the lock against two managers, and the history."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db.models.query import QuerySet

from accounts.models import Role
from consultants.factories import (
    AdviserFactory,
    AllocationFactory,
    AttachmentFactory,
    CapacityFactory,
    ConflictDeclarationFactory,
    DeclaredConflictFactory,
    LinkAdviserFactory,
    VisitFactory,
)
from consultants.models import (
    Allocation,
    AllocationEvent,
    AllocationEventKind,
    AllocationStatus,
    ConflictKind,
)
from consultants.selectors.allocations import match_suggestions, matching_board
from consultants.services.allocations import (
    allocation_change_days,
    allocation_confirm,
    allocation_decline,
    allocation_end,
    allocation_request_change,
    allocation_withdraw_request,
    allocations_confirm_many,
)
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from schools.factories import SchoolFactory
from schools.models import SchoolType

pytestmark = pytest.mark.django_db

DAYS = Decimal("4.0")


def build_map(lea, manager):
    """The hand-made map of `consultants/tests/test_matching.py` in the database: three PSCLs
    (Alice with two schools of four already, Bob, Carol whose home school has no grid
    reference), their home schools, two link advisers, and four schools to match."""
    year = ProgrammeYearFactory(local_authority=lea)
    lin = LinkAdviserFactory(local_authority=lea, full_name="Lin Link")
    lee = LinkAdviserFactory(local_authority=lea, full_name="Lee Link")

    def school(name, easting, northing, roll, kind, link=None):
        made = SchoolFactory(
            local_authority=lea,
            name=name,
            easting=easting,
            northing=northing,
            number_on_roll=roll,
            school_type=kind,
        )
        if link is not None:
            AttachmentFactory(adviser=link, school=made)
        return made

    community, aided = SchoolType.COMMUNITY, SchoolType.VOLUNTARY_AIDED
    homes = {
        "alice": school("Alder Primary", 450000, 300000, 200, community, lin),
        "bob": school("Birch Primary", 460000, 300000, 400, aided, lee),
        "carol": school("Cedar Primary", None, None, 100, community, lin),
    }
    places = {
        "ashby": school("Ashby Primary", 453000, 304000, 180, community, lin),
        "brook": school("Brook Primary", 460000, 305000, 400, aided, lee),
        "castle": school("Castle Primary", 450000, 300000, 100, community),
        "dale": school("Dale Primary", 475000, 300000, 300, SchoolType.FOUNDATION, lee),
    }
    names = {"alice": "Alice Archer", "bob": "Bob Baker", "carol": "Carol Cooper"}
    capacity = {"alice": (4, "16"), "bob": (5, "20"), "carol": (3, "12")}
    pscls = {}
    for key, name in names.items():
        pscl = AdviserFactory(local_authority=lea, full_name=name, home_school=homes[key])
        CapacityFactory(
            adviser=pscl,
            programme_year=year,
            max_schools=capacity[key][0],
            max_days=Decimal(capacity[key][1]),
        )
        ConflictDeclarationFactory(adviser=pscl, programme_year=year)
        pscls[key] = pscl
    participations = {
        key: ParticipationFactory(programme_year=year, school=place)
        for key, place in places.items()
    }
    for name in ("Elm Primary", "Fir Primary"):
        far = SchoolFactory(local_authority=lea, name=name, easting=400000, northing=200000)
        AllocationFactory(
            adviser=pscls["alice"],
            participation=ParticipationFactory(programme_year=year, school=far),
            planned_days=DAYS,
        )
    return SimpleNamespace(
        year=year,
        manager=manager,
        lin=lin,
        lee=lee,
        homes=homes,
        places=places,
        pscls=pscls,
        participations=participations,
    )


@pytest.fixture
def the_map(lea, users):
    return build_map(lea, users[Role.MANAGER])


def confirm(the_map, key, pscl, **kwargs):
    kwargs.setdefault("planned_days", DAYS)
    return allocation_confirm(
        participation=the_map.participations[key],
        adviser=the_map.pscls[pscl],
        by=the_map.manager,
        **kwargs,
    )


# Eligibility and ranking from the database -------------------------------------------------


def test_the_suggestions_rank_the_hand_made_map(the_map, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        page = match_suggestions(participation=the_map.participations["ashby"])
    assert [(s.candidate.name, s.score) for s in page.ranked] == [
        ("Alice Archer", 82.5),
        ("Bob Baker", 51.1),
        ("Carol Cooper", 51.1),
    ]
    reasons = [part.reason for part in page.ranked[0].parts]
    assert reasons == [
        "5.0 km from the home school",
        "200 pupils at the home school, 180 here",
        "Same type: community school",
        "Same link adviser as the home school",
        "2 of 4 schools left",
    ]
    assert page.excluded == []


def _excluded(the_map, key="ashby"):
    page = match_suggestions(participation=the_map.participations[key])
    return {e.candidate.name: e.reasons for e in page.excluded}


def test_a_declared_conflict_rules_the_school_out(the_map):
    declaration = the_map.pscls["bob"].conflict_declarations.get()
    DeclaredConflictFactory(
        declaration=declaration, school=the_map.places["ashby"], kind=ConflictKind.GOVERNOR
    )
    assert _excluded(the_map) == {"Bob Baker": ("Declared conflict: governor of the school",)}


def test_an_undeclared_pscl_cannot_be_matched(the_map):
    the_map.pscls["carol"].conflict_declarations.all().delete()
    assert _excluded(the_map) == {"Carol Cooper": ("No conflict declaration for 2004-05",)}
    with pytest.raises(ValidationError, match="No conflict declaration for 2004-05"):
        confirm(the_map, "ashby", "carol")


def test_a_pscl_is_never_matched_to_their_own_school(the_map):
    home = the_map.homes["bob"]
    participation = ParticipationFactory(programme_year=the_map.year, school=home)
    page = match_suggestions(participation=participation)
    assert {e.candidate.name: e.reasons for e in page.excluded} == {"Bob Baker": ("Own school",)}
    with pytest.raises(ValidationError, match="Own school"):
        allocation_confirm(
            participation=participation,
            adviser=the_map.pscls["bob"],
            planned_days=DAYS,
            by=the_map.manager,
        )


def test_a_pscl_not_appointed_is_not_suggested(the_map):
    the_map.pscls["bob"].appointed_on = None
    the_map.pscls["bob"].save()
    assert _excluded(the_map) == {"Bob Baker": ("Not appointed",)}
    with pytest.raises(ValidationError, match="Not appointed"):
        confirm(the_map, "ashby", "bob")


def test_a_pscl_the_school_declined_is_not_suggested_to_it_again(the_map):
    allocation = confirm(the_map, "ashby", "bob")
    allocation_decline(
        allocation=allocation,
        reason="We worked with Bob before.",
        by=the_map.manager,
        today=datetime.date(2004, 10, 4),
    )
    assert _excluded(the_map) == {"Bob Baker": ("Declined by the school on 4 October 2004",)}
    # Only this school: Bob is still suggested to the others.
    assert _excluded(the_map, "brook") == {}


def test_a_full_pscl_is_excluded_with_their_load(the_map):
    confirm(the_map, "brook", "alice")
    confirm(the_map, "castle", "alice")
    assert _excluded(the_map) == {"Alice Archer": ("Full: 4 of 4 schools",)}
    the_map.pscls["bob"].capacities.all().delete()
    assert _excluded(the_map)["Bob Baker"] == ("Full: no capacity recorded for 2004-05",)


def test_a_pscl_of_another_lea_cannot_be_matched(the_map, other_lea):
    stranger = AdviserFactory(local_authority=other_lea)
    with pytest.raises(ValidationError, match="another LEA"):
        allocation_confirm(
            participation=the_map.participations["ashby"],
            adviser=stranger,
            planned_days=DAYS,
            by=the_map.manager,
        )


def test_only_schools_that_took_their_place_are_matched(the_map):
    invited = ParticipationFactory(programme_year=the_map.year, status=ParticipationStatus.INVITED)
    with pytest.raises(ValidationError, match="only accepted or active schools"):
        allocation_confirm(
            participation=invited, adviser=the_map.pscls["bob"], planned_days=DAYS, by=None
        )
    assert not Allocation.objects.filter(participation=invited).exists()


# Confirming ----------------------------------------------------------------------------------


def test_confirming_writes_the_allocation_and_its_first_event(the_map):
    allocation = confirm(the_map, "ashby", "bob", planned_days=Decimal("5.0"))
    assert allocation.status == AllocationStatus.CONFIRMED
    assert allocation.planned_days == Decimal("5.0")
    assert allocation.confirmed_by == the_map.manager
    event = allocation.events.get()
    assert (event.kind, event.detail, event.by) == (
        AllocationEventKind.CONFIRMED,
        "5.0 days",
        the_map.manager,
    )


def test_a_school_with_a_pscl_cannot_be_matched_again(the_map):
    confirm(the_map, "ashby", "bob")
    with pytest.raises(ValidationError, match="already has a PSCL"):
        confirm(the_map, "ashby", "carol")
    assert Allocation.objects.filter(participation=the_map.participations["ashby"]).count() == 1


def test_going_over_capacity_needs_the_manager_to_accept_it(the_map):
    confirm(the_map, "brook", "alice")
    confirm(the_map, "castle", "alice")  # Alice: 4 of 4 schools, 16 of 16 days
    with pytest.raises(ValidationError, match="Full: 4 of 4 schools") as raised:
        confirm(the_map, "ashby", "alice")
    assert raised.value.code == "over_capacity"
    assert not Allocation.objects.filter(participation=the_map.participations["ashby"]).exists()
    allocation = confirm(the_map, "ashby", "alice", accept_over_capacity=True)
    assert allocation.events.get().reason.startswith("Confirmed over capacity (Full: 4 of 4")


def test_more_days_than_the_pscl_has_left_is_over_capacity(the_map):
    # Carol: 12 days; 10 asked for at Ashby, then 4 at Brook pass her days.
    confirm(the_map, "ashby", "carol", planned_days=Decimal("10.0"))
    with pytest.raises(ValidationError, match=r"10.0 planned \+ 4.0 of 12.0 days"):
        confirm(the_map, "brook", "carol")
    assert confirm(the_map, "brook", "carol", accept_over_capacity=True).pk


def test_the_participation_is_locked_while_it_is_matched(the_map, monkeypatch):
    """Two managers confirming at once: the first locks the participation (and the PSCL), the
    second waits and then finds the school matched."""
    locked = []
    original = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        locked.append(self.model.__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    confirm(the_map, "ashby", "bob")
    assert locked[0] == "Participation"
    assert "Adviser" in locked
    with pytest.raises(ValidationError, match="already has a PSCL"):
        confirm(the_map, "ashby", "carol")


# The school's answers, the manager's changes, and the history --------------------------------


def test_the_school_asks_for_a_change_then_the_manager_replaces_the_pscl(the_map, users):
    head = users[Role.HEADTEACHER]
    old = confirm(the_map, "ashby", "bob")
    with pytest.raises(ValidationError):
        allocation_request_change(allocation=old, reason="  ", by=head)
    allocation_request_change(allocation=old, reason="We need maths expertise.", by=head)
    old.refresh_from_db()
    assert old.status == AllocationStatus.CHANGE_REQUESTED
    new = confirm(the_map, "ashby", "carol")
    old.refresh_from_db()
    assert old.status == AllocationStatus.ENDED
    assert old.end_reason == (
        "Replaced by Carol Cooper at the school's request: We need maths expertise."
    )
    assert [e.kind for e in old.events.all()] == [
        AllocationEventKind.CONFIRMED,
        AllocationEventKind.CHANGE_REQUESTED,
        AllocationEventKind.ENDED,
    ]
    assert new.status == AllocationStatus.CONFIRMED
    # The PSCL the school asked to change is not suggested for the school again.
    allocation_request_change(allocation=new, reason="Too far away.", by=head)
    assert _excluded(the_map)["Carol Cooper"] == (
        "The school's current PSCL, whom it asked to change",
    )


def test_the_school_withdraws_its_request(the_map, users):
    allocation = confirm(the_map, "ashby", "bob")
    with pytest.raises(ValidationError, match="has not asked"):
        allocation_withdraw_request(allocation=allocation, by=users[Role.HEADTEACHER])
    allocation_request_change(allocation=allocation, reason="Too far.", by=None)
    allocation_withdraw_request(allocation=allocation, by=users[Role.HEADTEACHER])
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.CONFIRMED
    assert allocation.events.last().kind == AllocationEventKind.CHANGE_WITHDRAWN


def test_declining_ends_the_match_with_the_reason(the_map, users):
    allocation = confirm(the_map, "ashby", "bob")
    with pytest.raises(ValidationError):
        allocation_decline(allocation=allocation, reason="", by=users[Role.HEADTEACHER])
    allocation_decline(
        allocation=allocation,
        reason="A governor is his sister.",
        by=users[Role.HEADTEACHER],
        today=datetime.date(2004, 10, 4),
    )
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.DECLINED
    assert allocation.ended_on == datetime.date(2004, 10, 4)
    assert allocation.end_reason == "A governor is his sister."
    event = allocation.events.last()
    assert (event.kind, event.reason) == (AllocationEventKind.DECLINED, "A governor is his sister.")
    with pytest.raises(ValidationError, match="can no longer change"):
        allocation_end(allocation=allocation, reason="again", by=the_map.manager)


def test_ending_frees_the_school_for_another_pscl(the_map):
    allocation = confirm(the_map, "ashby", "bob")
    allocation_end(allocation=allocation, reason="Bob left the LEA.", by=the_map.manager)
    allocation.refresh_from_db()
    assert (allocation.status, allocation.end_reason) == (
        AllocationStatus.ENDED,
        "Bob left the LEA.",
    )
    assert confirm(the_map, "ashby", "carol").status == AllocationStatus.CONFIRMED


def test_changing_the_days_is_recorded_with_before_and_after(the_map):
    allocation = confirm(the_map, "ashby", "bob")
    allocation_change_days(
        allocation=allocation,
        planned_days=Decimal("5.0"),
        reason="A new deputy head.",
        by=the_map.manager,
    )
    event = allocation.events.last()
    assert (event.kind, event.detail, event.reason) == (
        AllocationEventKind.DAYS_CHANGED,
        "4.0 -> 5.0 days",
        "A new deputy head.",
    )
    allocation.refresh_from_db()
    assert allocation.planned_days == Decimal("5.0")


def test_more_days_past_the_pscls_days_need_accepting(the_map):
    allocation = confirm(the_map, "ashby", "carol", planned_days=Decimal("10.0"))
    with pytest.raises(ValidationError, match="over capacity"):
        allocation_change_days(allocation=allocation, planned_days=Decimal("13.0"), by=None)
    allocation.refresh_from_db()
    assert allocation.planned_days == Decimal("10.0")
    allocation_change_days(
        allocation=allocation, planned_days=Decimal("13.0"), by=None, accept_over_capacity=True
    )
    allocation.refresh_from_db()
    assert allocation.planned_days == Decimal("13.0")


# Suggest all -------------------------------------------------------------------------------


def test_confirming_many_saves_every_match(the_map):
    pairs = [
        (the_map.participations["ashby"], the_map.pscls["bob"]),
        (the_map.participations["brook"], the_map.pscls["carol"]),
    ]
    saved = allocations_confirm_many(year=the_map.year, choices=pairs, by=the_map.manager)
    assert [(a.participation.school.name, a.adviser.full_name) for a in saved] == [
        ("Ashby Primary", "Bob Baker"),
        ("Brook Primary", "Carol Cooper"),
    ]
    assert all(a.planned_days == DAYS for a in saved)
    assert AllocationEvent.objects.filter(allocation__in=saved).count() == 2


def test_one_bad_row_saves_nothing_and_says_which(the_map):
    the_map.pscls["carol"].capacities.update(max_days=Decimal("6"))
    pairs = [
        (the_map.participations["ashby"], the_map.pscls["bob"]),
        (the_map.participations["brook"], the_map.pscls["carol"]),
        (the_map.participations["castle"], the_map.pscls["carol"]),  # 8 of 6 days
    ]
    before = Allocation.objects.count()
    with pytest.raises(ValidationError) as raised:
        allocations_confirm_many(year=the_map.year, choices=pairs, by=the_map.manager)
    castle = str(the_map.participations["castle"].pk)
    assert list(raised.value.message_dict) == [castle]
    assert "Over capacity on days" in raised.value.message_dict[castle][0]
    assert Allocation.objects.count() == before


def test_confirming_many_checks_eligibility_again(the_map):
    declaration = the_map.pscls["bob"].conflict_declarations.get()
    DeclaredConflictFactory(declaration=declaration, school=the_map.places["ashby"])
    confirm(the_map, "brook", "carol")
    pairs = [
        (the_map.participations["ashby"], the_map.pscls["bob"]),
        (the_map.participations["brook"], the_map.pscls["alice"]),
    ]
    with pytest.raises(ValidationError) as raised:
        allocations_confirm_many(year=the_map.year, choices=pairs, by=the_map.manager)
    errors = raised.value.message_dict
    assert "Declared conflict" in errors[str(the_map.participations["ashby"].pk)][0]
    assert "already has a PSCL" in errors[str(the_map.participations["brook"].pk)][0]


# The board -----------------------------------------------------------------------------------


def test_the_board_warns_of_over_capacity_and_schools_past_their_days(the_map):
    allocation = confirm(the_map, "ashby", "carol", planned_days=Decimal("1.0"))
    VisitFactory(allocation=allocation, length="FULL_DAY")
    VisitFactory(allocation=allocation, length="HALF_DAY")
    confirm(the_map, "brook", "alice")
    confirm(the_map, "castle", "alice")
    confirm(the_map, "dale", "alice", accept_over_capacity=True)
    board = matching_board(year=the_map.year)
    load = {row.adviser.full_name: row.warnings for row in board.load}
    assert load["Alice Archer"] == [
        "Over capacity: 5 of 4 schools",
        "Over capacity: 20.0 of 16.0 days",
    ]
    assert load["Carol Cooper"] == []
    past = [row.participation.school.name for row in board.rows if row.is_past_days]
    assert past == ["Ashby Primary"]
    ashby = next(row for row in board.rows if row.participation.school.name == "Ashby Primary")
    assert ashby.allocation.days_delivered == Decimal("1.50")
