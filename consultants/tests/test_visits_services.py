"""The rules of the visit log's services: days, draft and submission, agreed actions saved
with the visit or not at all, the follow-up visit, history, planning, cancelling, the
pre-visit note and marking actions done."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from consultants.factories import AgreedActionFactory, VisitFactory
from consultants.models import (
    AgreedAction,
    AllocationStatus,
    PreVisitNote,
    Visit,
    VisitStatus,
    visit_days,
)
from consultants.selectors.visits import visit_changes_since_submission
from consultants.services.visits import (
    FOLLOW_UP_PURPOSE,
    ActionLine,
    VisitNote,
    agreed_action_mark_done,
    pre_visit_note_write,
    visit_cancel,
    visit_plan,
    visit_save_draft,
    visit_submit,
    visit_update_submitted,
)

from .test_visits_world import TODAY, VISIT_DAY, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(lea, school, sibling_school, users):
    return make_world(lea=lea, school=school, sibling_school=sibling_school, users=users)


def complete_note(**overrides) -> VisitNote:
    fields = {
        "visit_on": VISIT_DAY,
        "length": "HALF_DAY",
        "kind": "GETTING_STARTED",
        "stage": 4,
        "focus": ("ENGLISH", "MATHS"),
        "attendees": "Headteacher",
        "notes": "Looked at KS1 reading.",
        "standards_challenged": True,
        "challenge_detail": "Asked about KS1 reading.",
    }
    fields.update(overrides)
    return VisitNote(**fields)


ACTION = ActionLine(who="Deputy head", what="Start guided reading.", due_on=TODAY)


# Days ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "hours", "days"),
    [
        ("HALF_DAY", None, Decimal("0.5")),
        ("FULL_DAY", None, Decimal("1.0")),
        ("HOURS", Decimal("3.25"), Decimal("0.50")),
        ("HOURS", Decimal("2"), Decimal("0.31")),
        ("", None, Decimal("0.00")),
    ],
)
def test_days_follow_the_length_and_the_years_hours_in_a_day(length, hours, days):
    assert visit_days(length, hours, Decimal("6.5")) == days


@pytest.mark.parametrize(
    ("length", "hours", "days"),
    [("HALF_DAY", None, "0.50"), ("FULL_DAY", None, "1.00"), ("HOURS", Decimal("3.5"), "0.54")],
)
def test_a_submitted_visit_counts_its_days(world, length, hours, days):
    visit = visit_submit(
        allocation=world.allocation,
        note=complete_note(length=length, hours=hours),
        by=world.pscl.user,
        today=TODAY,
    )
    visit.refresh_from_db()
    assert visit.days == Decimal(days)


def test_hours_are_dropped_when_the_length_is_not_hours(world):
    visit = visit_save_draft(
        allocation=world.allocation,
        note=VisitNote(visit_on=VISIT_DAY, length="FULL_DAY", hours=Decimal("3")),
        by=world.pscl.user,
    )
    visit.refresh_from_db()
    assert visit.hours is None
    assert visit.days == Decimal("1.00")


# Draft and submit ----------------------------------------------------------------------------


def test_a_draft_needs_only_the_date(world):
    visit = visit_save_draft(
        allocation=world.allocation, note=VisitNote(visit_on=VISIT_DAY), by=world.pscl.user
    )
    assert visit.status == VisitStatus.DRAFT
    assert visit.submitted_at is None
    assert visit.created_by == world.pscl.user


def test_saving_a_new_draft_with_an_action_costs_a_few_queries(world, django_assert_num_queries):
    # The lock on the allocation, its current check, the visit and the action with their
    # history rows; no query to check the keys or the check constraints (issue 9: the visit
    # form post), which hold by construction and in the database.
    with django_assert_num_queries(8) as captured:
        visit_save_draft(
            allocation=world.allocation,
            note=VisitNote(visit_on=VISIT_DAY, length="HOURS", hours=Decimal("2")),
            actions=[ACTION],
            by=world.pscl.user,
        )
    assert not any("_check" in query["sql"] for query in captured.captured_queries)


def test_the_stage_is_still_checked_without_the_constraint_query(world):
    with pytest.raises(ValidationError) as raised:
        visit_save_draft(
            allocation=world.allocation,
            note=VisitNote(visit_on=VISIT_DAY, stage=7),
            by=world.pscl.user,
        )
    assert "stage" in raised.value.message_dict
    assert not Visit.objects.filter(allocation=world.allocation, stage=7).exists()


def test_a_draft_may_wait_for_the_hours_and_how_standards_were_challenged(world):
    # Saved in the car park, finished at home (JOURNEYS.md: David).
    draft = visit_save_draft(
        allocation=world.allocation,
        note=VisitNote(visit_on=VISIT_DAY, length="HOURS", standards_challenged=True),
        by=world.pscl.user,
    )
    assert draft.status == VisitStatus.DRAFT
    assert (draft.hours, draft.challenge_detail) == (None, "")

    with pytest.raises(ValidationError) as raised:
        visit_submit(
            visit=draft,
            note=VisitNote(
                visit_on=VISIT_DAY,
                length="HOURS",
                kind="PLANNING",
                stage=4,
                standards_challenged=True,
            ),
            by=world.pscl.user,
            today=TODAY,
        )
    assert raised.value.message_dict == {
        "hours": ["Enter how many hours the visit lasted"],
        "challenge_detail": ["Say how standards were challenged"],
    }
    draft.refresh_from_db()
    assert draft.status == VisitStatus.DRAFT


def test_submitting_needs_every_answer_each_with_its_message(world):
    with pytest.raises(ValidationError) as raised:
        visit_submit(
            allocation=world.allocation,
            note=VisitNote(visit_on=VISIT_DAY, standards_challenged=True),
            by=world.pscl.user,
            today=TODAY,
        )
    assert raised.value.message_dict == {
        "length": ["Choose how long the visit was"],
        "kind": ["Choose the kind of visit"],
        "stage": ["Choose the consultancy stage"],
        "challenge_detail": ["Say how standards were challenged"],
    }
    assert not Visit.objects.exists()


def test_submitting_a_visit_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as raised:
        visit_submit(
            allocation=world.allocation,
            note=complete_note(visit_on=TODAY + datetime.timedelta(days=1)),
            by=world.pscl.user,
            today=TODAY,
        )
    assert "visit_on" in raised.value.message_dict


def test_submitting_a_draft_shares_it_and_keeps_its_actions(world):
    draft = visit_save_draft(
        allocation=world.allocation,
        note=VisitNote(visit_on=VISIT_DAY),
        actions=[ACTION],
        by=world.pscl.user,
    )
    action = draft.agreed_actions.get()
    visit = visit_submit(
        visit=draft,
        note=complete_note(),
        actions=[ActionLine(who="Head", what=action.what, due_on=TODAY, pk=action.pk)],
        by=world.pscl.user,
        today=TODAY,
    )
    assert visit.status == VisitStatus.SUBMITTED
    assert visit.submitted_at is not None
    assert list(visit.agreed_actions.values_list("pk", "who")) == [(action.pk, "Head")]
    assert Visit.objects.visible_to(world.users[Role.LINK_ADVISER]).filter(pk=visit.pk).exists()


def test_an_invalid_action_row_saves_nothing(world):
    bad = ActionLine(who="x" * 200, what="Too long a name.", due_on=TODAY)
    with pytest.raises(ValidationError):
        visit_submit(
            allocation=world.allocation,
            note=complete_note(),
            actions=[ACTION, bad],
            by=world.pscl.user,
            today=TODAY,
        )
    assert not Visit.objects.exists()
    assert not AgreedAction.objects.exists()


def test_an_invalid_action_row_leaves_a_draft_as_it_was(world):
    draft = visit_save_draft(
        allocation=world.allocation,
        note=VisitNote(visit_on=VISIT_DAY, notes="First thoughts."),
        actions=[ACTION],
        by=world.pscl.user,
    )
    with pytest.raises(ValidationError):
        visit_save_draft(
            visit=draft,
            note=VisitNote(visit_on=VISIT_DAY, notes="Second thoughts."),
            actions=[ActionLine(who="Head", what="", due_on=TODAY)],
            by=world.pscl.user,
        )
    draft.refresh_from_db()
    assert draft.notes == "First thoughts."
    assert draft.agreed_actions.count() == 1


def test_an_action_of_another_visit_is_refused(world):
    other = AgreedActionFactory(visit__allocation=world.allocation)
    with pytest.raises(ValidationError):
        visit_save_draft(
            allocation=world.allocation,
            note=VisitNote(visit_on=VISIT_DAY),
            actions=[ActionLine(who="Head", what="Take it.", due_on=TODAY, pk=other.pk)],
            by=world.pscl.user,
        )
    other.refresh_from_db()
    assert other.who == "Deputy headteacher"


def test_removing_an_action_deletes_it(world):
    draft = visit_save_draft(
        allocation=world.allocation,
        note=VisitNote(visit_on=VISIT_DAY),
        actions=[ACTION],
        by=world.pscl.user,
    )
    action = draft.agreed_actions.get()
    visit_save_draft(
        visit=draft,
        note=VisitNote(visit_on=VISIT_DAY),
        actions=[ActionLine(who="", what="", due_on=None, pk=action.pk, remove=True)],
        by=world.pscl.user,
    )
    assert not draft.agreed_actions.exists()


def test_a_visit_is_logged_only_on_a_current_allocation(world):
    world.allocation.status = AllocationStatus.ENDED
    world.allocation.end_reason = "The PSCL moved away."
    world.allocation.save()
    with pytest.raises(ValidationError, match="no longer allocated"):
        visit_save_draft(
            allocation=world.allocation, note=VisitNote(visit_on=VISIT_DAY), by=world.pscl.user
        )
    with pytest.raises(ValidationError, match="no longer allocated"):
        visit_plan(
            allocation=world.allocation,
            visit_on=TODAY,
            purpose="x",
            by=world.pscl.user,
            today=TODAY,
        )
    assert not Visit.objects.exists()


def test_a_submitted_visit_cannot_be_logged_again(world):
    visit = VisitFactory(allocation=world.allocation)
    with pytest.raises(ValidationError):
        visit_save_draft(visit=visit, note=VisitNote(visit_on=VISIT_DAY), by=world.pscl.user)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED


# The follow-up visit -------------------------------------------------------------------------


def test_submitting_with_a_next_visit_date_plans_the_follow_up(world):
    next_on = datetime.date(2004, 11, 9)
    visit = visit_submit(
        allocation=world.allocation,
        note=complete_note(next_visit_on=next_on),
        by=world.pscl.user,
        today=TODAY,
    )
    follow_up = Visit.objects.get(status=VisitStatus.PLANNED)
    assert (follow_up.visit_on, follow_up.purpose) == (next_on, FOLLOW_UP_PURPOSE)
    assert follow_up.allocation == visit.allocation


def test_no_second_follow_up_when_a_visit_is_already_planned_that_day(world):
    next_on = datetime.date(2004, 11, 9)
    visit_plan(
        allocation=world.allocation,
        visit_on=next_on,
        purpose="Review",
        by=world.pscl.user,
        today=TODAY,
    )
    visit_submit(
        allocation=world.allocation,
        note=complete_note(next_visit_on=next_on),
        by=world.pscl.user,
        today=TODAY,
    )
    assert list(Visit.objects.planned().values_list("purpose", flat=True)) == ["Review"]


def test_a_draft_with_a_next_visit_date_plans_nothing_yet(world):
    visit_save_draft(
        allocation=world.allocation,
        note=VisitNote(visit_on=VISIT_DAY, next_visit_on=datetime.date(2004, 11, 9)),
        by=world.pscl.user,
    )
    assert not Visit.objects.planned().exists()


def test_the_next_visit_must_come_after_the_visit(world):
    with pytest.raises(ValidationError) as raised:
        visit_submit(
            allocation=world.allocation,
            note=complete_note(next_visit_on=VISIT_DAY),
            by=world.pscl.user,
            today=TODAY,
        )
    assert "next_visit_on" in raised.value.message_dict


# After submission ----------------------------------------------------------------------------


def test_edits_after_submission_are_kept_in_the_history(world):
    visit = visit_submit(
        allocation=world.allocation,
        note=complete_note(),
        actions=[ACTION],
        by=world.pscl.user,
        today=TODAY,
    )
    assert visit_changes_since_submission(visit) == []
    action = visit.agreed_actions.get()
    visit_update_submitted(
        visit=visit,
        note=complete_note(length="FULL_DAY", notes="Rewritten notes."),
        actions=[
            ActionLine(
                who="Deputy head", what=action.what, due_on=datetime.date(2004, 11, 1), pk=action.pk
            ),
            ActionLine(who="Maths lead", what="Audit maths books.", due_on=TODAY),
        ],
        by=world.pscl.user,
        today=TODAY,
    )
    visit.refresh_from_db()
    changes = visit_changes_since_submission(visit)
    note_change = next(change for change in changes if change.subject == "Visit note")
    assert note_change.by == world.pscl.user.full_name
    fields = {field.label: (field.old, field.new) for field in note_change.fields}
    assert fields["Length"] == ("Half day", "Full day")
    assert fields["Notes"] == ("Looked at KS1 reading.", "Rewritten notes.")
    assert fields["Days"] == ("0.50", "1.00")
    subjects = {change.subject for change in changes}
    assert "Agreed action: Deputy head" in subjects
    assert "Agreed action: Maths lead (added)" in subjects
    assert visit.status == VisitStatus.SUBMITTED


def test_a_submitted_visit_stays_complete(world):
    visit = VisitFactory(allocation=world.allocation)
    with pytest.raises(ValidationError) as raised:
        visit_update_submitted(
            visit=visit, note=complete_note(kind=""), by=world.pscl.user, today=TODAY
        )
    assert raised.value.message_dict == {"kind": ["Choose the kind of visit"]}
    visit.refresh_from_db()
    assert visit.kind == "GETTING_STARTED"


# Planning, cancelling, the pre-visit note ----------------------------------------------------


def test_one_planned_visit_a_day(world):
    plan = {
        "allocation": world.allocation,
        "visit_on": TODAY,
        "by": world.pscl.user,
        "today": TODAY,
    }
    visit_plan(purpose="Plan", **plan)
    with pytest.raises(ValidationError) as raised:
        visit_plan(purpose="Again", **plan)
    assert raised.value.message_dict == {"visit_on": ["A visit is already planned on that day"]}


def test_a_visit_is_planned_for_today_or_later(world):
    with pytest.raises(ValidationError) as raised:
        visit_plan(
            allocation=world.allocation,
            visit_on=TODAY - datetime.timedelta(days=1),
            purpose="Too late",
            by=world.pscl.user,
            today=TODAY,
        )
    assert raised.value.message_dict == {
        "visit_on": ["The date of a planned visit must be today or later"]
    }
    assert not Visit.objects.exists()


def test_logging_a_planned_visit_keeps_its_pre_visit_note(world):
    planned = visit_plan(
        allocation=world.allocation,
        visit_on=VISIT_DAY,
        purpose="Plan",
        by=world.pscl.user,
        today=VISIT_DAY,
    )
    head = world.users[Role.HEADTEACHER]
    pre_visit_note_write(visit=planned, progress="Groups started.", wants="Maths help.", by=head)
    visit = visit_submit(visit=planned, note=complete_note(), by=world.pscl.user, today=TODAY)
    assert visit.pk == planned.pk
    assert visit.status == VisitStatus.SUBMITTED
    assert PreVisitNote.objects.get(visit=visit).wants == "Maths help."
    with pytest.raises(ValidationError, match="closed"):
        pre_visit_note_write(visit=visit, progress="Late.", wants="Late.", by=head)


def test_the_pre_visit_note_is_rewritten_not_duplicated(world):
    planned = visit_plan(
        allocation=world.allocation,
        visit_on=VISIT_DAY,
        purpose="Plan",
        by=world.pscl.user,
        today=VISIT_DAY,
    )
    head = world.users[Role.HEADTEACHER]
    pre_visit_note_write(visit=planned, progress="One.", wants="One.", by=head)
    pre_visit_note_write(visit=planned, progress="Two.", wants="Two.", by=head)
    assert list(PreVisitNote.objects.values_list("progress", flat=True)) == ["Two."]


def test_only_a_planned_visit_is_cancelled(world):
    planned = visit_plan(
        allocation=world.allocation,
        visit_on=VISIT_DAY,
        purpose="Plan",
        by=world.pscl.user,
        today=VISIT_DAY,
    )
    assert visit_cancel(visit=planned, by=world.pscl.user).status == VisitStatus.CANCELLED
    submitted = VisitFactory(allocation=world.allocation)
    with pytest.raises(ValidationError):
        visit_cancel(visit=submitted, by=world.pscl.user)


def test_marking_an_action_done_keeps_the_first_date(world):
    action = AgreedActionFactory(visit__allocation=world.allocation)
    head = world.users[Role.HEADTEACHER]
    agreed_action_mark_done(action=action, by=head, done_on=TODAY)
    agreed_action_mark_done(action=action, by=head, done_on=TODAY + datetime.timedelta(days=3))
    action.refresh_from_db()
    assert action.done_on == TODAY


def test_an_action_of_a_draft_is_not_marked_done(world):
    action = AgreedActionFactory(visit__allocation=world.allocation, visit__status="DRAFT")
    with pytest.raises(ValidationError):
        agreed_action_mark_done(action=action, by=world.pscl.user)
    action.refresh_from_db()
    assert action.done_on is None
