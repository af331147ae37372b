"""The form of a user's notification preference: an email each time or a weekly digest."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from ..models import NotificationFrequency

FREQUENCY_CHOICES = (
    Choice(
        NotificationFrequency.IMMEDIATE.value,
        NotificationFrequency.IMMEDIATE.label,
        hint="As soon as a report is ready or a PSCL's visit brings agreed actions.",
    ),
    Choice(
        NotificationFrequency.WEEKLY.value,
        NotificationFrequency.WEEKLY.label,
        hint="One email a week listing everything that changed in your schools.",
    ),
)


class NotificationPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How do you want to hear about changes in your schools?",
        choices=FREQUENCY_CHOICES,
        widget=forms.RadioSelect,
        help_text=(
            "Every email links to the page in PLP Admin, where you sign in to read it. Reports "
            "are never sent as attachments."
        ),
        error_messages={
            "required": "Choose an email each time or a weekly digest",
            "invalid_choice": "Choose an email each time or a weekly digest",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("frequency", legend_size=Size.LARGE, legend_tag="h1"),
            Button("submit", "Save", data_prevent_double_click="true"),
        )
