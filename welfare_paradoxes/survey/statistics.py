"""The survey chapters: codebook (T04), proportions with intervals (T05-T07), F01 and F02.

Every proportion gets seven 95 % intervals side by side: the exact (ideal, B -> infinity)
bootstrap percentile and BCa intervals, the same two by Monte Carlo with the parameter set's
B and seed (to show how close B resamples come to the exact answer), and the Wilson,
Clopper-Pearson and Jeffreys intervals from statsmodels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

import kernels
from welfare_paradoxes.engine.artifacts import Table
from welfare_paradoxes.engine.display import percent, percent_interval
from welfare_paradoxes.survey import (
    DEFAULT_SUPPRESSION_THRESHOLD,
    SYNTHETIC_LABEL,
    CrossTable,
    ReconstructedDataError,
    SurveyData,
    crosstab,
    indicator,
    item_counts,
)

LEVEL = 0.95


@dataclass(frozen=True)
class IntervalMethod:
    """One way of computing a proportion's interval, as the tables and figures name it."""

    key: str
    label: str
    family: str  # "exact bootstrap", "Monte Carlo bootstrap" or "analytic"
    kernel_method: str


INTERVAL_METHODS = (
    IntervalMethod(
        "exact_percentile", "Exact bootstrap percentile", "exact bootstrap", "percentile"
    ),
    IntervalMethod("exact_bca", "Exact bootstrap BCa", "exact bootstrap", "bca"),
    IntervalMethod(
        "mc_percentile", "Monte Carlo percentile", "Monte Carlo bootstrap", "percentile"
    ),
    IntervalMethod("mc_bca", "Monte Carlo BCa", "Monte Carlo bootstrap", "bca"),
    IntervalMethod("wilson", "Wilson", "analytic", "wilson"),
    IntervalMethod("clopper_pearson", "Clopper-Pearson", "analytic", "clopper-pearson"),
    IntervalMethod("jeffreys", "Jeffreys", "analytic", "jeffreys"),
)


@dataclass(frozen=True)
class Item:
    """One proportion the thesis reports: a category of a survey item."""

    variable: str
    value: str
    label: str
    claim: str
    thesis_lines: str
    statement: str
    reported_k: int
    reported_n: int


def reported_items(data: SurveyData, variables: tuple[str, ...] | None = None) -> list[Item]:
    """The proportions the thesis reports for ``data``'s survey, in codebook order.

    ``variables`` restricts them to some items (e.g. the symptoms for T06).
    """
    items = []
    for column in data.codebook.columns:
        if variables is not None and column.variable not in variables:
            continue
        labels = {category.value: category.label_en for category in column.categories}
        for reported in column.reported:
            label = column.label_en
            if column.type == "multi_select":
                label = labels[reported.value]
            items.append(
                Item(
                    variable=column.variable,
                    value=reported.value,
                    label=label,
                    claim=reported.claim,
                    thesis_lines=reported.lines,
                    statement=reported.statistic,
                    reported_k=reported.k,
                    reported_n=reported.n,
                )
            )
    return items


def proportion_intervals(
    data: SurveyData, items: list[Item], n_resamples: int, seed: int, level: float = LEVEL
) -> pl.DataFrame:
    """k, n, the share and every interval of ``INTERVAL_METHODS`` for each item."""
    return computed_intervals(data, items, n_resamples, seed, level)[0]


def method_intervals(
    k: np.ndarray, n, answers: np.ndarray, n_resamples: int, seed: int, level: float = LEVEL
) -> tuple[dict[str, np.ndarray], dict[str, str], dict[str, np.ndarray]]:
    """Every method of ``INTERVAL_METHODS`` for the counts ``k`` of ``n`` (the Monte Carlo
    ones from the items x respondents 0/1 ``answers``, resampled jointly): the endpoint
    columns, how each method was computed, and the Monte Carlo errors of its endpoints.

    How a result was computed is recorded without the thread count or backend, which change
    no bit of it."""
    columns: dict[str, np.ndarray] = {}
    compute: dict[str, str] = {}
    errors: dict[str, np.ndarray] = {}
    for method in INTERVAL_METHODS:
        if method.family == "exact bootstrap":
            interval = kernels.proportion_ci(k, n, method=method.kernel_method, level=level)
        elif method.family == "Monte Carlo bootstrap":
            interval = kernels.bootstrap_ci(
                answers,
                statistic="proportion",
                method=method.kernel_method,
                n_resamples=n_resamples,
                seed=seed,
                level=level,
            )
        else:
            interval = kernels.analytic_ci(k, n, method=method.kernel_method, level=level)
        for end, value in zip(("low", "high"), interval, strict=True):
            columns[f"{method.key}_{end}"] = np.broadcast_to(
                np.asarray(value, dtype=float), k.shape
            )
        if interval.path == "monte_carlo":
            for end, error in zip(
                ("low", "high"), kernels.monte_carlo_error(interval), strict=True
            ):
                errors[f"{method.key}_{end}"] = np.broadcast_to(error, k.shape)
        compute[method.key] = interval.path + (
            f" (B = {interval.n_resamples}, seed {interval.seed})" if interval.n_resamples else ""
        )
    return columns, compute, errors


def computed_intervals(
    data: SurveyData, items: list[Item], n_resamples: int, seed: int, level: float = LEVEL
) -> tuple[pl.DataFrame, dict[str, str], pl.DataFrame]:
    """``proportion_intervals``; per method, how the kernels computed it (for the manifest);
    and the Monte Carlo error of every Monte Carlo endpoint (``kernels.monte_carlo_error``).

    The Monte Carlo intervals resample the respondents jointly across the items (one draw of
    respondents serves every item), from the 0/1 answers in the data; their marginal
    distribution per item is the same as resampling each item alone.
    """
    if not items:
        raise ValueError("no items to compute intervals for")
    counts = [item_counts(data, item.variable, item.value) for item in items]
    k = np.array([count[0] for count in counts], dtype=np.int64)
    n = np.array([count[1] for count in counts], dtype=np.int64)
    if len(set(n.tolist())) != 1:
        raise ValueError(f"items answered by different numbers of respondents: {n.tolist()}")
    answers = np.vstack(
        [indicator(data, item.variable, item.value).to_numpy().astype(np.int64) for item in items]
    )
    columns: dict[str, object] = {
        "variable": [item.variable for item in items],
        "value": [item.value for item in items],
        "label": [item.label for item in items],
        "k": k,
        "n": n,
        "share": k / n,
    }
    intervals, compute, errors = method_intervals(k, n, answers, n_resamples, seed, level)
    columns |= intervals
    columns["claim"] = [item.claim for item in items]
    columns["thesis_lines"] = [item.thesis_lines for item in items]
    columns["reported_k"] = [item.reported_k for item in items]
    columns["reported_n"] = [item.reported_n for item in items]
    columns["reproduces_thesis"] = [
        int(kk) == item.reported_k and int(nn) == item.reported_n
        for kk, nn, item in zip(k, n, items, strict=True)
    ]
    return pl.DataFrame(columns), compute, pl.DataFrame(errors)


def largest_monte_carlo_error(*errors: pl.DataFrame) -> float:
    """The largest Monte Carlo error in frames of errors (0 when there are none)."""
    return max(
        (float(frame.max_horizontal().max() or 0.0) for frame in errors if frame.width), default=0.0
    )


def count_check_status(data: SurveyData) -> str:
    """What agreement with the thesis' counts means for ``data``, for a page's prose."""
    if data.synthetic:
        return (
            "consistent by construction: the synthetic teaching data were generated to match "
            "them; they are not the thesis' data"
        )
    if data.raw:
        return "reproduced: counted in the real answers"
    if data.reconstructed:
        return (
            "consistent by construction: the reconstruction was built to match them, so only "
            "the real export can reproduce them"
        )
    return "unverified: counted in an export that is not declared raw"


def shown_intervals() -> list[pl.Expr]:
    """A proportions frame's count, percent and every method's interval, formatted for people."""
    return [
        pl.format("{}/{}", "k", "n").alias("count"),
        pl.col("share").map_elements(percent, return_dtype=pl.String).alias("percent"),
        *[
            pl.struct(f"{m.key}_low", f"{m.key}_high")
            .map_elements(
                lambda row, key=m.key: percent_interval(row[f"{key}_low"], row[f"{key}_high"]),
                return_dtype=pl.String,
            )
            .alias(m.key)
            for m in INTERVAL_METHODS
        ],
    ]


def proportions_table(
    table_id: str,
    title: str,
    data: SurveyData,
    items: list[Item],
    n_resamples: int,
    seed: int,
    note: str = "",
) -> Table:
    """A proportions table (T05, T06, T07) with its formatted page version."""
    frame, compute, errors = computed_intervals(data, items, n_resamples, seed)
    shown = frame.select(
        pl.col("label"),
        *shown_intervals(),
        pl.format("{} (line {})", "claim", "thesis_lines").alias("thesis"),
    )
    provenance = f"{data.provenance.status} export"
    labels = {"label": "Item", "count": "k/n", "percent": "%", "thesis": "Claim"}
    labels |= {m.key: m.label for m in INTERVAL_METHODS}
    method_note = (
        f"95 % intervals in percent. Monte Carlo: B = {n_resamples:,} resamples, seed {seed}. "
        f"n = {frame['n'][0]}; data: {data.provenance.source} ({provenance})."
    )
    return Table(
        id=table_id,
        title=title,
        frame=frame,
        shown=shown,
        sources=(data.provenance.file,),
        labels=labels,
        note=f"{note} {method_note}".strip(),
        compute=compute,
        monte_carlo_error=errors,
    )


MEASURE_TEXT = {
    "closed": "reported as answers to a closed question",
    "mention": "reported as mentions: a lower bound",
}


def codebook_table(surveys: list[SurveyData]) -> Table:
    """T04: every column of both surveys' codebooks, with its reported statistic and origin."""
    rows = []
    for data in surveys:
        for column in data.codebook.columns:
            reported = "; ".join(
                f"{r.value}: {r.k}/{r.n} ({r.claim}, line {r.lines})" for r in column.reported
            )
            if column.measure:
                reported += f"\n{MEASURE_TEXT[column.measure]}"
            wording = column.wording + (
                f" (lines {column.wording_lines})" if column.wording_lines else ""
            )
            rows.append(
                {
                    "survey": data.survey,
                    "variable": column.variable,
                    "question_da": column.header,
                    "label_en": column.label_en,
                    "type": column.type,
                    "categories": "; ".join(column.values)
                    + ("; other (free text)" if column.other else ""),
                    "reported": reported,
                    "wording": wording,
                    "personal": column.personal,
                    "measure": column.measure or "",
                    "measure_evidence": column.measure_evidence or "",
                    "data_status": data.provenance.status,
                }
            )
    frame = pl.DataFrame(rows)
    return Table(
        id="T04",
        title="Codebook of the two surveys",
        frame=frame,
        sources=tuple(data.provenance.file for data in surveys)
        + tuple(data.codebook.path for data in surveys),
        labels={
            "question_da": "Question (Danish)",
            "label_en": "Meaning (English)",
            "reported": "Reported by the thesis",
            "wording": "Wording from",
            "personal": "Personal data",
            "data_status": "Data",
        },
        note=(
            "Wording from: forms = a column Google Forms adds; thesis = the question as the thesis "
            "quotes it; reconstructed = the thesis names the item but not its wording, and the "
            "text is written to match its description. Personal columns (contact details) are "
            "dropped when the export is read and never reach a page. Where the thesis reports "
            "an item as mentions ('nævner', 'nævnt ... gange'), it was probably coded from free "
            "text, and the count is a lower bound on how many share the experience; the CSV "
            "gives the thesis' words that show how each item is reported."
        ),
    )


def method_key(label: str) -> str:
    """The column prefix of an interval method, from the label tables show (``"Wilson"``)."""
    for method in INTERVAL_METHODS:
        if method.label == label:
            return method.key
    raise ValueError(f"no interval method labelled {label!r}")


def interval_text(row: dict, method_label: str) -> str:
    """The interval of one ``proportion_intervals`` row by a method's label, for prose."""
    key = method_key(method_label)
    return percent_interval(row[f"{key}_low"], row[f"{key}_high"])


COVERAGE_METHODS = ("percentile", "bca", "wilson", "clopper-pearson", "jeffreys")
COVERAGE_LABELS = {
    "percentile": "Exact bootstrap percentile",
    "bca": "Exact bootstrap BCa",
    "wilson": "Wilson",
    "clopper-pearson": "Clopper-Pearson",
    "jeffreys": "Jeffreys",
}
# 981 true proportions from 0.01 to 0.99: the whole range a survey proportion of n = 25 or
# n = 39 can plausibly estimate, away from the degenerate ends.
COVERAGE_GRID = np.linspace(0.01, 0.99, 981)


def plausible_range(counts: list[tuple[int, int]], level: float = LEVEL) -> tuple[float, float]:
    """The true proportions the observed counts make plausible: from the lowest lower bound to
    the highest upper bound of their Clopper-Pearson intervals (exact, never too short)."""
    bounds = [kernels.analytic_ci(k, n, "clopper-pearson", level) for k, n in counts]
    return min(float(low) for low, _ in bounds), max(float(high) for _, high in bounds)


def plausible_grid(counts: list[tuple[int, int]], level: float = LEVEL) -> np.ndarray:
    """``COVERAGE_GRID`` restricted to ``plausible_range(counts)``."""
    low, high = plausible_range(counts, level)
    return COVERAGE_GRID[(COVERAGE_GRID >= low) & (COVERAGE_GRID <= high)]


def coverage_summary(
    sample_sizes: tuple[int, ...], level: float = LEVEL, grid: np.ndarray = COVERAGE_GRID
) -> pl.DataFrame:
    """Exact coverage of each interval method over ``grid`` (all of ``COVERAGE_GRID`` unless
    another is given), per sample size.

    Columns: n, method, mean and minimum coverage over the grid, the share of the grid where
    coverage falls below ``level - 0.02``, and the mean expected length of the interval.
    """
    rows = []
    for n in sample_sizes:
        for method in COVERAGE_METHODS:
            result = kernels.coverage(n, grid, method, level=level)
            rows.append(
                {
                    "n": n,
                    "method": COVERAGE_LABELS[method],
                    "mean_coverage": float(np.mean(result.coverage)),
                    "min_coverage": float(np.min(result.coverage)),
                    "share_below": float(np.mean(result.coverage < level - 0.02)),
                    "mean_length": float(np.mean(result.expected_length)),
                }
            )
    return pl.DataFrame(rows)


def reported_counts(surveys: list[SurveyData]) -> list[tuple[int, int]]:
    """Every (k, n) the thesis reports for the surveys' items, as their codebooks record it."""
    return [
        (reported.k, reported.n)
        for data in surveys
        for column in data.codebook.columns
        for reported in column.reported
    ]


def survey_coverage(surveys: list[SurveyData], level: float = LEVEL) -> pl.DataFrame:
    """Exact coverage at the surveys' sample sizes over two ranges of p (column ``p_range``):
    the whole grid, and the values the reported counts make plausible (``plausible_range``)."""
    sizes = tuple(sorted({data.codebook.n_reported for data in surveys}))
    counts = reported_counts(surveys)
    return pl.concat(
        [
            coverage_summary(sizes, level).with_columns(p_range=pl.lit("whole")),
            coverage_summary(sizes, level, plausible_grid(counts, level)).with_columns(
                p_range=pl.lit("plausible")
            ),
        ]
    )


def recommended_method(summary: pl.DataFrame, tolerance: float = 0.01) -> str:
    """The interval to report: on average at nominal coverage, and rarely far below it.

    Candidates are the methods whose mean coverage is within ``tolerance`` of nominal at every
    sample size and on every range of p the summary holds (a method that is conservative on
    average wastes length; one that falls short on average misleads). Among them, the fewest
    true proportions with coverage more than two points below nominal wins, then the shorter
    mean length.
    """
    ranked = (
        summary.group_by("method")
        .agg(
            (pl.col("mean_coverage") - LEVEL).abs().max().alias("worst_mean_gap"),
            pl.col("share_below").max().alias("worst_share_below"),
            pl.col("mean_length").mean().alias("length"),
        )
        .filter(pl.col("worst_mean_gap") <= tolerance)
        .sort("worst_share_below", "length", "method")
    )
    if ranked.is_empty():
        raise ValueError(f"no method has mean coverage within {tolerance} of {LEVEL} at every n")
    return ranked["method"][0]


def coverage_table(summary: pl.DataFrame) -> Table:
    """The coverage summary formatted for a page (a supporting table, not a SPEC artifact)."""
    shown = summary.select(
        "n",
        "method",
        pl.col("mean_coverage").map_elements(percent, return_dtype=pl.String),
        pl.col("min_coverage").map_elements(percent, return_dtype=pl.String),
        pl.col("share_below").map_elements(percent, return_dtype=pl.String),
        pl.col("mean_length").map_elements(lambda x: f"{100 * x:.1f}", return_dtype=pl.String),
    )
    return Table(
        id="coverage",
        title="Exact coverage of 95 % intervals for a proportion",
        frame=summary,
        shown=shown,
        sources=(),
        labels={
            "n": "n",
            "method": "Interval",
            "mean_coverage": "Mean coverage",
            "min_coverage": "Lowest coverage",
            "share_below": "Share of p below 93 %",
            "mean_length": "Mean length (points)",
        },
        note=(
            f"Coverage = probability that the interval contains the true proportion p, computed "
            f"exactly over the grid of {COVERAGE_GRID.size} values of p from 0.01 to 0.99 (no "
            "simulation). Mean length in percentage points."
        ),
    )


def monte_carlo_agreement(frame: pl.DataFrame) -> tuple[int, int]:
    """How many Monte Carlo endpoints equal the exact ones: (equal, compared).

    Percentile and BCa endpoints of ``proportion_intervals`` are compared; on 0/1 data both
    land on the grid k/n, so equality is exact, not approximate.
    """
    equal = compared = 0
    for method in ("percentile", "bca"):
        for end in ("low", "high"):
            exact = frame[f"exact_{method}_{end}"].to_numpy()
            monte_carlo = frame[f"mc_{method}_{end}"].to_numpy()
            equal += int(np.sum(exact == monte_carlo))
            compared += exact.size
    return equal, compared


def joint_analysis(
    data: SurveyData, row: str, column: str, threshold: int = DEFAULT_SUPPRESSION_THRESHOLD
) -> CrossTable | str:
    """A cross-table of two items on raw data, or, on reconstructed data, the refusal.

    On synthetic teaching data (``load_synthetic``) the cross-table is computed, with the same
    small-cell suppression, and labelled synthetic (``CrossTable.synthetic``, ``.label``).
    """
    try:
        return crosstab(data, row, column, threshold)
    except ReconstructedDataError as refusal:
        return str(refusal)


def cross_table(result: CrossTable, data: SurveyData, row: str, column: str) -> Table:
    """A cross-table as a supporting page table, with its suppression stated.

    On synthetic data its id, title and note say so: ``crosstab-synthetic``, a title that
    begins with "SYNTHETIC", and a note that begins with ``SYNTHETIC_LABEL``.
    """
    title = f"{data.codebook.column(row).label_en} by {data.codebook.column(column).label_en}"
    note = (
        f"Counts of respondents; cells below {result.threshold} are suppressed (shown as –), "
        f"and so are cells that would reveal them: {len(result.suppressed)} suppressed."
    )
    synthetic = result.synthetic or data.synthetic
    if synthetic:
        title = f"SYNTHETIC (teaching data): {title}"
        note = (
            f"{SYNTHETIC_LABEL}: synthetic respondents whose joint structure is invented by a "
            f"model; only each item's count is the thesis'. {note}"
        )
    return Table(
        id="crosstab-synthetic" if synthetic else "crosstab",
        title=title,
        frame=result.counts,
        sources=(data.provenance.file,),
        note=note,
    )


def codebook_part(codebook: Table, survey: str) -> Table:
    """One survey's rows of T04, as a supporting table for that survey's chapter."""
    rows = codebook.frame["survey"] == survey
    return Table(
        id=f"T04-{survey}",
        title=f"Codebook of the {survey} survey (part of T04)",
        frame=codebook.frame.filter(rows),
        sources=codebook.sources,
        labels=codebook.labels,
        note=codebook.note,
    )
