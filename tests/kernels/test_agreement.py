"""Agreement kernels against independent references: Krippendorff's published examples, the
``krippendorff`` package, statsmodels' Cohen's kappa, a plain pairs-loop coincidence matrix;
the bootstraps against plain reimplementations, their thread independence and the
degenerate cases."""

import itertools
import math

import krippendorff
import numpy as np
import pytest
from scalar_streams import redraw_narrow, redraw_wide
from statsmodels.stats.inter_rater import cohens_kappa

import kernels
from kernels import (
    agreement_ci,
    code_agreement,
    cohen_kappa,
    kappa_ci,
    krippendorff_alpha,
)
from kernels._random import (
    narrow_threshold,
    rejection_threshold,
)
from kernels._streams import narrow_slots, stream_key

SEED = 20240601
METRICS = ("nominal", "ordinal", "interval", "ratio")
nan = math.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders x
# 12 units with missing values; alpha = 0.743 (nominal), 0.815 (ordinal), 0.849 (interval),
# 0.797 (ratio).
PAPER = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
)
PAPER_ALPHAS = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}
# the same paper, section A: two coders, ten units, binary values; alpha = 0.095
PAPER_BINARY = np.array([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]])


def random_reliability_data(rng, coders, units, values, missing):
    data = rng.integers(1, values + 1, size=(coders, units)).astype(float)
    # some agreement: a unit's true value copied with probability 0.6
    truth = rng.integers(1, values + 1, size=units)
    copy = rng.random((coders, units)) < 0.6
    data[copy] = np.broadcast_to(truth, data.shape)[copy]
    data[rng.random((coders, units)) < missing] = nan
    return data


def plain_alpha(data, metric):
    """Alpha from a coincidence matrix built with loops over the pairs in each unit."""
    values = sorted({v for v in data.ravel() if not math.isnan(v)})
    index = {v: i for i, v in enumerate(values)}
    size = len(values)
    o = [[0.0] * size for _ in range(size)]
    for unit in data.T:
        coded = [v for v in unit if not math.isnan(v)]
        m = len(coded)
        if m < 2:
            continue
        for i, j in itertools.permutations(range(m), 2):
            o[index[coded[i]]][index[coded[j]]] += 1.0 / (m - 1)
    marginals = [sum(row) for row in o]
    n = sum(marginals)

    def delta(c, k):
        if c == k:
            return 0.0
        if metric == "nominal":
            return 1.0
        if metric == "ordinal":
            low, high = min(c, k), max(c, k)
            return (sum(marginals[low : high + 1]) - (marginals[c] + marginals[k]) / 2) ** 2
        a, b = values[c], values[k]
        if metric == "interval":
            return (a - b) ** 2
        return ((a - b) / (a + b)) ** 2

    observed = sum(o[c][k] * delta(c, k) for c in range(size) for k in range(size))
    expected = sum(
        marginals[c] * marginals[k] * delta(c, k) for c in range(size) for k in range(size)
    )
    return 1.0 - (n - 1) * observed / expected


def slot_indices(seed, replicate, n):
    row = np.empty(n, dtype=np.int64)
    if narrow_slots(n):
        redraw_narrow(stream_key(seed), replicate, 0, n, narrow_threshold(n), row)
    else:
        redraw_wide(stream_key(seed), replicate, 0, n, rejection_threshold(n), row)
    return row


# -- the point estimates ------------------------------------------------------------------


@pytest.mark.parametrize("metric", METRICS)
def test_published_example_with_missing_values(metric):
    assert round(krippendorff_alpha(PAPER, metric), 3) == PAPER_ALPHAS[metric]


def test_published_binary_example():
    assert round(krippendorff_alpha(PAPER_BINARY, "nominal"), 3) == 0.095
    # the four metrics coincide on two values up to the ratio metric's scale
    assert krippendorff_alpha(PAPER_BINARY, "interval") == pytest.approx(0.095, abs=5e-4)


@pytest.mark.parametrize("metric", METRICS)
def test_against_the_krippendorff_package(metric):
    rng = np.random.default_rng(SEED)
    worst = 0.0
    for trial in range(20):
        coders = 2 + trial % 4
        data = random_reliability_data(rng, coders, 40 + 7 * trial, 3 + trial % 5, 0.2)
        ours = krippendorff_alpha(data, metric)
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=metric)
        worst = max(worst, abs(ours - theirs))
    assert worst < 1e-12


@pytest.mark.parametrize("metric", METRICS)
def test_against_a_plain_coincidence_matrix(metric):
    rng = np.random.default_rng(SEED + 1)
    for trial in range(10):
        data = random_reliability_data(rng, 2 + trial % 3, 25, 4, 0.25)
        assert krippendorff_alpha(data, metric) == pytest.approx(
            plain_alpha(data, metric), abs=1e-12
        )
    for metric_ in METRICS:
        assert krippendorff_alpha(PAPER, metric_) == pytest.approx(plain_alpha(PAPER, metric_))


def test_cohen_kappa_against_statsmodels():
    rng = np.random.default_rng(SEED + 2)
    worst = 0.0
    for trial in range(20):
        values = 2 + trial % 4
        data = random_reliability_data(rng, 2, 69, values, 0.1)
        both = ~np.isnan(data).any(axis=0)
        a, b = data[:, both].astype(int)
        table = np.zeros((values + 1, values + 1))
        np.add.at(table, (a, b), 1)
        theirs = cohens_kappa(table, return_results=False)
        worst = max(worst, abs(cohen_kappa(data) - theirs))
        assert cohen_kappa(data[0], data[1]) == cohen_kappa(data)
    assert worst < 1e-12


def test_values_are_categories_whatever_their_numbers():
    shifted = np.where(np.isnan(PAPER), nan, PAPER * 10 - 3)
    assert krippendorff_alpha(shifted) == krippendorff_alpha(PAPER)
    assert krippendorff_alpha(shifted, "ordinal") == krippendorff_alpha(PAPER, "ordinal")


def test_thousands_of_units():
    rng = np.random.default_rng(SEED + 3)
    data = random_reliability_data(rng, 3, 5000, 5, 0.1)
    for metric in METRICS:
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=metric)
        assert krippendorff_alpha(data, metric) == pytest.approx(theirs, abs=1e-12)


# -- the units bootstrap ------------------------------------------------------------------


def test_units_bootstrap_against_numpy_with_the_same_indices():
    """Replicate b is alpha of the units the stream's replicate b draws (krippendorff)."""
    rng = np.random.default_rng(SEED + 4)
    data = random_reliability_data(rng, 3, 30, 3, 0.15)
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    for metric in ("nominal", "ordinal"):
        result = agreement_ci(data, metric, "units", n_resamples=300, seed=SEED)
        replicates = result.replicates()
        for b in range(0, 300, 7):
            sample = pairable[:, slot_indices(SEED, b, pairable.shape[1])]
            expected = krippendorff.alpha(reliability_data=sample, level_of_measurement=metric)
            assert replicates[b] == pytest.approx(expected, abs=1e-12)


def test_units_bootstrap_against_a_plain_python_bootstrap():
    """Loose check of the distribution: quantiles of an independent numpy bootstrap."""
    data = PAPER
    result = agreement_ci(data, "interval", "units", n_resamples=4000, seed=SEED)
    rng = np.random.default_rng(1)
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    units = pairable.shape[1]
    plain = []
    for _ in range(4000):
        sample = pairable[:, rng.integers(0, units, units)]
        try:
            plain.append(
                krippendorff.alpha(reliability_data=sample, level_of_measurement="interval")
            )
        except ValueError:
            continue
    plain = np.array(plain)
    ours = result.replicates()
    ours = ours[~np.isnan(ours)]
    for q in (0.05, 0.25, 0.5, 0.75):
        assert np.quantile(ours, q) == pytest.approx(np.quantile(plain, q), abs=0.03)
    assert abs(ours.mean() - plain.mean()) < 0.01


def test_interval_is_the_percentile_of_the_replicates():
    result = agreement_ci(PAPER, "ordinal", n_resamples=2000, seed=SEED)
    replicates = np.sort(result.replicates()[~np.isnan(result.replicates())])
    total = replicates.shape[0]
    q = (1 - 0.95) / 2  # as every interval of kernels computes it (a hair above 0.025)
    assert result.low == replicates[math.ceil(q * total) - 1]
    assert result.high == replicates[total - math.floor(q * total) - 1]
    assert tuple(result) == (result.low, result.high)
    low, high = result
    assert low <= result.estimate <= high
    assert result.estimate == krippendorff_alpha(PAPER, "ordinal")
    for minimum, share in result.below.items():
        assert share == np.count_nonzero(replicates < minimum) / total


@pytest.mark.parametrize("method", ["units", "hayes"])
def test_bit_identical_for_one_and_two_threads(method):
    rng = np.random.default_rng(SEED + 5)
    data = random_reliability_data(rng, 3, 69, 2, 0.1)
    try:
        kernels.set_num_threads(1)
        one = agreement_ci(data, "nominal", method, n_resamples=5000, seed=SEED, parallel=True)
        kernels.set_num_threads(min(2, kernels._threads.configured_threads()))
        two = agreement_ci(data, "nominal", method, n_resamples=5000, seed=SEED, parallel=True)
    finally:
        kernels.set_num_threads(None)
    assert one.replicates().tobytes() == two.replicates().tobytes()
    assert (one.low, one.high, one.below) == (two.low, two.high, two.below)
    again = agreement_ci(data, "nominal", method, n_resamples=5000, seed=SEED, parallel=False)
    assert again.replicates().tobytes() == one.replicates().tobytes()


def test_kappa_and_alpha_resample_the_same_units():
    data = PAPER_BINARY
    alpha = agreement_ci(data, n_resamples=500, seed=SEED)
    kappa = kappa_ci(data, n_resamples=500, seed=SEED)
    assert kappa.estimate == cohen_kappa(data)
    for b in range(0, 500, 25):
        units = slot_indices(SEED, b, data.shape[1])
        a, c = data[:, units].astype(int)
        table = np.zeros((2, 2))
        np.add.at(table, (a, c), 1)
        if np.count_nonzero(table) == 1 and table.trace() == table.sum():  # one value only
            assert np.isnan(kappa.replicates()[b]) and np.isnan(alpha.replicates()[b])
            continue
        assert kappa.replicates()[b] == pytest.approx(
            cohens_kappa(table, return_results=False), abs=1e-12
        )
        if not np.isnan(alpha.replicates()[b]):
            sample = data[:, units].astype(float)
            assert alpha.replicates()[b] == pytest.approx(
                krippendorff.alpha(reliability_data=sample, level_of_measurement="nominal")
            )


# -- the Hayes & Krippendorff bootstrap ---------------------------------------------------


def test_hayes_below_probabilities_match_its_replicates():
    result = agreement_ci(PAPER, "nominal", "hayes", n_resamples=5000, seed=SEED)
    replicates = result.replicates()
    assert not np.isnan(replicates).any()
    assert replicates.min() >= -1.0
    for minimum in (0.9, 0.8, 0.7, 0.667, 0.6, 0.5):
        assert result.below[minimum] == np.count_nonzero(replicates < minimum) / 5000
    # M = min(25 Q, (m - 1) n / 2): Q = 14 occupied cells, n = 40 pairable values, m = 4
    assert result.draws == min(25 * 14, 3 * 40 // 2)
    # the replicates' mean observed disagreement is the data's: mean alpha ~ estimate
    assert replicates.mean() == pytest.approx(result.estimate, abs=0.01)


@pytest.mark.parametrize("metric", ["interval", "nominal"])
def test_hayes_replicates_against_a_plain_reimplementation(metric):
    """The same uniforms (top 53 bits of word i of replicate b) and cells, in Python (the
    nominal metric's whole deltas are summed from per-cell counts, the interval's in draw
    order)."""
    from kernels._streams import mix64_int

    data = PAPER
    result = agreement_ci(data, metric, "hayes", n_resamples=50, seed=SEED)
    values = sorted({v for v in data.ravel() if not math.isnan(v)})
    size = len(values)
    o = np.zeros((size, size))
    for unit in data.T:
        coded = [values.index(v) for v in unit if not math.isnan(v)]
        for i, j in itertools.permutations(range(len(coded)), 2):
            o[coded[i], coded[j]] += 1.0 / (len(coded) - 1)
    n = o.sum()
    marginals = o.sum(axis=1)
    if metric == "nominal":
        delta = 1.0 - np.eye(size)
    else:
        delta = np.subtract.outer(values, values) ** 2
    expected = (np.outer(marginals, marginals) * delta).sum() / (n * (n - 1))
    cells = [(c, k) for c in range(size) for k in range(c + 1) if o[c, k] > 0]
    probabilities = [(1.0 if c == k else 2.0) * o[c, k] / n for c, k in cells]
    cumulative = np.cumsum(probabilities)
    cumulative[-1] = 1.0
    key = int(stream_key(SEED))
    golden = 0x9E3779B97F4A7C15
    draws = result.draws
    for b in range(50):
        total = 0.0
        for i in range(draws):
            word = mix64_int((key + ((b << 32) + i + 1) * golden) % 2**64)
            u = (word >> 11) / 2.0**53
            cell = next(j for j, edge in enumerate(cumulative) if u < edge)
            total += delta[cells[cell]]
        alpha = max(-1.0, 1.0 - total / (expected * draws))
        assert result.replicates()[b] == pytest.approx(alpha, abs=1e-12)


def test_the_two_bootstraps_side_by_side():
    units = agreement_ci(PAPER, "nominal", "units", seed=SEED)
    hayes = agreement_ci(PAPER, "nominal", "hayes", seed=SEED)
    assert units.estimate == hayes.estimate == krippendorff_alpha(PAPER)
    assert units.method == "units" and hayes.method == "hayes"
    # the pairs bootstrap holds De fixed and is narrower here
    assert hayes.width < units.width
    assert set(hayes.below) == {0.9, 0.8, 0.7, 0.667, 0.6, 0.5}


# -- per code -----------------------------------------------------------------------------


def test_code_agreement_equals_one_call_per_code():
    rng = np.random.default_rng(SEED + 6)
    codes, coders, units = 6, 2, 69
    truth = rng.random((codes, units)) < rng.uniform(0.1, 0.6, size=(codes, 1))
    data = np.where(
        rng.random((codes, coders, units)) < 0.85, truth[:, None, :], ~truth[:, None, :]
    )
    data = data.astype(float)
    data[:, 1, rng.random(units) < 0.1] = nan  # excerpts the second coder did not code
    result = code_agreement(data, n_resamples=2000, seed=SEED)
    assert result.codes == tuple(range(codes))
    for code in range(codes):
        alpha = agreement_ci(data[code], n_resamples=2000, seed=SEED)
        kappa = kappa_ci(data[code], n_resamples=2000, seed=SEED)
        assert result.alpha.estimate[code] == alpha.estimate
        assert (result.alpha.low[code], result.alpha.high[code]) == tuple(alpha)
        assert (result.kappa.low[code], result.kappa.high[code]) == tuple(kappa)
        assert result.kappa.estimate[code] == kappa.estimate
        assert result.alpha.below[0.8][code] == alpha.below[0.8]
    named = code_agreement({f"code {i}": data[i] for i in range(codes)}, 2000, seed=SEED)
    assert named.codes[0] == "code 0"
    assert np.array_equal(named.alpha.low, result.alpha.low)
    three = code_agreement(np.concatenate([data, data[:, :1]], axis=1), 200, seed=SEED)
    assert three.kappa is None


# -- degenerate cases ---------------------------------------------------------------------


def test_perfect_agreement():
    data = np.tile(np.r_[np.zeros(30), np.ones(39)], (3, 1))
    assert krippendorff_alpha(data) == 1.0
    for method in ("units", "hayes"):
        result = agreement_ci(data, method=method, n_resamples=2000, seed=SEED)
        assert tuple(result) == (1.0, 1.0) and result.degenerate and result.estimate == 1.0
    assert tuple(kappa_ci(data[:2], n_resamples=500, seed=SEED)) == (1.0, 1.0)


def test_one_value_only_is_undefined():
    data = np.ones((2, 10))
    data[0, 3] = nan
    assert math.isnan(krippendorff_alpha(data))
    assert math.isnan(cohen_kappa(data))
    for method in ("units", "hayes"):
        result = agreement_ci(data, method=method, n_resamples=100, seed=SEED)
        assert math.isnan(result.low) and math.isnan(result.high)
        assert math.isnan(result.estimate) and result.n_undefined == 100


def test_units_coded_once_are_dropped():
    with_single = np.column_stack([PAPER, [7, nan, nan, nan]])
    assert krippendorff_alpha(with_single) == krippendorff_alpha(PAPER)
    a = agreement_ci(with_single, n_resamples=300, seed=SEED)
    b = agreement_ci(PAPER, n_resamples=300, seed=SEED)
    assert a.replicates().tobytes() == b.replicates().tobytes()


def test_undefined_replicates_are_counted_and_left_out():
    # two units only: a replicate drawing one unit twice holds one value
    data = np.array([[0.0, 1.0], [0.0, 1.0]])
    result = agreement_ci(data, n_resamples=1000, seed=SEED)
    replicates = result.replicates()
    assert result.n_undefined == np.count_nonzero(np.isnan(replicates)) > 0
    assert tuple(result) == (1.0, 1.0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: krippendorff_alpha([[1, 2, 3]]), "at least two coders"),
        (lambda: krippendorff_alpha([[1, nan], [nan, 2]]), "no pairable unit"),
        (lambda: krippendorff_alpha(PAPER, "circular"), "unknown metric"),
        (lambda: agreement_ci(PAPER, method="jackknife"), "unknown method"),
        (lambda: krippendorff_alpha([1, 2, 3]), "2-D array"),
        (lambda: krippendorff_alpha([[1, np.inf], [1, 2]]), "infinity"),
        (lambda: krippendorff_alpha([[-1, 2], [1, 2]], "ratio"), "non-negative"),
        (lambda: cohen_kappa(PAPER), "exactly two coders"),
        (lambda: cohen_kappa([1, 2], [1, 2, 3]), "same length"),
        (lambda: code_agreement(np.full((2, 2, 5), 2.0)), "0/1 data"),
        (lambda: agreement_ci(PAPER, level=1.5), "level"),
    ],
)
def test_invalid_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_result_metadata():
    result = agreement_ci(PAPER, "ordinal", n_resamples=1000, seed=7)
    assert result.statistic == "krippendorff_alpha" and result.metric == "ordinal"
    assert result.path == "monte_carlo" and result.seed == 7 and result.n_resamples == 1000
    summary = result.as_dict()
    assert summary["metric"] == "ordinal" and summary["below"]["0.8"] == result.below[0.8]
    assert summary["low"] == result.low
