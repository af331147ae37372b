"""The Django admin of the reports: every model registered and every page working for an
administrator; an issued report, its batch, its access log and the notifications shown but
never changed; thresholds and preferences edited."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from accounts.models import Role
from consultants.factories import AdviserFactory
from leadership.factories import ProgrammeYearFactory
from reports.factories import (
    EvaluationThresholdsFactory,
    NotificationFactory,
    ReportBatchFactory,
    ReportRunFactory,
)
from reports.models import (
    EvaluationThresholds,
    Notification,
    NotificationPreference,
    ReportAccess,
    ReportBatch,
    ReportKind,
    ReportRun,
)
from reports.tests.test_runs_views import done_run

pytestmark = pytest.mark.django_db

#: Models whose admin shows rows but neither adds nor changes them.
READ_ONLY = (ReportRun, ReportBatch, ReportAccess, Notification)


@pytest.fixture
def signed_in_admin(client_for, admin_user):
    return client_for(admin_user)


@pytest.fixture
def records(users, lea, school):
    year = ProgrammeYearFactory(local_authority=lea)
    batch = ReportBatchFactory(programme_year=year, requested_by=users[Role.MANAGER])
    run = done_run(programme_year=year, school=school, batch=batch, title="Millfield autumn")
    return {
        ReportRun: run,
        ReportBatch: batch,
        ReportAccess: ReportAccess.objects.create(
            run=run, user=users[Role.GOVERNOR], format=ReportAccess.Format.PDF
        ),
        EvaluationThresholds: EvaluationThresholdsFactory(programme_year=year),
        Notification: NotificationFactory(user=users[Role.GOVERNOR], run=run),
        NotificationPreference: NotificationPreference.objects.create(user=users[Role.GOVERNOR]),
    }


def _url(model, action, *args):
    return reverse(f"admin:reports_{model._meta.model_name}_{action}", args=args)


def test_every_reports_model_is_registered():
    assert set(apps.get_app_config("reports").get_models()) <= set(admin.site._registry)


@pytest.mark.parametrize(
    "model",
    [*READ_ONLY, EvaluationThresholds, NotificationPreference],
    ids=lambda model: model.__name__,
)
def test_every_page_of_each_model_loads_for_an_administrator(model, signed_in_admin, records):
    obj = records[model]

    changelist = signed_in_admin.get(_url(model, "changelist"))
    change = signed_in_admin.get(_url(model, "change", obj.pk))
    add = signed_in_admin.get(_url(model, "add"))

    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 1
    assert change.status_code == 200
    assert add.status_code == (403 if model in READ_ONLY else 200)
    assert change.context["has_change_permission"] is (model not in READ_ONLY)


def test_an_issued_report_cannot_be_changed_or_deleted_in_the_admin(signed_in_admin, records):
    run = records[ReportRun]

    changed = signed_in_admin.post(_url(ReportRun, "change", run.pk), {"title": "Rewritten"})
    deleted = signed_in_admin.post(_url(ReportRun, "delete", run.pk), {"post": "yes"})

    run.refresh_from_db()
    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert run.title == "Millfield autumn"


def test_runs_are_filtered_by_kind_status_and_lea_and_searched_by_school(
    signed_in_admin, records, other_lea
):
    done_run(
        programme_year=ProgrammeYearFactory(local_authority=other_lea),
        kind=ReportKind.PSCL_CASELOAD,
        school=None,
        term="",
        adviser=AdviserFactory(local_authority=other_lea),
    )
    ReportRunFactory(programme_year=records[ReportRun].programme_year)
    run = records[ReportRun]

    response = signed_in_admin.get(
        _url(ReportRun, "changelist"),
        {
            "q": "Millfield",
            "kind__exact": ReportKind.GOVERNOR,
            "status__exact": "DONE",
            "local_authority__id__exact": run.local_authority_id,
        },
    )

    assert [row.pk for row in response.context["cl"].result_list] == [run.pk]


def test_saving_thresholds_records_who_changed_them(signed_in_admin, records, admin_user):
    thresholds = records[EvaluationThresholds]
    page = signed_in_admin.get(_url(EvaluationThresholds, "change", thresholds.pk))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["targets_lowered_max"] = 2

    response = signed_in_admin.post(_url(EvaluationThresholds, "change", thresholds.pk), data)

    thresholds.refresh_from_db()
    assert response.status_code == 302
    assert (thresholds.targets_lowered_max, thresholds.updated_by) == (2, admin_user)


def test_the_admin_is_refused_to_a_manager(client_for, users, records):
    response = client_for(users[Role.MANAGER]).get(_url(ReportRun, "changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
