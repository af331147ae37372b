"""The device that verified a session, read through the cache rather than the database.

django-otp's middleware loads that device from the database on every request, to notice at once
when it is removed. That is a query on every page of every signed-in user; instead the device is
kept in the cache (Redis in production, shared by every process) and the cache entry is replaced
or dropped whenever a device is saved or deleted (the receivers below), so removing a device (an
admin's reset, a user turning it off) still ends the verified sessions that used it at their next
request. The entry also expires after a few minutes, a bound on any missed update.

One cache may serve several databases (the parallel test runs, a staging copy beside
production), where the same device id names different devices: the key carries the database's
name, and a cached device that belongs to another user than the session's is read again from the
database rather than trusted (django-otp would otherwise drop the session's verification).
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

CACHE_SECONDS = 300


def _cache_key(persistent_id: str) -> str:
    return f"plp:otp-device:{settings.DATABASES['default']['NAME']}:{persistent_id}"


def device_from_persistent_id(persistent_id: str, *, user_id=None):
    """The confirmed device named by a session's `persistent_id`, or None; read from the
    database when the cache has none, or has one of another user than `user_id`."""
    key = _cache_key(persistent_id)
    device = cache.get(key)
    if device is None or (user_id is not None and device.user_id != user_id):
        device = Device.from_persistent_id(persistent_id)
        if device is not None and device.confirmed:
            cache.set(key, device, CACHE_SECONDS)
    return device


@receiver(post_save, sender=TOTPDevice)
@receiver(post_save, sender=StaticDevice)
def _device_saved(sender, instance, **kwargs):
    if instance.confirmed:
        cache.set(_cache_key(instance.persistent_id), instance, CACHE_SECONDS)
    else:
        cache.delete(_cache_key(instance.persistent_id))


@receiver(post_delete, sender=TOTPDevice)
@receiver(post_delete, sender=StaticDevice)
def _device_deleted(sender, instance, **kwargs):
    cache.delete(_cache_key(instance.persistent_id))
