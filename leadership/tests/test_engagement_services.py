"""The rules of the school's story, against the real database: notes, concerns and their steps,
good practice, watchlists."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts.models import Role
from leadership.factories import ConcernFactory, ParticipationFactory, ProgrammeYearFactory
from leadership.models import (
    Concern,
    ConcernEscalation,
    ConcernLevel,
    ConcernSeverity,
    GoodPractice,
    Note,
    ParticipationStatus,
    Watch,
)
from leadership.services.engagement import (
    concern_escalate,
    concern_raise,
    concern_resolve,
    good_practice_write,
    next_escalation_level,
    note_add,
    watch_add,
    watch_remove,
)

pytestmark = pytest.mark.django_db

LETTER = "Dear Chair of Governors,\nThe LEA is concerned.\nYours sincerely,\nA Manager"
FORWARD = (ConcernLevel.LINK_ADVISER, ConcernLevel.STRATEGY_MANAGER, ConcernLevel.GOVERNING_BODY)


def escalate(concern, to_level, by, note="Next step.", letter=None):
    if letter is None:
        letter = LETTER if to_level == ConcernLevel.GOVERNING_BODY else ""
    return concern_escalate(concern=concern, to_level=to_level, note=note, letter=letter, by=by)


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.fixture
def manager(users):
    return users[Role.MANAGER]


@pytest.fixture
def concern(school, manager):
    return concern_raise(
        school=school, raised_by=manager, severity=ConcernSeverity.HIGH, summary="  No plan yet. "
    )


# Notes -------------------------------------------------------------------------------------


def test_a_note_is_kept_with_its_author_and_trimmed(school, users):
    note = note_add(school=school, author=users[Role.LINK_ADVISER], text="  Head keen.\n")

    note.refresh_from_db()
    assert (note.school, note.author, note.text) == (school, users[Role.LINK_ADVISER], "Head keen.")
    assert note.created_at is not None


def test_an_empty_note_is_refused(school, manager):
    with pytest.raises(ValidationError) as refused:
        note_add(school=school, author=manager, text="   ")

    assert "text" in refused.value.message_dict
    assert not Note.objects.exists()


# Concerns: raising and the order of the steps ----------------------------------------------


def test_a_raised_concern_starts_at_raised_with_no_step(concern, school, manager):
    concern.refresh_from_db()

    assert (concern.school, concern.raised_by, concern.level) == (
        school,
        manager,
        ConcernLevel.RAISED,
    )
    assert concern.summary == "No plan yet."
    assert not concern.escalations.exists()


def test_a_concern_needs_a_known_severity_and_a_summary(school, manager):
    with pytest.raises(ValidationError) as refused:
        concern_raise(school=school, raised_by=manager, severity="DIRE", summary=" ")

    assert set(refused.value.message_dict) == {"severity", "summary"}
    assert not Concern.objects.exists()


def test_a_concern_goes_forward_one_step_at_a_time_each_step_recorded(concern, users, manager):
    adviser = users[Role.LINK_ADVISER]

    escalate(concern, ConcernLevel.LINK_ADVISER, adviser, note="Visits cancelled twice.")
    escalate(concern, ConcernLevel.STRATEGY_MANAGER, adviser, note="No change after a month.")
    escalate(concern, ConcernLevel.GOVERNING_BODY, manager, note="Governors must know.")

    concern.refresh_from_db()
    assert concern.level == ConcernLevel.GOVERNING_BODY
    steps = list(concern.escalations.order_by("escalated_at", "pk"))
    assert [(s.to_level, s.escalated_by, s.note) for s in steps] == [
        (ConcernLevel.LINK_ADVISER, adviser, "Visits cancelled twice."),
        (ConcernLevel.STRATEGY_MANAGER, adviser, "No change after a month."),
        (ConcernLevel.GOVERNING_BODY, manager, "Governors must know."),
    ]
    assert [s.letter for s in steps] == ["", "", LETTER]


@pytest.mark.parametrize(
    ("reached", "to_level", "says"),
    [
        (0, ConcernLevel.STRATEGY_MANAGER, "one step at a time"),
        (0, ConcernLevel.GOVERNING_BODY, "one step at a time"),
        (1, ConcernLevel.GOVERNING_BODY, "one step at a time"),
        (0, ConcernLevel.RAISED, "only moves forward"),
        (1, ConcernLevel.LINK_ADVISER, "only moves forward"),
        (2, ConcernLevel.LINK_ADVISER, "only moves forward"),
        (3, ConcernLevel.STRATEGY_MANAGER, "it can now only be resolved"),
        (0, ConcernLevel.RESOLVED, "one step at a time"),
    ],
)
def test_a_step_that_skips_ahead_or_goes_back_is_refused_with_a_clear_reason(
    concern, manager, reached, to_level, says
):
    for level in FORWARD[:reached]:
        escalate(concern, level, manager)

    with pytest.raises(ValidationError) as refused:
        escalate(concern, to_level, manager)

    assert says in messages_of(refused.value)
    concern.refresh_from_db()
    assert concern.level == ([ConcernLevel.RAISED, *FORWARD][reached])
    assert concern.escalations.count() == reached


def test_the_refusal_names_the_next_step(concern, manager):
    with pytest.raises(ValidationError) as refused:
        escalate(concern, ConcernLevel.GOVERNING_BODY, manager)

    assert "next step is: escalated to the link adviser" in messages_of(refused.value)


def test_notifying_the_governing_body_needs_the_letter(concern, manager):
    escalate(concern, ConcernLevel.LINK_ADVISER, manager)
    escalate(concern, ConcernLevel.STRATEGY_MANAGER, manager)

    with pytest.raises(ValidationError) as refused:
        escalate(concern, ConcernLevel.GOVERNING_BODY, manager, letter="  \n ")

    assert "letter" in refused.value.message_dict
    concern.refresh_from_db()
    assert concern.level == ConcernLevel.STRATEGY_MANAGER


def test_only_the_notification_of_the_governing_body_carries_a_letter(concern, manager):
    with pytest.raises(ValidationError) as refused:
        escalate(concern, ConcernLevel.LINK_ADVISER, manager, letter=LETTER)

    assert "letter" in refused.value.message_dict


def test_every_step_needs_a_note(concern, manager):
    with pytest.raises(ValidationError) as refused:
        escalate(concern, ConcernLevel.LINK_ADVISER, manager, note=" ")

    assert "note" in refused.value.message_dict
    assert not ConcernEscalation.objects.exists()


def test_next_escalation_level_follows_the_steps_and_stops_at_the_governing_body():
    assert [next_escalation_level(level) for level in ConcernLevel.values] == [
        ConcernLevel.LINK_ADVISER,
        ConcernLevel.STRATEGY_MANAGER,
        ConcernLevel.GOVERNING_BODY,
        None,
        None,
    ]


# Concerns: resolving -------------------------------------------------------------------------


@pytest.mark.parametrize("reached", [0, 1, 2, 3])
def test_a_concern_is_resolved_from_any_level_with_a_note(concern, manager, reached):
    for level in FORWARD[:reached]:
        escalate(concern, level, manager)

    step = concern_resolve(concern=concern, note=" Plan agreed and visits kept. ", by=manager)

    concern.refresh_from_db()
    assert concern.level == ConcernLevel.RESOLVED
    assert concern.resolution == "Plan agreed and visits kept."
    assert (step.to_level, step.note, step.escalated_by) == (
        ConcernLevel.RESOLVED,
        "Plan agreed and visits kept.",
        manager,
    )


def test_resolving_needs_a_note(concern, manager):
    with pytest.raises(ValidationError) as refused:
        concern_resolve(concern=concern, note="   ", by=manager)

    assert "note" in refused.value.message_dict
    concern.refresh_from_db()
    assert concern.level == ConcernLevel.RAISED


def test_a_resolved_concern_is_neither_escalated_nor_resolved_again(concern, manager):
    concern_resolve(concern=concern, note="Sorted.", by=manager)

    with pytest.raises(ValidationError, match="resolved"):
        escalate(concern, ConcernLevel.LINK_ADVISER, manager)
    with pytest.raises(ValidationError, match="already resolved"):
        concern_resolve(concern=concern, note="Again.", by=manager)
    assert concern.escalations.count() == 1


def test_a_step_reads_the_concern_as_it_is_now_not_as_the_caller_loaded_it(concern, manager):
    stale = Concern.objects.get(pk=concern.pk)
    escalate(concern, ConcernLevel.LINK_ADVISER, manager)

    with pytest.raises(ValidationError, match="only moves forward"):
        escalate(stale, ConcernLevel.LINK_ADVISER, manager)
    assert concern.escalations.count() == 1


def test_a_concern_whose_raiser_has_left_can_still_be_escalated(concern, users):
    # The account's deletion leaves the concern with no raiser (on_delete SET_NULL).
    Concern.objects.filter(pk=concern.pk).update(raised_by=None)

    escalate(concern, ConcernLevel.LINK_ADVISER, users[Role.LINK_ADVISER])

    concern.refresh_from_db()
    assert (concern.level, concern.raised_by) == (ConcernLevel.LINK_ADVISER, None)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row locks to race against"
)
@pytest.mark.django_db(transaction=True)
def test_two_people_escalating_at_the_same_moment_take_one_step(school, users):
    concern = ConcernFactory(school=school)
    first_has_lock = threading.Event()
    outcomes = {}

    def first():
        try:
            with transaction.atomic():
                escalate(concern, ConcernLevel.LINK_ADVISER, users[Role.MANAGER], note="First.")
                first_has_lock.set()
                # Hold the lock while the second tries: it must wait, then see the new level.
                threading.Event().wait(0.5)
            outcomes["first"] = "escalated"
        finally:
            first_has_lock.set()
            connection.close()

    def second():
        try:
            first_has_lock.wait(5)
            escalate(concern, ConcernLevel.LINK_ADVISER, users[Role.LINK_ADVISER], note="Second.")
            outcomes["second"] = "escalated"
        except ValidationError as error:
            outcomes["second"] = messages_of(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert outcomes["first"] == "escalated"
    assert "only moves forward" in outcomes["second"]
    assert list(ConcernEscalation.objects.values_list("note", flat=True)) == ["First."]


# Good practice -----------------------------------------------------------------------------


@pytest.fixture
def place(school):
    return ParticipationFactory(
        programme_year=ProgrammeYearFactory(local_authority=school.local_authority),
        school=school,
        status=ParticipationStatus.COMPLETED,
    )


def test_writing_good_practice_flags_the_place_with_its_case_study(place, manager):
    study = good_practice_write(
        participation=place, title=" Tracking writing ", case_study="Half-termly.", by=manager
    )

    place.refresh_from_db()
    assert place.is_good_practice
    assert (study.participation, study.title, study.case_study, study.written_by) == (
        place,
        "Tracking writing",
        "Half-termly.",
        manager,
    )


def test_rewriting_good_practice_keeps_one_case_study_and_its_first_author(place, users):
    good_practice_write(participation=place, title="First", case_study="A.", by=users[Role.ADMIN])
    good_practice_write(
        participation=place, title="Second", case_study="B.", by=users[Role.MANAGER]
    )

    study = GoodPractice.objects.get()
    assert (study.title, study.case_study, study.written_by) == ("Second", "B.", users[Role.ADMIN])


@pytest.mark.parametrize(
    "status",
    [
        ParticipationStatus.IDENTIFIED,
        ParticipationStatus.INVITED,
        ParticipationStatus.ACCEPTED,
        ParticipationStatus.DECLINED,
        ParticipationStatus.WITHDRAWN,
    ],
)
def test_only_a_school_that_took_part_can_be_written_up(school, manager, status):
    place = ParticipationFactory(
        programme_year=ProgrammeYearFactory(local_authority=school.local_authority),
        school=school,
        status=status,
    )

    with pytest.raises(ValidationError, match="taking part"):
        good_practice_write(participation=place, title="T", case_study="C", by=manager)

    place.refresh_from_db()
    assert not place.is_good_practice
    assert not GoodPractice.objects.exists()


def test_good_practice_needs_a_title_and_a_case_study(place, manager):
    with pytest.raises(ValidationError) as refused:
        good_practice_write(participation=place, title=" ", case_study=" ", by=manager)

    assert set(refused.value.message_dict) == {"title", "case_study"}
    place.refresh_from_db()
    assert not place.is_good_practice


# Watchlist ---------------------------------------------------------------------------------


def test_watching_a_school_twice_keeps_one_watch(school, manager):
    first = watch_add(user=manager, school=school)
    second = watch_add(user=manager, school=school)

    assert first.pk == second.pk
    assert Watch.objects.filter(user=manager).count() == 1


def test_unwatching_takes_only_that_users_watch(school, users):
    watch_add(user=users[Role.MANAGER], school=school)
    watch_add(user=users[Role.LINK_ADVISER], school=school)

    assert watch_remove(user=users[Role.MANAGER], school=school) is True
    assert watch_remove(user=users[Role.MANAGER], school=school) is False
    assert list(Watch.objects.values_list("user", flat=True)) == [users[Role.LINK_ADVISER].pk]
