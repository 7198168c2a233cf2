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
#: A sample uses 16-bit slots when n (2**16 mod n) is at most this (see narrow_slots).
NARROW_REJECTION_BUDGET = 1 << 12
_LITTLE_ENDIAN = sys.byteorder == "little"

#: Replicates computed side by side in the vectorised loops.
LANES = 16


_MASK64 = (1 << 64) - 1


def mix64_int(z: int) -> int:
    """:func:`mix64` on a Python integer (the same bijection, no compilation needed)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def stream_key(seed: int) -> np.uint64:
    """Key of the stream family for an unsigned 64-bit ``seed``."""
    return np.uint64(mix64_int((int(seed) & _MASK64) ^ 0x6A09E667F3BCC909))


def narrow_slots(n: int) -> bool:
    """True when a sample of size ``n`` draws 16-bit slots (four per word).

    The expected number of rejected slots per replicate is ``n (2**16 mod n) / 2**16``;
    narrow slots are used while that stays at or below 1/16. Decided in Python: the
    kernels are told the slot width, so they compile only the loop they run.
    """
    return _LITTLE_ENDIAN and n < (1 << 16) and n * ((1 << 16) % n) <= NARROW_REJECTION_BUDGET


def words_per_sample(n: int) -> int:
    """Random words a sample of size ``n`` consumes per replicate (four narrow slots or two
    wide ones per word)."""
    if narrow_slots(n):
        return (n + 3) // 4
    return (n + 1) // 2


def _mix64_inplace(z: np.ndarray) -> np.ndarray:
    """:func:`mix64` on a uint64 array, in place (numpy's uint64 arithmetic wraps)."""
    z ^= z >> _S30
    z *= _MIX1
    z ^= z >> _S27
    z *= _MIX2
    z ^= z >> _S31
    return z


def replicate_words(key, replicates: np.ndarray, first_word: int, n_words: int) -> np.ndarray:
    """``words[r, w]`` = word ``first_word + w`` of replicate ``replicates[r]``: the words
    :func:`kernels._random.random_word` gives at counters ``replicate * 2**32 + first_word + w``."""
    counters = (replicates.astype(np.uint64)[:, None] << U32) + (
        np.uint64(first_word) + np.arange(n_words, dtype=np.uint64) + _ONE
    )
    return _mix64_inplace(np.uint64(key) + counters * GOLDEN)
