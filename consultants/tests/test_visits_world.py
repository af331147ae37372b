"""The people and records the visit-log tests share (no tests here): the LEA's PSCL allocated
to `school`, its attached link adviser, another PSCL allocated to `sibling_school`, and helpers
to post the visit form."""

import datetime
from dataclasses import dataclass

from accounts.models import Role
from conftest import make_user
from consultants.factories import (
    AdviserFactory,
    AllocationFactory,
    AttachmentFactory,
    LinkAdviserFactory,
)
from consultants.models import Adviser, Allocation
from leadership.factories import ParticipationFactory, ProgrammeYearFactory

NOTES_TEXT = "Confidential: the head and deputy disagree about KS1 reading groups."
VISIT_DAY = datetime.date(2004, 10, 12)
TODAY = datetime.date(2004, 10, 14)


@dataclass
class World:
    users: dict
    school: object
    sibling_school: object
    pscl: Adviser
    allocation: Allocation
    other_pscl: Adviser
    other_allocation: Allocation
    link_adviser: Adviser
    unattached_link_user: object


def make_world(*, lea, school, sibling_school, users) -> World:
    year = ProgrammeYearFactory(local_authority=lea)
    pscl = AdviserFactory(local_authority=lea, user=users[Role.CONSULTANT], full_name="David Okoro")
    allocation = AllocationFactory(
        adviser=pscl, participation=ParticipationFactory(programme_year=year, school=school)
    )
    other_pscl = AdviserFactory(local_authority=lea, full_name="Helen Marsh")
    other_allocation = AllocationFactory(
        adviser=other_pscl,
        participation=ParticipationFactory(programme_year=year, school=sibling_school),
    )
    link_adviser = LinkAdviserFactory(
        local_authority=lea, user=users[Role.LINK_ADVISER], full_name="Jo Bright"
    )
    AttachmentFactory(adviser=link_adviser, school=school)
    unattached = make_user(Role.LINK_ADVISER, lea=lea)
    LinkAdviserFactory(local_authority=lea, user=unattached, full_name="Sam Other")
    return World(
        users=users,
        school=school,
        sibling_school=sibling_school,
        pscl=pscl,
        allocation=allocation,
        other_pscl=other_pscl,
        other_allocation=other_allocation,
        link_adviser=link_adviser,
        unattached_link_user=unattached,
    )


def date_fields(prefix: str, day: datetime.date | None) -> dict:
    """The three boxes of a GOV.UK date input."""
    if day is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def visit_post(*, action: str = "submit", actions=(), existing: int = 0, **overrides) -> dict:
    """A complete visit form as the browser posts it, with `actions` as (who, what, due_on)
    rows and empty rows after them; `overrides` replace any field (None leaves it out)."""
    fields = {
        "visit_on": VISIT_DAY,
        "length": "HALF_DAY",
        "hours": "",
        "kind": "GETTING_STARTED",
        "stage": "4",
        "focus": ["ENGLISH", "MATHS"],
        "attendees": "Headteacher, English co-ordinator",
        "notes": NOTES_TEXT,
        "standards_challenged": "yes",
        "challenge_detail": "Challenged on KS1 reading.",
        "next_visit_on": None,
    }
    fields.update(overrides)
    data = {"action": action}
    for name, value in fields.items():
        if name in ("visit_on", "next_visit_on"):
            data.update(date_fields(name, value))
        elif value is not None:
            data[name] = value
    rows = list(actions)
    total = max(len(rows), existing) + 2
    data.update(
        {
            "actions-TOTAL_FORMS": str(total),
            "actions-INITIAL_FORMS": str(existing),
            "actions-MIN_NUM_FORMS": "0",
            "actions-MAX_NUM_FORMS": "30",
        }
    )
    for index in range(total):
        row = rows[index] if index < len(rows) else None
        if isinstance(row, dict):
            row = dict(row)
            data.update(date_fields(f"actions-{index}-due_on", row.pop("due_on", None)))
            data.update({f"actions-{index}-{key}": value for key, value in row.items()})
            continue
        who, what, due_on = row if row else ("", "", None)
        data[f"actions-{index}-who"] = who
        data[f"actions-{index}-what"] = what
        data.update(date_fields(f"actions-{index}-due_on", due_on))
    return data
