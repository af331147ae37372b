"""Form fields that the consultants forms share: a person's phone number and years of headship,
and the keyboards phones should show for numbers."""

from django import forms

NUMERIC = forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})
DECIMAL = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})


def phone_field() -> forms.CharField:
    return forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        error_messages={"max_length": "The phone number must be 30 characters or fewer"},
    )


def years_of_headship_field(label: str = "Years of headship") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=60,
        widget=NUMERIC,
        error_messages={
            "invalid": "Years of headship must be a whole number",
            "min_value": "Years of headship cannot be negative",
            "max_value": "Years of headship must be 60 or fewer",
        },
    )
