"""What a request wrote, and whether it is still valid: the tables a request wrote to (from the
SQL it ran), the rows of those tables that are new or changed since the world was built, each
checked with `full_clean()`, and none of them the other LEA's."""

import re
from contextlib import contextmanager

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

#: The apps whose rows the tests check.
PROJECT_APPS = ("accounts", "schools", "leadership", "consultants", "funding", "reports")
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def project_models():
    """The concrete models of the project's apps, without simple-history's copies."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not model.__name__.startswith("Historical")
    ]


def _by_table():
    return {model._meta.db_table: model for model in project_models()}


def pks_by_model() -> dict:
    return {
        model: set(model._base_manager.values_list("pk", flat=True)) for model in project_models()
    }


def snapshot(model) -> dict:
    """Every row of `model` as {pk: values}."""
    return {row["pk"]: row for row in _values(model)}


def _values(model):
    names = [f.attname for f in model._meta.concrete_fields]
    for row in model._base_manager.values(*names):
        row["pk"] = row[model._meta.pk.attname]
        yield row


@contextmanager
def capture_writes():
    """Collects the models of the project whose tables the block wrote to."""
    tables = set()

    def wrapper(execute, sql, params, many, context):
        match = _WRITE.match(sql)
        if match:
            tables.add(match.group(1))
        return execute(sql, params, many, context)

    written = []
    with connection.execute_wrapper(wrapper):
        yield written
    by_table = _by_table()
    written.extend(by_table[t] for t in sorted(tables) if t in by_table)


class Baseline:
    """The world's rows as built, per model (`take` them before any request)."""

    def __init__(self):
        self._rows = {}

    def rows(self, model) -> dict:
        if model not in self._rows:
            self._rows[model] = snapshot(model)
        return self._rows[model]

    def take(self, models):
        for model in models:
            self.rows(model)


def check_written(models, baseline: Baseline, other_rows: dict, across_leas=False) -> list[str]:
    """The problems in the rows of `models` that differ from `baseline`: a new or changed row
    that fails `full_clean()`, a row of the other LEA changed or deleted, or a new or changed row
    pointing at a row of the other LEA. An empty list is a pass."""
    problems = []
    for model in models:
        before = baseline.rows(model)
        now = snapshot(model)
        foreign = other_rows.get(model, set())
        for pk in set(before) - set(now):
            if pk in foreign:
                problems.append(f"{model.__name__} {pk} of the other LEA was deleted")
        changed = [pk for pk, row in now.items() if before.get(pk) != row]
        for pk in changed:
            label = f"{model.__name__} {pk}"
            if pk in foreign:
                problems.append(f"{label} of the other LEA was changed")
            instance = model._base_manager.get(pk=pk)
            try:
                instance.full_clean()
            except ValidationError as error:
                problems.append(f"{label} saved invalid: {error.message_dict}")
            for fk in model._meta.concrete_fields:
                if not fk.is_relation:
                    continue
                value = getattr(instance, fk.attname)
                foreign_target = value is not None and value in other_rows.get(fk.related_model, ())
                if foreign_target and pk not in foreign and not across_leas:
                    problems.append(
                        f"{label} now points at the other LEA's {fk.related_model.__name__}"
                        f" {value} ({fk.name})"
                    )
    return problems
