"""Signing in and out, changing the password, and setting a forgotten (or first) password
through an emailed link. django-axes throttles failed sign-ins (config/settings.py); log-ins and
log-outs are logged by accounts.receivers, password changes and resets here (accounts.security).
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from .forms import LoginForm, PasswordChangeForm, PasswordResetRequestForm, PasswordSetForm
from .security import log_event, login_identifier


class LoginView(auth_views.LoginView):
    """The sign-in page; a signed-in user who comes back to it goes straight on to home."""

    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Signs the user out (POST only, as in Django 5) and says so on the sign-in page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for an email with a one-time link to set a new password."""

    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetRequestForm
    email_template_name = "accounts/email/password_reset_email.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        log_event(
            "password_reset.requested",
            request=self.request,
            email=login_identifier(form.cleaned_data["email"]),
        )
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The page the emailed link opens: choose the new password (or be told the link is used
    or out of date)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = PasswordSetForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        log_event("password_reset.completed", request=self.request, user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password, knowing the current one. This session stays signed in (Django's view
    calls update_session_auth_hash); every other session of the user ends at its next request,
    as its stored hash of the old password no longer matches."""

    template_name = "accounts/password_change_form.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        log_event("password.changed", request=self.request, user=form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
