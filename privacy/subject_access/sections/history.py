"""Every change the person made that a history keeps: simple-history's records (model, object,
kind of change, when) and the Django admin's log. One query per historical model."""

from django.apps import apps
from django.contrib.admin.models import LogEntry
from simple_history.models import HistoricalChanges

from ..registry import rows, section

CHANGE_KINDS = {"+": "created", "~": "changed", "-": "deleted"}


@section("history", "Changes recorded in the history", covers=("admin.LogEntry.user",))
def history(user):
    found = []
    for model in apps.get_models():
        if not issubclass(model, HistoricalChanges):
            continue
        label = model.instance_type._meta.label
        for object_id, kind, at in model.objects.filter(history_user=user).values_list(
            "id", "history_type", "history_date"
        ):
            found.append(
                {"model": label, "object_id": object_id, "change": CHANGE_KINDS[kind], "at": at}
            )
    admin_log = rows(
        LogEntry.objects.filter(user=user),
        model="content_type__model",
        object_id="object_id",
        object="object_repr",
        at="action_time",
    )
    found += [{"change": "Django admin", **r} for r in admin_log]
    return sorted(found, key=lambda r: r["at"])
