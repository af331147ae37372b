"""Forms of the schools register."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Div, Field, Layout, Size
from django import forms

#: The filters in the order the form shows them, with how each is laid out.
_FILTER_LAYOUT = {
    "q": Field.text,
    "lea": Field.select,
    "phase": Field.select,
    "size": Field.select,
    "ofsted_category": Field.select,
    "below_average_va": lambda name: Field.checkbox(name, small=True),
}

_BUTTONS = HTML(
    '<div class="govuk-button-group">'
    '<button type="submit" class="govuk-button" data-module="govuk-button">Apply filters</button>'
    '<a class="govuk-link" href="{{ request.path }}">Clear filters</a>'
    "</div>"
)


class SchoolFilterForm(forms.Form):
    """The school list's filters as a GOV.UK form sent by GET, so a filtered list has a URL.

    The fields come from `schools.filters.SchoolFilter`; only those present are laid out (the
    LEA filter is left out for users who see one LEA). The button carries no name, so it adds
    nothing to the query string that the pagination links keep.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "school-filters"
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        columns = [
            Div(make_field(name), css_class="govuk-grid-column-one-third")
            for name, make_field in _FILTER_LAYOUT.items()
            if name in self.fields
        ]
        self.helper.layout = Layout(Div(*columns, css_class="govuk-grid-row"), _BUTTONS)
