"""The pages of the school's story, through the test client, for every role of two LEAs."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from accounts.factories import UserFactory
from accounts.models import Role
from leadership import timeline
from leadership.factories import ConcernFactory, NoteFactory, ParticipationFactory
from leadership.factories import ProgrammeYearFactory as YearFactory
from leadership.models import (
    Concern,
    ConcernLevel,
    ConcernSeverity,
    GoodPractice,
    Note,
    ParticipationStatus,
    Watch,
)
from leadership.models.engagement import ConcernQuerySet
from leadership.services.engagement import (
    concern_escalate,
    concern_resolve,
    good_practice_write,
    watch_add,
)
from leadership.tests.test_timeline import tell_story
from schools import panels
from schools.factories import SchoolFactory
from schools.models import SchoolQuerySet

pytestmark = pytest.mark.django_db

LETTER = "Dear Chair of Governors,\nWe are concerned.\nYours sincerely,\nPriya"
#: The most queries the timeline may run for any number of events: session, user, school, the
#: header's school for school roles, watch, three permissions, open concerns, good-practice places
#: and the leadership sources' own ten.
TIMELINE_QUERY_BOUND = 20
#: The most queries a list may run for any number of rows: session, user, the header's school,
#: count and page.
LIST_QUERY_BOUND = 6
#: The watchlist: session, user, the header's school, watches, each source's latest (eight).
WATCHLIST_QUERY_BOUND = 14


def timeline_url(school):
    return reverse("leadership:timeline", args=[school.urn])


def concern_url(name, concern):
    return reverse(f"leadership:{name}", args=[concern.pk])


def text(response) -> str:
    """The page as a reader sees its words: an "O'Sullivan" is written O&#x27;Sullivan."""
    return html.unescape(response.content.decode())


def escalate_to(concern, level, by):
    """Take `concern` step by step up to `level`."""
    steps = [ConcernLevel.LINK_ADVISER, ConcernLevel.STRATEGY_MANAGER, ConcernLevel.GOVERNING_BODY]
    for step in steps[: steps.index(level) + 1]:
        concern_escalate(
            concern=concern,
            to_level=step,
            note=f"Step to {step.label.lower()}.",
            letter=LETTER if step == ConcernLevel.GOVERNING_BODY else "",
            by=by,
        )
    concern.refresh_from_db()
    return concern


@pytest.fixture
def allocated_pscl(users, school, monkeypatch):
    """The LEA's PSCL, allocated to `school`. Allocations arrive with the consultants app; until
    then a PSCL sees no school, so this widens the two scopes these pages read (schools and
    concerns) for this PSCL alone, as an allocation will."""
    pscl = users[Role.CONSULTANT]
    for queryset_class, school_path in ((SchoolQuerySet, "pk"), (ConcernQuerySet, "school")):
        original = queryset_class.visible_to

        def visible_to(self, user, _original=original, _path=school_path):
            if user.pk == pscl.pk:
                return self.filter(**{_path: school.pk})
            return _original(self, user)

        monkeypatch.setattr(queryset_class, "visible_to", visible_to)
    return pscl


@pytest.fixture
def concern(school, users):
    return ConcernFactory(
        school=school,
        raised_by=users[Role.MANAGER],
        severity=ConcernSeverity.HIGH,
        summary="The team missed training session 2 and two PSCL visits.",
    )


# Who may open what -------------------------------------------------------------------------


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
def test_the_timeline_is_open_to_whoever_may_see_the_school(
    role, status, users, school, client_for
):
    assert client_for(users[role]).get(timeline_url(school)).status_code == status


def test_an_allocated_pscl_may_open_the_timeline(allocated_pscl, school, client_for):
    assert client_for(allocated_pscl).get(timeline_url(school)).status_code == 200


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LINK_ADVISER, Role.HEADTEACHER])
def test_nobody_of_the_other_lea_finds_the_schools_story(
    role, foreign_users, school, concern, client_for
):
    client = client_for(foreign_users[role])
    urls = [
        timeline_url(school),
        reverse("leadership:note_add", args=[school.urn]),
        reverse("leadership:concern_raise", args=[school.urn]),
        concern_url("concern_detail", concern),
        concern_url("concern_escalate", concern),
        concern_url("concern_resolve", concern),
    ]

    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    assert client.post(reverse("leadership:watch_add", args=[school.urn])).status_code == 404
    assert not Watch.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "timeline",
        "note_add",
        "concern_raise",
        "concern_list",
        "concern_detail",
        "good_practice_list",
        "watchlist",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(name, school, concern, client_for):
    args = {"concern_list": [], "good_practice_list": [], "watchlist": []}.get(name)
    if args is None:
        args = [concern.pk] if name.startswith("concern") else [school.urn]

    response = client_for(None).get(reverse(f"leadership:{name}", args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# The timeline page -------------------------------------------------------------------------


def test_the_timeline_shows_the_events_and_the_actions_the_user_may_take(users, school, client_for):
    NoteFactory(school=school, author=users[Role.LINK_ADVISER], text="Deputy new to post.")

    manager_page = text(client_for(users[Role.MANAGER]).get(timeline_url(school)))
    head_page = text(client_for(users[Role.HEADTEACHER]).get(timeline_url(school)))
    governor_page = text(client_for(users[Role.GOVERNOR]).get(timeline_url(school)))

    for page in (manager_page, head_page, governor_page):
        assert "Deputy new to post." in page
        assert users[Role.LINK_ADVISER].full_name in page
        assert "Watch this school" in page
    assert "Add a note" in manager_page and "Raise a concern" in manager_page
    assert "Add a note" in head_page and "Raise a concern" not in head_page
    assert "Add a note" not in governor_page and "Raise a concern" not in governor_page


def test_the_timeline_pages_fifty_events_at_a_time_newest_first(users, school, client_for):
    start = datetime.datetime(2004, 9, 1, 9, tzinfo=datetime.UTC)
    for n in range(60):
        note = NoteFactory(school=school, text=f"Note number {n}.")
        Note.objects.filter(pk=note.pk).update(created_at=start + datetime.timedelta(days=n))
    client = client_for(users[Role.MANAGER])

    first = client.get(timeline_url(school))
    second = client.get(timeline_url(school), {"page": 2})

    first_details = [event.detail for event in first.context["events"]]
    second_details = [event.detail for event in second.context["events"]]
    assert len(first_details) == 50 and len(second_details) == 10
    assert first_details[0] == "Note number 59." and second_details[-1] == "Note number 0."
    assert "60 events" in text(first)


def test_the_timeline_filters_by_kind_and_keeps_the_filter_across_pages(users, school, client_for):
    tell_story(school, size=2, by=users[Role.MANAGER])
    client = client_for(users[Role.MANAGER])

    response = client.get(timeline_url(school), {"kind": "plan_review"})

    assert {event.kind for event in response.context["events"]} == {"plan_review"}
    assert len(response.context["events"]) == 2
    assert '<option value="plan_review" selected>' in text(response)


def test_an_unknown_kind_is_reported_and_every_event_shown(users, school, client_for):
    tell_story(school, size=1, by=users[Role.MANAGER])

    response = client_for(users[Role.MANAGER]).get(timeline_url(school), {"kind": "gossip"})

    assert "Choose a kind of event from the list" in text(response)
    assert len({event.kind for event in response.context["events"]}) == 7


@pytest.mark.parametrize("role", [Role.MANAGER, Role.HEADTEACHER])
def test_the_timeline_runs_a_bounded_number_of_queries(
    role, users, school, client_for, django_assert_max_num_queries
):
    client = client_for(users[role])
    tell_story(school, size=1, by=users[Role.MANAGER])
    with django_assert_max_num_queries(TIMELINE_QUERY_BOUND):
        small = client.get(timeline_url(school))

    tell_story(school, size=25, by=users[Role.MANAGER], start=datetime.date(2005, 1, 1))
    with django_assert_max_num_queries(TIMELINE_QUERY_BOUND):
        large = client.get(timeline_url(school))

    assert small.context["page_obj"].paginator.count < large.context["page_obj"].paginator.count


# Notes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 302),
        (Role.MANAGER, 302),
        (Role.LINK_ADVISER, 302),
        (Role.HEADTEACHER, 302),
        (Role.GOVERNOR, 403),
        (Role.CONSULTANT, 404),
    ],
)
def test_who_may_add_a_note(role, status, users, school, client_for):
    url = reverse("leadership:note_add", args=[school.urn])

    response = client_for(users[role]).post(url, {"text": "Met the head."})

    assert response.status_code == status
    assert Note.objects.filter(school=school, author=users[role]).exists() == (status == 302)
    if status == 302:
        assert response["Location"] == timeline_url(school)


def test_an_allocated_pscl_may_add_a_note(allocated_pscl, school, client_for):
    url = reverse("leadership:note_add", args=[school.urn])

    assert client_for(allocated_pscl).post(url, {"text": "Visit went well."}).status_code == 302
    assert Note.objects.get().author == allocated_pscl


def test_an_empty_note_is_shown_back_with_the_error(users, school, client_for):
    url = reverse("leadership:note_add", args=[school.urn])

    response = client_for(users[Role.MANAGER]).post(url, {"text": "  "})

    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert "Enter the note" in text(response)
    assert not Note.objects.exists()


# Concerns: raising -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 302),
        (Role.MANAGER, 302),
        (Role.LINK_ADVISER, 302),
        (Role.HEADTEACHER, 403),
        (Role.GOVERNOR, 403),
        (Role.CONSULTANT, 404),
    ],
)
def test_who_may_raise_a_concern(role, status, users, school, client_for):
    url = reverse("leadership:concern_raise", args=[school.urn])
    client = client_for(users[role])

    page = client.get(url)
    response = client.post(url, {"severity": "HIGH", "summary": "No plan by half term."})

    assert page.status_code == (200 if status == 302 else status)
    assert response.status_code == status
    concerns = Concern.objects.filter(raised_by=users[role])
    assert concerns.exists() == (status == 302)
    if status == 302:
        assert response["Location"] == concern_url("concern_detail", concerns.get())
        assert concerns.get().level == ConcernLevel.RAISED


def test_an_allocated_pscl_may_raise_a_concern_but_not_escalate_or_resolve_it(
    allocated_pscl, school, client_for
):
    client = client_for(allocated_pscl)

    raised = client.post(
        reverse("leadership:concern_raise", args=[school.urn]),
        {"severity": "MEDIUM", "summary": "Head cancelled our visit twice."},
    )
    concern = Concern.objects.get()
    detail = client.get(concern_url("concern_detail", concern))

    assert raised.status_code == 302
    assert detail.status_code == 200
    assert "Escalate to the link adviser" not in text(detail)
    assert client.get(concern_url("concern_escalate", concern)).status_code == 403
    escalate_data = {"to_level": "LINK_ADVISER", "note": "Please look."}
    assert client.post(concern_url("concern_escalate", concern), escalate_data).status_code == 403
    assert client.post(concern_url("concern_resolve", concern), {"note": "Ok"}).status_code == 403
    concern.refresh_from_db()
    assert concern.level == ConcernLevel.RAISED


def test_a_concern_without_severity_or_summary_is_shown_back_with_errors(users, school, client_for):
    url = reverse("leadership:concern_raise", args=[school.urn])

    response = client_for(users[Role.MANAGER]).post(url, {"summary": ""})

    assert response.status_code == 200
    assert "Choose how serious the concern is" in text(response)
    assert "Say what the concern is" in text(response)
    assert not Concern.objects.exists()


# Concerns: escalating and resolving --------------------------------------------------------


def test_a_link_adviser_escalates_step_by_step_up_to_the_strategy_manager(
    users, concern, client_for
):
    client = client_for(users[Role.LINK_ADVISER])
    url = concern_url("concern_escalate", concern)

    first_page = client.get(url)
    first = client.post(url, {"to_level": "LINK_ADVISER", "note": "Visits missed."})
    second = client.post(url, {"to_level": "STRATEGY_MANAGER", "note": "Still missed."})

    assert "Escalate the concern to the link adviser" in text(first_page)
    assert 'name="letter"' not in text(first_page)
    assert first.status_code == second.status_code == 302
    concern.refresh_from_db()
    assert concern.level == ConcernLevel.STRATEGY_MANAGER
    assert client.get(url).status_code == 403
    detail = text(client.get(concern_url("concern_detail", concern)))
    assert "Notify the governing body" not in detail
    assert "Resolve the concern" in detail
    assert "Visits missed." in detail and "Still missed." in detail


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.GOVERNOR])
def test_the_school_does_not_find_a_concern_its_governors_were_not_told_of(
    role, users, concern, client_for
):
    client = client_for(users[role])

    assert client.get(concern_url("concern_detail", concern)).status_code == 404
    assert client.get(concern_url("concern_escalate", concern)).status_code == 404


def test_a_stale_form_is_refused_with_the_reason_and_takes_no_step(users, concern, client_for):
    escalate_to(concern, ConcernLevel.LINK_ADVISER, users[Role.MANAGER])
    url = concern_url("concern_escalate", concern)

    response = client_for(users[Role.LINK_ADVISER]).post(
        url, {"to_level": "LINK_ADVISER", "note": "Escalating."}
    )

    assert response.status_code == 200
    assert "only moves forward" in text(response)
    assert concern.escalations.count() == 1


def test_the_manager_notifies_the_governing_body_with_a_drafted_letter(
    users, school, concern, client_for
):
    manager = users[Role.MANAGER]
    manager.job_title = "Primary Strategy Manager, Northmoor"
    manager.save()
    escalate_to(concern, ConcernLevel.STRATEGY_MANAGER, users[Role.LINK_ADVISER])
    client = client_for(manager)
    url = concern_url("concern_escalate", concern)

    page = client.get(url)

    letter = page.context["form"].initial["letter"]
    for expected in (
        "Dear Chair of Governors",
        school.name,
        school.headteacher_name,
        concern.summary,
        "high severity",
        "Step to escalated to the link adviser.",
        "Step to escalated to the strategy manager.",
        manager.full_name,
        "Primary Strategy Manager, Northmoor",
        school.local_authority.name,
    ):
        assert expected in letter
    assert "Notify the governing body formally" in text(page)

    missing = client.post(url, {"to_level": "GOVERNING_BODY", "note": "No change.", "letter": ""})
    assert missing.status_code == 200
    assert "Write the letter to the chair of governors" in text(missing)

    edited = letter.replace("Dear Chair of Governors", "Dear Mr Okafor")
    sent = client.post(url, {"to_level": "GOVERNING_BODY", "note": "No change.", "letter": edited})
    assert sent.status_code == 302
    assert sent["Location"] == concern_url("concern_letter", concern)
    concern.refresh_from_db()
    assert concern.level == ConcernLevel.GOVERNING_BODY
    step = concern.escalations.get(to_level=ConcernLevel.GOVERNING_BODY)
    assert step.letter == edited.strip()
    assert "Dear Mr Okafor" in step.letter
    assert step.escalated_by == manager


def test_a_link_adviser_may_not_notify_the_governing_body(users, concern, client_for):
    escalate_to(concern, ConcernLevel.STRATEGY_MANAGER, users[Role.MANAGER])
    client = client_for(users[Role.LINK_ADVISER])
    url = concern_url("concern_escalate", concern)

    posted = client.post(url, {"to_level": "GOVERNING_BODY", "note": "N", "letter": LETTER})

    assert client.get(url).status_code == 403
    assert posted.status_code == 403
    concern.refresh_from_db()
    assert concern.level == ConcernLevel.STRATEGY_MANAGER


@pytest.mark.parametrize("role", [Role.MANAGER, Role.HEADTEACHER, Role.GOVERNOR])
def test_the_letter_prints_for_the_lea_and_the_schools_people(role, users, concern, client_for):
    escalate_to(concern, ConcernLevel.GOVERNING_BODY, users[Role.MANAGER])

    response = client_for(users[role]).get(concern_url("concern_letter", concern))

    assert response.status_code == 200
    assert "We are concerned." in text(response)
    assert "govuk-!-display-none-print" in text(response)


def test_a_concern_the_governors_were_not_told_of_has_no_letter(users, concern, client_for):
    response = client_for(users[Role.MANAGER]).get(concern_url("concern_letter", concern))

    assert response.status_code == 404


def test_the_school_may_read_a_notified_concern_but_not_act_on_it(users, concern, client_for):
    escalate_to(concern, ConcernLevel.GOVERNING_BODY, users[Role.MANAGER])
    client = client_for(users[Role.HEADTEACHER])

    detail = client.get(concern_url("concern_detail", concern))
    resolve = client.post(concern_url("concern_resolve", concern), {"note": "All fine."})

    assert detail.status_code == 200
    assert "Read the letter" in text(detail)
    assert "Resolve the concern" not in text(detail)
    assert resolve.status_code == 403


def test_a_concern_at_the_last_step_cannot_be_escalated_further(users, concern, client_for):
    escalate_to(concern, ConcernLevel.GOVERNING_BODY, users[Role.MANAGER])

    response = client_for(users[Role.MANAGER]).get(concern_url("concern_escalate", concern))

    assert response.status_code == 302
    assert response["Location"] == concern_url("concern_detail", concern)


def test_resolving_needs_a_note_and_closes_the_concern(users, concern, client_for):
    client = client_for(users[Role.LINK_ADVISER])
    url = concern_url("concern_resolve", concern)

    empty = client.post(url, {"note": " "})
    done = client.post(url, {"note": "Visits back on track."})
    again = client.get(url)

    assert empty.status_code == 200 and "Say how the concern was resolved" in text(empty)
    assert done.status_code == 302
    concern.refresh_from_db()
    assert (concern.level, concern.resolution) == (ConcernLevel.RESOLVED, "Visits back on track.")
    assert again.status_code == 302


# The LEA's open concerns -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.MANAGER, 200),
        (Role.LINK_ADVISER, 200),
        (Role.CONSULTANT, 403),
        (Role.HEADTEACHER, 403),
        (Role.GOVERNOR, 403),
    ],
)
def test_the_open_concerns_list_is_for_managers_and_link_advisers(role, status, users, client_for):
    response = client_for(users[role]).get(reverse("leadership:concern_list"))

    assert response.status_code == status


def test_the_open_concerns_list_shows_the_leas_open_concerns_most_severe_first(
    users, school, sibling_school, foreign_school, client_for
):
    low = ConcernFactory(school=school, severity=ConcernSeverity.LOW)
    high = ConcernFactory(school=sibling_school, severity=ConcernSeverity.HIGH)
    medium = escalate_to(
        ConcernFactory(school=school, severity=ConcernSeverity.MEDIUM),
        ConcernLevel.LINK_ADVISER,
        users[Role.MANAGER],
    )
    resolved = ConcernFactory(school=school, severity=ConcernSeverity.HIGH)
    concern_resolve(concern=resolved, note="Sorted.", by=users[Role.MANAGER])
    ConcernFactory(school=foreign_school, severity=ConcernSeverity.HIGH)

    response = client_for(users[Role.LINK_ADVISER]).get(reverse("leadership:concern_list"))

    assert list(response.context["concerns"]) == [high, medium, low]
    page = text(response)
    assert "Escalated to the link adviser" in page
    assert re.search(r"3 open concerns\s*</h2>", page)


def test_the_open_concerns_list_runs_a_bounded_number_of_queries(
    users, lea, client_for, django_assert_max_num_queries
):
    client = client_for(users[Role.MANAGER])
    ConcernFactory(school=SchoolFactory(local_authority=lea))
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        client.get(reverse("leadership:concern_list"))

    for _ in range(30):
        concern = ConcernFactory(school=SchoolFactory(local_authority=lea))
        escalate_to(concern, ConcernLevel.LINK_ADVISER, users[Role.MANAGER])
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = client.get(reverse("leadership:concern_list"))

    assert response.context["paginator"].count == 31


# Good practice -----------------------------------------------------------------------------


@pytest.fixture
def place(school):
    return ParticipationFactory(
        programme_year=YearFactory(local_authority=school.local_authority),
        school=school,
        status=ParticipationStatus.ACTIVE,
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 302),
        (Role.MANAGER, 302),
        (Role.LINK_ADVISER, 403),
        (Role.HEADTEACHER, 403),
        (Role.GOVERNOR, 403),
        (Role.CONSULTANT, 404),
    ],
)
def test_who_may_write_up_good_practice(role, status, users, place, client_for):
    url = reverse("leadership:good_practice_write", args=[place.pk])
    data = {"title": "Tracking writing", "case_study": "Half-termly writing checks."}

    response = client_for(users[role]).post(url, data)

    assert response.status_code == status
    place.refresh_from_db()
    assert place.is_good_practice == (status == 302)
    if status == 302:
        study = GoodPractice.objects.get()
        assert response["Location"] == reverse("leadership:good_practice_detail", args=[study.pk])


def test_the_other_leas_manager_does_not_find_the_place(foreign_users, place, client_for):
    url = reverse("leadership:good_practice_write", args=[place.pk])

    assert client_for(foreign_users[Role.MANAGER]).get(url).status_code == 404


def test_the_manager_sees_the_write_up_link_on_the_timeline_and_edits_the_case_study(
    users, school, place, client_for
):
    client = client_for(users[Role.MANAGER])
    url = reverse("leadership:good_practice_write", args=[place.pk])

    before = text(client.get(timeline_url(school)))
    client.post(url, {"title": "First title", "case_study": "First."})
    form = client.get(url)
    client.post(url, {"title": "Second title", "case_study": "Second."})

    assert url in before and "write up as good practice" in before
    assert form.context["form"].initial == {"title": "First title", "case_study": "First."}
    assert GoodPractice.objects.get().title == "Second title"
    assert "Second title" in text(client.get(timeline_url(school)))


def test_a_place_that_never_took_part_is_not_written_up(users, school, client_for):
    invited = ParticipationFactory(
        programme_year=YearFactory(local_authority=school.local_authority),
        school=school,
        status=ParticipationStatus.INVITED,
    )
    url = reverse("leadership:good_practice_write", args=[invited.pk])

    response = client_for(users[Role.MANAGER]).post(url, {"title": "T", "case_study": "C"})

    assert response.status_code == 200
    assert "can be written up as good practice" in text(response)
    assert not GoodPractice.objects.exists()


def test_good_practice_is_read_across_the_lea_but_not_by_the_other_lea(
    users, school, sibling_school, place, foreign_users, client_for
):
    study = good_practice_write(
        participation=place,
        title="Tracking writing",
        case_study="Half-termly writing checks.",
        by=users[Role.MANAGER],
    )
    school.barriers_commentary = "Confidential: the head is on a capability plan."
    school.save()
    readers = [
        *users.values(),
        UserFactory(role=Role.HEADTEACHER, school=sibling_school),
        UserFactory(role=Role.GOVERNOR, school=sibling_school),
    ]
    list_url = reverse("leadership:good_practice_list")
    detail_url = reverse("leadership:good_practice_detail", args=[study.pk])

    for reader in readers:
        client = client_for(reader)
        for page in (text(client.get(list_url)), text(client.get(detail_url))):
            assert "Tracking writing" in page
            assert "Half-termly writing checks." in page
            assert school.name in page
            assert "capability plan" not in page
    for outsider in map(client_for, readers[-2:]):
        for url in (list_url, detail_url):
            assert reverse("schools:detail", args=[school.urn]) not in text(outsider.get(url))
        assert outsider.get(reverse("schools:detail", args=[school.urn])).status_code == 404
    for foreigner in foreign_users.values():
        client = client_for(foreigner)
        assert "Tracking writing" not in text(client.get(list_url))
        assert client.get(detail_url).status_code == 404


def test_the_good_practice_list_runs_a_bounded_number_of_queries(
    users, lea, client_for, django_assert_max_num_queries
):
    client = client_for(users[Role.GOVERNOR])

    def write_up(n):
        place = ParticipationFactory(
            programme_year=YearFactory(local_authority=lea),
            school=SchoolFactory(local_authority=lea),
        )
        good_practice_write(participation=place, title=f"Study {n}", case_study="C.", by=None)

    write_up(0)
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        client.get(reverse("leadership:good_practice_list"))
    for n in range(1, 15):
        write_up(n)
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = client.get(reverse("leadership:good_practice_list"))

    assert response.context["paginator"].count == 15


# Watchlist ---------------------------------------------------------------------------------


def test_watching_and_unwatching_from_the_timeline(users, school, client_for):
    client = client_for(users[Role.GOVERNOR])

    added = client.post(reverse("leadership:watch_add", args=[school.urn]))
    page = text(client.get(timeline_url(school)))
    removed = client.post(reverse("leadership:watch_remove", args=[school.urn]))

    assert added.status_code == removed.status_code == 302
    assert added["Location"] == timeline_url(school)
    assert "Stop watching" in page
    assert not Watch.objects.exists()


def test_the_watch_buttons_only_take_a_post(users, school, client_for):
    client = client_for(users[Role.MANAGER])

    assert client.get(reverse("leadership:watch_add", args=[school.urn])).status_code == 405
    assert not Watch.objects.exists()


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/programme/watchlist/", "/programme/watchlist/"), ("https://evil.example/", None)],
)
def test_the_watch_button_goes_back_only_to_a_page_of_this_site(
    next_url, expected, users, school, client_for
):
    response = client_for(users[Role.MANAGER]).post(
        reverse("leadership:watch_add", args=[school.urn]), {"next": next_url}
    )

    assert response["Location"] == (expected or timeline_url(school))


def test_the_school_pages_watch_button_posts_with_its_csrf_token_and_comes_back(users, school):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.MANAGER], backend="django.contrib.auth.backends.ModelBackend")
    page_url = reverse("schools:detail", args=[school.urn])
    page = client.get(page_url).content.decode()
    button = page.split(f'action="{reverse("leadership:watch_add", args=[school.urn])}"', 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', button).group(1)
    back = re.search(r'name="next" value="([^"]+)"', button).group(1)

    response = client.post(
        reverse("leadership:watch_add", args=[school.urn]),
        {"csrfmiddlewaretoken": token, "next": back},
    )

    assert back == page_url
    assert response.status_code == 302
    assert response["Location"] == page_url
    assert Watch.objects.filter(user=users[Role.MANAGER], school=school).exists()


def test_the_watchlist_lists_watched_schools_with_their_latest_event(
    users, school, sibling_school, client_for
):
    manager = users[Role.MANAGER]
    tell_story(school, size=2, by=manager, start=datetime.date(2004, 9, 1))
    watch_add(user=manager, school=school)
    watch_add(user=manager, school=sibling_school)
    watch_add(
        user=users[Role.LINK_ADVISER], school=SchoolFactory(local_authority=school.local_authority)
    )

    response = client_for(manager).get(reverse("leadership:watchlist"))

    watched = response.context["watched"]
    assert [item.school for item in watched] == [school, sibling_school]
    assert [item.latest_event_at is None for item in watched] == [False, True]
    page = text(response)
    assert "2 September 2004" in page
    assert "nothing yet" in page


def test_a_school_that_leaves_the_users_scope_leaves_their_watchlist(
    users, school, sibling_school, client_for
):
    head = users[Role.HEADTEACHER]
    watch_add(user=head, school=school)
    head.school = sibling_school
    head.save()

    response = client_for(head).get(reverse("leadership:watchlist"))

    assert response.context["watched"] == []
    assert school.name not in text(response)
    assert Watch.objects.filter(user=head, school=school).exists()


def test_the_watchlist_runs_a_bounded_number_of_queries(
    users, lea, client_for, django_assert_max_num_queries
):
    manager = users[Role.MANAGER]
    client = client_for(manager)
    first = SchoolFactory(local_authority=lea)
    tell_story(first, size=1, by=manager)
    watch_add(user=manager, school=first)
    with django_assert_max_num_queries(WATCHLIST_QUERY_BOUND):
        client.get(reverse("leadership:watchlist"))

    for _ in range(8):
        each = SchoolFactory(local_authority=lea)
        tell_story(each, size=2, by=manager)
        watch_add(user=manager, school=each)
    with django_assert_max_num_queries(WATCHLIST_QUERY_BOUND):
        response = client.get(reverse("leadership:watchlist"))

    assert len(response.context["watched"]) == 9


# The school page's section -----------------------------------------------------------------


def test_the_school_page_links_to_the_timeline_once_registered(
    users, school, client_for, monkeypatch
):
    monkeypatch.setattr(panels, "_sections", [])
    timeline.register()
    timeline.register()

    page = text(client_for(users[Role.GOVERNOR]).get(reverse("schools:detail", args=[school.urn])))

    assert page.count(timeline_url(school)) == 1
    assert "Watch this school" in page
    assert reverse("leadership:note_add", args=[school.urn]) not in page
