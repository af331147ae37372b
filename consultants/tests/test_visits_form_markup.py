"""The visit note's GOV.UK markup (`accounts.govuk_forms`, written by
`partials/govuk_fields.html`): what the PSCL typed comes back, each error sits next
to its field and is announced with it, and the agreed actions' rows keep their hidden ids and
"Remove this action"."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.http import QueryDict
from django.template import Context, Template

from consultants.forms.visits import VisitNoteForm, agreed_action_formset
from tests.govuk_markup import crispy, same

from .test_visits_world import visit_post

FIELDS = Template('{% include "partials/govuk_fields.html" with fields=form.govuk_fields %}')


def render(form) -> str:
    return FIELDS.render(Context({"form": form}))


def posted(**overrides) -> VisitNoteForm:
    data = QueryDict(mutable=True)
    for name, value in visit_post(**overrides).items():
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    form = VisitNoteForm(data)
    form.is_valid()
    return form


def test_an_empty_note_shows_every_question_as_its_govuk_component():
    html = render(VisitNoteForm())

    assert '<div class="govuk-date-input" id="id_visit_on">' in html
    assert 'for="id_visit_on_0">Day</label>' in html
    assert (
        '<input type="radio" name="length" class="govuk-radios__input" id="id_length_1"'
        ' value="HALF_DAY">'
    ) in html
    assert (
        '<input type="checkbox" name="focus" class="govuk-checkboxes__input" id="id_focus_2"'
        ' value="MATHS">'
    ) in html
    assert (
        '<input type="text" name="hours" inputmode="decimal" spellcheck="false"'
        ' class="govuk-input govuk-input--width-5" aria-describedby="id_hours_hint" id="id_hours">'
    ) in html
    assert '<textarea name="notes" cols="40" rows="8" class="govuk-textarea" id="id_notes">' in html
    assert '<div class="govuk-radios--inline">' in html
    # Errors are the page's to report: no browser check of required fields.
    assert " required" not in html
    assert "checked" not in html
    assert "govuk-form-group--error" not in html


def test_a_saved_note_comes_back_with_its_answers():
    visit = SimpleNamespace(
        visit_on=datetime.date(2004, 11, 2),
        length="HOURS",
        hours=Decimal("2.5"),
        kind="REVIEW",
        stage=4,
        focus=["ENGLISH", "MATHS"],
        attendees="Head & deputy",
        notes="Reading <groups>",
        standards_challenged=False,
        challenge_detail="",
        next_visit_on=None,
    )

    html = render(VisitNoteForm(visit=visit))

    assert 'name="visit_on_0" value="2"' in html
    assert 'name="visit_on_2" value="2004"' in html
    assert 'id="id_length_3" value="HOURS" checked="checked">' in html
    assert 'name="hours" value="2.5"' in html
    assert 'id="id_kind_5" value="REVIEW" checked="checked">' in html
    assert 'id="id_stage_4" value="4" checked="checked">' in html
    assert 'id="id_focus_1" value="ENGLISH" checked="checked">' in html
    assert 'id="id_focus_3" value="LEADERSHIP">' in html
    assert 'id="id_standards_challenged_2" value="no" checked="checked">' in html
    assert ">\nHead &amp; deputy</textarea>" in html
    assert ">\nReading &lt;groups&gt;</textarea>" in html


def test_each_error_is_next_to_its_field_and_announced_with_it():
    form = posted(kind="NOT_A_KIND", hours="abc", length="HOURS")
    form.add_error("challenge_detail", "Say how standards were challenged")

    html = render(form)

    assert '<div id="div_id_kind" class="govuk-form-group govuk-form-group--error">' in html
    assert '<fieldset class="govuk-fieldset" aria-describedby=" id_kind_1_error">' in html
    assert (
        '<span id="id_kind_1_error" class="govuk-error-message"><span'
        ' class="govuk-visually-hidden">Error:</span> Choose the kind of visit</span>'
    ) in html
    assert (
        'class="govuk-input govuk-input--width-5 govuk-input--error"'
        ' aria-describedby="id_hours_hint id_hours_1_error" aria-invalid="true" id="id_hours"'
    ) in html
    assert 'name="hours" value="abc"' in html
    assert (
        'aria-describedby="id_challenge_detail_hint id_challenge_detail_1_error"'
        ' class="govuk-textarea govuk-input--error" aria-invalid="true" id="id_challenge_detail"'
    ) in html
    # The answers that were right stay chosen.
    assert 'id="id_length_3" value="HOURS" checked="checked">' in html
    assert 'id="id_focus_1" value="ENGLISH" checked="checked">' in html


def test_only_the_missing_part_of_a_date_is_marked():
    form = posted(visit_on=None)
    data = form.data.copy()
    data.update({"visit_on_1": "10", "visit_on_2": "2004"})
    form = VisitNoteForm(data)
    form.is_valid()

    html = render(form)

    assert 'aria-describedby="id_visit_on_hint id_visit_on_1_error"' in html
    assert (
        'name="visit_on_0" class="govuk-input govuk-date-input__input govuk-input--width-2'
        ' govuk-input--error" aria-describedby="id_visit_on_1_error" aria-invalid="true"'
        ' id="id_visit_on_0">'
    ) in html
    assert (
        'name="visit_on_1" value="10" class="govuk-input govuk-date-input__input'
        ' govuk-input--width-2" aria-invalid="true" id="id_visit_on_1">'
    ) in html


def test_an_impossible_date_marks_all_its_parts():
    form = posted(next_visit_on=None)
    data = form.data.copy()
    data.update({"next_visit_on_0": "31", "next_visit_on_1": "2", "next_visit_on_2": "2005"})
    form = VisitNoteForm(data)
    form.is_valid()

    html = render(form)

    assert "Enter a real date" in html
    assert html.count("govuk-input--width-2 govuk-input--error") == 2
    assert html.count("govuk-input--width-4 govuk-input--error") == 1


def test_a_saved_action_row_keeps_its_id_and_may_be_removed():
    action = SimpleNamespace(
        pk=41, who="Deputy head", what="Guided reading", due_on=datetime.date(2004, 11, 5)
    )
    visit = SimpleNamespace(pk=7, agreed_actions=SimpleNamespace(order_by=lambda *fields: [action]))
    saved, empty = agreed_action_formset(visit=visit).forms[:2]

    html = render(saved)

    assert '<input type="hidden" name="actions-0-pk" value="41" id="id_actions-0-pk">' in html
    assert 'name="actions-0-who" value="Deputy head" maxlength="150"' in html
    assert 'name="actions-0-due_on_0" value="5"' in html
    assert '<div class="govuk-checkboxes govuk-checkboxes--small">' in html
    assert (
        '<input type="checkbox" name="actions-0-DELETE" class="govuk-checkboxes__input"'
        ' id="id_actions-0-DELETE">'
    ) in html
    assert 'for="id_actions-0-DELETE">Remove this action</label>' in html
    assert "Remove this action" not in render(empty)


# The same markup as crispy-forms-gds: what the visit forms used before (issue 9) and every other
# form of the app still uses. A change of crispy-forms-gds, or of accounts.govuk_forms, shows here.


def _note_layout():
    from crispy_forms_gds.layout import Field, Fixed, Layout

    return Layout(
        Field("visit_on"),
        Field.radios("length"),
        Field.text("hours", field_width=Fixed.FIVE),
        Field.radios("kind"),
        Field.radios("stage"),
        Field.checkboxes("focus"),
        Field.textarea("attendees", rows=2),
        Field.textarea("notes", rows=8),
        Field.radios("standards_challenged", inline=True),
        Field.textarea("challenge_detail", rows=3),
        Field("next_visit_on"),
    )


def _with_errors() -> VisitNoteForm:
    form = posted(kind="NOT_A_KIND", hours="abc", length="HOURS", visit_on=None)
    form.add_error("challenge_detail", "Say how standards were challenged")
    return form


def test_the_note_has_crispy_forms_gds_markup_empty_and_with_errors():
    # A form each: crispy-forms-gds adds its error class to the widgets as it renders them.
    for make in (VisitNoteForm, _with_errors):
        assert same(render(make())) == same(crispy(make(), _note_layout()))


def test_an_action_row_has_crispy_forms_gds_markup():
    from crispy_forms_gds.layout import Field, Layout

    action = SimpleNamespace(
        pk=41, who="Deputy head", what="Guided reading", due_on=datetime.date(2004, 11, 5)
    )
    visit = SimpleNamespace(pk=7, agreed_actions=SimpleNamespace(order_by=lambda *fields: [action]))
    saved = agreed_action_formset(visit=visit).forms[0]
    for_crispy = agreed_action_formset(visit=visit).forms[0]
    layout = Layout(
        Field("pk"),
        Field.text("who"),
        Field.textarea("what", rows=2),
        Field("due_on"),
        Field.checkbox("DELETE", small=True),
    )

    assert same(render(saved)) == same(crispy(for_crispy, layout))
