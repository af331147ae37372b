"""The funding statement: one row per participating school with its grant, and the totals
(issue 5, item 4). The page, the CSV and XLSX exports and `manage.py funding_statement` all read
it from here, so their totals agree to the penny."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from leadership.models import ProgrammeYear
from leadership.models.programme import PLACE_HOLDING_STATUSES

from ..models import Grant
from ..models.rates import ZERO

#: The statement's columns, in order (the command's CSV header).
STATEMENT_COLUMNS = (
    "urn",
    "school",
    "pupils",
    "funded_people",
    "supply_days",
    "daily_rate",
    "supply_amount",
    "travel_grant",
    "pscl_days",
    "pscl_day_rate",
    "pscl_amount",
    "total",
)
#: The columns that are summed in the TOTAL row.
SUMMED_COLUMNS = (
    "pupils",
    "funded_people",
    "supply_days",
    "supply_amount",
    "travel_grant",
    "pscl_days",
    "pscl_amount",
    "total",
)


#: Where each total starts: counts at 0, days with their one place (15.0 + 10.0 = 25.0, as in
#: the rows), money with two.
_TOTAL_START = {
    "pupils": 0,
    "funded_people": 0,
    "supply_days": Decimal("0.0"),
    "pscl_days": Decimal("0.0"),
    "supply_amount": ZERO,
    "travel_grant": ZERO,
    "pscl_amount": ZERO,
    "total": ZERO,
}


@dataclass(frozen=True)
class Statement:
    programme_year: ProgrammeYear
    rows: list[dict]
    totals: dict

    def as_table(self) -> list[list]:
        """Every row as a list in `STATEMENT_COLUMNS` order, then the TOTAL row (its rate
        columns empty)."""
        table = [[row[column] for column in STATEMENT_COLUMNS] for row in self.rows]
        table.append(
            ["TOTAL", "", *[self.totals.get(column, "") for column in STATEMENT_COLUMNS[2:]]]
        )
        return table


def statement_grants(programme_year: ProgrammeYear) -> QuerySet:
    return (
        Grant.objects.filter(
            participation__programme_year=programme_year,
            participation__status__in=PLACE_HOLDING_STATUSES,
        )
        .select_related("participation__school")
        .order_by("participation__school__name", "participation__school__urn")
    )


def funding_statement(programme_year: ProgrammeYear) -> Statement:
    """The year's statement in one query."""
    rows = []
    for grant in statement_grants(programme_year):
        school = grant.participation.school
        rows.append(
            {
                "urn": school.urn,
                "school": school.name,
                "pupils": grant.pupils,
                "funded_people": grant.funded_people,
                "supply_days": grant.supply_days,
                "daily_rate": grant.daily_rate,
                "supply_amount": grant.supply_amount,
                "travel_grant": grant.travel_grant,
                "pscl_days": grant.pscl_days,
                "pscl_day_rate": grant.pscl_day_rate,
                "pscl_amount": grant.pscl_amount,
                "total": grant.total,
            }
        )
    totals = {
        column: sum((row[column] for row in rows), _TOTAL_START[column])
        for column in SUMMED_COLUMNS
    }
    return Statement(programme_year=programme_year, rows=rows, totals=totals)
