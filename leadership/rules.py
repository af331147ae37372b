"""Who may do what in the programme year (issue: "Who may do what").

- the strategy manager does everything in their LEA (and an admin everywhere);
- the headteacher edits their own school's team, plan and reviews, and answers its invitation;
- the PSCL allocated to a school edits its plan with the head (a PSCL sees exactly the schools
  allocated to them, so `can_see` is the allocation check);
- governors and link advisers read; link advisers and PSCLs may also raise concerns and add notes.

Seeing answers from `accounts.scoping`, as the models' `visible_to` do, so rules and scoping
cannot disagree (a test compares them for every role). Each object-level predicate takes the
school the object belongs to, through `school_of`.
"""

import rules

from accounts.rules import (
    is_admin,
    is_consultant,
    is_headteacher,
    is_link_adviser,
    is_manager,
)
from accounts.scoping import sees_school
from schools.models import School


def school_of(obj):
    """The school an object of the programme belongs to (a school, a participation, or
    anything with a `participation` or `school`)."""
    if obj is None or isinstance(obj, School):
        return obj
    if hasattr(obj, "participation"):
        return obj.participation.school
    return obj.school


@rules.predicate
def can_see(user, obj):
    school = school_of(obj)
    if school is None:
        return False
    # Without a query where the school's fields answer (every role but the PSCL).
    sees = sees_school(user, school)
    if sees is not None:
        return sees
    return School.objects.visible_to(user).filter(pk=school.pk).exists()


@rules.predicate
def in_users_lea(user, obj):
    # An anonymous visitor (is_active is False) or a deactivated account belongs to no LEA.
    if obj is None or not user.is_active:
        return False
    lea_id = getattr(obj, "local_authority_id", None)
    if lea_id is None:
        lea_id = school_of(obj).local_authority_id
    return lea_id == user.local_authority_id


@rules.predicate
def is_own_school(user, obj):
    school = school_of(obj)
    return school is not None and school.pk == user.school_id


manages = is_admin | (is_manager & in_users_lea)

# Programme years (the object is a ProgrammeYear) and participations.
rules.add_perm("leadership.view_programmeyear", is_admin | in_users_lea)
rules.add_perm("leadership.manage_programmeyear", manages)
rules.add_perm("leadership.view_participation", can_see)
rules.add_perm("leadership.manage_participation", manages)
rules.add_perm("leadership.answer_invitation", manages | (is_headteacher & is_own_school))
# Teams, time, visits, plans and reviews.
rules.add_perm("leadership.edit_team", manages | (is_headteacher & is_own_school))
rules.add_perm(
    "leadership.edit_plan",
    manages | (is_headteacher & is_own_school) | (is_consultant & can_see),
)
# Engagement.
rules.add_perm(
    "leadership.add_note",
    can_see & (manages | is_link_adviser | is_consultant | is_headteacher),
)
rules.add_perm("leadership.raise_concern", can_see & (manages | is_link_adviser | is_consultant))
rules.add_perm("leadership.escalate_concern", can_see & (manages | is_link_adviser))
rules.add_perm("leadership.notify_governing_body", can_see & manages)
