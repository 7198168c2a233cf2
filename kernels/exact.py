"""Exact (ideal, B -> infinity) bootstrap intervals for discrete data.

For the statistics below the bootstrap distribution is known in closed form, so the
percentile, basic and BCa intervals are computed from it directly, without Monte Carlo
error:

- a proportion ``k / n``: the resampled count is ``Binomial(n, k / n)``;
- a difference of two independent proportions: the convolution of two binomials;
- the mean of a discrete variable given as values with frequencies (a Likert item, a count
  of ticked options): the n-fold convolution of its empirical distribution.

Each distribution lives on an integer grid (counts, sums, ``k1 * n2 - k2 * n1``), so the
BCa bias correction ``z0`` counts resamples equal to the observed statistic by integer
comparison, as one half.
"""

from __future__ import annotations

import numpy as np

from . import _exact_math, _grid, _threads
from ._numpy_kernels import compile_setting
from ._validation import (
    METHOD_CODES,
    check_bootstrap_method,
    check_count_array,
    check_count_scalar,
    check_level,
    check_proportion_counts,
)
from .results import ConfidenceInterval, ResamplingDistribution

#: Vectorised calls with at least this many items run on several threads.
PARALLEL_MIN_ITEMS = 4096
#: The exact intervals of a process run in plain Python (no compilation, no numba import)
#: until it has computed this many binomial terms (n + 1 per item) that way, about half a
#: second of Python (21 us for an item of n = 39, 0.5 us per term, on the Zen 3 machine of
#: the performance appendix), about what compiling the exact kernels costs; later calls
#: use the compiled kernels. Both give the same bits, and ``KERNELS_COMPILE`` (see
#: :mod:`kernels._numpy_kernels`) overrides the choice.
PYTHON_TERMS = 1 << 20
#: A vectorised call whose items add up to more binomial terms than this is compiled.
PYTHON_MAX_TERMS = 20_000
#: Largest grid (number of support points) the exact path will build.
MAX_GRID_POINTS = 20_000_000
#: Largest convolution work (n * grid points * distinct values) for :func:`mean_ci`.
MAX_CONVOLUTION_WORK = 500_000_000


_python_terms = 0
_compiled_scalar = None


def _kernels():
    """The compiled kernels (imported, and compiled or loaded from the cache, on first use)."""
    from . import _exact_kernels

    return _exact_kernels


def _runs_in_python(terms: int) -> bool:
    """Whether exact work of ``terms`` binomial terms runs in plain Python (and is counted
    against :data:`PYTHON_TERMS`) or compiled. Once this process has the compiled kernels
    they serve every call, whatever ``KERNELS_COMPILE`` says: the setting decides when to
    compile, and both tiers give the same bits (reading the environment would cost the
    scalar call a fifth of its time)."""
    global _python_terms
    if _compiled_scalar is not None or _exact_math.LIBM_LGAMMA is None:
        return False
    setting = compile_setting()
    if setting != "auto":
        return setting == "never"
    if terms > PYTHON_MAX_TERMS or _python_terms >= PYTHON_TERMS:
        return False
    _python_terms += terms
    return True


def _python_interval(k: int, n: int, code, alpha_half):
    """(low, high, z0, acceleration) of one proportion in plain Python."""
    return _exact_math.proportion_interval(k, n, code, alpha_half, [0.0] * (n + 1))


def _scalar_interval(k, n, code, alpha_half):
    """(low, high, z0, acceleration) of one proportion, in plain Python or compiled (same
    bits, see :func:`_runs_in_python`)."""
    global _compiled_scalar
    if _runs_in_python(n + 1):
        return _python_interval(k, n, code, alpha_half)
    if _compiled_scalar is None:
        _compiled_scalar = _kernels().proportion_interval_scalar
    return _compiled_scalar(k, n, code, alpha_half)


# ---------------------------------------------------------------------------------------
# public functions


def proportion_ci(k, n, method: str = "bca", level: float = 0.95) -> ConfidenceInterval:
    """Exact ideal-bootstrap confidence interval of a proportion ``k / n``.

    The bootstrap resamples n answers with replacement from k ones and n - k zeros, so the
    resampled proportion is exactly ``Binomial(n, k / n) / n``; the interval is read off that
    distribution (B -> infinity, no Monte Carlo error).

    Parameters
    ----------
    k, n : int or array of int
        Successes and sample size; arrays broadcast against each other and give one interval
        per item (vectorised in one compiled loop). Need ``0 <= k <= n`` and ``n >= 1``.
    method : {"bca", "percentile", "basic"} or an analytic method
        - ``"percentile"``: ``[G^-1(a/2), G^-1(1 - a/2)] / n`` with ``G^-1`` the
          binomial inverse CDF, ``G^-1(q) = min{j : P(K <= j) >= q}`` (the same as
          ``scipy.stats.binom.ppf(q, n, k / n)``), ``a = 1 - level``.
        - ``"basic"``: the percentile interval reflected about ``k / n``:
          ``[2 k - G^-1(1 - a/2), 2 k - G^-1(a/2)] / n`` (may leave [0, 1]).
        - ``"bca"``: percentile at the adjusted levels
          ``Phi(z0 + (z0 + z) / (1 - acc (z0 + z)))`` for ``z = Phi^-1(a/2), Phi^-1(1 - a/2)``,
          with ``z0 = Phi^-1(P(K < k) + P(K = k) / 2)`` (ties count one half) and the
          jackknife acceleration ``acc = (n - 2k) / (6 sqrt(n k (n - k)))``.
        - ``"wilson"``, ``"clopper-pearson"``, ``"jeffreys"``, ``"agresti-coull"``,
          ``"wald"``: the analytic interval from statsmodels (see :func:`analytic_ci`).
    level : float
        Nominal coverage, strictly between 0 and 1.

    Returns
    -------
    ConfidenceInterval
        Unpacks as ``(low, high)``; carries ``estimate = k / n``, ``method``, ``level``,
        ``path = "exact"``, BCa's ``bias_correction`` (z0) and ``acceleration``, and
        ``distribution()``, the exact resampling distribution of ``K* / n``.

    Edge cases
    ----------
    ``k = 0`` or ``k = n``: every resample equals the sample, the bootstrap distribution is a
    point mass and every bootstrap method returns ``(k / n, k / n)`` with
    ``degenerate = True`` (z0 = 0, acceleration = 0). The bootstrap carries no information
    about uncertainty there; use an analytic interval (Wilson, Clopper-Pearson, Jeffreys).
    ``n < 1``, ``k > n``, negative or fractional counts, or a level outside (0, 1) raise
    ValueError.

    A quantile level that lands exactly on a cumulative probability (a knife-edge) is
    resolved by floating-point comparison, as in ``binom.ppf``.
    """
    if method in _ANALYTIC_NAMES:
        from .analytic import analytic_ci

        return analytic_ci(k, n, method=method, level=level)
    method = check_bootstrap_method(method)
    level = check_level(level)
    code = METHOD_CODES[method]
    alpha_half = (1.0 - level) / 2.0
    if type(k) is int and type(n) is int:
        if k < 0 or n < 1 or k > n:
            check_count_scalar(k, "k")
            check_proportion_counts(k, n)
        low, high, z0, acceleration = _scalar_interval(k, n, code, alpha_half)
        is_bca = code == _grid.BCA
        return ConfidenceInterval(
            low,
            high,
            k / n,
            method,
            level,
            "proportion",
            "exact",
            bias_correction=z0 if is_bca else None,
            acceleration=acceleration if is_bca else None,
            degenerate=k == 0 or k == n,
            distribution=_BinomialDistribution(k, n),
        )
    if np.ndim(k) == 0 and np.ndim(n) == 0:
        k_int = check_count_scalar(k.item() if hasattr(k, "item") else k, "k")
        n_int = check_count_scalar(n.item() if hasattr(n, "item") else n, "n")
        return proportion_ci(k_int, n_int, method=method, level=level)
    k_array = check_count_array(k, "k")
    n_array = check_count_array(n, "n")
    k_array, n_array = np.broadcast_arrays(k_array, n_array)
    shape = k_array.shape
    k_flat = np.ascontiguousarray(k_array.ravel())
    n_flat = np.ascontiguousarray(n_array.ravel())
    if np.any(n_flat < 1):
        raise ValueError(f"n must be at least 1, got {n_array!r}")
    if np.any(k_flat > n_flat):
        bad = int(np.argmax(k_flat > n_flat))
        raise ValueError(f"k = {k_flat[bad]} exceeds n = {n_flat[bad]} at item {bad}")
    # an interval depends on (k, n) only: each distinct pair is computed once
    pairs, item_pair = np.unique(np.stack([k_flat, n_flat]), axis=1, return_inverse=True)
    k_pairs = np.ascontiguousarray(pairs[0])
    n_pairs = np.ascontiguousarray(pairs[1])
    size = k_pairs.shape[0]
    low = np.empty(size)
    high = np.empty(size)
    z0 = np.empty(size)
    acceleration = np.empty(size)
    backend, threads = _threads.choose(size, size >= PARALLEL_MIN_ITEMS)
    if _runs_in_python(int(n_pairs.sum()) + size):
        # the plain-Python interval, pair by pair (same bits, nothing compiled)
        for i in range(size):
            low[i], high[i], z0[i], acceleration[i] = _python_interval(
                int(k_pairs[i]), int(n_pairs[i]), code, alpha_half
            )
    else:
        kernel = _kernels().proportion_intervals

        def compute(first, stop):
            kernel(k_pairs, n_pairs, code, alpha_half, first, stop, low, high, z0, acceleration)

        _threads.run_ranges(compute, size, threads)
    item_pair = item_pair.reshape(-1)
    low, high, z0, acceleration = (values[item_pair] for values in (low, high, z0, acceleration))
    is_bca = code == _grid.BCA
    return ConfidenceInterval(
        low.reshape(shape),
        high.reshape(shape),
        (k_flat / n_flat).reshape(shape),
        method,
        level,
        "proportion",
        "exact",
        backend=backend,
        n_threads=threads,
        bias_correction=z0.reshape(shape) if is_bca else None,
        acceleration=acceleration.reshape(shape) if is_bca else None,
        degenerate=((k_flat == 0) | (k_flat == n_flat)).reshape(shape),
        distribution=_BinomialArrayDistribution(k_flat, n_flat),
    )


def difference_ci(k1, n1, k2, n2, method: str = "bca", level: float = 0.95) -> ConfidenceInterval:
    """Exact ideal-bootstrap interval of ``k1 / n1 - k2 / n2`` for two independent samples.

    Each sample is resampled on its own, so the resampled difference is
    ``K1* / n1 - K2* / n2`` with ``K1* ~ Binomial(n1, k1 / n1)`` and
    ``K2* ~ Binomial(n2, k2 / n2)`` independent. Its distribution is built by convolution on
    the integer grid ``K1* n2 - K2* n1`` (``2 n1 n2 + 1`` points), where equal differences
    are equal integers: ties with the observed difference are therefore detected exactly,
    which float comparisons of ``k1/n1 - k2/n2`` do not guarantee.

    ``method`` is ``"percentile"``, ``"basic"`` or ``"bca"`` (definitions as in
    :func:`proportion_ci`, on this distribution), or ``"newcombe"`` (analytic, from
    statsmodels). BCa uses the two-sample jackknife acceleration of Efron & Tibshirani
    (1993, eq. 15.36), the same as ``scipy.stats.bootstrap``.

    Edge cases: when both samples are constant (k in {0, n} for both) the distribution is a
    point and the interval is ``(d, d)`` with ``degenerate = True``; if only one is constant
    the other's variation still gives a proper interval. Scalar counts only; ``n1, n2 >= 1``;
    ``n1 * n2`` up to 10 million.
    """
    if isinstance(method, str) and method.lower() in ("newcombe", "newcomb"):
        from .analytic import analytic_difference_ci

        return analytic_difference_ci(k1, n1, k2, n2, level=level)
    method = check_bootstrap_method(method)
    level = check_level(level)
    k1, n1, k2, n2 = (
        check_count_scalar(value, name)
        for value, name in ((k1, "k1"), (n1, "n1"), (k2, "k2"), (n2, "n2"))
    )
    check_proportion_counts(k1, n1, "k1", "n1")
    check_proportion_counts(k2, n2, "k2", "n2")
    if 2 * n1 * n2 + 1 > MAX_GRID_POINTS:
        raise ValueError(
            f"n1 * n2 = {n1 * n2} is too large for the exact convolution; use bootstrap_ci"
        )
    code = METHOD_CODES[method]
    low, high, z0, acceleration = _kernels().difference_interval(
        k1, n1, k2, n2, code, (1.0 - level) / 2.0
    )
    is_bca = code == _grid.BCA
    return ConfidenceInterval(
        low,
        high,
        k1 / n1 - k2 / n2,
        method,
        level,
        "proportion_difference",
        "exact",
        bias_correction=z0 if is_bca else None,
        acceleration=acceleration if is_bca else None,
        degenerate=(k1 in (0, n1)) and (k2 in (0, n2)),
        distribution=_DifferenceDistribution(k1, n1, k2, n2),
    )


def mean_ci(values, frequencies=None, method: str = "bca", level: float = 0.95):
    """Exact ideal-bootstrap interval of the mean of a discrete variable.

    For a Likert item (answers 1..5), a count of ticked options or any whole-number variable,
    the resampled sum is the sum of n independent draws from the empirical distribution, and
    its exact distribution is the n-fold convolution of that distribution, on the integer
    grid of sums. The interval (percentile, basic or BCa, defined as in
    :func:`proportion_ci`) is read off it with no Monte Carlo error.

    Parameters
    ----------
    values : array of whole numbers
        The distinct answer values; or, with ``frequencies=None``, the raw answers themselves
        (tabulated here).
    frequencies : array of non-negative whole numbers, optional
        How often each value was given; ``n = sum(frequencies) >= 1``.
    method, level : as in :func:`proportion_ci` (bootstrap methods only).

    BCa uses ``z0`` with ties counted as one half on the grid of sums and the jackknife
    acceleration ``sum f d^3 / (6 (sum f d^2)^(3/2))`` with ``d = n v - sum`` (exact
    integers). With binary values this reproduces :func:`proportion_ci`.

    Edge cases: a single distinct value (constant answers, or n = 1) gives the point interval
    ``(mean, mean)`` with ``degenerate = True``. Fractional or non-finite values, negative
    frequencies, an empty input, mismatched lengths, or a problem too large to convolve
    (``n^2 * range * distinct values`` above 5e8) raise ValueError; use :func:`bootstrap_ci`
    for those.
    """
    method = check_bootstrap_method(method)
    level = check_level(level)
    values_array, frequency_array = _tabulate(values, frequencies)
    n = int(frequency_array.sum())
    span = int(values_array.max() - values_array.min())
    if n * (n * span + 1) * values_array.shape[0] > MAX_CONVOLUTION_WORK:
        raise ValueError(
            f"n = {n} answers over a range of {span} is too large for the exact convolution; "
            "use bootstrap_ci"
        )
    code = METHOD_CODES[method]
    low, high, z0, acceleration, pmf = _kernels().frequency_mean_interval(
        values_array, frequency_array, code, (1.0 - level) / 2.0
    )
    base = n * int(values_array.min())
    grid_values = (base + np.arange(pmf.shape[0])) / n
    keep = pmf > 0.0
    distribution = ResamplingDistribution(grid_values[keep], pmf[keep])
    is_bca = code == _grid.BCA
    return ConfidenceInterval(
        low,
        high,
        float(np.dot(values_array, frequency_array)) / n,
        method,
        level,
        "mean",
        "exact",
        bias_correction=z0 if is_bca else None,
        acceleration=acceleration if is_bca else None,
        degenerate=values_array.shape[0] == 1,
        distribution=lambda item=None: distribution,
    )


def _tabulate(values, frequencies):
    raw = np.asarray(values)
    if raw.size == 0:
        raise ValueError("values is empty")
    if raw.dtype == bool:
        raw = raw.astype(np.int64)
    if not (np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)):
        raise TypeError(f"values must be numeric, got dtype {raw.dtype}")
    if np.issubdtype(raw.dtype, np.floating):
        if not np.all(np.isfinite(raw)):
            raise ValueError("values contain NaN or infinity; drop missing answers first")
        if not np.all(raw == np.round(raw)):
            raise ValueError("values must be whole numbers for the exact path; use bootstrap_ci")
    raw = raw.astype(np.int64).ravel()
    if frequencies is None:
        distinct, counts = np.unique(raw, return_counts=True)
        return distinct.astype(np.int64), counts.astype(np.int64)
    counts = check_count_array(frequencies, "frequencies").ravel()
    if counts.shape != raw.shape:
        raise ValueError(
            f"values and frequencies differ in length ({raw.shape[0]} and {counts.shape[0]})"
        )
    if np.unique(raw).shape[0] != raw.shape[0]:
        raise ValueError("values must be distinct when frequencies are given")
    keep = counts > 0
    if not np.any(keep):
        raise ValueError("frequencies sum to zero: there is no answer to resample")
    order = np.argsort(raw[keep])
    return raw[keep][order], counts[keep][order]


class _BinomialDistribution:
    __slots__ = ("k", "n")

    def __init__(self, k, n):
        self.k = k
        self.n = n

    def __call__(self, item=None) -> ResamplingDistribution:
        pmf = [0.0] * (self.n + 1)
        _exact_math.binomial_pmf(self.n, self.k, pmf)
        pmf = np.array(pmf)
        keep = pmf > 0.0
        return ResamplingDistribution(np.arange(self.n + 1)[keep] / self.n, pmf[keep])


class _BinomialArrayDistribution:
    __slots__ = ("k", "n")

    def __init__(self, k, n):
        self.k = k
        self.n = n

    def __call__(self, item=None) -> ResamplingDistribution:
        if item is None:
            raise ValueError("pass item= to pick one of the vectorised intervals")
        return _BinomialDistribution(int(self.k[item]), int(self.n[item]))()


class _DifferenceDistribution:
    __slots__ = ("k1", "n1", "k2", "n2")

    def __init__(self, k1, n1, k2, n2):
        self.k1, self.n1, self.k2, self.n2 = k1, n1, k2, n2

    def __call__(self, item=None) -> ResamplingDistribution:
        pmf = _kernels().difference_pmf(self.k1, self.n1, self.k2, self.n2)
        offset = self.n1 * self.n2
        keep = pmf > 0.0
        values = (np.arange(pmf.shape[0]) - offset) / float(offset)
        return ResamplingDistribution(values[keep], pmf[keep])


_ANALYTIC_NAMES = frozenset(
    {"wilson", "clopper-pearson", "jeffreys", "agresti-coull", "wald", "normal", "beta"}
)
