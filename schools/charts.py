"""Charts of a school's results, drawn with matplotlib as SVG to inline in a page or a PDF.

The SVG is rewritten so that the page's Content Security Policy (style-src 'self') allows it:
no style attributes, no <style> element, no XML declaration or DOCTYPE, no metadata. It carries
role="img" and a <title> that says what it shows, and every id in it starts with the caller's
`chart_id`, so two charts can share a page. Each chart is drawn on its own Figure without
pyplot, so rendering is safe in any number of threads.
"""

import hashlib
import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from django.core.cache import cache
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .models import VALUE_ADDED_AVERAGE
from .selectors import YearResults

# Process-wide and the same for every chart, so setting them once is safe across threads: text
# stays text (readable, searchable, scalable) and matplotlib's generated ids are deterministic.
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["svg.hashsalt"] = "plp-admin"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XLINK_HREF = f"{{{XLINK_NS}}}href"

#: GOV.UK Frontend's (unbranded) font stack, so that chart text matches the page.
FONT_FAMILY = "arial, sans-serif"
#: GOV.UK colours: blue, orange and purple, told apart by line style and marker as well.
ENGLISH_COLOUR = "#1d70b8"
MATHS_COLOUR = "#f47738"
VALUE_ADDED_COLOUR = "#4c2c92"
REFERENCE_COLOUR = "#505a5f"

#: SVG presentation attributes (SVG 1.1 and SVG 2): a style property of one of these names
#: becomes an attribute of the same name. Anything else is dropped.
PRESENTATION_ATTRIBUTES = frozenset(
    {
        "alignment-baseline", "baseline-shift", "clip", "clip-path", "clip-rule", "color",
        "color-interpolation", "color-interpolation-filters", "color-rendering", "cursor",
        "direction", "display", "dominant-baseline", "fill", "fill-opacity", "fill-rule",
        "filter", "flood-color", "flood-opacity", "font-family", "font-size", "font-size-adjust",
        "font-stretch", "font-style", "font-variant", "font-weight", "image-rendering",
        "letter-spacing", "lighting-color", "marker-end", "marker-mid", "marker-start", "mask",
        "opacity", "overflow", "paint-order", "pointer-events", "shape-rendering", "stop-color",
        "stop-opacity", "stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap",
        "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor",
        "text-decoration", "text-rendering", "unicode-bidi", "vector-effect", "visibility",
        "word-spacing", "writing-mode",
    }
)  # fmt: skip
#: Elements that draw a stroke: matplotlib's `*{...}` style rule is copied onto these.
SHAPE_ELEMENTS = frozenset(
    {"path", "line", "polyline", "polygon", "rect", "circle", "ellipse", "use"}
)
_UNIVERSAL_RULE = re.compile(r"\*\s*\{([^}]*)\}")
_URL_REFERENCE = re.compile(r"url\(#([^)]+)\)")


def results_chart_svg(
    rows: Sequence[YearResults], *, school_name: str, chart_id: str = "results-chart"
) -> str:
    """An SVG line chart of KS2 English and maths (% at Level 4+) and the value-added score over
    the years of `rows`, or "" if no row has any of them. Missing figures leave a gap, never a
    zero. `school_name` appears only in the chart's <title>, escaped; `chart_id` (letters,
    digits and hyphens) prefixes every id in the SVG and must be unique on the page."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", chart_id):
        raise ValueError("chart_id must start with a letter and hold only letters, digits, -.")
    rows = [
        row
        for row in rows
        if row.ks2_english is not None or row.ks2_maths is not None or row.value_added is not None
    ]
    if not rows:
        return ""
    years = [row.year for row in rows]
    figure = _draw(rows, years)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    first, last = years[0], years[-1]
    span = str(first) if first == last else f"{first} to {last}"
    title = (
        f"Line chart of {school_name}'s Key Stage 2 results, {span}: the percentage of pupils "
        "reaching Level 4 or above in English and in maths, and the value-added score, where "
        "100 is the national average. The results table gives the same figures."
    )
    return make_svg_csp_safe(buffer.getvalue(), chart_id=chart_id, title=title)


#: How long a drawn chart stays in the cache (seconds). The key is made of everything the chart
#: shows, so a change of figures or name draws a new chart at once: nothing needs invalidating.
CHART_CACHE_SECONDS = 60 * 60 * 24
#: Part of the key: raise it when the drawing changes, so that no older drawing is served.
CHART_CACHE_VERSION = 1


def cached_results_chart_svg(
    rows: Sequence[YearResults], *, school_name: str, chart_id: str = "results-chart"
) -> str:
    """`results_chart_svg`, kept in the cache (Redis in production, shared by every process):
    drawing the chart with matplotlib is most of a school page's time (about half a second),
    and the figures change only when results are imported."""
    source = repr((CHART_CACHE_VERSION, tuple(rows), school_name, chart_id))
    key = "plp:chart:results:" + hashlib.sha256(source.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = results_chart_svg(rows, school_name=school_name, chart_id=chart_id)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg


def _figures(values: Sequence[Decimal | None]) -> list[float]:
    return [math.nan if value is None else float(value) for value in values]


def _draw(rows: Sequence[YearResults], years: list[int]) -> Figure:
    figure = Figure(figsize=(7.5, 5.4), layout="constrained")
    results_axes, value_added_axes = figure.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]}
    )

    results_axes.plot(
        years,
        _figures([row.ks2_english for row in rows]),
        color=ENGLISH_COLOUR,
        marker="o",
        linewidth=2,
        label="English",
    )
    results_axes.plot(
        years,
        _figures([row.ks2_maths for row in rows]),
        color=MATHS_COLOUR,
        marker="s",
        linestyle="--",
        linewidth=2,
        label="Maths",
    )
    results_axes.set_ylim(0, 100)
    results_axes.set_ylabel("% at Level 4+")
    results_axes.set_title("Key Stage 2 results", loc="left", fontsize=11)
    results_axes.legend(loc="best", frameon=False)

    scores = _figures([row.value_added for row in rows])
    average = float(VALUE_ADDED_AVERAGE)
    known = [score for score in scores if not math.isnan(score)] or [average]
    value_added_axes.axhline(
        average, color=REFERENCE_COLOUR, linewidth=1, linestyle=":", label="National average"
    )
    value_added_axes.plot(
        years, scores, color=VALUE_ADDED_COLOUR, marker="D", linewidth=2, label="Value added"
    )
    value_added_axes.set_ylim(min(*known, average - 5) - 0.5, max(*known, average + 5) + 0.5)
    value_added_axes.set_ylabel("Score")
    value_added_axes.set_title("Value added (KS1 to KS2)", loc="left", fontsize=11)
    value_added_axes.legend(loc="best", frameon=False)

    value_added_axes.set_xticks(years, [str(year) for year in years])
    value_added_axes.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    for axes in (results_axes, value_added_axes):
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5))
        axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
        axes.spines[["top", "right"]].set_visible(False)
    return figure


def _declarations(css: str) -> dict[str, str]:
    """`"fill: #fff; stroke-width: 0.8"` as {"fill": "#fff", "stroke-width": "0.8"}."""
    declarations = {}
    for declaration in css.split(";"):
        name, sep, value = declaration.partition(":")
        if sep and name.strip() and value.strip():
            declarations[name.strip().lower()] = value.strip()
    return declarations


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def _remove_children(root: ET.Element, condition) -> list[ET.Element]:
    """Remove every descendant of `root` for which `condition` holds; return them."""
    removed = []
    for parent in list(root.iter()):
        for child in list(parent):
            if condition(child):
                parent.remove(child)
                removed.append(child)
    return removed


def make_svg_csp_safe(svg: bytes, *, chart_id: str, title: str) -> str:
    """Rewrite matplotlib's SVG for inlining under a strict CSP: style attributes become
    presentation attributes, the <style> element's universal rule goes onto the shapes, the
    metadata goes, the root gets role="img" and aria-labelledby a <title> holding `title`, and
    every id is renumbered as `chart_id`-N with its references. The result has no XML
    declaration or DOCTYPE. Only for SVG this module drew: it is parsed as trusted XML."""
    root = ET.fromstring(svg)  # noqa: S314 (matplotlib's own output, never user input)

    universal: dict[str, str] = {}
    for style in _remove_children(root, lambda child: _local_name(child.tag) == "style"):
        for rule in _UNIVERSAL_RULE.findall(style.text or ""):
            universal.update(_declarations(rule))
    _remove_children(root, lambda child: _local_name(child.tag) == "metadata")
    _remove_children(root, lambda child: _local_name(child.tag) == "defs" and len(child) == 0)

    referenced = set()
    for element in root.iter():
        for attribute, value in element.attrib.items():
            referenced.update(_URL_REFERENCE.findall(value))
            if attribute in (XLINK_HREF, "href") and value.startswith("#"):
                referenced.add(value[1:])
    ids = {}
    for element in root.iter():
        old_id = element.attrib.pop("id", None)
        if old_id in referenced:
            ids[old_id] = f"{chart_id}-{len(ids) + 1}"
            element.set("id", ids[old_id])

    for element in root.iter():
        declarations = dict(universal) if _local_name(element.tag) in SHAPE_ELEMENTS else {}
        declarations.update(_declarations(element.attrib.pop("style", "")))
        for name, value in declarations.items():
            if name == "font-family":
                value = FONT_FAMILY
            if name in PRESENTATION_ATTRIBUTES:
                element.set(name, value)
        # SVG 2's plain href replaces xlink:href, so the output needs no namespace prefix.
        if XLINK_HREF in element.attrib:
            element.set("href", element.attrib.pop(XLINK_HREF))
        for attribute, value in list(element.attrib.items()):
            if attribute == "href" and value[1:] in ids:
                element.set(attribute, f"#{ids[value[1:]]}")
            elif "url(#" in value:
                element.set(attribute, _URL_REFERENCE.sub(lambda m: f"url(#{ids[m[1]]})", value))

    for attribute in ("width", "height", "version"):
        root.attrib.pop(attribute, None)
    title_id = f"{chart_id}-title"
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": title_id})
    title_element.text = title
    root.insert(0, title_element)
    root.set("role", "img")
    root.set("aria-labelledby", title_id)
    root.set("id", chart_id)
    # Plain tag names and an explicit xmlns, rather than ET.register_namespace: that registry is
    # process-wide, and other libraries (WeasyPrint) rewrite it.
    for element in root.iter():
        element.tag = _local_name(element.tag)
    root.attrib = {"xmlns": SVG_NS, **root.attrib}
    return ET.tostring(root, encoding="unicode")
