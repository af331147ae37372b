"""The rows of the selection page's table of candidates, rendered in Python.

An LEA has hundreds of schools not yet placed, and a manager ticks schools across the whole
list, so the page shows every one. Rendered by the template language, the rows were most of the
page's time (about 0.6 ms a row: a lookup per dotted name, an include per figure, a reverse()
per link, a locale format per number); built here with `format_html`, as Django admin builds
its change list's rows, they cost about 50 microseconds each; with `html.escape` rather than
`format_html` (whose `conditional_escape` goes through Django's lazy-string wrapper), about half
that. The markup is the same GOV.UK markup the template had;
`selection.html` holds the table around it.
"""

import html
from decimal import Decimal

from django.conf import settings
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.reversing import reverse_each

from ..selectors.programme import Selection
from ..templatetags.participations import status_tag_class

# Written without the indentation between tags (a fifth of each row's bytes): the page sends
# hundreds of rows.
_ROW = (
    '<tr class="govuk-table__row">'
    '<td class="govuk-table__cell">'
    '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
    '<div class="govuk-checkboxes__item">'
    '<input class="govuk-checkboxes__input" id="school-{pk}" name="schools" type="checkbox" '
    'value="{pk}"{checked}>'
    '<label class="govuk-label govuk-checkboxes__label" for="school-{pk}">'
    '<span class="govuk-visually-hidden">Invite {name}</span></label>'
    "</div></div></td>"
    '<th scope="row" class="govuk-table__header">'
    '<a class="govuk-link" href="{url}">{name}</a>{identified}</th>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{number_on_roll}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{measure_value}</td>'
    '<td class="govuk-table__cell">{last_year}</td>'
    '<td class="govuk-table__cell">{criteria}</td>'
    '<td class="govuk-table__cell">'
    '<a class="govuk-link" href="{flag_url}">{flag}'
    '<span class="govuk-visually-hidden"> {name} (criterion 3)</span></a>'
    "</td></tr>\n"
)
_CHECKED = mark_safe(" checked")
_IDENTIFIED = mark_safe('<br><span class="govuk-body-s">Identified</span>')
_DECLINED = mark_safe('<strong class="govuk-tag govuk-tag--orange">Declined</strong>')


def _figure_formatter():
    """A function that shows a figure as the school pages do (schools/includes/figure.html):
    Django's number_format, with the locale's separators and the settings looked up once rather
    than for each number. Without thousands grouping and with a decimal point, that is what
    number_format writes for the figures of a school (an integer, or a decimal of a few places:
    `{:f}`), so those are written directly."""
    lang = get_language()
    separators = (
        get_format("DECIMAL_SEPARATOR", lang),
        None,
        get_format("NUMBER_GROUPING", lang),
        get_format("THOUSAND_SEPARATOR", lang),
    )
    plain = not settings.USE_THOUSAND_SEPARATOR and separators[0] == "."

    def figure(value) -> str:
        if value is None:
            return "not available"
        if plain and (type(value) is int or type(value) is Decimal):
            return f"{value:f}" if type(value) is Decimal else str(value)
        return numberformat.format(value, *separators)

    return figure


def _last_year(candidate) -> SafeString | str:
    if candidate.declined_last_year:
        return _DECLINED
    status = candidate.last_year_status
    if status:
        return mark_safe(  # noqa: S308 (escaped)
            f'<strong class="govuk-tag {html.escape(status_tag_class(status))}">'
            f"{html.escape(status.title())}</strong>"
        )
    return "Not in the programme"


def _criteria(candidate) -> SafeString | str:
    criteria = candidate.criteria
    if not criteria:
        return "None"
    items = "".join(f"<li>{met.number}: {html.escape(met.text)}</li>" for met in criteria)
    return mark_safe(f'<ul class="govuk-list govuk-!-margin-bottom-0">{items}</ul>')  # noqa: S308


def selection_rows(selection: Selection, ticked: list[str]) -> SafeString:
    """The table body's rows, one per candidate in the selection's order. `ticked`: the school
    ids the manager had ticked (from a post that failed), ticked again."""
    school_url = reverse_each("schools:detail")
    flag_url = reverse_each("leadership:selection_flag", selection.programme_year.pk)
    figure = _figure_formatter()
    ticked = set(ticked)
    rows = []
    for candidate in selection.candidates:
        school = candidate.school
        pk = str(school.pk)
        # Text from the data or a formatter is escaped; the markup pieces are safe already
        # (_CHECKED, _IDENTIFIED, _last_year, _criteria) and the rest are this module's words.
        rows.append(
            _ROW.format(
                pk=pk,
                checked=_CHECKED if pk in ticked else "",
                name=html.escape(school.name),
                url=html.escape(school_url(school.urn)),
                identified=_IDENTIFIED if candidate.participation_id is not None else "",
                number_on_roll=html.escape(figure(school.number_on_roll)),
                measure_value=html.escape(figure(candidate.measure_value)),
                last_year=_last_year(candidate),
                criteria=_criteria(candidate),
                flag_url=html.escape(flag_url(school.urn)),
                flag="Change flag" if candidate.is_flagged else "Flag",
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 (text escaped, markup built here)
