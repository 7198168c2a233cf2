"""Percentile, basic and BCa intervals of a distribution on an integer grid (numba).

A bootstrap distribution is given as probabilities ``pmf[j]`` on grid points ``j = 0..m-1``
(the statistic is an increasing affine function of ``j``), with the observed statistic at
grid point ``observed``. Working on the grid keeps tie detection exact: "equal to the
observed statistic" is an integer comparison, never a float one.

Quantiles follow the inverse-CDF definition used by ``scipy.stats.binom.ppf``:
``G^-1(q) = min{j : P(J <= j) >= q}``. For ``q > 1/2`` the equivalent upper-tail form
``min{j : P(J > j) <= 1 - q}`` is evaluated, with ``1 - q`` passed in separately, so that
levels close to one keep their precision.

Plain Python, registered with numba by :mod:`kernels._jit` (see :mod:`kernels._normal`).
"""

import math

from ._normal import bca_adjusted_z, normal_cdf, normal_quantile

PERCENTILE, BASIC, BCA = 0, 1, 2


def grid_quantile(pmf, q, q_complement):
    """Smallest grid point j with P(J <= j) >= q (upper-tail form for q > 1/2)."""
    m = len(pmf)
    if q <= 0.5:
        cumulative = 0.0
        for j in range(m):
            cumulative += pmf[j]
            if cumulative >= q and pmf[j] > 0.0:
                return j
        j = m - 1
        while j > 0 and pmf[j] == 0.0:
            j -= 1
        return j
    tail_above = 0.0
    j = m - 1
    while j > 0 and tail_above + pmf[j] <= q_complement:
        tail_above += pmf[j]
        j -= 1
    while j < m - 1 and pmf[j] == 0.0:
        j += 1
    return j


def bias_correction(pmf, observed):
    """BCa's z0 = Phi^-1(P(J < observed) + P(J = observed) / 2): ties count one half."""
    below = 0.0
    for j in range(observed):
        below += pmf[j]
    return normal_quantile(below + 0.5 * pmf[observed])


def grid_interval(pmf, observed, method, alpha_half, acceleration):
    """Grid points (lower, upper, z0) of a two-sided interval at level ``1 - 2 alpha_half``.

    For ``BASIC`` the returned points are the reflected ones, ``2 observed - upper`` and
    ``2 observed - lower`` (they may fall outside ``0..m-1``); z0 is NaN except for BCa.
    """
    z0 = math.nan
    if method == BCA:
        z0 = bias_correction(pmf, observed)
        z_low = bca_adjusted_z(z0, acceleration, normal_quantile(alpha_half))
        z_high = bca_adjusted_z(z0, acceleration, -normal_quantile(alpha_half))
        lower = grid_quantile(pmf, normal_cdf(z_low), normal_cdf(-z_low))
        upper = grid_quantile(pmf, normal_cdf(z_high), normal_cdf(-z_high))
        return lower, upper, z0
    lower = grid_quantile(pmf, alpha_half, 1.0 - alpha_half)
    upper = grid_quantile(pmf, 1.0 - alpha_half, alpha_half)
    if method == BASIC:
        return 2 * observed - upper, 2 * observed - lower, z0
    return lower, upper, z0


def count_quantile(counts, total, q, q_complement):
    """Inverse-CDF quantile of ``total`` replicates histogrammed in ``counts``.

    The replicate of rank ``r = ceil(q B)`` (1-based; ``B - floor((1 - q) B)`` in the upper
    half) is returned as a bin index, so a Monte Carlo quantile converges to
    :func:`grid_quantile` of the exact distribution as B grows.
    """
    rank = rank_of_quantile(total, q, q_complement)
    cumulative = 0
    for j in range(len(counts)):
        cumulative += counts[j]
        if cumulative >= rank:
            return j
    return len(counts) - 1


def rank_of_quantile(total, q, q_complement):
    """1-based rank of the inverse-CDF q-quantile among ``total`` sorted replicates."""
    if q <= 0.5:
        rank = int(math.ceil(q * total))
    else:
        rank = total - int(math.floor(q_complement * total))
    if rank < 1:
        rank = 1
    if rank > total:
        rank = total
    return rank
