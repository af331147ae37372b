"""Archive instead of deletion: `Archivable` rows leave the working lists but stay, with their
history; the Django admin deletes no operational record and archives and restores the
archivable ones."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.admin_archive import ArchivableAdminMixin
from accounts.models import Archivable, Role
from consultants.models import Adviser, Allocation, Application, Visit
from funding.factories import CoverClaimFactory, ReturnEvidenceFactory
from funding.models import ExpenditureReturn, Grant, Payment, ReturnEvidence
from funding.selectors.returns import return_members
from funding.services.returns import evidence_remove
from leadership.factories import (
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    SchoolVisitFactory,
)
from leadership.models import (
    ActionPlan,
    LeadershipTeamMember,
    MemberRole,
    Participation,
    ParticipationStatus,
    ProgrammeYear,
    SchoolVisit,
)
from leadership.selectors.teams import school_visit_list, team_overview
from leadership.services.teams import school_visit_archive, team_member_remove
from schools.models import LocalAuthority, School

pytestmark = pytest.mark.django_db

#: The operational records of issue 8: never deleted in the admin.
OPERATIONAL_MODELS = [
    ProgrammeYear,
    Participation,
    Allocation,
    Visit,
    Adviser,
    Application,
    Grant,
    Payment,
    ExpenditureReturn,
    ActionPlan,
    School,
    LocalAuthority,
    LeadershipTeamMember,
    SchoolVisit,
    ReturnEvidence,
]


@pytest.fixture
def participation(school):
    return ParticipationFactory(
        school=school,
        programme_year__local_authority=school.local_authority,
        status=ParticipationStatus.ACTIVE,
    )


@pytest.mark.parametrize("model", OPERATIONAL_MODELS, ids=lambda m: m._meta.label)
def test_the_admin_never_deletes_an_operational_record(model, admin_user):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = admin_user

    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)
    if issubclass(model, Archivable):
        assert isinstance(model_admin, ArchivableAdminMixin)
        assert {"archive_selected", "restore_selected"} <= set(model_admin.get_actions(request))


def test_the_admin_archives_and_restores_with_history(participation, admin_user, client_for):
    member = LeadershipTeamMemberFactory(participation=participation)
    client = client_for(admin_user)
    changelist = reverse("admin:leadership_leadershipteammember_changelist")
    delete = reverse("admin:leadership_leadershipteammember_delete", args=[member.pk])

    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(changelist, {"action": "archive_selected", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.archived_by == admin_user
    assert member.history.latest().history_user == admin_user
    archived = client.get(changelist, {"archived": "yes"}).context["cl"].result_list
    assert list(archived) == [member]

    client.post(changelist, {"action": "restore_selected", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.archived_at is None
    assert member.history.count() == 3


def test_a_member_who_left_is_a_former_member_and_leaves_the_team_figures(participation):
    head = LeadershipTeamMemberFactory(participation=participation, role=MemberRole.HEADTEACHER)
    deputy = LeadershipTeamMemberFactory(participation=participation, role=MemberRole.DEPUTY)
    SchoolVisitFactory(participation=participation, members=[head, deputy])

    team_member_remove(member=deputy)

    overview = team_overview(participation)
    assert [row.member for row in overview.members] == [head]
    assert overview.former_members == (deputy,)
    assert LeadershipTeamMember.objects.filter(pk=deputy.pk).exists()


def test_a_former_member_with_cover_claimed_stays_on_the_return(participation):
    kept = LeadershipTeamMemberFactory(
        participation=participation, role=MemberRole.DEPUTY, full_name="Amy Kept"
    )
    gone = LeadershipTeamMemberFactory(
        participation=participation, role=MemberRole.OTHER_SENIOR, full_name="Zed Left"
    )
    left_unclaimed = LeadershipTeamMemberFactory(
        participation=participation, role=MemberRole.MATHS_COORDINATOR
    )
    CoverClaimFactory(
        expenditure_return__participation=participation, member=gone, days=Decimal("2.0")
    )
    for member in (gone, left_unclaimed):
        team_member_remove(member=member)

    assert list(return_members(participation)) == [kept, gone]


def test_a_removed_school_visit_leaves_the_list_and_is_kept(participation, users):
    member = LeadershipTeamMemberFactory(participation=participation)
    visit = SchoolVisitFactory(participation=participation, members=[member])

    school_visit_archive(visit=visit, by=users[Role.HEADTEACHER])

    assert school_visit_list(participation=participation, user=users[Role.MANAGER]).visits == ()
    visit.refresh_from_db()
    assert visit.archived_by == users[Role.HEADTEACHER]
    assert visit.history.latest().archived_at == visit.archived_at


def test_removed_evidence_is_archived_with_its_file(participation, users):
    evidence = ReturnEvidenceFactory(expenditure_return__participation=participation)

    evidence_remove(evidence=evidence, by=users[Role.HEADTEACHER])

    evidence.refresh_from_db()
    assert evidence.is_archived
    assert evidence.file.storage.exists(evidence.file.name)
    assert not ReturnEvidence.objects.active().exists()


def test_archiving_twice_keeps_the_first_time_and_author(participation, users):
    member = LeadershipTeamMemberFactory(participation=participation)
    member.archive(users[Role.MANAGER])
    first = member.archived_at

    member.archive(users[Role.HEADTEACHER])

    member.refresh_from_db()
    assert (member.archived_at, member.archived_by) == (first, users[Role.MANAGER])
