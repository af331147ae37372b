"""The recruitment pages through the test client: the list with its counts, adding and editing
an application with its letter, the recommendation, the step form with the appointment, the
letter's download; allowed and refused users of two LEAs with the same setup."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role, User
from consultants.factories import ApplicationFactory, LinkAdviserFactory
from consultants.models import (
    LETTER_MAX_BYTES,
    Adviser,
    Application,
    ApplicationStatus,
    ApplicationStep,
    Capacity,
    Recommendation,
)
from leadership.factories import ProgrammeYearFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
#: The list's queries whatever its length: session, user, year, count, page, the counts.
LIST_QUERY_BOUND = 8


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def foreign_year(other_lea):
    return ProgrammeYearFactory(local_authority=other_lea)


def url(name, *args):
    return reverse(f"consultants:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


def _application(**overrides):
    data = {
        "full_name": "Helen Ward",
        "email": "Helen.Ward@example.org",
        "phone": "",
        "home_school": "",
        "years_of_headship": "7",
        "received_on_0": "10",
        "received_on_1": "5",
        "received_on_2": "2004",
        "letter_text": "I have led my school for seven years.",
    }
    data.update(overrides)
    return data


# The list -----------------------------------------------------------------------------------


def test_the_list_counts_the_year_s_applications_by_status_and_filters(
    client_for, users, year, foreign_year
):
    ApplicationFactory(programme_year=year, full_name="Ann Received")
    ApplicationFactory(
        programme_year=year, full_name="Sam Screened", status=ApplicationStatus.SCREENED
    )
    ApplicationFactory(programme_year=foreign_year, full_name="Foreign Applicant")
    client = client_for(users[Role.MANAGER])

    response = client.get(url("application_list", year.pk))
    screened = client.get(url("application_list", year.pk), {"status": "SCREENED"})

    assert response.status_code == 200
    counts = {value: n for value, _, n in response.context["counts"]}
    assert counts["RECEIVED"] == 1
    assert counts["SCREENED"] == 1
    assert counts["APPOINTED"] == 0
    assert "Ann Received" in text(response)
    assert "Foreign Applicant" not in text(response)
    assert "Sam Screened" in text(screened)
    assert "Ann Received" not in text(screened)


def test_a_link_adviser_reads_the_list_without_adding(client_for, users, year):
    response = client_for(users[Role.LINK_ADVISER]).get(url("application_list", year.pk))

    assert response.status_code == 200
    assert url("application_add", year.pk) not in text(response)


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR])
def test_the_list_is_refused_to_pscls_and_school_people(client_for, users, year, role):
    assert client_for(users[role]).get(url("application_list", year.pk)).status_code in (403, 404)


def test_another_lea_s_year_is_not_found(client_for, users, foreign_year):
    response = client_for(users[Role.MANAGER]).get(url("application_list", foreign_year.pk))

    assert response.status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_a_bounded_number_of_queries(
    client_for, users, year, lea, count, django_assert_max_num_queries
):
    link = LinkAdviserFactory(local_authority=lea)
    for _ in range(count):
        ApplicationFactory(
            programme_year=year, recommended_by=link, recommendation=Recommendation.RECOMMENDS
        )
    client = client_for(users[Role.MANAGER])

    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = client.get(url("application_list", year.pk))

    assert response.status_code == 200
    assert len(response.context["applications"]) == count


# Adding and editing -------------------------------------------------------------------------


def test_a_manager_adds_an_application_with_a_text_letter_and_its_first_step(
    client_for, users, year, school
):
    response = client_for(users[Role.MANAGER]).post(
        url("application_add", year.pk), _application(home_school=school.pk)
    )

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("application_detail", application.pk)
    assert application.email == "helen.ward@example.org"
    assert application.status == ApplicationStatus.RECEIVED
    assert application.received_on == datetime.date(2004, 5, 10)
    assert application.home_school == school
    step = ApplicationStep.objects.get()
    assert (step.from_status, step.to_status) == ("", ApplicationStatus.RECEIVED)
    assert step.changed_by == users[Role.MANAGER]


def test_a_pdf_letter_is_stored_and_downloaded_as_an_attachment(client_for, users, year):
    client = client_for(users[Role.MANAGER])
    upload = SimpleUploadedFile("My letter.pdf", PDF, content_type="application/pdf")

    client.post(url("application_add", year.pk), _application(letter_text="", letter_file=upload))
    application = Application.objects.get()
    response = client.get(url("application_letter", application.pk))

    assert application.letter_file.name.endswith("letter-helen-ward-example-org.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (PDF + b"x" * LETTER_MAX_BYTES, "letter.pdf", "The letter must be smaller than 5 MB"),
        (b"GIF89a not a pdf", "letter.pdf", "The letter must be a PDF"),
        (b"<html>%PDF-</html>", "letter.pdf", "The letter must be a PDF"),
    ],
)
def test_a_letter_too_large_or_not_a_pdf_is_refused_and_nothing_saved(
    client_for, users, year, content, name, message
):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = client_for(users[Role.MANAGER]).post(
        url("application_add", year.pk), _application(letter_text="", letter_file=upload)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["letter_file"] == [message]
    assert "govuk-error-summary" in text(response)
    assert not Application.objects.exists()
    assert not ApplicationStep.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"letter_text": ""}, "letter_text", "Write the letter here, or upload it as a PDF"),
        ({"email": "not-an-email"}, "email", "Enter an email address like name@example.org"),
        ({"received_on_0": ""}, "received_on", "Enter the date the application was received"),
        ({"full_name": ""}, "full_name", "Enter the applicant&#x27;s full name"),
    ],
)
def test_a_bad_application_is_refused_next_to_the_field(
    client_for, users, year, overrides, field, message
):
    response = client_for(users[Role.MANAGER]).post(
        url("application_add", year.pk), _application(**overrides)
    )

    assert field in response.context["form"].errors
    assert message in text(response)
    assert not Application.objects.exists()


def test_the_same_person_cannot_apply_twice_in_a_year(client_for, users, year):
    ApplicationFactory(programme_year=year, email="helen.ward@example.org")

    response = client_for(users[Role.MANAGER]).post(url("application_add", year.pk), _application())

    assert "has applied in 2004-05" in text(response)
    assert Application.objects.count() == 1


@pytest.mark.parametrize("role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER])
def test_only_a_manager_adds_an_application(client_for, users, year, role):
    response = client_for(users[role]).post(url("application_add", year.pk), _application())

    assert response.status_code in (403, 404)
    assert not Application.objects.exists()


def test_a_manager_corrects_an_application_and_keeps_its_pdf(client_for, users, year):
    client = client_for(users[Role.MANAGER])
    upload = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    client.post(url("application_add", year.pk), _application(letter_text="", letter_file=upload))
    application = Application.objects.get()

    response = client.post(
        url("application_edit", application.pk),
        _application(full_name="Helen Ward-Jones", letter_text=""),
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.full_name == "Helen Ward-Jones"
    assert application.letter_file


def test_another_lea_s_application_is_not_found(client_for, users, foreign_year):
    application = ApplicationFactory(programme_year=foreign_year)
    client = client_for(users[Role.MANAGER])

    for name in (
        "application_detail",
        "application_edit",
        "application_step",
        "application_letter",
    ):
        assert client.get(url(name, application.pk)).status_code == 404


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR])
def test_pscls_and_school_people_do_not_find_an_application(client_for, users, year, role):
    application = ApplicationFactory(programme_year=year)

    assert client_for(users[role]).get(url("application_detail", application.pk)).status_code == 404


def test_a_text_letter_has_no_download(client_for, users, year):
    application = ApplicationFactory(programme_year=year)

    response = client_for(users[Role.MANAGER]).get(url("application_letter", application.pk))

    assert response.status_code == 404


# The recommendation -------------------------------------------------------------------------


def test_a_link_adviser_recommends_as_their_own_adviser(client_for, users, year, lea):
    link = LinkAdviserFactory(local_authority=lea, user=users[Role.LINK_ADVISER])
    application = ApplicationFactory(programme_year=year)

    response = client_for(users[Role.LINK_ADVISER]).post(
        url("application_recommend", application.pk),
        {"recommendation": Recommendation.STRONGLY, "notes": "A strong leader."},
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.recommended_by == link
    assert application.recommendation == Recommendation.STRONGLY
    assert application.recommendation_notes == "A strong leader."


def test_a_link_adviser_without_a_profile_is_told_so(client_for, users, year):
    application = ApplicationFactory(programme_year=year)

    response = client_for(users[Role.LINK_ADVISER]).get(
        url("application_recommend", application.pk)
    )

    assert response.status_code == 200
    assert "not linked to a link adviser's profile" in text(response)


def test_a_manager_records_a_recommendation_for_one_of_the_lea_s_link_advisers(
    client_for, users, year, lea, other_lea
):
    link = LinkAdviserFactory(local_authority=lea)
    foreign_link = LinkAdviserFactory(local_authority=other_lea)
    application = ApplicationFactory(programme_year=year)
    client = client_for(users[Role.MANAGER])

    refused = client.post(
        url("application_recommend", application.pk),
        {"recommended_by": foreign_link.pk, "recommendation": Recommendation.RECOMMENDS},
    )
    allowed = client.post(
        url("application_recommend", application.pk),
        {"recommended_by": link.pk, "recommendation": Recommendation.RESERVATIONS},
    )

    assert "Choose a link adviser from the list" in text(refused)
    assert allowed.status_code == 302
    application.refresh_from_db()
    assert (application.recommended_by, application.recommendation) == (
        link,
        Recommendation.RESERVATIONS,
    )


def test_a_foreign_link_adviser_does_not_find_the_application(client_for, foreign_users, year):
    application = ApplicationFactory(programme_year=year)

    response = client_for(foreign_users[Role.LINK_ADVISER]).post(
        url("application_recommend", application.pk), {"recommendation": Recommendation.STRONGLY}
    )

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.recommendation == ""


# Steps --------------------------------------------------------------------------------------


def test_each_step_moves_the_application_and_is_recorded_in_the_history(client_for, users, year):
    application = ApplicationFactory(programme_year=year)
    client = client_for(users[Role.MANAGER])

    client.post(url("application_step", application.pk), {"to_status": "SCREENED", "notes": "Ok."})
    client.post(url("application_step", application.pk), {"to_status": "SHORTLISTED"})
    response = client.post(
        url("application_step", application.pk),
        {
            "to_status": "INTERVIEWED",
            "notes": "Clear about challenge.",
            "interviewed_on_0": "14",
            "interviewed_on_1": "6",
            "interviewed_on_2": "2004",
            "interview_panel": "Priya Shah, Jo Link",
            "interview_score": "17",
        },
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == ApplicationStatus.INTERVIEWED
    assert application.screening_notes == "Ok."
    assert application.interviewed_on == datetime.date(2004, 6, 14)
    assert application.interview_score == 17
    assert application.interview_panel == "Priya Shah, Jo Link"
    assert list(application.steps.values_list("from_status", "to_status")) == [
        ("RECEIVED", "SCREENED"),
        ("SCREENED", "SHORTLISTED"),
        ("SHORTLISTED", "INTERVIEWED"),
    ]
    detail = text(client.get(url("application_detail", application.pk)))
    assert "Shortlisted to interviewed" in detail
    assert "Clear about challenge." in detail


def test_a_step_that_is_not_allowed_is_refused(client_for, users, year):
    application = ApplicationFactory(programme_year=year)

    response = client_for(users[Role.MANAGER]).post(
        url("application_step", application.pk), {"to_status": "APPOINTED"}
    )

    application.refresh_from_db()
    assert response.status_code == 200
    assert "Choose one of the steps offered" in text(response)
    assert application.status == ApplicationStatus.RECEIVED
    assert not application.steps.exists()


def test_an_interview_needs_its_date_panel_and_score(client_for, users, year):
    application = ApplicationFactory(programme_year=year, status=ApplicationStatus.SHORTLISTED)

    response = client_for(users[Role.MANAGER]).post(
        url("application_step", application.pk), {"to_status": "INTERVIEWED"}
    )

    errors = response.context["form"].errors
    assert set(errors) == {"interviewed_on", "interview_panel", "interview_score"}
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SHORTLISTED


def test_a_final_application_offers_no_step(client_for, users, year):
    application = ApplicationFactory(programme_year=year, status=ApplicationStatus.WITHDRAWN)

    response = client_for(users[Role.MANAGER]).get(url("application_step", application.pk))

    assert "it cannot move on" in text(response)


def test_a_link_adviser_may_not_move_an_application(client_for, users, year):
    application = ApplicationFactory(programme_year=year)

    response = client_for(users[Role.LINK_ADVISER]).post(
        url("application_step", application.pk), {"to_status": "SCREENED"}
    )

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RECEIVED


# Appointment --------------------------------------------------------------------------------


@pytest.fixture
def interviewed(year, school):
    return ApplicationFactory(
        programme_year=year,
        full_name="Helen Ward",
        email="helen.ward@example.org",
        home_school=school,
        years_of_headship=9,
        status=ApplicationStatus.INTERVIEWED,
        interviewed_on=datetime.date(2004, 6, 14),
        interview_score=16,
    )


def _appoint(**overrides):
    data = {
        "to_status": "APPOINTED",
        "notes": "Appointed by the panel.",
        "appointed_on_0": "5",
        "appointed_on_1": "7",
        "appointed_on_2": "2004",
        "max_schools": "4",
        "max_days": "16",
    }
    data.update(overrides)
    return data


def test_the_appointment_form_offers_the_year_s_defaults(client_for, users, interviewed):
    response = client_for(users[Role.MANAGER]).get(url("application_step", interviewed.pk))

    form = response.context["form"]
    assert form.fields["max_schools"].initial == 4
    assert form.fields["max_days"].initial == Decimal("16.0")


def test_appointing_makes_a_pscl_with_a_capacity_and_a_new_log_in_emailed_once(
    client_for,
    users,
    interviewed,
    year,
    lea,
    school,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users[Role.MANAGER]).post(
            url("application_step", interviewed.pk), _appoint(max_schools="3", max_days="12.5")
        )

    assert response.status_code == 302
    interviewed.refresh_from_db()
    adviser = interviewed.adviser
    assert interviewed.status == ApplicationStatus.APPOINTED
    assert adviser.kind == "PSCL"
    assert adviser.appointed_on == datetime.date(2004, 7, 5)
    assert (adviser.full_name, adviser.email) == ("Helen Ward", "helen.ward@example.org")
    assert (adviser.home_school, adviser.years_of_headship) == (school, 9)
    assert adviser.local_authority == lea
    user = adviser.user
    assert (user.role, user.local_authority, user.email) == (Role.CONSULTANT, lea, adviser.email)
    assert not user.has_usable_password()
    capacity = Capacity.objects.get(adviser=adviser, programme_year=year)
    assert (capacity.max_schools, capacity.max_days) == (3, Decimal("12.5"))
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["helen.ward@example.org"]
    assert "http://testserver/accounts/reset/" in mailoutbox[0].body


def test_the_emailed_link_lets_the_new_pscl_set_a_password_and_sign_in(
    client_for, client, users, interviewed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(users[Role.MANAGER]).post(url("application_step", interviewed.pk), _appoint())
    link = next(
        line for line in mailoutbox[0].body.splitlines() if "/accounts/reset/" in line
    ).strip()

    form_page = client.get(link, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "leading-Schools-2004", "new_password2": "leading-Schools-2004"},
    )

    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert User.objects.get(email="helen.ward@example.org").check_password("leading-Schools-2004")


def test_appointing_links_an_existing_pscl_log_in_of_the_lea_without_an_email(
    client_for, users, interviewed, lea, mailoutbox, django_capture_on_commit_callbacks
):
    existing = users[Role.CONSULTANT]
    existing.email = "helen.ward@example.org"
    existing.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users[Role.MANAGER]).post(
            url("application_step", interviewed.pk), _appoint()
        )

    assert response.status_code == 302
    interviewed.refresh_from_db()
    assert interviewed.adviser.user == existing
    assert User.objects.filter(email="helen.ward@example.org").count() == 1
    assert mailoutbox == []


@pytest.mark.parametrize("holder", ["manager", "foreign_pscl"])
def test_appointing_refuses_an_email_address_of_another_kind_of_account(
    client_for,
    users,
    foreign_users,
    interviewed,
    mailoutbox,
    holder,
    django_capture_on_commit_callbacks,
):
    account = users[Role.MANAGER] if holder == "manager" else foreign_users[Role.CONSULTANT]
    account.email = "helen.ward@example.org"
    account.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users[Role.MANAGER]).post(
            url("application_step", interviewed.pk), _appoint()
        )

    assert response.status_code == 200
    assert "is the email address of a" in text(response)
    assert "govuk-error-summary" in text(response)
    interviewed.refresh_from_db()
    assert interviewed.status == ApplicationStatus.INTERVIEWED
    assert interviewed.adviser is None
    assert not interviewed.steps.exists()
    assert not Adviser.objects.exists()
    assert not Capacity.objects.exists()
    assert mailoutbox == []


def test_appointing_needs_the_date_and_capacity(client_for, users, interviewed):
    response = client_for(users[Role.MANAGER]).post(
        url("application_step", interviewed.pk),
        _appoint(appointed_on_0="", appointed_on_1="", appointed_on_2="", max_schools=""),
    )

    assert set(response.context["form"].errors) == {"appointed_on", "max_schools"}
    assert not Adviser.objects.exists()
