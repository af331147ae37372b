"""Bulk writes for the national data: rows go in with PostgreSQL's COPY (through psycopg 3), and
the generated data comes out with plain DELETEs, children first. No model is instantiated, no
`save()` runs and no signal fires, so neither audit history nor derived-figure jobs are made for
these rows.
"""

import datetime
import json
from contextlib import contextmanager

from django.db import connection, models
from django.utils import timezone


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys from the table's own sequence, so that rows written by COPY can be
    referred to by the next table's rows."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _filler(field: models.Field, now: datetime.datetime):
    """How to fill `field` in a row that does not name it: its default, else null, else now for
    an automatic timestamp."""
    if field.has_default():
        default = field.default
        if callable(default):
            return default
        return lambda: default
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda: now
    if field.null:
        return lambda: None
    if field.blank and isinstance(field, models.CharField | models.TextField):
        return lambda: ""
    raise ValueError(f"{field.model.__name__}.{field.name} has no value and no default.")


def copy_rows(model: type[models.Model], rows: list[dict]) -> int:
    """Write `rows` (dicts keyed by field attname, `school_id` say) into `model`'s table with one
    COPY. A row without the primary key gets it from the table's identity; a field a row leaves
    out gets its default (as the model defines it), null, or now for an automatic timestamp.
    JSON values are written as JSON text. Returns the number of rows."""
    if not rows:
        return 0
    now = timezone.now()
    with_pk = model._meta.pk.attname in rows[0]
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    given = set(rows[0])
    fillers = {f.attname: _filler(f, now) for f in fields if f.attname not in given}
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    names = [f.attname for f in fields]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = []
            for name in names:
                value = row[name] if name not in fillers else fillers[name]()
                if name in json_fields and value is not None:
                    value = json.dumps(value)
                values.append(value)
            copy.write_row(values)
    return len(rows)


def purge(model: type[models.Model], queryset: models.QuerySet) -> int:
    """Delete the rows of `queryset` and everything that depends on them, children first, with
    one DELETE (or UPDATE ... SET NULL) a table: what refers to a row through a nullable
    SET_NULL key is kept with the key cleared; what refers through any other database-checked
    key goes too. Keys without a database constraint (the history tables' copies) are left.
    Nothing is loaded and no signal is sent. Returns the rows deleted from `model`'s table."""
    if not queryset.exists():
        return 0
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        field = relation.field
        if not field.db_constraint:
            continue
        related = relation.related_model
        dependants = related._base_manager.filter(**{f"{field.name}__in": queryset})
        if field.null and field.remote_field.on_delete in (models.SET_NULL, models.DO_NOTHING):
            dependants.update(**{field.name: None})
        else:
            purge(related, dependants)
    return queryset._raw_delete(queryset.db)


@contextmanager
def reference_checks_skipped():
    """Within the block, let PostgreSQL skip its foreign-key checks (triggers), where the
    database user may (a superuser): `purge` deletes children before their parents, so every
    check would pass, and checking each deleted row's referrers is most of a purge's time.
    Without the right, the checks run as usual. Use inside a transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        allowed = bool(row and row[0])
        if allowed:
            cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        if allowed:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
