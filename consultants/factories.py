"""factory-boy factories for the consultants app, shared by the tests and `seed_demo`."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.factories import UserFactory
from accounts.models import Role
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools.factories import LocalAuthorityFactory, SchoolFactory

from .models import (
    Adviser,
    AdviserKind,
    AgreedAction,
    Allocation,
    AllocationStatus,
    Application,
    ApplicationStatus,
    Attachment,
    Capacity,
    ConflictDeclaration,
    ConflictKind,
    ConsultancyStage,
    ConsultantTraining,
    DeclaredConflict,
    Expertise,
    PreVisitNote,
    SupportEvaluation,
    Term,
    TrainingDay,
    Visit,
    VisitFocus,
    VisitKind,
    VisitLength,
    VisitStatus,
)


class AdviserFactory(DjangoModelFactory):
    """An appointed PSCL with a log-in and a home school in their LEA. Pass `kind` and
    `user=None` for an adviser without a log-in, or use `LinkAdviserFactory`."""

    class Meta:
        model = Adviser

    local_authority = factory.SubFactory(LocalAuthorityFactory)
    kind = AdviserKind.PSCL
    user = factory.SubFactory(
        UserFactory,
        role=Role.CONSULTANT,
        local_authority=factory.SelfAttribute("..local_authority"),
        full_name=factory.SelfAttribute("..full_name"),
    )
    full_name = factory.Faker("name", locale="en_GB")
    email = factory.LazyAttribute(
        lambda o: o.user.email if o.user else f"{o.full_name.lower().replace(' ', '.')}@example.org"
    )
    home_school = factory.Maybe(
        factory.LazyAttribute(lambda o: o.kind == AdviserKind.PSCL),
        yes_declaration=factory.SubFactory(
            SchoolFactory, local_authority=factory.SelfAttribute("..local_authority")
        ),
        no_declaration=None,
    )
    years_of_headship = factory.Maybe(
        factory.LazyAttribute(lambda o: o.kind == AdviserKind.PSCL),
        yes_declaration=8,
        no_declaration=None,
    )
    expertise = factory.LazyFunction(lambda: [Expertise.ENGLISH, Expertise.LEADERSHIP])
    appointed_on = factory.Maybe(
        factory.LazyAttribute(lambda o: o.kind == AdviserKind.PSCL),
        yes_declaration=datetime.date(2004, 7, 5),
        no_declaration=None,
    )


class LinkAdviserFactory(AdviserFactory):
    kind = AdviserKind.LINK_ADVISER
    user = factory.SubFactory(
        UserFactory,
        role=Role.LINK_ADVISER,
        local_authority=factory.SelfAttribute("..local_authority"),
        full_name=factory.SelfAttribute("..full_name"),
    )
    expertise = factory.LazyFunction(list)


class CapacityFactory(DjangoModelFactory):
    class Meta:
        model = Capacity
        django_get_or_create = ("adviser", "programme_year")

    adviser = factory.SubFactory(AdviserFactory)
    programme_year = factory.SubFactory(
        ProgrammeYearFactory, local_authority=factory.SelfAttribute("..adviser.local_authority")
    )
    max_schools = 4
    max_days = Decimal("16.0")


class ConsultantTrainingFactory(DjangoModelFactory):
    class Meta:
        model = ConsultantTraining

    adviser = factory.SubFactory(AdviserFactory)
    programme_year = factory.SubFactory(
        ProgrammeYearFactory, local_authority=factory.SelfAttribute("..adviser.local_authority")
    )
    day = TrainingDay.INITIAL_1
    attended_on = datetime.date(2004, 7, 12)


class AttachmentFactory(DjangoModelFactory):
    class Meta:
        model = Attachment

    adviser = factory.SubFactory(LinkAdviserFactory)
    school = factory.SubFactory(
        SchoolFactory, local_authority=factory.SelfAttribute("..adviser.local_authority")
    )
    attached_on = datetime.date(2003, 9, 1)


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    programme_year = factory.SubFactory(ProgrammeYearFactory)
    full_name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    home_school = factory.SubFactory(
        SchoolFactory, local_authority=factory.SelfAttribute("..programme_year.local_authority")
    )
    years_of_headship = 7
    received_on = datetime.date(2004, 5, 10)
    letter_text = (
        "I have led my school for seven years, through a section 10 inspection that judged "
        "leadership very good, and I would like to support colleagues in the programme."
    )
    status = ApplicationStatus.RECEIVED


class ConflictDeclarationFactory(DjangoModelFactory):
    class Meta:
        model = ConflictDeclaration
        django_get_or_create = ("adviser", "programme_year")

    adviser = factory.SubFactory(AdviserFactory)
    programme_year = factory.SubFactory(
        ProgrammeYearFactory, local_authority=factory.SelfAttribute("..adviser.local_authority")
    )
    declared_on = datetime.date(2004, 7, 6)
    declared_by = factory.SelfAttribute("adviser.user")


class DeclaredConflictFactory(DjangoModelFactory):
    class Meta:
        model = DeclaredConflict

    declaration = factory.SubFactory(ConflictDeclarationFactory)
    school = factory.SubFactory(
        SchoolFactory,
        local_authority=factory.SelfAttribute("..declaration.adviser.local_authority"),
    )
    kind = ConflictKind.GOVERNOR
    details = "Governor of the school since 2001."


class AllocationFactory(DjangoModelFactory):
    """A confirmed match of a PSCL to an active participation in the PSCL's LEA."""

    class Meta:
        model = Allocation

    adviser = factory.SubFactory(AdviserFactory)
    participation = factory.SubFactory(
        ParticipationFactory,
        programme_year__local_authority=factory.SelfAttribute("...adviser.local_authority"),
    )
    status = AllocationStatus.CONFIRMED
    planned_days = factory.LazyAttribute(
        lambda o: o.participation.programme_year.pscl_days_per_school
    )
    confirmed_by = None
    confirmed_at = factory.LazyFunction(timezone.now)
    end_reason = factory.Maybe(
        factory.LazyAttribute(
            lambda o: o.status in (AllocationStatus.DECLINED, AllocationStatus.ENDED)
        ),
        yes_declaration="The PSCL moved to another LEA.",
        no_declaration="",
    )


class VisitFactory(DjangoModelFactory):
    """A submitted half-day visit; `status=VisitStatus.DRAFT` or `PLANNED` for the others."""

    class Meta:
        model = Visit

    allocation = factory.SubFactory(AllocationFactory)
    status = VisitStatus.SUBMITTED
    visit_on = datetime.date(2004, 10, 12)
    purpose = ""
    length = VisitLength.HALF_DAY
    kind = VisitKind.GETTING_STARTED
    stage = ConsultancyStage.EXPLORING
    focus = factory.LazyFunction(lambda: [VisitFocus.ENGLISH, VisitFocus.MATHS])
    attendees = "Headteacher, deputy headteacher"
    notes = "Looked at the KS1 reading results with the head and deputy."
    standards_challenged = True
    challenge_detail = "Asked why KS1 reading fell by 8 points and what the plan does about it."
    created_by = factory.SelfAttribute("allocation.adviser.user")
    submitted_at = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status == VisitStatus.SUBMITTED),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )

    class Params:
        planned = factory.Trait(
            status=VisitStatus.PLANNED,
            purpose="Review the first half-term of the plan",
            length="",
            kind="",
            stage=None,
            focus=factory.LazyFunction(list),
            attendees="",
            notes="",
            standards_challenged=None,
            challenge_detail="",
        )


class AgreedActionFactory(DjangoModelFactory):
    class Meta:
        model = AgreedAction

    visit = factory.SubFactory(VisitFactory)
    who = "Deputy headteacher"
    what = "Set up guided reading groups in Year 2."
    due_on = datetime.date(2004, 11, 5)


class PreVisitNoteFactory(DjangoModelFactory):
    class Meta:
        model = PreVisitNote

    visit = factory.SubFactory(VisitFactory, planned=True)
    progress = "Guided reading groups started in Year 2."
    wants = "Help to write success criteria for the maths priority."
    written_by = None
    written_at = factory.LazyFunction(timezone.now)


class SupportEvaluationFactory(DjangoModelFactory):
    class Meta:
        model = SupportEvaluation

    allocation = factory.SubFactory(AllocationFactory)
    term = Term.AUTUMN
    rating = 4
    comments = "Clear, practical advice; the plan is sharper for it."
    written_by = None
    written_at = factory.LazyFunction(timezone.now)
