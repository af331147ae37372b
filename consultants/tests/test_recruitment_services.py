"""The rules of `consultants.services.recruitment` against the real database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from consultants.factories import AdviserFactory, ApplicationFactory, LinkAdviserFactory
from consultants.models import (
    LETTER_MAX_BYTES,
    Adviser,
    AdviserKind,
    Application,
    ApplicationStatus,
    Capacity,
    Recommendation,
)
from consultants.services.recruitment import (
    application_create,
    application_recommend,
    application_step,
    letter_problem,
)
from leadership.factories import ProgrammeYearFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


def test_a_letter_must_be_a_small_pdf():
    assert letter_problem(SimpleUploadedFile("a.pdf", PDF)) is None
    assert letter_problem(SimpleUploadedFile("a.pdf", b"PK\x03\x04")) == "The letter must be a PDF"
    big = SimpleUploadedFile("a.pdf", PDF + b"0" * LETTER_MAX_BYTES)
    assert letter_problem(big) == "The letter must be smaller than 5 MB"


def test_the_service_refuses_a_letter_that_is_not_a_pdf_whatever_its_name(year, users):
    with pytest.raises(ValidationError) as error:
        application_create(
            programme_year=year,
            by=users[Role.MANAGER],
            full_name="A",
            email="a@example.org",
            received_on=datetime.date(2004, 5, 1),
            letter_file=SimpleUploadedFile("letter.pdf", b"MZ not a pdf"),
        )

    assert error.value.message_dict == {"letter_file": ["The letter must be a PDF"]}
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("status", "to_status"),
    [
        (ApplicationStatus.RECEIVED, ApplicationStatus.SHORTLISTED),
        (ApplicationStatus.SCREENED, ApplicationStatus.APPOINTED),
        (ApplicationStatus.NOT_APPOINTED, ApplicationStatus.SCREENED),
        (ApplicationStatus.WITHDRAWN, ApplicationStatus.RECEIVED),
    ],
)
def test_a_step_off_the_path_is_refused_and_nothing_recorded(year, users, status, to_status):
    application = ApplicationFactory(programme_year=year, status=status)

    with pytest.raises(ValidationError):
        application_step(application=application, to_status=to_status, by=users[Role.MANAGER])

    application.refresh_from_db()
    assert application.status == status
    assert not application.steps.exists()


@pytest.mark.parametrize(
    "to_status", [ApplicationStatus.NOT_APPOINTED, ApplicationStatus.WITHDRAWN]
)
def test_an_open_application_may_end_at_any_step(year, users, to_status):
    application = ApplicationFactory(programme_year=year, status=ApplicationStatus.SHORTLISTED)

    application_step(
        application=application, to_status=to_status, by=users[Role.MANAGER], notes="Why."
    )

    application.refresh_from_db()
    assert application.status == to_status
    step = application.steps.get()
    assert (step.from_status, step.to_status, step.notes) == ("SHORTLISTED", to_status, "Why.")


def test_a_stale_step_is_refused_after_another_has_moved_the_application(year, users):
    application = ApplicationFactory(programme_year=year)
    stale = Application.objects.get(pk=application.pk)
    application_step(
        application=application, to_status=ApplicationStatus.SCREENED, by=users[Role.MANAGER]
    )

    # The copy still says RECEIVED; the database says SCREENED, from which SCREENED is no step.
    with pytest.raises(ValidationError):
        application_step(
            application=stale, to_status=ApplicationStatus.SCREENED, by=users[Role.MANAGER]
        )

    assert application.steps.count() == 1


def _interviewed(year, **kwargs):
    return ApplicationFactory(
        programme_year=year,
        status=ApplicationStatus.INTERVIEWED,
        interviewed_on=datetime.date(2004, 6, 14),
        interview_score=15,
        **kwargs,
    )


def test_appointing_uses_the_year_s_default_capacity(
    year, users, django_capture_on_commit_callbacks
):
    year.pscl_days_per_school = Decimal("4.5")
    year.save()
    application = _interviewed(year)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_step(
            application=application,
            to_status=ApplicationStatus.APPOINTED,
            by=users[Role.MANAGER],
            link_base="https://plp.example.org",
        )

    capacity = Capacity.objects.get()
    assert (capacity.max_schools, capacity.max_days) == (4, Decimal("18.0"))
    assert capacity.adviser.appointed_on is not None
    assert len(callbacks) == 1


def test_appointing_again_in_a_later_year_reuses_the_pscl(
    lea, year, users, mailoutbox, django_capture_on_commit_callbacks
):
    pscl = AdviserFactory(local_authority=lea, appointed_on=datetime.date(2003, 7, 1))
    later = ProgrammeYearFactory(local_authority=lea, name="2005-06")
    application = _interviewed(later, email=pscl.user.email)

    with django_capture_on_commit_callbacks(execute=True):
        application_step(
            application=application, to_status=ApplicationStatus.APPOINTED, by=users[Role.MANAGER]
        )

    application.refresh_from_db()
    assert application.adviser == pscl
    assert Adviser.objects.count() == 1
    pscl.refresh_from_db()
    # The first appointment stands.
    assert pscl.appointed_on == datetime.date(2003, 7, 1)
    assert Capacity.objects.filter(adviser=pscl, programme_year=later).exists()
    assert mailoutbox == []


def test_appointing_gives_a_log_in_to_a_pscl_added_without_one(
    lea, year, users, mailoutbox, django_capture_on_commit_callbacks
):
    added = AdviserFactory(
        local_authority=lea, user=None, email="Sol.Reyes@example.org", appointed_on=None
    )
    application = _interviewed(year, email="sol.reyes@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        application_step(
            application=application, to_status=ApplicationStatus.APPOINTED, by=users[Role.MANAGER]
        )

    added.refresh_from_db()
    assert added.user.email == "sol.reyes@example.org"
    assert added.user.role == Role.CONSULTANT
    assert added.appointed_on is not None
    assert len(mailoutbox) == 1


def test_a_recommendation_comes_from_a_link_adviser_of_the_lea(lea, other_lea, year):
    application = ApplicationFactory(programme_year=year)
    pscl = AdviserFactory(local_authority=lea)
    foreign_link = LinkAdviserFactory(local_authority=other_lea)

    for adviser in (pscl, foreign_link):
        with pytest.raises(ValidationError):
            application_recommend(
                application=application,
                recommended_by=adviser,
                recommendation=Recommendation.RECOMMENDS,
            )

    application.refresh_from_db()
    assert application.recommended_by is None
    assert pscl.kind == AdviserKind.PSCL
