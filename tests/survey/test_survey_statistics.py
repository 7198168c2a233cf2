"""The survey chapters' computations against the thesis, scipy and statsmodels."""

import numpy as np
import polars as pl
import pytest
from matplotlib.figure import Figure
from scipy.stats import binom
from statsmodels.stats.proportion import proportion_confint

from welfare_paradoxes.engine.paths import DATA_DIR, relative_to_repo
from welfare_paradoxes.survey import CrossTable, load_survey
from welfare_paradoxes.survey import figures as survey_figures
from welfare_paradoxes.survey import statistics as survey_statistics

# The counts the thesis reports (SPEC C01-C05), typed from the thesis, not from the data.
THESIS_COUNTS = {
    ("system_help_lacking", "Ja"): (26, 39),
    ("changing_caseworkers", "Ja"): (16, 39),
    ("postponed_sick_leave", "Ja"): (23, 39),
    ("symptoms", "Angst"): (18, 39),
    ("symptoms", "Søvnproblemer"): (17, 39),
    ("symptoms", "Problemer med hukommelsen"): (11, 39),
    ("symptoms", "Hjertebanken"): (8, 39),
    ("economic_constraints", "Ja"): (12, 25),
}


@pytest.fixture(scope="module")
def citizens():
    return load_survey("citizens")


@pytest.fixture(scope="module")
def frontline():
    return load_survey("frontline")


@pytest.fixture(scope="module")
def intervals(citizens, frontline):
    frames = [
        survey_statistics.proportion_intervals(
            data, survey_statistics.reported_items(data), n_resamples=4000, seed=11
        )
        for data in (citizens, frontline)
    ]
    return pl.concat(frames)


def test_every_reported_count_is_reproduced(intervals):
    found = {(r["variable"], r["value"]): (r["k"], r["n"]) for r in intervals.iter_rows(named=True)}
    assert found == THESIS_COUNTS
    assert intervals["reproduces_thesis"].all()


def test_exact_percentile_endpoints_are_binomial_quantiles(intervals):
    for row in intervals.iter_rows(named=True):
        k, n = row["k"], row["n"]
        assert row["exact_percentile_low"] == binom.ppf(0.025, n, k / n) / n
        assert row["exact_percentile_high"] == binom.ppf(0.975, n, k / n) / n


@pytest.mark.parametrize(
    ("key", "statsmodels_method"),
    [("wilson", "wilson"), ("clopper_pearson", "beta"), ("jeffreys", "jeffreys")],
)
def test_analytic_intervals_are_statsmodels(intervals, key, statsmodels_method):
    for row in intervals.iter_rows(named=True):
        low, high = proportion_confint(row["k"], row["n"], alpha=0.05, method=statsmodels_method)
        assert row[f"{key}_low"] == pytest.approx(low, abs=1e-12)
        assert row[f"{key}_high"] == pytest.approx(high, abs=1e-12)


def test_monte_carlo_endpoints_lie_on_the_grid_near_the_exact_ones(intervals):
    for row in intervals.iter_rows(named=True):
        for method in ("percentile", "bca"):
            for end in ("low", "high"):
                monte_carlo = row[f"mc_{method}_{end}"] * row["n"]
                assert monte_carlo == pytest.approx(round(monte_carlo), abs=1e-9)
                assert (
                    abs(row[f"mc_{method}_{end}"] - row[f"exact_{method}_{end}"])
                    <= 1 / row["n"] + 1e-12
                )


def test_monte_carlo_agreement_counts_equal_endpoints():
    frame = pl.DataFrame(
        {
            f"{family}_{method}_{end}": values
            for method in ("percentile", "bca")
            for end in ("low", "high")
            for family, values in (("exact", [0.1, 0.2]), ("mc", [0.1, 0.25]))
        }
    )
    assert survey_statistics.monte_carlo_agreement(frame) == (4, 8)


def test_coverage_summary_matches_a_direct_computation():
    summary = survey_statistics.coverage_summary((25,))
    wilson = summary.filter(pl.col("method") == "Wilson").row(0, named=True)
    k = np.arange(26)
    low, high = proportion_confint(k, 25, alpha=0.05, method="wilson")
    grid = survey_statistics.COVERAGE_GRID
    pmf = binom.pmf(k[None, :], 25, grid[:, None])
    inside = (low[None, :] <= grid[:, None]) & (grid[:, None] <= high[None, :])
    coverage = (pmf * inside).sum(axis=1)
    assert wilson["mean_coverage"] == pytest.approx(coverage.mean(), abs=1e-9)
    assert wilson["min_coverage"] == pytest.approx(coverage.min(), abs=1e-9)
    assert wilson["share_below"] == pytest.approx(np.mean(coverage < 0.93), abs=1e-9)


def test_the_recommendation_follows_its_stated_rule():
    summary = pl.DataFrame(
        {
            "n": [25, 25, 25, 39, 39, 39],
            "method": ["conservative", "close", "closer but leaky"] * 2,
            "mean_coverage": [0.975, 0.952, 0.950, 0.970, 0.951, 0.950],
            "min_coverage": [0.95, 0.90, 0.85, 0.95, 0.90, 0.85],
            "share_below": [0.0, 0.03, 0.08, 0.0, 0.02, 0.07],
            "mean_length": [0.33, 0.30, 0.29, 0.26, 0.24, 0.23],
        }
    )
    # "conservative" is more than a point above 95 % on average, so it is not a candidate.
    assert survey_statistics.recommended_method(summary) == "close"
    with pytest.raises(ValueError, match="no method"):
        survey_statistics.recommended_method(summary.filter(pl.col("method") == "conservative"))


def test_codebook_table_lists_both_surveys_with_their_reported_counts(citizens, frontline):
    table = survey_statistics.codebook_table([citizens, frontline])
    assert table.frame.height == len(citizens.codebook.columns) + len(frontline.codebook.columns)
    reported = " ".join(table.frame["reported"].to_list())
    for (_, value), (k, n) in THESIS_COUNTS.items():
        assert f"{value}: {k}/{n}" in reported
    personal = table.frame.filter(pl.col("personal"))["type"].unique().to_list()
    assert personal == ["contact"]
    part = survey_statistics.codebook_part(table, "frontline")
    assert set(part.frame["survey"]) == {"frontline"}


def test_a_joint_analysis_is_refused_on_reconstructed_data_and_runs_on_raw(
    citizens, tmp_path, raw_copy
):
    refusal = survey_statistics.joint_analysis(
        citizens, "postponed_sick_leave", "system_help_lacking"
    )
    assert isinstance(refusal, str) and "reconstruction" in refusal
    raw_copy("citizens", tmp_path, drop_last=1)
    data = load_survey("citizens", tmp_path)
    assert data.raw
    table = survey_statistics.joint_analysis(data, "postponed_sick_leave", "system_help_lacking")
    assert isinstance(table, CrossTable)
    shown = table.counts.select(pl.exclude("postponed_sick_leave")).to_numpy()
    assert np.nansum(np.where(shown == None, 0, shown)) <= 38  # noqa: E711


def test_interval_text_reads_the_named_method(intervals):
    row = intervals.row(0, named=True)
    expected = f"[{100 * row['wilson_low']:.1f}, {100 * row['wilson_high']:.1f}]"
    assert survey_statistics.interval_text(row, "Wilson") == expected


def test_figures_show_every_item_with_its_group_and_n(intervals):
    rows = intervals.with_columns(pl.lit("citizens").alias("group"))
    forest = survey_figures.forest_figure(rows, "Source: test.", "Title")
    assert isinstance(forest, Figure)
    labels = [tick.get_text() for tick in forest.axes[0].get_yticklabels()]
    assert len(labels) == rows.height and all("(citizens, n = " in label for label in labels)
    symptoms = intervals.filter(pl.col("variable") == "symptoms")
    bars = survey_figures.symptom_figure(symptoms, "Source: test.", "Title", "Fatigue: no count.")
    # Most mentioned first, from the top.
    assert [tick.get_text() for tick in bars.axes[0].get_yticklabels()] == [
        "Anxiety",
        "Sleep problems",
        "Memory problems",
        "Palpitations",
    ]


def test_paths_outside_the_repository_show_no_machine_path(tmp_path):
    shown = relative_to_repo(tmp_path / "exports" / "citizens.csv")
    assert shown == "…/exports/citizens.csv"
    assert relative_to_repo(DATA_DIR / "surveys" / "citizens.csv") == "data/surveys/citizens.csv"


def test_plausible_range_is_the_span_of_the_clopper_pearson_intervals():
    counts = [(26, 39), (8, 39), (12, 25)]
    bounds = [proportion_confint(k, n, alpha=0.05, method="beta") for k, n in counts]
    low, high = survey_statistics.plausible_range(counts)
    assert low == pytest.approx(min(b[0] for b in bounds))
    assert high == pytest.approx(max(b[1] for b in bounds))
    grid = survey_statistics.plausible_grid(counts)
    assert grid.min() >= low and grid.max() <= high


def test_the_recommendation_must_hold_over_both_ranges_of_p():
    surveys = [load_survey("citizens"), load_survey("frontline")]
    summary = survey_statistics.survey_coverage(surveys)
    assert set(summary["p_range"]) == {"whole", "plausible"}
    plausible_only = summary.filter(pl.col("p_range") == "plausible")
    # Over the plausible range alone the exact BCa interval would win; near 0 and 1 it collapses.
    assert survey_statistics.recommended_method(plausible_only) == "Exact bootstrap BCa"
    assert survey_statistics.recommended_method(summary) == "Wilson"
