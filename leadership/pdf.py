"""Letters and reports as PDF, from the same templates as their web pages (WeasyPrint).

A template that is both a page and a PDF extends `{{ base_template }}`: "base.html" for the page,
`PDF_BASE_TEMPLATE` for the PDF, which keeps only the `title` and `content` blocks and links the
print stylesheet from the site's static files.

WeasyPrint may fetch nothing but the site's own static files: any other URL in a document (an
address on another host, a file: path) is refused, so that no text in a letter can make the
server fetch something.
"""

import gc
import mimetypes
import posixpath
import threading
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_BASE_TEMPLATE = "leadership/pdf_base.html"
WEB_BASE_TEMPLATE = "base.html"


class StaticFilesFetcher(URLFetcher):
    """Serves WeasyPrint the files under STATIC_URL on the site at `base_url` from the static
    files (the finders, or the collected files in production) and refuses every other URL."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        site = urlsplit(base_url)
        self.origin = (site.scheme, site.netloc)

    def fetch(self, url, headers=None):
        prefix = urlsplit(static("")).path
        parts = urlsplit(url)
        path = parts.path
        if (parts.scheme, parts.netloc) != self.origin or not path.startswith(prefix):
            raise ValueError(f"Only the site's static files can be used in a PDF, not {url}")
        name = posixpath.normpath(unquote(path[len(prefix) :]))
        if name.startswith(("..", "/")):
            raise ValueError(f"Not a static file: {url}")
        found = finders.find(name)
        if found:
            body = open(found, "rb")  # noqa: SIM115 (closed by WeasyPrint after reading)
        elif staticfiles_storage.exists(name):
            body = staticfiles_storage.open(name, "rb")
        else:
            raise ValueError(f"No static file {name}")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration a thread, kept: WeasyPrint otherwise loads fontconfig's
    configuration and font list again for every document. Not shared between threads, as
    Pango's font map is not thread-safe. The documents declare no @font-face, so it does not
    grow."""
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


@contextmanager
def _collector_paused():
    """Python's cycle collector off while WeasyPrint lays out a document: the layout makes
    hundreds of thousands of short-lived objects, and collections in the middle of it cost a
    governor report's PDF several per cent of its time (bench/README.md, "PDFs"). What the
    layout left in cycles is collected once it is switched back on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    """The PDF of the HTML document `html`; relative URLs in it resolve against `base_url`."""
    fetcher = StaticFilesFetcher(base_url)
    with _collector_paused():
        return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
            font_config=_font_config()
        )


def render_pdf_response(
    request: HttpRequest, template_name: str, context: dict, *, filename: str
) -> HttpResponse:
    """Render `template_name` with `context` on the PDF base template and answer with the PDF,
    shown in the browser and saved as `filename`."""
    html = render_to_string(
        template_name, {**context, "base_template": PDF_BASE_TEMPLATE}, request=request
    )
    pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response
