"""The random streams behind the Monte Carlo kernels: narrow (16-bit) slots, the fast loops
against the slot-by-slot definition, and agreement between the resampling loops."""

import math
from fractions import Fraction

import numpy as np
import pytest
from scalar_streams import redraw_narrow, redraw_wide
from scipy import stats

from kernels import bootstrap_ci
from kernels._random import (
    rejection_threshold,
)
from kernels._resampling import GUIDE_BITS
from kernels._streams import (
    mix64_int,
    narrow_slots,
    replicate_words,
    stream_key,
    words_per_sample,
)
from kernels.montecarlo import _binomial_tables

SEED = 20240601


def slot_indices(seed, replicate, n, word_offset=0):
    """Indices of one replicate from the scalar definition (rejections resolved)."""
    row = np.empty(n, dtype=np.int64)
    if narrow_slots(n):
        redraw_narrow(stream_key(seed), replicate, word_offset, n, np.uint16(2**16 % n), row)
    else:
        redraw_wide(stream_key(seed), replicate, word_offset, n, rejection_threshold(n), row)
    return row


def test_slot_width_follows_the_rejection_budget():
    assert narrow_slots(25) and narrow_slots(39) and narrow_slots(64)
    assert narrow_slots(256)  # 2**16 mod 256 = 0: nothing is ever rejected
    assert not narrow_slots(300) and not narrow_slots(100_000)
    assert words_per_sample(39) == 10 and words_per_sample(300) == 150


@pytest.mark.parametrize("n", [25, 39])
def test_narrow_indices_are_uniform(n):
    counts = np.zeros(n)
    for replicate in range(400):
        counts += np.bincount(slot_indices(SEED, replicate, n), minlength=n)
    assert stats.chisquare(counts).pvalue > 1e-4


def test_forced_narrow_rejections_stay_in_range_and_uniform():
    n = 39
    counts = np.zeros(n)
    changed = 0
    for replicate in range(400):
        forced = np.empty(n, dtype=np.int64)
        plain = np.empty(n, dtype=np.int64)
        redraw_narrow(stream_key(3), replicate, 0, n, np.uint16(2**15), forced)
        redraw_narrow(stream_key(3), replicate, 0, n, np.uint16(0), plain)
        assert forced.min() >= 0 and forced.max() < n
        changed += np.sum(forced != plain)
        counts += np.bincount(forced, minlength=n)
    assert changed > 0.3 * 400 * n
    assert stats.chisquare(counts).pvalue > 1e-4


@pytest.mark.parametrize("n", [25, 39, 300])
def test_fast_loops_match_the_slot_definition(n):
    """Every replicate of the vectorised loops equals the sum over the indices of the
    scalar definition, including the replicates that met a rejection (about one in a
    hundred for n = 39) and those redrawn from reserve words."""
    B = 3000
    rng = np.random.default_rng(n)
    continuous = np.sort(rng.lognormal(size=n))
    # three values: the comparison loop (two values draw a binomial count instead)
    ternary = np.sort(rng.integers(0, 3, size=n))
    likert = rng.integers(1, 6, size=(3, n))
    fast_continuous = bootstrap_ci(continuous, n_resamples=B, seed=SEED, parallel=False)
    fast_ternary = bootstrap_ci(ternary, "mean", n_resamples=B, seed=SEED, parallel=True)
    fast_likert = bootstrap_ci(likert, n_resamples=B, seed=SEED, parallel=True)
    continuous_values = fast_continuous.replicates()
    ternary_sums = np.rint(fast_ternary.replicates() * n)
    likert_sums = np.rint(fast_likert.replicates() * n)
    for b in range(B):
        row = slot_indices(SEED, b, n)
        if narrow_slots(n):
            # four partial sums (slots j = s mod 4, in order), added as ((a0 + a1) + a2) + a3
            parts = [0.0, 0.0, 0.0, 0.0]
            for j, i in enumerate(row):
                parts[j & 3] += continuous[i]
            expected = ((parts[0] + parts[1]) + parts[2]) + parts[3]
        else:
            expected = 0.0
            for i in row:  # wide slots are added in slot order
                expected += continuous[i]
        assert continuous_values[b] * n == pytest.approx(expected, rel=1e-15)
        assert ternary_sums[b] == ternary[row].sum()
        np.testing.assert_array_equal(likert_sums[:, b], likert[:, row].sum(axis=1))


def test_joint_loops_agree_for_whole_and_fractional_data():
    """The packed whole-number loop and the float loop draw the same respondents: shifting
    every answer by one half moves each replicate sum by exactly n / 2."""
    rng = np.random.default_rng(8)
    items = rng.integers(0, 2, size=(20, 39))
    whole = bootstrap_ci(items, n_resamples=4000, seed=SEED).replicates() * 39
    shifted = bootstrap_ci(items + 0.5, n_resamples=4000, seed=SEED).replicates() * 39
    np.testing.assert_allclose(shifted - 19.5, whole, atol=1e-9)
    np.testing.assert_array_equal(np.rint(whole), np.rint(shifted - 19.5))


def test_packed_fields_do_not_carry_into_each_other():
    """Largest answers in every item: each item's field reaches n times its maximum."""
    n = 39
    for high in (1, 6, 200, 70_000):
        items = np.zeros((9, n), dtype=np.int64)
        items[:, :] = high
        items[:, 0] = 0
        result = bootstrap_ci(items, n_resamples=500, seed=1)
        sums = np.rint(result.replicates() * n)
        assert sums.max() <= n * high and sums.min() >= 0
        np.testing.assert_array_equal(sums, np.broadcast_to(sums[0], sums.shape))


def exact_thresholds(k, n):
    """ceil(P(K <= j) 2**64) for K ~ Binomial(n, k / n), j < n, from fractions."""
    p = Fraction(k, n)
    cumulative = Fraction(0)
    thresholds = []
    for j in range(n):
        cumulative += math.comb(n, j) * p**j * (1 - p) ** (n - j)
        value = math.ceil(cumulative * 2**64)
        if value >= 2**64:
            break
        thresholds.append(value)
    return thresholds


@pytest.mark.parametrize("k, n", [(1, 2), (2, 5), (26, 39), (1, 39), (38, 39), (150, 300)])
def test_binomial_thresholds_are_the_exact_cdf(k, n):
    guide, thresholds = _binomial_tables(k, n)
    assert [int(t) for t in thresholds] == exact_thresholds(k, n)
    # the guide table's count for the first word of every cell, and its ambiguity flag
    shift = 64 - GUIDE_BITS
    exact = exact_thresholds(k, n)
    for cell in range(0, 1 << GUIDE_BITS, 37):
        start, end = cell << shift, ((cell + 1) << shift) - 1
        below = sum(t <= start for t in exact)
        assert guide[cell] & 0xFFFF == below
        assert bool(guide[cell] >> 16) == (sum(t <= end for t in exact) > below)


@pytest.mark.parametrize("k, n", [(26, 39), (3, 25), (38, 39)])
def test_binomial_draw_is_the_count_of_thresholds_below_the_word(k, n):
    """Replicate b's count is #{j : thresholds[j] <= word 0 of replicate b}, computed here
    from the stream's definition (SplitMix64 at counter b * 2**32); about one replicate in a
    hundred lands in a guide cell with a threshold and takes the slow path."""
    data = np.r_[np.ones(k), np.zeros(n - k)]
    B = 4000
    result = bootstrap_ci(data, "proportion", n_resamples=B, seed=SEED)
    counts = np.rint(result.replicates() * n).astype(int)
    key = int(stream_key(SEED))
    exact = exact_thresholds(k, n)
    slow = 0
    for b in range(B):
        word = mix64_int((key + ((b << 32) + 1) * 0x9E3779B97F4A7C15) & (2**64 - 1))
        assert counts[b] == sum(t <= word for t in exact)
        cell = word >> (64 - GUIDE_BITS)
        slow += any(
            cell << (64 - GUIDE_BITS) < t <= word | ((1 << (64 - GUIDE_BITS)) - 1) for t in exact
        )
    assert slow > 0  # the slow path was exercised


def test_binomial_counts_follow_the_binomial_distribution():
    n, k, B = 39, 26, 400_000
    result = bootstrap_ci(
        np.r_[np.ones(k), np.zeros(n - k)], "proportion", n_resamples=B, seed=SEED
    )
    observed = np.bincount(np.rint(result.replicates() * n).astype(int), minlength=n + 1)
    expected = stats.binom.pmf(np.arange(n + 1), n, k / n) * B
    keep = expected > 20  # pool the sparse tails
    pooled_observed = np.r_[observed[keep], observed[~keep].sum()]
    pooled_expected = np.r_[expected[keep], expected[~keep].sum()]
    assert stats.chisquare(pooled_observed, pooled_expected).pvalue > 1e-4


@pytest.mark.parametrize("n", [39, 25, 300])
def test_float_sums_are_bit_identical_to_the_slot_order_sum(n):
    """Float replicates are the slot-order sums of the definition, bit for bit, also where a
    sum is exactly zero (a symmetric sample with negative values: the sign of a zero sum
    must come out as the definition's)."""
    half = np.arange(1, n // 2 + 1, dtype=float) * 0.25
    data = np.sort(np.r_[-half, half, np.zeros(n - 2 * half.size)])
    B = 2000
    replicates = bootstrap_ci(data, n_resamples=B, seed=SEED, parallel=False).replicates()
    zeros = 0
    for b in range(B):
        row = slot_indices(SEED, b, n)
        if narrow_slots(n):
            parts = [data[0] * 0] * 4
            for j, i in enumerate(row):
                parts[j & 3] += data[i]
            expected = ((parts[0] + parts[1]) + parts[2]) + parts[3]
        else:
            expected = data[0] * 0
            for i in row:
                expected += data[i]
        assert replicates[b] == expected / n
        assert np.signbit(replicates[b]) == np.signbit(expected / n)
        zeros += expected == 0
    assert zeros > 0  # exact zero sums occurred


def test_numpy_words_are_the_stream_definition():
    """replicate_words (numpy, a block at a time) against word(key, b, w) in Python."""
    key = stream_key(SEED)
    replicates = np.array([0, 1, 7, 2**31 + 5])
    words = replicate_words(key, replicates, 3, 5)
    for row, b in enumerate(replicates):
        for w in range(5):
            counter = (int(b) << 32) + 3 + w
            expected = mix64_int((int(key) + (counter + 1) * 0x9E3779B97F4A7C15) % 2**64)
            assert int(words[row, w]) == expected
