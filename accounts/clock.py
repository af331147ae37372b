"""Today's date, as the application sees it.

Everything that asks "what is today?" (overdue actions, early warnings, the term a report is for,
the dates a form suggests) asks `today()`. It is the real local date, unless the setting
`PLP_TODAY` names another: a demonstration or a training copy can then be set inside the
programme year its data belongs to (`make run` sets the demo's 26 November 2004). Production
refuses the setting (config/settings.py). Timestamps (`timezone.now()`) stay real.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def today() -> datetime.date:
    """The date the application takes for today: `settings.PLP_TODAY` if set, else the real
    local date."""
    return getattr(settings, "PLP_TODAY", None) or timezone.localdate()
