"""Figures with fixed margins, for charts whose labels are known in advance.

matplotlib's constrained layout measures every label and draws the figure again to fit the axes,
which is a third of a chart's time. The reports' charts have the same labels every time (the
axis names, years, percentages, a few days), so their margins are fixed here, in inches, at what
constrained layout gave them, with room to spare for the widest labels they can have.
"""

from matplotlib.figure import Figure


def fixed_figure(
    width: float, height: float, *, left: float, right: float, bottom: float, top: float
) -> Figure:
    """A Figure of `width` x `height` inches whose one axes (from `figure.subplots()`) leaves
    the given margins, in inches, for its labels."""
    figure = Figure(figsize=(width, height))
    figure.subplots_adjust(
        left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height
    )
    return figure
