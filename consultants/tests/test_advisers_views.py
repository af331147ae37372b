"""The adviser pages through the test client: the list, an adviser's page, the profile, a
PSCL's capacity, training and declaration, and a school's advisers; allowed and refused users
of two LEAs with the same setup."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from consultants.factories import (
    AdviserFactory,
    AllocationFactory,
    AttachmentFactory,
    CapacityFactory,
    ConflictDeclarationFactory,
    ConsultantTrainingFactory,
    DeclaredConflictFactory,
    LinkAdviserFactory,
)
from consultants.models import (
    Adviser,
    AdviserKind,
    Attachment,
    Capacity,
    ConflictDeclaration,
    ConflictKind,
    ConsultantTraining,
    DeclaredConflict,
    TrainingDay,
)
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from schools.factories import InspectionFactory, SchoolFactory

pytestmark = pytest.mark.django_db

#: The adviser list's queries whatever its length: session, user, count, page, the
#: permission's nothing (the LEA is loaded with the user).
LIST_QUERY_BOUND = 6


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def pscl(lea, users, school):
    """The LEA's PSCL, whose log-in is the `users` fixture's consultant."""
    home = SchoolFactory(local_authority=lea, name="Hilltop Primary School")
    InspectionFactory(school=home, inspected_on=datetime.date(2001, 3, 1), leadership_grade=5)
    InspectionFactory(school=home, inspected_on=datetime.date(2003, 3, 1), leadership_grade=2)
    return AdviserFactory(
        local_authority=lea,
        user=users[Role.CONSULTANT],
        full_name="David Okafor",
        home_school=home,
        years_of_headship=11,
    )


@pytest.fixture
def foreign_pscl(other_lea):
    return AdviserFactory(local_authority=other_lea, full_name="Foreign Pscl")


def url(name, *args):
    return reverse(f"consultants:{name}", args=args)


# The list ---------------------------------------------------------------------------------


def test_the_list_shows_the_lea_s_advisers_with_the_pscl_profile(
    client_for, users, pscl, foreign_pscl, lea
):
    LinkAdviserFactory(local_authority=lea, full_name="Jo Link")

    response = client_for(users[Role.MANAGER]).get(url("adviser_list"))

    assert response.status_code == 200
    html = text(response)
    assert "David Okafor" in html
    assert "Jo Link" in html
    assert "Foreign Pscl" not in html
    assert "Hilltop Primary School" in html
    assert ">11<" in html
    # The latest inspection's grade (2), not the older one's (5).
    assert '<td class="govuk-table__cell">2</td>' in html
    assert "English, Leadership" in html
    assert "Appointed" in html


def test_the_list_filters_by_kind_and_searches_by_name(client_for, users, pscl, lea):
    LinkAdviserFactory(local_authority=lea, full_name="Jo Link")
    client = client_for(users[Role.LINK_ADVISER])

    by_kind = text(client.get(url("adviser_list"), {"kind": AdviserKind.LINK_ADVISER}))
    by_name = text(client.get(url("adviser_list"), {"q": "okaf"}))

    assert "Jo Link" in by_kind
    assert "David Okafor" not in by_kind
    assert "David Okafor" in by_name
    assert "Jo Link" not in by_name


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.HEADTEACHER, Role.GOVERNOR])
def test_the_list_is_refused_to_pscls_and_school_people(client_for, users, role):
    assert client_for(users[role]).get(url("adviser_list")).status_code == 403


def test_the_list_sends_an_anonymous_visitor_to_sign_in(client_for):
    response = client_for(None).get(url("adviser_list"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_a_bounded_number_of_queries(
    client_for, users, lea, count, django_assert_max_num_queries
):
    for index in range(count):
        home = SchoolFactory(local_authority=lea)
        InspectionFactory(school=home)
        AdviserFactory(local_authority=lea, home_school=home, full_name=f"Pscl {index:02}")
        LinkAdviserFactory(local_authority=lea)
    client = client_for(users[Role.MANAGER])

    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = client.get(url("adviser_list"))

    assert response.status_code == 200
    assert "Pscl 00" in text(response)


# Adding and editing -------------------------------------------------------------------------


def _profile(**overrides):
    data = {
        "kind": AdviserKind.PSCL,
        "full_name": "Amira Shah",
        "email": "amira.shah@example.org",
        "phone": "",
        "user": "",
        "home_school": "",
        "years_of_headship": "9",
        "expertise": ["MATHS"],
        "appointed_on_0": "",
        "appointed_on_1": "",
        "appointed_on_2": "",
    }
    data.update(overrides)
    return data


def test_a_manager_adds_a_pscl_who_is_not_appointed_unless_a_date_is_given(
    client_for, users, lea, school
):
    client = client_for(users[Role.MANAGER])

    response = client.post(url("adviser_add"), _profile(home_school=school.pk))
    appointed = client.post(
        url("adviser_add"),
        _profile(
            full_name="Ben Appointed",
            email="ben@example.org",
            appointed_on_0="5",
            appointed_on_1="7",
            appointed_on_2="2004",
        ),
    )

    amira = Adviser.objects.get(full_name="Amira Shah")
    assert response.status_code == 302
    assert response["Location"] == url("adviser_detail", amira.pk)
    assert amira.local_authority == lea
    assert amira.home_school == school
    assert amira.expertise == ["MATHS"]
    assert amira.appointed_on is None
    assert appointed.status_code == 302
    assert Adviser.objects.get(full_name="Ben Appointed").appointed_on == datetime.date(2004, 7, 5)


def test_a_link_adviser_is_added_with_their_log_in(client_for, users, lea):
    link_user = users[Role.LINK_ADVISER]

    response = client_for(users[Role.MANAGER]).post(
        url("adviser_add"),
        _profile(kind=AdviserKind.LINK_ADVISER, years_of_headship="", user=link_user.pk),
    )

    assert response.status_code == 302
    assert Adviser.objects.get(full_name="Amira Shah").user == link_user


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"kind": AdviserKind.LINK_ADVISER, "years_of_headship": "4"},
            "years_of_headship",
            "Only a PSCL has this",
        ),
        (
            {"kind": AdviserKind.LITERACY, "years_of_headship": "", "user": "LINK"},
            "user",
            "has no log-in",
        ),
        ({"user": "LINK"}, "user", "Choose the log-in of a consultant leader (pscl)"),
        ({"full_name": ""}, "full_name", "Enter the adviser&#x27;s full name"),
        ({"appointed_on_0": "31", "appointed_on_1": "2"}, "appointed_on", "Enter the day"),
    ],
)
def test_a_bad_profile_is_refused_next_to_the_field_and_nothing_is_saved(
    client_for, users, overrides, field, message
):
    if overrides.get("user") == "LINK":
        overrides["user"] = users[Role.LINK_ADVISER].pk

    response = client_for(users[Role.MANAGER]).post(url("adviser_add"), _profile(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in text(response)
    assert "govuk-error-summary" in text(response)
    assert not Adviser.objects.exists()


def test_another_lea_s_log_in_cannot_be_chosen(client_for, users, foreign_users):
    response = client_for(users[Role.MANAGER]).post(
        url("adviser_add"), _profile(user=foreign_users[Role.CONSULTANT].pk)
    )

    assert "Choose a log-in from the list" in text(response)
    assert not Adviser.objects.exists()


@pytest.mark.parametrize("role", [Role.LINK_ADVISER, Role.CONSULTANT, Role.HEADTEACHER])
def test_only_a_manager_or_admin_adds_an_adviser(client_for, users, role):
    response = client_for(users[role]).post(url("adviser_add"), _profile())

    assert response.status_code == 403
    assert not Adviser.objects.exists()


def test_an_admin_chooses_the_lea_of_a_new_adviser(client_for, admin_user, other_lea):
    response = client_for(admin_user).post(
        url("adviser_add"), _profile(local_authority=other_lea.pk)
    )

    assert response.status_code == 302
    assert Adviser.objects.get().local_authority == other_lea


def test_a_manager_edits_an_adviser_and_a_link_adviser_may_not(client_for, users, pscl):
    data = _profile(full_name="David Okafor-Smith", is_active="on", user=pscl.user_id)

    refused = client_for(users[Role.LINK_ADVISER]).post(url("adviser_edit", pscl.pk), data)
    allowed = client_for(users[Role.MANAGER]).post(url("adviser_edit", pscl.pk), data)

    assert refused.status_code == 403
    assert allowed.status_code == 302
    pscl.refresh_from_db()
    assert pscl.full_name == "David Okafor-Smith"
    assert pscl.user == users[Role.CONSULTANT]


def test_another_lea_s_adviser_is_not_found_for_editing(client_for, users, foreign_pscl):
    response = client_for(users[Role.MANAGER]).get(url("adviser_edit", foreign_pscl.pk))

    assert response.status_code == 404


# The adviser's page -------------------------------------------------------------------------


def test_the_adviser_page_shows_the_profile_and_each_year(client_for, users, pscl, year, school):
    CapacityFactory(adviser=pscl, programme_year=year, max_schools=3, max_days=Decimal("12.0"))
    ConsultantTrainingFactory(
        adviser=pscl, programme_year=year, day=TrainingDay.INITIAL_2, attended_on=year.starts_on
    )
    declaration = ConflictDeclarationFactory(adviser=pscl, programme_year=year)
    DeclaredConflictFactory(declaration=declaration, school=school, kind=ConflictKind.FAMILY)
    allocation = AllocationFactory(
        adviser=pscl, participation=ParticipationFactory(programme_year=year, school=school)
    )

    response = client_for(users[Role.MANAGER]).get(url("adviser_detail", pscl.pk))

    html = text(response)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">David Okafor</h1>' in html
    assert "3 schools, 12.0 days" in html
    assert "Initial training, day 2: attended 1 September 2004" in html
    assert "Initial training, day 1: not attended" in html
    assert "Millfield Primary School: Family link" in html
    assert url("allocation_detail", allocation.pk) in html
    assert url("capacity_edit", pscl.pk, year.pk) in html
    assert url("declaration_edit", pscl.pk, year.pk) in html


def test_a_pscl_opens_their_own_page_and_not_another_s(client_for, users, pscl, lea, year):
    other = AdviserFactory(local_authority=lea)
    client = client_for(users[Role.CONSULTANT])

    own = client.get(url("adviser_detail", pscl.pk))
    other_page = client.get(url("adviser_detail", other.pk))

    assert own.status_code == 200
    assert url("declaration_edit", pscl.pk, year.pk) in text(own)
    # A PSCL may declare but not change their profile or capacity.
    assert url("adviser_edit", pscl.pk) not in text(own)
    assert url("capacity_edit", pscl.pk, year.pk) not in text(own)
    assert other_page.status_code == 404


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.GOVERNOR])
def test_school_people_do_not_find_an_adviser_page(client_for, users, pscl, role):
    assert client_for(users[role]).get(url("adviser_detail", pscl.pk)).status_code == 404


def test_another_lea_s_manager_does_not_find_the_adviser(client_for, foreign_users, pscl):
    response = client_for(foreign_users[Role.MANAGER]).get(url("adviser_detail", pscl.pk))

    assert response.status_code == 404


def test_a_link_adviser_reads_the_page_without_the_manager_s_links(client_for, users, pscl, year):
    response = client_for(users[Role.LINK_ADVISER]).get(url("adviser_detail", pscl.pk))

    assert response.status_code == 200
    assert url("adviser_edit", pscl.pk) not in text(response)
    assert url("declaration_edit", pscl.pk, year.pk) not in text(response)


# Capacity and training ----------------------------------------------------------------------


def test_the_capacity_form_offers_the_year_s_default_and_saves(client_for, users, pscl, year):
    client = client_for(users[Role.MANAGER])

    form = client.get(url("capacity_edit", pscl.pk, year.pk))
    response = client.post(
        url("capacity_edit", pscl.pk, year.pk), {"max_schools": "5", "max_days": "20.5"}
    )

    assert form.context["form"].initial == {"max_schools": 4, "max_days": Decimal("16.0")}
    assert response.status_code == 302
    capacity = Capacity.objects.get(adviser=pscl, programme_year=year)
    assert (capacity.max_schools, capacity.max_days) == (5, Decimal("20.5"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"max_schools": "0", "max_days": "4"}, "A PSCL supports at least 1 school"),
        ({"max_schools": "4", "max_days": "-1"}, "The days cannot be negative"),
        ({"max_schools": "4", "max_days": "4.25"}, "one decimal place"),
    ],
)
def test_a_bad_capacity_is_refused(client_for, users, pscl, year, data, message):
    response = client_for(users[Role.MANAGER]).post(url("capacity_edit", pscl.pk, year.pk), data)

    assert message in text(response)
    assert not Capacity.objects.exists()


def test_capacity_is_refused_to_the_pscl_and_not_found_for_another_lea_s_year(
    client_for, users, pscl, year, other_lea
):
    foreign_year = ProgrammeYearFactory(local_authority=other_lea)
    link_adviser = LinkAdviserFactory(local_authority=pscl.local_authority)
    manager = client_for(users[Role.MANAGER])

    assert (
        client_for(users[Role.CONSULTANT]).get(url("capacity_edit", pscl.pk, year.pk)).status_code
        == 403
    )
    assert manager.get(url("capacity_edit", pscl.pk, foreign_year.pk)).status_code == 404
    assert manager.get(url("capacity_edit", link_adviser.pk, year.pk)).status_code == 404


def test_the_training_form_records_the_days_attended_and_forgets_the_cleared(
    client_for, users, pscl, year
):
    ConsultantTrainingFactory(adviser=pscl, programme_year=year, day=TrainingDay.FOURTH)
    data = {f"{day.lower()}_{i}": "" for day in TrainingDay.values for i in range(3)}
    data.update({"initial_1_0": "12", "initial_1_1": "7", "initial_1_2": "2004"})
    data.update({"initial_3_0": "14", "initial_3_1": "7", "initial_3_2": "2004"})

    response = client_for(users[Role.MANAGER]).post(url("training_edit", pscl.pk, year.pk), data)

    assert response.status_code == 302
    assert dict(
        ConsultantTraining.objects.filter(adviser=pscl).values_list("day", "attended_on")
    ) == {
        TrainingDay.INITIAL_1: datetime.date(2004, 7, 12),
        TrainingDay.INITIAL_3: datetime.date(2004, 7, 14),
    }


def test_a_half_typed_training_date_is_refused(client_for, users, pscl, year):
    data = {f"{day.lower()}_{i}": "" for day in TrainingDay.values for i in range(3)}
    data.update({"initial_2_0": "12", "initial_2_1": "7"})

    response = client_for(users[Role.MANAGER]).post(url("training_edit", pscl.pk, year.pk), data)

    assert response.status_code == 200
    assert "Enter the day, month and year" in text(response)
    assert not ConsultantTraining.objects.exists()


# Declaration of conflicts -----------------------------------------------------------------


@pytest.fixture
def participating(year, school, sibling_school):
    ParticipationFactory(programme_year=year, school=school, status=ParticipationStatus.INVITED)
    ParticipationFactory(
        programme_year=year, school=sibling_school, status=ParticipationStatus.COMPLETED
    )
    declined = SchoolFactory(local_authority=year.local_authority, name="Declined Primary")
    ParticipationFactory(
        programme_year=year,
        school=declined,
        status=ParticipationStatus.DECLINED,
        status_reason="No capacity this year.",
    )
    return declined


def _declaration(rows=(), no_links=False):
    data = {
        "links-TOTAL_FORMS": "3",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "50",
    }
    for index in range(3):
        school, kind, details = rows[index] if index < len(rows) else ("", "", "")
        data.update(
            {
                f"links-{index}-school": school,
                f"links-{index}-kind": kind,
                f"links-{index}-details": details,
            }
        )
    if no_links:
        data["declaration-no_links"] = "on"
    return data


def test_a_pscl_declares_links_which_replace_the_earlier_declaration(
    client_for, users, pscl, year, school, sibling_school, participating
):
    earlier = ConflictDeclarationFactory(adviser=pscl, programme_year=year, declared_by=None)
    DeclaredConflictFactory(declaration=earlier, school=school, kind=ConflictKind.FAMILY)

    response = client_for(users[Role.CONSULTANT]).post(
        url("declaration_edit", pscl.pk, year.pk),
        _declaration(
            [
                (school.pk, ConflictKind.GOVERNOR, ""),
                (sibling_school.pk, ConflictKind.OTHER, "My sister teaches there."),
            ]
        ),
    )

    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get(adviser=pscl, programme_year=year)
    assert declaration.declared_by == users[Role.CONSULTANT]
    assert sorted(declaration.conflicts.values_list("school__name", "kind")) == [
        ("Millfield Primary School", ConflictKind.GOVERNOR),
        ("Oakwood Primary School", ConflictKind.OTHER),
    ]


def test_a_pscl_confirms_having_no_link(client_for, users, pscl, year, participating):
    response = client_for(users[Role.CONSULTANT]).post(
        url("declaration_edit", pscl.pk, year.pk), _declaration(no_links=True)
    )

    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get(adviser=pscl, programme_year=year)
    assert not declaration.conflicts.exists()


@pytest.mark.parametrize(
    ("rows", "no_links", "message"),
    [
        ((), False, "Enter a link to a school below, or confirm"),
        ((("SCHOOL", ConflictKind.FAMILY, ""),), True, "Untick this, or remove the links"),
        ((("SCHOOL", ConflictKind.OTHER, ""),), False, "Say what the link is"),
        ((("SCHOOL", "", ""),), False, "Choose the kind of link"),
        ((("DECLINED", ConflictKind.FAMILY, ""),), False, "Choose a school from the list"),
        (
            (("SCHOOL", ConflictKind.FAMILY, ""), ("SCHOOL", ConflictKind.FAMILY, "")),
            False,
            "declared twice",
        ),
    ],
)
def test_a_bad_declaration_is_refused_and_the_earlier_one_kept(
    client_for, users, pscl, year, school, participating, rows, no_links, message
):
    earlier = ConflictDeclarationFactory(adviser=pscl, programme_year=year)
    DeclaredConflictFactory(declaration=earlier, school=school, kind=ConflictKind.FAMILY)
    ids = {"SCHOOL": school.pk, "DECLINED": participating.pk}
    rows = [(ids[s], kind, details) for s, kind, details in rows]

    response = client_for(users[Role.CONSULTANT]).post(
        url("declaration_edit", pscl.pk, year.pk), _declaration(rows, no_links=no_links)
    )

    assert response.status_code == 200
    assert message in text(response)
    assert "govuk-error-summary" in text(response)
    assert list(DeclaredConflict.objects.values_list("kind", flat=True)) == [ConflictKind.FAMILY]


def test_the_declaration_form_offers_only_the_year_s_participating_schools(
    client_for, users, pscl, year, participating
):
    response = client_for(users[Role.CONSULTANT]).get(url("declaration_edit", pscl.pk, year.pk))

    schools = response.context["formset"].forms[0].fields["school"].queryset
    assert sorted(s.name for s in schools) == [
        "Millfield Primary School",
        "Oakwood Primary School",
    ]


def test_a_manager_declares_for_a_pscl_and_others_may_not(
    client_for, users, pscl, year, lea, participating
):
    other = AdviserFactory(local_authority=lea)
    data = _declaration(no_links=True)

    manager = client_for(users[Role.MANAGER]).post(url("declaration_edit", pscl.pk, year.pk), data)
    link_adviser = client_for(users[Role.LINK_ADVISER]).post(
        url("declaration_edit", other.pk, year.pk), data
    )
    other_pscl = client_for(users[Role.CONSULTANT]).post(
        url("declaration_edit", other.pk, year.pk), data
    )
    headteacher = client_for(users[Role.HEADTEACHER]).post(
        url("declaration_edit", other.pk, year.pk), data
    )

    assert manager.status_code == 302
    assert link_adviser.status_code == 403
    assert other_pscl.status_code == 404
    assert headteacher.status_code == 404
    assert list(ConflictDeclaration.objects.values_list("adviser", flat=True)) == [pscl.pk]


# A school's advisers ------------------------------------------------------------------------


def test_attaching_a_link_adviser_replaces_the_school_s_link_adviser(
    client_for, users, school, lea
):
    old = AttachmentFactory(school=school, adviser__local_authority=lea).adviser
    literacy = LinkAdviserFactory(local_authority=lea, kind=AdviserKind.LITERACY, user=None)
    AttachmentFactory(school=school, adviser=literacy)
    new = LinkAdviserFactory(local_authority=lea, full_name="New Link")

    response = client_for(users[Role.MANAGER]).post(
        url("school_advisers", school.urn), {"adviser": new.pk}
    )

    assert response.status_code == 302
    assert set(Attachment.objects.filter(school=school).values_list("adviser", flat=True)) == {
        new.pk,
        literacy.pk,
    }
    assert old.pk not in set(Attachment.objects.values_list("adviser", flat=True))


def test_a_manager_detaches_an_adviser(client_for, users, school, lea):
    attachment = AttachmentFactory(school=school, adviser__local_authority=lea)

    response = client_for(users[Role.MANAGER]).post(
        url("school_advisers", school.urn), {"detach": attachment.adviser.pk}
    )

    assert response.status_code == 302
    assert not Attachment.objects.exists()


def test_another_lea_s_adviser_cannot_be_attached(client_for, users, school, other_lea):
    foreign = LinkAdviserFactory(local_authority=other_lea)

    response = client_for(users[Role.MANAGER]).post(
        url("school_advisers", school.urn), {"adviser": foreign.pk}
    )

    assert response.status_code == 200
    assert "Choose an adviser from the list" in text(response)
    assert not Attachment.objects.exists()


def test_school_advisers_are_refused_to_others(client_for, users, school, foreign_school, lea):
    adviser = LinkAdviserFactory(local_authority=lea)

    link = client_for(users[Role.LINK_ADVISER]).post(
        url("school_advisers", school.urn), {"adviser": adviser.pk}
    )
    head = client_for(users[Role.HEADTEACHER]).post(
        url("school_advisers", school.urn), {"adviser": adviser.pk}
    )
    foreign = client_for(users[Role.MANAGER]).get(url("school_advisers", foreign_school.urn))

    assert link.status_code == 403
    assert head.status_code == 403
    assert foreign.status_code == 404
    assert not Attachment.objects.exists()


def test_the_school_advisers_page_lists_the_attached(client_for, users, school, lea):
    AttachmentFactory(school=school, adviser__local_authority=lea, adviser__full_name="Jo Link")

    response = client_for(users[Role.MANAGER]).get(url("school_advisers", school.urn))

    assert response.status_code == 200
    assert "Jo Link" in text(response)
    assert "Detach" in text(response)
