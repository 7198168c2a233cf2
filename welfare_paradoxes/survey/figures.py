"""Figures of the survey chapters: the forest plot of proportions (F01), symptoms (F02).

Figures are made with matplotlib's object interface (no pyplot state), so a notebook shows
exactly the image it exports and nothing else.
"""

from __future__ import annotations

import textwrap

import numpy as np
import polars as pl
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from welfare_paradoxes.engine.figure_data import SOURCE_LINE
from welfare_paradoxes.survey.statistics import INTERVAL_METHODS

# One colour per interval family, a darker and a lighter shade within a family.
METHOD_COLOURS = {
    "exact_percentile": "#1b5e9a",
    "exact_bca": "#5fa2dd",
    "mc_percentile": "#b35806",
    "mc_bca": "#f1a340",
    "wilson": "#1b7837",
    "clopper_pearson": "#5aae61",
    "jeffreys": "#a6dba0",
}
FONT_SIZE = 9


def _style() -> dict:
    return sns.axes_style("whitegrid") | {"font.size": FONT_SIZE}


def forest_figure(rows: pl.DataFrame, source_line: str, title: str) -> Figure:
    """F01: each proportion with its seven intervals stacked in one band.

    ``rows`` has the columns of ``proportion_intervals`` plus ``group`` (which survey, shown in
    the row label).
    """
    count = rows.height
    figure = Figure(figsize=(8.0, 1.9 + 0.9 * count), layout="constrained")
    with sns.axes_style(_style()):
        axes, footer = _with_footer(figure, count * 0.9, 1.0)
    offsets = np.linspace(0.32, -0.32, len(INTERVAL_METHODS))
    for position, row in enumerate(rows.iter_rows(named=True)):
        centre = count - 1 - position
        for offset, method in zip(offsets, INTERVAL_METHODS, strict=True):
            low, high = row[f"{method.key}_low"] * 100, row[f"{method.key}_high"] * 100
            axes.plot(
                [low, high],
                [centre + offset] * 2,
                color=METHOD_COLOURS[method.key],
                lw=2.2,
                solid_capstyle="butt",
            )
        axes.plot(row["share"] * 100, centre, marker="D", color="black", ms=5, zorder=3)
        axes.annotate(
            f"{row['k']}/{row['n']}",
            (row["share"] * 100, centre + 0.42),
            ha="center",
            va="bottom",
            fontsize=FONT_SIZE - 1,
        )
    labels = [
        textwrap.fill(row["label"], 40) + f"\n({row['group']}, n = {row['n']})"
        for row in rows.iter_rows(named=True)
    ]
    axes.set_yticks(range(count - 1, -1, -1), labels, fontsize=FONT_SIZE)
    axes.set_ylim(-0.6, count - 0.4 + 0.25)
    axes.set_xlim(0, 100)
    axes.set_xlabel("Share of respondents answering yes (%), with 95 % intervals")
    axes.grid(axis="y", visible=False)
    handles = [
        Line2D([], [], color=METHOD_COLOURS[m.key], lw=2.2, label=m.label) for m in INTERVAL_METHODS
    ]
    handles.append(Line2D([], [], color="black", marker="D", ls="", ms=5, label="Observed share"))
    footer.legend(
        handles=handles, loc="upper center", ncol=3, fontsize=FONT_SIZE - 1, frameon=False
    )
    _source(footer, source_line)
    axes.set_title(title, loc="left", fontsize=FONT_SIZE + 2)
    return figure


def _with_footer(figure: Figure, plot_height: float, footer_height: float):
    """Axes for the plot and, below it, an empty panel for the legend and the source line."""
    grid = figure.add_gridspec(2, 1, height_ratios=[plot_height, footer_height])
    axes = figure.add_subplot(grid[0])
    footer = figure.add_subplot(grid[1])
    footer.set_axis_off()
    return axes, footer


def _source(footer, text: str) -> None:
    footer.text(
        0.0,
        0.0,
        textwrap.fill(text, 105),
        transform=footer.transAxes,
        fontsize=FONT_SIZE - 0.5,
        color="#555555",
        ha="left",
        va="bottom",
        gid=SOURCE_LINE,
    )


def symptom_figure(rows: pl.DataFrame, source_line: str, title: str, uncounted: str) -> Figure:
    """F02: symptom mentions as bars, with exact bootstrap BCa and Wilson intervals as whiskers.

    ``uncounted`` names what the thesis mentions without a count (shown as a note, no bar).
    """
    rows = rows.sort("k", descending=True)
    count = rows.height
    figure = Figure(figsize=(8.0, 1.8 + 0.55 * count), layout="constrained")
    with sns.axes_style(_style()):
        axes, footer = _with_footer(figure, 0.55 * count + 0.6, 0.5)
    positions = np.arange(count)[::-1]
    shares = rows["share"].to_numpy() * 100
    axes.barh(positions, shares, height=0.6, color="#c6dbef", edgecolor="#6baed6")
    for whisker, key, colour, shift in (
        ("Exact bootstrap BCa", "exact_bca", METHOD_COLOURS["exact_bca"], 0.1),
        ("Wilson", "wilson", METHOD_COLOURS["wilson"], -0.1),
    ):
        low = rows[f"{key}_low"].to_numpy() * 100
        high = rows[f"{key}_high"].to_numpy() * 100
        axes.errorbar(
            shares,
            positions + shift,
            xerr=[shares - low, high - shares],
            fmt="none",
            ecolor=colour,
            elinewidth=1.8,
            capsize=3,
            label=f"{whisker} 95 % interval",
        )
    for position, row in zip(positions, rows.iter_rows(named=True), strict=True):
        axes.annotate(
            f"{row['k']}/{row['n']}", (1, position), va="center", ha="left", fontsize=FONT_SIZE - 1
        )
    axes.set_yticks(positions, rows["label"].to_list())
    axes.set_xlim(0, 100)
    axes.set_xlabel(f"Share of the {rows['n'][0]} citizens mentioning the symptom (%)")
    axes.grid(axis="y", visible=False)
    axes.legend(loc="lower right", fontsize=FONT_SIZE - 1, frameon=True)
    axes.set_title(title, loc="left", fontsize=FONT_SIZE + 2)
    _source(footer, f"{uncounted} {source_line}")
    return figure
