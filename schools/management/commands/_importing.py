"""What the import commands share: the options, running the import and the report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...imports.services import import_from_command
from ...models import ImportStatus


class ImportCommand(BaseCommand):
    kind: str

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and say what would change."
        )
        parser.add_argument(
            "--import-good-rows",
            action="store_true",
            help="Import the good rows of a file that has errors (by default nothing is saved).",
        )

    def import_options(self, options) -> dict:
        return {}

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        record = import_from_command(
            kind=self.kind,
            path=path,
            options=self.import_options(options),
            dry_run=options["dry_run"],
            import_good_rows=options["import_good_rows"],
        )
        if record.status == ImportStatus.FAILED:
            raise CommandError(record.message)
        self.stdout.write(
            f"{record.get_status_display()} ({record.encoding}): {record.rows} rows, "
            f"{record.created} created, {record.updated} updated, {record.unchanged} unchanged, "
            f"{record.skipped} skipped, {record.error_count} errors. Import record {record.pk}."
        )
        for error in record.errors:
            column = f", {error['column']}" if error["column"] else ""
            self.stderr.write(f"Line {error['line']}{column}: {error['reason']}")
        if record.is_dry_run:
            for change in record.changes:
                self.stdout.write(
                    f"Line {change['line']} {change['key']}: {change['action']} "
                    f"{change['reason'] or change['changes']}"
                )
        if record.status == ImportStatus.REFUSED:
            raise CommandError(record.message)
