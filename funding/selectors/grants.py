"""Reads of the year's rates and the schools' grants, shared by their pages and the letter:
the rates with their history, the grant list with its totals, a grant's history and the
report of a recomputation.

Each selector runs a fixed number of queries, whatever the number of schools. Money stays
Decimal from the database to the page.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef

from leadership.models import Participation, ProgrammeYear
from leadership.models.programme import PLACE_HOLDING_STATUSES

from ..grants import gbp
from ..models import FundingRates, Grant, Payment, PaymentKind, PaymentStatus
from ..models.rates import ZERO

#: The numbers on the rates page, in the order people read them: (model, field, label, money?).
RATE_ROWS = (
    ("rates", "daily_supply_rate", "Daily supply-cover rate", True),
    ("rates", "supply_days_per_person", "Supply days per funded person", False),
    ("year", "small_school_max_pupils", "Size threshold (largest roll of a small school)", False),
    ("rates", "funded_people_large", "Funded people, school over the threshold", False),
    ("rates", "funded_people_small", "Funded people, school at or under the threshold", False),
    ("rates", "travel_grant", "Travel grant per school", True),
    ("rates", "pscl_day_rate", "PSCL day rate", True),
    ("year", "pscl_days_per_school", "PSCL days per school", False),
    ("rates", "returns_due_on", "Expenditure returns due by", False),
)


def _shown(value, is_money: bool) -> str:
    if value is None:
        return "not set"
    if is_money:
        return gbp(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


@dataclass(frozen=True)
class RateRow:
    label: str
    value: str


@dataclass(frozen=True)
class RateChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    by: str
    changes: list[RateChange]


@dataclass(frozen=True)
class RatesPage:
    programme_year: ProgrammeYear
    is_saved: bool
    rows: list[RateRow]
    history: list[HistoryEntry]


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "the system"
    return user.get_full_name() or user.email


def _entries(records, rows) -> list[HistoryEntry]:
    """The changes of `rows`' fields from one history record to the next (oldest first); the
    first record says what the numbers were set to."""
    entries = []
    previous = None
    for record in records:
        changes = []
        for _model, name, label, is_money in rows:
            new = getattr(record, name)
            old = getattr(previous, name) if previous is not None else None
            if previous is None or old != new:
                changes.append(
                    RateChange(
                        label=label,
                        old=_shown(old, is_money) if previous is not None else "",
                        new=_shown(new, is_money),
                    )
                )
        if changes:
            entries.append(HistoryEntry(at=record.history_date, by=_who(record), changes=changes))
        previous = record
    return entries


def rates_page(programme_year: ProgrammeYear) -> RatesPage:
    """The year's rates as they apply now (the defaults until a manager saves them) and every
    change to them and to the year's threshold and PSCL days, newest first: three queries."""
    rates = FundingRates.objects.filter(programme_year=programme_year).first()
    is_saved = rates is not None
    if rates is None:
        rates = FundingRates(programme_year=programme_year)
    sources = {"rates": rates, "year": programme_year}
    rows = [
        RateRow(label=label, value=_shown(getattr(sources[model], name), is_money))
        for model, name, label, is_money in RATE_ROWS
    ]
    rate_rows = [row for row in RATE_ROWS if row[0] == "rates"]
    year_rows = [row for row in RATE_ROWS if row[0] == "year"]
    rate_records = (
        FundingRates.history.filter(programme_year_id=programme_year.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    year_records = (
        ProgrammeYear.history.filter(id=programme_year.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    history = _entries(rate_records, rate_rows) + _entries(year_records, year_rows)
    history.sort(key=lambda entry: entry.at, reverse=True)
    return RatesPage(programme_year=programme_year, is_saved=is_saved, rows=rows, history=history)


def place_holders(programme_year: ProgrammeYear):
    """The year's participations that hold a place (accepted, active or completed), with their
    school, grant and year, by school name."""
    return (
        Participation.objects.filter(
            programme_year=programme_year, status__in=PLACE_HOLDING_STATUSES
        )
        .select_related("school", "programme_year", "grant")
        .order_by("school__name", "pk")
    )


@dataclass(frozen=True)
class GrantRow:
    participation: Participation
    grant: Grant
    is_paid: bool


@dataclass(frozen=True)
class MissingGrant:
    participation: Participation
    reason: str


@dataclass(frozen=True)
class GrantTotals:
    schools: int = 0
    pupils: int = 0
    funded_people: int = 0
    supply_days: Decimal = Decimal("0.0")
    supply_amount: Decimal = ZERO
    travel_grant: Decimal = ZERO
    pscl_days: Decimal = Decimal("0.0")
    pscl_amount: Decimal = ZERO
    total: Decimal = ZERO


@dataclass(frozen=True)
class GrantList:
    rows: list[GrantRow]
    missing: list[MissingGrant]
    totals: GrantTotals = field(default_factory=GrantTotals)


NO_ROLL = "No number on roll: record it on the school's page, then recompute."
NOT_COMPUTED = "Not worked out yet: recompute the grants."


def grant_list(programme_year: ProgrammeYear) -> GrantList:
    """Every school holding a place in the year with its grant, the totals row (Decimal sums
    of the rows, so the page and the statement agree to the penny), and the schools with a
    place but no grant, with the reason: one query."""
    paid = Payment.objects.filter(
        participation=OuterRef("pk"),
        kind=PaymentKind.SCHOOL_GRANT,
        status=PaymentStatus.PAID,
    )
    rows, missing = [], []
    for participation in place_holders(programme_year).annotate(is_paid=Exists(paid)):
        grant = getattr(participation, "grant", None)
        if grant is None:
            reason = NO_ROLL if participation.school.number_on_roll is None else NOT_COMPUTED
            missing.append(MissingGrant(participation=participation, reason=reason))
        else:
            rows.append(GrantRow(participation, grant, participation.is_paid))
    grants = [row.grant for row in rows]
    totals = GrantTotals(
        schools=len(grants),
        pupils=sum(grant.pupils for grant in grants),
        funded_people=sum(grant.funded_people for grant in grants),
        supply_days=sum((grant.supply_days for grant in grants), Decimal("0.0")),
        supply_amount=sum((grant.supply_amount for grant in grants), ZERO),
        travel_grant=sum((grant.travel_grant for grant in grants), ZERO),
        pscl_days=sum((grant.pscl_days for grant in grants), Decimal("0.0")),
        pscl_amount=sum((grant.pscl_amount for grant in grants), ZERO),
        total=sum((grant.total for grant in grants), ZERO),
    )
    return GrantList(rows=rows, missing=missing, totals=totals)


@dataclass(frozen=True)
class GrantHistoryEntry:
    at: datetime.datetime
    by: str
    pupils: int
    old_total: Decimal | None
    new_total: Decimal


def grant_history(grant: Grant) -> list[GrantHistoryEntry]:
    """Each time the grant was worked out (its first computation and every recomputation),
    newest first, with the roll used and the total before and after: one query."""
    records = (
        Grant.history.filter(id=grant.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = []
    previous_total = None
    for record in records:
        entries.append(
            GrantHistoryEntry(
                at=record.history_date,
                by=_who(record),
                pupils=record.pupils,
                old_total=previous_total,
                new_total=record.total,
            )
        )
        previous_total = record.total
    entries.reverse()
    return entries


# The report of a recomputation, kept in the session between the POST and the page -----------


def recompute_report(changes) -> dict:
    """What happened to each grant in `changes` (`GrantChange`s), as plain strings that the
    session can keep: recomputed (old -> new), left because already paid, could not be worked
    out, and how many were already right."""
    report = {"recomputed": [], "paid": [], "failed": [], "unchanged": 0}
    for change in changes:
        school = change.participation.school.name
        old = gbp(change.old_total) if change.old_total is not None else "none"
        if change.skipped_reason == "already paid":
            report["paid"].append({"school": school, "total": old})
        elif change.skipped_reason:
            report["failed"].append({"school": school, "reason": change.skipped_reason})
        elif change.changed:
            report["recomputed"].append(
                {"school": school, "old": old, "new": gbp(change.new_total)}
            )
        else:
            report["unchanged"] += 1
    return report
