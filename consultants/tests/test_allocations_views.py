"""The pages of matching and allocations through the test client: who may open each (404 out of
scope, 403 for the wrong role), what they show, the forms' errors next to their fields with
nothing saved, and bounded queries at two sizes."""

import re
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role
from conftest import make_user
from consultants.factories import (
    AdviserFactory,
    AllocationFactory,
    CapacityFactory,
    ConflictDeclarationFactory,
)
from consultants.models import Allocation, AllocationEventKind, AllocationStatus
from consultants.services.allocations import allocation_request_change
from consultants.tests.test_allocations_services import DAYS, build_map
from consultants.views.allocations import allocation_school_section
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools import panels
from schools.factories import SchoolFactory
from schools.models import School

pytestmark = pytest.mark.django_db

#: The most queries the board may run for any number of schools and PSCLs: session, user, the
#: year, and the board's four (seven today), with two to spare for the page's header.
BOARD_QUERY_BOUND = 9
#: The suggestions page: session, user, the participation, the link advisers, the school's
#: current PSCL, the seven matching facts of every PSCL (twelve today), two to spare.
SUGGESTIONS_QUERY_BOUND = 14
#: Suggest-all: session, user, the year, the unmatched schools, the link advisers and the
#: matching facts of every PSCL at once (eleven today), two to spare.
SUGGEST_ALL_QUERY_BOUND = 13


def text(response) -> str:
    return response.content.decode()


def url(name, *args):
    return reverse(f"consultants:{name}", args=args)


@pytest.fixture
def the_map(lea, users):
    return build_map(lea, users[Role.MANAGER])


@pytest.fixture
def allocation(lea, school):
    """`school`'s current match to a PSCL of its LEA, in the map's programme year."""
    year = ProgrammeYearFactory(local_authority=lea)
    pscl = AdviserFactory(local_authority=lea, full_name="Dev Dawson")
    CapacityFactory(adviser=pscl, programme_year=year)
    ConflictDeclarationFactory(adviser=pscl, programme_year=year)
    return AllocationFactory(
        adviser=pscl,
        participation=ParticipationFactory(programme_year=year, school=school),
        planned_days=DAYS,
    )


# Who may open the manager's pages ------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.MANAGER, 200),
        (Role.LINK_ADVISER, 403),
        (Role.CONSULTANT, 403),
        (Role.HEADTEACHER, 403),
        (Role.GOVERNOR, 403),
    ],
)
def test_only_the_strategy_manager_and_admin_open_the_board_and_suggest_all(
    role, status, users, the_map, client_for
):
    client = client_for(users[role])
    assert client.get(url("matching", the_map.year.pk)).status_code == status
    assert client.get(url("suggest_all", the_map.year.pk)).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.MANAGER, 200),
        (Role.LINK_ADVISER, 403),
        (Role.HEADTEACHER, 403),
        (Role.GOVERNOR, 403),
        # A PSCL sees only the schools allocated to them.
        (Role.CONSULTANT, 404),
    ],
)
def test_only_the_strategy_manager_and_admin_open_the_suggestions(
    role, status, users, allocation, client_for
):
    allocation_request_change(allocation=allocation, reason="Too far away.", by=None)
    response = client_for(users[role]).get(url("match_suggestions", allocation.participation_id))
    assert response.status_code == status


def test_refused_users_cannot_confirm_a_match(users, the_map, client_for):
    participation = the_map.participations["ashby"]
    data = {"adviser": the_map.pscls["bob"].pk, f"pscl-{the_map.pscls['bob'].pk}-planned_days": "4"}
    response = client_for(users[Role.LINK_ADVISER]).post(
        url("match_suggestions", participation.pk), data
    )
    assert response.status_code == 403
    response = client_for(users[Role.LINK_ADVISER]).post(url("suggest_all", the_map.year.pk), {})
    assert response.status_code == 403
    assert not Allocation.objects.filter(participation=participation).exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LINK_ADVISER, Role.HEADTEACHER])
def test_nobody_of_the_other_lea_finds_the_matching_pages(
    role, foreign_users, the_map, allocation, client_for
):
    client = client_for(foreign_users[role])
    urls = [
        url("matching", the_map.year.pk),
        url("suggest_all", the_map.year.pk),
        url("match_suggestions", the_map.participations["ashby"].pk),
        url("allocation_detail", allocation.pk),
        url("allocation_days", allocation.pk),
        url("allocation_end", allocation.pk),
        url("allocation_request_change", allocation.pk),
        url("allocation_decline", allocation.pk),
    ]
    assert [client.get(u).status_code for u in urls] == [404] * len(urls)


def test_anonymous_visitors_are_sent_to_sign_in(the_map, client_for):
    response = client_for(None).get(url("matching", the_map.year.pk))
    assert response.status_code == 302
    assert "login" in response["Location"]


# The board -----------------------------------------------------------------------------------


def test_the_board_lists_unmatched_schools_first_with_the_load_and_warnings(
    users, the_map, client_for
):
    bob = the_map.pscls["bob"]
    ashby = AllocationFactory(adviser=bob, participation=the_map.participations["ashby"])
    allocation_request_change(allocation=ashby, reason="We need maths expertise.", by=None)
    the_map.pscls["alice"].capacities.update(max_schools=1)
    page = text(client_for(users[Role.MANAGER]).get(url("matching", the_map.year.pk)))
    rows = re.findall(r'id="participation-(\d+)"', page)
    unmatched = {str(the_map.participations[k].pk) for k in ("brook", "castle", "dale")}
    assert set(rows[:3]) == unmatched
    assert page.count("No PSCL") == 3
    assert "We need maths expertise." in page
    assert "Over capacity: 2 of 1 schools" in page
    assert url("suggest_all", the_map.year.pk) in page
    assert url("match_suggestions", the_map.participations["brook"].pk) in page


@pytest.mark.parametrize("extra", [0, 6])
def test_the_board_costs_the_same_queries_for_any_number_of_schools(
    extra, users, the_map, lea, client_for, django_assert_max_num_queries
):
    for _ in range(extra):
        pscl = AdviserFactory(local_authority=lea)
        CapacityFactory(adviser=pscl, programme_year=the_map.year)
        AllocationFactory(
            adviser=pscl, participation=ParticipationFactory(programme_year=the_map.year)
        )
        ParticipationFactory(programme_year=the_map.year)
    client = client_for(users[Role.MANAGER])
    with django_assert_max_num_queries(BOARD_QUERY_BOUND):
        response = client.get(url("matching", the_map.year.pk))
    assert len(response.context["board"].rows) == 6 + 2 * extra


# The suggestions for one school --------------------------------------------------------------


def test_the_suggestions_show_the_ranking_with_reasons_and_the_excluded_with_why(
    users, the_map, client_for
):
    the_map.pscls["carol"].conflict_declarations.all().delete()
    page = text(
        client_for(users[Role.MANAGER]).get(
            url("match_suggestions", the_map.participations["ashby"].pk)
        )
    )
    assert page.index("1. Alice Archer: 82.5 of 100") < page.index("2. Bob Baker: 51.1 of 100")
    assert "5.0 km from the home school" in page
    assert "No conflict declaration for 2004-05" in page
    assert page.count("Confirm Alice Archer") == 1
    assert "Confirm Carol Cooper" not in page


@pytest.mark.parametrize("extra", [0, 6])
def test_the_suggestions_cost_the_same_queries_for_any_number_of_pscls(
    extra, users, the_map, lea, client_for, django_assert_max_num_queries
):
    for _ in range(extra):
        pscl = AdviserFactory(local_authority=lea)
        CapacityFactory(adviser=pscl, programme_year=the_map.year)
        ConflictDeclarationFactory(adviser=pscl, programme_year=the_map.year)
    client = client_for(users[Role.MANAGER])
    with django_assert_max_num_queries(SUGGESTIONS_QUERY_BOUND):
        response = client.get(url("match_suggestions", the_map.participations["ashby"].pk))
    assert len(response.context["ranked"]) == 3 + extra


def confirm_data(pscl, days="4.0", accept=False):
    data = {"adviser": pscl.pk, f"pscl-{pscl.pk}-planned_days": days}
    if accept:
        data[f"pscl-{pscl.pk}-accept_over_capacity"] = "on"
    return data


def test_the_manager_confirms_a_suggested_pscl_with_more_days(users, the_map, client_for):
    participation = the_map.participations["ashby"]
    response = client_for(users[Role.MANAGER]).post(
        url("match_suggestions", participation.pk), confirm_data(the_map.pscls["bob"], "5.5")
    )
    allocation = Allocation.objects.get(participation=participation)
    assert response.status_code == 302
    assert response["Location"] == url("allocation_detail", allocation.pk)
    assert (allocation.adviser, allocation.planned_days) == (the_map.pscls["bob"], Decimal("5.5"))
    assert allocation.events.get().kind == AllocationEventKind.CONFIRMED


def test_bad_days_are_shown_next_to_the_row_and_nothing_is_saved(users, the_map, client_for):
    participation = the_map.participations["ashby"]
    bob = the_map.pscls["bob"]
    response = client_for(users[Role.MANAGER]).post(
        url("match_suggestions", participation.pk), confirm_data(bob, "0")
    )
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert f'id="id_pscl-{bob.pk}-planned_days-error"' in page
    assert "Plan at least half a day" in page
    assert not Allocation.objects.filter(participation=participation).exists()


def test_over_capacity_asks_the_manager_to_accept_it_first(users, the_map, client_for):
    the_map.pscls["alice"].capacities.update(max_schools=2)
    alice = the_map.pscls["alice"]
    participation = the_map.participations["ashby"]
    client = client_for(users[Role.MANAGER])
    page = text(client.get(url("match_suggestions", participation.pk)))
    assert "Full: 2 of 2 schools" in page
    assert "Confirm Alice Archer over capacity" in page

    response = client.post(url("match_suggestions", participation.pk), confirm_data(alice))
    page = text(response)
    assert f'id="id_pscl-{alice.pk}-accept_over_capacity-error"' in page
    assert "Confirm that you accept going over capacity" in page
    assert not Allocation.objects.filter(participation=participation).exists()

    response = client.post(
        url("match_suggestions", participation.pk), confirm_data(alice, accept=True)
    )
    assert response.status_code == 302
    assert Allocation.objects.get(participation=participation).adviser == alice


def test_an_excluded_pscl_cannot_be_confirmed_by_crafting_the_form(users, the_map, client_for):
    participation = the_map.participations["ashby"]
    carol = the_map.pscls["carol"]
    carol.conflict_declarations.all().delete()
    response = client_for(users[Role.MANAGER]).post(
        url("match_suggestions", participation.pk), confirm_data(carol, accept=True)
    )
    assert "No conflict declaration for 2004-05" in text(response)
    assert not Allocation.objects.filter(participation=participation).exists()


def test_replacing_a_pscl_the_school_asked_to_change(users, allocation, lea, client_for):
    allocation_request_change(allocation=allocation, reason="Too far away.", by=None)
    year = allocation.participation.programme_year
    erin = AdviserFactory(local_authority=lea, full_name="Erin Evans")
    CapacityFactory(adviser=erin, programme_year=year)
    ConflictDeclarationFactory(adviser=erin, programme_year=year)
    client = client_for(users[Role.MANAGER])
    page = text(client.get(url("match_suggestions", allocation.participation_id)))
    assert "Too far away." in page
    assert "The school&#x27;s current PSCL, whom it asked to change" in page
    response = client.post(
        url("match_suggestions", allocation.participation_id), confirm_data(erin)
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.ENDED
    assert allocation.end_reason.startswith("Replaced by Erin Evans")


# Suggest all ---------------------------------------------------------------------------------


def suggest_all_names(response):
    form = response.context["form"]
    return {
        proposal.target.place.name: (
            proposal.suggestion.candidate.name if proposal.suggestion else None
        )
        for proposal in form.proposals
    }


def test_suggest_all_proposes_within_capacity_and_says_why_not(users, the_map, client_for):
    the_map.pscls["bob"].capacities.update(max_schools=1)
    the_map.pscls["carol"].capacities.update(max_schools=1)
    response = client_for(users[Role.MANAGER]).get(url("suggest_all", the_map.year.pk))
    names = suggest_all_names(response)
    # Alice has two of four schools: four schools, two places with Alice, one each with the
    # others: every school gets a proposal, and nobody more than their capacity.
    assert sorted(n for n in names.values() if n) == [
        "Alice Archer",
        "Alice Archer",
        "Bob Baker",
        "Carol Cooper",
    ]
    the_map.pscls["alice"].capacities.update(max_schools=2)
    response = client_for(users[Role.MANAGER]).get(url("suggest_all", the_map.year.pk))
    assert list(suggest_all_names(response).values()).count(None) == 2
    assert "Every eligible PSCL is full (schools or days)" in text(response)


def test_suggest_all_saves_every_reviewed_row_together(users, the_map, client_for):
    client = client_for(users[Role.MANAGER])
    response = client.get(url("suggest_all", the_map.year.pk))
    data = {
        name: response.context["form"][name].value() or ""
        for name in response.context["form"].fields
    }
    # The manager leaves Castle unmatched.
    data[f"school_{the_map.participations['castle'].pk}"] = ""
    response = client.post(url("suggest_all", the_map.year.pk), data)
    assert response.status_code == 302
    matched = set(
        Allocation.objects.current()
        .filter(participation__programme_year=the_map.year)
        .values_list("participation__school__name", flat=True)
    )
    assert matched == {
        "Ashby Primary",
        "Brook Primary",
        "Dale Primary",
        "Elm Primary",
        "Fir Primary",
    }


def test_suggest_all_saves_nothing_when_a_row_is_wrong(users, the_map, client_for):
    the_map.pscls["carol"].capacities.update(max_schools=1)
    carol = the_map.pscls["carol"]
    data = {
        f"school_{the_map.participations['ashby'].pk}": str(the_map.pscls["bob"].pk),
        f"school_{the_map.participations['brook'].pk}": str(carol.pk),
        f"school_{the_map.participations['castle'].pk}": str(carol.pk),
        f"school_{the_map.participations['dale'].pk}": "",
    }
    before = Allocation.objects.count()
    response = client_for(users[Role.MANAGER]).post(url("suggest_all", the_map.year.pk), data)
    page = text(response)
    assert response.status_code == 200
    castle = the_map.participations["castle"].pk
    assert f'id="id_school_{castle}-error"' in page
    assert "Full: 1 of 1 schools" in page
    assert Allocation.objects.count() == before


def test_suggest_all_refuses_a_pscl_not_in_the_list(users, the_map, client_for, other_lea):
    stranger = AdviserFactory(local_authority=other_lea)
    data = {f"school_{the_map.participations['ashby'].pk}": str(stranger.pk)}
    response = client_for(users[Role.MANAGER]).post(url("suggest_all", the_map.year.pk), data)
    assert "Choose a PSCL from the list" in text(response)
    assert not Allocation.objects.filter(adviser=stranger).exists()


@pytest.mark.parametrize("extra", [0, 6])
def test_suggest_all_costs_the_same_queries_for_any_number_of_schools(
    extra, users, the_map, lea, client_for, django_assert_max_num_queries
):
    for _ in range(extra):
        ParticipationFactory(programme_year=the_map.year)
        pscl = AdviserFactory(local_authority=lea)
        CapacityFactory(adviser=pscl, programme_year=the_map.year)
        ConflictDeclarationFactory(adviser=pscl, programme_year=the_map.year)
    client = client_for(users[Role.MANAGER])
    with django_assert_max_num_queries(SUGGEST_ALL_QUERY_BOUND):
        response = client.get(url("suggest_all", the_map.year.pk))
    assert len(response.context["form"].proposals) == 4 + extra


# An allocation: the school's answers and the manager's changes -------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.MANAGER, 200),
        (Role.LINK_ADVISER, 200),
        (Role.HEADTEACHER, 200),
        (Role.GOVERNOR, 200),
        (Role.CONSULTANT, 404),
    ],
)
def test_the_allocation_is_seen_by_whoever_may_see_the_school(
    role, status, users, allocation, client_for
):
    response = client_for(users[role]).get(url("allocation_detail", allocation.pk))
    assert response.status_code == status


def test_the_pscl_sees_their_own_allocation(allocation, client_for):
    response = client_for(allocation.adviser.user).get(url("allocation_detail", allocation.pk))
    assert response.status_code == 200


def test_a_headteacher_of_another_school_does_not_find_the_allocation(
    allocation, sibling_school, client_for
):
    from conftest import make_user

    other_head = make_user(Role.HEADTEACHER, school=sibling_school)
    client = client_for(other_head)
    for name in ("allocation_detail", "allocation_request_change", "allocation_decline"):
        assert client.get(url(name, allocation.pk)).status_code == 404


def test_the_headteacher_sees_the_answers_and_the_manager_the_changes(
    users, allocation, client_for
):
    head = text(client_for(users[Role.HEADTEACHER]).get(url("allocation_detail", allocation.pk)))
    assert url("allocation_request_change", allocation.pk) in head
    assert url("allocation_decline", allocation.pk) in head
    assert url("allocation_end", allocation.pk) not in head
    manager = text(client_for(users[Role.MANAGER]).get(url("allocation_detail", allocation.pk)))
    assert url("allocation_days", allocation.pk) in manager
    assert url("allocation_end", allocation.pk) in manager
    assert url("allocation_decline", allocation.pk) not in manager
    governor = text(client_for(users[Role.GOVERNOR]).get(url("allocation_detail", allocation.pk)))
    assert url("allocation_decline", allocation.pk) not in governor


@pytest.mark.parametrize(
    ("role", "name"),
    [
        (Role.MANAGER, "allocation_request_change"),
        (Role.MANAGER, "allocation_decline"),
        (Role.GOVERNOR, "allocation_decline"),
        (Role.LINK_ADVISER, "allocation_request_change"),
        (Role.HEADTEACHER, "allocation_end"),
        (Role.HEADTEACHER, "allocation_days"),
        (Role.GOVERNOR, "allocation_days"),
        (Role.LINK_ADVISER, "allocation_end"),
    ],
)
def test_each_change_is_refused_to_the_wrong_role(role, name, users, allocation, client_for):
    response = client_for(users[role]).post(url(name, allocation.pk), {"reason": "Because."})
    assert response.status_code == 403
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.CONFIRMED
    assert not allocation.events.exists()


def test_the_headteacher_asks_for_a_change_with_a_reason(users, allocation, client_for):
    client = client_for(users[Role.HEADTEACHER])
    response = client.post(url("allocation_request_change", allocation.pk), {"reason": ""})
    assert "Say why the school wants another PSCL" in text(response)
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.CONFIRMED

    response = client.post(
        url("allocation_request_change", allocation.pk), {"reason": "We need maths expertise."}
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.CHANGE_REQUESTED
    page = text(client.get(url("allocation_detail", allocation.pk)))
    assert "We need maths expertise." in page
    assert url("allocation_withdraw_request", allocation.pk) in page

    response = client.post(url("allocation_withdraw_request", allocation.pk), {"reason": ""})
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.CONFIRMED


def test_the_headteacher_declines_the_pscl(users, allocation, client_for):
    client = client_for(users[Role.HEADTEACHER])
    response = client.post(url("allocation_decline", allocation.pk), {"reason": "  "})
    assert "Say why the school declines the PSCL" in text(response)
    response = client.post(url("allocation_decline", allocation.pk), {"reason": "A conflict."})
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert (allocation.status, allocation.end_reason) == (AllocationStatus.DECLINED, "A conflict.")
    # The match has ended: the headteacher can no longer answer it.
    assert client.get(url("allocation_decline", allocation.pk)).status_code == 403


def test_the_manager_changes_the_days_and_the_history_shows_it(users, allocation, client_for):
    client = client_for(users[Role.MANAGER])
    response = client.post(url("allocation_days", allocation.pk), {"planned_days": "abc"})
    assert "Enter the planned days as a number" in text(response)
    response = client.post(
        url("allocation_days", allocation.pk), {"planned_days": "6", "reason": "A new deputy."}
    )
    assert response.status_code == 302
    page = text(client.get(url("allocation_detail", allocation.pk)))
    assert "4.0 -&gt; 6.0 days" in page
    assert "A new deputy." in page


def test_the_manager_ends_the_match(users, allocation, client_for):
    client = client_for(users[Role.MANAGER])
    response = client.post(url("allocation_end", allocation.pk), {"reason": ""})
    assert "Say why the match ends" in text(response)
    response = client.post(url("allocation_end", allocation.pk), {"reason": "PSCL left."})
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.ENDED
    response = client.get(url("allocation_days", allocation.pk))
    assert response.status_code == 302


# The school page's section -------------------------------------------------------------------


def test_the_school_page_shows_the_pscl_once_registered(
    users, allocation, school, client_for, monkeypatch
):
    monkeypatch.setattr(panels, "_sections", [])
    panels.register_school_section(allocation_school_section)
    page = text(
        client_for(users[Role.HEADTEACHER]).get(reverse("schools:detail", args=[school.urn]))
    )
    assert "Dev Dawson" in page
    assert "4.0 planned, 0.00 delivered, 4.00 left" in page
    assert url("allocation_detail", allocation.pk) in page


def test_the_school_section_keeps_to_the_users_scope(users, allocation, school, lea):
    request = RequestFactory().get("/")
    request.user = users[Role.MANAGER]
    assert "Dev Dawson" in allocation_school_section(request, school)
    # Another PSCL sees no allocation of this school; a school without one shows nothing.
    request.user = users[Role.CONSULTANT]
    assert allocation_school_section(request, school) is None
    # The manager may attach advisers to a school with neither a PSCL nor advisers; the
    # headteacher of such a school has nothing to see.
    bare_school = SchoolFactory(local_authority=lea)
    request.user = users[Role.MANAGER]
    section = allocation_school_section(request, bare_school)
    assert "Dev Dawson" not in section
    assert reverse("consultants:school_advisers", args=[bare_school.urn]) in section
    request.user = make_user(Role.HEADTEACHER, school=bare_school)
    assert allocation_school_section(request, bare_school) is None


def test_the_school_section_shows_only_the_latest_years_pscl_in_two_queries(
    users, allocation, school, lea, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = users[Role.MANAGER]
    # The section's queries: the school's participations (which the school page's programme
    # section has read before it, and which are kept on the school), the current allocation of
    # the latest, and the advisers attached.
    with django_assert_num_queries(3):
        section = allocation_school_section(request, school)
    with django_assert_num_queries(2):
        assert allocation_school_section(request, school) == section
    assert "Dev Dawson" in section
    assert "PSCL, 2004-05" in section
    assert "4.0 planned, 0.00 delivered, 4.00 left" in section

    # A later year without a match yet: last year's PSCL is no longer the school's.
    ParticipationFactory(
        school=school,
        programme_year=ProgrammeYearFactory(
            local_authority=lea,
            name="2005-06",
            starts_on=allocation.participation.programme_year.starts_on.replace(year=2005),
            ends_on=allocation.participation.programme_year.ends_on.replace(year=2006),
        ),
    )
    # The next request reads the school, and so its participations, again.
    school = School.objects.get(pk=school.pk)
    with django_assert_num_queries(3):
        section = allocation_school_section(request, school)
    assert "Dev Dawson" not in section


@pytest.mark.parametrize("adviser", ["abc", "", "999999"])
def test_a_confirmation_naming_no_pscl_of_the_lea_is_not_found(adviser, users, the_map, client_for):
    participation = the_map.participations["ashby"]
    response = client_for(users[Role.MANAGER]).post(
        url("match_suggestions", participation.pk), {"adviser": adviser}
    )
    assert response.status_code == 404
    assert not Allocation.objects.filter(participation=participation).exists()


def test_the_allocation_links_the_pscl_to_their_visits_and_the_head_to_the_rating(
    users, allocation, client_for
):
    pscl_page = text(
        client_for(allocation.adviser.user).get(url("allocation_detail", allocation.pk))
    )
    assert url("visit_plan", allocation.pk) in pscl_page
    assert url("allocation_end", allocation.pk) not in pscl_page
    head_page = text(
        client_for(users[Role.HEADTEACHER]).get(url("allocation_detail", allocation.pk))
    )
    assert url("evaluate_support", allocation.pk) in head_page
    assert url("visit_plan", allocation.pk) not in head_page
