"""Exact coverage of interval methods for a binomial proportion.

(Deliberately not named ``coverage.py``: numba imports the ``coverage`` package when it is
installed, and a local module of that name would shadow it.)
"""

from __future__ import annotations

import math

import numpy as np

from . import _exact_math
from ._validation import BOOTSTRAP_METHODS, check_count_scalar, check_level
from .analytic import ANALYTIC_METHODS, analytic_ci, analytic_method_name
from .exact import proportion_ci
from .results import CoverageResult

COVERAGE_METHODS = BOOTSTRAP_METHODS + tuple(ANALYTIC_METHODS)


def binomial_pmf_rows(n: int, p: np.ndarray) -> np.ndarray:
    """``table[i, k] = P(K = k)`` for ``K ~ Binomial(n, p[i])``: the operations of
    :func:`kernels._exact_math.binomial_pmf_at`, row by row in the same order, on all rows at
    once (so the same bits, with no compilation).

    Each row starts at its mode, from log-gamma (a scalar per row, with the C library's
    functions, as the exact intervals use them), and walks outwards with the ratio
    recurrence; column j of the walk is updated in the rows whose walk reaches it.
    """
    table = np.zeros((p.shape[0], n + 1))
    table[p <= 0.0, 0] = 1.0
    table[p >= 1.0, n] = 1.0
    inner = np.flatnonzero((p > 0.0) & (p < 1.0))
    if inner.size == 0:
        return table
    q = p[inner]
    rows = table[inner]
    odds = q / (1.0 - q)
    mode = np.minimum(np.floor((n + 1) * q).astype(np.int64), n)
    rows[np.arange(inner.size), mode] = [
        math.exp(_exact_math.log_binomial_term(n, int(m), float(value)))
        for m, value in zip(mode, q, strict=True)
    ]
    for j in range(n):
        walks = mode <= j
        rows[walks, j + 1] = rows[walks, j] * (n - j) / (j + 1.0) * odds[walks]
    for j in range(n, 0, -1):
        walks = mode >= j
        rows[walks, j - 1] = rows[walks, j] * j / (n - j + 1.0) / odds[walks]
    total = np.zeros(inner.size)
    for j in range(n + 1):
        total += rows[:, j]
    table[inner] = rows / total[:, None]
    return table


def coverage(n, p, method: str, level: float = 0.95) -> CoverageResult:
    """Exact coverage probability of an interval method for a binomial proportion.

    For each true proportion ``p[i]``::

        coverage[i] = sum_{k=0..n} P(K = k) * [lower(k) <= p[i] <= upper(k)],
        K ~ Binomial(n, p[i]),

    where ``(lower(k), upper(k))`` is the interval the method reports for k successes out of
    n (closed at both ends). Nothing is simulated: the n + 1 possible intervals are computed
    once and weighted by their binomial probabilities.

    Parameters
    ----------
    n : int
        Sample size, >= 1.
    p : float or array of float
        True proportions in [0, 1] (e.g. ``np.linspace(0.01, 0.99, 981)``).
    method : str
        A bootstrap method of :func:`proportion_ci` (``"percentile"``, ``"basic"``,
        ``"bca"``: the exact ideal bootstrap, degenerate at k = 0 and k = n) or an analytic
        one from statsmodels (``"wilson"``, ``"clopper-pearson"``, ``"jeffreys"``,
        ``"agresti-coull"``, ``"wald"``).
    level : float in (0, 1)

    Returns
    -------
    CoverageResult
        ``coverage`` and ``expected_length`` (arrays over p), the intervals ``lower`` and
        ``upper`` for k = 0..n, ``method``, ``level`` and ``path`` ("exact" for the bootstrap
        intervals, "analytic" otherwise).
    """
    n = check_count_scalar(n, "n")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    level = check_level(level)
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, got {method!r}")
    p_array = np.atleast_1d(np.asarray(p, dtype=np.float64))
    if p_array.ndim != 1 or p_array.size == 0:
        raise ValueError("p must be a non-empty number or 1-D array")
    if not np.all((p_array >= 0.0) & (p_array <= 1.0)):
        raise ValueError("p must lie in [0, 1] (and not be NaN)")
    counts = np.arange(n + 1)
    name = method.lower()
    if name in BOOTSTRAP_METHODS:
        interval = proportion_ci(counts, n, method=name, level=level)
    else:
        name = analytic_method_name(name)
        interval = analytic_ci(counts, n, method=name, level=level)
    lower = np.asarray(interval.low, dtype=np.float64)
    upper = np.asarray(interval.high, dtype=np.float64)
    probabilities = binomial_pmf_rows(n, p_array)
    covered = (lower[None, :] <= p_array[:, None]) & (p_array[:, None] <= upper[None, :])
    return CoverageResult(
        n=n,
        p=p_array,
        coverage=(probabilities * covered).sum(axis=1),
        expected_length=probabilities @ (upper - lower),
        lower=lower,
        upper=upper,
        method=name,
        level=level,
        path=interval.path,
    )
