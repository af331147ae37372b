"""Versions that key a cache: a UUID column of a model that only its writer changes.

A cached reading of a model's related rows (a school's background, a plan's check) is kept under
the model's version, which every change to those rows replaces in the writer's transaction
(docs/decisions/018). Nothing else may write the version back: `save()` of an instance read
before a change would otherwise put the old version back, and with it the cached reading from
before the change.
"""

import uuid
from collections.abc import Callable, Iterable

from django.db import models
from django.db.models.signals import post_delete, post_save


class VersionKeptOnSave(models.Model):
    """A model whose `version_field` (a UUIDField) `save()` leaves as the database has it, once
    the row is stored: an update writes every other field. Only a queryset `update()` (the
    version's writer) changes it."""

    #: The name of the version's field.
    version_field = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update = not (self._state.adding or self.pk is None or args or kwargs.get("force_insert"))
        if update and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = _fields_a_save_writes(type(self))
        super().save(*args, **kwargs)


_written: dict[type, list[str]] = {}


def _fields_a_save_writes(model: type[VersionKeptOnSave]) -> list[str]:
    """Every concrete field of `model` but its pk and its version."""
    if model not in _written:
        _written[model] = [
            field.name
            for field in model._meta.concrete_fields
            if not field.primary_key and field.name != model.version_field
        ]
    return _written[model]


def new_version() -> uuid.UUID:
    """A version no other row, nor any other database, has had."""
    return uuid.uuid4()


def on_every_change(
    senders: Iterable[type[models.Model]], receiver: Callable, *, name: str
) -> None:
    """Connect `receiver(sender, instance, **kwargs)` to every `post_save` and `post_delete` of
    `senders` (admin's saves, bulk deletes and cascades send them; bulk inserts and queryset
    updates do not), once whatever the number of calls (`name` makes the dispatch uids)."""
    for sender in senders:
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=sender, dispatch_uid=f"{name}.{sender.__name__}")
