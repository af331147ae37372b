"""`manage.py funding_statement --lea LA_CODE --year NAME`: the year's funding statement as CSV on
standard output, for scheduled finance runs (issue 5, item 4)."""

import csv

from django.core.management.base import BaseCommand, CommandError

from leadership.models import ProgrammeYear

from ...exports import csv_cell
from ...selectors.statements import STATEMENT_COLUMNS, funding_statement


class Command(BaseCommand):
    help = (
        "Write the funding statement of one LEA's programme year as CSV to standard output: one "
        "row per participating school and a last TOTAL row."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lea", required=True, help="The LEA's three-digit code, e.g. 991.")
        parser.add_argument("--year", required=True, help='The programme year, e.g. "2004-05".')

    def handle(self, *args, lea, year, **options):
        try:
            programme_year = ProgrammeYear.objects.select_related("local_authority").get(
                local_authority__code=lea, name=year
            )
        except ProgrammeYear.DoesNotExist:
            raise CommandError(
                f"No programme year {year!r} for the LEA with code {lea!r}."
            ) from None
        statement = funding_statement(programme_year)
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(STATEMENT_COLUMNS)
        # The same cells as the statement page's CSV download, so text a spreadsheet would run
        # as a formula (a school named "=HYPERLINK(...)") is neutralised here too.
        for row in statement.as_table():
            writer.writerow([csv_cell(value) for value in row])
