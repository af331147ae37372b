"""The evaluation report's draft and thresholds pages (issue 6, item 4): only strategy managers
(their LEA) and admins; the draft shows the live findings and the suggested points to edit;
issuing asks for one run however often the same form is sent; the thresholds page shows each
error next to its field and saves who changed it."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from leadership.factories import (
    ActionPlanFactory,
    ParticipationFactory,
    PlanPriorityFactory,
    ProgrammeYearFactory,
    SuccessCriterionFactory,
)
from reports.factories import ReportRunFactory
from reports.models import EvaluationThresholds, ReportKind, ReportRun
from reports.tests.test_evaluation_report import _grow

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2004, 11, 26)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.PLP_TODAY = TODAY


@pytest.fixture
def year(lea):
    """Two schools: one plan with a criterion without a number, one without a plan."""
    year = ProgrammeYearFactory(local_authority=lea, name="2004-05")
    participation = ParticipationFactory(programme_year=year)
    priority = PlanPriorityFactory(plan=ActionPlanFactory(participation=participation))
    SuccessCriterionFactory(priority=priority, measure="")
    ParticipationFactory(programme_year=year)
    return year


def draft_url(year):
    return reverse("reports:evaluation_draft", args=[year.pk])


def thresholds_url(year):
    return reverse("reports:evaluation_thresholds", args=[year.pk])


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_managers_and_admins_read_the_draft(client_for, users, year, role):
    response = client_for(users[role]).get(draft_url(year))
    assert response.status_code == 200
    html = response.content.decode()
    assert "0 of 2 schools have plans with quantified success criteria" in html
    assert "Ensure that all action plans have precise, quantifiable success criteria" in html
    assert response.context["form"].fields["point_0"].initial.startswith("Ensure that all")
    # The suggested points, and two empty boxes for more.
    points = response.context["point_sources"]
    assert len(response.context["form"].point_names) == len(points) + 2


@pytest.mark.parametrize(
    "role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]
)
@pytest.mark.parametrize("url", [draft_url, thresholds_url])
def test_other_roles_are_refused(client_for, users, year, role, url):
    assert client_for(users[role]).get(url(year)).status_code == 403
    assert client_for(users[role]).post(url(year), {}).status_code == 403


@pytest.mark.parametrize("url", [draft_url, thresholds_url])
def test_another_leas_manager_does_not_find_the_year(client_for, foreign_users, year, url):
    assert client_for(foreign_users[Role.MANAGER]).get(url(year)).status_code == 404


@pytest.mark.parametrize("url", [draft_url, thresholds_url])
def test_an_anonymous_visitor_is_sent_to_sign_in(client_for, year, url):
    response = client_for(None).get(url(year))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def _post(client, year, key, points):
    data = {"idempotency_key": str(key)}
    data.update({f"point_{index}": text for index, text in enumerate(points)})
    return client.post(draft_url(year), data)


def test_issuing_asks_for_a_run_with_the_points_as_edited(
    client_for, users, year, django_capture_on_commit_callbacks
):
    manager = users[Role.MANAGER]
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(
            client_for(manager),
            year,
            uuid.uuid4(),
            ["Ensure plans have numbers.", "", "  Meet PSCLs termly.  "],
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run_detail", args=[run.pk])
    assert run.kind == ReportKind.LEA_EVALUATION
    assert run.programme_year == year
    assert run.requested_by == manager
    assert run.parameters == {
        "points_for_action": ["Ensure plans have numbers.", "Meet PSCLs termly."]
    }
    assert len(callbacks) == 1


def test_the_same_form_sent_twice_makes_one_run(
    client_for, users, year, django_capture_on_commit_callbacks
):
    client = client_for(users[Role.MANAGER])
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks() as callbacks:
        first = _post(client, year, key, ["Ensure plans have numbers."])
        second = _post(client, year, key, ["Ensure plans have numbers."])
    assert ReportRun.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert len(callbacks) == 1
    # A new form (a new key) is a new version.
    _post(client, year, uuid.uuid4(), ["Ensure plans have numbers."])
    assert list(ReportRun.objects.order_by("version").values_list("version", flat=True)) == [1, 2]


def test_a_draft_with_no_point_is_not_issued(client_for, users, year):
    response = _post(client_for(users[Role.MANAGER]), year, uuid.uuid4(), ["", "  "])
    assert response.status_code == 200
    assert "Enter at least one point for action" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_a_form_without_a_valid_key_is_not_issued(client_for, users, year):
    response = _post(client_for(users[Role.MANAGER]), year, "not-a-uuid", ["A point."])
    assert response.status_code == 200
    assert "The form has expired: issue the report again" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_the_draft_lists_the_issued_versions_newest_first(client_for, users, year, lea):
    older = ReportRunFactory(
        kind=ReportKind.LEA_EVALUATION, programme_year=year, school=None, term="", version=1
    )
    newer = ReportRunFactory(
        kind=ReportKind.LEA_EVALUATION, programme_year=year, school=None, term="", version=2
    )
    other_year = ProgrammeYearFactory(local_authority=lea, name="2003-04")
    ReportRunFactory(
        kind=ReportKind.LEA_EVALUATION, programme_year=other_year, school=None, term=""
    )
    response = client_for(users[Role.MANAGER]).get(draft_url(year))
    assert list(response.context["earlier_runs"]) == [newer, older]
    assert reverse("reports:run_detail", args=[newer.pk]) in response.content.decode()


@pytest.mark.parametrize("extra", [0, 6])
def test_the_draft_takes_a_fixed_number_of_queries(
    client_for, users, year, extra, django_assert_max_num_queries
):
    _grow(year, extra)
    client = client_for(users[Role.MANAGER])
    with django_assert_max_num_queries(24):
        assert client.get(draft_url(year)).status_code == 200


def test_the_thresholds_page_shows_the_defaults(client_for, users, year):
    response = client_for(users[Role.MANAGER]).get(thresholds_url(year))
    assert response.status_code == 200
    assert response.context["form"].initial["plans_quantified_min_percent"] == Decimal("80")


def test_thresholds_out_of_range_are_shown_next_to_their_fields(client_for, users, year):
    data = {
        "plans_quantified_min_percent": "150",
        "days_delivered_min_percent": "ninety",
        "grants_accounted_min_percent": "100",
        "training_attendance_min_percent": "90",
        "targets_lowered_max": "-1",
        "support_rating_min": "6",
    }
    response = client_for(users[Role.MANAGER]).post(thresholds_url(year), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["plans_quantified_min_percent"] == [
        "The share of plans with quantified success criteria must be 100 or less"
    ]
    assert errors["days_delivered_min_percent"] == [
        "The share of funded days delivered must be a number, such as 80 or 92.5"
    ]
    assert errors["targets_lowered_max"] == ["The number of schools must be 0 or more"]
    assert errors["support_rating_min"] == ["The rating must be 5 or less"]
    html = response.content.decode()
    # Each message sits in its field's form group, between the label and the input.
    group = html[html.index('id="div_id_plans_quantified_min_percent"') :]
    group = group[: group.index("</div>")]
    assert "govuk-form-group--error" in group
    assert 'class="govuk-error-message"' in group
    assert "The share of plans with quantified success criteria must be 100 or less" in group
    # Nothing is saved: the year keeps Ofsted's defaults, which are not stored until set.
    assert not EvaluationThresholds.objects.filter(programme_year=year).exists()


def test_saving_thresholds_records_who_and_returns_to_the_draft(client_for, users, year):
    manager = users[Role.MANAGER]
    client = client_for(manager)
    data = {
        "plans_quantified_min_percent": "0",
        "days_delivered_min_percent": "0",
        "grants_accounted_min_percent": "0",
        "training_attendance_min_percent": "0",
        "targets_lowered_max": "5",
        "support_rating_min": "1",
    }
    response = client.post(thresholds_url(year), data, follow=True)
    assert response.redirect_chain == [(draft_url(year), 302)]
    thresholds = EvaluationThresholds.objects.get(programme_year=year)
    assert thresholds.updated_by == manager
    assert thresholds.plans_quantified_min_percent == 0
    html = response.content.decode()
    assert "The thresholds for 2004-05 are saved" in html
    # No threshold is crossed now: nothing is suggested.
    assert "Ensure that all action plans" not in html
    assert response.context["point_sources"] == []
