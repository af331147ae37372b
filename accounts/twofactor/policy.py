"""Who must use two-factor sign-in, and whether a signed-in session has passed it.

The roles are a constant, not a setting: no environment variable or admin switch can turn the
second factor off for the roles that see many schools' records (issue 8: "no way round it").
"""

from django_otp import user_has_device

from accounts.models import Role

#: Roles that must set up and use an authenticator app. Headteachers and governors may choose to.
REQUIRED_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT})


def is_required_for(user) -> bool:
    """Whether `user` must use two-factor sign-in: the roles above, and anyone who may open the
    Django admin (staff or superuser), whatever their role."""
    return user.is_authenticated and (
        user.role in REQUIRED_ROLES or user.is_staff or user.is_superuser
    )


def has_confirmed_device(user) -> bool:
    """Whether `user` has finished setting up an authenticator app (or has recovery codes)."""
    return user.is_authenticated and user_has_device(user, confirmed=True)


def needs_second_factor(user) -> bool:
    """Whether `user` must give a code before they may use the site: everyone of a required
    role, and anyone of an optional role who has chosen to set it up."""
    if not user.is_authenticated:
        return False
    return is_required_for(user) or has_confirmed_device(user)


def is_verified(user) -> bool:
    """Whether this request's session has passed the second factor (django-otp's middleware
    puts `is_verified` on the user)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())
