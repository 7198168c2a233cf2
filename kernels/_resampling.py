"""Numba kernels of the Monte Carlo bootstrap.

Every kernel computes the replicates ``b_start <= b < b_stop`` of one resampling family and
writes them to ``out[..., b]``; the caller cuts the B replicates into ranges and runs them on
one thread or several (see :mod:`kernels._threads`). Inside a range 16 or 64 replicates
(:data:`~kernels._streams.LANES`, :data:`GATHER_LANES`) are computed side by side so that
the random-number arithmetic vectorises. Each replicate draws from its own counter range (see
:mod:`kernels._streams`) and adds its values up in slot order, so a replicate's value does not
depend on the ranges or on the number of threads.

The kernels are small and separate on purpose: a call compiles only the loop it runs (a
binary item compiles one loop, a continuous sample another), every kernel is compiled
without ``parallel=True`` (no parfors), small helpers are inlined, and the larger ones that
only kernels call are compiled without a Python entry point (see :mod:`kernels._jit`), so
that the first call on a machine without a compilation cache stays short. A call too small
to be worth compiling runs the kernel's numpy twin instead (:mod:`kernels._numpy_kernels`).

Replicates are stored on a grid per statistic: for whole-number data the grid values are
integers (sums, twice a median, ``n * sum x^2 - (sum x)^2``), so that equality with the
observed statistic, which BCa counts as one half, is exact; for other data they are floats.

Families:

- ``BINOMIAL``: a sample with two distinct whole-number values. The resampled count of the
  upper value is ``Binomial(n, k / n)``; it is drawn directly, by inversion of one random
  word per replicate (see :func:`binomial_counts`), instead of drawing n indices;
- ``GATHER``: sum of the resampled values of one 1-D sample (sorted), any dtype;
- ``CATEGORY``: the same sum for whole-number data with few distinct values, computed by
  comparing each draw with the category boundaries instead of loading the value;
- ``JOINT``: per-item sums of 2-D data, the same respondents drawn for every item (whole
  numbers packed as bit fields, several items per 64-bit addition);
- ``MEDIAN`` and ``VARIANCE``: per-replicate counts of each respondent, then the statistic
  of each item from those counts.

Samples small enough for narrow (16-bit) slots (see :mod:`kernels._streams`) use the
``*_narrow`` loops. The slot width is a function of n alone, so every index-drawing family
draws the same indices for the same replicate.
"""

from collections import namedtuple

import numpy as np
from numba import njit

from ._jit import fetch_add, kernel, nested
from ._random import (
    draw_lane_indices,
    draw_lane_indices_narrow,
    fill_lane_words,
    lane_start,
    mix64,
    narrow_lane_indices,
    narrow_threshold,
    redraw_replicate_narrow,
    redraw_replicate_slots,
    rejection_threshold,
)
from ._streams import GOLDEN, LANES, LOW16, LOW32, U16, U32

BINOMIAL, GATHER, CATEGORY, JOINT, MEDIAN, VARIANCE = 0, 1, 2, 3, 4, 5
#: Bits of a random word that index the binomial guide table.
GUIDE_BITS = 12
_GUIDE_SHIFT = np.uint64(64 - GUIDE_BITS)
_AMBIGUOUS = np.uint64(1 << 16)

_ONE, _THREE, _FOUR = np.uint64(1), np.uint64(3), np.uint64(4)
_U48 = np.uint64(48)
#: Replicates per group in :func:`gather_sums_narrow` (measured fastest on x86-64).
GATHER_LANES = 64
#: Groups a thread takes at a time from a shared range (see :func:`gather_sums_narrow`).
CLAIM_GROUPS = 16


@njit(cache=True, inline="always")
def _take_chunk(claim, size, b_stop):
    """The next ``size`` replicates ``[first, stop)`` of a range shared through the counter
    ``claim``, taken atomically; ``first >= b_stop`` when none is left."""
    first = fetch_add(claim, size)
    return first, min(first + size, b_stop)


#: Scratch of the narrow category loop, allocated by the caller (see :func:`narrow_scratch`).
NarrowScratch = namedtuple(
    "NarrowScratch", ["words", "quarters", "start", "acc", "rejected", "index", "row", "part"]
)


def narrow_scratch(n: int, lanes: int, dtype) -> NarrowScratch:
    """Scratch arrays for one call of :func:`category_sums_narrow` (``dtype``: the
    accumulator's)."""
    words = np.empty(((n + 3) // 4) * lanes, dtype=np.uint64)
    width = 4 * lanes
    return NarrowScratch(
        words,
        words.view(np.uint16),
        np.empty(lanes, dtype=np.uint64),
        np.zeros(width, dtype=dtype),
        np.zeros(width, dtype=np.uint16),
        np.zeros(width, dtype=np.uint32),
        np.empty(n, dtype=np.int64),
        np.zeros(4, dtype=dtype),
    )


#: Scratch of :func:`binomial_counts`, allocated by the caller (see :func:`binomial_scratch`).
BinomialScratch = namedtuple("BinomialScratch", ["draws", "partial"])


def binomial_scratch(n: int) -> BinomialScratch:
    """Scratch for :func:`binomial_counts` on a sample of size n: the words of 1,024
    replicates, and four copies of the histogram."""
    return BinomialScratch(
        np.empty(1024, dtype=np.uint64),
        np.empty(4 * (n + 1), dtype=np.int64),
    )


@njit(cache=True, inline="always")
def _tally_four(cells_of, count, partial, cells):
    """``partial[(i mod 4) * cells + cells_of[i]] += 1`` for i < ``count``: a histogram kept
    in four interleaved copies, so that successive increments of one cell do not wait on
    each other (see :func:`_add_four`)."""
    for i in range(np.uint64(count)):
        partial[(i & _THREE) * cells + np.uint64(cells_of[i])] += 1


@njit(cache=True, inline="always")
def _add_four(partial, counts):
    """``counts +=`` the four copies of :func:`_tally_four`'s histogram."""
    cells = counts.shape[0]
    for copy in range(4):
        for cell in range(cells):
            counts[cell] += partial[copy * cells + cell]


@njit(cache=True, inline="always")
def _binomial_count(word, guide, thresholds):
    """The binomial count of one random word (see :func:`binomial_counts`): its guide cell,
    or where a threshold falls inside that cell, the thresholds at or below the word."""
    count = np.uint64(guide[word >> _GUIDE_SHIFT])
    if count & _AMBIGUOUS:
        count = np.uint64(0)
        for j in range(thresholds.shape[0]):
            count += np.uint64(word >= thresholds[j])
    return count


@kernel
def binomial_counts(
    key,
    word,
    guide,
    thresholds,
    origin,
    step,
    b_start,
    b_stop,
    out,
    keep_replicates,
    counts,
    scratch,
):
    """``counts[K] +=`` the replicates b_start <= b < b_stop whose ``K_b`` is K, where
    ``K_b ~ Binomial(n, k / n)``; with ``keep_replicates`` also ``out[b] = origin + step *
    K_b`` (an interval needs the histogram only; the replicates are written when asked for).

    ``K_b`` is the number of thresholds at or below word ``word`` of replicate b (one random
    word per replicate): with ``thresholds[j] = ceil(P(K <= j) 2**64)`` that is inversion of
    the binomial CDF, exact up to 2**-64 in each cumulative probability. ``guide[c]`` holds
    the count for words whose top :data:`GUIDE_BITS` bits are c, flagged with
    ``_AMBIGUOUS`` when a threshold falls inside that cell; only those words (about one in
    a hundred for n = 39) are compared with every threshold. The histogram is kept in four
    interleaved copies, so that consecutive replicates with the same count do not wait on
    each other's increment. ``scratch``: a :func:`binomial_scratch`.
    """
    cells = np.uint64(counts.shape[0])
    draws = scratch.draws
    partial = scratch.partial
    block = draws.shape[0]
    for cell in range(partial.shape[0]):
        partial[cell] = 0
    stride = np.uint64(1 << 32) * GOLDEN
    for g in range(b_start, b_stop, block):
        size = np.uint64(block if b_stop - g > block else b_stop - g)
        # the words and the guide look-up vectorised, then the rare ambiguous words
        first = np.uint64(key) + ((np.uint64(g) << U32) + np.uint64(word) + np.uint64(1)) * GOLDEN
        for i in range(size):
            draws[i] = mix64(first + i * stride)
        # the look-up, the rare ambiguous words and the tally in one pass over the words,
        # one loop with the replicates' stores and one without
        if keep_replicates:
            for i in range(size):
                count = _binomial_count(draws[i], guide, thresholds)
                partial[(i & _THREE) * cells + count] += 1
                out[np.uint64(g) + i] = origin + step * np.int64(count)
        else:
            for i in range(size):
                partial[(i & _THREE) * cells + _binomial_count(draws[i], guide, thresholds)] += 1
    _add_four(partial, counts)


@nested
def _add_up_narrow(padded, words, n_words, lanes, count, out, first):
    """``out[first + r]`` for r < ``count``: the values at replicate r's indices (the four
    16-bit quarters of ``words[w * lanes + r]``, see
    :func:`~kernels._random.narrow_lane_indices`) added in four partial sums kept in
    registers (slots s, s + 4, ... in order), then ``((a0 + a1) + a2) + a3``.

    Two replicates at a time, each in its own four sums (eight chains of additions keep
    the adders busier than four: 8 to 9 % faster on the AVX-512 machine, with the same
    bits). ``lanes`` is even, so the partner of the last replicate of an odd ``count``
    has its words too; its sum is not stored. Compiled on its own (not inlined into
    :func:`gather_sums_narrow`): in the larger function the loop's pointers no longer fit
    in registers and every load waits on a reload. One 64-bit load gives four indices, and
    the offsets are unsigned, so that the loads carry no negative-index checks.
    """
    zero = padded[0] * 0
    stride = np.uint64(lanes)
    count = np.uint64(count)
    for pair in range((count + _ONE) >> _ONE):
        r = pair << _ONE
        a0 = zero
        a1 = zero
        a2 = zero
        a3 = zero
        c0 = zero
        c1 = zero
        c2 = zero
        c3 = zero
        position = r
        for _ in range(n_words):
            quarters = words[position]
            partner = words[position + _ONE]
            a0 += padded[quarters & LOW16]
            c0 += padded[partner & LOW16]
            a1 += padded[(quarters >> U16) & LOW16]
            c1 += padded[(partner >> U16) & LOW16]
            a2 += padded[(quarters >> U32) & LOW16]
            c2 += padded[(partner >> U32) & LOW16]
            a3 += padded[quarters >> _U48]
            c3 += padded[partner >> _U48]
            position += stride
        out[np.uint64(first) + r] = ((a0 + a1) + a2) + a3
        if r + _ONE < count:
            out[np.uint64(first) + r + _ONE] = ((c0 + c1) + c2) + c3


@kernel
def gather_sums_narrow(key, padded, word_offset, claim, b_stop, out, scratch):
    """``out[b]`` = sum of the n resampled values of replicate b, narrow (16-bit) slots,
    for the replicates below ``b_stop`` that this call takes from ``claim``.

    ``claim`` (int64, one element) is the first replicate nobody has taken yet: the call
    takes :data:`CLAIM_GROUPS` groups of replicates at a time from it, atomically
    (:func:`~kernels._jit.fetch_add`), until it reaches ``b_stop``. One call alone computes
    ``claim[0] <= b < b_stop``; calls on several threads sharing one ``claim`` divide that
    range between them as they go, so a thread that starts late or is stopped for a while
    holds up only its last chunk. ``padded`` is the sorted sample followed by one identity
    element (-0.0 for floats, 0 for integers: ``a + (-0.0) == a`` exactly, also for
    ``a = -0.0``), which the unused quarters of the last word point at. For ``lanes``
    replicates at a time the indices are drawn first (vectorised across replicates, see
    :func:`~kernels._random.narrow_lane_indices`), then added up by :func:`_add_up_narrow`
    in a fixed order, whatever the thread that computes them. ``scratch``: a
    :func:`~kernels._random.lane_scratch` for n (one per thread), its length sets the
    replicates per group.
    """
    n = padded.shape[0] - 1
    n_words = (n + 3) >> 2
    lanes = scratch.start.shape[0]
    chunk = lanes * CLAIM_GROUPS
    while True:
        first, stop = _take_chunk(claim, chunk, b_stop)
        if first >= b_stop:
            return
        for g in range(first, stop, lanes):
            narrow_lane_indices(key, g, word_offset, n, lanes, scratch)
            count = min(stop - g, lanes)
            _add_up_narrow(padded, scratch.words, n_words, lanes, count, out, g)


@kernel
def gather_sums(key, x, word_offset, b_start, b_stop, out, lanes):
    """``out[b]`` = sum of the n resampled values of replicate b, wide (32-bit) slots."""
    n = x.shape[0]
    threshold = rejection_threshold(n)
    n64 = np.uint64(n)
    n_words = n >> 1
    acc = np.zeros(lanes, dtype=x.dtype)
    rejected = np.zeros(lanes, dtype=np.uint64)
    start = np.zeros(lanes, dtype=np.uint64)
    row = np.empty(n, dtype=np.int64)
    for g in range(b_start, b_stop, lanes):
        for r in range(lanes):
            acc[r] = 0
            rejected[r] = 0
            start[r] = lane_start(key, g + r) + np.uint64(word_offset) * GOLDEN
        for w in range(n_words):
            step = np.uint64(w) * GOLDEN
            for r in range(lanes):
                word = mix64(start[r] + step)
                lo = (word & LOW32) * n64
                hi = (word >> U32) * n64
                acc[r] += x[np.int64(lo >> U32)]
                acc[r] += x[np.int64(hi >> U32)]
                rejected[r] |= np.uint64((lo & LOW32) < threshold) | np.uint64(
                    (hi & LOW32) < threshold
                )
        if n & 1:
            step = np.uint64(n_words) * GOLDEN
            for r in range(lanes):
                lo = (mix64(start[r] + step) & LOW32) * n64
                acc[r] += x[np.int64(lo >> U32)]
                rejected[r] |= np.uint64((lo & LOW32) < threshold)
        for r in range(min(lanes, b_stop - g)):
            if rejected[r]:
                redraw_replicate_slots(key, g + r, word_offset, n, threshold, row)
                total = x[0] * 0
                for j in range(n):
                    total += x[row[j]]
                acc[r] = total
            out[g + r] = acc[r]


@kernel
def category_sums_narrow(
    key,
    n,
    cuts,
    weights,
    steps,
    first,
    base_value,
    word_offset,
    b_start,
    b_stop,
    out,
    lanes,
    scratch,
):
    """Like :func:`gather_sums_narrow` for sorted whole-number data with few distinct values:
    pure 16-bit comparisons, no multiply and no load of the data.

    The sorted data are ``base_value / n`` up to index ``first[0]``, then ``steps[0]`` higher
    up to ``first[1]``, and so on. With Lemire's map the index ``(u n) >> 16`` is at or past
    ``first[c]`` exactly when ``u >= cuts[c] = ceil(first[c] 2**16 / n)``, so each category
    boundary becomes a threshold on the raw 16-bit value ``u`` (``weights`` are the steps
    as int32); the rejection test still needs ``(u n) mod 2**16``. ``scratch``: a
    :func:`narrow_scratch` with int32 accumulators.
    """
    n_words = (n + 3) >> 2
    width = 4 * lanes
    n_bounds = first.shape[0]
    tail = n & 3
    words = scratch.words
    quarters = scratch.quarters
    start = scratch.start
    acc = scratch.acc
    rejected = scratch.rejected
    row = scratch.row
    threshold = narrow_threshold(n)
    n16 = np.uint16(n)
    for g in range(b_start, b_stop, lanes):
        fill_lane_words(key, g, word_offset, n_words, lanes, words, start)
        for lane in range(width):
            acc[lane] = 0
            rejected[lane] = 0
        for w in range(n_words):
            base = w * width
            last = w == n_words - 1 and tail != 0
            cut = cuts[0]
            weight = weights[0]
            for lane in range(width):
                u = quarters[base + lane]
                keep = not last or (lane & 3) < tail
                rejected[lane] |= keep & (np.uint16(u * n16) < threshold)
                acc[lane] += weight * np.int32(keep & (u >= cut))
            for c in range(1, n_bounds):
                cut = cuts[c]
                weight = weights[c]
                for lane in range(width):
                    keep = not last or (lane & 3) < tail
                    acc[lane] += weight * np.int32(keep & (quarters[base + lane] >= cut))
        count = b_stop - g
        if count > lanes:
            count = lanes
        for r in range(count):
            q = 4 * r
            if rejected[q] | rejected[q + 1] | rejected[q + 2] | rejected[q + 3]:
                redraw_replicate_narrow(key, g + r, word_offset, n, threshold, row)
                total = 0
                for j in range(n):
                    for c in range(n_bounds):
                        total += steps[c] * np.int64(row[j] >= first[c])
                out[g + r] = base_value + total
            else:
                out[g + r] = base_value + acc[q] + acc[q + 1] + acc[q + 2] + acc[q + 3]


@kernel
def category_sums(key, n, first, steps, base_value, word_offset, b_start, b_stop, out, lanes):
    """:func:`category_sums_narrow` with wide slots: a draw with product ``r * n`` lands at
    index ``(r * n) >> 32``, which is at or past ``first[c]`` exactly when
    ``r * n >= first[c] * 2**32``."""
    threshold = rejection_threshold(n)
    n64 = np.uint64(n)
    n_words = n >> 1
    n_bounds = first.shape[0]
    bounds = np.empty(n_bounds, dtype=np.uint64)
    for c in range(n_bounds):
        bounds[c] = np.uint64(first[c]) << U32
    acc = np.zeros(lanes, dtype=np.int64)
    rejected = np.zeros(lanes, dtype=np.uint64)
    start = np.zeros(lanes, dtype=np.uint64)
    low_products = np.zeros(lanes, dtype=np.uint64)
    high_products = np.zeros(lanes, dtype=np.uint64)
    row = np.empty(n, dtype=np.int64)
    for g in range(b_start, b_stop, lanes):
        for r in range(lanes):
            acc[r] = 0
            rejected[r] = 0
            start[r] = lane_start(key, g + r) + np.uint64(word_offset) * GOLDEN
        for w in range(n_words):
            step = np.uint64(w) * GOLDEN
            for r in range(lanes):
                word = mix64(start[r] + step)
                lo = (word & LOW32) * n64
                hi = (word >> U32) * n64
                low_products[r] = lo
                high_products[r] = hi
                rejected[r] |= np.uint64((lo & LOW32) < threshold) | np.uint64(
                    (hi & LOW32) < threshold
                )
            for c in range(n_bounds):
                bound = bounds[c]
                weight = steps[c]
                for r in range(lanes):
                    acc[r] += weight * (
                        np.int64(low_products[r] >= bound) + np.int64(high_products[r] >= bound)
                    )
        if n & 1:
            step = np.uint64(n_words) * GOLDEN
            for r in range(lanes):
                lo = (mix64(start[r] + step) & LOW32) * n64
                low_products[r] = lo
                rejected[r] |= np.uint64((lo & LOW32) < threshold)
            for c in range(n_bounds):
                for r in range(lanes):
                    acc[r] += steps[c] * np.int64(low_products[r] >= bounds[c])
        for r in range(min(lanes, b_stop - g)):
            if rejected[r]:
                redraw_replicate_slots(key, g + r, word_offset, n, threshold, row)
                total = 0
                for j in range(n):
                    product = np.uint64(row[j]) << U32
                    for c in range(n_bounds):
                        total += steps[c] * np.int64(product >= bounds[c])
                acc[r] = total
            out[g + r] = base_value + acc[r]


@njit(cache=True, inline="always")
def _lane_indices(key, first_replicate, word_offset, n, narrow, idx, rejected, start, scratch):
    """``idx[j, r]``: slot j of replicate ``first_replicate + r`` (narrow or wide slots;
    ``scratch`` is a :func:`~kernels._random.lane_scratch` of :data:`LANES`)."""
    if narrow:
        draw_lane_indices_narrow(key, first_replicate, word_offset, n, LANES, idx, scratch)
    else:
        threshold = rejection_threshold(n)
        draw_lane_indices(key, first_replicate, word_offset, n, threshold, idx, rejected, start)


@kernel
def joint_sums(key, xt, word_offset, narrow, b_start, b_stop, out, scratch):
    """``out[item, b]`` = sum over the resampled respondents of replicate b.

    ``xt`` is respondents x items (floats); the same respondents are drawn for every item.
    """
    n, items = xt.shape
    idx = np.empty((n, LANES), dtype=np.int64)
    rejected = np.zeros(LANES, dtype=np.uint64)
    start = np.zeros(LANES, dtype=np.uint64)
    acc = np.zeros((LANES, items), dtype=xt.dtype)
    for g in range(b_start, b_stop, LANES):
        _lane_indices(key, g, word_offset, n, narrow, idx, rejected, start, scratch)
        acc[:, :] = 0
        for j in range(n):
            for r in range(LANES):
                row = idx[j, r]
                for item in range(items):
                    acc[r, item] += xt[row, item]
        for r in range(min(LANES, b_stop - g)):
            for item in range(items):
                out[item, g + r] = acc[r, item]


@kernel
def joint_sums_packed(
    key, packed, offsets, bits, word_offset, narrow, b_start, b_stop, out, scratch
):
    """:func:`joint_sums` for whole numbers, several items per 64-bit word.

    ``packed[w, i]`` holds respondent i's answers to items ``w * (64 // bits) + f`` minus
    the item's smallest answer, in bit fields ``[f bits, (f + 1) bits)`` wide enough for a
    sum of n answers, so one 64-bit addition adds up to 64 / bits items at once (ten 0/1
    items for n <= 63) and no field carries into the next. Item sums are the fields plus
    ``offsets[item]`` (n times the smallest answer): exact integers.
    """
    n_words, n = packed.shape
    items = out.shape[0]
    per_word = 64 // bits
    mask = (
        np.uint64(0xFFFFFFFFFFFFFFFF)
        if bits == 64
        else (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    )
    idx = np.empty((n, LANES), dtype=np.int64)
    rejected = np.zeros(LANES, dtype=np.uint64)
    start = np.zeros(LANES, dtype=np.uint64)
    totals = np.zeros(LANES, dtype=np.uint64)
    for g in range(b_start, b_stop, LANES):
        _lane_indices(key, g, word_offset, n, narrow, idx, rejected, start, scratch)
        count = min(LANES, b_stop - g)
        for w in range(n_words):
            column = packed[w]
            totals[:] = 0
            for j in range(n):
                for r in range(LANES):
                    totals[r] += column[idx[j, r]]
            first_item = w * per_word
            for f in range(min(per_word, items - first_item)):
                shift = np.uint64(f * bits)
                offset = offsets[first_item + f]
                target = out[first_item + f]
                for r in range(count):
                    target[g + r] = offset + np.int64((totals[r] >> shift) & mask)


@kernel
def joint_sums_packed_narrow(key, packed, offsets, bits, word_offset, claim, b_stop, out, scratch):
    """:func:`joint_sums_packed` with narrow slots, for the replicates below ``b_stop`` that
    this call takes from the shared counter ``claim`` (as :func:`gather_sums_narrow` does):
    the indices of a group of replicates (as many as ``scratch``, a
    :func:`~kernels._random.lane_scratch`, holds) are drawn vectorised (see
    :func:`~kernels._random.narrow_lane_indices`), then each replicate adds its
    respondents' packed words in registers (whole numbers: the order does not matter)."""
    n_packed, n = packed.shape
    items = out.shape[0]
    lanes = scratch.start.shape[0]
    width = 4 * lanes
    per_word = 64 // bits
    mask = (
        np.uint64(0xFFFFFFFFFFFFFFFF)
        if bits == 64
        else (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    )
    index = scratch.index
    totals = np.empty(lanes, dtype=np.uint64)
    chunk = lanes * CLAIM_GROUPS
    while True:
        first, stop = _take_chunk(claim, chunk, b_stop)
        if first >= b_stop:
            return
        for g in range(first, stop, lanes):
            narrow_lane_indices(key, g, word_offset, n, lanes, scratch)
            count = min(stop - g, lanes)
            for p in range(n_packed):
                column = packed[p]
                for r in range(lanes):
                    totals[r] = 0
                for j in range(n):
                    base = np.uint64((j >> 2) * width + (j & 3))
                    for r in range(np.uint64(lanes)):
                        totals[r] += column[index[base + _FOUR * r]]
                first_item = p * per_word
                last_item = first_item + per_word
                if last_item > items:
                    last_item = items
                for item in range(first_item, last_item):
                    shift = np.uint64((item - first_item) * bits)
                    offset = offsets[item]
                    target = out[item]
                    for r in range(count):
                        target[g + r] = offset + np.int64((totals[r] >> shift) & mask)


@njit(cache=True, inline="always")
def median_grid(counts, values, order, integer_grid):
    """Median of the resample with multiplicities ``counts`` (``order`` sorts ``values``).

    On the integer grid the sum of the two middle order statistics is returned (twice the
    median), otherwise their mean.
    """
    n = values.shape[0]
    lower_rank = (n - 1) // 2
    upper_rank = n // 2
    cumulative = 0
    lower = values[order[0]]
    upper = lower
    found_lower = False
    for i in range(n):
        position = order[i]
        cumulative += counts[position]
        if not found_lower and cumulative > lower_rank:
            lower = values[position]
            found_lower = True
        if cumulative > upper_rank:
            upper = values[position]
            break
    if integer_grid:
        return lower + upper
    return 0.5 * (lower + upper)


@njit(cache=True, inline="always")
def variance_grid(counts, values, integer_grid):
    """Variance of the resample: ``n * sum c x^2 - (sum c x)^2`` (an integer) on the integer
    grid, else the two-pass ``sum c (x - mean)^2 / (n - 1)``."""
    n = values.shape[0]
    if integer_grid:
        first = 0
        second = 0
        for i in range(n):
            first += counts[i] * values[i]
            second += counts[i] * values[i] * values[i]
        return n * second - first * first
    total = 0.0
    for i in range(n):
        total += counts[i] * values[i]
    mean = total / n
    squares = 0.0
    for i in range(n):
        deviation = values[i] - mean
        squares += counts[i] * deviation * deviation
    return squares / (n - 1)


@kernel
def counted_statistics(key, xt, order, family, integer_grid, narrow, b_start, b_stop, out, scratch):
    """Median or variance of every item for each replicate, from respondent counts."""
    n, items = xt.shape
    idx = np.empty((n, LANES), dtype=np.int64)
    rejected = np.zeros(LANES, dtype=np.uint64)
    start = np.zeros(LANES, dtype=np.uint64)
    counts = np.zeros(n, dtype=np.int64)
    column = np.empty(n, dtype=xt.dtype)
    for g in range(b_start, b_stop, LANES):
        _lane_indices(key, g, 0, n, narrow, idx, rejected, start, scratch)
        for r in range(min(LANES, b_stop - g)):
            counts[:] = 0
            for j in range(n):
                counts[idx[j, r]] += 1
            for item in range(items):
                for i in range(n):
                    column[i] = xt[i, item]
                if family == MEDIAN:
                    out[item, g + r] = median_grid(counts, column, order[item], integer_grid)
                else:
                    out[item, g + r] = variance_grid(counts, column, integer_grid)


# ---------------------------------------------------------------------------------------
# From replicates to an interval: the passes over the replicates. The arithmetic in between
# (z0, the adjusted levels, the ranks) is plain Python, in kernels.montecarlo.


@kernel
def histograms(replicates, origin, first, stop, counts):
    """``counts[i, v - origin[i]]`` = how many replicates of item i equal v, for items
    ``first <= i < stop`` (integer replicates known to lie within the histogram)."""
    for item in range(first, stop):
        column = replicates[item]
        row = counts[item]
        base = origin[item]
        for j in range(row.shape[0]):
            row[j] = 0
        for b in range(column.shape[0]):
            row[np.int64(column[b]) - base] += 1


@kernel
def ranked_histogram(replicates, smallest, largest, ranks, first, stop, values, counts):
    """Integer replicates: ``values[i, s]`` = the replicate of 1-based rank ``ranks[i, s]``
    (s = 0, 1) of item i, from a histogram over ``smallest[i]..largest[i]`` (``counts`` is
    scratch at least that long). Items with ``ranks[i, 0] < 1`` are skipped."""
    for item in range(first, stop):
        if ranks[item, 0] < 1:
            continue
        column = replicates[item]
        base = np.int64(smallest[item])
        span = np.int64(largest[item]) - base + 1
        for j in range(span):
            counts[j] = 0
        for b in range(column.shape[0]):
            counts[np.int64(column[b]) - base] += 1
        low_rank = ranks[item, 0]
        high_rank = ranks[item, 1]
        cumulative = 0
        found_low = False
        found_high = False
        for j in range(span):
            cumulative += counts[j]
            if not found_low and cumulative >= low_rank:
                values[item, 0] = base + j
                found_low = True
            if not found_high and cumulative >= high_rank:
                values[item, 1] = base + j
                found_high = True
            if found_low and found_high:
                break


@njit(cache=True, inline="always")
def _bucket_of(value, low, scale, last):
    """The bucket of a float replicate: ``(value - low) * scale`` within ``[0, last]``,
    rounded down (monotone in ``value``, so the buckets are in the replicates' order; a
    replicate below ``low`` falls in the first bucket)."""
    return np.uint64(max(min((value - low) * scale, last), 0.0))


@kernel
def bucket_counts(column, observed, low, scale, counts, scratch, slots):
    """One pass over float replicates: returns ``(below, equal)``, how many lie below
    ``observed`` and how many equal it, and histograms them in ``counts`` (at most 65,536
    buckets), by :func:`_bucket_of`. The buckets are computed
    first, vectorised, into ``slots`` (16 bits per replicate), then counted in ``scratch``,
    four copies of the histogram (``4 * len(counts)``, see :func:`_tally_four`): half the
    time of one loop that does both."""
    buckets = np.uint64(counts.shape[0])
    last = np.float64(buckets - np.uint64(1))
    below = np.int64(0)
    equal = np.int64(0)
    total = np.uint64(column.shape[0])
    for b in range(total):
        value = column[b]
        below += np.int64(value < observed)
        equal += np.int64(value == observed)
        slots[b] = np.uint16(_bucket_of(value, low, scale, last))
    for j in range(scratch.shape[0]):
        scratch[j] = 0
    _tally_four(slots, total, scratch, buckets)
    for j in range(buckets):
        counts[j] = 0
    _add_four(scratch, counts)
    return below, equal


#: Replicates :func:`bucket_members` tests together before it looks at any one of them.
_MEMBER_BLOCK = np.uint64(16)


@kernel
def bucket_members(column, low, scale, last, targets, members0, members1):
    """The replicates of buckets ``targets[0]`` and ``targets[1]`` (the buckets of
    :func:`bucket_counts`, ``last`` its last, as a float) into ``members0`` and
    ``members1``, each as long as its bucket's count, in column order. A bucket holds a
    small share of the replicates, so a block of them is tested at once (a vectorised test)
    and looked at one by one only when it holds a member."""
    target0 = np.uint64(targets[0])
    target1 = np.uint64(targets[1])
    total = np.uint64(column.shape[0])
    found0 = 0
    found1 = 0
    start = np.uint64(0)
    while start < total:
        stop = min(start + _MEMBER_BLOCK, total)
        hit = np.int64(0)
        for b in range(start, stop):
            bucket = _bucket_of(column[b], low, scale, last)
            hit |= np.int64(bucket == target0) | np.int64(bucket == target1)
        if hit:
            for b in range(start, stop):
                value = column[b]
                bucket = _bucket_of(value, low, scale, last)
                if bucket == target0:
                    members0[found0] = value
                    found0 += 1
                if bucket == target1:
                    members1[found1] = value
                    found1 += 1
        start = stop
