"""Writes for two-factor sign-in: making, confirming and removing a user's devices.

A user has at most one confirmed authenticator app (a TOTP device) and one set of recovery codes
(a static device with ten one-off codes). Checking a code goes through django-otp's own
`verify_token`, which throttles each device: after each wrong code the next try must wait twice as
long (1 s, 2 s, 4 s ...), so guessing six digits is hopeless even for someone with the password.
"""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of checking a code: the device that accepted it, or why none did."""

    device: TOTPDevice | StaticDevice | None = None
    throttled: bool = False

    @property
    def ok(self) -> bool:
        return self.device is not None

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def normalise_code(code: str) -> str:
    """A code as typed, without the spaces and hyphens people add, in lower case."""
    return re.sub(r"[\s-]", "", code or "").lower()


def key_for_typing(device: TOTPDevice) -> str:
    """The device's secret key in base32, in groups of four, as authenticator apps ask for it."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def totp_device_for_setup(*, user) -> TOTPDevice:
    """The unconfirmed authenticator-app device `user` is setting up: the same one on each visit
    to the set-up page (so a QR code already scanned stays good), a new one the first time."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user, device_id: int, code: str) -> tuple[CodeCheck, list[str]]:
    """Confirm the device being set up if `code` is right for it; then it is the user's only
    authenticator app, and a fresh set of recovery codes is made and returned (shown once)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, pk=device_id).first()
    if device is None or device.confirmed:
        return CodeCheck(), []
    if not device.verify_is_allowed()[0]:
        return CodeCheck(throttled=True), []
    if not device.verify_token(normalise_code(code)):
        return CodeCheck(), []
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = recovery_codes_replace(user=user)
    return CodeCheck(device=device), codes


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    """Make ten new one-off recovery codes for `user`; any earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def code_check(*, user, code: str) -> CodeCheck:
    """Check a code the user typed at sign-in: six digits against their authenticator app, anything
    else against their recovery codes (a recovery code is deleted as it is used). Devices are locked
    for the check, so two requests cannot both spend one code or dodge the throttle."""
    code = normalise_code(code)
    if re.fullmatch(r"\d{6}", code):
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    throttled = False
    for device in devices.select_for_update().order_by("pk"):
        if not device.verify_is_allowed()[0]:
            throttled = True
            continue
        if device.verify_token(code):
            return CodeCheck(device=device)
    return CodeCheck(throttled=throttled)


@transaction.atomic
def two_factor_remove(*, user) -> int:
    """Remove every device of `user` (authenticator apps and recovery codes): used when they turn
    the optional second factor off, or when an admin resets it after a lost phone. A user of a
    required role is asked to set up a new app at their next page."""
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    removed += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
    return removed
