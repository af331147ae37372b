"""factory-boy factories for accounts, shared by the tests and `seed_demo`."""

import factory
from factory.django import DjangoModelFactory

from .models import Role, User

DEMO_PASSWORD = "plp-demo-2026"  # noqa: S105 (demo data only; seed_demo refuses production)


class UserFactory(DjangoModelFactory):
    """A user; pass `local_authority` for LEA roles or `school` for school roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.MANAGER
    password = factory.django.Password(DEMO_PASSWORD)
    is_active = True

    class Params:
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)


def totp_device_for(user, *, key=None):
    """`user`'s confirmed authenticator-app device, made if they have none (tests and the demo).

    `key` (40 hex digits) fixes the secret, as the demo does so that a tester can add it to an
    app; otherwise django-otp picks a random one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        extra = {"key": key} if key else {}
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=True, **extra
        )
    return device


def totp_code_for(device) -> str:
    """A code `device` will accept now: the current time step's, or the next one's where the
    current code was already used (django-otp refuses a code twice). Waits for the clock when both
    are used, as two sign-ins of one user within the same half-minute would need."""
    import time

    from django_otp.oath import TOTP

    while True:
        device.refresh_from_db()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        now = totp.t()
        for step in range(now, now + device.tolerance + 1):
            if step > device.last_t:
                totp.drift = device.drift + (step - now)
                return str(totp.token()).zfill(device.digits)
        time.sleep(1)
