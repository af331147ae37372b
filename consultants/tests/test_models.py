"""The consultants models' own rules: every database constraint (checked by the database and, with
its message, by `validate_constraints`), the days a visit counts for, the days an allocation has
left, the validator of choice lists, and the log-in an adviser may have."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from conftest import make_user
from consultants.factories import (
    AdviserFactory,
    AllocationFactory,
    ApplicationFactory,
    CapacityFactory,
    DeclaredConflictFactory,
    LinkAdviserFactory,
    SupportEvaluationFactory,
    VisitFactory,
)
from consultants.models import (
    Adviser,
    AdviserKind,
    Allocation,
    AllocationStatus,
    ConflictKind,
    Visit,
    VisitLength,
    VisitStatus,
    visit_days,
)
from consultants.models.advisers import ChoiceListValidator
from leadership.factories import ParticipationFactory, ProgrammeYearFactory

pytestmark = pytest.mark.django_db

HOURS_PER_DAY = Decimal("6.5")


def refused_by_database(make):
    """Whether the database refuses the row `make` writes (in a savepoint, so the test goes on)."""
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def constraint_messages(obj):
    try:
        obj.validate_constraints()
    except ValidationError as error:
        return error.messages
    return []


# Visits.

SUBMITTED_INCOMPLETE = (
    "A submitted visit has its length (with the hours, for some hours), kind, stage, and whether "
    "standards were challenged and how."
)


@pytest.mark.parametrize(
    "missing",
    [{"length": ""}, {"kind": ""}, {"stage": None}, {"standards_challenged": None}],
    ids=["length", "kind", "stage", "standards_challenged"],
)
def test_a_submitted_visit_must_be_complete(missing):
    complete = VisitFactory()
    incomplete = VisitFactory.build(allocation=complete.allocation, **missing)
    if missing.get("length") == "":
        incomplete.hours = None

    assert constraint_messages(complete) == []
    assert constraint_messages(incomplete) == [SUBMITTED_INCOMPLETE]
    assert refused_by_database(incomplete.save)


def test_a_submitted_visit_needs_its_submission_time_but_a_draft_needs_nothing():
    allocation = AllocationFactory()
    unstamped = VisitFactory.build(allocation=allocation, submitted_at=None)
    draft = VisitFactory.build(
        allocation=allocation,
        status=VisitStatus.DRAFT,
        length="",
        kind="",
        stage=None,
        standards_challenged=None,
        challenge_detail="",
    )

    assert refused_by_database(unstamped.save)
    assert not refused_by_database(draft.save)


@pytest.mark.parametrize(
    ("length", "hours", "allowed"),
    [
        (VisitLength.HOURS, Decimal("3.0"), True),
        (VisitLength.HOURS, None, True),
        (VisitLength.HALF_DAY, Decimal("3.0"), False),
        (VisitLength.HALF_DAY, None, True),
        ("", Decimal("2.0"), False),
    ],
)
def test_a_draft_gives_hours_only_for_a_visit_of_hours(length, hours, allowed):
    # A PSCL may save a draft before counting the hours; hours on another length never make sense.
    allocation = AllocationFactory()
    visit = VisitFactory.build(
        allocation=allocation, status=VisitStatus.DRAFT, length=length, hours=hours
    )

    assert (constraint_messages(visit) == []) is allowed
    assert refused_by_database(visit.save) is not allowed


def test_a_submitted_visit_of_hours_needs_the_hours():
    allocation = AllocationFactory()
    counted = VisitFactory.build(allocation=allocation, length=VisitLength.HOURS, hours=Decimal(3))
    uncounted = VisitFactory.build(allocation=allocation, length=VisitLength.HOURS, hours=None)

    assert constraint_messages(counted) == []
    assert constraint_messages(uncounted) == [SUBMITTED_INCOMPLETE]
    assert refused_by_database(uncounted.save)


def test_a_submitted_visit_that_challenged_standards_says_how_but_a_draft_may_wait():
    allocation = AllocationFactory()
    silent = VisitFactory.build(allocation=allocation, challenge_detail="")
    not_challenged = VisitFactory.build(
        allocation=allocation, standards_challenged=False, challenge_detail=""
    )
    draft = VisitFactory.build(
        allocation=allocation, status=VisitStatus.DRAFT, submitted_at=None, challenge_detail=""
    )

    assert constraint_messages(silent) == [SUBMITTED_INCOMPLETE]
    assert refused_by_database(silent.save)
    assert not refused_by_database(not_challenged.save)
    assert not refused_by_database(draft.save)


@pytest.mark.parametrize("stage", [0, 7])
def test_the_consultancy_stage_is_one_to_six(stage):
    visit = VisitFactory.build(allocation=AllocationFactory(), stage=stage)

    assert "The consultancy stage is 1 to 6." in constraint_messages(visit)
    assert refused_by_database(visit.save)


@pytest.mark.parametrize(
    ("length", "hours", "days"),
    [
        (VisitLength.HALF_DAY, None, Decimal("0.5")),
        (VisitLength.FULL_DAY, None, Decimal("1.0")),
        (VisitLength.HOURS, Decimal("3.25"), Decimal("0.50")),
        (VisitLength.HOURS, Decimal("2"), Decimal("0.31")),
        (VisitLength.HOURS, Decimal("6.5"), Decimal("1.00")),
        (VisitLength.HOURS, Decimal("10"), Decimal("1.54")),
        (VisitLength.HOURS, None, Decimal("0.00")),
        ("", None, Decimal("0.00")),
    ],
)
def test_visit_days_are_half_or_one_or_hours_over_the_day_to_the_hundredth(length, hours, days):
    assert visit_days(length, hours, HOURS_PER_DAY) == days


def test_visit_days_follow_the_programme_years_hours_in_a_day():
    assert visit_days(VisitLength.HOURS, Decimal("3"), Decimal("6")) == Decimal("0.50")
    assert visit_days(VisitLength.HOURS, Decimal("3"), Decimal("7.5")) == Decimal("0.40")


def test_saving_a_visit_computes_its_days_from_its_length():
    year = ProgrammeYearFactory(pscl_hours_per_day=Decimal("6.0"))
    allocation = AllocationFactory(participation=ParticipationFactory(programme_year=year))
    visit = VisitFactory(allocation=allocation, length=VisitLength.FULL_DAY)
    stored_full = Visit.objects.get(pk=visit.pk).days

    visit.length = VisitLength.HOURS
    visit.hours = Decimal("4.5")
    visit.save(update_fields=["length", "hours"])

    assert stored_full == Decimal("1.00")
    assert Visit.objects.get(pk=visit.pk).days == Decimal("0.75")


def test_saving_other_fields_of_a_visit_leaves_its_days_alone():
    visit = VisitFactory(length=VisitLength.HALF_DAY)
    Visit.objects.filter(pk=visit.pk).update(days=Decimal("3.00"))
    visit.refresh_from_db()

    visit.notes = "Corrected the spelling."
    visit.save(update_fields=["notes"])

    assert Visit.objects.get(pk=visit.pk).days == Decimal("3.00")


def test_with_days_counts_only_submitted_visits_and_goes_negative_past_the_plan():
    allocation = AllocationFactory(planned_days=Decimal("1.0"))
    untouched = AllocationFactory(adviser=allocation.adviser)
    VisitFactory(allocation=allocation, length=VisitLength.FULL_DAY)
    VisitFactory(allocation=allocation, length=VisitLength.HALF_DAY)
    VisitFactory(allocation=allocation, status=VisitStatus.DRAFT, length=VisitLength.FULL_DAY)
    VisitFactory(allocation=allocation, planned=True)

    rows = {row.pk: row for row in Allocation.objects.with_days()}

    assert rows[allocation.pk].days_delivered == Decimal("1.50")
    assert rows[allocation.pk].days_left == Decimal("-0.50")
    assert rows[untouched.pk].days_delivered == Decimal("0.00")
    assert rows[untouched.pk].days_left == untouched.planned_days


def test_with_days_reads_the_visits_once_per_allocation():
    sql = str(Allocation.objects.with_days().query)

    assert sql.count('FROM "consultants_visit"') == 1


# Allocations.


def test_a_participation_has_at_most_one_current_allocation():
    first = AllocationFactory()
    participation = first.participation
    second_pscl = AdviserFactory(local_authority=first.adviser.local_authority)
    second = AllocationFactory.build(adviser=second_pscl, participation=participation)
    asked = AllocationFactory.build(
        adviser=second_pscl, participation=participation, status=AllocationStatus.CHANGE_REQUESTED
    )
    ended = AllocationFactory.build(
        adviser=second_pscl, participation=participation, status=AllocationStatus.ENDED
    )

    assert "The school already has a PSCL this year." in constraint_messages(second)
    assert refused_by_database(second.save)
    assert refused_by_database(asked.save)
    assert not refused_by_database(ended.save)


@pytest.mark.parametrize("status", [AllocationStatus.DECLINED, AllocationStatus.ENDED])
def test_a_declined_or_ended_allocation_says_why(status):
    allocation = AllocationFactory.build(
        adviser=AdviserFactory(), status=status, end_reason="", participation=ParticipationFactory()
    )

    assert "Say why the match ended." in constraint_messages(allocation)
    assert refused_by_database(allocation.save)


def test_an_allocation_plans_at_least_half_a_day():
    allocation = AllocationFactory.build(
        adviser=AdviserFactory(), participation=ParticipationFactory(), planned_days=Decimal("0")
    )

    assert "Plan at least half a day." in constraint_messages(allocation)
    assert refused_by_database(allocation.save)


# Recruitment and conflicts.


def test_an_application_needs_a_letter_as_text_or_file():
    application = ApplicationFactory.build(
        programme_year=ProgrammeYearFactory(), home_school=None, letter_text=""
    )

    assert constraint_messages(application) == ["Give the letter as text or upload it as a PDF."]
    assert refused_by_database(application.save)


@pytest.mark.parametrize(("score", "allowed"), [(0, False), (1, True), (20, True), (21, False)])
def test_an_interview_score_is_one_to_twenty(score, allowed):
    application = ApplicationFactory.build(
        programme_year=ProgrammeYearFactory(), home_school=None, interview_score=score
    )

    assert ("The interview score is 1 to 20." not in constraint_messages(application)) is allowed
    assert refused_by_database(application.save) is not allowed


def test_an_interviewed_application_has_its_interview_date_and_score():
    application = ApplicationFactory.build(
        programme_year=ProgrammeYearFactory(), home_school=None, status="INTERVIEWED"
    )

    assert "An interview needs its date and score." in constraint_messages(application)
    assert refused_by_database(application.save)


def test_a_declared_conflict_of_another_kind_says_what_it_is():
    existing = DeclaredConflictFactory()
    unexplained = DeclaredConflictFactory.build(
        declaration=existing.declaration,
        school=existing.school,
        kind=ConflictKind.OTHER,
        details="",
    )
    governor = DeclaredConflictFactory.build(
        declaration=unexplained.declaration,
        school=unexplained.school,
        kind=ConflictKind.FAMILY,
        details="",
    )

    assert constraint_messages(unexplained) == ["Say what the link is."]
    assert refused_by_database(unexplained.save)
    assert not refused_by_database(governor.save)


# Capacity and evaluations.


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"max_schools": 0}, "A PSCL supports at least one school."),
        ({"max_days": Decimal("-1")}, "Days cannot be negative."),
    ],
)
def test_a_capacity_is_at_least_one_school_and_no_negative_days(values, message):
    existing = CapacityFactory()
    capacity = CapacityFactory.build(
        adviser=existing.adviser,
        programme_year=ProgrammeYearFactory(
            local_authority=existing.adviser.local_authority, name="2005-06"
        ),
        **values,
    )

    assert message in constraint_messages(capacity)
    assert refused_by_database(capacity.save)


@pytest.mark.parametrize(("rating", "allowed"), [(0, False), (1, True), (5, True), (6, False)])
def test_a_support_rating_is_one_to_five(rating, allowed):
    evaluation = SupportEvaluationFactory.build(allocation=AllocationFactory(), rating=rating)

    assert ("The rating is 1 to 5." not in constraint_messages(evaluation)) is allowed
    assert refused_by_database(evaluation.save) is not allowed


def test_an_adviser_other_than_a_pscl_has_no_home_school_or_appointment():
    link_adviser = LinkAdviserFactory.build(
        local_authority=AdviserFactory().local_authority, user=None
    )
    link_adviser.home_school = AdviserFactory().home_school

    assert constraint_messages(link_adviser) == [
        "Only a PSCL has a home school and an appointment."
    ]
    assert refused_by_database(link_adviser.save)


# The choice-list validator and the adviser's log-in.


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ENGLISH", "Give a list of choices."),
        ([1, 2], "Give a list of choices."),
        (["ENGLISH", "COOKERY"], "Unknown choice: COOKERY."),
        (["ENGLISH", "ENGLISH"], "Each choice may be given once."),
    ],
)
def test_choice_list_validator_refuses_anything_but_a_list_of_known_choices_once(value, message):
    validator = ChoiceListValidator("consultants.models.advisers.Expertise")

    with pytest.raises(ValidationError) as raised:
        validator(value)

    assert raised.value.messages == [message]


def test_choice_list_validator_accepts_known_choices_and_compares_by_path():
    validator = ChoiceListValidator("consultants.models.visits.VisitFocus")

    validator([])
    validator(["ENGLISH", "MATHS", "OTHER"])

    assert validator == ChoiceListValidator("consultants.models.visits.VisitFocus")
    assert validator != ChoiceListValidator("consultants.models.advisers.Expertise")


def test_an_advisers_expertise_is_validated_by_full_clean():
    adviser = AdviserFactory(expertise=["ENGLISH"])
    adviser.expertise = ["ENGLISH", "KNITTING"]

    with pytest.raises(ValidationError) as raised:
        adviser.full_clean()

    assert raised.value.message_dict == {"expertise": ["Unknown choice: KNITTING."]}


def test_adviser_clean_accepts_a_log_in_of_the_right_role_and_lea_and_none(lea):
    pscl = Adviser(
        local_authority=lea,
        kind=AdviserKind.PSCL,
        full_name="Ruth Ellison",
        user=make_user(Role.CONSULTANT, lea=lea),
    )
    numeracy = Adviser(local_authority=lea, kind=AdviserKind.NUMERACY, full_name="Tom Reid")

    pscl.clean()
    numeracy.clean()


@pytest.mark.parametrize(
    ("kind", "role", "same_lea", "message"),
    [
        (AdviserKind.LITERACY, Role.CONSULTANT, True, "A literacy consultant has no log-in."),
        (AdviserKind.PSCL, Role.LINK_ADVISER, True, "The log-in must be a consultant leader"),
        (AdviserKind.LINK_ADVISER, Role.MANAGER, True, "The log-in must be a link adviser."),
        (AdviserKind.PSCL, Role.CONSULTANT, False, "The log-in belongs to another LEA."),
    ],
)
def test_adviser_clean_refuses_a_log_in_of_the_wrong_kind_role_or_lea(
    lea, other_lea, kind, role, same_lea, message
):
    user = make_user(role, lea=lea if same_lea else other_lea)
    adviser = Adviser(local_authority=lea, kind=kind, full_name="Ruth Ellison", user=user)

    with pytest.raises(ValidationError) as raised:
        adviser.clean()

    assert list(raised.value.message_dict) == ["user"]
    assert raised.value.message_dict["user"][0].startswith(message)
