"""Signal receivers of two-factor sign-in, connected in `accounts.apps`."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import (
    devices,  # noqa: F401 (connects the device cache's receivers)
    policy,
)

#: Set at the password step: whether this user must give a code in this session. It spares the
#: middleware a query on each page for the roles where two-factor sign-in is optional.
SESSION_KEY = "plp_two_factor"


@receiver(user_logged_in)
def _remember_whether_a_code_is_needed(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = policy.needs_second_factor(user)
