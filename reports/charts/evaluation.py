"""The evaluation report's chart: KS2 English and maths over the trend years, the participating
schools against the LEA's other schools, as CSP-safe SVG (the same chart in the page and the
PDF). The table beside it gives the same figures, for readers who cannot see the chart."""

import io
import math
import re

from matplotlib.ticker import MaxNLocator

from schools.charts import ENGLISH_COLOUR, MATHS_COLOUR, make_svg_csp_safe

from .layout import fixed_figure
from .svg import compact_svg

#: The two groups are told apart by line style as well as colour: solid with filled markers
#: for the participating schools, dotted with open markers for the others.
GROUP_STYLES = {
    "participating": {"linestyle": "-", "markerfacecolor": None},
    "others": {"linestyle": ":", "markerfacecolor": "white"},
}


def _values(points, subject: str) -> list[float]:
    return [math.nan if getattr(p, subject) is None else float(getattr(p, subject)) for p in points]


def trends_chart_svg(trends, *, chart_id: str = "evaluation-trends") -> str:
    """An SVG line chart of `trends` (a `reports.selectors.evaluation.TrendFigures`): four lines,
    English and maths for each group; "" when no school has a result in the years. Missing
    figures leave a gap, never a zero."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", chart_id):
        raise ValueError("chart_id must start with a letter and hold only letters, digits, -.")
    if not trends.has_results:
        return ""
    years = list(trends.years)
    figure = fixed_figure(7.5, 4.2, left=0.62, right=0.06, bottom=0.3, top=0.1)
    axes = figure.subplots()
    for group, points, name in (
        ("participating", trends.participating, "Participating schools"),
        ("others", trends.others, "Other schools"),
    ):
        style = GROUP_STYLES[group]
        for subject, colour, marker in (
            ("english", ENGLISH_COLOUR, "o"),
            ("maths", MATHS_COLOUR, "s"),
        ):
            axes.plot(
                years,
                _values(points, subject),
                color=colour,
                marker=marker,
                linewidth=2,
                linestyle=style["linestyle"],
                markerfacecolor=style["markerfacecolor"] or colour,
                label=f"{name}: {'English' if subject == 'english' else 'maths'}",
            )
    axes.set_ylim(0, 100)
    axes.set_ylabel("Mean % at Level 4+")
    axes.set_xticks(years, [str(year) for year in years])
    axes.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5))
    axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="lower right", frameon=False, fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    title = (
        f"Line chart of Key Stage 2 results, {years[0]} to {years[-1]}: the mean percentage of "
        "pupils reaching Level 4 or above in English and in maths, in the participating schools "
        "(solid lines) and in the LEA's other schools (dotted lines). The table gives the same "
        "figures."
    )
    return compact_svg(make_svg_csp_safe(buffer.getvalue(), chart_id=chart_id, title=title))
