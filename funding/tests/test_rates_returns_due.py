"""The date by which a year's expenditure returns are due: an optional GOV.UK date on the rates
form, saved with the rates, read by the LEA dashboard's "return overdue" warning."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from funding.factories import FundingRatesFactory
from funding.forms.grants import RatesForm, rates_initial
from funding.models import FundingRates
from leadership.factories import ProgrammeYearFactory

pytestmark = pytest.mark.django_db

RATES = {
    "daily_supply_rate": "150",
    "supply_days_per_person": "5",
    "small_school_max_pupils": "120",
    "funded_people_large": "3",
    "funded_people_small": "2",
    "travel_grant": "120.00",
    "pscl_day_rate": "300",
    "pscl_days_per_school": "4",
}


def due(day="", month="", year=""):
    return {"returns_due_on_0": day, "returns_due_on_1": month, "returns_due_on_2": year}


def test_the_due_date_may_be_left_blank():
    form = RatesForm(data={**RATES, **due()})

    assert form.is_valid(), form.errors
    assert form.values()["returns_due_on"] is None


def test_a_due_date_is_read_as_a_date():
    form = RatesForm(data={**RATES, **due("30", "9", "2005")})

    assert form.is_valid(), form.errors
    assert form.values()["returns_due_on"] == datetime.date(2005, 9, 30)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("30", "", "2005"), "Enter the month"),
        (("31", "9", "2005"), "Enter a real date"),
    ],
)
def test_a_part_date_or_one_that_does_not_exist_is_refused(parts, message):
    form = RatesForm(data={**RATES, **due(*parts)})

    assert not form.is_valid()
    assert message in str(form.errors["returns_due_on"])


def test_the_form_starts_from_the_saved_date(lea):
    rates = FundingRatesFactory(
        programme_year=ProgrammeYearFactory(local_authority=lea),
        returns_due_on=datetime.date(2005, 9, 30),
    )

    initial = rates_initial(rates, rates.programme_year)
    assert initial["returns_due_on"] == datetime.date(2005, 9, 30)


def test_a_manager_saves_the_due_date_with_the_rates(client, users, lea):
    year = ProgrammeYearFactory(local_authority=lea)
    client.force_login(users[Role.MANAGER])

    response = client.post(
        reverse("funding:rates_edit", args=[year.pk]), {**RATES, **due("30", "9", "2005")}
    )

    assert response.status_code == 302
    rates = FundingRates.objects.get(programme_year=year)
    assert rates.returns_due_on == datetime.date(2005, 9, 30)
