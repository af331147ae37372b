"""The home page: each role's real figures, in their scope, in a bounded number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from conftest import make_user
from consultants.factories import (
    AdviserFactory,
    AllocationFactory,
    AttachmentFactory,
    LinkAdviserFactory,
    VisitFactory,
)
from funding.factories import ExpenditureReturnFactory, FundingRatesFactory, PaymentFactory
from funding.models import PaymentStatus, ReturnStatus
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from reports.selectors.home import AdminHomeFigures, LeaHomeFigures
from schools.factories import (
    InspectionFactory,
    KeyStageResultFactory,
    LocalAuthorityFactory,
    SchoolFactory,
    ValueAddedFactory,
)
from schools.models import KeyStage, OfstedCategory
from schools.services import school_refresh_figures

pytestmark = pytest.mark.django_db

HOME = "/"


def _with_value_added(school, score, year=2004):
    ValueAddedFactory(school=school, year=year, score=Decimal(score))
    school_refresh_figures(school_id=school.pk)


@pytest.fixture
def two_leas(lea, other_lea):
    """Northmoor: five schools with every kind of figure; Southvale: schools that would change
    every Northmoor figure if they leaked into it."""
    tiny = SchoolFactory(local_authority=lea, number_on_roll=45)
    edge = SchoolFactory(local_authority=lea, number_on_roll=120)
    just_large = SchoolFactory(
        local_authority=lea, number_on_roll=121, ofsted_category=OfstedCategory.SPECIAL_MEASURES
    )
    big = SchoolFactory(local_authority=lea, number_on_roll=400)
    SchoolFactory(local_authority=lea, number_on_roll=None)
    _with_value_added(tiny, "98.5")
    _with_value_added(edge, "100.0")
    _with_value_added(big, "101.2")
    KeyStageResultFactory(
        school=tiny, year=2004, english_percentage=Decimal(70), maths_percentage=Decimal(60)
    )
    KeyStageResultFactory(
        school=big, year=2004, english_percentage=Decimal(80), maths_percentage=None
    )
    KeyStageResultFactory(
        school=just_large, year=2003, english_percentage=Decimal(10), maths_percentage=Decimal(10)
    )
    KeyStageResultFactory(school=big, year=2004, key_stage=KeyStage.KS1)

    for _ in range(3):
        foreign = SchoolFactory(
            local_authority=other_lea,
            number_on_roll=100,
            ofsted_category=OfstedCategory.SERIOUS_WEAKNESSES,
        )
        _with_value_added(foreign, "96.0")
        KeyStageResultFactory(school=foreign, year=2005, english_percentage=Decimal(20))
    return lea, other_lea


def test_home_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/"


def test_admin_sees_every_lea_its_school_count_and_the_accounts_by_role(
    client_for, two_leas, users, foreign_users
):
    lea, other_lea = two_leas
    LocalAuthorityFactory(code="993", name="Westdale")
    make_user(Role.GOVERNOR, school=lea.schools.first(), is_active=False)

    response = client_for(users[Role.ADMIN]).get(HOME)

    figures = response.context["figures"]
    assert isinstance(figures, AdminHomeFigures)
    assert figures.lea_count == 3
    # Northmoor: the fixtures' `school` and the five above; Southvale: three and `foreign_school`.
    assert figures.school_count == 10
    assert [(la.name, la.school_count) for la in figures.local_authorities] == [
        ("Northmoor", 6),
        ("Southvale", 4),
        ("Westdale", 0),
    ]
    by_role = {row.role: row.count for row in figures.users_by_role}
    assert by_role == {
        Role.ADMIN: 1,
        Role.MANAGER: 2,
        Role.LINK_ADVISER: 2,
        Role.CONSULTANT: 2,
        Role.HEADTEACHER: 2,
        Role.GOVERNOR: 2,
    }
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">All LEAs</h1>' in html
    assert f'href="/schools/?lea={other_lea.pk}">4<' in html
    assert 'href="/admin/">Go to Django admin</a>' in html


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LINK_ADVISER])
def test_lea_staff_see_their_own_leas_figures_and_not_the_other_leas(
    client_for, two_leas, users, role
):
    lea, _ = two_leas

    response = client_for(users[role]).get(HOME)

    figures = response.context["figures"]
    assert isinstance(figures, LeaHomeFigures)
    assert figures.local_authority == lea
    # The conftest `school` (118 pupils, small) counts as well.
    assert figures.school_count == 6
    assert figures.small_school_count == 3
    assert figures.large_school_count == 2
    assert figures.below_average_value_added_count == 1
    assert figures.in_ofsted_category_count == 1
    assert {row.category: row.count for row in figures.ofsted_categories} == {
        OfstedCategory.SPECIAL_MEASURES: 1,
        OfstedCategory.SERIOUS_WEAKNESSES: 0,
        OfstedCategory.NOTICE_TO_IMPROVE: 0,
    }
    assert figures.latest_ks2.year == 2004
    assert figures.latest_ks2.school_count == 2
    assert figures.latest_ks2.english_percentage == Decimal(75)
    assert figures.latest_ks2.maths_percentage == Decimal(60)

    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Northmoor</h1>' in html
    assert "Southvale" not in html
    assert re.search(r'href="/schools/\?size=small">\s*<span class="app-figure__number">3<', html)
    assert re.search(r'href="/schools/\?size=large">\s*<span class="app-figure__number">2<', html)
    assert re.search(
        r'href="/schools/\?below_average_va=on">\s*<span class="app-figure__number">1<', html
    )
    assert 'href="/schools/?ofsted_category=SPECIAL_MEASURES">1 school<' in html
    assert "Key Stage 2 results, 2004" in html
    assert "75.0%" in html
    assert "60.0%" in html


def test_lea_staff_without_results_are_told_none_are_imported(client_for, users):
    response = client_for(users[Role.MANAGER]).get(HOME)

    assert response.context["figures"].latest_ks2 is None
    assert "No Key Stage 2 results have been imported" in response.content.decode()


def test_a_pscl_sees_their_lea_and_is_told_no_schools_are_allocated_yet(
    client_for, two_leas, users
):
    response = client_for(users[Role.CONSULTANT]).get(HOME)

    figures = response.context["figures"]
    assert figures.schools == []
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Northmoor</h1>' in html
    assert "No schools are allocated to you yet." in html
    assert "/schools/?" not in html


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.GOVERNOR])
def test_school_people_see_their_own_schools_latest_figures(
    client_for, users, school, sibling_school, role
):
    KeyStageResultFactory(
        school=school, year=2003, english_percentage=Decimal(50), maths_percentage=Decimal(40)
    )
    KeyStageResultFactory(
        school=school, year=2004, english_percentage=Decimal("71.5"), maths_percentage=None
    )
    KeyStageResultFactory(school=sibling_school, year=2005, english_percentage=Decimal(99))
    _with_value_added(school, "98.2", year=2004)
    ValueAddedFactory(school=school, year=2003, score=Decimal("103.0"))
    InspectionFactory(school=school, inspected_on="2002-03-12", overall_grade=5)
    InspectionFactory(school=school, inspected_on="2004-02-03", overall_grade=4)

    response = client_for(users[role]).get(HOME)

    figures = response.context["figures"]
    assert figures.school == school
    assert figures.latest_ks2.year == 2004
    assert figures.latest_value_added.score == Decimal("98.2")
    assert str(figures.latest_inspection.inspected_on) == "2004-02-03"
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Millfield Primary School</h1>' in html
    assert '<dd class="govuk-summary-list__value">118</dd>' in html
    assert "English: 71.5%" in html
    assert "Maths: no figure" in html
    assert "98.2 in 2004, grade 6 of 7" in html
    assert "Section 10 inspection on 3 February 2004: overall grade 4" in html
    assert f'href="/schools/{school.urn}/"' in html
    assert sibling_school.name not in html


def _schools_with_figures(lea, count):
    for n in range(count):
        school = SchoolFactory(local_authority=lea, number_on_roll=60 + n * 10)
        _with_value_added(school, "99.0" if n % 2 else "101.0")
        KeyStageResultFactory(school=school, year=2004)


@pytest.mark.parametrize("school_count", [10, 60])
def test_admin_home_runs_a_fixed_number_of_queries(
    client_for, users, other_lea, django_assert_max_num_queries, school_count
):
    _schools_with_figures(users[Role.MANAGER].local_authority, school_count)
    _schools_with_figures(other_lea, school_count)
    client = client_for(users[Role.ADMIN])

    with django_assert_max_num_queries(4):
        response = client.get(HOME)

    assert response.context["figures"].school_count == 2 * school_count + 1


@pytest.mark.parametrize("school_count", [10, 60])
def test_manager_home_runs_a_fixed_number_of_queries(
    client_for, users, django_assert_max_num_queries, school_count
):
    _schools_with_figures(users[Role.MANAGER].local_authority, school_count)
    client = client_for(users[Role.MANAGER])

    with django_assert_max_num_queries(5):
        response = client.get(HOME)

    assert response.context["figures"].school_count == school_count + 1
    assert response.context["figures"].latest_ks2.school_count == school_count


@pytest.mark.parametrize("role", list(Role))
def test_every_home_page_is_sent_with_the_csp_and_has_no_inline_script_or_style(
    client_for, users, role
):
    response = client_for(users[role]).get(HOME)

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert ' style="' not in html
    assert "<style" not in html


# The PSCL's and the link adviser's figures (issue 4: consultant leaders).

HIDDEN = "Zanzibar Distinctive Primary"


def _allocate(adviser, school, **kwargs):
    year = ProgrammeYearFactory(local_authority=school.local_authority)
    return AllocationFactory(
        adviser=adviser,
        participation=ParticipationFactory(programme_year=year, school=school),
        **kwargs,
    )


def test_a_pscl_sees_their_schools_with_days_and_the_next_visit(client_for, users, lea, school):
    today = timezone.localdate()
    pscl = AdviserFactory(local_authority=lea, user=users[Role.CONSULTANT])
    allocation = _allocate(pscl, school, planned_days=Decimal("1.0"))
    VisitFactory(allocation=allocation, visit_on=today - datetime.timedelta(days=3))
    VisitFactory(allocation=allocation, length="FULL_DAY", visit_on=today)
    VisitFactory(
        allocation=allocation,
        planned=True,
        visit_on=today + datetime.timedelta(days=4),
        purpose="Maths review",
    )
    SchoolFactory(local_authority=lea, name=f"{HIDDEN} Unallocated")
    _allocate(AdviserFactory(local_authority=lea), SchoolFactory(local_authority=lea, name=HIDDEN))

    response = client_for(users[Role.CONSULTANT]).get(HOME)

    [row] = response.context["figures"].allocations
    assert (row.days_delivered, row.days_left) == (Decimal("1.50"), Decimal("-0.50"))
    assert row.next_visit_on == today + datetime.timedelta(days=4)
    html = response.content.decode()
    assert "Millfield Primary School" in html
    assert "1.50 of 1.0" in html
    assert "Past its days" in html
    assert "Maths review" in html
    assert f'href="{reverse("consultants:caseload")}"' in html
    assert HIDDEN not in html


@pytest.mark.parametrize("school_count", [2, 8])
def test_pscl_home_runs_a_fixed_number_of_queries(
    client_for, users, lea, django_assert_max_num_queries, school_count
):
    pscl = AdviserFactory(local_authority=lea, user=users[Role.CONSULTANT])
    for _ in range(school_count):
        allocation = _allocate(pscl, SchoolFactory(local_authority=lea))
        VisitFactory(allocation=allocation)
        VisitFactory(allocation=allocation, planned=True, visit_on=timezone.localdate())
    client = client_for(users[Role.CONSULTANT])

    # Session, user, the PSCL's LEA, allocations with their days and next visits, payments.
    with django_assert_max_num_queries(5):
        response = client.get(HOME)

    assert len(response.context["figures"].allocations) == school_count


def test_a_link_adviser_sees_the_new_visit_notes_of_their_schools(
    client_for, users, lea, school, sibling_school
):
    now = timezone.now()
    link = LinkAdviserFactory(local_authority=lea, user=users[Role.LINK_ADVISER])
    AttachmentFactory(adviser=link, school=school)
    pscl = AdviserFactory(local_authority=lea, full_name="David Hale")
    ours = _allocate(pscl, school)
    fresh = VisitFactory(allocation=ours, submitted_at=now - datetime.timedelta(days=1))
    VisitFactory(allocation=ours, submitted_at=now - datetime.timedelta(days=13))
    VisitFactory(allocation=ours, submitted_at=now - datetime.timedelta(days=20))
    VisitFactory(allocation=ours, status="DRAFT", submitted_at=None)
    sibling_school.name = HIDDEN
    sibling_school.save()
    VisitFactory(allocation=_allocate(pscl, sibling_school), submitted_at=now)

    response = client_for(users[Role.LINK_ADVISER]).get(HOME)

    notes = response.context["figures"].new_visit_notes
    assert notes.count == 2
    assert notes.latest[0] == fresh
    html = response.content.decode()
    assert "New visit notes" in html
    assert f'href="{reverse("consultants:visit_detail", args=[fresh.pk])}"' in html
    assert f'href="{reverse("consultants:visit_feed")}"' in html
    assert HIDDEN not in html


def test_only_link_advisers_get_the_new_visit_notes(client_for, users):
    response = client_for(users[Role.MANAGER]).get(HOME)

    assert response.context["figures"].new_visit_notes is None
    assert "New visit notes" not in response.content.decode()


@pytest.mark.parametrize("school_count", [2, 8])
def test_link_adviser_home_runs_a_fixed_number_of_queries(
    client_for, users, lea, django_assert_max_num_queries, school_count
):
    link = LinkAdviserFactory(local_authority=lea, user=users[Role.LINK_ADVISER])
    for _ in range(school_count):
        school = SchoolFactory(local_authority=lea)
        AttachmentFactory(adviser=link, school=school)
        VisitFactory(
            allocation=_allocate(
                AdviserFactory(local_authority=lea),
                school,
            )
        )
    client = client_for(users[Role.LINK_ADVISER])

    # The LEA's figures with its programme year, and the new notes' count and latest few.
    with django_assert_max_num_queries(9):
        response = client.get(HOME)

    assert response.context["figures"].new_visit_notes.count == school_count


# The money panels (issue 5: funding).


def _current_place(school, today):
    """`school`'s place in a programme year under way on `today`, with its grant (118 pupils:
    GBP 2,820), GBP 1,000 paid and GBP 500 scheduled."""
    year = ProgrammeYearFactory(
        local_authority=school.local_authority,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=300),
    )
    FundingRatesFactory(programme_year=year)
    participation = ParticipationFactory(programme_year=year, school=school)
    grant_compute(participation=participation)
    PaymentFactory(participation=participation, amount=Decimal("1000.00"), status="PAID")
    PaymentFactory(participation=participation, instalment=2, amount=Decimal("500.00"))
    return participation


def test_the_headteacher_sees_our_grant_paid_so_far_and_may_start_the_return(
    client_for, users, school
):
    place = _current_place(school, timezone.localdate())

    html = client_for(users[Role.HEADTEACHER]).get(HOME).content.decode()

    panel = html[html.index('id="our-grant"') :]
    assert "£2,820.00 for 2004-05" in panel
    assert "£1,000.00" in panel
    assert "£500.00" not in panel
    assert "Not started" in panel
    assert reverse("funding:return_edit", args=[place.pk]) in panel
    assert reverse("funding:school_money", args=[school.urn]) in panel


def test_a_submitted_return_is_read_not_changed_from_the_panel(client_for, users, school):
    place = _current_place(school, timezone.localdate())
    ExpenditureReturnFactory(participation=place, status=ReturnStatus.SUBMITTED)

    for role in (Role.HEADTEACHER, Role.GOVERNOR):
        html = client_for(users[role]).get(HOME).content.decode()
        panel = html[html.index('id="our-grant"') :]
        assert "Submitted" in panel
        assert reverse("funding:return_detail", args=[place.pk]) in panel
        assert reverse("funding:return_edit", args=[place.pk]) not in panel


def test_a_governor_sees_the_grant_without_the_link_to_write_the_return(client_for, users, school):
    place = _current_place(school, timezone.localdate())

    html = client_for(users[Role.GOVERNOR]).get(HOME).content.decode()

    assert 'id="our-grant"' in html
    assert reverse("funding:return_edit", args=[place.pk]) not in html


def test_no_grant_panel_without_a_grant(client_for, users, school):
    today = timezone.localdate()
    year = ProgrammeYearFactory(
        local_authority=school.local_authority,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=300),
    )
    ParticipationFactory(programme_year=year, school=school)

    html = client_for(users[Role.HEADTEACHER]).get(HOME).content.decode()

    assert 'id="our-grant"' not in html


def test_lea_staff_and_pscls_get_no_grant_panel(client_for, users, school):
    _current_place(school, timezone.localdate())

    for role in (Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT):
        assert 'id="our-grant"' not in client_for(users[role]).get(HOME).content.decode()


@pytest.mark.parametrize("instalments", [1, 6])
def test_school_home_with_the_grant_runs_a_fixed_number_of_queries(
    client_for, users, school, django_assert_max_num_queries, instalments
):
    place = _current_place(school, timezone.localdate())
    for number in range(instalments):
        PaymentFactory(participation=place, instalment=3 + number, status=PaymentStatus.PAID)
    client = client_for(users[Role.HEADTEACHER])

    # Session, user, the header's school, the school, its figures (four), its PSCL, the grant
    # with its return and the sum paid.
    with django_assert_max_num_queries(11):
        response = client.get(HOME)

    assert response.context["figures"].our_grant.paid == Decimal("1000.00") + 1000 * instalments


def test_a_pscl_sees_what_they_have_been_paid_and_what_is_scheduled(client_for, users, lea, school):
    pscl = AdviserFactory(local_authority=lea, user=users[Role.CONSULTANT])
    allocation = _allocate(pscl, school)
    place = allocation.participation
    PaymentFactory(participation=place, pscl=True, allocation=allocation, status=PaymentStatus.PAID)
    PaymentFactory(participation=place, pscl=True, allocation=allocation, amount=Decimal("150.00"))
    PaymentFactory(
        participation=place,
        pscl=True,
        allocation=allocation,
        amount=Decimal("300.00"),
        status=PaymentStatus.CANCELLED,
    )
    # Another PSCL's payment and the school's own grant instalment are not theirs.
    other = _allocate(AdviserFactory(local_authority=lea), SchoolFactory(local_authority=lea))
    PaymentFactory(participation=other.participation, pscl=True, allocation=other)
    PaymentFactory(participation=place, amount=Decimal("2000.00"), status=PaymentStatus.PAID)

    html = client_for(users[Role.CONSULTANT]).get(HOME).content.decode()

    line = re.sub(r"\s+", " ", html[html.index('id="pscl-payments"') :])
    assert "£600.00 paid and £150.00 scheduled for your days." in line
    assert reverse("funding:my_payments") in line


def test_a_pscl_without_payments_is_told_none_yet(client_for, users, lea):
    AdviserFactory(local_authority=lea, user=users[Role.CONSULTANT])

    html = client_for(users[Role.CONSULTANT]).get(HOME).content.decode()

    assert "No payments yet" in html
