"""The governor report's charts: the PSCL's days used against planned, and the school's KS2
results against its targets. Each is drawn on its own matplotlib Figure (no pyplot, safe in any
thread) and made CSP-safe by `schools.charts.make_svg_csp_safe`, with role="img" and a <title>
that says what it shows; the report shows the same figures in a table beside it."""

import io
import math
import re
from collections.abc import Sequence
from decimal import Decimal

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from schools.charts import (
    ENGLISH_COLOUR,
    MATHS_COLOUR,
    REFERENCE_COLOUR,
    make_svg_csp_safe,
)

from .layout import fixed_figure
from .svg import compact_svg

#: GOV.UK blue for what has been used, light grey for what was planned.
USED_COLOUR = "#1d70b8"
PLANNED_COLOUR = "#b1b4b6"


def _check_id(chart_id: str) -> None:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", chart_id):
        raise ValueError("chart_id must start with a letter and hold only letters, digits, -.")


def _number(value: Decimal) -> str:
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _svg(figure: Figure, *, chart_id: str, title: str) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return compact_svg(make_svg_csp_safe(buffer.getvalue(), chart_id=chart_id, title=title))


def pscl_days_chart_svg(
    *, used: Decimal, planned: Decimal, school_name: str, chart_id: str = "days-chart"
) -> str:
    """A horizontal bar chart of the PSCL days used against the days planned."""
    _check_id(chart_id)
    # Room on the left for "Planned" and on the right for the last tick's overhang.
    figure = fixed_figure(7.5, 2.2, left=0.72, right=0.22, bottom=0.48, top=0.05)
    axes = figure.subplots()
    labels = ["Planned", "Used"]
    values = [float(planned), float(used)]
    bars = axes.barh(labels, values, color=[PLANNED_COLOUR, USED_COLOUR], height=0.6)
    axes.bar_label(bars, labels=[f"{_number(planned)} days", f"{_number(used)} days"], padding=4)
    axes.set_xlim(0, max([*values, 1.0]) * 1.25)
    axes.set_xlabel("Days")
    axes.xaxis.set_major_locator(MaxNLocator(nbins=6))
    axes.grid(axis="x", color="#b1b4b6", linewidth=0.5)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    title = (
        f"Bar chart of the PSCL support days at {school_name}: {_number(used)} of "
        f"{_number(planned)} planned days used. The table gives the same figures."
    )
    return _svg(figure, chart_id=chart_id, title=title)


def _figures(values: Sequence[Decimal | None]) -> list[float]:
    return [math.nan if value is None else float(value) for value in values]


def results_targets_chart_svg(rows, *, school_name: str, chart_id: str = "targets-chart") -> str:
    """A line chart of the school's KS2 English and maths results (% at Level 4+) over the years
    of `rows` (`reports.selectors.governor.ResultYear`), with each year's target as an open
    marker; "" when there is neither a result nor a target. Missing figures leave a gap."""
    _check_id(chart_id)
    rows = [
        row
        for row in rows
        if any(
            value is not None
            for value in (row.english, row.maths, row.english_target, row.maths_target)
        )
    ]
    if not rows:
        return ""
    years = [row.year for row in rows]
    figure = fixed_figure(7.5, 3.8, left=0.62, right=0.06, bottom=0.3, top=0.1)
    axes = figure.subplots()
    axes.plot(
        years,
        _figures([row.english for row in rows]),
        color=ENGLISH_COLOUR,
        marker="o",
        linewidth=2,
        label="English result",
    )
    axes.plot(
        years,
        _figures([row.maths for row in rows]),
        color=MATHS_COLOUR,
        marker="s",
        linestyle="--",
        linewidth=2,
        label="Maths result",
    )
    axes.plot(
        years,
        _figures([row.english_target for row in rows]),
        color=ENGLISH_COLOUR,
        marker="^",
        markersize=9,
        markerfacecolor="white",
        linestyle="none",
        label="English target",
    )
    axes.plot(
        years,
        _figures([row.maths_target for row in rows]),
        color=MATHS_COLOUR,
        marker="v",
        markersize=9,
        markerfacecolor="white",
        linestyle="none",
        label="Maths target",
    )
    axes.set_ylim(0, 100)
    axes.set_ylabel("% at Level 4+")
    axes.set_xticks(years, [str(year) for year in years])
    axes.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5))
    axes.grid(axis="y", color=REFERENCE_COLOUR, linewidth=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="lower left", frameon=False, ncols=2, fontsize=9)
    first, last = years[0], years[-1]
    span = str(first) if first == last else f"{first} to {last}"
    title = (
        f"Line chart of {school_name}'s Key Stage 2 results, {span}: the percentage of pupils "
        "reaching Level 4 or above in English and in maths, with the school's target for each "
        "year shown as an open triangle. The table gives the same figures."
    )
    return _svg(figure, chart_id=chart_id, title=title)
