"""The grant services against the database: sums to the penny across many schools, changing
the rates recomputes unpaid grants and leaves paid ones, and a roll change recomputes with
history."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding.factories import FundingRatesFactory, PaymentFactory
from funding.models import FundingRates, Grant, PaymentStatus
from funding.selectors.grants import grant_history, grant_list, place_holders, recompute_report
from funding.selectors.statements import funding_statement
from funding.services.grants import grant_compute, grants_recompute, rates_update
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from leadership.models import ParticipationStatus
from schools.factories import SchoolFactory
from schools.imports.services import import_from_command
from schools.tests.data import gias_row, gias_text, write

pytestmark = pytest.mark.django_db

D = Decimal

RATES_2004 = {
    "daily_supply_rate": D("150.00"),
    "supply_days_per_person": D("5.0"),
    "small_school_max_pupils": 120,
    "funded_people_large": 3,
    "funded_people_small": 2,
    "travel_grant": D("120.00"),
    "pscl_day_rate": D("300.00"),
    "pscl_days_per_school": D("4.0"),
}


@pytest.fixture
def year(lea):
    year = ProgrammeYearFactory(local_authority=lea)
    FundingRatesFactory(programme_year=year)
    return year


def place(year, *, pupils, name=None, status=ParticipationStatus.ACTIVE):
    school = SchoolFactory(
        local_authority=year.local_authority,
        number_on_roll=pupils,
        **({"name": name} if name else {}),
    )
    return ParticipationFactory(programme_year=year, school=school, status=status)


def test_forty_schools_sum_to_the_penny_in_decimal_everywhere(year):
    # Odd rates: 7.5 x 137.33 = 1,029.975 -> 1,029.98 (large); 5 x 137.33 = 686.65 (small);
    # travel 87.65; 4.5 x 312.37 = 1,405.665 -> 1,405.67.
    rates_update(
        programme_year=year,
        values={
            **RATES_2004,
            "daily_supply_rate": D("137.33"),
            "supply_days_per_person": D("2.5"),
            "travel_grant": D("87.65"),
            "pscl_day_rate": D("312.37"),
            "pscl_days_per_school": D("4.5"),
        },
    )
    year.refresh_from_db()
    rolls = [60 + 7 * index for index in range(40)]  # 60 .. 333: 9 small, 31 large
    participations = [place(year, pupils=pupils) for pupils in rolls]
    grants_recompute(participations=participations)

    small = sum(1 for pupils in rolls if pupils <= 120)
    large = len(rolls) - small
    assert (small, large) == (9, 31)
    large_total = D("1029.98") + D("87.65") + D("1405.67")  # 2,523.30
    small_total = D("686.65") + D("87.65") + D("1405.67")  # 2,179.97
    expected = large * large_total + small * small_total  # 78,222.30 + 19,619.73
    assert expected == D("97842.03")

    grants = list(Grant.objects.filter(participation__programme_year=year))
    assert len(grants) == 40
    for grant in grants:
        for name in ("supply_amount", "travel_grant", "pscl_amount", "total", "supply_days"):
            assert type(getattr(grant, name)) is Decimal
    assert sum((grant.total for grant in grants), D("0.00")) == expected

    statement = funding_statement(year)
    total_row = statement.as_table()[-1]
    assert total_row[0] == "TOTAL"
    assert type(statement.totals["total"]) is Decimal
    assert statement.totals["total"] == expected
    assert total_row[-1] == expected

    listed = grant_list(year)
    assert type(listed.totals.total) is Decimal
    assert listed.totals.total == expected
    assert listed.totals.supply_amount == large * D("1029.98") + small * D("686.65")
    assert listed.totals.pscl_amount == 40 * D("1405.67")
    assert listed.totals.travel_grant == 40 * D("87.65")
    assert (
        listed.totals.supply_amount + listed.totals.travel_grant + listed.totals.pscl_amount
        == expected
    )


def test_changing_the_rates_recomputes_unpaid_grants_and_leaves_paid_ones(year):
    unpaid = place(year, pupils=121, name="Alder Primary School")
    paid = place(year, pupils=121, name="Birch Primary School")
    no_roll = place(year, pupils=None, name="Cedar Primary School")
    for participation in (unpaid, paid):
        grant_compute(participation=participation)
    PaymentFactory(participation=paid, status=PaymentStatus.PAID, amount=D("3570.00"))

    changes = rates_update(
        programme_year=year, values={**RATES_2004, "daily_supply_rate": D("160.00")}
    )

    # 3 x 5 x 160 = 2,400.00 + 120.00 + 1,200.00 -> 3,720.00
    assert Grant.objects.get(participation=unpaid).total == D("3720.00")
    assert Grant.objects.get(participation=paid).total == D("3570.00")
    assert Grant.objects.get(participation=paid).daily_rate == D("150.00")
    assert not Grant.objects.filter(participation=no_roll).exists()
    assert FundingRates.objects.get(programme_year=year).daily_supply_rate == D("160.00")

    report = recompute_report(changes)
    assert report["recomputed"] == [
        {"school": "Alder Primary School", "old": "GBP 3,570", "new": "GBP 3,720"}
    ]
    assert report["paid"] == [{"school": "Birch Primary School", "total": "GBP 3,570"}]
    assert [row["school"] for row in report["failed"]] == ["Cedar Primary School"]
    assert "no number on roll" in report["failed"][0]["reason"]


def test_raising_the_threshold_makes_a_school_small_again(year):
    participation = place(year, pupils=121)
    grant_compute(participation=participation)
    rates_update(programme_year=year, values={**RATES_2004, "small_school_max_pupils": 130})
    year.refresh_from_db()
    assert year.small_school_max_pupils == 130
    grant = Grant.objects.get(participation=participation)
    assert (grant.funded_people, grant.total, grant.size_threshold) == (2, D("2820.00"), 130)


def test_invalid_rates_save_nothing(year):
    participation = place(year, pupils=121)
    grant_compute(participation=participation)
    with pytest.raises(ValidationError) as caught:
        rates_update(programme_year=year, values={**RATES_2004, "daily_supply_rate": D("-1.00")})
    assert "daily_supply_rate" in caught.value.error_dict
    assert FundingRates.objects.get(programme_year=year).daily_supply_rate == D("150.00")
    assert Grant.objects.get(participation=participation).total == D("3570.00")


def test_a_roll_change_recomputes_the_unpaid_grant_with_history(year):
    participation = place(year, pupils=120)
    grant_compute(participation=participation)
    grant = Grant.objects.get(participation=participation)
    assert grant.total == D("2820.00")

    school = participation.school
    school.number_on_roll = 121
    school.save()

    grant.refresh_from_db()
    assert (grant.pupils, grant.total) == (121, D("3570.00"))
    assert grant.history.count() == 2
    entries = grant_history(grant)
    assert [(entry.pupils, entry.old_total, entry.new_total) for entry in entries] == [
        (121, D("2820.00"), D("3570.00")),
        (120, None, D("2820.00")),
    ]


def test_a_gias_import_recomputes_the_grants_of_the_schools_whose_roll_changed(year, tmp_path):
    """The import saves schools in bulk, without save(); its rolls_changed signal still reaches
    the grants (funding.apps), for the schools whose roll changed and only those."""
    changed = [place(year, pupils=120) for _ in range(3)]
    same = place(year, pupils=200)
    for participation in [*changed, same]:
        grant_compute(participation=participation)
    lea = year.local_authority
    rows = [
        gias_row(
            URN=str(participation.school.urn),
            EstablishmentNumber=str(4000 + index),
            NumberOfPupils="121" if participation in changed else "200",
            **{"LA (code)": lea.code, "LA (name)": lea.name},
        )
        for index, participation in enumerate([*changed, same])
    ]

    record = import_from_command(
        kind="GIAS",
        path=write(tmp_path / "gias.csv", gias_text(rows)),
        options={},
        dry_run=False,
        import_good_rows=False,
    )

    assert record.updated == 4
    grants = {grant.participation_id: grant for grant in Grant.objects.all()}
    for participation in changed:
        grant = grants[participation.pk]
        assert (grant.pupils, grant.total) == (121, D("3570.00"))
        assert grant.history.count() == 2
    assert grants[same.pk].pupils == 200
    assert grants[same.pk].history.count() == 1


def test_a_roll_change_leaves_a_paid_grant_as_offered(year):
    participation = place(year, pupils=120)
    grant_compute(participation=participation)
    PaymentFactory(participation=participation, status=PaymentStatus.PAID)
    school = participation.school
    school.number_on_roll = 300
    school.save()
    grant = Grant.objects.get(participation=participation)
    assert (grant.pupils, grant.total) == (120, D("2820.00"))
    assert grant.history.count() == 1


def test_the_grant_list_names_schools_with_a_place_but_no_grant(year):
    with_grant = place(year, pupils=200, name="Alder Primary School")
    grant_compute(participation=with_grant)
    no_roll = place(year, pupils=None, name="Birch Primary School")
    not_yet = place(year, pupils=90, name="Cedar Primary School")
    place(year, pupils=90, name="Declined Primary School", status=ParticipationStatus.DECLINED)

    listed = grant_list(year)
    assert [row.participation for row in listed.rows] == [with_grant]
    assert [(item.participation, item.reason.split(":")[0]) for item in listed.missing] == [
        (no_roll, "No number on roll"),
        (not_yet, "Not worked out yet"),
    ]
    assert list(place_holders(year)) == [with_grant, no_roll, not_yet]
