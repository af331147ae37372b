"""The person's account: the user record (never the password), their place, API token and
two-factor devices (that they exist, never the key or secret), log-in attempts."""

from django.apps import apps

from ..registry import section


@section("account", "Account", covers=())
def account(user):
    return [
        {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "role": user.get_role_display(),
            "job_title": user.job_title,
            "lea": user.local_authority.name if user.local_authority_id else "",
            "school": user.school.name if user.school_id else "",
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "has_usable_password": user.has_usable_password(),
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        }
    ]


@section("api_token", "API token", covers=("authtoken.Token.user",))
def api_token(user):
    if not apps.is_installed("rest_framework.authtoken"):
        return []
    token = apps.get_model("authtoken", "Token")
    # That a token exists and when it was made; never its key.
    return [
        {"exists": True, "created": created}
        for created in token.objects.filter(user=user).values_list("created", flat=True)
    ]


@section(
    "two_factor_devices",
    "Two-factor devices",
    covers=("otp_totp.TOTPDevice.user", "otp_static.StaticDevice.user"),
)
def two_factor_devices(user):
    rows = []
    for label in ("otp_totp.TOTPDevice", "otp_static.StaticDevice"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        # The device's name and state; never its key or codes.
        for name, confirmed in model.objects.filter(user=user).values_list("name", "confirmed"):
            rows.append({"kind": model._meta.verbose_name, "name": name, "confirmed": confirmed})
    return rows


@section("log_in_attempts", "Log-in attempts and lock-outs")
def log_in_attempts(user):
    """django-axes keeps the email typed, not a reference to the user."""
    rows = []
    for label, kind in (
        ("axes.AccessAttempt", "failed attempts (current count)"),
        ("axes.AccessFailureLog", "failed log-in"),
        ("axes.AccessLog", "log-in"),
    ):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for at, ip, agent in model.objects.filter(username__iexact=user.email).values_list(
            "attempt_time", "ip_address", "user_agent"
        )[:1000]:
            rows.append({"kind": kind, "at": at, "ip_address": ip, "user_agent": agent})
    return rows
