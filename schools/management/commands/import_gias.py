"""`manage.py import_gias FILE [--dry-run] [--import-good-rows]`: import the GIAS establishment file
(issue 7). See `schools.imports.gias` for what is kept and why."""

from ...models import ImportKind
from ._importing import ImportCommand


class Command(ImportCommand):
    help = "Import the GIAS establishment file (edubasealldataYYYYMMDD.csv)."
    kind = ImportKind.GIAS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--all-through", action="store_true", help="Keep all-through schools too."
        )

    def import_options(self, options) -> dict:
        return {"all_through": options["all_through"]}
