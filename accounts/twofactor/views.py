"""Pages of two-factor sign-in: give a code, set up an authenticator app, recovery codes, turning
the optional second factor off, and the "Your account" page that leads to them.

Every wrong code is logged and counted by django-axes as a failed sign-in (the same lock-out as
wrong passwords: the user is then signed out and told so), and django-otp's throttle makes each
device wait longer after every wrong code.
"""

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView, TemplateView
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from accounts.security import log_event

from . import policy, services
from .forms import CodeForm
from .receivers import SESSION_KEY

#: Where the set-up page leaves the new recovery codes for the one page that shows them.
RECOVERY_CODES_SESSION_KEY = "plp_recovery_codes"

WRONG_CODE = "The code is not right. Check your authenticator app and try again"
WRONG_CODE_OR_RECOVERY = (
    "The code is not right. Enter the code your authenticator app shows now, or an unused "
    "recovery code"
)
THROTTLED = "Too many wrong codes. Wait a minute, then try again"


def _next_url(request, default="home"):
    """The page the user was going to, if it is on this site; otherwise `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _count_failure(request, user):
    """Count a wrong code as a failed sign-in (django-axes) and log it. Returns a response when
    that failure locks the account: the half-signed-in session is ended too."""
    log_event("otp.failed", request=request, user=user, outcome="failure")
    credentials = {"username": user.email}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(
        request, credentials
    ):
        log_event("otp.locked_out", request=request, user=user, outcome="refused")
        logout(request)
        # django-axes' middleware turns this response into its lock-out page (429).
        request.axes_locked_out = True
        request.axes_credentials = credentials
        return redirect("accounts:login")
    return None


def _refuse_code(view, form, check):
    """The answer to a wrong code on `view`'s `form`: the lock-out page when this failure locks
    the account, else the form again with the reason next to the field."""
    locked = _count_failure(view.request, view.request.user)
    if locked is not None:
        return locked
    form.add_error("code", THROTTLED if check.throttled else WRONG_CODE_OR_RECOVERY)
    return view.form_invalid(form)


class VerifyView(LoginRequiredMixin, FormView):
    """The second page of signing in: the code from the authenticator app, or a recovery code."""

    template_name = "accounts/two_factor/verify.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if policy.is_verified(user) or not policy.needs_second_factor(user):
                return HttpResponseRedirect(_next_url(request))
            if not policy.has_confirmed_device(user):
                return redirect(f"{reverse('accounts:two_factor_setup')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "allow_recovery": True}

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request), **kwargs)

    def form_valid(self, form):
        request, user = self.request, self.request.user
        check = services.code_check(user=user, code=form.cleaned_data["code"])
        if not check.ok:
            return _refuse_code(self, form, check)
        otp_login(request, check.device)
        request.session.cycle_key()
        if check.used_recovery_code:
            left = services.recovery_codes_left(user=user)
            log_event("otp.recovery_code_used", request=request, user=user, codes_left=left)
            messages.warning(
                request,
                f"You signed in with a recovery code; it cannot be used again. You have {left} "
                "left. Make new ones from Your account.",
            )
        else:
            log_event("otp.verified", request=request, user=user)
        return HttpResponseRedirect(_next_url(request))


class SetupView(LoginRequiredMixin, FormView):
    """Set up an authenticator app: scan the QR code (or type the key), then give the first code.

    Open only to a user with no confirmed device: someone who knows only the password must not be
    able to swap in an app of their own."""

    template_name = "accounts/two_factor/setup.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and policy.has_confirmed_device(user):
            if policy.is_verified(user):
                messages.info(request, "Two-factor sign-in is already set up.")
                return redirect("accounts:account")
            return redirect(f"{reverse('accounts:two_factor_verify')}?{request.GET.urlencode()}")
        if user.is_authenticated:
            self.device = services.totp_device_for_setup(user=user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "allow_recovery": False, "button": "Confirm"}

    def get_context_data(self, **kwargs):
        qr = segno.make(self.device.config_url, error="m")
        return super().get_context_data(
            qr_data_uri=qr.svg_data_uri(scale=5, border=2),
            key=services.key_for_typing(self.device),
            required=policy.is_required_for(self.request.user),
            next=_next_url(self.request),
            **kwargs,
        )

    def form_valid(self, form):
        request, user = self.request, self.request.user
        check, codes = services.totp_device_confirm(
            user=user, device_id=self.device.pk, code=form.cleaned_data["code"]
        )
        if not check.ok:
            locked = _count_failure(request, user)
            if locked is not None:
                return locked
            form.add_error("code", THROTTLED if check.throttled else WRONG_CODE)
            return self.form_invalid(form)
        otp_login(request, check.device)
        request.session.cycle_key()
        request.session[RECOVERY_CODES_SESSION_KEY] = codes
        request.session[SESSION_KEY] = True
        log_event("otp.device_confirmed", request=request, user=user)
        messages.success(request, "Two-factor sign-in is set up.")
        return redirect(
            f"{reverse('accounts:two_factor_recovery_codes')}?next={_next_url(request)}"
        )


class RecoveryCodesView(LoginRequiredMixin, TemplateView):
    """Shows new recovery codes once (GET straight after they are made); POST makes new ones.
    Reached only by a verified session: the middleware sends anyone else to give a code."""

    template_name = "accounts/two_factor/recovery_codes.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            codes=self.request.session.pop(RECOVERY_CODES_SESSION_KEY, None),
            has_device=policy.has_confirmed_device(self.request.user),
            next=_next_url(self.request, default="accounts:account"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        user = request.user
        if not policy.has_confirmed_device(user):
            return redirect("accounts:two_factor_setup")
        request.session[RECOVERY_CODES_SESSION_KEY] = services.recovery_codes_replace(user=user)
        log_event("otp.recovery_codes_replaced", request=request, user=user)
        return redirect("accounts:two_factor_recovery_codes")


class DisableView(LoginRequiredMixin, FormView):
    """Turn two-factor sign-in off: only for headteachers and governors, where it is a choice,
    and only with a current code, so that an unattended signed-in browser is not enough."""

    template_name = "accounts/two_factor/disable.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and (
            policy.is_required_for(user) or not policy.has_confirmed_device(user)
        ):
            messages.info(request, "Two-factor sign-in cannot be turned off for your account.")
            return redirect("accounts:account")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "button": "Turn off two-factor sign-in"}

    def form_valid(self, form):
        request, user = self.request, self.request.user
        check = services.code_check(user=user, code=form.cleaned_data["code"])
        if not check.ok:
            return _refuse_code(self, form, check)
        services.two_factor_remove(user=user)
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        request.session[SESSION_KEY] = False
        log_event("otp.disabled", request=request, user=user)
        messages.success(request, "Two-factor sign-in is turned off.")
        return redirect("accounts:account")


class AccountView(LoginRequiredMixin, TemplateView):
    """Your account: who you are, your role, and the state of your two-factor sign-in."""

    template_name = "accounts/two_factor/account.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        has_device = policy.has_confirmed_device(user)
        return super().get_context_data(
            account=user,
            has_device=has_device,
            required=policy.is_required_for(user),
            codes_left=services.recovery_codes_left(user=user) if has_device else 0,
            **kwargs,
        )


def admin_login(request):
    """Stands in for the Django admin's log-in page, which takes a password alone: a visitor is
    sent to the site's sign-in (password, then code) and comes back; a fully signed-in user whom
    the admin still refuses (not staff) is told so, rather than sent round in a loop."""
    if not request.user.is_authenticated:
        query = request.GET.urlencode()
        return redirect(f"{reverse('accounts:login')}{'?' + query if query else ''}")
    if admin.site.has_permission(request):
        return HttpResponseRedirect(_next_url(request, default="admin:index"))
    raise PermissionDenied
