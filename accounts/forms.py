"""Forms for signing in."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Sign in with an email address and password, laid out as a GOV.UK form.

    The email address is matched without regard to case, as accounts store it in lower case, and
    django-axes counts failures against the same lower-case address. A wrong email address and a
    wrong password give the same message, so the form does not tell whether an account exists.
    """

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been closed. Ask your system administrator to reopen it.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            Button("sign_in", "Sign in", data_prevent_double_click="true"),
        )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class PasswordResetRequestForm(auth_forms.PasswordResetForm):
    """Ask for a link to set a password, by email address, laid out as a GOV.UK form.

    Unlike Django's form, an active account that has no usable password yet (a PSCL appointed
    through recruitment, whose first link has expired) is sent a link too: every account here
    signs in with a password of its own. As in Django, an unknown address is told nothing more.
    """

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Button("send", "Send the link", data_prevent_double_click="true"),
        )

    def get_users(self, email):
        return get_user_model()._default_manager.filter(email__iexact=email.strip(), is_active=True)


def _label_new_password_fields(form):
    """The labels and messages of Django's two new-password fields, in the service's words."""
    form.fields["new_password1"].label = "New password"
    form.fields["new_password1"].error_messages["required"] = "Enter a new password"
    form.fields["new_password2"].label = "Type the new password again"
    form.fields["new_password2"].error_messages["required"] = "Type the new password again"


class PasswordSetForm(auth_forms.SetPasswordForm):
    """Choose a new password, twice, laid out as a GOV.UK form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label_new_password_fields(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
            Button("save", "Set the password", data_prevent_double_click="true"),
        )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Change the password: the current one, then the new one twice, laid out as a GOV.UK form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.error_messages["password_incorrect"] = "The current password is not correct"  # noqa: S105
        _label_new_password_fields(self)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("old_password", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
            Button("save", "Change the password", data_prevent_double_click="true"),
        )
