"""The numbers the survey chapters quote in their prose, by name (for ``Chapter.glue``)."""

from __future__ import annotations

import polars as pl

from welfare_paradoxes.engine.display import percent, percent_interval
from welfare_paradoxes.survey.load import SurveyData
from welfare_paradoxes.survey.statistics import (
    COVERAGE_GRID,
    count_check_status,
    interval_text,
    monte_carlo_agreement,
    plausible_range,
    reported_counts,
)


def _slug(method_label: str) -> str:
    return method_label.lower().replace(" ", "_").replace("-", "_")


def coverage_numbers(summary: pl.DataFrame) -> dict[str, str]:
    """Per method and n of ``survey_coverage``: ``mean_<method>_<n>`` and ``min_<method>_<n>``
    (coverage in percent over all true proportions), ``length_<method>_<n>`` (mean length in
    points), and ``plausible_mean_...``/``plausible_min_...`` over the plausible range."""
    numbers = {}
    for row in summary.iter_rows(named=True):
        prefix = "" if row["p_range"] == "whole" else f"{row['p_range']}_"
        name = f"{_slug(row['method'])}_{row['n']}"
        numbers[f"{prefix}mean_{name}"] = percent(row["mean_coverage"])
        numbers[f"{prefix}min_{name}"] = percent(row["min_coverage"])
        if not prefix:
            numbers[f"length_{name}"] = f"{100 * row['mean_length']:.1f}"
    return numbers


def item_numbers(frame: pl.DataFrame, recommended: str) -> dict[str, str]:
    """Per item of a proportions frame: ``<variable>_count`` ("k of n"), ``_percent`` and
    ``_recommended`` (the interval of the recommended method)."""
    numbers = {}
    for row in frame.iter_rows(named=True):
        numbers[f"{row['variable']}_count"] = f"{row['k']} of {row['n']}"
        numbers[f"{row['variable']}_percent"] = percent(row["share"])
        numbers[f"{row['variable']}_recommended"] = interval_text(row, recommended)
    return numbers


def citizen_survey_numbers(
    citizens: SurveyData,
    frontline: SurveyData,
    key: pl.DataFrame,
    symptoms: pl.DataFrame,
    summary: pl.DataFrame,
    recommended: str,
    n_resamples: int,
) -> dict[str, object]:
    """Everything the citizen survey chapter quotes: the sample, the key items, the check of
    the thesis' counts, the coverage of every method, and the Monte Carlo agreement."""
    low, high = plausible_range(reported_counts([citizens, frontline]))
    n = key["n"][0]
    both = pl.concat([key, symptoms])
    equal, compared = monte_carlo_agreement(both)
    return {
        "plausible_range": f"{low:.2f} to {high:.2f}",
        "n_citizens": n,
        "status": citizens.provenance.status,
        "one_respondent": f"{100 / n:.1f}",
        **item_numbers(key, recommended),
        "n_reproduced": int(both["reproduces_thesis"].sum()),
        "n_reported": both.height,
        "count_status": count_check_status(citizens),
        "recommended": recommended,
        "n_grid": COVERAGE_GRID.size,
        **coverage_numbers(summary),
        "mc_equal": equal,
        "mc_compared": compared,
        "n_resamples_text": f"{n_resamples:,}",
    }


def frontline_survey_numbers(
    proportions: pl.DataFrame, summary: pl.DataFrame, recommended: str
) -> dict[str, object]:
    """What the frontline chapter quotes: its one item (the economic consequences) with the
    recommended and the BCa interval, and the coverage at n = 25."""
    row = proportions.row(0, named=True)
    coverage = coverage_numbers(summary)
    return {
        "n_frontline": row["n"],
        "economic_count": f"{row['k']} of {row['n']}",
        "economic_percent": percent(row["share"]),
        "recommended": recommended,
        "economic_recommended": interval_text(row, recommended),
        "economic_bca": percent_interval(row["exact_bca_low"], row["exact_bca_high"]),
        "one_respondent": f"{100 / row['n']:.0f}",
        "mean_recommended_25": coverage[f"mean_{_slug(recommended)}_25"],
        "mean_bca_25": coverage["mean_exact_bootstrap_bca_25"],
    }
