"""The timeline registry and the leadership sources: what each source tells, in which order, to
whom, and at what cost in queries."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from leadership import timeline
from leadership.factories import (
    ActionPlanFactory,
    ConcernFactory,
    LeadershipTeamMemberFactory,
    NoteFactory,
    ParticipationFactory,
    PlanReviewFactory,
    ProgrammeYearFactory,
    SchoolVisitFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import (
    Concern,
    ConcernEscalation,
    ConcernLevel,
    GoodPractice,
    Note,
    ParticipationStatus,
    ParticipationTransition,
    ReviewProgress,
)
from leadership.services.engagement import (
    concern_escalate,
    concern_resolve,
    good_practice_write,
)
from leadership.timeline import (
    TimelineEvent,
    latest_event_at,
    register_timeline_source,
    school_timeline,
)
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
LONDON = ZoneInfo("Europe/London")  # settings.TIME_ZONE
LETTER = "Dear Chair of Governors,\nThe LEA is concerned.\nYours sincerely,\nA Manager"


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=UTC)


def tell_story(school, *, size=1, by=None, start=datetime.date(2004, 9, 1)):
    """`size` events of every leadership source about `school` (and its one good-practice case
    study), a day apart within each source from `start`, by `by` where a source records who.
    Told again, the story goes on in the same place of the same programme year."""
    year = ProgrammeYearFactory(local_authority=school.local_authority)
    place = school.participations.filter(programme_year=year).first()
    if place is None:
        place = ParticipationFactory(programme_year=year, school=school)
        LeadershipTeamMemberFactory(participation=place, full_name="Ann Archer")
        ActionPlanFactory(participation=place)
    member, plan = place.team_members.get(full_name="Ann Archer"), place.action_plan
    for n in range(size):
        day = start + datetime.timedelta(days=n)
        ParticipationTransition.objects.create(
            participation=place,
            from_status=ParticipationStatus.INVITED,
            to_status=ParticipationStatus.ACCEPTED,
            changed_by=by,
            changed_at=at(day, 8),
        )
        SchoolVisitFactory(participation=place, visited_on=day, members=[member])
        PlanReviewFactory(plan=plan, reviewed_on=day, reviewed_by=by)
        TrainingAttendanceFactory(
            event=TrainingEventFactory(programme_year=year, held_on=day), member=member
        )
        note = NoteFactory(school=school, author=by)
        Note.objects.filter(pk=note.pk).update(created_at=at(day, 10))
        concern = ConcernFactory(school=school, raised_by=by)
        Concern.objects.filter(pk=concern.pk).update(raised_at=at(day, 11))
        step = concern_escalate(
            concern=concern, to_level=ConcernLevel.LINK_ADVISER, note="Visits missed.", by=by
        )
        ConcernEscalation.objects.filter(pk=step.pk).update(escalated_at=at(day, 12))
    study = good_practice_write(
        participation=place, title="Tracking writing", case_study="Half-termly checks.", by=by
    )
    GoodPractice.objects.filter(pk=study.pk).update(written_at=at(start, 13))
    return place


# The events each source tells, in order ------------------------------------------------------


def test_the_timeline_tells_every_source_newest_first(users, school):
    manager = users[Role.MANAGER]
    year = ProgrammeYearFactory(local_authority=school.local_authority)
    place = ParticipationFactory(programme_year=year, school=school)
    ann = LeadershipTeamMemberFactory(participation=place, full_name="Ann Archer")
    bob = LeadershipTeamMemberFactory(participation=place, full_name="Bob Baker")
    ParticipationTransition.objects.create(
        participation=place,
        from_status=ParticipationStatus.INVITED,
        to_status=ParticipationStatus.ACCEPTED,
        reason="The governors agreed.",
        changed_by=manager,
        changed_at=at(datetime.date(2004, 6, 14)),
    )
    session = TrainingEventFactory(
        programme_year=year, session=2, held_on=datetime.date(2004, 9, 23), venue="Town Hall"
    )
    TrainingAttendanceFactory(event=session, member=ann)
    TrainingAttendanceFactory(event=session, member=bob)
    TrainingAttendanceFactory(
        event=TrainingEventFactory(programme_year=year, held_on=datetime.date(2004, 9, 30)),
        member=ann,
        is_present=False,
    )
    note = NoteFactory(school=school, author=users[Role.LINK_ADVISER], text="Head keen.")
    Note.objects.filter(pk=note.pk).update(created_at=at(datetime.date(2004, 10, 5)))
    host = SchoolFactory(name="Hilltop Primary School")
    SchoolVisitFactory(
        participation=place,
        host_school=host,
        visited_on=datetime.date(2004, 11, 17),
        purpose="See writing tracked.",
        members=[ann, bob],
        is_outside_locality=True,
    )
    PlanReviewFactory(
        plan=ActionPlanFactory(participation=place),
        reviewed_on=datetime.date(2004, 11, 26),
        progress=ReviewProgress.AMBER,
        notes="Writing checks started.",
        reviewed_by=manager,
    )
    concern = ConcernFactory(school=school, raised_by=manager, summary="Visits cancelled.")
    Concern.objects.filter(pk=concern.pk).update(raised_at=at(datetime.date(2004, 12, 1)))
    step = concern_escalate(
        concern=concern,
        to_level=ConcernLevel.LINK_ADVISER,
        note="Third visit cancelled.",
        by=manager,
    )
    ConcernEscalation.objects.filter(pk=step.pk).update(escalated_at=at(datetime.date(2004, 12, 8)))
    step = concern_resolve(concern=concern, note="Visits back on track.", by=manager)
    ConcernEscalation.objects.filter(pk=step.pk).update(escalated_at=at(datetime.date(2005, 1, 10)))
    study = good_practice_write(
        participation=place, title="Tracking writing", case_study="Checks.", by=manager
    )
    GoodPractice.objects.filter(pk=study.pk).update(written_at=at(datetime.date(2005, 7, 1)))

    events = school_timeline(school, manager)

    assert [(event.kind, event.title) for event in events] == [
        ("good_practice", "Written up as good practice: Tracking writing"),
        ("concern", "Concern resolved"),
        ("concern", "Concern escalated to the link adviser"),
        ("concern", "Concern raised (medium severity)"),
        ("plan_review", "Action plan for 2004-05 reviewed: Amber: some concerns"),
        ("school_visit", "Visited Hilltop Primary School"),
        ("note", "Note"),
        ("training", "Training session 2 attended"),
        ("participation", "Place in 2004-05: accepted"),
    ]
    by_kind = {event.kind: event for event in events}
    assert by_kind["training"].detail == "Town Hall. Present: Ann Archer, Bob Baker."
    assert by_kind["school_visit"].detail == (
        "See writing tracked.\nWent: Ann Archer, Bob Baker.\nOutside the school's locality."
    )
    assert by_kind["participation"].detail == "Was invited. The governors agreed."
    assert by_kind["participation"].actor == manager.full_name
    assert by_kind["note"].detail == "Head keen."
    assert by_kind["note"].actor == users[Role.LINK_ADVISER].full_name
    assert by_kind["plan_review"].detail == "Writing checks started."
    assert by_kind["good_practice"].url == f"/programme/good-practice/{study.pk}/"
    assert events[3].url == f"/programme/concerns/{concern.pk}/"
    assert events[1].detail == "Visits back on track."
    assert by_kind["note"].has_time
    assert not by_kind["school_visit"].has_time


def test_the_timeline_tells_nothing_of_another_school(users, school, sibling_school):
    tell_story(sibling_school, by=users[Role.MANAGER])

    assert school_timeline(school, users[Role.MANAGER]) == []


def test_a_school_hears_of_a_concern_only_once_its_governing_body_is_notified(users, school):
    manager = users[Role.MANAGER]
    ConcernFactory(school=school, raised_by=manager, summary="Internal to the LEA.")
    notified = ConcernFactory(school=school, raised_by=manager, summary="Told to governors.")
    for level in (
        ConcernLevel.LINK_ADVISER,
        ConcernLevel.STRATEGY_MANAGER,
        ConcernLevel.GOVERNING_BODY,
    ):
        concern_escalate(
            concern=notified,
            to_level=level,
            note="Step.",
            letter=LETTER if level == ConcernLevel.GOVERNING_BODY else "",
            by=manager,
        )

    def concern_details(user):
        return [e.detail for e in school_timeline(school, user, kind="concern")]

    assert "Internal to the LEA." in concern_details(manager)
    assert "Internal to the LEA." in concern_details(users[Role.LINK_ADVISER])
    for role in (Role.HEADTEACHER, Role.GOVERNOR):
        details = concern_details(users[role])
        assert "Internal to the LEA." not in details
        assert "Told to governors." in details
        assert details.count("Step.") == 3
    letter_event = school_timeline(school, users[Role.GOVERNOR], kind="concern")[0]
    assert letter_event.title == "Governing body formally notified of a concern"
    assert letter_event.url == f"/programme/concerns/{notified.pk}/letter/"


def test_filtering_by_kind_keeps_only_that_kind_and_runs_only_its_source(users, school):
    manager = users[Role.MANAGER]
    tell_story(school, size=3, by=manager)

    with CaptureQueriesContext(connection) as queries:
        notes = school_timeline(school, manager, kind="note")

    assert len(notes) == 3
    assert {event.kind for event in notes} == {"note"}
    assert len(queries) == 1


def test_each_source_costs_the_same_queries_whatever_the_number_of_events(users, school):
    manager = users[Role.MANAGER]
    small, large = SchoolFactory(local_authority=school.local_authority), school
    tell_story(small, size=1, by=manager)
    tell_story(large, size=15, by=manager)

    counts = []
    for each in (small, large):
        with CaptureQueriesContext(connection) as queries:
            events = school_timeline(each, manager)
        counts.append((len(queries), len(events)))

    assert counts[0][0] == counts[1][0]
    assert counts[1][1] > counts[0][1]


# The registry --------------------------------------------------------------------------------


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(timeline, "_sources", [])
    monkeypatch.setattr(timeline, "_kind_labels", {})


def test_a_registered_source_joins_the_timeline_once_with_its_kinds(empty_registry, school, users):
    def payments(school, user):
        yield TimelineEvent(
            at=datetime.date(2005, 3, 1), kind="payment", title="Grant paid", detail="GBP 1,200"
        )
        yield TimelineEvent(at=at(datetime.date(2005, 4, 1)), kind="refund", title="Refund")

    register_timeline_source(payments, kinds={"payment": "Payment"})
    register_timeline_source(payments, kinds={"payment": "Payment"})

    events = school_timeline(school, users[Role.MANAGER])

    assert [event.title for event in events] == ["Refund", "Grant paid"]
    assert timeline.timeline_kinds() == [("payment", "Payment")]
    assert events[1].kind_label == "Payment"
    assert events[0].kind_label == "Refund"
    assert [e.title for e in school_timeline(school, users[Role.MANAGER], kind="payment")] == [
        "Grant paid"
    ]


def test_a_source_is_not_run_when_the_filter_asks_for_a_kind_it_does_not_declare(
    empty_registry, school, users
):
    calls = []

    def reports(school, user):
        calls.append(school)
        return []

    register_timeline_source(reports, kinds={"report": "Report"})
    register_timeline_source(lambda school, user: [], kinds={"payment": "Payment"})

    school_timeline(school, users[Role.MANAGER], kind="payment")
    school_timeline(school, users[Role.MANAGER], kind="report")

    assert calls == [school]


def test_an_event_dated_by_day_starts_at_local_midnight_and_has_no_time():
    event = TimelineEvent(at=datetime.date(2004, 11, 17), kind="school_visit", title="Visit")

    assert not event.has_time
    assert timezone.is_aware(event.at)
    assert timezone.localtime(event.at) == datetime.datetime(2004, 11, 17, tzinfo=LONDON)


# Latest event per school (the watchlist) -----------------------------------------------------


def test_latest_event_at_is_the_newest_event_of_any_source(users, school, sibling_school):
    manager = users[Role.MANAGER]
    tell_story(school, size=2, by=manager, start=datetime.date(2004, 9, 1))
    quiet = SchoolFactory(local_authority=school.local_authority)

    latest = latest_event_at([school, sibling_school, quiet], manager)

    assert latest == {school.pk: at(datetime.date(2004, 9, 2), 12)}
    assert latest[school.pk] == school_timeline(school, manager)[0].at


def test_latest_event_at_keeps_to_what_the_user_may_see(users, school):
    manager = users[Role.MANAGER]
    tell_story(school, size=1, by=manager, start=datetime.date(2004, 9, 1))
    internal = ConcernFactory(school=school, raised_by=manager)
    Concern.objects.filter(pk=internal.pk).update(raised_at=at(datetime.date(2005, 5, 5)))

    assert latest_event_at([school], manager)[school.pk] == at(datetime.date(2005, 5, 5))
    assert latest_event_at([school], users[Role.HEADTEACHER])[school.pk] == at(
        datetime.date(2004, 9, 1), 13
    )


def test_latest_event_at_costs_the_same_queries_for_one_school_or_many(users, lea):
    manager = users[Role.MANAGER]
    one = [SchoolFactory(local_authority=lea)]
    many = [SchoolFactory(local_authority=lea) for _ in range(6)]
    for each in [*one, *many]:
        tell_story(each, size=2, by=manager)

    counts = []
    for schools in (one, many):
        with CaptureQueriesContext(connection) as queries:
            latest = latest_event_at(schools, manager)
        counts.append(len(queries))
        assert set(latest) == {each.pk for each in schools}

    assert counts[0] == counts[1]


def test_a_source_without_latest_is_asked_school_by_school(empty_registry, school, sibling_school):
    def reports(school, user):
        if school.pk == sibling_school.pk:
            yield TimelineEvent(at=datetime.date(2005, 3, 1), kind="report", title="A")
            yield TimelineEvent(at=datetime.date(2005, 4, 1), kind="report", title="B")

    register_timeline_source(reports)

    assert latest_event_at([school, sibling_school], None) == {
        sibling_school.pk: datetime.datetime(2005, 4, 1, tzinfo=LONDON)
    }
