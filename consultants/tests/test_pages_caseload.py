"""The PSCL's caseload ("My schools"): their schools now, with days, visits and overdue actions,
for the PSCL alone, in a bounded number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from consultants.factories import (
    AdviserFactory,
    AgreedActionFactory,
    AllocationFactory,
    PreVisitNoteFactory,
    VisitFactory,
)
from consultants.models import AllocationStatus, VisitLength, VisitStatus
from consultants.selectors.pages import caseload
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools.factories import SchoolFactory
from schools.models import LeadershipJudgement

pytestmark = pytest.mark.django_db

URL = reverse("consultants:caseload")
HIDDEN = "Zanzibar Distinctive Primary"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def pscl(lea, users):
    """The LEA's PSCL, whose log-in is the PSCL of `users`."""
    return AdviserFactory(local_authority=lea, user=users[Role.CONSULTANT], full_name="David Hale")


def allocate(adviser, school, year, **kwargs):
    return AllocationFactory(
        adviser=adviser,
        participation=ParticipationFactory(programme_year=year, school=school),
        **kwargs,
    )


@pytest.fixture
def hidden_schools(lea, year, pscl):
    """Schools the PSCL must never see on the caseload: one with no allocation, one allocated to
    another PSCL, one whose allocation to this PSCL ended."""
    SchoolFactory(local_authority=lea, name=f"{HIDDEN} Unallocated")
    other = AdviserFactory(local_authority=lea, full_name="Other Pscl")
    allocate(other, SchoolFactory(local_authority=lea, name=f"{HIDDEN} Elsewhere"), year)
    allocate(
        pscl,
        SchoolFactory(local_authority=lea, name=f"{HIDDEN} Ended"),
        year,
        status=AllocationStatus.ENDED,
    )


@pytest.fixture
def busy_school(lea, year, pscl):
    """A school with full background facts, past its days, a planned visit with the school's
    pre-visit note, and actions agreed at submitted visits in every state."""
    today = timezone.localdate()
    school = SchoolFactory(
        local_authority=lea,
        name="Brookside Primary School",
        number_on_roll=212,
        percentage_fsm=Decimal("31.5"),
        headteacher_name="Sarah Okafor",
        years_of_headship=2,
        leadership_judgement=LeadershipJudgement.SATISFACTORY,
        latest_value_added=Decimal("98.4"),
        latest_value_added_year=2004,
    )
    allocation = allocate(pscl, school, year, planned_days=Decimal("1.0"))
    old = VisitFactory(allocation=allocation, visit_on=today - 30 * DAY, kind="GETTING_STARTED")
    last = VisitFactory(
        allocation=allocation,
        visit_on=today - 3 * DAY,
        length=VisitLength.FULL_DAY,
        kind="REVIEW",
    )
    VisitFactory(allocation=allocation, visit_on=today - DAY, status=VisitStatus.DRAFT)
    later = VisitFactory(
        allocation=allocation, planned=True, visit_on=today + 20 * DAY, purpose="Later visit"
    )
    upcoming = VisitFactory(
        allocation=allocation, planned=True, visit_on=today + 5 * DAY, purpose="Maths review"
    )
    PreVisitNoteFactory(visit=upcoming)
    AgreedActionFactory(visit=old, what="Overdue reading groups", due_on=today - 10 * DAY)
    AgreedActionFactory(visit=last, what="Overdue success criteria", due_on=today - DAY)
    AgreedActionFactory(visit=old, what="Done already", due_on=today - 5 * DAY, done_on=today)
    AgreedActionFactory(visit=last, what="Not due yet", due_on=today + DAY)
    draft = VisitFactory(allocation=allocation, visit_on=today - 2 * DAY, status=VisitStatus.DRAFT)
    AgreedActionFactory(visit=draft, what="Draft action", due_on=today - 10 * DAY)
    return {
        "school": school,
        "allocation": allocation,
        "last": last,
        "upcoming": upcoming,
        "later": later,
    }


def test_the_pscl_sees_each_school_with_its_facts_days_visits_and_overdue_actions(
    client_for, users, busy_school, hidden_schools
):
    response = client_for(users[Role.CONSULTANT]).get(URL)

    assert response.status_code == 200
    [entry] = response.context["entries"]
    allocation = busy_school["allocation"]
    assert entry.allocation == allocation
    # Half a day and a full day submitted; the draft does not count.
    assert entry.allocation.days_delivered == Decimal("1.50")
    assert entry.allocation.days_left == Decimal("-0.50")
    assert entry.is_past_its_days
    assert entry.next_visit == busy_school["upcoming"]
    assert entry.next_visit.has_pre_visit_note
    assert entry.last_visit == busy_school["last"]
    assert [a.what for a in entry.overdue_actions] == [
        "Overdue reading groups",
        "Overdue success criteria",
    ]
    html = response.content.decode()
    school = busy_school["school"]
    assert f'href="{reverse("schools:detail", args=[school.urn])}"' in html
    for fact in (
        "212 pupils on roll",
        "Value added: 98.4 (2004)",
        "Headteacher: Sarah Okafor, 2 years of headship",
        "Leadership: 3 Satisfactory",
        "Free school meals: 31.5%",
        "1.0 planned, 1.50 used",
        "-0.50 left (past its days)",
        "Past its days</strong>",
        "Maths review",
        "Pre-visit note in",
        "2 overdue actions",
        "Overdue reading groups",
    ):
        assert fact in html, fact
    assert "Done already" not in html
    assert "Not due yet" not in html
    assert "Draft action" not in html
    assert "Later visit" not in html
    for name, arg in (
        ("consultants:visit_new", allocation.pk),
        ("consultants:visit_plan", allocation.pk),
        ("consultants:allocation_detail", allocation.pk),
        ("consultants:school_visits", school.urn),
        ("leadership:plan", allocation.participation_id),
    ):
        assert f'href="{reverse(name, args=[arg])}"' in html, name
    assert f'href="{reverse("consultants:calendar")}"' in html


def test_the_next_and_last_visits_and_each_overdue_action_link_to_their_visits(
    client_for, users, busy_school
):
    html = client_for(users[Role.CONSULTANT]).get(URL).content.decode()

    def link(visit):
        return f'href="{reverse("consultants:visit_detail", args=[visit.pk])}">'

    assert link(busy_school["upcoming"]) in html
    assert link(busy_school["last"]) in html
    # "Overdue success criteria" was agreed at the last visit.
    assert link(busy_school["last"]) + "agreed " in html


def test_the_pscl_never_sees_a_school_not_allocated_to_them_now(
    client_for, users, busy_school, hidden_schools
):
    html = client_for(users[Role.CONSULTANT]).get(URL).content.decode()

    assert "Brookside Primary School" in html
    assert HIDDEN not in html


def test_a_school_without_visits_says_none_planned_and_none_submitted(
    client_for, users, lea, year, pscl, hidden_schools
):
    allocate(pscl, SchoolFactory(local_authority=lea, name="Quiet Primary"), year)

    response = client_for(users[Role.CONSULTANT]).get(URL)

    [entry] = response.context["entries"]
    assert entry.next_visit is None
    assert entry.last_visit is None
    assert entry.overdue_actions == []
    assert not entry.is_past_its_days
    html = response.content.decode()
    assert "None planned." in html
    assert "No visit submitted yet" in html
    assert "No pre-visit note yet" not in html


def test_a_planned_visit_without_the_schools_note_says_so(client_for, users, lea, year, pscl):
    allocation = allocate(pscl, SchoolFactory(local_authority=lea), year)
    VisitFactory(allocation=allocation, planned=True, visit_on=timezone.localdate())

    html = client_for(users[Role.CONSULTANT]).get(URL).content.decode()

    assert "No pre-visit note yet" in html


def test_a_pscl_without_schools_is_told_so(client_for, users, pscl, hidden_schools):
    response = client_for(users[Role.CONSULTANT]).get(URL)

    assert response.context["entries"] == []
    html = response.content.decode()
    assert "No schools are allocated to you now." in html
    assert HIDDEN not in html


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER, Role.HEADTEACHER, Role.GOVERNOR]
)
def test_only_a_pscl_may_open_the_caseload(client_for, users, busy_school, role):
    assert client_for(users[role]).get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client_for):
    response = client_for(None).get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER])
def test_only_a_pscl_has_a_caseload(users, busy_school, role):
    assert caseload(user=users[role], today=timezone.localdate()) == []


def test_the_selector_takes_the_date_it_is_given(users, busy_school):
    later = timezone.localdate() + 10 * DAY

    [entry] = caseload(user=users[Role.CONSULTANT], today=later)

    # Ten days on, the visit in five days has passed and the one in twenty is next; the action
    # not yet due today is overdue then.
    assert entry.next_visit == busy_school["later"]
    assert len(entry.overdue_actions) == 3


@pytest.mark.parametrize("school_count", [2, 8])
def test_the_caseload_runs_a_fixed_number_of_queries(
    client_for, users, lea, year, pscl, django_assert_max_num_queries, school_count
):
    today = timezone.localdate()
    for n in range(school_count):
        allocation = allocate(pscl, SchoolFactory(local_authority=lea), year)
        visit = VisitFactory(allocation=allocation, visit_on=today - (n + 1) * DAY)
        AgreedActionFactory(visit=visit, due_on=today - DAY)
        PreVisitNoteFactory(
            visit=VisitFactory(allocation=allocation, planned=True, visit_on=today + DAY)
        )
    client = client_for(users[Role.CONSULTANT])

    # Session, user, allocations, visits, overdue actions.
    with django_assert_max_num_queries(6):
        response = client.get(URL)

    assert len(response.context["entries"]) == school_count
    assert all(len(entry.overdue_actions) == 1 for entry in response.context["entries"])
