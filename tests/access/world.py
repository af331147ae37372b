"""The world of the access tests: two LEAs and, on the own side, every kind of object the URLs
name, three times over: "own" (the actor's own school, allocation, adviser record...), "sibling"
(the same LEA but not theirs) and "other" (the other LEA).

The actors are the own side's admin, strategy manager, link adviser (attached to the own
school), PSCL (allocated to the own school), headteacher and governor (of the own school), and
an anonymous visitor. `build_world()` makes it all; `url_kwargs(world, kind, relation)` gives
the URL keyword arguments naming the `relation` object of `kind` (config/access_policy.py's
OBJECT_KINDS). Other test modules may import this module to read or build the same world.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role
from conftest import make_user
from consultants.factories import (
    AdviserFactory,
    AgreedActionFactory,
    AllocationFactory,
    ApplicationFactory,
    AttachmentFactory,
    LinkAdviserFactory,
    VisitFactory,
)
from funding.factories import (
    ExpenditureReturnFactory,
    FundingRatesFactory,
    PaymentFactory,
    ReturnEvidenceFactory,
)
from funding.services.grants import grant_compute
from leadership.factories import (
    ActionFactory,
    ActionPlanFactory,
    ConcernFactory,
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    PlanPriorityFactory,
    PlanReviewFactory,
    ProgrammeYearFactory,
    SchoolVisitFactory,
    SelectionFlagFactory,
    SuccessCriterionFactory,
    TrainingEventFactory,
)
from leadership.models import ConcernEscalation, ConcernLevel, GoodPractice
from reports.factories import ReportBatchFactory, ReportRunFactory
from reports.models import RunStatus
from schools.factories import LocalAuthorityFactory, SchoolFactory
from schools.models import ImportKind, ImportRecord, ImportStatus

#: The actors, by name: their role (None: anonymous).
ACTOR_ROLES = {
    "admin": Role.ADMIN,
    "manager": Role.MANAGER,
    "link_adviser": Role.LINK_ADVISER,
    "pscl": Role.CONSULTANT,
    "headteacher": Role.HEADTEACHER,
    "governor": Role.GOVERNOR,
    "anonymous": None,
}
RELATIONS = ("own", "sibling", "other")
#: Which side of the world each relation's object lives on.
SIDE = {"own": "own", "sibling": "own", "other": "other"}

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    """Everything built, by kind and relation (`objects[kind][relation]`), and the actors."""

    users: dict = field(default_factory=dict)
    leas: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def put(self, kind, relation, obj):
        self.objects.setdefault(kind, {})[relation] = obj

    def get(self, kind, relation):
        return self.objects[kind][relation]


def _done_run(**kwargs):
    run = ReportRunFactory(**kwargs)
    run.pdf.save("access-test.pdf", ContentFile(PDF_BYTES), save=False)
    run.status = RunStatus.DONE
    run.title = "Autumn term 2004 progress report"
    run.html = "<p class='govuk-body'>The report.</p>"
    run.data_read_at = timezone.now()
    run.finished_at = run.data_read_at
    run.save()
    return run


def build_world() -> World:
    """Build the two LEAs, their schools, the actors and one object of every kind per
    relation. Deterministic apart from the factories' names."""
    world = World()
    lea = LocalAuthorityFactory(code="991", name="Northmoor")
    other_lea = LocalAuthorityFactory(code="992", name="Southvale")
    world.leas = {"own": lea, "other": other_lea}
    schools = {
        "own": SchoolFactory(local_authority=lea, name="Millfield Primary School"),
        "sibling": SchoolFactory(local_authority=lea, name="Oakwood Primary School"),
        "other": SchoolFactory(local_authority=other_lea, name="Southvale Junior School"),
    }
    years = {
        "own": ProgrammeYearFactory(local_authority=lea),
        "other": ProgrammeYearFactory(local_authority=other_lea),
    }
    for relation in RELATIONS:
        world.put("school", relation, schools[relation])
        world.put("lea", relation, world.leas[SIDE[relation]])
        world.put("programme_year", relation, years[SIDE[relation]])

    # The actors of the own side.
    for name, role in ACTOR_ROLES.items():
        if role is not None:
            world.users[name] = make_user(
                role, lea=lea, school=schools["own"], email=f"{name}@access.example.org"
            )

    for relation in RELATIONS:
        side_lea = world.leas[SIDE[relation]]
        school = schools[relation]
        year = years[SIDE[relation]]
        if relation != "sibling":
            FundingRatesFactory(programme_year=year)
        participation = ParticipationFactory(programme_year=year, school=school)
        world.put("participation", relation, participation)
        world.put(
            "selection_flag", relation, SelectionFlagFactory(programme_year=year, school=school)
        )
        # The PSCL of the school: the actor for "own", another PSCL of the LEA or of the other
        # LEA otherwise.
        if relation == "own":
            adviser = AdviserFactory(
                local_authority=side_lea, user=world.users["pscl"], full_name="Pat Own"
            )
        else:
            adviser = AdviserFactory(
                local_authority=side_lea, full_name=f"Sam {side_lea.name} {relation.title()}"
            )
        world.put("adviser", relation, adviser)
        world.put("adviser_year", relation, (adviser, year))
        world.put("year_adviser", relation, (adviser, year))
        world.put("token", relation, adviser)
        allocation = AllocationFactory(adviser=adviser, participation=participation)
        world.put("allocation", relation, allocation)
        # The link adviser attached to the school (the actor for the own school).
        if relation == "own":
            link = LinkAdviserFactory(
                local_authority=side_lea, user=world.users["link_adviser"], full_name="Lee Own"
            )
        else:
            link = LinkAdviserFactory(
                local_authority=side_lea, full_name=f"Lou {side_lea.name} {relation.title()}"
            )
        AttachmentFactory(adviser=link, school=school)
        # The visit log: a planned visit (the object of the visit URLs) and a submitted one
        # with an agreed action.
        planned = VisitFactory(
            allocation=allocation, planned=True, visit_on=datetime.date(2004, 12, 6)
        )
        world.put("visit", relation, planned)
        submitted = VisitFactory(allocation=allocation)
        world.put("submitted_visit", relation, submitted)
        world.put("agreed_action", relation, AgreedActionFactory(visit=submitted))
        # Teams, school-to-school visits, training.
        member = LeadershipTeamMemberFactory(participation=participation)
        world.put("team_member", relation, member)
        world.put(
            "school_visit",
            relation,
            SchoolVisitFactory(
                participation=participation,
                host_school=SchoolFactory(
                    local_authority=side_lea, name=f"{side_lea.name} {relation} host school"
                ),
            ),
        )
        if relation != "sibling":
            world.put("training_event", relation, TrainingEventFactory(programme_year=year))
        # The action plan.
        plan = ActionPlanFactory(participation=participation)
        priority = PlanPriorityFactory(plan=plan)
        world.put("plan_priority", relation, (participation, priority))
        world.put(
            "plan_criterion", relation, (participation, SuccessCriterionFactory(priority=priority))
        )
        world.put("plan_action", relation, (participation, ActionFactory(priority=priority)))
        world.put("plan_review", relation, (participation, PlanReviewFactory(plan=plan)))
        # A concern the governing body has been told of (so the school's people may read it).
        concern = ConcernFactory(school=school, level=ConcernLevel.GOVERNING_BODY)
        ConcernEscalation.objects.create(
            concern=concern,
            to_level=ConcernLevel.GOVERNING_BODY,
            note="The chair is told formally.",
            letter="Dear Chair of Governors, ...",
        )
        world.put("concern", relation, concern)
        participation.is_good_practice = True
        participation.save(update_fields=["is_good_practice"])
        world.put(
            "good_practice",
            relation,
            GoodPractice.objects.create(
                participation=participation, title="Tracking writing", case_study="It worked."
            ),
        )
        # Recruitment.
        if relation != "sibling":
            application = ApplicationFactory(programme_year=year)
            application.letter_file.save("letter.pdf", ContentFile(PDF_BYTES))
            world.put("application", relation, application)
        # Money: the grant, an instalment, a draft return with evidence.
        grant_compute(participation=participation)
        world.put("payment", relation, PaymentFactory(participation=participation))
        expenditure_return = ExpenditureReturnFactory(participation=participation)
        world.put(
            "evidence", relation, ReturnEvidenceFactory(expenditure_return=expenditure_return)
        )
        # Reports: the school's governor report, done.
        world.put("report_run", relation, _done_run(programme_year=year, school=school))
        if relation != "sibling":
            world.put("report_batch", relation, ReportBatchFactory(programme_year=year))
            # A checked KS2 file (confirming needs it on disk) with a bad row: confirming then
            # needs a choice, so an empty post imports nothing.
            stored = f"imports/access-world-{relation}.csv"
            (Path(settings.MEDIA_ROOT) / stored).parent.mkdir(parents=True, exist_ok=True)
            (Path(settings.MEDIA_ROOT) / stored).write_text("URN\n", encoding="utf-8")
            world.put(
                "import_record",
                relation,
                ImportRecord.objects.create(
                    kind=ImportKind.KS2,
                    file_name="ks2.csv",
                    stored_file=stored,
                    local_authority=side_lea,
                    is_dry_run=True,
                    status=ImportStatus.CHECKED,
                    error_count=1,
                ),
            )
    # People: the own school's headteacher, a governor of the sibling school, a manager of the
    # other LEA.
    world.put("person", "own", world.users["headteacher"])
    world.put(
        "person",
        "sibling",
        make_user(Role.GOVERNOR, school=schools["sibling"], email="sibling@access.example.org"),
    )
    world.put(
        "person",
        "other",
        make_user(Role.MANAGER, lea=other_lea, email="other@access.example.org"),
    )
    # The LEA-wide objects are the same for "own" and "sibling".
    for kind in ("training_event", "application", "report_batch", "import_record"):
        world.put(kind, "sibling", world.get(kind, "own"))
    return world


def url_kwargs(world: World, kind: str | None, relation: str, name: str = "") -> dict:
    """The keyword arguments of a URL naming the `relation` object of `kind`."""
    if kind is None:
        return {}
    obj = world.get(kind, relation) if kind in world.objects else None
    if kind == "school":
        return {"urn": obj.urn}
    if kind in ("plan_priority", "plan_criterion", "plan_action", "plan_review"):
        participation, item = obj
        if name.startswith("api:"):
            return {"pk": item.pk}
        return {"pk": participation.pk, "item": item.pk}
    if kind in ("adviser_year", "year_adviser"):
        adviser, year = obj
        return {"pk": adviser.pk, "year_pk": year.pk}
    if kind == "selection_flag":
        return {"pk": obj.programme_year_id, "urn": obj.school.urn}
    if kind == "token":
        return {"token": obj.calendar_token}
    if kind == "import_kind":
        return {"kind": "ks2"}
    if kind == "warning_kind":
        return {"kind": "no-action-plan"}
    if kind == "reset_token":
        user = world.users["headteacher"]
        return {
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
    return {"pk": obj.pk}
