"""Numba kernels of the Monte Carlo bootstrap.

The B replicates are cut into chunks of :data:`CHUNK` replicates; a chunk is computed by one
thread, and inside a chunk :data:`~kernels._random.LANES` replicates are computed side by side
so that the random-number arithmetic vectorises. Each replicate draws its indices from its own
counter range (see :mod:`kernels._random`) and adds its values up in slot order, so the
replicate values do not depend on the chunking or on the number of threads.

Replicates are stored on a grid per statistic: for whole-number data the grid values are
integers (sums, twice a median, ``n * sum x^2 - (sum x)^2``), so that equality with the
observed statistic, which BCa counts as one half, is exact; for other data they are floats.

Families of resampling loops:

- ``GATHER``: sum of the resampled values of one 1-D sample (sorted), any dtype;
- ``CATEGORY``: the same sum for whole-number data with few distinct values, computed by
  comparing each draw with the category boundaries instead of loading the value (identical
  results, fewer memory accesses);
- ``JOINT``: per-item sums of 2-D data, the same respondents drawn for every item (whole
  numbers packed as bit fields, several items per 64-bit addition);
- ``MEDIAN`` and ``VARIANCE``: per-replicate counts of each respondent, then the statistic
  of each item from those counts.

Samples small enough for narrow (16-bit) slots (see :mod:`kernels._random`) use the
``*_narrow`` loops: the random words of :data:`~kernels._random.LANES` replicates are
generated first, then consumed as 16-bit lanes, four slots per word. The slot width is a
function of n alone, so every family draws the same indices for the same replicate.
"""

import math

import numpy as np
from numba import njit, prange

from . import _grid
from ._normal import bca_adjusted_z, normal_quantile
from ._random import (
    GOLDEN,
    LANES,
    LOW32,
    U32,
    draw_lane_indices,
    draw_lane_indices_narrow,
    fill_lane_words,
    lane_start,
    mix64,
    narrow_slots,
    narrow_threshold,
    redraw_replicate_narrow,
    redraw_replicate_slots,
    rejection_threshold,
)

CHUNK = 64 * LANES
SELECT_BUCKETS = 4096
GATHER, CATEGORY, JOINT, MEDIAN, VARIANCE = 0, 1, 2, 3, 4


@njit(cache=True)
def gather_sums(key, x, word_offset, b0, nb, buf):
    """``buf[0, i]`` = sum of the n resampled values of replicate ``b0 + i`` (x is 1-D)."""
    n = x.shape[0]
    threshold = rejection_threshold(n)
    n64 = np.uint64(n)
    n_words = n >> 1
    acc = np.zeros(LANES, dtype=x.dtype)
    rejected = np.zeros(LANES, dtype=np.uint64)
    start = np.zeros(LANES, dtype=np.uint64)
    for g in range(0, nb, LANES):
        for r in range(LANES):
            acc[r] = 0
            rejected[r] = 0
            start[r] = lane_start(key, b0 + g + r) + np.uint64(word_offset) * GOLDEN
        for w in range(n_words):
            step = np.uint64(w) * GOLDEN
            for r in range(LANES):
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
            for r in range(LANES):
                lo = (mix64(start[r] + step) & LOW32) * n64
                acc[r] += x[np.int64(lo >> U32)]
                rejected[r] |= np.uint64((lo & LOW32) < threshold)
        for r in range(LANES):
            if g + r >= nb:
                break
            if rejected[r]:
                row = np.empty(n, dtype=np.int64)
                redraw_replicate_slots(key, b0 + g + r, word_offset, n, threshold, row)
                total = x[0] * 0
                for j in range(n):
                    total += x[row[j]]
                acc[r] = total
            buf[0, g + r] = acc[r]


@njit(cache=True)
def category_sums(key, n, bounds, steps, base, word_offset, b0, nb, buf):
    """Like :func:`gather_sums` for sorted whole-number data with few distinct values.

    The sorted data are ``base / n`` up to index ``first[1]``, then ``steps[0]`` higher up to
    ``first[2]``, and so on; ``bounds[c] = first[c + 1] * 2**32``. A draw with product
    ``r * n`` lands at index ``(r * n) >> 32``, which is at or past ``first[c + 1]`` exactly
    when ``r * n >= bounds[c]``; counting those comparisons gives the same sum as loading the
    values.
    """
    threshold = rejection_threshold(n)
    n64 = np.uint64(n)
    n_words = n >> 1
    n_bounds = bounds.shape[0]
    acc = np.zeros(LANES, dtype=np.int64)
    rejected = np.zeros(LANES, dtype=np.uint64)
    start = np.zeros(LANES, dtype=np.uint64)
    low_products = np.zeros(LANES, dtype=np.uint64)
    high_products = np.zeros(LANES, dtype=np.uint64)
    for g in range(0, nb, LANES):
        for r in range(LANES):
            acc[r] = 0
            rejected[r] = 0
            start[r] = lane_start(key, b0 + g + r) + np.uint64(word_offset) * GOLDEN
        for w in range(n_words):
            step = np.uint64(w) * GOLDEN
            for r in range(LANES):
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
                for r in range(LANES):
                    acc[r] += weight * (
                        np.int64(low_products[r] >= bound) + np.int64(high_products[r] >= bound)
                    )
        if n & 1:
            step = np.uint64(n_words) * GOLDEN
            for r in range(LANES):
                lo = (mix64(start[r] + step) & LOW32) * n64
                low_products[r] = lo
                rejected[r] |= np.uint64((lo & LOW32) < threshold)
            for c in range(n_bounds):
                for r in range(LANES):
                    acc[r] += steps[c] * np.int64(low_products[r] >= bounds[c])
        for r in range(LANES):
            if g + r >= nb:
                break
            if rejected[r]:
                row = np.empty(n, dtype=np.int64)
                redraw_replicate_slots(key, b0 + g + r, word_offset, n, threshold, row)
                total = 0
                for j in range(n):
                    product = np.uint64(row[j]) << U32
                    for c in range(n_bounds):
                        total += steps[c] * np.int64(product >= bounds[c])
                acc[r] = total
            buf[0, g + r] = base + acc[r]


@njit(cache=True)
def lane_indices(key, first_replicate, word_offset, n, idx, rejected, start, words):
    """``idx[j, r]``: slot j of replicate ``first_replicate + r`` (narrow or wide slots)."""
    if narrow_slots(n):
        draw_lane_indices_narrow(key, first_replicate, word_offset, n, LANES, idx, words, start)
    else:
        threshold = rejection_threshold(n)
        draw_lane_indices(key, first_replicate, word_offset, n, threshold, idx, rejected, start)


@njit(cache=True)
def tail_mask(n, width):
    """``mask[0]``: which quarter lanes of the last word row hold a slot (``lane & 3 <
    n & 3``, all of them when 4 divides n); ``mask[1]``: every lane (the full rows)."""
    mask = np.ones((2, width), dtype=np.bool_)
    tail = n & 3
    if tail:
        for lane in range(width):
            mask[0, lane] = (lane & 3) < tail
    return mask


@njit(cache=True)
def gather_sums_narrow(key, x, word_offset, b0, nb, buf, lanes):
    """:func:`gather_sums` with narrow (16-bit) slots, four per random word.

    The words of ``lanes`` replicates are generated first (vectorised across replicates),
    then read as 16-bit quarters: quarter lane ``l = 4 r + s`` of word row ``w`` is slot
    ``4 w + s`` of replicate r. Each quarter lane keeps its own partial sum (slots s, s + 4,
    ... in order) and a replicate's value is ``((a0 + a1) + a2) + a3``: a fixed order, the
    same in the redraw of a rejected replicate, whatever the thread count.
    """
    n = x.shape[0]
    n_words = (n + 3) >> 2
    full = n >> 2
    width = 4 * lanes
    valid = tail_mask(n, width)
    words = np.empty(n_words * lanes, dtype=np.uint64)
    start = np.empty(lanes, dtype=np.uint64)
    quarters = words.view(np.uint16)
    acc = np.zeros(width, dtype=x.dtype)
    rejected = np.zeros(width, dtype=np.uint16)
    index = np.zeros(width, dtype=np.uint32)
    row = np.empty(n, dtype=np.int64)
    threshold = narrow_threshold(n)
    n32 = np.uint32(n)
    shift = np.uint32(16)
    zero = x[0] * 0
    for g in range(0, nb, lanes):
        fill_lane_words(key, b0 + g, word_offset, n_words, lanes, words, start)
        acc[:] = 0
        rejected[:] = 0
        for w in range(full):
            base = w * width
            for lane in range(width):
                product = np.uint32(quarters[base + lane]) * n32
                index[lane] = product >> shift
                rejected[lane] |= np.uint16(product) < threshold
            for lane in range(width):
                acc[lane] += x[index[lane]]
        if full < n_words:
            base = full * width
            mask = valid[0]
            for lane in range(width):
                product = np.uint32(quarters[base + lane]) * n32
                index[lane] = product >> shift
                rejected[lane] |= mask[lane] & (np.uint16(product) < threshold)
            for lane in range(width):
                value = x[index[lane]]
                acc[lane] += value if mask[lane] else zero
        for r in range(lanes):
            if g + r >= nb:
                break
            q = 4 * r
            if rejected[q] | rejected[q + 1] | rejected[q + 2] | rejected[q + 3]:
                redraw_replicate_narrow(key, b0 + g + r, word_offset, n, threshold, row)
                part = np.zeros(4, dtype=x.dtype)
                for j in range(n):
                    part[j & 3] += x[row[j]]
                buf[0, g + r] = ((part[0] + part[1]) + part[2]) + part[3]
            else:
                buf[0, g + r] = ((acc[q] + acc[q + 1]) + acc[q + 2]) + acc[q + 3]


@njit(cache=True)
def category_sums_narrow(key, n, first, steps, base_value, word_offset, b0, nb, buf, lanes):
    """:func:`category_sums` with narrow slots: pure 16-bit comparisons, no multiply.

    With Lemire's map the index ``(u n) >> 16`` is at or past ``first[c]`` exactly when
    ``u >= ceil(first[c] 2**16 / n)``, so each category boundary becomes a threshold on the
    raw 16-bit value ``u``; the rejection test still needs ``(u n) mod 2**16``.
    """
    n_words = (n + 3) >> 2
    width = 4 * lanes
    n_bounds = first.shape[0]
    cuts = np.zeros(max(n_bounds, 1), dtype=np.uint16)
    weights = np.zeros(max(n_bounds, 1), dtype=np.int32)
    for c in range(n_bounds):
        cuts[c] = np.uint16(((first[c] << 16) + n - 1) // n)
        weights[c] = np.int32(steps[c])
    valid = tail_mask(n, width)
    words = np.empty(n_words * lanes, dtype=np.uint64)
    start = np.empty(lanes, dtype=np.uint64)
    quarters = words.view(np.uint16)
    acc = np.zeros(width, dtype=np.int32)
    rejected = np.zeros(width, dtype=np.uint16)
    row = np.empty(n, dtype=np.int64)
    threshold = narrow_threshold(n)
    n16 = np.uint16(n)
    for g in range(0, nb, lanes):
        fill_lane_words(key, b0 + g, word_offset, n_words, lanes, words, start)
        acc[:] = 0
        rejected[:] = 0
        for w in range(n_words):
            base = w * width
            mask = valid[min(n_words - 1 - w, 1)]
            cut = cuts[0]
            weight = weights[0]
            for lane in range(width):
                u = quarters[base + lane]
                keep = mask[lane]
                rejected[lane] |= keep & (np.uint16(u * n16) < threshold)
                acc[lane] += weight * np.int32(keep & (u >= cut))
            for c in range(1, n_bounds):
                cut = cuts[c]
                weight = weights[c]
                for lane in range(width):
                    acc[lane] += weight * np.int32(mask[lane] & (quarters[base + lane] >= cut))
        for r in range(lanes):
            if g + r >= nb:
                break
            q = 4 * r
            if rejected[q] | rejected[q + 1] | rejected[q + 2] | rejected[q + 3]:
                redraw_replicate_narrow(key, b0 + g + r, word_offset, n, threshold, row)
                total = 0
                for j in range(n):
                    for c in range(n_bounds):
                        total += steps[c] * np.int64(row[j] >= first[c])
                buf[0, g + r] = base_value + total
            else:
                buf[0, g + r] = base_value + acc[q] + acc[q + 1] + acc[q + 2] + acc[q + 3]


@njit(cache=True)
def joint_sums(key, xt, word_offset, b0, nb, buf):
    """``buf[item, i]`` = sum over the resampled respondents of replicate ``b0 + i``.

    ``xt`` is respondents x items (floats); the same respondents are drawn for every item.
    """
    n, items = xt.shape
    idx = np.empty((n, LANES), dtype=np.int64)
    rejected = np.zeros(LANES, dtype=np.uint64)
    start = np.zeros(LANES, dtype=np.uint64)
    words = np.empty(((n + 3) >> 2) * LANES, dtype=np.uint64)
    acc = np.zeros((LANES, items), dtype=xt.dtype)
    for g in range(0, nb, LANES):
        lane_indices(key, b0 + g, word_offset, n, idx, rejected, start, words)
        acc[:, :] = 0
        for j in range(n):
            for r in range(LANES):
                row = idx[j, r]
                for item in range(items):
                    acc[r, item] += xt[row, item]
        for r in range(LANES):
            if g + r >= nb:
                break
            for item in range(items):
                buf[item, g + r] = acc[r, item]


@njit(cache=True)
def joint_sums_packed(key, packed, offsets, bits, word_offset, b0, nb, buf):
    """:func:`joint_sums` for whole numbers, several items per 64-bit word.

    ``packed[i, w]`` holds respondent i's answers to items ``w * (64 // bits) + f`` minus
    the item's smallest answer, in bit fields ``[f bits, (f + 1) bits)`` wide enough for a
    sum of n answers, so one 64-bit addition adds up to 64 / bits items at once (eight
    0/1 items for n <= 255) and no field carries into the next. Item sums are the fields
    plus ``offsets[item]`` (n times the smallest answer): exact integers.
    """
    n, n_words = packed.shape
    items = buf.shape[0]
    per_word = 64 // bits
    mask = (
        np.uint64(0xFFFFFFFFFFFFFFFF)
        if bits == 64
        else (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    )
    idx = np.empty((n, LANES), dtype=np.int64)
    rejected = np.zeros(LANES, dtype=np.uint64)
    start = np.zeros(LANES, dtype=np.uint64)
    words = np.empty(((n + 3) >> 2) * LANES, dtype=np.uint64)
    for g in range(0, nb, LANES):
        lane_indices(key, b0 + g, word_offset, n, idx, rejected, start, words)
        for r in range(LANES):
            if g + r >= nb:
                break
            for w in range(n_words):
                total = np.uint64(0)
                for j in range(n):
                    total += np.uint64(packed[idx[j, r], w])
                first_item = w * per_word
                for f in range(min(per_word, items - first_item)):
                    field = (total >> np.uint64(f * bits)) & mask
                    buf[first_item + f, g + r] = offsets[first_item + f] + np.int64(field)


@njit(cache=True)
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


@njit(cache=True)
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


@njit(cache=True)
def counted_statistics(key, xt, order, family, integer_grid, word_offset, b0, nb, buf):
    """Median or variance of every item for each replicate, from respondent counts."""
    n, items = xt.shape
    idx = np.empty((n, LANES), dtype=np.int64)
    rejected = np.zeros(LANES, dtype=np.uint64)
    start = np.zeros(LANES, dtype=np.uint64)
    words = np.empty(((n + 3) >> 2) * LANES, dtype=np.uint64)
    counts = np.zeros(n, dtype=np.int64)
    column = np.empty(n, dtype=xt.dtype)
    for g in range(0, nb, LANES):
        lane_indices(key, b0 + g, word_offset, n, idx, rejected, start, words)
        for r in range(LANES):
            if g + r >= nb:
                break
            counts[:] = 0
            for j in range(n):
                counts[idx[j, r]] += 1
            for item in range(items):
                for i in range(n):
                    column[i] = xt[i, item]
                if family == MEDIAN:
                    buf[item, g + r] = median_grid(counts, column, order[item], integer_grid)
                else:
                    buf[item, g + r] = variance_grid(counts, column, integer_grid)


@njit(cache=True)
def store_chunk(buf, n_samples, n1, n2, integer_grid, b0, nb, out):
    """Copy a chunk's replicates into ``out``; for two samples store mean(x*) - mean(y*)."""
    for item in range(out.shape[0]):
        for i in range(nb):
            if n_samples == 1:
                out[item, b0 + i] = buf[0, item, i]
            elif integer_grid:
                # k1/n1 - k2/n2 on the common grid 1/(n1 n2): exact integers
                out[item, b0 + i] = n2 * buf[0, item, i] - n1 * buf[1, item, i]
            else:
                out[item, b0 + i] = buf[0, item, i] / n1 - buf[1, item, i] / n2


@njit(cache=True)
def sums_chunk(
    chunk,
    family,
    key,
    n_resamples,
    second_offset,
    n_samples,
    integer_grid,
    x1,
    x1t,
    first1,
    steps1,
    base1,
    x2,
    x2t,
    first2,
    steps2,
    base2,
    out,
    lanes,
):
    """One chunk of the sum families (GATHER, CATEGORY, JOINT), one or two samples."""
    b0 = chunk * CHUNK
    nb = min(CHUNK, n_resamples - b0)
    buf = np.empty((n_samples, out.shape[0], CHUNK), dtype=out.dtype)
    for s in range(n_samples):
        x = x1 if s == 0 else x2
        xt = x1t if s == 0 else x2t
        offset = 0 if s == 0 else second_offset
        narrow = narrow_slots(x.shape[0])
        if family == GATHER:
            if narrow:
                gather_sums_narrow(key, x, offset, b0, nb, buf[s], lanes)
            else:
                gather_sums(key, x, offset, b0, nb, buf[s])
        elif family == CATEGORY:
            first = first1 if s == 0 else first2
            steps = steps1 if s == 0 else steps2
            base = base1 if s == 0 else base2
            if narrow:
                category_sums_narrow(
                    key, x.shape[0], first, steps, base, offset, b0, nb, buf[s], lanes
                )
            else:
                bounds = np.empty(first.shape[0], dtype=np.uint64)
                for c in range(first.shape[0]):
                    bounds[c] = np.uint64(first[c]) << U32
                category_sums(key, x.shape[0], bounds, steps, base, offset, b0, nb, buf[s])
        elif integer_grid:
            offsets = first1 if s == 0 else first2
            bits = base1 if s == 0 else base2
            joint_sums_packed(key, xt, offsets, bits, offset, b0, nb, buf[s])
        else:
            joint_sums(key, xt, offset, b0, nb, buf[s])
    store_chunk(buf, n_samples, x1t.shape[0], x2t.shape[0], integer_grid, b0, nb, out)


@njit(cache=True, parallel=True)
def sums_parallel(
    family,
    key,
    n_resamples,
    second_offset,
    n_samples,
    integer_grid,
    x1,
    x1t,
    first1,
    steps1,
    base1,
    x2,
    x2t,
    first2,
    steps2,
    base2,
    out,
    lanes,
):
    for chunk in prange((n_resamples + CHUNK - 1) // CHUNK):
        sums_chunk(
            chunk,
            family,
            key,
            n_resamples,
            second_offset,
            n_samples,
            integer_grid,
            x1,
            x1t,
            first1,
            steps1,
            base1,
            x2,
            x2t,
            first2,
            steps2,
            base2,
            out,
            lanes,
        )


@njit(cache=True)
def sums_serial(
    family,
    key,
    n_resamples,
    second_offset,
    n_samples,
    integer_grid,
    x1,
    x1t,
    first1,
    steps1,
    base1,
    x2,
    x2t,
    first2,
    steps2,
    base2,
    out,
    lanes,
):
    for chunk in range((n_resamples + CHUNK - 1) // CHUNK):
        sums_chunk(
            chunk,
            family,
            key,
            n_resamples,
            second_offset,
            n_samples,
            integer_grid,
            x1,
            x1t,
            first1,
            steps1,
            base1,
            x2,
            x2t,
            first2,
            steps2,
            base2,
            out,
            lanes,
        )


@njit(cache=True)
def counted_chunk(chunk, family, key, n_resamples, integer_grid, xt, order, out):
    b0 = chunk * CHUNK
    nb = min(CHUNK, n_resamples - b0)
    buf = np.empty((out.shape[0], CHUNK), dtype=xt.dtype)
    counted_statistics(key, xt, order, family, integer_grid, 0, b0, nb, buf)
    for item in range(out.shape[0]):
        for i in range(nb):
            out[item, b0 + i] = buf[item, i]


@njit(cache=True, parallel=True)
def counted_parallel(family, key, n_resamples, integer_grid, xt, order, out):
    for chunk in prange((n_resamples + CHUNK - 1) // CHUNK):
        counted_chunk(chunk, family, key, n_resamples, integer_grid, xt, order, out)


@njit(cache=True)
def counted_serial(family, key, n_resamples, integer_grid, xt, order, out):
    for chunk in range((n_resamples + CHUNK - 1) // CHUNK):
        counted_chunk(chunk, family, key, n_resamples, integer_grid, xt, order, out)


# ---------------------------------------------------------------------------------------
# From replicates to an interval


@njit(cache=True)
def select_kth(values, lo, hi, k):
    """k-th smallest of ``values[lo..hi]`` (in place, Hoare quickselect, median-of-three).

    On return every element after position k is >= ``values[k]``, so a larger rank can be
    selected next within ``[k, hi]``.
    """
    while hi > lo:
        mid = (lo + hi) >> 1
        if values[mid] < values[lo]:
            values[mid], values[lo] = values[lo], values[mid]
        if values[hi] < values[lo]:
            values[hi], values[lo] = values[lo], values[hi]
        if values[hi] < values[mid]:
            values[hi], values[mid] = values[mid], values[hi]
        pivot = values[mid]
        i = lo
        j = hi
        while i <= j:
            while values[i] < pivot:
                i += 1
            while values[j] > pivot:
                j -= 1
            if i <= j:
                values[i], values[j] = values[j], values[i]
                i += 1
                j -= 1
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            return values[k]
    return values[k]


@njit(cache=True)
def adjusted_levels(method, alpha_half, z0, acceleration):
    """(q_low, 1 - q_low, q_high, 1 - q_high) of the percentile or BCa interval."""
    if method == _grid.BCA:
        z_low = bca_adjusted_z(z0, acceleration, normal_quantile(alpha_half))
        z_high = bca_adjusted_z(z0, acceleration, -normal_quantile(alpha_half))
        return (_normal_cdf(z_low), _normal_cdf(-z_low), _normal_cdf(z_high), _normal_cdf(-z_high))
    return alpha_half, 1.0 - alpha_half, 1.0 - alpha_half, alpha_half


@njit(cache=True)
def _normal_cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


@njit(cache=True)
def bias_correction_from_counts(method, below, equal, total):
    """BCa's z0 from the counts below and equal to the observed statistic (NaN otherwise)."""
    if method != _grid.BCA:
        return math.nan
    share = (below + 0.5 * equal) / total
    share = min(max(share, 0.5 / total), 1.0 - 0.5 / total)
    return normal_quantile(share)


@njit(cache=True)
def summarize_column(column, observed, method, alpha_half, acceleration, use_histogram):
    """(low, high, z0, degenerate) of one item's replicates, on the replicates' grid.

    ``low``/``high`` are the percentile (or BCa) endpoints; the basic interval is reflected
    by the caller after decoding. z0 counts replicates equal to ``observed`` as one half and
    is clipped to ``[1/(2B), 1 - 1/(2B)]`` so that it stays finite when every replicate lies
    on one side of the observed statistic.
    """
    total = column.shape[0]
    smallest = column[0]
    largest = column[0]
    below = 0
    equal = 0
    for b in range(total):
        value = column[b]
        if value < smallest:
            smallest = value
        if value > largest:
            largest = value
        # branch-free: the comparison with the observed value is a coin flip
        below += value < observed
        equal += value == observed
    z0 = bias_correction_from_counts(method, below, equal, total)
    if smallest == largest:
        return float(smallest), float(smallest), z0, True
    q_low, q_low_complement, q_high, q_high_complement = adjusted_levels(
        method, alpha_half, z0, acceleration
    )
    if use_histogram:
        span = np.int64(largest - smallest) + 1
        counts = np.zeros(span, dtype=np.int64)
        for b in range(total):
            counts[np.int64(column[b] - smallest)] += 1
        low = _grid.count_quantile(counts, total, q_low, q_low_complement)
        high = _grid.count_quantile(counts, total, q_high, q_high_complement)
        return float(smallest + low), float(smallest + high), z0, False
    rank_low = _grid.rank_of_quantile(total, q_low, q_low_complement) - 1
    rank_high = _grid.rank_of_quantile(total, q_high, q_high_complement) - 1
    low, high = select_two(column, smallest, largest, rank_low, rank_high)
    return float(low), float(high), z0, False


@njit(cache=True)
def select_two(column, smallest, largest, rank_a, rank_b):
    """The order statistics of 0-based ranks ``rank_a`` and ``rank_b`` of ``column``.

    Bucket selection: the values are counted into :data:`SELECT_BUCKETS` equal-width buckets
    (the bucket index is a non-decreasing function of the value, so ranks are preserved),
    the buckets holding the two ranks are located from the cumulative counts, and only
    their members are copied out and selected exactly. Two streaming passes instead of a
    quickselect over all B values.
    """
    total = column.shape[0]
    scale = SELECT_BUCKETS / (largest - smallest)
    counts = np.zeros(SELECT_BUCKETS + 1, dtype=np.int64)
    for b in range(total):
        counts[min(np.int64((column[b] - smallest) * scale), SELECT_BUCKETS - 1)] += 1
    bucket_a = bucket_b = 0
    before_a = before_b = 0
    cumulative = 0
    for j in range(SELECT_BUCKETS):
        if cumulative <= rank_a < cumulative + counts[j]:
            bucket_a = j
            before_a = cumulative
        if cumulative <= rank_b < cumulative + counts[j]:
            bucket_b = j
            before_b = cumulative
        cumulative += counts[j]
    members_a = np.empty(counts[bucket_a], dtype=column.dtype)
    members_b = np.empty(counts[bucket_b], dtype=column.dtype)
    filled_a = filled_b = 0
    for b in range(total):
        j = min(np.int64((column[b] - smallest) * scale), SELECT_BUCKETS - 1)
        if j == bucket_a:
            members_a[filled_a] = column[b]
            filled_a += 1
        if j == bucket_b:
            members_b[filled_b] = column[b]
            filled_b += 1
    value_a = select_kth(members_a, 0, filled_a - 1, rank_a - before_a)
    value_b = select_kth(members_b, 0, filled_b - 1, rank_b - before_b)
    return value_a, value_b


@njit(cache=True)
def summarize_serial(
    replicates, observed, method, alpha_half, acceleration, use_histogram, low, high, z0, degenerate
):
    for item in range(replicates.shape[0]):
        low[item], high[item], z0[item], degenerate[item] = summarize_column(
            replicates[item],
            observed[item],
            method,
            alpha_half,
            acceleration[item],
            use_histogram,
        )


@njit(cache=True, parallel=True)
def summarize_parallel(
    replicates, observed, method, alpha_half, acceleration, use_histogram, low, high, z0, degenerate
):
    for item in prange(replicates.shape[0]):
        low[item], high[item], z0[item], degenerate[item] = summarize_column(
            replicates[item],
            observed[item],
            method,
            alpha_half,
            acceleration[item],
            use_histogram,
        )
