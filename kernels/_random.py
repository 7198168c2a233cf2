"""Counter-based random resample indices.

Every random word is a pure function of ``(key, replicate, word)``::

    word(key, b, w) = splitmix64_finalizer(key + (b * 2**32 + w + 1) * GOLDEN)

which is SplitMix64 evaluated at position ``b * 2**32 + w`` of its sequence. A replicate
therefore owns the counter range ``[b * 2**32, (b + 1) * 2**32)``: no two replicates share a
word, and the words a replicate uses do not depend on which thread computes it or on how the
replicates are split into chunks. That is what makes Monte Carlo results bit-identical for
every thread count.

Each 64-bit word gives two 32-bit halves, each mapped to an index in ``[0, n)`` with Lemire's
multiply-shift (``(r * n) >> 32``). The map is made exactly uniform by rejection: a half whose
low product bits fall below ``2**32 mod n`` is rejected (probability below ``n / 2**32``) and
replaced by a word from the replicate's reserve range ``w >= 2**31``. The fast loops only flag
such a replicate; the flagged replicate is then redrawn slot by slot, so the common path stays
branch-free and vectorises across replicates ("lanes").

Slot ``j`` of a sample whose words start at ``word_offset`` uses half ``j & 1`` (low half
first) of word ``word_offset + j // 2``; a second sample starts after the first one's words.

Narrow slots. For a small sample a 16-bit value is enough: each word then feeds four slots
(quarter ``j & 3`` of word ``word_offset + j // 4``, lowest quarter first), mapped with
Lemire's method on 16 bits, ``(u * n) >> 16``, and rejected when ``(u * n) mod 2**16`` falls
below ``2**16 mod n``. That is exactly uniform as well; it halves the random words per index
and lets the consuming loops work on 16-bit lanes. A sample uses narrow slots when a
replicate is rarely rejected: when ``n (2**16 mod n) <= 2**12`` (at most one replicate in
sixteen redrawn; n = 25 and n = 39 redraw about one in a hundred), see :func:`narrow_slots`.
A rejected replicate is redrawn slot by slot from its reserve words as above, four slots
per reserve word. The choice depends on n only, so it is the same for every thread count.
The fast loops read the words through a 16-bit view, which puts the lowest quarter first on
a little-endian processor (x86-64, ARM64); on a big-endian one every sample uses wide slots.
"""

import sys

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
LOW32 = np.uint64(0xFFFFFFFF)
U32 = np.uint64(32)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_ONE = np.uint64(1)
RESERVE_OFFSET = np.uint64(1 << 31)
LOW16 = np.uint64(0xFFFF)
U16 = np.uint64(16)
_TWO = np.uint64(2)
_THREE = np.uint64(3)
_FOUR = np.uint64(4)
#: A sample uses 16-bit slots when n (2**16 mod n) is at most this (see narrow_slots).
NARROW_REJECTION_BUDGET = 1 << 12
_LITTLE_ENDIAN = sys.byteorder == "little"

#: Replicates computed side by side in the vectorised loops.
LANES = 16


@njit(cache=True, inline="always")
def mix64(z):
    """SplitMix64 finalizer (Stafford's variant 13), a bijection of uint64."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


_MASK64 = (1 << 64) - 1


def mix64_int(z: int) -> int:
    """:func:`mix64` on a Python integer (the same bijection, no compilation needed)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def stream_key(seed: int) -> np.uint64:
    """Key of the stream family for an unsigned 64-bit ``seed``."""
    return np.uint64(mix64_int((int(seed) & _MASK64) ^ 0x6A09E667F3BCC909))


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


@njit(cache=True)
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


@njit(cache=True)
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


def narrow_slots(n: int) -> bool:
    """True when a sample of size ``n`` draws 16-bit slots (four per word).

    The expected number of rejected slots per replicate is ``n (2**16 mod n) / 2**16``;
    narrow slots are used while that stays at or below 1/16. Decided in Python: the
    kernels are told the slot width, so they compile only the loop they run.
    """
    return _LITTLE_ENDIAN and n < (1 << 16) and n * ((1 << 16) % n) <= NARROW_REJECTION_BUDGET


@njit(cache=True, inline="always")
def narrow_threshold(n):
    """``2**16 mod n``: low 16 product bits below this value would bias the narrow map."""
    return np.uint16((1 << 16) % n)


def words_per_sample(n: int) -> int:
    """Random words a sample of size ``n`` consumes per replicate (four narrow slots or two
    wide ones per word)."""
    if narrow_slots(n):
        return (n + 3) // 4
    return (n + 1) // 2


@njit(cache=True)
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
        while (product & LOW16) < t:
            spare = random_word(key, base + RESERVE_OFFSET + (reserve >> _TWO))
            product = ((spare >> (U16 * (reserve & _THREE))) & LOW16) * n64
            reserve += _ONE
        out_row[j] = np.int64(product >> U16)


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


@njit(cache=True)
def draw_lane_indices_narrow(key, first_replicate, word_offset, n, lanes, idx, words, start):
    """Narrow-slot counterpart of :func:`draw_lane_indices`: ``idx[j, r]`` for r < lanes.

    ``words`` is scratch of ``((n + 3) // 4) * lanes`` uint64 and ``start`` of ``lanes``.
    The indices are computed on the 16-bit quarters in word order (vectorised) and copied
    to slot order; replicates with a rejected slot are redrawn.
    """
    n_words = (n + 3) >> 2
    width = 4 * lanes
    fill_lane_words(key, first_replicate, word_offset, n_words, lanes, words, start)
    quarters = words.view(np.uint16)
    threshold = narrow_threshold(n)
    n32 = np.uint32(n)
    shift = np.uint32(16)
    tail = n & 3
    flags = np.zeros(width, dtype=np.uint16)
    for w in range(n_words):
        base = w * width
        last = w == n_words - 1 and tail != 0
        for lane in range(width):
            product = np.uint32(quarters[base + lane]) * n32
            quarters[base + lane] = np.uint16(product >> shift)
            keep = not last or (lane & 3) < tail
            flags[lane] |= keep & (np.uint16(product) < threshold)
    for j in range(n):
        base = (j >> 2) * width + (j & 3)
        for r in range(lanes):
            idx[j, r] = quarters[base + 4 * r]
    row = np.empty(n, dtype=np.int64)
    for r in range(lanes):
        q = 4 * r
        if flags[q] | flags[q + 1] | flags[q + 2] | flags[q + 3]:
            redraw_replicate_narrow(key, first_replicate + r, word_offset, n, threshold, row)
            for j in range(n):
                idx[j, r] = row[j]
