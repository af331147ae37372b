"""The strategy manager's PSCL overview and each PSCL's evaluations: the figures on hand-made
data, who may see them, and a bounded number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from consultants.factories import (
    AdviserFactory,
    AllocationFactory,
    CapacityFactory,
    ConflictDeclarationFactory,
    ConsultantTrainingFactory,
    LinkAdviserFactory,
    SupportEvaluationFactory,
    VisitFactory,
)
from consultants.models import AllocationStatus, Term, TrainingDay, VisitLength, VisitStatus
from consultants.selectors.pages import pscl_overview
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools.factories import LocalAuthorityFactory, SchoolFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
HOME = reverse("consultants:pscl_home")


def overview_url(year):
    return reverse("consultants:pscl_overview", args=[year.pk])


def evaluations_url(year, adviser):
    return reverse("consultants:pscl_evaluations", args=[year.pk, adviser.pk])


def allocate(adviser, year, *, name=None, **kwargs):
    school = SchoolFactory(local_authority=year.local_authority, **({"name": name} if name else {}))
    return AllocationFactory(
        adviser=adviser,
        participation=ParticipationFactory(programme_year=year, school=school),
        **kwargs,
    )


def visit(allocation, days_ago, *, length=VisitLength.HALF_DAY, challenged=False, **kwargs):
    return VisitFactory(
        allocation=allocation,
        visit_on=timezone.localdate() - days_ago * DAY,
        length=length,
        standards_challenged=challenged,
        challenge_detail="Asked about KS2 maths." if challenged else "",
        **kwargs,
    )


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea, name="2004-05")


@pytest.fixture
def next_year(lea):
    return ProgrammeYearFactory(
        local_authority=lea,
        name="2005-06",
        starts_on=datetime.date(2005, 9, 1),
        ends_on=datetime.date(2006, 7, 31),
    )


@pytest.fixture
def foreign_year(other_lea):
    return ProgrammeYearFactory(local_authority=other_lea, name="2004-05")


@pytest.fixture
def made(lea, year, next_year, foreign_year, users):
    """Anne: capacity 2 schools and 8 days, three schools now (one past its days), an ended
    allocation, visits, ratings, three training days and a declaration. Ben: one school and no
    visit. Cara: a capacity and no school. Others who must not appear."""
    anne = AdviserFactory(local_authority=lea, full_name="Anne Busy")
    CapacityFactory(adviser=anne, programme_year=year, max_schools=2, max_days=Decimal("8.0"))
    first = allocate(anne, year, name="Ashby Primary", planned_days=Decimal("4.0"))
    second = allocate(anne, year, name="Beacon Primary", planned_days=Decimal("1.0"))
    allocate(anne, year, name="Cedar Primary", planned_days=Decimal("4.0"))
    ended = allocate(anne, year, status=AllocationStatus.ENDED, name="Ended Primary")
    visit(first, 10, length=VisitLength.FULL_DAY, challenged=True)
    visit(first, 50)
    visit(second, 60, length=VisitLength.FULL_DAY)
    visit(second, 70, challenged=True)
    visit(ended, 5)
    visit(first, 1, status=VisitStatus.DRAFT, submitted_at=None)
    VisitFactory(allocation=first, planned=True, visit_on=timezone.localdate() + DAY)
    visit(allocate(anne, next_year), 3, challenged=True)
    SupportEvaluationFactory(allocation=first, term=Term.AUTUMN, rating=4)
    SupportEvaluationFactory(allocation=first, term=Term.SPRING, rating=5)
    SupportEvaluationFactory(allocation=second, term=Term.AUTUMN, rating=2, comments="Too rushed.")
    SupportEvaluationFactory(allocation=allocate(anne, next_year), rating=1, comments="Next year")
    for day in (TrainingDay.INITIAL_1, TrainingDay.INITIAL_2, TrainingDay.INITIAL_3):
        ConsultantTrainingFactory(adviser=anne, programme_year=year, day=day)
    ConsultantTrainingFactory(adviser=anne, programme_year=next_year, day=TrainingDay.FOURTH)
    ConflictDeclarationFactory(adviser=anne, programme_year=year)

    ben = AdviserFactory(local_authority=lea, full_name="Ben Quiet")
    CapacityFactory(adviser=ben, programme_year=year, max_schools=4, max_days=Decimal("16.0"))
    allocate(ben, year, name="Dale Primary")
    ConflictDeclarationFactory(adviser=ben, programme_year=next_year)

    cara = AdviserFactory(local_authority=lea, full_name="Cara Idle")
    CapacityFactory(adviser=cara, programme_year=year, max_schools=3, max_days=Decimal("12.0"))

    zed = AdviserFactory(local_authority=lea, full_name="Zanzibar Nextyear")
    CapacityFactory(adviser=zed, programme_year=next_year)
    LinkAdviserFactory(local_authority=lea, full_name="Zanzibar Linkadviser")
    foreigner = AdviserFactory(
        local_authority=foreign_year.local_authority, full_name="Zanzibar Far"
    )
    CapacityFactory(adviser=foreigner, programme_year=foreign_year)
    allocate(foreigner, foreign_year)
    return {"anne": anne, "ben": ben, "cara": cara, "foreigner": foreigner, "second": second}


def test_the_overview_counts_each_pscls_year(users, year, made):
    rows = pscl_overview(user=users[Role.MANAGER], programme_year=year, today=timezone.localdate())

    assert [row.adviser.full_name for row in rows] == ["Anne Busy", "Ben Quiet", "Cara Idle"]
    anne, ben, cara = rows
    assert [a.participation.school.name for a in anne.allocations] == [
        "Ashby Primary",
        "Beacon Primary",
        "Cedar Primary",
    ]
    assert (anne.school_count, anne.max_schools, anne.max_days) == (3, 2, Decimal("8.0"))
    assert anne.planned_days == Decimal("9.0")
    # Current allocations only: 1.5 days at Ashby and 1.5 at Beacon; the draft does not count.
    assert anne.delivered_days == Decimal("3.00")
    # Submitted within six weeks: 10 days ago at Ashby, 5 days ago at the ended allocation.
    assert anne.recent_visit_count == 2
    assert (anne.submitted_visit_count, anne.challenged_visit_count) == (5, 2)
    assert anne.challenge_percentage == 40
    assert (anne.evaluation_count, anne.evaluation_average) == (3, Decimal("3.7"))
    assert (anne.training_days, anne.has_declared) == (3, True)
    assert anne.is_over_capacity
    assert [a.participation.school.name for a in anne.schools_past_their_days] == ["Beacon Primary"]
    assert not anne.has_no_recent_visit
    assert ben.has_no_recent_visit and not ben.is_over_capacity and not ben.has_declared
    assert (ben.challenge_percentage, ben.evaluation_average, ben.training_days) == (None, None, 0)
    assert cara.school_count == 0 and not cara.has_warnings


def test_six_weeks_count_back_from_the_date_given(users, year, made):
    later = timezone.localdate() + 40 * DAY

    anne = pscl_overview(user=users[Role.MANAGER], programme_year=year, today=later)[0]

    assert anne.recent_visit_count == 0
    assert anne.has_no_recent_visit


def test_the_manager_sees_the_overview_with_its_warnings_and_links(
    client_for, users, year, next_year, made
):
    response = client_for(users[Role.MANAGER]).get(overview_url(year))

    assert response.status_code == 200
    html = response.content.decode()
    anne = made["anne"]
    for text in (
        "Anne Busy",
        "Over capacity",
        "Beacon Primary past its days",
        "No visit in 6 weeks",
        "9.0 planned of 8.0, 3.00 delivered",
        "3.7 of 5",
        "(3 ratings)",
        "40% of 5 visits",
        "3 of 4 days",
        "Not declared",
        "2 PSCLs need your attention.",
    ):
        assert text in html, text
    assert "Zanzibar" not in html
    for url in (
        reverse("consultants:adviser_detail", args=[anne.pk]),
        evaluations_url(year, anne),
        reverse("consultants:matching", args=[year.pk]),
        reverse("consultants:application_list", args=[year.pk]),
        reverse("consultants:adviser_list"),
        overview_url(next_year),
    ):
        assert f'href="{url}"' in html, url


def test_the_admin_sees_any_leas_overview(client_for, users, year, foreign_year, made):
    client = client_for(users[Role.ADMIN])

    assert client.get(overview_url(year)).status_code == 200
    response = client.get(overview_url(foreign_year))
    assert [row.adviser.full_name for row in response.context["rows"]] == ["Zanzibar Far"]


def test_another_leas_year_is_not_found(client_for, users, foreign_year, made):
    client = client_for(users[Role.MANAGER])

    assert client.get(overview_url(foreign_year)).status_code == 404
    assert client.get(evaluations_url(foreign_year, made["foreigner"])).status_code == 404


@pytest.mark.parametrize(
    "role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR]
)
def test_only_the_manager_and_admin_see_the_overview_and_evaluations(
    client_for, users, year, made, role
):
    client = client_for(users[role])

    # They all see the LEA's programme year, so they are refused rather than not found.
    assert client.get(overview_url(year)).status_code == 403
    assert client.get(evaluations_url(year, made["anne"])).status_code == 403
    assert client.get(HOME).status_code == 403


def test_the_pscl_home_takes_the_manager_to_the_latest_year(client_for, users, year, next_year):
    response = client_for(users[Role.MANAGER]).get(HOME)

    assert response.status_code == 302
    assert response["Location"] == overview_url(next_year)


def test_the_pscl_home_tells_a_manager_without_a_year(client_for, users, foreign_year):
    response = client_for(users[Role.MANAGER]).get(HOME)

    assert response.status_code == 200
    assert "There is no programme year yet." in response.content.decode()


def test_the_pscl_home_lets_the_admin_choose_any_leas_year(client_for, users, year, foreign_year):
    html = client_for(users[Role.ADMIN]).get(HOME).content.decode()

    assert f'href="{overview_url(year)}"' in html
    assert f'href="{overview_url(foreign_year)}"' in html


def test_the_evaluations_page_lists_the_years_ratings_with_comments(client_for, users, year, made):
    response = client_for(users[Role.MANAGER]).get(evaluations_url(year, made["anne"]))

    assert response.status_code == 200
    assert [(e.term, e.rating) for e in response.context["evaluations"]] == [
        (Term.AUTUMN, 4),
        (Term.SPRING, 5),
        (Term.AUTUMN, 2),
    ]
    html = response.content.decode()
    assert "Too rushed." in html
    assert "2 weak" in html
    assert "on average 3.7 of 5" in html
    assert "Next year" not in html


def test_a_pscl_of_another_lea_has_no_evaluations_page_in_this_year(client_for, users, year, made):
    response = client_for(users[Role.ADMIN]).get(evaluations_url(year, made["foreigner"]))

    assert response.status_code == 404


@pytest.mark.parametrize("pscl_count", [2, 8])
def test_the_overview_runs_a_fixed_number_of_queries(
    client_for, users, year, django_assert_max_num_queries, pscl_count
):
    for n in range(pscl_count):
        adviser = AdviserFactory(local_authority=year.local_authority, full_name=f"Pscl {n}")
        CapacityFactory(adviser=adviser, programme_year=year)
        for m in range(2):
            allocation = allocate(adviser, year)
            visit(allocation, m + 1, challenged=bool(m))
            SupportEvaluationFactory(allocation=allocation, rating=3 + m)
        ConsultantTrainingFactory(adviser=adviser, programme_year=year)
    client = client_for(users[Role.MANAGER])

    # Session, user, the year, PSCLs with their figures, their allocations, the year switcher.
    with django_assert_max_num_queries(7):
        response = client.get(overview_url(year))

    rows = response.context["rows"]
    assert len(rows) == pscl_count
    assert all(row.evaluation_average == Decimal("3.5") for row in rows)
    assert all(row.challenge_percentage == 50 for row in rows)


def test_an_lea_without_pscls_is_told_how_to_start(client_for, users, year):
    html = client_for(users[Role.MANAGER]).get(overview_url(year)).content.decode()

    assert "No PSCL has a capacity or an allocation in 2004-05 yet." in html


def test_a_second_lea_is_never_counted(users, year, made):
    """A PSCL of another LEA with a year of the same name adds nothing to this LEA's rows."""
    other = LocalAuthorityFactory()
    stranger = AdviserFactory(local_authority=other, full_name="Zanzibar Stranger")
    other_year = ProgrammeYearFactory(local_authority=other, name="2004-05")
    CapacityFactory(adviser=stranger, programme_year=other_year)

    rows = pscl_overview(user=users[Role.ADMIN], programme_year=year, today=timezone.localdate())

    assert "Zanzibar Stranger" not in [row.adviser.full_name for row in rows]
    assert made["second"] in rows[0].allocations
