"""Forms of the evaluation report's draft: the points for action as the strategy manager issues
them, and the thresholds from which points are suggested.

The points form carries an idempotency key made when the form is drawn, so that issuing the
same draft twice (a double click, a resubmission) yields one report (`reports.forms.runs`
explains the key).
"""

import re
import uuid

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout, Size
from django import forms

from ..models import EvaluationThresholds, ReportKind

#: Empty boxes offered beyond the suggested points, for the manager's own.
EXTRA_POINTS = 2
#: The most points a report may carry (a form cannot grow without limit).
MAX_POINTS = 20
POINT_MAX_LENGTH = 1000
_POINT_NAME = re.compile(r"^point_(\d+)$")


def _point_field(number: int) -> forms.CharField:
    return forms.CharField(
        label=f"Point {number}",
        required=False,
        max_length=POINT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Point {number} must be {POINT_MAX_LENGTH} characters or fewer"
        },
    )


class PointsForActionForm(forms.Form):
    """The points for action to issue: a box per suggested point, already filled and editable,
    and two empty boxes for more. Blank boxes are dropped; at least one point is needed."""

    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form has expired: issue the report again",
            "invalid": "The form has expired: issue the report again",
        },
    )

    def __init__(self, *args, user, points: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["idempotency_key"].initial = uuid.uuid4
        count = len(points) + EXTRA_POINTS
        if self.is_bound:
            # The boxes that were drawn: the suggestions may have changed since.
            posted = [int(m.group(1)) + 1 for m in map(_POINT_NAME.match, self.data) if m]
            count = max(count, *posted) if posted else count
        count = min(count, MAX_POINTS)
        self.point_names = []
        for index in range(count):
            name = f"point_{index}"
            self.fields[name] = _point_field(index + 1)
            if index < len(points):
                self.fields[name].initial = points[index]
            self.point_names.append(name)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            *(Field.textarea(name, rows=3) for name in self.point_names),
            "idempotency_key",
            Button("issue", "Issue the report", data_prevent_double_click="true"),
        )

    def clean(self):
        cleaned = super().clean()
        # A hidden field shows no error of its own: say it at the top of the form.
        expired = self._errors.pop("idempotency_key", None)
        if expired:
            self.add_error(None, expired)
        if self.point_names and not self.points() and not self.errors:
            self.add_error(self.point_names[0], "Enter at least one point for action")
        return cleaned

    def points(self) -> list[str]:
        """The points as issued, in order, blank boxes dropped."""
        return [
            self.cleaned_data[name].strip()
            for name in self.point_names
            if self.cleaned_data.get(name, "").strip()
        ]

    def request_key(self) -> str:
        """The key the service keeps: the user's and the report's, so that one user's key can
        never meet another's."""
        return (
            f"form:{ReportKind.LEA_EVALUATION}:{self.user.pk}:"
            f"{self.cleaned_data['idempotency_key'].hex}"
        )


def _percent_messages(name: str) -> dict:
    return {
        "required": f"Enter the {name}",
        "invalid": f"The {name} must be a number, such as 80 or 92.5",
        "min_value": f"The {name} must be 0 or more",
        "max_value": f"The {name} must be 100 or less",
        "max_digits": f"The {name} must be 100 or less",
        "max_whole_digits": f"The {name} must be 100 or less",
        "max_decimal_places": f"The {name} can have up to two decimal places",
    }


_DECIMAL = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})


class EvaluationThresholdsForm(forms.ModelForm):
    """The levels at which the evaluation report suggests a point for action."""

    class Meta:
        model = EvaluationThresholds
        fields = [
            "plans_quantified_min_percent",
            "days_delivered_min_percent",
            "grants_accounted_min_percent",
            "training_attendance_min_percent",
            "targets_lowered_max",
            "support_rating_min",
        ]
        widgets = {
            "plans_quantified_min_percent": _DECIMAL,
            "days_delivered_min_percent": _DECIMAL,
            "grants_accounted_min_percent": _DECIMAL,
            "training_attendance_min_percent": _DECIMAL,
            "targets_lowered_max": forms.TextInput(
                attrs={"inputmode": "numeric", "spellcheck": "false"}
            ),
            "support_rating_min": _DECIMAL,
        }
        error_messages = {
            "plans_quantified_min_percent": _percent_messages(
                "share of plans with quantified success criteria"
            ),
            "days_delivered_min_percent": _percent_messages("share of funded days delivered"),
            "grants_accounted_min_percent": _percent_messages("share of grants accounted for"),
            "training_attendance_min_percent": _percent_messages(
                "share of team members at every session"
            ),
            "targets_lowered_max": {
                "required": "Enter the most schools that may lower a target",
                "invalid": "The number of schools must be a whole number, such as 0 or 2",
                "min_value": "The number of schools must be 0 or more",
                "max_value": "The number of schools must be 32,767 or fewer",
            },
            "support_rating_min": {
                "required": "Enter the lowest average rating of PSCL support",
                "invalid": "The rating must be a number from 1 to 5, such as 3.5",
                "min_value": "The rating must be 1 or more",
                "max_value": "The rating must be 5 or less",
                "max_digits": "The rating must be 5 or less",
                "max_whole_digits": "The rating must be 5 or less",
                "max_decimal_places": "The rating can have up to two decimal places",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            *(Field.text(name, field_width=Fixed.FIVE) for name in self.Meta.fields),
            Button("save", "Save the thresholds", data_prevent_double_click="true"),
        )
