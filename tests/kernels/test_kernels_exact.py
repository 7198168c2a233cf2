"""Exact (ideal-bootstrap) intervals against independent references: scipy's binomial
quantiles, brute-force enumeration of every resample, and hand-computed cases."""

import itertools
import os
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from scipy import special, stats

from kernels import difference_ci, exact, mean_ci, proportion_ci

LEVELS = (0.8, 0.9, 0.95, 0.99)


def binomial_quantile(q, n, p):
    return stats.binom.ppf(q, n, p)


def reference_proportion_bca(k, n, level):
    """BCa from scipy primitives: binomial CDF/ppf, ndtr/ndtri, a jackknife on 0/1 data."""
    p = k / n
    z0 = special.ndtri(stats.binom.cdf(k - 1, n, p) + 0.5 * stats.binom.pmf(k, n, p))
    data = np.r_[np.ones(k), np.zeros(n - k)]
    jackknife = np.array([np.delete(data, i).mean() for i in range(n)])
    u = jackknife.mean() - jackknife
    a = (u**3).sum() / (6 * ((u**2).sum()) ** 1.5)
    alpha = (1 - level) / 2
    ends = []
    for z in (special.ndtri(alpha), special.ndtri(1 - alpha)):
        adjusted = special.ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))
        ends.append(binomial_quantile(adjusted, n, p) / n)
    return ends[0], ends[1], z0, a


def enumerate_bootstrap(samples):
    """Every equally likely resample of each sample: the ideal bootstrap by brute force.

    Returns the distinct values of the mean (or difference of means) as exact Fractions
    with their probabilities.
    """
    distributions = []
    for sample in samples:
        n = len(sample)
        totals = {}
        for draw in itertools.product(sample, repeat=n):
            mean = Fraction(sum(draw), n)
            totals[mean] = totals.get(mean, 0) + 1
        distributions.append({value: Fraction(c, n**n) for value, c in totals.items()})
    if len(distributions) == 1:
        return distributions[0]
    combined = {}
    for v1, p1 in distributions[0].items():
        for v2, p2 in distributions[1].items():
            combined[v1 - v2] = combined.get(v1 - v2, 0) + p1 * p2
    return combined


def reference_interval(distribution, observed, method, level, acceleration):
    """Percentile / basic / BCa from an exact distribution {Fraction value: probability}."""
    values = sorted(distribution)
    cumulative = np.cumsum([float(distribution[v]) for v in values])
    exact_cumulative = list(itertools.accumulate(distribution[v] for v in values))

    def quantile(q):
        for value, c, c_exact in zip(values, cumulative, exact_cumulative, strict=True):
            if c >= q or c_exact >= Fraction(q):
                return value
        return values[-1]

    alpha = (1 - level) / 2
    if method == "bca":
        below = sum((p for v, p in distribution.items() if v < observed), Fraction(0))
        share = below + distribution.get(observed, Fraction(0)) / 2
        z0 = special.ndtri(float(share))
        levels = []
        for z in (special.ndtri(alpha), special.ndtri(1 - alpha)):
            levels.append(special.ndtr(z0 + (z0 + z) / (1 - acceleration * (z0 + z))))
        return float(quantile(levels[0])), float(quantile(levels[1]))
    low, high = quantile(alpha), quantile(1 - alpha)
    if method == "basic":
        return float(2 * observed - high), float(2 * observed - low)
    return float(low), float(high)


def jackknife_acceleration(samples):
    """Efron & Tibshirani eq. 15.36 by literally leaving out each observation."""
    cubes = squares = 0.0
    for sign, sample in zip((1, -1), samples, strict=False):
        sample = np.asarray(sample, dtype=float)
        n = len(sample)
        jackknife = np.array([np.delete(sample, i).mean() for i in range(n)]) * sign
        u = (n - 1) * (jackknife.mean() - jackknife)
        cubes += (u**3).sum() / n**3
        squares += (u**2).sum() / n**2
    return 0.0 if squares == 0 else cubes / (6 * squares**1.5)


@pytest.mark.parametrize("level", LEVELS)
def test_percentile_and_basic_endpoints_equal_binomial_quantiles(level):
    alpha = (1 - level) / 2
    for n in range(1, 61):
        k = np.arange(n + 1)
        low_q = binomial_quantile(alpha, n, k / n)
        high_q = binomial_quantile(1 - alpha, n, k / n)
        percentile = proportion_ci(k, n, "percentile", level)
        np.testing.assert_array_equal(percentile.low, low_q / n)
        np.testing.assert_array_equal(percentile.high, high_q / n)
        basic = proportion_ci(k, n, "basic", level)
        np.testing.assert_allclose(basic.low, (2 * k - high_q) / n, rtol=0, atol=1e-15)
        np.testing.assert_allclose(basic.high, (2 * k - low_q) / n, rtol=0, atol=1e-15)
        for j in (0, n // 2, n):
            scalar = proportion_ci(int(j), n, "percentile", level)
            assert (scalar.low, scalar.high) == (low_q[j] / n, high_q[j] / n)


@pytest.mark.parametrize("n", [25, 39])
@pytest.mark.parametrize("level", (0.9, 0.95))
def test_bca_matches_reference_built_from_scipy(n, level):
    for k in range(1, n):
        result = proportion_ci(k, n, "bca", level)
        low, high, z0, a = reference_proportion_bca(k, n, level)
        assert (result.low, result.high) == (low, high), k
        assert result.bias_correction == pytest.approx(z0, rel=1e-12, abs=1e-12)
        assert result.acceleration == pytest.approx(a, rel=1e-12, abs=1e-15)


def test_bca_by_hand_n4_k1():
    # Binomial(4, 1/4) in 256ths: 81, 108, 54, 12, 1; cumulative 81, 189, 243, 255, 256.
    # z0 = Phi^-1(81/256 + 108/512) = Phi^-1(135/256); a = (4 - 2) / (6 sqrt(4 * 1 * 3)).
    z0 = special.ndtri(135 / 256)
    a = 2 / (6 * np.sqrt(12))
    z = special.ndtri(0.025)
    q_low = special.ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))
    q_high = special.ndtr(z0 + (z0 - z) / (1 - a * (z0 - z)))
    assert q_low < 81 / 256  # the lower endpoint is the smallest value, 0
    assert 243 / 256 <= q_high < 255 / 256  # the upper endpoint is 3/4
    result = proportion_ci(1, 4, "bca")
    assert (result.low, result.high) == (0.0, 0.75)
    assert result.bias_correction == pytest.approx(z0, rel=1e-13)
    assert result.acceleration == pytest.approx(a, rel=1e-13)


def test_bca_by_hand_n39_k26():
    # a = (39 - 52) / (6 sqrt(39 * 26 * 13)) = -13 / (6 * 114.0789...) = -0.018992...
    result = proportion_ci(26, 39, "bca")
    assert result.acceleration == pytest.approx(-13 / (6 * np.sqrt(39 * 26 * 13)), rel=1e-13)
    # scipy.stats.bootstrap gives the same (0.5128, 0.7949) at large B
    assert tuple(result) == (20 / 39, 31 / 39)


@pytest.mark.parametrize("n", [4, 5, 6])
@pytest.mark.parametrize("method", ["percentile", "basic", "bca"])
def test_proportion_equals_brute_force_enumeration(n, method):
    for k in range(n + 1):
        sample = [1] * k + [0] * (n - k)
        distribution = enumerate_bootstrap([sample])
        expected = reference_interval(
            distribution, Fraction(k, n), method, 0.9, jackknife_acceleration([sample])
        )
        result = proportion_ci(k, n, method, 0.9)
        assert result.low == pytest.approx(expected[0], abs=1e-15)
        assert result.high == pytest.approx(expected[1], abs=1e-15)


@pytest.mark.parametrize("method", ["percentile", "basic", "bca"])
def test_likert_mean_equals_brute_force_enumeration(method):
    for sample in ([1, 2, 2, 5, 4], [3, 3, 3, 1, 5, 5], [2, 4, 4, 4, 4, 4]):
        distribution = enumerate_bootstrap([sample])
        observed = Fraction(sum(sample), len(sample))
        expected = reference_interval(
            distribution, observed, method, 0.8, jackknife_acceleration([sample])
        )
        result = mean_ci(sample, method=method, level=0.8)
        assert (result.low, result.high) == pytest.approx(expected, abs=1e-14)


@pytest.mark.parametrize("method", ["percentile", "basic", "bca"])
def test_difference_equals_brute_force_enumeration(method):
    for k1, n1, k2, n2 in ((2, 4, 1, 3), (1, 5, 2, 4), (3, 4, 3, 4), (0, 3, 1, 4)):
        samples = [[1] * k1 + [0] * (n1 - k1), [1] * k2 + [0] * (n2 - k2)]
        distribution = enumerate_bootstrap(samples)
        observed = Fraction(k1, n1) - Fraction(k2, n2)
        expected = reference_interval(
            distribution, observed, method, 0.8, jackknife_acceleration(samples)
        )
        result = difference_ci(k1, n1, k2, n2, method=method, level=0.8)
        assert (result.low, result.high) == pytest.approx(expected, abs=1e-14)


def test_difference_against_convolution_of_scipy_binomials():
    """n1 = 39, n2 = 25: the distribution of K1/n1 - K2/n2 built from scipy pmfs and exact
    Fractions (ties grouped exactly), then BCa with a literal jackknife."""
    n1, n2 = 39, 25
    for k1, k2 in ((26, 12), (16, 12), (23, 5), (1, 24), (39, 12)):
        pmf1 = stats.binom.pmf(np.arange(n1 + 1), n1, k1 / n1)
        pmf2 = stats.binom.pmf(np.arange(n2 + 1), n2, k2 / n2)
        distribution = {}
        for a in range(n1 + 1):
            for b in range(n2 + 1):
                value = Fraction(a, n1) - Fraction(b, n2)
                distribution[value] = distribution.get(value, 0.0) + pmf1[a] * pmf2[b]
        distribution = {v: Fraction(p) for v, p in distribution.items()}
        samples = [[1] * k1 + [0] * (n1 - k1), [1] * k2 + [0] * (n2 - k2)]
        acceleration = jackknife_acceleration(samples)
        for method in ("percentile", "bca"):
            expected = reference_interval(
                distribution, Fraction(k1, n1) - Fraction(k2, n2), method, 0.95, acceleration
            )
            result = difference_ci(k1, n1, k2, n2, method=method)
            assert (result.low, result.high) == pytest.approx(expected, abs=1e-14), (k1, k2)
            if method == "bca":
                assert result.acceleration == pytest.approx(acceleration, rel=1e-10, abs=1e-15)


def test_likert_mean_against_numpy_convolution():
    values = np.array([1, 2, 3, 4, 5])
    frequencies = np.array([4, 7, 10, 12, 6])
    n = frequencies.sum()
    probabilities = frequencies / n
    single = np.zeros(5)
    single[values - 1] = probabilities
    total = np.array([1.0])
    for _ in range(n):
        total = np.convolve(total, single)
    sums = n * 1 + np.arange(total.size)
    observed = int(values @ frequencies)
    distribution = {Fraction(int(s), int(n)): Fraction(p) for s, p in zip(sums, total, strict=True)}
    sample = np.repeat(values, frequencies)
    acceleration = jackknife_acceleration([sample])
    for method in ("percentile", "basic", "bca"):
        expected = reference_interval(
            distribution, Fraction(observed, int(n)), method, 0.95, acceleration
        )
        result = mean_ci(values, frequencies, method=method)
        assert (result.low, result.high) == pytest.approx(expected, abs=1e-14)
    assert mean_ci(sample).low == mean_ci(values, frequencies).low


def test_binary_mean_ci_reproduces_scipy_binomial_quantiles():
    for k in (1, 13, 26, 38):
        result = mean_ci([0, 1], [39 - k, k], method="percentile")
        assert result.low == binomial_quantile(0.025, 39, k / 39) / 39
        assert result.high == binomial_quantile(0.975, 39, k / 39) / 39


@pytest.mark.parametrize("k", [5, 16, 26, 33])
def test_bca_close_to_scipy_bootstrap(k):
    """scipy's Monte Carlo BCa (ties as one half, linear interpolation between replicates)
    lands within one grid step of the exact interval; at large B it is usually equal."""
    n = 39
    data = np.r_[np.ones(k), np.zeros(n - k)]
    reference = stats.bootstrap(
        (data,), np.mean, n_resamples=100_000, method="BCa", rng=np.random.default_rng(k)
    ).confidence_interval
    result = proportion_ci(k, n, "bca")
    assert abs(result.low - reference.low) <= 1 / n + 1e-12
    assert abs(result.high - reference.high) <= 1 / n + 1e-12


def test_distribution_is_the_binomial():
    result = proportion_ci(26, 39)
    distribution = result.distribution()
    np.testing.assert_allclose(distribution.values, np.arange(40) / 39)
    np.testing.assert_allclose(
        distribution.probabilities, stats.binom.pmf(np.arange(40), 39, 26 / 39), rtol=1e-12
    )
    assert distribution.mean() == pytest.approx(26 / 39)
    vector = proportion_ci(np.array([3, 26]), 39)
    np.testing.assert_allclose(
        vector.distribution(item=0).probabilities,
        stats.binom.pmf(np.arange(40), 39, 3 / 39),
        rtol=1e-12,
    )
    difference = difference_ci(26, 39, 12, 25).distribution()
    assert difference.probabilities.sum() == pytest.approx(1.0)
    assert difference.mean() == pytest.approx(26 / 39 - 12 / 25)


@pytest.mark.parametrize("method", ["percentile", "basic", "bca"])
def test_zero_and_full_counts_are_degenerate_points(method):
    for k in (0, 39):
        result = proportion_ci(k, 39, method)
        assert tuple(result) == (k / 39, k / 39)
        assert result.degenerate
    assert not proportion_ci(1, 39, method).degenerate
    one = proportion_ci(1, 1, method)
    assert tuple(one) == (1.0, 1.0) and one.degenerate
    constant = mean_ci([3], [17], method=method)
    assert tuple(constant) == (3.0, 3.0) and constant.degenerate
    both = difference_ci(0, 10, 5, 5, method=method)
    assert tuple(both) == (-1.0, -1.0) and both.degenerate
    one_side = difference_ci(0, 10, 2, 5, method=method)
    assert one_side.low < one_side.high and not one_side.degenerate


def test_result_metadata_and_unpacking():
    result = proportion_ci(26, 39, method="percentile", level=0.9)
    low, high = result
    assert (low, high) == (result.low, result.high)
    assert result.estimate == 26 / 39
    assert (result.method, result.level, result.path) == ("percentile", 0.9, "exact")
    assert (result.backend, result.n_threads) == ("serial", 1)
    assert result.bias_correction is None
    record = result.as_dict()
    assert record["path"] == "exact" and record["low"] == low
    with pytest.raises(ValueError, match="distribution"):
        from kernels import bootstrap_ci

        bootstrap_ci([0, 1, 1], n_resamples=10, seed=1).distribution()


@pytest.mark.parametrize(
    "call",
    [
        lambda: proportion_ci(5, 4),
        lambda: proportion_ci(-1, 4),
        lambda: proportion_ci(1, 0),
        lambda: proportion_ci(1.5, 4),
        lambda: proportion_ci(1, 4, level=0.0),
        lambda: proportion_ci(1, 4, level=1.0),
        lambda: proportion_ci(1, 4, level=1.5),
        lambda: proportion_ci(1, 4, method="studentized"),
        lambda: proportion_ci(np.array([1, 5]), 4),
        lambda: proportion_ci(np.array([]), 4),
        lambda: proportion_ci(np.array([1.0, np.nan]), 4),
        lambda: difference_ci(3, 2, 1, 2),
        lambda: difference_ci(1, 2, 1, 0),
        lambda: mean_ci([]),
        lambda: mean_ci([1.5, 2.0]),
        lambda: mean_ci([1, np.nan]),
        lambda: mean_ci([1, 2], [3, -1]),
        lambda: mean_ci([1, 2], [3]),
        lambda: mean_ci([1, 2], [0, 0]),
        lambda: mean_ci([1, 1], [2, 3]),
    ],
)
def test_invalid_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_non_numbers_raise_type_error():
    with pytest.raises(TypeError):
        proportion_ci("3", 4)
    with pytest.raises(TypeError):
        proportion_ci(1, 4, level="0.95")
    with pytest.raises(TypeError):
        proportion_ci(True, 4)


def test_float_counts_and_numpy_scalars_are_accepted():
    reference = proportion_ci(26, 39)
    for k, n in ((26.0, 39.0), (np.int64(26), np.int32(39))):
        result = proportion_ci(k, n)
        assert (result.low, result.high) == (reference.low, reference.high)


def test_vectorised_broadcasting_and_parallel_size():
    k = np.arange(40).reshape(5, 8)
    result = proportion_ci(k, 39, "bca")
    assert result.low.shape == (5, 8)
    many_k = np.tile(np.arange(40), 200)
    many_n = np.repeat(np.arange(39, 239), 40)
    large = proportion_ci(many_k, many_n, "bca")
    assert large.backend == "parallel"
    for j in (1, 20, 38):
        low, high, _, _ = reference_proportion_bca(j, 39, 0.95)
        np.testing.assert_array_equal(large.low[(many_k == j) & (many_n == 39)], low)
        np.testing.assert_array_equal(large.high[(many_k == j) & (many_n == 39)], high)


def test_repeated_items_are_computed_once_with_their_own_bits():
    """Items with the same (k, n) share one computation: 8,000 items of 40 distinct counts
    run serially and give each item the bits of its own scalar interval."""
    many = np.tile(np.arange(40), 200)
    repeated = proportion_ci(many, 39, "bca")
    assert repeated.backend == "serial"
    one_each = [proportion_ci(int(k), 39, "bca") for k in many[:40]]
    for field in ("low", "high", "bias_correction", "acceleration"):
        expected = np.tile([getattr(result, field) for result in one_each], 200)
        assert getattr(repeated, field).tobytes() == expected.tobytes(), field


def test_plain_python_and_compiled_tiers_give_the_same_bits():
    """The first scalar calls of a process run in plain Python, later ones compiled: every
    endpoint, z0 and acceleration must agree bit for bit (n up to 120, every k, three
    methods, three levels)."""
    from kernels import _exact_kernels, _exact_math

    if _exact_math.LIBM_LGAMMA is None:
        pytest.skip("the C library's lgamma is not loadable here: no Python tier")
    for n in (*range(1, 41), 57, 64, 99, 120):
        for k in range(n + 1):
            for method in (0, 1, 2):
                for alpha_half in (0.025, 0.05, 0.005):
                    python = _exact_math.proportion_interval(
                        k, n, method, alpha_half, [0.0] * (n + 1)
                    )
                    compiled = _exact_kernels.proportion_interval_scalar(k, n, method, alpha_half)
                    assert np.array_equal(np.array(python), np.array(compiled), equal_nan=True), (
                        k,
                        n,
                        method,
                        alpha_half,
                    )


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("auto", ["False", "False", "True", "True"]),
        ("never", ["False", "False", "False", "True"]),
        ("always", ["True", "True", "True", "True"]),
    ],
)
def test_the_first_exact_intervals_run_without_numba(setting, expected):
    """A fresh process computes exact proportions without importing numba until it has
    computed PYTHON_TERMS binomial terms that way, then compiled, with the same result;
    KERNELS_COMPILE=never keeps the plain-Python tier, always compiles from the first call."""
    script = (
        "import sys, kernels\n"
        "from kernels import exact\n"
        "exact.PYTHON_TERMS = 10 * 40\n"
        "first = tuple(kernels.proportion_ci(26, 39))\n"
        "print('numba' in sys.modules)\n"
        "for _ in range(9):\n"
        "    kernels.proportion_ci(26, 39)\n"
        "print('numba' in sys.modules)\n"
        "later = tuple(kernels.proportion_ci(26, 39))\n"
        "print('numba' in sys.modules, first == later)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "KERNELS_COMPILE": setting},
    )
    assert completed.stdout.split() == expected


@pytest.mark.parametrize("method", ["bca", "percentile", "basic"])
def test_small_vectorised_calls_run_in_python_with_the_kernels_bits(monkeypatch, method):
    """A vectorised call of a few small items runs the Python tier item by item (within the
    process's PYTHON_TERMS) and gives the compiled loop's bits."""
    monkeypatch.setattr(exact, "_compiled_scalar", None)
    monkeypatch.setattr(exact, "_python_terms", 0)
    monkeypatch.delenv("KERNELS_COMPILE", raising=False)
    n = np.array([1, 2, 7, 25, 39, 39, 39, 120])
    k = np.array([0, 1, 3, 12, 0, 26, 39, 77])
    python_tier = proportion_ci(k, n, method=method, level=0.9)
    assert exact._python_terms == int(n.sum()) + n.size and exact._compiled_scalar is None
    low, high, z0, acceleration = (np.empty(k.size) for _ in range(4))
    code = exact.METHOD_CODES[method]
    exact._kernels().proportion_intervals(k, n, code, 0.05, 0, k.size, low, high, z0, acceleration)
    assert python_tier.low.tobytes() == low.tobytes()
    assert python_tier.high.tobytes() == high.tobytes()
    if method == "bca":
        assert python_tier.bias_correction.tobytes() == z0.tobytes()
        assert python_tier.acceleration.tobytes() == acceleration.tobytes()


def test_once_compiled_the_exact_kernels_serve_every_setting(monkeypatch):
    """After the compiled scalar kernel is loaded, KERNELS_COMPILE=never does not send
    calls back to plain Python (the setting decides when to compile); the bits are the
    plain-Python tier's."""
    monkeypatch.setenv("KERNELS_COMPILE", "always")
    compiled = tuple(proportion_ci(26, 39))
    assert exact._compiled_scalar is not None
    monkeypatch.setenv("KERNELS_COMPILE", "never")
    assert not exact._runs_in_python(40)
    assert tuple(proportion_ci(26, 39)) == compiled
    python_tier = exact._python_interval(26, 39, exact.METHOD_CODES["bca"], 0.025)
    assert compiled == python_tier[:2]
