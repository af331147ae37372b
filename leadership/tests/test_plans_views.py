"""The plan page and its forms, the LEA's list of plans and the school page's section, for
every role across two LEAs."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role
from conftest import make_user
from leadership.factories import (
    ActionFactory,
    ActionPlanFactory,
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    PlanPriorityFactory,
    PlanReviewFactory,
    ProgrammeYearFactory,
    SuccessCriterionFactory,
)
from leadership.models import (
    Action,
    ActionPlan,
    ActionStatus,
    ParticipationStatus,
    PlanPriority,
    PlanReview,
    PriorityArea,
    ReviewProgress,
    SuccessCriterion,
)
from schools.factories import KeyStage2TargetFactory, SchoolFactory
from schools.models import Subject

pytestmark = pytest.mark.django_db

#: The most queries the plan page may run, whatever the size of the plan: session, user,
#: participation, plan, priorities, criteria, actions, reviews, targets, results, and for a
#: headteacher or governor the navigation's school.
PLAN_PAGE_QUERY_BOUND = 11
#: The most queries the LEA's list may run, whatever the number of schools: session, user, year,
#: participations, plans, priorities, criteria, actions.
YEAR_PLANS_QUERY_BOUND = 8

ALL_ROLES = (
    Role.ADMIN,
    Role.MANAGER,
    Role.LINK_ADVISER,
    Role.CONSULTANT,
    Role.HEADTEACHER,
    Role.GOVERNOR,
)
#: Who may edit the plan of `school`: its headteacher, the LEA's strategy manager, an admin.
EDITORS = (Role.ADMIN, Role.MANAGER, Role.HEADTEACHER)
#: Who may read it but not change it.
READERS = (Role.LINK_ADVISER, Role.GOVERNOR)


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def participation(year, school):
    return ParticipationFactory(programme_year=year, school=school)


@pytest.fixture
def member(participation):
    return LeadershipTeamMemberFactory(participation=participation, full_name="Ruth Ellis")


@pytest.fixture
def plan(participation):
    return ActionPlanFactory(participation=participation)


@pytest.fixture
def priority(plan):
    return PlanPriorityFactory(plan=plan, area=PriorityArea.ENGLISH, title="Writing in KS2")


@pytest.fixture
def criterion(priority):
    return SuccessCriterionFactory(priority=priority)


@pytest.fixture
def action(priority, member):
    return ActionFactory(priority=priority, owner=member, due_on=datetime.date(2030, 1, 1))


@pytest.fixture
def review(plan, users):
    return PlanReviewFactory(plan=plan, reviewed_by=users[Role.HEADTEACHER])


@pytest.fixture
def other_plan(year, sibling_school):
    """The plan of another school of the same LEA, with a team member and one of everything."""
    participation = ParticipationFactory(programme_year=year, school=sibling_school)
    plan = ActionPlanFactory(participation=participation)
    priority = PlanPriorityFactory(plan=plan)
    SuccessCriterionFactory(priority=priority)
    ActionFactory(priority=priority)
    PlanReviewFactory(plan=plan)
    LeadershipTeamMemberFactory(participation=participation)
    return plan


@pytest.fixture
def sibling_head(sibling_school):
    return make_user(Role.HEADTEACHER, school=sibling_school)


def plan_url(participation):
    return reverse("leadership:plan", args=[participation.pk])


def url(name, participation, *items):
    return reverse(f"leadership:{name}", args=[participation.pk, *items])


def date_data(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


# The plan page: who may see it ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.MANAGER, 200),
        (Role.LINK_ADVISER, 200),
        (Role.HEADTEACHER, 200),
        (Role.GOVERNOR, 200),
        (Role.CONSULTANT, 404),
    ],
)
def test_the_plan_page_shows_to_the_schools_own_people_and_the_lea(
    role, status, users, participation, plan, client_for
):
    response = client_for(users[role]).get(plan_url(participation))

    assert response.status_code == status


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LINK_ADVISER, Role.HEADTEACHER])
def test_the_plan_page_is_not_found_for_another_lea(
    role, foreign_users, participation, plan, client_for
):
    assert client_for(foreign_users[role]).get(plan_url(participation)).status_code == 404


def test_the_plan_page_is_not_found_for_another_schools_headteacher(
    sibling_head, participation, plan, client_for
):
    assert client_for(sibling_head).get(plan_url(participation)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(participation, plan, client_for):
    response = client_for(None).get(plan_url(participation))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", EDITORS)
def test_editors_see_the_links_to_change_the_plan(role, users, participation, priority, client_for):
    content = client_for(users[role]).get(plan_url(participation)).content.decode()

    assert url("plan_priority_add", participation) in content
    assert url("plan_priority_change", participation, priority.pk) in content


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_plan_without_links_to_change_it(
    role, users, participation, priority, client_for
):
    content = client_for(users[role]).get(plan_url(participation)).content.decode()

    assert "Writing in KS2" in content
    assert url("plan_priority_add", participation) not in content
    assert url("plan_priority_change", participation, priority.pk) not in content


# Starting the plan ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS)
def test_an_editor_starts_the_plan(role, users, participation, client_for):
    client = client_for(users[role])
    assert "Start the plan" in client.get(plan_url(participation)).content.decode()

    response = client.post(plan_url(participation))

    assert response.status_code == 302
    assert response.url == plan_url(participation) + "#priorities"
    assert ActionPlan.objects.filter(participation=participation).exists()


@pytest.mark.parametrize("role", READERS)
def test_a_reader_may_not_start_the_plan(role, users, participation, client_for):
    client = client_for(users[role])
    content = client.get(plan_url(participation)).content.decode()
    assert "There is no action plan yet" in content
    assert "Start the plan" not in content

    assert client.post(plan_url(participation)).status_code == 403
    assert not ActionPlan.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("consultant", 404), ("sibling_head", 404), ("foreign_manager", 404), ("anonymous", 302)],
)
def test_nobody_else_starts_the_plan(
    who, status, users, foreign_users, sibling_head, participation, client_for
):
    user = {
        "consultant": users[Role.CONSULTANT],
        "sibling_head": sibling_head,
        "foreign_manager": foreign_users[Role.MANAGER],
        "anonymous": None,
    }[who]

    response = client_for(user).post(plan_url(participation))

    assert response.status_code == status
    assert not ActionPlan.objects.exists()


def test_a_plan_is_not_started_before_the_school_accepts_its_place(users, year, school, client_for):
    invited = ParticipationFactory(
        programme_year=year, school=school, status=ParticipationStatus.INVITED
    )
    client = client_for(users[Role.HEADTEACHER])
    content = client.get(plan_url(invited)).content.decode()
    assert "Start the plan" not in content
    assert "once the school has accepted its place" in content

    response = client.post(plan_url(invited), follow=True)

    assert "once the school has accepted its place" in response.content.decode()
    assert not ActionPlan.objects.exists()


# The forms: who may use them ------------------------------------------------------------------

FORM_PAGES = [
    ("plan_summary", None),
    ("plan_priority_add", None),
    ("plan_priority_change", "priority"),
    ("plan_priority_remove", "priority"),
    ("plan_criterion_add", "priority"),
    ("plan_criterion_change", "criterion"),
    ("plan_criterion_remove", "criterion"),
    ("plan_action_add", "priority"),
    ("plan_action_change", "action"),
    ("plan_action_remove", "action"),
    ("plan_review_add", None),
    ("plan_review_change", "review"),
]


@pytest.fixture
def whole_plan(plan, priority, criterion, action, review):
    return {"priority": priority, "criterion": criterion, "action": action, "review": review}


def form_url(name, item, participation, whole_plan):
    return url(name, participation, *([whole_plan[item].pk] if item else []))


@pytest.mark.parametrize(("name", "item"), FORM_PAGES)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_form_page_opens_for_editors_only(
    name, item, role, users, participation, whole_plan, client_for
):
    response = client_for(users[role]).get(form_url(name, item, participation, whole_plan))

    expected = 200 if role in EDITORS else 403 if role in READERS else 404
    assert response.status_code == expected


@pytest.mark.parametrize(("name", "item"), FORM_PAGES)
def test_each_form_page_is_not_found_for_another_lea_or_school(
    name, item, foreign_users, sibling_head, participation, whole_plan, client_for
):
    target = form_url(name, item, participation, whole_plan)

    assert client_for(foreign_users[Role.MANAGER]).get(target).status_code == 404
    assert client_for(sibling_head).get(target).status_code == 404
    assert client_for(foreign_users[Role.HEADTEACHER]).post(target).status_code == 404


@pytest.mark.parametrize(("name", "item"), FORM_PAGES)
def test_an_anonymous_visitor_is_sent_to_sign_in_from_each_form(
    name, item, participation, whole_plan, client_for
):
    response = client_for(None).get(form_url(name, item, participation, whole_plan))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", READERS)
def test_readers_may_not_post_changes(role, users, participation, whole_plan, client_for):
    client = client_for(users[role])

    responses = [
        client.post(url("plan_priority_add", participation), {"area": "MATHS", "title": "Maths"}),
        client.post(url("plan_priority_remove", participation, whole_plan["priority"].pk)),
        client.post(url("plan_action_done", participation, whole_plan["action"].pk)),
        client.post(url("plan_review_add", participation), {"notes": "Fine.", "progress": "RED"}),
    ]

    assert [response.status_code for response in responses] == [403] * 4
    assert PlanPriority.objects.count() == 1
    assert Action.objects.get().status == ActionStatus.NOT_STARTED
    assert PlanReview.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "item"),
    [
        ("plan_priority_change", "priority"),
        ("plan_criterion_change", "criterion"),
        ("plan_action_change", "action"),
        ("plan_review_change", "review"),
        ("plan_criterion_add", "priority"),
        ("plan_action_add", "priority"),
    ],
)
def test_a_part_of_another_schools_plan_is_not_found_through_this_plan(
    name, item, users, participation, plan, other_plan, client_for
):
    others = {
        "priority": other_plan.priorities.get(),
        "criterion": SuccessCriterion.objects.get(priority__plan=other_plan),
        "action": Action.objects.get(priority__plan=other_plan),
        "review": other_plan.reviews.get(),
    }

    response = client_for(users[Role.MANAGER]).get(url(name, participation, others[item].pk))

    assert response.status_code == 404


def test_the_forms_are_not_found_until_the_plan_is_started(users, participation, client_for):
    response = client_for(users[Role.HEADTEACHER]).get(url("plan_priority_add", participation))

    assert response.status_code == 404


# The forms: what they save ------------------------------------------------------------------


def test_the_headteacher_adds_a_priority_and_returns_to_it(users, participation, plan, client_for):
    response = client_for(users[Role.HEADTEACHER]).post(
        url("plan_priority_add", participation),
        {"area": "MATHS", "title": "Raise KS2 maths", "description": ""},
    )

    priority = PlanPriority.objects.get()
    assert response.status_code == 302
    assert response.url == f"{plan_url(participation)}#priority-{priority.pk}"
    assert (priority.plan, priority.area, priority.title) == (plan, "MATHS", "Raise KS2 maths")


def test_an_invalid_form_shows_its_errors_and_saves_nothing(users, participation, plan, client_for):
    response = client_for(users[Role.HEADTEACHER]).post(
        url("plan_priority_add", participation), {"area": "", "title": ""}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content
    assert "Choose the area of the priority" in content
    assert "Enter the priority" in content
    assert "<title>Error: " in content
    assert not PlanPriority.objects.exists()


def test_a_priority_is_moved_to_the_top(users, participation, plan, client_for):
    first, second = PlanPriorityFactory.create_batch(2, plan=plan)

    client_for(users[Role.MANAGER]).post(
        url("plan_priority_change", participation, second.pk),
        {"area": "ENGLISH", "title": "Now first", "description": "", "position": "1"},
    )

    assert list(plan.priorities.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_a_priority_is_removed_after_asking(users, participation, priority, client_for):
    client = client_for(users[Role.HEADTEACHER])
    remove_url = url("plan_priority_remove", participation, priority.pk)
    assert "Remove the priority" in client.get(remove_url).content.decode()

    response = client.post(remove_url)

    assert response.status_code == 302
    assert not PlanPriority.objects.exists()


def test_a_criterion_is_added_without_a_number_and_the_plan_check_flags_it(
    users, participation, priority, client_for
):
    client = client_for(users[Role.HEADTEACHER])

    client.post(
        url("plan_criterion_add", participation, priority.pk),
        {"description": "Better reading", "measure": "", "baseline": "", "target_value": ""},
    )

    criterion = SuccessCriterion.objects.get()
    content = client.get(plan_url(participation)).content.decode()
    assert escape("The success criterion 'Better reading' has no number to measure it by.") in (
        content
    )
    assert f'href="#criterion-{criterion.pk}"' in content
    assert f'id="criterion-{criterion.pk}"' in content


def test_a_criterion_is_saved_with_its_numbers_and_date(users, participation, priority, client_for):
    client_for(users[Role.HEADTEACHER]).post(
        url("plan_criterion_add", participation, priority.pk),
        {
            "description": "More Year 6 pupils reach Level 4 in reading",
            "measure": "% of Year 6 at Level 4+ in reading",
            "baseline": "61",
            "target_value": "72.5",
            **date_data("target_on", datetime.date(2005, 7, 15)),
        },
    )

    criterion = SuccessCriterion.objects.get()
    assert criterion.target_value == Decimal("72.5")
    assert criterion.target_on == datetime.date(2005, 7, 15)


def test_a_half_typed_date_is_an_error_not_dropped(users, participation, priority, client_for):
    response = client_for(users[Role.HEADTEACHER]).post(
        url("plan_criterion_add", participation, priority.pk),
        {
            "description": "Better reading",
            "target_on_0": "",
            "target_on_1": "7",
            "target_on_2": "2005",
        },
    )

    assert "Enter the day, month and year" in response.content.decode()
    assert not SuccessCriterion.objects.exists()


def test_an_action_is_added_with_an_owner_from_the_team(
    users, participation, priority, member, client_for
):
    response = client_for(users[Role.HEADTEACHER]).post(
        url("plan_action_add", participation, priority.pk),
        {
            "description": "Half-termly writing assessments",
            "owner": member.pk,
            "status": "NOT_STARTED",
            **date_data("due_on", datetime.date(2004, 12, 17)),
        },
    )

    action = Action.objects.get()
    assert response.url == f"{plan_url(participation)}#action-{action.pk}"
    assert (action.owner, action.due_on) == (member, datetime.date(2004, 12, 17))


def test_the_owner_choices_are_the_schools_own_team(
    users, participation, priority, member, other_plan, client_for
):
    response = client_for(users[Role.MANAGER]).get(
        url("plan_action_add", participation, priority.pk)
    )

    owners = list(response.context["form"].fields["owner"].queryset)
    assert owners == [member]


@pytest.mark.parametrize("name", ["plan_action_add", "plan_action_change"])
def test_an_owner_from_another_school_is_refused_with_nothing_saved(
    name, users, participation, priority, other_plan, client_for
):
    stranger = other_plan.participation.team_members.get()
    existing = ActionFactory(priority=priority, description="Existing")
    target = (
        url(name, participation, priority.pk)
        if name == "plan_action_add"
        else url(name, participation, existing.pk)
    )

    response = client_for(users[Role.HEADTEACHER]).post(
        target,
        {
            "description": "Changed",
            "owner": stranger.pk,
            "status": "DONE",
            **date_data("due_on", datetime.date(2004, 12, 17)),
        },
    )

    assert response.status_code == 200
    assert "Choose a member of this school&#x27;s leadership team" in response.content.decode()
    existing.refresh_from_db()
    assert list(Action.objects.filter(priority__plan__participation=participation)) == [existing]
    assert (existing.description, existing.owner, existing.status) == (
        "Existing",
        None,
        ActionStatus.NOT_STARTED,
    )


def test_an_action_is_marked_done_in_one_tap(users, participation, action, client_for):
    response = client_for(users[Role.HEADTEACHER]).post(
        url("plan_action_done", participation, action.pk)
    )

    action.refresh_from_db()
    assert response.url == f"{plan_url(participation)}#action-{action.pk}"
    assert action.status == ActionStatus.DONE


def test_marking_done_is_a_post(users, participation, action, client_for):
    response = client_for(users[Role.HEADTEACHER]).get(
        url("plan_action_done", participation, action.pk)
    )

    assert response.status_code == 405


def test_a_review_is_recorded_by_the_signed_in_user(users, participation, plan, client_for):
    manager = users[Role.MANAGER]

    client_for(manager).post(
        url("plan_review_add", participation),
        {
            "progress": "GREEN",
            "notes": "Writing assessments running in every class.",
            **date_data("reviewed_on", datetime.date(2005, 2, 4)),
        },
    )

    review = PlanReview.objects.get()
    assert (review.reviewed_by, review.progress) == (manager, ReviewProgress.GREEN)
    assert review.reviewed_on == datetime.date(2005, 2, 4)


def test_a_review_with_an_impossible_date_is_refused(users, participation, plan, client_for):
    response = client_for(users[Role.HEADTEACHER]).post(
        url("plan_review_add", participation),
        {
            "progress": "RED",
            "notes": "Behind.",
            "reviewed_on_0": "31",
            "reviewed_on_1": "2",
            "reviewed_on_2": "2005",
        },
    )

    assert "Enter a real date" in response.content.decode()
    assert not PlanReview.objects.exists()


def test_the_summary_is_changed(users, participation, plan, client_for):
    client_for(users[Role.HEADTEACHER]).post(
        url("plan_summary", participation), {"summary": "Sharper tracking in KS2."}
    )

    plan.refresh_from_db()
    assert plan.summary == "Sharper tracking in KS2."


# htmx: forms open in the page and the plan is redrawn -----------------------------------------


def test_with_htmx_a_form_comes_as_a_fragment(users, participation, plan, client_for):
    response = client_for(users[Role.HEADTEACHER]).get(
        url("plan_priority_add", participation), HTTP_HX_REQUEST="true"
    )

    content = response.content.decode()
    assert "<html" not in content
    assert 'hx-post="' in content
    assert "HX-Request" in response["Vary"]


def test_with_htmx_a_saved_form_redraws_the_plan_with_its_check(
    users, participation, plan, client_for
):
    response = client_for(users[Role.HEADTEACHER]).post(
        url("plan_priority_add", participation),
        {"area": "OTHER", "title": "Creative curriculum", "description": ""},
        HTTP_HX_REQUEST="true",
    )

    priority = PlanPriority.objects.get()
    content = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#plan-body"
    assert response["HX-Reswap"] == f"outerHTML show:#priority-{priority.pk}:top"
    assert content.lstrip().startswith('<div id="plan-body">')
    assert "no priority in English or maths" in content


def test_with_htmx_an_invalid_form_replaces_itself(users, participation, plan, client_for):
    response = client_for(users[Role.HEADTEACHER]).post(
        url("plan_priority_add", participation),
        {"area": "", "title": ""},
        HTTP_HX_REQUEST="true",
    )

    assert "HX-Retarget" not in response
    assert "govuk-error-summary" in response.content.decode()
    assert "<html" not in response.content.decode()


# What the plan page shows ---------------------------------------------------------------------


def test_the_plan_page_shows_the_plan_its_flags_and_the_targets(
    users, participation, school, plan, priority, action, client_for
):
    long_ago = datetime.datetime(2004, 9, 1, 12, tzinfo=datetime.UTC)
    ActionPlan.objects.filter(pk=plan.pk).update(created_at=long_ago)
    overdue = ActionFactory(
        priority=priority, description="Audit reading books", due_on=datetime.date(2004, 10, 1)
    )
    KeyStage2TargetFactory(
        school=school,
        year=2005,
        subject=Subject.MATHS,
        percentage=Decimal("70"),
        set_on=datetime.date(2004, 3, 1),
    )
    KeyStage2TargetFactory(
        school=school,
        year=2005,
        subject=Subject.MATHS,
        percentage=Decimal("66"),
        set_on=datetime.date(2004, 11, 1),
    )

    content = client_for(users[Role.GOVERNOR]).get(plan_url(participation)).content.decode()

    assert "Writing in KS2" in content
    assert "Ruth Ellis" in content
    assert "govuk-warning-text" in content
    assert f'href="#action-{overdue.pk}"' in content
    assert "1 action is overdue" in content
    assert 'href="#reviews"' in content
    assert "not been reviewed since it was started on 1 September 2004" in content
    assert "Lowered" in content
    assert "-4.0 points" in content
    assert "style=" not in content
    assert "<style" not in content


def test_a_sound_plan_shows_the_check_found_nothing(
    users, participation, priority, criterion, review, client_for
):
    review.reviewed_on = timezone.localdate()
    review.save()

    content = client_for(users[Role.HEADTEACHER]).get(plan_url(participation)).content.decode()

    assert "The plan check found nothing to put right." in content
    assert "govuk-warning-text" not in content


def fill_plan(plan, member, priorities):
    for number in range(priorities):
        priority = PlanPriorityFactory(plan=plan, title=f"Priority {number}")
        SuccessCriterionFactory.create_batch(3, priority=priority)
        ActionFactory.create_batch(3, priority=priority, owner=member)
        PlanReviewFactory(plan=plan)


@pytest.mark.parametrize("priorities", [2, 8])
@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.MANAGER])
def test_the_plan_page_costs_the_same_queries_for_any_size_of_plan(
    role, priorities, users, participation, plan, member, client_for, django_assert_max_num_queries
):
    fill_plan(plan, member, priorities)
    client = client_for(users[role])

    with django_assert_max_num_queries(PLAN_PAGE_QUERY_BOUND):
        response = client.get(plan_url(participation))

    assert response.content.decode().count('class="govuk-summary-card"') == priorities + 1


# The LEA's list of plans for a programme year -------------------------------------------------


def year_plans_url(year):
    return reverse("leadership:year_plans", args=[year.pk])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.MANAGER, 200),
        (Role.LINK_ADVISER, 200),
        (Role.CONSULTANT, 403),
        (Role.HEADTEACHER, 404),
        (Role.GOVERNOR, 404),
    ],
)
def test_the_leas_list_of_plans_is_for_those_who_oversee_the_lea(
    role, status, users, year, client_for
):
    assert client_for(users[role]).get(year_plans_url(year)).status_code == status


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LINK_ADVISER, Role.HEADTEACHER])
def test_the_leas_list_of_plans_is_not_found_for_another_lea(role, foreign_users, year, client_for):
    assert client_for(foreign_users[role]).get(year_plans_url(year)).status_code == 404


def test_the_leas_list_of_plans_sends_an_anonymous_visitor_to_sign_in(year, client_for):
    response = client_for(None).get(year_plans_url(year))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_leas_list_shows_every_place_with_its_plan_status_and_flags(
    users, year, participation, priority, lea, client_for
):
    SuccessCriterionFactory(priority=priority, description="Better reading", target_value=None)
    without_plan = ParticipationFactory(
        programme_year=year, school=SchoolFactory(local_authority=lea, name="Ashby Primary")
    )
    invited = ParticipationFactory(
        programme_year=year,
        school=SchoolFactory(local_authority=lea, name="Invited Primary"),
        status=ParticipationStatus.INVITED,
    )
    completed = ParticipationFactory(
        programme_year=year,
        school=SchoolFactory(local_authority=lea, name="Completed Primary"),
        status=ParticipationStatus.COMPLETED,
    )

    response = client_for(users[Role.MANAGER]).get(year_plans_url(year))

    rows = {row.participation.pk: row for row in response.context["rows"]}
    assert rows.keys() == {participation.pk, without_plan.pk, completed.pk}
    assert rows[participation.pk].priority_count == 1
    assert rows[without_plan.pk].plan is None
    content = response.content.decode()
    assert "Invited Primary" not in content
    assert "1 priority" in content
    assert "No plan" in content
    assert escape("The success criterion 'Better reading' has no number") in content
    criterion = SuccessCriterion.objects.get(description="Better reading")
    assert f'href="{plan_url(participation)}#criterion-{criterion.pk}"' in content
    assert f"{invited.school.name}" not in content


def make_places(year, lea, count):
    for number in range(count):
        participation = ParticipationFactory(
            programme_year=year, school=SchoolFactory(local_authority=lea)
        )
        if number % 3:
            plan = ActionPlanFactory(participation=participation)
            priority = PlanPriorityFactory(plan=plan)
            SuccessCriterionFactory.create_batch(2, priority=priority, target_value=None)
            ActionFactory.create_batch(2, priority=priority)
            PlanReviewFactory(plan=plan)


@pytest.mark.parametrize("count", [10, 60])
def test_the_leas_list_costs_the_same_queries_for_any_number_of_schools(
    count, users, year, lea, client_for, django_assert_max_num_queries
):
    make_places(year, lea, count)
    client = client_for(users[Role.MANAGER])

    with django_assert_max_num_queries(YEAR_PLANS_QUERY_BOUND):
        response = client.get(year_plans_url(year))

    assert len(response.context["rows"]) == count


# The school page's section --------------------------------------------------------------------


def school_url(school):
    return reverse("schools:detail", args=[school.urn])


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER, Role.HEADTEACHER, Role.GOVERNOR]
)
def test_the_school_page_shows_each_year_with_its_plan_and_flags(
    role, users, school, participation, priority, client_for
):
    SuccessCriterionFactory(priority=priority, description="Better reading", target_value=None)

    content = client_for(users[role]).get(school_url(school)).content.decode()

    assert "Primary Leadership Programme" in content
    assert participation.programme_year.name in content
    assert "Active" in content
    assert f'href="{plan_url(participation)}"' in content
    assert escape("The success criterion 'Better reading' has no number") in content


def test_the_school_page_shows_a_year_with_no_plan_yet(users, school, participation, client_for):
    content = client_for(users[Role.MANAGER]).get(school_url(school)).content.decode()

    assert "No plan yet" in content
    assert f'href="{plan_url(participation)}"' in content


def test_the_school_page_has_no_programme_section_for_a_school_never_in_it(
    users, sibling_school, participation, client_for
):
    content = client_for(users[Role.MANAGER]).get(school_url(sibling_school)).content.decode()

    assert "Primary Leadership Programme" not in content


def test_the_school_page_lists_the_years_newest_first(
    users, lea, school, participation, client_for
):
    later = ParticipationFactory(
        programme_year=ProgrammeYearFactory(
            local_authority=lea,
            name="2005-06",
            starts_on=datetime.date(2005, 9, 1),
            ends_on=datetime.date(2006, 7, 31),
        ),
        school=school,
        status=ParticipationStatus.INVITED,
    )

    content = client_for(users[Role.HEADTEACHER]).get(school_url(school)).content.decode()

    assert content.index(f'id="participation-{later.pk}"') < content.index(
        f'id="participation-{participation.pk}"'
    )
