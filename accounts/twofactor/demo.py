"""Two-factor sign-in for the demo (`manage.py seed_demo`, which refuses production).

Every demo user of a role that must use two-factor sign-in gets an authenticator app with one
published key, so that a tester adds one entry to their app and signs in as any of them, and three
recovery codes of their own, fixed so that seeding again changes nothing (and restores any used).
Headteachers and governors get none: for them it is optional, and the demo shows that.
"""

import hashlib
from base64 import b32encode
from dataclasses import dataclass

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import upsert
from accounts.models import User

from . import policy
from .services import APP_DEVICE_NAME, RECOVERY_DEVICE_NAME

#: The demo's authenticator key (20 bytes, hex as django-otp stores it). Published: demo only.
DEMO_TOTP_KEY = b"plp-admin-demo-2fa!!".hex()
DEMO_RECOVERY_CODES_PER_USER = 3


def demo_key_for_typing() -> str:
    """The demo key in base32, as an authenticator app asks for it."""
    return b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()


def demo_recovery_codes(email: str) -> list[str]:
    """The fixed recovery codes of the demo user `email` (eight letters and digits each, as
    django-otp's own)."""
    return [
        b32encode(hashlib.sha256(f"{email}/{n}".encode()).digest()[:5]).decode().lower()
        for n in range(DEMO_RECOVERY_CODES_PER_USER)
    ]


@dataclass(frozen=True)
class DemoTwoFactor:
    key: str
    recovery_codes: dict[str, list[str]]


def seed_two_factor(*, emails: list[str]) -> DemoTwoFactor:
    """Give each demo user (by email) of a required role the demo authenticator app and their
    fixed recovery codes; returns what `seed_demo` prints."""
    codes_by_email = {}
    for user in User.objects.filter(email__in=emails).order_by("email"):
        if not policy.is_required_for(user):
            continue
        app = TOTPDevice.objects.filter(user=user).order_by("pk").first()
        values = {"name": APP_DEVICE_NAME, "key": DEMO_TOTP_KEY, "confirmed": True}
        if app is None:
            app = TOTPDevice.objects.create(user=user, **values)
        else:
            app, _ = upsert(TOTPDevice, lookup={"pk": app.pk}, values=values)
        TOTPDevice.objects.filter(user=user).exclude(pk=app.pk).delete()
        recovery, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        if not recovery.confirmed:
            recovery.confirmed = True
            recovery.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).exclude(pk=recovery.pk).delete()
        codes = demo_recovery_codes(user.email)
        present = set(recovery.token_set.values_list("token", flat=True))
        if present != set(codes):
            recovery.token_set.all().delete()
            StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
        codes_by_email[user.email] = codes
    return DemoTwoFactor(key=demo_key_for_typing(), recovery_codes=codes_by_email)
