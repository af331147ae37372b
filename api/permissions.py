"""Who may use the API at all: a signed-in, active user (a token or the session).

What each user sees is decided, as on the pages, by each model's `visible_to(user)`; what they
may change, by the same django-rules permissions the pages check (`user.has_perm`).
"""

from rest_framework.permissions import BasePermission


class IsActiveUser(BasePermission):
    """An authenticated, active account. Django's session backend and DRF's token check already
    turn a deactivated account away; this says so once more, whatever the authentication."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)
