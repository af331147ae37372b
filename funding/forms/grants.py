"""The form of the year's rates (issue 5, item 1): GOV.UK text inputs with a numeric keyboard,
Decimal fields (money to the penny, never a float) and messages that say what to change."""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from leadership.forms.programme import GovukDateField

_NUMERIC = forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})
_DECIMAL = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})


def _money_field(label, *, max_digits, help_text=""):
    """Pounds and pence: at most two decimal places, not negative."""
    name = label[0].lower() + label[1:]
    largest = f"{10 ** (max_digits - 2):,}"
    return forms.DecimalField(
        label=label,
        widget=_DECIMAL,
        min_value=Decimal("0"),
        max_digits=max_digits,
        decimal_places=2,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {name}",
            "invalid": f"The {name} must be an amount in pounds, such as 150 or 137.50",
            "min_value": f"The {name} cannot be negative",
            "max_digits": f"The {name} must be less than GBP {largest}",
            "max_whole_digits": f"The {name} must be less than GBP {largest}",
            "max_decimal_places": f"The {name} must be in pounds and pence, such as 137.33",
        },
    )


def _days_field(label, *, minimum, max_digits, help_text=""):
    """Days to one decimal place (half days)."""
    name = label[0].lower() + label[1:]
    largest = f"{10 ** (max_digits - 1):,}"
    return forms.DecimalField(
        label=label,
        widget=_DECIMAL,
        min_value=minimum,
        max_digits=max_digits,
        decimal_places=1,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {name}",
            "invalid": f"The {name} must be a number, such as 5 or 7.5",
            "min_value": f"The {name} must be at least {minimum}",
            "max_digits": f"The {name} must be less than {largest}",
            "max_whole_digits": f"The {name} must be less than {largest}",
            "max_decimal_places": f"The {name} can have one decimal place, such as 7.5",
        },
    )


def _count_field(label, *, minimum, help_text=""):
    name = label[0].lower() + label[1:]
    return forms.IntegerField(
        label=label,
        widget=_NUMERIC,
        min_value=minimum,
        max_value=32767,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {name}",
            "invalid": f"The {name} must be a whole number",
            "min_value": f"The {name} must be at least {minimum}",
            "max_value": f"The {name} must be 32,767 or fewer",
        },
    )


class RatesForm(forms.Form):
    """The year's funding rates, with the programme year's size threshold and PSCL days per
    school beside them. Built from the current values (`initial`); `values()` is what
    `rates_update` takes."""

    daily_supply_rate = _money_field(
        "Daily supply-cover rate",
        max_digits=7,
        help_text="In pounds: what a day of supply cover costs the school (150 in 2004-05).",
    )
    supply_days_per_person = _days_field(
        "Supply days per funded person",
        minimum=Decimal("0"),
        max_digits=4,
        help_text="Days of cover for each funded member of the team (5).",
    )
    small_school_max_pupils = _count_field(
        "Size threshold",
        minimum=1,
        help_text="Schools with this many pupils or fewer are small (120).",
    )
    funded_people_large = _count_field(
        "Funded people, school over the threshold",
        minimum=0,
        help_text="Three senior staff; the head takes part too, unfunded (3).",
    )
    funded_people_small = _count_field(
        "Funded people, school at or under the threshold",
        minimum=0,
        help_text="The head and one other teacher (2).",
    )
    travel_grant = _money_field(
        "Travel grant per school",
        max_digits=8,
        help_text="In pounds: towards visits to schools outside the locality (120).",
    )
    pscl_day_rate = _money_field(
        "PSCL day rate",
        max_digits=7,
        help_text="In pounds: what a day of the PSCL's support costs (300 in 2004-05).",
    )
    pscl_days_per_school = _days_field(
        "PSCL days per school",
        minimum=Decimal("0.5"),
        max_digits=4,
        help_text="School-based support days each school gets from its PSCL (about 4).",
    )
    returns_due_on = GovukDateField(
        label="Expenditure returns due by",
        required=False,
        require_all_fields=False,
        help_text=(
            "Leave blank until the LEA sets it. After this date, a funded school whose return "
            "is not in is shown as overdue. For example, 30 9 2005"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Fieldset(
                Field.text("daily_supply_rate", field_width=5),
                Field.text("supply_days_per_person", field_width=4),
                legend="Supply cover",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("small_school_max_pupils", field_width=4),
                Field.text("funded_people_large", field_width=4),
                Field.text("funded_people_small", field_width=4),
                legend="School size",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("travel_grant", field_width=5),
                legend="Travel",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("pscl_day_rate", field_width=5),
                Field.text("pscl_days_per_school", field_width=4),
                legend="PSCL support",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                "returns_due_on",
                legend="Expenditure returns",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", "Save the rates and recompute the grants"),
        )

    def values(self) -> dict:
        return dict(self.cleaned_data)


def rates_initial(rates, programme_year) -> dict:
    """The form's starting values: the year's rates and its own two numbers."""
    return {
        "daily_supply_rate": rates.daily_supply_rate,
        "supply_days_per_person": rates.supply_days_per_person,
        "small_school_max_pupils": programme_year.small_school_max_pupils,
        "funded_people_large": rates.funded_people_large,
        "funded_people_small": rates.funded_people_small,
        "travel_grant": rates.travel_grant,
        "pscl_day_rate": rates.pscl_day_rate,
        "pscl_days_per_school": programme_year.pscl_days_per_school,
        "returns_due_on": rates.returns_due_on,
    }
