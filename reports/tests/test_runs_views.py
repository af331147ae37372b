"""The pages of report runs (issue 6, items 1 and 8): the list of reports each role sees, a
run's page while it waits and once it is done, the PDF download and its log, and the forms that
ask for reports, with their idempotency key."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role
from consultants.factories import AdviserFactory
from consultants.models import AdviserKind, Term
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from reports.factories import ReportRunFactory
from reports.models import ReportAccess, ReportKind, ReportRun, RunStatus
from reports.panels import reports_school_section
from schools.factories import SchoolFactory
from tests.actors import allocate

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n% a report\n%%EOF\n"


def done_run(*, title="Autumn term 2004 progress report", data_read_at=None, **kwargs):
    """A run as `run_generate` leaves it: done, with its title, body, PDF and read time."""
    run = ReportRunFactory(**kwargs)
    run.pdf.save("millfield-autumn-2004.pdf", ContentFile(PDF_BYTES), save=False)
    run.status = RunStatus.DONE
    run.title = title
    run.html = f"<p class='govuk-body'>The body of {title}.</p>"
    run.data_read_at = data_read_at or timezone.now()
    run.finished_at = run.data_read_at
    run.save()
    return run


def failed_run(*, error="ValueError: no plan", **kwargs):
    run = ReportRunFactory(**kwargs)
    run.status = RunStatus.FAILED
    run.error = error
    run.save()
    return run


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def place(year, school):
    return ParticipationFactory(programme_year=year, school=school)


def _row_titles(html):
    return re.findall(
        r'<th scope="row" class="govuk-table__header">\s*<a[^>]*>(.*?)</a>', html, re.S
    )


# The list ---------------------------------------------------------------------------------


def test_a_governor_sees_their_schools_issued_reports_by_term_newest_first(
    client_for, users, year, school, sibling_school
):
    autumn = done_run(programme_year=year, school=school, title="Autumn report")
    spring_v1 = done_run(
        programme_year=year,
        school=school,
        term=Term.SPRING,
        title="Spring report",
        data_read_at=timezone.now() - datetime.timedelta(days=2),
    )
    spring_v2 = done_run(
        programme_year=year, school=school, term=Term.SPRING, title="Spring report", version=2
    )
    queued = ReportRunFactory(programme_year=year, school=school, term=Term.SUMMER)  # not issued
    done_run(programme_year=year, school=sibling_school, title="Oakwood report")

    response = client_for(users[Role.GOVERNOR]).get(reverse("reports:run_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert [group.heading for group in response.context["groups"]] == [
        "Spring term 2004-05",
        "Autumn term 2004-05",
    ]
    assert [[run.pk for run in group.runs] for group in response.context["groups"]] == [
        [spring_v2.pk, spring_v1.pk],
        [autumn.pk],
    ]
    assert "Oakwood report" not in html
    assert reverse("reports:run_pdf", args=[autumn.pk]) in html
    # Not "Summer" alone: a made-up user may be called Summers.
    assert "Summer term" not in html
    assert reverse("reports:run_detail", args=[queued.pk]) not in html


def test_the_lists_of_issued_reports_leave_the_reports_html_in_the_database(
    client_for, users, year, school
):
    for number, term in enumerate((Term.AUTUMN, Term.SPRING, Term.SUMMER)):
        done_run(programme_year=year, school=school, term=term, title=f"Report {number}")

    governor_client, manager_client = (
        client_for(users[Role.GOVERNOR]),
        client_for(users[Role.MANAGER]),
    )
    with CaptureQueriesContext(connection) as captured:
        governor = governor_client.get(reverse("reports:run_list"))
        manager = manager_client.get(reverse("schools:detail", args=[school.urn]))

    assert governor.status_code == manager.status_code == 200
    assert governor.content.decode().count("Report ") >= 3
    assert "Report 2" in manager.content.decode()
    run_reads = [
        q["sql"] for q in captured.captured_queries if 'FROM "reports_reportrun"' in q["sql"]
    ]
    assert len(run_reads) == 2
    assert not any('"reports_reportrun"."html"' in sql for sql in run_reads)


def test_a_governor_with_no_report_yet_is_told_so(client_for, users):
    response = client_for(users[Role.GOVERNOR]).get(reverse("reports:run_list"))

    assert "No report has been issued for your school yet" in response.content.decode()


def test_a_manager_sees_every_run_of_the_lea_with_its_status_and_ways_to_ask(
    client_for, users, year, school, foreign_school
):
    done = done_run(programme_year=year, school=school, title="Millfield autumn")
    failed = failed_run(programme_year=year, school=school)
    queued = ReportRunFactory(programme_year=year, school=school, term=Term.SPRING)
    foreign = done_run(
        programme_year=ProgrammeYearFactory(local_authority=foreign_school.local_authority),
        school=foreign_school,
    )

    response = client_for(users[Role.MANAGER]).get(reverse("reports:run_list"))

    html = response.content.decode()
    assert {run.pk for run in response.context["runs"]} == {done.pk, failed.pk, queued.pk}
    assert foreign.pk not in {run.pk for run in response.context["runs"]}
    assert "govuk-tag--red" in html and "govuk-tag--grey" in html
    assert reverse("reports:request_governor") in html
    assert reverse("reports:batch_start") in html
    assert "status" in response.context["filter"].filters


def test_a_link_adviser_sees_only_issued_reports_and_no_status_filter(
    client_for, users, year, school
):
    done = done_run(programme_year=year, school=school)
    ReportRunFactory(programme_year=year, school=school, term=Term.SPRING)
    caseload = done_run(
        programme_year=year,
        kind=ReportKind.PSCL_CASELOAD,
        school=None,
        term="",
        adviser=AdviserFactory(local_authority=year.local_authority),
    )

    response = client_for(users[Role.LINK_ADVISER]).get(reverse("reports:run_list"))

    assert [run.pk for run in response.context["runs"]] == [done.pk]
    assert caseload.pk != done.pk
    assert "status" not in response.context["filter"].filters
    assert reverse("reports:request_governor") not in response.content.decode()


def test_the_list_filters_by_kind_year_term_and_status(client_for, users, year, school):
    autumn = done_run(programme_year=year, school=school)
    done_run(programme_year=year, school=school, term=Term.SPRING)
    failed_run(programme_year=year, school=school, term=Term.SUMMER)
    statement = done_run(
        programme_year=year, kind=ReportKind.FUNDING_STATEMENT, school=None, term=""
    )
    client = client_for(users[Role.MANAGER])

    def listed(**query):
        response = client.get(reverse("reports:run_list"), query)
        return {run.pk for run in response.context["runs"]}

    assert listed(kind=ReportKind.FUNDING_STATEMENT) == {statement.pk}
    assert listed(term=Term.AUTUMN, status=RunStatus.DONE) == {autumn.pk}
    assert len(listed(programme_year=year.pk)) == 4
    assert len(listed(status="NOT_A_STATUS")) == 4


def test_the_list_runs_as_many_queries_for_many_runs_as_for_few(
    client_for, users, year, django_assert_max_num_queries
):
    client = client_for(users[Role.MANAGER])

    def add_runs(count):
        for _ in range(count):
            school = SchoolFactory(local_authority=year.local_authority)
            done_run(programme_year=year, school=school, requested_by=users[Role.MANAGER])
            failed_run(
                programme_year=year,
                kind=ReportKind.PSCL_CASELOAD,
                school=None,
                term="",
                adviser=AdviserFactory(local_authority=year.local_authority),
            )

    add_runs(2)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:run_list")).status_code == 200
    add_runs(12)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:run_list"))
    assert len(response.context["runs"]) == 25
    assert response.context["paginator"].num_pages == 2


def test_a_governors_list_runs_as_many_queries_for_many_reports_as_for_few(
    client_for, users, year, school, django_assert_max_num_queries
):
    client = client_for(users[Role.GOVERNOR])
    done_run(programme_year=year, school=school)
    with django_assert_max_num_queries(8):
        client.get(reverse("reports:run_list"))
    for term in (Term.SPRING, Term.SUMMER):
        for version in (1, 2, 3):
            done_run(programme_year=year, school=school, term=term, version=version)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reports:run_list"))
    assert sum(len(group.runs) for group in response.context["groups"]) == 7


# A run's page ------------------------------------------------------------------------------


def test_a_done_report_shows_its_body_and_pdf_and_logs_the_reading(client_for, users, year, school):
    run = done_run(programme_year=year, school=school, requested_by=users[Role.MANAGER], version=2)
    governor = users[Role.GOVERNOR]

    response = client_for(governor).get(reverse("reports:run_detail", args=[run.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<p class='govuk-body'>The body of Autumn term 2004 progress report.</p>" in html
    assert "Data as read at" in html
    assert escape(users[Role.MANAGER].full_name) in html
    assert f'href="{reverse("reports:run_pdf", args=[run.pk])}"' in html
    assert "hx-get" not in html
    assert list(ReportAccess.objects.values_list("run", "user", "format")) == [
        (run.pk, governor.pk, ReportAccess.Format.HTML)
    ]


def test_a_waiting_run_polls_its_status_every_two_seconds_and_logs_nothing(
    client_for, users, year, school
):
    run = ReportRunFactory(programme_year=year, school=school)

    response = client_for(users[Role.MANAGER]).get(reverse("reports:run_detail", args=[run.pk]))

    html = response.content.decode()
    assert f'hx-get="{reverse("reports:run_status", args=[run.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert ReportAccess.objects.count() == 0


def test_the_status_fragment_tells_htmx_to_reload_once_the_run_has_finished(
    client_for, users, year, school
):
    run = ReportRunFactory(programme_year=year, school=school)
    client = client_for(users[Role.MANAGER])
    url = reverse("reports:run_status", args=[run.pk])

    waiting = client.get(url, headers={"HX-Request": "true"})
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    running = client.get(url, headers={"HX-Request": "true"})
    failed_run_ = failed_run(programme_year=year, school=school, term=Term.SPRING)
    finished = client.get(
        reverse("reports:run_status", args=[failed_run_.pk]), headers={"HX-Request": "true"}
    )

    assert 'hx-trigger="every 2s"' in waiting.content.decode()
    assert "HX-Refresh" not in waiting
    assert "being made" in running.content.decode()
    assert finished["HX-Refresh"] == "true"
    assert "hx-trigger" not in finished.content.decode()


def test_a_failed_run_shows_its_error_to_the_manager_but_not_to_the_pscl_who_asked(
    client_for, users, year, school
):
    pscl = users[Role.CONSULTANT]
    adviser = AdviserFactory(local_authority=year.local_authority, user=pscl)
    run = failed_run(
        programme_year=year,
        kind=ReportKind.PSCL_CASELOAD,
        school=None,
        term="",
        adviser=adviser,
        requested_by=pscl,
        error="KeyError: 'visits'",
    )
    url = reverse("reports:run_detail", args=[run.pk])

    manager_html = client_for(users[Role.MANAGER]).get(url).content.decode()
    pscl_response = client_for(pscl).get(url)

    assert "KeyError: &#x27;visits&#x27;" in manager_html
    assert pscl_response.status_code == 200
    assert "could not be made" in pscl_response.content.decode()
    assert "KeyError" not in pscl_response.content.decode()


def test_a_governor_cannot_open_a_report_that_is_not_done(client_for, users, year, school):
    run = ReportRunFactory(programme_year=year, school=school)

    response = client_for(users[Role.GOVERNOR]).get(reverse("reports:run_detail", args=[run.pk]))

    assert response.status_code == 404


# The PDF -----------------------------------------------------------------------------------


def test_the_pdf_downloads_privately_as_an_attachment_and_is_logged(
    client_for, users, year, school
):
    run = done_run(programme_year=year, school=school)
    governor = users[Role.GOVERNOR]

    response = client_for(governor).get(reverse("reports:run_pdf", args=[run.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ('attachment; filename="millfield-autumn-2004.pdf"')
    assert response["Cache-Control"] == "private, no-store"
    assert list(ReportAccess.objects.values_list("run", "user", "format")) == [
        (run.pk, governor.pk, ReportAccess.Format.PDF)
    ]


def test_the_pdf_of_a_run_not_done_is_not_found_even_for_the_manager(
    client_for, users, year, school
):
    run = ReportRunFactory(programme_year=year, school=school)

    response = client_for(users[Role.MANAGER]).get(reverse("reports:run_pdf", args=[run.pk]))

    assert response.status_code == 404
    assert ReportAccess.objects.count() == 0


def test_another_schools_pdf_is_not_found_and_not_logged(client_for, users, year, sibling_school):
    run = done_run(programme_year=year, school=sibling_school)

    response = client_for(users[Role.GOVERNOR]).get(reverse("reports:run_pdf", args=[run.pk]))

    assert response.status_code == 404
    assert ReportAccess.objects.count() == 0


# Asking for reports ------------------------------------------------------------------------


def _form_key(response):
    return response.context["form"]["idempotency_key"].value()


def test_asking_for_a_governor_report_twice_with_one_form_makes_one_run(
    client_for, users, year, school, place
):
    client = client_for(users[Role.MANAGER])
    url = reverse("reports:request_governor")
    page = client.get(url)
    data = {
        "programme_year": year.pk,
        "school": school.pk,
        "term": Term.AUTUMN,
        "idempotency_key": _form_key(page),
    }

    first = client.post(url, data)
    second = client.post(url, data)

    run = ReportRun.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("reports:run_detail", args=[run.pk])
    assert (run.kind, run.school, run.term, run.requested_by) == (
        ReportKind.GOVERNOR,
        school,
        Term.AUTUMN,
        users[Role.MANAGER],
    )
    assert run.status == RunStatus.QUEUED


def test_two_forms_make_two_versions_of_the_same_report(client_for, users, year, school, place):
    client = client_for(users[Role.MANAGER])
    url = reverse("reports:request_governor")
    for _ in range(2):
        key = _form_key(client.get(url))
        client.post(
            url,
            {
                "programme_year": year.pk,
                "school": school.pk,
                "term": Term.AUTUMN,
                "idempotency_key": key,
            },
        )

    assert sorted(ReportRun.objects.values_list("version", flat=True)) == [1, 2]


def test_a_school_without_a_place_that_year_is_refused_next_to_the_school(
    client_for, users, lea, year, sibling_school
):
    earlier = ProgrammeYearFactory(
        local_authority=lea,
        name="2003-04",
        starts_on=datetime.date(2003, 9, 1),
        ends_on=datetime.date(2004, 7, 31),
    )
    ParticipationFactory(programme_year=earlier, school=sibling_school)
    client = client_for(users[Role.MANAGER])
    url = reverse("reports:request_governor")
    key = _form_key(client.get(url))

    response = client.post(
        url,
        {
            "programme_year": year.pk,
            "school": sibling_school.pk,
            "term": Term.AUTUMN,
            "idempotency_key": key,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["school"] == [
        "Oakwood Primary School has no place in the programme in 2004-05."
    ]
    assert "Error: Ask for a governor progress report" in response.content.decode()
    assert ReportRun.objects.count() == 0


def test_the_governor_form_offers_only_the_schools_with_a_place_and_takes_one_from_the_page(
    client_for, users, year, school, sibling_school, place
):
    ParticipationFactory(
        programme_year=year,
        school=sibling_school,
        status=ParticipationStatus.DECLINED,
    )
    response = client_for(users[Role.MANAGER]).get(
        reverse("reports:request_governor"), {"school": school.urn}
    )

    form = response.context["form"]
    assert list(form.fields["school"].queryset) == [school]
    assert form["school"].value() == school.pk


def test_a_form_without_its_key_is_refused(client_for, users, year, school, place):
    response = client_for(users[Role.MANAGER]).post(
        reverse("reports:request_governor"),
        {"programme_year": year.pk, "school": school.pk, "term": Term.AUTUMN},
    )

    assert response.context["form"].errors["idempotency_key"] == [
        "The form has expired: send it again"
    ]
    assert ReportRun.objects.count() == 0


def test_a_pscl_asks_for_their_own_caseload_only(client_for, users, year, school):
    pscl = users[Role.CONSULTANT]
    own = allocate(pscl, school).adviser
    other = AdviserFactory(local_authority=year.local_authority, kind=AdviserKind.PSCL)
    client = client_for(pscl)
    url = reverse("reports:request_caseload")
    page = client.get(url)

    response = client.post(
        url,
        {"programme_year": year.pk, "adviser": other.pk, "idempotency_key": _form_key(page)},
    )

    run = ReportRun.objects.get()
    assert "adviser" not in page.context["form"].fields
    assert response.url == reverse("reports:run_detail", args=[run.pk])
    assert (run.kind, run.adviser, run.requested_by) == (ReportKind.PSCL_CASELOAD, own, pscl)
    assert client.get(response.url).status_code == 200


def test_a_manager_asks_for_every_pscls_caseload_and_a_funding_statement(client_for, users, year):
    client = client_for(users[Role.MANAGER])
    for name in ("request_caseload", "request_statement"):
        url = reverse(f"reports:{name}")
        key = _form_key(client.get(url))
        assert (
            client.post(url, {"programme_year": year.pk, "idempotency_key": key}).status_code == 302
        )

    assert sorted(ReportRun.objects.values_list("kind", "adviser")) == [
        (ReportKind.FUNDING_STATEMENT, None),
        (ReportKind.PSCL_CASELOAD, None),
    ]


def test_a_pscl_without_an_adviser_profile_may_not_ask_for_a_caseload(client_for, users):
    response = client_for(users[Role.CONSULTANT]).get(reverse("reports:request_caseload"))

    assert response.status_code == 403


# The school page's section -----------------------------------------------------------------


def test_the_school_section_lists_the_readers_reports_and_offers_managers_a_request(
    rf, users, year, school
):
    run = done_run(programme_year=year, school=school, title="Millfield autumn report")

    def section(role):
        request = rf.get("/")
        request.user = users[role]
        return reports_school_section(request, school)

    governor_html = section(Role.GOVERNOR)
    manager_html = section(Role.MANAGER)

    assert "Millfield autumn report" in governor_html
    assert reverse("reports:run_pdf", args=[run.pk]) in governor_html
    assert reverse("reports:request_governor") not in governor_html
    assert f"{reverse('reports:request_governor')}?school={school.urn}" in manager_html


def test_the_school_section_is_left_out_for_a_reader_with_nothing_to_read(rf, users, school):
    request = rf.get("/")
    request.user = users[Role.LINK_ADVISER]

    assert reports_school_section(request, school) is None


def test_the_school_page_shows_the_section_with_the_governors_reports(
    client_for, users, year, school, monkeypatch
):
    # As `ReportsConfig.ready()` registers it, without depending on the registration order.
    monkeypatch.setattr("schools.panels._sections", [reports_school_section])
    run = done_run(programme_year=year, school=school, title="Millfield autumn report")

    html = (
        client_for(users[Role.GOVERNOR])
        .get(reverse("schools:detail", args=[school.urn]))
        .content.decode()
    )

    assert "Governor progress reports" in html
    assert reverse("reports:run_detail", args=[run.pk]) in html
