"""The load of the page benchmark (bench/pages_bench.py), for locust.

Not meant to be run by hand: pages_bench.py writes a plan (JSON) and names it in the environment
variable PLP_BENCH_PLAN. The plan gives, for each role, the cookies of a signed-in, two-factor
verified session, and the pages to ask for as that role. Each simulated user asks for the pages in
turn at random (each page equally often), as the page's role, and waits a little between requests
(`wait` in the plan, in seconds) as a person would.

The visit form is the real form: each simulated user first opens it (the "visit form (GET)" row),
reads every field and the CSRF token from the HTML, then posts it with the date of the visit and
the "Save as draft" button; a post counts as a success only when the app answers with its redirect
to the saved visit's page. The bench deletes those drafts afterwards.

Cookies go in an explicit Cookie header rather than locust's cookie jar: in production mode the
session and CSRF cookies are Secure and a jar would not send them over plain HTTP. The requests
also carry `X-Forwarded-Proto: https` and a same-origin Referer, as they would behind the TLS proxy
that production assumes (SECURE_PROXY_SSL_HEADER), so that the CSRF check passes as it does there.
"""

import json
import os
import random
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["PLP_BENCH_PLAN"], encoding="utf-8") as _file:
    PLAN = json.load(_file)


def _cookie_header(cookies: dict) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


class _FormFields(HTMLParser):
    """The fields of the <form> with the id `form_id` on a page, as a browser would submit them
    with nothing changed: inputs with their values (checked boxes and radios only), textareas
    with their text, selects with their selected option."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._done = False
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None
        self._selected: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if self._done:
            return
        if tag == "form" and attrs.get("id") == self.form_id:
            self._in_form = True
            return
        if not self._in_form or "name" not in attrs:
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file"):
                return
            self.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = attrs["name"], ""
        elif tag == "select":
            self._select, self._selected = attrs["name"], None
        elif tag == "option" and self._select and "selected" in attrs:
            self._selected = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if self._selected is not None:
                self.fields.append((self._select, self._selected))
            self._select = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = _FormFields(form_id)
    parser.feed(html)
    return parser.fields


def _errors(html: str) -> str:
    """The messages of a page's GOV.UK error summary, to say why a post was not saved."""
    summary = html.split("govuk-error-summary__list", 1)[-1].split("</ul>", 1)[0]
    return "; ".join(re.findall(r'<a href="[^"]*">\s*([^<]*?)\s*</a>', summary))[:300]


class PageUser(FastHttpUser):
    """One person at a time, of any role: each request is made as the role of its page."""

    wait_time = between(*PLAN["wait"])
    # pages_bench.py passes the server's address with --host.

    def _headers(self, role: str, path: str) -> dict:
        return {
            "Cookie": _cookie_header(PLAN["roles"][role]),
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{PLAN['host_header']}{path}",
        }

    @task(len(PLAN["pages"]))
    def page(self):
        page = random.choice(PLAN["pages"])  # noqa: S311 (not for security)
        with self.client.get(
            page["path"],
            name=page["name"],
            headers=self._headers(page["role"], page["path"]),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task(1)
    def visit_post(self):
        form = PLAN["visit_form"]
        if form is None:
            return
        headers = self._headers(form["role"], form["path"])
        # As a PSCL does: open the form, then save it.
        with self.client.get(
            form["path"],
            name="visit form (GET)",
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return
            fields = form_fields(response.text, form["form_id"])
            names = {name for name, _ in fields}
            if "csrfmiddlewaretoken" not in names:
                response.failure("no CSRF token in the form")
                return
        data = [(name, value) for name, value in fields if name not in form["fill"]]
        data += list(form["fill"].items())
        with self.client.post(
            form["path"],
            name=form["name"],
            data=urlencode(data),
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith(form["saved_prefix"]):
                why = _errors(response.text)
                response.failure(f"status {response.status_code}, not saved: {why}")


@events.init_command_line_parser.add_listener
def _no_options(parser):
    """Nothing to add: the plan carries everything."""
