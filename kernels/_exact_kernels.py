"""Compiled (numba) kernels of the exact intervals: vectorised proportions, the difference
of two proportions, the mean of a discrete variable.

Imported on first use only; the scalar proportion of :func:`kernels.exact.proportion_ci`
starts in plain Python (:mod:`kernels._exact_math`).
"""

import math

import numpy as np
from numba.extending import overload, register_jitable

from . import _exact_math, _grid
from ._exact_math import binomial_pmf, binomial_pmf_at, proportion_acceleration, proportion_interval
from ._jit import kernel, nested

for _function in (binomial_pmf, binomial_pmf_at, proportion_acceleration, proportion_interval):
    register_jitable(_function)


@overload(_exact_math.log_binomial_term)
def _log_binomial_term(n, mode, p):
    def implementation(n, mode, p):
        return (
            math.lgamma(n + 1.0)
            - math.lgamma(mode + 1.0)
            - math.lgamma(n - mode + 1.0)
            + mode * math.log(p)
            + (n - mode) * math.log1p(-p)
        )

    return implementation


@kernel
def proportion_interval_scalar(k, n, method, alpha_half):
    """The compiled tier of the scalar exact interval (see kernels.exact)."""
    return proportion_interval(k, n, method, alpha_half, np.empty(n + 1))


@kernel
def proportion_intervals(k, n, method, alpha_half, first, stop, low, high, z0, acceleration):
    """Exact intervals of items ``first <= i < stop`` (run on threads by the caller)."""
    for i in range(first, stop):
        pmf = np.empty(n[i] + 1)
        low[i], high[i], z0[i], acceleration[i] = proportion_interval(
            k[i], n[i], method, alpha_half, pmf
        )


@kernel
def difference_pmf(k1, n1, k2, n2):
    """Distribution of ``K1* n2 - K2* n1`` on the grid index ``j = value + n1 n2``."""
    pmf1 = np.empty(n1 + 1)
    pmf2 = np.empty(n2 + 1)
    binomial_pmf(n1, k1, pmf1)
    binomial_pmf(n2, k2, pmf2)
    offset = n1 * n2
    pmf = np.zeros(2 * offset + 1)
    for a in range(n1 + 1):
        if pmf1[a] == 0.0:
            continue
        for b in range(n2 + 1):
            pmf[a * n2 - b * n1 + offset] += pmf1[a] * pmf2[b]
    return pmf


@nested
def difference_acceleration(k1, n1, k2, n2):
    """Two-sample jackknife acceleration (Efron & Tibshirani 1993, eq. 15.36) of p1 - p2.

    With U the jackknife influence values of each sample, scaled as in that equation,
    a = (sum U1^3 / n1^3 + sum U2^3 / n2^3) / (6 (sum U1^2 / n1^2 + sum U2^2 / n2^2)^(3/2));
    for binary samples the sums are p q (q - p) / n^2 and p q / n (the second sample enters
    with a minus sign). Zero when both samples are constant.
    """
    p1 = k1 / n1
    p2 = k2 / n2
    q1 = 1.0 - p1
    q2 = 1.0 - p2
    numerator = p1 * q1 * (q1 - p1) / (n1 * n1) - p2 * q2 * (q2 - p2) / (n2 * n2)
    spread = p1 * q1 / n1 + p2 * q2 / n2
    if spread == 0.0:
        return 0.0
    return numerator / (6.0 * spread**1.5)


@kernel
def difference_interval(k1, n1, k2, n2, method, alpha_half):
    pmf = difference_pmf(k1, n1, k2, n2)
    offset = n1 * n2
    observed = k1 * n2 - k2 * n1 + offset
    acceleration = difference_acceleration(k1, n1, k2, n2)
    lower, upper, z0 = _grid.grid_interval(pmf, observed, method, alpha_half, acceleration)
    scale = float(n1 * n2)
    return (lower - offset) / scale, (upper - offset) / scale, z0, acceleration


@nested
def sum_pmf(offsets, probabilities, n):
    """n-fold convolution: distribution of the sum of n draws, on the offset grid 0..n*R."""
    span = 0
    for o in offsets:
        if o > span:
            span = o
    size = n * span + 1
    current = np.zeros(size)
    following = np.zeros(size)
    current[0] = 1.0
    reach = 0
    for _ in range(n):
        for s in range(reach + span + 1):
            following[s] = 0.0
        for s in range(reach + 1):
            weight = current[s]
            if weight == 0.0:
                continue
            for j in range(offsets.shape[0]):
                following[s + offsets[j]] += weight * probabilities[j]
        reach += span
        current, following = following, current
    return current


@nested
def frequency_mean_acceleration(values, frequencies, n, total):
    """Jackknife acceleration of a mean from deviations ``n v - sum`` (exact integers)."""
    cubes = 0.0
    squares = 0.0
    for j in range(values.shape[0]):
        deviation = float(n * values[j] - total)
        squares += frequencies[j] * deviation * deviation
        cubes += frequencies[j] * deviation * deviation * deviation
    if squares == 0.0:
        return 0.0
    return cubes / (6.0 * squares**1.5)


@kernel
def frequency_mean_interval(values, frequencies, method, alpha_half):
    n = 0
    total = 0
    for j in range(values.shape[0]):
        n += frequencies[j]
        total += frequencies[j] * values[j]
    smallest = values.min()
    offsets = values - smallest
    probabilities = frequencies / n
    pmf = sum_pmf(offsets, probabilities, n)
    observed = total - n * smallest
    acceleration = frequency_mean_acceleration(values, frequencies, n, total)
    lower, upper, z0 = _grid.grid_interval(pmf, observed, method, alpha_half, acceleration)
    base = n * smallest
    return (base + lower) / n, (base + upper) / n, z0, acceleration, pmf
