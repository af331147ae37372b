"""The world of the leak scan (issue 8, item 3): the demo's two LEAs with a canary planted in
every text of the other LEA's records, and a crawler that reads everything a user of this LEA can
reach, looking for it.

"This LEA" is the demo's Northmoor (991), "the other LEA" Southvale (992). A record belongs to an
LEA through its relations (a school's, a programme year's, an adviser's, a user's LEA...), found
by walking the foreign keys of every model up to the LEA, so that a model added later is planted
without a change here. A record that reaches both LEAs, or none (national reference data, the
admin's own rows), is left alone.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat, Left
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404

from schools.models import LocalAuthority

#: The text planted in the other LEA's records. Only letters, digits and hyphens, so that no
#: escaping (HTML, JSON, CSV, XML) hides it; looked for without regard to case (emails are
#: lower-cased) or white space (a PDF's text may break a line inside it).
CANARY = "CANARY-7f3a"
NEEDLE = CANARY.lower()

OWN_CODE, OTHER_CODE = "991", "992"

#: Text fields that are keys, secrets or file paths rather than something a person wrote:
#: changing them would break the other LEA's rows (a token, a stored file) without testing
#: anything a page shows.
NOT_PLANTED = frozenset(
    {
        "password",
        "key",
        "token",
        "calendar_token",
        "idempotency_key",
        "scope_key",
        "url",
        "encoding",
        "stored_file",
        "letter_file",
        "session_key",
        "secret",
    }
)

#: A field shorter than this cannot hold a recognisable canary (an LEA code, a postcode).
SHORTEST_PLANTED = 16

#: How deep the walk from a model to the LEA goes (an agreed action: visit, allocation,
#: participation, school, LEA).
MAX_DEPTH = 6


# -- which LEA a record belongs to --------------------------------------------------------------


@cache
def lea_paths(model: type[models.Model], depth: int = MAX_DEPTH) -> tuple[str, ...]:
    """The lookups from `model` to an LEA's primary key, through its foreign keys."""
    if model is LocalAuthority:
        return ("pk",)
    if depth == 0:
        return ()
    paths = []
    for model_field in model._meta.concrete_fields:
        target = model_field.related_model if model_field.is_relation else None
        if target is None or target is model:
            continue
        if target is LocalAuthority:
            paths.append(model_field.name)
            continue
        paths += [f"{model_field.name}__{rest}" for rest in lea_paths(target, depth - 1)]
    return tuple(paths)


def rows_by_side(model: type[models.Model], own: LocalAuthority, other: LocalAuthority):
    """The primary keys of `model`'s rows that reach only `own`, only `other`, and both."""
    reach = {"own": set(), "other": set()}
    manager = model._base_manager
    for path in lea_paths(model):
        for side, lea in (("own", own), ("other", other)):
            reach[side] |= set(manager.filter(**{path: lea.pk}).values_list("pk", flat=True))
    return (
        reach["own"] - reach["other"],
        reach["other"] - reach["own"],
        reach["own"] & reach["other"],
    )


def plantable_fields(model: type[models.Model]) -> list[models.Field]:
    """The free-text and name fields of `model`: text without choices, long enough for a
    canary, that is not a key, a secret or a file path."""
    return [
        model_field
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, models.CharField | models.TextField)
        and not model_field.choices
        and model_field.name not in NOT_PLANTED
        and not model_field.primary_key
        and (model_field.max_length is None or model_field.max_length >= SHORTEST_PLANTED)
    ]


def _canary_for(model: type[models.Model], model_field: models.Field):
    """The canary of one field as a database expression: unique per row (the primary key comes
    first, so a truncated value stays unique), and naming the model and field it was put in."""
    pk = Cast("pk", output_field=models.CharField())
    if isinstance(model_field, models.EmailField):
        return Concat(
            Value(f"{NEEDLE}-"), pk, Value("@example.org"), output_field=models.CharField()
        )
    tag = f"-{model._meta.model_name}-{model_field.name}"
    text = Concat(Value(f"{CANARY}-"), pk, Value(tag), output_field=models.TextField())
    if model_field.max_length:
        return Left(text, model_field.max_length)
    return text


@dataclass
class Planting:
    """What `plant_canaries` did: the fields planted per model (and rows), the rows left alone
    because they reach both LEAs, and the text fields too short to hold a canary."""

    planted: dict[str, tuple[list[str], int]] = field(default_factory=dict)
    mixed: dict[str, int] = field(default_factory=dict)
    own_rows: dict[str, list[int]] = field(default_factory=dict)
    other_rows: dict[str, list[int]] = field(default_factory=dict)


def plant_canaries(own: LocalAuthority, other: LocalAuthority) -> Planting:
    """Put a canary in every free-text and name field of every row of `other`'s, and remember
    each model's rows of both sides (the crawler's ids)."""
    planting = Planting()
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        own_pks, other_pks, mixed = rows_by_side(model, own, other)
        label = model._meta.label
        planting.own_rows[label] = sorted(own_pks)
        planting.other_rows[label] = sorted(other_pks)
        if mixed:
            planting.mixed[label] = len(mixed)
        fields = plantable_fields(model)
        if not (fields and other_pks):
            continue
        model._base_manager.filter(pk__in=other_pks).update(
            **{model_field.attname: _canary_for(model, model_field) for model_field in fields}
        )
        planting.planted[label] = ([model_field.name for model_field in fields], len(other_pks))
    return planting


# -- reading a response ----------------------------------------------------------------------


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def readable_text(response, body: bytes) -> str:
    """Everything a person could read in `response`: its headers (a download's file name), its
    body as text, the XML of an office file (.xlsx) and the text and metadata of a PDF."""
    parts = [f"{name}: {value}" for name, value in response.items()]
    parts.append(body.decode("utf-8", "replace"))
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts += [
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith((".xml", ".rels", ".txt", ".csv"))
            ]
    if body.startswith(b"%PDF"):
        parts += pdf_text(body)
    return "\n".join(parts)


def pdf_text(body: bytes) -> list[str]:
    """The text and metadata of a PDF; nothing more than its bytes for one that pypdf cannot
    read (an uploaded file, which the bytes above already cover)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(body))
        return [page.extract_text() or "" for page in reader.pages] + [
            str(value) for value in (reader.metadata or {}).values()
        ]
    except PdfReadError:
        return []


_SPACE = re.compile(r"\s+")
_CANARY = re.compile(re.escape(NEEDLE) + r"-\d+(-[a-z0-9]+-[a-z0-9_]+)?")


def canaries_in(text: str) -> dict[str, str]:
    """Each canary in `text`, by the model and field it was planted in ("school-name"; "" for
    an email, which names none), with the text around its first occurrence."""
    found = {}
    for source in (text, _SPACE.sub("", text)):
        lowered = source.lower()
        for match in _CANARY.finditer(lowered):
            tag = (match.group(1) or "").lstrip("-")
            found.setdefault(tag, source[max(0, match.start() - 80) : match.end() + 40])
        if found:
            break
    if not found and NEEDLE in _SPACE.sub("", text).lower():
        found[""] = "(a canary cut short)"
    return found


def canary_in(text: str) -> str | None:
    """The text around the first canary in `text`, or None."""
    found = canaries_in(text)
    return next(iter(found.values())) if found else None


#: The other LEA's text that a page of this LEA may show by design, by the pages that do.
#: School-to-school visits go to any school in England (DOMAIN.md: Funding, travel "to schools
#: outside its locality"): the host is found in the national directory, and only its name, URN
#: and LEA are shown (leadership.selectors.teams.host_school_search), as GIAS publishes them.
PUBLIC_DIRECTORY = {
    "school-name": {
        "leadership:school_visits",
        "leadership:school_visit_add",
        "leadership:school_visit_edit",
        "leadership:school_visit_delete",
        "leadership:timeline",
        "leadership:activity_log",
    },
    "localauthority-name": {
        "leadership:school_visits",
        "leadership:school_visit_add",
        "leadership:school_visit_edit",
        "leadership:school_visit_delete",
        "leadership:timeline",
        "leadership:activity_log",
    },
}


def is_public(tag: str, pattern: str | None) -> bool:
    return pattern in PUBLIC_DIRECTORY.get(tag, ())


# -- the URLs of the project -----------------------------------------------------------------

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)")


@dataclass(frozen=True)
class Pattern:
    """One URL pattern of the project: its name for `reverse`, its route and parameters, each
    with the word before it in the route (the kind of record it names)."""

    name: str
    route: str
    params: tuple[tuple[str, str], ...]


def url_patterns() -> list[Pattern]:
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern) and entry.name:
                route = _REGEX_PARAM.sub(r"<\1>", prefix + str(entry.pattern))
                route = route.replace("^", "").replace("$", "")
                words = route.split("/")
                params = []
                for index, word in enumerate(words):
                    for param in _PARAM.findall(word):
                        before = words[index - 1] if index else ""
                        params.append((before, param))
                found.append(Pattern(f"{namespace}{entry.name}", route, tuple(params)))

    walk(get_resolver().url_patterns, "", "")
    return found


#: The record a URL parameter names, by the word before it in the route and its name.
ID_PARAMS: dict[tuple[str, str], tuple[str, str]] = {
    ("schools", "urn"): ("schools.School", "urn"),
    ("flags", "urn"): ("schools.School", "urn"),
    ("leas", "pk"): ("schools.LocalAuthority", "pk"),
    ("imports", "pk"): ("schools.ImportRecord", "pk"),
    ("programme-years", "pk"): ("leadership.ProgrammeYear", "pk"),
    ("programme-years", "year_pk"): ("leadership.ProgrammeYear", "pk"),
    ("evaluation", "year_pk"): ("leadership.ProgrammeYear", "pk"),
    ("capacity", "year_pk"): ("leadership.ProgrammeYear", "pk"),
    ("training", "year_pk"): ("leadership.ProgrammeYear", "pk"),
    ("declaration", "year_pk"): ("leadership.ProgrammeYear", "pk"),
    ("participations", "pk"): ("leadership.Participation", "pk"),
    ("team-members", "pk"): ("leadership.LeadershipTeamMember", "pk"),
    ("school-visits", "pk"): ("leadership.SchoolVisit", "pk"),
    ("training", "pk"): ("leadership.TrainingEvent", "pk"),
    ("priorities", "item"): ("leadership.PlanPriority", "pk"),
    ("criteria", "item"): ("leadership.SuccessCriterion", "pk"),
    ("actions", "item"): ("leadership.Action", "pk"),
    ("reviews", "item"): ("leadership.PlanReview", "pk"),
    ("plan-reviews", "pk"): ("leadership.PlanReview", "pk"),
    ("concerns", "pk"): ("leadership.Concern", "pk"),
    ("good-practice", "pk"): ("leadership.GoodPractice", "pk"),
    ("advisers", "pk"): ("consultants.Adviser", "pk"),
    ("pscls", "pk"): ("consultants.Adviser", "pk"),
    ("applications", "pk"): ("consultants.Application", "pk"),
    ("allocations", "pk"): ("consultants.Allocation", "pk"),
    ("visits", "pk"): ("consultants.Visit", "pk"),
    ("agreed-actions", "pk"): ("consultants.AgreedAction", "pk"),
    ("payments", "pk"): ("funding.Payment", "pk"),
    ("evidence", "pk"): ("funding.ReturnEvidence", "pk"),
    ("reports", "pk"): ("reports.ReportRun", "pk"),
    ("report-runs", "pk"): ("reports.ReportRun", "pk"),
    ("batches", "pk"): ("reports.ReportBatch", "pk"),
    ("subject-access", "pk"): ("privacy.SubjectAccessRequest", "pk"),
}

#: Parameters that name no record of an LEA: the crawl reaches them through links, and an
#: identifier of the other LEA cannot be put in them.
NOT_ID_PARAMS = frozenset({"to_status", "kind", "token", "uidb64"})

#: URL names never requested: they end the session, or belong to the admin site.
NEVER_VISITED = frozenset({"accounts:logout", "accounts:password_reset_confirm"})
NEVER_VISITED_PREFIXES = ("/admin/", "/static/", "/media/", "/__")

#: Query-string parameters that name a record: the crawl also asks for each page with the
#: other LEA's record in them.
ID_QUERY_PARAMS: dict[str, tuple[str, str]] = {
    "school": ("schools.School", "urn"),
    "urn": ("schools.School", "urn"),
    "programme_year": ("leadership.ProgrammeYear", "pk"),
    "year": ("leadership.ProgrammeYear", "pk"),
    "participation": ("leadership.Participation", "pk"),
    "adviser": ("consultants.Adviser", "pk"),
    "pscl": ("consultants.Adviser", "pk"),
    "allocation": ("consultants.Allocation", "pk"),
    "lea": ("schools.LocalAuthority", "code"),
}


def unmapped_params(patterns: Iterable[Pattern]) -> list[str]:
    """The parameters of `patterns` the probes cannot fill: a new kind of page to add to
    `ID_PARAMS` (or `NOT_ID_PARAMS`)."""
    return [
        f"{pattern.name} ({pattern.route}): {before}/<{param}>"
        for pattern in patterns
        if not pattern.route.startswith("admin/")
        for before, param in pattern.params
        if param not in NOT_ID_PARAMS and (before, param) not in ID_PARAMS
    ]


def values_of(label: str, attr: str, pks: list[int]) -> list:
    if not pks:
        return []
    if attr == "pk":
        return list(pks)
    model = apps.get_model(label)
    by_pk = dict(model._base_manager.filter(pk__in=pks).values_list("pk", attr))
    return [by_pk[pk] for pk in pks]


def _spread(items: list, count: int) -> list:
    """`count` items from across `items` (first, last, and between), not just its head."""
    if len(items) <= count:
        return list(items)
    step = (len(items) - 1) / (count - 1) if count > 1 else 0
    return [items[round(index * step)] for index in range(count)]


@dataclass(frozen=True)
class Probe:
    url: str
    side: str  # "own", "other" or "mixed" (the first record this LEA's, the rest the other's)
    pattern: str


def probes(planting: Planting, *, per_side: dict[str, int]) -> list[Probe]:
    """For every URL pattern whose parameters name records, URLs with this LEA's records, the
    other LEA's, and (for two or more) this LEA's first record with the other LEA's others."""
    found = []
    for pattern in url_patterns():
        if pattern.name in NEVER_VISITED or pattern.route.startswith("admin/"):
            continue
        params = [(before, param) for before, param in pattern.params]
        if not params or any((before, param) not in ID_PARAMS for before, param in params):
            continue
        choices = {}
        for side, rows in (("own", planting.own_rows), ("other", planting.other_rows)):
            for before, param in params:
                label, attr = ID_PARAMS[(before, param)]
                choices[side, param] = _spread(
                    values_of(label, attr, rows.get(label, [])), per_side[side]
                )
        combos = []
        for side in ("own", "other"):
            count = min(len(choices[side, param]) for _, param in params)
            combos += [
                (side, {param: choices[side, param][index] for _, param in params})
                for index in range(count)
            ]
        if len(params) > 1 and all(choices["other", p] for _, p in params[1:]):
            first = params[0][1]
            if choices["own", first]:
                mixed = {param: choices["other", param][0] for _, param in params[1:]}
                combos.append(("mixed", {first: choices["own", first][0], **mixed}))
        for side, kwargs in combos:
            try:
                found.append(Probe(reverse(pattern.name, kwargs=kwargs), side, pattern.name))
            except NoReverseMatch:
                continue
    return found


# -- the crawler -----------------------------------------------------------------------------

_LINK = re.compile(r"""\b(href|hx-get|src|data-url)\s*=\s*["']([^"']+)["']""")
_JSON_LINK = re.compile(r'"(https?://testserver/[^"\s]*)"')

#: Statuses that refuse a record: not found, forbidden, or the method is not allowed.
REFUSED = frozenset({403, 404, 405})


@dataclass
class Finding:
    url: str
    status: int
    detail: str
    pattern: str | None = None

    def __str__(self):
        return f"{self.url} [{self.status}]: {self.detail}"


def distinct(findings: Iterable[Finding]) -> str:
    """One finding per page pattern and kind (the canary's model and field), for a message."""
    first = {}
    for finding in findings:
        first.setdefault((finding.pattern, finding.detail.split(":")[0]), finding)
    return "\n".join(f"{pattern}: {finding}" for (pattern, _), finding in first.items())


@dataclass
class Crawl:
    """A bounded breadth-first crawl, as one signed-in user, of every same-site link and htmx
    `hx-get` target, then of the probes; records each canary found, each server error, and each
    probe of the other LEA's records that was not refused."""

    client: object
    per_pattern: int = 10
    visited: set[str] = field(default_factory=set)
    requests: Counter = field(default_factory=Counter)
    leaks: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    not_refused: list[Finding] = field(default_factory=list)
    query_variants: list[tuple[str, str]] = field(default_factory=list)

    def pattern_of(self, path: str) -> str | None:
        try:
            match = resolve(path)
        except Resolver404:
            return None
        return match.view_name or match.route

    def allowed(self, url: str) -> tuple[str, str] | None:
        """The (path and query, pattern) of `url` if the crawl may request it."""
        parts = urlsplit(url)
        if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
            return None
        path = parts.path
        if not path.startswith("/") or path.startswith(NEVER_VISITED_PREFIXES):
            return None
        pattern = self.pattern_of(path)
        if pattern is None or pattern in NEVER_VISITED:
            return None
        return (f"{path}?{parts.query}" if parts.query else path), pattern

    def fetch(self, url: str, *, htmx: bool = False):
        headers = {"HX-Request": "true"} if htmx else {}
        response = self.client.get(url, headers=headers)
        body = body_of(response)
        text = readable_text(response, body)
        pattern = self.pattern_of(urlsplit(url).path)
        for tag, context in canaries_in(text).items():
            if not is_public(tag, pattern):
                self.leaks.append(Finding(url, response.status_code, f"{tag}: {context}", pattern))
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            self.errors.append(
                Finding(url, response.status_code, repr(exc[1]) if exc else "", pattern)
            )
        return response, text

    def crawl(self, start: str = "/") -> None:
        queue: list[tuple[str, bool]] = [(start, False)]
        while queue:
            url, htmx = queue.pop(0)
            checked = self.allowed(url)
            if checked is None:
                continue
            url, pattern = checked
            key = (url, htmx)
            if key in self.visited or self.requests[pattern] >= self.per_pattern:
                continue
            self.visited.add(key)
            self.requests[pattern] += 1
            response, text = self.fetch(url, htmx=htmx)
            if response.status_code in (301, 302, 303, 307, 308):
                queue.append((urljoin(url, response["Location"]), False))
                continue
            if response.status_code != 200:
                continue
            queue += [
                (urljoin(url, html.unescape(target)), kind == "hx-get")
                for kind, target in _LINK.findall(text)
            ]
            queue += [(target, False) for target in _JSON_LINK.findall(text)]
            if urlsplit(url).query:
                self.query_variants.append((url, pattern))

    def probe(self, found: Iterable[Probe]) -> None:
        for one in found:
            checked = self.allowed(one.url)
            if checked is None or (one.url, False) in self.visited:
                continue
            self.visited.add((one.url, False))
            self.requests[f"probe {one.side}"] += 1
            response, _ = self.fetch(one.url)
            if one.side != "own" and response.status_code not in REFUSED:
                self.not_refused.append(
                    Finding(
                        one.url,
                        response.status_code,
                        f"{one.side} record(s) not refused",
                        one.pattern,
                    )
                )

    def probe_queries(self, other_values: dict[str, list]) -> None:
        """Ask again for each page the crawl found with a query string, with the other LEA's
        record in each parameter that names one (a filter, a chosen school, a year)."""
        seen_patterns = set()
        for url, pattern in self.query_variants:
            parts = urlsplit(url)
            query = parse_qsl(parts.query, keep_blank_values=True)
            for name, _ in query:
                if name not in other_values or (pattern, name) in seen_patterns:
                    continue
                seen_patterns.add((pattern, name))
                for value in other_values[name][:2]:
                    changed = [(n, value if n == name else v) for n, v in query]
                    variant = f"{parts.path}?{urlencode(changed)}"
                    if (variant, False) in self.visited:
                        continue
                    self.visited.add((variant, False))
                    self.requests["probe query"] += 1
                    self.fetch(variant)


def other_query_values(planting: Planting) -> dict[str, list]:
    values = defaultdict(list)
    for name, (label, attr) in ID_QUERY_PARAMS.items():
        values[name] = _spread(values_of(label, attr, planting.other_rows.get(label, [])), 2)
    return values
