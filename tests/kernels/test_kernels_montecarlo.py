"""Monte Carlo bootstrap: convergence to the exact intervals, agreement with
scipy.stats.bootstrap within Monte Carlo error, reproducibility and edge cases."""

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest
from scalar_streams import redraw_wide
from scipy import special, stats

from kernels import _resampling, bootstrap_ci, difference_ci, mean_ci, montecarlo, proportion_ci
from kernels._streams import stream_key
from kernels.montecarlo import _bucket_ranked_values, _float_buckets, ranked_values

SEED = 20240601


def binary(k, n):
    return np.r_[np.ones(k), np.zeros(n - k)]


def quantile_levels(k, n, method, level=0.95):
    """Quantile levels of the exact interval, from scipy primitives."""
    alpha = (1 - level) / 2
    if method == "percentile":
        return [alpha, 1 - alpha]
    p = k / n
    z0 = special.ndtri(stats.binom.cdf(k - 1, n, p) + 0.5 * stats.binom.pmf(k, n, p))
    a = (n - 2 * k) / (6 * np.sqrt(n * k * (n - k)))
    z = special.ndtri(alpha)
    return [special.ndtr(z0 + (z0 + s) / (1 - a * (z0 + s))) for s in (z, -z)]


@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_monte_carlo_converges_to_exact_at_one_million(method):
    """At B = 10^6 every endpoint for k = 1..38, n = 39 equals the exact one, except where a
    quantile level lies within a few Monte Carlo standard errors of a jump of the binomial
    CDF (a knife-edge): there one grid step either way is allowed and reported."""
    n, B = 39, 10**6
    knife_edges = []
    for k in range(1, n):
        exact = proportion_ci(k, n, method)
        mc = bootstrap_ci(binary(k, n), "proportion", method, n_resamples=B, seed=SEED)
        cdf = stats.binom.cdf(np.arange(n + 1), n, k / n)
        for q, exact_end, mc_end in zip(quantile_levels(k, n, method), exact, mc, strict=True):
            distance = np.min(np.abs(cdf - q))
            # Monte Carlo error of the empirical CDF at q, plus for BCa the error that the
            # estimated z0 (share s = 1/2 at worst) carries into the adjusted level
            error = np.sqrt(q * (1 - q) / B)
            if method == "bca":
                error += 2 * stats.norm.pdf(special.ndtri(q)) * np.sqrt(0.25 / B) / 0.3
            tolerance = 5 * error
            if distance < tolerance:
                knife_edges.append((k, q, distance))
                assert abs(mc_end - exact_end) <= 1 / n + 1e-12
            else:
                assert mc_end == exact_end, (k, q, distance)
    # knife-edges must stay rare, or the tolerance would make the test vacuous
    assert len(knife_edges) <= 12, knife_edges


def test_difference_and_likert_converge_to_exact():
    B = 10**6
    for k1, k2 in ((26, 12), (16, 5)):
        exact = difference_ci(k1, 39, k2, 25)
        mc = bootstrap_ci(
            (binary(k1, 39), binary(k2, 25)), "proportion_difference", n_resamples=B, seed=SEED
        )
        assert tuple(mc) == pytest.approx(tuple(exact), abs=1e-12)
        assert mc.bias_correction == pytest.approx(exact.bias_correction, abs=0.01)
        assert mc.acceleration == pytest.approx(exact.acceleration, rel=1e-9)
    answers = np.repeat([1, 2, 3, 4, 5], [4, 7, 10, 12, 6])
    for method in ("percentile", "basic", "bca"):
        exact = mean_ci(answers, method=method)
        mc = bootstrap_ci(answers, "mean", method, n_resamples=B, seed=SEED)
        assert tuple(mc) == pytest.approx(tuple(exact), abs=1e-12)


def scipy_interval(data, statistic, method, seed, B=100_000, **kwargs):
    return stats.bootstrap(
        data, statistic, n_resamples=B, method=method, rng=np.random.default_rng(seed), **kwargs
    ).confidence_interval


@pytest.mark.parametrize("method", ["percentile", "basic", "bca"])
@pytest.mark.parametrize(
    "statistic, reference",
    [
        ("mean", np.mean),
        ("std", lambda x, axis=-1: np.std(x, ddof=1, axis=axis)),
        ("var", lambda x, axis=-1: np.var(x, ddof=1, axis=axis)),
    ],
)
def test_continuous_data_against_scipy(statistic, reference, method):
    """Both are Monte Carlo with B = 10^5: endpoints agree within 2 % of the interval width
    (about six combined Monte Carlo standard errors)."""
    data = np.random.default_rng(7).lognormal(size=39)
    ours = bootstrap_ci(data, statistic, method, n_resamples=100_000, seed=SEED)
    theirs = scipy_interval((data,), reference, method.upper() if method == "bca" else method, 1)
    width = theirs.high - theirs.low
    assert ours.low == pytest.approx(theirs.low, abs=0.02 * width)
    assert ours.high == pytest.approx(theirs.high, abs=0.02 * width)
    assert ours.estimate == pytest.approx(reference(data), rel=1e-12)


@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_median_against_scipy(method):
    """The bootstrap median takes values among the order statistics; scipy interpolates
    between replicates, so the endpoints agree to within one gap between order statistics."""
    data = np.random.default_rng(3).normal(size=39)
    ours = bootstrap_ci(data, "median", method, n_resamples=100_000, seed=SEED)
    theirs = scipy_interval((data,), np.median, method.upper() if method == "bca" else method, 2)
    ordered = np.sort(data)
    gap = np.max(np.diff(ordered))
    assert abs(ours.low - theirs.low) <= gap
    assert abs(ours.high - theirs.high) <= gap
    assert ours.low in ordered and ours.high in ordered  # odd n: attainable values only


@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_two_sample_difference_against_scipy(method):
    rng = np.random.default_rng(11)
    x, y = rng.gamma(2.0, size=39), rng.gamma(2.5, size=25)
    ours = bootstrap_ci((x, y), "mean_difference", method, n_resamples=100_000, seed=SEED)
    theirs = scipy_interval(
        (x, y),
        lambda a, b, axis=-1: a.mean(axis=axis) - b.mean(axis=axis),
        method.upper() if method == "bca" else method,
        3,
    )
    width = theirs.high - theirs.low
    assert ours.low == pytest.approx(theirs.low, abs=0.02 * width)
    assert ours.high == pytest.approx(theirs.high, abs=0.02 * width)


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")
def test_items_resampled_jointly_against_scipy():
    """scipy resamples the last axis of a 2-D sample jointly as well; binary items land on
    the grid 1/n, scipy's interpolated endpoints within one step of it."""
    rng = np.random.default_rng(5)
    items = (rng.random((20, 39)) < rng.random((20, 1))).astype(float)
    ours = bootstrap_ci(items, "mean", "bca", n_resamples=100_000, seed=SEED)
    theirs = scipy_interval((items,), np.mean, "BCa", 4, axis=-1)
    assert ours.low.shape == (20,)
    # scipy returns NaN for constant items; ours are point intervals flagged degenerate
    constant = np.all(items == items[:, :1], axis=1)
    np.testing.assert_array_equal(np.isnan(theirs.low), constant)
    np.testing.assert_array_equal(ours.degenerate, constant)
    np.testing.assert_allclose(ours.low[~constant], theirs.low[~constant], atol=1 / 39 + 1e-12)
    np.testing.assert_allclose(ours.high[~constant], theirs.high[~constant], atol=1 / 39 + 1e-12)
    np.testing.assert_allclose(ours.estimate, items.mean(axis=1))


def test_joint_resampling_uses_the_same_respondents_for_every_item():
    rng = np.random.default_rng(2)
    item = rng.integers(1, 6, size=39)
    result = bootstrap_ci(np.vstack([item, item, 6 - item]), "mean", n_resamples=2000, seed=1)
    replicates = result.replicates()
    np.testing.assert_array_equal(replicates[0], replicates[1])
    np.testing.assert_allclose(replicates[2], 6 - replicates[0])


def test_bias_correction_counts_ties_as_one_half():
    data = binary(20, 39)
    result = bootstrap_ci(data, "proportion", "bca", n_resamples=50_000, seed=SEED)
    replicates = result.replicates() * 39
    below = np.sum(replicates < 20 - 0.5)
    equal = np.sum(np.abs(replicates - 20) < 0.5)
    assert result.bias_correction == pytest.approx(
        special.ndtri((below + 0.5 * equal) / replicates.size), rel=1e-12
    )


def test_index_draws_are_uniform():
    data = np.arange(39, dtype=float) ** 2  # distinct values identify the drawn index
    result = bootstrap_ci(np.vstack([data, data]), "mean", n_resamples=20_000, seed=SEED)
    replicate_means = result.replicates()[0]
    # the mean of n uniform draws of data has expectation mean(data), sd sd(data)/sqrt(n)
    standard_error = data.std() / np.sqrt(39) / np.sqrt(replicate_means.size)
    assert abs(replicate_means.mean() - data.mean()) < 5 * standard_error
    counts = np.zeros(39)
    for replicate in range(200):
        row = np.empty(39, dtype=np.int64)
        redraw_wide(stream_key(SEED), replicate, 0, 39, 0, row)
        counts += np.bincount(row, minlength=39)
    assert stats.chisquare(counts).pvalue > 1e-4


def test_rejection_path_keeps_indices_in_range_and_uniform():
    """Force the rejection branch (half of all halves rejected) and check the replacement
    draws: in range, not the unrejected ones, and still spread evenly."""
    n = 50
    counts = np.zeros(n)
    changed = 0
    for replicate in range(400):
        forced = np.empty(n, dtype=np.int64)
        plain = np.empty(n, dtype=np.int64)
        redraw_wide(stream_key(3), replicate, 0, n, np.uint64(2**31), forced)
        redraw_wide(stream_key(3), replicate, 0, n, np.uint64(0), plain)
        assert forced.min() >= 0 and forced.max() < n
        changed += np.sum(forced != plain)
        counts += np.bincount(forced, minlength=n)
    assert changed > 0.3 * 400 * n
    assert stats.chisquare(counts).pvalue > 1e-4


THREAD_SCRIPT = r"""
import hashlib, numpy as np
from kernels import agreement_ci, bootstrap_ci
rng = np.random.default_rng(0)
cases = [
    (np.r_[np.ones(26), np.zeros(13)], "proportion"),
    (rng.normal(size=39), "mean"),
    (rng.normal(size=39), "median"),
    (rng.normal(size=39), "std"),
    (rng.integers(1, 6, size=(20, 39)), "mean"),
    ((rng.normal(size=39), rng.normal(size=25)), "mean_difference"),
]
digest = hashlib.sha256()
for data, statistic in cases:
    r = bootstrap_ci(data, statistic, "bca", n_resamples=30_000, seed=99, parallel=True)
    digest.update(np.asarray(r.replicates()).tobytes())
    digest.update(np.asarray([r.low, r.high], dtype=float).tobytes())
coded = (rng.random((3, 69)) < 0.35).astype(float)
r = agreement_ci(coded, n_resamples=5_000, seed=99, parallel=True)
digest.update(np.asarray([r.low, r.high], dtype=float).tobytes())
print(digest.hexdigest())
"""


def test_bit_identical_for_one_and_two_threads_and_the_numpy_twins():
    """The compiled kernels on one and on two threads, and the numpy twins where there are
    (KERNELS_COMPILE=never), give the same replicates and endpoints."""
    digests = []
    for threads, compile_setting in (("1", "always"), ("2", "always"), ("2", "never")):
        environment = dict(os.environ, NUMBA_NUM_THREADS=threads, KERNELS_COMPILE=compile_setting)
        completed = subprocess.run(
            [sys.executable, "-c", THREAD_SCRIPT],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.append(completed.stdout.strip())
    assert digests[0] == digests[1] == digests[2]
    assert len(digests[0]) == 64


def test_serial_and_parallel_backends_agree_bit_for_bit():
    rng = np.random.default_rng(1)
    for data, statistic in (
        (rng.normal(size=39), "mean"),
        (rng.integers(0, 2, size=(5, 39)), "proportion"),
        (rng.integers(1, 6, size=39), "var"),
    ):
        serial = bootstrap_ci(data, statistic, n_resamples=5000, seed=4, parallel=False)
        parallel = bootstrap_ci(data, statistic, n_resamples=5000, seed=4, parallel=True)
        assert serial.backend == "serial" and parallel.backend == "parallel"
        assert (
            hashlib.sha256(serial.replicates().tobytes()).digest()
            == hashlib.sha256(parallel.replicates().tobytes()).digest()
        )


def test_seed_reproducibility_and_metadata():
    data = np.random.default_rng(0).normal(size=39)
    first = bootstrap_ci(data, n_resamples=1000, seed=123)
    second = bootstrap_ci(data, n_resamples=1000, seed=123)
    other = bootstrap_ci(data, n_resamples=1000, seed=124)
    np.testing.assert_array_equal(first.replicates(), second.replicates())
    assert not np.array_equal(first.replicates(), other.replicates())
    fresh = bootstrap_ci(data, n_resamples=1000)
    assert isinstance(fresh.seed, int)
    again = bootstrap_ci(data, n_resamples=1000, seed=fresh.seed)
    assert (again.low, again.high) == (fresh.low, fresh.high)
    assert first.path == "monte_carlo" and first.n_resamples == 1000 and first.seed == 123
    assert first.as_dict()["n_threads"] == first.n_threads
    # a 1-D sample is sorted first: its order does not matter
    shuffled = bootstrap_ci(data[::-1], n_resamples=1000, seed=123)
    assert (shuffled.low, shuffled.high) == (first.low, first.high)


@pytest.mark.parametrize("method", ["percentile", "basic", "bca"])
def test_degenerate_inputs_give_point_intervals(method):
    for data, statistic in (
        (np.full(39, 3.7), "mean"),
        (np.full(39, 4), "median"),
        (np.ones(39), "proportion"),
        (np.array([2.5]), "mean"),
        (np.full(10, 2.0), "std"),
    ):
        result = bootstrap_ci(data, statistic, method, n_resamples=100, seed=1)
        expected = 0.0 if statistic == "std" else float(data[0])
        assert tuple(result) == (expected, expected)
        assert result.degenerate
    items = np.vstack([np.full(39, 2), np.arange(39) % 2])
    result = bootstrap_ci(items, "mean", method, n_resamples=1000, seed=1)
    assert list(result.degenerate) == [True, False]
    assert result.low[0] == result.high[0] == 2.0 and result.low[1] < result.high[1]


def test_single_resample_is_defined():
    result = bootstrap_ci(np.arange(10.0), n_resamples=1, seed=5)
    assert result.low == result.high == result.replicates()[0]
    assert not result.degenerate


@pytest.mark.parametrize(
    "call",
    [
        lambda: bootstrap_ci([]),
        lambda: bootstrap_ci(np.zeros((2, 0))),
        lambda: bootstrap_ci([1.0, np.nan, 2.0]),
        lambda: bootstrap_ci([1.0, np.inf]),
        lambda: bootstrap_ci([1, 2, 3], level=0.0),
        lambda: bootstrap_ci([1, 2, 3], level=1.0),
        lambda: bootstrap_ci([1, 2, 3], level=-0.5),
        lambda: bootstrap_ci([1, 2, 3], n_resamples=0),
        lambda: bootstrap_ci([1, 2, 3], n_resamples=-10),
        lambda: bootstrap_ci([1, 2, 3], statistic="mode"),
        lambda: bootstrap_ci([1, 2, 3], method="studentized"),
        lambda: bootstrap_ci([0, 1, 2], statistic="proportion"),
        lambda: bootstrap_ci([1.0], statistic="std"),
        lambda: bootstrap_ci(np.zeros((2, 2, 2))),
        lambda: bootstrap_ci([1, 2, 3], statistic="mean_difference"),
        lambda: bootstrap_ci((np.ones((2, 5)), np.ones((3, 5))), statistic="mean_difference"),
        lambda: bootstrap_ci([1, 2], seed=-1),
    ],
)
def test_invalid_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_wrong_types_raise_type_error():
    with pytest.raises(TypeError):
        bootstrap_ci([1, 2, 3], n_resamples=10.5)
    with pytest.raises(TypeError):
        bootstrap_ci([1, 2, 3], seed="abc")
    with pytest.raises(TypeError):
        bootstrap_ci(["a", "b"])


def test_backend_choice_is_reported_and_changes_no_bit():
    """backend_for() states the choice bootstrap_ci makes; one thread, all threads and the
    serial kernel give the same replicates; runtime() describes the machine."""
    import kernels

    data = np.random.default_rng(9).normal(size=39)
    small, large = 1000, 200_000
    assert kernels.backend_for(data, "mean", small)["backend"] == "serial"
    choice = kernels.backend_for(data, "mean", large)
    result = bootstrap_ci(data, n_resamples=large, seed=3)
    assert (result.backend, result.n_threads) == (choice["backend"], choice["threads"])
    assert choice["work"] == large * 39
    info = kernels.runtime()
    assert info["threads"] >= 1 and info["parallel_min_work"] == choice["parallel_min_work"]
    threads = kernels.get_num_threads()
    try:
        kernels.set_num_threads(1)
        one = bootstrap_ci(data, n_resamples=large, seed=3, parallel=True)
        assert one.n_threads == 1
    finally:
        kernels.set_num_threads(None)
    assert kernels.get_num_threads() == threads
    serial = bootstrap_ci(data, n_resamples=large, seed=3, parallel=False)
    np.testing.assert_array_equal(one.replicates(), result.replicates())
    np.testing.assert_array_equal(serial.replicates(), result.replicates())
    with pytest.raises(ValueError):
        kernels.set_num_threads(0)


def _jackknife_acceleration_reference(x):
    """Efron's jackknife acceleration of the mean, by leaving each value out in turn."""
    n = len(x)
    leave_one_out = np.array([np.delete(x, i).mean() for i in range(n)])
    influence = leave_one_out.mean() - leave_one_out
    return np.sum(influence**3) / (6.0 * np.sum(influence**2) ** 1.5)


@pytest.mark.parametrize(
    "data",
    [
        np.r_[np.ones(26), np.zeros(13)],
        np.r_[np.full(10, 3), np.full(7, 8)],
        np.r_[np.full(5, -2.0), np.full(30, 4.0)],
        np.r_[np.ones(3, dtype=bool), np.zeros(9, dtype=bool)],
    ],
)
@pytest.mark.parametrize("method", ["percentile", "basic", "bca"])
def test_two_valued_sample_against_its_replicates(data, method):
    """The interval of a two-valued sample (first call, then the prepared sample reused)
    is the one recomputed with scipy's normal functions from its own replicates."""
    x = data.astype(float)
    first = bootstrap_ci(data, "mean", method, n_resamples=20_000, seed=SEED, level=0.9)
    again = bootstrap_ci(data.copy(), "mean", method, n_resamples=20_000, seed=SEED, level=0.9)
    assert first.as_dict() == again.as_dict()
    replicates = first.replicates()
    np.testing.assert_array_equal(replicates, again.replicates())
    ordered = np.sort(replicates)
    total = ordered.size
    estimate = x.mean()
    assert first.estimate == estimate
    if method == "bca":
        below = np.sum(replicates < estimate - 0.25 / len(x))
        equal = np.sum(np.abs(replicates - estimate) < 0.25 / len(x))
        z0 = special.ndtri((below + 0.5 * equal) / total)
        acceleration = _jackknife_acceleration_reference(x)
        assert first.bias_correction == pytest.approx(z0, rel=1e-12)
        assert first.acceleration == pytest.approx(acceleration, rel=1e-9, abs=1e-15)
        z = special.ndtri(0.05)
        levels = [
            special.ndtr(z0 + (z0 + s * z) / (1 - acceleration * (z0 + s * z))) for s in (1, -1)
        ]
    else:
        levels = [0.05, 0.95]
    low, high = (ordered[max(int(np.ceil(q * total)), 1) - 1] for q in levels)
    if method == "basic":
        low, high = 2 * estimate - high, 2 * estimate - low
    assert (first.low, first.high) == pytest.approx((low, high), rel=1e-12)


def test_changed_two_valued_sample_is_prepared_again():
    data = np.r_[np.ones(20), np.zeros(19)]
    before = bootstrap_ci(data, "proportion", n_resamples=5_000, seed=SEED)
    data[:5] = 0.0
    after = bootstrap_ci(data, "proportion", n_resamples=5_000, seed=SEED)
    assert before.estimate == 20 / 39 and after.estimate == 15 / 39
    assert after.replicates().mean() == pytest.approx(15 / 39, abs=0.01)


@pytest.mark.parametrize(
    "data, statistic",
    [
        (np.random.default_rng(1).lognormal(size=39), "mean"),
        (np.random.default_rng(2).integers(0, 6, size=25), "mean"),
        (np.random.default_rng(3).normal(size=40), "median"),
        (np.random.default_rng(4).normal(size=30), "std"),
        (np.full(12, 2.5), "mean"),
    ],
)
def test_a_prepared_sample_gives_the_intervals_of_a_fresh_preparation(monkeypatch, data, statistic):
    """A 1-D sample is prepared once and reused by later calls on equal data; every later
    call (another method, level, B or seed) equals the same call with nothing kept, and
    changing the caller's array in place prepares it again."""
    calls = [
        ("bca", 0.95, 4_000, SEED),
        ("percentile", 0.9, 3_000, 7),
        ("basic", 0.8, 999, 11),
        ("bca", 0.9, 2_000, 5),
    ]
    monkeypatch.setattr(montecarlo, "_PLANS", {})
    reused = [
        bootstrap_ci(data.copy(), statistic, m, level=lv, n_resamples=b, seed=sd)
        for m, lv, b, sd in calls
    ]
    assert len(montecarlo._PLANS) == 1  # one preparation served the four calls
    for interval, (m, lv, b, sd) in zip(reused, calls, strict=True):
        monkeypatch.setattr(montecarlo, "_PLANS", {})
        fresh = bootstrap_ci(data.copy(), statistic, m, level=lv, n_resamples=b, seed=sd)
        assert interval.as_dict() == fresh.as_dict()
        np.testing.assert_array_equal(interval.replicates(), fresh.replicates())
    changed = data.copy()
    bootstrap_ci(changed, statistic, n_resamples=999, seed=SEED)
    changed[0] += 100.0
    again = bootstrap_ci(changed, statistic, n_resamples=999, seed=SEED)
    monkeypatch.setattr(montecarlo, "_PLANS", {})
    assert again.as_dict() == bootstrap_ci(changed, statistic, n_resamples=999, seed=SEED).as_dict()


def test_a_sample_that_fails_its_checks_fails_on_every_call():
    data = np.r_[np.random.default_rng(5).normal(size=20), np.nan]
    for _ in range(2):
        with pytest.raises(ValueError, match="NaN or infinity"):
            bootstrap_ci(data, "mean", n_resamples=999, seed=SEED)


@pytest.mark.parametrize(
    "column",
    [
        np.random.default_rng(1).lognormal(size=100_000),
        np.random.default_rng(2).normal(size=7),
        np.random.default_rng(3).integers(0, 5, size=50_000).astype(float),  # heavy ties
        np.random.default_rng(4).integers(-(2**40), 2**40, size=20_001),
        np.r_[np.zeros(99_000), np.linspace(1.0, 2.0, 1000)],  # a bracket that must widen
        np.array([3.5]),
    ],
)
def test_ranked_values_are_the_order_statistics(column):
    """The bracketed selection gives the rank-th smallest value of a full sort, at the
    ends, in the middle and at the ranks a 95 % interval uses."""
    ordered = np.sort(column)
    total = column.size
    ranks = {1, total, (total + 1) // 2, max(1, int(0.025 * total)), int(np.ceil(0.975 * total))}
    ranks |= set(np.random.default_rng(total).integers(1, total + 1, size=20).tolist())
    ranks = sorted(ranks)
    assert ranked_values(column, ranks) == [ordered[rank - 1] for rank in ranks]


@pytest.mark.parametrize(
    "column",
    [
        np.random.default_rng(1).lognormal(size=100_000),
        np.random.default_rng(2).normal(size=7),
        np.random.default_rng(3).integers(0, 5, size=50_001).astype(float),  # heavy ties
        np.r_[np.zeros(99_000), np.linspace(1.0, 2.0, 1000)],  # one bucket holds most
        np.r_[1e300, np.full(999, -1e300)],  # a range whose width overflows
        np.r_[np.zeros(5), np.full(6, 5e-324)],  # a range too narrow for a finite scale
        np.array([2.0, 3.0]),
    ],
)
def test_the_compiled_bucket_passes_give_the_counts_and_order_statistics(column):
    """bucket_counts counts below and equal to the observed value as numpy does and
    histograms every replicate once; the ranked replicates read off the buckets are those
    of a full sort, for ranks at the ends, in the tails, in the middle, and two ranks in one
    bucket; with buckets over the column's own range, and over an inner range that leaves
    replicates below the first bucket and past the last (as a range fixed by the data can)."""
    ordered = np.sort(column)
    total = column.size
    observed = float(np.median(column))
    inner = (np.quantile(column, 0.1, keepdims=True), np.quantile(column, 0.9, keepdims=True))
    for smallest, largest in ((column.min(keepdims=True), column.max(keepdims=True)), inner):
        buckets = _float_buckets(smallest, largest, total)
        below, equal = _resampling.bucket_counts(
            column,
            observed,
            buckets.low[0],
            buckets.scale[0],
            buckets.counts[0],
            buckets.scratch,
            buckets.slots,
        )
        assert (below, equal) == (
            np.count_nonzero(column < observed),
            np.count_nonzero(column == observed),
        )
        assert buckets.counts[0].sum() == total
        rank_pairs = [
            (1, total),
            (max(1, total // 40), -(-total * 39 // 40)),
            ((total + 1) // 2,) * 2,
        ]
        for ranks in rank_pairs:
            values = _bucket_ranked_values(
                column, np.array(ranks), buckets.low[0], buckets.scale[0], buckets.counts[0]
            )
            assert values == [ordered[rank - 1] for rank in ranks]


@pytest.mark.parametrize("method", ["bca", "percentile", "basic"])
def test_float_summaries_compiled_and_in_numpy_give_the_same_intervals(monkeypatch, method):
    """Float replicates of one sample and of several items resampled jointly: the compiled
    passes (bucket histograms) and their numpy twin (bracketed selection) give the same
    endpoints and bias corrections, bit for bit."""
    rng = np.random.default_rng(8)
    cases = [
        (rng.lognormal(size=39), "mean"),
        (rng.normal(size=(6, 39)), "mean"),
        (rng.normal(size=(3, 25)), "median"),
        ((rng.normal(size=39), rng.normal(size=25)), "mean_difference"),
    ]
    for data, statistic in cases:
        results = []
        for setting in ("always", "never"):
            monkeypatch.setenv("KERNELS_COMPILE", setting)
            result = bootstrap_ci(data, statistic, method, n_resamples=20_000, seed=SEED)
            results.append(
                np.concatenate(
                    [np.atleast_1d(result.low), np.atleast_1d(result.high)]
                    + ([np.atleast_1d(result.bias_correction)] if method == "bca" else [])
                ).tobytes()
            )
        assert results[0] == results[1], statistic
