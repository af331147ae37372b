"""The import pages (issue 7, items 1 to 3): upload, check (dry run), confirm; who may use them.

Decision: GIAS files are national data that create LEAs and schools, so only admins import them;
strategy managers may import KS2 and census files, which then touch only their own LEA's
schools (the others are skipped and listed). Other roles are refused (403); an import outside
the user's scope is not found (404)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from config.celery import app as celery_app
from schools.factories import SchoolFactory
from schools.imports import base
from schools.models import ImportRecord, ImportStatus, KeyStage2Progress, School

from .data import CENSUS_SAMPLE, KS2_SAMPLE, gias_row, gias_text

pytestmark = pytest.mark.django_db


def upload(client, kind, content: bytes, name="file.csv", **data):
    return client.post(
        reverse("schools:import_upload", args=[kind]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **data},
    )


def gias_bytes(*rows):
    return gias_text(list(rows) or [gias_row()]).encode()


def test_an_admin_uploads_checks_and_confirms_a_gias_file(client_for, admin_user, settings):
    client = client_for(admin_user)

    response = upload(client, "gias", gias_bytes(), name="edubase.csv")

    checked = ImportRecord.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("schools:import_detail", args=[checked.pk])
    assert checked.status == ImportStatus.CHECKED
    assert checked.is_dry_run and checked.user == admin_user
    assert checked.file_name == "edubase.csv"
    assert checked.stored_file.startswith("imports/gias-")  # a name of ours
    assert (Path(settings.MEDIA_ROOT) / checked.stored_file).is_file()
    assert not School.objects.exists()
    page = client.get(response.url)
    assert "Would be created" in page.text
    assert "URN 100000" in page.text
    assert "The Aldgate School" in page.text

    confirmed = client.post(reverse("schools:import_confirm", args=[checked.pk]))

    record = ImportRecord.objects.exclude(pk=checked.pk).get()
    assert confirmed.url == reverse("schools:import_detail", args=[record.pk])
    assert record.status == ImportStatus.DONE and not record.is_dry_run
    assert School.objects.get().urn == 100000


def test_a_file_with_errors_needs_the_good_rows_box_ticked(client_for, admin_user):
    client = client_for(admin_user)
    upload(client, "gias", gias_bytes(gias_row(), gias_row(URN="abc")))
    checked = ImportRecord.objects.get()
    page = client.get(reverse("schools:import_detail", args=[checked.pk]))
    assert "&#x27;abc&#x27; is not a whole number" in page.text

    refused = client.post(reverse("schools:import_confirm", args=[checked.pk]))

    assert refused.status_code == 200
    assert "tick the box to import the good rows" in refused.text
    assert not School.objects.exists()

    client.post(reverse("schools:import_confirm", args=[checked.pk]), {"import_good_rows": "on"})

    assert School.objects.get().urn == 100000


def test_a_wrong_file_gets_a_clear_message(client_for, admin_user):
    client = client_for(admin_user)

    response = upload(client, "gias", b"PK\x03\x04rest of a zip", name="schools.xlsx")

    # Refused at the field, before anything is stored (tests/input/test_uploads.py).
    assert response.status_code == 200
    assert "This is an Excel (.xlsx) or zip file" in response.text
    assert response.context["form"].errors["file"]
    assert not ImportRecord.objects.exists()


def test_a_checked_file_cannot_be_confirmed_twice(client_for, admin_user):
    client = client_for(admin_user)
    upload(client, "gias", gias_bytes())
    checked = ImportRecord.objects.get()
    client.post(reverse("schools:import_confirm", args=[checked.pk]))
    done = ImportRecord.objects.exclude(pk=checked.pk).get()

    response = client.post(reverse("schools:import_confirm", args=[done.pk]))

    assert response.status_code == 403


@pytest.mark.parametrize("how", ["file deleted", "record emptied"])
def test_a_check_whose_file_is_no_longer_kept_says_so_and_cannot_be_confirmed(
    client_for, admin_user, how
):
    # The retention job (privacy) deletes old uploads and empties `stored_file`; a file may
    # also vanish from disk on its own. Either way the check stays readable, and confirming it
    # is refused rather than failing on a missing file.
    client = client_for(admin_user)
    upload(client, "gias", gias_bytes())
    checked = ImportRecord.objects.get()
    base.file_path(checked).unlink()
    if how == "record emptied":
        ImportRecord.objects.filter(pk=checked.pk).update(stored_file="")

    page = client.get(reverse("schools:import_detail", args=[checked.pk]))
    refused = client.post(reverse("schools:import_confirm", args=[checked.pk]))

    assert "no longer kept" in page.content.decode()
    assert "Import this file" not in page.content.decode()
    assert refused.status_code == 403
    assert ImportRecord.objects.count() == 1


def test_a_ks2_upload_needs_the_year(client_for, admin_user):
    response = upload(client_for(admin_user), "ks2", KS2_SAMPLE.read_bytes())

    assert response.status_code == 200
    assert "Enter the year of the tests" in response.text
    assert not ImportRecord.objects.exists()


def test_a_manager_imports_ks2_only_for_their_own_lea(client_for, users, lea, other_lea):
    own = SchoolFactory(urn=141279, local_authority=lea)
    foreign = SchoolFactory(urn=119910, local_authority=other_lea)
    client = client_for(users[Role.MANAGER])

    upload(client, "ks2", KS2_SAMPLE.read_bytes(), year="2019")
    checked = ImportRecord.objects.get()
    assert checked.local_authority == lea
    client.post(reverse("schools:import_confirm", args=[checked.pk]))

    assert KeyStage2Progress.objects.filter(school=own).exists()
    assert not KeyStage2Progress.objects.filter(school=foreign).exists()
    record = ImportRecord.objects.exclude(pk=checked.pk).get()
    assert {
        "line": 3,
        "key": "URN 119910",
        "action": "skipped",
        "changes": {},
        "reason": "not in your LEA",
    } in record.changes


def test_a_manager_may_import_census_files(client_for, users, lea):
    SchoolFactory(urn=100000, local_authority=lea, number_on_roll=10)

    response = upload(client_for(users[Role.MANAGER]), "census", CENSUS_SAMPLE.read_bytes())

    assert response.status_code == 302
    assert ImportRecord.objects.get().updated == 1


@pytest.mark.parametrize("kind", ["gias"])
def test_a_manager_may_not_import_national_gias_files(client_for, users, kind):
    client = client_for(users[Role.MANAGER])

    assert client.get(reverse("schools:import_upload", args=[kind])).status_code == 403
    assert upload(client, kind, gias_bytes()).status_code == 403
    assert not ImportRecord.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]
)
def test_other_roles_are_refused_every_import_page(client_for, users, admin_user, role):
    upload(client_for(admin_user), "gias", gias_bytes())
    record = ImportRecord.objects.get()
    client = client_for(users[role])

    assert client.get(reverse("schools:import_list")).status_code == 403
    assert client.get(reverse("schools:import_upload", args=["census"])).status_code == 403
    assert client.get(reverse("schools:import_detail", args=[record.pk])).status_code == 403
    assert client.post(reverse("schools:import_confirm", args=[record.pk])).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client_for):
    response = client_for(None).get(reverse("schools:import_list"))

    assert response.status_code == 302
    assert "login" in response.url


def test_a_manager_sees_only_their_lea_s_imports(client_for, users, admin_user, foreign_users):
    upload(client_for(admin_user), "gias", gias_bytes())
    upload(client_for(foreign_users[Role.MANAGER]), "census", CENSUS_SAMPLE.read_bytes())
    admins, foreign = ImportRecord.objects.order_by("pk")
    client = client_for(users[Role.MANAGER])

    assert client.get(reverse("schools:import_detail", args=[admins.pk])).status_code == 404
    assert client.get(reverse("schools:import_detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("schools:import_progress", args=[foreign.pk])).status_code == 404
    listed = client.get(reverse("schools:import_list"))
    assert listed.status_code == 200
    assert list(listed.context["records"]) == []
    assert [slug for slug, _ in listed.context["kinds"]] == ["ks2", "census"]


def test_a_large_upload_runs_as_a_celery_job_with_a_progress_page(
    client_for, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(base, "LARGE_FILE_ROWS", 2)
    # The job runs in this process, as without REDIS_URL, even when the suite has a broker.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    client = client_for(admin_user)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(
            client, "gias", gias_bytes(gias_row(), gias_row(URN="100001"), gias_row(URN="100002"))
        )

    record = ImportRecord.objects.get()
    assert record.status == ImportStatus.QUEUED
    assert len(callbacks) == 1
    page = client.get(response.url)
    progress_url = reverse("schools:import_progress", args=[record.pk])
    assert f'hx-get="{progress_url}"' in page.text

    callbacks[0]()  # the Celery job (eager in the tests)

    record.refresh_from_db()
    assert record.status == ImportStatus.CHECKED
    assert (record.progress_done, record.progress_total) == (3, 3)
    fragment = client.get(reverse("schools:import_progress", args=[record.pk]))
    assert fragment["HX-Refresh"] == "true"
    assert "hx-get" not in fragment.text


def test_the_import_list_pages_with_bounded_queries(
    client_for, admin_user, django_assert_max_num_queries
):
    client = client_for(admin_user)
    for n in (3, 30):
        for _ in range(n - ImportRecord.objects.count()):
            ImportRecord.objects.create(kind="GIAS", file_name="f.csv", user=admin_user)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("schools:import_list"))
        assert response.status_code == 200
    assert len(response.context["records"]) == 25
