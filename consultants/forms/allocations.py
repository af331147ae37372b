"""Forms of matching and allocations: confirming a PSCL, reviewing suggest-all, changing the
planned days, and the reasons for asking for a change, declining or ending a match."""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils.html import escape

PLANNED_DAYS_ERRORS = {
    "required": "Enter the planned days",
    "invalid": "Enter the planned days as a number, such as 4 or 4.5",
    "min_value": "Plan at least half a day",
    "max_value": "Plan at most 60 days",
    "max_decimal_places": "Give the days to one decimal place, such as 4.5",
    "max_digits": "Plan at most 60 days",
}


def _planned_days(**kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label="Planned days",
        min_value=Decimal("0.5"),
        max_value=Decimal("60"),
        max_digits=3,
        decimal_places=1,
        error_messages=PLANNED_DAYS_ERRORS,
        **kwargs,
    )


class ConfirmForm(forms.Form):
    """Confirm one PSCL for a school, from a row of the suggestions page (prefixed by the PSCL,
    so that each row has its own ids). Over capacity, the manager must tick the box."""

    planned_days = _planned_days(
        help_text="The programme year's days per school; more may be allocated."
    )
    accept_over_capacity = forms.BooleanField(
        label="I accept that this takes the PSCL over capacity", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rows are laid out by the template; the helper gives the error summary.
        self.helper = FormHelper()


class SuggestAllForm(forms.Form):
    """One select per unmatched school: the proposed PSCL, any other eligible PSCL, or leave the
    school unmatched. `proposals` come from `consultants.matching.suggest_all`."""

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.proposals = proposals
        for proposal in proposals:
            choices = [("", "Leave unmatched")] + [
                (str(candidate.pk), candidate.name)
                for candidate in sorted(proposal.eligible, key=lambda c: (c.name, c.pk))
            ]
            self.fields[self.field_name(proposal)] = forms.ChoiceField(
                # Escaped here: crispy-forms-gds prints labels unescaped (|safe).
                label=f"PSCL for {escape(proposal.target.place.name)}",
                choices=choices,
                required=False,
                initial=str(proposal.suggestion.candidate.pk) if proposal.suggestion else "",
                error_messages={"invalid_choice": "Choose a PSCL from the list"},
            )

    @staticmethod
    def field_name(proposal) -> str:
        return f"school_{proposal.target.participation_pk}"

    def rows(self):
        """Each proposal with its bound field, for the template."""
        return [(proposal, self[self.field_name(proposal)]) for proposal in self.proposals]

    def chosen(self) -> list[tuple[int, int]]:
        """(participation pk, adviser pk) of every school given a PSCL."""
        return [
            (proposal.target.participation_pk, int(self.cleaned_data[self.field_name(proposal)]))
            for proposal in self.proposals
            if self.cleaned_data.get(self.field_name(proposal))
        ]


class DaysForm(forms.Form):
    planned_days = _planned_days()
    reason = forms.CharField(
        label="Why do the days change? (optional)", widget=forms.Textarea, required=False
    )
    accept_over_capacity = forms.BooleanField(
        label="I accept that this takes the PSCL over their days", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("planned_days", field_width=5, label_size=Size.SMALL),
            Field.textarea("reason", rows=3, label_size=Size.SMALL),
            Field.checkbox("accept_over_capacity"),
            Button("submit", "Change the days", data_prevent_double_click="true"),
        )


class ReasonForm(forms.Form):
    """A reason for a change of the match: required unless `required` is False."""

    reason = forms.CharField(label="Reason", widget=forms.Textarea)

    def __init__(self, *args, label: str, button: str, required: bool = True, message="", **kw):
        super().__init__(*args, **kw)
        field = self.fields["reason"]
        field.label = label
        field.required = required
        field.error_messages["required"] = message or "Give the reason"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason", rows=5, label_size=Size.MEDIUM),
            Button("submit", button, data_prevent_double_click="true"),
        )
