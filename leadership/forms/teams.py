"""Forms for leadership teams and their time, training events and registers, and
school-to-school visits. They validate what the user typed; the services in
`leadership.services.teams` hold the rules and do the writes."""

from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Fluid, Layout, Size
from django import forms
from django.db.models import Q

from accounts.formfields import SteppedDecimalField
from schools.models import School

from ..models import LeadershipTeamMember, MemberRole, TrainingSession

_DAYS_HELP = "In half days: 0.5 is a morning or an afternoon."


def _date_field(label: str, hint: str) -> DateInputField:
    field = DateInputField(label=label, help_text=hint, require_all_fields=False)
    field.error_messages["required"] = f"Enter the {label.lower()}"
    field.error_messages["incomplete"] = f"Enter the {label.lower()} in full"
    return field


def _days_field(label: str, **kwargs) -> forms.DecimalField:
    return SteppedDecimalField(
        label=label,
        help_text=_DAYS_HELP,
        min_value=Decimal("0.5"),
        max_value=Decimal("10.0"),
        max_digits=3,
        decimal_places=1,
        step_size=Decimal("0.5"),
        # A text input, as the GOV.UK Design System advises for numbers.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the number of days",
            "invalid": "Enter the number of days as a number, like 0.5 or 1",
            "min_value": "Enter at least half a day (0.5)",
            "max_value": "Enter no more than 10 days",
            "step_size": "Enter the days in half days, like 0.5, 1 or 1.5",
            "max_decimal_places": "Enter the days in half days, like 0.5, 1 or 1.5",
        },
        **kwargs,
    )


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Button("save", submit, data_prevent_double_click="true"))
    return helper


class TeamMemberForm(forms.Form):
    """A member of the leadership team: name, role and (optionally) email address."""

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the member's full name"},
    )
    role = forms.ChoiceField(
        label="Role in the team",
        choices=MemberRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the member's role"},
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )

    def __init__(self, *args, submit: str = "Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.radios("role"),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            submit=submit,
        )


class ActivityForm(forms.Form):
    """School-based programme time a member gave."""

    done_on = _date_field("Date", "For example, 12 10 2004")
    days = _days_field("Days")
    description = forms.CharField(
        label="What was done",
        max_length=255,
        help_text="For example, planned the writing priority with the PSCL.",
        error_messages={"required": "Describe what was done"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("done_on"),
            Field.text("days", field_width=Fixed.FIVE),
            Field.text("description", field_width=Fluid.FULL),
            submit="Log activity",
        )


class TrainingEventForm(forms.Form):
    """One delivery of one of the three half-day sessions."""

    session = forms.TypedChoiceField(
        label="Session",
        choices=TrainingSession.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the session"},
    )
    held_on = _date_field("Date", "For example, 23 9 2004")
    venue = forms.CharField(
        label="Venue", max_length=200, error_messages={"required": "Enter the venue"}
    )
    capacity = forms.IntegerField(
        label="Capacity",
        help_text="The most people the venue holds.",
        min_value=1,
        max_value=999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the capacity",
            "invalid": "Enter the capacity as a whole number, like 40",
            "min_value": "Enter a capacity of at least 1",
            "max_value": "Enter a capacity of 999 or fewer",
        },
    )

    def __init__(self, *args, submit: str = "Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("session"),
            Field("held_on"),
            Field.text("venue", field_width=Fluid.TWO_THIRDS),
            Field.text("capacity", field_width=Fixed.FIVE),
            submit=submit,
        )


class RegisterForm(forms.Form):
    """The whole register in one post: the lines ticked are present, the others absent. The
    page lays out the checkboxes in its table; this form only checks the ticked lines are the
    event's."""

    present = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, line_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(pk, pk) for pk in line_ids]
        self.fields["present"].error_messages["invalid_choice"] = (
            "Reload the register: someone on it has changed"
        )


class HostSchoolSearchForm(forms.Form):
    """Find the host school of a visit by its name or URN, among all schools in England."""

    q = forms.CharField(
        label="Find the host school",
        help_text="Type part of its name, or its URN.",
        min_length=2,
        max_length=100,
        error_messages={
            "required": "Enter part of the school's name, or its URN",
            "min_length": "Enter at least 2 characters of the school's name",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "host-search"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("q", field_width=Fluid.TWO_THIRDS),
            Button.secondary("search", "Search"),
        )


class SchoolVisitForm(forms.Form):
    """A visit by team members to another school. The host school is chosen by the search
    above the form and carried as its URN."""

    host_school = forms.ModelChoiceField(
        queryset=School.objects.all(),
        to_field_name="urn",
        widget=forms.HiddenInput,
        error_messages={
            "required": "Find and choose the host school",
            "invalid_choice": "Find and choose the host school again",
        },
    )
    visited_on = _date_field("Date of the visit", "For example, 17 11 2004")
    members = forms.ModelMultipleChoiceField(
        label="Who went",
        queryset=LeadershipTeamMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose the team members who went on the visit",
            "invalid_choice": "Choose members of this school's team",
        },
    )
    purpose = forms.CharField(
        label="Purpose of the visit",
        widget=forms.Textarea,
        error_messages={"required": "Enter the purpose of the visit"},
    )
    days = _days_field("Days", initial=Decimal("1.0"))
    is_outside_locality = forms.BooleanField(
        label="The host school is outside our locality",
        help_text="The travel grant pays towards visits outside the school's locality.",
        required=False,
    )

    def __init__(self, *args, participation, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        # Current members; when correcting a visit, also the former members who went on it.
        went = Q(pk__in=visit.members.values("pk")) if visit is not None else Q(pk__in=[])
        members.queryset = LeadershipTeamMember.objects.filter(participation=participation).filter(
            Q(archived_at__isnull=True) | went
        )
        members.label_from_instance = lambda m: f"{m.full_name}, {m.get_role_display()}"
        self.helper = _helper(
            Field("host_school"),
            Field("visited_on"),
            Field.checkboxes("members", small=True),
            Field.textarea("purpose", rows=3),
            Field.text("days", field_width=Fixed.FIVE),
            Field.checkbox("is_outside_locality", small=True),
            submit="Save visit",
        )

    def add_error(self, field, error):
        # The host school is carried in a hidden field, which shows no errors of its own: its
        # errors go to the top of the form, in the error summary.
        super().add_error(None if field == "host_school" else field, error)
