"""The GIAS establishment file (`edubasealldataYYYYMMDD.csv`, Get Information About Schools).

Columns are read by header name (they change between releases; PROVENANCE.md). Kept: phase
"Primary" and "Middle deemed primary", and "All-through" when the import is told to
(`options["all_through"]`); every other phase is skipped. LEAs are created from `LA (code)` and
`LA (name)`; schools are upserted by URN.

Decisions:
- a closed school already in the register is kept, marked `is_open=False` with its
  `closed_on` date, so its programme history stays; a closed school not in the register is
  skipped (there is nothing to keep);
- an empty figure (pupils, % FSM, easting...) leaves the register's value as it is: a gap in one
  release does not erase what an earlier one said;
- an existing LEA keeps its name (an LEA may use its own spelling);
- `PercentageFSM` is kept to the register's one decimal place.

Saving is in bulk, a batch at a time: new schools by `bulk_create`, changed ones by one
`UPDATE` a changed field (only the schools whose field changed), each with its history rows in
one insert (the import's user as the history's user). The schools of a batch whose number on
roll changed are then announced together (`schools.signals.rolls_changed`), so that the funding
app recomputes their unpaid grants in a few queries (`funding.apps.refresh_grants_of_schools`)
rather than one school at a time.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from simple_history.utils import bulk_create_with_history

from ..models import ImportKind, LocalAuthority, Phase, School, SchoolType
from ..signals import rolls_changed
from .base import Importer, Outcome, RowError, Skip, is_missing, parse_decimal, parse_int, shown

PHASES = {"Primary": Phase.PRIMARY, "Middle deemed primary": Phase.MIDDLE_DEEMED_PRIMARY}
TYPES = {
    "Community school": SchoolType.COMMUNITY,
    "Voluntary aided school": SchoolType.VOLUNTARY_AIDED,
    "Voluntary controlled school": SchoolType.VOLUNTARY_CONTROLLED,
    "Foundation school": SchoolType.FOUNDATION,
}
OPEN_STATUSES = {"Open", "Open, but proposed to close", "Proposed to open"}
CLOSED_STATUS = "Closed"

#: The School fields the file sets, in the order the change list shows them.
FIELDS = (
    "local_authority_id",
    "establishment_number",
    "name",
    "school_type",
    "phase",
    "is_open",
    "closed_on",
    "number_on_roll",
    "percentage_fsm",
    "postcode",
    "easting",
    "northing",
    "headteacher_name",
    "ofsted_rating",
)


def school_type(name: str) -> str:
    """GIAS's establishment type as the register's: every academy kind is an academy, every
    free school kind a free school, anything else (special, independent...) "other"."""
    if name in TYPES:
        return TYPES[name]
    if name.startswith("Academy"):
        return SchoolType.ACADEMY
    if name.startswith("Free school"):
        return SchoolType.FREE_SCHOOL
    return SchoolType.OTHER


def _text(row, column: str, *, max_length: int) -> str:
    value = (row.values.get(column) or "").strip()
    if len(value) > max_length:
        raise RowError(column, f"is longer than {max_length} characters")
    return value


def _date(row, column: str) -> datetime.date | None:
    value = (row.values.get(column) or "").strip()
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, "%d-%m-%Y").date()  # noqa: DTZ007 (a date)
    except ValueError:
        raise RowError(column, f"{value!r} is not a date like 31-08-2021") from None


class GiasImporter(Importer):
    kind = ImportKind.GIAS
    file_label = "GIAS establishment"
    required_columns = (
        "URN",
        "LA (code)",
        "LA (name)",
        "EstablishmentNumber",
        "EstablishmentName",
        "TypeOfEstablishment (name)",
        "PhaseOfEducation (name)",
        "EstablishmentStatus (name)",
    )
    columns = (
        *required_columns,
        "CloseDate",
        "NumberOfPupils",
        "PercentageFSM",
        "Postcode",
        "Easting",
        "Northing",
        "HeadFirstName",
        "HeadLastName",
        "OfstedRating (name)",
    )

    def __init__(self, record):
        super().__init__(record)
        self.phases = dict(PHASES)
        if self.options.get("all_through"):
            self.phases["All-through"] = Phase.ALL_THROUGH
        # About 150 LEAs in England: a bounded cache, code -> LocalAuthority (or None while new).
        self.leas = {lea.code: lea for lea in LocalAuthority.objects.all()}

    def key_of(self, parsed):
        return parsed["urn"]

    def parse(self, row):
        phase_name = (row.values["PhaseOfEducation (name)"] or "").strip()
        if phase_name not in self.phases:
            raise Skip()
        urn = parse_int(row, "URN", required=True, minimum=1)
        la_code = (row.values["LA (code)"] or "").strip()
        if not (len(la_code) == 3 and la_code.isdigit()):
            raise RowError("LA (code)", f"{la_code!r} is not a three-digit LA code")
        la_name = _text(row, "LA (name)", max_length=100)
        if not la_name:
            raise RowError("LA (name)", "is empty")
        number = (row.values["EstablishmentNumber"] or "").strip()
        if number and not (len(number) == 4 and number.isdigit()):
            raise RowError("EstablishmentNumber", f"{number!r} is not four digits")
        name = _text(row, "EstablishmentName", max_length=200)
        if not name:
            raise RowError("EstablishmentName", "is empty")
        status = (row.values["EstablishmentStatus (name)"] or "").strip()
        if status not in OPEN_STATUSES and status != CLOSED_STATUS:
            raise RowError("EstablishmentStatus (name)", f"{status!r} is not a known status")
        fsm = parse_decimal(row, "PercentageFSM", low=Decimal(0), high=Decimal(100))
        if fsm is not None:
            fsm = fsm.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        head = " ".join(
            part
            for part in (
                (row.values.get("HeadFirstName") or "").strip(),
                (row.values.get("HeadLastName") or "").strip(),
            )
            if part
        )
        ofsted = (row.values.get("OfstedRating (name)") or "").strip()
        values = {
            "establishment_number": number,
            "name": name,
            "school_type": school_type((row.values["TypeOfEstablishment (name)"] or "").strip()),
            "phase": self.phases[phase_name],
            "is_open": status != CLOSED_STATUS,
            "closed_on": _date(row, "CloseDate") if status == CLOSED_STATUS else None,
            "number_on_roll": parse_int(row, "NumberOfPupils"),
            "percentage_fsm": fsm,
            "postcode": _text(row, "Postcode", max_length=8).upper(),
            "easting": parse_int(row, "Easting"),
            "northing": parse_int(row, "Northing"),
            "headteacher_name": head[:150],
            "ofsted_rating": ofsted[:40],
        }
        # An empty cell leaves the register's value as it is (module docstring).
        for column, key in (
            ("NumberOfPupils", "number_on_roll"),
            ("PercentageFSM", "percentage_fsm"),
            ("Postcode", "postcode"),
            ("Easting", "easting"),
            ("Northing", "northing"),
            ("OfstedRating (name)", "ofsted_rating"),
        ):
            if is_missing(row.values.get(column)):
                del values[key]
        if not head:
            del values["headteacher_name"]
        if not number:
            del values["establishment_number"]
        return {"urn": urn, "la_code": la_code, "la_name": la_name, "values": values}

    def _lea(self, code: str, name: str, *, write: bool) -> LocalAuthority | None:
        lea = self.leas.get(code)
        if lea is None and write:
            lea = LocalAuthority.objects.create(code=code, name=name)
            self.leas[code] = lea
        return lea

    def apply(self, batch, *, write):
        existing = School.objects.in_bulk([parsed["urn"] for _, parsed in batch], field_name="urn")
        to_create, to_update = [], []
        outcomes = []
        for row, parsed in batch:
            urn = parsed["urn"]
            values = dict(parsed["values"])
            lea = self._lea(parsed["la_code"], parsed["la_name"], write=write)
            values["local_authority_id"] = lea.pk if lea else None
            school = existing.get(urn)
            if school is None:
                if not values["is_open"]:
                    outcomes.append(Outcome(row.line, f"URN {urn}", "skipped"))
                    continue
                changes = {name: ["", shown(values[name])] for name in FIELDS if name in values}
                changes["local_authority_id"] = ["", parsed["la_code"]]
                outcomes.append(Outcome(row.line, f"URN {urn}", "created", changes))
                if write:
                    to_create.append(School(urn=urn, **values))
                continue
            changes = {}
            for name in FIELDS:
                if name in values and getattr(school, name) != values[name]:
                    changes[name] = [shown(getattr(school, name)), shown(values[name])]
            if lea is None:  # only in the check: the save creates the LEA first
                changes["local_authority_id"] = [
                    shown(school.local_authority_id),
                    f"new LEA {parsed['la_code']}",
                ]
            if not changes:
                outcomes.append(Outcome(row.line, f"URN {urn}", "unchanged"))
                continue
            outcomes.append(Outcome(row.line, f"URN {urn}", "updated", changes))
            if write:
                for name in changes:
                    setattr(school, name, values[name])
                to_update.append((school, frozenset(changes)))
        user = self.record.user
        if to_create:
            bulk_create_with_history(
                to_create, School, batch_size=len(to_create), default_user=user
            )
        if to_update:
            _save_changed(to_update, user)
        return outcomes


def _save_changed(to_update: list[tuple[School, frozenset]], user) -> None:
    """Save a batch of changed schools: one UPDATE a changed field, one insert of history rows,
    then `rolls_changed` for the schools whose roll changed (module docstring)."""
    by_field = defaultdict(list)
    for school, changed in to_update:
        for name in changed:
            by_field[name].append(school)
    for name, schools in by_field.items():
        School.objects.bulk_update(schools, [name], batch_size=len(schools))
    schools = [school for school, _ in to_update]
    School.history.bulk_history_create(
        schools, batch_size=len(schools), update=True, default_user=user
    )
    new_rolls = [school for school, changed in to_update if "number_on_roll" in changed]
    if new_rolls:
        rolls_changed.send(sender=School, schools=new_rolls)
