"""The rules the plan's services hold, whoever calls them."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import Role
from leadership.factories import (
    ActionFactory,
    ActionPlanFactory,
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    PlanPriorityFactory,
    ProgrammeYearFactory,
    SuccessCriterionFactory,
)
from leadership.models import (
    Action,
    ActionPlan,
    ActionStatus,
    ParticipationStatus,
    PlanPriority,
    PriorityArea,
    ReviewProgress,
    SuccessCriterion,
)
from leadership.services import plans as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def participation(lea, school):
    return ParticipationFactory(
        programme_year=ProgrammeYearFactory(local_authority=lea), school=school
    )


@pytest.fixture
def plan(participation):
    return ActionPlanFactory(participation=participation)


@pytest.mark.parametrize(
    "status",
    [ParticipationStatus.ACCEPTED, ParticipationStatus.ACTIVE, ParticipationStatus.COMPLETED],
)
def test_a_plan_starts_for_a_school_holding_a_place(participation, status):
    participation.status = status
    participation.save()

    plan = services.action_plan_start(participation=participation)

    assert plan.participation == participation
    assert plan.pk is not None


def test_starting_a_plan_twice_gives_the_one_plan(participation):
    first = services.action_plan_start(participation=participation)

    second = services.action_plan_start(participation=participation)

    assert second == first
    assert ActionPlan.objects.count() == 1


@pytest.mark.parametrize(
    "status",
    [
        ParticipationStatus.IDENTIFIED,
        ParticipationStatus.INVITED,
        ParticipationStatus.DECLINED,
        ParticipationStatus.WITHDRAWN,
    ],
)
def test_a_plan_does_not_start_for_a_school_without_a_place(lea, status):
    participation = ParticipationFactory(
        programme_year=ProgrammeYearFactory(local_authority=lea), status=status
    )

    with pytest.raises(ValidationError, match="accepted its place"):
        services.action_plan_start(participation=participation)

    assert not ActionPlan.objects.exists()


def test_the_summary_is_saved(plan):
    services.action_plan_update(plan=plan, summary="Raise KS2 writing and maths.")

    plan.refresh_from_db()
    assert plan.summary == "Raise KS2 writing and maths."


def test_priorities_are_added_at_the_end(plan):
    first = services.plan_priority_create(plan=plan, area=PriorityArea.ENGLISH, title="Writing")
    second = services.plan_priority_create(plan=plan, area=PriorityArea.MATHS, title="Maths")

    assert list(plan.priorities.all()) == [first, second]
    assert (first.position, second.position) == (1, 2)


def test_a_priority_needs_a_title(plan):
    with pytest.raises(ValidationError) as error:
        services.plan_priority_create(plan=plan, area=PriorityArea.ENGLISH, title="")

    assert "title" in error.value.error_dict
    assert not PlanPriority.objects.exists()


def test_moving_a_priority_renumbers_the_plan(plan):
    *_, c = (
        services.plan_priority_create(plan=plan, area=PriorityArea.ENGLISH, title=title)
        for title in "ABC"
    )

    services.plan_priority_update(
        priority=c, area=PriorityArea.MATHS, title="C", description="", position=1
    )

    assert [p.title for p in plan.priorities.all()] == ["C", "A", "B"]
    assert list(plan.priorities.values_list("position", flat=True)) == [1, 2, 3]
    c.refresh_from_db()
    assert c.area == PriorityArea.MATHS


def test_a_priority_moved_beyond_the_end_goes_last(plan):
    a, _ = (
        services.plan_priority_create(plan=plan, area=PriorityArea.ENGLISH, title=title)
        for title in "AB"
    )

    services.plan_priority_update(
        priority=a, area=PriorityArea.ENGLISH, title="A", description="", position=9
    )

    assert [p.title for p in plan.priorities.all()] == ["B", "A"]


def test_removing_a_priority_takes_its_criteria_and_actions_and_closes_up(plan):
    _, b, _ = (
        services.plan_priority_create(plan=plan, area=PriorityArea.ENGLISH, title=title)
        for title in "ABC"
    )
    SuccessCriterionFactory(priority=b)
    ActionFactory(priority=b)

    services.plan_priority_delete(priority=b)

    assert list(plan.priorities.values_list("title", "position")) == [("A", 1), ("C", 2)]
    assert not SuccessCriterion.objects.exists()
    assert not Action.objects.exists()


def test_a_criterion_without_a_number_is_kept_for_the_check_to_flag(plan):
    priority = PlanPriorityFactory(plan=plan)

    criterion = services.success_criterion_create(priority=priority, description="Better reading")

    assert not criterion.is_quantified
    assert SuccessCriterion.objects.get() == criterion


def test_a_criterion_is_changed(plan):
    criterion = SuccessCriterionFactory(priority=PlanPriorityFactory(plan=plan), target_value=None)

    services.success_criterion_update(
        criterion=criterion,
        description="More pupils reach Level 4 in reading",
        measure="% at Level 4+ in reading",
        baseline=Decimal("61.0"),
        target_value=Decimal("72.5"),
        target_on=datetime.date(2005, 7, 15),
    )

    criterion.refresh_from_db()
    assert criterion.is_quantified
    assert criterion.target_value == Decimal("72.5")


def test_an_action_is_owned_by_a_member_of_the_schools_team(plan, participation):
    member = LeadershipTeamMemberFactory(participation=participation)

    action = services.action_create(
        priority=PlanPriorityFactory(plan=plan),
        description="Half-termly writing assessments",
        due_on=datetime.date(2004, 12, 17),
        owner=member,
    )

    assert action.owner == member
    assert action.status == ActionStatus.NOT_STARTED


def test_an_owner_from_another_school_is_refused_and_nothing_saved(plan):
    stranger = LeadershipTeamMemberFactory(
        participation=ParticipationFactory(programme_year=plan.participation.programme_year)
    )

    with pytest.raises(ValidationError) as error:
        services.action_create(
            priority=PlanPriorityFactory(plan=plan),
            description="Half-termly writing assessments",
            due_on=datetime.date(2004, 12, 17),
            owner=stranger,
        )

    assert "owner" in error.value.error_dict
    assert not Action.objects.exists()


def test_an_owner_from_the_same_schools_other_year_is_refused(plan, school, lea):
    next_year = ProgrammeYearFactory(
        local_authority=lea,
        name="2005-06",
        starts_on=datetime.date(2005, 9, 1),
        ends_on=datetime.date(2006, 7, 31),
    )
    other_years_member = LeadershipTeamMemberFactory(
        participation=ParticipationFactory(programme_year=next_year, school=school)
    )
    action = ActionFactory(priority=PlanPriorityFactory(plan=plan))

    with pytest.raises(ValidationError):
        services.action_update(
            action=action,
            description=action.description,
            due_on=action.due_on,
            owner=other_years_member,
            status=ActionStatus.IN_PROGRESS,
        )

    action.refresh_from_db()
    assert action.owner is None
    assert action.status == ActionStatus.NOT_STARTED


def test_an_action_is_marked_done(plan):
    action = ActionFactory(priority=PlanPriorityFactory(plan=plan))

    services.action_set_status(action=action, status=ActionStatus.DONE)

    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_a_review_records_who_reviewed_and_keeps_them_when_corrected(plan, users):
    head = users[Role.HEADTEACHER]
    review = services.plan_review_create(
        plan=plan,
        reviewed_on=datetime.date(2004, 11, 26),
        progress=ReviewProgress.AMBER,
        notes="Writing assessments started in Years 5 and 6.",
        reviewed_by=head,
    )

    services.plan_review_update(
        review=review,
        reviewed_on=datetime.date(2004, 11, 25),
        progress=ReviewProgress.GREEN,
        notes="All year groups now assess writing.",
    )

    review.refresh_from_db()
    assert review.reviewed_by == head
    assert review.progress == ReviewProgress.GREEN


def test_a_review_needs_notes(plan, users):
    with pytest.raises(ValidationError):
        services.plan_review_create(
            plan=plan,
            reviewed_on=datetime.date(2004, 11, 26),
            progress=ReviewProgress.RED,
            notes="",
            reviewed_by=users[Role.HEADTEACHER],
        )

    assert not plan.reviews.exists()


@pytest.mark.django_db(transaction=True)
def test_two_editors_starting_the_plan_at_the_same_moment_get_the_one_plan(lea, school):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite runs one writer at a time.")
    participation = ParticipationFactory(
        programme_year=ProgrammeYearFactory(local_authority=lea), school=school
    )
    barrier = threading.Barrier(2)

    def start(_):
        try:
            barrier.wait(timeout=10)
            return services.action_plan_start(participation=participation).pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        started = list(pool.map(start, range(2)))

    assert started[0] == started[1]
    assert ActionPlan.objects.filter(participation=participation).count() == 1
