"""`manage.py import_ks2 FILE --year YYYY [--dry-run] [--import-good-rows]`: import the DfE KS2
performance-table file of one year (issue 7). See `schools.imports.ks2`."""

from django.core.management.base import CommandError

from ...models import ImportKind
from ._importing import ImportCommand


class Command(ImportCommand):
    help = "Import the DfE KS2 performance-table file (england_ks2final.csv) of one year."
    kind = ImportKind.KS2

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--year", required=True, type=int, help="The summer of the tests.")

    def import_options(self, options) -> dict:
        if not 1990 <= options["year"] <= 2100:
            raise CommandError("Give the year of the tests, such as 2019.")
        return {"year": options["year"]}
