"""The programme year's factories, which the tests and `seed_demo` share: every row they make
passes the models' own validation, the rows they make together belong together (one LEA, one
year), their defaults follow the workflow, and a seeded generator makes the same rows again."""

import datetime
import inspect

import factory.random
import pytest
from factory.django import DjangoModelFactory

from accounts.models import Role
from leadership import factories
from leadership.factories import (
    ActionFactory,
    ActionPlanFactory,
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    PlanReviewFactory,
    ProgrammeYearFactory,
    SchoolVisitFactory,
    SelectionFlagFactory,
    SuccessCriterionFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import ParticipationStatus, ProgrammeYear

pytestmark = pytest.mark.django_db

FACTORIES = [
    cls
    for _name, cls in inspect.getmembers(factories, inspect.isclass)
    if issubclass(cls, DjangoModelFactory) and cls.__module__ == factories.__name__
]


@pytest.mark.parametrize("model_factory", FACTORIES, ids=lambda cls: cls.__name__)
def test_every_factory_makes_a_row_that_passes_full_clean(model_factory):
    row = model_factory()

    row.full_clean()

    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("model_factory", FACTORIES, ids=lambda cls: cls.__name__)
def test_every_factory_builds_a_row_without_saving_it(model_factory):
    row = model_factory.build()

    assert row.pk is None
    assert not type(row).objects.exists()


def test_every_model_with_a_factory_is_a_leadership_model():
    labels = {cls._meta.model._meta.app_label for cls in FACTORIES}

    assert labels == {"leadership"}
    assert len(FACTORIES) >= 15


def test_a_participations_school_belongs_to_the_years_lea():
    participation = ParticipationFactory()

    assert participation.school.local_authority == participation.programme_year.local_authority


def test_a_selection_flag_is_for_a_school_of_the_years_lea_by_its_strategy_manager():
    flag = SelectionFlagFactory()
    lea = flag.programme_year.local_authority

    assert flag.school.local_authority == lea
    assert (flag.flagged_by.role, flag.flagged_by.local_authority) == (Role.MANAGER, lea)


def test_a_register_line_is_for_a_member_of_a_school_taking_part_in_the_events_year():
    line = TrainingAttendanceFactory()

    assert line.member.participation.programme_year == line.event.programme_year
    assert line.consultant is None


def test_a_plan_review_is_by_the_schools_headteacher():
    review = PlanReviewFactory()

    assert review.reviewed_by.role == Role.HEADTEACHER
    assert review.reviewed_by.school == review.plan.participation.school


def test_a_plans_rows_hang_from_one_plan():
    criterion = SuccessCriterionFactory()
    action = ActionFactory(priority=criterion.priority)

    assert action.priority.plan == criterion.priority.plan
    assert criterion.is_quantified
    assert action.owner is None


def test_a_programme_year_is_found_again_by_its_lea_and_name(lea):
    first = ProgrammeYearFactory(local_authority=lea)

    again = ProgrammeYearFactory(local_authority=lea, name=first.name)

    assert again == first
    assert ProgrammeYear.objects.filter(local_authority=lea).count() == 1
    assert (first.starts_on, first.ends_on) == (
        datetime.date(2004, 9, 1),
        datetime.date(2005, 7, 31),
    )
    assert first.places_open == first.funded_places - first.reserve_places


@pytest.mark.parametrize(
    ("status", "has_reason", "has_joined"),
    [
        (ParticipationStatus.IDENTIFIED, False, False),
        (ParticipationStatus.INVITED, False, False),
        (ParticipationStatus.ACCEPTED, False, True),
        (ParticipationStatus.DECLINED, True, False),
        (ParticipationStatus.ACTIVE, False, True),
        (ParticipationStatus.COMPLETED, False, True),
        (ParticipationStatus.WITHDRAWN, True, True),
    ],
)
def test_a_participations_reason_and_joining_date_follow_its_status(status, has_reason, has_joined):
    participation = ParticipationFactory(status=status)

    participation.full_clean()
    assert bool(participation.status_reason) is has_reason
    assert (participation.joined_on is not None) is has_joined


def test_a_visit_takes_the_members_it_is_given(lea):
    participation = ParticipationFactory(programme_year=ProgrammeYearFactory(local_authority=lea))
    members = LeadershipTeamMemberFactory.create_batch(2, participation=participation)

    with_members = SchoolVisitFactory(participation=participation, members=members)
    without = SchoolVisitFactory(participation=participation)

    assert set(with_members.members.all()) == set(members)
    assert not without.members.exists()
    assert without.host_school != participation.school


def test_training_events_default_to_session_1_in_the_autumn():
    event = TrainingEventFactory()

    assert event.session == 1
    assert event.programme_year.starts_on <= event.held_on <= event.programme_year.ends_on


def test_plan_priorities_of_one_plan_take_positions_in_turn():
    plan = ActionPlanFactory()
    first, second = (SuccessCriterionFactory(priority__plan=plan).priority for _ in range(2))

    assert second.position > first.position
    assert list(plan.priorities.all()) == [first, second]


def test_a_reseeded_generator_builds_the_same_team_members_again():
    """seed_demo relies on it: the same seed draws the same names."""

    def names():
        factory.random.reseed_random(2004)
        return [LeadershipTeamMemberFactory.build().full_name for _ in range(5)]

    first = names()

    assert names() == first
    assert len(set(first)) > 1
