"""Selection: the criteria each school meets, computed from the data; the order of need; the
filters; bulk invitations (all or nothing); the criterion 3 flag; and a bounded number of
queries whatever the number of schools."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from conftest import make_user
from leadership.factories import ParticipationFactory, ProgrammeYearFactory, SelectionFlagFactory
from leadership.models import (
    Participation,
    ParticipationStatus,
    ParticipationTransition,
    SelectionFlag,
)
from leadership.selectors.programme import (
    CRITERION_LEA_JUDGEMENT,
    CRITERION_NOT_YET_PROGRESSING,
    CRITERION_VALUE_ADDED,
    school_list_for_selection,
)
from leadership.services.programme import (
    participations_invite,
    selection_flag_delete,
    selection_flag_save,
)
from schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

Status = ParticipationStatus
TODAY = datetime.date(2005, 6, 13)


@pytest.fixture
def last_year(lea):
    return ProgrammeYearFactory(
        local_authority=lea,
        name="2004-05",
        starts_on=datetime.date(2004, 9, 1),
        ends_on=datetime.date(2005, 7, 31),
    )


@pytest.fixture
def year(lea, last_year):
    return ProgrammeYearFactory(
        local_authority=lea,
        name="2005-06",
        starts_on=datetime.date(2005, 9, 1),
        ends_on=datetime.date(2006, 7, 31),
    )


@pytest.fixture
def manager(lea):
    return make_user(Role.MANAGER, lea=lea)


def _school(lea, name, value_added=None, pupils=200):
    return SchoolFactory(
        local_authority=lea,
        name=name,
        number_on_roll=pupils,
        latest_value_added=None if value_added is None else Decimal(value_added),
        latest_value_added_year=None if value_added is None else 2004,
    )


def _candidates(year, **filters):
    return {c.school.name: c for c in school_list_for_selection(year, **filters).candidates}


# The criteria ------------------------------------------------------------------------------


def test_criterion_1_is_taking_part_last_year_and_being_marked_not_yet_progressing(
    lea, year, last_year
):
    flagged = _school(lea, "Flagged", value_added="101.0")
    progressing = _school(lea, "Progressing", value_added="101.0")
    withdrew = _school(lea, "Withdrew", value_added="101.0")
    ParticipationFactory(
        programme_year=last_year,
        school=flagged,
        status=Status.COMPLETED,
        is_not_yet_progressing=True,
    )
    ParticipationFactory(programme_year=last_year, school=progressing, status=Status.COMPLETED)
    ParticipationFactory(
        programme_year=last_year,
        school=withdrew,
        status=Status.WITHDRAWN,
        is_not_yet_progressing=True,
    )

    candidates = _candidates(year)

    assert candidates["Flagged"].criterion_numbers == (CRITERION_NOT_YET_PROGRESSING,)
    assert candidates["Flagged"].criteria[0].text == (
        "took part in 2004-05 and is not yet making the progress it could"
    )
    assert candidates["Progressing"].criteria == ()
    assert candidates["Withdrew"].criterion_numbers == (CRITERION_NOT_YET_PROGRESSING,)


def test_criterion_1_reads_the_leas_previous_year_not_an_older_one(lea, year, last_year):
    older = ProgrammeYearFactory(
        local_authority=lea,
        name="2003-04",
        starts_on=datetime.date(2003, 9, 1),
        ends_on=datetime.date(2004, 7, 31),
    )
    school = _school(lea, "Took part two years ago", value_added="101.0")
    ParticipationFactory(
        programme_year=older, school=school, status=Status.COMPLETED, is_not_yet_progressing=True
    )

    candidate = _candidates(year)["Took part two years ago"]

    assert candidate.criteria == ()
    assert candidate.last_year_status is None


def test_criterion_2_is_value_added_below_the_years_threshold_without_taking_part_last_year(
    lea, year, last_year
):
    _school(lea, "Low", value_added="98.2")
    _school(lea, "Average", value_added="100.0")
    _school(lea, "Unknown")
    took_part = _school(lea, "Took part, low", value_added="95.0")
    ParticipationFactory(programme_year=last_year, school=took_part, status=Status.ACTIVE)

    candidates = _candidates(year)

    assert candidates["Low"].criterion_numbers == (CRITERION_VALUE_ADDED,)
    assert candidates["Low"].criteria[0].text == "value added 98.2 (below 100)"
    assert candidates["Average"].criteria == ()
    assert candidates["Unknown"].criteria == ()
    assert candidates["Took part, low"].criteria == ()


def test_criterion_2_follows_the_threshold_the_year_sets(lea, year):
    year.value_added_threshold = Decimal("99.0")
    year.save()
    _school(lea, "Just below", value_added="98.9")
    _school(lea, "At it", value_added="99.0")

    candidates = _candidates(year)

    assert candidates["Just below"].criteria[0].text == "value added 98.9 (below 99)"
    assert candidates["At it"].criteria == ()


def test_criterion_2_without_a_previous_year_counts_every_school_as_new(lea):
    first_year = ProgrammeYearFactory(local_authority=lea, name="2003-04")
    _school(lea, "Low", value_added="97.5")

    selection = school_list_for_selection(first_year)

    assert selection.previous_year is None
    assert [c.criterion_numbers for c in selection.candidates if c.school.name == "Low"] == [
        (CRITERION_VALUE_ADDED,)
    ]


def test_criterion_3_is_a_flag_for_this_year_with_its_reason(lea, year, last_year):
    flagged = _school(lea, "Flagged", value_added="102.0")
    flagged_last_year = _school(lea, "Flagged last year", value_added="102.0")
    SelectionFlagFactory(programme_year=year, school=flagged, reason="Far from its 2006 target.")
    SelectionFlagFactory(programme_year=last_year, school=flagged_last_year)

    candidates = _candidates(year)

    assert candidates["Flagged"].criterion_numbers == (CRITERION_LEA_JUDGEMENT,)
    assert candidates["Flagged"].criteria[0].text == "LEA judgement: Far from its 2006 target."
    assert candidates["Flagged last year"].criteria == ()


def test_a_school_can_meet_several_criteria(lea, year):
    school = _school(lea, "Two criteria", value_added="97.0")
    SelectionFlagFactory(programme_year=year, school=school)

    assert _candidates(year)["Two criteria"].criterion_numbers == (
        CRITERION_VALUE_ADDED,
        CRITERION_LEA_JUDGEMENT,
    )


def test_only_the_leas_schools_not_yet_placed_are_listed(lea, other_lea, year):
    for status in Status:
        ParticipationFactory(
            programme_year=year, school=_school(lea, f"Now {status.label}"), status=status
        )
    _school(lea, "Not in the programme")
    _school(other_lea, "Another LEA's school", value_added="90.0")

    selection = school_list_for_selection(year)

    names = {c.school.name for c in selection.candidates}
    assert names == {"Now Identified", "Not in the programme"}
    identified = next(c for c in selection.candidates if c.school.name == "Now Identified")
    assert identified.participation_id == Participation.objects.get(school=identified.school).pk


# The order of need ---------------------------------------------------------------------------


def test_schools_are_sorted_declined_last_year_first_then_by_criteria_then_value_added(
    lea, year, last_year
):
    declined = _school(lea, "Declined, low value added", value_added="99.5")
    ParticipationFactory(programme_year=last_year, school=declined, status=Status.DECLINED)
    declined_no_criterion = _school(lea, "Declined, fine now", value_added="103.0")
    ParticipationFactory(
        programme_year=last_year, school=declined_no_criterion, status=Status.DECLINED
    )
    two = _school(lea, "Two criteria", value_added="99.9")
    SelectionFlagFactory(programme_year=year, school=two)
    _school(lea, "Lowest value added", value_added="96.0")
    _school(lea, "Low value added", value_added="98.0")
    flagged_only = _school(lea, "Flag only, no value added")
    SelectionFlagFactory(programme_year=year, school=flagged_only)
    _school(lea, "No criterion", value_added="101.0")

    order = [c.school.name for c in school_list_for_selection(year).candidates]

    assert order == [
        "Declined, low value added",
        "Two criteria",
        "Lowest value added",
        "Low value added",
        "Flag only, no value added",
        "No criterion",
        "Declined, fine now",
    ]
    candidates = _candidates(year)
    assert candidates["Declined, low value added"].is_approached_first
    assert candidates["Declined, fine now"].declined_last_year
    assert not candidates["Declined, fine now"].is_approached_first


# Filters -------------------------------------------------------------------------------------


@pytest.fixture
def mixed(lea, year, last_year):
    declined = _school(lea, "Ashby Primary", value_added="98.0", pupils=90)
    ParticipationFactory(programme_year=last_year, school=declined, status=Status.DECLINED)
    flagged = _school(lea, "Brookside Primary", value_added="104.0", pupils=300)
    SelectionFlagFactory(programme_year=year, school=flagged)
    _school(lea, "Castleton Junior", value_added="101.0", pupils=120)
    return declined


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"Ashby Primary", "Brookside Primary", "Castleton Junior"}),
        ({"criterion": CRITERION_VALUE_ADDED}, {"Ashby Primary"}),
        ({"criterion": CRITERION_LEA_JUDGEMENT}, {"Brookside Primary"}),
        ({"criterion": CRITERION_NOT_YET_PROGRESSING}, set()),
        ({"criterion": 0}, {"Castleton Junior"}),
        ({"meets_any": True}, {"Ashby Primary", "Brookside Primary"}),
        ({"size": "small"}, {"Ashby Primary", "Castleton Junior"}),
        ({"size": "large"}, {"Brookside Primary"}),
        ({"declined_last_year": True}, {"Ashby Primary"}),
        ({"text": "  primary "}, {"Ashby Primary", "Brookside Primary"}),
    ],
)
def test_the_selection_filters(year, mixed, filters, expected):
    assert set(_candidates(year, **filters)) == expected


def test_the_size_filter_uses_the_years_own_threshold(year, mixed):
    year.small_school_max_pupils = 100
    year.save()

    assert set(_candidates(year, size="small")) == {"Ashby Primary"}


def test_the_text_filter_finds_a_school_by_urn(year, mixed):
    assert set(_candidates(year, text=str(mixed.urn))) == {"Ashby Primary"}


# Bounded queries ----------------------------------------------------------------------------


def _many_schools(lea, last_year, year, count):
    for n in range(count):
        school = _school(lea, f"School {n:03d}", value_added=f"{96 + n % 8}.{n % 10}")
        if n % 3 == 0:
            ParticipationFactory(
                programme_year=last_year,
                school=school,
                status=Status.DECLINED if n % 2 else Status.COMPLETED,
                is_not_yet_progressing=bool(n % 2),
            )
        if n % 5 == 0:
            SelectionFlagFactory(programme_year=year, school=school)
        if n % 7 == 0:
            ParticipationFactory(programme_year=year, school=school, status=Status.IDENTIFIED)


@pytest.mark.parametrize("count", [10, 100])
def test_the_selection_list_runs_two_queries_whatever_the_number_of_schools(
    lea, last_year, year, django_assert_num_queries, count
):
    _many_schools(lea, last_year, year, count)

    with django_assert_num_queries(2):
        selection = school_list_for_selection(year)
        names = [c.school.name for c in selection.candidates]
        texts = [met.text for c in selection.candidates for met in c.criteria]

    assert len(names) == count
    assert texts


@pytest.mark.parametrize("count", [10, 100])
def test_the_selection_page_runs_a_bounded_number_of_queries(
    lea, last_year, year, manager, client_for, django_assert_max_num_queries, count
):
    _many_schools(lea, last_year, year, count)
    client = client_for(manager)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("leadership:selection", args=[year.pk]))

    assert response.status_code == 200
    assert len(response.context["selection"].candidates) == count


# Bulk invitation ------------------------------------------------------------------------------


def test_inviting_creates_or_moves_participations_each_with_its_transition(lea, year, manager):
    new = _school(lea, "New")
    identified = _school(lea, "Identified")
    ParticipationFactory(programme_year=year, school=identified, status=Status.IDENTIFIED)

    invited = participations_invite(
        programme_year=year, schools=[new, identified], by=manager, today=TODAY
    )

    assert {p.school.name for p in invited} == {"New", "Identified"}
    for participation in Participation.objects.filter(programme_year=year):
        assert participation.status == Status.INVITED
        assert participation.invited_on == TODAY
        transition = participation.transitions.get()
        assert transition.to_status == Status.INVITED
        assert transition.changed_by == manager
    assert Participation.objects.get(school=new).transitions.get().from_status == ""
    assert Participation.objects.get(school=identified).transitions.get().from_status == (
        Status.IDENTIFIED
    )


def test_inviting_a_school_of_another_lea_saves_nothing(lea, year, manager, foreign_school):
    ours = _school(lea, "Ours")

    with pytest.raises(ValidationError) as refused:
        participations_invite(
            programme_year=year, schools=[ours, foreign_school], by=manager, today=TODAY
        )

    assert refused.value.messages == ["Southvale Junior School is not a school of this LEA."]
    assert not Participation.objects.exists()
    assert not ParticipationTransition.objects.exists()


@pytest.mark.parametrize("status", [s for s in Status if s != Status.IDENTIFIED])
def test_inviting_a_school_already_placed_is_refused(lea, year, manager, status):
    placed = _school(lea, "Placed")
    ParticipationFactory(programme_year=year, school=placed, status=status)
    other = _school(lea, "Other")

    with pytest.raises(ValidationError) as refused:
        participations_invite(programme_year=year, schools=[other, placed], by=manager, today=TODAY)

    assert refused.value.messages == [f"Placed is already {status.label.lower()} in {year.name}."]
    assert Participation.objects.get(school=placed).status == status
    assert not Participation.objects.filter(school=other).exists()


def _selection_url(year):
    return reverse("leadership:selection", args=[year.pk])


def test_a_manager_invites_the_ticked_schools_from_the_selection_page(
    lea, year, manager, client_for
):
    first, second, left = (_school(lea, name, value_added="97.0") for name in "ABC")
    client = client_for(manager)

    response = client.post(
        _selection_url(year) + "?criterion=2", {"schools": [first.pk, second.pk]}
    )

    assert response.status_code == 302
    assert response["Location"] == _selection_url(year) + "?criterion=2"
    assert set(
        Participation.objects.filter(status=Status.INVITED).values_list("school__name", flat=True)
    ) == {"A", "B"}
    assert not Participation.objects.filter(school=left).exists()
    page = client.get(response["Location"]).content.decode()
    assert "2 schools invited." in page


def test_a_school_of_another_lea_posted_in_the_invitation_form_saves_nothing(
    lea, year, manager, client_for, foreign_school
):
    ours = _school(lea, "Ours", value_added="97.0")

    response = client_for(manager).post(
        _selection_url(year), {"schools": [ours.pk, foreign_school.pk]}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Select only schools of this LEA" in html
    assert 'class="govuk-error-summary"' in html
    assert not Participation.objects.exists()


def test_the_admin_cannot_invite_another_leas_school_either(
    lea, year, client_for, admin_user, foreign_school
):
    response = client_for(admin_user).post(_selection_url(year), {"schools": [foreign_school.pk]})

    assert response.status_code == 200
    assert not Participation.objects.exists()


def test_inviting_nothing_asks_for_a_school(year, manager, client_for, school):
    response = client_for(manager).post(_selection_url(year), {})

    assert response.status_code == 200
    assert "Select the schools to invite" in response.content.decode()


def test_a_school_invited_meanwhile_is_reported_and_nothing_is_saved(
    lea, year, manager, client_for
):
    free = _school(lea, "Free")
    taken = _school(lea, "Taken")
    ParticipationFactory(programme_year=year, school=taken, status=Status.INVITED)

    response = client_for(manager).post(_selection_url(year), {"schools": [free.pk, taken.pk]})

    assert response.status_code == 200
    assert "Taken is already invited in 2005-06." in response.content.decode()
    assert not Participation.objects.filter(school=free).exists()


@pytest.mark.parametrize("role", [Role.LINK_ADVISER, Role.CONSULTANT])
def test_lea_staff_who_do_not_manage_cannot_invite(lea, year, users, client_for, role, school):
    response = client_for(users[role]).post(_selection_url(year), {"schools": [school.pk]})

    assert response.status_code == 403
    assert not Participation.objects.exists()


def test_the_selection_page_shows_each_schools_criteria_and_a_declined_tag(
    lea, year, last_year, manager, client_for
):
    declined = _school(lea, "Declined School", value_added="98.2")
    ParticipationFactory(programme_year=last_year, school=declined, status=Status.DECLINED)
    flagged = _school(lea, "Flagged School", value_added="101.0")
    SelectionFlagFactory(programme_year=year, school=flagged, reason="A new head, far from target.")

    html = client_for(manager).get(_selection_url(year)).content.decode()

    assert "2: value added 98.2 (below 100)" in html
    assert "3: LEA judgement: A new head, far from target." in html
    assert '<strong class="govuk-tag govuk-tag--orange">Declined</strong>' in html
    assert html.index("Declined School") < html.index("Flagged School")
    assert f'name="schools" type="checkbox" value="{declined.pk}"' in html
    assert ' style="' not in html


def test_each_row_shows_its_school_links_figures_and_status_escaped(
    lea, year, last_year, manager, client_for
):
    odd = _school(lea, "St <Odd> & Even's", value_added=None, pupils=None)
    ParticipationFactory(programme_year=last_year, school=odd, status=Status.COMPLETED)
    ParticipationFactory(programme_year=year, school=odd, status=Status.IDENTIFIED)
    SelectionFlagFactory(programme_year=year, school=odd, reason="Far from target.")
    other = _school(lea, "Plain School", value_added="99.5", pupils=210)

    # A post that fails (nothing is left to invite once `taken` is invited meanwhile) keeps the
    # schools ticked.
    taken = _school(lea, "Taken")
    ParticipationFactory(programme_year=year, school=taken, status=Status.INVITED)
    html = (
        client_for(manager)
        .post(_selection_url(year), {"schools": [other.pk, taken.pk]})
        .content.decode()
    )

    odd_row = html[html.index(f'id="school-{odd.pk}"') :].split("</tr>")[0]
    other_row = html[html.index(f'id="school-{other.pk}"') :].split("</tr>")[0]
    assert "St &lt;Odd&gt; &amp; Even&#x27;s" in odd_row
    assert "<Odd>" not in html
    assert f'href="{reverse("schools:detail", args=[odd.urn])}"' in odd_row
    flag_url = reverse("leadership:selection_flag", args=[year.pk, odd.urn])
    assert f'href="{flag_url}">Change flag<' in odd_row
    assert '<span class="govuk-body-s">Identified</span>' in odd_row
    assert odd_row.count("not available") == 2
    assert '<strong class="govuk-tag govuk-tag--purple">Completed</strong>' in odd_row
    assert "checked" not in odd_row
    assert f'value="{other.pk}" checked>' in other_row
    assert ">210<" in other_row and ">99.5<" in other_row
    assert ">Flag<" in other_row and "Not in the programme" in other_row


def test_an_invalid_filter_is_reported_and_the_full_list_shown(lea, year, manager, client_for):
    _school(lea, "Any School")

    response = client_for(manager).get(_selection_url(year), {"criterion": "9"})

    assert response.status_code == 200
    html = response.content.decode()
    # In the summary above the heading, linked to the field, and next to the field.
    assert '<li><a href="#id_criterion">Select a criterion from the list</a></li>' in html
    assert '<span id="id_criterion_1_error" class="govuk-error-message">' in html
    assert "<title>Error: Selection" in html
    assert [c.school.name for c in response.context["selection"].candidates] == ["Any School"]


# The criterion 3 flag --------------------------------------------------------------------------


def test_flagging_a_school_saves_the_reason_and_who_flagged_it(lea, year, manager):
    school = _school(lea, "To flag")

    selection_flag_save(programme_year=year, school=school, reason=" Far from target. ", by=manager)
    selection_flag_save(programme_year=year, school=school, reason="Further now.", by=manager)

    flag = SelectionFlag.objects.get()
    assert (flag.school, flag.reason, flag.flagged_by) == (school, "Further now.", manager)
    assert selection_flag_delete(programme_year=year, school=school) is True
    assert not SelectionFlag.objects.exists()


def test_a_flag_needs_a_reason_and_a_school_of_the_lea(lea, year, manager, foreign_school):
    school = _school(lea, "To flag")

    with pytest.raises(ValidationError):
        selection_flag_save(programme_year=year, school=school, reason="  ", by=manager)
    with pytest.raises(ValidationError):
        selection_flag_save(programme_year=year, school=foreign_school, reason="x", by=manager)

    assert not SelectionFlag.objects.exists()


def test_the_flag_page_adds_changes_and_removes_a_flag(lea, year, manager, client_for):
    school = _school(lea, "Flag me")
    url = reverse("leadership:selection_flag", args=[year.pk, school.urn])
    client = client_for(manager)

    empty = client.post(url, {"reason": ""})
    added = client.post(url, {"reason": "KS2 maths far below its 2005 target."})
    page = client.get(url).content.decode()
    removed = client.post(url, {"reason": "", "remove": ""})

    assert empty.status_code == 200
    assert "Say why the programme would help the school reach its targets" in (
        empty.content.decode()
    )
    assert added.status_code == 302
    assert "KS2 maths far below its 2005 target.</textarea>" in page
    assert "Remove the flag" in page
    assert removed.status_code == 302
    assert not SelectionFlag.objects.exists()


def test_the_flag_page_is_not_found_for_another_leas_school(
    year, manager, client_for, foreign_school
):
    url = reverse("leadership:selection_flag", args=[year.pk, foreign_school.urn])

    assert client_for(manager).get(url).status_code == 404


def test_the_selection_page_applies_the_filters_in_its_address(
    lea, year, mixed, manager, client_for
):
    client = client_for(manager)

    any_criterion = client.get(_selection_url(year), {"criterion": "any", "size": "large"})
    declined = client.get(_selection_url(year), {"declined_last_year": "on", "q": "ash"})

    assert [c.school.name for c in any_criterion.context["selection"].candidates] == [
        "Brookside Primary"
    ]
    assert [c.school.name for c in declined.context["selection"].candidates] == ["Ashby Primary"]
    assert "matching the filters" in declined.content.decode()


@pytest.mark.parametrize(
    "value",
    [0, 7, 245, 12345, -3, "98.2", "100.0", "-1.25", "0.00", "-0.5", "-0.0", "1E+2", "12345.6"],
)
def test_the_rows_figures_are_written_as_djangos_number_format_writes_them(value, settings):
    """The rows write a school's figures directly where Django's number_format would add
    nothing (no thousands grouping, a decimal point): the same text either way."""
    from django.utils.formats import number_format

    from leadership.views.selection_rows import _figure_formatter

    number = Decimal(value) if isinstance(value, str) else value
    assert _figure_formatter()(number) == number_format(number)
    settings.USE_THOUSAND_SEPARATOR = True
    assert _figure_formatter()(number) == number_format(number)
