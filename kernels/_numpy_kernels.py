"""Numpy twins of the Monte Carlo kernels, for calls too small to be worth compiling.

With no compilation cache, a kernel's first call in a process compiles it (0.3 to 2 s per
kernel on the two-vCPU machines of the performance appendix, and 1 to 1.5 s more for
numba's own start); with a cache it still costs numba's start. A single interval of a
small sample takes milliseconds in numpy. The functions here draw from the same streams
(:mod:`kernels._streams`) and add up in the same order as their compiled twins in
:mod:`kernels._resampling` and :mod:`kernels._random`, so they give the same bits; the tests
compare each pair on many inputs. :func:`compiled` chooses which one a call runs.

The replicates are computed in blocks of about :data:`BLOCK_DRAWS` indices, so that memory
stays small whatever the sample size.
"""

import os

import numpy as np

from ._streams import GOLDEN, RESERVE_OFFSET, mix64_int, narrow_slots, replicate_words

#: Index draws per block of replicates (a few MB of temporary arrays).
BLOCK_DRAWS = 1 << 18
#: A call of at least this many index draws is compiled: numpy would take about as long as
#: compiling its kernel (2e7 to 5e7 draws per second in numpy, about 1e9 compiled).
COMPILE_MIN_WORK = 1 << 24
#: After this many index draws in numpy, a kernel is compiled for the calls that follow (a
#: process that calls it often makes up the compile time).
HOT_WORK = 1 << 25
#: The environment variable that overrides the choice: ``always`` runs every call compiled
#: (the benchmarks of the compiled kernels set it), ``never`` runs the numpy twins where
#: there is one, ``auto`` (or unset) chooses by :func:`compiled`.
COMPILE_SETTING = "KERNELS_COMPILE"
_SETTINGS = ("auto", "always", "never")

_MASK64 = (1 << 64) - 1
#: Index draws this process has computed with each kernel's twin.
_numpy_work: dict = {}


def compile_setting() -> str:
    """The value of :data:`COMPILE_SETTING`: ``auto`` (also when unset or empty), ``always``
    or ``never``; anything else is a ValueError that names the variable."""
    setting = os.environ.get(COMPILE_SETTING) or "auto"
    if setting not in _SETTINGS:
        raise ValueError(
            f"kernels: the environment variable {COMPILE_SETTING} is {setting!r}; "
            f"expected one of {', '.join(_SETTINGS)}"
        )
    return setting


def compiled(kernel, work: int) -> bool:
    """Whether a call of ``work`` index draws runs ``kernel`` (compiled) or its numpy twin.

    Compiled when the kernel is already compiled (or loaded from the cache) in this process,
    when the call is large (:data:`COMPILE_MIN_WORK`), or when this process has already
    drawn :data:`HOT_WORK` indices with the twin; :data:`COMPILE_SETTING` overrides that. No
    result depends on the choice.
    """
    setting = compile_setting()
    if setting != "auto":
        return setting == "always"
    if getattr(kernel, "signatures", True):
        return True
    done = _numpy_work.get(kernel, 0)
    if work >= COMPILE_MIN_WORK or done >= HOT_WORK:
        return True
    _numpy_work[kernel] = done + work
    return False


def _blocks(b_start: int, b_stop: int, draws: int):
    """Ranges of replicates of about :data:`BLOCK_DRAWS` indices, ``draws`` per replicate."""
    size = max(1, BLOCK_DRAWS // max(draws, 1))
    for first in range(b_start, b_stop, size):
        yield first, min(first + size, b_stop)


def _random_word(key: int, counter: int) -> int:
    return mix64_int((key + (counter + 1) * int(GOLDEN)) & _MASK64)


def _redraw_rejected(key, replicate, word_offset, n, row, rejected, narrow):
    """Replace the rejected slots of one replicate's ``row`` with its reserve draws, as
    :func:`kernels._random.redraw_replicate_narrow` / ``redraw_replicate_slots`` do (a slot
    that is not rejected keeps its own draw; the reserve is used in slot order)."""
    bits, per_word = (16, 4) if narrow else (32, 2)
    low = (1 << bits) - 1
    threshold = (1 << bits) % n
    base = replicate << 32
    reserve = per_word * word_offset
    for j in np.flatnonzero(rejected):
        product = 0
        while (product & low) < threshold:
            spare = _random_word(key, base + int(RESERVE_OFFSET) + reserve // per_word)
            product = ((spare >> (bits * (reserve % per_word))) & low) * n
            reserve += 1
        row[j] = product >> bits


def draw_indices(key, first: int, stop: int, word_offset: int, n: int) -> np.ndarray:
    """``indices[r, j]``: slot j of replicate ``first + r``, for ``first <= b < stop``, in
    the slot width of n (:func:`kernels._streams.narrow_slots`). Narrow rows have
    ``4 ceil(n / 4)`` columns, the ones past n holding n (the padding the narrow kernels
    read); wide rows have n."""
    replicates = np.arange(first, stop, dtype=np.uint64)
    narrow = narrow_slots(n)
    if narrow:
        n_words = (n + 3) // 4
        draws = replicate_words(key, replicates, word_offset, n_words).view(np.uint16)
        product = draws.astype(np.uint32) * np.uint32(n)
        indices = (product >> np.uint32(16)).astype(np.int64)
        remainder = product & np.uint32(0xFFFF)
        threshold = (1 << 16) % n
        indices[:, n:] = n
    else:
        draws = replicate_words(key, replicates, word_offset, (n + 1) // 2)
        halves = np.empty((stop - first, 2 * draws.shape[1]), dtype=np.uint64)
        halves[:, 0::2] = draws & np.uint64(0xFFFFFFFF)
        halves[:, 1::2] = draws >> np.uint64(32)
        product = halves[:, :n] * np.uint64(n)
        indices = (product >> np.uint64(32)).astype(np.int64)
        remainder = product & np.uint64(0xFFFFFFFF)
        threshold = (1 << 32) % n
    rejected = remainder[:, :n] < threshold
    for r in np.flatnonzero(rejected.any(axis=1)):
        _redraw_rejected(int(key), first + int(r), word_offset, n, indices[r], rejected[r], narrow)
    return indices


def gather_sums_narrow(key, padded, word_offset, b_start, b_stop, out):
    """:func:`kernels._resampling.gather_sums_narrow`: the four partial sums of slots s,
    s + 4, ... (the padding adds the identity), then ``((a0 + a1) + a2) + a3``."""
    n = padded.shape[0] - 1
    zero = padded[0] * 0
    for first, stop in _blocks(b_start, b_stop, n):
        values = padded[draw_indices(key, first, stop, word_offset, n)]
        values = values.reshape(stop - first, -1, 4)
        partial = np.full((stop - first, 4), zero, dtype=padded.dtype)
        for word in range(values.shape[1]):
            partial += values[:, word, :]
        out[first:stop] = ((partial[:, 0] + partial[:, 1]) + partial[:, 2]) + partial[:, 3]


def joint_sums_packed_narrow(key, packed, offsets, bits, word_offset, b_start, b_stop, out):
    """:func:`kernels._resampling.joint_sums_packed_narrow`: each replicate adds its
    respondents' packed words (whole numbers: the order does not matter), then every item's
    bit field is unpacked."""
    n_packed, n = packed.shape
    items = out.shape[0]
    per_word = 64 // bits
    mask = np.uint64((1 << bits) - 1)
    for first, stop in _blocks(b_start, b_stop, n):
        indices = draw_indices(key, first, stop, word_offset, n)[:, :n]
        for word in range(n_packed):
            totals = packed[word][indices].sum(axis=1, dtype=np.uint64)
            for item in range(word * per_word, min((word + 1) * per_word, items)):
                field = (totals >> np.uint64((item - word * per_word) * bits)) & mask
                out[item, first:stop] = offsets[item] + field.astype(np.int64)


def binomial_counts(
    key, word, guide, thresholds, origin, step, b_start, b_stop, out, keep_replicates, counts
):
    """:func:`kernels._resampling.binomial_counts`: ``K_b`` is the number of thresholds at
    or below word ``word`` of replicate b, read from the guide table where it is not
    ambiguous."""
    ambiguous = np.uint64(1 << 16)
    shift = np.uint64(64 - (guide.shape[0].bit_length() - 1))
    for first, stop in _blocks(b_start, b_stop, 1):
        replicates = np.arange(first, stop, dtype=np.uint64)
        draws = replicate_words(key, replicates, word, 1)[:, 0]
        found = guide[draws >> shift].astype(np.uint64)
        unclear = np.flatnonzero(found & ambiguous)
        found[unclear] = (draws[unclear, None] >= thresholds[None, :]).sum(axis=1)
        counts += np.bincount(found.astype(np.int64), minlength=counts.shape[0])
        if keep_replicates:
            out[first:stop] = origin + step * found.astype(np.int64)


def histograms(replicates, origin, first, stop, counts):
    """:func:`kernels._resampling.histograms`."""
    for item in range(first, stop):
        values = replicates[item].astype(np.int64) - origin[item]
        counts[item] = np.bincount(values, minlength=counts.shape[1])


def unit_multiplicities(key, n, word_offset, b_start, b_stop, out):
    """:func:`kernels._random.unit_multiplicities_narrow` / ``_wide``: ``out[b - b_start,
    i]`` += how often replicate b draws unit i."""
    for first, stop in _blocks(b_start, b_stop, n):
        indices = draw_indices(key, first, stop, word_offset, n)[:, :n]
        rows = np.arange(stop - first)[:, None] * n
        tally = np.bincount((rows + indices).ravel(), minlength=(stop - first) * n)
        out[first - b_start : stop - b_start] += tally.reshape(stop - first, n)
