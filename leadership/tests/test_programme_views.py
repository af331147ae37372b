"""The programme year's pages for every role across two LEAs: who sees what (200), who may see
but not change (403), who is told nothing exists (404), and anonymous visitors sent to sign in;
then what each page shows and does."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import reverse

from accounts.models import Role
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import Participation, ParticipationStatus, ProgrammeYear

pytestmark = pytest.mark.django_db

Status = ParticipationStatus
OTHER_MANAGER = "OTHER_MANAGER"
ANONYMOUS = "ANONYMOUS"
LOGIN = "login"
EVERYONE = (*Role, OTHER_MANAGER, ANONYMOUS)


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea, funded_places=10, reserve_places=2)


@pytest.fixture
def own(year, school):
    """The headteacher's and governor's school, invited."""
    return ParticipationFactory(programme_year=year, school=school, status=Status.INVITED)


@pytest.fixture
def sibling(year, sibling_school):
    return ParticipationFactory(programme_year=year, school=sibling_school, status=Status.ACTIVE)


@pytest.fixture
def people(users, foreign_users):
    return {**users, OTHER_MANAGER: foreign_users[Role.MANAGER], ANONYMOUS: None}


def _expect(default, **by_role):
    """Expected outcome per role: `default`, except the roles named (by Role value)."""
    return {role: by_role.get(str(role), default) for role in EVERYONE}


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert f"{REDIRECT_FIELD_NAME}=" in response["Location"]
    else:
        assert response.status_code == expected


# Who may read which page ----------------------------------------------------------------------

READ_PAGES = {
    "year_list": (
        lambda f: reverse("leadership:year_list"),
        _expect(200, HEADTEACHER=403, GOVERNOR=403, ANONYMOUS=LOGIN),
    ),
    "year_create": (
        lambda f: reverse("leadership:year_create"),
        _expect(403, ADMIN=200, MANAGER=200, OTHER_MANAGER=200, ANONYMOUS=LOGIN),
    ),
    "year_detail": (
        lambda f: reverse("leadership:year_detail", args=[f["year"].pk]),
        _expect(200, HEADTEACHER=403, GOVERNOR=403, OTHER_MANAGER=404, ANONYMOUS=LOGIN),
    ),
    "year_edit": (
        lambda f: reverse("leadership:year_edit", args=[f["year"].pk]),
        _expect(403, ADMIN=200, MANAGER=200, OTHER_MANAGER=404, ANONYMOUS=LOGIN),
    ),
    "selection": (
        lambda f: reverse("leadership:selection", args=[f["year"].pk]),
        _expect(403, ADMIN=200, MANAGER=200, OTHER_MANAGER=404, ANONYMOUS=LOGIN),
    ),
    "selection_flag": (
        lambda f: reverse(
            "leadership:selection_flag", args=[f["year"].pk, f["sibling"].school.urn]
        ),
        _expect(403, ADMIN=200, MANAGER=200, OTHER_MANAGER=404, ANONYMOUS=LOGIN),
    ),
    "participation_own": (
        lambda f: reverse("leadership:participation_detail", args=[f["own"].pk]),
        _expect(200, CONSULTANT=404, OTHER_MANAGER=404, ANONYMOUS=LOGIN),
    ),
    "participation_sibling": (
        lambda f: reverse("leadership:participation_detail", args=[f["sibling"].pk]),
        _expect(
            200, CONSULTANT=404, HEADTEACHER=404, GOVERNOR=404, OTHER_MANAGER=404, ANONYMOUS=LOGIN
        ),
    ),
    "judgement": (
        lambda f: reverse("leadership:participation_judgement", args=[f["own"].pk]),
        _expect(403, ADMIN=200, MANAGER=200, CONSULTANT=404, OTHER_MANAGER=404, ANONYMOUS=LOGIN),
    ),
    "letter_own": (
        lambda f: reverse("leadership:participation_letter", args=[f["own"].pk]),
        _expect(404, ADMIN=200, MANAGER=200, HEADTEACHER=200, GOVERNOR=200, ANONYMOUS=LOGIN),
    ),
    "letter_pdf_own": (
        lambda f: reverse("leadership:participation_letter_pdf", args=[f["own"].pk]),
        _expect(404, ADMIN=200, MANAGER=200, HEADTEACHER=200, GOVERNOR=200, ANONYMOUS=LOGIN),
    ),
    "letter_sibling": (
        lambda f: reverse("leadership:participation_letter", args=[f["sibling"].pk]),
        _expect(404, ADMIN=200, MANAGER=200, ANONYMOUS=LOGIN),
    ),
}


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize("role", EVERYONE)
def test_who_may_open_each_page(client_for, people, year, own, sibling, page, role):
    make_url, expected = READ_PAGES[page]
    url = make_url({"year": year, "own": own, "sibling": sibling})

    response = client_for(people[role]).get(url)

    _check(response, expected[role])
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        assert ' style="' not in html
        assert "<style" not in html


# Who may change what --------------------------------------------------------------------------

WRITES = {
    "accept_own": (
        lambda f: reverse("leadership:participation_move", args=[f["own"].pk, "ACCEPTED"]),
        {},
        _expect(
            403,
            ADMIN=302,
            MANAGER=302,
            HEADTEACHER=302,
            CONSULTANT=404,
            OTHER_MANAGER=404,
            ANONYMOUS=LOGIN,
        ),
    ),
    "complete_sibling": (
        lambda f: reverse("leadership:participation_move", args=[f["sibling"].pk, "COMPLETED"]),
        {},
        _expect(
            403,
            ADMIN=302,
            MANAGER=302,
            CONSULTANT=404,
            HEADTEACHER=404,
            GOVERNOR=404,
            OTHER_MANAGER=404,
            ANONYMOUS=LOGIN,
        ),
    ),
    "release_reserve": (
        lambda f: reverse("leadership:year_release_reserve", args=[f["year"].pk]),
        {},
        _expect(403, ADMIN=302, MANAGER=302, OTHER_MANAGER=404, ANONYMOUS=LOGIN),
    ),
    "judgement": (
        lambda f: reverse("leadership:participation_judgement", args=[f["own"].pk]),
        {"ofsted_kind": "2", "is_not_yet_progressing": "on"},
        _expect(403, ADMIN=302, MANAGER=302, CONSULTANT=404, OTHER_MANAGER=404, ANONYMOUS=LOGIN),
    ),
}


def _changed(name, fixtures):
    year, own, sibling = fixtures["year"], fixtures["own"], fixtures["sibling"]
    if name == "accept_own":
        return Participation.objects.get(pk=own.pk).status == Status.ACCEPTED
    if name == "complete_sibling":
        return Participation.objects.get(pk=sibling.pk).status == Status.COMPLETED
    if name == "release_reserve":
        return ProgrammeYear.objects.get(pk=year.pk).reserve_released == 1
    return Participation.objects.get(pk=own.pk).ofsted_kind == 2


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("role", EVERYONE)
def test_who_may_change_what(client_for, people, year, own, sibling, write, role):
    make_url, data, expected = WRITES[write]
    fixtures = {"year": year, "own": own, "sibling": sibling}

    response = client_for(people[role]).post(make_url(fixtures), data)

    _check(response, expected[role])
    assert _changed(write, fixtures) == (expected[role] == 302)


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.GOVERNOR])
def test_the_headteacher_may_only_answer_and_the_governor_not_at_all(client_for, users, own, role):
    client = client_for(users[role])
    decline = reverse("leadership:participation_move", args=[own.pk, "DECLINED"])

    for status in ("INVITED", "ACTIVE", "WITHDRAWN"):
        url = reverse("leadership:participation_move", args=[own.pk, status])
        assert client.post(url, {"withdrawn-reason": "x"}).status_code == 403
    response = client.post(decline, {"declined-reason": "No capacity this year."})

    assert response.status_code == (302 if role == Role.HEADTEACHER else 403)
    expected = Status.DECLINED if role == Role.HEADTEACHER else Status.INVITED
    assert Participation.objects.get(pk=own.pk).status == expected


def test_an_unknown_status_in_the_url_is_not_found(client_for, users, own):
    url = reverse("leadership:participation_move", args=[own.pk, "PROMOTED"])

    assert client_for(users[Role.MANAGER]).post(url).status_code == 404


def test_the_move_pages_answer_only_post(client_for, users, own):
    url = reverse("leadership:participation_move", args=[own.pk, "ACCEPTED"])

    assert client_for(users[Role.MANAGER]).get(url).status_code == 405


# Programme years: list, create, edit, page ----------------------------------------------------


def test_the_year_list_shows_the_users_leas_years_with_places_taken(
    client_for, users, lea, other_lea, year, own, sibling
):
    ProgrammeYearFactory(local_authority=other_lea, name="2004-05")

    response = client_for(users[Role.MANAGER]).get(reverse("leadership:year_list"))

    assert [y.pk for y in response.context["years"]] == [year.pk]
    assert response.context["years"][0].places_taken == 1
    html = response.content.decode()
    assert f'href="/programme/programme-years/{year.pk}/">2004-05</a>' in html
    assert "1 of 8" in html
    assert "Create a programme year" in html


def test_an_admin_sees_every_leas_years_with_the_lea(client_for, admin_user, year, other_lea):
    ProgrammeYearFactory(local_authority=other_lea, name="2004-05")

    response = client_for(admin_user).get(reverse("leadership:year_list"))

    assert len(response.context["years"]) == 2
    assert "Southvale" in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_year_list_runs_a_bounded_number_of_queries(
    client_for, users, lea, django_assert_max_num_queries, count
):
    for n in range(count):
        ProgrammeYearFactory(
            local_authority=lea,
            name=f"{1990 + n}-{(91 + n) % 100:02d}",
            starts_on=datetime.date(1990 + n, 9, 1),
            ends_on=datetime.date(1991 + n, 7, 31),
        )
    client = client_for(users[Role.LINK_ADVISER])

    with django_assert_max_num_queries(4):
        response = client.get(reverse("leadership:year_list"))

    assert len(response.context["years"]) == count


def _year_data(**changes):
    data = {
        "name": "2005-06",
        "starts_on_0": "1",
        "starts_on_1": "9",
        "starts_on_2": "2005",
        "ends_on_0": "31",
        "ends_on_1": "7",
        "ends_on_2": "2006",
        "funded_places": "36",
        "reserve_places": "4",
        "pscl_days_per_school": "4.5",
        "small_school_max_pupils": "100",
        "small_team_size": "2",
        "large_team_size": "4",
        "value_added_threshold": "99.5",
        "max_plan_priorities": "3",
        "plan_review_weeks": "5",
    }
    data.update(changes)
    return data


def test_a_manager_creates_a_year_in_their_lea_with_every_number_set(client_for, users, lea):
    response = client_for(users[Role.MANAGER]).post(reverse("leadership:year_create"), _year_data())

    year = ProgrammeYear.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("leadership:year_detail", args=[year.pk])
    assert year.local_authority == lea
    assert (year.starts_on, year.ends_on) == (datetime.date(2005, 9, 1), datetime.date(2006, 7, 31))
    assert (year.funded_places, year.reserve_places, year.reserve_released) == (36, 4, 0)
    assert year.pscl_days_per_school == Decimal("4.5")
    assert (year.small_school_max_pupils, year.small_team_size, year.large_team_size) == (100, 2, 4)
    assert year.value_added_threshold == Decimal("99.5")
    assert (year.max_plan_priorities, year.plan_review_weeks) == (3, 5)
    assert year.history.get().history_user == users[Role.MANAGER]


def test_an_admin_chooses_the_lea_of_a_new_year(client_for, admin_user, lea, other_lea):
    client = client_for(admin_user)

    missing = client.post(reverse("leadership:year_create"), _year_data())
    created = client.post(
        reverse("leadership:year_create"), _year_data(local_authority=str(other_lea.pk))
    )

    assert "Choose the LEA that runs the programme year" in missing.content.decode()
    assert created.status_code == 302
    assert ProgrammeYear.objects.get().local_authority == other_lea


#: Each rule of a programme year: the data that breaks it, its field and its message.
YEAR_RULES = {
    "ends before it starts": (
        {"ends_on_2": "2005", "ends_on_1": "8"},
        "ends_on",
        "The end date must be after the start date",
    ),
    "a date that does not exist": (
        {"starts_on_0": "31", "starts_on_1": "2"},
        "starts_on",
        "Enter a real date",
    ),
    "more reserve than funded": (
        {"reserve_places": "37"},
        "reserve_places",
        "Reserve places cannot be more than the funded places (36)",
    ),
    "no funded place": (
        {"funded_places": "0"},
        "funded_places",
        "The funded places must be at least 1",
    ),
    "places not a number": (
        {"funded_places": "many"},
        "funded_places",
        "The funded places must be a whole number",
    ),
    "too few PSCL days": (
        {"pscl_days_per_school": "0.2"},
        "pscl_days_per_school",
        "PSCL days per school must be at least 0.5",
    ),
    "PSCL days too precise": (
        {"pscl_days_per_school": "4.25"},
        "pscl_days_per_school",
        "PSCL days per school can have one decimal place, such as 4.5",
    ),
    "small team larger than large": (
        {"small_team_size": "5"},
        "small_team_size",
        "The team of a small school cannot be larger than the team of a larger school",
    ),
    "an empty team": (
        {"large_team_size": "0"},
        "large_team_size",
        "The team of a larger school must be at least 1",
    ),
    "no threshold": (
        {"value_added_threshold": ""},
        "value_added_threshold",
        "Enter the value added threshold",
    ),
    "a name the LEA has": (
        {"name": "2004-05"},
        "name",
        "Northmoor already has a programme year called 2004-05",
    ),
}


@pytest.mark.parametrize("rule", YEAR_RULES)
def test_each_rule_of_a_programme_year_is_reported_against_its_field(client_for, users, year, rule):
    changes, field, message = YEAR_RULES[rule]

    response = client_for(users[Role.MANAGER]).post(
        reverse("leadership:year_create"), _year_data(**changes)
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert message in html
    assert ProgrammeYear.objects.count() == 1


def test_editing_a_year_keeps_the_places_already_taken(client_for, users, year, own, sibling):
    ParticipationFactory(programme_year=year, status=Status.ACCEPTED)
    client = client_for(users[Role.MANAGER])
    url = reverse("leadership:year_edit", args=[year.pk])

    too_few = client.post(url, _year_data(name="2004-05", funded_places="3", reserve_places="2"))
    enough = client.post(url, _year_data(name="2004-05", funded_places="4", reserve_places="2"))

    assert too_few.status_code == 200
    assert too_few.context["form"].errors["funded_places"] == [
        "2 schools hold places already: funded places less the reserve still held must be at "
        "least 2."
    ]
    assert enough.status_code == 302
    year.refresh_from_db()
    assert (year.funded_places, year.reserve_places) == (4, 2)


def test_editing_a_year_cannot_hold_fewer_in_reserve_than_released(client_for, users, year):
    year.reserve_released = 2
    year.save()

    response = client_for(users[Role.MANAGER]).post(
        reverse("leadership:year_edit", args=[year.pk]),
        _year_data(name="2004-05", reserve_places="1"),
    )

    assert response.context["form"].errors["reserve_places"] == [
        "2 reserve places have been released already: keep at least 2 in reserve"
    ]
    year.refresh_from_db()
    assert year.reserve_places == 2


def test_the_edit_form_starts_with_the_years_numbers(client_for, users, year):
    html = (
        client_for(users[Role.MANAGER])
        .get(reverse("leadership:year_edit", args=[year.pk]))
        .content.decode()
    )

    assert 'name="funded_places" value="10"' in html
    assert 'name="starts_on_2" value="2004"' in html
    assert 'name="value_added_threshold" value="100.0"' in html


def test_the_year_page_shows_places_and_counts_by_status(client_for, users, year, own, sibling):
    ParticipationFactory(programme_year=year, status=Status.DECLINED)
    ParticipationFactory(programme_year=year, status=Status.COMPLETED)

    response = client_for(users[Role.MANAGER]).get(
        reverse("leadership:year_detail", args=[year.pk])
    )

    figures = response.context["figures"]
    assert (figures.funded_places, figures.reserve_held, figures.places_open) == (10, 2, 8)
    assert (figures.places_taken, figures.places_left) == (2, 6)
    assert {row.status: row.count for row in figures.by_status} == {
        "IDENTIFIED": 0,
        "INVITED": 1,
        "ACCEPTED": 0,
        "DECLINED": 1,
        "ACTIVE": 1,
        "COMPLETED": 1,
        "WITHDRAWN": 0,
    }
    html = response.content.decode()
    assert re.search(r'app-figure__number">8<.*?places open', html, re.S)
    assert re.search(r'app-figure__number">6<.*?places left', html, re.S)
    assert f'href="/programme/programme-years/{year.pk}/selection/"' in html
    assert "Release a reserve place" in html
    assert f'href="/programme/participations/{own.pk}/"' in html


def test_a_link_adviser_reads_the_year_page_without_the_managers_actions(
    client_for, users, year, own
):
    html = (
        client_for(users[Role.LINK_ADVISER])
        .get(reverse("leadership:year_detail", args=[year.pk]))
        .content.decode()
    )

    assert "Release a reserve place" not in html
    assert "/selection/" not in html
    assert own.school.name in html


def test_a_pscl_sees_the_years_counts_but_no_school_they_are_not_allocated(
    client_for, users, year, own, sibling
):
    response = client_for(users[Role.CONSULTANT]).get(
        reverse("leadership:year_detail", args=[year.pk])
    )

    assert list(response.context["participations"]) == []
    assert response.context["figures"].participation_count == 2
    assert own.school.name not in response.content.decode()


def test_releasing_a_reserve_place_from_the_year_page(client_for, users, year):
    client = client_for(users[Role.MANAGER])
    url = reverse("leadership:year_release_reserve", args=[year.pk])

    responses = [client.post(url, follow=True) for _ in range(3)]

    year.refresh_from_db()
    assert year.reserve_released == 2
    assert "10 places are open, 0 still held in reserve." in responses[1].content.decode()
    assert "Every reserve place has been released already." in responses[2].content.decode()
    assert "Release a reserve place" not in responses[2].content.decode()


# The participation page -----------------------------------------------------------------------


def test_the_manager_sees_the_allowed_next_steps_and_the_history(client_for, users, own):
    client = client_for(users[Role.MANAGER])
    page = reverse("leadership:participation_detail", args=[own.pk])

    before = client.get(page).content.decode()
    client.post(reverse("leadership:participation_move", args=[own.pk, "ACCEPTED"]))
    after = client.get(page).content.decode()

    assert f'action="/programme/participations/{own.pk}/move/ACCEPTED/"' in before
    assert f'action="/programme/participations/{own.pk}/move/DECLINED/"' in before
    assert "/move/WITHDRAWN/" not in before
    assert f'action="/programme/participations/{own.pk}/move/ACTIVE/"' in after
    assert f'action="/programme/participations/{own.pk}/move/WITHDRAWN/"' in after
    assert "Invited to Accepted" in after
    assert users[Role.MANAGER].full_name in after


def test_declining_without_a_reason_shows_the_error_next_to_the_reason(client_for, users, own):
    response = client_for(users[Role.HEADTEACHER]).post(
        reverse("leadership:participation_move", args=[own.pk, "DECLINED"]),
        {"declined-reason": ""},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_declined-reason">Give the reason the school declined</a>' in html
    assert "govuk-form-group--error" in html
    assert Participation.objects.get(pk=own.pk).status == Status.INVITED


def test_accepting_when_no_place_is_left_says_so_on_the_page(client_for, users, lea, own):
    year = own.programme_year
    year.funded_places, year.reserve_places = 3, 2
    year.save()
    ParticipationFactory(programme_year=year, status=Status.ACTIVE)

    response = client_for(users[Role.HEADTEACHER]).post(
        reverse("leadership:participation_move", args=[own.pk, "ACCEPTED"])
    )

    assert response.status_code == 200
    assert "All 1 open places in 2004-05 are taken." in response.content.decode()
    assert Participation.objects.get(pk=own.pk).status == Status.INVITED


def test_the_headteacher_sees_only_accept_and_decline(client_for, users, own):
    html = (
        client_for(users[Role.HEADTEACHER])
        .get(reverse("leadership:participation_detail", args=[own.pk]))
        .content.decode()
    )

    assert "Accept the place" in html
    assert "Decline the place" in html
    assert "/judgement/" not in html
    assert "/programme/programme-years/" not in html


@pytest.mark.parametrize("role", [Role.GOVERNOR, Role.LINK_ADVISER])
def test_readers_see_the_participation_without_any_step(client_for, users, own, role):
    html = (
        client_for(users[role])
        .get(reverse("leadership:participation_detail", args=[own.pk]))
        .content.decode()
    )

    assert "/move/" not in html
    assert "The strategy manager takes the next step." in html


def test_a_final_status_offers_no_step(client_for, users, year):
    done = ParticipationFactory(programme_year=year, status=Status.COMPLETED)

    html = (
        client_for(users[Role.MANAGER])
        .get(reverse("leadership:participation_detail", args=[done.pk]))
        .content.decode()
    )

    assert "/move/" not in html
    assert "Completed is final for 2004-05." in html


def test_the_manager_records_the_ofsted_kind_and_progress_judgement(client_for, users, own):
    client = client_for(users[Role.MANAGER])
    url = reverse("leadership:participation_judgement", args=[own.pk])

    client.post(url, {"ofsted_kind": "3", "is_not_yet_progressing": "on"})
    stored = Participation.objects.get(pk=own.pk)
    page = client.get(reverse("leadership:participation_detail", args=[own.pk])).content.decode()
    invalid = client.post(url, {"ofsted_kind": "5"})
    cleared = client.post(url, {"ofsted_kind": ""})

    assert (stored.ofsted_kind, stored.is_not_yet_progressing) == (3, True)
    assert "3 Weak headteacher, the main obstacle to progress" in page
    assert "Choose one of the four kinds, or not recorded yet" in invalid.content.decode()
    assert cleared.status_code == 302
    stored.refresh_from_db()
    assert (stored.ofsted_kind, stored.is_not_yet_progressing) == (None, False)


# The invitation letter ------------------------------------------------------------------------


def test_the_letter_states_the_programme_year_support_team_and_how_to_accept(
    client_for, users, own
):
    school = own.school
    school.headteacher_name = "Sarah Lewis"
    school.save()

    response = client_for(users[Role.HEADTEACHER]).get(
        reverse("leadership:participation_letter", args=[own.pk])
    )

    html = response.content.decode()
    assert "Dear Sarah Lewis," in html
    assert "Millfield Primary School" in html
    assert "An invitation to join the Primary Leadership Programme, 2004-05" in html
    assert "from 1 September 2004 to 31 July 2005" in html
    assert "school-improvement programme" in html
    assert "for about 4 days" in html
    assert "a small school (120 pupils or fewer)" in html
    assert "a team of 2, the headteacher and 1 other teacher." in html
    assert "3 half-days of out-of-school training" in html
    assert "1 day visiting other primary schools" in html
    assert "2.5 days of school-based work" in html
    assert "That is 5 days for each member." in html
    assert f"http://testserver/programme/participations/{own.pk}/" in html
    assert "Accept the place" in html
    assert f'href="/programme/participations/{own.pk}/letter.pdf"' in html


def test_the_letter_follows_the_years_size_threshold_and_team_sizes(client_for, users, own):
    year = own.programme_year
    year.small_school_max_pupils = 100
    year.large_team_size = 5
    year.pscl_days_per_school = Decimal("5.5")
    year.save()

    html = (
        client_for(users[Role.MANAGER])
        .get(reverse("leadership:participation_letter", args=[own.pk]))
        .content.decode()
    )

    assert "has more than 100 pupils" in html
    assert "a team of 5, the headteacher and 4 other senior members of staff." in html
    assert "for about 5.5 days" in html


def test_the_letter_gives_both_team_sizes_when_the_roll_is_not_known(client_for, users, own):
    own.school.number_on_roll = None
    own.school.save()

    html = (
        client_for(users[Role.MANAGER])
        .get(reverse("leadership:participation_letter", args=[own.pk]))
        .content.decode()
    )

    assert "a leadership team of 4, headteacher included, in a school of more than 120" in html
    assert "of 2 in a school of 120 pupils or fewer" in html


def test_the_pdf_letter_is_a_pdf_rendered_from_the_letter_template(
    client_for, users, own, monkeypatch
):
    from leadership import pdf

    rendered = []
    real_html_to_pdf = pdf.html_to_pdf

    def spy(html, *, base_url):
        rendered.append(html)
        return real_html_to_pdf(html, base_url=base_url)

    monkeypatch.setattr(pdf, "html_to_pdf", spy)

    response = client_for(users[Role.GOVERNOR]).get(
        reverse("leadership:participation_letter_pdf", args=[own.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="invitation-{own.school.urn}-2004-05.pdf"' in response["Content-Disposition"]
    (html,) = rendered
    assert "Millfield Primary School" in html
    assert "An invitation to join the Primary Leadership Programme, 2004-05" in html
    assert '<link rel="stylesheet" href="/static/css/print.css">' in html
    assert "govuk-service-navigation" not in html
