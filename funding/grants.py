"""The grant rule (DOMAIN.md: Funding), as pure arithmetic on Decimals: the one place that turns
a school's number on roll and a year's rates into supply cover, travel and PSCL support.

- more than `size_threshold` pupils: `funded_people_large` people (three senior staff; the head
  takes part too, unfunded) x `supply_days_per_person` days of supply cover;
- `size_threshold` pupils or fewer: `funded_people_small` people (the head and one other teacher);
- the travel grant per school;
- PSCL support: `pscl_days` x the PSCL day rate.
The boundary is exact: at the threshold a school is small, one pupil more it is large.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """`value` in pounds to the penny, rounding halves up (never through a float)."""
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def gbp(value: Decimal) -> str:
    """`value` as people read money: "GBP 2,250" for whole pounds, "GBP 2,250.50" otherwise."""
    value = money(value)
    if value == value.to_integral_value():
        return f"GBP {value:,.0f}"
    return f"GBP {value:,.2f}"


def _number(value: Decimal) -> str:
    value = Decimal(value)
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


@dataclass(frozen=True)
class GrantRates:
    """The numbers the rule reads: the year's funding rates and its size threshold and PSCL
    days per school."""

    size_threshold: int
    funded_people_large: int
    funded_people_small: int
    supply_days_per_person: Decimal
    daily_supply_rate: Decimal
    travel_grant: Decimal
    pscl_days_per_school: Decimal
    pscl_day_rate: Decimal


@dataclass(frozen=True)
class GrantFigures:
    pupils: int
    size_threshold: int
    funded_people: int
    supply_days_per_person: Decimal
    supply_days: Decimal
    daily_rate: Decimal
    supply_amount: Decimal
    travel_grant: Decimal
    pscl_days: Decimal
    pscl_day_rate: Decimal
    pscl_amount: Decimal
    total: Decimal

    @property
    def is_small_school(self) -> bool:
        return self.pupils <= self.size_threshold


def grant_figures(*, pupils: int, rates: GrantRates) -> GrantFigures:
    """The grant of a school of `pupils` pupils under `rates`."""
    if pupils is None or pupils < 0:
        raise ValueError("The number on roll is needed to compute a grant.")
    is_small = pupils <= rates.size_threshold
    funded_people = rates.funded_people_small if is_small else rates.funded_people_large
    supply_days = Decimal(funded_people) * Decimal(rates.supply_days_per_person)
    supply_amount = money(supply_days * Decimal(rates.daily_supply_rate))
    travel = money(rates.travel_grant)
    pscl_amount = money(Decimal(rates.pscl_days_per_school) * Decimal(rates.pscl_day_rate))
    return GrantFigures(
        pupils=pupils,
        size_threshold=rates.size_threshold,
        funded_people=funded_people,
        supply_days_per_person=Decimal(rates.supply_days_per_person),
        supply_days=supply_days,
        daily_rate=money(rates.daily_supply_rate),
        supply_amount=supply_amount,
        travel_grant=travel,
        pscl_days=Decimal(rates.pscl_days_per_school),
        pscl_day_rate=money(rates.pscl_day_rate),
        pscl_amount=pscl_amount,
        total=supply_amount + travel + pscl_amount,
    )


def breakdown_lines(figures) -> list[str]:
    """The sum in words anyone can read, a line per part, from a `GrantFigures` or a `Grant`:
    "121 pupils: 3 staff x 5 days x GBP 150 = GBP 2,250"."""
    is_small = figures.pupils <= figures.size_threshold
    size = (
        f"{figures.size_threshold} or fewer" if is_small else f"more than {figures.size_threshold}"
    )
    return [
        f"{figures.pupils} pupils ({size}): {figures.funded_people} staff x "
        f"{_number(figures.supply_days_per_person)} days x {gbp(figures.daily_rate)} = "
        f"{gbp(figures.supply_amount)} of supply cover "
        f"({_number(figures.supply_days)} days)",
        f"Travel to schools outside the locality: {gbp(figures.travel_grant)}",
        f"PSCL support: {_number(figures.pscl_days)} days x {gbp(figures.pscl_day_rate)} = "
        f"{gbp(figures.pscl_amount)}",
        f"Total: {gbp(figures.total)}",
    ]
