"""The LEA dashboard's early warnings and chart figures against hand-built data: each warning
with its boundaries (41, 42 and 43 days; week 6), the LEA scoping, and a bounded number of
queries however many schools the LEA has."""

import datetime
from decimal import Decimal

import pytest

from consultants.factories import AdviserFactory, AllocationFactory, VisitFactory
from consultants.models import VisitStatus
from funding.factories import ExpenditureReturnFactory, FundingRatesFactory
from funding.models import ReturnStatus
from funding.services.grants import grant_compute
from leadership.factories import (
    ActionPlanFactory,
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    PlanPriorityFactory,
    PlanReviewFactory,
    ProgrammeYearFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import ParticipationStatus, ReviewProgress
from leadership.selectors.plans import participation_targets
from reports.charts.dashboard import pscl_days_chart_svg, review_chart_svg, status_chart_svg
from reports.selectors.dashboard import (
    ACTION_PLAN_DUE_WEEKS,
    NOT_REVIEWED,
    PSCL_VISIT_GAP_WEEKS,
    WarningKind,
    early_warning,
    early_warnings,
    lea_dashboard_figures,
)
from schools.factories import KeyStage2TargetFactory, SchoolFactory
from schools.models import Subject, TargetDirection

pytestmark = pytest.mark.django_db

START = datetime.date(2004, 9, 1)
TODAY = datetime.date(2004, 11, 26)
#: The most queries the whole dashboard may take, whatever the number of schools.
DASHBOARD_QUERY_BOUND = 20


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea, starts_on=START)


@pytest.fixture
def last_year(lea):
    return ProgrammeYearFactory(
        local_authority=lea,
        name="2003-04",
        starts_on=datetime.date(2003, 9, 1),
        ends_on=datetime.date(2004, 7, 31),
    )


def names(warning) -> list[str]:
    return [row.school.name for row in warning.schools]


def place(year, name, **kwargs):
    return ParticipationFactory(
        programme_year=year,
        school=SchoolFactory(local_authority=year.local_authority, name=name, number_on_roll=200),
        **kwargs,
    )


def visited(participation, visit_on, **kwargs):
    allocation = AllocationFactory(
        participation=participation,
        adviser=AdviserFactory(local_authority=participation.programme_year.local_authority),
    )
    return VisitFactory(allocation=allocation, visit_on=visit_on, **kwargs)


def with_plan(participation):
    plan = ActionPlanFactory(participation=participation)
    PlanPriorityFactory(plan=plan)
    return plan


def test_the_thresholds_are_six_weeks():
    assert PSCL_VISIT_GAP_WEEKS == 6
    assert ACTION_PLAN_DUE_WEEKS == 6


# 1. No PSCL visit for 6 weeks -----------------------------------------------------------------


def test_a_last_visit_43_days_ago_warns_but_41_and_42_days_do_not(year):
    for days in (41, 42, 43):
        visited(place(year, f"School {days}"), TODAY - datetime.timedelta(days=days))

    warning = early_warning(programme_year=year, kind=WarningKind.NO_PSCL_VISIT, today=TODAY)

    assert names(warning) == ["School 43"]
    assert warning.schools[0].reasons == ("Last visit on 14 October 2004, 43 days ago.",)


def test_only_submitted_visits_count(year):
    draft = place(year, "Draft School")
    visited(draft, TODAY - datetime.timedelta(days=5), status=VisitStatus.DRAFT)
    planned = place(year, "Planned School")
    visited(planned, TODAY + datetime.timedelta(days=5), planned=True)

    warning = early_warning(programme_year=year, kind=WarningKind.NO_PSCL_VISIT, today=TODAY)

    assert names(warning) == ["Draft School", "Planned School"]
    assert warning.schools[0].reasons == (
        "No visit yet: the school's year started on 1 September 2004.",
    )


def test_no_visit_yet_warns_only_once_the_year_is_more_than_6_weeks_old(year):
    place(year, "Unvisited School")

    on_day_42 = early_warning(
        programme_year=year, kind=WarningKind.NO_PSCL_VISIT, today=START + datetime.timedelta(42)
    )
    on_day_43 = early_warning(
        programme_year=year, kind=WarningKind.NO_PSCL_VISIT, today=START + datetime.timedelta(43)
    )

    assert on_day_42.count == 0
    assert names(on_day_43) == ["Unvisited School"]


def test_a_summer_visit_does_not_warn_before_week_6_of_the_year(year):
    visited(place(year, "Summer School"), datetime.date(2004, 7, 10))

    early = early_warning(
        programme_year=year, kind=WarningKind.NO_PSCL_VISIT, today=START + datetime.timedelta(30)
    )
    later = early_warning(
        programme_year=year, kind=WarningKind.NO_PSCL_VISIT, today=START + datetime.timedelta(43)
    )

    assert early.count == 0
    assert names(later) == ["Summer School"]


def test_only_active_schools_are_warned_about_visits(year):
    place(year, "Accepted School", status=ParticipationStatus.ACCEPTED)
    place(year, "Withdrawn School", status=ParticipationStatus.WITHDRAWN)
    place(year, "Active School")

    warning = early_warning(programme_year=year, kind=WarningKind.NO_PSCL_VISIT, today=TODAY)

    assert names(warning) == ["Active School"]


# 2. No action plan by week 6 ------------------------------------------------------------------


def test_no_action_plan_warns_from_the_end_of_week_6(year):
    place(year, "Planless School")

    day_41 = early_warning(
        programme_year=year, kind=WarningKind.NO_ACTION_PLAN, today=START + datetime.timedelta(41)
    )
    day_42 = early_warning(
        programme_year=year, kind=WarningKind.NO_ACTION_PLAN, today=START + datetime.timedelta(42)
    )

    assert day_41.count == 0
    assert names(day_42) == ["Planless School"]
    assert day_42.schools[0].reasons == (
        "No action plan, 6 weeks after 1 September 2004 (due by 13 October 2004).",
    )


def test_a_plan_with_no_priority_warns_and_a_plan_with_one_does_not(year):
    ActionPlanFactory(participation=place(year, "Empty Plan School"))
    with_plan(place(year, "Good Plan School"))

    warning = early_warning(programme_year=year, kind=WarningKind.NO_ACTION_PLAN, today=TODAY)

    assert names(warning) == ["Empty Plan School"]
    assert warning.schools[0].reasons[0].startswith("An action plan with no priority")


def test_a_school_that_joined_late_has_6_weeks_from_joining(year):
    place(year, "Reserve School", joined_on=datetime.date(2005, 1, 10))

    before = early_warning(
        programme_year=year, kind=WarningKind.NO_ACTION_PLAN, today=datetime.date(2005, 2, 20)
    )
    after = early_warning(
        programme_year=year, kind=WarningKind.NO_ACTION_PLAN, today=datetime.date(2005, 2, 21)
    )

    assert before.count == 0
    assert names(after) == ["Reserve School"]


# 3. Missed training session -------------------------------------------------------------------


def test_a_member_absent_from_a_session_held_so_far_is_a_missed_session(year):
    participation = place(year, "Absent School")
    member = LeadershipTeamMemberFactory(participation=participation, full_name="Tom Price")
    held = TrainingEventFactory(programme_year=year, session=1, held_on=datetime.date(2004, 9, 23))
    coming = TrainingEventFactory(
        programme_year=year, session=2, held_on=TODAY + datetime.timedelta(3)
    )
    TrainingAttendanceFactory(event=held, member=member, is_present=False)
    TrainingAttendanceFactory(event=coming, member=member, is_present=False)
    present = place(year, "Present School")
    TrainingAttendanceFactory(
        event=held, member=LeadershipTeamMemberFactory(participation=present), is_present=True
    )

    warning = early_warning(programme_year=year, kind=WarningKind.MISSED_TRAINING, today=TODAY)

    assert names(warning) == ["Absent School"]
    reasons = warning.schools[0].reasons
    assert len(reasons) == 1
    assert "Session 1 on 23 September 2004" in reasons[0]
    assert "Tom Price absent" in reasons[0]


# 4. Target lowered ----------------------------------------------------------------------------


def test_a_target_lowered_after_joining_warns_and_agrees_with_the_plan_page(year):
    lowered = place(year, "Lowered School")
    KeyStage2TargetFactory(
        school=lowered.school, year=2005, percentage=Decimal("78"), set_on=datetime.date(2004, 6, 1)
    )
    KeyStage2TargetFactory(
        school=lowered.school,
        year=2005,
        percentage=Decimal("72"),
        set_on=datetime.date(2004, 10, 1),
    )
    raised = place(year, "Raised School")
    KeyStage2TargetFactory(
        school=raised.school, year=2005, percentage=Decimal("70"), set_on=datetime.date(2004, 6, 1)
    )
    KeyStage2TargetFactory(
        school=raised.school, year=2005, percentage=Decimal("75"), set_on=datetime.date(2004, 10, 1)
    )
    # A target for a summer before the programme year is not the programme's business.
    old = place(year, "Old Target School")
    KeyStage2TargetFactory(
        school=old.school, year=2004, percentage=Decimal("80"), set_on=datetime.date(2003, 6, 1)
    )
    KeyStage2TargetFactory(
        school=old.school, year=2004, percentage=Decimal("70"), set_on=datetime.date(2004, 3, 1)
    )

    warning = early_warning(programme_year=year, kind=WarningKind.TARGET_LOWERED, today=TODAY)

    assert names(warning) == ["Lowered School"]
    assert warning.schools[0].reasons == (
        "2005 English target lowered from 78% (set on 1 June 2004) to 72% (set on 1 October 2004).",
    )
    for participation in (lowered, raised, old):
        shown = any(
            change.direction == TargetDirection.LOWERED
            for change in participation_targets(participation)
        )
        assert shown == (participation == lowered)


def test_a_target_set_after_today_does_not_count_yet(year):
    school = place(year, "Future School")
    KeyStage2TargetFactory(
        school=school.school, percentage=Decimal("80"), set_on=datetime.date(2004, 6, 1)
    )
    KeyStage2TargetFactory(
        school=school.school, percentage=Decimal("75"), set_on=TODAY + datetime.timedelta(1)
    )

    today = early_warning(programme_year=year, kind=WarningKind.TARGET_LOWERED, today=TODAY)
    tomorrow = early_warning(
        programme_year=year,
        kind=WarningKind.TARGET_LOWERED,
        today=TODAY + datetime.timedelta(1),
    )

    assert today.count == 0
    assert names(tomorrow) == ["Future School"]


def test_each_lowered_subject_is_a_reason(year):
    school = place(year, "Both School")
    for subject in (Subject.ENGLISH, Subject.MATHS):
        KeyStage2TargetFactory(
            school=school.school, subject=subject, percentage=Decimal("80"),
            set_on=datetime.date(2004, 6, 1),
        )  # fmt: skip
        KeyStage2TargetFactory(
            school=school.school, subject=subject, percentage=Decimal("79"),
            set_on=datetime.date(2004, 11, 1),
        )  # fmt: skip

    warning = early_warning(programme_year=year, kind=WarningKind.TARGET_LOWERED, today=TODAY)

    assert warning.count == 1
    assert len(warning.schools[0].reasons) == 2


# 5. Grant unspent -----------------------------------------------------------------------------


def test_last_years_unspent_grant_is_flagged_from_the_return_flags(year, last_year):
    unspent = place(last_year, "Unspent School")
    grant_compute(participation=unspent)
    ExpenditureReturnFactory(participation=unspent, travel_spent=Decimal("0"))
    # This year's grants cannot be unspent before the year ends.
    grant_compute(participation=place(year, "This Year School"))

    warning = early_warning(programme_year=year, kind=WarningKind.GRANT_UNSPENT, today=TODAY)

    assert names(warning) == ["Unspent School"]
    assert warning.schools[0].programme_year == last_year
    assert warning.schools[0].reasons[0].startswith("2003-04: The year ended on 31 July 2004.")


# 6. Expenditure return overdue ----------------------------------------------------------------


@pytest.fixture
def returns_due(last_year):
    """Last year's returns due by 30 September 2004, five funded schools and one unfunded."""
    FundingRatesFactory(programme_year=last_year, returns_due_on=datetime.date(2004, 9, 30))
    schools = {}
    for name, status in (
        ("Missing School", None),
        ("Draft School", ReturnStatus.DRAFT),
        ("Queried School", ReturnStatus.QUERIED),
        ("Submitted School", ReturnStatus.SUBMITTED),
        ("Approved School", ReturnStatus.APPROVED),
    ):
        participation = place(last_year, name)
        grant_compute(participation=participation)
        if status is not None:
            ExpenditureReturnFactory(participation=participation, status=status)
        schools[name] = participation
    place(last_year, "Unfunded School")
    return schools


def test_returns_not_in_after_the_due_date_are_overdue(year, returns_due):
    warning = early_warning(programme_year=year, kind=WarningKind.RETURN_OVERDUE, today=TODAY)

    assert names(warning) == ["Draft School", "Missing School", "Queried School"]
    reasons = {row.school.name: row.reasons[0] for row in warning.schools}
    assert (
        reasons["Missing School"] == "The 2003-04 return was due by 30 September 2004: not started."
    )
    assert "still a draft" in reasons["Draft School"]
    assert "queried" in reasons["Queried School"]


def test_returns_are_not_overdue_on_the_due_date(year, returns_due):
    on_the_day = early_warning(
        programme_year=year, kind=WarningKind.RETURN_OVERDUE, today=datetime.date(2004, 9, 30)
    )
    next_day = early_warning(
        programme_year=year, kind=WarningKind.RETURN_OVERDUE, today=datetime.date(2004, 10, 1)
    )

    assert on_the_day.count == 0
    assert next_day.count == 3


def test_a_year_with_no_due_date_or_a_due_date_to_come_has_nothing_overdue(year, last_year):
    FundingRatesFactory(programme_year=last_year)
    FundingRatesFactory(programme_year=year, returns_due_on=datetime.date(2005, 9, 30))
    for participation in (place(last_year, "Old School"), place(year, "New School")):
        grant_compute(participation=participation)

    warning = early_warning(programme_year=year, kind=WarningKind.RETURN_OVERDUE, today=TODAY)

    assert warning.count == 0


# The LEA's own schools only -------------------------------------------------------------------


def everything_wrong(year, name):
    """A school that trips every warning of `year` as of TODAY (with last year's return)."""
    participation = place(year, name)
    member = LeadershipTeamMemberFactory(participation=participation)
    event = TrainingEventFactory(programme_year=year, held_on=datetime.date(2004, 9, 23))
    TrainingAttendanceFactory(event=event, member=member, is_present=False)
    KeyStage2TargetFactory(
        school=participation.school, percentage=Decimal("80"), set_on=datetime.date(2004, 6, 1)
    )
    KeyStage2TargetFactory(
        school=participation.school, percentage=Decimal("70"), set_on=datetime.date(2004, 11, 1)
    )
    visited(participation, datetime.date(2004, 9, 20))
    return participation


def test_another_leas_schools_are_never_counted(year, last_year, other_lea):
    everything_wrong(year, "Our School")
    theirs = ProgrammeYearFactory(local_authority=other_lea, starts_on=START)
    their_last = ProgrammeYearFactory(
        local_authority=other_lea,
        name="2003-04",
        starts_on=datetime.date(2003, 9, 1),
        ends_on=datetime.date(2004, 7, 31),
    )
    everything_wrong(theirs, "Their School")
    FundingRatesFactory(programme_year=their_last, returns_due_on=datetime.date(2004, 9, 30))
    grant_compute(participation=place(their_last, "Their Old School"))

    warnings = {w.kind: w for w in early_warnings(programme_year=year, today=TODAY)}

    for kind in (
        WarningKind.NO_PSCL_VISIT,
        WarningKind.MISSED_TRAINING,
        WarningKind.TARGET_LOWERED,
    ):
        assert names(warnings[kind]) == ["Our School"], kind
    assert warnings[WarningKind.RETURN_OVERDUE].count == 0
    assert warnings[WarningKind.GRANT_UNSPENT].count == 0


# The dashboard --------------------------------------------------------------------------------


def test_the_dashboard_counts_statuses_days_and_reviews(lea, year):
    active = place(year, "Active School")
    place(year, "Invited School", status=ParticipationStatus.INVITED)
    place(year, "Other Active School")
    visit = visited(active, datetime.date(2004, 10, 12))  # half a day
    visited_again = VisitFactory(allocation=visit.allocation, visit_on=datetime.date(2004, 11, 2))
    assert visited_again.days == Decimal("0.50")
    plan = with_plan(active)
    PlanReviewFactory(
        plan=plan, reviewed_on=datetime.date(2004, 10, 1), progress=ReviewProgress.RED
    )
    PlanReviewFactory(
        plan=plan, reviewed_on=datetime.date(2004, 11, 1), progress=ReviewProgress.AMBER
    )

    figures = lea_dashboard_figures(local_authority=lea, today=TODAY)

    assert figures.programme_year == year
    assert {row.status: row.count for row in figures.status_counts} == {
        ParticipationStatus.INVITED: 1,
        ParticipationStatus.ACTIVE: 2,
    }
    months = {row.month: row for row in figures.days_by_month}
    assert len(months) == 11  # September to July
    assert months[datetime.date(2004, 10, 1)].delivered == Decimal("0.5")
    assert months[datetime.date(2004, 11, 1)].delivered_to_date == Decimal("1.0")
    assert months[datetime.date(2004, 12, 1)].delivered_to_date is None
    # No grants yet: the allocated school counts its PSCL's planned 4 days, the other school
    # holding a place (no PSCL yet) the year's 4 days per school; the invited one nothing.
    assert figures.days_funded == Decimal("8.0")
    assert figures.days_delivered == Decimal("1.0")
    assert {row.progress: row.count for row in figures.review_counts} == {
        ReviewProgress.RED: 0,
        ReviewProgress.AMBER: 1,
        ReviewProgress.GREEN: 0,
        NOT_REVIEWED: 0,
    }
    assert [w.kind for w in figures.warnings] == list(WarningKind)


def test_the_dashboard_without_money_leaves_out_the_funding_warnings(lea, year):
    figures = lea_dashboard_figures(local_authority=lea, today=TODAY, include_money=False)

    assert [w.kind for w in figures.warnings] == [
        WarningKind.NO_PSCL_VISIT,
        WarningKind.NO_ACTION_PLAN,
        WarningKind.MISSED_TRAINING,
        WarningKind.TARGET_LOWERED,
    ]


def test_an_lea_with_no_year_has_an_empty_dashboard(other_lea):
    figures = lea_dashboard_figures(local_authority=other_lea, today=TODAY)

    assert figures.programme_year is None
    assert figures.warnings == ()


def test_the_charts_are_csp_safe_svg_with_a_title(lea, year):
    with_plan(place(year, "Charted School"))
    figures = lea_dashboard_figures(local_authority=lea, today=TODAY)

    for svg in (
        status_chart_svg(figures.status_counts, year_name="2004-05", chart_id="status-chart"),
        pscl_days_chart_svg(figures.days_by_month, year_name="2004-05", chart_id="days-chart"),
        review_chart_svg(figures.review_counts, year_name="2004-05", chart_id="review-chart"),
    ):
        assert svg.startswith("<svg")
        assert "<title" in svg and "2004-05" in svg
        assert "style=" not in svg and "<style" not in svg


def test_a_chart_with_nothing_to_show_is_left_out():
    assert status_chart_svg((), year_name="2004-05", chart_id="status-chart") == ""
    assert review_chart_svg((), year_name="2004-05", chart_id="review-chart") == ""


@pytest.mark.parametrize("size", [3, 30])
def test_the_dashboard_takes_a_bounded_number_of_queries(
    lea, year, last_year, size, django_assert_max_num_queries
):
    FundingRatesFactory(programme_year=last_year, returns_due_on=datetime.date(2004, 9, 30))
    for number in range(size):
        participation = everything_wrong(year, f"School {number:02}")
        PlanReviewFactory(plan=ActionPlanFactory(participation=participation))
        old = place(last_year, f"Old School {number:02}")
        grant_compute(participation=old)
        grant_compute(participation=participation)

    with django_assert_max_num_queries(DASHBOARD_QUERY_BOUND):
        figures = lea_dashboard_figures(local_authority=lea, today=TODAY)

    counts = {w.kind: w.count for w in figures.warnings}
    assert counts[WarningKind.NO_PSCL_VISIT] == size
    assert counts[WarningKind.NO_ACTION_PLAN] == size
    assert counts[WarningKind.MISSED_TRAINING] == size
    assert counts[WarningKind.TARGET_LOWERED] == size
    assert counts[WarningKind.GRANT_UNSPENT] == size
    assert counts[WarningKind.RETURN_OVERDUE] == size
