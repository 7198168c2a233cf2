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
from numba.extending import intrinsic

from . import _threads
from ._jit import fetch_add, kernel, nested
from ._random import (
    fill_lane_words,
    lane_scratch,
    narrow_threshold,
    random_word,
    redraw_replicate_narrow,
)
from ._streams import _ONE, _THREE, _TWO, LOW16, RESERVE_OFFSET, U16, U32

#: Entries of the lookup table (two 512-bit registers of 16-bit values): samples of up to
#: ``TABLE_SIZE - 1`` values, the last index (n) being the padding slots' zero.
TABLE_SIZE = 64
#: The largest whole number a sample value maps to.
QUANTUM_STEPS = 65535
#: Above this margin (in whole-number steps) the sums are computed in float64 instead.
MAX_MARGIN = 1000.0
#: The histogram of the whole-number sums has at most this many buckets (see
#: :func:`interval`).
MAX_BUCKETS = 16384
#: Replicates per group and groups per chunk of the shared range (as the float sums).
LANES = 64
CLAIM_GROUPS = 16
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
    """The whole-number image of a sorted sample: ``table[i] = q_i`` (``table[n] = 0`` for
    the padding slots), ``padded``, the sample followed by -0.0 (as the float sums read
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
    if n + 1 > TABLE_SIZE:
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
#: ``observed`` and how many equal it.
Tally = namedtuple(
    "Tally",
    ["sums", "flags", "keep", "histogram", "shift", "bounds", "observed", "row", "counts"],
)


def new_tally(n: int, cells: int, shift: int, low: int, high: int, observed: float) -> Tally:
    """A :class:`Tally` for one thread (a sample of n values, ``cells`` buckets)."""
    used = n - 4 * ((n - 1) // 4)  # slots in the last word
    keep = np.where(np.arange(32) % 4 < used, 0xFFFF, 0).astype(np.uint16)
    return Tally(
        np.empty(LANES, dtype=np.int32),
        np.empty(LANES, dtype=np.uint16),
        keep,
        np.zeros(cells, dtype=np.int32),
        np.array([shift], dtype=np.int64),
        np.array([low, high], dtype=np.int64),
        np.array([observed]),
        np.empty(n, dtype=np.int64),
        np.zeros(2, dtype=np.int64),
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
        undefined = ir.Constant(half, ir.Undefined)
        zeros = ir.Constant(ir.VectorType(ir.IntType(32), 32), [0] * 32)
        n_vector = builder.shuffle_vector(
            builder.insert_element(undefined, n_, ir.Constant(ir.IntType(32), 0)), undefined, zeros
        )
        threshold_vector = builder.shuffle_vector(
            builder.insert_element(undefined, threshold_, ir.Constant(ir.IntType(32), 0)),
            undefined,
            zeros,
        )
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
        while (product & LOW16) < t:
            spare = random_word(key, base + RESERVE_OFFSET + (reserve >> _TWO))
            product = ((spare >> (U16 * (reserve & _THREE))) & LOW16) * n64
            reserve += _ONE
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
    first = fetch_add(claim, chunk)
    while first < b_stop:
        stop = min(first + chunk, b_stop)
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
        first = fetch_add(claim, chunk)
    tally.counts[0] = below
    tally.counts[1] = equal


#: Replicates :func:`ranked_sums` tests together before it looks at any one of them.
_BLOCK = 16


@kernel
def ranked_sums(key, padded, word_offset, sums, shift, spans, offsets, width, scratch, out):
    """The float sums of two ranks (step 3 of the module) into ``out``, for ``i`` in 0 and
    1: of the replicates whose bucket ``A >> shift`` lies in ``[spans[i, 0], spans[i, 1]]``,
    with ``a`` the ``offsets[i]``-th smallest A among them (0-based), those with
    ``|A - a| <= width`` are added up in float64, and ``out[i]`` is the float sum of rank
    ``offsets[i] - (how many lie below a - width)`` among them. Returns False (and leaves
    ``out``) where that rank is not among them, which the margin rules out.

    ``scratch``: a :class:`RankScratch`. The buckets hold a small share of the replicates,
    so a block of them is tested at once (vectorised: one unsigned comparison per span) and
    looked at one by one only when it holds a member; the indices are unsigned, so that
    the loads carry no negative-index checks."""
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
    start = np.uint64(0)
    while start < total:
        hit = np.uint32(0)
        if start + block <= total:
            # a whole block: a fixed trip count, which the compiler turns into one vector test
            for b in range(block):
                value = np.uint32(sums[start + b])
                hit |= np.uint32(value - low0 <= reach0) | np.uint32(value - low1 <= reach1)
        else:
            hit = np.uint32(1)
        if hit:
            for b in range(start, min(start + block, total)):
                value = np.uint32(sums[b])
                if value - low0 <= reach0:
                    members[0, found0] = b
                    found0 += 1
                if value - low1 <= reach1:
                    members[1, found1] = b
                    found1 += 1
        start += block
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
#: (int32, B), ``histogram`` (int64) of ``sums >> shift``, ``below`` and ``equal``: the
#: float sums' counts below and at the observed sum, and ``width``: twice the margin,
#: rounded up, plus one.
Counted = namedtuple("Counted", ["sums", "histogram", "shift", "below", "equal", "width"])


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
    tallies = []

    def shared(claim):
        tally = new_tally(n, cells, shift, low, high, observed)
        quantized_sums_narrow(
            key,
            quantized.table,
            quantized.padded,
            word_offset,
            claim,
            n_resamples,
            sums,
            lane_scratch(n, LANES),
            tally,
        )
        tallies.append(tally)

    _threads.run_shared(shared, threads)
    histogram = tallies[0].histogram.astype(np.int64)
    below, equal = tallies[0].counts.tolist()
    for tally in tallies[1:]:
        histogram += tally.histogram
        more = tally.counts.tolist()
        below, equal = below + more[0], equal + more[1]
    return Counted(sums, histogram, shift, below, equal, width)


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
    sums, shift, width = counted.sums, counted.shift, counted.width
    cumulative = np.cumsum(counted.histogram)
    lowest, highest = np.searchsorted(cumulative, [1, n_resamples]).tolist()
    if highest - lowest < 2:
        return None  # every sum within two buckets: maybe all equal
    z0, ranks = ranks_of(counted.below, counted.equal)
    last = cumulative.shape[0] - 1
    spans, offsets, held = [], [], []
    for rank, target in zip(ranks, np.searchsorted(cumulative, ranks).tolist(), strict=True):
        first, stop = max(target - 1, 0), min(target + 1, last)
        before = int(cumulative[first - 1]) if first else 0
        spans.append((first, stop))
        offsets.append(int(rank) - 1 - before)
        held.append(int(cumulative[stop]) - before)
    scratch = RankScratch(
        np.empty((2, max(held)), dtype=np.int64),
        np.empty(3 << shift, dtype=np.int64),
        np.empty(max(held)),
        np.empty(quantized.n, dtype=np.int64),
    )
    values = np.empty(2)
    spans_array = np.array(spans, dtype=np.int64)
    offsets_array = np.array(offsets, dtype=np.int64)
    if not ranked_sums(
        key,
        quantized.padded,
        word_offset,
        sums,
        shift,
        spans_array,
        offsets_array,
        width,
        scratch,
        values,
    ):
        return None
    return z0, float(values[0]), float(values[1])
