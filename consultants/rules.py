"""Who may do what with consultant leaders (issue 4).

- the strategy manager does everything in their LEA (an admin everywhere): advisers, recruitment,
  matching, allocations; reads visit notes and evaluations;
- a link adviser recommends applicants of their LEA and reads the notes of their schools' visits;
- a PSCL declares their own conflicts of interest, logs visits to the schools allocated to them
  and edits their own visits;
- the headteacher answers the school's match (asks for a change or declines), writes the
  pre-visit note, marks agreed actions done, and rates the PSCL's support each term.

Seeing answers from the models' `visible_to` (the views load through it: 404 outside it); these
predicates answer "may they do it" about an object already in sight (403 otherwise).
"""

import rules

from accounts.rules import is_admin, is_consultant, is_headteacher, is_link_adviser, is_manager
from leadership.models import Participation, ProgrammeYear
from schools.models import LocalAuthority, School

from .models import (
    Adviser,
    AgreedAction,
    Allocation,
    Application,
    ConflictDeclaration,
    PreVisitNote,
    SupportEvaluation,
    Visit,
)


def lea_id_of(obj) -> int | None:
    """The LEA an object of this app (or a programme year, participation or school) belongs to."""
    if obj is None:
        return None
    if isinstance(obj, LocalAuthority):
        return obj.pk
    if isinstance(obj, (Adviser, School, ProgrammeYear)):
        return obj.local_authority_id
    if isinstance(obj, (Application, ConflictDeclaration)):
        return obj.programme_year.local_authority_id
    school = school_of(obj)
    return school.local_authority_id if school is not None else None


def school_of(obj):
    """The school an allocation, visit, action, note or evaluation is about."""
    if isinstance(obj, School):
        return obj
    if isinstance(obj, Participation):
        return obj.school
    if isinstance(obj, Allocation):
        return obj.participation.school
    if isinstance(obj, Visit):
        return obj.allocation.participation.school
    if isinstance(obj, (AgreedAction, PreVisitNote)):
        return obj.visit.allocation.participation.school
    if isinstance(obj, SupportEvaluation):
        return obj.allocation.participation.school
    return None


def adviser_of(obj):
    """The PSCL of an allocation or of what belongs to one; the adviser a declaration is for."""
    if isinstance(obj, Adviser):
        return obj
    if isinstance(obj, ConflictDeclaration):
        return obj.adviser
    if isinstance(obj, Allocation):
        return obj.adviser
    if isinstance(obj, Visit):
        return obj.allocation.adviser
    if isinstance(obj, (AgreedAction, PreVisitNote)):
        return obj.visit.allocation.adviser
    if isinstance(obj, SupportEvaluation):
        return obj.allocation.adviser
    return None


@rules.predicate
def in_users_lea(user, obj):
    # An anonymous visitor (is_active is False) or a deactivated account belongs to no LEA.
    if obj is None or not user.is_active or user.local_authority_id is None:
        return False
    return lea_id_of(obj) == user.local_authority_id


@rules.predicate
def is_own_school(user, obj):
    school = school_of(obj)
    return school is not None and user.school_id is not None and school.pk == user.school_id


@rules.predicate
def is_the_pscl(user, obj):
    adviser = adviser_of(obj)
    return adviser is not None and adviser.user_id is not None and adviser.user_id == user.pk


@rules.predicate
def is_current_allocation(user, obj):
    allocation = obj if isinstance(obj, Allocation) else getattr(obj, "allocation", None)
    return allocation is not None and allocation.is_current


manages = is_admin | (is_manager & in_users_lea)

# Advisers, recruitment and conflicts (the object: an adviser, LEA, programme year or application).
rules.add_perm("consultants.manage_advisers", manages)
rules.add_perm("consultants.manage_recruitment", manages)
rules.add_perm("consultants.recommend_application", manages | (is_link_adviser & in_users_lea))
rules.add_perm("consultants.declare_conflicts", manages | (is_consultant & is_the_pscl))
# Matching and allocations (the object: a programme year, participation or allocation).
rules.add_perm("consultants.manage_matching", manages)
rules.add_perm("consultants.answer_match", is_headteacher & is_own_school & is_current_allocation)
# The visit log (the object: an allocation for a new visit, or the visit).
rules.add_perm("consultants.log_visit", is_consultant & is_the_pscl & is_current_allocation)
rules.add_perm("consultants.edit_visit", is_consultant & is_the_pscl)
rules.add_perm("consultants.write_pre_visit_note", is_headteacher & is_own_school)
rules.add_perm(
    "consultants.mark_action_done", (is_consultant & is_the_pscl) | (is_headteacher & is_own_school)
)
rules.add_perm("consultants.evaluate_support", is_headteacher & is_own_school)
# The manager's PSCL overview and evaluations (the object: a programme year).
rules.add_perm("consultants.view_pscl_overview", manages)
