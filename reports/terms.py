"""The three terms of a programme year, as date ranges.

Autumn runs from September to December, spring from January to March, summer from April to the
end of the year (as `consultants.selectors.pages.term_of` counts them), each cut to the
programme year's own start and end.
"""

import datetime
from dataclasses import dataclass

from consultants.models import Term
from consultants.selectors.pages import term_of
from leadership.models import ProgrammeYear

#: The terms in the order a year runs through them.
TERM_ORDER = (Term.AUTUMN, Term.SPRING, Term.SUMMER)


@dataclass(frozen=True)
class TermDates:
    term: str
    starts_on: datetime.date
    ends_on: datetime.date

    @property
    def label(self) -> str:
        """E.g. "Autumn term 2004"."""
        return f"{Term(self.term).label} {self.starts_on.year}"


def term_dates(programme_year: ProgrammeYear, term: str) -> TermDates:
    """The first and last day of `term` in `programme_year`."""
    first_year = programme_year.starts_on.year
    if term == Term.AUTUMN:
        start, end = datetime.date(first_year, 9, 1), datetime.date(first_year, 12, 31)
    elif term == Term.SPRING:
        start, end = datetime.date(first_year + 1, 1, 1), datetime.date(first_year + 1, 3, 31)
    elif term == Term.SUMMER:
        start, end = datetime.date(first_year + 1, 4, 1), datetime.date(first_year + 1, 8, 31)
    else:
        raise ValueError(f"Not a term: {term!r}")
    return TermDates(
        term=term,
        starts_on=max(start, programme_year.starts_on),
        ends_on=min(end, programme_year.ends_on),
    )


def current_term(programme_year: ProgrammeYear, today: datetime.date) -> str:
    """The term of `programme_year` that `today` falls in; before the year starts, autumn; after
    it ends, summer."""
    if today < programme_year.starts_on:
        return Term.AUTUMN
    if today > programme_year.ends_on:
        return Term.SUMMER
    return term_of(today)


def report_date(programme_year: ProgrammeYear, term: str, today: datetime.date) -> datetime.date:
    """The day a report for `term` describes: the end of the term, or today if the term is not
    over yet (and never before the term starts)."""
    dates = term_dates(programme_year, term)
    return max(dates.starts_on, min(dates.ends_on, today))
