"""Forms of the school's story: the timeline's filter, notes, concerns and good practice."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fluid, Layout, Size
from django import forms

from ..models import ConcernLevel, ConcernSeverity
from ..timeline import timeline_kinds


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", button, data_prevent_double_click="true"))
    return helper


class TimelineFilterForm(forms.Form):
    """The timeline's filter, sent by GET so that a filtered timeline has a URL. The kinds are
    those the registered timeline sources declare."""

    kind = forms.ChoiceField(label="Show", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Every kind of event"), *timeline_kinds()]
        self.fields["kind"].error_messages["invalid_choice"] = (
            "Choose a kind of event from the list"
        )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "timeline-filter"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.select("kind"),
            HTML(
                '<div class="govuk-button-group">'
                '<button type="submit" class="govuk-button govuk-button--secondary" '
                'data-module="govuk-button">Filter</button>'
                '<a class="govuk-link" href="{{ request.path }}">Show every event</a>'
                "</div>"
            ),
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea,
        error_messages={"required": "Enter the note"},
        help_text="Everyone who can see this school's timeline can read it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("text", label_size=Size.MEDIUM, rows=6), button="Add the note"
        )


class ConcernRaiseForm(forms.Form):
    severity = forms.ChoiceField(
        label="How serious is the concern?",
        choices=ConcernSeverity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how serious the concern is"},
    )
    summary = forms.CharField(
        label="What is the concern?",
        widget=forms.Textarea,
        help_text="What the school is or is not doing, with dates: missed visits, training, plans.",
        error_messages={"required": "Say what the concern is"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("severity", legend_size=Size.MEDIUM, inline=True),
            Field.textarea("summary", label_size=Size.MEDIUM, rows=6),
            button="Raise the concern",
        )


class ConcernEscalateForm(forms.Form):
    """One step forward for a concern. The step is carried in the form, so that a form left open
    while someone else escalated the concern is refused rather than taking a second step. The
    letter is asked for only when the step is the notification of the governing body."""

    to_level = forms.ChoiceField(choices=ConcernLevel.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Why are you escalating the concern?",
        widget=forms.Textarea,
        error_messages={"required": "Say why the concern is escalated"},
    )
    letter = forms.CharField(
        label="Letter to the chair of governors",
        widget=forms.Textarea,
        help_text="Edit the letter before you record it. It is kept with this step, to print.",
        error_messages={"required": "Write the letter to the chair of governors"},
    )

    def __init__(self, *args, to_level: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_level"].initial = to_level
        fields = [Field("to_level"), Field.textarea("note", label_size=Size.MEDIUM, rows=4)]
        if to_level == ConcernLevel.GOVERNING_BODY:
            fields.append(Field.textarea("letter", label_size=Size.MEDIUM, rows=30))
            button = "Record the notification and the letter"
        else:
            del self.fields["letter"]
            button = "Escalate the concern"
        self.helper = _helper(*fields, button=button)


class ConcernResolveForm(forms.Form):
    note = forms.CharField(
        label="How was the concern resolved?",
        widget=forms.Textarea,
        error_messages={"required": "Say how the concern was resolved"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("note", label_size=Size.MEDIUM, rows=5), button="Resolve the concern"
        )


class GoodPracticeForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    case_study = forms.CharField(
        label="Case study",
        widget=forms.Textarea,
        help_text=(
            "What the school did and what changed, in a few paragraphs. Every school of the "
            "LEA can read it, with the school's name."
        ),
        error_messages={"required": "Write the case study"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title", label_size=Size.MEDIUM, field_width=Fluid.TWO_THIRDS),
            Field.textarea("case_study", label_size=Size.MEDIUM, rows=12),
            button="Save the case study",
        )
