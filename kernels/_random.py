"""The counter-based streams of :mod:`kernels._streams`, compiled: the random words and the
resample indices as numba functions, and the loops that draw the indices of
:data:`~kernels._streams.LANES` replicates side by side for the Monte Carlo kernels. They
give the same indices as the numpy functions of :mod:`kernels._streams`.
"""

from collections import namedtuple

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from ._jit import kernel, nested
from ._streams import (
    _MIX1,
    _MIX2,
    _ONE,
    _S27,
    _S30,
    _S31,
    _THREE,
    _TWO,
    GOLDEN,
    LANES,
    LOW16,
    LOW32,
    RESERVE_OFFSET,
    U16,
    U32,
    narrow_slots,
)


@njit(cache=True, inline="always")
def mix64(z):
    """SplitMix64 finalizer (Stafford's variant 13), a bijection of uint64."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def random_word(key, counter):
    """The random word at absolute ``counter`` of the stream family ``key``."""
    return mix64(np.uint64(key) + (np.uint64(counter) + _ONE) * GOLDEN)


@njit(cache=True, inline="always")
def lane_start(key, replicate):
    """SplitMix64 state just before word 0 of ``replicate``; word w is mix64(start + w G)."""
    return np.uint64(key) + ((np.uint64(replicate) << U32) + _ONE) * GOLDEN


@njit(cache=True, inline="always")
def rejection_threshold(n):
    """``2**32 mod n``: low product bits below this value would bias Lemire's map."""
    return np.uint64((np.uint64(1) << U32) % np.uint64(n))


@nested
def redraw_replicate_slots(key, replicate, word_offset, n, threshold, out_row):
    """Draw the ``n`` indices of one replicate exactly, rejecting biased halves.

    Slot ``j`` first tries its own half-word; a rejected half is replaced by the next unused
    half of the replicate's reserve words (a running position over the replicate's slots,
    starting at twice the sample's ``word_offset`` so that two samples start apart), which
    keeps the sequence deterministic.
    """
    base = np.uint64(replicate) << U32
    n64 = np.uint64(n)
    reserve = np.uint64(2 * word_offset)
    for j in range(n):
        word = random_word(key, base + np.uint64(word_offset + (j >> 1)))
        half = (word >> U32) if (j & 1) else (word & LOW32)
        product = half * n64
        while (product & LOW32) < threshold:
            spare = random_word(key, base + RESERVE_OFFSET + (reserve >> _ONE))
            half = (spare >> U32) if (reserve & _ONE) else (spare & LOW32)
            reserve += _ONE
            product = half * n64
        out_row[j] = np.int64(product >> U32)


@nested
def draw_lane_indices(key, first_replicate, word_offset, n, threshold, idx, rejected, start):
    """Fill ``idx[j, r]`` with slot ``j`` of replicate ``first_replicate + r``, r < LANES.

    ``idx`` has shape ``(n, LANES)`` so that consumers gather one slot of many replicates at
    once; ``rejected`` and ``start`` are scratch of length LANES. Lanes that met a rejected
    half are redrawn with :func:`redraw_replicate_slots` before returning.
    """
    n64 = np.uint64(n)
    n_words = n >> 1
    for r in range(LANES):
        rejected[r] = 0
        start[r] = lane_start(key, first_replicate + r) + np.uint64(word_offset) * GOLDEN
    for w in range(n_words):
        step = np.uint64(w) * GOLDEN
        for r in range(LANES):
            word = mix64(start[r] + step)
            lo = (word & LOW32) * n64
            hi = (word >> U32) * n64
            idx[2 * w, r] = np.int64(lo >> U32)
            idx[2 * w + 1, r] = np.int64(hi >> U32)
            rejected[r] |= np.uint64((lo & LOW32) < threshold) | np.uint64((hi & LOW32) < threshold)
    if n & 1:
        step = np.uint64(n_words) * GOLDEN
        for r in range(LANES):
            word = mix64(start[r] + step)
            lo = (word & LOW32) * n64
            idx[n - 1, r] = np.int64(lo >> U32)
            rejected[r] |= np.uint64((lo & LOW32) < threshold)
    for r in range(LANES):
        if rejected[r]:
            row = np.empty(n, dtype=np.int64)
            redraw_replicate_slots(key, first_replicate + r, word_offset, n, threshold, row)
            for j in range(n):
                idx[j, r] = row[j]


@njit(cache=True, inline="always")
def narrow_threshold(n):
    """``2**16 mod n``: low 16 product bits below this value would bias the narrow map."""
    return np.uint16((1 << 16) % n)


@njit(cache=True, inline="always")
def reserve_product(key, base, product, reserve, n64, t):
    """Lemire's ``product`` of a narrow slot (``quarter * n``), replaced while it is biased
    (low 16 bits below ``t``) by that of the next unused quarter of the replicate's reserve
    words (``base``: the replicate's first counter; ``reserve``: the running position);
    returns the unbiased product and the new position."""
    while (product & LOW16) < t:
        spare = random_word(key, base + RESERVE_OFFSET + (reserve >> _TWO))
        product = ((spare >> (U16 * (reserve & _THREE))) & LOW16) * n64
        reserve += _ONE
    return product, reserve


@nested
def redraw_replicate_narrow(key, replicate, word_offset, n, threshold, out_row):
    """The ``n`` narrow-slot indices of one replicate, drawn exactly (``threshold`` is
    ``2**16 mod n``; a larger value forces rejections, for tests).

    Slot ``j`` first tries quarter ``j & 3`` of word ``word_offset + j // 4``; a rejected
    quarter is replaced by the next unused quarter of the replicate's reserve words, a
    running position that starts at word ``RESERVE_OFFSET + word_offset``.
    """
    base = np.uint64(replicate) << U32
    n64 = np.uint64(n)
    t = np.uint64(threshold)
    reserve = np.uint64(4 * word_offset)
    word = np.uint64(0)
    for j in range(n):
        if (j & 3) == 0:
            word = random_word(key, base + np.uint64(word_offset + (j >> 2)))
        product = ((word >> (U16 * np.uint64(j & 3))) & LOW16) * n64
        product, reserve = reserve_product(key, base, product, reserve, n64, t)
        out_row[j] = np.int64(product >> U16)


@nested
def redraw_rejected_quarters(key, replicate, word_offset, n, threshold, flags, index, lane, width):
    """The biased quarters of one replicate of :func:`narrow_lane_indices` redrawn in place,
    as :func:`redraw_replicate_narrow` draws them: slot j of the replicate is
    ``index[(j >> 2) * width + lane + (j & 3)]``, and only the slots at a quarter position
    ``s = j & 3`` whose ``flags[lane + s]`` is set can be biased. An unbiased slot keeps the
    index the vectorised pass gave it (the same value); a biased one takes the next
    quarters of the reserve words, in slot order, so the reserve is read as when every slot
    is redrawn."""
    base = np.uint64(replicate) << U32
    n64 = np.uint64(n)
    t = np.uint64(threshold)
    reserve = np.uint64(4 * word_offset)
    for j in range(n):
        position = j & 3
        if flags[lane + position] == 0:
            continue
        word = random_word(key, base + np.uint64(word_offset + (j >> 2)))
        product = ((word >> (U16 * np.uint64(position))) & LOW16) * n64
        if (product & LOW16) >= t:
            continue
        product, reserve = reserve_product(key, base, product, reserve, n64, t)
        index[(j >> 2) * width + lane + position] = np.uint16(product >> U16)


@njit(cache=True, inline="always")
def fill_lane_words(key, first_replicate, word_offset, n_words, lanes, words, start):
    """``words[w * lanes + r]`` = word ``word_offset + w`` of replicate ``first_replicate + r``.

    ``lanes`` is passed at run time (it is :data:`LANES`) so that the compiler vectorises
    the inner loop across replicates instead of unrolling it.
    """
    for r in range(lanes):
        start[r] = lane_start(key, first_replicate + r) + np.uint64(word_offset) * GOLDEN
    for w in range(n_words):
        step = np.uint64(w) * GOLDEN
        row = w * lanes
        for r in range(lanes):
            words[row + r] = mix64(start[r] + step)


@intrinsic
def scaled_quarter(typingctx, quarter, n):
    """``(quarter * n) >> 16`` of two uint16: Lemire's narrow index, in 32-bit arithmetic
    (numba would widen the product to 64 bits, which AVX2 multiplies only four lanes at a
    time and by three 32-bit multiplications; this way the loop vectorises with 16- and
    32-bit multiplications)."""
    signature = types.uint16(types.uint16, types.uint16)

    def codegen(context, builder, signature, arguments):
        wide = ir.IntType(32)
        product = builder.mul(builder.zext(arguments[0], wide), builder.zext(arguments[1], wide))
        return builder.trunc(builder.lshr(product, ir.Constant(wide, 16)), ir.IntType(16))

    return signature, codegen


@intrinsic
def quarter_remainder(typingctx, quarter, n):
    """``(quarter * n) mod 2**16`` of two uint16: the low half of the product, which
    Lemire's method compares with ``2**16 mod n`` (16-bit arithmetic, as above)."""
    signature = types.uint16(types.uint16, types.uint16)

    def codegen(context, builder, signature, arguments):
        return builder.mul(arguments[0], arguments[1])

    return signature, codegen


#: Scratch of :func:`narrow_lane_indices`, allocated by the caller (see :func:`lane_scratch`):
#: a kernel that allocates or takes a view compiles numba's code for that too, on every
#: cold start.
LaneScratch = namedtuple("LaneScratch", ["words", "index", "start", "flags"])


def lane_scratch(n: int, lanes: int) -> LaneScratch:
    """Scratch for the narrow-slot indices of ``lanes`` replicates of a sample of size n
    (``index`` is the uint16 view of ``words``)."""
    words = np.empty(((n + 3) // 4) * lanes, dtype=np.uint64)
    return LaneScratch(
        words,
        words.view(np.uint16),
        np.empty(lanes, dtype=np.uint64),
        np.empty(4 * lanes, dtype=np.uint16),
    )


@nested
def narrow_lane_indices(key, first_replicate, word_offset, n, lanes, scratch):
    """The narrow-slot indices of ``lanes`` replicates, in place of their random words.

    ``scratch.words`` receives word ``word_offset + w`` of replicate ``first_replicate + r``
    at ``w * lanes + r`` (:func:`fill_lane_words`); each of its 16-bit quarters is then
    replaced by its index, so that in the uint16 view ``scratch.index``,
    ``index[w * 4 lanes + 4 r + s]`` is slot ``4 w + s`` of replicate r. The quarters past
    slot n - 1 get index n (a padding value). The biased quarters of a replicate are redrawn
    in their places (:func:`redraw_rejected_quarters`), so the consumers read every
    replicate the same way. The index arithmetic is all unsigned, so that the loops carry
    no negative-index checks and vectorise.
    """
    n_words = (n + 3) >> 2
    full = np.uint64(n >> 2)
    tail = n & 3
    width = np.uint64(4 * lanes)
    index = scratch.index
    flags = scratch.flags
    fill_lane_words(key, first_replicate, word_offset, n_words, lanes, scratch.words, scratch.start)
    threshold = narrow_threshold(n)
    n16 = np.uint16(n)
    for lane in range(width):
        flags[lane] = 0
    for w in range(full):
        base = w * width
        for lane in range(width):
            quarter = index[base + lane]
            flags[lane] |= np.uint16(quarter_remainder(quarter, n16) < threshold)
            index[base + lane] = scaled_quarter(quarter, n16)
    if tail:
        base = full * width
        used = np.uint64(tail)
        three = np.uint64(3)
        for lane in range(width):
            quarter = index[base + lane]
            keep = (lane & three) < used
            flags[lane] |= np.uint16(keep & (quarter_remainder(quarter, n16) < threshold))
            index[base + lane] = scaled_quarter(quarter, n16) if keep else n16
    for r in range(lanes):
        q = 4 * r
        if flags[q] | flags[q + 1] | flags[q + 2] | flags[q + 3]:
            redraw_rejected_quarters(
                key, first_replicate + r, word_offset, n, threshold, flags, index, q, 4 * lanes
            )


@nested
def draw_lane_indices_narrow(key, first_replicate, word_offset, n, lanes, idx, scratch):
    """Narrow-slot counterpart of :func:`draw_lane_indices`: ``idx[j, r]`` for r < lanes.

    The indices are computed on the 16-bit quarters in word order (vectorised, see
    :func:`narrow_lane_indices`; ``scratch`` is a :func:`lane_scratch`) and copied to slot
    order.
    """
    width = 4 * lanes
    narrow_lane_indices(key, first_replicate, word_offset, n, lanes, scratch)
    index = scratch.index
    for j in range(n):
        base = (j >> 2) * width + (j & 3)
        for r in range(lanes):
            idx[j, r] = index[base + 4 * r]


def unit_scratch(n: int):
    """Scratch for the unit multiplicities of n units: a :func:`lane_scratch` for narrow
    slots, a row of n indices for wide ones."""
    if narrow_slots(n):
        return lane_scratch(n, LANES)
    return np.empty(n, dtype=np.int64)


@kernel
def unit_multiplicities_narrow(key, n, word_offset, b_start, b_stop, out, scratch):
    """``out[b - b_start, i]`` += how often replicate b draws unit i of ``n``, for
    ``b_start <= b < b_stop`` (``out`` zeroed by the caller): the indices of
    :func:`narrow_lane_indices`, drawn for a lane group of replicates at a time, which are
    those :func:`redraw_replicate_narrow` draws slot by slot. ``scratch``: a
    :func:`unit_scratch` for n.

    One function per slot width, so that a call compiles only the loops it uses; they are
    called with the same types as in the Monte Carlo kernels, which share them."""
    lanes = scratch.start.shape[0]
    width = np.uint64(4 * lanes)
    index = scratch.index
    for g in range(b_start, b_stop, lanes):
        narrow_lane_indices(key, g, word_offset, n, lanes, scratch)
        count = b_stop - g
        if count > lanes:
            count = lanes
        for r in range(count):
            b = g - b_start + r
            lane = np.uint64(4 * r)
            for j in range(np.uint64(n)):
                out[b, index[(j >> _TWO) * width + lane + (j & _THREE)]] += 1.0


@kernel
def unit_multiplicities_wide(key, n, word_offset, b_start, b_stop, out, row):
    """:func:`unit_multiplicities_narrow` for wide slots: the indices of
    :func:`redraw_replicate_slots`, one replicate at a time (``row`` is scratch of n int64;
    drawing a lane group at a time measured no faster, the scattered increments dominate)."""
    threshold = rejection_threshold(n)
    for b in range(b_start, b_stop):
        redraw_replicate_slots(key, b, word_offset, n, threshold, row)
        for j in range(n):
            out[b - b_start, row[j]] += 1.0
