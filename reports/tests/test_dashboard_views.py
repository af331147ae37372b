"""The LEA dashboard and its warning pages through the test client: who may open them (managers
and link advisers of the LEA, admins choosing an LEA), who is refused (403) or sent to sign in,
another LEA not found, the detail page listing the schools with links to their timelines and
pages, and a bounded number of queries at two sizes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse

from accounts.models import Role
from funding.factories import FundingRatesFactory
from funding.services.grants import grant_compute
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from reports.selectors.dashboard import WarningKind
from schools.factories import KeyStage2TargetFactory, SchoolFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2004, 11, 26)
#: The most queries the dashboard page may take for any number of schools: the session, the
#: user, the LEA, the dashboard's reads and the page's frame.
DASHBOARD_PAGE_QUERY_BOUND = 28

DASHBOARD = reverse("reports:dashboard")


def detail_url(kind: WarningKind) -> str:
    return reverse("reports:warning_detail", args=[kind.value])


def text(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def _today(settings):
    settings.PLP_TODAY = TODAY


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def last_year(lea):
    year = ProgrammeYearFactory(
        local_authority=lea,
        name="2003-04",
        starts_on=datetime.date(2003, 9, 1),
        ends_on=datetime.date(2004, 7, 31),
    )
    FundingRatesFactory(programme_year=year, returns_due_on=datetime.date(2004, 9, 30))
    return year


@pytest.fixture
def unvisited(year, school):
    """Millfield, active since September with no visit and no plan."""
    return ParticipationFactory(programme_year=year, school=school)


@pytest.fixture
def foreign_unvisited(other_lea, foreign_school):
    year = ProgrammeYearFactory(local_authority=other_lea)
    return ParticipationFactory(programme_year=year, school=foreign_school)


def client_for(client, user):
    client.force_login(user)
    return client


# Who may see it -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, unvisited):
    for url in (DASHBOARD, detail_url(WarningKind.NO_PSCL_VISIT)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR])
def test_pscls_heads_and_governors_are_refused(client, users, unvisited, role):
    client = client_for(client, users[role])

    assert client.get(DASHBOARD).status_code == 403
    assert client.get(detail_url(WarningKind.NO_PSCL_VISIT)).status_code == 403


def test_a_manager_sees_their_leas_warnings_and_charts(client, users, unvisited, foreign_unvisited):
    response = client_for(client, users[Role.MANAGER]).get(DASHBOARD)

    assert response.status_code == 200
    page = text(response)
    assert "Programme year 2004-05" in page
    assert "as of Friday 26 November 2004" in page
    warnings = {w.kind: w.count for w in response.context["figures"].warnings}
    assert warnings[WarningKind.NO_PSCL_VISIT] == 1
    assert warnings[WarningKind.NO_ACTION_PLAN] == 1
    assert set(warnings) == set(WarningKind)
    for kind in WarningKind:
        assert detail_url(kind) in page
    # The status chart and the days chart; with no plan yet, no review chart.
    assert 'id="status-chart"' in page
    assert 'id="days-chart"' in page
    assert 'id="review-chart"' not in page
    assert response.context["review_chart"] == ""
    assert "Grant unspent" in page


def test_the_days_chart_is_drawn(client, users, unvisited):
    response = client_for(client, users[Role.MANAGER]).get(DASHBOARD)

    assert response.context["days_chart"].startswith("<svg")


def test_the_manager_is_offered_the_reports_that_exist(client, users, unvisited):
    """The evaluation draft, the batch of governor reports and the list of reports are other
    pages of the app: each link is shown when its page exists."""
    year = unvisited.programme_year
    wanted = {
        "Draft the LEA evaluation report": ("reports:evaluation_draft", [year.pk]),
        "Start governor reports for all schools": ("reports:batch_start", []),
        "All reports": ("reports:run_list", []),
    }
    page = text(client_for(client, users[Role.MANAGER]).get(DASHBOARD))

    for words, (name, args) in wanted.items():
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            assert words not in page
        else:
            assert f'href="{url}"' in page
            assert words in page


def test_a_link_adviser_reads_the_dashboard_without_the_money_warnings(client, users, unvisited):
    client = client_for(client, users[Role.LINK_ADVISER])
    response = client.get(DASHBOARD)

    assert response.status_code == 200
    kinds = [w.kind for w in response.context["figures"].warnings]
    assert WarningKind.NO_PSCL_VISIT in kinds
    assert WarningKind.GRANT_UNSPENT not in kinds
    assert WarningKind.RETURN_OVERDUE not in kinds
    assert "Grant unspent" not in text(response)
    assert client.get(detail_url(WarningKind.NO_PSCL_VISIT)).status_code == 200
    assert client.get(detail_url(WarningKind.RETURN_OVERDUE)).status_code == 403
    assert client.get(detail_url(WarningKind.GRANT_UNSPENT)).status_code == 403


def test_a_manager_asking_for_another_lea_is_not_found(client, users, other_lea, unvisited):
    client = client_for(client, users[Role.MANAGER])

    assert client.get(DASHBOARD, {"lea": other_lea.code}).status_code == 404
    assert (
        client.get(detail_url(WarningKind.NO_PSCL_VISIT), {"lea": other_lea.code}).status_code
        == 404
    )


def test_an_admin_chooses_the_lea(client, admin_user, lea, other_lea, unvisited, foreign_unvisited):
    client = client_for(client, admin_user)

    first = client.get(DASHBOARD)
    chosen = client.get(DASHBOARD, {"lea": other_lea.code})
    detail = client.get(detail_url(WarningKind.NO_PSCL_VISIT), {"lea": other_lea.code})

    # Northmoor comes before Southvale.
    assert first.context["local_authority"] == lea
    assert chosen.context["local_authority"] == other_lea
    assert [row.school.name for row in detail.context["warning"].schools] == [
        "Southvale Junior School"
    ]
    assert f'value="{other_lea.code}" selected' in text(chosen)
    assert f"{detail_url(WarningKind.NO_PSCL_VISIT)}?lea={other_lea.code}" in text(chosen)
    assert client.get(DASHBOARD, {"lea": "999"}).status_code == 404


def test_an_unknown_warning_is_not_found(client, users, unvisited):
    response = client_for(client, users[Role.MANAGER]).get(
        reverse("reports:warning_detail", args=["no-such-warning"])
    )

    assert response.status_code == 404


def test_an_lea_with_no_programme_year_says_so(client, users):
    response = client_for(client, users[Role.MANAGER]).get(DASHBOARD)

    assert response.status_code == 200
    assert "has no programme year yet" in text(response)


# The detail page ------------------------------------------------------------------------------


def test_the_detail_page_lists_the_schools_with_links(
    client, users, unvisited, sibling_school, foreign_unvisited
):
    year = unvisited.programme_year
    lowered = ParticipationFactory(programme_year=year, school=sibling_school)
    KeyStage2TargetFactory(
        school=sibling_school, percentage=Decimal("80"), set_on=datetime.date(2004, 6, 1)
    )
    KeyStage2TargetFactory(
        school=sibling_school, percentage=Decimal("75"), set_on=datetime.date(2004, 10, 1)
    )
    client = client_for(client, users[Role.MANAGER])

    visits = client.get(detail_url(WarningKind.NO_PSCL_VISIT))
    targets = client.get(detail_url(WarningKind.TARGET_LOWERED))

    page = text(visits)
    assert visits.status_code == 200
    for participation in (unvisited, lowered):
        school = participation.school
        assert reverse("leadership:timeline", args=[school.urn]) in page
        assert reverse("schools:detail", args=[school.urn]) in page
    assert "No visit yet: the school&#x27;s year started on 1 September 2004." in page
    assert "Southvale Junior School" not in page
    target_page = text(targets)
    assert "Oakwood Primary School" in target_page
    assert "Millfield Primary School" not in target_page
    assert "target lowered from 80% (set on 1 June 2004) to 75%" in target_page


def test_the_overdue_returns_page_lists_last_years_schools(client, users, year, last_year, school):
    participation = ParticipationFactory(programme_year=last_year, school=school)
    grant_compute(participation=participation)

    response = client_for(client, users[Role.MANAGER]).get(detail_url(WarningKind.RETURN_OVERDUE))

    assert response.status_code == 200
    assert "The 2003-04 return was due by 30 September 2004: not started." in text(response)


# Bounded queries ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_the_dashboard_page_takes_a_bounded_number_of_queries(
    client, users, lea, year, last_year, size, django_assert_max_num_queries
):
    for number in range(size):
        ParticipationFactory(
            programme_year=year,
            school=SchoolFactory(local_authority=lea, name=f"School {number:02}"),
        )
        old = ParticipationFactory(
            programme_year=last_year,
            school=SchoolFactory(
                local_authority=lea, name=f"Old School {number:02}", number_on_roll=150
            ),
        )
        grant_compute(participation=old)
    client = client_for(client, users[Role.MANAGER])

    with django_assert_max_num_queries(DASHBOARD_PAGE_QUERY_BOUND):
        response = client.get(DASHBOARD)
    with django_assert_max_num_queries(DASHBOARD_PAGE_QUERY_BOUND):
        detail = client.get(detail_url(WarningKind.RETURN_OVERDUE))

    warnings = {w.kind: w.count for w in response.context["figures"].warnings}
    assert warnings[WarningKind.NO_PSCL_VISIT] == size
    assert warnings[WarningKind.RETURN_OVERDUE] == size
    assert detail.context["warning"].count == size
