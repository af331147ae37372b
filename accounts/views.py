"""Signing in and out. django-axes throttles failed sign-ins (config/settings.py)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views

from .forms import LoginForm


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
