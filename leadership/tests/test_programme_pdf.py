"""HTML to PDF (leadership/pdf.py): a real PDF, the print stylesheet from the site's static
files, and nothing fetched from anywhere else."""

import gc
import threading

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


def test_each_thread_keeps_one_font_configuration_and_the_collector_comes_back_on(monkeypatch):
    from leadership import pdf as module

    made, collector_on_during = [], []
    real = module.FontConfiguration

    def counted():
        made.append(real())
        return made[-1]

    def write_pdf(self, font_config=None):
        collector_on_during.append(gc.isenabled())
        assert font_config is made[-1]
        return b"%PDF-1.7"

    monkeypatch.setattr(module, "FontConfiguration", counted)
    monkeypatch.setattr(module, "_fonts", threading.local())
    monkeypatch.setattr(module.HTML, "write_pdf", write_pdf)

    html_to_pdf("<p>One</p>", base_url="http://testserver/")
    html_to_pdf("<p>Two</p>", base_url="http://testserver/")
    other = threading.Thread(target=html_to_pdf, args=("<p>Three</p>",), kwargs={"base_url": "/"})
    other.start()
    other.join()

    assert len(made) == 2  # this thread's, kept for the second document, and the other's
    assert collector_on_during == [False, False, False]
    assert gc.isenabled()


def test_the_collector_comes_back_on_when_a_pdf_fails(monkeypatch):
    from leadership import pdf as module

    def failing(self, font_config=None):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(module.HTML, "write_pdf", failing)

    with pytest.raises(RuntimeError):
        html_to_pdf("<p>One</p>", base_url="http://testserver/")

    assert gc.isenabled()


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
