"""More of everything in the own LEA of the bad-input world (tests/input/world.py), for the
tests that compare a page's queries at two sizes.

`grow(world, n)` adds `n` more of each kind of record the pages list: schools of the LEA with
results for several years, value added, inspections and targets; places in the programme year,
each with a PSCL allocation (to the PSCL actor, so their caseload grows too), visits, agreed
actions, an action plan with its items, a team, a grant, payments, a return with evidence, a
done governor report, notes and concerns; users of the LEA and of its schools; and, on the
actors' own school, more team members, plan items, visits, payments, reports and so on (the
pages of one school list those). Every record belongs to the own LEA, so every role of it sees
more rows after `grow` than before.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
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
    PreVisitNoteFactory,
    SupportEvaluationFactory,
    VisitFactory,
)
from consultants.models import VisitStatus
from funding.factories import (
    CoverClaimFactory,
    ExpenditureReturnFactory,
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
    SchoolActivityFactory,
    SchoolVisitFactory,
    SelectionFlagFactory,
    SuccessCriterionFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import (
    ConcernEscalation,
    ConcernLevel,
    GoodPractice,
    MemberRole,
    ParticipationStatus,
    Watch,
)
from reports.factories import NotificationFactory, ReportBatchFactory, ReportRunFactory
from reports.models import ReportAccess, RunStatus
from schools.factories import (
    InspectionFactory,
    KeyStage2TargetFactory,
    KeyStageResultFactory,
    SchoolFactory,
    ValueAddedFactory,
)
from schools.models import ImportRecord, PerformanceDataView, PerformancePage

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: The years of results each new school gets (the world's schools have 2004).
RESULT_YEARS = (2001, 2002, 2003, 2004)


def _done_run(**kwargs):
    run = ReportRunFactory(**kwargs)
    run.pdf.save("scale.pdf", ContentFile(PDF_BYTES), save=False)
    run.status = RunStatus.DONE
    run.title = "Autumn term 2004 progress report"
    run.html = "<p class='govuk-body'>The body of the report.</p>"
    run.data_read_at = run.finished_at = timezone.now()
    run.save()
    return run


def _school_with_results(lea, round_):
    school = SchoolFactory(local_authority=lea, name=f"Scale Primary School {round_}")
    for year in RESULT_YEARS:
        KeyStageResultFactory(school=school, year=year)
        ValueAddedFactory(school=school, year=year, score=Decimal("99.5"), grade=4)
    InspectionFactory(school=school)
    KeyStage2TargetFactory(school=school)
    return school


def _grow_place(side, round_):
    """A new school of the LEA taking part in the year, with everything its pages show."""
    o, lea, year = side.objects, side.lea, side.objects["year"]
    school = _school_with_results(lea, round_)
    part = ParticipationFactory(
        programme_year=year, school=school, status=ParticipationStatus.ACTIVE
    )
    SelectionFlagFactory(programme_year=year, school=_school_with_results(lea, f"{round_}b"))
    # Allocated to the PSCL actor: their caseload, calendar and payments grow.
    alloc = AllocationFactory(adviser=o["pscl"], participation=part)
    AttachmentFactory(adviser=o["link_adviser"], school=school)
    visit = VisitFactory(allocation=alloc)
    AgreedActionFactory(visit=visit)
    VisitFactory(allocation=alloc, status=VisitStatus.DRAFT, visit_on=datetime.date(2004, 11, 3))
    planned = VisitFactory(allocation=alloc, planned=True, visit_on=datetime.date(2004, 12, 9))
    PreVisitNoteFactory(visit=planned)
    SupportEvaluationFactory(allocation=alloc)
    head = LeadershipTeamMemberFactory(participation=part, role=MemberRole.HEADTEACHER)
    TrainingAttendanceFactory(event=o["training"], member=head)
    SchoolActivityFactory(member=head)
    plan = ActionPlanFactory(participation=part)
    priority = PlanPriorityFactory(plan=plan)
    SuccessCriterionFactory(priority=priority)
    ActionFactory(priority=priority)
    PlanReviewFactory(plan=plan)
    grant_compute(participation=part)
    PaymentFactory(participation=part, amount=Decimal("900.00"))
    PaymentFactory(participation=part, pscl=True, allocation=alloc)
    ret = ExpenditureReturnFactory(participation=part)
    CoverClaimFactory(expenditure_return=ret, member=head)
    OtherSpendingFactory(expenditure_return=ret)
    ReturnEvidenceFactory(expenditure_return=ret)
    run = _done_run(programme_year=year, school=school)
    NoteFactory(school=school, author=side.users[Role.MANAGER])
    ConcernFactory(school=school, raised_by=side.users[Role.MANAGER])
    part.is_good_practice = True
    part.save(update_fields=["is_good_practice"])
    GoodPractice.objects.create(participation=part, title="Phonics", case_study="It worked.")
    Watch.objects.create(user=side.users[Role.MANAGER], school=school)
    # The school's own people, and another PSCL and a link adviser of the LEA.
    for role in (Role.HEADTEACHER, Role.GOVERNOR):
        user = make_user(role, school=school)
        ReportAccess.objects.create(run=run, user=user, format="PDF")
    other_pscl = AdviserFactory(local_authority=lea)
    CapacityFactory(adviser=other_pscl, programme_year=year)
    make_user(Role.MANAGER, lea=lea)
    ApplicationFactory(programme_year=year)
    ReportBatchFactory(programme_year=year, requested_by=side.users[Role.MANAGER])
    ImportRecord.objects.create(
        kind="KS2",
        file_name="ks2.csv",
        stored_file="imports/none.csv",
        user=side.users[Role.MANAGER],
        local_authority=lea,
        options={"year": 2019},
        is_dry_run=True,
        status="CHECKED",
    )
    for user in side.users.values():
        PerformanceDataView.objects.create(
            user=user, school=school, local_authority=lea, page=PerformancePage.SCHOOL_DETAIL
        )


def _grow_own_school(side, round_):
    """More of what the actors' own school's pages list."""
    o, year = side.objects, side.objects["year"]
    part, school = o["participation"], side.school
    member = LeadershipTeamMemberFactory(participation=part, full_name=f"Sam Deputy {round_}")
    SchoolActivityFactory(member=member)
    TrainingAttendanceFactory(event=TrainingEventFactory(programme_year=year), member=member)
    SchoolVisitFactory(
        participation=part,
        host_school=_school_with_results(side.lea, f"{round_}h"),
        members=[member],
    )
    priority = PlanPriorityFactory(plan=o["plan"])
    SuccessCriterionFactory(priority=priority)
    ActionFactory(priority=priority)
    PlanReviewFactory(plan=o["plan"], reviewed_by=side.users[Role.HEADTEACHER])
    visit = VisitFactory(allocation=o["allocation"], visit_on=datetime.date(2004, 10, 20))
    AgreedActionFactory(visit=visit)
    PaymentFactory(participation=part, instalment=2, amount=Decimal("500.00"))
    CoverClaimFactory(expenditure_return=o["return"], member=member)
    OtherSpendingFactory(expenditure_return=o["return"])
    ReturnEvidenceFactory(expenditure_return=o["return"], uploaded_by=side.users[Role.HEADTEACHER])
    _done_run(programme_year=year, school=school)
    NoteFactory(school=school, author=side.users[Role.MANAGER])
    ConcernFactory(school=school, raised_by=side.users[Role.LINK_ADVISER])
    KeyStageResultFactory(school=school, year=2000 + round_)
    ValueAddedFactory(school=school, year=2000 + round_, score=Decimal("101.0"), grade=3)
    for user in side.users.values():
        NotificationFactory(user=user)


def seed(world):
    """The few records the bad-input world has none of, so that the first count already reads
    each kind (a list with no rows skips its queries, and would seem to grow): readings of a
    page and of a report, notifications for every actor, a place flagged as good practice, a
    concern the governing body was told of by letter, an application's letter."""
    side = world.own
    o, users = side.objects, side.users
    PerformanceDataView.objects.create(
        user=users[Role.MANAGER],
        school=side.school,
        local_authority=side.lea,
        page=PerformancePage.SCHOOL_DETAIL,
    )
    ReportAccess.objects.create(run=o["run"], user=users[Role.GOVERNOR], format="PDF")
    for user in users.values():
        NotificationFactory(user=user)
    o["sibling_participation"].is_good_practice = True
    o["sibling_participation"].save(update_fields=["is_good_practice"])
    concern = o["concern"]
    concern.level = ConcernLevel.GOVERNING_BODY
    concern.save(update_fields=["level"])
    ConcernEscalation.objects.create(
        concern=concern,
        to_level=ConcernLevel.GOVERNING_BODY,
        note="The chair is told formally.",
        letter="Dear Chair of Governors, ...",
    )
    o["application"].letter_file.save("letter.pdf", ContentFile(PDF_BYTES))


def grow(world, n):
    """Add `n` rounds of records to the own LEA of `world` (see the module's docstring)."""
    side = world.own
    for round_ in range(n):
        _grow_place(side, round_)
        _grow_own_school(side, round_)
