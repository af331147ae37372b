"""Django's SQLite backend, for `make run` and a trial without PostgreSQL, with one change: a
decimal computed by the database (a sum, a Coalesce, a subquery) comes back to its field's
places, as a column does.

SQLite keeps decimals as floats. Django rounds a column's value to its field's places, but gives
any other expression fifteen significant digits: a PSCL's days delivered read "0.810000000000000"
and a school's inherited value added "98.2000000000000". PostgreSQL's numeric keeps its scale, so
production is untouched; this makes the trial show what production shows. Selected by
config/settings.py for every SQLite database; the vendor is still "sqlite".
"""

from decimal import Decimal

from django.db.backends.sqlite3 import base, operations
from django.db.models.expressions import Col


class DatabaseOperations(operations.DatabaseOperations):
    def get_decimalfield_converter(self, expression):
        converter = super().get_decimalfield_converter(expression)
        places = getattr(expression.output_field, "decimal_places", None)
        if isinstance(expression, Col) or places is None:
            return converter
        step = Decimal(1).scaleb(-places)

        def to_places(value, expression, connection):
            value = converter(value, expression, connection)
            # Without the field's context: a sum may hold more digits than one value.
            return None if value is None else value.quantize(step)

        return to_places


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
