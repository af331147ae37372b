"""The LEA dashboard's charts: the year's schools by status, PSCL days delivered against funded
by month, and the action plans by the progress of their latest review.

Each is drawn on its own matplotlib Figure (no pyplot, safe in threads) and returned as SVG made
safe for the page's Content Security Policy by `schools.charts.make_svg_csp_safe`, with a
<title> that says what it shows. The page shows a table of the same figures beside each chart,
for anyone who cannot see it. A chart with nothing to show is "" so the page can leave it out.
"""

import io
from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from leadership.models import ReviewProgress
from reports.selectors.dashboard import MonthDays, RagCount, StatusCount
from schools.charts import REFERENCE_COLOUR, make_svg_csp_safe

#: GOV.UK colours.
BLUE = "#1d70b8"
ORANGE = "#f47738"
RED = "#d4351c"
GREEN = "#00703c"
YELLOW = "#ffdd00"
GREY = "#b1b4b6"
RAG_COLOURS = {
    ReviewProgress.RED: RED,
    ReviewProgress.AMBER: ORANGE,
    ReviewProgress.GREEN: GREEN,
}
#: Short names for the bars: the labels in full are in the table beside the chart.
RAG_NAMES = {
    ReviewProgress.RED: "Red",
    ReviewProgress.AMBER: "Amber",
    ReviewProgress.GREEN: "Green",
}


def _svg(figure: Figure, *, chart_id: str, title: str) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return make_svg_csp_safe(buffer.getvalue(), chart_id=chart_id, title=title)


def _tidy(axes) -> None:
    axes.spines[["top", "right"]].set_visible(False)


def _bar_labels(axes, bars, values) -> None:
    axes.bar_label(bars, labels=[str(value) for value in values], padding=3, fontsize=9)


def status_chart_svg(rows: Sequence[StatusCount], *, year_name: str, chart_id: str) -> str:
    """A horizontal bar chart of the year's schools by the status of their place."""
    if not rows:
        return ""
    figure = Figure(figsize=(7.5, 0.5 * len(rows) + 1.2), layout="constrained")
    axes = figure.subplots()
    labels = [row.label for row in rows][::-1]
    counts = [row.count for row in rows][::-1]
    bars = axes.barh(labels, counts, color=BLUE)
    _bar_labels(axes, bars, counts)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("Schools")
    axes.set_xlim(0, max(counts) * 1.15 + 1)
    _tidy(axes)
    summary = ", ".join(f"{row.label.lower()} {row.count}" for row in rows)
    title = (
        f"Bar chart of the schools in the programme year {year_name} by the status of their "
        f"place: {summary}. The table gives the same figures."
    )
    return _svg(figure, chart_id=chart_id, title=title)


def pscl_days_chart_svg(rows: Sequence[MonthDays], *, year_name: str, chart_id: str) -> str:
    """Bars of the PSCL days delivered each month, a line of the days delivered so far, and a
    dotted line at the days funded for the year."""
    if not rows:
        return ""
    figure = Figure(figsize=(7.5, 4.2), layout="constrained")
    axes = figure.subplots()
    positions = list(range(len(rows)))
    axes.bar(
        positions, [float(row.delivered) for row in rows], color=BLUE, label="Delivered in month"
    )
    so_far = [
        (i, float(row.delivered_to_date))
        for i, row in enumerate(rows)
        if row.delivered_to_date is not None
    ]
    if so_far:
        axes.plot(
            [i for i, _ in so_far],
            [days for _, days in so_far],
            color=ORANGE,
            marker="o",
            linewidth=2,
            label="Delivered so far",
        )
    funded = float(rows[0].funded)
    axes.axhline(funded, color=REFERENCE_COLOUR, linestyle=":", linewidth=1.5, label="Funded")
    axes.set_xticks(positions, [row.short_label for row in rows])
    axes.set_ylabel("PSCL days")
    axes.set_ylim(0, max(funded, *(days for _, days in so_far or [(0, 0)])) * 1.1 + 1)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=6))
    axes.grid(axis="y", color=GREY, linewidth=0.5)
    axes.legend(loc="upper left", frameon=False)
    _tidy(axes)
    delivered = sum(row.delivered for row in rows)
    title = (
        f"Chart of the PSCL support days of the programme year {year_name} by month, from "
        f"{rows[0].label} to {rows[-1].label}: {_days(delivered)} delivered so far of "
        f"{_days(rows[0].funded)} funded. The table gives the figures for each month."
    )
    return _svg(figure, chart_id=chart_id, title=title)


def _days(value) -> str:
    text = f"{value.normalize():f}" if value else "0"
    return f"{text} day" if text == "1" else f"{text} days"


def review_chart_svg(rows: Sequence[RagCount], *, year_name: str, chart_id: str) -> str:
    """A bar chart of the active schools' action plans by the progress their latest review
    gave (red, amber, green) and those not reviewed yet; "" if there is no plan."""
    if not rows or not any(row.count for row in rows):
        return ""
    figure = Figure(figsize=(7.5, 3.6), layout="constrained")
    axes = figure.subplots()
    names = [RAG_NAMES.get(row.progress, "Not reviewed") for row in rows]
    counts = [row.count for row in rows]
    colours = [RAG_COLOURS.get(row.progress, GREY) for row in rows]
    bars = axes.bar(names, counts, color=colours, edgecolor="#0b0c0c", linewidth=0.5)
    _bar_labels(axes, bars, counts)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylabel("Action plans")
    axes.set_ylim(0, max(counts) * 1.15 + 1)
    _tidy(axes)
    summary = ", ".join(
        f"{name.lower()} {row.count}" for name, row in zip(names, rows, strict=True)
    )
    title = (
        f"Bar chart of the active schools' action plans in {year_name} by the progress their "
        f"latest review gave: {summary}. The table gives the same figures."
    )
    return _svg(figure, chart_id=chart_id, title=title)
