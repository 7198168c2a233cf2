"""Ranking the resampled sums of a float sample by whole-number sums, exactly.

A percentile or BCa interval needs, of the B replicate sums, only how many lie below the
observed sum and how many equal it, and the two replicates of the interval's ranks. This
module gets those without adding up every replicate in float64:

1. Each value of the sorted sample is mapped to a whole number
   ``q_i = round((x_i - x_0) * scale)`` in ``[0, 65535]`` (a :class:`Quantized` table), and
   every replicate's ``A_b = sum of q`` at its indices is computed by table lookups
   (:func:`quantized_sums_narrow`: the same indices as
   :func:`~kernels._resampling.gather_sums_narrow`, 32 lookups per AVX-512 instruction,
   integer additions, so no order of addition matters).
2. ``A_b`` is within ``margin`` (:func:`quantize` derives it) of ``t(E_b)``, where ``E_b`` is
   the replicate's float sum as :func:`~kernels._resampling.gather_sums_narrow` computes it
   and ``t(v) = (v - n x_0) * scale`` in float64, which never decreases as v grows. So a
   replicate with ``A_b`` more than ``margin`` below ``t(observed)`` has ``E_b`` below the
   observed sum, one more than ``margin`` above lies above it, and only those in between
   are added up in float64 (:func:`_float_sum`, as the sums are made) to be counted.
3. The replicate of rank k: ``a``, the k-th smallest ``A_b``, is within ``margin`` of
   ``t(E_(k))``. Every replicate with ``A_b < a - 2 margin`` has ``E_b < E_(k)``, every one
   with ``A_b > a + 2 margin`` has ``E_b > E_(k)``; so with L replicates of the first kind,
   ``E_(k)`` is the (k - L)-th smallest float sum of the replicates in between, which are
   added up exactly (a few dozen of 10^5).

The interval is therefore the one the float sums give, bit for bit. The lookups need
AVX-512BW (``vpermi2w``: 64 16-bit entries, 32 lookups at once); :func:`available` says
whether numba compiles for such a CPU, and without it the float sums are computed as
before. The margin grows with ``max |x| / (x_max - x_min)``; a sample whose values are
nearly equal compared with their size (:data:`MAX_MARGIN`) is summed in float64 too.
"""

from __future__ import annotations

import functools
import math
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.cpython.unsafe.numbers import trailing_zeros
from numba.extending import intrinsic

from . import _threads
from ._jit import kernel, nested
from ._random import (
    fill_lane_words,
    lane_scratch,
    narrow_threshold,
    redraw_replicate_narrow,
    reserve_product,
)
from ._resampling import CLAIM_GROUPS, GATHER_LANES, _take_chunk
from ._streams import _THREE, _TWO, LOW16, U16, U32

#: Entries of the lookup table (two 512-bit registers of 16-bit values): samples of up to
#: this many values.
TABLE_SIZE = 64
#: The largest whole number a sample value maps to.
QUANTUM_STEPS = 65535
#: Above this margin (in whole-number steps) the sums are computed in float64 instead.
MAX_MARGIN = 1000.0
#: The histogram of the whole-number sums has at most this many buckets (see
#: :func:`interval`).
MAX_BUCKETS = 16384
#: Replicates per group (those of the float sums; a chunk of the shared range is
#: :data:`~kernels._resampling.CLAIM_GROUPS` groups, as there).
LANES = GATHER_LANES
_UNIT_ROUNDOFF = 2.0**-53


@functools.lru_cache(maxsize=1)
def available() -> bool:
    """Whether numba compiles for a CPU with AVX-512BW (the host's, unless
    ``NUMBA_CPU_NAME`` names another or ``NUMBA_CPU_FEATURES`` leaves it out)."""
    from numba import config

    if config.DISABLE_JIT or config.CPU_NAME not in (None, "", "host"):
        return False
    if config.CPU_FEATURES:
        named = set(config.CPU_FEATURES.split(","))
        return {"+avx512f", "+avx512bw"} <= named
    import llvmlite.binding as llvm

    try:
        features = llvm.get_host_cpu_features()
    except RuntimeError:
        return False
    return bool(features.get("avx512bw")) and bool(features.get("avx512f"))


@dataclass(frozen=True)
class Quantized:
    """The whole-number image of a sorted sample: ``table[i] = q_i`` (0 past the sample),
    ``padded``, the sample followed by -0.0 (as the float sums read
    it), ``origin = n * x_0`` and ``scale`` of ``t``, and ``margin``, the
    bound on ``|A_b - t(E_b)|``."""

    table: np.ndarray
    padded: np.ndarray
    n: int
    origin: float
    scale: float
    margin: float

    def position(self, value: float) -> float:
        """``t(value)``: a float sum's place on the whole-number scale."""
        return (value - self.origin) * self.scale


def quantize(values: np.ndarray) -> Quantized | None:
    """The :class:`Quantized` image of the sorted float sample ``values`` (1-D), or None
    where ranking by it cannot pay: more values than the table holds, a constant sample,
    or a margin above :data:`MAX_MARGIN`.

    The margin bounds ``|A_b - t(E_b)|`` for every replicate (n values, X = max |x|,
    u = 2**-53, gamma = n u / (1 - n u)):

    - ``|q_i - (x_i - x_0) scale| <= 0.5 + 2u * 65535``: rounding to the whole number, and
      the two float operations before it;
    - ``|E_b - S_b| <= gamma * n X``, S_b the exact sum (any order of n - 1 additions);
    - ``t`` computed in float64 (``c = n x_0`` rounded, ``v - c`` rounded, times ``scale``
      rounded) is within ``(u + 2u + 2u) n X scale`` of the exact ``(E_b - n x_0) scale``;
      and ``(S_b - n x_0) scale`` is the sum of the exact ``(x_i - x_0) scale``.

    So ``margin = n (0.5 + 2u 65535) + (gamma + 6u) n X scale``, plus one step for the
    float operations that compute it.
    """
    n = values.shape[0]
    if n > TABLE_SIZE:
        return None
    lowest, highest = float(values[0]), float(values[-1])
    spread = highest - lowest
    if not spread > 0.0:
        return None
    scale = QUANTUM_STEPS / spread
    if not math.isfinite(scale):
        return None
    steps = np.rint((values - lowest) * scale)
    table = np.zeros(TABLE_SIZE, dtype=np.uint16)
    table[:n] = np.clip(steps, 0, QUANTUM_STEPS).astype(np.uint16)
    largest = float(np.max(np.abs(values)))
    gamma = n * _UNIT_ROUNDOFF / (1.0 - n * _UNIT_ROUNDOFF)
    rounding = n * (0.5 + 2.0 * _UNIT_ROUNDOFF * QUANTUM_STEPS)
    summing = (gamma + 6.0 * _UNIT_ROUNDOFF) * n * largest * scale
    margin = rounding + summing + 1.0
    if not (math.isfinite(margin) and margin <= MAX_MARGIN):
        return None
    padded = np.append(values, -0.0)
    return Quantized(table, padded, n, float(n * lowest), scale, margin)


#: What :func:`quantized_sums_narrow` keeps of one thread's replicates: ``sums`` (int32)
#: and ``flags`` (uint16, nonzero: a biased quarter) of one group of :data:`LANES`
#: replicates, ``keep`` (uint16[32], 0xFFFF where the last word's quarter is a slot of the
#: sample, see :func:`_quarter_sums`); ``histogram`` (int32), the buckets ``A >> shift``
#: (``shift``: int64[1]); ``bounds`` (int64[2]): the window ``[low, high]`` around the
#: observed sum ``observed`` (float64[1]), whose replicates are added up in float64
#: (``row``: scratch of n int64); ``counts`` (int64[2]): how many float sums lie below
#: ``observed`` and how many equal it; ``scratch``: the
#: :func:`~kernels._random.lane_scratch` of its groups of replicates.
Tally = namedtuple(
    "Tally",
    [
        "sums",
        "flags",
        "keep",
        "histogram",
        "shift",
        "bounds",
        "observed",
        "row",
        "counts",
        "scratch",
    ],
)


@functools.lru_cache(maxsize=64)
def _last_word_mask(n: int) -> np.ndarray:
    """0xFFFF at the quarter positions of the last word that are slots of a sample of n."""
    used = n - 4 * ((n - 1) // 4)
    return np.where(np.arange(32) % 4 < used, 0xFFFF, 0).astype(np.uint16)


def new_tally(n: int, histogram, shift: int, low: int, high: int, observed: float) -> Tally:
    """A :class:`Tally` for one thread (a sample of n values) that counts into
    ``histogram`` (int32, zeros)."""
    return Tally(
        np.empty(LANES, dtype=np.int32),
        np.empty(LANES, dtype=np.uint16),
        _last_word_mask(n),
        histogram,
        np.array([shift], dtype=np.int64),
        np.array([low, high], dtype=np.int64),
        np.array([observed]),
        np.empty(n, dtype=np.int64),
        np.zeros(2, dtype=np.int64),
        lane_scratch(n, LANES),
    )


def _splat(builder, value, lanes):
    """A vector of ``lanes`` copies of the scalar ``value``."""
    vector = ir.VectorType(value.type, lanes)
    undefined = ir.Constant(vector, ir.Undefined)
    single = builder.insert_element(undefined, value, ir.Constant(ir.IntType(32), 0))
    return builder.shuffle_vector(
        single, undefined, ir.Constant(ir.VectorType(ir.IntType(32), lanes), [0] * lanes)
    )


def _vector_function(builder, name, vector, arity):
    return cgutils.get_or_insert_function(
        builder.module, ir.FunctionType(vector, [vector] * arity), name
    )


@intrinsic
def _quarter_sums(typingctx, table, quarters, first, stride, count, n, threshold, keep, out, flags):
    """The whole-number sums of 8 replicates at once: the 32 quarter positions
    ``first + i`` (4 per replicate) of the words ``c < count`` (``quarters[first + c *
    stride + i]``) are mapped to their narrow indices ``(quarter * n) >> 16`` (as
    :func:`~kernels._random.narrow_lane_indices` maps them) and looked up in ``table``;
    ``out[first / 4 + r]`` (int32) receives replicate r's sum, and ``flags[first / 4 + r]``
    (uint16) is nonzero where one of its quarters is biased (``(quarter * n) mod 2**16``
    below ``threshold``; that sum then counts the biased quarters' lookups too). In the
    last word only the positions where ``keep[i]`` (uint16, 32) is 0xFFFF count: the others
    are past the sample's last slot.

    One ``vpmullw``, ``vpmulhuw`` and ``vpermi2w`` (``table``: 64 uint16, two registers)
    per 32 quarters, so the indices are never stored; the caller corrects the sums of the
    replicates with a biased quarter (:func:`_redrawn_sum`)."""
    arrays = (table, quarters, keep, out, flags)
    dtypes = (types.uint16, types.uint16, types.uint16, types.int32, types.uint16)
    if not all(
        isinstance(array, types.Array) and array.dtype == dtype
        for array, dtype in zip(arrays, dtypes, strict=True)
    ):
        return None
    signature = types.void(
        table,
        quarters,
        types.uint64,
        types.uint64,
        types.uint64,
        types.uint16,
        types.uint16,
        keep,
        out,
        flags,
    )

    def codegen(context, builder, signature, arguments):
        types_ = signature.args
        table_, quarters_, first_, stride_, count_, n_, threshold_, keep_, out_, flags_ = arguments

        def data(position):
            return context.make_array(types_[position])(context, builder, arguments[position]).data

        half = ir.VectorType(ir.IntType(16), 32)
        wide = ir.VectorType(ir.IntType(32), 32)

        def vector_at(pointer, offset=None):
            if offset is not None:
                pointer = builder.gep(pointer, [offset])
            return builder.bitcast(pointer, half.as_pointer())

        table_pointer = vector_at(data(0))
        low_table = builder.load(table_pointer, align=2)
        high_table = builder.load(
            builder.gep(table_pointer, [ir.Constant(ir.IntType(64), 1)]), align=2
        )
        permute = _vector_function(builder, "llvm.x86.avx512.vpermi2var.hi.512", half, 3)
        high_product = _vector_function(builder, "llvm.x86.avx512.pmulhu.w.512", half, 2)
        n_vector = _splat(builder, n_, 32)
        threshold_vector = _splat(builder, threshold_, 32)
        total = cgutils.alloca_once_value(builder, ir.Constant(wide, None))
        biased = cgutils.alloca_once_value(builder, ir.Constant(half, None))

        def add_word(word, mask):
            quarter = builder.load(
                vector_at(data(1), builder.add(first_, builder.mul(word, stride_))), align=2
            )
            remainder = builder.mul(quarter, n_vector)
            bad = builder.zext(builder.icmp_unsigned("<", remainder, threshold_vector), half)
            found = builder.call(
                permute, [low_table, builder.call(high_product, [quarter, n_vector]), high_table]
            )
            if mask is not None:
                bad = builder.and_(bad, mask)
                found = builder.and_(found, mask)
            builder.store(builder.or_(builder.load(biased), bad), biased)
            builder.store(builder.add(builder.load(total), builder.zext(found, wide)), total)

        one = ir.Constant(ir.IntType(64), 1)
        last = builder.sub(count_, one)
        with cgutils.for_range(builder, last) as loop:
            add_word(loop.index, None)
        add_word(last, builder.load(vector_at(data(7)), align=2))
        # the four quarter positions of each of the 8 replicates, added up (or-ed): lanes
        # 2i and 2i + 1, twice
        sums, bad = builder.load(total), builder.load(biased)
        for size in (16, 8):
            evens = ir.Constant(ir.VectorType(ir.IntType(32), size), list(range(0, 2 * size, 2)))
            odds = ir.Constant(ir.VectorType(ir.IntType(32), size), list(range(1, 2 * size, 2)))
            sums = builder.add(
                builder.shuffle_vector(sums, sums, evens), builder.shuffle_vector(sums, sums, odds)
            )
            bad = builder.or_(
                builder.shuffle_vector(bad, bad, evens), builder.shuffle_vector(bad, bad, odds)
            )
        replicate = builder.lshr(first_, ir.Constant(ir.IntType(64), 2))
        eight = ir.VectorType(ir.IntType(32), 8)
        out_pointer = builder.bitcast(builder.gep(data(8), [replicate]), eight.as_pointer())
        builder.store(sums, out_pointer, align=4)
        flags_pointer = builder.gep(data(9), [replicate])
        builder.store(bad, builder.bitcast(flags_pointer, bad.type.as_pointer()), align=2)
        return context.get_dummy_value()

    return signature, codegen


@nested
def _redrawn_sum(key, replicate, word_offset, n, threshold, words, lanes, lane, table, value):
    """The whole-number sum ``value`` of replicate ``replicate`` (lane ``lane`` of
    ``words``, see :func:`~kernels._random.fill_lane_words`), which counted the lookups of
    its biased quarters too, with those quarters redrawn as
    :func:`~kernels._random.redraw_replicate_narrow` redraws them: in slot order, from the
    replicate's reserve words."""
    base = np.uint64(replicate) << U32
    n64 = np.uint64(n)
    t = np.uint64(threshold)
    reserve = np.uint64(4 * word_offset)
    stride = np.uint64(lanes)
    for j in range(np.uint64(n)):
        word = words[(j >> _TWO) * stride + np.uint64(lane)]
        product = ((word >> (U16 * (j & _THREE))) & LOW16) * n64
        if (product & LOW16) >= t:
            continue
        value -= np.int32(table[product >> U16])
        product, reserve = reserve_product(key, base, product, reserve, n64, t)
        value += np.int32(table[product >> U16])
    return value


@nested
def _float_sum(key, padded, word_offset, replicate, threshold, row):
    """The float sum of one replicate as :func:`~kernels._resampling.gather_sums_narrow`
    adds it up (four partial sums over the slots s, s + 4, ..., then
    ``((a0 + a1) + a2) + a3``), its indices drawn slot by slot
    (:func:`~kernels._random.redraw_replicate_narrow`, the same indices)."""
    n = padded.shape[0] - 1
    redraw_replicate_narrow(key, replicate, word_offset, n, threshold, row)
    zero = padded[0] * 0
    a0 = zero
    a1 = zero
    a2 = zero
    a3 = zero
    for j in range(0, n, 4):
        a0 += padded[row[j]]
        if j + 1 < n:
            a1 += padded[row[j + 1]]
        if j + 2 < n:
            a2 += padded[row[j + 2]]
        if j + 3 < n:
            a3 += padded[row[j + 3]]
    return ((a0 + a1) + a2) + a3


@kernel
def quantized_sums_narrow(key, table, padded, word_offset, claim, b_stop, out, scratch, tally):
    """``out[b] = A_b``, the sum of ``table`` at replicate b's narrow-slot indices (those of
    :func:`~kernels._resampling.gather_sums_narrow`), for the replicates below ``b_stop``
    this call takes from the shared counter ``claim`` (as that kernel takes them), counted
    as they are made into ``tally`` (a :class:`Tally`, one per thread): the histogram of
    their buckets, and how many float sums lie below and at the observed sum, those in the
    window added up in float64 (step 2 of the module). ``padded``: the sorted sample
    followed by -0.0; ``scratch``: a :func:`~kernels._random.lane_scratch` of
    :data:`LANES` replicates.

    The random words are those of :func:`~kernels._random.narrow_lane_indices`; their
    quarters are mapped to indices and looked up in one pass (:func:`_quarter_sums`), and in
    a replicate with a biased quarter the lookups of those quarters are replaced by those of
    the quarters that redraw them (:func:`_redrawn_sum`)."""
    n = padded.shape[0] - 1
    n_words = np.uint64((n + 3) >> 2)
    lanes = scratch.start.shape[0]
    width = np.uint64(4 * lanes)
    group = tally.sums
    flags = tally.flags
    keep = tally.keep
    histogram = tally.histogram
    row = tally.row
    shift = np.int32(tally.shift[0])
    low = np.int32(tally.bounds[0])
    high = np.int32(tally.bounds[1])
    observed = tally.observed[0]
    threshold = narrow_threshold(n)
    n16 = np.uint16(n)
    thirty_two = np.uint64(32)
    below = 0
    equal = 0
    chunk = lanes * CLAIM_GROUPS
    while True:
        first, stop = _take_chunk(claim, chunk, b_stop)
        if first >= b_stop:
            break
        for g in range(first, stop, lanes):
            fill_lane_words(key, g, word_offset, n_words, lanes, scratch.words, scratch.start)
            for c in range(width // thirty_two):
                _quarter_sums(
                    table,
                    scratch.index,
                    np.uint64(c) * thirty_two,
                    width,
                    n_words,
                    n16,
                    threshold,
                    keep,
                    group,
                    flags,
                )
            for r in range(min(stop - g, lanes)):
                value = group[r]
                if flags[r]:
                    value = _redrawn_sum(
                        key, g + r, word_offset, n, threshold, scratch.words, lanes, r, table, value
                    )
                out[g + r] = value
                histogram[value >> shift] += 1
                below += value < low
                if low <= value and value <= high:
                    exact = _float_sum(key, padded, word_offset, g + r, threshold, row)
                    below += exact < observed
                    equal += exact == observed
    tally.counts[0] = below
    tally.counts[1] = equal


#: Replicates :func:`ranked_sums` tests together (one 512-bit register of int32).
_BLOCK = 16


@intrinsic
def _in_spans(typingctx, sums, start, low0, reach0, low1, reach1):
    """Which of the 16 whole-number sums ``sums[start:start + 16]`` lie in each of two
    ranges: bit j of the result is set where ``sums[start + j] - low0 <= reach0`` and bit
    16 + j where ``sums[start + j] - low1 <= reach1`` (unsigned arithmetic), as one vector
    comparison each."""
    if not (isinstance(sums, types.Array) and sums.dtype == types.int32):
        return None
    signature = types.uint32(
        sums, types.uint64, types.uint32, types.uint32, types.uint32, types.uint32
    )

    def codegen(context, builder, signature, arguments):
        array = context.make_array(signature.args[0])(context, builder, arguments[0])
        lane = ir.IntType(32)
        vector = ir.VectorType(lane, _BLOCK)
        pointer = builder.bitcast(builder.gep(array.data, [arguments[1]]), vector.as_pointer())
        values = builder.load(pointer, align=4)

        def hits(low, reach):
            inside = builder.icmp_unsigned(
                "<=",
                builder.sub(values, _splat(builder, low, _BLOCK)),
                _splat(builder, reach, _BLOCK),
            )
            return builder.zext(builder.bitcast(inside, ir.IntType(_BLOCK)), lane)

        first = hits(arguments[2], arguments[3])
        second = hits(arguments[4], arguments[5])
        return builder.or_(first, builder.shl(second, ir.Constant(lane, _BLOCK)))

    return signature, codegen


@kernel
def ranked_sums(key, padded, word_offset, sums, shift, spans, offsets, width, scratch, out):
    """The float sums of two ranks (step 3 of the module) into ``out``, for ``i`` in 0 and
    1: of the replicates whose bucket ``A >> shift`` lies in ``[spans[i, 0], spans[i, 1]]``,
    with ``a`` the ``offsets[i]``-th smallest A among them (0-based), those with
    ``|A - a| <= width`` are added up in float64, and ``out[i]`` is the float sum of rank
    ``offsets[i] - (how many lie below a - width)`` among them. Returns False (and leaves
    ``out``) where that rank is not among them, which the margin rules out.

    ``scratch``: a :class:`RankScratch`. The buckets hold a small share of the replicates,
    so 16 of them are tested at once (:func:`_in_spans`) and only the members are looked
    at, one set bit at a time."""
    members = scratch.members
    levels = scratch.levels
    exact = scratch.exact
    threshold = narrow_threshold(padded.shape[0] - 1)
    low0 = np.uint32(spans[0, 0] << shift)
    reach0 = np.uint32(((spans[0, 1] + 1 - spans[0, 0]) << shift) - 1)
    low1 = np.uint32(spans[1, 0] << shift)
    reach1 = np.uint32(((spans[1, 1] + 1 - spans[1, 0]) << shift) - 1)
    found0 = 0
    found1 = 0
    total = np.uint64(sums.shape[0])
    block = np.uint64(_BLOCK)
    whole = total - total % block
    start = np.uint64(0)
    while start < whole:
        hits = _in_spans(sums, start, low0, reach0, low1, reach1)
        while hits:
            bit = np.uint64(trailing_zeros(hits))
            if bit < block:
                members[0, found0] = start + bit
                found0 += 1
            else:
                members[1, found1] = start + bit - block
                found1 += 1
            hits &= hits - np.uint32(1)
        start += block
    for b in range(whole, total):
        value = np.uint32(sums[b])
        if value - low0 <= reach0:
            members[0, found0] = b
            found0 += 1
        if value - low1 <= reach1:
            members[1, found1] = b
            found1 += 1
    for i in range(2):
        count = found0 if i == 0 else found1
        origin = np.int64(spans[i, 0] << shift)
        span = np.int64((spans[i, 1] + 1 - spans[i, 0]) << shift)
        for level in range(span):
            levels[level] = 0
        for j in range(count):
            levels[np.int64(sums[members[i, j]]) - origin] += 1
        seen = 0
        centre = origin
        for level in range(span):
            seen += levels[level]
            if seen > offsets[i]:
                centre = origin + level
                break
        kept = 0
        lower = 0
        for j in range(count):
            value = np.int64(sums[members[i, j]])
            if abs(value - centre) <= width:
                exact[kept] = _float_sum(
                    key, padded, word_offset, members[i, j], threshold, scratch.row
                )
                kept += 1
            elif value < centre:
                lower += 1
        rank = offsets[i] - lower
        if not (0 <= rank < kept):
            return False
        # insertion sort: a few dozen values
        for j in range(1, kept):
            value = exact[j]
            k = j - 1
            while k >= 0 and exact[k] > value:
                exact[k + 1] = exact[k]
                k -= 1
            exact[k + 1] = value
        out[i] = exact[rank]
    return True


#: Scratch of :func:`ranked_sums`: ``members`` (int64, 2 x the replicates its larger span
#: holds), ``levels`` (int64, the span of A it covers), ``exact`` (float64, as long as a
#: row of ``members``) and ``row`` (int64, n).
RankScratch = namedtuple("RankScratch", ["members", "levels", "exact", "row"])


#: The whole-number sums of one call, counted (see :func:`whole_number_sums`): ``sums``
#: (int32, B), ``histograms`` (int32, one row per thread) of ``sums >> shift``, ``below``
#: and ``equal``: the float sums' counts below and at the observed sum, and ``width``:
#: twice the margin, rounded up, plus one.
Counted = namedtuple("Counted", ["sums", "histograms", "shift", "below", "equal", "width"])


def whole_number_sums(quantized, key, word_offset, n_resamples, threads, observed) -> Counted:
    """The whole-number sums of B = ``n_resamples`` replicates of the sample ``quantized``
    (stream ``key``, from word ``word_offset``) on ``threads`` threads sharing one range,
    counted at the observed sum ``observed`` (as the float sums are compared with it) as
    they are made (steps 1 and 2 of the module)."""
    n = quantized.n
    width = math.ceil(2.0 * quantized.margin) + 1
    reach = math.ceil(quantized.margin) + 1
    largest = n * QUANTUM_STEPS
    # buckets wider than ``width``, so that three of them hold every replicate within
    # ``width`` of one in the middle one
    shift = max((largest // MAX_BUCKETS).bit_length(), (width + 1).bit_length())
    cells = (largest >> shift) + 1
    place = quantized.position(observed)
    low = min(max(math.floor(place) - reach, -1), largest + 1)
    high = min(max(math.ceil(place) + reach, -1), largest + 1)
    sums = np.empty(n_resamples, dtype=np.int32)
    histograms = np.zeros((max(threads, 1), cells), dtype=np.int32)
    tallies = [new_tally(n, histogram, shift, low, high, observed) for histogram in histograms]

    def shared(claim, tally):
        quantized_sums_narrow(
            key,
            quantized.table,
            quantized.padded,
            word_offset,
            claim,
            n_resamples,
            sums,
            tally.scratch,
            tally,
        )

    _threads.run_shared(shared, tallies)
    below = equal = 0
    for tally in tallies:
        counts = tally.counts.tolist()
        below, equal = below + counts[0], equal + counts[1]
    return Counted(sums, histograms, shift, below, equal, width)


@kernel
def rank_spans(histograms, ranks, spans, offsets, held, cumulative):
    """Where the two 1-based ``ranks`` lie in the whole-number sums, from the threads'
    ``histograms`` (rows added up into ``cumulative``, running counts): for each i, the
    buckets ``spans[i]``, that of rank i and its neighbours, ``offsets[i]``, the rank
    among their replicates (0-based), and ``held[i]``, how many they hold. Returns False
    where every sum lies within two buckets (they might all be equal)."""
    rows, cells = histograms.shape
    for cell in range(cells):
        cumulative[cell] = histograms[0, cell]
    for row in range(1, rows):
        for cell in range(cells):
            cumulative[cell] += histograms[row, cell]
    first = 0
    while first < cells - 1 and cumulative[first] == 0:
        first += 1
    last = cells - 1
    while last > 0 and cumulative[last] == 0:
        last -= 1
    for cell in range(1, cells):
        cumulative[cell] += cumulative[cell - 1]
    for i in range(2):
        # the first bucket whose running count reaches the rank
        target = 0
        above = cells - 1
        while target < above:
            middle = (target + above) >> 1
            if cumulative[middle] < ranks[i]:
                target = middle + 1
            else:
                above = middle
        start = max(target - 1, 0)
        stop = min(target + 1, cells - 1)
        before = cumulative[start - 1] if start > 0 else 0
        spans[i, 0] = start
        spans[i, 1] = stop
        offsets[i] = ranks[i] - 1 - before
        held[i] = cumulative[stop] - before
    return last - first >= 2


def interval(quantized, key, word_offset, n_resamples, threads, observed, ranks_of):
    """The float sums' ``(z0, low, high)`` for B = ``n_resamples`` replicates of the sample
    ``quantized`` (stream ``key``, from word ``word_offset``), on ``threads`` threads, or
    None where the whole-number sums cannot tell (every sum so close to the others that
    they might all be equal); the caller then adds up every replicate.

    ``observed``: the observed sum, as the float sums are compared with it;
    ``ranks_of(below, equal)``: z0 and the two 1-based ranks of the endpoints, from the
    float sums' counts below and equal to ``observed`` (see the module's steps 2 and 3).
    """
    counted = whole_number_sums(quantized, key, word_offset, n_resamples, threads, observed)
    z0, ranks = ranks_of(counted.below, counted.equal)
    spans = np.empty((2, 2), dtype=np.int64)
    offsets = np.empty(2, dtype=np.int64)
    held = np.empty(2, dtype=np.int64)
    cumulative = np.empty(counted.histograms.shape[1], dtype=np.int64)
    if not rank_spans(counted.histograms, np.array(ranks), spans, offsets, held, cumulative):
        return None
    capacity = int(held.max())
    scratch = RankScratch(
        np.empty((2, capacity), dtype=np.int64),
        np.empty(3 << counted.shift, dtype=np.int64),
        np.empty(capacity),
        np.empty(quantized.n, dtype=np.int64),
    )
    values = np.empty(2)
    if not ranked_sums(
        key,
        quantized.padded,
        word_offset,
        counted.sums,
        counted.shift,
        spans,
        offsets,
        counted.width,
        scratch,
        values,
    ):
        return None
    return z0, float(values[0]), float(values[1])
