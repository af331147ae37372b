"""Higher apps hear of a submitted visit after its transaction commits, once per submission."""

import datetime

import pytest

from consultants.factories import AllocationFactory, VisitFactory
from consultants.models import VisitStatus
from consultants.services import visits as visit_services
from consultants.services.visits import ActionLine, VisitNote, visit_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    """The visit ids a registered callback was called with (the registry restored after)."""
    calls = []
    monkeypatch.setattr(visit_services, "_on_visit_submitted", [])
    visit_services.register_on_visit_submitted(calls.append)
    visit_services.register_on_visit_submitted(calls.append)  # twice: kept once
    return calls


def _note():
    return VisitNote(
        visit_on=datetime.date(2004, 11, 12),
        length="HALF_DAY",
        kind="PLANNING",
        stage=2,
        focus=("ENGLISH",),
        notes="Reviewed the plan with the head.",
        standards_challenged=False,
    )


def test_a_callback_hears_of_a_submission_only_once_it_has_committed(
    heard, django_capture_on_commit_callbacks
):
    allocation = AllocationFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        visit = visit_submit(
            note=_note(),
            actions=[
                ActionLine(who="Head", what="Share the plan", due_on=datetime.date(2004, 12, 3))
            ],
            allocation=allocation,
            by=allocation.adviser.user,
            today=datetime.date(2004, 11, 26),
        )
        assert heard == []

    assert visit.status == VisitStatus.SUBMITTED
    assert heard == [visit.pk]
    assert len(callbacks) >= 1


def test_saving_a_draft_tells_nobody(heard, django_capture_on_commit_callbacks):
    visit = VisitFactory(status=VisitStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        visit_services.visit_save_draft(visit=visit, note=_note(), by=visit.allocation.adviser.user)

    assert heard == []
