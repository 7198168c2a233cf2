"""Exact coverage against references built from scipy and from the textbook formulas."""

import numpy as np
import pytest
from scipy import stats

from kernels import (
    COVERAGE_METHODS,
    _exact_math,
    analytic_ci,
    coverage,
    difference_ci,
    proportion_ci,
)
from kernels.interval_coverage import binomial_pmf_rows

P_GRID = np.linspace(0.01, 0.99, 981)


def reference_coverage(n, p, lower, upper):
    k = np.arange(n + 1)
    pmf = stats.binom.pmf(k[None, :], n, np.asarray(p)[:, None])
    covered = (lower[None, :] <= p[:, None]) & (p[:, None] <= upper[None, :])
    return (pmf * covered).sum(axis=1)


@pytest.mark.parametrize("n", [1, 2, 7, 25, 39, 120])
def test_binomial_rows_are_the_exact_intervals_pmf_bit_for_bit(n):
    """All rows at once give the bits of the row-by-row recurrence the exact intervals use,
    and scipy's binomial probabilities to rounding, at the ends of [0, 1] too."""
    p = np.r_[0.0, 1.0, 1e-9, 1.0 - 1e-12, P_GRID[::13], np.random.default_rng(n).random(40)]
    table = binomial_pmf_rows(n, p)
    for row, value in zip(table, p, strict=True):
        one_by_one = [0.0] * (n + 1)
        _exact_math.binomial_pmf_at(n, float(value), one_by_one)
        assert row.tobytes() == np.array(one_by_one).tobytes(), value
    reference = stats.binom.pmf(np.arange(n + 1)[None, :], n, p[:, None])
    np.testing.assert_allclose(table, reference, rtol=1e-9, atol=1e-300)


@pytest.mark.parametrize("n", [25, 39])
def test_percentile_coverage_from_binomial_quantiles(n):
    k = np.arange(n + 1)
    lower = stats.binom.ppf(0.025, n, k / n) / n
    upper = stats.binom.ppf(0.975, n, k / n) / n
    p = P_GRID[::7]
    result = coverage(n, p, "percentile")
    np.testing.assert_allclose(result.coverage, reference_coverage(n, p, lower, upper), atol=1e-12)
    np.testing.assert_allclose(
        result.expected_length,
        stats.binom.pmf(k[None, :], n, p[:, None]) @ (upper - lower),
        atol=1e-12,
    )


@pytest.mark.parametrize("n", [25, 39])
def test_clopper_pearson_coverage_is_conservative_and_matches_beta_quantiles(n):
    k = np.arange(n + 1)
    lower = np.where(k == 0, 0.0, stats.beta.ppf(0.025, k, n - k + 1))
    upper = np.where(k == n, 1.0, stats.beta.ppf(0.975, k + 1, n - k))
    result = coverage(n, P_GRID, "clopper-pearson")
    np.testing.assert_allclose(result.lower, lower, atol=1e-10)
    np.testing.assert_allclose(result.upper, upper, atol=1e-10)
    # Clopper-Pearson guarantees at least nominal coverage at every p
    assert np.all(result.coverage >= 0.95 - 1e-9)
    assert result.path == "analytic"


def test_wilson_interval_matches_the_closed_form():
    n, k, z = 39, np.arange(40), stats.norm.ppf(0.975)
    p_hat = k / n
    centre = (p_hat + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p_hat * (1 - p_hat) / n + z**2 / (4 * n**2))
    result = analytic_ci(k, n, "wilson")
    np.testing.assert_allclose(result.low, centre - half, atol=1e-12)
    np.testing.assert_allclose(result.high, centre + half, atol=1e-12)
    scalar = proportion_ci(26, 39, "wilson")
    assert scalar.low == pytest.approx(centre[26] - half[26]) and scalar.path == "analytic"


def test_newcombe_difference_matches_the_wilson_construction():
    k1, n1, k2, n2 = 26, 39, 12, 25
    l1, u1 = analytic_ci(k1, n1, "wilson")
    l2, u2 = analytic_ci(k2, n2, "wilson")
    p1, p2 = k1 / n1, k2 / n2
    low = p1 - p2 - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = p1 - p2 + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    result = difference_ci(k1, n1, k2, n2, method="newcombe")
    assert (result.low, result.high) == pytest.approx((low, high), abs=1e-12)


def test_jeffreys_matches_beta_quantiles_away_from_the_edges():
    k, n = np.arange(1, 39), 39
    result = analytic_ci(k, n, "jeffreys")
    np.testing.assert_allclose(result.low, stats.beta.ppf(0.025, k + 0.5, n - k + 0.5), atol=1e-10)
    np.testing.assert_allclose(result.high, stats.beta.ppf(0.975, k + 0.5, n - k + 0.5), atol=1e-10)


@pytest.mark.parametrize("method", COVERAGE_METHODS)
def test_every_method_runs_for_both_surveys(method):
    for n in (25, 39):
        result = coverage(n, P_GRID, method)
        assert result.coverage.shape == (981,)
        assert np.all((result.coverage >= 0) & (result.coverage <= 1 + 1e-12))
        np.testing.assert_allclose(
            result.coverage, reference_coverage(n, P_GRID, result.lower, result.upper), atol=1e-12
        )


def test_bootstrap_coverage_collapses_near_the_edges():
    # At p = 0.01, n = 25: K = 0 gives the point [0, 0], which misses p. For K = 1, 2, 3 the
    # lower percentile endpoint is 0, as P(K* = 0) = (1 - K/25)^25 >= 0.025 (0.88^25 = 0.041),
    # while for K = 4, 0.84^25 = 0.013 < 0.025 lifts it to 1/25 > p. So coverage = P(1..3).
    result = coverage(25, [0.01], "percentile")
    assert result.coverage[0] == pytest.approx(
        stats.binom.pmf([1, 2, 3], 25, 0.01).sum(), abs=1e-12
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: coverage(0, [0.5], "wilson"),
        lambda: coverage(10, [1.5], "wilson"),
        lambda: coverage(10, [np.nan], "wilson"),
        lambda: coverage(10, [], "wilson"),
        lambda: coverage(10, [0.5], "wilson", level=1.0),
        lambda: coverage(10, [0.5], "laplace"),
    ],
)
def test_invalid_coverage_arguments(call):
    with pytest.raises(ValueError):
        call()
