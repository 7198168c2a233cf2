"""The agreement coefficients of many replicates at once, with numpy: Krippendorff's alpha
and Cohen's kappa from unit weights, and the Hayes & Krippendorff bootstrap.

Nothing here is compiled. A replicate's coefficients are a few sums over units and values,
so they are computed for a block of replicates at a time, each sum a vector over the block.
The units bootstrap's unit multiplicities come from one small compiled loop
(:func:`kernels._random.unit_multiplicities_narrow`, or its wide twin); the estimate and
the Hayes bootstrap compile nothing.

Data arrive as category indices: ``codes[item, unit, coder]`` is the index of the value a
coder gave a unit (``-1`` where the coder did not code it) among ``values[item, :]`` (the
item's distinct values, increasing; ``n_values[item]`` of them). An item is one variable
(one code of a multi-label coding).

Every coefficient is computed from unit weights ``weights[replicate, unit]``: one row of
ones for the estimate, the multiplicity of each unit in a units-bootstrap replicate
otherwise, so the estimate and the replicates share one piece of arithmetic. Sums of
whole numbers (marginals, the kappa sums) are exact in any order; every other sum runs
over units, coder pairs or values in index order, so a replicate's value is the same in
any block and on any thread.

The metrics (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", section C):
nominal ``[c != k]``; ordinal ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2`` with the pairable
values' marginals ``n_g`` (of the replicate, in a bootstrap); interval ``(c - k)^2``; ratio
``((c - k) / (c + k))^2``.
"""

import itertools

import numpy as np

from ._streams import replicate_words

NOMINAL, ORDINAL, INTERVAL, RATIO = 0, 1, 2, 3
_SCALE53 = 1.0 / 9007199254740992.0  # 2**-53
_S11 = np.uint64(11)


def fixed_deltas(metric: int, a, b) -> np.ndarray:
    """delta^2 of the value pairs ``(a, b)`` (arrays, broadcast) at a metric that does not
    depend on the marginals (nominal, interval, ratio; the ratio metric's values are
    non-negative)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if metric == NOMINAL:
        return (a != b).astype(np.float64)
    difference = a - b
    if metric == INTERVAL:
        return difference * difference
    total = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total > 0.0, difference / total, 0.0)
    return ratio * ratio


def ordinal_deltas(marginals: np.ndarray) -> np.ndarray:
    """``deltas[r, c, k]``: the ordinal delta^2 of every pair of values, from the
    marginals ``marginals[r, :]`` of each replicate."""
    replicates, width = marginals.shape
    cumulative = np.zeros((replicates, width + 1))
    for c in range(width):
        cumulative[:, c + 1] = cumulative[:, c] + marginals[:, c]
    deltas = np.zeros((replicates, width, width))
    for low, high in itertools.combinations(range(width), 2):
        between = cumulative[:, high + 1] - cumulative[:, low]
        d = between - 0.5 * (marginals[:, low] + marginals[:, high])
        deltas[:, low, high] = deltas[:, high, low] = d * d
    return deltas


def _weighted_sums(weights: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """``sum_u weights[r, u] * terms[u]`` for every replicate r, added in unit order.

    Where every term is a whole number (the weights are), every partial sum is exact, so
    the order does not matter and a matrix product gives the same bits faster.
    """
    if _whole(terms, terms.size):
        return weights @ terms
    return _in_order(weights * terms)


def _whole(terms: np.ndarray, draws: int) -> bool:
    """True when every term is a whole number and a sum of ``draws`` of them is exact."""
    if terms.size == 0:
        return True
    return bool(np.all(np.floor(terms) == terms) and np.abs(terms).max() * draws < 2.0**53)


def _in_order(terms: np.ndarray) -> np.ndarray:
    """Row sums of ``terms`` (replicates x units), added left to right."""
    if terms.shape[1] == 0:
        return np.zeros(terms.shape[0])
    return np.add.accumulate(terms, axis=1)[:, -1]


def alphas(weights, codes, counts, unit_observed, values, n_values, metric) -> np.ndarray:
    """Alpha of one item for every row of ``weights`` (replicates x units); NaN where the
    expected disagreement is zero (one value only among the pairable values) or nothing is
    pairable.

    ``counts[unit, c]`` is how many coders gave the unit value c (zero rows for units with
    fewer than two values); ``unit_observed[unit]`` the unit's ordered pairs' delta^2 over
    ``m_u - 1`` (fixed metrics; the ordinal deltas depend on the marginals and are summed
    here from ``codes``, units x coders). alpha = 1 - (n - 1) sum_ck o_ck delta_ck /
    sum_ck n_c n_k delta_ck (Krippendorff 2011).
    """
    width = int(n_values)
    marginals = weights @ counts[:, :width]
    n = marginals.sum(axis=1)
    if metric == ORDINAL:
        deltas = ordinal_deltas(marginals)
        coded = codes >= 0
        m = coded.sum(axis=1)
        unit_sums = np.zeros(weights.shape)
        for first, second in itertools.combinations(range(codes.shape[1]), 2):
            both = coded[:, first] & coded[:, second]
            pair = deltas[:, codes[:, first], codes[:, second]]
            unit_sums += np.where(both, pair, 0.0)
        pairable = m >= 2
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(pairable, weights * 2.0 * unit_sums / (m - 1), 0.0)
        observed = _in_order(terms)
    else:
        observed = _weighted_sums(weights, unit_observed)
    if metric == NOMINAL:
        expected = n * n - (marginals * marginals).sum(axis=1)
    else:
        if metric != ORDINAL:
            deltas = fixed_deltas(metric, values[:width, None], values[None, :width])[None]
        expected = np.zeros(weights.shape[0])
        for c, k in itertools.combinations(range(width), 2):
            delta = deltas[:, c, k]
            occupied = (marginals[:, c] != 0.0) & (marginals[:, k] != 0.0)
            expected += np.where(occupied, 2.0 * marginals[:, c] * marginals[:, k] * delta, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1.0) * observed / expected
    alpha[(n < 2.0) | ~(expected > 0.0)] = np.nan
    return alpha


def kappas(weights, codes, n_values) -> np.ndarray:
    """Cohen's kappa of the first two coders of one item for every row of ``weights``; NaN
    where the chance agreement is one (both coders used one and the same value) or nothing
    is paired."""
    width = int(n_values)
    first, second = codes[:, 0], codes[:, 1]
    paired = (first >= 0) & (second >= 0)
    # per unit: 1 where the two coders agree, then the first coder's value and the second
    # coder's, one-hot (zero rows for units not paired); weighted sums of whole numbers
    indicators = np.zeros((codes.shape[0], 1 + 2 * width))
    units = np.nonzero(paired)[0]
    indicators[units, 0] = first[units] == second[units]
    indicators[units, 1 + first[units]] = 1.0
    indicators[units, 1 + width + second[units]] = 1.0
    sums = weights @ indicators
    agree = sums[:, 0]
    rows = sums[:, 1 : 1 + width]
    columns = sums[:, 1 + width :]
    total = rows.sum(axis=1)
    chance = (rows * columns).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        agree = agree / total
        chance = chance / (total * total)
        kappa = (agree - chance) / (1.0 - chance)
    kappa[(total == 0.0) | ~(chance < 1.0)] = np.nan
    return kappa


def hayes_replicates(key, cumulative, deltas, draws, expected, nonzero_diagonal, b_start, b_stop):
    """Replicates ``b_start <= b < b_stop`` of the Hayes & Krippendorff bootstrap.

    Replicate b draws ``draws`` pairs: draw i takes the random word ``i`` of replicate b
    (counter ``b * 2**32 + i``), turns its top 53 bits into ``u`` in [0, 1) and picks the
    first cell with ``u < cumulative[cell]``; alpha is ``1 - sum(deltas) / (expected *
    draws)`` (the deltas added in draw order), set to -1 below -1 and to 0 where it is 1 and
    only one diagonal cell of the coincidence matrix is occupied (KALPHA 3.0).
    """
    replicates = np.arange(b_start, b_stop, dtype=np.int64)
    top_bits = replicate_words(key, replicates, 0, draws)
    top_bits >>= _S11
    if _whole(deltas, draws):
        # u >= cumulative[c] exactly when the top bits reach ceil(cumulative[c] 2**53); the
        # count of draws in each cell gives the sum of whole deltas exactly
        bounds = np.ceil(cumulative[:-1] * 2.0**53).astype(np.uint64)
        reached = [np.count_nonzero(top_bits >= bound, axis=1) for bound in bounds]
        upper = [np.full(replicates.size, draws)] + reached
        lower = reached + [np.zeros(replicates.size, dtype=np.int64)]
        total = np.zeros(replicates.size)
        for cell, delta in enumerate(deltas):
            total += (upper[cell] - lower[cell]) * delta
    else:
        uniforms = top_bits.astype(np.float64) * _SCALE53
        cells = np.minimum(np.searchsorted(cumulative, uniforms, side="right"), deltas.size - 1)
        total = _in_order(deltas[cells])
    alpha = 1.0 - total / (expected * draws)
    alpha[alpha < -1.0] = -1.0
    if nonzero_diagonal == 1:
        alpha[alpha == 1.0] = 0.0
    return alpha
