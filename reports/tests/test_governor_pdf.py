"""The governor report as a PDF: the body wrapped in the print layout (reports/report/pdf.html,
as the report engine does), made by WeasyPrint, opens, and its text holds the school's name and
the report's key figures."""

import io

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from consultants.models import Term
from leadership.pdf import html_to_pdf
from reports.factories import ReportRunFactory
from reports.selectors.governor import build_governor_report

from .test_governor_report import SENTINEL, TODAY, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def pdf(world):  # noqa: F811 (the fixture imported above)
    run = ReportRunFactory(programme_year=world.year, school=world.school, term=Term.AUTUMN)
    content = build_governor_report(run, today=TODAY)
    body = render_to_string(content.template_name, content.context)
    document = render_to_string("reports/report/pdf.html", {"title": content.title, "body": body})
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
