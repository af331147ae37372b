"""The subject-access export: the ZIP holds what is held about the person and nothing of anyone
else, never a password hash or a token's key; every export is logged; managers export only the
people of their own LEA; every reference to a user in the project is covered by a section."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.authtoken.models import Token
from simple_history.models import HistoricalChanges

from accounts.models import Role
from consultants.factories import AdviserFactory, ApplicationFactory, VisitFactory
from leadership.factories import LeadershipTeamMemberFactory, PlanReviewFactory
from privacy.models import SubjectAccessRequest
from privacy.subject_access.registry import NOT_EXPORTED, SECTIONS, covered_references
from reports.factories import NotificationFactory, ReportRunFactory
from reports.models import ReportAccess

pytestmark = pytest.mark.django_db

SEARCH = reverse("privacy:subject_access")


def download_url(user):
    return reverse("privacy:subject_access_download", args=[user.pk])


def unzip(response) -> tuple[dict, dict[str, str]]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    files = {name: archive.read(name).decode() for name in archive.namelist()}
    return json.loads(files["subject-access.json"]), files


@pytest.fixture
def pscl(users, lea, school):
    """The LEA's PSCL with a profile, an allocation, a visit with notes, an application, a plan
    review, a report run, a report access, a notification and an API token."""
    user = users[Role.CONSULTANT]
    adviser = AdviserFactory(user=user, local_authority=lea, full_name=user.full_name)
    visit = VisitFactory(
        allocation__adviser=adviser,
        allocation__participation__school=school,
        notes="Reading fell in Year 2: agreed guided reading groups.",
    )
    ApplicationFactory(
        programme_year=visit.allocation.participation.programme_year,
        email=user.email,
        letter_text="My letter of application, in my own words.",
    )
    review = PlanReviewFactory(
        plan__participation=visit.allocation.participation,
        reviewed_by=user,
        notes="Review of the plan with the head.",
    )
    # As if written through a page: the history's author is the signed-in user.
    review.history.update(history_user=user)
    run = ReportRunFactory(
        programme_year=visit.allocation.participation.programme_year, requested_by=user
    )
    ReportAccess.objects.create(run=run, user=user, format="HTML")
    NotificationFactory(user=user, subject="Your report is ready")
    Token.objects.create(user=user)
    return user


def test_the_zip_holds_everything_about_the_person_and_nothing_else(
    pscl, users, client_for, admin_user
):
    other = users[Role.LINK_ADVISER]
    NotificationFactory(user=other, subject="Someone else's notification")
    LeadershipTeamMemberFactory(full_name="Ann Other", email="ann.other@example.org")

    response = client_for(admin_user).post(download_url(pscl))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    document, files = unzip(response)
    assert {"subject-access.json", "summary.html"} <= set(files)
    assert "csv/visits.csv" in files and "csv/account.csv" in files
    sections = document["sections"]
    assert set(sections) == set(SECTIONS)
    assert sections["account"]["rows"][0]["email"] == pscl.email
    assert sections["adviser_profile"]["rows"][0]["full_name"] == pscl.full_name
    assert "guided reading groups" in sections["visits"]["rows"][0]["notes"]
    assert sections["applications"]["rows"][0]["letter"].startswith("My letter")
    assert sections["plan_reviews"]["rows"][0]["notes"] == "Review of the plan with the head."
    assert len(sections["report_runs"]["rows"]) == 1
    assert len(sections["report_accesses"]["rows"]) == 1
    assert sections["notifications"]["rows"][0]["subject"] == "Your report is ready"
    assert sections["api_token"]["rows"] == [
        {"exists": True, "created": sections["api_token"]["rows"][0]["created"]}
    ]
    assert {row["model"] for row in sections["history"]["rows"]} >= {"leadership.PlanReview"}
    everything = "".join(files.values())
    assert pscl.password not in everything
    assert Token.objects.get(user=pscl).key not in everything
    assert "Someone else's notification" not in everything
    assert "ann.other@example.org" not in everything
    assert other.email not in everything
    assert "Reading fell in Year 2" in files["summary.html"]


def test_the_csv_files_neutralise_formulas(pscl, client_for, admin_user):
    # As every other export (accounts/exports.py): a note a spreadsheet would run as a formula
    # is written with a quote before it in the CSV; the JSON keeps the text as it is.
    visit = pscl.adviser.allocations.get().visits.get()
    visit.notes = '=HYPERLINK("http://example.com")'
    visit.save()

    document, files = unzip(client_for(admin_user).post(download_url(pscl)))

    assert "'=HYPERLINK" in files["csv/visits.csv"]
    assert document["sections"]["visits"]["rows"][0]["notes"].startswith("=HYPERLINK")


def test_each_export_is_logged_with_its_counts(pscl, client_for, admin_user):
    client_for(admin_user).post(download_url(pscl))

    log = SubjectAccessRequest.objects.get()
    assert (log.subject, log.requested_by) == (pscl, admin_user)
    assert log.item_counts["visits"] == 1
    assert str(pscl) == log.subject_label


def test_a_manager_finds_and_exports_the_people_of_their_lea_only(
    pscl, users, foreign_users, client_for
):
    client = client_for(users[Role.MANAGER])

    found = client.get(SEARCH, {"q": "example"}).context["people"]
    assert pscl in found and users[Role.HEADTEACHER] in found
    assert not set(found) & set(foreign_users.values())
    assert client.post(download_url(pscl)).status_code == 200
    for foreigner in foreign_users.values():
        assert client.post(download_url(foreigner)).status_code == 404
    assert SubjectAccessRequest.objects.count() == 1


def test_an_admin_finds_people_of_every_lea(users, foreign_users, client_for, admin_user):
    found = client_for(admin_user).get(SEARCH, {"q": foreign_users[Role.MANAGER].email})
    assert list(found.context["people"]) == [foreign_users[Role.MANAGER]]
    assert (
        client_for(admin_user).post(download_url(foreign_users[Role.GOVERNOR])).status_code == 200
    )


@pytest.mark.parametrize(
    "role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]
)
def test_everyone_else_is_refused(role, users, client_for):
    client = client_for(users[role])
    assert client.get(SEARCH).status_code == 403
    assert client.get(reverse("privacy:home")).status_code == 403
    assert client.post(download_url(users[role])).status_code == 403
    assert not SubjectAccessRequest.objects.exists()


def test_an_empty_search_says_what_to_enter(users, client_for):
    response = client_for(users[Role.MANAGER]).get(SEARCH, {"q": ""})
    assert "Enter part of the person&#x27;s name or email address" in response.content.decode()


def test_the_export_costs_the_same_queries_for_a_long_or_short_history(
    pscl, client_for, admin_user, django_assert_max_num_queries, school
):
    client = client_for(admin_user)
    with django_assert_max_num_queries(200) as few:
        client.post(download_url(pscl))
    allocation = pscl.adviser.allocations.get()
    for _ in range(5):
        VisitFactory(allocation=allocation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.post(download_url(pscl))


def test_every_reference_to_a_user_is_exported_or_listed_with_a_reason():
    """Fails when a model gains a ForeignKey or one-to-one field to the user model that no
    subject-access section covers: add a section (privacy/subject_access/sections/) or a
    reason in NOT_EXPORTED. simple-history's `history_user` is covered by the history
    section, for every historical model."""
    user_model = get_user_model()
    references = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if not issubclass(model, HistoricalChanges)
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and not field.auto_created
        and field.related_model is user_model
    }
    missing = references - covered_references() - set(NOT_EXPORTED)
    assert missing == set(), f"not in the subject-access export: {sorted(missing)}"
    assert all(reason for reason in NOT_EXPORTED.values())
    # No stale entries: every covered reference still exists.
    assert covered_references() - references == set()


def test_the_export_of_an_unrelated_person_holds_none_of_the_pscls_records(
    pscl, users, client_for, admin_user
):
    document, files = unzip(client_for(admin_user).post(download_url(users[Role.GOVERNOR])))
    assert document["sections"]["visits"]["rows"] == []
    assert pscl.email not in "".join(files.values())
