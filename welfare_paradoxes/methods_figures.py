"""Figures of the methods appendix: what the interval kernels compute, shown on the book's data.

Supporting figures (not SPEC artifacts): the exact resampling distribution of a proportion with
its interval endpoints, Monte Carlo endpoints converging to the exact ones as B grows, and the
exact coverage of each interval method over the true proportion.
"""

from __future__ import annotations

import numpy as np
import seaborn as sns
from matplotlib.figure import Figure

import kernels
from welfare_paradoxes.survey.statistics import COVERAGE_GRID, COVERAGE_LABELS, COVERAGE_METHODS

FONT_SIZE = 9
COLOURS = {
    "percentile": "#1b5e9a",
    "bca": "#5fa2dd",
    "wilson": "#1b7837",
    "clopper-pearson": "#5aae61",
    "jeffreys": "#a6dba0",
}


def _axes(figure: Figure, *grid):
    with sns.axes_style("whitegrid", {"font.size": FONT_SIZE}):
        return figure.subplots(*grid)


def resampling_distribution_figure(k: int, n: int, level: float = 0.95) -> Figure:
    """The exact bootstrap distribution of the resampled share k*/n, with both intervals."""
    percentile = kernels.proportion_ci(k, n, method="percentile", level=level)
    bca = kernels.proportion_ci(k, n, method="bca", level=level)
    distribution = bca.distribution()
    figure = Figure(figsize=(8.0, 3.6), layout="constrained")
    axes = _axes(figure)
    axes.bar(
        distribution.values * 100,
        distribution.probabilities,
        width=100 / n * 0.85,
        color="#c6dbef",
        edgecolor="#6baed6",
    )
    axes.axvline(k / n * 100, color="black", lw=1.2, label=f"observed share {k}/{n}")
    for interval, colour, style, name in (
        (percentile, COLOURS["percentile"], "--", "percentile"),
        (bca, COLOURS["bca"], ":", "BCa"),
    ):
        for end in interval:
            axes.axvline(end * 100, color=colour, ls=style, lw=1.8)
        axes.plot(
            [],
            [],
            color=colour,
            ls=style,
            lw=1.8,
            label=f"{name} [{interval.low * 100:.1f}, {interval.high * 100:.1f}]",
        )
    axes.set_xlim(max(0, (k / n - 0.35) * 100), min(100, (k / n + 0.35) * 100))
    axes.set_xlabel("Resampled share k*/n (%)")
    axes.set_ylabel("Exact probability")
    axes.legend(fontsize=FONT_SIZE - 1, loc="upper left")
    axes.set_title(
        f"The ideal bootstrap of {k}/{n}: Binomial({n}, {k}/{n}) / {n}",
        loc="left",
        fontsize=FONT_SIZE + 1,
    )
    return figure


def convergence_figure(k: int, n: int, max_resamples: int, seeds: int = 12) -> Figure:
    """Monte Carlo BCa endpoints for growing B (several seeds) against the exact endpoints."""
    exact = kernels.proportion_ci(k, n, method="bca")
    sizes = np.unique(np.geomspace(100, max(max_resamples, 200), 8).astype(int))
    answers = np.array([1] * k + [0] * (n - k), dtype=np.int64)
    figure = Figure(figsize=(8.0, 3.6), layout="constrained")
    axes = _axes(figure)
    for size in sizes:
        for seed in range(seeds):
            result = kernels.bootstrap_ci(
                answers, statistic="proportion", method="bca", n_resamples=int(size), seed=seed
            )
            jitter = size * (1 + 0.04 * (seed - seeds / 2) / seeds)
            axes.plot(
                [jitter, jitter],
                [result.low * 100, result.high * 100],
                "o",
                color=COLOURS["bca"],
                ms=2.5,
                alpha=0.7,
            )
    for end in exact:
        axes.axhline(end * 100, color=COLOURS["percentile"], lw=1.2)
    axes.set_xscale("log")
    axes.set_xlabel("Monte Carlo resamples B (log scale)")
    axes.set_ylabel("BCa endpoints (%)")
    axes.set_title(
        f"{k}/{n}: Monte Carlo BCa endpoints ({seeds} seeds per B) and the exact ones (lines)",
        loc="left",
        fontsize=FONT_SIZE + 1,
    )
    return figure


def coverage_figure(sample_sizes: tuple[int, ...] = (25, 39), level: float = 0.95) -> Figure:
    """Exact coverage against the true proportion: one small panel per method and sample size."""
    figure = Figure(figsize=(8.0, 1.7 * len(COVERAGE_METHODS) + 0.6), layout="constrained")
    panels = np.atleast_2d(_axes(figure, len(COVERAGE_METHODS), len(sample_sizes)))
    for row, method in enumerate(COVERAGE_METHODS):
        for column, n in enumerate(sample_sizes):
            axes = panels[row, column]
            result = kernels.coverage(n, COVERAGE_GRID, method, level=level)
            axes.plot(COVERAGE_GRID * 100, result.coverage * 100, color=COLOURS[method], lw=0.9)
            axes.axhline(level * 100, color="black", lw=0.8, ls="--")
            axes.set_ylim(70, 100)
            axes.set_xlim(0, 100)
            axes.tick_params(labelsize=FONT_SIZE - 1)
            axes.set_title(
                f"{COVERAGE_LABELS[method]}, n = {n}: mean {np.mean(result.coverage):.1%}",
                fontsize=FONT_SIZE,
                loc="left",
            )
            if column == 0:
                axes.set_ylabel("Coverage (%)", fontsize=FONT_SIZE - 1)
            if row == len(COVERAGE_METHODS) - 1:
                axes.set_xlabel("True proportion p (%)", fontsize=FONT_SIZE - 1)
    figure.suptitle(
        f"Exact coverage of {level:.0%} intervals (dashed: nominal; below 70 % cut off)",
        x=0.0,
        ha="left",
        fontsize=FONT_SIZE + 1,
    )
    return figure


def example_numbers(k: int, n: int, n_resamples: int) -> dict[str, object]:
    """The worked example of the methods appendix, by name (for ``Chapter.glue``): the exact
    BCa interval of k of n with its bias correction and acceleration, and the percentile one."""
    bca = kernels.proportion_ci(k, n, method="bca")
    percentile = kernels.proportion_ci(k, n, method="percentile")
    return {
        "k": k,
        "n": n,
        "z0": f"{bca.bias_correction:.4f}",
        "acceleration": f"{bca.acceleration:.4f}",
        "bca": f"[{bca.low:.4f}, {bca.high:.4f}] = "
        f"[{round(bca.low * n)}/{n}, {round(bca.high * n)}/{n}]",
        "percentile": f"[{round(percentile.low * n)}/{n}, {round(percentile.high * n)}/{n}]",
        "max_resamples": f"{n_resamples:,}",
    }
