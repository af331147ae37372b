"""Forms of the programme year: its settings, the selection filters, inviting schools, the
criterion 3 flag, a participation's next step and the manager's judgements on it."""

import datetime
from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from accounts.govuk_forms import Column, GovukFilterFormMixin, Show
from schools.models import LocalAuthority, School

from ..models import (
    OfstedKind,
    Participation,
    ParticipationStatus,
    ProgrammeYear,
    SelectionMeasure,
)
from ..selectors.programme import (
    CRITERIA,
    CRITERION_LEA_JUDGEMENT,
    CRITERION_NOT_YET_PROGRESSING,
    CRITERION_VALUE_ADDED,
    SIZE_LARGE,
    SIZE_SMALL,
)
from ..services.programme import PROGRAMME_YEAR_FIELDS, REASON_REQUIRED


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on `form`: against the field it names when the form has
    that field, at the top of the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class GovukDateField(DateInputField):
    """A GOV.UK date input (day, month, year) that says plainly when the date does not exist."""

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as error:  # OverflowError: a year of 30 digits
            raise ValidationError("Enter a real date", code="invalid") from error


#: GOV.UK asks for numbers in text inputs with a numeric keyboard, not type="number".
_NUMERIC = forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})
_DECIMAL = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})


def _count_field(label, *, minimum, help_text="", **kwargs):
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
        **kwargs,
    )


class ProgrammeYearForm(forms.ModelForm):
    """A programme year's settings: every number DOMAIN.md marks configurable.

    The year belongs to `local_authority`; for an admin creating a year, pass `lea_queryset`
    instead and the form asks which LEA. Each rule of the model is reported against the field
    to change.
    """

    local_authority = forms.ModelChoiceField(
        label="LEA",
        queryset=LocalAuthority.objects.none(),
        empty_label="Choose an LEA",
        error_messages={
            "required": "Choose the LEA that runs the programme year",
            "invalid_choice": "Choose an LEA from the list",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=20,
        help_text='The school year, such as "2004-05".',
        error_messages={
            "required": "Enter the name of the programme year, such as 2004-05",
            "max_length": "The name must be 20 characters or fewer",
        },
    )
    starts_on = GovukDateField(label="Starts on", help_text="For example, 1 9 2004")
    ends_on = GovukDateField(label="Ends on", help_text="For example, 31 7 2005")
    funded_places = _count_field(
        "Funded places", minimum=1, help_text="Places the LEA is funded for, reserve included."
    )
    reserve_places = _count_field(
        "Reserve places",
        minimum=0,
        help_text="Kept back for schools identified once the year's KS2 results arrive.",
    )
    pscl_days_per_school = forms.DecimalField(
        label="PSCL days per school",
        widget=_DECIMAL,
        min_value=Decimal("0.5"),
        max_digits=4,
        decimal_places=1,
        help_text="School-based support days each school gets from its PSCL, about 4.",
        error_messages={
            "required": "Enter the PSCL days per school",
            "invalid": "PSCL days per school must be a number, such as 4 or 4.5",
            "min_value": "PSCL days per school must be at least 0.5",
            "max_digits": "PSCL days per school must be less than 1,000",
            "max_decimal_places": "PSCL days per school can have one decimal place, such as 4.5",
            "max_whole_digits": "PSCL days per school must be less than 1,000",
        },
    )
    small_school_max_pupils = _count_field(
        "Largest roll of a small school",
        minimum=1,
        help_text="Schools with this many pupils or fewer are small (120 in 2004-05).",
    )
    small_team_size = _count_field(
        "Team of a small school",
        minimum=1,
        help_text="Funded leadership team, headteacher included (2: the head and one other).",
    )
    large_team_size = _count_field(
        "Team of a larger school",
        minimum=1,
        help_text="Funded leadership team, headteacher included (4: the head and three others).",
    )
    selection_measure = forms.ChoiceField(
        label="Measure of progress for selection",
        choices=SelectionMeasure.choices,
        required=False,
        help_text="Selection criterion 2 compares the latest figure of this measure with the "
        "threshold below: value added for 2003-2006 results, a progress score for today's.",
    )
    value_added_threshold = forms.DecimalField(
        label="Value added threshold",
        widget=_DECIMAL,
        max_digits=4,
        decimal_places=1,
        help_text="Selection criterion 2: schools whose latest figure of the measure is below "
        "this (100 for value added; 0 or -1 for a progress score).",
        error_messages={
            "required": "Enter the value added threshold",
            "invalid": "The value added threshold must be a number, such as 100",
            "max_digits": "The value added threshold must be less than 1,000",
            "max_decimal_places": "The value added threshold can have one decimal place",
            "max_whole_digits": "The value added threshold must be less than 1,000",
        },
    )
    max_plan_priorities = _count_field(
        "Most priorities in an action plan",
        minimum=1,
        help_text="A plan with more priorities than this is flagged (4).",
    )
    plan_review_weeks = _count_field(
        "Weeks between plan reviews",
        minimum=1,
        help_text="A plan with no review for this many weeks is flagged (6).",
    )

    class Meta:
        model = ProgrammeYear
        fields = PROGRAMME_YEAR_FIELDS

    def __init__(self, *args, local_authority=None, lea_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lea_queryset is None:
            del self.fields["local_authority"]
            self.local_authority = local_authority or self.instance.local_authority
        else:
            self.fields["local_authority"].queryset = lea_queryset
            self.local_authority = None
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            *(["local_authority"] if lea_queryset is not None else []),
            Field.text("name", field_width=10),
            "starts_on",
            "ends_on",
            Fieldset(
                Field.text("funded_places", field_width=4),
                Field.text("reserve_places", field_width=4),
                legend="Places",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("pscl_days_per_school", field_width=4),
                Field.text("small_school_max_pupils", field_width=4),
                Field.text("small_team_size", field_width=4),
                Field.text("large_team_size", field_width=4),
                legend="Support and teams",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("selection_measure"),
                Field.text("value_added_threshold", field_width=4),
                Field.text("max_plan_priorities", field_width=4),
                Field.text("plan_review_weeks", field_width=4),
                legend="Selection and plan checks",
                legend_size=Size.MEDIUM,
            ),
            Button("save", "Save programme year"),
        )

    def clean_selection_measure(self):
        # Left out (an older form, a client that does not know it): value added, as before.
        return self.cleaned_data.get("selection_measure") or SelectionMeasure.VALUE_ADDED

    def clean(self):
        data = super().clean()
        lea = data.get("local_authority", self.local_authority)
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", "The end date must be after the start date")
        funded, reserve = data.get("funded_places"), data.get("reserve_places")
        if funded is not None and reserve is not None and reserve > funded:
            self.add_error(
                "reserve_places", f"Reserve places cannot be more than the funded places ({funded})"
            )
        released = self.instance.reserve_released
        if reserve is not None and reserve < released:
            self.add_error(
                "reserve_places",
                f"{released} reserve places have been released already: keep at least "
                f"{released} in reserve",
            )
        small, large = data.get("small_team_size"), data.get("large_team_size")
        if small is not None and large is not None and small > large:
            self.add_error(
                "small_team_size",
                "The team of a small school cannot be larger than the team of a larger school",
            )
        name = data.get("name")
        if name and lea is not None:
            taken = ProgrammeYear.objects.filter(local_authority=lea, name__iexact=name.strip())
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("name", f"{lea.name} already has a programme year called {name}")
        return data

    def values(self) -> dict:
        """The settings entered, for `programme_year_create` or `programme_year_update`."""
        return {name: self.cleaned_data[name] for name in PROGRAMME_YEAR_FIELDS}


CRITERION_ANY = "any"
CRITERION_NONE = "0"
CRITERION_CHOICES = [
    ("", "All schools"),
    (CRITERION_ANY, "Meets any criterion"),
    (str(CRITERION_NOT_YET_PROGRESSING), f"1: {CRITERIA[CRITERION_NOT_YET_PROGRESSING]}"),
    (str(CRITERION_VALUE_ADDED), f"2: {CRITERIA[CRITERION_VALUE_ADDED]}"),
    (str(CRITERION_LEA_JUDGEMENT), f"3: {CRITERIA[CRITERION_LEA_JUDGEMENT]}"),
    (CRITERION_NONE, "Meets no criterion"),
]


class SelectionFilterForm(GovukFilterFormMixin, forms.Form):
    """The selection page's filters, sent by GET so that a filtered list has a URL; written in
    one pass with the page (`accounts.govuk_forms`)."""

    form_id = "selection-filters"
    # Beside the page's main button, "Invite the ticked schools".
    apply_class = "govuk-button govuk-button--secondary"
    columns = (
        Column(Show("criterion"), "govuk-grid-column-one-half"),
        Column(Show("size"), "govuk-grid-column-one-quarter"),
        Column(Show("q"), "govuk-grid-column-one-quarter"),
    )
    layout = (Show("declined_last_year", small=True),)

    criterion = forms.ChoiceField(
        label="Criterion",
        choices=CRITERION_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Select a criterion from the list"},
    )
    size = forms.ChoiceField(
        label="Size",
        choices=[("", "All sizes"), (SIZE_SMALL, "Small"), (SIZE_LARGE, "Larger")],
        required=False,
        error_messages={"invalid_choice": "Select a size from the list"},
    )
    q = forms.CharField(
        label="Name or URN",
        required=False,
        max_length=100,
        error_messages={"max_length": "Name or URN must be 100 characters or fewer"},
    )
    declined_last_year = forms.BooleanField(
        label="Only schools that declined last year", required=False
    )

    def __init__(self, *args, programme_year: ProgrammeYear, **kwargs):
        super().__init__(*args, **kwargs)
        limit = programme_year.small_school_max_pupils
        self.fields["size"].choices = [
            ("", "All sizes"),
            (SIZE_SMALL, f"Small ({limit} pupils or fewer)"),
            (SIZE_LARGE, f"Larger (more than {limit} pupils)"),
        ]

    def selector_filters(self) -> dict:
        """The filters for `school_list_for_selection`; none when the form is not valid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        criterion = data["criterion"]
        return {
            "criterion": None if criterion in ("", CRITERION_ANY) else int(criterion),
            "meets_any": criterion == CRITERION_ANY,
            "size": data["size"] or None,
            "declined_last_year": data["declined_last_year"],
            "text": data["q"],
        }


class InviteForm(forms.Form):
    """The schools ticked on the selection page. Only schools of the programme year's LEA are
    valid choices; the service refuses any already placed."""

    schools = forms.ModelMultipleChoiceField(
        queryset=School.objects.none(),
        error_messages={
            "required": "Select the schools to invite",
            "invalid_choice": "Select only schools of this LEA",
            "invalid_pk_value": "Select only schools of this LEA",
        },
    )

    def __init__(self, *args, programme_year: ProgrammeYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.filter(
            local_authority_id=programme_year.local_authority_id
        )


class SelectionFlagForm(forms.Form):
    """Selection criterion 3 for one school: why the LEA judges the programme would help."""

    reason = forms.CharField(
        label="Why would the programme help this school reach its targets?",
        help_text="For example, how far the school is from its 2005 and 2006 targets.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Say why the programme would help the school reach its targets",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, has_flag: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.MEDIUM
        buttons = [Button("save", "Save the flag")]
        if has_flag:
            buttons.append(Button.warning("remove", "Remove the flag"))
        self.helper.layout = Layout(
            Field.textarea("reason", rows=5), Div(*buttons, css_class="govuk-button-group")
        )


_REASON_LABELS = {
    ParticipationStatus.DECLINED: "Why did the school decline?",
    ParticipationStatus.WITHDRAWN: "Why is the school withdrawing?",
}
_REASON_MISSING = {
    ParticipationStatus.DECLINED: "Give the reason the school declined",
    ParticipationStatus.WITHDRAWN: "Give the reason the school withdrew",
}


_BUTTON_LABELS = {
    ParticipationStatus.INVITED: "Invite the school",
    ParticipationStatus.ACCEPTED: "Accept the place",
    ParticipationStatus.DECLINED: "Decline the place",
    ParticipationStatus.ACTIVE: "Start the programme",
    ParticipationStatus.COMPLETED: "Mark as completed",
    ParticipationStatus.WITHDRAWN: "Withdraw the school",
}


class ParticipationMoveForm(forms.Form):
    """One next step of a participation; a decline or a withdrawal asks for its reason.

    A strategy manager's acceptance (`allow_override`) also takes a reason to go beyond a
    limit: the apps above leadership may refuse an acceptance (such as a budget) unless the
    manager gives one. The box is shown (`show_override`) once such a limit has been met."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    override_reason = forms.CharField(
        label="Reason to go beyond a limit",
        help_text="Recorded with the acceptance, with your name and the time.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        error_messages={"max_length": "The reason must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, to_status: str, allow_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_status = ParticipationStatus(to_status)
        self.show_override = False
        if not (allow_override and self.to_status == ParticipationStatus.ACCEPTED):
            del self.fields["override_reason"]
        elif self.is_bound and self.data.get(self.add_prefix("override_reason"), "").strip():
            # The manager has already been asked: keep the box on the page.
            self.show_override = True
        if self.to_status in REASON_REQUIRED:
            field = self.fields["reason"]
            field.label = _REASON_LABELS[self.to_status]
            field.error_messages = {
                **field.error_messages,
                "required": _REASON_MISSING[self.to_status],
                "max_length": "The reason must be 2,000 characters or fewer",
            }
        else:
            del self.fields["reason"]

    @property
    def needs_reason(self) -> bool:
        return "reason" in self.fields

    @property
    def may_override(self) -> bool:
        return "override_reason" in self.fields

    def limit_reached(self, error: ValidationError) -> None:
        """Show a limit the acceptance met: beside the override box when the user may go
        beyond it, at the top of the form otherwise."""
        if self.may_override:
            self.show_override = True
            self.add_error("override_reason", error)
        else:
            self.add_error(None, error)

    @property
    def shows_fields(self) -> bool:
        return self.needs_reason or self.show_override

    @property
    def button_label(self) -> str:
        return _BUTTON_LABELS[self.to_status]

    @property
    def is_warning(self) -> bool:
        """Declining and withdrawing end the school's part in the year."""
        return self.to_status in REASON_REQUIRED

    @property
    def error_target(self) -> str:
        """The id the error summary links to: the reason box, or the next steps."""
        if self.needs_reason:
            return self["reason"].auto_id
        return self["override_reason"].auto_id if self.show_override else "next-steps"


class ParticipationJudgementForm(forms.ModelForm):
    """The strategy manager's judgements on a participation: Ofsted's kind of school and whether
    it is not yet making the progress it is capable of."""

    ofsted_kind = forms.TypedChoiceField(
        label="Ofsted kind of school",
        choices=[("", "Not recorded yet"), *OfstedKind.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the four kinds, or not recorded yet"},
    )
    is_not_yet_progressing = forms.BooleanField(
        label="The school is not yet making the progress it is capable of",
        help_text="Next year's selection reads this (criterion 1).",
        required=False,
    )

    class Meta:
        model = Participation
        fields = ["ofsted_kind", "is_not_yet_progressing"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.legend_size = Size.MEDIUM
        self.helper.layout = Layout(
            Field.radios("ofsted_kind", legend_size=Size.MEDIUM),
            Field.checkbox("is_not_yet_progressing"),
            Button("save", "Save"),
        )
