"""The audit pages: who may open them, what each LEA's manager sees, the filters, the diff, and
a fixed number of queries whatever the number of records."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.selectors import TRACKED
from consultants.factories import VisitFactory
from consultants.models import VisitStatus
from leadership.factories import ParticipationFactory
from leadership.models import ActionPlan, OfstedKind, PlanPriority
from leadership.services.plans import plan_priority_delete
from reports.factories import ReportRunFactory
from reports.models import ReportAccess
from schools.factories import SchoolFactory
from schools.models import PerformanceDataView, PerformancePage

from .records import acting_as, every_kind

pytestmark = pytest.mark.django_db

CHANGES = reverse("audit:changes")
VIEWS = reverse("audit:views")
HOME = reverse("audit:home")


def _kinds(response):
    return {row.kind_label for row in response.context["rows"]}


# Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [HOME, CHANGES, VIEWS, reverse("audit:changes_csv")])
def test_an_anonymous_visitor_is_sent_to_sign_in(url, client_for):
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


@pytest.mark.parametrize(
    "role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]
)
@pytest.mark.parametrize("url", [HOME, CHANGES, VIEWS, reverse("audit:views_csv")])
def test_only_managers_and_admins_may_read_the_audit(role, url, users, client_for):
    assert client_for(users[role]).get(url).status_code == 403
    assert client_for(users[Role.MANAGER]).get(url).status_code == 200
    assert client_for(users[Role.ADMIN]).get(url).status_code == 200


def test_the_managers_home_page_links_to_the_audit(users, client_for):
    response = client_for(users[Role.MANAGER]).get(reverse("home"))
    assert f'href="{HOME}"'.encode() in response.content


# Change history ----------------------------------------------------------------------------


def test_a_manager_sees_every_kind_of_change_of_their_lea_and_none_of_another(
    users, school, foreign_school, client_for
):
    with acting_as(users[Role.MANAGER]):
        every_kind(school)
    every_kind(foreign_school)

    response = client_for(users[Role.MANAGER]).get(CHANGES)

    rows = response.context["rows"]
    assert _kinds(response) == {tracked.label for tracked in TRACKED}
    assert {row.school for row in rows} == {school}
    assert {row.who for row in rows} == {users[Role.MANAGER].full_name}
    admin_rows = client_for(users[Role.ADMIN]).get(CHANGES).context["rows"]
    assert {row.school for row in admin_rows} == {school, foreign_school}


def test_a_change_shows_the_fields_changed_with_old_and_new_values(users, school, client_for):
    records = every_kind(school)
    participation = records["participation"]
    with acting_as(users[Role.MANAGER]):
        participation.ofsted_kind = OfstedKind.NEW_HEADTEACHER
        participation.is_not_yet_progressing = True
        participation.save()

    response = client_for(users[Role.MANAGER]).get(CHANGES, {"kind": "participation"})

    newest = response.context["rows"][0]
    assert newest.history_type == "~"
    assert newest.who == users[Role.MANAGER].full_name
    assert {(c.label, c.old, c.new) for c in newest.changes} == {
        ("Ofsted kind of school", "(none)", OfstedKind.NEW_HEADTEACHER.label),
        ("Not yet making the progress it is capable of", "No", "Yes"),
    }
    assert newest.url == reverse("leadership:participation_detail", args=[participation.pk])
    assert "→" in response.content.decode()


def test_deleted_records_stay_in_their_leas_history_after_their_parent_is_gone(
    users, school, client_for
):
    records = every_kind(school)
    with acting_as(users[Role.MANAGER]):
        plan_priority_delete(priority=records["plan_priority"])
    assert not PlanPriority.objects.exists()

    response = client_for(users[Role.MANAGER]).get(CHANGES, {"kind": "success_criterion"})

    deleted = [row for row in response.context["rows"] if row.history_type == "-"]
    assert len(deleted) == 1
    assert deleted[0].school == school
    assert deleted[0].who == users[Role.MANAGER].full_name


def test_a_pscls_draft_values_are_withheld_from_the_manager_but_not_the_admin(
    users, school, client_for
):
    records = every_kind(school)
    draft = VisitFactory(allocation=records["allocation"], status=VisitStatus.DRAFT)
    draft.notes = "Private thoughts on the head's leadership."
    draft.save()

    manager_rows = client_for(users[Role.MANAGER]).get(CHANGES, {"kind": "visit"})
    admin_rows = client_for(users[Role.ADMIN]).get(CHANGES, {"kind": "visit"})

    assert b"Private thoughts" not in manager_rows.content
    assert manager_rows.context["rows"][0].is_withheld
    assert manager_rows.context["rows"][0].url == ""
    assert b"Private thoughts" in admin_rows.content


def test_the_filters_narrow_the_changes(users, school, sibling_school, client_for):
    with acting_as(users[Role.MANAGER]):
        every_kind(school)
    with acting_as(users[Role.ADMIN]):
        every_kind(sibling_school)
    client = client_for(users[Role.MANAGER])

    by_school = client.get(CHANGES, {"school": sibling_school.urn}).context["rows"]
    by_person = client.get(CHANGES, {"person": users[Role.ADMIN].email}).context["rows"]
    by_kind = client.get(CHANGES, {"kind": "grant"}).context["rows"]
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    future = client.get(
        CHANGES, {"date_from_0": tomorrow.day, "date_from_1": tomorrow.month,
                  "date_from_2": tomorrow.year},
    ).context["rows"]  # fmt: skip

    assert by_school and {row.school for row in by_school} == {sibling_school}
    assert by_person and {row.school for row in by_person} == {sibling_school}
    assert {row.kind_label for row in by_kind} == {"Grant"} and len(by_kind) == 2
    assert future == []


def test_another_leas_school_in_the_filter_shows_nothing_and_says_why(
    users, school, foreign_school, client_for
):
    every_kind(foreign_school)

    response = client_for(users[Role.MANAGER]).get(CHANGES, {"school": foreign_school.urn})

    assert response.context["rows"] == []
    assert "There is no school with this URN in your LEA" in response.content.decode()


def test_the_change_history_downloads_with_the_filters(users, school, client_for):
    every_kind(school)

    response = client_for(users[Role.MANAGER]).get(
        reverse("audit:changes_csv"), {"kind": "plan_priority"}
    )

    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("When,Who,Kind,Record,School")
    assert len(lines) == 2 and "Plan priority" in lines[1]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_the_change_history_runs_the_same_queries_for_few_or_many_records(
    role, users, lea, client_for, django_assert_max_num_queries
):
    client = client_for(users[role])
    every_kind(SchoolFactory(local_authority=lea))
    with django_assert_max_num_queries(45) as few:
        assert client.get(CHANGES).status_code == 200

    for _ in range(4):
        every_kind(SchoolFactory(local_authority=lea))
    for plan in ActionPlan.objects.all():
        plan.summary = "Raise KS2 maths."
        plan.save()
    with django_assert_max_num_queries(45) as many:
        response = client.get(CHANGES, {"page": 2})
        assert response.status_code == 200

    assert response.context["page_obj"].paginator.count > 50
    assert len(many.captured_queries) <= len(few.captured_queries) + 2


# Who viewed what ---------------------------------------------------------------------------


def test_who_viewed_what_lists_the_leas_page_views_and_report_readings(
    users, school, foreign_school, client_for
):
    PerformanceDataView.objects.create(
        user=users[Role.HEADTEACHER], school=school, local_authority=school.local_authority,
        page=PerformancePage.SCHOOL_DETAIL,
    )  # fmt: skip
    PerformanceDataView.objects.create(
        user=users[Role.ADMIN], school=foreign_school,
        local_authority=foreign_school.local_authority, page=PerformancePage.SCHOOL_DETAIL,
    )  # fmt: skip
    run = ReportRunFactory(programme_year__local_authority=school.local_authority, school=school)
    ReportAccess.objects.create(run=run, user=users[Role.GOVERNOR], format="PDF")

    response = client_for(users[Role.MANAGER]).get(VIEWS)

    rows = response.context["rows"]
    assert [(row.who, row.how) for row in rows] == [
        (users[Role.GOVERNOR].full_name, "Downloaded as PDF"),
        (users[Role.HEADTEACHER].full_name, "Opened"),
    ]
    by_person = client_for(users[Role.MANAGER]).get(VIEWS, {"person": users[Role.GOVERNOR].email})
    assert len(by_person.context["rows"]) == 1


def test_who_viewed_what_runs_the_same_queries_for_few_or_many_readings(
    users, school, client_for, django_assert_max_num_queries
):
    client = client_for(users[Role.MANAGER])

    def views(count):
        PerformanceDataView.objects.bulk_create(
            PerformanceDataView(
                user=users[Role.HEADTEACHER], school=school,
                local_authority=school.local_authority, page=PerformancePage.SCHOOL_DETAIL,
            )
            for _ in range(count)
        )  # fmt: skip

    views(3)
    with django_assert_max_num_queries(12) as few:
        assert client.get(VIEWS).status_code == 200
    views(120)
    with django_assert_max_num_queries(12) as many:
        response = client.get(VIEWS, {"page": 2})
    assert len(response.context["rows"]) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_participations_of_another_lea_never_appear_whatever_the_filters(
    users, other_lea, client_for
):
    ParticipationFactory(school=SchoolFactory(local_authority=other_lea))
    response = client_for(users[Role.MANAGER]).get(CHANGES, {"kind": "participation"})
    assert response.context["rows"] == []
