"""Monte Carlo bootstrap intervals (numba, counter-based random streams)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import get_num_threads

from . import _grid, _resampling
from ._random import LANES, stream_key, words_per_sample
from ._validation import (
    METHOD_CODES,
    check_bootstrap_method,
    check_finite_data,
    check_level,
    check_n_resamples,
    check_seed,
)
from .results import ConfidenceInterval

ONE_SAMPLE_STATISTICS = ("mean", "proportion", "median", "std", "var")
TWO_SAMPLE_STATISTICS = ("mean_difference", "proportion_difference")
STATISTICS = ONE_SAMPLE_STATISTICS + TWO_SAMPLE_STATISTICS

#: Below this many index draws (B x n x items) the serial kernel is used: starting the thread
#: pool costs more than it saves.
PARALLEL_MIN_WORK = 1 << 18
#: Whole-number data with at most this many distinct values use the comparison loop.
CATEGORY_MAX_VALUES = 8
#: Whole numbers beyond this magnitude are resampled as floats (their grids would overflow).
INTEGER_GRID_MAX = 1 << 24
_INT32_MAX = 2**31 - 1

DEFAULT_N_RESAMPLES = 100_000


@dataclass(frozen=True)
class _Sample:
    values: np.ndarray  # items x n, as given (int64 on the integer grid, else float64)
    integer: bool

    @property
    def n(self) -> int:
        return self.values.shape[1]

    @property
    def items(self) -> int:
        return self.values.shape[0]


def bootstrap_ci(
    data,
    statistic: str = "mean",
    method: str = "bca",
    n_resamples: int = DEFAULT_N_RESAMPLES,
    seed: int | None = None,
    level: float = 0.95,
    parallel: bool | None = None,
) -> ConfidenceInterval:
    """Monte Carlo bootstrap confidence interval, one per item.

    Parameters
    ----------
    data : array_like, or a pair ``(x, y)`` for a two-sample statistic
        1-D: one sample of n observations. 2-D: items x respondents; each replicate draws n
        respondents with replacement and uses the same respondents for every item (joint
        resampling), giving one interval per item. A 1-D sample is sorted first, so its
        result depends only on its values, not on their order. Values must be finite:
        missing answers (NaN) raise ValueError and must be dropped first.
    statistic : str
        ``"mean"``; ``"proportion"`` (the mean of 0/1 data, checked); ``"median"`` (the mean
        of the two middle values for even n); ``"std"`` and ``"var"`` (with ddof = 1, n >= 2);
        ``"mean_difference"`` and ``"proportion_difference"`` (``mean(x) - mean(y)``, two
        independent samples, each resampled on its own).
    method : {"bca", "percentile", "basic"}
        Percentile: the replicates' inverse-CDF quantiles, the replicate of rank
        ``ceil(q B)``, at ``q = a/2`` and ``1 - a/2`` (``a = 1 - level``); on discrete data
        these land on the grid of attainable values and converge to the exact interval.
        Basic: ``2 * estimate`` minus the percentile endpoints, swapped. BCa: percentile at
        the levels ``Phi(z0 + (z0 + z) / (1 - acc (z0 + z)))``, with
        ``z0 = Phi^-1((#{< est} + #{= est} / 2) / B)`` (clipped to
        ``[1/(2B), 1 - 1/(2B)]``) and ``acc`` the jackknife acceleration (two-sample:
        Efron & Tibshirani 1993, eq. 15.36, as in ``scipy.stats.bootstrap``).
    n_resamples : int
        B >= 1 (below 2**31).
    seed : int in [0, 2**64) or None
        Key of the counter-based random stream; None draws a fresh seed, recorded in the
        result. The same seed and inputs give bit-identical intervals for any number of
        threads and for the serial and parallel backends.
    level : float in (0, 1)
    parallel : bool or None
        Force the parallel (True) or serial (False) kernel; None chooses by problem size.

    Returns
    -------
    ConfidenceInterval
        Floats for 1-D data, arrays (one entry per item) for 2-D data. ``path`` is
        ``"monte_carlo"``; ``backend``, ``n_threads``, ``n_resamples`` and ``seed`` record
        how it ran; ``replicates()`` returns the B replicate statistics.

    Numerical contract
    ------------------
    Whole-number data (integer dtype, booleans, or floats holding whole numbers up to 2**24)
    are resampled on an integer grid: replicate sums, twice the medians and
    ``n sum x^2 - (sum x)^2`` for the variance are exact integers, so BCa's tie count is
    exact and endpoints are exact attainable values. Other data are summed in float64 in a
    fixed order (no fastmath), so results are reproducible but ties are float comparisons.
    Replicate indices are exactly uniform (Lemire's method with rejection).

    Edge cases: a statistic whose replicates are all equal (constant data, n = 1) gives the
    point interval with ``degenerate = True``; ``std``/``var`` with n < 2, proportions of
    values other than 0/1, empty data, NaN or infinity, level outside (0, 1), B < 1, or
    mismatched items in a two-sample pair raise ValueError.
    """
    if not isinstance(statistic, str) or statistic.lower() not in STATISTICS:
        raise ValueError(f"unknown statistic {statistic!r}; expected one of {STATISTICS}")
    statistic = statistic.lower()
    method = check_bootstrap_method(method)
    level = check_level(level)
    n_resamples = check_n_resamples(n_resamples)
    seed = check_seed(seed)
    two_sample = statistic in TWO_SAMPLE_STATISTICS
    samples, one_dimensional = _prepare_samples(data, statistic, two_sample)
    integer_grid = all(sample.integer for sample in samples)
    if not integer_grid:
        samples = [_Sample(sample.values.astype(np.float64), False) for sample in samples]
    items = samples[0].items
    family = _family(statistic, samples, one_dimensional, integer_grid)

    observed, decode = _observed_and_decoder(statistic, samples, integer_grid)
    acceleration = (
        _jackknife_acceleration(statistic, samples) if method == "bca" else np.zeros(items)
    )

    replicate_dtype = _replicate_dtype(statistic, samples, integer_grid)
    replicates = np.empty((items, n_resamples), dtype=replicate_dtype)
    work = n_resamples * items * sum(sample.n for sample in samples)
    if parallel is None:
        parallel = work >= PARALLEL_MIN_WORK and get_num_threads() > 1
    key = stream_key(seed)
    if family in (_resampling.MEDIAN, _resampling.VARIANCE):
        values = samples[0].values
        kernel = _resampling.counted_parallel if parallel else _resampling.counted_serial
        kernel(
            family,
            key,
            n_resamples,
            integer_grid,
            np.ascontiguousarray(values.T),
            np.ascontiguousarray(np.argsort(values, axis=1, kind="stable")),
            replicates,
        )
    else:
        kernel = _resampling.sums_parallel if parallel else _resampling.sums_serial
        kernel(
            family,
            key,
            n_resamples,
            words_per_sample(samples[0].n),
            len(samples),
            integer_grid,
            *_sum_arguments(family, samples, integer_grid),
            replicates,
            LANES,
        )

    code = METHOD_CODES[method]
    percentile_code = _grid.PERCENTILE if code == _grid.BASIC else code
    use_histogram = integer_grid and _span_fits_histogram(
        replicates, n_resamples, _grid_span_bound(statistic, samples)
    )
    low = np.empty(items)
    high = np.empty(items)
    z0 = np.empty(items)
    all_equal = np.empty(items, dtype=np.bool_)
    summarize = (
        _resampling.summarize_parallel if parallel and items > 1 else _resampling.summarize_serial
    )
    summarize(
        replicates,
        observed.astype(replicate_dtype),
        percentile_code,
        (1.0 - level) / 2.0,
        acceleration,
        use_histogram,
        low,
        high,
        z0,
        all_equal,
    )
    estimate = decode(observed.astype(np.float64))
    low_value = decode(low)
    high_value = decode(high)
    if code == _grid.BASIC:
        low_value, high_value = 2.0 * estimate - high_value, 2.0 * estimate - low_value
    # Constant data (or n = 1): every resample is the sample itself. The point is set from
    # the data so that float round-off in the sums cannot open a spurious interval.
    degenerate, constant_value = _constant_statistic(statistic, samples)
    estimate = np.where(degenerate, constant_value, estimate)
    low_value = np.where(degenerate, constant_value, low_value)
    high_value = np.where(degenerate, constant_value, high_value)

    def unwrap(array):
        return float(array[0]) if one_dimensional else array

    return ConfidenceInterval(
        unwrap(low_value),
        unwrap(high_value),
        unwrap(estimate),
        method,
        level,
        statistic,
        "monte_carlo",
        backend="parallel" if parallel else "serial",
        n_threads=get_num_threads() if parallel else 1,
        n_resamples=n_resamples,
        seed=seed,
        bias_correction=unwrap(z0) if code == _grid.BCA else None,
        acceleration=unwrap(acceleration) if code == _grid.BCA else None,
        degenerate=bool(degenerate[0]) if one_dimensional else degenerate,
        replicates=lambda: (
            decode(replicates[0].astype(np.float64))
            if one_dimensional
            else decode(replicates.astype(np.float64))
        ),
    )


# ---------------------------------------------------------------------------------------
# preparation


def _as_sample(raw, statistic: str, name: str):
    array = check_finite_data(np.asarray(raw), name)
    if array.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D (one sample) or 2-D (items x respondents)")
    one_dimensional = array.ndim == 1
    values = array.reshape(1, -1) if one_dimensional else array
    if values.shape[1] == 0 or values.shape[0] == 0:
        raise ValueError(f"{name} is empty")
    if statistic.startswith("proportion") and not np.all((values == 0) | (values == 1)):
        raise ValueError(f"{name}: a proportion needs 0/1 data, got other values")
    if statistic in ("std", "var") and values.shape[1] < 2:
        raise ValueError(f"{name}: the {statistic} needs at least 2 observations")
    whole = np.issubdtype(values.dtype, np.integer) or bool(np.all(values == np.round(values)))
    integer = whole and float(np.max(np.abs(values))) <= INTEGER_GRID_MAX
    if integer:
        values = values.astype(np.int64)
    else:
        values = values.astype(np.float64)
    if one_dimensional:
        values = np.sort(values, axis=1)
    return _Sample(np.ascontiguousarray(values), integer), one_dimensional


def _prepare_samples(data, statistic: str, two_sample: bool):
    if two_sample:
        if not isinstance(data, tuple | list) or len(data) != 2:
            raise ValueError(f"{statistic} needs data as a pair (x, y) of two samples")
        first, first_1d = _as_sample(data[0], statistic, "x")
        second, second_1d = _as_sample(data[1], statistic, "y")
        if first_1d != second_1d or first.items != second.items:
            raise ValueError(
                "x and y must have the same shape apart from the number of respondents"
            )
        return [first, second], first_1d
    if isinstance(data, tuple):
        raise ValueError(f"{statistic} takes one sample; a tuple suggests two")
    sample, one_dimensional = _as_sample(data, statistic, "data")
    return [sample], one_dimensional


def _family(statistic, samples, one_dimensional, integer_grid):
    if statistic == "median":
        return _resampling.MEDIAN
    if statistic in ("std", "var"):
        return _resampling.VARIANCE
    if not one_dimensional:
        return _resampling.JOINT
    if integer_grid and all(
        np.unique(sample.values).shape[0] <= CATEGORY_MAX_VALUES for sample in samples
    ):
        return _resampling.CATEGORY
    return _resampling.GATHER


def _sum_arguments(family, samples, integer_grid):
    arguments = []
    for sample in samples:
        values = sample.values
        x = np.ascontiguousarray(values[0])
        first, steps, base = _category_boundaries(x, family == _resampling.CATEGORY)
        columns = np.ascontiguousarray(values.T)
        if family == _resampling.JOINT and integer_grid:
            # the joint kernel reads (packed words, per-item offsets, field bits) here
            columns, first, base = _packed_columns(values)
        arguments += [x, columns, first, steps, base]
    if len(samples) == 1:  # the second sample's slots are unused: repeat the first's
        arguments += arguments
    return arguments


def _packed_columns(values):
    """Whole-number items for the joint loop: respondents x words of bit fields.

    Each item is shifted by its smallest answer; fields are 8, 16, 32 or 64 bits, the
    narrowest that holds the largest shifted sum (n times the largest shifted answer).
    Returns the packed array, the per-item offsets (n times the smallest answer) and the
    field width.
    """
    items, n = values.shape
    smallest = values.min(axis=1)
    shifted = (values - smallest[:, None]).astype(np.uint64)
    bound = n * int(shifted.max())
    bits = next(width for width in (8, 16, 32, 64) if width == 64 or bound < 1 << width)
    per_word = 64 // bits
    n_words = -(-items // per_word)
    packed = np.zeros((n, n_words), dtype=np.uint64)
    for item in range(items):
        word, field = divmod(item, per_word)
        packed[:, word] |= shifted[item] << np.uint64(field * bits)
    return packed, (n * smallest).astype(np.int64), bits


def _category_boundaries(sorted_values, needed):
    """For the comparison loop: the first index of every category but the lowest, the step
    from the category below, and n times the lowest value (see the kernels)."""
    if not needed:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    distinct, first = np.unique(sorted_values, return_index=True)
    steps = np.diff(distinct).astype(np.int64)
    base = int(sorted_values.shape[0] * distinct[0])
    return first[1:].astype(np.int64), steps, base


def _observed_and_decoder(statistic, samples, integer_grid):
    """Observed statistic on the replicate grid, and the map from grid to statistic."""
    first = samples[0]
    n = first.n
    values = first.values
    if statistic in ("mean", "proportion"):
        return values.sum(axis=1), lambda grid: grid / n
    if statistic in TWO_SAMPLE_STATISTICS:
        second = samples[1]
        m = second.n
        if integer_grid:
            observed = m * values.sum(axis=1) - n * second.values.sum(axis=1)
            return observed, lambda grid: grid / (n * m)
        observed = values.sum(axis=1) / n - second.values.sum(axis=1) / m
        return observed, lambda grid: grid
    if statistic == "median":
        ordered = np.sort(values, axis=1)
        middle = ordered[:, (n - 1) // 2] + ordered[:, n // 2]
        if integer_grid:
            return middle, lambda grid: grid / 2
        return 0.5 * middle, lambda grid: grid
    # variance and standard deviation
    if integer_grid:
        observed = n * (values * values).sum(axis=1) - values.sum(axis=1) ** 2
        scale = n * (n - 1)
        if statistic == "var":
            return observed, lambda grid: grid / scale
        return observed, lambda grid: np.sqrt(grid / scale)
    centred = values - values.mean(axis=1, keepdims=True)
    observed = (centred * centred).sum(axis=1) / (n - 1)
    if statistic == "var":
        return observed, lambda grid: grid
    return observed, lambda grid: np.sqrt(grid)


def _constant_statistic(statistic, samples):
    """Items whose samples are all constant, and the statistic's value there."""
    degenerate = np.ones(samples[0].items, dtype=bool)
    for sample in samples:
        degenerate &= np.all(sample.values == sample.values[:, :1], axis=1)
    first = samples[0].values[:, 0].astype(np.float64)
    if statistic in ("std", "var"):
        return degenerate, np.zeros_like(first)
    if statistic in TWO_SAMPLE_STATISTICS:
        return degenerate, first - samples[1].values[:, 0].astype(np.float64)
    return degenerate, first


def _replicate_dtype(statistic, samples, integer_grid):
    if not integer_grid:
        return np.float64
    largest = max(float(np.max(np.abs(sample.values))) for sample in samples)
    n = samples[0].n
    if statistic in TWO_SAMPLE_STATISTICS:
        bound = 2.0 * n * samples[1].n * largest
    elif statistic == "median":
        bound = 2.0 * largest
    elif statistic in ("std", "var"):
        bound = float(n) * n * largest * largest
        if bound >= 2.0**62:
            raise ValueError("data too large for the exact variance grid; rescale them")
    else:
        bound = n * largest
    return np.int32 if bound <= _INT32_MAX else np.int64


def _span_fits_histogram(replicates, n_resamples, bound=None):
    """Whether the replicates' integer span is small enough for a counting histogram; an
    a-priori ``bound`` on the span that already fits spares a pass over the replicates."""
    limit = max(4 * n_resamples, 1 << 16)
    if bound is not None and bound <= limit:
        return True
    span = int(replicates.max()) - int(replicates.min()) + 1
    return span <= limit


def _grid_span_bound(statistic, samples):
    """Upper bound on the span of integer-grid replicates, from the data alone (None if
    not derived for the statistic): a resampled sum lies in ``[n min, n max]``."""
    ranges = [int(sample.values.max()) - int(sample.values.min()) for sample in samples]
    if statistic in ("mean", "proportion"):
        return samples[0].n * ranges[0] + 1
    if statistic in TWO_SAMPLE_STATISTICS:
        n, m = samples[0].n, samples[1].n
        return m * n * ranges[0] + n * m * ranges[1] + 1
    return None


# ---------------------------------------------------------------------------------------
# jackknife acceleration


def _leave_one_out(statistic, values):
    """items x n matrix of the statistic with each observation left out."""
    items, n = values.shape
    values = values.astype(np.float64)
    if statistic in ("mean", "proportion"):
        return (values.sum(axis=1, keepdims=True) - values) / (n - 1)
    if statistic == "median":
        order = np.argsort(values, axis=1, kind="stable")
        ordered = np.take_along_axis(values, order, axis=1)
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(n)[None, :].repeat(items, axis=0), axis=1)
        remaining = n - 1
        low_rank = (remaining - 1) // 2
        high_rank = remaining // 2

        def pick(rank):
            # position in the full sorted row of the rank-th value once ``ranks`` is removed
            position = np.where(rank < ranks, rank, rank + 1)
            return np.take_along_axis(ordered, position, axis=1)

        return 0.5 * (pick(low_rank) + pick(high_rank))
    mean = values.mean(axis=1, keepdims=True)
    squares = ((values - mean) ** 2).sum(axis=1, keepdims=True)
    mean_without = (n * mean - values) / (n - 1)
    squares_without = squares - (values - mean) * (values - mean_without)
    variance = np.maximum(squares_without, 0.0) / (n - 2)
    return variance if statistic == "var" else np.sqrt(variance)


def _acceleration_terms(statistic, values):
    """Efron & Tibshirani eq. 15.36 terms: sum U^3 / n^3 and sum U^2 / n^2 per item."""
    n = values.shape[1]
    if n < 2 or (statistic in ("std", "var") and n < 3):
        zeros = np.zeros(values.shape[0])
        return zeros, zeros
    jackknife = _leave_one_out(statistic, values)
    influence = (n - 1) * (jackknife.mean(axis=1, keepdims=True) - jackknife)
    return (influence**3).sum(axis=1) / n**3, (influence**2).sum(axis=1) / n**2


def _jackknife_acceleration(statistic, samples):
    """Jackknife acceleration per item (0 where the jackknife values do not vary).

    One sample: a = sum U^3 / (6 (sum U^2)^(3/2)) with U the jackknife influence values.
    Two samples (mean difference): the terms of both samples are added, each scaled by its
    own n (Efron & Tibshirani 1993, eq. 15.36); the second enters with a minus sign, as the
    statistic decreases in its mean. Samples too small for a jackknife (n = 1; n = 2 for
    std/var) contribute zero.
    """
    one_sample = "mean" if statistic in TWO_SAMPLE_STATISTICS else statistic
    cubes, squares = _acceleration_terms(one_sample, samples[0].values)
    if statistic in TWO_SAMPLE_STATISTICS:
        cubes_2, squares_2 = _acceleration_terms(one_sample, samples[1].values)
        cubes = cubes - cubes_2
        squares = squares + squares_2
    with np.errstate(divide="ignore", invalid="ignore"):
        acceleration = cubes / (6.0 * squares**1.5)
    return np.where(squares > 0.0, acceleration, 0.0)
