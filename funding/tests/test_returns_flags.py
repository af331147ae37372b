"""The flags of expenditure returns and the all-or-nothing save, with hand-made data."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding.factories import CoverClaimFactory, ExpenditureReturnFactory, OtherSpendingFactory
from funding.models import CoverClaim, ExpenditureReturn, OtherSpending, SpendingCategory
from funding.selectors.returns import FlagCode, return_summaries, return_summary
from funding.services.grants import grant_compute
from funding.services.returns import SpendingLine, return_save
from leadership.factories import (
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    ProgrammeYearFactory,
    SchoolVisitFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import MemberRole

pytestmark = pytest.mark.django_db

DURING = datetime.date(2005, 3, 1)
AFTER = datetime.date(2005, 8, 1)


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def participation(year, school):
    """Millfield, 118 pupils: a small school, so 2 x 5 days x GBP 150 + GBP 120 travel =
    GBP 1,620 for the school."""
    participation = ParticipationFactory(programme_year=year, school=school)
    grant_compute(participation=participation)
    return participation


@pytest.fixture
def head(participation):
    return LeadershipTeamMemberFactory(
        participation=participation, full_name="Sarah Hughes", role=MemberRole.HEADTEACHER
    )


@pytest.fixture
def deputy(participation):
    return LeadershipTeamMemberFactory(
        participation=participation, full_name="Tom Price", role=MemberRole.DEPUTY
    )


def codes(summary):
    return [flag.code for flag in summary.flags]


def flag(summary, code):
    return next(f for f in summary.flags if f.code == code)


def test_the_grant_is_read_as_hand_computed(participation):
    summary = return_summary(participation, today=DURING)
    assert summary.grant_amount == Decimal("1620.00")
    assert summary.spent == Decimal("0.00")
    assert summary.flags == []


# Grant unspent at year end ---------------------------------------------------------------------


def test_grant_unspent_after_the_year_ends_is_flagged_with_how_much(participation, head):
    expenditure_return = ExpenditureReturnFactory(
        participation=participation, travel_spent=Decimal("20.50")
    )
    CoverClaimFactory(expenditure_return=expenditure_return, member=head, days=Decimal("5.0"))
    OtherSpendingFactory(expenditure_return=expenditure_return, amount=Decimal("45.00"))
    # Put into the general budget: not spent on the programme.
    OtherSpendingFactory(
        expenditure_return=expenditure_return,
        category=SpendingCategory.GENERAL_BUDGET,
        amount=Decimal("500.00"),
    )
    summary = return_summary(participation, today=AFTER)
    # 5 x 150 + 20.50 + 45.00 = 815.50; 1,620 - 815.50 = 804.50.
    assert summary.spent == Decimal("815.50")
    assert summary.unspent == Decimal("804.50")
    unspent = flag(summary, FlagCode.UNSPENT)
    assert "GBP 804.50 is unspent" in unspent.details[0]
    assert "GBP 815.50" in unspent.details[0]


def test_grant_unspent_is_not_flagged_before_the_year_ends(participation, head):
    ExpenditureReturnFactory(participation=participation, travel_spent=Decimal("0.00"))
    assert FlagCode.UNSPENT not in codes(return_summary(participation, today=DURING))
    # The last day of the year is not yet after it.
    ends = participation.programme_year.ends_on
    assert FlagCode.UNSPENT not in codes(return_summary(participation, today=ends))


def test_grant_spent_in_full_is_not_flagged_at_year_end(participation, head, deputy):
    expenditure_return = ExpenditureReturnFactory(
        participation=participation, travel_spent=Decimal("120.00")
    )
    CoverClaimFactory(expenditure_return=expenditure_return, member=head, days=Decimal("5.0"))
    CoverClaimFactory(expenditure_return=expenditure_return, member=deputy, days=Decimal("5.0"))
    summary = return_summary(participation, today=AFTER)
    assert summary.spent == Decimal("1620.00")
    assert summary.unspent == Decimal("0.00")
    assert FlagCode.UNSPENT not in codes(summary)


def test_no_return_at_year_end_is_the_whole_grant_unspent(participation):
    summary = return_summary(participation, today=AFTER)
    assert "GBP 1,620 is unspent" in flag(summary, FlagCode.UNSPENT).details[0]


# Cover claimed fewer than attended ---------------------------------------------------------------


def test_cover_claimed_below_training_and_visits_attended_is_flagged(participation, head, deputy):
    year = participation.programme_year
    for session in (1, 2):
        event = TrainingEventFactory(programme_year=year, session=session)
        TrainingAttendanceFactory(event=event, member=head, is_present=True)
    absent_event = TrainingEventFactory(programme_year=year, session=3)
    # An absence does not count as attended.
    TrainingAttendanceFactory(event=absent_event, member=head, is_present=False)
    SchoolVisitFactory(participation=participation, days=Decimal("1.0"), members=[head])
    expenditure_return = ExpenditureReturnFactory(participation=participation)
    # Head attended 2 x 0.5 + 1 = 2 days and 1.5 are claimed; the deputy attended nothing.
    CoverClaimFactory(expenditure_return=expenditure_return, member=head, days=Decimal("1.5"))
    CoverClaimFactory(expenditure_return=expenditure_return, member=deputy, days=Decimal("0.0"))
    summary = return_summary(participation, today=DURING)
    details = flag(summary, FlagCode.COVER_BELOW_ATTENDED).details
    assert details == (
        "Sarah Hughes: attended 2 days (1 day of training, 1 day of visits to other schools) "
        "but cover is claimed for 1.5 days.",
    )


def test_cover_claimed_equal_to_attendance_is_not_flagged(participation, head):
    event = TrainingEventFactory(programme_year=participation.programme_year, session=1)
    TrainingAttendanceFactory(event=event, member=head, is_present=True)
    SchoolVisitFactory(participation=participation, days=Decimal("0.5"), members=[head])
    expenditure_return = ExpenditureReturnFactory(participation=participation)
    CoverClaimFactory(expenditure_return=expenditure_return, member=head, days=Decimal("1.0"))
    assert FlagCode.COVER_BELOW_ATTENDED not in codes(return_summary(participation, today=DURING))


# Training missed while the grant was claimed --------------------------------------------------


def test_training_missed_with_cover_claimed_is_flagged_absent_and_unregistered(participation, head):
    year = participation.programme_year
    one = TrainingEventFactory(programme_year=year, session=1, held_on=datetime.date(2004, 9, 23))
    two = TrainingEventFactory(programme_year=year, session=2, held_on=datetime.date(2004, 11, 4))
    TrainingEventFactory(programme_year=year, session=3, held_on=datetime.date(2005, 2, 10))
    # Session 3 held later than `today` does not count yet.
    TrainingEventFactory(programme_year=year, session=3, held_on=datetime.date(2005, 6, 1))
    TrainingAttendanceFactory(event=one, member=head, is_present=True)
    TrainingAttendanceFactory(event=two, member=head, is_present=False)
    expenditure_return = ExpenditureReturnFactory(participation=participation)
    CoverClaimFactory(expenditure_return=expenditure_return, member=head, days=Decimal("5.0"))
    details = flag(return_summary(participation, today=DURING), FlagCode.TRAINING_MISSED).details
    assert details == (
        "Sarah Hughes was absent from training session 2, though 5 days of cover is claimed "
        "for them.",
        "Sarah Hughes is on no register for training session 3, though 5 days of cover is "
        "claimed for them.",
    )


def test_training_missed_is_not_flagged_without_cover_or_with_every_session_attended(
    participation, head, deputy
):
    year = participation.programme_year
    first = TrainingEventFactory(programme_year=year, session=1)
    again = TrainingEventFactory(programme_year=year, session=1, held_on=datetime.date(2004, 10, 1))
    # Absent from one delivery of session 1, present at another: session 1 is attended.
    TrainingAttendanceFactory(event=first, member=head, is_present=False)
    TrainingAttendanceFactory(event=again, member=head, is_present=True)
    TrainingAttendanceFactory(event=first, member=deputy, is_present=False)
    expenditure_return = ExpenditureReturnFactory(participation=participation)
    CoverClaimFactory(expenditure_return=expenditure_return, member=head, days=Decimal("0.5"))
    # The deputy missed session 1, but no cover is claimed for them.
    CoverClaimFactory(expenditure_return=expenditure_return, member=deputy, days=Decimal("0.0"))
    assert FlagCode.TRAINING_MISSED not in codes(return_summary(participation, today=DURING))


# Spending on anything other than the programme -------------------------------------------------


@pytest.mark.parametrize("category", [SpendingCategory.GENERAL_BUDGET, SpendingCategory.UNRELATED])
def test_spending_not_for_the_programme_is_flagged(participation, category):
    expenditure_return = ExpenditureReturnFactory(participation=participation)
    OtherSpendingFactory(
        expenditure_return=expenditure_return,
        category=category,
        description="Supply budget top-up",
        amount=Decimal("250.00"),
    )
    details = flag(return_summary(participation, today=DURING), FlagCode.NOT_FOR_PROGRAMME).details
    assert details[0].startswith("GBP 250: ")
    assert "(Supply budget top-up)" in details[0]


def test_spending_for_the_programme_is_not_flagged(participation):
    expenditure_return = ExpenditureReturnFactory(participation=participation)
    for category in (SpendingCategory.MATERIALS, SpendingCategory.TRAINING, SpendingCategory.OTHER):
        OtherSpendingFactory(expenditure_return=expenditure_return, category=category)
    assert FlagCode.NOT_FOR_PROGRAMME not in codes(return_summary(participation, today=DURING))


def test_flags_for_many_returns_take_a_fixed_number_of_queries(
    year, lea, django_assert_max_num_queries
):
    def make(count):
        participations = []
        for _ in range(count):
            participation = ParticipationFactory(programme_year=year)
            member = LeadershipTeamMemberFactory(participation=participation)
            event = TrainingEventFactory(programme_year=year)
            TrainingAttendanceFactory(event=event, member=member, is_present=False)
            SchoolVisitFactory(participation=participation, members=[member])
            claim = CoverClaimFactory(
                expenditure_return__participation=participation, member=member
            )
            OtherSpendingFactory(expenditure_return=claim.expenditure_return)
            participations.append(participation)
        return participations

    for count in (2, 8):
        participations = make(count)
        with django_assert_max_num_queries(8):
            summaries = return_summaries(participations, today=AFTER)
        assert len(summaries) == count
        assert all(FlagCode.TRAINING_MISSED in codes(s) for s in summaries.values())


# The all-or-nothing save -----------------------------------------------------------------------


def test_saving_the_return_keeps_every_part(participation, head, deputy):
    return_save(
        participation=participation,
        cover_days={head.pk: Decimal("5.0"), deputy.pk: Decimal("4.5")},
        travel_spent=Decimal("84.50"),
        other_spending=[SpendingLine(SpendingCategory.MATERIALS, "Books", Decimal("12.34"))],
    )
    saved = ExpenditureReturn.objects.get(participation=participation)
    assert saved.travel_spent == Decimal("84.50")
    assert {c.member_id: c.days for c in saved.cover_claims.all()} == {
        head.pk: Decimal("5.0"),
        deputy.pk: Decimal("4.5"),
    }
    assert [(s.description, s.amount) for s in saved.other_spending.all()] == [
        ("Books", Decimal("12.34"))
    ]


def test_one_bad_line_saves_nothing(participation, head):
    return_save(
        participation=participation,
        cover_days={head.pk: Decimal("2.0")},
        travel_spent=Decimal("10.00"),
        other_spending=[SpendingLine(SpendingCategory.MATERIALS, "Books", Decimal("12.34"))],
    )
    with pytest.raises(ValidationError):
        return_save(
            participation=participation,
            cover_days={head.pk: Decimal("5.0")},
            travel_spent=Decimal("99.00"),
            other_spending=[
                SpendingLine(SpendingCategory.TRAINING, "Course", Decimal("30.00")),
                # Nothing spent is refused by the model.
                SpendingLine(SpendingCategory.MATERIALS, "Pens", Decimal("0.00")),
            ],
        )
    saved = ExpenditureReturn.objects.get(participation=participation)
    assert saved.travel_spent == Decimal("10.00")
    assert CoverClaim.objects.get(expenditure_return=saved).days == Decimal("2.0")
    assert list(OtherSpending.objects.values_list("description", flat=True)) == ["Books"]


def test_cover_for_someone_outside_the_team_is_refused(participation, head, sibling_school):
    stranger = LeadershipTeamMemberFactory(
        participation=ParticipationFactory(
            programme_year=participation.programme_year, school=sibling_school
        )
    )
    with pytest.raises(ValidationError):
        return_save(
            participation=participation,
            cover_days={stranger.pk: Decimal("5.0")},
            travel_spent=Decimal("0.00"),
            other_spending=[],
        )
    assert not ExpenditureReturn.objects.exists()
