"""Forms of the people's pages: the feed's filter and the school's rating of its PSCL's
support."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Layout, Size
from django import forms

from ..models import Term
from ..selectors.pages import RATING_LABELS

CHALLENGE_CHOICES = [("", "Every visit"), ("yes", "Challenged"), ("no", "Not challenged")]


class VisitFeedFilterForm(forms.Form):
    """The feed's filter, sent by GET so that a filtered feed has an address. The schools are
    those with notes the user may read."""

    school = forms.TypedChoiceField(label="School", required=False, coerce=int, empty_value=None)
    challenged = forms.ChoiceField(
        label="Standards challenged", choices=CHALLENGE_CHOICES, required=False
    )

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [
            ("", "Every school"),
            *((school.pk, school.name) for school in schools),
        ]
        self.fields["school"].error_messages["invalid_choice"] = "Choose a school from the list"
        self.fields["challenged"].error_messages["invalid_choice"] = "Choose from the list"
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "feed-filter"
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.select("school"),
            Field.select("challenged"),
            HTML(
                '<div class="govuk-button-group">'
                '<button type="submit" class="govuk-button govuk-button--secondary" '
                'data-module="govuk-button">Filter</button>'
                '<a class="govuk-link" href="{{ request.path }}">Show every note</a>'
                "</div>"
            ),
        )

    @property
    def challenged_value(self) -> bool | None:
        """The challenge filter as True, False or None (any), once the form is valid."""
        return {"yes": True, "no": False}.get(self.cleaned_data.get("challenged") or "")


class SupportEvaluationForm(forms.Form):
    """The headteacher's termly rating of the PSCL's support. The terms already rated are
    named in their labels, so that the headteacher sees they are changing a rating."""

    term = forms.ChoiceField(
        label="Which term are you rating?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the term you are rating"},
    )
    rating = forms.TypedChoiceField(
        label="How good was the support?",
        choices=[(value, f"{value} {label}") for value, label in RATING_LABELS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 poor to 5 excellent"},
    )
    comments = forms.CharField(
        label="Comments",
        required=False,
        widget=forms.Textarea,
        max_length=4000,
        help_text="What helped the school most, and what could be better.",
    )

    def __init__(self, *args, rated_terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [
            (term.value, f"{term.label} (rated: you can change it)")
            if term.value in rated_terms
            else (term.value, term.label)
            for term in Term
        ]
        self.fields["term"].error_messages["invalid_choice"] = "Choose a term from the list"
        self.fields["rating"].error_messages["invalid_choice"] = (
            "Choose a rating from 1 poor to 5 excellent"
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("term", legend_size=Size.MEDIUM),
            Field.radios("rating", legend_size=Size.MEDIUM),
            Field.textarea("comments", label_size=Size.MEDIUM, rows=5),
            Button("submit", "Save the rating", data_prevent_double_click="true"),
        )
