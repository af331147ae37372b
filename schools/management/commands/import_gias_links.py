"""`manage.py import_gias_links FILE [--dry-run] [--import-good-rows]`: import the GIAS links
file (issue 7). See `schools.imports.links`."""

from ...models import ImportKind
from ._importing import ImportCommand


class Command(ImportCommand):
    help = "Import the GIAS links file (links_edubasealldataYYYYMMDD.csv)."
    kind = ImportKind.GIAS_LINKS
