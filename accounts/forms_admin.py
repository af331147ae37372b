"""Forms of the Django admin for the custom user: the email address is the username, and the
role decides the place (an LEA, a school, or neither for an admin).

The model's check constraints are validated by the forms (`Model.full_clean`), so a role that does
not match its place is a form error, never a database error.
"""

from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError

from .models import Role, User

STAFF_IS_FOR_ADMINS = (
    "Only administrators may sign in to the Django admin: give staff status to the "
    "Administrator role only."
)


def _unique_email(form, email: str) -> str:
    """`email` normalised as `UserManager` stores it (lower case), refused if another account
    has it in any case: sign-in looks the address up exactly."""
    email = User.objects.normalize_email(email).lower()
    others = User.objects.filter(email__iexact=email)
    if form.instance.pk is not None:
        others = others.exclude(pk=form.instance.pk)
    if others.exists():
        raise ValidationError(form.instance.unique_error_message(User, ["email"]))
    return email


class UserAdminCreationForm(AdminUserCreationForm):
    """A new account with its role, place and password (or no usable password yet).

    An Administrator is made staff and superuser, as `createsuperuser` does; no other role ever
    is (DOMAIN.md: People, "Admin: everything, through Django admin").
    """

    class Meta:
        model = User
        fields = ("email", "full_name", "job_title", "role", "local_authority", "school")

    def clean_email(self):
        return _unique_email(self, self.cleaned_data["email"])

    def save(self, commit=True):
        is_admin = self.instance.role == Role.ADMIN
        self.instance.is_staff = is_admin
        self.instance.is_superuser = is_admin
        return super().save(commit=commit)


class UserAdminChangeForm(UserChangeForm):
    """An existing account; staff status is refused to every role but Administrator."""

    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        return _unique_email(self, self.cleaned_data["email"])

    def clean(self):
        cleaned_data = super().clean()
        role = cleaned_data.get("role")
        if cleaned_data.get("is_staff") and role and role != Role.ADMIN:
            self.add_error("is_staff", STAFF_IS_FOR_ADMINS)
        return cleaned_data
