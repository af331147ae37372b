"""`manage.py import_census FILE [--dry-run] [--import-good-rows]`: import the DfE census file
(issue 7). See `schools.imports.census` for what is kept and why."""

from ...models import ImportKind
from ._importing import ImportCommand


class Command(ImportCommand):
    help = "Import the DfE school census file (england_census.csv)."
    kind = ImportKind.CENSUS
