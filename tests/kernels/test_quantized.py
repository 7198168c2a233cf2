"""Ranking resampled float sums by whole-number sums (kernels._quantized): every count and
ranked replicate it finds must be the one the float sums themselves give."""

import numpy as np
import pytest
from scalar_streams import redraw_narrow

from kernels import _quantized, _resampling, bootstrap_ci, montecarlo
from kernels._random import lane_scratch, narrow_threshold
from kernels._streams import stream_key

pytestmark = pytest.mark.skipif(
    not _quantized.available(), reason="the whole-number lookups need AVX-512BW"
)


def samples():
    """Samples of every size the table holds, with the shapes that stress the margin: skewed,
    heavy-tailed, heavily tied, and values far from zero compared with their spread."""
    rng = np.random.default_rng(11)
    for n in (2, 3, 5, 17, 39, 40, 41, 63, 64):
        yield rng.lognormal(size=n)
        yield rng.standard_cauchy(size=n)
        yield np.round(rng.normal(size=n), 1) + 0.05
        yield 1e6 + rng.normal(size=n)
    yield -np.abs(rng.normal(size=39))  # every value negative: the sums start at -0.0


def float_sums(x, key, n_resamples):
    """Every replicate's float sum, from the float-sum kernel (the reference)."""
    padded = np.append(np.sort(x), -0.0)
    out = np.empty(n_resamples)
    claim = np.zeros(1, dtype=np.int64)
    scratch = lane_scratch(x.shape[0], _resampling.GATHER_LANES)
    _resampling.gather_sums_narrow(key, padded, 0, claim, n_resamples, out, scratch)
    return out


def whole_number_sums(quantized, key, n_resamples, shift=8, low=0, high=-1, observed=0.0):
    sums = np.empty(n_resamples, dtype=np.int32)
    cells = (quantized.n * _quantized.QUANTUM_STEPS >> shift) + 1
    histogram = np.zeros(cells, dtype=np.int32)
    tally = _quantized.new_tally(quantized.n, histogram, shift, low, high, observed)
    _quantized.quantized_sums_narrow(
        key,
        quantized.table,
        quantized.padded,
        0,
        np.zeros(1, dtype=np.int64),
        n_resamples,
        sums,
        lane_scratch(quantized.n, _quantized.LANES),
        tally,
    )
    return sums, tally


@pytest.mark.parametrize("x", list(samples()), ids=lambda x: f"n{x.shape[0]}")
def test_whole_number_sums_are_the_table_at_the_drawn_indices(x):
    """A_b is the sum of the table at replicate b's indices as the slot-by-slot definition
    draws them (biased quarters redrawn included: about 1 % of the replicates at n = 39)."""
    quantized = _quantized.quantize(np.sort(x))
    assert quantized is not None
    key = stream_key(5)
    n_resamples = 3000
    sums, _ = whole_number_sums(quantized, key, n_resamples)
    n = x.shape[0]
    row = np.empty(n, dtype=np.int64)
    expected = np.empty(n_resamples, dtype=np.int64)
    for b in range(n_resamples):
        redraw_narrow(key, b, 0, n, narrow_threshold(n), row)
        expected[b] = int(quantized.table[row].astype(np.int64).sum())
    np.testing.assert_array_equal(sums, expected)


@pytest.mark.parametrize("x", list(samples()), ids=lambda x: f"n{x.shape[0]}")
def test_the_margin_bounds_the_distance_to_the_float_sums(x):
    """|t(E_b) - A_b| <= margin for every replicate, t(E_b) computed from the float sums."""
    quantized = _quantized.quantize(np.sort(x))
    key = stream_key(6)
    sums, _ = whole_number_sums(quantized, key, 20_000)
    places = np.array([quantized.position(value) for value in float_sums(x, key, 20_000)])
    distance = np.abs(places - sums)
    assert distance.max() <= quantized.margin
    assert quantized.margin <= x.shape[0] / 2 + 1.01  # the bound is not loose


@pytest.mark.parametrize("threads", [1, 2])
def test_the_counts_are_those_of_the_float_sums_at_the_observed_sum(threads):
    """below and equal as counted on the float sums, the histogram as numpy counts the
    whole-number sums, on one thread and on two sharing the range."""
    # multiples of 1/8: the float sums are exact, so many equal the observed sum
    x = np.round(np.random.default_rng(2).normal(size=39) * 8) / 8 + 1 / 16
    sorted_x = np.sort(x)
    quantized = _quantized.quantize(sorted_x)
    key = stream_key(9)
    exact = float_sums(x, key, 20_000)
    observed = float(sorted_x.sum())
    counted = _quantized.whole_number_sums(quantized, key, 0, 20_000, threads, observed)
    assert (counted.below, counted.equal) == (
        int(np.count_nonzero(exact < observed)),
        int(np.count_nonzero(exact == observed)),
    )
    assert counted.equal > 100
    expected, _ = whole_number_sums(quantized, key, 20_000)
    np.testing.assert_array_equal(counted.sums, expected)
    histogram = counted.histograms.sum(axis=0)
    np.testing.assert_array_equal(
        histogram, np.bincount(counted.sums >> counted.shift, minlength=histogram.shape[0])
    )


def intervals(x, exact_only, **arguments):
    if not exact_only:
        return bootstrap_ci(x, **arguments)
    keep = montecarlo._ranked_by_whole_numbers
    montecarlo._ranked_by_whole_numbers = lambda *_: None
    try:
        return bootstrap_ci(x, **arguments)
    finally:
        montecarlo._ranked_by_whole_numbers = keep


@pytest.mark.parametrize("method", ["bca", "percentile", "basic"])
def test_ranked_intervals_are_the_float_sums_intervals_bit_for_bit(monkeypatch, method):
    """bootstrap_ci ranked by whole numbers gives the endpoints and z0 of adding up every
    replicate in float64, for every sample, level, B and seed tried; and it did rank them."""
    monkeypatch.setenv("KERNELS_COMPILE", "always")
    ranked = []
    keep = _quantized.interval

    def counting(*arguments):
        result = keep(*arguments)
        ranked.append(result is not None)
        return result

    monkeypatch.setattr(_quantized, "interval", counting)
    rng = np.random.default_rng(4)
    calls = 0
    for x in samples():
        for level in (0.8, 0.95, 0.99):
            arguments = dict(
                method=method,
                level=level,
                n_resamples=int(rng.choice([1024, 4099, 20_000])),
                seed=int(rng.integers(2**63)),
            )
            fast = intervals(x, False, **arguments)
            reference = intervals(x, True, **arguments)
            assert (fast.low, fast.high, fast.estimate) == (
                reference.low,
                reference.high,
                reference.estimate,
            )
            if method == "bca":
                assert fast.bias_correction == reference.bias_correction
            calls += 1
    assert len(ranked) == calls and all(ranked)


def test_replicates_of_a_ranked_interval_are_the_float_sums(monkeypatch):
    monkeypatch.setenv("KERNELS_COMPILE", "always")
    x = np.random.default_rng(8).lognormal(size=39)
    fast = intervals(x, False, n_resamples=5000, seed=3)
    reference = intervals(x, True, n_resamples=5000, seed=3)
    np.testing.assert_array_equal(fast.replicates(), reference.replicates())


def test_samples_that_cannot_be_ranked_by_whole_numbers():
    """More values than the table holds, a constant sample, and values whose spread is
    too small for their size are summed in float64 (no Quantized image)."""
    rng = np.random.default_rng(0)
    assert _quantized.quantize(np.sort(rng.normal(size=65))) is None
    assert _quantized.quantize(np.full(39, 2.5)) is None
    assert _quantized.quantize(np.sort(1e12 + rng.normal(size=39) * 1e-3)) is None
    assert _quantized.quantize(np.sort(rng.normal(size=64))) is not None


def test_without_avx512bw_every_replicate_is_added_up_in_floating_point(monkeypatch):
    """Where the lookups cannot compile, no sample gets a Quantized image and the intervals
    are the float sums' (the path every machine without AVX-512BW takes)."""
    monkeypatch.setenv("KERNELS_COMPILE", "always")
    x = np.random.default_rng(12).lognormal(size=39)
    ranked = bootstrap_ci(x, n_resamples=4000, seed=2)
    monkeypatch.setattr(montecarlo, "_PLANS", {})
    monkeypatch.setattr(_quantized, "available", lambda: False)
    assert montecarlo._plan(x, "mean").quantized is None
    summed = bootstrap_ci(x, n_resamples=4000, seed=2)
    assert (summed.low, summed.high, summed.bias_correction) == (
        ranked.low,
        ranked.high,
        ranked.bias_correction,
    )


def test_rank_spans_are_the_buckets_numpy_finds():
    """The buckets of two ranks and their neighbours, from two threads' histograms, as
    numpy's cumulative sum and search find them (the first and the last bucket included)."""
    rng = np.random.default_rng(21)
    histograms = rng.integers(0, 3, size=(2, 500)).astype(np.int32)
    cumulative = np.cumsum(histograms.sum(axis=0))
    total = int(cumulative[-1])
    for ranks in ([1, total], [2, total - 1], [total // 40, total - total // 40]):
        spans = np.empty((2, 2), dtype=np.int64)
        offsets = np.empty(2, dtype=np.int64)
        held = np.empty(2, dtype=np.int64)
        scratch = np.empty(500, dtype=np.int64)
        assert _quantized.rank_spans(histograms, np.array(ranks), spans, offsets, held, scratch)
        for i, rank in enumerate(ranks):
            target = int(np.searchsorted(cumulative, rank))
            start, stop = max(target - 1, 0), min(target + 1, 499)
            before = int(cumulative[start - 1]) if start else 0
            assert spans[i].tolist() == [start, stop]
            assert (offsets[i], held[i]) == (rank - 1 - before, int(cumulative[stop]) - before)
    narrow = np.zeros((1, 500), dtype=np.int32)
    narrow[0, 7:9] = 5  # every sum in two neighbouring buckets
    assert not _quantized.rank_spans(narrow, np.array([1, 10]), spans, offsets, held, scratch)
