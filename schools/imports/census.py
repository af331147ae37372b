"""The DfE school census file (`england_census.csv`): number on roll and % free school meals.

Columns read by name: `URN`, `NOR` (number on roll: the 120-pupil funding rule) and
`PNUMFSMEVER` (% of pupils eligible for free school meals in the last six years, written like
"24.88%").

Decisions:
- `NA` or an empty cell leaves the register's figure as it is: the census did not report it,
  which says nothing about the school, and erasing a roll would drop the school out of the
  funding rules;
- the % is kept to the register's one decimal place ("24.88%" is read as 24.88, kept as 24.9);
- each changed school is saved with `save()`, so the funding app's receiver recomputes the
  grants of a school whose roll changed;
- a URN not in the register (or, for a manager, of another LEA) is skipped and listed.
"""

from decimal import ROUND_HALF_UP, Decimal

from ..models import ImportKind
from .base import Outcome, parse_decimal, parse_int, shown
from .scoped import SchoolRowsImporter


class CensusImporter(SchoolRowsImporter):
    kind = ImportKind.CENSUS
    file_label = "school census"
    required_columns = ("URN", "NOR", "PNUMFSMEVER")

    def key_of(self, parsed):
        return parsed["urn"]

    def parse(self, row):
        urn = parse_int(row, "URN", required=True, minimum=1)
        values = {}
        roll = parse_int(row, "NOR")
        if roll is not None:
            values["number_on_roll"] = roll
        fsm = parse_decimal(row, "PNUMFSMEVER", low=Decimal(0), high=Decimal(100))
        if fsm is not None:
            values["percentage_fsm"] = fsm.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return {"urn": urn, "values": values}

    def apply(self, batch, *, write):
        schools, outcomes = self.schools_of(batch)
        for row, parsed in batch:
            school = schools.get(parsed["urn"])
            if school is None:
                continue
            changes = {
                name: [shown(getattr(school, name)), shown(value)]
                for name, value in parsed["values"].items()
                if getattr(school, name) != value
            }
            key = f"URN {parsed['urn']}"
            if not changes:
                outcomes.append(Outcome(row.line, key, "unchanged"))
                continue
            outcomes.append(Outcome(row.line, key, "updated", changes))
            if write:
                for name in changes:
                    setattr(school, name, parsed["values"][name])
                # save(), not update(): funding's post_save receiver recomputes the grants.
                school.save(update_fields=list(changes))
        outcomes.sort(key=lambda outcome: outcome.line)
        return outcomes
