"""The log of who opened a school's confidential performance data (issue 8, item 7): each page
that shows it writes one row (one per LEA for a page of many schools), and never more."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools.factories import SchoolFactory
from schools.models import PerformanceDataView, PerformancePage
from schools.services import record_performance_view, record_performance_views

pytestmark = pytest.mark.django_db


def _log():
    return list(
        PerformanceDataView.objects.order_by("pk").values_list(
            "user", "page", "school", "local_authority"
        )
    )


def test_recording_a_view_of_a_school_takes_its_lea(users, school):
    view = record_performance_view(
        users[Role.GOVERNOR], school=school, page=PerformancePage.SCHOOL_DETAIL
    )
    assert view.local_authority_id == school.local_authority_id
    assert view.viewed_at is not None


def test_recording_a_page_of_many_schools_writes_one_row_per_lea_in_one_insert(
    users, lea, other_lea, django_assert_num_queries
):
    with django_assert_num_queries(1):
        record_performance_views(
            users[Role.ADMIN],
            local_authority_ids=[lea.pk, other_lea.pk, lea.pk, None],
            page=PerformancePage.SCHOOL_LIST,
        )
    assert sorted(lea_id for *_rest, lea_id in _log()) == sorted([lea.pk, other_lea.pk])


def test_the_school_page_logs_who_opened_it(users, school, client_for):
    governor = users[Role.GOVERNOR]
    assert client_for(governor).get(reverse("schools:detail", args=[school.urn])).status_code == 200
    assert _log() == [
        (governor.pk, PerformancePage.SCHOOL_DETAIL, school.pk, school.local_authority_id)
    ]


def test_a_school_out_of_scope_is_not_found_and_not_logged(users, foreign_school, client_for):
    response = client_for(users[Role.MANAGER]).get(
        reverse("schools:detail", args=[foreign_school.urn])
    )
    assert response.status_code == 404
    assert _log() == []


def test_the_school_list_and_its_download_log_each_lea_shown(
    users, school, foreign_school, client_for
):
    admin = users[Role.ADMIN]
    client_for(admin).get(reverse("schools:list"))
    client_for(users[Role.MANAGER]).get(reverse("schools:list_csv"))

    assert sorted(_log()) == sorted(
        [
            (admin.pk, PerformancePage.SCHOOL_LIST, None, school.local_authority_id),
            (admin.pk, PerformancePage.SCHOOL_LIST, None, foreign_school.local_authority_id),
            (
                users[Role.MANAGER].pk,
                PerformancePage.SCHOOL_EXPORT,
                None,
                school.local_authority_id,
            ),
        ]
    )


def test_the_selection_page_logs_one_row_for_the_lea_however_many_schools(users, lea, client_for):
    SchoolFactory.create_batch(30, local_authority=lea)
    year = ProgrammeYearFactory(local_authority=lea)
    manager = users[Role.MANAGER]

    response = client_for(manager).get(reverse("leadership:selection", args=[year.pk]))

    assert response.status_code == 200
    assert _log() == [(manager.pk, PerformancePage.SELECTION, None, lea.pk)]


def test_the_judgement_page_logs_its_reading_not_its_saving(users, school, client_for):
    participation = ParticipationFactory(
        school=school, programme_year__local_authority=school.local_authority
    )
    url = reverse("leadership:participation_judgement", args=[participation.pk])
    client = client_for(users[Role.MANAGER])

    client.get(url)
    client.post(url, {"ofsted_kind": "", "is_not_yet_progressing": "on"})

    assert _log() == [
        (
            users[Role.MANAGER].pk,
            PerformancePage.PARTICIPATION_JUDGEMENT,
            school.pk,
            school.local_authority_id,
        )
    ]


def test_the_api_logs_a_school_read_and_a_page_of_schools(users, school, sibling_school):
    manager = users[Role.MANAGER]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=manager).key}")

    assert client.get(reverse("api:school-detail", args=[school.urn])).status_code == 200
    assert client.get(reverse("api:school-list")).status_code == 200

    assert _log() == [
        (manager.pk, PerformancePage.API_SCHOOL, school.pk, school.local_authority_id),
        (manager.pk, PerformancePage.API_SCHOOL_LIST, None, school.local_authority_id),
    ]


def test_only_the_leas_manager_and_admins_may_read_the_log(users, foreign_users, school):
    record_performance_view(users[Role.GOVERNOR], school=school, page=PerformancePage.SCHOOL_DETAIL)

    assert PerformanceDataView.objects.visible_to(users[Role.MANAGER]).count() == 1
    assert PerformanceDataView.objects.visible_to(users[Role.ADMIN]).count() == 1
    assert PerformanceDataView.objects.visible_to(foreign_users[Role.MANAGER]).count() == 0
    for role in (Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR):
        assert PerformanceDataView.objects.visible_to(users[role]).count() == 0
