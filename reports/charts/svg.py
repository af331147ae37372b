"""Inline SVG charts in the form WeasyPrint draws quickly.

matplotlib wraps every artist in groups of its own (`<g id="patch_1">`, a tick in three nested
groups), and `schools.charts.make_svg_csp_safe` drops the ids that nothing refers to, which leaves
most groups with no attribute at all. Such a group changes nothing in how a chart looks, but
WeasyPrint cascades, transforms and saves the graphics state for each one, and its HTML parser and
style cascade see each one too: a governor report's two charts had 135 groups around 80 shapes,
and drawing them was a quarter of the PDF's time. The charts are also indented line by line,
which the parser reads as text, and every label carries a rotation of 0 degrees.
"""

import re
import xml.etree.ElementTree as ET

from schools.charts import SVG_NS

#: matplotlib's transform on an unrotated label: `rotate(-0 51.84 138.43)` is no transform at all.
_NO_ROTATION = re.compile(r"rotate\(-?0 \S+ \S+\)")
#: Elements whose text and children's tails are content, not indentation.
_TEXT_ELEMENTS = frozenset({"text", "tspan", "title", "desc"})


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def _flatten(parent: ET.Element) -> None:
    """Replace each group with no attributes under `parent` by its children, depth first."""
    children = []
    for child in parent:
        _flatten(child)
        if _local_name(child.tag) == "g" and not child.attrib:
            children.extend(child)
        else:
            children.append(child)
    parent[:] = children


def _strip_layout_text(element: ET.Element) -> None:
    """Drop the indentation between elements, keeping the text of text elements."""
    name = _local_name(element.tag)
    if name in _TEXT_ELEMENTS:
        return
    element.text = None
    for child in element:
        child.tail = None
        _strip_layout_text(child)


def compact_svg(svg: str) -> str:
    """`svg` (from `schools.charts.make_svg_csp_safe`) without its attribute-less groups, its
    indentation and its no-op label rotations: the same picture, the same ids, title and role."""
    root = ET.fromstring(svg)  # noqa: S314 (this module's own charts, never user input)
    _flatten(root)
    _strip_layout_text(root)
    for element in root.iter():
        element.tag = _local_name(element.tag)
        if element.tag == "text" and _NO_ROTATION.fullmatch(element.get("transform", "")):
            del element.attrib["transform"]
    # Plain tag names and an explicit xmlns, as make_svg_csp_safe writes them (ElementTree's
    # namespace registry is process-wide).
    root.attrib = {"xmlns": SVG_NS, **root.attrib}
    return ET.tostring(root, encoding="unicode")
