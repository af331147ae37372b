"""The plan check: each flag raised and not raised, at its boundaries, for one plan and for
many participations at once."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from leadership.factories import (
    ActionFactory,
    ActionPlanFactory,
    ParticipationFactory,
    PlanPriorityFactory,
    PlanReviewFactory,
    ProgrammeYearFactory,
    SuccessCriterionFactory,
)
from leadership.models import ActionPlan, ActionStatus, PriorityArea
from leadership.selectors.plans import (
    PlanFlag,
    PlanFlagCode,
    plan_check,
    plan_flags_for_participations,
    school_plans,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2005, 1, 10)
#: Loading plans for the check: plans with their year and latest review, priorities, criteria,
#: actions.
CHECK_QUERIES = 4
#: The school page's rows: participations with their plans and latest reviews, priorities,
#: criteria, actions.
SCHOOL_ROWS_QUERIES = 4


def started_on(plan, day):
    """Pretend `plan` was started on `day` (created_at is set by the database)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    ActionPlan.objects.filter(pk=plan.pk).update(created_at=moment)
    plan.refresh_from_db()


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def plan(year, school):
    """A sound plan: English and maths priorities with measurable criteria, nothing overdue,
    reviewed a week ago."""
    participation = ParticipationFactory(programme_year=year, school=school)
    plan = ActionPlanFactory(participation=participation)
    started_on(plan, datetime.date(2004, 9, 20))
    english = PlanPriorityFactory(plan=plan, area=PriorityArea.ENGLISH)
    maths = PlanPriorityFactory(plan=plan, area=PriorityArea.MATHS, title="Raise KS2 maths")
    SuccessCriterionFactory(priority=english)
    SuccessCriterionFactory(priority=maths, measure="% of Year 6 at Level 4+ in maths")
    ActionFactory(priority=english, due_on=TODAY)
    PlanReviewFactory(plan=plan, reviewed_on=TODAY - datetime.timedelta(weeks=1))
    return plan


def codes(flags):
    return [flag.code for flag in flags]


def test_a_sound_plan_raises_no_flag(plan):
    assert plan_check(plan, today=TODAY) == []


# No priority in English or maths -------------------------------------------------------------


def test_a_plan_with_no_priority_in_english_or_maths_is_flagged(plan):
    plan.priorities.update(area=PriorityArea.LEADERSHIP)

    flags = plan_check(plan, today=TODAY)

    assert codes(flags) == [PlanFlagCode.NO_ENGLISH_OR_MATHS]
    assert flags[0].message == (
        "The plan has no priority in English or maths, where standards must rise."
    )
    assert flags[0].anchor == "priorities"


@pytest.mark.parametrize("area", [PriorityArea.ENGLISH, PriorityArea.MATHS])
def test_one_priority_in_english_or_in_maths_is_enough(plan, area):
    plan.priorities.update(area=PriorityArea.OTHER)
    PlanPriorityFactory(plan=plan, area=area)

    assert PlanFlagCode.NO_ENGLISH_OR_MATHS not in codes(plan_check(plan, today=TODAY))


def test_a_plan_with_no_priorities_is_told_to_start_with_english_or_maths(plan):
    plan.priorities.all().delete()

    flags = plan_check(plan, today=TODAY)

    assert codes(flags) == [PlanFlagCode.NO_ENGLISH_OR_MATHS]
    assert "no priorities yet" in flags[0].message


# Too many priorities -------------------------------------------------------------------------


def test_exactly_as_many_priorities_as_the_year_can_carry_is_fine(plan):
    PlanPriorityFactory.create_batch(2, plan=plan, area=PriorityArea.LEADERSHIP)
    assert plan.priorities.count() == 4

    assert PlanFlagCode.TOO_MANY_PRIORITIES not in codes(plan_check(plan, today=TODAY))


def test_one_priority_more_than_the_year_can_carry_is_flagged(plan):
    PlanPriorityFactory.create_batch(3, plan=plan, area=PriorityArea.LEADERSHIP)

    flags = plan_check(plan, today=TODAY)

    assert codes(flags) == [PlanFlagCode.TOO_MANY_PRIORITIES]
    assert flags[0].message == (
        "The plan has 5 priorities, more than the 4 a year can carry: focus on fewer."
    )


def test_the_most_priorities_is_the_programme_years_own_number(plan, year):
    year.max_plan_priorities = 1
    year.save()

    assert codes(plan_check(plan, today=TODAY)) == [PlanFlagCode.TOO_MANY_PRIORITIES]


# Success criteria without a number ------------------------------------------------------------


def test_a_criterion_without_a_target_value_is_flagged_in_plain_words(plan):
    priority = plan.priorities.first()
    criterion = SuccessCriterionFactory(
        priority=priority, description="Better reading", target_value=None
    )

    flags = plan_check(plan, today=TODAY)

    assert flags == [
        PlanFlag(
            PlanFlagCode.CRITERION_WITHOUT_NUMBER,
            "The success criterion 'Better reading' has no number to measure it by.",
            f"criterion-{criterion.pk}",
        )
    ]


def test_a_criterion_without_a_measure_is_flagged(plan):
    SuccessCriterionFactory(priority=plan.priorities.first(), measure="", baseline=None)

    assert codes(plan_check(plan, today=TODAY)) == [PlanFlagCode.CRITERION_WITHOUT_NUMBER]


def test_a_criterion_with_a_measure_and_a_target_value_is_not_flagged_without_a_baseline(plan):
    SuccessCriterionFactory(priority=plan.priorities.first(), baseline=None, target_on=None)

    assert plan_check(plan, today=TODAY) == []


def test_each_criterion_without_a_number_is_flagged_once(plan):
    for priority in plan.priorities.all():
        SuccessCriterionFactory(priority=priority, target_value=None)

    flags = plan_check(plan, today=TODAY)

    assert codes(flags) == [PlanFlagCode.CRITERION_WITHOUT_NUMBER] * 2


# Overdue actions ------------------------------------------------------------------------------


def test_an_action_due_today_is_not_overdue(plan):
    assert plan.priorities.first().actions.get().due_on == TODAY

    assert PlanFlagCode.ACTIONS_OVERDUE not in codes(plan_check(plan, today=TODAY))


def test_an_action_due_yesterday_and_not_done_is_overdue(plan):
    action = ActionFactory(
        priority=plan.priorities.first(),
        description="Audit KS1 reading books",
        due_on=TODAY - datetime.timedelta(days=1),
        status=ActionStatus.IN_PROGRESS,
    )

    flags = plan_check(plan, today=TODAY)

    assert flags == [
        PlanFlag(
            PlanFlagCode.ACTIONS_OVERDUE,
            "1 action is overdue, the earliest 'Audit KS1 reading books', due on 9 January 2005.",
            f"action-{action.pk}",
        )
    ]


def test_an_action_done_late_is_not_overdue(plan):
    ActionFactory(
        priority=plan.priorities.first(),
        due_on=TODAY - datetime.timedelta(days=30),
        status=ActionStatus.DONE,
    )

    assert plan_check(plan, today=TODAY) == []


def test_overdue_actions_are_counted_in_one_flag_pointing_at_the_earliest(plan):
    english, maths = plan.priorities.all()
    ActionFactory(priority=english, due_on=datetime.date(2004, 12, 17))
    earliest = ActionFactory(priority=maths, due_on=datetime.date(2004, 11, 5))
    ActionFactory(priority=maths, due_on=datetime.date(2005, 1, 7))

    flags = plan_check(plan, today=TODAY)

    assert codes(flags) == [PlanFlagCode.ACTIONS_OVERDUE]
    assert flags[0].message.startswith("3 actions are overdue")
    assert "5 November 2004" in flags[0].message
    assert flags[0].anchor == f"action-{earliest.pk}"


# Reviews --------------------------------------------------------------------------------------


def test_a_review_exactly_the_years_weeks_ago_is_recent_enough(plan):
    plan.reviews.update(reviewed_on=TODAY - datetime.timedelta(weeks=6))

    assert plan_check(plan, today=TODAY) == []


def test_no_review_for_the_years_weeks_and_a_day_is_flagged(plan):
    plan.reviews.update(reviewed_on=TODAY - datetime.timedelta(weeks=6, days=1))

    flags = plan_check(plan, today=TODAY)

    assert flags == [
        PlanFlag(
            PlanFlagCode.NO_RECENT_REVIEW,
            "The plan has not been reviewed since 28 November 2004: review it at least every "
            "6 weeks.",
            "reviews",
        )
    ]


def test_the_latest_review_counts(plan):
    PlanReviewFactory(plan=plan, reviewed_on=datetime.date(2004, 10, 1))

    assert plan_check(plan, today=TODAY) == []


def test_a_plan_never_reviewed_counts_from_the_day_it_was_started(plan):
    plan.reviews.all().delete()
    started_on(plan, TODAY - datetime.timedelta(weeks=6))
    assert plan_check(plan, today=TODAY) == []

    started_on(plan, TODAY - datetime.timedelta(weeks=6, days=1))
    flags = plan_check(plan, today=TODAY)

    assert codes(flags) == [PlanFlagCode.NO_RECENT_REVIEW]
    assert flags[0].message.startswith(
        "The plan has not been reviewed since it was started on 28 November 2004"
    )


def test_the_weeks_between_reviews_are_the_programme_years_own_number(plan, year):
    year.plan_review_weeks = 1
    year.save()
    plan.reviews.update(reviewed_on=TODAY - datetime.timedelta(days=8))

    flags = plan_check(plan, today=TODAY)

    assert codes(flags) == [PlanFlagCode.NO_RECENT_REVIEW]
    assert flags[0].message.endswith("review it at least every 1 week.")


def test_every_weakness_is_flagged_together_in_a_fixed_order(plan, year):
    year.max_plan_priorities = 1
    year.save()
    plan.priorities.update(area=PriorityArea.OTHER)
    SuccessCriterionFactory(priority=plan.priorities.first(), target_value=None)
    ActionFactory(priority=plan.priorities.first(), due_on=datetime.date(2004, 12, 1))
    plan.reviews.all().delete()

    assert codes(plan_check(plan, today=TODAY)) == [
        PlanFlagCode.NO_ENGLISH_OR_MATHS,
        PlanFlagCode.TOO_MANY_PRIORITIES,
        PlanFlagCode.CRITERION_WITHOUT_NUMBER,
        PlanFlagCode.ACTIONS_OVERDUE,
        PlanFlagCode.NO_RECENT_REVIEW,
    ]


# Many participations at once ------------------------------------------------------------------


def test_flags_for_participations_has_every_participation_and_none_for_one_without_a_plan(
    plan, year
):
    without_plan = ParticipationFactory(programme_year=year)
    SuccessCriterionFactory(priority=plan.priorities.first(), target_value=None)

    flags = plan_flags_for_participations([plan.participation, without_plan], today=TODAY)

    assert flags.keys() == {plan.participation.pk, without_plan.pk}
    assert codes(flags[plan.participation.pk]) == [PlanFlagCode.CRITERION_WITHOUT_NUMBER]
    assert flags[without_plan.pk] == []


def test_flags_for_participations_agree_with_the_check_of_each_plan(plan, year):
    other = ActionPlanFactory(participation=ParticipationFactory(programme_year=year))
    started_on(other, datetime.date(2004, 9, 1))
    PlanPriorityFactory(plan=other, area=PriorityArea.OTHER)

    flags = plan_flags_for_participations([plan.participation, other.participation], today=TODAY)

    assert flags[plan.participation.pk] == plan_check(plan, today=TODAY)
    assert flags[other.participation.pk] == plan_check(other, today=TODAY)
    assert codes(flags[other.participation.pk]) == [
        PlanFlagCode.NO_ENGLISH_OR_MATHS,
        PlanFlagCode.NO_RECENT_REVIEW,
    ]


def make_plans(year, count):
    participations = ParticipationFactory.create_batch(count, programme_year=year)
    for participation in participations:
        plan = ActionPlanFactory(participation=participation)
        for area in (PriorityArea.ENGLISH, PriorityArea.MATHS):
            priority = PlanPriorityFactory(plan=plan, area=area)
            SuccessCriterionFactory(priority=priority, target_value=Decimal("70.0"))
            ActionFactory.create_batch(2, priority=priority, due_on=datetime.date(2004, 12, 1))
        PlanReviewFactory(plan=plan)
    return participations


@pytest.mark.parametrize("count", [10, 60])
def test_flags_for_participations_cost_the_same_queries_for_any_number(
    year, count, django_assert_max_num_queries
):
    participations = make_plans(year, count)

    with django_assert_max_num_queries(CHECK_QUERIES):
        flags = plan_flags_for_participations(participations, today=TODAY)

    assert len(flags) == count
    assert all(PlanFlagCode.ACTIONS_OVERDUE in codes(each) for each in flags.values())


def test_the_check_of_one_plan_costs_a_fixed_number_of_queries(plan, django_assert_num_queries):
    with django_assert_num_queries(CHECK_QUERIES):
        plan_check(plan, today=TODAY)


# The school page's rows -----------------------------------------------------------------------


def later_year(lea, name, start_year):
    return ProgrammeYearFactory(
        local_authority=lea,
        name=name,
        starts_on=datetime.date(start_year, 9, 1),
        ends_on=datetime.date(start_year + 1, 7, 31),
    )


def test_the_school_rows_agree_with_the_check_of_each_plan(plan, lea, school, users):
    unreviewed = ActionPlanFactory(
        participation=ParticipationFactory(
            programme_year=later_year(lea, "2005-06", 2005), school=school
        )
    )
    started_on(unreviewed, datetime.date(2004, 9, 1))
    PlanPriorityFactory(plan=unreviewed, area=PriorityArea.MATHS)
    without_plan = ParticipationFactory(
        programme_year=later_year(lea, "2006-07", 2006), school=school
    )

    rows = school_plans(school=school, user=users[Role.MANAGER], today=TODAY)

    assert [row.participation for row in rows] == [
        without_plan,
        unreviewed.participation,
        plan.participation,
    ]
    assert (rows[0].plan, rows[0].priority_count, rows[0].flags) == (None, None, ())
    assert rows[1].plan == unreviewed
    assert rows[1].priority_count == 1
    assert list(rows[1].flags) == plan_check(unreviewed, today=TODAY)
    assert codes(rows[1].flags) == [PlanFlagCode.NO_RECENT_REVIEW]
    assert rows[2].plan == plan
    assert rows[2].priority_count == 2
    assert rows[2].flags == ()


@pytest.mark.parametrize("count", [1, 4])
def test_the_school_rows_cost_the_same_queries_for_any_number_of_years(
    count, lea, school, users, django_assert_num_queries
):
    for number in range(count):
        year = later_year(lea, f"{2004 + number}-{5 + number:02}", 2004 + number)
        plan = ActionPlanFactory(
            participation=ParticipationFactory(programme_year=year, school=school)
        )
        for area in (PriorityArea.ENGLISH, PriorityArea.MATHS):
            priority = PlanPriorityFactory(plan=plan, area=area)
            SuccessCriterionFactory(priority=priority, target_value=None)
            ActionFactory.create_batch(2, priority=priority, due_on=datetime.date(2004, 12, 1))
        PlanReviewFactory.create_batch(2, plan=plan)

    with django_assert_num_queries(SCHOOL_ROWS_QUERIES):
        rows = school_plans(school=school, user=users[Role.MANAGER], today=TODAY)
        # Reading what the school page shows runs no more query.
        shown = [
            (row.participation.programme_year.name, row.participation.school, row.flags)
            for row in rows
        ]

    assert len(shown) == count
    assert all(PlanFlagCode.ACTIONS_OVERDUE in codes(flags) for _, _, flags in shown)


# The cached check (`_plan_rows`; docs/decisions/018) -----------------------------------------


def _school_rows(school, user, *, today=TODAY):
    """The school page's rows, as the next request reads them (the school read again)."""
    from schools.models import School

    return school_plans(school=School.objects.get(pk=school.pk), user=user, today=today)


def _flags_of(rows):
    return [(row.priority_count, set(codes(row.flags))) for row in rows]


@pytest.fixture
def bare_plan(year, school):
    """A plan started in September with no priority yet, reviewed a week ago."""
    plan = ActionPlanFactory(participation=ParticipationFactory(programme_year=year, school=school))
    started_on(plan, datetime.date(2004, 9, 20))
    PlanReviewFactory(plan=plan, reviewed_on=TODAY - datetime.timedelta(weeks=1))
    return plan


def test_a_plans_check_once_read_costs_one_query_and_is_the_same(
    bare_plan, users, django_assert_num_queries
):
    plan = bare_plan
    school = plan.participation.school
    manager = users[Role.MANAGER]
    PlanPriorityFactory(plan=plan, area=PriorityArea.LEADERSHIP)
    first = _school_rows(school, manager)

    from schools.models import School

    again = School.objects.get(pk=school.pk)
    with django_assert_num_queries(1):
        rows = school_plans(school=again, user=manager, today=TODAY)

    assert [(row.priority_count, row.flags) for row in rows] == [
        (row.priority_count, row.flags) for row in first
    ]
    assert PlanFlagCode.NO_ENGLISH_OR_MATHS in codes(rows[0].flags)


def test_each_change_to_a_plans_contents_is_in_its_next_check(bare_plan, users):
    from leadership.services.plans import (
        action_delete,
        action_set_status,
        plan_priority_delete,
        success_criterion_delete,
    )

    plan = bare_plan
    school = plan.participation.school
    manager = users[Role.MANAGER]
    assert _flags_of(_school_rows(school, manager)) == [(0, {PlanFlagCode.NO_ENGLISH_OR_MATHS})]

    priority = PlanPriorityFactory(plan=plan, area=PriorityArea.ENGLISH)
    assert _flags_of(_school_rows(school, manager)) == [(1, set())]

    criterion = SuccessCriterionFactory(priority=priority, target_value=None)
    assert _flags_of(_school_rows(school, manager)) == [
        (1, {PlanFlagCode.CRITERION_WITHOUT_NUMBER})
    ]
    criterion.target_value = Decimal("80")
    criterion.measure = "% at level 4"
    criterion.save()
    assert _flags_of(_school_rows(school, manager)) == [(1, set())]
    success_criterion_delete(criterion=criterion)

    action = ActionFactory(priority=priority, due_on=datetime.date(2004, 10, 1))
    assert _flags_of(_school_rows(school, manager)) == [(1, {PlanFlagCode.ACTIONS_OVERDUE})]
    action_set_status(action=action, status=ActionStatus.DONE)
    assert _flags_of(_school_rows(school, manager)) == [(1, set())]
    action_delete(action=action)

    plan_priority_delete(priority=priority)
    assert _flags_of(_school_rows(school, manager)) == [(0, {PlanFlagCode.NO_ENGLISH_OR_MATHS})]


def test_the_day_a_review_and_the_years_settings_each_make_a_new_check(bare_plan, users):
    plan = bare_plan
    school = plan.participation.school
    manager = users[Role.MANAGER]
    PlanPriorityFactory(plan=plan, area=PriorityArea.MATHS)
    ActionFactory(priority=plan.priorities.get(), due_on=TODAY + datetime.timedelta(days=1))
    year = plan.participation.programme_year
    assert _flags_of(_school_rows(school, manager)) == [(1, set())]

    # The next day, the action is overdue.
    later = TODAY + datetime.timedelta(days=2)
    assert _flags_of(_school_rows(school, manager, today=later)) == [
        (1, {PlanFlagCode.ACTIONS_OVERDUE})
    ]

    # A year that carries no priority at all.
    year.max_plan_priorities = 0
    year.save()
    assert PlanFlagCode.TOO_MANY_PRIORITIES in _flags_of(_school_rows(school, manager))[0][1]

    # A review long after the plan started: the review flag comes and goes with it.
    far = TODAY + datetime.timedelta(weeks=year.plan_review_weeks + 30)
    assert (
        PlanFlagCode.NO_RECENT_REVIEW in _flags_of(_school_rows(school, manager, today=far))[0][1]
    )
    PlanReviewFactory(plan=plan, reviewed_on=far - datetime.timedelta(days=1))
    assert (
        PlanFlagCode.NO_RECENT_REVIEW
        not in _flags_of(_school_rows(school, manager, today=far))[0][1]
    )


def test_saving_a_plan_read_before_its_contents_changed_keeps_the_new_version(plan):
    read_earlier = ActionPlan.objects.get(pk=plan.pk)
    PlanPriorityFactory(plan=plan)
    changed = ActionPlan.objects.get(pk=plan.pk).contents_version

    read_earlier.summary = "Raise standards in writing."
    read_earlier.save()

    stored = ActionPlan.objects.get(pk=plan.pk)
    assert stored.summary == "Raise standards in writing."
    assert stored.contents_version == changed != plan.contents_version
