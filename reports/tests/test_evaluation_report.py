"""The LEA evaluation report (issue 6, item 4): each main finding checked against a cohort built
by hand, the points for action that the thresholds suggest, the report as issued (the
manager's points, or the suggested ones), and a fixed number of queries at two sizes."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from accounts.models import Role
from consultants.factories import (
    AdviserFactory,
    AllocationFactory,
    SupportEvaluationFactory,
    VisitFactory,
)
from consultants.models import AllocationStatus, Term, VisitLength, VisitStatus
from funding.factories import ExpenditureReturnFactory
from funding.models import ReturnStatus
from leadership.factories import (
    ActionPlanFactory,
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    PlanPriorityFactory,
    ProgrammeYearFactory,
    SuccessCriterionFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import MemberRole, OfstedKind, ParticipationStatus, PriorityArea
from leadership.selectors.plans import participation_targets
from reports.factories import EvaluationThresholdsFactory, ReportRunFactory
from reports.models import EvaluationThresholds, ReportKind, RunStatus
from reports.selectors.evaluation import (
    build_evaluation_report,
    evaluation_figures,
    suggested_points,
    thresholds_for,
)
from reports.services.runs import run_generate, run_request
from schools.factories import SchoolFactory
from schools.models import KeyStage, KeyStage2Target, KeyStageResult, Subject, TargetDirection

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2004, 11, 26)
BEFORE_JOINING = datetime.date(2004, 6, 1)


def _target(school, subject, percentage, set_on, year=2005):
    KeyStage2Target.objects.create(
        school=school, year=year, subject=subject, percentage=Decimal(percentage), set_on=set_on
    )


def _result(school, year, english, maths):
    KeyStageResult.objects.create(
        school=school,
        year=year,
        key_stage=KeyStage.KS2,
        english_percentage=None if english is None else Decimal(english),
        maths_percentage=None if maths is None else Decimal(maths),
    )


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea, name="2004-05")


@pytest.fixture
def cohort(lea, other_lea, year):
    """Five schools holding places (Ashby, Brook, Crane, Dale, Elm), one that declined (Fell)
    and one that was never invited (Glen), each figure set so that its answer is known."""
    names = ["Ashby", "Brook", "Crane", "Dale", "Elm"]
    kinds = [
        OfstedKind.HIGH_PERFORMING_NEW_LEADERSHIP,
        OfstedKind.NEW_HEADTEACHER,
        OfstedKind.NEW_HEADTEACHER,
        None,
        OfstedKind.PROGRAMME_IS_RIGHT,
    ]
    p = {}
    for name, kind in zip(names, kinds, strict=True):
        school = SchoolFactory(local_authority=lea, name=f"{name} Primary School")
        p[name] = ParticipationFactory(
            programme_year=year,
            school=school,
            ofsted_kind=kind,
            joined_on=datetime.date(2004, 7, 1),
        )
    fell = SchoolFactory(local_authority=lea, name="Fell Primary School")
    ParticipationFactory(programme_year=year, school=fell, status=ParticipationStatus.DECLINED)
    glen = SchoolFactory(local_authority=lea, name="Glen Primary School")
    foreign = SchoolFactory(local_authority=other_lea, name="Far Primary School")

    # Plans: Ashby and Crane quantified (Crane's only priority is leadership); Brook has a
    # criterion without a target; Dale's plan has no priority; Elm has no plan.
    ashby = PlanPriorityFactory(plan=ActionPlanFactory(participation=p["Ashby"]))
    SuccessCriterionFactory.create_batch(2, priority=ashby)
    brook = PlanPriorityFactory(
        plan=ActionPlanFactory(participation=p["Brook"]), area=PriorityArea.MATHS
    )
    SuccessCriterionFactory(priority=brook)
    SuccessCriterionFactory(priority=brook, target_value=None)
    crane = PlanPriorityFactory(
        plan=ActionPlanFactory(participation=p["Crane"]), area=PriorityArea.LEADERSHIP
    )
    SuccessCriterionFactory(priority=crane)
    ActionPlanFactory(participation=p["Dale"])

    # Targets: Ashby raised English; Brook raised English and lowered maths; Crane kept
    # English; Dale's only target is for 2004, before the programme's summer.
    _target(p["Ashby"].school, Subject.ENGLISH, "70", BEFORE_JOINING)
    _target(p["Ashby"].school, Subject.ENGLISH, "75", datetime.date(2004, 10, 1))
    _target(p["Brook"].school, Subject.MATHS, "80", BEFORE_JOINING)
    _target(p["Brook"].school, Subject.MATHS, "72", datetime.date(2004, 11, 1))
    _target(p["Brook"].school, Subject.ENGLISH, "60", BEFORE_JOINING)
    _target(p["Brook"].school, Subject.ENGLISH, "65", datetime.date(2004, 11, 1))
    _target(p["Crane"].school, Subject.ENGLISH, "65", BEFORE_JOINING)
    _target(p["Dale"].school, Subject.ENGLISH, "50", datetime.date(2003, 10, 1), year=2004)

    # PSCL days: Ashby 4 planned, Brook 5, Crane 4; Dale has no PSCL (the year's 4); Elm's
    # match ended after one half-day visit (the year's 4).
    first = AdviserFactory(local_authority=lea, home_school=None, full_name="Anne First")
    second = AdviserFactory(local_authority=lea, home_school=None, full_name="Bill Second")
    allocations = {
        "Ashby": AllocationFactory(adviser=first, participation=p["Ashby"]),
        "Brook": AllocationFactory(
            adviser=first, participation=p["Brook"], planned_days=Decimal("5.0")
        ),
        "Crane": AllocationFactory(adviser=second, participation=p["Crane"]),
        "Elm": AllocationFactory(
            adviser=second, participation=p["Elm"], status=AllocationStatus.ENDED
        ),
    }
    VisitFactory.create_batch(2, allocation=allocations["Ashby"], length=VisitLength.FULL_DAY)
    VisitFactory(allocation=allocations["Ashby"], status=VisitStatus.DRAFT)
    VisitFactory(allocation=allocations["Brook"], standards_challenged=False, challenge_detail="")
    VisitFactory(allocation=allocations["Crane"], length=VisitLength.FULL_DAY)
    VisitFactory(allocation=allocations["Elm"])

    # Returns: Ashby approved, Brook submitted, Crane queried, Dale draft, Elm none.
    for name, status in (
        ("Ashby", ReturnStatus.APPROVED),
        ("Brook", ReturnStatus.SUBMITTED),
        ("Crane", ReturnStatus.QUERIED),
        ("Dale", ReturnStatus.DRAFT),
    ):
        ExpenditureReturnFactory(participation=p[name], status=status)

    # Training: sessions 1 and 2 held by today, session 3 not yet. Ashby's two members and
    # Crane's one came to both; Brook's missed session 2; Dale's was absent from session 1.
    one = TrainingEventFactory(programme_year=year, session=1, held_on=datetime.date(2004, 9, 23))
    two = TrainingEventFactory(programme_year=year, session=2, held_on=datetime.date(2004, 11, 10))
    TrainingEventFactory(programme_year=year, session=3, held_on=datetime.date(2005, 3, 1))
    ashby_members = [
        LeadershipTeamMemberFactory(participation=p["Ashby"], role=MemberRole.HEADTEACHER),
        LeadershipTeamMemberFactory(participation=p["Ashby"]),
    ]
    crane_member = LeadershipTeamMemberFactory(participation=p["Crane"])
    for member in (*ashby_members, crane_member):
        TrainingAttendanceFactory(event=one, member=member)
        TrainingAttendanceFactory(event=two, member=member)
    brook_member = LeadershipTeamMemberFactory(participation=p["Brook"])
    TrainingAttendanceFactory(event=one, member=brook_member)
    dale_member = LeadershipTeamMemberFactory(participation=p["Dale"])
    TrainingAttendanceFactory(event=one, member=dale_member, is_present=False)

    # Ratings: Ashby 4 and 5, Brook 2, Crane 3: a mean of 3.50.
    SupportEvaluationFactory(allocation=allocations["Ashby"], term=Term.AUTUMN, rating=4)
    SupportEvaluationFactory(allocation=allocations["Ashby"], term=Term.SPRING, rating=5)
    SupportEvaluationFactory(allocation=allocations["Brook"], term=Term.AUTUMN, rating=2)
    SupportEvaluationFactory(allocation=allocations["Crane"], term=Term.AUTUMN, rating=3)

    # KS2 results: participating Ashby and Brook; the LEA's others Fell and Glen; a school of
    # another LEA that must not count.
    _result(p["Ashby"].school, 2004, "60", "50")
    _result(p["Ashby"].school, 2005, "70", "60")
    _result(p["Brook"].school, 2004, "80", "70")
    _result(p["Brook"].school, 2005, "75", None)
    _result(fell, 2004, "90", "85")
    _result(glen, 2004, "70", None)
    _result(foreign, 2004, "10", "10")
    _result(p["Ashby"].school, 2002, "1", "1")
    return p


@pytest.fixture
def figures(cohort, year):
    return evaluation_figures(programme_year=year, today=TODAY)


def test_only_the_schools_holding_a_place_are_evaluated(figures):
    assert figures.schools == 5


def test_plans_with_quantified_success_criteria(figures):
    plans = figures.plans
    assert plans.quantified == ("Ashby Primary School", "Crane Primary School")
    assert plans.not_quantified == ("Brook Primary School",)
    assert plans.without_criteria == ("Dale Primary School",)
    assert plans.without_plan == ("Elm Primary School",)
    assert plans.not_focused == ("Crane Primary School", "Dale Primary School")
    assert plans.quantified_percent == Decimal("40.0")
    assert plans.focused == 2
    finding = next(f for f in figures.findings if f.key == "plans")
    assert finding.summary.startswith("2 of 5 schools have plans with quantified success")


def test_targets_raised_and_lowered(figures, cohort):
    targets = figures.targets
    assert targets.raised == ("Ashby Primary School", "Brook Primary School")
    assert targets.lowered == ("Brook Primary School",)
    assert targets.kept_only == ("Crane Primary School",)
    assert targets.without_targets == ("Dale Primary School", "Elm Primary School")
    finding = next(f for f in figures.findings if f.key == "targets")
    assert finding.summary == "Targets raised in 2 schools, lowered in 1."
    # The same answer as the plan page's own reading of Brook's targets.
    directions = {t.direction for t in participation_targets(cohort["Brook"])}
    assert directions == {TargetDirection.RAISED, TargetDirection.LOWERED}


def test_funded_and_delivered_pscl_days(figures):
    days = figures.days
    assert [row.funded for row in days.rows] == [
        Decimal("4.0"),
        Decimal("5.0"),
        Decimal("4.0"),
        Decimal("4.0"),
        Decimal("4.0"),
    ]
    assert days.funded == Decimal("21.0")
    assert days.delivered == Decimal("4.0")
    assert days.delivered_percent == Decimal("19.0")
    assert len(days.behind) == 5
    finding = next(f for f in figures.findings if f.key == "days")
    assert finding.summary == "4 of 21 funded PSCL days delivered (19.0%)."


def test_grants_accounted_for_are_the_approved_returns(figures):
    grants = figures.grants
    assert grants.approved == ("Ashby Primary School",)
    assert grants.submitted == ("Brook Primary School",)
    assert grants.queried == ("Crane Primary School",)
    assert grants.draft == ("Dale Primary School",)
    assert grants.no_return == ("Elm Primary School",)
    finding = next(f for f in figures.findings if f.key == "grants")
    assert finding.summary == "Grants accounted for: 1 of 5 schools (20.0%)."
    assert "approved" in finding.details[0]


def test_team_members_at_every_session_held(figures):
    training = figures.training
    assert training.sessions == (1, 2)
    assert training.members == 5
    assert training.attended_all == 3
    assert training.attended_percent == Decimal("60.0")
    assert training.schools_short == ("Brook Primary School", "Dale Primary School")


def test_no_session_held_gives_no_attendance_figure(cohort, year):
    figures = evaluation_figures(programme_year=year, today=datetime.date(2004, 9, 1))
    assert figures.training.sessions == ()
    assert figures.training.attended_percent is None


def test_schools_ratings_of_pscl_support(figures):
    ratings = figures.ratings
    assert ratings.count == 4
    assert ratings.mean == Decimal("3.50")
    assert ratings.schools_rating == 3
    assert dict(ratings.by_rating) == {5: 1, 4: 1, 3: 1, 2: 1, 1: 0}
    assert ratings.weak_schools == ("Brook Primary School",)


def test_ofsted_kinds_of_school(figures):
    counts = {row.kind: row.schools for row in figures.kinds}
    assert counts[OfstedKind.HIGH_PERFORMING_NEW_LEADERSHIP] == ("Ashby Primary School",)
    assert counts[OfstedKind.NEW_HEADTEACHER] == ("Brook Primary School", "Crane Primary School")
    assert counts[OfstedKind.WEAK_HEADTEACHER] == ()
    assert counts[OfstedKind.PROGRAMME_IS_RIGHT] == ("Elm Primary School",)
    assert counts[None] == ("Dale Primary School",)
    finding = next(f for f in figures.findings if f.key == "kinds")
    assert finding.summary == (
        "Of the schools holding a place, 1 is kind 1 (relatively high-performing, new head or "
        "senior staff); 2 are kind 2 (new, inexperienced headteacher); 1 is kind 4 (a school "
        "for which the programme is right); 1 is not recorded yet."
    )


def test_pscl_activity(figures):
    activity = figures.activity
    assert activity.pscls == 2
    assert activity.visits == 5
    assert activity.days == Decimal("4.0")
    assert activity.challenged == 4
    assert activity.challenged_percent == Decimal("80.0")


def test_ks2_trends_against_the_leas_other_schools(figures):
    trends = figures.trends
    assert trends.years == (2003, 2004, 2005, 2006, 2007)
    assert trends.participating_schools == 5
    assert trends.other_schools == 2
    by_year = {point.year: point for point in trends.participating}
    assert by_year[2003].english is None and by_year[2003].english_schools == 0
    assert (by_year[2004].english, by_year[2004].english_schools) == (Decimal("70.0"), 2)
    assert (by_year[2004].maths, by_year[2004].maths_schools) == (Decimal("60.0"), 2)
    assert (by_year[2005].english, by_year[2005].english_schools) == (Decimal("72.5"), 2)
    assert (by_year[2005].maths, by_year[2005].maths_schools) == (Decimal("60.0"), 1)
    others = {point.year: point for point in trends.others}
    assert (others[2004].english, others[2004].english_schools) == (Decimal("80.0"), 2)
    assert (others[2004].maths, others[2004].maths_schools) == (Decimal("85.0"), 1)
    assert others[2005].english is None


def test_the_default_thresholds_suggest_a_point_for_each_crossed(figures, year):
    points = suggested_points(figures, thresholds_for(year))
    assert [point.finding_key for point in points] == [
        "plans",
        "targets",
        "days",
        "grants",
        "training",
    ]
    assert points[0].text.startswith("Ensure that all action plans have precise, quantifiable")
    assert points[0].anchor == "finding-plans"


def test_thresholds_not_crossed_suggest_nothing(figures, year):
    thresholds = EvaluationThresholdsFactory(
        programme_year=year,
        plans_quantified_min_percent=Decimal("40"),
        days_delivered_min_percent=Decimal("19"),
        grants_accounted_min_percent=Decimal("20"),
        training_attendance_min_percent=Decimal("60"),
        targets_lowered_max=1,
        support_rating_min=Decimal("3.5"),
    )
    assert suggested_points(figures, thresholds) == []
    thresholds.support_rating_min = Decimal("3.51")
    thresholds.plans_quantified_min_percent = Decimal("40.1")
    assert [p.finding_key for p in suggested_points(figures, thresholds)] == [
        "plans",
        "ratings",
    ]


def test_an_empty_year_suggests_nothing(year):
    figures = evaluation_figures(programme_year=year, today=TODAY)
    assert figures.schools == 0
    assert suggested_points(figures, thresholds_for(year)) == []


def test_a_year_with_no_thresholds_set_reads_the_defaults_and_stores_nothing(year):
    thresholds = thresholds_for(year)

    assert thresholds.pk is None
    assert thresholds.plans_quantified_min_percent == 80
    assert thresholds.support_rating_min == Decimal("3.5")
    assert not EvaluationThresholds.objects.filter(programme_year=year).exists()


def _run(year, **kwargs):
    return ReportRunFactory(
        kind=ReportKind.LEA_EVALUATION, programme_year=year, school=None, term="", **kwargs
    )


def test_the_report_carries_the_managers_points_as_issued(cohort, year):
    run = _run(year, parameters={"points_for_action": ["Meet every PSCL each half term.", " "]})
    content = build_evaluation_report(run, today=TODAY)
    assert content.title == "Evaluation of the Primary Leadership Programme 2004-05: Northmoor"
    assert content.filename == "evaluation-northmoor-2004-05-v1.pdf"
    assert [p.text for p in content.context["points"]] == ["Meet every PSCL each half term."]
    html = render_to_string(content.template_name, content.context)
    assert "Meet every PSCL each half term." in html
    assert "Ensure that all action plans" not in html
    assert "2 of 5 schools have plans with quantified success criteria" in html
    assert "Grants accounted for: 1 of 5 schools" in html
    assert 'id="finding-plans"' in html
    assert 'role="img"' in html  # the trend chart
    assert "style=" not in html


def test_the_report_without_points_given_carries_the_suggested_ones(cohort, year):
    content = build_evaluation_report(_run(year), today=TODAY)
    html = render_to_string(content.template_name, content.context)
    assert "Ensure that all action plans have precise, quantifiable success criteria" in html
    assert 'href="#finding-plans"' in html


def _grow(year, count):
    """More schools, each with a plan, a PSCL, a visit, a return, a rating and results."""
    for index in range(count):
        participation = ParticipationFactory(programme_year=year, ofsted_kind=1)
        priority = PlanPriorityFactory(plan=ActionPlanFactory(participation=participation))
        SuccessCriterionFactory(priority=priority)
        allocation = AllocationFactory(
            adviser__local_authority=year.local_authority, participation=participation
        )
        VisitFactory(allocation=allocation)
        SupportEvaluationFactory(allocation=allocation)
        ExpenditureReturnFactory(participation=participation)
        LeadershipTeamMemberFactory(participation=participation)
        _target(participation.school, Subject.MATHS, "60", BEFORE_JOINING)
        _result(participation.school, 2004, "55", str(50 + index))


@pytest.mark.parametrize("extra", [0, 8])
def test_the_figures_take_a_fixed_number_of_queries(
    cohort, year, extra, django_assert_max_num_queries
):
    _grow(year, extra)
    with django_assert_max_num_queries(18):
        figures = evaluation_figures(programme_year=year, today=TODAY)
        findings = figures.findings
    assert figures.schools == 5 + extra
    assert len(findings) == 9


def test_the_engine_issues_the_report_with_the_managers_points(
    cohort, year, users, settings, django_capture_on_commit_callbacks
):
    settings.PLP_TODAY = TODAY
    with django_capture_on_commit_callbacks():
        run = run_request(
            kind=ReportKind.LEA_EVALUATION,
            programme_year=year,
            by=users[Role.MANAGER],
            idempotency_key="test:evaluation-engine",
            parameters={"points_for_action": ["Meet every PSCL each half term."]},
        )
    run = run_generate(run.pk)
    assert run.status == RunStatus.DONE, run.error
    assert run.title == "Evaluation of the Primary Leadership Programme 2004-05: Northmoor"
    assert "Meet every PSCL each half term." in run.html
    assert "2 of 5 schools have plans with quantified success criteria" in run.html
    assert run.pdf.name.endswith(".pdf")
