"""`visible_to(user)` on every consultants model that has it, for every kind of user: each gets
exactly the rows their place allows, once each (docs/decisions/006: a PSCL sees the schools with a
current allocation to them; visit notes go to their PSCL, drafts included, to the link adviser
attached to the school and to the strategy manager; headteachers never read notes, only planned
visits, agreed actions and their pre-visit notes)."""

import pytest
from django.contrib.auth.models import AnonymousUser

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
    LinkAdviserFactory,
    PreVisitNoteFactory,
    SupportEvaluationFactory,
    VisitFactory,
)
from consultants.models import (
    Adviser,
    AdviserKind,
    AgreedAction,
    Allocation,
    AllocationStatus,
    Application,
    Attachment,
    Capacity,
    ConflictDeclaration,
    ConsultantTraining,
    PreVisitNote,
    SupportEvaluation,
    Visit,
    VisitStatus,
)
from leadership.factories import ParticipationFactory, ProgrammeYearFactory

pytestmark = pytest.mark.django_db

PSCLS = ("pscl_a", "pscl_b", "pscl_ended", "pscl_declined", "pscl_foreign")


@pytest.fixture
def world(lea, other_lea, school, sibling_school, foreign_school):
    """Two LEAs' advisers, allocations and visit logs, each row under a label, and the users
    who look at them."""
    years = {
        "own": ProgrammeYearFactory(local_authority=lea),
        "other": ProgrammeYearFactory(local_authority=other_lea),
    }
    participations = {
        "own": ParticipationFactory(programme_year=years["own"], school=school),
        "sib": ParticipationFactory(programme_year=years["own"], school=sibling_school),
        "for": ParticipationFactory(programme_year=years["other"], school=foreign_school),
    }
    advisers = {
        name: AdviserFactory(local_authority=other_lea if name == "pscl_foreign" else lea)
        for name in PSCLS
    }
    advisers.update(
        la_attached=LinkAdviserFactory(local_authority=lea),
        la_unattached=LinkAdviserFactory(local_authority=lea),
        la_sibling=LinkAdviserFactory(local_authority=lea),
        literacy=AdviserFactory(
            local_authority=lea, kind=AdviserKind.LITERACY, user=None, full_name="Tom Reid"
        ),
        la_foreign=LinkAdviserFactory(local_authority=other_lea),
    )
    yearly = {}
    for model_factory, model in (
        (CapacityFactory, Capacity),
        (ConsultantTrainingFactory, ConsultantTraining),
        (ConflictDeclarationFactory, ConflictDeclaration),
    ):
        yearly[model] = {
            name: model_factory(
                adviser=advisers[name],
                programme_year=years["other" if name == "pscl_foreign" else "own"],
            )
            for name in PSCLS
        }
    attachments = {
        "la_attached@own": AttachmentFactory(adviser=advisers["la_attached"], school=school),
        "literacy@own": AttachmentFactory(adviser=advisers["literacy"], school=school),
        "la_sibling@sib": AttachmentFactory(adviser=advisers["la_sibling"], school=sibling_school),
        "la_foreign@for": AttachmentFactory(adviser=advisers["la_foreign"], school=foreign_school),
    }
    allocations = {
        "a_own": AllocationFactory(adviser=advisers["pscl_a"], participation=participations["own"]),
        "a_ended": AllocationFactory(
            adviser=advisers["pscl_ended"],
            participation=participations["own"],
            status=AllocationStatus.ENDED,
        ),
        "a_declined": AllocationFactory(
            adviser=advisers["pscl_declined"],
            participation=participations["own"],
            status=AllocationStatus.DECLINED,
        ),
        "a_sib": AllocationFactory(
            adviser=advisers["pscl_b"],
            participation=participations["sib"],
            status=AllocationStatus.CHANGE_REQUESTED,
        ),
        "a_for": AllocationFactory(
            adviser=advisers["pscl_foreign"], participation=participations["for"]
        ),
    }
    visits = {}
    for prefix, allocation in (
        ("own", allocations["a_own"]),
        ("sib", allocations["a_sib"]),
        ("for", allocations["a_for"]),
    ):
        visits[f"{prefix}_submitted"] = VisitFactory(allocation=allocation)
        visits[f"{prefix}_draft"] = VisitFactory(allocation=allocation, status=VisitStatus.DRAFT)
        visits[f"{prefix}_planned"] = VisitFactory(allocation=allocation, planned=True)
    visits["own_cancelled"] = VisitFactory(
        allocation=allocations["a_own"], planned=True, status=VisitStatus.CANCELLED
    )
    visits["ended_submitted"] = VisitFactory(allocation=allocations["a_ended"])
    actions = {
        label: AgreedActionFactory(visit=visits[label])
        for label in ("own_submitted", "own_draft", "ended_submitted", "sib_submitted")
    }
    actions["for_submitted"] = AgreedActionFactory(visit=visits["for_submitted"])
    notes = {
        label: PreVisitNoteFactory(visit=visits[label])
        for label in ("own_planned", "sib_planned", "for_planned")
    }
    evaluations = {
        label: SupportEvaluationFactory(allocation=allocations[label])
        for label in ("a_own", "a_ended", "a_sib", "a_for")
    }
    applications = {
        "own": ApplicationFactory(programme_year=years["own"], home_school=sibling_school),
        "for": ApplicationFactory(programme_year=years["other"], home_school=foreign_school),
    }
    users = {
        "admin": make_user(Role.ADMIN),
        "manager": make_user(Role.MANAGER, lea=lea),
        "link_attached": advisers["la_attached"].user,
        "link_unattached": advisers["la_unattached"].user,
        "pscl": advisers["pscl_a"].user,
        "pscl_of_sibling": advisers["pscl_b"].user,
        "pscl_ended": advisers["pscl_ended"].user,
        "pscl_declined": advisers["pscl_declined"].user,
        "headteacher": make_user(Role.HEADTEACHER, school=school),
        "governor": make_user(Role.GOVERNOR, school=school),
        "other_manager": make_user(Role.MANAGER, lea=other_lea),
        "other_link_adviser": advisers["la_foreign"].user,
        "other_pscl": advisers["pscl_foreign"].user,
        "other_headteacher": make_user(Role.HEADTEACHER, school=foreign_school),
        "anonymous": None,
        **{
            f"inactive_{role.value.lower()}": make_user(
                role, lea=lea, school=school, is_active=False
            )
            for role in Role
        },
    }
    return {
        "users": users,
        "rows": {
            Adviser: advisers,
            **yearly,
            Attachment: attachments,
            Application: applications,
            Allocation: allocations,
            Visit: visits,
            AgreedAction: actions,
            PreVisitNote: notes,
            SupportEvaluation: evaluations,
        },
    }


OWN_ADVISERS = {"pscl_a", "pscl_b", "pscl_ended", "pscl_declined"}
OWN_LEA_ADVISERS = {*OWN_ADVISERS, "la_attached", "la_unattached", "la_sibling", "literacy"}
OWN_ALLOCATIONS = {"a_own", "a_ended", "a_declined", "a_sib"}
OWN_SHARED_VISITS = {"own_submitted", "own_planned", "ended_submitted"}
SIB_SHARED_VISITS = {"sib_submitted", "sib_planned"}
EVERYTHING = "everything"

#: For each model, the labels each user sees; a user not named sees nothing.
EXPECTED = {
    Adviser: {
        "admin": EVERYTHING,
        "manager": OWN_LEA_ADVISERS,
        "link_attached": OWN_LEA_ADVISERS,
        "link_unattached": OWN_LEA_ADVISERS,
        "pscl": {"pscl_a"},
        "pscl_of_sibling": {"pscl_b"},
        "pscl_ended": {"pscl_ended"},
        "pscl_declined": {"pscl_declined"},
        "other_manager": {"pscl_foreign", "la_foreign"},
        "other_link_adviser": {"pscl_foreign", "la_foreign"},
        "other_pscl": {"pscl_foreign"},
    },
    Attachment: {
        "admin": EVERYTHING,
        "manager": {"la_attached@own", "literacy@own", "la_sibling@sib"},
        "link_attached": {"la_attached@own", "literacy@own", "la_sibling@sib"},
        "link_unattached": {"la_attached@own", "literacy@own", "la_sibling@sib"},
        "pscl": {"la_attached@own", "literacy@own"},
        "pscl_of_sibling": {"la_sibling@sib"},
        "headteacher": {"la_attached@own", "literacy@own"},
        "governor": {"la_attached@own", "literacy@own"},
        "other_manager": {"la_foreign@for"},
        "other_link_adviser": {"la_foreign@for"},
        "other_pscl": {"la_foreign@for"},
        "other_headteacher": {"la_foreign@for"},
    },
    Application: {
        "admin": EVERYTHING,
        "manager": {"own"},
        "link_attached": {"own"},
        "link_unattached": {"own"},
        "other_manager": {"for"},
        "other_link_adviser": {"for"},
    },
    Allocation: {
        "admin": EVERYTHING,
        "manager": OWN_ALLOCATIONS,
        "link_attached": OWN_ALLOCATIONS,
        "link_unattached": OWN_ALLOCATIONS,
        # Only their own match: not the school's earlier, ended or declined, matches and why.
        "pscl": {"a_own"},
        "pscl_of_sibling": {"a_sib"},
        "headteacher": {"a_own", "a_ended", "a_declined"},
        "governor": {"a_own", "a_ended", "a_declined"},
        "other_manager": {"a_for"},
        "other_link_adviser": {"a_for"},
        "other_pscl": {"a_for"},
        "other_headteacher": {"a_for"},
    },
    Visit: {
        "admin": EVERYTHING,
        "manager": OWN_SHARED_VISITS | SIB_SHARED_VISITS,
        "link_attached": OWN_SHARED_VISITS,
        "pscl": {"own_submitted", "own_draft", "own_planned", "own_cancelled"},
        "pscl_of_sibling": {"sib_submitted", "sib_draft", "sib_planned"},
        "other_manager": {"for_submitted", "for_planned"},
        "other_link_adviser": {"for_submitted", "for_planned"},
        "other_pscl": {"for_submitted", "for_draft", "for_planned"},
    },
    AgreedAction: {
        "admin": EVERYTHING,
        "manager": {"own_submitted", "ended_submitted", "sib_submitted"},
        "link_attached": {"own_submitted", "ended_submitted"},
        "pscl": {"own_submitted", "own_draft"},
        "pscl_of_sibling": {"sib_submitted"},
        "headteacher": {"own_submitted", "ended_submitted"},
        "other_manager": {"for_submitted"},
        "other_link_adviser": {"for_submitted"},
        "other_pscl": {"for_submitted"},
        "other_headteacher": {"for_submitted"},
    },
    PreVisitNote: {
        "admin": EVERYTHING,
        "manager": {"own_planned", "sib_planned"},
        "link_attached": {"own_planned"},
        "pscl": {"own_planned"},
        "pscl_of_sibling": {"sib_planned"},
        "headteacher": {"own_planned"},
        "other_manager": {"for_planned"},
        "other_link_adviser": {"for_planned"},
        "other_pscl": {"for_planned"},
        "other_headteacher": {"for_planned"},
    },
    SupportEvaluation: {
        "admin": EVERYTHING,
        "manager": {"a_own", "a_ended", "a_sib"},
        "pscl": {"a_own"},
        "pscl_of_sibling": {"a_sib"},
        # A PSCL whose match ended no longer sees the school, nor its ratings.
        "headteacher": {"a_own", "a_ended"},
        "other_manager": {"a_for"},
        "other_pscl": {"a_for"},
        "other_headteacher": {"a_for"},
    },
}
#: A PSCL's yearly records follow their adviser profile.
YEARLY_EXPECTED = {
    "admin": EVERYTHING,
    "manager": OWN_ADVISERS,
    "link_attached": OWN_ADVISERS,
    "link_unattached": OWN_ADVISERS,
    "pscl": {"pscl_a"},
    "pscl_of_sibling": {"pscl_b"},
    "pscl_ended": {"pscl_ended"},
    "pscl_declined": {"pscl_declined"},
    "other_manager": {"pscl_foreign"},
    "other_link_adviser": {"pscl_foreign"},
    "other_pscl": {"pscl_foreign"},
}
EXPECTED.update(dict.fromkeys((Capacity, ConsultantTraining, ConflictDeclaration), YEARLY_EXPECTED))

USER_NAMES = [
    "admin",
    "manager",
    "link_attached",
    "link_unattached",
    "pscl",
    "pscl_of_sibling",
    "pscl_ended",
    "pscl_declined",
    "headteacher",
    "governor",
    "other_manager",
    "other_link_adviser",
    "other_pscl",
    "other_headteacher",
    "anonymous",
    *(f"inactive_{role.value.lower()}" for role in Role),
]


def _user(world, name):
    return world["users"][name] or AnonymousUser()


def _visible_labels(model, user, rows, *, method="visible_to"):
    """The labels of the rows `user` sees, checking that none comes twice."""
    pks = list(getattr(model.objects, method)(user).values_list("pk", flat=True))
    assert len(pks) == len(set(pks)), f"{model.__name__} rows repeated for {user}"
    labels = {label for label, row in rows.items() if row.pk in set(pks)}
    assert len(labels) == len(pks), f"{model.__name__} rows outside the world for {user}"
    return labels


@pytest.mark.parametrize("name", USER_NAMES)
def test_each_user_sees_exactly_the_consultant_rows_of_their_place(name, world):
    user = _user(world, name)
    expected = {}
    for model, by_user in EXPECTED.items():
        labels = by_user.get(name, set())
        expected[model.__name__] = set(world["rows"][model]) if labels == EVERYTHING else labels

    visible = {
        model.__name__: _visible_labels(model, user, world["rows"][model]) for model in EXPECTED
    }

    assert visible == expected


@pytest.mark.parametrize("name", USER_NAMES)
def test_the_allocations_of_a_school_seen_are_those_visible_to_the_user(name, world):
    """`visible_to_in_visible_school` (the school page's reading, without the join to the
    school) agrees with `visible_to` on every school the user may see."""
    from schools.models import School

    user = _user(world, name)
    labels = {row.pk: label for label, row in world["rows"][Allocation].items()}
    seen = {}
    for school in School.objects.visible_to(user):
        in_school = Allocation.objects.filter(participation__school=school)
        answer = {
            labels[pk]
            for pk in in_school.visible_to_in_visible_school(user).values_list("pk", flat=True)
        }
        assert answer == {
            labels[pk] for pk in in_school.visible_to(user).values_list("pk", flat=True)
        }
        seen.update(dict.fromkeys(answer, school.name))
    expected = EXPECTED[Allocation].get(name, set())
    assert set(seen) == (set(labels.values()) if expected == EVERYTHING else expected)


#: The planned visits (date and purpose) each user sees: the notes' readers and the headteacher.
SCHEDULE_EXPECTED = {
    "admin": {"own_planned", "sib_planned", "for_planned"},
    "manager": {"own_planned", "sib_planned"},
    "link_attached": {"own_planned"},
    "pscl": {"own_planned"},
    "pscl_of_sibling": {"sib_planned"},
    "headteacher": {"own_planned"},
    "other_manager": {"for_planned"},
    "other_link_adviser": {"for_planned"},
    "other_pscl": {"for_planned"},
    "other_headteacher": {"for_planned"},
}


@pytest.mark.parametrize("name", USER_NAMES)
def test_each_user_sees_the_planned_visits_of_their_place(name, world):
    visible = _visible_labels(
        Visit, _user(world, name), world["rows"][Visit], method="schedule_visible_to"
    )

    assert visible == SCHEDULE_EXPECTED.get(name, set())


def test_a_headteacher_reads_no_visit_note_but_the_schools_actions_and_planned_visits(world):
    head = world["users"]["headteacher"]
    own_visits = {
        label: visit for label, visit in world["rows"][Visit].items() if label.startswith("own")
    }

    assert Visit.objects.visible_to(head).count() == 0
    assert set(Visit.objects.schedule_visible_to(head)) == {own_visits["own_planned"]}
    assert not AgreedAction.objects.visible_to(head).filter(visit=own_visits["own_draft"]).exists()


def test_a_draft_is_read_by_its_pscl_only(world):
    draft = world["rows"][Visit]["own_draft"]

    readers = {
        name
        for name in USER_NAMES
        if Visit.objects.visible_to(_user(world, name)).filter(pk=draft.pk).exists()
    }

    assert readers == {"admin", "pscl"}


def test_a_pscl_loses_the_school_and_its_notes_once_the_match_ends(world):
    pscl = world["users"]["pscl"]
    allocation = world["rows"][Allocation]["a_own"]
    before = Visit.objects.visible_to(pscl).count()

    allocation.status = AllocationStatus.ENDED
    allocation.end_reason = "The PSCL took up a headship elsewhere."
    allocation.save()

    assert before == 4
    assert Visit.objects.visible_to(pscl).count() == 0
    assert Allocation.objects.visible_to(pscl).count() == 0
    assert PreVisitNote.objects.visible_to(pscl).count() == 0
    assert set(Adviser.objects.visible_to(pscl)) == {world["rows"][Adviser]["pscl_a"]}


def test_a_pscl_who_no_longer_works_for_the_lea_sees_no_school(world):
    adviser = world["rows"][Adviser]["pscl_a"]
    adviser.is_active = False
    adviser.save()

    pscl = world["users"]["pscl"]

    assert Visit.objects.visible_to(pscl).count() == 0
    assert Allocation.objects.visible_to(pscl).count() == 0
    assert Attachment.objects.visible_to(pscl).count() == 0


def test_a_deactivated_pscl_log_in_sees_nothing_though_still_allocated(world):
    pscl = world["users"]["pscl"]
    pscl.is_active = False
    pscl.save()

    seen = {model.__name__: model.objects.visible_to(pscl).count() for model in EXPECTED}

    assert seen == dict.fromkeys(seen, 0)


def test_a_link_adviser_attached_later_reads_the_schools_notes(world):
    link_adviser = world["rows"][Adviser]["la_unattached"]
    before = Visit.objects.visible_to(link_adviser.user).count()

    AttachmentFactory(
        adviser=link_adviser, school=world["rows"][Allocation]["a_sib"].participation.school
    )

    visible = set(Visit.objects.visible_to(link_adviser.user))
    assert before == 0
    assert visible == {world["rows"][Visit][label] for label in SIB_SHARED_VISITS}
