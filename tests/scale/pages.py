"""Every page of the project that answers GET, and how to open it in the bad-input world
(tests/input/world.py): the pages that only show (tests/input/pages_table.py), the form pages
(tests/input/forms_table.py: their GET shows the form), the REST API (lists and records), and a
few lists again with filters. `NOT_MEASURED` names, with the reason, the GET URLs left out.

tests/scale/test_bounded_queries.py counts the queries of each page here at two sizes of data;
its coverage test fails when a URL of config/access_policy.py that answers GET is in neither
table.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from config.access_policy import RULES
from tests.input.forms_table import FORMS
from tests.input.pages_table import PAGES, url_name


@dataclass(frozen=True)
class Page:
    """A page to count: its URL name, its URL arguments in world `w`, and a query string."""

    name: str
    kwargs: Callable
    query: str | Callable = ""

    def url(self, world) -> str:
        query = self.query(world) if callable(self.query) else self.query
        return reverse(self.name, kwargs=self.kwargs(world)) + query


def _none(w):
    return {}


def _api(kind):
    return lambda w: {"pk": getattr(w.own, kind).pk}


#: The REST API: every list, and one record of each.
API = {
    "api:lea-list": Page("api:lea-list", _none),
    "api:school-list": Page("api:school-list", _none),
    "api:programme-year-list": Page("api:programme-year-list", _none),
    "api:participation-list": Page("api:participation-list", _none),
    "api:allocation-list": Page("api:allocation-list", _none),
    "api:visit-list": Page("api:visit-list", _none),
    "api:plan-review-list": Page("api:plan-review-list", _none),
    "api:report-run-list": Page("api:report-run-list", _none),
    "api:lea-detail": Page("api:lea-detail", lambda w: {"pk": w.own.lea.pk}),
    "api:school-detail": Page("api:school-detail", lambda w: {"urn": w.own.school.urn}),
    "api:programme-year-detail": Page("api:programme-year-detail", _api("year")),
    "api:participation-detail": Page("api:participation-detail", _api("participation")),
    "api:allocation-detail": Page("api:allocation-detail", _api("allocation")),
    "api:visit-detail": Page("api:visit-detail", _api("visit")),
    "api:plan-review-detail": Page("api:plan-review-detail", _api("review")),
    "api:report-run-detail": Page("api:report-run-detail", _api("run")),
}

#: Lists again with their filters (each filter is a query of its own).
FILTERED = {
    "schools:list:filtered": Page(
        "schools:list", _none, "?q=School&phase=PRIMARY&size=small&below_average_va=on"
    ),
    "schools:list:ofsted": Page("schools:list", _none, "?ofsted_category=any&page=1"),
    "schools:list_csv:filtered": Page("schools:list_csv", _none, "?q=School&size=small"),
    "consultants:visit_feed:filtered": Page("consultants:visit_feed", _none, "?q=School"),
    "audit:changes:filtered": Page("audit:changes", _none, "?kind=participation"),
}

#: GET URLs of config/access_policy.py whose queries are not counted here, and why.
NOT_MEASURED = {
    "favicon.ico": "a redirect to a static file: no query",
    "api:schema": "the OpenAPI schema: built from the code, reads no records",
    "api:docs": "Swagger UI: a static page of the schema, reads no records",
    "api:redoc": "ReDoc: a static page of the schema, reads no records",
    "accounts:login": "the sign-in form: an anonymous page that reads no records",
    "accounts:password_reset": "an anonymous form that reads no records",
    "accounts:password_reset_confirm": "an anonymous form that reads the one user of the link",
    "admin_login_two_factor": "the admin's sign-in: redirects a signed-in admin",
}


def _form_pages() -> dict:
    """The form pages: the forms whose URL answers GET in the access table (the others only
    post, from a page already in the table)."""
    found = {}
    for name, form in FORMS.items():
        if name in NOT_MEASURED or "GET" not in RULES[name].methods:
            continue
        query = ""
        if form.page and form.page[0] == name and len(form.page) > 2:
            query = form.page[2]
        found[f"form:{name}"] = Page(name, form.kwargs, query)
    return found


def all_pages() -> dict:
    """{key: Page} of every page counted (a key may add `:variant` after the URL name)."""
    pages = {key: Page(url_name(key), kwargs) for key, kwargs in PAGES.items()}
    pages.update(_form_pages())
    pages.update(API)
    pages.update(FILTERED)
    return pages


def get_urls() -> set:
    """The URL names of config/access_policy.py that answer GET."""
    return {name for name, rule in RULES.items() if "GET" in rule.methods}


#: Every page counted, by key.
PAGES_BY_KEY = all_pages()
