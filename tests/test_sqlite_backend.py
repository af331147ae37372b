"""config.sqlite3, the SQLite backend of `make run`: a decimal the database computes comes back
to its field's places, as a column does, instead of fifteen significant digits."""

from django.db.models import DecimalField, Value
from django.db.models.expressions import Col

from config.sqlite3.base import DatabaseOperations

DAYS = DecimalField(max_digits=6, decimal_places=2)


def convert(expression, value):
    return DatabaseOperations(connection=None).get_decimalfield_converter(expression)(
        value, expression, None
    )


def test_a_computed_decimal_comes_back_to_its_fields_places():
    days = Value(0, output_field=DAYS)

    assert str(convert(days, 0.81)) == "0.81"  # Django's own: 0.810000000000000
    assert str(convert(days, 3.0)) == "3.00"
    assert convert(days, None) is None


def test_a_sum_may_hold_more_digits_than_its_field():
    total = Value(0, output_field=DAYS)

    assert str(convert(total, 1234567.891)) == "1234567.89"


def test_a_column_is_left_to_django():
    column = Col("consultants_visit", DAYS)

    assert str(convert(column, 0.81)) == "0.81"
