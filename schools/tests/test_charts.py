"""The results chart: an SVG that a strict CSP allows, accessible, and safe to inline twice."""

import re
import uuid
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from schools.charts import SVG_NS, XLINK_NS, results_chart_svg
from schools.selectors import YearResults

ROWS = [
    YearResults(
        year=2003, ks2_english=Decimal("71.0"), ks2_maths=Decimal("66.0"), value_added=None
    ),
    YearResults(
        year=2004, ks2_english=Decimal("74.5"), ks2_maths=None, value_added=Decimal("98.2")
    ),
    YearResults(
        year=2005, ks2_english=Decimal("0.0"), ks2_maths=Decimal("70.0"), value_added=Decimal("101")
    ),
]


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314 (the module's own output)


def test_chart_has_no_style_attribute_and_no_style_element():
    svg = results_chart_svg(ROWS, school_name="Millfield Primary School")

    root = parse(svg)
    assert all("style" not in element.attrib for element in root.iter())
    assert not [element for element in root.iter() if element.tag == f"{{{SVG_NS}}}style"]
    assert "style" not in svg


def test_chart_keeps_the_look_as_presentation_attributes():
    root = parse(results_chart_svg(ROWS, school_name="Millfield Primary School"))

    paths = list(root.iter(f"{{{SVG_NS}}}path"))
    assert all(path.get("stroke-linejoin") in {"round", "miter"} for path in paths)
    assert all(path.get("stroke-linecap") in {"butt", "square"} for path in paths)
    assert "round" in {path.get("stroke-linejoin") for path in paths}
    assert {path.get("stroke") for path in paths} >= {"#1d70b8", "#f47738", "#4c2c92"}
    assert all(text.get("font-family") for text in root.iter(f"{{{SVG_NS}}}text"))


def test_chart_shows_the_plotted_years_as_text():
    root = parse(results_chart_svg(ROWS, school_name="Millfield Primary School"))

    texts = {text.text for text in root.iter(f"{{{SVG_NS}}}text")}
    assert {"2003", "2004", "2005"} <= texts


def test_chart_has_no_declaration_doctype_or_metadata():
    svg = results_chart_svg(ROWS, school_name="Millfield Primary School")

    assert svg.startswith("<svg ")
    assert "<?xml" not in svg
    assert "DOCTYPE" not in svg
    assert "metadata" not in svg
    assert "Matplotlib" not in svg


def test_chart_is_an_image_labelled_by_a_title_that_names_the_school_and_years():
    root = parse(results_chart_svg(ROWS, school_name="Millfield Primary School"))

    assert root.get("role") == "img"
    title = root.find(f"{{{SVG_NS}}}title")
    assert title is not None
    assert root.get("aria-labelledby") == title.get("id")
    assert "Millfield Primary School" in title.text
    assert "2003 to 2005" in title.text


def test_school_name_is_escaped_in_the_title():
    svg = results_chart_svg(ROWS, school_name='<script>alert("x")</script> & Co')

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    title = parse(svg).find(f"{{{SVG_NS}}}title")
    assert '<script>alert("x")</script> & Co' in title.text


def test_two_charts_on_one_page_share_no_ids_and_every_reference_resolves():
    first = parse(results_chart_svg(ROWS, school_name="A", chart_id="chart-a"))
    second = parse(results_chart_svg(ROWS, school_name="B", chart_id="chart-b"))

    for root, prefix in ((first, "chart-a"), (second, "chart-b")):
        ids = [element.get("id") for element in root.iter() if element.get("id")]
        assert len(ids) == len(set(ids))
        assert all(each == prefix or each.startswith(f"{prefix}-") for each in ids)
        for element in root.iter():
            for name, value in element.attrib.items():
                for target in re.findall(r"url\(#([^)]+)\)", value):
                    assert target in ids
                if name in ("href", f"{{{XLINK_NS}}}href"):
                    assert value[1:] in ids
    first_ids = {element.get("id") for element in first.iter() if element.get("id")}
    second_ids = {element.get("id") for element in second.iter() if element.get("id")}
    assert not first_ids & second_ids


def test_the_same_figures_draw_the_same_svg():
    assert results_chart_svg(ROWS, school_name="A") == results_chart_svg(ROWS, school_name="A")


def test_years_without_ks2_or_value_added_are_left_out():
    rows = [YearResults(year=2002, ks1_english=Decimal("80.0")), *ROWS]

    texts = {
        t.text for t in parse(results_chart_svg(rows, school_name="A")).iter(f"{{{SVG_NS}}}text")
    }

    assert "2002" not in texts


def test_no_figures_draw_no_chart():
    rows = [YearResults(year=2002, ks1_english=Decimal("80.0"), ks1_maths=Decimal("78.0"))]

    assert results_chart_svg(rows, school_name="A") == ""
    assert results_chart_svg([], school_name="A") == ""


@pytest.mark.parametrize("chart_id", ["", "1chart", 'x" onload="alert(1)', "a b"])
def test_chart_id_must_be_a_plain_name(chart_id):
    with pytest.raises(ValueError, match="chart_id"):
        results_chart_svg(ROWS, school_name="A", chart_id=chart_id)


def test_the_svg_needs_no_namespace_prefix_whatever_other_libraries_register(monkeypatch):
    import xml.etree.ElementTree as ET

    # WeasyPrint, for one, rewrites ElementTree's process-wide prefix registry when imported.
    monkeypatch.setattr(ET, "_namespace_map", dict(ET._namespace_map))
    ET.register_namespace("svg", SVG_NS)
    ET.register_namespace("", "http://www.w3.org/1999/xhtml")

    svg = results_chart_svg(ROWS, school_name="A")

    assert svg.startswith("<svg ")
    assert "ns0:" not in svg
    assert "svg:" not in svg
    assert "xlink:" not in svg


def test_the_cached_chart_is_the_chart_and_is_drawn_once_per_set_of_figures(monkeypatch):
    from schools import charts

    # A name no other run has drawn, so the cache starts without these charts. (Not
    # cache.clear(): the parallel workers share the cache, and another test's cached entries,
    # such as a session's second-factor device, would go from under it.)
    name = f"A {uuid.uuid4()}"
    drawn = []
    draw = charts._draw
    monkeypatch.setattr(charts, "_draw", lambda *args: drawn.append(1) or draw(*args))

    first = charts.cached_results_chart_svg(ROWS, school_name=name, chart_id="c")
    again = charts.cached_results_chart_svg(ROWS, school_name=name, chart_id="c")
    other = charts.cached_results_chart_svg(ROWS[:2], school_name=name, chart_id="c")

    assert first == again == results_chart_svg(ROWS, school_name=name, chart_id="c")
    assert other == results_chart_svg(ROWS[:2], school_name=name, chart_id="c")
    assert len(drawn) == 4  # first and other, then the two uncached calls to compare with
