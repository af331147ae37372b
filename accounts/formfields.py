"""Form fields that every app's forms share."""

from django import forms
from django.core.exceptions import ValidationError


class SteppedDecimalField(forms.DecimalField):
    """A DecimalField with `step_size` that answers a number out of its range with the range's
    message. Django runs every validator even after one fails, and its step check turns the
    number into a float: past about 1e308 that raises ValueError (a server error), so a number
    outside `min_value`..`max_value` is refused here, before the validators run."""

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit_value": self.max_value},
            )
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                self.error_messages["min_value"],
                code="min_value",
                params={"limit_value": self.min_value},
            )
