"""The visit log's pages through the test client: logging (draft, submit, errors), planning,
editing after submission with its history, and who reads what (the PSCL, the link adviser,
the manager, the headteacher, the governor, other PSCLs and LEAs)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from conftest import make_user
from consultants import timeline as visit_timeline
from consultants.factories import AgreedActionFactory, PreVisitNoteFactory, VisitFactory
from consultants.models import AgreedAction, AllocationStatus, Visit, VisitStatus

from .test_visits_world import NOTES_TEXT, VISIT_DAY, date_fields, make_world, visit_post

pytestmark = pytest.mark.django_db

#: The most queries `school_visits` may run for any number of visits: session, user, the
#: header's school, the school, the visits (or planned visits), their agreed actions, the
#: PSCL's allocation.
SCHOOL_VISITS_QUERY_BOUND = 7


@pytest.fixture
def world(lea, school, sibling_school, users):
    visit_timeline.register()
    return make_world(lea=lea, school=school, sibling_school=sibling_school, users=users)


def url(name, *args):
    return reverse(f"consultants:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


def field_error(response, field_id: str) -> str:
    """The error message shown next to the field `field_id` (its `_error` span)."""
    match = re.search(
        rf'id="{re.escape(field_id)}_\d+_error"[^>]*>\s*<span class="govuk-visually-hidden">'
        r"Error:</span>\s*([^<]+)",
        text(response),
    )
    return match.group(1).strip() if match else ""


# Logging a visit -----------------------------------------------------------------------------


def test_the_pscl_opens_the_visit_form(world, client_for):
    response = client_for(world.pscl.user).get(url("visit_new", world.allocation.pk))
    assert response.status_code == 200
    page = text(response)
    for label in (
        "Date of the visit",
        "How long was the visit?",
        "Number of hours",
        "What kind of visit was it?",
        "Consultancy stage",
        "Focus of the visit",
        "Who attended",
        "Were standards challenged?",
        "How were standards challenged?",
        "Date of the next visit",
        "Agreed action 1",
        "Agreed action 3",
        ">Save as draft</button>",
        ">Submit</button>",
    ):
        assert label in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert ' style="' not in page


def test_submitting_a_complete_visit_saves_it_with_its_actions(world, client_for):
    data = visit_post(
        actions=[
            ("Deputy head", "Start guided reading in Year 2.", datetime.date(2004, 11, 5)),
            ("Maths lead", "Audit maths books.", datetime.date(2004, 11, 12)),
        ],
        next_visit_on=datetime.date(2004, 11, 9),
    )
    response = client_for(world.pscl.user).post(url("visit_new", world.allocation.pk), data)
    visit = Visit.objects.get(status=VisitStatus.SUBMITTED)
    assert response.status_code == 302
    assert response.url == url("visit_detail", visit.pk)
    assert (visit.length, visit.kind, visit.stage) == ("HALF_DAY", "GETTING_STARTED", 4)
    assert visit.focus == ["ENGLISH", "MATHS"]
    assert visit.standards_challenged is True
    assert list(visit.agreed_actions.values_list("who", flat=True)) == ["Deputy head", "Maths lead"]
    follow_up = Visit.objects.get(status=VisitStatus.PLANNED)
    assert follow_up.visit_on == datetime.date(2004, 11, 9)
    assert follow_up.purpose == "Follow-up visit"


def test_a_visit_of_some_hours_counts_its_hours(world, client_for):
    client_for(world.pscl.user).post(
        url("visit_new", world.allocation.pk), visit_post(length="HOURS", hours="3.5")
    )
    visit = Visit.objects.get()
    assert str(visit.days) == "0.54"


def test_a_draft_needs_only_the_date(world, client_for):
    data = visit_post(
        action="draft",
        length=None,
        kind=None,
        stage=None,
        focus=None,
        standards_challenged=None,
        challenge_detail="",
    )
    response = client_for(world.pscl.user).post(url("visit_new", world.allocation.pk), data)
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.status == VisitStatus.DRAFT
    assert visit.notes == NOTES_TEXT


def test_a_draft_without_a_date_is_refused_next_to_the_date(world, client_for):
    data = visit_post(action="draft", visit_on=None)
    response = client_for(world.pscl.user).post(url("visit_new", world.allocation.pk), data)
    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert field_error(response, "id_visit_on") == "Enter the date of the visit"
    assert not Visit.objects.exists()


def test_submitting_an_incomplete_visit_shows_each_error_by_its_field(world, client_for):
    data = visit_post(
        length=None, kind=None, stage=None, standards_challenged="yes", challenge_detail=""
    )
    response = client_for(world.pscl.user).post(url("visit_new", world.allocation.pk), data)
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert field_error(response, "id_length") == "Choose how long the visit was"
    assert field_error(response, "id_kind") == "Choose the kind of visit"
    assert field_error(response, "id_stage") == "Choose the consultancy stage"
    assert field_error(response, "id_challenge_detail") == "Say how standards were challenged"
    assert 'href="#id_kind_1"' in page
    assert not Visit.objects.exists()
    # What was typed is kept.
    assert NOTES_TEXT in page


def test_an_unfinished_action_row_saves_nothing(world, client_for):
    data = visit_post(actions=[("Deputy head", "", None)], kind=None)
    response = client_for(world.pscl.user).post(url("visit_new", world.allocation.pk), data)
    assert response.status_code == 200
    assert field_error(response, "id_actions-0-what") == "Enter what was agreed"
    # The note's own problems are shown with the row's, at once.
    assert field_error(response, "id_kind") == "Choose the kind of visit"
    assert "Agreed action 1: Enter the date the action is due by" in text(response)
    assert not Visit.objects.exists()
    assert not AgreedAction.objects.exists()


def test_the_pscl_removes_and_changes_action_rows_of_a_draft(world, client_for):
    draft = VisitFactory(allocation=world.allocation, status=VisitStatus.DRAFT)
    keep, drop = AgreedActionFactory(visit=draft), AgreedActionFactory(visit=draft, who="Gone")
    client = client_for(world.pscl.user)
    assert "Remove this action" in text(client.get(url("visit_edit", draft.pk)))
    rows = [
        {"pk": keep.pk, "who": "Head", "what": keep.what, "due_on": keep.due_on},
        {"pk": drop.pk, "who": drop.who, "what": drop.what, "due_on": drop.due_on, "DELETE": "on"},
    ]
    response = client.post(
        url("visit_edit", draft.pk), visit_post(action="draft", actions=rows, existing=2)
    )
    assert response.status_code == 302
    assert list(draft.agreed_actions.values_list("pk", "who")) == [(keep.pk, "Head")]


def test_logging_a_planned_visit_shows_the_pre_visit_note(world, client_for):
    note = PreVisitNoteFactory(
        visit__allocation=world.allocation,
        visit__visit_on=VISIT_DAY,
        wants="Help with the maths success criteria.",
    )
    client = client_for(world.pscl.user)
    response = client.get(url("visit_log", note.visit.pk))
    assert response.status_code == 200
    assert "Help with the maths success criteria." in text(response)
    response = client.post(url("visit_log", note.visit.pk), visit_post())
    assert response.status_code == 302
    note.visit.refresh_from_db()
    assert note.visit.status == VisitStatus.SUBMITTED
    # Logged: the log page now leads to the edit page.
    assert client.get(url("visit_log", note.visit.pk)).url == url("visit_edit", note.visit.pk)


def test_changes_after_submission_are_shown_on_the_visit(world, client_for):
    client = client_for(world.pscl.user)
    client.post(url("visit_new", world.allocation.pk), visit_post())
    visit = Visit.objects.get()
    response = client.get(url("visit_edit", visit.pk))
    assert ">Save changes</button>" in text(response)
    assert ">Submit</button>" not in text(response)
    client.post(url("visit_edit", visit.pk), visit_post(action="save", length="FULL_DAY"))
    visit.refresh_from_db()
    assert visit.length == "FULL_DAY"
    for reader in (world.users[Role.LINK_ADVISER], world.users[Role.MANAGER]):
        page = text(client_for(reader).get(url("visit_detail", visit.pk)))
        changes = page.split("Changes since submission", 1)[1]
        assert world.pscl.user.full_name in changes
        assert re.search(r"Length</th>\s*<td[^>]*>Half day</td>\s*<td[^>]*>Full day</td>", changes)


def test_a_new_submitted_visit_has_no_changes_yet(world, client_for):
    visit = VisitFactory(allocation=world.allocation)
    page = text(client_for(world.pscl.user).get(url("visit_detail", visit.pk)))
    assert "Nothing has changed since the visit was submitted." in page


# Planning and cancelling ---------------------------------------------------------------------


def plan_post(day: datetime.date, purpose: str) -> dict:
    return {**date_fields("visit_on", day), "purpose": purpose}


def next_week() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=7)


def test_the_pscl_plans_a_visit_the_headteacher_sees(world, client_for):
    data = plan_post(next_week(), "Review the plan")
    response = client_for(world.pscl.user).post(url("visit_plan", world.allocation.pk), data)
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.status, visit.purpose) == (VisitStatus.PLANNED, "Review the plan")
    page = text(
        client_for(world.users[Role.HEADTEACHER]).get(url("school_visits", world.school.urn))
    )
    assert "Review the plan" in page
    assert url("pre_visit_note", visit.pk) in page


def test_planning_twice_on_a_day_is_refused_by_the_date(world, client_for):
    VisitFactory(allocation=world.allocation, planned=True, visit_on=next_week())
    data = plan_post(next_week(), "Again")
    response = client_for(world.pscl.user).post(url("visit_plan", world.allocation.pk), data)
    assert response.status_code == 200
    assert field_error(response, "id_visit_on") == "A visit is already planned on that day"
    assert Visit.objects.count() == 1


def test_a_visit_in_the_past_cannot_be_planned(world, client_for):
    data = plan_post(timezone.localdate() - datetime.timedelta(days=1), "Too late")
    response = client_for(world.pscl.user).post(url("visit_plan", world.allocation.pk), data)
    assert (
        field_error(response, "id_visit_on") == "The date of a planned visit must be today or later"
    )
    assert not Visit.objects.exists()


def test_the_pscl_cancels_a_planned_visit(world, client_for):
    visit = VisitFactory(allocation=world.allocation, planned=True)
    client = client_for(world.pscl.user)
    assert client.get(url("visit_cancel", visit.pk)).status_code == 200
    assert client.post(url("visit_cancel", visit.pk)).status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED


def test_the_link_adviser_cannot_cancel_or_edit(world, client_for):
    visit = VisitFactory(allocation=world.allocation, planned=True)
    client = client_for(world.users[Role.LINK_ADVISER])
    assert client.post(url("visit_cancel", visit.pk)).status_code == 403
    assert client.get(url("visit_log", visit.pk)).status_code == 403
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


# Scope ---------------------------------------------------------------------------------------


def test_another_pscls_visit_is_not_found(world, client_for):
    visit = VisitFactory(allocation=world.other_allocation)
    client = client_for(world.pscl.user)
    for name in ("visit_detail", "visit_edit", "visit_log", "visit_cancel"):
        assert client.get(url(name, visit.pk)).status_code == 404, name
    assert client.get(url("visit_new", world.other_allocation.pk)).status_code == 404
    assert client.get(url("school_visits", world.sibling_school.urn)).status_code == 404


def test_a_pscl_whose_allocation_ended_cannot_log_or_read(world, client_for):
    visit = VisitFactory(allocation=world.allocation)
    world.allocation.status = AllocationStatus.ENDED
    world.allocation.end_reason = "The PSCL moved away."
    world.allocation.save()
    client = client_for(world.pscl.user)
    assert client.get(url("visit_new", world.allocation.pk)).status_code == 404
    assert client.post(url("visit_new", world.allocation.pk), visit_post()).status_code == 404
    assert client.get(url("visit_detail", visit.pk)).status_code == 404
    assert Visit.objects.count() == 1


def test_a_manager_cannot_log_a_visit(world, client_for):
    client = client_for(world.users[Role.MANAGER])
    assert client.get(url("visit_new", world.allocation.pk)).status_code == 403
    assert client.post(url("visit_new", world.allocation.pk), visit_post()).status_code == 403
    assert not Visit.objects.exists()


@pytest.mark.parametrize("role", [Role.LINK_ADVISER, Role.MANAGER, Role.ADMIN])
def test_note_readers_read_a_submitted_visit(world, client_for, role):
    visit = VisitFactory(allocation=world.allocation, notes=NOTES_TEXT)
    response = client_for(world.users[role]).get(url("visit_detail", visit.pk))
    assert response.status_code == 200
    assert NOTES_TEXT in text(response)


def test_a_draft_is_the_pscls_alone(world, client_for):
    draft = VisitFactory(allocation=world.allocation, status=VisitStatus.DRAFT)
    assert client_for(world.pscl.user).get(url("visit_detail", draft.pk)).status_code == 200
    for role in (Role.LINK_ADVISER, Role.MANAGER):
        assert client_for(world.users[role]).get(url("visit_detail", draft.pk)).status_code == 404


def test_a_link_adviser_not_attached_to_the_school_is_not_shown_the_visit(world, client_for):
    visit = VisitFactory(allocation=world.allocation, notes=NOTES_TEXT)
    client = client_for(world.unattached_link_user)
    assert client.get(url("visit_detail", visit.pk)).status_code == 404
    response = client.get(url("school_visits", world.school.urn))
    assert response.status_code == 200
    assert NOTES_TEXT not in text(response)
    assert url("visit_detail", visit.pk) not in text(response)


def test_another_leas_manager_is_not_shown_the_visit(world, client_for, foreign_users):
    visit = VisitFactory(allocation=world.allocation)
    client = client_for(foreign_users[Role.MANAGER])
    assert client.get(url("visit_detail", visit.pk)).status_code == 404
    assert client.get(url("school_visits", world.school.urn)).status_code == 404


def test_the_headteacher_sees_actions_and_plans_but_never_the_notes(world, client_for):
    visit = VisitFactory(allocation=world.allocation, notes=NOTES_TEXT)
    action = AgreedActionFactory(visit=visit, what="Set up guided reading groups in Year 2.")
    draft = VisitFactory(allocation=world.allocation, status=VisitStatus.DRAFT, notes=NOTES_TEXT)
    AgreedActionFactory(visit=draft, what="A draft's action the school must not see yet.")
    planned = VisitFactory(allocation=world.allocation, planned=True, purpose="Review the plan")
    client = client_for(world.users[Role.HEADTEACHER])
    schedule = client.get(url("school_visits", world.school.urn))
    assert schedule.status_code == 200
    page = text(schedule)
    assert action.what in page
    assert url("action_done", action.pk) in page
    assert "Review the plan" in page
    assert "A draft&#x27;s action" not in page
    assert url("visit_detail", visit.pk) not in page
    for name, pk in (
        ("visit_detail", visit.pk),
        ("visit_edit", visit.pk),
        ("visit_detail", draft.pk),
    ):
        assert client.get(url(name, pk)).status_code == 404
    pages = [
        schedule,
        client.get(url("pre_visit_note", planned.pk)),
        client.get(reverse("leadership:timeline", args=[world.school.urn])),
        client.get(reverse("schools:detail", args=[world.school.urn])),
    ]
    for response in pages:
        assert response.status_code == 200
        assert NOTES_TEXT not in text(response)
        assert "Challenged on" not in text(response)
        assert visit.challenge_detail not in text(response)


def test_the_headteacher_writes_the_pre_visit_note_until_the_visit_is_logged(world, client_for):
    planned = VisitFactory(allocation=world.allocation, planned=True)
    client = client_for(world.users[Role.HEADTEACHER])
    response = client.post(
        url("pre_visit_note", planned.pk), {"progress": "Groups started.", "wants": "Maths."}
    )
    assert response.status_code == 302
    assert planned.pre_visit_note.wants == "Maths."
    response = client.post(url("pre_visit_note", planned.pk), {"progress": "", "wants": "x"})
    assert response.status_code == 200
    assert "Say what progress the school has made since the last visit" in text(response)
    planned.status = VisitStatus.DRAFT
    planned.save()
    assert client.get(url("pre_visit_note", planned.pk)).status_code == 404


def test_only_the_schools_headteacher_writes_the_pre_visit_note(world, client_for, foreign_users):
    planned = VisitFactory(allocation=world.allocation, planned=True)
    assert client_for(world.pscl.user).get(url("pre_visit_note", planned.pk)).status_code == 403
    governor = client_for(world.users[Role.GOVERNOR])
    assert governor.get(url("pre_visit_note", planned.pk)).status_code == 404
    other_head = client_for(foreign_users[Role.HEADTEACHER])
    assert other_head.get(url("pre_visit_note", planned.pk)).status_code == 404


def test_the_governor_is_refused(world, client_for):
    visit = VisitFactory(allocation=world.allocation, notes=NOTES_TEXT)
    action = AgreedActionFactory(visit=visit)
    client = client_for(world.users[Role.GOVERNOR])
    assert client.get(url("school_visits", world.school.urn)).status_code == 403
    assert client.get(url("visit_detail", visit.pk)).status_code == 404
    assert client.post(url("action_done", action.pk)).status_code == 404
    action.refresh_from_db()
    assert action.done_on is None


def test_the_headteacher_and_the_pscl_mark_actions_done(world, client_for):
    visit = VisitFactory(allocation=world.allocation)
    first, second = AgreedActionFactory(visit=visit), AgreedActionFactory(visit=visit)
    next_url = url("school_visits", world.school.urn)
    response = client_for(world.users[Role.HEADTEACHER]).post(
        url("action_done", first.pk), {"next": next_url}
    )
    assert response.status_code == 302
    assert response.url == next_url
    client_for(world.pscl.user).post(url("action_done", second.pk))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.done_on is not None
    assert second.done_on is not None


def test_the_link_adviser_may_see_but_not_mark_actions_done(world, client_for):
    action = AgreedActionFactory(visit__allocation=world.allocation)
    response = client_for(world.users[Role.LINK_ADVISER]).post(url("action_done", action.pk))
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.done_on is None


def test_anonymous_visitors_are_sent_to_sign_in(world, client_for):
    visit = VisitFactory(allocation=world.allocation)
    client = client_for(None)
    for address in (
        url("visit_detail", visit.pk),
        url("visit_new", world.allocation.pk),
        url("school_visits", world.school.urn),
        url("calendar"),
    ):
        response = client.get(address)
        assert response.status_code == 302
        assert "login" in response.url


# The school's visits -------------------------------------------------------------------------


def test_note_readers_see_the_schools_visits_with_days(world, client_for):
    VisitFactory(allocation=world.allocation, length="FULL_DAY")
    VisitFactory(allocation=world.allocation, visit_on=datetime.date(2004, 11, 2))
    VisitFactory(allocation=world.allocation, planned=True, purpose="Review the plan")
    VisitFactory(allocation=world.allocation, status=VisitStatus.DRAFT)
    manager_page = text(
        client_for(world.users[Role.MANAGER]).get(url("school_visits", world.school.urn))
    )
    assert "Days delivered: <strong>1.50</strong>" in manager_page
    assert "Review the plan" in manager_page
    assert "Draft" not in manager_page
    pscl_page = text(client_for(world.pscl.user).get(url("school_visits", world.school.urn)))
    assert "Draft" in pscl_page
    assert url("visit_new", world.allocation.pk) in pscl_page
    assert "of 4.0 planned" in pscl_page


def make_visits(world, count):
    for index in range(count):
        visit = VisitFactory(
            allocation=world.allocation, visit_on=VISIT_DAY + datetime.timedelta(days=index)
        )
        AgreedActionFactory.create_batch(2, visit=visit)
        VisitFactory(
            allocation=world.allocation,
            planned=True,
            visit_on=datetime.date(2005, 1, 1) + datetime.timedelta(days=index),
        )


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CONSULTANT, Role.HEADTEACHER])
@pytest.mark.parametrize("count", [1, 8])
def test_the_schools_visits_cost_a_bounded_number_of_queries(
    world, client_for, django_assert_max_num_queries, role, count
):
    make_visits(world, count)
    client = client_for(world.users[role])
    with django_assert_max_num_queries(SCHOOL_VISITS_QUERY_BOUND):
        response = client.get(url("school_visits", world.school.urn))
    assert response.status_code == 200


def test_an_admin_reads_every_leas_visits(world, client_for, foreign_school):
    visit = VisitFactory(allocation=world.allocation, notes=NOTES_TEXT)
    admin = make_user(Role.ADMIN)
    assert client_for(admin).get(url("visit_detail", visit.pk)).status_code == 200
    assert client_for(admin).get(url("school_visits", foreign_school.urn)).status_code == 200
