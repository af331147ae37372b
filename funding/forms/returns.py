"""Forms of expenditure returns: the school's return (cover days per team member, travel, other
spending lines), evidence uploads, and the strategy manager's decision. They check what was typed;
`funding.services.returns` holds the rules and does the writes."""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape

from accounts.formfields import SteppedDecimalField

from ..models import EVIDENCE_MAX_BYTES, SpendingCategory
from ..services.returns import Decision, evidence_check

MAX_MONEY = Decimal("999999.99")


def money_field(label: str, *, what: str, minimum: Decimal = Decimal("0.00"), **kwargs):
    """Pounds and pence, as a text input (GOV.UK Design System advice for numbers)."""
    return forms.DecimalField(
        label=label,
        min_value=minimum,
        max_value=MAX_MONEY,
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {what}",
            "invalid": f"Enter the {what} as a number, like 84.50",
            "min_value": "Enter an amount more than 0" if minimum else "Enter 0 or more",
            "max_value": f"Enter the {what} as less than 1,000,000",
            "max_digits": f"Enter the {what} as less than 1,000,000",
            "max_decimal_places": f"Enter the {what} in pounds and pence, like 84.50",
            "max_whole_digits": f"Enter the {what} as less than 1,000,000",
        },
        **kwargs,
    )


def cover_field_name(member) -> str:
    return f"cover_{member.pk}"


class ReturnForm(forms.Form):
    """Cover days for each member of the school's leadership team, and travel spent."""

    travel_spent = money_field(
        "Travel spent (GBP)",
        what="travel spent",
        help_text="Fares and mileage for visits to other schools and to training.",
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        cover_fields = []
        for member in self.members:
            name = cover_field_name(member)
            self.fields[name] = SteppedDecimalField(
                # crispy-forms-gds prints labels unescaped (|safe): the name is escaped here.
                label=f"Supply-cover days used for {escape(member.full_name)}",
                help_text=f"{member.get_role_display()}. In half days: 0.5 is a morning "
                "or an afternoon; 0 if none.",
                min_value=Decimal("0"),
                max_value=Decimal("99.5"),
                max_digits=3,
                decimal_places=1,
                step_size=Decimal("0.5"),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
                error_messages={
                    "required": f"Enter the cover days used for {member.full_name}, or 0",
                    "invalid": "Enter the days as a number, like 0.5 or 5",
                    "min_value": "Enter 0 days or more",
                    "max_value": "Enter fewer than 100 days",
                    "max_digits": "Enter fewer than 100 days",
                    "max_whole_digits": "Enter fewer than 100 days",
                    "step_size": "Enter the days in half days, like 0.5, 1 or 1.5",
                    "max_decimal_places": "Enter the days in half days, like 0.5, 1 or 1.5",
                },
            )
            cover_fields.append(Field.text(name, field_width=Fixed.FIVE))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            *cover_fields, Field.text("travel_spent", field_width=Fixed.TEN)
        )

    def cover_days(self) -> dict[int, Decimal]:
        return {m.pk: self.cleaned_data[cover_field_name(m)] for m in self.members}


class SpendingLineForm(forms.Form):
    """One line of other spending: what kind, what it was, how much. A blank line is ignored;
    ticking "Remove this line" drops it when the return is saved."""

    category = forms.ChoiceField(
        label="What kind of spending",
        choices=[("", "Choose the kind of spending"), *SpendingCategory.choices],
        error_messages={"required": "Choose what kind of spending this was"},
    )
    description = forms.CharField(
        label="What it was",
        max_length=300,
        error_messages={
            "required": "Describe what the money was spent on",
            "max_length": "Describe it in 300 characters or fewer",
        },
    )
    amount = money_field("Amount (GBP)", what="amount spent", minimum=Decimal("0.01"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = (self.prefix or "").rsplit("-", 1)[-1]
        label = f" on line {int(number) + 1}" if number.isdigit() else ""
        for field in self.fields.values():
            field.label = f"{field.label}{label}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        fields = [
            Field.select("category"),
            Field.text("description", field_width=Fluid.FULL),
            Field.text("amount", field_width=Fixed.TEN),
        ]
        if "DELETE" in self.fields:
            self.fields["DELETE"].label = f"Remove this line{label}"
            fields.append(Field.checkbox("DELETE"))
        self.helper.layout = Layout(*fields)


class BaseSpendingFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict]:
        """The lines to keep: filled in and not ticked for removal."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


SpendingFormSet = forms.formset_factory(
    SpendingLineForm,
    formset=BaseSpendingFormSet,
    extra=1,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class EvidenceForm(forms.Form):
    """A supply invoice, receipt or other evidence: a PDF or an image."""

    file = forms.FileField(
        label="Evidence file",
        help_text=f"A PDF, PNG or JPEG, smaller than {EVIDENCE_MAX_BYTES // (1024 * 1024)} MB.",
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The file is empty: choose another",
            "invalid": "Choose a file to upload",
        },
    )
    description = forms.CharField(
        label="What it shows (optional)",
        max_length=200,
        required=False,
        help_text="For example, supply agency invoice for October.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field("file"),
            Field.text("description", field_width=Fluid.TWO_THIRDS),
            Button("upload", "Upload", data_prevent_double_click="true"),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.extension, self.original_name = evidence_check(upload)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return upload


class DecisionForm(forms.Form):
    """The strategy manager's decision on a submitted return."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=Decision.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or query the return"},
    )
    message = forms.CharField(
        label="Question for the school",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Needed for a query; the headteacher sees it on the return.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.legend_size = Size.SMALL
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.radios("decision"),
            Field.textarea("message"),
            Button("decide", "Save decision", data_prevent_double_click="true"),
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.QUERY and not data.get("message", "").strip():
            self.add_error("message", "Enter the question the school should answer")
        return data
