"""The governor progress report (reports.selectors.governor): each figure against hand-built
data, the term's cut-off, the questions chosen, the charts, and that no visit notes get in."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from consultants.factories import AgreedActionFactory, AllocationFactory, VisitFactory
from consultants.models import Term, VisitLength, VisitStatus
from funding.factories import (
    CoverClaimFactory,
    ExpenditureReturnFactory,
    FundingRatesFactory,
    OtherSpendingFactory,
    PaymentFactory,
)
from funding.models import PaymentStatus, ReturnStatus, SpendingCategory
from funding.services.grants import grant_compute
from leadership.factories import (
    ActionFactory,
    ActionPlanFactory,
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    PlanPriorityFactory,
    PlanReviewFactory,
    ProgrammeYearFactory,
    SchoolActivityFactory,
    SchoolVisitFactory,
    SuccessCriterionFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import ActionStatus, MemberRole, OfstedKind, ReviewProgress
from reports.charts.governor import pscl_days_chart_svg, results_targets_chart_svg
from reports.content import build_content
from reports.factories import ReportRunFactory
from reports.selectors.governor import (
    GENERAL_QUESTIONS,
    TEMPLATE_NAME,
    NoPlace,
    ResultYear,
    build_governor_report,
    governor_report,
)
from schools.factories import KeyStage2TargetFactory, KeyStageResultFactory
from schools.models import KeyStage, Subject

pytestmark = pytest.mark.django_db

SENTINEL = "SENTINEL-CONFIDENTIAL-VISIT-NOTE"
#: In the spring term: the autumn report covers the whole autumn term and nothing after it.
TODAY = datetime.date(2005, 2, 10)
D = datetime.date


@dataclass
class World:
    year: object
    participation: object
    school: object
    head: object
    deputy: object


def _visit(allocation, on, length=VisitLength.FULL_DAY, **kwargs):
    return VisitFactory(
        allocation=allocation, visit_on=on, length=length, notes=f"{SENTINEL} {on}", **kwargs
    )


@pytest.fixture
def world(school):
    """Millfield Primary School (118 pupils) in 2004-05, with a term's worth of everything and
    some of the spring term's too."""
    year = ProgrammeYearFactory(local_authority=school.local_authority)
    FundingRatesFactory(programme_year=year)
    participation = ParticipationFactory(
        programme_year=year,
        school=school,
        joined_on=D(2004, 7, 1),
        ofsted_kind=OfstedKind.NEW_HEADTEACHER,
    )
    allocation = AllocationFactory(
        participation=participation,
        adviser__local_authority=school.local_authority,
        adviser__full_name="Ruth Ellison",
        planned_days=Decimal("4.0"),
    )
    # Autumn: 1 + 0.5 + 1 + 1 = 3.5 days in 4 submitted visits.
    _visit(allocation, D(2004, 9, 20))
    half_day = _visit(allocation, D(2004, 10, 12), length=VisitLength.HALF_DAY)
    november = _visit(allocation, D(2004, 11, 15))
    _visit(allocation, D(2004, 12, 8))
    # Not counted: a draft, a cancelled visit, and a visit in the spring term.
    _visit(allocation, D(2004, 12, 1), status=VisitStatus.DRAFT)
    _visit(allocation, D(2004, 12, 2), status=VisitStatus.CANCELLED)
    january = _visit(allocation, D(2005, 1, 20))
    VisitFactory(allocation=allocation, planned=True, visit_on=D(2005, 3, 3), purpose="Review")
    AgreedActionFactory(
        visit=half_day,
        who="Deputy headteacher",
        what="Set up guided reading groups in Year 2.",
        due_on=D(2004, 11, 5),
        done_on=D(2004, 11, 1),
    )
    AgreedActionFactory(
        visit=november,
        who="Headteacher",
        what="Share the writing data with all staff.",
        due_on=D(2004, 12, 1),
        done_on=D(2005, 1, 10),
    )
    AgreedActionFactory(
        visit=january, who="Headteacher", what="A spring action.", due_on=D(2005, 2, 1)
    )

    head = LeadershipTeamMemberFactory(
        participation=participation, full_name="Sarah Lewis", role=MemberRole.HEADTEACHER
    )
    deputy = LeadershipTeamMemberFactory(
        participation=participation, full_name="Tom Baker", role=MemberRole.DEPUTY
    )
    session_1 = TrainingEventFactory(programme_year=year, session=1, held_on=D(2004, 9, 23))
    session_2 = TrainingEventFactory(programme_year=year, session=2, held_on=D(2004, 11, 18))
    session_3 = TrainingEventFactory(programme_year=year, session=3, held_on=D(2005, 1, 27))
    TrainingAttendanceFactory(event=session_1, member=head)
    TrainingAttendanceFactory(event=session_2, member=head)
    TrainingAttendanceFactory(event=session_3, member=head)
    TrainingAttendanceFactory(event=session_1, member=deputy)
    TrainingAttendanceFactory(event=session_2, member=deputy, is_present=False)
    SchoolVisitFactory(
        participation=participation, visited_on=D(2004, 11, 17), members=[head, deputy]
    )
    SchoolVisitFactory(participation=participation, visited_on=D(2005, 1, 19), members=[head])
    SchoolActivityFactory(member=head, done_on=D(2004, 10, 12), days=Decimal("0.5"))
    SchoolActivityFactory(member=head, done_on=D(2005, 1, 12), days=Decimal("1.0"))

    plan = ActionPlanFactory(participation=participation)
    writing = PlanPriorityFactory(plan=plan, title="Raise standards in writing in KS2")
    SuccessCriterionFactory(priority=writing)
    SuccessCriterionFactory(
        priority=writing, description="Pupils enjoy writing", measure="", target_value=None
    )
    ActionFactory(priority=writing, status=ActionStatus.DONE, due_on=D(2004, 10, 1))
    ActionFactory(priority=writing, status=ActionStatus.IN_PROGRESS, due_on=D(2005, 3, 1))
    ActionFactory(priority=writing, status=ActionStatus.NOT_STARTED, due_on=D(2004, 12, 17))
    PlanReviewFactory(plan=plan, reviewed_on=D(2004, 10, 20), progress=ReviewProgress.GREEN)
    PlanReviewFactory(plan=plan, reviewed_on=D(2005, 1, 15), progress=ReviewProgress.RED)

    for year_, subject, percentage, set_on in (
        (2005, Subject.ENGLISH, 70, D(2004, 3, 1)),
        (2005, Subject.ENGLISH, 65, D(2004, 10, 1)),
        (2005, Subject.MATHS, 72, D(2004, 3, 1)),
        (2005, Subject.MATHS, 75, D(2004, 9, 15)),
        (2005, Subject.MATHS, 60, D(2005, 1, 10)),
        (2006, Subject.ENGLISH, 74, D(2004, 3, 1)),
        (2004, Subject.ENGLISH, 66, D(2003, 3, 1)),
    ):
        KeyStage2TargetFactory(
            school=school, year=year_, subject=subject, percentage=percentage, set_on=set_on
        )
    for year_, e, m in ((2003, 60, 58), (2004, 62, 64), (2005, 68, 70)):
        KeyStageResultFactory(
            school=school,
            year=year_,
            key_stage=KeyStage.KS2,
            english_percentage=Decimal(e),
            maths_percentage=Decimal(m),
        )

    grant_compute(participation=participation)
    PaymentFactory(
        participation=participation,
        amount=Decimal("1000.00"),
        status=PaymentStatus.PAID,
        paid_on=D(2004, 10, 4),
    )
    PaymentFactory(
        participation=participation,
        instalment=2,
        amount=Decimal("620.00"),
        status=PaymentStatus.PAID,
        paid_on=D(2005, 1, 15),
    )
    PaymentFactory(participation=participation, instalment=3, amount=Decimal("5.00"))
    PaymentFactory(
        participation=participation,
        instalment=3,
        amount=Decimal("7.00"),
        status=PaymentStatus.CANCELLED,
    )
    expenditure_return = ExpenditureReturnFactory(
        participation=participation, status=ReturnStatus.SUBMITTED, travel_spent=Decimal("84.50")
    )
    CoverClaimFactory(expenditure_return=expenditure_return, member=head, days=Decimal("3.0"))
    CoverClaimFactory(expenditure_return=expenditure_return, member=deputy, days=Decimal("2.0"))
    OtherSpendingFactory(expenditure_return=expenditure_return, amount=Decimal("45.00"))
    OtherSpendingFactory(
        expenditure_return=expenditure_return,
        category=SpendingCategory.GENERAL_BUDGET,
        description="Supply budget",
        amount=Decimal("100.00"),
    )
    return World(year=year, participation=participation, school=school, head=head, deputy=deputy)


def _autumn(world, today=TODAY):
    return governor_report(
        school=world.school, programme_year=world.year, term=Term.AUTUMN, today=today
    )


def test_the_report_covers_the_term_up_to_its_end(world):
    report = _autumn(world)

    assert report.report_date == D(2004, 12, 31)
    assert report.is_term_over
    assert report.title == "Autumn term 2004 progress report: Millfield Primary School"


def test_a_term_still_running_is_reported_up_to_today(world):
    report = governor_report(
        school=world.school, programme_year=world.year, term=Term.SPRING, today=TODAY
    )

    assert report.report_date == TODAY
    assert not report.is_term_over
    assert report.pscl.visits_in_term == 1
    assert report.pscl.days_used == Decimal("4.5")


def test_participation_says_the_status_the_joining_date_and_the_ofsted_kind(world):
    participation = _autumn(world).participation

    assert participation.status_label == "Active"
    assert participation.joined_on == D(2004, 7, 1)
    assert participation.ofsted_kind == OfstedKind.NEW_HEADTEACHER
    assert "new to headship" in participation.ofsted_kind_text


def test_only_submitted_visits_up_to_the_report_date_count_as_days_used(world):
    pscl = _autumn(world).pscl

    assert pscl.pscl_name == "Ruth Ellison"
    assert pscl.visits_in_year == 4
    assert pscl.visits_in_term == 4
    assert pscl.days_used == Decimal("3.5")
    assert pscl.days_planned == Decimal("4.0")
    assert pscl.is_planned_by_allocation
    assert (pscl.days_used_display, pscl.days_planned_display) == ("3.5", "4")
    assert pscl.next_visit_on == D(2005, 3, 3)


def test_without_an_allocation_the_year_s_days_per_school_are_planned(school):
    year = ProgrammeYearFactory(local_authority=school.local_authority, pscl_days_per_school=5)
    ParticipationFactory(programme_year=year, school=school)

    pscl = governor_report(school=school, programme_year=year, term=Term.AUTUMN, today=TODAY).pscl

    assert pscl.pscl_name is None
    assert pscl.days_planned == Decimal("5")
    assert not pscl.is_planned_by_allocation
    assert pscl.days_used == 0


def test_agreed_actions_are_those_of_the_term_s_visits_done_as_of_the_report_date(world):
    actions = _autumn(world).pscl.agreed_actions

    assert [a.what for a in actions] == [
        "Set up guided reading groups in Year 2.",
        "Share the writing data with all staff.",
    ]
    reading, writing = actions
    assert reading.is_done and not reading.is_overdue
    # Done in January: still open, and overdue, at the end of the autumn term.
    assert not writing.is_done and writing.is_overdue


def test_the_team_s_time_is_counted_up_to_the_report_date(world):
    team = _autumn(world).team

    assert team.sessions_held == (1, 2)
    head, deputy = team.members
    assert (head.name, head.role) == ("Sarah Lewis", "Headteacher")
    assert head.sessions_attended == 2
    assert head.training_days == Decimal("1.0")
    assert head.visiting_days == Decimal("1.0")
    assert head.school_based_days == Decimal("0.5")
    assert deputy.sessions_attended == 1
    assert team.members_missing_sessions == (deputy,)


def test_the_plan_shows_criteria_action_progress_and_the_latest_review_by_the_report_date(world):
    plan = _autumn(world).plan

    (priority,) = plan.priorities
    assert priority.title == "Raise standards in writing in KS2"
    quantified, vague = priority.criteria
    assert (quantified.baseline, quantified.target_value) == (Decimal("58.0"), Decimal("70.0"))
    assert quantified.target_on == D(2005, 7, 15)
    assert not vague.is_quantified
    assert (priority.actions_done, priority.actions_in_progress, priority.actions_not_started) == (
        1,
        1,
        1,
    )
    assert priority.actions_overdue == 1
    assert plan.last_reviewed_on == D(2004, 10, 20)
    assert plan.last_review_label == "On track"
    assert plan.review_count == 1
    assert plan.is_review_overdue
    assert any("has no number" in flag for flag in plan.flags)
    assert any("last reviewed on 20 October 2004" in flag for flag in plan.flags)


def test_targets_are_raised_kept_or_lowered_from_the_settings_made_by_the_report_date(world):
    targets = {(t.subject, t.year): t for t in _autumn(world).targets.targets}

    assert set(targets) == {("English", 2005), ("Maths", 2005), ("English", 2006)}
    english = targets["English", 2005]
    assert (english.before, english.after, english.direction) == (70, 65, "LOWERED")
    maths = targets["Maths", 2005]
    # The January setting of 60% comes after the report date.
    assert (maths.before, maths.after, maths.direction) == (72, 75, "RAISED")
    assert targets["English", 2006].direction == "KEPT"
    # The 2005 results are not known in December 2004.
    assert english.result is None


def test_results_against_target_are_for_the_latest_year_with_results(world):
    autumn = _autumn(world).targets
    summer = governor_report(
        school=world.school,
        programme_year=world.year,
        term=Term.SUMMER,
        today=D(2005, 9, 1),
    ).targets

    assert autumn.latest_results.year == 2004
    assert autumn.latest_results.english == Decimal("62")
    assert autumn.latest_results.english_target == Decimal("66")
    assert summer.latest_results.year == 2005
    assert summer.latest_results.maths == Decimal("70")
    assert summer.latest_results.maths_target == Decimal("60")
    assert {t.direction for t in summer.targets if t.subject == "Maths"} == {"LOWERED"}


def test_the_grant_payments_received_and_spending(world):
    money = _autumn(world).money

    # 118 pupils: 2 staff x 5 days x GBP 150, GBP 120 travel, 4 PSCL days x GBP 300.
    assert money.total == Decimal("2820.00")
    assert money.school_amount == Decimal("1620.00")
    assert money.total_display == "GBP 2,820"
    assert money.breakdown[-1] == "Total: GBP 2,820"
    assert [p.amount for p in money.payments] == [Decimal("1000.00")]
    assert money.received == Decimal("1000.00")
    assert money.is_return_sent
    assert money.return_status_label == "Submitted"
    assert money.cover_days == Decimal("5.0")
    assert money.cover_amount == Decimal("750.00")
    assert money.spent == Decimal("879.50")
    assert money.not_for_the_programme == Decimal("100.00")


def test_a_school_without_a_grant_is_told_so(school):
    year = ProgrammeYearFactory(local_authority=school.local_authority)
    ParticipationFactory(programme_year=year, school=school)

    report = governor_report(school=school, programme_year=year, term=Term.AUTUMN, today=TODAY)
    html = render_to_string(TEMPLATE_NAME, {"report": report})

    assert not report.money.has_grant
    assert report.money.payments == ()
    assert "grant has not been worked out yet" in html


def test_questions_come_from_the_data_most_pressing_first(world):
    questions = _autumn(world).questions

    assert len(questions) == 3
    assert "review the action plan" in questions[0].text
    assert "20 October 2004" in questions[0].why
    assert "2005 english target lowered" in questions[1].text
    assert "70% to 65%" in questions[1].why
    assert "overdue" in questions[2].text
    assert questions[2].why.startswith("2 actions")


def test_days_behind_and_an_unsent_return_make_questions(school):
    year = ProgrammeYearFactory(local_authority=school.local_authority)
    FundingRatesFactory(programme_year=year)
    participation = ParticipationFactory(programme_year=year, school=school)
    grant_compute(participation=participation)
    plan = ActionPlanFactory(participation=participation)
    PlanReviewFactory(plan=plan, reviewed_on=D(2005, 7, 20))
    allocation = AllocationFactory(
        participation=participation, adviser__local_authority=school.local_authority
    )
    _visit(allocation, D(2004, 10, 1), length=VisitLength.HALF_DAY)
    for day in (D(2005, 5, 3), D(2005, 6, 7), D(2005, 7, 5)):
        _visit(allocation, day)

    def questions(term):
        report = governor_report(school=school, programme_year=year, term=term, today=D(2005, 9, 1))
        return [question.text for question in report.questions]

    autumn, summer = questions(Term.AUTUMN), questions(Term.SUMMER)

    # By December: no review yet, and 0.5 of 4 days used where an even pace gives 1.45.
    assert "review the action plan" in autumn[0]
    assert "rest of its PSCL days" in autumn[1]
    # By July: reviewed, 3.5 of 4 days used (within half a day of pace), but no return sent.
    assert summer[0] == "Has the school sent the LEA its account of how the grant was spent?"
    assert summer[1:] == [question.text for question in GENERAL_QUESTIONS[:2]]


def test_a_school_with_nothing_to_worry_about_gets_general_questions(school):
    year = ProgrammeYearFactory(local_authority=school.local_authority)
    participation = ParticipationFactory(programme_year=year, school=school)
    plan = ActionPlanFactory(participation=participation)
    PlanReviewFactory(plan=plan, reviewed_on=D(2004, 9, 20))
    AllocationFactory(participation=participation, adviser__local_authority=school.local_authority)

    questions = governor_report(
        school=school, programme_year=year, term=Term.AUTUMN, today=D(2004, 9, 30)
    ).questions

    assert questions == GENERAL_QUESTIONS[:3]


def test_a_school_without_a_place_has_no_report(school):
    year = ProgrammeYearFactory(local_authority=school.local_authority)

    with pytest.raises(NoPlace, match="Millfield Primary School has no place in 2004-05"):
        governor_report(school=school, programme_year=year, term=Term.AUTUMN, today=TODAY)


def test_the_builder_names_the_template_the_title_and_the_file(world):
    run = ReportRunFactory(
        programme_year=world.year, school=world.school, term=Term.AUTUMN, version=2
    )

    content = build_content(run, today=TODAY)

    assert content.title == "Autumn term 2004 progress report: Millfield Primary School"
    assert content.template_name == TEMPLATE_NAME
    assert content.filename == "millfield-primary-school-autumn-2004-v2.pdf"
    assert content.context["report"].pscl.days_used == Decimal("3.5")


def test_the_body_shows_the_figures_charts_and_tables_but_never_the_visit_notes(world):
    run = ReportRunFactory(programme_year=world.year, school=world.school, term=Term.AUTUMN)
    content = build_governor_report(run, today=TODAY)

    html = " ".join(render_to_string(content.template_name, content.context).split())

    assert SENTINEL not in html
    assert "<h1" not in html
    assert "Primary Strategy Consultant Leader (PSCL), an experienced headteacher" in html
    assert "Days used: 3.5 of 4 days." in html
    assert "PSCL is Ruth Ellison." in html
    assert "GBP 2,820" in html
    assert "Share the writing data with all staff." in html
    assert "A spring action." not in html
    # Both charts, each with a text alternative, and the same figures in tables.
    assert html.count('role="img"') == 2
    assert 'aria-labelledby="governor-days-chart-title"' in html
    assert "3.5 of 4 planned days used" in html
    assert 'aria-labelledby="governor-results-chart-title"' in html
    assert "Results and targets by year" in html
    assert "First set after the school joined" not in html
    assert " style=" not in html
    assert re.findall(r'<h2 class="govuk-heading-m" id="[a-z]+">([^<]+)</h2>', html) == [
        "What the programme is for",
        "The school's place in the programme",
        "The leadership team and its time",
        "The PSCL's visits and days",
        "The action plan",
        "Targets and results",
        "The grant and how it was spent",
        "What to ask the headteacher next",
    ]


def _grow(world, n):
    """Add `n` more visits (each with agreed actions), plan actions and team members."""
    allocation = world.participation.allocations.get()
    priority = world.participation.action_plan.priorities.get()
    for i in range(n):
        visit = _visit(allocation, D(2004, 9, 1) + datetime.timedelta(days=i % 100))
        AgreedActionFactory(visit=visit, due_on=D(2004, 12, 1))
        AgreedActionFactory(visit=visit, due_on=D(2004, 12, 2))
        ActionFactory(priority=priority)
        SuccessCriterionFactory(priority=priority)
        member = LeadershipTeamMemberFactory(participation=world.participation)
        SchoolActivityFactory(member=member, done_on=D(2004, 10, 1))
        PaymentFactory(
            participation=world.participation,
            instalment=4 + i,
            status=PaymentStatus.PAID,
            paid_on=D(2004, 11, 1),
        )


@pytest.mark.parametrize("extra", [1, 12])
def test_building_the_report_takes_a_fixed_number_of_queries(
    world, extra, django_assert_max_num_queries
):
    _grow(world, extra)
    run = ReportRunFactory(programme_year=world.year, school=world.school, term=Term.AUTUMN)

    with django_assert_max_num_queries(27):
        content = build_governor_report(run, today=TODAY)
        render_to_string(content.template_name, content.context)

    assert content.context["report"].pscl.visits_in_year == 4 + extra


def test_the_days_chart_is_a_csp_safe_svg_with_a_text_alternative():
    svg = pscl_days_chart_svg(
        used=Decimal("3.5"), planned=Decimal("4.0"), school_name="Millfield <Primary>"
    )

    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert "Millfield &lt;Primary&gt;: 3.5 of 4 planned days used" in svg
    assert "style=" not in svg
    assert "<style" not in svg


def test_the_results_chart_has_nothing_to_draw_without_results_or_targets():
    empty = ResultYear(year=2004, english=None, maths=None, english_target=None, maths_target=None)
    target_only = ResultYear(
        year=2005, english=None, maths=None, english_target=Decimal("70"), maths_target=None
    )

    assert results_targets_chart_svg([empty], school_name="Millfield") == ""
    svg = results_targets_chart_svg([empty, target_only], school_name="Millfield")
    assert "Key Stage 2 results, 2005:" in svg
    assert 'role="img"' in svg


def test_a_target_first_set_after_joining_is_marked_in_the_body(world):
    KeyStage2TargetFactory(
        school=world.school, year=2006, subject=Subject.MATHS, percentage=80, set_on=D(2004, 9, 1)
    )
    report = _autumn(world)
    html = render_to_string(TEMPLATE_NAME, {"report": report})

    maths_2006 = next(t for t in report.targets.targets if (t.subject, t.year) == ("Maths", 2006))
    assert not maths_2006.is_set_before_joining
    assert report.targets.has_targets_first_set_after_joining
    assert "80%*" in html
    assert "* First set after the school joined." in html
