"""GOV.UK form fields written in the page's own render: the visit note and its agreed actions,
and the filters of the busiest list pages.

crispy-forms-gds renders each field through a template of its own (a fresh context, nested
includes for the hint, the errors and each radio) and each input through Django's widget
templates: the visit form with three agreed actions spent two thirds of its time there (issue 9).
`GovukFieldsMixin.govuk_fields` works out in Python what those templates decide for each field
(its component, ids, classes, aria-describedby, the checked choices, a date's parts and their
errors), and `templates/partials/govuk_fields.html` writes the markup of crispy-forms-gds
2.0.1's `gds` templates in one pass with the page. These forms keep the look, the error
messages next to their fields and the accessibility of every other form: tests compare their
markup with crispy-forms-gds's.
"""

from dataclasses import dataclass, field, replace
from functools import cached_property

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

#: crispy-forms-gds's class for an input, by the lower-case name of its widget's class.
INPUT_CLASSES = {
    "checkboxinput": "govuk-checkboxes__input",
    "select": "govuk-select",
    "textinput": "govuk-input",
    "emailinput": "govuk-input",
    "passwordinput": "govuk-input",
    "textarea": "govuk-textarea",
    "clearablefileinput": "govuk-file-upload",
}
#: The widgets whose input crispy-forms-gds marks with `govuk-input--error`.
ERROR_MARKED_WIDGETS = ("Select", "TextInput", "Textarea")


@dataclass(frozen=True)
class Show:
    """How one field of a form shows. Its GOV.UK component follows from its widget (radios,
    checkboxes, a date, a checkbox, a hidden input, a text input, a textarea or a select); these
    are the options of crispy-forms-gds's `Field.text`, `Field.textarea`, `Field.radios` and
    `Field.checkbox`."""

    name: str
    #: Classes added to the input, such as its width ("govuk-input--width-5").
    css_class: str = ""
    #: The rows of a textarea.
    rows: int | None = None
    #: Radios side by side.
    inline: bool = False
    #: A small checkbox.
    small: bool = False


@dataclass(frozen=True)
class Choice:
    """One radio or checkbox: its <input> and its label."""

    id: str
    input: SafeString
    label: str


@dataclass(frozen=True)
class DatePart:
    """The day, the month or the year of a date input."""

    id: str
    label: str
    input: SafeString


@dataclass(frozen=True)
class GovukField:
    """What `templates/partials/govuk_fields.html` writes for one field."""

    #: "hidden", "text" (an input, a textarea or a select), "checkbox", "radios", "checkboxes" or
    #: "date".
    kind: str
    id: str
    #: The name the field posts under (with its form's prefix).
    name: str
    label: str
    help_text: str
    #: The error messages with the ids of their `govuk-error-message` spans.
    errors: list[tuple[str, str]]
    #: The `aria-describedby` of a fieldset (radios, checkboxes, a date): hint and errors.
    describedby: str = ""
    #: The class of the radios' or checkboxes' container.
    container_class: str = ""
    #: "govuk-radios" or "govuk-checkboxes": the prefix of each choice's classes.
    choice_class: str = ""
    choices: list[Choice] = field(default_factory=list)
    #: The <input> or <textarea> of a hidden, text or checkbox field.
    input: str = ""
    parts: list[DatePart] = field(default_factory=list)
    #: The class of the grid column it sits in (a filter form's row), or none.
    column_class: str = ""


def _attrs_html(attrs: dict) -> SafeString:
    """The attributes as Django's `django/forms/widgets/attrs.html` writes them, in order."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _widget_html(widget: forms.Widget, context: dict) -> SafeString:
    """The element Django's `input.html` or `textarea.html` writes for a widget's context."""
    if isinstance(widget, forms.Textarea):
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            context["name"],
            _attrs_html(context["attrs"]),
            context["value"] or "",
        )
    value = "" if context["value"] is None else format_html(' value="{}"', context["value"])
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        value,
        _attrs_html(context["attrs"]),
    )


def _select_html(context: dict) -> SafeString:
    """The element Django's `select.html` and `select_option.html` write for a widget's
    context: its options, in their groups if it has any."""
    groups = []
    for group_name, options, _index in context["optgroups"]:
        html = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(option["value"]), _attrs_html(option["attrs"]), option["label"])
                for option in options
            ),
        )
        if group_name:
            html = format_html('<optgroup label="{}">{}</optgroup>', group_name, html)
        groups.append(html)
    return format_html(
        '<select name="{}"{}>{}</select>',
        context["name"],
        _attrs_html(context["attrs"]),
        mark_safe("".join(groups)),  # noqa: S308 (each built by format_html)
    )


def _mark_input(bound, widget, *, part_errors: list | None = None, no_part_errors=False) -> None:
    """Set the classes and `aria-describedby` that crispy-forms-gds's `crispy_gds_field` sets
    on an input; for a date's part, `part_errors` are its own errors (`no_part_errors` when no
    part has any)."""
    attrs = widget.attrs
    name = widget.__class__.__name__
    is_date_part = part_errors is not None
    classes = [INPUT_CLASSES.get(name.lower(), name.lower())]
    classes += [c for c in attrs.get("class", "").split() if c not in classes]
    css_class = " ".join(classes)
    if bound.help_text and not is_date_part:
        attrs["aria-describedby"] = f"{bound.auto_id}_hint"
    if bound.errors:
        # A date marks the parts in error, or all of them when the error is the whole date's.
        if name in ERROR_MARKED_WIDGETS and (not is_date_part or no_part_errors or part_errors):
            css_class += " govuk-input--error"
        if not bound.help_text:
            attrs["aria-describedby"] = ""
        for number, error in enumerate(bound.errors, start=1):
            if is_date_part and error not in part_errors:
                continue
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = (
                f"{described} " if described else ""
            ) + f"{bound.auto_id}_{number}_error"
    attrs["class"] = css_class


def _widget_context(bound, widget) -> dict:
    """The context Django's `BoundField.as_widget` gives the widget's template."""
    if bound.field.localize:
        widget.is_localized = True
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    return widget.get_context(bound.html_name, bound.value(), attrs)["widget"]


def _describedby(bound) -> str:
    """A fieldset's `aria-describedby`, as crispy-forms-gds writes it."""
    hint = f"{bound.auto_id}_hint" if bound.help_text else ""
    return hint + "".join(
        f" {bound.auto_id}_{number}_error" for number in range(1, len(bound.errors) + 1)
    )


def _choices(bound, *, input_type: str, prefix: str) -> list[Choice]:
    """The radios or checkboxes of `bound`, checked as crispy-forms-gds's templates check them
    (by the value's text; a checkbox's value is a list)."""
    value = bound.value()
    choices = []
    for number, (choice_value, label) in enumerate(bound.field.choices, start=1):
        if input_type == "radio":
            checked = str(choice_value) == str(value)
        else:
            try:
                checked = choice_value in value or str(choice_value) in value
            except TypeError:  # nothing chosen: the value is None
                checked = False
        choice_id = f"id_{bound.html_name}_{number}"
        choices.append(
            Choice(
                id=choice_id,
                input=format_html(
                    '<input type="{}" name="{}" class="{}__input" id="{}" value="{}"{}>',
                    input_type,
                    bound.html_name,
                    prefix,
                    choice_id,
                    choice_value,
                    SafeString(' checked="checked"') if checked else "",
                ),
                label=str(label),
            )
        )
    return choices


def govuk_field(bound: forms.BoundField, show: Show) -> GovukField:
    """The GOV.UK markup's parts for one bound field. Sets on its widget the attributes that
    crispy-forms-gds would: call it once per field and form, as rendering does."""
    widget = bound.field.widget
    common = {
        "id": bound.auto_id,
        "name": bound.html_name,
        "label": bound.label,
        "help_text": bound.help_text,
        "errors": [
            (f"{bound.auto_id}_{number}_error", error)
            for number, error in enumerate(bound.errors, start=1)
        ],
    }
    if widget.is_hidden:
        return GovukField(
            kind="hidden", input=_widget_html(widget, _widget_context(bound, widget)), **common
        )
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        # CheckboxSelectMultiple is a RadioSelect in Django.
        is_radios = not isinstance(widget, forms.CheckboxSelectMultiple)
        prefix = "govuk-radios" if is_radios else "govuk-checkboxes"
        # crispy-forms-gds writes an inline group's class without its block ("--inline").
        container = prefix + ("--inline" if show.inline else "")
        if show.small:
            container += f" {prefix}--small"
        input_type = "radio" if is_radios else "checkbox"
        return GovukField(
            kind="radios" if is_radios else "checkboxes",
            describedby=_describedby(bound),
            container_class=container,
            choice_class=prefix,
            choices=_choices(bound, input_type=input_type, prefix=prefix),
            **common,
        )
    if isinstance(widget, forms.MultiWidget):
        # The date field's clean() keeps each part's errors on the part field's widget.
        part_errors = [getattr(part.widget, "errors", []) for part in bound.field.fields]
        for part, errors in zip(widget.widgets, part_errors, strict=True):
            _mark_input(bound, part, part_errors=errors, no_part_errors=not any(part_errors))
        parts = []
        for part, context in zip(
            widget.widgets, _widget_context(bound, widget)["subwidgets"], strict=True
        ):
            part_id = context["attrs"]["id"]
            label = context["attrs"].pop("label")
            parts.append(DatePart(id=part_id, label=label, input=_widget_html(part, context)))
        return GovukField(kind="date", describedby=_describedby(bound), parts=parts, **common)
    if show.css_class:
        widget.attrs["class"] = show.css_class
    if show.rows is not None:
        widget.attrs["rows"] = str(show.rows)
    _mark_input(bound, widget)
    if isinstance(widget, forms.Select):
        # Labelled like a text input.
        return GovukField(kind="text", input=_select_html(_widget_context(bound, widget)), **common)
    if isinstance(widget, forms.CheckboxInput):
        return GovukField(
            kind="checkbox",
            container_class="govuk-checkboxes" + (" govuk-checkboxes--small" if show.small else ""),
            input=_widget_html(widget, _widget_context(bound, widget)),
            **common,
        )
    return GovukField(
        kind="text", input=_widget_html(widget, _widget_context(bound, widget)), **common
    )


class GovukFieldsMixin:
    """A form whose fields `templates/partials/govuk_fields.html` writes, in the order and
    with the options of `layout`."""

    layout: tuple[Show, ...] = ()
    # Errors are reported by the page, next to each field: the browser's own check of a
    # required field would come first and say something else (as crispy-forms-gds does).
    use_required_attribute = False

    @cached_property
    def govuk_fields(self) -> list[GovukField]:
        return [govuk_field(self[show.name], show) for show in self.layout]

    @cached_property
    def helper(self) -> FormHelper:
        """What crispy-forms-gds's `{% error_summary form %}` reads (`form_show_errors`): the
        page's summary of errors above its heading stays the app's one summary."""
        return FormHelper()


@dataclass(frozen=True)
class Column:
    """A field of a filter form's grid row, and its column's width class."""

    show: Show
    css_class: str


class GovukFilterFormMixin(GovukFieldsMixin):
    """A list page's filters, sent by GET so that a filtered list has a URL, written by
    `templates/partials/govuk_filter_form.html`: the fields of `columns` side by side in a
    grid row (those the form has: a filter may be left out for some users), then those of
    `layout` below, then "Apply filters" and "Clear filters" (back to the page's own path).
    The markup is crispy-forms-gds's for the same layout, without its cost on every list
    request. The button carries no name: it adds nothing to the query string that the
    pagination keeps."""

    #: The <form>'s id.
    form_id = ""
    columns: tuple[Column, ...] = ()
    #: The class of "Apply filters": "govuk-button", or a secondary button beside a main one.
    apply_class = "govuk-button"

    @cached_property
    def govuk_columns(self) -> list[GovukField]:
        return [
            replace(govuk_field(self[column.show.name], column.show), column_class=column.css_class)
            for column in self.columns
            if column.show.name in self.fields
        ]
