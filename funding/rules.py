"""Who may do what with the money (issue 5, item 7).

- the strategy manager (an admin everywhere) sets rates and the budget, schedules and records
  payments, exports the finance statement, approves or queries returns, reads value for money;
- the headteacher writes and submits their school's expenditure return (until it is approved)
  and answers a query;
- governors and headteachers read their school's grant, payments and return; PSCLs their own
  payments (`Payment.visible_to`).

Seeing answers from the models' `visible_to` (404 outside it); these predicates answer "may they
do it" about an object already in sight (403 otherwise).
"""

import rules

from accounts.rules import is_admin, is_headteacher, is_manager
from leadership.models import Participation, ProgrammeYear
from schools.models import School

from .models import ExpenditureReturn, Grant, Payment, ReturnStatus


def school_of(obj):
    if isinstance(obj, School):
        return obj
    if isinstance(obj, Participation):
        return obj.school
    if isinstance(obj, (Grant, Payment, ExpenditureReturn)):
        return obj.participation.school
    return None


def lea_id_of(obj):
    if isinstance(obj, ProgrammeYear):
        return obj.local_authority_id
    school = school_of(obj)
    return school.local_authority_id if school is not None else None


@rules.predicate
def in_users_lea(user, obj):
    if obj is None or not user.is_active or user.local_authority_id is None:
        return False
    return lea_id_of(obj) == user.local_authority_id


@rules.predicate
def is_own_school(user, obj):
    school = school_of(obj)
    return school is not None and user.school_id is not None and school.pk == user.school_id


@rules.predicate
def return_is_open(user, obj):
    """A return the school may still change: not yet submitted, or queried by the LEA."""
    if isinstance(obj, ExpenditureReturn):
        return obj.status in (ReturnStatus.DRAFT, ReturnStatus.QUERIED)
    # A participation without a return yet: the school may start one.
    return isinstance(obj, Participation)


manages = is_admin | (is_manager & in_users_lea)

# The object: a programme year.
rules.add_perm("funding.manage_rates", manages)
rules.add_perm("funding.manage_budget", manages)
rules.add_perm("funding.export_finance", manages)
rules.add_perm("funding.view_value_for_money", manages)
# The object: a participation, a grant or a payment.
rules.add_perm("funding.manage_payments", manages)
# The object: a return (or the participation, before the school starts its return).
rules.add_perm("funding.edit_return", is_headteacher & is_own_school & return_is_open)
rules.add_perm("funding.decide_return", manages)
