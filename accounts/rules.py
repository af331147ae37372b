"""Role predicates for django-rules. Object-level predicates live in each app's rules.py and
answer from the same `visible_to` scoping the views use, so the two can never disagree."""

import rules

from .models import Role


@rules.predicate
def is_admin(user):
    return user.is_authenticated and user.is_active and user.role == Role.ADMIN


@rules.predicate
def is_manager(user):
    return user.is_authenticated and user.is_active and user.role == Role.MANAGER


@rules.predicate
def is_link_adviser(user):
    return user.is_authenticated and user.is_active and user.role == Role.LINK_ADVISER


@rules.predicate
def is_consultant(user):
    return user.is_authenticated and user.is_active and user.role == Role.CONSULTANT


@rules.predicate
def is_headteacher(user):
    return user.is_authenticated and user.is_active and user.role == Role.HEADTEACHER


@rules.predicate
def is_governor(user):
    return user.is_authenticated and user.is_active and user.role == Role.GOVERNOR


is_lea_staff = is_manager | is_link_adviser | is_consultant
is_school_member = is_headteacher | is_governor


@rules.predicate
def is_self(user, other):
    # An inactive user sees no one, themselves included (UserQuerySet.visible_to), so may not
    # change themselves either.
    return user.is_active and other is not None and user.pk == other.pk


@rules.predicate
def can_see_user(user, other):
    from .models import User

    return other is not None and User.objects.visible_to(user).filter(pk=other.pk).exists()


rules.add_perm("accounts.view_user", can_see_user)
rules.add_perm("accounts.change_user", is_admin | (is_manager & can_see_user) | is_self)
