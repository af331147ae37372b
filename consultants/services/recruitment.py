"""Writes of PSCL recruitment: applications, the link adviser's recommendation, each step from
received to appointed (or not) with its history, and the appointment, which makes the applicant a
PSCL of the LEA with a capacity for the year and a log-in.

The views check who may do each; these functions hold the rules of what may be done.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import clock
from accounts.models import Role, User

from ..models import (
    APPLICATION_STEPS,
    LETTER_MAX_BYTES,
    Adviser,
    AdviserKind,
    Application,
    ApplicationStatus,
    ApplicationStep,
    Capacity,
)

#: The fields of an application that the add and edit forms set.
APPLICATION_FIELDS = (
    "full_name",
    "email",
    "phone",
    "home_school",
    "years_of_headship",
    "received_on",
    "letter_text",
    "letter_file",
)
#: The schools a newly appointed PSCL supports unless the manager says otherwise.
DEFAULT_PSCL_SCHOOLS = 4
PDF_MAGIC = b"%PDF-"


def letter_problem(upload) -> str | None:
    """Why an uploaded letter is refused, or None: larger than `LETTER_MAX_BYTES`, or not a PDF
    (a PDF file starts with `%PDF-`, whatever its name says)."""
    if upload.size > LETTER_MAX_BYTES:
        limit = LETTER_MAX_BYTES // (1024 * 1024)
        return f"The letter must be smaller than {limit} MB"
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(position)
    if head != PDF_MAGIC:
        return "The letter must be a PDF"
    return None


def _apply(application: Application, fields: dict) -> None:
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"Not an application's field: {', '.join(sorted(unknown))}")
    upload = fields.get("letter_file")
    if isinstance(upload, UploadedFile):
        problem = letter_problem(upload)
        if problem:
            raise ValidationError({"letter_file": problem})
    for name, value in fields.items():
        if name == "letter_file" and value is None:
            continue
        if name == "letter_file" and value is False:
            # A cleared file input: the letter is given as text.
            application.letter_file = ""
            continue
        setattr(application, name, value)
    application.email = application.email.strip().lower()
    if application.home_school_id and (
        application.home_school.local_authority_id != application.programme_year.local_authority_id
    ):
        raise ValidationError({"home_school": "The home school must be a school of the LEA."})


def _record_step(application, *, from_status: str, notes: str, by) -> ApplicationStep:
    step = ApplicationStep(
        application=application,
        from_status=from_status,
        to_status=application.status,
        notes=notes.strip(),
        changed_by=by,
        changed_at=timezone.now(),
    )
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def application_create(*, programme_year, by, **fields) -> Application:
    """Record an application to be a PSCL in `programme_year`, received, with its first step
    in the history."""
    application = Application(programme_year=programme_year, status=ApplicationStatus.RECEIVED)
    _apply(application, fields)
    application.full_clean()
    application.save()
    _record_step(application, from_status="", notes="Application received.", by=by)
    return application


@transaction.atomic
def application_update(*, application: Application, **fields) -> Application:
    """Correct an application's details or letter. A letter file left out is kept."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _apply(application, fields)
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_recommend(
    *, application: Application, recommended_by: Adviser, recommendation: str, notes: str = ""
) -> Application:
    """Record the link adviser's recommendation of the applicant: `recommended_by` must be a
    link adviser of the LEA the application is made to."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if recommended_by.kind != AdviserKind.LINK_ADVISER:
        raise ValidationError({"recommended_by": "A recommendation comes from a link adviser."})
    if recommended_by.local_authority_id != application.programme_year.local_authority_id:
        raise ValidationError({"recommended_by": "The link adviser works for another LEA."})
    application.recommended_by = recommended_by
    application.recommendation = recommendation
    application.recommendation_notes = notes.strip()
    application.full_clean()
    application.save()
    return application


def allowed_steps(application: Application) -> tuple[str, ...]:
    """The statuses `application` may move to next (none once it is final)."""
    return APPLICATION_STEPS.get(application.status, ())


@transaction.atomic
def application_step(
    *,
    application: Application,
    to_status: str,
    by,
    notes: str = "",
    interviewed_on: datetime.date | None = None,
    interview_panel: str = "",
    interview_score: int | None = None,
    appointed_on: datetime.date | None = None,
    max_schools: int | None = None,
    max_days: Decimal | None = None,
    link_base: str = "",
) -> Application:
    """Move `application` one step along `APPLICATION_STEPS` to `to_status`, recording the
    step with `notes`. The step must be allowed from the status in the database now (the row
    is locked: two people moving it at once take one step). Moving to INTERVIEWED records the
    interview (date, panel, score; notes go to the interview notes); moving to APPOINTED
    appoints the applicant (`application_appoint`)."""
    application = (
        Application.objects.select_for_update()
        .select_related("programme_year__local_authority")
        .get(pk=application.pk)
    )
    from_status = application.status
    if to_status not in ApplicationStatus.values:
        raise ValidationError({"to_status": "Choose one of the steps offered."})
    if to_status not in allowed_steps(application):
        if not application.is_open:
            raise ValidationError(
                f"The application is {application.get_status_display().lower()}: it cannot move on."
            )
        raise ValidationError(
            {
                "to_status": (
                    f"An application that is {application.get_status_display().lower()} cannot "
                    f"be moved to {ApplicationStatus(to_status).label.lower()}."
                )
            }
        )
    if to_status == ApplicationStatus.SCREENED:
        application.screening_notes = notes.strip()
    if to_status == ApplicationStatus.INTERVIEWED:
        errors = {}
        if interviewed_on is None:
            errors["interviewed_on"] = "Enter the date of the interview."
        if interview_score is None:
            errors["interview_score"] = "Enter the interview score."
        if not interview_panel.strip():
            errors["interview_panel"] = "Say who sat on the panel."
        if errors:
            raise ValidationError(errors)
        application.interviewed_on = interviewed_on
        application.interview_panel = interview_panel.strip()
        application.interview_score = interview_score
        application.interview_notes = notes.strip()
    application.status = to_status
    application.full_clean()
    application.save()
    _record_step(application, from_status=from_status, notes=notes, by=by)
    if to_status == ApplicationStatus.APPOINTED:
        application_appoint(
            application=application,
            appointed_on=appointed_on or clock.today(),
            max_schools=max_schools,
            max_days=max_days,
            link_base=link_base,
        )
    return application


def _appointee_user(application: Application) -> tuple[User | None, bool]:
    """The log-in of the applicant about to be appointed: their existing PSCL account of the
    LEA, or None to create one (True when created is needed). Refuses another kind of account."""
    lea = application.programme_year.local_authority
    user = User.objects.filter(email__iexact=application.email).first()
    if user is None:
        return None, True
    if user.role != Role.CONSULTANT or user.local_authority_id != lea.pk:
        role = Role(user.role).label.lower()
        raise ValidationError(
            f"{application.email} is the email address of a {role} account"
            f"{'' if user.local_authority_id in (None, lea.pk) else ' of another LEA'}: a PSCL "
            "needs an account of their own. Correct the application's email address, or ask "
            "the system administrator about the account."
        )
    if hasattr(user, "adviser") and user.adviser.kind != AdviserKind.PSCL:
        raise ValidationError(f"{application.email} is the log-in of another adviser.")
    return user, False


def set_password_link(user: User, *, link_base: str) -> str:
    """The one-time address at which `user` sets their password (Django's password reset
    confirmation, valid for `PASSWORD_RESET_TIMEOUT`)."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{link_base.rstrip('/')}{path}"


def _send_welcome(*, user_pk: int, link_base: str) -> None:
    user = User.objects.get(pk=user_pk)
    context = {
        "user": user,
        "link": set_password_link(user, link_base=link_base),
        "timeout_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
    }
    subject = render_to_string("accounts/email/welcome_pscl_subject.txt", context).strip()
    body = render_to_string("accounts/email/welcome_pscl_email.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def application_appoint(
    *,
    application: Application,
    appointed_on: datetime.date,
    max_schools: int | None = None,
    max_days: Decimal | None = None,
    link_base: str = "",
) -> Adviser:
    """Make the applicant of an appointed `application` a PSCL of the LEA, all or nothing:
    - the PSCL (`Adviser`, kind PSCL, appointed on `appointed_on`, with the application's home
      school, years of headship, name and email), reusing the LEA's PSCL of the same email
      address when there is one (a PSCL appointed again in a later year);
    - `application.adviser`;
    - a capacity for the programme year: `max_schools` (4) schools and `max_days` (4 times the
      year's PSCL days per school);
    - a log-in: the existing PSCL account of the LEA with that email address, or a new PSCL
      account with no usable password, emailed (once the transaction commits) a link at
      `link_base` to set it. An account of another kind with that address is refused.
    """
    application = (
        Application.objects.select_for_update()
        .select_related("programme_year__local_authority")
        .get(pk=application.pk)
    )
    if application.status != ApplicationStatus.APPOINTED:
        raise ValidationError("Only an application moved to appointed is appointed.")
    if application.adviser_id is not None:
        raise ValidationError("The applicant is appointed already.")
    year = application.programme_year
    lea = year.local_authority
    user, needs_account = _appointee_user(application)
    if needs_account:
        user = User.objects.create_user(
            application.email,
            password=None,
            full_name=application.full_name,
            role=Role.CONSULTANT,
            local_authority=lea,
        )
    adviser = (
        Adviser.objects.select_for_update().filter(user=user).first()
        or Adviser.objects.select_for_update()
        .filter(
            local_authority=lea,
            kind=AdviserKind.PSCL,
            email__iexact=application.email,
            user__isnull=True,
        )
        .first()
        or Adviser(local_authority=lea, kind=AdviserKind.PSCL)
    )
    adviser.user = user
    adviser.full_name = application.full_name
    adviser.email = application.email
    adviser.phone = application.phone or adviser.phone
    adviser.home_school = application.home_school or adviser.home_school
    if application.years_of_headship is not None:
        adviser.years_of_headship = application.years_of_headship
    adviser.appointed_on = adviser.appointed_on or appointed_on
    adviser.is_active = True
    adviser.full_clean()
    adviser.save()
    application.adviser = adviser
    application.save(update_fields=["adviser"])
    schools = DEFAULT_PSCL_SCHOOLS if max_schools is None else max_schools
    days = (DEFAULT_PSCL_SCHOOLS * year.pscl_days_per_school) if max_days is None else max_days
    capacity = Capacity.objects.filter(adviser=adviser, programme_year=year).first() or Capacity(
        adviser=adviser, programme_year=year
    )
    capacity.max_schools = schools
    capacity.max_days = days
    capacity.full_clean()
    capacity.save()
    if needs_account:
        user_pk = user.pk
        transaction.on_commit(lambda: _send_welcome(user_pk=user_pk, link_base=link_base))
    return adviser
