"""Starting imports: from the command line, from an upload, and confirming a dry run."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.models import Role

from ..models import ImportKind, ImportRecord, ImportStatus
from .base import import_run, is_large

UPLOAD_FOLDER = "imports"
#: Kinds of file a strategy manager may import, for their own LEA's schools only. GIAS and its
#: links are national data that create LEAs and schools: admins only.
MANAGER_KINDS = frozenset({ImportKind.KS2, ImportKind.CENSUS})


def may_import(user, kind: str) -> bool:
    """Whether `user` may import files of `kind` (see MANAGER_KINDS)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_admin:
        return True
    return user.role == Role.MANAGER and kind in MANAGER_KINDS


def import_from_command(
    *, kind: str, path: Path, options: dict, dry_run: bool, import_good_rows: bool
) -> ImportRecord:
    """Import a file named on the command line, at once, and return its record."""
    record = ImportRecord.objects.create(
        kind=kind,
        file_name=path.name,
        stored_file=str(path.resolve()),
        options=options,
        is_dry_run=dry_run,
        import_good_rows=import_good_rows,
    )
    return import_run(record_id=record.pk)


def _start(record: ImportRecord) -> ImportRecord:
    """Run a small file at once; queue a large one as a Celery job (after the record is
    committed, so the worker finds it)."""
    from ..tasks import run_import
    from .base import file_path

    if is_large(file_path(record)):
        transaction.on_commit(lambda: run_import.delay(record_id=record.pk))
        return record
    return import_run(record_id=record.pk)


def import_upload(*, kind: str, upload, user, options: dict) -> ImportRecord:
    """Save an uploaded file under MEDIA_ROOT/imports/ with a name of ours and check it (a dry
    run): the user then sees what would change and confirms."""
    name = f"{UPLOAD_FOLDER}/{kind.lower()}-{uuid.uuid4().hex}.csv"
    target = Path(settings.MEDIA_ROOT) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    record = ImportRecord.objects.create(
        kind=kind,
        file_name=Path(upload.name).name[:255],
        stored_file=name,
        user=user,
        local_authority=None if user.is_admin else user.local_authority,
        options=options,
        is_dry_run=True,
    )
    return _start(record)


def import_confirm(*, checked: ImportRecord, user, import_good_rows: bool) -> ImportRecord:
    """Import for real the file a dry run checked, as a new record (the dry run stays in the
    history)."""
    if checked.status != ImportStatus.CHECKED or not checked.is_dry_run:
        raise ValueError("Only a finished dry run can be confirmed.")
    record = ImportRecord.objects.create(
        kind=checked.kind,
        file_name=checked.file_name,
        stored_file=checked.stored_file,
        user=user,
        local_authority=checked.local_authority,
        options=checked.options,
        is_dry_run=False,
        import_good_rows=import_good_rows,
    )
    return _start(record)
