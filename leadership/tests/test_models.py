"""The programme year's rules held by the database: every check and unique constraint of the
leadership models refuses a bad row with full_clean bypassed, full_clean explains it (with the
constraint's own message, or the field's where a field validator catches the value first), and
the rows at the edge of each rule are accepted. Also the few model properties."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, models, transaction

from accounts.models import Role
from conftest import make_user
from leadership.factories import (
    ActionPlanFactory,
    ConcernFactory,
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    PlanReviewFactory,
    ProgrammeYearFactory,
    SchoolActivityFactory,
    SchoolVisitFactory,
    SelectionFlagFactory,
    SuccessCriterionFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import (
    ActionPlan,
    ConcernEscalation,
    ConcernLevel,
    GoodPractice,
    MemberRole,
    Participation,
    ParticipationStatus,
    ProgrammeYear,
    Watch,
)
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

AT_LEAST = "Ensure this value is greater than or equal to {}."
NOT_A_CHOICE = "Value {} is not a valid choice."
BLANK = "This field cannot be blank."


@pytest.fixture
def world(lea, school, sibling_school):
    """Saved rows the bad rows hang from, all in `lea`."""
    year = ProgrammeYearFactory(local_authority=lea)
    participation = ParticipationFactory(programme_year=year, school=school)
    return SimpleNamespace(
        lea=lea,
        school=school,
        sibling_school=sibling_school,
        year=year,
        participation=participation,
        member=LeadershipTeamMemberFactory(participation=participation, role=MemberRole.DEPUTY),
        event=TrainingEventFactory(programme_year=year),
        pscl=make_user(Role.CONSULTANT, lea=lea),
        manager=make_user(Role.MANAGER, lea=lea),
        concern=ConcernFactory(school=school),
    )


@dataclass(frozen=True)
class Case:
    """A row that breaks one constraint and nothing else, and what full_clean says of it."""

    constraint: str
    #: Makes the bad row, unsaved; for a unique constraint it first saves the row it repeats.
    build: Callable[[SimpleNamespace], models.Model]
    errors: dict[str, list[str]]

    def param(self, label):
        return pytest.param(self, id=f"{self.constraint}-{label}")


def _year(w, **values):
    return ProgrammeYearFactory.build(local_authority=w.lea, name="2005-06", **values)


def _escalation(w, **values):
    return ConcernEscalation(concern=w.concern, note="Passed on.", escalated_by=w.manager, **values)


def _concern(w, **values):
    return ConcernFactory.build(school=w.school, **values)


CHECKS = [
    Case(
        "programme_year_ends_after_start",
        lambda w: _year(w, starts_on=datetime.date(2005, 9, 1), ends_on=datetime.date(2005, 9, 1)),
        {NON_FIELD_ERRORS: ["The year must end after it starts."]},
    ).param("same-day"),
    Case(
        "programme_year_ends_after_start",
        lambda w: _year(w, starts_on=datetime.date(2005, 9, 1), ends_on=datetime.date(2005, 7, 31)),
        {NON_FIELD_ERRORS: ["The year must end after it starts."]},
    ).param("before"),
    Case(
        "programme_year_reserve_within_funded",
        lambda w: _year(w, funded_places=3, reserve_places=4),
        {NON_FIELD_ERRORS: ["The reserve cannot exceed the funded places."]},
    ).param("over"),
    Case(
        "programme_year_released_within_reserve",
        lambda w: _year(w, reserve_places=2, reserve_released=3),
        {NON_FIELD_ERRORS: ["No more reserve places can be released than kept back."]},
    ).param("over"),
    Case(
        "participation_ofsted_kind_1_4",
        lambda w: ParticipationFactory.build(
            programme_year=w.year, school=w.sibling_school, ofsted_kind=5
        ),
        {"ofsted_kind": [NOT_A_CHOICE.format(5)]},
    ).param("5"),
    Case(
        "participation_ofsted_kind_1_4",
        lambda w: ParticipationFactory.build(
            programme_year=w.year, school=w.sibling_school, ofsted_kind=0
        ),
        {"ofsted_kind": [NOT_A_CHOICE.format(0)]},
    ).param("0"),
    Case(
        "participation_reason_for_decline_or_withdrawal",
        lambda w: ParticipationFactory.build(
            programme_year=w.year,
            school=w.sibling_school,
            status=ParticipationStatus.DECLINED,
            status_reason="",
        ),
        {NON_FIELD_ERRORS: ["A decline or a withdrawal needs a reason."]},
    ).param("declined"),
    Case(
        "participation_reason_for_decline_or_withdrawal",
        lambda w: ParticipationFactory.build(
            programme_year=w.year,
            school=w.sibling_school,
            status=ParticipationStatus.WITHDRAWN,
            status_reason="",
        ),
        {NON_FIELD_ERRORS: ["A decline or a withdrawal needs a reason."]},
    ).param("withdrawn"),
    Case(
        "selection_flag_has_reason",
        lambda w: SelectionFlagFactory.build(
            programme_year=w.year, school=w.school, reason="", flagged_by=w.manager
        ),
        {"reason": [BLANK]},
    ).param("blank"),
    Case(
        "school_activity_days_positive",
        lambda w: SchoolActivityFactory.build(member=w.member, days=Decimal("0")),
        {"days": [AT_LEAST.format("0.5")]},
    ).param("0"),
    Case(
        "school_activity_days_positive",
        lambda w: SchoolActivityFactory.build(member=w.member, days=Decimal("-1.0")),
        {"days": [AT_LEAST.format("0.5")]},
    ).param("negative"),
    Case(
        "training_event_session_1_3",
        lambda w: TrainingEventFactory.build(programme_year=w.year, session=4),
        {"session": [NOT_A_CHOICE.format(4)]},
    ).param("4"),
    Case(
        "training_event_session_1_3",
        lambda w: TrainingEventFactory.build(programme_year=w.year, session=0),
        {"session": [NOT_A_CHOICE.format(0)]},
    ).param("0"),
    Case(
        "training_event_capacity_positive",
        lambda w: TrainingEventFactory.build(programme_year=w.year, capacity=0),
        {"capacity": [AT_LEAST.format(1)]},
    ).param("0"),
    Case(
        "attendance_member_or_pscl",
        lambda w: TrainingAttendanceFactory.build(
            event=w.event, member=w.member, consultant=w.pscl
        ),
        {NON_FIELD_ERRORS: ["A register line is for a team member or a PSCL."]},
    ).param("both"),
    Case(
        "attendance_member_or_pscl",
        lambda w: TrainingAttendanceFactory.build(event=w.event, member=None, consultant=None),
        {NON_FIELD_ERRORS: ["A register line is for a team member or a PSCL."]},
    ).param("neither"),
    Case(
        "school_visit_days_positive",
        lambda w: SchoolVisitFactory.build(
            participation=w.participation, host_school=w.sibling_school, days=Decimal("0")
        ),
        {"days": [AT_LEAST.format("0.5")]},
    ).param("0"),
    Case(
        "plan_review_has_notes",
        lambda w: PlanReviewFactory.build(
            plan=ActionPlanFactory(participation=w.participation), notes="", reviewed_by=w.manager
        ),
        {"notes": [BLANK]},
    ).param("blank"),
    Case(
        "concern_resolved_with_note",
        lambda w: _concern(w, level=ConcernLevel.RESOLVED, resolution=""),
        {NON_FIELD_ERRORS: ["A concern is resolved with a note."]},
    ).param("blank"),
    Case(
        "escalation_to_governors_has_letter",
        lambda w: _escalation(w, to_level=ConcernLevel.GOVERNING_BODY, letter=""),
        {NON_FIELD_ERRORS: ["A formal notification to governors needs its letter."]},
    ).param("blank"),
]


def _again(factory, **values):
    """Save a row of `factory` with `values`, and return an unsaved row with the same."""
    factory(**values)
    return factory.build(**values)


def _second_attendance(w, **who):
    TrainingAttendanceFactory(event=w.event, **who)
    return TrainingAttendanceFactory.build(event=w.event, is_present=False, **who)


def _second_head(w):
    LeadershipTeamMemberFactory(
        participation=w.participation, role=MemberRole.HEADTEACHER, full_name="Sarah Bennett"
    )
    return LeadershipTeamMemberFactory.build(
        participation=w.participation, role=MemberRole.HEADTEACHER, full_name="Tom Ridley"
    )


def _second_watch(w):
    Watch.objects.create(user=w.manager, school=w.school)
    return Watch(user=w.manager, school=w.school)


UNIQUES = [
    Case(
        "programme_year_unique_name_per_lea",
        lambda w: ProgrammeYearFactory.build(local_authority=w.lea, name=w.year.name),
        {NON_FIELD_ERRORS: ["Programme year with this LEA and Name already exists."]},
    ).param("name"),
    Case(
        "participation_one_per_school_year",
        lambda w: ParticipationFactory.build(programme_year=w.year, school=w.school),
        {NON_FIELD_ERRORS: ["Participation with this Programme year and School already exists."]},
    ).param("school"),
    Case(
        "selection_flag_one_per_school_year",
        lambda w: _again(
            SelectionFlagFactory,
            programme_year=w.year,
            school=w.sibling_school,
            flagged_by=w.manager,
        ),
        {NON_FIELD_ERRORS: ["Selection flag with this Programme year and School already exists."]},
    ).param("school"),
    Case(
        "team_member_unique_name",
        lambda w: LeadershipTeamMemberFactory.build(
            participation=w.participation,
            full_name=w.member.full_name,
            role=MemberRole.OTHER_SENIOR,
        ),
        {NON_FIELD_ERRORS: ["A team has no two current members of the same name."]},
    ).param("name"),
    Case(
        "team_one_headteacher",
        _second_head,
        {NON_FIELD_ERRORS: ["A team has one headteacher."]},
    ).param("second-head"),
    Case(
        "attendance_member_once_per_event",
        lambda w: _second_attendance(w, member=w.member),
        {NON_FIELD_ERRORS: ["Constraint “attendance_member_once_per_event” is violated."]},
    ).param("member"),
    Case(
        "attendance_pscl_once_per_event",
        lambda w: _second_attendance(w, member=None, consultant=w.pscl),
        {NON_FIELD_ERRORS: ["Constraint “attendance_pscl_once_per_event” is violated."]},
    ).param("pscl"),
    Case(
        "watch_once_per_user",
        _second_watch,
        {NON_FIELD_ERRORS: ["Watch with this User and School already exists."]},
    ).param("school"),
]


@pytest.mark.parametrize("case", CHECKS)
def test_database_refuses_a_row_that_breaks_a_check_constraint(case, world):
    row = case.build(world)

    with pytest.raises(IntegrityError, match=case.constraint), transaction.atomic():
        row.save()


@pytest.mark.parametrize("case", UNIQUES)
def test_database_refuses_a_row_that_breaks_a_unique_constraint(case, world):
    row = case.build(world)
    # SQLite names the columns of a unique constraint it enforces, not the constraint.
    match = case.constraint if connection.vendor == "postgresql" else "UNIQUE"

    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        row.save()


@pytest.mark.parametrize("case", CHECKS + UNIQUES)
def test_full_clean_explains_the_broken_rule(case, world):
    row = case.build(world)

    with pytest.raises(ValidationError) as raised:
        row.full_clean()

    assert raised.value.message_dict == case.errors


@pytest.mark.parametrize("case", CHECKS)
def test_each_check_constraint_says_what_is_wrong_in_its_own_words(case, world):
    """Where a field's own validator speaks first in full_clean, the constraint still has a
    message of its own for the rows that reach it (a form that leaves the field out, say)."""
    row = case.build(world)
    constraint = next(c for c in row._meta.constraints if c.name == case.constraint)

    with pytest.raises(ValidationError) as raised:
        constraint.validate(type(row), row)

    assert raised.value.messages == [constraint.violation_error_message]
    assert constraint.violation_error_message != constraint.default_violation_error_message


def _leadership_constraints():
    return {
        constraint.name
        for model in apps.get_app_config("leadership").get_models()
        for constraint in model._meta.constraints
    }


def test_every_constraint_of_the_leadership_models_is_tested():
    tested = {param.values[0].constraint for param in CHECKS + UNIQUES}

    assert tested == _leadership_constraints()


def test_one_action_plan_and_one_case_study_per_participation(world):
    ActionPlanFactory(participation=world.participation)
    GoodPractice.objects.create(
        participation=world.participation, title="Writing", case_study="Weekly checks."
    )
    plan = ActionPlanFactory.build(participation=world.participation)
    case_study = GoodPractice(participation=world.participation, title="Maths", case_study="Daily.")

    with pytest.raises(IntegrityError), transaction.atomic():
        plan.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        case_study.save()
    with pytest.raises(ValidationError) as plan_error:
        plan.full_clean()
    with pytest.raises(ValidationError) as case_study_error:
        case_study.full_clean()
    assert plan_error.value.message_dict == {
        "participation": ["Action plan with this Participation already exists."]
    }
    assert case_study_error.value.message_dict == {
        "participation": ["Good practice with this Participation already exists."]
    }


ACCEPTED_AT_THE_EDGE = [
    pytest.param(
        lambda w: _year(w, starts_on=datetime.date(2005, 9, 1), ends_on=datetime.date(2005, 9, 2)),
        id="year-of-one-day",
    ),
    pytest.param(
        lambda w: _year(w, funded_places=3, reserve_places=3, reserve_released=3),
        id="whole-reserve-released",
    ),
    pytest.param(
        lambda w: ParticipationFactory.build(
            programme_year=w.year, school=w.sibling_school, ofsted_kind=1
        ),
        id="ofsted-kind-1",
    ),
    pytest.param(
        lambda w: ParticipationFactory.build(
            programme_year=w.year, school=w.sibling_school, ofsted_kind=4
        ),
        id="ofsted-kind-4",
    ),
    pytest.param(
        lambda w: ParticipationFactory.build(
            programme_year=w.year,
            school=w.sibling_school,
            status=ParticipationStatus.DECLINED,
            status_reason="The head retires at Christmas.",
        ),
        id="declined-with-reason",
    ),
    pytest.param(
        lambda w: SchoolActivityFactory.build(member=w.member, days=Decimal("0.5")),
        id="half-day-activity",
    ),
    pytest.param(
        lambda w: TrainingEventFactory.build(programme_year=w.year, session=3, capacity=1),
        id="session-3-for-one",
    ),
    pytest.param(
        lambda w: TrainingAttendanceFactory.build(event=w.event, member=None, consultant=w.pscl),
        id="pscl-on-the-register",
    ),
    pytest.param(
        lambda w: _concern(w, level=ConcernLevel.RESOLVED, resolution="The head now attends."),
        id="resolved-with-a-note",
    ),
    pytest.param(
        lambda w: _escalation(w, to_level=ConcernLevel.GOVERNING_BODY, letter="Dear Chair, ..."),
        id="governors-told-by-letter",
    ),
    pytest.param(
        lambda w: LeadershipTeamMemberFactory.build(
            participation=w.participation, role=MemberRole.DEPUTY, full_name="A Second Deputy"
        ),
        id="two-deputies",
    ),
    pytest.param(
        lambda w: ProgrammeYearFactory.build(local_authority=w.lea, name="2005-06"),
        id="another-year-name",
    ),
]


@pytest.mark.parametrize("build", ACCEPTED_AT_THE_EDGE)
def test_rows_at_the_edge_of_each_rule_are_accepted(build, world):
    row = build(world)

    row.full_clean()
    row.save()

    assert type(row).objects.filter(pk=row.pk).exists()


def test_the_same_year_name_is_allowed_in_another_lea(world, other_lea, foreign_school):
    other_year = ProgrammeYearFactory(local_authority=other_lea, name=world.year.name)
    ParticipationFactory(programme_year=other_year, school=foreign_school)

    assert ProgrammeYear.objects.filter(name=world.year.name).count() == 2
    assert Participation.objects.filter(programme_year__name=world.year.name).count() == 2


def test_another_teams_headteacher_is_no_second_head(world, sibling_school):
    LeadershipTeamMemberFactory(participation=world.participation, role=MemberRole.HEADTEACHER)
    other = ParticipationFactory(programme_year=world.year, school=sibling_school)

    head = LeadershipTeamMemberFactory(participation=other, role=MemberRole.HEADTEACHER)

    assert head.pk is not None


@pytest.mark.parametrize(
    ("funded", "reserve", "released", "open_places"),
    [(34, 3, 0, 31), (34, 3, 2, 33), (10, 0, 0, 10), (5, 5, 5, 5)],
)
def test_places_open_are_the_funded_places_less_the_reserve_still_held(
    funded, reserve, released, open_places
):
    year = ProgrammeYearFactory.build(
        funded_places=funded, reserve_places=reserve, reserve_released=released
    )

    assert year.places_open == open_places


def test_accepted_active_and_completed_places_hold_a_place(world):
    year = world.year
    for status in ParticipationStatus:
        ParticipationFactory(
            programme_year=year, school=SchoolFactory(local_authority=world.lea), status=status
        )

    holding = year.participations.holding_places().exclude(pk=world.participation.pk)

    assert set(holding.values_list("status", flat=True)) == {
        ParticipationStatus.ACCEPTED,
        ParticipationStatus.ACTIVE,
        ParticipationStatus.COMPLETED,
    }
    assert Participation.objects.filter(programme_year=year).count() == 8


@pytest.mark.parametrize(
    ("measure", "target_value", "is_quantified"),
    [
        ("% of Year 6 at Level 4+ in writing", Decimal("70.0"), True),
        ("% of Year 6 at Level 4+ in writing", Decimal("0.0"), True),
        ("", Decimal("70.0"), False),
        ("% of Year 6 at Level 4+ in writing", None, False),
    ],
)
def test_a_success_criterion_is_quantified_with_a_measure_and_a_target(
    measure, target_value, is_quantified
):
    criterion = SuccessCriterionFactory.build(measure=measure, target_value=target_value)

    assert criterion.is_quantified is is_quantified


def test_an_action_plan_per_participation_is_kept_with_its_history(world):
    plan = ActionPlanFactory(participation=world.participation, summary="First draft.")
    plan.summary = "Second draft."
    plan.save()

    assert ActionPlan.objects.get(participation=world.participation) == plan
    assert list(plan.history.order_by("history_id").values_list("summary", flat=True)) == [
        "First draft.",
        "Second draft.",
    ]
