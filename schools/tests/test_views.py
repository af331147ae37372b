"""The school list and the school page, for every role across two LEAs."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from schools.factories import (
    InspectionFactory,
    KeyStage2TargetFactory,
    KeyStageResultFactory,
    SchoolFactory,
    ValueAddedFactory,
)
from schools.models import KeyStage, OfstedCategory, Phase, Subject
from schools.services import school_refresh_figures

pytestmark = pytest.mark.django_db

LIST_URL = reverse("schools:list")
#: The most queries the list may run, whatever the number of schools (session, user, LEA count,
#: school count, one page of schools with their LEA, and for some roles the LEA options or the
#: navigation's school), and the insert of the view log (docs/decisions/013).
LIST_QUERY_BOUND = 9
#: The most queries the school page may run, whatever the number of years recorded (the
#: sections of the apps above included: participation, plan flags, the PSCL and advisers, the
#: way to the programme's money, the governor reports), and the insert of the view log.
DETAIL_QUERY_BOUND = 15


def detail_url(school):
    return reverse("schools:detail", args=[school.urn])


def listed_pks(response):
    return {school.pk for school in response.context["schools"]}


# Scope: who sees which schools -------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ADMIN, {"school", "sibling_school", "foreign_school"}),
        (Role.MANAGER, {"school", "sibling_school"}),
        (Role.LINK_ADVISER, {"school", "sibling_school"}),
        (Role.HEADTEACHER, {"school"}),
        (Role.GOVERNOR, {"school"}),
        (Role.CONSULTANT, set()),
    ],
)
def test_school_list_shows_only_the_schools_in_the_users_scope(
    role, expected, users, school, sibling_school, foreign_school, client_for
):
    schools = {"school": school, "sibling_school": sibling_school, "foreign_school": foreign_school}

    response = client_for(users[role]).get(LIST_URL)

    assert response.status_code == 200
    assert listed_pks(response) == {schools[name].pk for name in expected}
    content = response.content.decode()
    for name, each in schools.items():
        assert (each.name in content) == (name in expected)
    count = len(expected)
    assert f"{count} school{'' if count == 1 else 's'}</h2>" in content


def test_a_manager_of_the_other_lea_sees_only_that_leas_schools(
    foreign_users, school, sibling_school, foreign_school, client_for
):
    response = client_for(foreign_users[Role.MANAGER]).get(LIST_URL)

    assert listed_pks(response) == {foreign_school.pk}


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        (Role.ADMIN, {"school", "sibling_school", "foreign_school"}),
        (Role.MANAGER, {"school", "sibling_school"}),
        (Role.LINK_ADVISER, {"school", "sibling_school"}),
        (Role.HEADTEACHER, {"school"}),
        (Role.GOVERNOR, {"school"}),
        (Role.CONSULTANT, set()),
    ],
)
@pytest.mark.parametrize("target", ["school", "sibling_school", "foreign_school"])
def test_school_page_is_found_only_in_the_users_scope(
    role, visible, target, users, request, client_for
):
    target_school = request.getfixturevalue(target)

    response = client_for(users[role]).get(detail_url(target_school))

    assert response.status_code == (200 if target in visible else 404)


@pytest.mark.parametrize("url", [LIST_URL, "school_detail"])
def test_anonymous_visitors_are_sent_to_sign_in(url, school, client_for):
    path = detail_url(school) if url == "school_detail" else url

    response = client_for(None).get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]


def test_out_of_scope_and_unknown_schools_look_the_same(users, foreign_school, client_for):
    client = client_for(users[Role.MANAGER])

    refused = client.get(detail_url(foreign_school))
    unknown = client.get(reverse("schools:detail", args=[999999]))

    assert refused.status_code == unknown.status_code == 404


# Filters ---------------------------------------------------------------------------------


@pytest.fixture
def manager_client(users, client_for):
    return client_for(users[Role.MANAGER])


def test_text_search_finds_schools_by_part_of_their_name(manager_client, school, sibling_school):
    response = manager_client.get(LIST_URL, {"q": "  oakWOOD "})

    assert listed_pks(response) == {sibling_school.pk}


def test_text_search_finds_a_school_by_its_exact_urn(manager_client, school, sibling_school):
    exact = manager_client.get(LIST_URL, {"q": str(school.urn)})
    partial = manager_client.get(LIST_URL, {"q": str(school.urn)[:-1]})

    assert listed_pks(exact) == {school.pk}
    assert listed_pks(partial) == set()


def test_text_search_never_reaches_outside_the_users_scope(manager_client, foreign_school):
    response = manager_client.get(LIST_URL, {"q": str(foreign_school.urn)})

    assert listed_pks(response) == set()
    assert "No schools match these filters." in response.content.decode()


def test_lea_filter_is_offered_to_an_admin_and_narrows_the_list(
    admin_user, client_for, other_lea, school, foreign_school
):
    client = client_for(admin_user)

    unfiltered = client.get(LIST_URL)
    filtered = client.get(LIST_URL, {"lea": other_lea.pk})

    assert "lea" in unfiltered.context["filter"].form.fields
    assert unfiltered.context["show_lea"] is True
    assert listed_pks(filtered) == {foreign_school.pk}


def test_lea_filter_is_hidden_from_a_user_who_sees_one_lea(
    manager_client, other_lea, school, sibling_school
):
    response = manager_client.get(LIST_URL, {"lea": other_lea.pk})

    assert "lea" not in response.context["filter"].form.fields
    assert 'name="lea"' not in response.content.decode()
    assert response.context["show_lea"] is False
    assert '<th scope="col" class="govuk-table__header">LEA</th>' not in response.content.decode()
    assert listed_pks(response) == {school.pk, sibling_school.pk}


def test_an_unknown_lea_is_reported_next_to_the_field(admin_user, client_for, school, other_lea):
    response = client_for(admin_user).get(LIST_URL, {"lea": "999999"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content
    assert "govuk-error-message" in content
    assert content.count("Select an LEA from the list") == 2
    assert listed_pks(response) == set()


def test_an_invalid_phase_is_reported_next_to_the_field(manager_client, school):
    response = manager_client.get(LIST_URL, {"phase": "SECONDARY"})

    content = response.content.decode()
    assert '<span id="id_phase_1_error" class="govuk-error-message">' in content
    assert "Select a phase from the list" in content
    assert "<title>Error: Schools" in content


def test_phase_filter(manager_client, lea, school, sibling_school):
    all_through = SchoolFactory(local_authority=lea, phase=Phase.ALL_THROUGH)

    response = manager_client.get(LIST_URL, {"phase": Phase.ALL_THROUGH})

    assert listed_pks(response) == {all_through.pk}


def test_size_band_puts_120_pupils_in_small_and_121_in_large(
    manager_client, lea, school, sibling_school
):
    exactly_120 = SchoolFactory(local_authority=lea, number_on_roll=120)
    exactly_121 = SchoolFactory(local_authority=lea, number_on_roll=121)

    small = manager_client.get(LIST_URL, {"size": "small"})
    large = manager_client.get(LIST_URL, {"size": "large"})

    assert listed_pks(small) == {school.pk, exactly_120.pk}
    assert listed_pks(large) == {sibling_school.pk, exactly_121.pk}


def test_size_band_is_shown_in_the_list(manager_client, school, sibling_school):
    response = manager_client.get(LIST_URL)

    cells = re.findall(
        r'<td class="govuk-table__cell">(Small|Large)</td>', response.content.decode()
    )
    assert cells == ["Small", "Large"]


def test_below_average_value_added_filter_keeps_scores_under_100(
    manager_client, school, sibling_school
):
    ValueAddedFactory(school=school, year=2004, score=Decimal("99.9"))
    ValueAddedFactory(school=sibling_school, year=2004, score=Decimal("100.0"))
    for each in (school, sibling_school):
        school_refresh_figures(school_id=each.pk)

    filtered = manager_client.get(LIST_URL, {"below_average_va": "on"})
    unticked = manager_client.get(LIST_URL, {"q": ""})

    assert listed_pks(filtered) == {school.pk}
    assert listed_pks(unticked) == {school.pk, sibling_school.pk}
    assert "99.9 (2004)" in filtered.content.decode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (OfstedCategory.SPECIAL_MEASURES, {"special"}),
        (OfstedCategory.NOTICE_TO_IMPROVE, {"notice"}),
        ("ANY", {"special", "notice"}),
        (OfstedCategory.NONE, {"none"}),
    ],
)
def test_ofsted_category_filter(value, expected, manager_client, lea, school):
    school.ofsted_category = OfstedCategory.SPECIAL_MEASURES
    school.save()
    schools = {
        "special": school,
        "notice": SchoolFactory(
            local_authority=lea, ofsted_category=OfstedCategory.NOTICE_TO_IMPROVE
        ),
        "none": SchoolFactory(local_authority=lea, ofsted_category=OfstedCategory.NONE),
    }

    response = manager_client.get(LIST_URL, {"ofsted_category": value})

    assert listed_pks(response) == {schools[name].pk for name in expected}


def test_filters_combine(manager_client, lea):
    match = SchoolFactory(local_authority=lea, name="Alpha Small", number_on_roll=90)
    SchoolFactory(local_authority=lea, name="Alpha Large", number_on_roll=300)
    SchoolFactory(local_authority=lea, name="Beta Small", number_on_roll=90)

    response = manager_client.get(LIST_URL, {"q": "alpha", "size": "small"})

    assert listed_pks(response) == {match.pk}


# Pagination --------------------------------------------------------------------------------


def test_list_is_paginated_25_a_page_sorted_by_name_and_keeps_the_filters(
    manager_client, lea, school
):
    for n in range(30):
        SchoolFactory(local_authority=lea, name=f"Alpha {n:02d} Primary School")

    first = manager_client.get(LIST_URL, {"q": "alpha"})
    second = manager_client.get(LIST_URL, {"q": "alpha", "page": 2})

    first_names = [each.name for each in first.context["schools"]]
    assert first_names == [f"Alpha {n:02d} Primary School" for n in range(25)]
    content = first.content.decode()
    assert "30 schools</h2>" in content
    assert 'href="?q=alpha&amp;page=2" rel="next"' in content
    assert 'aria-label="Page 1" aria-current="page"' in content
    second_names = [each.name for each in second.context["schools"]]
    assert second_names == [f"Alpha {n:02d} Primary School" for n in range(25, 30)]
    assert 'href="?q=alpha&amp;page=1" rel="prev"' in second.content.decode()


def test_a_single_page_has_no_pagination(manager_client, school):
    response = manager_client.get(LIST_URL)

    assert "govuk-pagination" not in response.content.decode()


def test_a_page_past_the_end_is_not_found(manager_client, school):
    response = manager_client.get(LIST_URL, {"page": 5})

    assert response.status_code == 404


# Bounded queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER, Role.HEADTEACHER])
@pytest.mark.parametrize("query", [{}, {"q": "primary", "size": "large", "below_average_va": "on"}])
def test_school_list_runs_the_same_queries_for_10_or_200_schools(
    role, query, users, lea, other_lea, client_for, django_assert_max_num_queries
):
    client = client_for(users[role])
    SchoolFactory.create_batch(5, local_authority=lea, number_on_roll=200)
    SchoolFactory.create_batch(5, local_authority=other_lea, number_on_roll=200)
    with django_assert_max_num_queries(LIST_QUERY_BOUND) as with_10:
        assert client.get(LIST_URL, query).status_code == 200

    SchoolFactory.create_batch(95, local_authority=lea, number_on_roll=200)
    SchoolFactory.create_batch(95, local_authority=other_lea, number_on_roll=200)
    with django_assert_max_num_queries(LIST_QUERY_BOUND) as with_200:
        assert client.get(LIST_URL, query).status_code == 200

    assert len(with_10.captured_queries) == len(with_200.captured_queries)


def _record_years(school, years):
    for year in years:
        KeyStageResultFactory(school=school, year=year, key_stage=KeyStage.KS1)
        KeyStageResultFactory(school=school, year=year, key_stage=KeyStage.KS2)
        ValueAddedFactory(school=school, year=year)
        for subject in Subject:
            KeyStage2TargetFactory(
                school=school, year=year, subject=subject, set_on=datetime.date(year - 1, 10, 1)
            )
            KeyStage2TargetFactory(
                school=school, year=year, subject=subject, set_on=datetime.date(year - 1, 12, 1)
            )
        InspectionFactory(school=school, inspected_on=datetime.date(year, 3, 1))


@pytest.mark.parametrize("role", [Role.MANAGER, Role.HEADTEACHER])
def test_school_page_runs_the_same_queries_for_one_or_five_years(
    role, users, school, sibling_school, client_for, django_assert_max_num_queries
):
    client = client_for(users[role])
    _record_years(school, [2002])
    with django_assert_max_num_queries(DETAIL_QUERY_BOUND) as one_year:
        assert client.get(detail_url(school)).status_code == 200

    _record_years(school, [2003, 2004, 2005, 2006])
    with django_assert_max_num_queries(DETAIL_QUERY_BOUND) as five_years:
        assert client.get(detail_url(school)).status_code == 200

    assert len(one_year.captured_queries) == len(five_years.captured_queries)


# The school page: the background file ----------------------------------------------------


@pytest.fixture
def background_school(lea):
    school = SchoolFactory(
        local_authority=lea,
        name="Larkrise Primary School",
        establishment_number="2345",
        number_on_roll=120,
        postcode="NM1 2AB",
        easting=431234,
        northing=298765,
        percentage_fsm=Decimal("23.5"),
        pupil_mobility=Decimal("0.0"),
        ofsted_category=OfstedCategory.SERIOUS_WEAKNESSES,
        headteacher_name="Sarah Okoye",
        headteacher_started_on=datetime.date(2001, 9, 1),
        years_of_headship=7,
        leadership_judgement=3,
        ict_competence="DEVELOPING",
        barriers_commentary="KS1 reading is weak.\n\nBoys' writing lags behind.",
        awards="Healthy Schools\nArtsmark Silver",
    )
    KeyStageResultFactory(
        school=school,
        year=2003,
        key_stage=KeyStage.KS2,
        english_percentage=Decimal("71.0"),
        maths_percentage=None,
        cohort_size=17,
    )
    KeyStageResultFactory(
        school=school,
        year=2004,
        key_stage=KeyStage.KS2,
        english_percentage=Decimal("0.0"),
        maths_percentage=Decimal("64.0"),
    )
    ValueAddedFactory(school=school, year=2004, score=Decimal("98.2"), grade=6)
    KeyStage2TargetFactory(
        school=school, year=2004, subject=Subject.MATHS, percentage=Decimal("70"),
        set_on=datetime.date(2002, 12, 1),
    )  # fmt: skip
    KeyStage2TargetFactory(
        school=school, year=2004, subject=Subject.MATHS, percentage=Decimal("62"),
        set_on=datetime.date(2003, 12, 1),
    )  # fmt: skip
    KeyStage2TargetFactory(
        school=school, year=2005, subject=Subject.ENGLISH, percentage=Decimal("75"),
        set_on=datetime.date(2003, 12, 1),
    )  # fmt: skip
    KeyStage2TargetFactory(
        school=school, year=2005, subject=Subject.ENGLISH, percentage=Decimal("80"),
        set_on=datetime.date(2004, 10, 1),
    )  # fmt: skip
    InspectionFactory(
        school=school,
        inspected_on=datetime.date(2002, 11, 14),
        overall_grade=5,
        leadership_grade=None,
        teaching_grade=4,
        summary="Leadership lacks focus on standards.",
    )
    return school


def test_school_page_shows_the_fact_sheet(users, background_school, client_for):
    response = client_for(users[Role.MANAGER]).get(detail_url(background_school))

    content = response.content.decode()
    for expected in [
        "Northmoor (991)",
        "991/2345",
        "120 (small school: 120 pupils or fewer)",
        "NM1 2AB",
        "Easting 431234, northing 298765",
        "23.5%",
        "0.0%",
        "Serious weaknesses",
        "Sarah Okoye",
        "1 September 2001",
        "3 Satisfactory",
        "Developing",
        "<li>Healthy Schools</li>",
        "<li>Artsmark Silver</li>",
        '<p class="govuk-body">KS1 reading is weak.</p>',
        '<p class="govuk-body">Boys&#x27; writing lags behind.</p>',
    ]:
        assert expected in content, expected


def test_school_page_results_table_says_not_available_for_missing_figures(
    users, background_school, client_for
):
    response = client_for(users[Role.MANAGER]).get(detail_url(background_school))

    rows = response.context["background"].results
    assert [row.year for row in rows] == [2003, 2004]
    content = response.content.decode()
    table = content[content.index("Results and value added</h2>") : content.index("<figure")]
    assert "not available" in table
    assert ">0.0%</td>" in table
    assert ">71.0%</td>" in table
    assert ">98.2</td>" in table


def test_school_page_shows_a_csp_safe_chart_of_the_years(users, background_school, client_for):
    response = client_for(users[Role.MANAGER]).get(detail_url(background_school))

    content = response.content.decode()
    chart = content[
        content.index("<svg xmlns") : content.index("</svg>", content.index("<svg xmlns"))
    ]
    assert 'role="img"' in chart
    assert ">2003</text>" in chart
    assert ">2004</text>" in chart
    assert "style=" not in content
    assert "<style" not in content


def test_school_page_shows_targets_raised_kept_or_lowered_with_results(
    users, background_school, client_for
):
    response = client_for(users[Role.MANAGER]).get(detail_url(background_school))

    content = response.content.decode()
    assert "Lowered</strong> -8.0 points" in content
    assert "Raised</strong> +5.0 points" in content
    assert "Met (+2.0 points)" in content
    assert "No result yet" in content
    assert "70.0% on 1 December 2002" in content


def test_school_page_lists_inspections_with_their_grades(users, background_school, client_for):
    response = client_for(users[Role.LINK_ADVISER]).get(detail_url(background_school))

    content = response.content.decode()
    inspections = content[content.index("Inspections</h2>") :]
    assert "14 November 2002" in inspections
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">5</td>' in inspections
    assert "not available" in inspections
    assert "Section 10" in content
    assert "Leadership lacks focus on standards." in content


def test_school_page_with_no_records_says_so(users, school, client_for):
    response = client_for(users[Role.HEADTEACHER]).get(detail_url(school))

    content = response.content.decode()
    assert response.status_code == 200
    assert "No results recorded." in content
    assert "No targets recorded." in content
    assert "No inspections recorded." in content
    assert "<svg xmlns" not in content


def test_school_names_are_escaped_on_both_pages(users, lea, client_for):
    hostile = SchoolFactory(local_authority=lea, name="<script>alert(1)</script> Primary")
    KeyStageResultFactory(school=hostile, year=2004, key_stage=KeyStage.KS2)
    client = client_for(users[Role.MANAGER])

    for response in (client.get(LIST_URL), client.get(detail_url(hostile))):
        content = response.content.decode()
        assert "<script>alert(1)" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Primary" in content
