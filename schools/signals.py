"""Signals of the school register, for the apps above it (which schools may not import)."""

from django.dispatch import Signal

#: Sent with `schools` (a list of School, as saved) after an import has changed their number on
#: roll by bulk update, without `save()` and so without `post_save`: once a batch rather than
#: once a school, so that a receiver can act on the batch with a few queries. The funding app
#: recomputes the schools' unpaid grants (funding.apps).
rolls_changed = Signal()
