"""Holds a half-signed-in user (password given, code not yet) to the pages that finish signing in.

Django's log-in view signs the user in after the password, as usual; from then on, until the
session has passed the second factor, every page but the few below sends them to give a code (or,
at their first sign-in, to set up an authenticator app). The Django admin is one of those pages,
and `config/urls.py` also makes the admin site itself refuse an unverified user.

Requests under /api/ that a session signs in are refused with 403 JSON rather than redirected (a
script cannot follow a redirect to a form). Requests that a DRF token signs in carry no session
user here and pass: DRF authenticates them later (docs/decisions/011-two-factor.md).
"""

from urllib.parse import urlencode

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware

from . import devices, policy
from .receivers import SESSION_KEY

#: The pages a half-signed-in user may still open: finishing the sign-in, signing out, and
#: resetting a forgotten password.
OPEN_VIEWS = frozenset(
    {
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
        "accounts:login",
        "accounts:logout",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
    }
)


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's middleware (`request.user.is_verified()`), reading the session's device through
    the cache (`devices`), so that a verified session costs no query per page."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = (
                devices.device_from_persistent_id(
                    self._normalize_persistent_id(persistent_id), user_id=user.pk
                )
                if persistent_id
                else None
            )
            user.otp_device = self._finalize_device(request, user, device)
        return user

    def _device_from_persistent_id(self, persistent_id: str):
        return devices.device_from_persistent_id(self._normalize_persistent_id(persistent_id))

    async def _adevice_from_persistent_id(self, persistent_id: str):
        return await sync_to_async(self._device_from_persistent_id)(persistent_id)


class TwoFactorMiddleware:
    """Sends a signed-in user who must give a second factor, and has not, to do so first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        user = request.user
        if not user.is_authenticated or policy.is_verified(user):
            return None
        if not policy.is_required_for(user):
            # Optional roles: only those who had set it up when they gave their password (the
            # flag spares a query per page); the device may have been removed since.
            if not request.session.get(SESSION_KEY):
                return None
            if not policy.has_confirmed_device(user):
                request.session[SESSION_KEY] = False
                return None
        return self._refuse(request, user)

    @staticmethod
    def _refuse(request, user):
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": "Two-factor sign-in required: finish signing in on the website."},
                status=403,
            )
        if policy.has_confirmed_device(user):
            target = reverse("accounts:two_factor_verify")
        else:
            target = reverse("accounts:two_factor_setup")
        url = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
