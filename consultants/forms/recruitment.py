"""Forms of PSCL recruitment: the list's filter, an application with its letter, the link
adviser's recommendation, and the step form that moves an application on."""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.core.files.uploadedfile import UploadedFile

from accounts import clock
from leadership.forms.plans import DayMonthYearField
from schools.models import School

from ..models import (
    LETTER_MAX_BYTES,
    Adviser,
    Application,
    ApplicationStatus,
    Recommendation,
)
from ..services.recruitment import DEFAULT_PSCL_SCHOOLS, letter_problem
from .fields import DECIMAL, NUMERIC, phone_field, years_of_headship_field


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Button("submit", button, data_prevent_double_click="true"))
    return helper


class ApplicationFilterForm(forms.Form):
    """The recruitment list's filter by status, sent by GET."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Every status"), *ApplicationStatus.choices],
        error_messages={"invalid_choice": "Choose a status from the list"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.select("status"),
            HTML(
                '<div class="govuk-button-group">'
                '<button type="submit" class="govuk-button govuk-button--secondary" '
                'data-module="govuk-button">Filter</button>'
                '<a class="govuk-link" href="{{ request.path }}">Show every application</a>'
                "</div>"
            ),
        )


class ApplicationForm(forms.ModelForm):
    """An application: who applied, when, and the letter as text or a PDF (at most
    `LETTER_MAX_BYTES`, and really a PDF). The programme year is the page's."""

    full_name = forms.CharField(
        label="Applicant's full name",
        max_length=150,
        error_messages={
            "required": "Enter the applicant's full name",
            "max_length": "The name must be 150 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email address",
        help_text="On appointment, the PSCL's log-in is made for this address.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the applicant's email address",
            "invalid": "Enter an email address like name@example.org",
        },
    )
    phone = phone_field()
    home_school = forms.ModelChoiceField(
        label="Home school",
        required=False,
        queryset=School.objects.none(),
        empty_label="Not in the LEA, or none",
        help_text="The school the applicant leads, or led.",
        error_messages={"invalid_choice": "Choose a school from the list"},
    )
    years_of_headship = years_of_headship_field()
    received_on = DayMonthYearField(
        label="Date received",
        required_message="Enter the date the application was received",
        help_text="For example, 10 5 2004",
    )
    letter_text = forms.CharField(
        label="Letter",
        required=False,
        widget=forms.Textarea,
        help_text="Paste the letter here, or upload it as a PDF below.",
    )
    letter_file = forms.FileField(
        label="Letter as a PDF",
        required=False,
        help_text=f"A PDF file smaller than {LETTER_MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"invalid": "The file could not be read: upload the PDF again"},
    )

    class Meta:
        model = Application
        fields = (
            "full_name",
            "email",
            "phone",
            "home_school",
            "years_of_headship",
            "received_on",
            "letter_text",
            "letter_file",
        )

    def __init__(self, *args, programme_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme_year = programme_year
        self.instance.programme_year = programme_year
        self.fields["home_school"].queryset = School.objects.filter(
            local_authority_id=programme_year.local_authority_id
        ).order_by("name")
        if not self.instance.pk:
            self.fields["received_on"].initial = clock.today()
        self.helper = _helper(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("phone", field_width=20),
            Field.select("home_school"),
            Field.text("years_of_headship", field_width=4),
            Field("received_on"),
            Fieldset(
                Field.textarea("letter_text", rows=10),
                Field("letter_file"),
                legend="The letter",
                legend_size=Size.MEDIUM,
            ),
            button="Save the application",
        )
        self.helper.form_enctype = "multipart/form-data"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        taken = Application.objects.filter(programme_year=self.programme_year, email__iexact=email)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            self.add_error(
                "email",
                f"Someone with this email address has applied in {self.programme_year.name}",
            )
        return email

    def clean_letter_file(self):
        upload = self.cleaned_data.get("letter_file")
        if isinstance(upload, UploadedFile):
            problem = letter_problem(upload)
            if problem:
                raise forms.ValidationError(problem)
        return upload

    def clean(self):
        data = super().clean()
        if "letter_file" in self.errors:
            return data
        upload = data.get("letter_file")
        has_file = bool(upload) or (upload is None and bool(self.instance.letter_file))
        if not (data.get("letter_text") or "").strip() and not has_file:
            self.add_error("letter_text", "Write the letter here, or upload it as a PDF")
        return data

    def _post_clean(self):
        # The rules are reported against their fields above; the model's checks would repeat
        # them at the top of the form.
        if self.errors:
            return
        super()._post_clean()

    def details(self) -> dict:
        """The cleaned application, for `application_create` and `application_update`."""
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class RecommendationForm(forms.Form):
    """The link adviser's recommendation. A strategy manager recording it for a link adviser
    chooses which one (`link_advisers`); a link adviser recommends as themselves."""

    recommended_by = forms.ModelChoiceField(
        label="Link adviser",
        queryset=Adviser.objects.none(),
        empty_label="Choose the link adviser",
        error_messages={
            "required": "Choose the link adviser who recommends",
            "invalid_choice": "Choose a link adviser from the list",
        },
    )
    recommendation = forms.ChoiceField(
        label="Recommendation",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a recommendation"},
    )
    notes = forms.CharField(
        label="Why",
        required=False,
        widget=forms.Textarea,
        help_text="What you know of the applicant's leadership and their school.",
    )

    def __init__(self, *args, link_advisers=None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [
            Field.radios("recommendation", legend_size=Size.SMALL),
            Field.textarea("notes", rows=5),
        ]
        if link_advisers is None:
            del self.fields["recommended_by"]
        else:
            self.fields["recommended_by"].queryset = link_advisers
            fields.insert(0, Field.select("recommended_by"))
        self.helper = _helper(*fields, button="Save the recommendation")


class StepForm(forms.Form):
    """The next step of an application: the allowed statuses from where it stands, with notes;
    the interview's date, panel and score when it may be moved to interviewed; the appointment's
    date and the PSCL's first capacity when it may be appointed."""

    to_status = forms.ChoiceField(
        label="Move the application to",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the next step",
            "invalid_choice": "Choose one of the steps offered",
        },
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea,
        help_text="Why, and anything to remember: kept in the application's history.",
    )
    interviewed_on = DayMonthYearField(
        label="Date of the interview",
        required=False,
        required_message="Enter the date of the interview",
        help_text="For example, 14 6 2004",
    )
    interview_panel = forms.CharField(
        label="Interview panel",
        required=False,
        max_length=300,
        help_text="Who sat on the panel.",
        error_messages={"max_length": "The panel must be 300 characters or fewer"},
    )
    interview_score = forms.IntegerField(
        label="Interview score",
        required=False,
        min_value=1,
        max_value=20,
        widget=NUMERIC,
        help_text="Out of 20.",
        error_messages={
            "invalid": "The score must be a whole number from 1 to 20",
            "min_value": "The score must be from 1 to 20",
            "max_value": "The score must be from 1 to 20",
        },
    )
    appointed_on = DayMonthYearField(
        label="Date appointed",
        required=False,
        required_message="Enter the date of the appointment",
        help_text="For example, 5 7 2004",
    )
    max_schools = forms.IntegerField(
        label="Schools the PSCL can support this year",
        required=False,
        min_value=1,
        max_value=30,
        widget=NUMERIC,
        error_messages={
            "invalid": "The number of schools must be a whole number",
            "min_value": "A PSCL supports at least 1 school",
            "max_value": "The number of schools must be 30 or fewer",
        },
    )
    max_days = forms.DecimalField(
        label="Days the PSCL can give this year",
        required=False,
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=1,
        widget=DECIMAL,
        error_messages={
            "invalid": "The days must be a number, like 16 or 16.5",
            "min_value": "The days cannot be negative",
            "max_digits": "The days must be less than 10,000",
            "max_whole_digits": "The days must be less than 10,000",
            "max_decimal_places": "The days can have one decimal place, like 16.5",
        },
    )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        steps = application.next_steps
        self.fields["to_status"].choices = [(s, ApplicationStatus(s).label) for s in steps]
        layout = [Field.radios("to_status", legend_size=Size.MEDIUM), Field.textarea("notes")]
        self.asks_interview = ApplicationStatus.INTERVIEWED in steps
        self.asks_appointment = ApplicationStatus.APPOINTED in steps
        if self.asks_interview:
            layout.append(
                Fieldset(
                    Field("interviewed_on"),
                    Field.text("interview_panel", field_width=Fluid.TWO_THIRDS),
                    Field.text("interview_score", field_width=2),
                    legend="If interviewed: the interview",
                    legend_size=Size.MEDIUM,
                )
            )
        else:
            for name in ("interviewed_on", "interview_panel", "interview_score"):
                del self.fields[name]
        if self.asks_appointment:
            days_per_school = application.programme_year.pscl_days_per_school
            self.fields["appointed_on"].initial = clock.today()
            self.fields["max_schools"].initial = DEFAULT_PSCL_SCHOOLS
            self.fields["max_days"].initial = DEFAULT_PSCL_SCHOOLS * days_per_school
            self.fields["max_days"].help_text = f"{days_per_school} days for each school this year."
            layout.append(
                Fieldset(
                    Field("appointed_on"),
                    Field.text("max_schools", field_width=4),
                    Field.text("max_days", field_width=4),
                    legend="If appointed: the PSCL's appointment and capacity",
                    legend_size=Size.MEDIUM,
                )
            )
        else:
            for name in ("appointed_on", "max_schools", "max_days"):
                del self.fields[name]
        self.helper = _helper(*layout, button="Save the step")

    def clean(self):
        data = super().clean()
        to_status = data.get("to_status")
        if to_status == ApplicationStatus.INTERVIEWED:
            if data.get("interviewed_on") is None and "interviewed_on" not in self.errors:
                self.add_error("interviewed_on", "Enter the date of the interview")
            if not (data.get("interview_panel") or "").strip():
                self.add_error("interview_panel", "Say who sat on the panel")
            if data.get("interview_score") is None and "interview_score" not in self.errors:
                self.add_error("interview_score", "Enter the interview score, from 1 to 20")
        if to_status == ApplicationStatus.APPOINTED:
            if data.get("appointed_on") is None and "appointed_on" not in self.errors:
                self.add_error("appointed_on", "Enter the date of the appointment")
            if data.get("max_schools") is None and "max_schools" not in self.errors:
                self.add_error("max_schools", "Enter the number of schools")
            if data.get("max_days") is None and "max_days" not in self.errors:
                self.add_error("max_days", "Enter the number of days")
        return data

    def step(self) -> dict:
        """The cleaned step, for `application_step`."""
        data = self.cleaned_data
        to_status = data["to_status"]
        step = {"to_status": to_status, "notes": data.get("notes", "")}
        if to_status == ApplicationStatus.INTERVIEWED:
            step.update(
                interviewed_on=data["interviewed_on"],
                interview_panel=data["interview_panel"],
                interview_score=data["interview_score"],
            )
        if to_status == ApplicationStatus.APPOINTED:
            step.update(
                appointed_on=data["appointed_on"],
                max_schools=data["max_schools"],
                max_days=data["max_days"],
            )
        return step
