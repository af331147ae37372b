"""factory-boy factories for report runs, batches and notifications, shared by the tests and
`seed_demo`. A factory-made run is queued: tests that need a done run produce it through
`reports.services.runs`, or pass `status`, `html`, `pdf` and `data_read_at` themselves."""

import uuid

import factory
from factory.django import DjangoModelFactory

from accounts.factories import UserFactory
from accounts.models import Role
from consultants.models import Term
from leadership.factories import ProgrammeYearFactory
from schools.factories import SchoolFactory

from .models import (
    EvaluationThresholds,
    Notification,
    NotificationKind,
    ReportBatch,
    ReportKind,
    ReportRun,
)


class ReportBatchFactory(DjangoModelFactory):
    class Meta:
        model = ReportBatch

    programme_year = factory.SubFactory(ProgrammeYearFactory)
    local_authority = factory.SelfAttribute("programme_year.local_authority")
    kind = ReportKind.GOVERNOR
    term = Term.AUTUMN
    requested_by = factory.SubFactory(
        UserFactory,
        role=Role.MANAGER,
        local_authority=factory.SelfAttribute("..local_authority"),
    )
    idempotency_key = factory.LazyFunction(lambda: f"test:{uuid.uuid4().hex}")


class ReportRunFactory(DjangoModelFactory):
    """A queued governor report for a school of the year's LEA, version 1 of its scope."""

    class Meta:
        model = ReportRun

    programme_year = factory.SubFactory(ProgrammeYearFactory)
    local_authority = factory.SelfAttribute("programme_year.local_authority")
    kind = ReportKind.GOVERNOR
    term = Term.AUTUMN
    school = factory.SubFactory(
        SchoolFactory, local_authority=factory.SelfAttribute("..programme_year.local_authority")
    )
    requested_by = None
    idempotency_key = factory.LazyFunction(lambda: f"test:{uuid.uuid4().hex}")
    scope_key = factory.LazyFunction(lambda: f"test-scope:{uuid.uuid4().hex}")
    version = 1


class EvaluationThresholdsFactory(DjangoModelFactory):
    class Meta:
        model = EvaluationThresholds
        django_get_or_create = ("programme_year",)

    programme_year = factory.SubFactory(ProgrammeYearFactory)


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    #: An admin, who needs no LEA or school.
    user = factory.SubFactory(UserFactory, admin=True)
    kind = NotificationKind.REPORT_READY
    subject = "The autumn progress report for Millfield Primary School is ready"
    body = "Sign in to read it."
    url = "/reports/"
