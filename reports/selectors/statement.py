"""The funding statement as a report: the same statement as the funding statement page and
its exports (`funding.selectors.statements.funding_statement`), never computed again here, so
the issued report's totals agree with the page to the penny."""

import datetime

from django.utils.text import slugify

from funding.selectors.statements import funding_statement

from ..content import ReportContent
from ..models import ReportRun


def build_statement_report(run: ReportRun, *, today: datetime.date) -> ReportContent:
    """The funding statement of `run.programme_year`: a row per school holding a place, and the
    totals. One query."""
    year = run.programme_year
    title = f"Funding statement {year.name}: {year.local_authority.name}"
    return ReportContent(
        title=title,
        template_name="reports/report/statement.html",
        context={
            "title": title,
            "programme_year": year,
            "statement": funding_statement(year),
            "today": today,
        },
        filename=(
            f"funding-statement-{slugify(year.local_authority.name)}-{slugify(year.name)}"
            f"-v{run.version}.pdf"
        ),
    )
