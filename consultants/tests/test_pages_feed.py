"""The feed of submitted visit notes: a link adviser's schools, the manager's LEA, every LEA
for an admin; filtered, paginated, refused to PSCLs and school people."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from consultants.factories import (
    AdviserFactory,
    AgreedActionFactory,
    AllocationFactory,
    AttachmentFactory,
    LinkAdviserFactory,
    VisitFactory,
)
from consultants.models import VisitKind, VisitLength, VisitStatus
from consultants.views.pages import FEED_PER_PAGE
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

URL = reverse("consultants:visit_feed")
HIDDEN = "Zanzibar Distinctive Primary"
DAY = datetime.timedelta(days=1)


def allocate(adviser, school):
    year = ProgrammeYearFactory(local_authority=school.local_authority)
    return AllocationFactory(
        adviser=adviser, participation=ParticipationFactory(programme_year=year, school=school)
    )


@pytest.fixture
def link_adviser(lea, users, school):
    """The LEA's link adviser (the log-in of `users`), attached to `school` only."""
    adviser = LinkAdviserFactory(local_authority=lea, user=users[Role.LINK_ADVISER])
    AttachmentFactory(adviser=adviser, school=school)
    return adviser


@pytest.fixture
def notes(lea, other_lea, school, link_adviser):
    """Notes at `school` (two submitted, one draft, one planned), at a school of the LEA the
    link adviser is not attached to, and at a school of the other LEA."""
    today = timezone.localdate()
    pscl = AdviserFactory(local_authority=lea, full_name="David Hale")
    allocation = allocate(pscl, school)
    challenged = VisitFactory(
        allocation=allocation,
        visit_on=today - 2 * DAY,
        notes="Looked at the Year 6 maths books.\nSecond line.",
        standards_challenged=True,
        challenge_detail="Asked why boys' writing lags.",
        length=VisitLength.HOURS,
        hours=3,
        kind=VisitKind.LESSON_OBSERVATION,
    )
    AgreedActionFactory(visit=challenged, who="Maths lead", what="Moderate Year 6 books.")
    quiet = VisitFactory(
        allocation=allocation,
        visit_on=today - 9 * DAY,
        notes="Getting to know the team.",
        standards_challenged=False,
        challenge_detail="",
    )
    VisitFactory(allocation=allocation, status=VisitStatus.DRAFT, notes="Draft secret")
    VisitFactory(allocation=allocation, planned=True, visit_on=today + DAY, purpose="Plan only")
    unattached = SchoolFactory(local_authority=lea, name=f"{HIDDEN} Unattached")
    VisitFactory(allocation=allocate(pscl, unattached), notes="Unattached note")
    foreign = SchoolFactory(local_authority=other_lea, name=f"{HIDDEN} Foreign")
    VisitFactory(
        allocation=allocate(AdviserFactory(local_authority=other_lea), foreign),
        notes="Foreign note",
    )
    return {"challenged": challenged, "quiet": quiet, "unattached": unattached}


def test_a_link_adviser_reads_the_submitted_notes_of_their_schools_newest_first(
    client_for, users, notes, school
):
    response = client_for(users[Role.LINK_ADVISER]).get(URL)

    assert response.status_code == 200
    assert list(response.context["visits"]) == [notes["challenged"], notes["quiet"]]
    html = response.content.decode()
    for text in (
        "Millfield Primary School",
        "David Hale",
        "3.0 hours, lesson observation",
        "1 Exploring problems and opportunities",
        "English, Maths",
        "Looked at the Year 6 maths books.<br>Second line.",
        "Maths lead: Moderate Year 6 books.",
        "Yes: Asked why boys&#x27; writing lags.",
        "Standards challenged</strong>",
    ):
        assert text in html, text
    assert f'href="{reverse("consultants:visit_detail", args=[notes["challenged"].pk])}"' in html
    for secret in ("Draft secret", "Plan only", HIDDEN, "Unattached note", "Foreign note"):
        assert secret not in html


def test_the_manager_reads_the_leas_notes_and_the_admin_every_leas(client_for, users, notes):
    manager = client_for(users[Role.MANAGER]).get(URL)
    admin = client_for(users[Role.ADMIN]).get(URL)

    assert manager.context["paginator"].count == 3
    manager_html = manager.content.decode()
    assert "Unattached note" in manager_html
    assert "Foreign note" not in manager_html
    assert "Draft secret" not in manager_html
    assert admin.context["paginator"].count == 4


def test_the_feed_filters_by_school_and_by_challenge(client_for, users, notes, school):
    client = client_for(users[Role.MANAGER])

    by_school = client.get(URL, {"school": notes["unattached"].pk})
    challenged = client.get(URL, {"challenged": "yes"})
    not_challenged = client.get(URL, {"school": school.pk, "challenged": "no"})

    assert [v.school for v in by_school.context["visits"]] == [notes["unattached"]]
    assert notes["challenged"] in challenged.context["visits"]
    assert notes["quiet"] not in challenged.context["visits"]
    assert list(not_challenged.context["visits"]) == [notes["quiet"]]
    assert "1 visit note matches" in not_challenged.content.decode()


def test_the_school_filter_offers_only_schools_whose_notes_the_user_reads(client_for, users, notes):
    response = client_for(users[Role.LINK_ADVISER]).get(URL)

    choices = [label for _, label in response.context["form"].fields["school"].choices]
    assert choices == ["Every school", "Millfield Primary School"]


def test_a_school_outside_the_filter_is_an_error_next_to_the_field(client_for, users, notes):
    response = client_for(users[Role.LINK_ADVISER]).get(URL, {"school": notes["unattached"].pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a school from the list" in html
    assert 'class="govuk-error-summary"' in html
    assert "Unattached note" not in html


def test_the_feed_is_paginated(client_for, users, lea, school, link_adviser):
    allocation = allocate(AdviserFactory(local_authority=lea), school)
    for n in range(FEED_PER_PAGE + 1):
        VisitFactory(allocation=allocation, visit_on=timezone.localdate() - n * DAY)
    client = client_for(users[Role.LINK_ADVISER])

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["visits"]) == FEED_PER_PAGE
    assert len(second.context["visits"]) == 1
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR])
def test_pscls_and_school_people_may_not_read_the_feed(client_for, users, notes, role):
    assert client_for(users[role]).get(URL).status_code == 403


@pytest.mark.parametrize("visit_count", [2, 8])
def test_the_feed_runs_a_fixed_number_of_queries(
    client_for, users, lea, link_adviser, django_assert_max_num_queries, visit_count
):
    for n in range(visit_count):
        school = SchoolFactory(local_authority=lea)
        AttachmentFactory(adviser=link_adviser, school=school)
        visit = VisitFactory(allocation=allocate(AdviserFactory(local_authority=lea), school))
        AgreedActionFactory(visit=visit, what=f"Action {n}")
    client = client_for(users[Role.LINK_ADVISER])

    # Session, user, the filter's schools, count, page, agreed actions.
    with django_assert_max_num_queries(7):
        response = client.get(URL)

    assert len(response.context["visits"]) == visit_count
