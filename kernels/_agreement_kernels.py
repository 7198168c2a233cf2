"""Numba kernels of the agreement coefficients: Krippendorff's alpha and Cohen's kappa from
unit weights, the units bootstrap and the Hayes & Krippendorff bootstrap.

Data reach the kernels as category indices: ``codes[item, unit, coder]`` is the index of the
value a coder gave a unit (``-1`` where the coder did not code it) among ``values[item, :]``
(the item's distinct values, increasing; ``n_values[item]`` of them). An item is one
variable (one code of a multi-label coding); a 2-D call is one item.

Every coefficient is computed from unit weights ``w[unit]``: all ones for the estimate, the
multiplicity of each unit in a units-bootstrap replicate otherwise, so the estimate and the
replicates share one piece of arithmetic. Sums run over units in index order, so a
replicate's value does not depend on the thread that computes it.

The metrics (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", section C):
nominal ``[c != k]``; ordinal ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2`` with the pairable
values' marginals ``n_g`` (of the replicate, in a bootstrap); interval ``(c - k)^2``; ratio
``((c - k) / (c + k))^2``.
"""

import numpy as np
from numba import njit

from ._random import (
    U32,
    narrow_threshold,
    random_word,
    redraw_replicate_narrow,
    redraw_replicate_slots,
    rejection_threshold,
)

_KERNEL = {"cache": True, "nogil": True}

NOMINAL, ORDINAL, INTERVAL, RATIO = 0, 1, 2, 3
_SCALE53 = 1.0 / 9007199254740992.0  # 2**-53
_S11 = np.uint64(11)


@njit(cache=True)
def _delta(metric, c, k, values, cumulative, marginals):
    """delta^2 between categories c and k (indices into ``values``)."""
    if c == k:
        return 0.0
    if metric == NOMINAL:
        return 1.0
    if metric == ORDINAL:
        low = min(c, k)
        high = max(c, k)
        # sum of n_g for g = low..high, minus half of each end
        between = cumulative[high + 1] - cumulative[low]
        d = between - 0.5 * (marginals[low] + marginals[high])
        return d * d
    difference = values[c] - values[k]
    if metric == INTERVAL:
        return difference * difference
    total = values[c] + values[k]
    if total == 0.0:
        return 0.0  # c = k = 0 only, handled above; kept for safety
    ratio = difference / total
    return ratio * ratio


@njit(cache=True)
def _alpha_weighted(
    codes, counts, unit_observed, values, n_values, metric, weights, marginals, cumulative
):
    """Alpha of one item with unit weights; NaN where the expected disagreement is zero (one
    value only among the pairable values) or nothing is pairable.

    ``counts[unit, c]`` is how many coders gave the unit value c (zero rows for units with
    fewer than two values); ``unit_observed[unit]`` the unit's ordered pairs' delta^2 over
    ``m_u - 1`` (fixed metrics; the ordinal deltas depend on the marginals and are summed
    here from ``codes``, units x coders). alpha = 1 - (n - 1) sum_ck o_ck delta_ck /
    sum_ck n_c n_k delta_ck (Krippendorff 2011).
    """
    units, coders = codes.shape
    for c in range(n_values):
        marginals[c] = 0.0
    n = 0.0
    observed = 0.0
    for u in range(units):
        w = weights[u]
        if w == 0.0:
            continue
        observed += w * unit_observed[u]
        for c in range(n_values):
            marginals[c] += w * counts[u, c]
    for c in range(n_values):
        n += marginals[c]
    if n < 2.0:
        return np.nan
    cumulative[0] = 0.0
    for c in range(n_values):
        cumulative[c + 1] = cumulative[c] + marginals[c]
    if metric == ORDINAL:
        observed = 0.0
        for u in range(units):
            w = weights[u]
            if w == 0.0:
                continue
            m = 0
            for i in range(coders):
                if codes[u, i] >= 0:
                    m += 1
            if m < 2:
                continue
            unit_sum = 0.0
            for i in range(coders):
                c = codes[u, i]
                if c < 0:
                    continue
                for j in range(i + 1, coders):
                    k = codes[u, j]
                    if k >= 0:
                        unit_sum += _delta(metric, c, k, values, cumulative, marginals)
            observed += w * 2.0 * unit_sum / (m - 1)
    expected = 0.0
    if metric == NOMINAL:
        squares = 0.0
        for c in range(n_values):
            squares += marginals[c] * marginals[c]
        expected = n * n - squares
    else:
        for c in range(n_values):
            if marginals[c] == 0.0:
                continue
            for k in range(c + 1, n_values):
                if marginals[k] != 0.0:
                    expected += (
                        2.0
                        * marginals[c]
                        * marginals[k]
                        * _delta(metric, c, k, values, cumulative, marginals)
                    )
    if expected <= 0.0:
        return np.nan
    return 1.0 - (n - 1.0) * observed / expected


@njit(cache=True)
def _kappa_weighted(codes, n_values, weights, table):
    """Cohen's kappa of the first two coders of one item with unit weights; NaN where the
    chance agreement is one (both coders used one and the same value) or nothing is paired."""
    units = codes.shape[0]
    for c in range(n_values):
        for k in range(n_values):
            table[c, k] = 0.0
    total = 0.0
    for u in range(units):
        a = codes[u, 0]
        b = codes[u, 1]
        w = weights[u]
        if a >= 0 and b >= 0 and w != 0.0:
            table[a, b] += w
            total += w
    if total == 0.0:
        return np.nan
    agree = 0.0
    chance = 0.0
    for c in range(n_values):
        agree += table[c, c]
        row = 0.0
        column = 0.0
        for k in range(n_values):
            row += table[c, k]
            column += table[k, c]
        chance += row * column
    agree /= total
    chance /= total * total
    if chance >= 1.0:
        return np.nan
    return (agree - chance) / (1.0 - chance)


@njit(**_KERNEL)
def coefficients(
    key,
    codes,
    counts,
    unit_observed,
    values,
    n_values,
    metric,
    with_kappa,
    narrow,
    b_start,
    b_stop,
    alphas,
    kappas,
):
    """Alpha (and kappa, when ``with_kappa``) of every item, for the estimate or for the
    replicates ``b_start <= b < b_stop`` of the units bootstrap.

    ``b_start < 0``: the estimate, every unit once, written to ``alphas[item, 0]``. Else
    replicate b draws ``units`` units with replacement -- the indices of
    :mod:`kernels._random` at word offset 0, drawn slot by slot (the definition the lane
    loops reproduce, so the same indices as :func:`kernels.bootstrap_ci` draws for a sample
    of that size) -- and its alphas go to ``alphas[item, b]`` (kappas to ``kappas[item, b]``);
    the same units for all items.
    """
    items, units, _ = codes.shape
    width = values.shape[1]
    row = np.empty(units, dtype=np.int64)
    weights = np.ones(units)
    marginals = np.empty(width)
    cumulative = np.empty(width + 1)
    table = np.empty((width, width))
    estimate = b_start < 0
    first = 0 if estimate else b_start
    last = 1 if estimate else b_stop
    wide_threshold = rejection_threshold(units)
    quarter_threshold = narrow_threshold(units) if narrow else np.uint16(0)
    for b in range(first, last):
        if not estimate:
            if narrow:
                redraw_replicate_narrow(key, b, 0, units, quarter_threshold, row)
            else:
                redraw_replicate_slots(key, b, 0, units, wide_threshold, row)
            weights[:] = 0.0
            for j in range(units):
                weights[row[j]] += 1.0
        for item in range(items):
            alphas[item, b] = _alpha_weighted(
                codes[item],
                counts[item],
                unit_observed[item],
                values[item],
                n_values[item],
                metric,
                weights,
                marginals,
                cumulative,
            )
            if with_kappa:
                kappas[item, b] = _kappa_weighted(codes[item], n_values[item], weights, table)


@njit(**_KERNEL)
def hayes_bootstrap(
    key, cumulative, deltas, draws, expected, nonzero_diagonal, b_start, b_stop, out
):
    """Replicates ``b_start <= b < b_stop`` of the Hayes & Krippendorff bootstrap.

    Replicate b draws ``draws`` pairs: draw i takes the random word ``i`` of replicate b
    (counter ``b * 2**32 + i``), turns its top 53 bits into ``u`` in [0, 1) and picks the
    first cell with ``u < cumulative[cell]``; alpha is ``1 - sum(deltas) / (expected *
    draws)``, set to -1 below -1 and to 0 where it is 1 and only one diagonal cell of the
    coincidence matrix is occupied (KALPHA 3.0).
    """
    cells = cumulative.shape[0]
    for b in range(b_start, b_stop):
        base = np.uint64(b) << U32
        total = 0.0
        for i in range(draws):
            word = random_word(key, base + np.uint64(i))
            u = np.float64(word >> _S11) * _SCALE53
            cell = 0
            while cell < cells - 1 and u >= cumulative[cell]:
                cell += 1
            total += deltas[cell]
        alpha = 1.0 - total / (expected * draws)
        if alpha < -1.0:
            alpha = -1.0
        if alpha == 1.0 and nonzero_diagonal == 1:
            alpha = 0.0
        out[b] = alpha
