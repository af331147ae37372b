"""Forms of the adviser pages: the list's filter, an adviser's profile, a PSCL's capacity and
training for a year, the declaration of conflicts of interest, and attaching advisers to a
school."""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.db.models import Q

from accounts.models import Role, User
from leadership.forms.plans import DayMonthYearField
from schools.models import LocalAuthority, School

from ..models import ROLE_OF_KIND, Adviser, AdviserKind, ConflictKind, Expertise, TrainingDay
from .fields import DECIMAL, NUMERIC, phone_field, years_of_headship_field


def _helper(*fields, button: str | None = None, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.disable_csrf = not form_tag
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    buttons = [Button("submit", button, data_prevent_double_click="true")] if button else []
    helper.layout = Layout(*fields, *buttons)
    return helper


class AdviserFilterForm(forms.Form):
    """The adviser list's filter, sent by GET so that a filtered list has a URL."""

    kind = forms.ChoiceField(
        label="Kind of adviser",
        required=False,
        choices=[("", "Every kind"), *AdviserKind.choices],
        error_messages={"invalid_choice": "Choose a kind of adviser from the list"},
    )
    q = forms.CharField(label="Name contains", required=False, max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.select("kind"),
            Field.text("q", field_width=Fluid.ONE_HALF),
            HTML(
                '<div class="govuk-button-group">'
                '<button type="submit" class="govuk-button govuk-button--secondary" '
                'data-module="govuk-button">Filter</button>'
                '<a class="govuk-link" href="{{ request.path }}">Show every adviser</a>'
                "</div>"
            ),
        )


class AdviserForm(forms.ModelForm):
    """An adviser's profile. The LEA is the manager's (`local_authority`); an admin is asked for
    it (`lea_queryset`). The log-in is optional: a user of the adviser's LEA with the role of
    the kind (a PSCL or link adviser) not linked to another adviser. A PSCL added here is not
    appointed unless the date of an appointment made outside PLP Admin is given: PSCLs are
    normally appointed through recruitment."""

    local_authority = forms.ModelChoiceField(
        label="LEA",
        queryset=LocalAuthority.objects.none(),
        empty_label="Choose an LEA",
        error_messages={
            "required": "Choose the LEA the adviser works for",
            "invalid_choice": "Choose an LEA from the list",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of adviser",
        choices=AdviserKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of adviser"},
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={
            "required": "Enter the adviser's full name",
            "max_length": "The name must be 150 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    phone = phone_field()
    user = forms.ModelChoiceField(
        label="Log-in (optional)",
        required=False,
        queryset=User.objects.none(),
        empty_label="No log-in",
        help_text="For a PSCL or link adviser: their account, so that they can sign in.",
        error_messages={"invalid_choice": "Choose a log-in from the list"},
    )
    home_school = forms.ModelChoiceField(
        label="Home school (PSCL only)",
        required=False,
        queryset=School.objects.none(),
        empty_label="None",
        help_text="The school the PSCL leads: never matched to them.",
        error_messages={"invalid_choice": "Choose a school from the list"},
    )
    years_of_headship = years_of_headship_field("Years of headship (PSCL only)")
    expertise = forms.MultipleChoiceField(
        label="Areas of expertise",
        required=False,
        choices=Expertise.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    appointed_on = DayMonthYearField(
        label="Date appointed (PSCL only)",
        required=False,
        required_message="Enter the date the PSCL was appointed",
        help_text=(
            "Leave blank for a PSCL still to be recruited: appointing an applicant through "
            "recruitment sets it. Give it only for a PSCL already appointed outside PLP Admin. "
            "Only appointed PSCLs can be matched to schools. For example, 5 7 2004"
        ),
    )
    is_active = forms.BooleanField(
        label="Still works for the LEA",
        required=False,
        help_text="Untick when the adviser leaves: they are no longer matched or attached.",
    )

    class Meta:
        model = Adviser
        fields = (
            "kind",
            "full_name",
            "email",
            "phone",
            "user",
            "home_school",
            "years_of_headship",
            "expertise",
            "appointed_on",
            "is_active",
        )

    def __init__(self, *args, local_authority=None, lea_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            local_authority = self.instance.local_authority
        adding = self.instance.pk is None
        if local_authority is not None or lea_queryset is None:
            del self.fields["local_authority"]
            self.instance.local_authority = local_authority
            lea_filter = {"local_authority": local_authority}
        else:
            self.fields["local_authority"].queryset = lea_queryset
            lea_filter = {"local_authority__in": lea_queryset}
        users = User.objects.filter(
            is_active=True, role__in=[Role.CONSULTANT, Role.LINK_ADVISER], **lea_filter
        ).filter(Q(adviser__isnull=True) | Q(adviser=self.instance.pk or 0))
        self.fields["user"].queryset = users.order_by("full_name", "email")
        self.fields["home_school"].queryset = School.objects.filter(**lea_filter).order_by("name")
        if adding:
            del self.fields["is_active"]
        layout = [
            *(["local_authority"] if "local_authority" in self.fields else []),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("phone", field_width=20),
            Field.select("user"),
            Fieldset(
                Field.select("home_school"),
                Field.text("years_of_headship", field_width=4),
                Field.checkboxes("expertise", small=True),
                Field("appointed_on"),
                legend="A PSCL's profile",
                legend_size=Size.MEDIUM,
            ),
            *([] if adding else [Field.checkbox("is_active")]),
        ]
        self.helper = _helper(*layout, button="Save the adviser")

    def clean(self):
        data = super().clean()
        lea = data.get("local_authority")
        if lea is not None:
            self.instance.local_authority = lea
        lea = self.instance.local_authority if self.instance.local_authority_id else None
        kind = data.get("kind")
        if kind and kind != AdviserKind.PSCL:
            label = AdviserKind(kind).label.lower()
            for name in ("home_school", "years_of_headship", "appointed_on"):
                if data.get(name) not in (None, ""):
                    self.add_error(name, f"Only a PSCL has this: leave it blank for a {label}")
        home_school = data.get("home_school")
        if home_school is not None and lea is not None and home_school.local_authority_id != lea.pk:
            self.add_error("home_school", f"Choose a school of {lea.name}")
        user = data.get("user")
        if user is not None and kind:
            role = ROLE_OF_KIND.get(kind)
            if role is None:
                self.add_error(
                    "user", f"A {AdviserKind(kind).label.lower()} has no log-in: choose No log-in"
                )
            elif user.role != role:
                self.add_error("user", f"Choose the log-in of a {Role(role).label.lower()}")
            elif lea is not None and user.local_authority_id != lea.pk:
                self.add_error("user", f"Choose a log-in of {lea.name}")
        return data

    def _post_clean(self):
        # The rules checked above are reported against their fields; the model's own checks
        # would repeat them at the top of the form.
        if self.errors:
            return
        super()._post_clean()

    def profile(self) -> dict:
        """The cleaned profile, for `adviser_create` and `adviser_update`."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields if name in data}
        fields["expertise"] = list(data.get("expertise") or [])
        return fields


class CapacityForm(forms.Form):
    max_schools = forms.IntegerField(
        label="Schools",
        min_value=1,
        max_value=30,
        widget=NUMERIC,
        help_text="How many schools the PSCL can support this year, usually 4.",
        error_messages={
            "required": "Enter the number of schools",
            "invalid": "The number of schools must be a whole number",
            "min_value": "A PSCL supports at least 1 school",
            "max_value": "The number of schools must be 30 or fewer",
        },
    )
    max_days = forms.DecimalField(
        label="Days",
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=1,
        widget=DECIMAL,
        help_text="School-based support days the PSCL can give in the year, in half days.",
        error_messages={
            "required": "Enter the number of days",
            "invalid": "The days must be a number, like 16 or 16.5",
            "min_value": "The days cannot be negative",
            "max_digits": "The days must be less than 10,000",
            "max_whole_digits": "The days must be less than 10,000",
            "max_decimal_places": "The days can have one decimal place, like 16.5",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("max_schools", field_width=4),
            Field.text("max_days", field_width=4),
            button="Save the capacity",
        )

    def clean_max_days(self):
        days = self.cleaned_data["max_days"]
        if days is not None and (days * 2) % 1:
            raise forms.ValidationError("Give the days in half days, like 16 or 16.5")
        return days


class TrainingForm(forms.Form):
    """The four training days of a PSCL in a year, each with the date attended (blank: not
    attended)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day in TrainingDay:
            field = DayMonthYearField(
                label=day.label,
                required=False,
                required_message=f"Enter the date of {day.label.lower()}",
                help_text="Leave blank if the PSCL did not attend. For example, 12 7 2004",
            )
            self.fields[day.value.lower()] = field
        self.helper = _helper(
            *(Field(day.value.lower()) for day in TrainingDay), button="Save the training record"
        )

    def attended(self) -> dict:
        """Each training day's date attended, or None."""
        return {day.value: self.cleaned_data.get(day.value.lower()) for day in TrainingDay}


class ConflictRowForm(forms.Form):
    """One declared link to a participating school. A row left blank is ignored."""

    school = forms.ModelChoiceField(
        label="School",
        queryset=School.objects.none(),
        empty_label="Choose a school",
        required=False,
        error_messages={"invalid_choice": "Choose a school from the list"},
    )
    kind = forms.ChoiceField(
        label="Kind of link",
        choices=[("", "Choose the kind of link"), *ConflictKind.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a kind of link from the list"},
    )
    details = forms.CharField(
        label="Details",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required for Other: what the link is.",
    )

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools if schools is not None else School.objects.none()
        self.helper = _helper(
            Field.select("school"),
            Field.select("kind"),
            Field.textarea("details", rows=2),
            form_tag=False,
        )

    def clean(self):
        data = super().clean()
        school, kind, details = data.get("school"), data.get("kind"), data.get("details", "")
        if not (school or kind or details.strip()):
            return data
        if not school and "school" not in self.errors:
            self.add_error("school", "Choose the school")
        if not kind and "kind" not in self.errors:
            self.add_error("kind", "Choose the kind of link")
        if kind == ConflictKind.OTHER and not details.strip():
            self.add_error("details", "Say what the link is")
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("school") or data.get("kind") or data.get("details", "").strip())


class BaseConflictFormSet(forms.BaseFormSet):
    def __init__(self, *args, schools=None, **kwargs):
        self.schools = schools
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "schools": self.schools}

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if form.is_blank:
                continue
            key = (form.cleaned_data["school"].pk, form.cleaned_data["kind"])
            if key in seen:
                form.add_error("kind", "This link to the school is declared twice")
            seen.add(key)

    def rows(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if not form.is_blank]


ConflictFormSet = forms.formset_factory(
    ConflictRowForm, formset=BaseConflictFormSet, extra=3, max_num=50, validate_max=True
)


class DeclarationForm(forms.Form):
    """The confirmation that goes with the links: none ("I have no link to any participating
    school") or the rows of the formset, never both and never neither."""

    no_links = forms.BooleanField(
        label="I have no link to any school taking part in the programme year",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.checkbox("no_links"), form_tag=False)


class AttachForm(forms.Form):
    adviser = forms.ModelChoiceField(
        label="Adviser to attach",
        queryset=Adviser.objects.none(),
        empty_label="Choose an adviser",
        help_text="Attaching a link adviser replaces the school's link adviser.",
        error_messages={
            "required": "Choose the adviser to attach",
            "invalid_choice": "Choose an adviser from the list",
        },
    )

    def __init__(self, *args, advisers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = (
            advisers if advisers is not None else Adviser.objects.none()
        )
        self.fields["adviser"].label_from_instance = lambda a: (
            f"{a.full_name} ({a.get_kind_display().lower()})"
        )
        self.helper = _helper(Field.select("adviser"), button="Attach the adviser")
