"""Monte Carlo bootstrap intervals (numba, counter-based random streams)."""

from __future__ import annotations

import bisect
import functools
import itertools
import math
from collections import namedtuple
from dataclasses import dataclass

import numpy as np

from . import _grid, _numpy_kernels, _quantized, _resampling, _threads
from ._normal import bca_adjusted_z, normal_cdf, normal_quantile
from ._random import lane_scratch
from ._streams import LANES, narrow_slots, stream_key, words_per_sample
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

#: Samples with two distinct whole-number values up to this size draw their resampled count
#: directly (one binomial draw per replicate) instead of n indices.
BINOMIAL_MAX_N = 1000
#: Work of one binomial draw, in index draws (for the serial/parallel choice).
BINOMIAL_WORK = 2
#: Largest items x span of the per-item histograms of integer replicates (int64 cells).
HISTOGRAM_MAX_CELLS = 1 << 22
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
    ordered: bool = False  # each row sorted (1-D samples are)

    @property
    def n(self) -> int:
        return self.values.shape[1]

    @property
    def items(self) -> int:
        return self.values.shape[0]

    @functools.cached_property
    def lows(self) -> np.ndarray:
        """Smallest value of each item."""
        return self.values[:, 0] if self.ordered else self.values.min(axis=1)

    @functools.cached_property
    def highs(self) -> np.ndarray:
        """Largest value of each item."""
        return self.values[:, -1] if self.ordered else self.values.max(axis=1)

    @functools.cached_property
    def distinct(self) -> int:
        """Distinct values of a 1-D sample (its row is sorted)."""
        row = self.values[0]
        return 1 + int(np.count_nonzero(row[1:] != row[:-1]))


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
    plan = _plan(data, statistic)
    if isinstance(plan, _BinaryPlan):
        return _binary_interval(plan, statistic, method, level, n_resamples, seed, parallel)
    samples = plan.samples
    one_dimensional = plan.one_dimensional
    integer_grid = plan.integer_grid
    family = plan.family
    observed = plan.observed
    decode = plan.decode
    replicate_dtype = plan.replicate_dtype
    items = samples[0].items
    acceleration = plan.acceleration if method == "bca" else np.zeros(items)
    data_buckets = plan.data_buckets
    backend, threads = _threads.choose(_work(family, samples, integer_grid, n_resamples), parallel)
    key = stream_key(seed)
    code = METHOD_CODES[method]
    percentile_code = _grid.PERCENTILE if code == _grid.BASIC else code
    alpha_half = (1.0 - level) / 2.0
    low = np.empty(items)
    high = np.empty(items)
    z0 = np.empty(items)
    all_equal = np.zeros(items, dtype=np.bool_)
    observed_grid = observed.astype(replicate_dtype)
    ranked = _ranked_by_whole_numbers(
        plan, key, n_resamples, threads, percentile_code, alpha_half, acceleration
    )
    replicates = None
    if ranked is not None:
        z0[0], low[0], high[0] = ranked
    else:
        replicates = np.empty((items, n_resamples), dtype=replicate_dtype)
        # (a two-valued 1-D sample, whose histogram this returns, was handled above)
        _resample(family, samples, integer_grid, key, replicates, threads)
        span_origin = plan.span_origin
        # the interval's levels, the threads, and the outputs (filled in place)
        summary_arguments = (
            percentile_code,
            alpha_half,
            acceleration,
            threads,
            low,
            high,
            z0,
            all_equal,
        )
        if _histograms_fit(span_origin, items, n_resamples):
            _summarize_histograms(replicates, observed_grid, span_origin, summary_arguments)
        else:
            _summarize(integer_grid, replicates, observed_grid, summary_arguments, data_buckets)

    def all_replicates():
        if replicates is not None:
            return replicates
        # ranked by whole numbers: the float sums drawn again from the same streams
        drawn = np.empty((items, n_resamples), dtype=replicate_dtype)
        _resample(family, samples, integer_grid, key, drawn, threads)
        return drawn

    estimate = decode(observed.astype(np.float64))
    low_value = decode(low)
    high_value = decode(high)
    if code == _grid.BASIC:
        low_value, high_value = 2.0 * estimate - high_value, 2.0 * estimate - low_value
    # Constant data (or n = 1): every resample is the sample itself. The point is set from
    # the data so that float round-off in the sums cannot open a spurious interval.
    degenerate, constant_value = plan.degenerate, plan.constant_value
    if degenerate.any():
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
        backend=backend,
        n_threads=threads,
        n_resamples=n_resamples,
        seed=seed,
        bias_correction=unwrap(z0) if code == _grid.BCA else None,
        acceleration=unwrap(acceleration) if code == _grid.BCA else None,
        degenerate=bool(degenerate[0]) if one_dimensional else degenerate,
        replicates=lambda: (
            decode(all_replicates()[0].astype(np.float64))
            if one_dimensional
            else decode(all_replicates().astype(np.float64))
        ),
    )


class _Prepared:
    """What a call needs from its data alone, whatever its method, level, B or seed: the
    checked samples, their resampling family, the observed statistic on the replicate grid
    and its decoder, the constant items, for the mean of a 1-D float sample the buckets of
    its summary (:func:`_data_buckets`), and (computed when a BCa call first needs it) the
    jackknife acceleration."""

    def __init__(self, data, statistic: str):
        samples, self.one_dimensional = _prepare_samples(
            data, statistic, statistic in TWO_SAMPLE_STATISTICS
        )
        self.integer_grid = all(sample.integer for sample in samples)
        if not self.integer_grid:
            samples = [
                _Sample(sample.values.astype(np.float64), False, sample.ordered)
                if sample.integer
                else sample
                for sample in samples
            ]
        self.samples = samples
        self.statistic = statistic
        self.family = _family(statistic, samples, self.one_dimensional, self.integer_grid)
        self.observed, self.decode = _observed_and_decoder(statistic, samples, self.integer_grid)
        self.replicate_dtype = _replicate_dtype(statistic, samples, self.integer_grid)
        self.span_origin = _grid_span(statistic, samples) if self.integer_grid else None
        self.degenerate, self.constant_value = _constant_statistic(statistic, samples)
        self.data_buckets = (
            _data_buckets(samples[0], self.observed[0])
            if statistic == "mean" and self.one_dimensional and not self.integer_grid
            else None
        )
        # the mean of a 1-D float sample whose summary buckets exist (a finite spread)
        self.quantized = (
            _quantized.quantize(samples[0].values[0])
            if self.data_buckets is not None
            and self.family == _resampling.GATHER
            and narrow_slots(samples[0].n)
            and _quantized.available()
            else None
        )

    @functools.cached_property
    def acceleration(self) -> np.ndarray:
        return _jackknife_acceleration(self.statistic, self.samples)


#: Prepared 1-D samples of at most this many values are kept (see :func:`_plan`).
PLAN_MAX_N = 1000
#: Prepared 1-D samples (see :func:`_plan`), keyed by statistic, dtype and the sample's
#: bytes; cleared when full.
_PLANS: dict = {}
_PLANS_MAX = 64


@dataclass(frozen=True)
class _BinaryPlan:
    """What a call on a two-valued 1-D sample needs from the data alone (the sorted sample
    is fixed by its two values and counts, so everything here is too)."""

    sample: _Sample
    acceleration: float
    estimate: float
    replicate_dtype: type
    guide: np.ndarray
    thresholds: np.ndarray
    origin: int
    step: int
    observed_count: int


def _plan(data, statistic):
    """The preparation of a call's data: a :class:`_BinaryPlan` for a 1-D sample with two
    distinct whole-number values (the BINOMIAL loop) and the mean or proportion, a
    :class:`_Prepared` otherwise.

    A 1-D sample of at most :data:`PLAN_MAX_N` values is prepared once: the first call
    runs the preparation (its checks and errors included) and stores the outcome under the
    sample's bytes; equal bytes are an equal sample, so later calls on it (another method,
    level, B or seed) skip the preparation and give the same bits. Other data are
    prepared on every call."""
    if statistic in TWO_SAMPLE_STATISTICS or isinstance(data, tuple):
        return _Prepared(data, statistic)
    array = np.asarray(data)
    if array.ndim != 1 or array.shape[0] > PLAN_MAX_N or array.dtype.kind not in "biuf":
        return _Prepared(data, statistic)
    key = (statistic, array.dtype.str, array.tobytes())
    plan = _PLANS.get(key)
    if plan is None:
        plan = _make_plan(array, statistic)
        if len(_PLANS) >= _PLANS_MAX:
            _PLANS.clear()
        _PLANS[key] = plan
    return plan


def _make_plan(array, statistic):
    prepared = _Prepared(array, statistic)
    samples = prepared.samples
    sample = samples[0]
    if (
        statistic not in ("mean", "proportion")
        or not (prepared.one_dimensional and sample.integer)
        or prepared.family != _resampling.GATHER
        or _sum_family(sample, True) != _resampling.BINOMIAL
    ):
        return prepared
    x = sample.values[0]
    n = x.shape[0]
    low_value, high_value = int(x[0]), int(x[-1])  # x is sorted
    k = n - int(np.searchsorted(x, high_value))
    guide, thresholds = _binomial_tables(k, n)
    origin = n * low_value
    step = high_value - low_value
    observed = prepared.observed
    return _BinaryPlan(
        sample=sample,
        acceleration=float(prepared.acceleration[0]),
        estimate=float(prepared.decode(observed.astype(np.float64))[0]),
        replicate_dtype=prepared.replicate_dtype,
        guide=guide,
        thresholds=thresholds,
        origin=origin,
        step=step,
        observed_count=(int(observed[0]) - origin) // step,
    )


def _binary_interval(plan, statistic, method, level, n_resamples, seed, parallel):
    """:func:`bootstrap_ci` on a prepared two-valued sample: the same draws and arithmetic
    as the general path (one binomial count per replicate, the interval read off their
    histogram), without its preparation."""
    n = plan.sample.n
    backend, threads = _threads.choose(n_resamples * BINOMIAL_WORK, parallel)
    key = stream_key(seed)
    origin, step = plan.origin, plan.step
    tables = (key, 0, plan.guide, plan.thresholds, origin, step)
    parts = []
    no_replicates = np.empty(0, dtype=plan.replicate_dtype)
    use_kernel = _binomial_kernel(n_resamples)

    def binomial(start, stop):
        parts.append(_binomial_histogram(tables, n, start, stop, no_replicates, False, use_kernel))

    def replicates():
        # drawn again from the same streams: the interval needed only their histogram
        values = np.empty(n_resamples, dtype=plan.replicate_dtype)
        _binomial_histogram(tables, n, 0, n_resamples, values, True, _binomial_kernel(n_resamples))
        return values.astype(np.float64) / n

    _threads.run_ranges(binomial, n_resamples, threads)
    counts = (parts[0] if len(parts) == 1 else np.sum(parts, axis=0)).tolist()
    cumulative = list(itertools.accumulate(counts))
    observed_count = plan.observed_count
    below = cumulative[observed_count - 1] if observed_count > 0 else 0
    code = METHOD_CODES[method]
    bca = code == _grid.BCA
    acceleration = plan.acceleration if bca else 0.0
    z0, ranks = _levels(
        _grid.PERCENTILE if code == _grid.BASIC else code,
        (1.0 - level) / 2.0,
        acceleration,
        below,
        counts[observed_count],
        n_resamples,
        n_resamples in counts,  # one count drawn every time
    )
    if ranks is None:
        low = high = float(origin + step * next(i for i, c in enumerate(counts) if c)) / n
    else:
        low, high = (
            float(origin + step * bisect.bisect_left(cumulative, rank)) / n for rank in ranks
        )
    estimate = plan.estimate
    if code == _grid.BASIC:
        low, high = 2.0 * estimate - high, 2.0 * estimate - low
    return ConfidenceInterval(
        low,
        high,
        estimate,
        method,
        level,
        statistic,
        "monte_carlo",
        backend=backend,
        n_threads=threads,
        n_resamples=n_resamples,
        seed=seed,
        bias_correction=z0 if bca else None,
        acceleration=acceleration if bca else None,
        degenerate=False,
        replicates=replicates,
    )


#: Fewer replicates than this are added up in float64 (see :func:`_ranked_by_whole_numbers`).
RANKED_MIN_RESAMPLES = 1024


def _ranked_by_whole_numbers(plan, key, n_resamples, threads, method, alpha_half, acceleration):
    """``(z0, low, high)`` on the grid of the float sums for the mean of a 1-D float sample,
    found from whole-number sums (:mod:`kernels._quantized`): the same bits as adding up
    every replicate in float64, with the resampling in about half the time on one thread.
    None where the sample or the machine does not allow it, or where the call runs the
    numpy twins; the caller then adds up every replicate."""
    quantized = plan.quantized
    if quantized is None or n_resamples < RANKED_MIN_RESAMPLES:
        return None
    if not _numpy_kernels.compiled(_quantized.quantized_sums_narrow, n_resamples * quantized.n):
        return None

    def ranks_of(below, equal):
        return _levels(method, alpha_half, float(acceleration[0]), below, equal, n_resamples, False)

    observed = float(plan.observed[0])
    return _quantized.interval(quantized, key, 0, n_resamples, threads, observed, ranks_of)


def backend_for(
    data, statistic: str = "mean", n_resamples: int = DEFAULT_N_RESAMPLES, parallel=None
) -> dict:
    """The serial/parallel choice :func:`bootstrap_ci` makes for these arguments, without
    resampling: ``{"backend", "threads", "work", "parallel_min_work"}``, where ``work`` is
    the call's index draws (a two-valued sample counts two per replicate). The choice
    depends on the work and the machine's thread count; the results do not."""
    statistic = statistic.lower()
    n_resamples = check_n_resamples(n_resamples)
    samples, one_dimensional = _prepare_samples(data, statistic, statistic in TWO_SAMPLE_STATISTICS)
    integer_grid = all(sample.integer for sample in samples)
    family = _family(statistic, samples, one_dimensional, integer_grid)
    work = _work(family, samples, integer_grid, n_resamples)
    backend, threads = _threads.choose(work, parallel)
    return {
        "backend": backend,
        "threads": threads,
        "work": work,
        "parallel_min_work": _threads.PARALLEL_MIN_WORK,
    }


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
    binary = statistic.startswith("proportion")
    if binary and not np.all((values == 0) | (values == 1)):
        raise ValueError(f"{name}: a proportion needs 0/1 data, got other values")
    if statistic in ("std", "var") and values.shape[1] < 2:
        raise ValueError(f"{name}: the {statistic} needs at least 2 observations")
    # 0/1 data (checked above) are whole numbers within the integer grid
    integer = binary or (
        (values.dtype.kind in "iu" or bool((values == np.rint(values)).all()))
        and float(np.abs(values).max()) <= INTEGER_GRID_MAX
    )
    if integer:
        values = values.astype(np.int64)
    else:
        values = values.astype(np.float64)
    if one_dimensional:
        values = np.sort(values, axis=1)
    return _Sample(np.ascontiguousarray(values), integer, one_dimensional), one_dimensional


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
    """The resampling family of the call; for 1-D sums each sample then picks its own loop
    (:func:`_sum_family`)."""
    if statistic == "median":
        return _resampling.MEDIAN
    if statistic in ("std", "var"):
        return _resampling.VARIANCE
    if not one_dimensional:
        return _resampling.JOINT
    return _resampling.GATHER


def _sum_family(sample: _Sample, integer_grid: bool) -> int:
    """BINOMIAL, CATEGORY or GATHER for the sum of one 1-D sample."""
    if not integer_grid:
        return _resampling.GATHER
    distinct = sample.distinct
    if distinct == 2 and sample.n <= BINOMIAL_MAX_N:
        return _resampling.BINOMIAL
    if distinct <= CATEGORY_MAX_VALUES:
        return _resampling.CATEGORY
    return _resampling.GATHER


def _words(family: int, n: int) -> int:
    """Random words one replicate of a sample consumes (the next sample starts after them)."""
    return 1 if family == _resampling.BINOMIAL else words_per_sample(n)


def _work(family, samples, integer_grid, n_resamples) -> int:
    """Work of a call in index draws, for the serial/parallel choice."""
    if family == _resampling.GATHER:
        return n_resamples * sum(
            BINOMIAL_WORK if _sum_family(sample, integer_grid) == _resampling.BINOMIAL else sample.n
            for sample in samples
        )
    return n_resamples * samples[0].items * sum(sample.n for sample in samples)


def _resample(family, samples, integer_grid, key, replicates, threads):
    """Fill ``replicates`` (items x B) on ``threads`` threads. For one binomial sample return
    ``(origin, step, counts)``, the histogram of the drawn counts; else None."""
    n_resamples = replicates.shape[1]
    if family in (_resampling.MEDIAN, _resampling.VARIANCE):
        values = samples[0].values
        xt = np.ascontiguousarray(values.T)
        order = np.ascontiguousarray(np.argsort(values, axis=1, kind="stable"))
        narrow = narrow_slots(values.shape[1])

        def counted(start, stop):
            _resampling.counted_statistics(
                key,
                xt,
                order,
                family,
                integer_grid,
                narrow,
                start,
                stop,
                replicates,
                lane_scratch(values.shape[1], LANES),
            )

        _threads.run_ranges(counted, n_resamples, threads)
        return None
    if family == _resampling.JOINT:
        _joint(samples[0], integer_grid, key, 0, replicates, threads)
        if len(samples) == 2:
            second = np.empty_like(replicates)
            offset = words_per_sample(samples[0].n)
            _joint(samples[1], integer_grid, key, offset, second, threads)
            _combine(replicates, second, samples, integer_grid)
        return None
    first_family = _sum_family(samples[0], integer_grid)
    histogram = _sums(samples[0], first_family, key, 0, replicates[0], threads)
    if len(samples) == 1:
        return histogram
    second = np.empty_like(replicates)
    offset = _words(first_family, samples[0].n)
    second_family = _sum_family(samples[1], integer_grid)
    _sums(samples[1], second_family, key, offset, second[0], threads)
    _combine(replicates, second, samples, integer_grid)
    return None


def _combine(first, second, samples, integer_grid):
    """Two samples: replicates of ``mean(x*) - mean(y*)`` from the two samples' sums."""
    n1, n2 = samples[0].n, samples[1].n
    if integer_grid:
        # k1/n1 - k2/n2 on the common grid 1/(n1 n2): exact integers
        first *= n2
        second *= n1
        first -= second
    else:
        np.divide(first, n1, out=first)
        np.divide(second, n2, out=second)
        np.subtract(first, second, out=first)


def _sums(sample, family, key, word_offset, out, threads):
    """Resampled sums of one 1-D sample into ``out`` (length B); for a binomial sample
    return ``(origin, step, counts)`` as well (sum = origin + step * count)."""
    x = np.ascontiguousarray(sample.values[0])
    n = x.shape[0]
    if family == _resampling.BINOMIAL:
        low_value, high_value = int(x[0]), int(x[-1])  # x is sorted
        k = n - int(np.searchsorted(x, high_value))
        guide, thresholds = _binomial_tables(k, n)
        origin = n * low_value
        step = high_value - low_value
        tables = (key, word_offset, guide, thresholds, origin, step)
        parts = []
        use_kernel = _binomial_kernel(out.shape[0])

        def binomial(start, stop):
            parts.append(_binomial_histogram(tables, n, start, stop, out, True, use_kernel))

        _threads.run_ranges(binomial, out.shape[0], threads)
        return origin, step, parts[0] if len(parts) == 1 else np.sum(parts, axis=0)
    narrow = narrow_slots(n)
    if family == _resampling.CATEGORY:
        first, steps, base = _category_boundaries(x, True)

        def category(start, stop):
            if narrow:
                # one boundary at least (weight 0 for constant data): the loop reads cuts[0]
                cuts = np.r_[((first << 16) + n - 1) // n, 0][: max(first.shape[0], 1)]
                weights = np.r_[steps, 0][: max(first.shape[0], 1)]
                _resampling.category_sums_narrow(
                    key,
                    n,
                    cuts.astype(np.uint16),
                    weights.astype(np.int32),
                    steps,
                    first,
                    base,
                    word_offset,
                    start,
                    stop,
                    out,
                    LANES,
                    _resampling.narrow_scratch(n, LANES, np.int32),
                )
            else:
                _resampling.category_sums(
                    key, n, first, steps, base, word_offset, start, stop, out, LANES
                )

        _threads.run_ranges(category, out.shape[0], threads)
        return None
    # the narrow loop reads one identity element past the sample (-0.0: a + -0.0 == a)
    padded = np.empty(n + 1, dtype=x.dtype)
    padded[:n] = x
    padded[n] = -0.0 if x.dtype.kind == "f" else 0
    use_kernel = not narrow or _numpy_kernels.compiled(
        _resampling.gather_sums_narrow, out.shape[0] * n
    )

    if use_kernel and narrow:

        def shared(claim, scratch):
            _resampling.gather_sums_narrow(
                key, padded, word_offset, claim, out.shape[0], out, scratch
            )

        scratches = [lane_scratch(n, _resampling.GATHER_LANES) for _ in range(max(threads, 1))]
        _threads.run_shared(shared, scratches)
        return None

    def gather(start, stop):
        if narrow:
            _numpy_kernels.gather_sums_narrow(key, padded, word_offset, start, stop, out)
        else:
            _resampling.gather_sums(key, x, word_offset, start, stop, out, LANES)

    _threads.run_ranges(gather, out.shape[0], threads)
    return None


def _joint(sample, integer_grid, key, word_offset, out, threads):
    """Per-item resampled sums of 2-D data (respondents drawn jointly) into ``out``."""
    values = sample.values
    narrow = narrow_slots(sample.n)
    if integer_grid:
        packed, offsets, bits = _packed_columns(values)
        use_kernel = not narrow or _numpy_kernels.compiled(
            _resampling.joint_sums_packed_narrow, out.shape[1] * packed.size
        )

        if use_kernel and narrow:

            def shared(claim, scratch):
                _resampling.joint_sums_packed_narrow(
                    key, packed, offsets, bits, word_offset, claim, out.shape[1], out, scratch
                )

            scratches = [
                lane_scratch(sample.n, _resampling.GATHER_LANES) for _ in range(max(threads, 1))
            ]
            _threads.run_shared(shared, scratches)
            return

        def packed_sums(start, stop):
            if narrow:
                _numpy_kernels.joint_sums_packed_narrow(
                    key, packed, offsets, bits, word_offset, start, stop, out
                )
            else:
                _resampling.joint_sums_packed(
                    key,
                    packed,
                    offsets,
                    bits,
                    word_offset,
                    narrow,
                    start,
                    stop,
                    out,
                    lane_scratch(sample.n, LANES),
                )

        _threads.run_ranges(packed_sums, out.shape[1], threads)
        return
    xt = np.ascontiguousarray(values.T)

    def float_sums(start, stop):
        _resampling.joint_sums(
            key, xt, word_offset, narrow, start, stop, out, lane_scratch(sample.n, LANES)
        )

    _threads.run_ranges(float_sums, out.shape[1], threads)


def _binomial_histogram(tables, n, start, stop, out, keep_replicates, use_kernel):
    """Histogram of the binomial counts of replicates ``start <= b < stop`` (and, with
    ``keep_replicates``, their sums in ``out``); ``tables`` is ``(key, word offset, guide,
    thresholds, origin, step)`` as :func:`kernels._resampling.binomial_counts` takes them,
    ``use_kernel`` says whether that kernel or its numpy twin runs."""
    counts = np.zeros(n + 1, dtype=np.int64)
    if use_kernel:
        _resampling.binomial_counts(
            *tables, start, stop, out, keep_replicates, counts, _resampling.binomial_scratch(n)
        )
    else:
        _numpy_kernels.binomial_counts(*tables, start, stop, out, keep_replicates, counts)
    return counts


def _binomial_kernel(n_resamples: int) -> bool:
    """Whether the binomial counts of ``n_resamples`` replicates run compiled."""
    return _numpy_kernels.compiled(_resampling.binomial_counts, n_resamples * BINOMIAL_WORK)


@functools.lru_cache(maxsize=256)
def _binomial_tables(k: int, n: int):
    """Thresholds and guide table for drawing ``Binomial(n, k / n)`` from one word.

    ``thresholds[j] = ceil(P(K <= j) 2**64)``, computed from exact integers
    (``P(K <= j) = sum_i C(n, i) k^i (n - k)^(n - i) / n^n``); thresholds of 2**64 or more
    (cumulative probabilities within 2**-64 of one) are left out, as no word reaches them.
    ``guide[c]`` is the number of thresholds at or below the first word of cell c (the top
    GUIDE_BITS bits), plus the ambiguity flag when another threshold lies inside the cell.
    """
    total = n**n
    choose = 1
    power_k = 1
    power_rest = (n - k) ** n
    cumulative = 0
    values = []
    for j in range(n):
        cumulative += choose * power_k * power_rest
        threshold = -((-cumulative << 64) // total)
        if threshold >= 1 << 64:
            break
        values.append(threshold)
        choose = choose * (n - j) // (j + 1)
        power_k *= k
        power_rest //= n - k
    thresholds = np.array(values, dtype=np.uint64)
    shift = np.uint64(64 - _resampling.GUIDE_BITS)
    starts = np.arange(1 << _resampling.GUIDE_BITS, dtype=np.uint64) << shift
    ends = starts | ((np.uint64(1) << shift) - np.uint64(1))
    below = np.searchsorted(thresholds, starts, side="right")
    through = np.searchsorted(thresholds, ends, side="right")
    guide = (below | ((through > below).astype(np.int64) << 16)).astype(np.int32)
    guide.setflags(write=False)
    thresholds.setflags(write=False)
    return guide, thresholds


@functools.lru_cache(maxsize=64)
def _level_quantile(alpha_half: float) -> float:
    """``Phi^-1(alpha_half)``, computed once per level."""
    return normal_quantile(alpha_half)


def _levels(method, alpha_half, acceleration, below, equal, total, flat):
    """z0 and the 1-based ranks ``(low, high)`` of the interval's replicates (None when
    every replicate is equal). Plain Python, the same arithmetic as the exact intervals'."""
    z0 = math.nan
    if method == _grid.BCA:
        share = (below + 0.5 * equal) / total
        share = min(max(share, 0.5 / total), 1.0 - 0.5 / total)
        z0 = normal_quantile(share)
    if flat:
        return z0, None
    if method == _grid.BCA:
        z_alpha = _level_quantile(alpha_half)
        z_low = bca_adjusted_z(z0, acceleration, z_alpha)
        z_high = bca_adjusted_z(z0, acceleration, -z_alpha)
        levels = (normal_cdf(z_low), normal_cdf(-z_low), normal_cdf(z_high), normal_cdf(-z_high))
    else:
        levels = (alpha_half, 1.0 - alpha_half, 1.0 - alpha_half, alpha_half)
    return z0, (
        _grid.rank_of_quantile(total, levels[0], levels[1]),
        _grid.rank_of_quantile(total, levels[2], levels[3]),
    )


def _histograms_fit(span_origin, items, n_resamples) -> bool:
    """Whether integer replicates with an a-priori range are summarised by histograms."""
    if span_origin is None:
        return False
    span = span_origin[0]
    return span <= max(4 * n_resamples, 1 << 16) and span * items <= HISTOGRAM_MAX_CELLS


def _summarize_histograms(replicates, observed, span_origin, arguments):
    """Integer replicates with an a-priori range (sums, differences of sums): one pass
    histograms every item, everything else is read off the histograms."""
    method, alpha_half, acceleration, threads, low, high, z0, degenerate = arguments
    items, n_resamples = replicates.shape
    span, origin = span_origin
    counts = np.empty((items, span), dtype=np.int64)
    histograms = (
        _resampling.histograms
        if _numpy_kernels.compiled(_resampling.histograms, items * n_resamples)
        else _numpy_kernels.histograms
    )

    def counting(first, stop):
        histograms(replicates, origin, first, stop, counts)

    _threads.run_ranges(counting, items, threads if items > 1 else 1, align=1)
    cumulative = np.cumsum(counts, axis=1)
    present = counts > 0
    first_bin = np.argmax(present, axis=1)
    last_bin = span - 1 - np.argmax(present[:, ::-1], axis=1)
    for item in range(items):
        position = int(observed[item]) - int(origin[item])
        below = int(cumulative[item, position - 1]) if position > 0 else 0
        equal = int(counts[item, position])
        z0[item], ranks = _levels(
            method,
            alpha_half,
            float(acceleration[item]),
            below,
            equal,
            n_resamples,
            first_bin[item] == last_bin[item],
        )
        degenerate[item] = ranks is None
        base = int(origin[item])
        if ranks is None:
            low[item] = high[item] = float(base + int(first_bin[item]))
        else:
            row = cumulative[item]
            low[item] = float(base + int(np.searchsorted(row, ranks[0])))
            high[item] = float(base + int(np.searchsorted(row, ranks[1])))


def _summarize(integer_grid, replicates, observed, arguments, data_buckets=None):
    """Endpoints (on the grid), z0 and degeneracy of every item's replicates: one pass
    counts (compiled, for float replicates, it also histograms them in buckets), Python
    computes z0 and the ranks, a second pass finds the ranked replicates (compiled: the
    replicates of the two buckets that hold them, some dozens, partitioned; in numpy:
    :func:`ranked_values`). Either way the endpoints are the exact ranked replicates.

    The buckets span the replicates' own range, or, for one 1-D sample, ``data_buckets``
    (:func:`_data_buckets`), which spares the passes for that range."""
    method, alpha_half, acceleration, threads, low, high, z0, degenerate = arguments
    items, n_resamples = replicates.shape
    dtype = replicates.dtype
    # float replicates: the compiled passes or their numpy twin, by the usual rule
    compiled = dtype == np.float64 and _numpy_kernels.compiled(
        _resampling.bucket_counts, items * n_resamples
    )
    counted = None
    if compiled and data_buckets is not None:
        buckets = _float_buckets(*data_buckets, n_resamples)
        counted = _resampling.bucket_counts(
            replicates[0],
            observed[0],
            buckets.low[0],
            buckets.scale[0],
            buckets.counts[0],
            buckets.scratch,
            buckets.slots,
        )
        if np.count_nonzero(buckets.counts[0]) < 2:
            counted = None  # maybe all equal: their own range tells
    if counted is None:
        smallest = replicates.min(axis=1)
        largest = replicates.max(axis=1)
        buckets = _float_buckets(smallest, largest, n_resamples) if compiled else None
    ranks = np.zeros((items, 2), dtype=np.int64)
    for item in range(items):
        column = replicates[item]
        # replicates in two buckets differ
        flat = counted is None and smallest[item] == largest[item]
        if counted is not None:
            below, equal = counted
        elif buckets is not None and not flat:
            below, equal = _resampling.bucket_counts(
                column,
                observed[item],
                buckets.low[item],
                buckets.scale[item],
                buckets.counts[item],
                buckets.scratch,
                buckets.slots,
            )
        else:
            # row by row: count_nonzero along an axis of the 2-D array is three times slower
            below = np.count_nonzero(column < observed[item])
            equal = np.count_nonzero(column == observed[item])
        z0[item], item_ranks = _levels(
            method,
            alpha_half,
            float(acceleration[item]),
            int(below),
            int(equal),
            n_resamples,
            flat,
        )
        degenerate[item] = item_ranks is None
        if item_ranks is not None:
            ranks[item] = item_ranks
    values = np.empty((items, 2), dtype=dtype)
    spans = largest.astype(np.int64) - smallest.astype(np.int64) + 1 if integer_grid else None
    if degenerate.all():
        pass
    elif integer_grid and int(spans.max()) <= max(4 * n_resamples, 1 << 16):

        def ranking(first, stop):
            counts = np.empty(int(spans[first:stop].max()), dtype=np.int64)
            _resampling.ranked_histogram(
                replicates, smallest, largest, ranks, first, stop, values, counts
            )

        _threads.run_ranges(ranking, items, threads if items > 1 else 1, align=1)
    else:
        for item in range(items):
            if degenerate[item]:
                continue
            if buckets is not None:
                values[item] = _bucket_ranked_values(
                    replicates[item],
                    ranks[item],
                    buckets.low[item],
                    buckets.scale[item],
                    buckets.counts[item],
                )
            else:
                values[item] = ranked_values(replicates[item], ranks[item])
    for item in range(items):
        if degenerate[item]:
            low[item] = high[item] = float(smallest[item])
        else:
            low[item] = float(values[item, 0])
            high[item] = float(values[item, 1])


#: Buckets of the histogram of float replicates (see :func:`_float_buckets`).
FLOAT_BUCKETS = 1024

_FloatBuckets = namedtuple("_FloatBuckets", ["low", "scale", "counts", "scratch", "slots"])


def _float_buckets(smallest, largest, n_resamples):
    """Histograms for :func:`kernels._resampling.bucket_counts`, one per item: replicate v of
    item i falls in bucket ``(v - smallest[i]) * scale[i]`` (the last bucket takes
    ``largest[i]``)."""
    with np.errstate(divide="ignore", over="ignore"):
        scale = FLOAT_BUCKETS / (largest - smallest)
    # a range too narrow for a finite scale is flat or nearly so: one bucket holds it all
    scale[~np.isfinite(scale)] = 0.0
    return _FloatBuckets(
        smallest,
        scale,
        np.empty((smallest.shape[0], FLOAT_BUCKETS), dtype=np.int64),
        np.empty(4 * FLOAT_BUCKETS, dtype=np.int64),
        np.empty(n_resamples, dtype=np.uint16),
    )


#: The buckets of :func:`_data_buckets` span the observed sum plus or minus this many
#: standard deviations of a resampled sum.
DATA_BUCKETS_SPREAD = 8.0


def _data_buckets(sample, observed):
    """``(smallest, largest)`` of 1-element arrays: a range for the bucket histogram of a 1-D
    float sample's resampled sums, fixed by the data before any replicate exists, or None
    where the data give no finite one. It spans the observed sum plus or minus
    :data:`DATA_BUCKETS_SPREAD` times ``sqrt(n)`` times the sample's population standard
    deviation, the standard deviation of a resampled sum; a replicate outside falls in the
    first or the last bucket. The buckets only say where to look for the ranked
    replicates, so any range gives the same endpoints."""
    values = sample.values[0]
    observed = float(observed)
    deviations = values - observed / values.shape[0]
    spread = DATA_BUCKETS_SPREAD * math.sqrt(float(np.dot(deviations, deviations)))
    smallest, largest = observed - spread, observed + spread
    if not (0.0 < spread and math.isfinite(smallest) and math.isfinite(largest)):
        return None
    if not math.isfinite(FLOAT_BUCKETS / (largest - smallest)):
        return None
    return np.array([smallest]), np.array([largest])


def _bucket_ranked_values(column, ranks, low, scale, counts) -> list:
    """The replicates of the two 1-based ``ranks`` in ``column``, exactly, from its bucket
    histogram ``counts``: the bucket that reaches each rank is collected in one more pass
    (:func:`kernels._resampling.bucket_members`) and partitioned."""
    cumulative = np.cumsum(counts)
    targets = np.searchsorted(cumulative, ranks)
    members = [np.empty(int(counts[target])) for target in targets]
    _resampling.bucket_members(column, low, scale, float(counts.shape[0] - 1), targets, *members)
    values = []
    for rank, target, found in zip(ranks, targets, members, strict=True):
        offset = int(rank) - 1 - (int(cumulative[target - 1]) if target > 0 else 0)
        values.append(np.partition(found, offset)[offset])
    return values


#: Size of the regular subsample whose sorted values bracket a rank (see :func:`ranked_values`).
_SUBSAMPLE = 2048


def ranked_values(column, ranks) -> list:
    """The replicates of 1-based ``ranks`` in ``column`` (each the rank-th smallest), exactly.

    Selection by a bracket: a regular subsample of about :data:`_SUBSAMPLE` values is
    sorted once, the values a few standard errors either side of a rank's place in it
    bound the range where the ranked value is expected, and only the replicates in that
    range are partitioned. If a bracket misses (ties, or a rare subsample), the whole
    column is partitioned: the answer is the same either way, only slower. In numpy: a
    compiled selection loop saved about 0.2 ms of a 100,000-replicate interval and cost a
    compilation of 0.5 to 0.8 s on every cold start.
    """
    total = column.shape[0]
    sample = np.sort(column[:: max(1, total // _SUBSAMPLE)])
    size = sample.shape[0]
    inside = np.empty(total, dtype=bool)
    values = []
    for rank in ranks:
        rank = int(rank)
        place = (rank - 0.5) / total * size
        margin = 4.0 * math.sqrt(max(place * (1.0 - place / size), 1.0)) + 2.0
        lower, upper = math.floor(place - margin), math.ceil(place + margin)
        below = 0
        inside.fill(True)
        if lower >= 0:
            np.greater_equal(column, sample[lower], out=inside)
            below = total - int(np.count_nonzero(inside))
        if upper < size:
            inside &= column <= sample[upper]
        offset = rank - 1 - below
        members = column[inside]
        if 0 <= offset < members.shape[0]:
            values.append(np.partition(members, offset)[offset])
        else:
            values.append(np.partition(column, rank - 1)[rank - 1])
    return values


def _packed_columns(values):
    """Whole-number items for the joint loop: words x respondents of bit fields.

    Each item is shifted by its smallest answer; a field is the narrowest width that holds
    the largest shifted sum (n times the largest shifted answer), so that ``64 // bits``
    items share a word (ten 0/1 items for n <= 63). Returns the packed array, the per-item
    offsets (n times the smallest answer) and the field width.
    """
    items, n = values.shape
    smallest = values.min(axis=1)
    shifted = (values - smallest[:, None]).astype(np.uint64)
    bits = max(1, (n * int(shifted.max())).bit_length())
    per_word = 64 // bits
    n_words = -(-items // per_word)
    packed = np.zeros((n_words, n), dtype=np.uint64)
    for item in range(items):
        word, field = divmod(item, per_word)
        packed[word] |= shifted[item] << np.uint64(field * bits)
    return packed, (n * smallest).astype(np.int64), bits


def _grid_span(statistic, samples):
    """``(span, origin)`` such that every item's integer-grid replicates lie in
    ``[origin[item], origin[item] + span)``, from the data alone (a resampled sum lies in
    ``[n min, n max]``); None where not derived (median, variance)."""
    lows = [sample.lows.astype(np.int64) for sample in samples]
    highs = [sample.highs.astype(np.int64) for sample in samples]
    if statistic in ("mean", "proportion"):
        n = samples[0].n
        return int(n * (highs[0] - lows[0]).max()) + 1, n * lows[0]
    if statistic in TWO_SAMPLE_STATISTICS:
        n, m = samples[0].n, samples[1].n
        # n2 * (sum of x*) - n1 * (sum of y*), each sum between n min and n max
        origin = m * n * lows[0] - n * m * highs[1]
        top = m * n * highs[0] - n * m * lows[1]
        return int((top - origin).max()) + 1, origin
    return None


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
        degenerate &= sample.lows == sample.highs
    first = samples[0].values[:, 0].astype(np.float64)
    if statistic in ("std", "var"):
        return degenerate, np.zeros_like(first)
    if statistic in TWO_SAMPLE_STATISTICS:
        return degenerate, first - samples[1].values[:, 0].astype(np.float64)
    return degenerate, first


def _replicate_dtype(statistic, samples, integer_grid):
    if not integer_grid:
        return np.float64
    largest = max(
        max(abs(float(sample.lows.min())), abs(float(sample.highs.max()))) for sample in samples
    )
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


# ---------------------------------------------------------------------------------------
# jackknife acceleration


def _leave_one_out(statistic, values):
    """items x n matrix of the statistic with each observation left out."""
    items, n = values.shape
    values = values.astype(np.float64, copy=False)
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
    # the mean as np.mean computes it (a sum divided by n), without its Python layer
    mean = np.add.reduce(jackknife, axis=1, keepdims=True) / n
    influence = (n - 1) * (mean - jackknife)
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


#: Confidence of the Monte Carlo error bands of :func:`monte_carlo_error`.
MONTE_CARLO_ERROR_CONFIDENCE = 0.999


def monte_carlo_error(
    interval: ConfidenceInterval, confidence: float = MONTE_CARLO_ERROR_CONFIDENCE
):
    """How far each endpoint of a Monte Carlo interval can move from its Monte Carlo error
    alone: ``(low_error, high_error)``, floats (arrays for a vectorised result).

    An endpoint is the replicate of rank ``r = ceil(q B)`` at the level ``q`` of the method.
    Over reruns with other seeds the fraction of replicates below the true q-quantile is
    binomial, so the rank that lands on it varies by ``z sqrt(B q (1 - q))`` (``z`` the
    two-sided normal quantile of ``confidence``): the distribution-free interval for a
    quantile. For BCa the level itself is estimated: ``z0`` comes from the share ``s`` of
    replicates below the estimate, whose standard error is ``sqrt(s (1 - s) / B)``, and the
    band spans the levels at ``z0`` moved by ``z`` such errors. The error of an endpoint is
    its largest distance to the replicates at the ends of that rank band: zero where the
    replicates do not change across the band (a discrete statistic far from a jump), one grid
    step where a rerun can land on the next attainable value. The acceleration is a
    jackknife of the data and has no Monte Carlo error. Basic intervals reflect percentile
    endpoints and take their errors swapped.
    """
    if interval.path != "monte_carlo":
        raise ValueError(f"a {interval.path} interval has no Monte Carlo error")
    confidence = check_level(confidence)
    replicates = np.atleast_2d(interval.replicates())
    items, total = replicates.shape
    z = normal_quantile(0.5 + confidence / 2.0)
    alpha_half = (1.0 - interval.level) / 2.0
    estimates = np.atleast_1d(np.asarray(interval.estimate, dtype=np.float64))
    lows = np.atleast_1d(np.asarray(interval.low, dtype=np.float64))
    highs = np.atleast_1d(np.asarray(interval.high, dtype=np.float64))
    bca = interval.method == "bca"
    acceleration = np.atleast_1d(np.asarray(interval.acceleration if bca else 0.0)) * np.ones(items)
    errors = np.zeros((items, 2))
    for item in range(items):
        ordered = np.sort(replicates[item])
        if ordered[0] == ordered[-1]:
            continue
        level_bands = [(alpha_half, alpha_half), (1.0 - alpha_half, 1.0 - alpha_half)]
        if bca:
            below = np.count_nonzero(ordered < estimates[item])
            equal = np.count_nonzero(ordered == estimates[item])
            share = min(max((below + 0.5 * equal) / total, 0.5 / total), 1.0 - 0.5 / total)
            spread = z * math.sqrt(share * (1.0 - share) / total)
            shares = (max(share - spread, 0.5 / total), min(share + spread, 1.0 - 0.5 / total))
            level_bands = []
            for z_alpha in (normal_quantile(alpha_half), -normal_quantile(alpha_half)):
                levels = [
                    normal_cdf(bca_adjusted_z(normal_quantile(s), acceleration[item], z_alpha))
                    for s in shares
                ]
                level_bands.append((min(levels), max(levels)))
        endpoints = (lows[item], highs[item])
        if interval.method == "basic":
            # basic = 2 * estimate - (the percentile endpoints, swapped)
            endpoints = (2.0 * estimates[item] - highs[item], 2.0 * estimates[item] - lows[item])
        for end, (low_level, high_level) in enumerate(level_bands):
            first = _grid.rank_of_quantile(total, low_level, 1.0 - low_level)
            last = _grid.rank_of_quantile(total, high_level, 1.0 - high_level)
            first = max(
                1, int(math.floor(first - z * math.sqrt(total * low_level * (1 - low_level))))
            )
            last = min(
                total, int(math.ceil(last + z * math.sqrt(total * high_level * (1 - high_level))))
            )
            errors[item, end] = max(
                abs(endpoints[end] - ordered[first - 1]), abs(ordered[last - 1] - endpoints[end])
            )
    if interval.method == "basic":
        errors = errors[:, ::-1]
    if np.ndim(interval.low) == 0:
        return float(errors[0, 0]), float(errors[0, 1])
    return errors[:, 0].copy(), errors[:, 1].copy()
