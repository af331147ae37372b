"""Forms of the action plan: its summary, priorities, success criteria, actions and reviews.

Each form only validates what was typed; the views hand its `cleaned_data` to a service in
`leadership.services.plans`, which saves. The forms carry no <form> tag of their own: the plan's
templates wrap them, so the same form works as a page and as an htmx fragment.
"""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Size
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from leadership.models import (
    Action,
    ActionPlan,
    LeadershipTeamMember,
    PlanPriority,
    PlanReview,
    SuccessCriterion,
)


class NumericDateInputWidget(DateInputWidget):
    """GOV.UK's date input, with the number keypad on phones and tablets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for widget in self.widgets:
            widget.attrs["inputmode"] = "numeric"


class DayMonthYearField(DateInputField):
    """A date typed as day, month and year (GOV.UK's date input), with error messages that
    say what to do. A date half typed is an error, never quietly dropped."""

    widget = NumericDateInputWidget

    def __init__(self, *, required_message: str, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["required"] = required_message
        self.error_messages["incomplete"] = "Enter the day, month and year"
        self.error_messages["invalid"] = "Enter a real date, like 17 12 2004"

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        if not all(data_list):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        day, month, year = data_list
        if len(year) != 4:
            raise ValidationError("Enter the year with 4 digits, like 2005", code="invalid")
        try:
            return date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    # The templates wrap the form and put the CSRF token in it once.
    helper.disable_csrf = True
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields)
    return helper


def _decimal_field(label: str, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=False,
        max_digits=6,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": f"{label} must be a number, like 58 or 58.5",
            "max_decimal_places": f"{label} can have one decimal place at most",
            "max_digits": f"{label} must be less than 100,000",
            "max_whole_digits": f"{label} must be less than 100,000",
        },
    )


class PlanSummaryForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["summary"]
        labels = {"summary": "Summary of the plan"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("summary", rows=4))


class PriorityForm(forms.ModelForm):
    """A priority; when changed (not when added) also its place in the plan."""

    position = forms.IntegerField(
        label="Order in the plan",
        help_text="1 puts it first.",
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the order of the priority, like 1",
            "invalid": "The order must be a whole number, like 1",
            "min_value": "The order must be 1 or more",
        },
    )

    class Meta:
        model = PlanPriority
        fields = ["area", "title", "description"]
        labels = {"area": "Area", "title": "Priority", "description": "Description (optional)"}
        help_texts = {"title": 'For example "Raise standards in writing in KS2".'}
        widgets = {"area": forms.RadioSelect}
        error_messages = {
            "area": {"required": "Choose the area of the priority"},
            "title": {"required": "Enter the priority"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [
            Field.radios("area"),
            Field.text("title"),
            Field.textarea("description", rows=3),
        ]
        if self.instance.pk is None:
            del self.fields["position"]
        else:
            self.initial["position"] = self._place_in_plan()
            fields.append(Field.text("position", field_width=Fixed.TWO))
        self.fields["area"].choices = [
            choice for choice in self.fields["area"].choices if choice[0]
        ]
        self.helper = _helper(*fields)

    def _place_in_plan(self) -> int:
        ordered = list(
            PlanPriority.objects.filter(plan_id=self.instance.plan_id)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )
        return ordered.index(self.instance.pk) + 1


class SuccessCriterionForm(forms.ModelForm):
    """A success criterion. It saves without a number, but the plan check will flag it."""

    baseline = _decimal_field("Baseline", "Where the measure stands now, such as 58.")
    target_value = _decimal_field("Target", "The number to reach, such as 70.")
    target_on = DayMonthYearField(
        label="To be reached by",
        help_text="For example, 15 7 2005. Optional.",
        required=False,
        required_message="Enter the date the target is to be reached by",
    )

    class Meta:
        model = SuccessCriterion
        fields = ["description", "measure", "baseline", "target_value", "target_on"]
        labels = {"description": "Success criterion", "measure": "Measure"}
        help_texts = {
            "description": 'In words, such as "More Year 6 pupils reach Level 4 in writing".',
            "measure": 'What is counted, such as "% of Year 6 at Level 4+ in writing".',
        }
        error_messages = {"description": {"required": "Enter the success criterion"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("description"),
            Field.text("measure"),
            Field.text("baseline", field_width=Fixed.FIVE),
            Field.text("target_value", field_width=Fixed.FIVE),
            Field("target_on"),
        )


class ActionForm(forms.ModelForm):
    """An action of a priority. Its owner is chosen from the participation's own team only:
    another school's member is not a valid choice."""

    due_on = DayMonthYearField(
        label="Due by",
        help_text="For example, 17 12 2004.",
        required_message="Enter the date the action is due by",
    )

    class Meta:
        model = Action
        fields = ["description", "owner", "due_on", "status"]
        labels = {"description": "Action", "owner": "Owner (optional)", "status": "Status"}
        widgets = {"status": forms.RadioSelect}
        error_messages = {
            "description": {"required": "Enter the action"},
            "owner": {"invalid_choice": "Choose a member of this school's leadership team"},
            "status": {"required": "Choose the status of the action"},
        }

    def __init__(self, *args, participation, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        # Current members, and the owner already recorded even if they have left the team.
        current_owner = Q(pk=self.instance.owner_id) if self.instance.owner_id else Q(pk__in=[])
        owner.queryset = LeadershipTeamMember.objects.filter(participation=participation).filter(
            Q(archived_at__isnull=True) | current_owner
        )
        owner.empty_label = "No owner yet"
        owner.help_text = "A member of the school's leadership team."
        self.fields["status"].choices = [
            choice for choice in self.fields["status"].choices if choice[0]
        ]
        self.helper = _helper(
            Field.text("description"),
            Field.select("owner"),
            Field("due_on"),
            Field.radios("status"),
        )


class ReviewForm(forms.ModelForm):
    reviewed_on = DayMonthYearField(
        label="Date of the review",
        help_text="For example, 26 11 2004.",
        required_message="Enter the date of the review",
    )

    class Meta:
        model = PlanReview
        fields = ["reviewed_on", "progress", "notes"]
        labels = {"progress": "Progress", "notes": "Notes"}
        help_texts = {"notes": "What has been done, what has changed, and what comes next."}
        widgets = {"progress": forms.RadioSelect}
        error_messages = {
            "progress": {"required": "Choose the progress: red, amber or green"},
            "notes": {"required": "Enter the notes of the review"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].choices = [
            choice for choice in self.fields["progress"].choices if choice[0]
        ]
        self.helper = _helper(
            Field("reviewed_on"),
            Field.radios("progress"),
            Field.textarea("notes", rows=5),
        )
