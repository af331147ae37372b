"""HTML to PDF (leadership/pdf.py): a real PDF, the print stylesheet from the site's static
files, and nothing fetched from anywhere else."""

import pytest
from django.test import RequestFactory

from leadership.pdf import (
    PDF_BASE_TEMPLATE,
    StaticFilesFetcher,
    html_to_pdf,
    render_pdf_response,
)


def test_the_fetcher_serves_the_print_stylesheet_from_the_static_files():
    response = StaticFilesFetcher("http://testserver/")("http://testserver/static/css/print.css")
    try:
        body = response.read()
    finally:
        response.close()

    assert response.content_type == "text/css"
    assert b"@page" in body


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/css/print.css",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "http://testserver/static/../config/settings.py",
        "http://testserver/static/css/missing.css",
        "http://testserver/media/upload.css",
    ],
)
def test_the_fetcher_refuses_anything_but_an_existing_static_file(url):
    with pytest.raises(ValueError):
        StaticFilesFetcher("http://testserver/")(url)


def test_html_becomes_a_pdf_without_fetching_outside_images():
    html = (
        "<!DOCTYPE html><html><body><h1>Millfield Primary School</h1>"
        '<img src="https://example.org/tracker.png" alt=""></body></html>'
    )

    pdf = html_to_pdf(html, base_url="http://testserver/")

    assert pdf.startswith(b"%PDF")


def test_a_pdf_response_renders_the_template_on_the_pdf_base(settings, tmp_path):
    (tmp_path / "letter.html").write_text(
        "{% extends base_template %}{% block title %}A letter{% endblock %}"
        "{% block before_content %}NOT IN THE PDF{% endblock %}"
        "{% block content %}<p>Dear {{ name }},</p>{% endblock %}"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    request = RequestFactory().get("/letter.pdf")
    request.user = None

    response = render_pdf_response(
        request, "letter.html", {"name": "Sarah Lewis"}, filename="letter one.pdf"
    )

    assert PDF_BASE_TEMPLATE == "leadership/pdf_base.html"
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'inline; filename="letter one.pdf"'
