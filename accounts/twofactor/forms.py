"""Forms for the second factor: one box for a code, laid out as a GOV.UK form."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout
from django import forms


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app (or, where `allow_recovery`, a recovery code).

    The form only checks the shape; whether the code is right is for `services.code_check`, which
    the view calls, and whose answer goes next to this field."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )

    def __init__(self, *args, allow_recovery=True, button="Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_recovery = allow_recovery
        field = self.fields["code"]
        if allow_recovery:
            field.help_text = (
                "The 6-digit code your authenticator app shows now, or one of your recovery codes."
            )
            field.widget.attrs.pop("inputmode", None)
        else:
            field.help_text = "The 6-digit code your authenticator app shows now."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("code", field_width=Fixed.TEN),
            Button("submit", button, data_prevent_double_click="true"),
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        digits = code.replace(" ", "")
        if not self.allow_recovery and not (digits.isdigit() and len(digits) == 6):
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
        return code
