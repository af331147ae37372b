"""The filters of the audit lists, as GOV.UK forms sent by GET so that a filtered list has a
URL (and its download the same rows)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Div, Field, Fieldset, Layout, Size
from django import forms

from leadership.forms.programme import GovukDateField
from schools.models import LocalAuthority, School

from .selectors import AuditFilters, audit_local_authority, kind_choices, people_matching

#: The largest number the URN column holds; a longer number cannot be a URN.
_LARGEST_URN = 2**31 - 1

_BUTTONS = HTML(
    '<div class="govuk-button-group">'
    '<button type="submit" class="govuk-button" data-module="govuk-button">Apply filters</button>'
    '<a class="govuk-link" href="{{ request.path }}">Clear filters</a>'
    "</div>"
)


class AuditFilterForm(forms.Form):
    """Person, school, dates, and (for the change history) the kind of record; the LEA for an
    admin. A school outside the user's LEA is an error against its field, and the list shows
    nothing (never more)."""

    kind = forms.ChoiceField(label="Kind of record", required=False)
    lea = forms.ModelChoiceField(
        label="LEA",
        queryset=LocalAuthority.objects.all(),
        required=False,
        empty_label="All LEAs",
        error_messages={"invalid_choice": "Select an LEA from the list"},
    )
    school = forms.CharField(
        label="School URN",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    person = forms.CharField(
        label="Person (name or email)",
        required=False,
        max_length=100,
        error_messages={"max_length": "Person must be 100 characters or fewer"},
    )
    date_from = GovukDateField(label="From", help_text="For example, 1 9 2004", required=False)
    date_to = GovukDateField(label="To", help_text="For example, 31 7 2005", required=False)

    def __init__(self, *args, user, with_kind: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if with_kind:
            self.fields["kind"].choices = [("", "Every kind"), *kind_choices()]
            self.fields["kind"].error_messages["invalid_choice"] = (
                "Select a kind of record from the list"
            )
        else:
            del self.fields["kind"]
        if not user.is_admin:
            del self.fields["lea"]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "audit-filters"
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        firsts = [name for name in ("kind", "lea", "school", "person") if name in self.fields]
        self.helper.layout = Layout(
            Div(
                *[
                    Div(
                        Field.select(name) if name in ("kind", "lea") else Field.text(name),
                        css_class="govuk-grid-column-one-quarter",
                    )
                    for name in firsts
                ],
                css_class="govuk-grid-row",
            ),
            Div(
                Div(
                    Fieldset(Field("date_from"), legend="Changed or opened from"),
                    css_class="govuk-grid-column-one-half",
                ),
                Div(
                    Fieldset(Field("date_to"), legend="Up to and including"),
                    css_class="govuk-grid-column-one-half",
                ),
                css_class="govuk-grid-row",
            ),
            _BUTTONS,
        )

    def clean_school(self):
        text = self.cleaned_data["school"].strip()
        if not text:
            return None
        if not text.isdecimal() or int(text) > _LARGEST_URN:
            raise forms.ValidationError("Enter a URN, such as 100001")
        school = School.objects.visible_to(self.user).filter(urn=int(text)).first()
        if school is None:
            where = "any LEA" if self.user.is_admin else "your LEA"
            raise forms.ValidationError(f"There is no school with this URN in {where}")
        return school

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        school, lea = cleaned.get("school"), cleaned.get("lea")
        if school and lea and school.local_authority_id != lea.pk:
            self.add_error("school", f"The school with this URN is not in {lea.name}")
        return cleaned

    def filters(self) -> AuditFilters | None:
        """The filters the form asks for, in the user's scope; None when they are not valid
        (the list then shows nothing)."""
        lea = audit_local_authority(self.user)
        if not self.is_bound:
            return AuditFilters(local_authority=lea)
        if not self.is_valid():
            return None
        data = self.cleaned_data
        if self.user.is_admin:
            lea = data.get("lea")
        person = data.get("person", "").strip()
        return AuditFilters(
            local_authority=lea,
            school=data.get("school"),
            kind=data.get("kind", ""),
            people=people_matching(self.user, person) if person else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
