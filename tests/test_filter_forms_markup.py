"""The filters of the school list and the selection page, written in one pass with the page
(`accounts.govuk_forms`, `partials/govuk_filter_form.html`), have the markup crispy-forms-gds
writes for the same layout: empty, filled in and with errors, with the LEA filter for a user
who sees several LEAs and without it for one who sees one (issue 9)."""

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.test import RequestFactory

from accounts.models import Role
from conftest import make_user
from leadership.forms.programme import SelectionFilterForm
from leadership.models import ProgrammeYear
from schools.factories import LocalAuthorityFactory
from schools.filters import SchoolFilter
from tests.govuk_markup import crispy, same

FILTER_FORM = Template('{% include "partials/govuk_filter_form.html" %}')


def render(form, request) -> str:
    return FILTER_FORM.render(Context({"form": form, "request": request}))


def _buttons(button_class: str):
    from crispy_forms_gds.layout import HTML

    return HTML(
        '<div class="govuk-button-group">'
        f'<button type="submit" class="{button_class}" data-module="govuk-button">'
        "Apply filters</button>"
        '<a class="govuk-link" href="{{ request.path }}">Clear filters</a>'
        "</div>"
    )


def _school_layout(form):
    """The school list's crispy-forms-gds layout before issue 9's change."""
    from crispy_forms_gds.layout import Div, Field, Layout

    make = {
        "q": Field.text,
        "lea": Field.select,
        "phase": Field.select,
        "size": Field.select,
        "ofsted_category": Field.select,
        "below_average_va": lambda name: Field.checkbox(name, small=True),
    }
    columns = [
        Div(make_field(name), css_class="govuk-grid-column-one-third")
        for name, make_field in make.items()
        if name in form.fields
    ]
    return Layout(Div(*columns, css_class="govuk-grid-row"), _buttons("govuk-button"))


def _selection_layout():
    """The selection page's crispy-forms-gds layout before issue 9's change."""
    from crispy_forms_gds.layout import Div, Field, Layout

    return Layout(
        Div(
            Div(Field.select("criterion"), css_class="govuk-grid-column-one-half"),
            Div(Field.select("size"), css_class="govuk-grid-column-one-quarter"),
            Div(Field.text("q"), css_class="govuk-grid-column-one-quarter"),
            css_class="govuk-grid-row",
        ),
        Field.checkbox("declined_last_year", small=True),
        _buttons("govuk-button govuk-button--secondary"),
    )


SCHOOL_QUERIES = [
    "",
    "q=St+Mary%27s+%3Cprimary%3E&phase=PRIMARY&size=small&ofsted_category=ANY&below_average_va=on",
    "size=huge&phase=NURSERY&ofsted_category=SOMETIMES&q=" + "x" * 101,
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
@pytest.mark.parametrize("query", SCHOOL_QUERIES)
def test_the_school_filters_have_crispy_forms_gds_markup(role, query, lea):
    other = LocalAuthorityFactory(code="992", name="Southvale & Marsh")
    user = make_user(role, lea=lea)
    if role == Role.ADMIN:
        query += f"&lea={other.pk}" if "huge" not in query else "&lea=999999"
    request = RequestFactory().get("/schools/", QueryDict(query))
    request.user = user

    def form():
        filters = SchoolFilter(request.GET or None, request=request)
        filters.is_valid()
        return filters.form

    ours, theirs = form(), form()
    html = render(ours, request)
    assert ("lea" in ours.fields) == (role == Role.ADMIN)
    if "huge" in query:
        assert html.count("govuk-form-group--error") == 4 + (role == Role.ADMIN)
    assert same(html) == same(
        crispy(
            theirs,
            _school_layout(theirs),
            form_tag=True,
            form_id="school-filters",
            form_method="get",
            context={"request": request},
        )
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "criterion=2&size=large&q=Oak&declined_last_year=on",
        "criterion=9&size=tiny&q=" + "y" * 101,
    ],
)
def test_the_selection_filters_have_crispy_forms_gds_markup(query):
    year = ProgrammeYear(small_school_max_pupils=110)
    request = RequestFactory().get("/programme/selection/", QueryDict(query))

    def form():
        filters = SelectionFilterForm(request.GET or None, programme_year=year)
        filters.is_valid()
        return filters

    html = render(form(), request)
    assert "Small (110 pupils or fewer)" in html
    if "tiny" in query:
        assert html.count("govuk-form-group--error") == 3
    assert same(html) == same(
        crispy(
            form(),
            _selection_layout(),
            form_tag=True,
            form_id="selection-filters",
            form_method="get",
            context={"request": request},
        )
    )


def test_a_select_keeps_its_option_groups():
    from django import forms

    from accounts.govuk_forms import Column, GovukFilterFormMixin, Show

    class Grouped(GovukFilterFormMixin, forms.Form):
        form_id = "grouped"
        columns = (Column(Show("term"), "govuk-grid-column-one-half"),)
        term = forms.ChoiceField(
            choices=[("", "Any term"), ("2004-05", [("A04", "Autumn <2004>"), ("S05", "Spring")])],
            required=False,
        )

    request = RequestFactory().get("/", {"term": "S05"})
    html = render(Grouped(request.GET), request)
    theirs = Grouped(request.GET)

    from crispy_forms_gds.layout import Div, Field, Layout

    layout = Layout(
        Div(
            Div(Field.select("term"), css_class="govuk-grid-column-one-half"),
            css_class="govuk-grid-row",
        ),
        _buttons("govuk-button"),
    )
    assert '<optgroup label="2004-05">' in html
    assert '<option value="S05" selected>Spring</option>' in html
    assert "Autumn &lt;2004&gt;" in html
    assert same(html) == same(
        crispy(
            theirs,
            layout,
            form_tag=True,
            form_id="grouped",
            form_method="get",
            context={"request": request},
        )
    )
