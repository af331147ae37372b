"""The DfE Key Stage 2 performance-table file (`england_ks2final.csv`), one year at a time.

Columns read by name: `RECTYPE`, `URN`, `READPROG`, `WRITPROG`, `MATPROG` (progress scores
centred on 0), `READPROG_DESCR`, `WRITPROG_DESCR`, `MATPROG_DESCR` (their banding 1 well above
average to 5 well below; a number or the words) and `PTRWM_EXP` (% at the expected standard in
reading, writing and maths), the last four where present.

Decisions:
- rows of RECTYPE 1 (mainstream) and 2 (special) are schools; other RECTYPEs (LA and England
  totals) are skipped;
- a suppressed or missing cell (`SUPP`, `NE`, `NA`, `NP`, `LOWCOV`, `x`, `c`, empty) is stored as
  missing (None), never as 0: the file is the truth for its year, so a figure suppressed in a
  corrected file replaces an earlier one;
- a URN not in the register (or, for a manager, of another LEA) is skipped and listed.
"""

from decimal import Decimal

from ..models import ImportKind, KeyStage2Progress
from .base import Outcome, RowError, Skip, is_missing, parse_decimal, parse_int, shown
from .scoped import SchoolRowsImporter

SCHOOL_RECTYPES = {"1", "2"}
BANDS = {
    "well above average": 1,
    "above average": 2,
    "average": 3,
    "below average": 4,
    "well below average": 5,
}
#: model field -> (score column, band column)
MEASURES = {
    "reading": ("READPROG", "READPROG_DESCR"),
    "writing": ("WRITPROG", "WRITPROG_DESCR"),
    "maths": ("MATPROG", "MATPROG_DESCR"),
}
FIELDS = (
    "reading_progress",
    "reading_band",
    "writing_progress",
    "writing_band",
    "maths_progress",
    "maths_band",
    "percentage_expected_rwm",
)
LIMIT = Decimal("99.99")


def _band(row, column: str) -> int | None:
    value = row.values.get(column)
    if is_missing(value):
        return None
    text = value.strip()
    if text.lower() in BANDS:
        return BANDS[text.lower()]
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    raise RowError(column, f"{text!r} is not a band 1 to 5")


class Ks2Importer(SchoolRowsImporter):
    kind = ImportKind.KS2
    file_label = "KS2 performance-table"
    required_columns = ("URN", "RECTYPE", "READPROG", "WRITPROG", "MATPROG")

    def __init__(self, record):
        super().__init__(record)
        self.year = int(self.options["year"])

    def key_of(self, parsed):
        return parsed["urn"]

    def parse(self, row):
        if (row.values["RECTYPE"] or "").strip() not in SCHOOL_RECTYPES:
            raise Skip()
        urn = parse_int(row, "URN", required=True, minimum=1)
        values = {}
        for measure, (score_column, band_column) in MEASURES.items():
            score = parse_decimal(row, score_column, low=-LIMIT, high=LIMIT)
            values[f"{measure}_progress"] = score
            values[f"{measure}_band"] = _band(row, band_column)
        values["percentage_expected_rwm"] = parse_decimal(
            row, "PTRWM_EXP", low=Decimal(0), high=Decimal(100)
        )
        for name, value in values.items():
            if isinstance(value, Decimal):
                values[name] = value.quantize(Decimal("0.01"))
        return {"urn": urn, "values": values}

    def apply(self, batch, *, write):
        schools, outcomes = self.schools_of(batch)
        existing = {
            progress.school_id: progress
            for progress in KeyStage2Progress.objects.filter(
                school__in=schools.values(), year=self.year
            )
        }
        for row, parsed in batch:
            school = schools.get(parsed["urn"])
            if school is None:
                continue
            key = f"URN {parsed['urn']}"
            values = parsed["values"]
            current = existing.get(school.pk)
            if current is None:
                changes = {name: ["", shown(values[name])] for name in FIELDS}
                outcomes.append(Outcome(row.line, key, "created", changes))
                if write:
                    KeyStage2Progress.objects.create(school=school, year=self.year, **values)
                continue
            changes = {
                name: [shown(getattr(current, name)), shown(values[name])]
                for name in FIELDS
                if getattr(current, name) != values[name]
            }
            if not changes:
                outcomes.append(Outcome(row.line, key, "unchanged"))
                continue
            outcomes.append(Outcome(row.line, key, "updated", changes))
            if write:
                for name in changes:
                    setattr(current, name, values[name])
                current.save(update_fields=list(changes))
        outcomes.sort(key=lambda outcome: outcome.line)
        return outcomes
