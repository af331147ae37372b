"""The world the bad-input tests share: two LEAs ("own" and "other"), each with a programme
year under way and everything its pages show and its forms write (participations, a leadership
team, training, school-to-school visits, an action plan with its items, PSCL and link adviser,
allocation, visits, grant, payments, an expenditure return with evidence, report runs, notes,
concerns). One user per role on each side, and an admin.

Built once per module (`world` fixture of tests/input/conftest.py) and rolled back at the end:
each test or Hypothesis example runs in a savepoint inside it."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import Role
from conftest import make_user
from consultants.factories import (
    AdviserFactory,
    AgreedActionFactory,
    AllocationFactory,
    ApplicationFactory,
    AttachmentFactory,
    CapacityFactory,
    ConflictDeclarationFactory,
    ConsultantTrainingFactory,
    DeclaredConflictFactory,
    LinkAdviserFactory,
    PreVisitNoteFactory,
    SupportEvaluationFactory,
    VisitFactory,
)
from consultants.models import VisitStatus
from funding.factories import (
    BudgetFactory,
    CoverClaimFactory,
    ExpenditureReturnFactory,
    FundingRatesFactory,
    OtherSpendingFactory,
    PaymentFactory,
    ReturnEvidenceFactory,
)
from funding.services.grants import grant_compute
from leadership.factories import (
    ActionFactory,
    ActionPlanFactory,
    ConcernFactory,
    LeadershipTeamMemberFactory,
    NoteFactory,
    ParticipationFactory,
    PlanPriorityFactory,
    PlanReviewFactory,
    ProgrammeYearFactory,
    SchoolActivityFactory,
    SchoolVisitFactory,
    SelectionFlagFactory,
    SuccessCriterionFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import GoodPractice, MemberRole, ParticipationStatus, Watch
from reports.factories import (
    EvaluationThresholdsFactory,
    NotificationFactory,
    ReportBatchFactory,
    ReportRunFactory,
)
from reports.models import RunStatus
from schools.factories import (
    InspectionFactory,
    KeyStage2TargetFactory,
    KeyStageResultFactory,
    LocalAuthorityFactory,
    SchoolFactory,
    ValueAddedFactory,
)
from schools.models import ImportRecord

from .rows import pks_by_model

TODAY = datetime.date(2004, 11, 26)
#: The roles of the tests, in a fixed order; "anonymous" is nobody signed in.
ROLES = (
    Role.ADMIN,
    Role.MANAGER,
    Role.LINK_ADVISER,
    Role.CONSULTANT,
    Role.HEADTEACHER,
    Role.GOVERNOR,
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Side:
    """One LEA's records, by name."""

    lea: object
    school: object
    sibling: object
    users: dict
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class World:
    admin: object
    own: Side
    other: Side
    rows_before_other: dict = field(default_factory=dict)
    other_rows: dict = field(default_factory=dict)

    def user(self, role):
        """The own side's user of `role` (the admin for ADMIN), None for anonymous."""
        if role is None:
            return None
        if role == Role.ADMIN:
            return self.admin
        return self.own.users[role]


def _stored_import() -> str:
    """A KS2 file saved as the import pages save theirs, for a dry run to confirm."""
    sample = Path(__file__).resolve().parents[2] / "schools/tests/data/dfe_ks2_2019_sample.csv"
    return default_storage.save("imports/ks2-fuzz.csv", ContentFile(sample.read_bytes()))


def _build_side(lea, school, sibling, *, admin) -> Side:
    users = {role: make_user(role, lea=lea, school=school) for role in ROLES if role != Role.ADMIN}
    side = Side(lea=lea, school=school, sibling=sibling, users=users)
    o = side.objects
    for s in (school, sibling):
        KeyStageResultFactory(school=s, year=2004)
        ValueAddedFactory(school=s, year=2004, score=Decimal("98.5"), grade=5)
        InspectionFactory(school=s)
        KeyStage2TargetFactory(school=s)
    o["year"] = year = ProgrammeYearFactory(local_authority=lea)
    FundingRatesFactory(programme_year=year)
    BudgetFactory(programme_year=year)
    EvaluationThresholdsFactory(programme_year=year)
    o["participation"] = part = ParticipationFactory(
        programme_year=year, school=school, status=ParticipationStatus.ACTIVE
    )
    o["sibling_participation"] = ParticipationFactory(
        programme_year=year, school=sibling, status=ParticipationStatus.ACTIVE
    )
    o["invited"] = ParticipationFactory(
        programme_year=year,
        school=SchoolFactory(local_authority=lea, name=f"Invited School {lea.code}"),
        status=ParticipationStatus.INVITED,
        joined_on=None,
    )
    # A school taking part with no PSCL yet, for the matching pages.
    o["unmatched"] = ParticipationFactory(
        programme_year=year,
        school=SchoolFactory(local_authority=lea, name=f"Unmatched School {lea.code}"),
        status=ParticipationStatus.ACTIVE,
    )
    o["flag"] = SelectionFlagFactory(programme_year=year, school=o["invited"].school)
    # The PSCL (the CONSULTANT user) allocated to `school`, another PSCL to `sibling`.
    o["pscl"] = pscl = AdviserFactory(local_authority=lea, user=users[Role.CONSULTANT])
    CapacityFactory(adviser=pscl, programme_year=year)
    ConsultantTrainingFactory(adviser=pscl, programme_year=year)
    declaration = ConflictDeclarationFactory(adviser=pscl, programme_year=year)
    DeclaredConflictFactory(declaration=declaration, school=sibling)
    o["allocation"] = alloc = AllocationFactory(adviser=pscl, participation=part)
    o["sibling_allocation"] = AllocationFactory(
        adviser=AdviserFactory(local_authority=lea, home_school=None),
        participation=o["sibling_participation"],
    )
    o["link_adviser"] = link = LinkAdviserFactory(
        local_authority=lea, user=users[Role.LINK_ADVISER]
    )
    AttachmentFactory(adviser=link, school=school)
    o["application"] = ApplicationFactory(programme_year=year)
    o["visit"] = visit = VisitFactory(allocation=alloc)
    o["agreed_action"] = AgreedActionFactory(visit=visit)
    o["draft_visit"] = VisitFactory(
        allocation=alloc, status=VisitStatus.DRAFT, visit_on=datetime.date(2004, 11, 2)
    )
    o["planned_visit"] = planned = VisitFactory(
        allocation=alloc, planned=True, visit_on=datetime.date(2004, 12, 8)
    )
    PreVisitNoteFactory(visit=planned)
    SupportEvaluationFactory(allocation=alloc)
    # The leadership team, training and school-to-school visits.
    o["member"] = member = LeadershipTeamMemberFactory(
        participation=part, role=MemberRole.HEADTEACHER, full_name="Alex Head"
    )
    LeadershipTeamMemberFactory(participation=part, role=MemberRole.DEPUTY)
    SchoolActivityFactory(member=member)
    o["training"] = event = TrainingEventFactory(programme_year=year)
    TrainingAttendanceFactory(event=event, member=member)
    o["school_visit"] = SchoolVisitFactory(
        participation=part, host_school=sibling, members=[member]
    )
    # The action plan.
    o["plan"] = plan = ActionPlanFactory(participation=part)
    o["priority"] = priority = PlanPriorityFactory(plan=plan)
    o["criterion"] = SuccessCriterionFactory(priority=priority)
    o["action"] = ActionFactory(priority=priority)
    o["review"] = PlanReviewFactory(plan=plan, reviewed_by=users[Role.HEADTEACHER])
    # Engagement.
    o["note"] = NoteFactory(school=school, author=users[Role.MANAGER])
    o["concern"] = ConcernFactory(school=school, raised_by=users[Role.MANAGER])
    o["good_practice"] = GoodPractice.objects.create(
        participation=o["sibling_participation"],
        title="Tracking writing each half term",
        case_study="Half-termly writing assessments with moderation across the key stage.",
    )
    Watch.objects.create(user=users[Role.MANAGER], school=sibling)
    # Money.
    grant_compute(participation=part)
    grant_compute(participation=o["sibling_participation"])
    o["payment"] = PaymentFactory(participation=part, amount=Decimal("1000.00"))
    o["return"] = ret = ExpenditureReturnFactory(participation=part)
    CoverClaimFactory(expenditure_return=ret, member=member)
    OtherSpendingFactory(expenditure_return=ret)
    o["evidence"] = ReturnEvidenceFactory(
        expenditure_return=ret, uploaded_by=users[Role.HEADTEACHER]
    )
    # Reports.
    o["run"] = run = ReportRunFactory(programme_year=year, school=school)
    run.pdf.save("report.pdf", ContentFile(PDF_BYTES), save=False)
    run.status = RunStatus.DONE
    run.title = "Autumn term 2004 progress report"
    run.html = "<p class='govuk-body'>The body of the report.</p>"
    run.data_read_at = run.finished_at = timezone.now()
    run.save()
    o["batch"] = ReportBatchFactory(programme_year=year, requested_by=users[Role.MANAGER])
    NotificationFactory(user=users[Role.MANAGER])
    o["import"] = ImportRecord.objects.create(
        kind="KS2",
        file_name="ks2.csv",
        stored_file=_stored_import(),
        user=users[Role.MANAGER],
        local_authority=lea,
        options={"year": 2019},
        is_dry_run=True,
        status="CHECKED",
    )
    return side


def build_world() -> World:
    """Both LEAs' records (see the module's docstring)."""
    admin = make_user(Role.ADMIN, email="fuzz-admin@example.org")
    own_lea = LocalAuthorityFactory(code="991", name="Northmoor")
    own = _build_side(
        own_lea,
        SchoolFactory(local_authority=own_lea, name="Millfield Primary School", number_on_roll=118),
        SchoolFactory(local_authority=own_lea, name="Oakwood Primary School", number_on_roll=240),
        admin=admin,
    )
    rows_before_other = pks_by_model()
    other_lea = LocalAuthorityFactory(code="992", name="Southvale")
    other = _build_side(
        other_lea,
        SchoolFactory(local_authority=other_lea, name="Southvale Junior School"),
        SchoolFactory(local_authority=other_lea, name="Southvale Infant School"),
        admin=admin,
    )
    assert get_user_model().objects.filter(is_superuser=True).count() >= 1
    world = World(admin=admin, own=own, other=other)
    world.rows_before_other = rows_before_other
    return world
