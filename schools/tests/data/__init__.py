"""The sample files of the import tests (see README.md) and builders of hand-made files."""

import csv
import io
from pathlib import Path

HERE = Path(__file__).parent
KS2_SAMPLE = HERE / "dfe_ks2_2019_sample.csv"
CENSUS_SAMPLE = HERE / "dfe_census_2025_sample.csv"
LINKS_SAMPLE = HERE / "gias_links_20250422_sample.csv"
GIAS_HEADER = next(
    csv.reader(open(HERE / "gias_establishment_header.csv", encoding="utf-8-sig"))  # noqa: SIM115
)

#: The real values GIAS gives for URN 100000 (PROVENANCE.md, section 4).
ALDGATE = {
    "URN": "100000",
    "LA (code)": "201",
    "LA (name)": "City of London",
    "EstablishmentNumber": "3614",
    "EstablishmentName": "The Aldgate School",
    "TypeOfEstablishment (name)": "Voluntary aided school",
    "EstablishmentStatus (name)": "Open",
    "PhaseOfEducation (name)": "Primary",
    "NumberOfPupils": "276",
    "PercentageFSM": "10.2",
    "Postcode": "EC3A 5DE",
    "Easting": "533498",
    "Northing": "181201",
    "HeadFirstName": "Ann",
    "HeadLastName": "Example",
    "OfstedRating (name)": "Outstanding",
}


def gias_row(**values) -> dict:
    """A GIAS row: the Aldgate School's values, changed by `values` (column names with spaces
    and brackets are given as a dict: gias_row(**{"LA (code)": "202"}))."""
    return {**ALDGATE, **values}


def gias_text(rows: list[dict], *, header: list[str] = GIAS_HEADER) -> str:
    """A GIAS file as text: every field quoted, as GIAS writes it."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, quoting=csv.QUOTE_ALL, restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def write(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
