"""Forms of the PSCL's visit log: planning a visit, the visit note with its agreed actions (a
formset), cancelling a planned visit and the headteacher's pre-visit note.

They check what the user typed; `consultants.services.visits` holds the rules (what a draft and
a submitted visit need) and its errors come back to the fields they are about. One column of
GOV.UK components, large radios and checkboxes, so that the note is written on a phone or tablet.
"""

from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    Button,
    Field,
    Layout,
    Size,
)
from django import forms

from accounts.formfields import SteppedDecimalField
from accounts.govuk_forms import GovukFieldsMixin, Show
from leadership.forms.programme import GovukDateField

from ..models import ConsultancyStage, VisitFocus, VisitKind, VisitLength
from ..services.visits import ActionLine, VisitNote

#: The values the form's buttons send as `action`.
SAVE_DRAFT = "draft"
SUBMIT = "submit"
SAVE_CHANGES = "save"

YES_NO = [("yes", "Yes"), ("no", "No")]


def _date_field(label: str, hint: str, *, required: bool = True) -> DateInputField:
    # GovukDateField: a year of thirty digits is "Enter a real date", not a server error.
    field = GovukDateField(label=label, help_text=hint, require_all_fields=False, required=required)
    field.error_messages["required"] = f"Enter the {label.lower()}"
    field.error_messages["incomplete"] = f"Enter the {label.lower()} in full"
    for subfield in field.fields:
        subfield.error_messages["incomplete"] = f"Enter the {label.lower()} in full"
    return field


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _yes_no_initial(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "")


class VisitPlanForm(forms.Form):
    """A visit planned ahead: the date and what it is for."""

    visit_on = _date_field("Date of the visit", "For example, 12 10 2004")
    purpose = forms.CharField(
        label="Purpose of the visit",
        max_length=300,
        widget=forms.Textarea,
        help_text="What the visit is for, so that the school can prepare. The headteacher sees it.",
        error_messages={
            "required": "Enter the purpose of the visit",
            "max_length": "Keep the purpose to 300 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field("visit_on"),
            Field.textarea("purpose", rows=3),
            Button("save", "Plan the visit", data_prevent_double_click="true"),
        )


class VisitNoteForm(GovukFieldsMixin, forms.Form):
    """The PSCL's note of a visit. Every question but the date may be left for a draft; the
    service says what submitting needs, by field. The form's buttons are in the template, after
    the agreed actions. Its fields are written by `partials/govuk_fields.html` (see
    `accounts.govuk_forms`: crispy-forms-gds took most of the page's time)."""

    layout = (
        Show("visit_on"),
        # The follow-on questions stay in sight rather than revealed: GOV.UK Frontend's
        # conditional reveal puts aria-expanded on radios, which axe-core rejects.
        Show("length"),
        Show("hours", css_class="govuk-input--width-5"),
        Show("kind"),
        Show("stage"),
        Show("focus"),
        Show("attendees", rows=2),
        Show("notes", rows=8),
        Show("standards_challenged", inline=True),
        Show("challenge_detail", rows=3),
        Show("next_visit_on"),
    )

    visit_on = _date_field("Date of the visit", "For example, 12 10 2004")
    length = forms.ChoiceField(
        label="How long was the visit?",
        choices=VisitLength.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose how long the visit was"},
    )
    hours = SteppedDecimalField(
        label="Number of hours",
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal("10"),
        max_digits=3,
        decimal_places=1,
        step_size=Decimal("0.5"),
        help_text='Only if you chose "Hours". In half hours, like 1.5 or 2.',
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the hours as a number, like 1.5 or 2",
            "min_value": "Enter at least half an hour (0.5)",
            "max_value": "Enter no more than 10 hours",
            "step_size": "Enter the hours in half hours, like 1.5 or 2",
            "max_decimal_places": "Enter the hours in half hours, like 1.5 or 2",
            "max_digits": "Enter no more than 10 hours",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of visit was it?",
        choices=VisitKind.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose the kind of visit"},
    )
    stage = forms.TypedChoiceField(
        label="Consultancy stage",
        choices=ConsultancyStage.choices,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
        help_text="Where the school is in the six stages of the consultancy.",
        error_messages={"invalid_choice": "Choose the consultancy stage"},
    )
    focus = forms.MultipleChoiceField(
        label="Focus of the visit",
        choices=VisitFocus.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Choose the focus from the list"},
    )
    attendees = forms.CharField(label="Who attended", widget=forms.Textarea, required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    standards_challenged = forms.TypedChoiceField(
        label="Were standards challenged?",
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Say whether standards were challenged"},
    )
    challenge_detail = forms.CharField(
        label="How were standards challenged?",
        widget=forms.Textarea,
        required=False,
        help_text=(
            'Needed if you answered "Yes". For example, asked why KS1 reading fell and what '
            "the plan does about it."
        ),
    )
    next_visit_on = _date_field(
        "Date of the next visit",
        "Optional. When you submit, a follow-up visit is planned on this date. "
        "For example, 9 11 2004",
        required=False,
    )

    def __init__(self, *args, visit=None, **kwargs):
        if visit is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "visit_on": visit.visit_on,
                "length": visit.length,
                "hours": visit.hours,
                "kind": visit.kind,
                "stage": visit.stage,
                "focus": list(visit.focus),
                "attendees": visit.attendees,
                "notes": visit.notes,
                "standards_challenged": _yes_no_initial(visit.standards_challenged),
                "challenge_detail": visit.challenge_detail,
                "next_visit_on": visit.next_visit_on,
            }
        super().__init__(*args, **kwargs)

    def note(self) -> VisitNote:
        """What the PSCL wrote, for the services."""
        data = self.cleaned_data
        return VisitNote(
            visit_on=data["visit_on"],
            length=data["length"],
            hours=data["hours"],
            kind=data["kind"],
            stage=data["stage"],
            focus=tuple(data["focus"]),
            attendees=data["attendees"],
            notes=data["notes"],
            standards_challenged=data["standards_challenged"],
            challenge_detail=data["challenge_detail"],
            next_visit_on=data["next_visit_on"],
        )


class AgreedActionForm(GovukFieldsMixin, forms.Form):
    """One row of agreed actions: who does what by when. A row left empty is ignored; a row
    started must be finished; "Remove this action" takes it off the visit."""

    layout = (Show("pk"), Show("who"), Show("what", rows=2), Show("due_on"))

    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    who = forms.CharField(
        label="Who",
        max_length=150,
        required=False,
        error_messages={"max_length": "Keep who to 150 characters or fewer"},
    )
    what = forms.CharField(label="What", widget=forms.Textarea, required=False)
    due_on = _date_field("By when", "For example, 5 11 2004", required=False)

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("who") or data.get("what") or data.get("due_on"))

    def clean(self):
        data = super().clean()
        if data.get("DELETE") or self.is_blank:
            return data
        messages = {
            "who": "Enter who will do the action",
            "what": "Enter what was agreed",
            "due_on": "Enter the date the action is due by",
        }
        for name, message in messages.items():
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)
        return data

    def line(self) -> ActionLine | None:
        """The row for the services; None for an empty new row."""
        data = self.cleaned_data
        if not data:
            return None
        if data.get("DELETE"):
            return ActionLine(who="", what="", due_on=None, pk=data.get("pk"), remove=True)
        if self.is_blank:
            # An existing action emptied out is taken off the visit, as if removed.
            if data.get("pk"):
                return ActionLine(who="", what="", due_on=None, pk=data["pk"], remove=True)
            return None
        return ActionLine(
            who=data["who"], what=data["what"], due_on=data["due_on"], pk=data.get("pk")
        )


class BaseAgreedActionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this action"
            form.layout = (*form.layout, Show("DELETE", small=True))

    def lines(self) -> list[ActionLine]:
        return [line for form in self.forms if (line := form.line()) is not None]


def agreed_action_formset(data=None, *, visit=None):
    """The agreed actions of `visit` (none for a new visit) with a few empty rows."""
    initial = []
    if visit is not None and visit.pk:
        initial = [
            {"pk": action.pk, "who": action.who, "what": action.what, "due_on": action.due_on}
            for action in visit.agreed_actions.order_by("due_on", "pk")
        ]
    formset_class = forms.formset_factory(
        AgreedActionForm,
        formset=BaseAgreedActionFormSet,
        extra=3 if not initial else 2,
        can_delete=True,
        can_delete_extra=False,
        max_num=30,
        validate_max=True,
    )
    return formset_class(data, initial=initial, prefix="actions")


class PreVisitNoteForm(forms.Form):
    """The headteacher's note before a planned visit."""

    progress = forms.CharField(
        label="What progress has the school made since the last visit?",
        widget=forms.Textarea,
        error_messages={"required": "Say what progress the school has made since the last visit"},
    )
    wants = forms.CharField(
        label="What do you want from this visit?",
        widget=forms.Textarea,
        error_messages={"required": "Say what the school wants from this visit"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.textarea("progress", rows=5),
            Field.textarea("wants", rows=5),
            Button("save", "Save the note", data_prevent_double_click="true"),
        )
