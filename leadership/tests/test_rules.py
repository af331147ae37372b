"""django-rules permissions of the programme year, asked through `user.has_perm(perm, obj)` as
views and templates ask them: every `leadership.*` permission, for every role, on a school's own
rows, rows of another school of the same LEA and rows of another LEA (leadership/rules.py: the
strategy manager does everything in the LEA; the headteacher edits their own school's team and
plan and answers its invitation; the PSCL allocated to the school edits its plan with the head;
governors and link advisers read; link advisers and PSCLs may also raise concerns; only the
manager and the link adviser escalate them)."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from conftest import make_user
from leadership.factories import (
    ActionPlanFactory,
    ConcernFactory,
    LeadershipTeamMemberFactory,
    NoteFactory,
    ParticipationFactory,
    ProgrammeYearFactory,
    SchoolVisitFactory,
    SelectionFlagFactory,
)
from leadership.models import GoodPractice, MemberRole
from tests.actors import allocate

pytestmark = pytest.mark.django_db

#: Each actor of `lea`'s side: (role, whether active); None is an anonymous visitor.
ACTORS = {
    "admin": (Role.ADMIN, True),
    "manager": (Role.MANAGER, True),
    "link_adviser": (Role.LINK_ADVISER, True),
    "pscl": (Role.CONSULTANT, True),
    "headteacher": (Role.HEADTEACHER, True),
    "governor": (Role.GOVERNOR, True),
    "anonymous": (None, False),
    **{f"inactive_{role.value.lower()}": (role, False) for role in Role},
}

EVERYWHERE = {"own", "same_lea", "other_lea"}
IN_LEA = {"own", "same_lea"}

#: For each permission on a programme year, the actors allowed on the year of their own LEA
#: ("own") and of another ("other_lea"). A year's pages are the LEA's: its staff read them; a
#: school's headteacher and governors see their own school's part of the year instead.
YEAR_PERMISSIONS = {
    "leadership.view_programmeyear": {
        "admin": {"own", "other_lea"},
        "manager": {"own"},
        "link_adviser": {"own"},
        "pscl": {"own"},
    },
    "leadership.manage_programmeyear": {"admin": {"own", "other_lea"}, "manager": {"own"}},
}

#: For each permission on a school's rows, the actors allowed on each target: "own" (the
#: school of the headteacher and governor), "same_lea" (another school of their LEA),
#: "other_lea". A PSCL sees only the schools allocated to them: here, the "own" school.
SCHOOL_PERMISSIONS = {
    "leadership.view_participation": {
        "admin": EVERYWHERE,
        "manager": IN_LEA,
        "link_adviser": IN_LEA,
        "pscl": {"own"},
        "headteacher": {"own"},
        "governor": {"own"},
    },
    "leadership.manage_participation": {"admin": EVERYWHERE, "manager": IN_LEA},
    "leadership.answer_invitation": {
        "admin": EVERYWHERE,
        "manager": IN_LEA,
        "headteacher": {"own"},
    },
    "leadership.edit_team": {"admin": EVERYWHERE, "manager": IN_LEA, "headteacher": {"own"}},
    "leadership.edit_plan": {
        "admin": EVERYWHERE,
        "manager": IN_LEA,
        "pscl": {"own"},
        "headteacher": {"own"},
    },
    "leadership.add_note": {
        "admin": EVERYWHERE,
        "manager": IN_LEA,
        "link_adviser": IN_LEA,
        "pscl": {"own"},
        "headteacher": {"own"},
    },
    "leadership.raise_concern": {
        "admin": EVERYWHERE,
        "manager": IN_LEA,
        "link_adviser": IN_LEA,
        "pscl": {"own"},
    },
    "leadership.escalate_concern": {
        "admin": EVERYWHERE,
        "manager": IN_LEA,
        "link_adviser": IN_LEA,
    },
    "leadership.notify_governing_body": {"admin": EVERYWHERE, "manager": IN_LEA},
}


def _actor(name, lea, school):
    role, is_active = ACTORS[name]
    if role is None:
        return AnonymousUser()
    return make_user(role, lea=lea, school=school, is_active=is_active)


def _rows_of(school):
    """The kinds of object the school permissions are asked about, all of `school`."""
    year = ProgrammeYearFactory(local_authority=school.local_authority)
    participation = ParticipationFactory(programme_year=year, school=school)
    return {
        "school": school,
        "participation": participation,
        "team_member": LeadershipTeamMemberFactory(
            participation=participation, role=MemberRole.DEPUTY
        ),
        "action_plan": ActionPlanFactory(participation=participation),
        "school_visit": SchoolVisitFactory(participation=participation, host_school=school),
        "selection_flag": SelectionFlagFactory(programme_year=year, school=school),
        "good_practice": GoodPractice.objects.create(
            participation=participation, title="Writing", case_study="Weekly checks."
        ),
        "note": NoteFactory(school=school),
        "concern": ConcernFactory(school=school),
    }


@pytest.fixture
def targets(school, sibling_school, foreign_school):
    return {
        "own": _rows_of(school),
        "same_lea": _rows_of(sibling_school),
        "other_lea": _rows_of(foreign_school),
    }


def test_every_leadership_permission_is_covered():
    defined = {name for name in rules.permissions.permissions if name.startswith("leadership.")}

    assert defined == {*YEAR_PERMISSIONS, *SCHOOL_PERMISSIONS}


@pytest.mark.parametrize("name", ACTORS)
@pytest.mark.parametrize("perm", SCHOOL_PERMISSIONS)
def test_school_permissions_follow_the_users_place(perm, name, lea, school, targets):
    user = _actor(name, lea, school)
    if name == "pscl":
        allocate(user, school, targets["own"]["participation"])

    allowed = {
        (target, kind)
        for target, rows in targets.items()
        for kind, obj in rows.items()
        if user.has_perm(perm, obj)
    }

    kinds = targets["own"].keys()
    expected = {(t, k) for t in SCHOOL_PERMISSIONS[perm].get(name, ()) for k in kinds}
    assert allowed == expected


@pytest.mark.parametrize("target", ["own", "other_lea"])
@pytest.mark.parametrize("name", ACTORS)
@pytest.mark.parametrize("perm", YEAR_PERMISSIONS)
def test_programme_year_permissions_follow_the_users_lea(
    perm, name, target, lea, other_lea, school
):
    user = _actor(name, lea, school)
    year = ProgrammeYearFactory(local_authority={"own": lea, "other_lea": other_lea}[target])

    allowed = user.has_perm(perm, year)

    assert allowed is (target in YEAR_PERMISSIONS[perm].get(name, set()))


@pytest.mark.parametrize("perm", [*YEAR_PERMISSIONS, *SCHOOL_PERMISSIONS])
def test_without_an_object_only_the_admin_holds_a_leadership_permission(perm, users):
    for role, user in users.items():
        assert user.has_perm(perm) is (role == Role.ADMIN)
    assert AnonymousUser().has_perm(perm) is False


@pytest.mark.parametrize("status", ["ENDED", "DECLINED"])
def test_a_pscl_whose_allocation_ended_or_was_declined_no_longer_edits_the_plan(
    status, lea, school, targets
):
    user = _actor("pscl", lea, school)
    allocation = allocate(user, school, targets["own"]["participation"])
    plan = targets["own"]["action_plan"]
    allowed_while_current = user.has_perm("leadership.edit_plan", plan)

    allocation.status = status
    allocation.end_reason = "The school asked for another PSCL."
    allocation.save()

    assert allowed_while_current is True
    assert user.has_perm("leadership.edit_plan", plan) is False
    assert user.has_perm("leadership.view_participation", plan.participation) is False


def test_a_headteacher_of_another_lea_answers_only_their_own_invitation(foreign_users, targets):
    head = foreign_users[Role.HEADTEACHER]

    answers = {
        target: head.has_perm("leadership.answer_invitation", rows["participation"])
        for target, rows in targets.items()
    }

    assert answers == {"own": False, "same_lea": False, "other_lea": True}
