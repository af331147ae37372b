"""What each kind of report contains: a builder per kind turns a run into its content.

A builder reads the data for a run's scope as it is now and returns a `ReportContent`: the
report's title, the template of its body (a fragment of HTML, no <html> or layout) and that
template's context, and the PDF's file name. The engine (`reports.services.runs`) renders the
body once, keeps it as the run's HTML, and wraps the same body in the print layout for the PDF,
so the page and the PDF can never differ.

Builders are named here by dotted path and imported on first use, so this module stays cheap to
import and each kind's module owns its own reads.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.module_loading import import_string

from .models import ReportKind, ReportRun

#: kind -> the dotted path of `build(run, *, today) -> ReportContent`.
BUILDERS = {
    ReportKind.GOVERNOR: "reports.selectors.governor.build_governor_report",
    ReportKind.LEA_EVALUATION: "reports.selectors.evaluation.build_evaluation_report",
    ReportKind.PSCL_CASELOAD: "reports.selectors.caseload.build_caseload_report",
    ReportKind.FUNDING_STATEMENT: "reports.selectors.statement.build_statement_report",
}


@dataclass(frozen=True)
class ReportContent:
    #: The report's heading, kept as the run's title.
    title: str
    #: The template of the report's body: HTML with GOV.UK classes, no page layout.
    template_name: str
    context: dict = field(default_factory=dict)
    #: The PDF's file name, e.g. "millfield-primary-school-autumn-2004-v2.pdf".
    filename: str = "report.pdf"


def build_content(run: ReportRun, *, today: datetime.date) -> ReportContent:
    """The content of `run` from the data as it is now; `today` is the application's date
    (`accounts.clock.today()`), which a builder uses to cut a term that is not over yet."""
    builder = import_string(BUILDERS[run.kind])
    return builder(run, today=today)
