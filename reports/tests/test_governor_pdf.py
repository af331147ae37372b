"""The governor report as a PDF: the body wrapped in the print layout (reports/report/pdf.html,
as the report engine does), made by WeasyPrint, opens, and its text holds the school's name and
the report's key figures."""

import io

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from consultants.models import Term
from leadership.pdf import StaticFilesFetcher, html_to_pdf
from reports.factories import ReportRunFactory
from reports.selectors.governor import build_governor_report

from .test_governor_report import SENTINEL, TODAY, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def document(world):  # noqa: F811 (the fixture imported above)
    run = ReportRunFactory(programme_year=world.year, school=world.school, term=Term.AUTUMN)
    content = build_governor_report(run, today=TODAY)
    body = render_to_string(content.template_name, content.context)
    return render_to_string("reports/report/pdf.html", {"title": content.title, "body": body})


@pytest.fixture
def pdf(document):
    return html_to_pdf(document, base_url="http://testserver/")


def test_the_pdf_opens_and_holds_the_school_s_name_and_key_figures(pdf):
    text = _pdf_text(pdf)

    assert pdf.startswith(b"%PDF")
    assert "Autumn term 2004 progress report: Millfield Primary School" in text
    assert "Days used: 3.5 of 4 days." in text
    assert "GBP 2,820" in text
    assert "Received so far GBP 1,000" in text
    assert "Ruth Ellison" in text
    assert "What to ask the headteacher next" in text


def test_the_pdf_never_holds_the_visit_notes(pdf):
    assert SENTINEL not in _pdf_text(pdf)


def test_the_pdf_has_page_numbers(pdf):
    text = _pdf_text(pdf)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)

    assert pages >= 2
    assert f"Page 1 of {pages}" in text


def _table_layouts(document: str) -> dict[str, set[str]]:
    """The table layout of each kind of table in the PDF of `document`, by its last class."""
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import TableBox

    base_url = "http://testserver/"
    rendered = HTML(
        string=document, base_url=base_url, url_fetcher=StaticFilesFetcher(base_url)
    ).render()
    layouts: dict[str, set[str]] = {}
    for page in rendered.pages:
        for box in page._page_box.descendants():
            if isinstance(box, TableBox):
                kind = (box.element.get("class") or "").split()[-1]
                layouts.setdefault(kind, set()).add(box.style["table_layout"])
    return layouts


def test_summary_lists_use_the_fixed_table_layout(document):
    """The reports' own print stylesheet is linked and served, and lays out summary lists with
    the fixed table layout (the automatic one measures every long value word by word, which
    made an evaluation report's PDF twice as slow)."""
    assert _table_layouts(document)["govuk-summary-list"] == {"fixed"}


def test_every_table_uses_the_fixed_table_layout(document):
    """The governor report's tables have their column widths from reports/print.css, so that
    WeasyPrint does not measure every cell before laying it out."""
    layouts = _table_layouts(document)

    assert {"app-report-table--team", "app-report-table--days"} <= layouts.keys()
    assert set().union(*layouts.values()) == {"fixed"}
