"""Forms of the budget and payments: the budget received, the payment list's filters,
scheduling a grant's instalments, marking a payment paid or cancelling it, and the date up to
which PSCL days are paid. Money is a DecimalField (never a float)."""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Div, Field, Layout, Size
from django import forms

from leadership.forms.programme import GovukDateField

from ..models import PaymentKind, PaymentStatus
from ..services.payments import MAX_INSTALMENTS

_DECIMAL = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})
_NUMERIC = forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})

_FILTER_BUTTONS = HTML(
    '<div class="govuk-button-group">'
    '<button type="submit" class="govuk-button govuk-button--secondary" '
    'data-module="govuk-button">Apply filters</button>'
    '<a class="govuk-link" href="{{ request.path }}">Clear filters</a>'
    "</div>"
)


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Button("save", button, data_prevent_double_click="true"))
    return helper


class BudgetForm(forms.Form):
    """The money the LEA received for the year."""

    allocation_received = forms.DecimalField(
        label="Allocation received (GBP)",
        help_text="For example, 125000.00",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        widget=_DECIMAL,
        error_messages={
            "required": "Enter the allocation received",
            "invalid": "Enter the allocation as an amount in pounds, like 125000.00",
            "min_value": "The allocation cannot be negative",
            "max_decimal_places": "Enter the allocation to the penny (two decimal places)",
            "max_digits": "The allocation must be less than 10,000,000,000",
            "max_whole_digits": "The allocation must be less than 10,000,000,000",
        },
    )
    received_on = GovukDateField(
        label="Received on",
        help_text="For example, 1 4 2004",
        required=False,
        require_all_fields=False,
    )
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("allocation_received", field_width=10),
            "received_on",
            "notes",
            button="Save the budget",
        )


class PaymentFilterForm(forms.Form):
    """The payment list's filters (GET): kind, status and school."""

    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *PaymentKind.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "All statuses"), *PaymentStatus.choices]
    )
    school = forms.ModelChoiceField(
        label="School", required=False, queryset=None, empty_label="All schools"
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "payment-filters"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Div(
                Div(Field.select("kind"), css_class="govuk-grid-column-one-quarter"),
                Div(Field.select("status"), css_class="govuk-grid-column-one-quarter"),
                Div(Field.select("school"), css_class="govuk-grid-column-one-half"),
                css_class="govuk-grid-row",
            ),
            _FILTER_BUTTONS,
        )

    def filters(self) -> dict:
        """The filters for `payment_list`; none when the form is not valid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"kind": data["kind"], "status": data["status"], "school": data["school"]}


class ScheduleForm(forms.Form):
    """A school's grant in equal instalments a number of months apart."""

    count = forms.IntegerField(
        label="Number of instalments",
        min_value=1,
        max_value=MAX_INSTALMENTS,
        initial=2,
        widget=_NUMERIC,
        error_messages={
            "required": "Enter the number of instalments",
            "invalid": "Enter the number of instalments as a whole number, like 2",
            "min_value": "Schedule at least one instalment",
            "max_value": f"Schedule at most {MAX_INSTALMENTS} instalments",
        },
    )
    first_due_on = GovukDateField(
        label="First instalment due on", help_text="For example, 1 10 2004"
    )
    months_apart = forms.IntegerField(
        label="Months between instalments",
        min_value=1,
        max_value=12,
        initial=6,
        widget=_NUMERIC,
        error_messages={
            "required": "Enter the months between instalments",
            "invalid": "Enter the months as a whole number, like 6",
            "min_value": "Instalments are at least one month apart",
            "max_value": "Instalments are at most 12 months apart",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_due_on"].error_messages["required"] = "Enter the date it is due"
        self.helper = _helper(
            Field.text("count", field_width=4),
            "first_due_on",
            Field.text("months_apart", field_width=4),
            button="Schedule the instalments",
        )


class PaidForm(forms.Form):
    """The date a payment was made and the finance system's reference."""

    paid_on = GovukDateField(label="Paid on", help_text="For example, 4 10 2004")
    reference = forms.CharField(
        label="Finance reference",
        required=False,
        max_length=60,
        help_text="The reference of the payment in the LEA's finance system, if it has one.",
        error_messages={"max_length": "The reference must be 60 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].error_messages["required"] = "Enter the date it was paid"
        self.helper = _helper(
            "paid_on", Field.text("reference", field_width=20), button="Mark as paid"
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the payment cancelled?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": "Say why the payment is cancelled",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout("reason", Button.warning("save", "Cancel the payment"))


class PsclPaymentsForm(forms.Form):
    """The date up to which the days of submitted visits are paid."""

    up_to = GovukDateField(
        label="Pay the days of visits up to",
        help_text=(
            "Visits on or before this date that the PSCL has submitted. For example, 31 12 2004"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["up_to"].error_messages["required"] = "Enter the date"
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout("up_to", Button.secondary("show", "Show the payments due"))
