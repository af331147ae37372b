"""The reports' charts as compact inline SVG (reports.charts.svg): matplotlib's groups that carry
nothing, its indentation and its no-op rotations go; every shape, label, id and the text
alternative stay."""

import io
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal

from matplotlib.figure import Figure

from reports.charts.svg import compact_svg
from schools.charts import make_svg_csp_safe


def _matplotlib_svg() -> str:
    """A small chart as make_svg_csp_safe gives it: nested groups, ticks drawn by <use>,
    labels with a rotation of 0 and one rotated by 90 degrees."""
    figure = Figure(figsize=(4, 2))
    axes = figure.subplots()
    axes.bar(["Planned", "Used"], [4, 3.5])
    axes.set_ylabel("Days")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return make_svg_csp_safe(buffer.getvalue(), chart_id="a-chart", title="Days <used>")


def _parsed(svg: str) -> list[tuple[str, ET.Element]]:
    """Each element of `svg` with its tag name without the namespace."""
    root = ET.fromstring(svg)  # noqa: S314 (a chart drawn by the test)
    return [(element.tag.rpartition("}")[2], element) for element in root.iter()]


def _elements(svg: str) -> Counter:
    return Counter(name for name, _ in _parsed(svg))


def _texts(svg: str) -> list[tuple[str, str]]:
    return [
        (element.text, element.get("transform", ""))
        for name, element in _parsed(svg)
        if name == "text"
    ]


def test_compacting_keeps_every_shape_and_label_but_no_empty_group():
    svg = _matplotlib_svg()

    compact = compact_svg(svg)

    before, after = _elements(svg), _elements(compact)
    assert before["g"] > after["g"]
    assert {tag: n for tag, n in before.items() if tag != "g"} == {
        tag: n for tag, n in after.items() if tag != "g"
    }
    assert all(element.attrib for name, element in _parsed(compact) if name == "g")
    assert [text for text, _ in _texts(svg)] == [text for text, _ in _texts(compact)]


def test_compacting_drops_only_the_no_op_rotations_and_the_indentation():
    compact = compact_svg(_matplotlib_svg())

    transforms = [transform for _, transform in _texts(compact)]
    assert "rotate(-0 " not in compact
    assert any(transform.startswith("rotate(-90 ") for transform in transforms)
    assert ">\n" not in compact and "> <" not in compact


def test_a_compact_chart_keeps_its_ids_title_and_role():
    compact = compact_svg(_matplotlib_svg())

    assert compact.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img"' in compact
    assert 'aria-labelledby="a-chart-title"' in compact
    assert '<title id="a-chart-title">Days &lt;used&gt;</title>' in compact
    assert 'href="#a-chart-1"' in compact and 'id="a-chart-1"' in compact
    assert "ns0:" not in compact


def test_the_governor_charts_are_compact():
    from reports.charts.governor import pscl_days_chart_svg

    svg = pscl_days_chart_svg(used=Decimal("2"), planned=Decimal("4"), school_name="Millfield")

    assert "<g>" not in svg
    assert "\n" not in svg
