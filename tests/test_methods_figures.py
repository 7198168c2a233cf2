"""The methods appendix's figures show what scipy says they should."""

from scipy.stats import binom

from welfare_paradoxes import methods_figures


def test_the_resampling_distribution_shows_the_binomial_and_its_percentile_interval():
    figure = methods_figures.resampling_distribution_figure(26, 39)
    axes = figure.axes[0]
    heights = sorted((bar.get_height() for bar in axes.patches), reverse=True)
    assert abs(heights[0] - binom.pmf(26, 39, 26 / 39)) < 1e-12  # the mode is the observed count
    low, high = binom.ppf(0.025, 39, 26 / 39) / 39, binom.ppf(0.975, 39, 26 / 39) / 39
    labels = [text.get_text() for text in axes.get_legend().get_texts()]
    assert f"percentile [{100 * low:.1f}, {100 * high:.1f}]" in labels


def test_convergence_and_coverage_figures_have_their_panels():
    convergence = methods_figures.convergence_figure(26, 39, max_resamples=400, seeds=2)
    assert convergence.axes[0].get_xscale() == "log"
    coverage = methods_figures.coverage_figure((25, 39))
    assert len(coverage.axes) == 2 * len(methods_figures.COVERAGE_METHODS)
    assert coverage.axes[1].get_title(loc="left").startswith("Exact bootstrap percentile, n = 39")
