"""The participation workflow: only the allowed transitions, each recorded with who, when and
why; reasons for declines and withdrawals; places never exceeded, even by two managers
accepting the last place at the same moment."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from accounts.models import Role
from conftest import make_user
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import Participation, ParticipationStatus, ParticipationTransition
from leadership.services.programme import (
    ALLOWED_TRANSITIONS,
    participation_move,
    programme_year_release_reserve,
)
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

Status = ParticipationStatus
TODAY = datetime.date(2004, 6, 21)

#: Every allowed move (issue 3): identified -> invited -> accepted | declined -> active ->
#: completed | withdrawn, and accepted -> withdrawn.
ALLOWED = {
    (Status.IDENTIFIED, Status.INVITED),
    (Status.INVITED, Status.ACCEPTED),
    (Status.INVITED, Status.DECLINED),
    (Status.ACCEPTED, Status.ACTIVE),
    (Status.ACCEPTED, Status.WITHDRAWN),
    (Status.ACTIVE, Status.COMPLETED),
    (Status.ACTIVE, Status.WITHDRAWN),
}
EVERY_PAIR = [(before, after) for before in Status for after in Status]


@pytest.fixture
def manager(lea):
    return make_user(Role.MANAGER, lea=lea)


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea, funded_places=34, reserve_places=3)


def _participation(year, status, **kwargs):
    return ParticipationFactory(
        programme_year=year,
        school=SchoolFactory(local_authority=year.local_authority),
        status=status,
        **kwargs,
    )


def _reason_for(status):
    return "The head retires at Christmas." if status in (Status.DECLINED, Status.WITHDRAWN) else ""


def test_the_services_table_is_exactly_the_issues_workflow():
    table = {(before, after) for before, afters in ALLOWED_TRANSITIONS.items() for after in afters}

    assert table == ALLOWED


@pytest.mark.parametrize(("before", "after"), sorted(ALLOWED))
def test_an_allowed_move_changes_the_status_and_records_who_when_and_why(
    year, manager, before, after
):
    participation = _participation(year, before)
    history_before = participation.history.count()

    moved = participation_move(
        participation=participation,
        to_status=after,
        by=manager,
        today=TODAY,
        reason=_reason_for(after),
    )

    assert moved.status == after
    stored = Participation.objects.get(pk=participation.pk)
    assert stored.status == after
    transition = ParticipationTransition.objects.get(participation=participation)
    assert (transition.from_status, transition.to_status) == (before, after)
    assert transition.reason == _reason_for(after)
    assert transition.changed_by == manager
    assert transition.changed_at is not None
    assert stored.history.count() == history_before + 1
    assert stored.history.first().history_user == manager
    assert stored.history.first().status == after


@pytest.mark.parametrize(("before", "after"), [pair for pair in EVERY_PAIR if pair not in ALLOWED])
def test_a_move_the_workflow_does_not_allow_is_refused_and_changes_nothing(
    year, manager, before, after
):
    participation = _participation(year, before)

    with pytest.raises(ValidationError) as refused:
        participation_move(
            participation=participation,
            to_status=after,
            by=manager,
            today=TODAY,
            reason="A reason, in case one is asked for.",
        )

    assert refused.value.code == "transition_not_allowed"
    before_label, after_label = Status(before).label.lower(), Status(after).label.lower()
    assert refused.value.messages == [
        f"A participation that is {before_label} cannot become {after_label}."
    ]
    assert Participation.objects.get(pk=participation.pk).status == before
    assert not ParticipationTransition.objects.filter(participation=participation).exists()


def test_an_invited_school_cannot_be_withdrawn_but_an_accepted_one_can(year, manager):
    invited = _participation(year, Status.INVITED)
    accepted = _participation(year, Status.ACCEPTED)

    with pytest.raises(ValidationError):
        participation_move(
            participation=invited, to_status=Status.WITHDRAWN, by=manager, today=TODAY, reason="x"
        )
    participation_move(
        participation=accepted,
        to_status=Status.WITHDRAWN,
        by=manager,
        today=TODAY,
        reason="Head left.",
    )

    assert Participation.objects.get(pk=invited.pk).status == Status.INVITED
    withdrawn = Participation.objects.get(pk=accepted.pk)
    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.status_reason == "Head left."


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (Status.INVITED, Status.DECLINED, "Give the reason the school declined."),
        (Status.ACCEPTED, Status.WITHDRAWN, "Give the reason the school withdrew."),
        (Status.ACTIVE, Status.WITHDRAWN, "Give the reason the school withdrew."),
    ],
)
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_declining_or_withdrawing_without_a_reason_is_refused(
    year, manager, before, after, message, reason
):
    participation = _participation(year, before)

    with pytest.raises(ValidationError) as refused:
        participation_move(
            participation=participation, to_status=after, by=manager, today=TODAY, reason=reason
        )

    assert refused.value.message_dict == {"reason": [message]}
    assert Participation.objects.get(pk=participation.pk).status == before
    assert not ParticipationTransition.objects.exists()


def test_a_decline_keeps_its_reason_on_the_participation_and_the_transition(year, manager):
    participation = _participation(year, Status.INVITED)

    participation_move(
        participation=participation,
        to_status=Status.DECLINED,
        by=manager,
        today=TODAY,
        reason="  Ofsted inspection due in the autumn.  ",
    )

    stored = Participation.objects.get(pk=participation.pk)
    assert stored.status_reason == "Ofsted inspection due in the autumn."
    assert stored.transitions.get().reason == "Ofsted inspection due in the autumn."


def test_inviting_sets_the_invitation_date_and_accepting_the_joining_date(year, manager):
    participation = _participation(year, Status.IDENTIFIED, invited_on=None, joined_on=None)

    participation_move(
        participation=participation, to_status=Status.INVITED, by=manager, today=TODAY
    )
    accepted_on = TODAY + datetime.timedelta(days=10)
    participation_move(
        participation=participation, to_status=Status.ACCEPTED, by=manager, today=accepted_on
    )

    stored = Participation.objects.get(pk=participation.pk)
    assert (stored.invited_on, stored.joined_on) == (TODAY, accepted_on)
    assert [(t.from_status, t.to_status) for t in stored.transitions.all()] == [
        (Status.IDENTIFIED, Status.INVITED),
        (Status.INVITED, Status.ACCEPTED),
    ]


def test_a_stale_participation_object_cannot_skip_a_step(year, manager):
    """The move reads the status under a lock, not from the object the caller holds."""
    participation = _participation(year, Status.INVITED)
    stale = Participation.objects.get(pk=participation.pk)
    participation_move(
        participation=participation,
        to_status=Status.DECLINED,
        by=manager,
        today=TODAY,
        reason="No capacity this year.",
    )

    with pytest.raises(ValidationError):
        participation_move(participation=stale, to_status=Status.ACCEPTED, by=manager, today=TODAY)

    assert Participation.objects.get(pk=participation.pk).status == Status.DECLINED


def test_a_school_has_at_most_one_participation_per_programme_year(year, school):
    ParticipationFactory(programme_year=year, school=school, status=Status.DECLINED)

    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(programme_year=year, school=school)


def test_a_school_may_take_part_again_in_another_year(lea, year, school):
    next_year = ProgrammeYearFactory(
        local_authority=lea,
        name="2005-06",
        starts_on=datetime.date(2005, 9, 1),
        ends_on=datetime.date(2006, 7, 31),
    )
    ParticipationFactory(programme_year=year, school=school, status=Status.DECLINED)

    again = ParticipationFactory(programme_year=next_year, school=school, status=Status.INVITED)

    assert again.pk is not None


# Places ------------------------------------------------------------------------------------


@pytest.fixture
def small_year(lea):
    """Three funded places, one kept in reserve: two open."""
    return ProgrammeYearFactory(
        local_authority=lea, name="2005-06", funded_places=3, reserve_places=1
    )


def test_accepting_is_refused_once_the_open_places_are_taken(small_year, manager):
    _participation(small_year, Status.ACTIVE)
    _participation(small_year, Status.COMPLETED)
    waiting = _participation(small_year, Status.INVITED)

    with pytest.raises(ValidationError) as refused:
        participation_move(
            participation=waiting, to_status=Status.ACCEPTED, by=manager, today=TODAY
        )

    assert refused.value.code == "no_place_left"
    assert "All 2 open places in 2005-06 are taken" in refused.value.messages[0]
    assert Participation.objects.get(pk=waiting.pk).status == Status.INVITED


def test_places_not_held_do_not_count_against_the_limit(small_year, manager):
    for status in (Status.IDENTIFIED, Status.INVITED, Status.DECLINED, Status.WITHDRAWN):
        _participation(small_year, status)
    _participation(small_year, Status.ACCEPTED)
    waiting = _participation(small_year, Status.INVITED)

    participation_move(participation=waiting, to_status=Status.ACCEPTED, by=manager, today=TODAY)

    assert small_year.participations.holding_places().count() == 2


def test_releasing_a_reserve_place_lets_one_more_school_accept(small_year, manager):
    _participation(small_year, Status.ACCEPTED)
    _participation(small_year, Status.ACCEPTED)
    waiting = _participation(small_year, Status.INVITED)

    released = programme_year_release_reserve(programme_year=small_year, by=manager)
    participation_move(participation=waiting, to_status=Status.ACCEPTED, by=manager, today=TODAY)

    assert (released.reserve_released, released.places_open) == (1, 3)
    assert small_year.participations.holding_places().count() == 3


def test_no_more_reserve_places_can_be_released_than_were_kept_back(small_year, manager):
    programme_year_release_reserve(programme_year=small_year, by=manager)

    with pytest.raises(ValidationError) as refused:
        programme_year_release_reserve(programme_year=small_year, by=manager)

    assert refused.value.messages == ["Every reserve place has been released already."]
    small_year.refresh_from_db()
    assert small_year.reserve_released == 1
    assert small_year.history.first().history_user == manager


def test_the_places_held_never_exceed_the_places_open_however_many_accept(small_year, manager):
    waiting = [_participation(small_year, Status.INVITED) for _ in range(5)]
    outcomes = []

    for participation in waiting:
        try:
            participation_move(
                participation=participation, to_status=Status.ACCEPTED, by=manager, today=TODAY
            )
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("refused")

    assert outcomes == ["accepted", "accepted", "refused", "refused", "refused"]
    assert small_year.participations.holding_places().count() == small_year.places_open


# Two managers at the same moment -------------------------------------------------------------

ON_SQLITE = (
    "SQLite cannot run it: it has no row locks (SELECT ... FOR UPDATE is ignored) and lets one "
    "writer at a time; CI runs it on PostgreSQL."
)


def _skip_on_sqlite():
    if connection.vendor == "sqlite":
        pytest.skip(ON_SQLITE)


def _run_in_threads(*targets):
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)


@pytest.mark.django_db(transaction=True)
def test_accepting_the_last_place_twice_at_once_admits_one_school(lea):
    _skip_on_sqlite()
    managers = [make_user(Role.MANAGER, lea=lea) for _ in range(2)]
    year = ProgrammeYearFactory(local_authority=lea, funded_places=2, reserve_places=0)
    _participation(year, Status.ACTIVE)
    rivals = [_participation(year, Status.INVITED) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = {}

    def accept(participation, manager):
        def run():
            # Each thread has its own database connection (Django's are per thread).
            try:
                barrier.wait(timeout=10)
                participation_move(
                    participation=participation,
                    to_status=Status.ACCEPTED,
                    by=manager,
                    today=TODAY,
                )
                outcomes[participation.pk] = "accepted"
            except ValidationError as error:
                outcomes[participation.pk] = error.code
            finally:
                connection.close()

        return run

    _run_in_threads(*(accept(p, m) for p, m in zip(rivals, managers, strict=True)))

    assert sorted(outcomes.values()) == ["accepted", "no_place_left"]
    assert year.participations.holding_places().count() == 2
    assert ParticipationTransition.objects.filter(to_status=Status.ACCEPTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_acceptance_waits_for_one_in_progress_and_then_sees_its_place_taken(lea):
    """The first acceptance holds the programme year's lock, uncommitted, while the second
    starts: without the lock the second would count no place taken and accept too."""
    _skip_on_sqlite()
    manager = make_user(Role.MANAGER, lea=lea)
    year = ProgrammeYearFactory(local_authority=lea, funded_places=1, reserve_places=0)
    first, second = (_participation(year, Status.INVITED) for _ in range(2))
    first_has_accepted = threading.Event()
    outcomes = {}

    def accept_first_and_hold_the_lock():
        try:
            with transaction.atomic():
                participation_move(
                    participation=first, to_status=Status.ACCEPTED, by=manager, today=TODAY
                )
                outcomes["first"] = "accepted"
                first_has_accepted.set()
                # Still inside the transaction: the second acceptance must wait for this one.
                threading.Event().wait(0.5)
        finally:
            connection.close()

    def accept_second():
        try:
            assert first_has_accepted.wait(timeout=10)
            participation_move(
                participation=second, to_status=Status.ACCEPTED, by=manager, today=TODAY
            )
            outcomes["second"] = "accepted"
        except ValidationError as error:
            outcomes["second"] = error.code
        finally:
            connection.close()

    _run_in_threads(accept_first_and_hold_the_lock, accept_second)

    assert outcomes == {"first": "accepted", "second": "no_place_left"}
    assert Participation.objects.get(pk=second.pk).status == Status.INVITED
