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
"""

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

#: Replicates computed side by side in the vectorised loops.
LANES = 16


@njit(cache=True, inline="always")
def mix64(z):
    """SplitMix64 finalizer (Stafford's variant 13), a bijection of uint64."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


def stream_key(seed: int) -> np.uint64:
    """Key of the stream family for an unsigned 64-bit ``seed``."""
    return np.uint64(_stream_key(np.uint64(seed)))


@njit(cache=True)
def _stream_key(seed):
    return mix64(np.uint64(seed) ^ np.uint64(0x6A09E667F3BCC909))


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


def words_per_sample(n: int) -> int:
    """Random words a sample of size ``n`` consumes per replicate (two slots per word)."""
    return (n + 1) // 2
