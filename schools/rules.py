"""Permissions on the schools register (django-rules).

Seeing a school answers from `School.objects.visible_to`, the one scoping entry point; changing
the register is for admins and the strategy managers of the school's LEA.
"""

import rules

from accounts.rules import is_admin, is_manager

from .models import LocalAuthority, School


@rules.predicate
def can_see_school(user, school):
    return school is not None and School.objects.visible_to(user).filter(pk=school.pk).exists()


@rules.predicate
def in_users_lea(user, school):
    return school is not None and school.local_authority_id == user.local_authority_id


@rules.predicate
def can_see_lea(user, lea):
    return lea is not None and LocalAuthority.objects.visible_to(user).filter(pk=lea.pk).exists()


rules.add_perm("schools.view_school", can_see_school)
rules.add_perm("schools.change_school", is_admin | (is_manager & in_users_lea))
rules.add_perm("schools.view_localauthority", can_see_lea)
