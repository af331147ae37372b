"""The pages of batches of governor reports (issue 6, item 5): a manager starts the term's
reports for every active school, watches the progress bar until every run has finished, and
follows each school's report from the batch."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from consultants.models import Term
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from reports.factories import ReportBatchFactory, ReportRunFactory
from reports.models import ReportBatch, ReportRun, RunStatus
from reports.tests.test_runs_views import done_run, failed_run
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def active_schools(year, school, sibling_school):
    """Millfield and Oakwood are active this year; a third school declined its place."""
    for each in (school, sibling_school):
        ParticipationFactory(programme_year=year, school=each)
    ParticipationFactory(
        programme_year=year,
        school=SchoolFactory(local_authority=year.local_authority, name="Upton Primary School"),
        status=ParticipationStatus.DECLINED,
    )
    return [school, sibling_school]


def _start_data(client, year, term=Term.AUTUMN):
    page = client.get(reverse("reports:batch_start"))
    return {
        "programme_year": year.pk,
        "term": term,
        "idempotency_key": page.context["form"]["idempotency_key"].value(),
    }


def _progress_value(html):
    return re.search(r'<progress id="batch-progress-bar"[^>]*value="(\d+)"', html).group(1)


def test_a_manager_starts_the_terms_reports_for_every_active_school_once(
    client_for, users, year, active_schools
):
    client = client_for(users[Role.MANAGER])
    data = _start_data(client, year)

    first = client.post(reverse("reports:batch_start"), data)
    second = client.post(reverse("reports:batch_start"), data)

    batch = ReportBatch.objects.get()
    assert first.url == second.url == reverse("reports:batch_detail", args=[batch.pk])
    assert (batch.term, batch.total, batch.requested_by) == (
        Term.AUTUMN,
        2,
        users[Role.MANAGER],
    )
    assert sorted(batch.runs.values_list("school__name", "status")) == [
        ("Millfield Primary School", RunStatus.QUEUED),
        ("Oakwood Primary School", RunStatus.QUEUED),
    ]


def test_a_year_with_no_active_school_is_refused_with_the_reason(client_for, users, year):
    client = client_for(users[Role.MANAGER])

    response = client.post(reverse("reports:batch_start"), _start_data(client, year))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "No school is active in 2004-05: there is no governor report to make."
    ]
    assert ReportBatch.objects.count() == 0


def test_a_batch_in_progress_polls_its_progress_and_lists_its_runs(
    client_for, users, year, school, sibling_school
):
    batch = ReportBatchFactory(programme_year=year, total=4)
    done = done_run(programme_year=year, school=school, batch=batch)
    failed_run(programme_year=year, school=sibling_school, batch=batch, error="KeyError: 'x'")
    for _ in range(2):
        ReportRunFactory(programme_year=year, batch=batch)

    response = client_for(users[Role.MANAGER]).get(reverse("reports:batch_detail", args=[batch.pk]))

    html = response.content.decode()
    assert _progress_value(html) == "50"
    assert f'hx-get="{reverse("reports:batch_progress", args=[batch.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert "2 of 4 reports finished: 1 done, 1 failed, 0 running, 2 queued." in html
    assert reverse("reports:run_detail", args=[done.pk]) in html
    assert "KeyError" in html
    assert " style=" not in html


def test_a_finished_batch_shows_all_done_and_stops_polling(
    client_for, users, year, school, sibling_school
):
    batch = ReportBatchFactory(programme_year=year, total=2)
    for each in (school, sibling_school):
        done_run(programme_year=year, school=each, batch=batch)

    response = client_for(users[Role.MANAGER]).get(
        reverse("reports:batch_progress", args=[batch.pk]), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert _progress_value(html) == "100"
    assert "All 2 reports finished: 2 done, 0 failed." in html
    assert "hx-trigger" not in html
    assert "<html" not in html


def test_a_batch_page_runs_as_many_queries_for_many_schools_as_for_few(
    client_for, users, year, django_assert_max_num_queries
):
    batch = ReportBatchFactory(programme_year=year)
    client = client_for(users[Role.MANAGER])
    url = reverse("reports:batch_detail", args=[batch.pk])

    def add_runs(count):
        for _ in range(count):
            school = SchoolFactory(local_authority=year.local_authority)
            done_run(programme_year=year, school=school, batch=batch)
            ReportRunFactory(programme_year=year, batch=batch, term=Term.SPRING)
        ReportBatch.objects.filter(pk=batch.pk).update(total=batch.runs.count())

    add_runs(2)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    add_runs(15)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(response.context["runs"]) == 34


def test_the_batch_list_counts_each_batchs_runs_in_bounded_queries(
    client_for, users, year, django_assert_max_num_queries
):
    client = client_for(users[Role.MANAGER])

    def add_batch():
        batch = ReportBatchFactory(programme_year=year, total=2)
        done_run(programme_year=year, batch=batch)
        failed_run(programme_year=year, batch=batch)
        return batch

    add_batch()
    with django_assert_max_num_queries(10):
        client.get(reverse("reports:batch_list"))
    for _ in range(5):
        add_batch()
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reports:batch_list"))
    batches = list(response.context["batches"])
    assert len(batches) == 6
    assert {(b.done_count, b.failed_count) for b in batches} == {(1, 1)}


def test_another_leas_batch_is_not_found_and_a_governor_is_refused(
    client_for, users, foreign_users, year
):
    batch = ReportBatchFactory(programme_year=year)
    url = reverse("reports:batch_detail", args=[batch.pk])

    assert client_for(foreign_users[Role.MANAGER]).get(url).status_code == 404
    assert client_for(users[Role.GOVERNOR]).get(url).status_code == 403
    assert client_for(users[Role.MANAGER]).get(url).status_code == 200


def test_a_batch_started_with_tasks_run_at_once_is_finished_when_its_page_opens(
    client_for, users, year, active_schools, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Without REDIS_URL the tasks run in the request once it commits (as in `make run`): the
    batch's page then shows every report done, each one readable."""
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users[Role.MANAGER])
    data = _start_data(client, year)

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("reports:batch_start"), data)
    page = client.get(started.url)

    html = page.content.decode()
    assert set(ReportRun.objects.values_list("status", flat=True)) == {RunStatus.DONE}
    assert _progress_value(html) == "100"
    assert "All 2 reports finished: 2 done, 0 failed." in html
    assert "hx-trigger" not in html
