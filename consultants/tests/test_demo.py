"""The consultant leaders' part of `manage.py seed_demo` tells its story: each demo LEA's PSCLs,
link advisers and consultants; capacity, training and declarations; this year's recruitment; a
match for every school that took up a place (the demo PSCL with four schools, the demo school
among them); a visit log from September to the demo's "today" with drafts, planned visits, quiet
schools and a school past its days; and the schools' ratings of the support."""

import datetime
import io
import itertools
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse

from accounts.factories import DEMO_PASSWORD
from accounts.models import User
from consultants.models import (
    Adviser,
    AdviserKind,
    AgreedAction,
    Allocation,
    AllocationEventKind,
    AllocationStatus,
    Application,
    ApplicationStatus,
    Attachment,
    Capacity,
    ConflictDeclaration,
    ConsultantTraining,
    DeclaredConflict,
    PreVisitNote,
    SupportEvaluation,
    Term,
    TrainingDay,
    Visit,
    VisitStatus,
)
from leadership.demo import DEMO_TODAY
from leadership.models import Participation, ParticipationStatus, ProgrammeYear
from schools.models import School

pytestmark = pytest.mark.django_db

LEAS = {"991": "northmoor", "992": "southvale"}
DEMO_SCHOOLS = {"991": "Millfield Primary School", "992": "Kingsway Primary School"}
SIX_WEEKS_BEFORE = DEMO_TODAY - datetime.timedelta(weeks=6)


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    """The demo data, seeded once for this module in a transaction rolled back at its end."""
    out = io.StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        with TestCase.captureOnCommitCallbacks(execute=False):
            call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _user(code, local):
    return User.objects.get(email=f"{local}@{LEAS[code]}.example.org")


def _year(code, name="2004-05"):
    return ProgrammeYear.objects.get(local_authority__code=code, name=name)


def _current(code):
    return Allocation.objects.current().filter(participation__programme_year=_year(code))


@pytest.mark.parametrize("code", LEAS)
def test_demo_pscl_sees_exactly_the_demo_school_and_three_others(code):
    pscl = _user(code, "pscl")

    schools = list(School.objects.visible_to(pscl))

    assert len(schools) == 4
    assert DEMO_SCHOOLS[code] in {school.name for school in schools}
    assert set(schools) == {
        a.participation.school for a in _current(code).filter(adviser__user=pscl)
    }


@pytest.mark.parametrize("code", LEAS)
def test_each_lea_has_nine_pscls_three_link_advisers_and_two_subject_consultants(code):
    kinds = Counter(
        Adviser.objects.filter(local_authority__code=code).values_list("kind", flat=True)
    )
    pscls = Adviser.objects.filter(local_authority__code=code, kind=AdviserKind.PSCL)

    assert kinds == {
        AdviserKind.PSCL: 9,
        AdviserKind.LINK_ADVISER: 3,
        AdviserKind.LITERACY: 1,
        AdviserKind.NUMERACY: 1,
    }
    assert all(p.user and p.home_school and p.appointed_on for p in pscls)
    assert pscls.filter(user=_user(code, "pscl")).exists()
    assert Adviser.objects.filter(user=_user(code, "adviser"), kind=AdviserKind.LINK_ADVISER)
    assert not pscls.filter(home_school__participations__programme_year=_year(code)).exists()


def test_every_demo_pscl_and_link_adviser_signs_in_with_the_demo_password():
    request = RequestFactory().post("/accounts/login/")
    people = Adviser.objects.exclude(user=None).select_related("user")

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        signed_in = {
            adviser.user.email: authenticate(
                request, username=adviser.user.email, password=DEMO_PASSWORD
            )
            for adviser in people
        }

    assert len(signed_in) == 24
    assert all(user is not None for user in signed_in.values())


@pytest.mark.parametrize("code", LEAS)
def test_every_school_has_one_link_adviser_the_demo_one_about_half(code):
    schools = School.objects.filter(local_authority__code=code)
    links = Attachment.objects.filter(school__in=schools, adviser__kind=AdviserKind.LINK_ADVISER)
    per_school = Counter(links.values_list("school_id", flat=True))
    demo_share = links.filter(adviser__user=_user(code, "adviser"))

    assert set(per_school.values()) == {1}
    assert len(per_school) == schools.count()
    assert demo_share.count() == schools.count() // 2
    assert demo_share.filter(school__name=DEMO_SCHOOLS[code]).exists()


@pytest.mark.parametrize("code", LEAS)
def test_training_declarations_and_capacity_tell_their_story(code):
    year = _year(code)
    pscls = Adviser.objects.filter(local_authority__code=code, kind=AdviserKind.PSCL)
    fourth = ConsultantTraining.objects.filter(programme_year=year, day=TrainingDay.FOURTH)
    declared = ConflictDeclaration.objects.filter(programme_year=year)
    undeclared = pscls.exclude(conflict_declarations__programme_year=year)
    conflicts = DeclaredConflict.objects.filter(declaration__programme_year=year)

    assert fourth.count() == 8
    assert declared.count() == 8
    assert undeclared.count() == 1
    assert not _current(code).filter(adviser__in=undeclared).exists()
    assert conflicts.count() == 1
    conflict = conflicts.get()
    assert not _current(code).filter(
        adviser=conflict.declaration.adviser, participation__school=conflict.school
    )
    for adviser in pscls:
        capacity = Capacity.objects.get(adviser=adviser, programme_year=year)
        assert _current(code).filter(adviser=adviser).count() <= capacity.max_schools


@pytest.mark.parametrize("code", LEAS)
def test_this_years_recruitment_stands_at_every_status_with_its_steps(code):
    applications = Application.objects.filter(programme_year=_year(code)).prefetch_related("steps")
    statuses = Counter(a.status for a in applications)

    assert set(statuses) == set(ApplicationStatus.values)
    assert statuses[ApplicationStatus.APPOINTED] == 4
    for application in applications:
        steps = list(application.steps.all())
        assert steps[0].from_status == ""
        assert steps[-1].to_status == application.status
        assert all(a.to_status == b.from_status for a, b in itertools.pairwise(steps))
        if application.status == ApplicationStatus.APPOINTED:
            assert application.adviser.full_name == application.full_name


@pytest.mark.parametrize("code", LEAS)
def test_every_school_that_took_up_a_place_has_one_current_pscl(code):
    taken_up = Participation.objects.filter(
        programme_year=_year(code),
        status__in=(ParticipationStatus.ACTIVE, ParticipationStatus.ACCEPTED),
    )
    matched = Counter(_current(code).values_list("participation_id", flat=True))

    assert set(matched) == set(taken_up.values_list("pk", flat=True))
    assert set(matched.values()) == {1}


@pytest.mark.parametrize("code", LEAS)
def test_one_school_asked_for_a_change_and_one_declined_and_was_matched_again(code):
    this_year = Allocation.objects.filter(participation__programme_year=_year(code))
    asked = this_year.get(status=AllocationStatus.CHANGE_REQUESTED)
    declined = this_year.get(status=AllocationStatus.DECLINED)
    replacement = this_year.current().get(participation=declined.participation)

    assert asked.events.filter(kind=AllocationEventKind.CHANGE_REQUESTED).exists()
    assert declined.end_reason and declined.ended_on
    assert [e.kind for e in declined.events.all()] == [
        AllocationEventKind.CONFIRMED,
        AllocationEventKind.DECLINED,
    ]
    assert replacement.adviser != declined.adviser
    assert replacement.confirmed_at > declined.events.last().at


@pytest.mark.parametrize("code", LEAS)
def test_last_years_completed_schools_had_a_pscl_whose_match_ended_with_the_year(code):
    completed = Participation.objects.filter(
        programme_year=_year(code, "2003-04"), status=ParticipationStatus.COMPLETED
    )
    allocations = Allocation.objects.filter(participation__in=completed)

    assert allocations.count() == completed.count()
    assert set(allocations.values_list("status", flat=True)) == {AllocationStatus.ENDED}
    for allocation in allocations:
        terms = set(allocation.evaluations.values_list("term", flat=True))
        assert terms == set(Term.values)


@pytest.mark.parametrize("code", LEAS)
def test_the_visit_log_runs_from_september_to_demo_today_with_drafts_and_plans(code):
    visits = Visit.objects.filter(allocation__participation__programme_year=_year(code))
    submitted = visits.filter(status=VisitStatus.SUBMITTED)
    drafts = visits.filter(status=VisitStatus.DRAFT)
    planned = visits.filter(status=VisitStatus.PLANNED)
    pscl = _user(code, "pscl")

    assert submitted.count() > 60
    assert min(v.visit_on for v in submitted) >= datetime.date(2004, 9, 1)
    assert max(v.visit_on for v in submitted) <= DEMO_TODAY
    assert 1 <= drafts.count() <= 3
    assert drafts.filter(allocation__adviser__user=pscl).exists()
    assert all(v.visit_on > DEMO_TODAY for v in planned)
    assert PreVisitNote.objects.filter(visit__in=planned).count() >= 3
    assert submitted.filter(standards_challenged=True).count() > submitted.count() * 0.6


@pytest.mark.parametrize("code", LEAS)
def test_stages_progress_and_actions_are_some_done_some_overdue(code):
    current = _current(code).prefetch_related("visits")
    for allocation in current:
        stages = [
            v.stage
            for v in sorted(allocation.visits.all(), key=lambda v: v.visit_on)
            if v.status == VisitStatus.SUBMITTED
        ]
        assert stages == sorted(stages)
    actions = AgreedAction.objects.filter(visit__allocation__in=current)

    assert actions.filter(done_on__isnull=False).exists()
    assert actions.overdue(DEMO_TODAY).count() >= 3


@pytest.mark.parametrize("code", LEAS)
def test_a_few_schools_wait_six_weeks_and_one_is_past_its_days(code):
    active = _current(code).filter(participation__status=ParticipationStatus.ACTIVE)
    quiet = [
        a
        for a in active
        if not a.visits.filter(
            status=VisitStatus.SUBMITTED, visit_on__gte=SIX_WEEKS_BEFORE
        ).exists()
    ]
    past = [a for a in active.with_days() if a.days_left < 0]

    assert len(quiet) >= 3
    assert len(past) == 1
    assert past[0].days_delivered > Decimal("4.0")


@pytest.mark.parametrize("code", LEAS)
def test_the_demo_school_has_a_planned_visit_with_the_heads_pre_visit_note(code):
    head = _user(code, "head")
    planned = Visit.objects.schedule_visible_to(head).order_by("visit_on")

    assert planned.count() == 2
    assert planned[0].pre_visit_note.written_by == head
    assert not PreVisitNote.objects.filter(visit=planned[1]).exists()
    assert Visit.objects.visible_to(head).count() == 0
    assert AgreedAction.objects.visible_to(head).exists()


@pytest.mark.parametrize("code", LEAS)
def test_two_schools_have_rated_this_autumns_support_already(code):
    autumn = SupportEvaluation.objects.filter(
        allocation__participation__programme_year=_year(code), term=Term.AUTUMN
    )

    assert autumn.count() == 2
    assert all(e.written_at.date() <= DEMO_TODAY for e in autumn)


@pytest.mark.parametrize("code", LEAS)
def test_the_demo_link_adviser_reads_the_notes_of_the_demo_school(code):
    link_adviser = _user(code, "adviser")
    feed = Visit.objects.visible_to(link_adviser).submitted()

    assert feed.filter(allocation__participation__school__name=DEMO_SCHOOLS[code]).exists()
    assert not feed.exclude(
        allocation__participation__school__adviser_attachments__adviser__user=link_adviser
    ).exists()


def test_seed_output_summarises_the_consultant_leaders(seeded):
    line = next(line for line in seeded.splitlines() if "consultant leaders" in line)

    assert line.startswith("Northmoor (991) consultant leaders: 9 PSCLs, 3 link advisers")
    assert "Millfield Primary School" in line


def _pages(code):
    """The consultants pages a demonstration opens, with who opens them and a text each shows."""
    year = _year(code)
    demo_school = School.objects.get(name=DEMO_SCHOOLS[code])
    pscl = _user(code, "pscl")
    demo_visit = (
        Visit.objects.submitted()
        .filter(allocation__participation__school=demo_school, allocation__adviser__user=pscl)
        .order_by("-visit_on")
        .first()
    )
    allocation = _current(code).get(participation__school=demo_school)
    return [
        ("pscl", reverse("consultants:caseload"), DEMO_SCHOOLS[code]),
        ("pscl", reverse("consultants:visit_detail", args=[demo_visit.pk]), demo_visit.notes[:40]),
        ("adviser", reverse("consultants:visit_feed"), DEMO_SCHOOLS[code]),
        ("manager", reverse("consultants:pscl_overview", args=[year.pk]), pscl.full_name),
        ("manager", reverse("consultants:matching", args=[year.pk]), DEMO_SCHOOLS[code]),
        ("manager", reverse("consultants:allocation_detail", args=[allocation.pk]), pscl.full_name),
        ("manager", reverse("consultants:adviser_list"), pscl.full_name),
        ("manager", reverse("consultants:application_list", args=[year.pk]), "Brian Hodgson"),
        ("head", reverse("consultants:school_visits", args=[demo_school.urn]), "Planned"),
    ]


@pytest.mark.parametrize("code", LEAS)
def test_the_demo_opens_the_consultants_pages_for_its_people(code, client):
    failures = []
    for local, url, text in _pages(code):
        client.force_login(_user(code, local), backend="django.contrib.auth.backends.ModelBackend")
        response = client.get(url)
        if response.status_code != 200 or text not in response.content.decode():
            failures.append((local, url, response.status_code))

    assert failures == []
