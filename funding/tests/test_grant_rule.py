"""The grant rule (DOMAIN.md: Funding) as pure arithmetic, each expectation worked out by hand
in the test: the boundary at 119, 120 and 121 pupils, changed rates, another threshold, and
odd rates rounded to the penny."""

from dataclasses import replace
from decimal import Decimal

import pytest

from funding.grants import GrantRates, breakdown_lines, gbp, grant_figures, money

D = Decimal

#: DOMAIN.md's 2004-05 figures with a supply day of GBP 150 and a PSCL day of GBP 300.
RATES_2004 = GrantRates(
    size_threshold=120,
    funded_people_large=3,
    funded_people_small=2,
    supply_days_per_person=D("5.0"),
    daily_supply_rate=D("150.00"),
    travel_grant=D("120.00"),
    pscl_days_per_school=D("4.0"),
    pscl_day_rate=D("300.00"),
)


def _assert_all_decimal(figures):
    for name in (
        "supply_days_per_person",
        "supply_days",
        "daily_rate",
        "supply_amount",
        "travel_grant",
        "pscl_days",
        "pscl_day_rate",
        "pscl_amount",
        "total",
    ):
        assert type(getattr(figures, name)) is Decimal, name


@pytest.mark.parametrize(
    ("pupils", "people", "supply_days", "supply", "total"),
    [
        # 119 pupils: small. 2 x 5 x 150 = 1,500.00 + 120.00 + 4 x 300 = 1,200.00 -> 2,820.00
        (119, 2, D("10"), D("1500.00"), D("2820.00")),
        # 120 pupils: at the threshold, still small -> 2,820.00
        (120, 2, D("10"), D("1500.00"), D("2820.00")),
        # 121 pupils: large. 3 x 5 x 150 = 2,250.00 + 120.00 + 1,200.00 -> 3,570.00
        (121, 3, D("15"), D("2250.00"), D("3570.00")),
    ],
)
def test_the_boundary_is_exact_at_120_pupils(pupils, people, supply_days, supply, total):
    figures = grant_figures(pupils=pupils, rates=RATES_2004)
    assert figures.funded_people == people
    assert figures.supply_days == supply_days
    assert figures.supply_amount == supply
    assert figures.travel_grant == D("120.00")
    assert figures.pscl_amount == D("1200.00")
    assert figures.total == total
    assert figures.is_small_school is (pupils <= 120)
    _assert_all_decimal(figures)


def test_the_breakdown_reads_as_the_issue_writes_it():
    lines = breakdown_lines(grant_figures(pupils=121, rates=RATES_2004))
    assert lines[0] == (
        "121 pupils (more than 120): 3 staff x 5 days x GBP 150 = GBP 2,250 of supply cover "
        "(15 days)"
    )
    assert lines[1] == "Travel to schools outside the locality: GBP 120"
    assert lines[2] == "PSCL support: 4 days x GBP 300 = GBP 1,200"
    assert lines[3] == "Total: GBP 3,570"
    small = breakdown_lines(grant_figures(pupils=120, rates=RATES_2004))
    assert small[0].startswith("120 pupils (120 or fewer): 2 staff x 5 days")


def test_changed_rates_give_the_hand_worked_grant():
    rates = replace(
        RATES_2004,
        funded_people_large=4,
        supply_days_per_person=D("4.0"),
        daily_supply_rate=D("160.00"),
        travel_grant=D("150.00"),
        pscl_days_per_school=D("3.5"),
        pscl_day_rate=D("280.00"),
    )
    figures = grant_figures(pupils=121, rates=rates)
    # 4 x 4 x 160 = 2,560.00 + 150.00 + 3.5 x 280 = 980.00 -> 3,690.00
    assert figures.supply_days == D("16")
    assert figures.supply_amount == D("2560.00")
    assert figures.pscl_amount == D("980.00")
    assert figures.total == D("3690.00")
    # The small school keeps its two people: 2 x 4 x 160 = 1,280.00 + 150.00 + 980.00
    assert grant_figures(pupils=119, rates=rates).total == D("2410.00")


@pytest.mark.parametrize(
    ("pupils", "total"),
    [
        # Threshold 100: 100 pupils small (2,820.00), 101 and 119 large (3,570.00).
        (100, D("2820.00")),
        (101, D("3570.00")),
        (119, D("3570.00")),
    ],
)
def test_a_threshold_of_100_moves_the_boundary(pupils, total):
    figures = grant_figures(pupils=pupils, rates=replace(RATES_2004, size_threshold=100))
    assert figures.total == total
    assert figures.size_threshold == 100


def test_odd_rates_are_rounded_to_the_penny_half_up():
    rates = replace(
        RATES_2004,
        supply_days_per_person=D("2.5"),
        daily_supply_rate=D("137.33"),
        pscl_days_per_school=D("4.5"),
        pscl_day_rate=D("312.37"),
    )
    figures = grant_figures(pupils=121, rates=rates)
    # 3 x 2.5 = 7.5 days; 7.5 x 137.33 = 1,029.975 -> 1,029.98 (half up, not to even)
    assert figures.supply_days == D("7.5")
    assert figures.supply_amount == D("1029.98")
    # 4.5 x 312.37 = 1,405.665 -> 1,405.67
    assert figures.pscl_amount == D("1405.67")
    # 1,029.98 + 120.00 + 1,405.67 = 2,555.65
    assert figures.total == D("2555.65")
    assert figures.total.as_tuple().exponent == -2
    _assert_all_decimal(figures)
    assert breakdown_lines(figures)[0].endswith("GBP 1,029.98 of supply cover (7.5 days)")


def test_money_and_gbp_never_go_through_a_float():
    assert money(D("2.675")) == D("2.68")  # float(2.675) would round to 2.67
    assert gbp(D("2250")) == "GBP 2,250"
    assert gbp(D("2250.5")) == "GBP 2,250.50"


def test_a_school_without_a_roll_has_no_grant():
    with pytest.raises(ValueError, match="number on roll"):
        grant_figures(pupils=None, rates=RATES_2004)
