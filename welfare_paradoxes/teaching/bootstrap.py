"""The bootstrap by hand: a six-answer sample resampled with a die, its exact distribution,
the class's Monte Carlo intervals against the exact one, and coverage by simulation.

Everything a class computes here has an exact counterpart the book can show beside it: the
exact resampling distribution (all 6**6 = 46,656 equally likely resamples, enumerated), the
exact bootstrap interval, and the exact coverage of an interval method.
"""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
from matplotlib.figure import Figure

import kernels
from welfare_paradoxes.engine.artifacts import Table
from welfare_paradoxes.survey.statistics import COVERAGE_LABELS

#: The sample a class resamples by hand: six answers, four "yes" (1) and two "no" (0); a die
#: roll of 1-6 picks the respondent.
HAND_SAMPLE = (1, 1, 0, 1, 0, 1)


def exact_resampling_distribution(sample=HAND_SAMPLE) -> pl.DataFrame:
    """Every resample of ``sample`` (n draws with replacement, n**n equally likely index
    tuples, enumerated) summarised by its count of ones: count, resamples, probability."""
    values = np.asarray(sample)
    n = values.size
    counts = np.zeros(n + 1, dtype=np.int64)
    for indices in itertools.product(range(n), repeat=n):
        counts[int(values[list(indices)].sum())] += 1
    return pl.DataFrame(
        {
            "count": np.arange(n + 1),
            "resamples": counts,
            "probability": counts / counts.sum(),
        }
    )


def class_intervals(
    k: int, n: int, seeds, n_resamples: int, method: str = "percentile"
) -> pl.DataFrame:
    """One Monte Carlo bootstrap interval of k of n per student seed (seed, low, high)."""
    sample = np.r_[np.ones(k), np.zeros(n - k)]
    rows = []
    for seed in seeds:
        interval = kernels.bootstrap_ci(sample, "proportion", method, n_resamples, seed=seed)
        rows.append({"seed": int(seed), "low": interval.low, "high": interval.high})
    return pl.DataFrame(rows)


def caterpillar_figure(intervals: pl.DataFrame, k: int, n: int, method: str, title: str) -> Figure:
    """The class's intervals, one line per seed sorted by its ends, against the exact one."""
    exact = kernels.proportion_ci(k, n, method=method)
    ordered = intervals.sort("low", "high")
    figure = Figure(figsize=(8.0, 0.6 + 0.16 * ordered.height + 1.2), layout="constrained")
    axes = figure.add_subplot()
    rows = np.arange(ordered.height)
    axes.hlines(rows, 100 * ordered["low"], 100 * ordered["high"], color="#4c72b0", linewidth=2)
    axes.axvspan(100 * exact.low, 100 * exact.high, color="#dd8452", alpha=0.18, zorder=0)
    for end in (exact.low, exact.high):
        axes.axvline(100 * end, color="#dd8452", linewidth=1.5)
    axes.axvline(100 * k / n, color="#333333", linewidth=1, linestyle=":")
    axes.set_yticks(rows, [str(seed) for seed in ordered["seed"]], fontsize=7)
    axes.set_ylabel("student's seed")
    axes.set_xlabel("share, %")
    axes.set_title(title, fontsize=11)
    return figure


def coverage_simulation(
    p: float, n: int, methods: tuple[str, ...], samples: int, seed: int
) -> pl.DataFrame:
    """Draw ``samples`` surveys of n from a true share p; per method, the share of their
    intervals that contain p (simulated) beside the exact coverage (``kernels.coverage``)."""
    counts = np.random.default_rng(seed).binomial(n, p, size=samples)
    rows = []
    for method in methods:
        if method in kernels.ANALYTIC_METHODS:
            low, high = kernels.analytic_ci(counts, n, method=method)
        else:
            low, high = kernels.proportion_ci(counts, np.full(samples, n), method=method)
        hits = (np.asarray(low) <= p) & (p <= np.asarray(high))
        exact = kernels.coverage(n, np.array([p]), method=method)
        rows.append(
            {
                "method": COVERAGE_LABELS[method],
                "simulated": float(hits.mean()),
                "exact": float(exact.coverage[0]),
                "samples": samples,
            }
        )
    return pl.DataFrame(rows)


def distribution_table(distribution: pl.DataFrame) -> Table:
    """The exact resampling distribution of the hand sample, for the page."""
    yes, n = sum(HAND_SAMPLE), len(HAND_SAMPLE)
    return Table(
        id="hand-distribution",
        title=f"The exact bootstrap distribution of {n} answers, {yes} of them yes",
        frame=distribution,
        sources=(),
        labels={
            "count": "Yeses in the resample",
            "resamples": "Roll sequences",
            "probability": "Probability",
        },
        note=f"All {n}**{n} sequences of {n} die rolls, enumerated.",
    )


def coverage_table(coverage: pl.DataFrame, p: float, n: int) -> Table:
    """The simulated and exact coverage of each method, for the page."""
    samples = coverage["samples"][0]
    return Table(
        id="coverage-simulation",
        title=f"How often the interval contains the true share {p}, n = {n}",
        frame=coverage.drop("samples"),
        sources=(),
        labels={"simulated": f"Simulated ({samples:,} surveys)", "exact": "Exact"},
    )


def differing(intervals: pl.DataFrame, exact) -> int:
    """How many of the class's intervals differ from the exact one at an end."""
    return int(((intervals["low"] != exact.low) | (intervals["high"] != exact.high)).sum())
