"""Intercoder agreement: Krippendorff's alpha, Cohen's kappa and their bootstrap intervals.

- :func:`krippendorff_alpha` -- alpha of coders x units data (NaN where a coder did not code
  a unit), at the nominal, ordinal, interval or ratio metric;
- :func:`agreement_ci` -- alpha with a bootstrap interval: units resampled (``"units"``) or
  Hayes & Krippendorff's (2007) resampling of pairable values (``"hayes"``), with the
  probabilities that alpha lies below the usual minimums;
- :func:`cohen_kappa` and :func:`kappa_ci` -- Cohen's kappa of two coders;
- :func:`code_agreement` -- alpha and kappa with intervals for every code of a multi-label
  coding at once (codes x coders x units of 0/1).

Definitions follow Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability"
(Annenberg School for Communication, University of Pennsylvania): values are pairable
within a unit coded by at least two coders; units with fewer than two values are dropped;
the coincidence matrix ``o_ck`` counts the ordered pairs of values within each unit, each
weighted ``1 / (m_u - 1)``; ``alpha = 1 - (n - 1) sum o_ck delta_ck / sum n_c n_k delta_ck``
with ``n_c`` the coincidence marginals and ``n`` the number of pairable values.

Undefined coefficients. Where the pairable values hold one value only, the expected
disagreement is zero and alpha is 0/0: :func:`krippendorff_alpha` returns NaN, and the
intervals are ``(NaN, NaN)`` with a NaN estimate. Kappa is NaN where the chance agreement is
one (both coders used the same single value). A bootstrap replicate whose resampled units
hold a single value has no alpha either: it is left out of the interval and counted in
``n_undefined`` (the Hayes bootstrap keeps the original expected disagreement and always
has an alpha). Errors (ValueError) for: fewer than two coders, no pairable unit, an unknown
metric or method, infinite values, negative values at the ratio metric.

The bootstraps draw their random words from the counter-based streams of
:mod:`kernels._streams`; every replicate is a pure function of ``(seed, replicate)``, so
intervals are bit-identical for every thread count (see :mod:`kernels._threads`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import _agreement_coefficients as _k
from . import _numpy_kernels, _threads
from ._grid import rank_of_quantile
from ._random import unit_multiplicities_narrow, unit_multiplicities_wide, unit_scratch
from ._streams import narrow_slots, stream_key
from ._validation import check_level, check_n_resamples, check_seed
from .results import ConfidenceInterval, plain

METRICS = {"nominal": _k.NOMINAL, "ordinal": _k.ORDINAL, "interval": _k.INTERVAL, "ratio": _k.RATIO}
METHODS = ("units", "hayes")
#: The minimums of Hayes' KALPHA output ("probability of failure to achieve an alpha of at
#: least alphamin"); Krippendorff's 0.667 where the macro's source prints 0.67.
MINIMUMS = (0.9, 0.8, 0.7, 0.667, 0.6, 0.5)
DEFAULT_N_RESAMPLES = 10_000
#: Replicates are computed in blocks of about this many draws (units or pairs) each, which
#: bounds the memory of a call whatever its B.
_BLOCK_DRAWS = 1 << 17


def _block_size(draws_per_replicate: int) -> int:
    return max(_threads.ALIGN, _BLOCK_DRAWS // max(1, draws_per_replicate))


class AgreementInterval(ConfidenceInterval):
    """A :class:`~kernels.results.ConfidenceInterval` of an agreement coefficient.

    ``method`` is the bootstrap (``"units"`` or ``"hayes"``), the interval is always the
    percentile one; ``statistic`` is ``"krippendorff_alpha"`` or ``"cohen_kappa"``. Added:

    metric : str
        The metric of alpha (``"nominal"`` for kappa).
    below : dict
        ``{alphamin: q}``: the share of bootstrap replicates strictly below each minimum of
        ``minimums`` (arrays, one entry per code, for :func:`code_agreement`), as KALPHA's
        "probability (q) of failure to achieve an alpha of at least alphamin".
    minimums : tuple of float
    n_undefined : int or ndarray
        Replicates with an undefined coefficient (left out of the interval and ``below``).
    draws : int or None
        Pairs drawn per replicate by the Hayes bootstrap (``M``), None for the units one.
    """

    __slots__ = ("metric", "below", "minimums", "n_undefined", "draws")

    def __init__(self, *args, metric, below, minimums, n_undefined, draws=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.metric = metric
        self.below = below
        self.minimums = minimums
        self.n_undefined = n_undefined
        self.draws = draws

    def as_dict(self) -> dict:
        result = super().as_dict()
        result.update(
            metric=self.metric,
            below={str(key): plain(value) for key, value in self.below.items()},
            minimums=list(self.minimums),
            n_undefined=plain(self.n_undefined),
            draws=self.draws,
        )
        return result


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement per code of a multi-label coding (see :func:`code_agreement`).

    ``codes`` names the codes (the mapping's keys, or 0..k-1); ``alpha`` and ``kappa`` are
    :class:`AgreementInterval` results whose endpoints, estimates, ``below`` and
    ``n_undefined`` are arrays in the order of ``codes``; ``kappa`` is None unless there are
    exactly two coders.
    """

    codes: tuple
    alpha: AgreementInterval
    kappa: AgreementInterval | None


# ---------------------------------------------------------------------------------------
# preparation


@dataclass(frozen=True)
class _Prepared:
    codes: np.ndarray  # items x units x coders, int64 category indices, -1 missing
    values: np.ndarray  # items x width, each item's distinct values (increasing), padded
    n_values: np.ndarray  # items, int64
    coders: int
    counts: np.ndarray  # items x units x width: coders per value (0 for unpairable units)
    unit_observed: np.ndarray  # items x units: ordered pairs' delta^2 / (m_u - 1)


def _check_metric(metric) -> tuple[str, int]:
    if not isinstance(metric, str) or metric.lower() not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {tuple(METRICS)}")
    return metric.lower(), METRICS[metric.lower()]


def _as_reliability_data(data, dimensions: int, name: str = "data") -> np.ndarray:
    try:
        array = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be numeric (NaN for missing values): {error}") from None
    if array.ndim != dimensions:
        shape = "coders x units" if dimensions == 2 else "codes x coders x units"
        raise ValueError(
            f"{name} must be a {dimensions}-D array ({shape}), got shape {array.shape}"
        )
    if np.isinf(array).any():
        raise ValueError(f"{name} contains infinity; use NaN for a value not coded")
    coders = array.shape[-2]
    if coders < 2:
        raise ValueError(f"agreement needs at least two coders (rows), got {coders}")
    if array.shape[-1] == 0 or (dimensions == 3 and array.shape[0] == 0):
        raise ValueError(f"{name} is empty")
    return array


def _prepare(array: np.ndarray, metric_code: int) -> _Prepared:
    """Category indices of items x coders x units data; units with fewer than two values in
    every item are dropped."""
    present = ~np.isnan(array)
    pairable = present.sum(axis=1) >= 2  # items x units
    keep = pairable.any(axis=0)
    if not keep.any():
        raise ValueError(
            "no pairable unit: agreement needs at least one unit coded by two or more coders"
        )
    array = array[:, :, keep]
    present = present[:, :, keep]
    items, coders, units = array.shape
    distinct = [np.unique(array[item][present[item]]) for item in range(items)]
    if metric_code == _k.RATIO and any(values.size and values[0] < 0 for values in distinct):
        raise ValueError("the ratio metric needs non-negative values")
    width = max(1, max(values.size for values in distinct))
    values = np.zeros((items, width))
    codes = np.full((items, units, coders), -1, dtype=np.int64)
    for item, item_values in enumerate(distinct):
        values[item, : item_values.size] = item_values
        mask = present[item].T
        codes[item][mask] = np.searchsorted(item_values, array[item].T[mask])
    n_values = np.array([values.size for values in distinct], dtype=np.int64)
    counts = np.zeros((items, units, width))
    unit_observed = np.zeros((items, units))
    unit_index = np.arange(units)
    for item in range(items):
        for coder in range(coders):
            column = codes[item, :, coder]
            coded = column >= 0
            np.add.at(counts[item], (unit_index[coded], column[coded]), 1.0)
        m = counts[item].sum(axis=1)
        counts[item][m < 2] = 0.0
        if metric_code == _k.ORDINAL:
            continue  # the ordinal deltas depend on the (resampled) marginals
        item_values = values[item]
        for first, second in itertools.combinations(range(coders), 2):
            a, b = codes[item, :, first], codes[item, :, second]
            both = (a >= 0) & (b >= 0)
            unit_observed[item, both] += 2.0 * _k.fixed_deltas(
                metric_code, item_values[a[both]], item_values[b[both]]
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            unit_observed[item] = np.where(m >= 2, unit_observed[item] / (m - 1), 0.0)
    return _Prepared(codes, values, n_values, coders, counts, unit_observed)


def _coefficients(prepared: _Prepared, metric_code: int, with_kappa: bool, weights):
    """Alpha (and kappa) of every item for every row of ``weights`` (replicates x units):
    items x replicates arrays (kappa None without ``with_kappa``)."""
    items = prepared.codes.shape[0]
    alphas = np.empty((items, weights.shape[0]))
    kappas = np.empty((items, weights.shape[0])) if with_kappa else None
    for item in range(items):
        alphas[item] = _k.alphas(
            weights,
            prepared.codes[item],
            prepared.counts[item],
            prepared.unit_observed[item],
            prepared.values[item],
            prepared.n_values[item],
            metric_code,
        )
        if with_kappa:
            kappas[item] = _k.kappas(weights, prepared.codes[item], prepared.n_values[item])
    return alphas, kappas


def _estimates(prepared: _Prepared, metric_code: int, with_kappa: bool):
    """Alpha (and kappa) of every item: every unit once."""
    ones = np.ones((1, prepared.codes.shape[1]))
    alphas, kappas = _coefficients(prepared, metric_code, with_kappa, ones)
    return alphas[:, 0], (kappas[:, 0] if with_kappa else np.full(alphas.shape[0], np.nan))


# ---------------------------------------------------------------------------------------
# public functions


def krippendorff_alpha(data, metric: str = "nominal") -> float:
    """Krippendorff's alpha of reliability data.

    Parameters
    ----------
    data : array_like, coders x units
        The value each coder gave each unit, NaN where a coder did not code it. Nominal
        values are any numbers (codes of categories); values are mapped to category indices
        once, so thousands of units cost milliseconds.
    metric : {"nominal", "ordinal", "interval", "ratio"}
        The level of measurement, i.e. the difference function delta^2 (Krippendorff 2011):
        nominal ``[c != k]``; ordinal ``(sum_{g=c..k} n_g - (n_c + n_k)/2)^2`` over the
        marginals ``n_g`` of the pairable values; interval ``(c - k)^2``; ratio
        ``((c - k)/(c + k))^2`` (non-negative values).

    Returns
    -------
    float
        Alpha; 1 for perfect agreement; NaN where the pairable values hold one value only
        (no expected disagreement: alpha is 0/0). Units coded by fewer than two coders are
        not pairable and are dropped.
    """
    _, code = _check_metric(metric)
    prepared = _prepare(_as_reliability_data(data, 2)[None], code)
    return float(_estimates(prepared, code, False)[0][0])


def cohen_kappa(a, b=None) -> float:
    """Cohen's kappa of two coders: ``(p_o - p_e) / (1 - p_e)``.

    ``a`` and ``b`` are the two coders' values per unit, or ``a`` alone is 2 x units data.
    Units that either coder left uncoded (NaN) are dropped. NaN where the chance agreement
    ``p_e`` is one (both coders used one and the same value throughout).
    """
    prepared = _prepare(_two_coders(a, b)[None], _k.NOMINAL)
    return float(_estimates(prepared, _k.NOMINAL, True)[1][0])


def _two_coders(a, b):
    if b is not None:
        first = np.asarray(a, dtype=np.float64)
        second = np.asarray(b, dtype=np.float64)
        if first.ndim != 1 or first.shape != second.shape:
            raise ValueError(
                "cohen_kappa(a, b) needs two 1-D arrays of the same length (one value per "
                f"unit), got shapes {first.shape} and {second.shape}"
            )
        a = np.vstack([first, second])
    array = _as_reliability_data(a, 2)
    if array.shape[0] != 2:
        raise ValueError(f"Cohen's kappa needs exactly two coders, got {array.shape[0]}")
    return array


def agreement_ci(
    data,
    metric: str = "nominal",
    method: str = "units",
    n_resamples: int = DEFAULT_N_RESAMPLES,
    level: float = 0.95,
    seed: int | None = None,
    minimums=MINIMUMS,
    parallel: bool | None = None,
) -> AgreementInterval:
    """Krippendorff's alpha with a percentile bootstrap interval.

    Parameters
    ----------
    data, metric
        As :func:`krippendorff_alpha`.
    method : {"units", "hayes"}
        ``"units"``: each replicate draws the N pairable units (columns) with replacement
        and recomputes alpha from them (the ordinal metric from the replicate's marginals).
        The unit indices are those :func:`kernels.bootstrap_ci` draws for a sample of size
        N (word offset 0 of each replicate's counter range).

        ``"hayes"``: the bootstrap of Hayes & Krippendorff (2007), "Answering the call for
        a standard reliability measure for coding data", Communication Methods and Measures
        1(1), 77-89, as implemented in Hayes' KALPHA macro (version 3.0, 2011) and described
        in Krippendorff's "Algorithm for bootstrapping a distribution of alpha" (2006,
        revised 2011). What is implemented, from the macro's source:

        * the coincidence matrix is cut into cells ``c <= k`` with probabilities
          ``o_cc / n`` and ``2 o_ck / n`` and their delta^2 (the ordinal deltas from the
          original marginals);
        * each replicate draws ``M = min(25 Q, floor((m - 1) n / 2))`` cells with
          replacement (Q: non-zero cells of the full coincidence matrix, m: coders, n:
          pairable values) and sets ``alpha = 1 - sum(delta^2) / (M De)`` with the original
          data's expected disagreement De; alphas below -1 are set to -1; an alpha of 1
          becomes 0 where only one diagonal cell is occupied;
        * KALPHA's correction: where several diagonal cells are occupied, of the replicates
          with alpha = 1 the first ``min(numone, nx)`` in replicate order are set to 0, with
          ``nx = round(B sum_c (o_cc / n)^P)`` (P: the pairs of pairable values, the
          expected count of samples of all pairs falling in one diagonal cell).

        A uniform ``u`` is the top 53 bits of the random word ``i`` of replicate b, and the
        cell is the first whose cumulative probability exceeds ``u``. The interval is the
        kernels' percentile rule (ranks ``ceil(q B)`` and ``B - floor(q B)``); KALPHA takes
        the ranks ``trunc(0.025 B)`` and ``trunc(0.975 B) + 1``, one replicate higher at the
        top.
    n_resamples : int
        B (at least 1, below 2**31).
    level : float in (0, 1)
        Confidence level (the same name as the other intervals of :mod:`kernels`).
    seed : int in [0, 2**64) or None
        Key of the counter-based stream (None: a fresh one, recorded in the result).
    minimums : sequence of float
        The minimums of ``below`` (default KALPHA's 0.9, 0.8, 0.7, 0.667, 0.6, 0.5).
    parallel : bool or None
        Force the threaded (True) or serial (False) run; the bits do not depend on it.

    Returns
    -------
    AgreementInterval
        Unpacks as ``(low, high)``; ``estimate`` is :func:`krippendorff_alpha`; ``below``
        the shares of replicates under each minimum; ``replicates()`` the B alphas (NaN for
        undefined units-bootstrap replicates). Perfect agreement gives ``(1, 1)``
        (``degenerate``); undefined alpha (one value only) gives ``(NaN, NaN)``.
    """
    metric, code = _check_metric(metric)
    if not isinstance(method, str) or method.lower() not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
    method = method.lower()
    level = check_level(level)
    n_resamples = check_n_resamples(n_resamples)
    seed = check_seed(seed)
    minimums = tuple(float(value) for value in minimums)
    prepared = _prepare(_as_reliability_data(data, 2)[None], code)
    if method == "units":
        return _units_interval(
            prepared, metric, code, False, n_resamples, level, seed, minimums, parallel, True
        )[0]
    return _hayes_interval(prepared, metric, code, n_resamples, level, seed, minimums, parallel)


def kappa_ci(
    a,
    b=None,
    n_resamples: int = DEFAULT_N_RESAMPLES,
    level: float = 0.95,
    seed: int | None = None,
    minimums=MINIMUMS,
    parallel: bool | None = None,
) -> AgreementInterval:
    """Cohen's kappa (see :func:`cohen_kappa`) with a units-bootstrap percentile interval:
    the same resampled units, from the same stream, as :func:`agreement_ci` with
    ``method="units"`` on the same data and seed."""
    level = check_level(level)
    n_resamples = check_n_resamples(n_resamples)
    seed = check_seed(seed)
    minimums = tuple(float(value) for value in minimums)
    prepared = _prepare(_two_coders(a, b)[None], _k.NOMINAL)
    return _units_interval(
        prepared, "nominal", _k.NOMINAL, True, n_resamples, level, seed, minimums, parallel, True
    )[1]


def code_agreement(
    data,
    n_resamples: int = DEFAULT_N_RESAMPLES,
    level: float = 0.95,
    seed: int | None = None,
    minimums=MINIMUMS,
    parallel: bool | None = None,
) -> CodeAgreement:
    """Agreement per code of a multi-label coding, every code in one call.

    Parameters
    ----------
    data : array_like codes x coders x units, or a mapping code -> coders x units
        For each code, 1 where a coder applied it to an excerpt (unit), 0 where not, NaN
        where the coder did not code the excerpt. All codes share the coders and units.

    Returns
    -------
    CodeAgreement
        Nominal (binary) alpha and, for two coders, Cohen's kappa of every code, each with
        its units-bootstrap interval. Every replicate draws the same excerpts for all codes
        and both coefficients (excerpts with at least two values in some code are
        resampled), so a code's result equals :func:`agreement_ci` (and :func:`kappa_ci`)
        on that code alone, bit for bit, when the codes share their missing values.
    """
    if isinstance(data, Mapping):
        names = tuple(data)
        data = np.stack([np.asarray(data[name], dtype=np.float64) for name in names])
    else:
        data = np.asarray(data, dtype=np.float64)
        names = tuple(range(data.shape[0])) if data.ndim == 3 else ()
    array = _as_reliability_data(data, 3)
    present = ~np.isnan(array)
    if not np.all((array[present] == 0) | (array[present] == 1)):
        raise ValueError("code_agreement needs 0/1 data (1: code applied), NaN where not coded")
    level = check_level(level)
    n_resamples = check_n_resamples(n_resamples)
    seed = check_seed(seed)
    minimums = tuple(float(value) for value in minimums)
    prepared = _prepare(array, _k.NOMINAL)
    with_kappa = prepared.coders == 2
    alpha, kappa = _units_interval(
        prepared,
        "nominal",
        _k.NOMINAL,
        with_kappa,
        n_resamples,
        level,
        seed,
        minimums,
        parallel,
        False,
    )
    return CodeAgreement(names, alpha, kappa if with_kappa else None)


# ---------------------------------------------------------------------------------------
# intervals


def _percentile(replicates: np.ndarray, level: float, minimums):
    """Low, high, below-shares and undefined count of one item's replicates."""
    defined = replicates[~np.isnan(replicates)]
    undefined = replicates.shape[0] - defined.shape[0]
    if defined.shape[0] == 0:
        return math.nan, math.nan, [math.nan] * len(minimums), undefined
    ordered = np.sort(defined)
    total = ordered.shape[0]
    alpha_half = (1.0 - level) / 2.0
    low = float(ordered[rank_of_quantile(total, alpha_half, 1.0 - alpha_half) - 1])
    high = float(ordered[rank_of_quantile(total, 1.0 - alpha_half, alpha_half) - 1])
    below = [int(np.searchsorted(ordered, value, side="left")) / total for value in minimums]
    return low, high, below, undefined


def _summarize(estimates, replicates, level, minimums, scalar):
    """Percentile intervals of items x B replicates; NaN throughout where the estimate is
    undefined."""
    items = replicates.shape[0]
    low = np.empty(items)
    high = np.empty(items)
    below = np.empty((items, len(minimums)))
    undefined = np.zeros(items, dtype=np.int64)
    for item in range(items):
        if np.isnan(estimates[item]):
            low[item] = high[item] = math.nan
            below[item] = math.nan
            undefined[item] = replicates.shape[1]
            continue
        low[item], high[item], below[item], undefined[item] = _percentile(
            replicates[item], level, minimums
        )
    degenerate = low == high
    if scalar:
        return (
            float(low[0]),
            float(high[0]),
            {value: float(below[0, i]) for i, value in enumerate(minimums)},
            int(undefined[0]),
            bool(degenerate[0]),
        )
    return (
        low,
        high,
        {value: below[:, i].copy() for i, value in enumerate(minimums)},
        undefined,
        degenerate,
    )


def _units_interval(
    prepared, metric, code, with_kappa, n_resamples, level, seed, minimums, parallel, scalar
):
    """Units bootstrap of alpha (and kappa): both results."""
    alphas, kappas = _estimates(prepared, code, with_kappa)
    items, units, coders = prepared.codes.shape
    alpha_replicates = np.empty((items, n_resamples))
    kappa_replicates = np.empty((items, n_resamples) if with_kappa else (1, 1))
    work = n_resamples * units * (coders + 2 * items)
    backend, threads = _threads.choose(work, parallel)
    key = stream_key(seed)
    kernel = unit_multiplicities_narrow if narrow_slots(units) else unit_multiplicities_wide
    use_kernel = _numpy_kernels.compiled(kernel, n_resamples * units)
    block = _block_size(units)

    def multiplicities(first, last, weights, scratch):
        if use_kernel:
            kernel(key, units, 0, first, last, weights, scratch)
        else:
            _numpy_kernels.unit_multiplicities(key, units, 0, first, last, weights)

    def replicate_range(start, stop):
        weights = np.empty((min(block, stop - start), units))
        scratch = unit_scratch(units)
        for first in range(start, stop, block):
            last = min(first + block, stop)
            weights = weights[: last - first]
            weights[:] = 0.0
            multiplicities(first, last, weights, scratch)
            alpha_block, kappa_block = _coefficients(prepared, code, with_kappa, weights)
            alpha_replicates[:, first:last] = alpha_block
            if with_kappa:
                kappa_replicates[:, first:last] = kappa_block

    _threads.run_ranges(replicate_range, n_resamples, threads)

    def result(statistic, estimates, replicates, result_metric):
        low, high, below, undefined, degenerate = _summarize(
            estimates, replicates, level, minimums, scalar
        )
        estimate = float(estimates[0]) if scalar else estimates
        return AgreementInterval(
            low,
            high,
            estimate,
            "units",
            level,
            statistic,
            "monte_carlo",
            backend=backend,
            n_threads=threads,
            n_resamples=n_resamples,
            seed=seed,
            degenerate=degenerate,
            replicates=(lambda: replicates[0].copy()) if scalar else (lambda: replicates.copy()),
            metric=result_metric,
            below=below,
            minimums=minimums,
            n_undefined=undefined,
        )

    alpha = result("krippendorff_alpha", alphas, alpha_replicates, metric)
    kappa = result("cohen_kappa", kappas, kappa_replicates, "nominal") if with_kappa else None
    return alpha, kappa


def _coincidences(codes: np.ndarray, n_values: int) -> tuple[np.ndarray, int]:
    """Coincidence matrix of one item (units x coders codes) and its number of pairs."""
    units = codes.shape[0]
    counts = np.zeros((units, n_values))
    for coder in range(codes.shape[1]):
        column = codes[:, coder]
        rows = np.nonzero(column >= 0)[0]
        np.add.at(counts, (rows, column[rows]), 1.0)
    m = counts.sum(axis=1)
    usable = m >= 2
    counts = counts[usable]
    m = m[usable]
    weighted = counts / (m - 1)[:, None]
    coincidence = counts.T @ weighted - np.diag(weighted.sum(axis=0))
    pairs = int((m * (m - 1) // 2).sum())
    return coincidence, pairs


def _delta_matrix(code: int, values: np.ndarray, marginals: np.ndarray) -> np.ndarray:
    if code == _k.ORDINAL:
        return _k.ordinal_deltas(marginals[None])[0]
    return _k.fixed_deltas(code, values[:, None], values[None, :])


def _hayes_interval(prepared, metric, code, n_resamples, level, seed, minimums, parallel):
    alphas, _ = _estimates(prepared, code, False)
    estimate = float(alphas[0])
    n_values = int(prepared.n_values[0])
    values = prepared.values[0, :n_values]
    coincidence, pairs = _coincidences(prepared.codes[0], n_values)
    marginals = coincidence.sum(axis=1)
    n = float(marginals.sum())
    delta = _delta_matrix(code, values, marginals)
    expected = float((np.outer(marginals, marginals) * delta).sum()) / (n * (n - 1.0))
    nonzero_cells = int(np.count_nonzero(coincidence > 0))
    draws = int(min(25 * nonzero_cells, math.floor((prepared.coders - 1) * n / 2.0)))
    common = dict(
        backend="serial",
        n_threads=1,
        n_resamples=n_resamples,
        seed=seed,
        metric=metric,
        minimums=minimums,
        draws=draws,
    )
    if np.isnan(estimate) or not expected > 0.0:
        nan_replicates = np.full(n_resamples, math.nan)
        return AgreementInterval(
            math.nan,
            math.nan,
            math.nan,
            "hayes",
            level,
            "krippendorff_alpha",
            "monte_carlo",
            degenerate=True,
            replicates=lambda: nan_replicates.copy(),
            below={value: math.nan for value in minimums},
            n_undefined=n_resamples,
            **common,
        )
    # cells c <= k of the coincidence matrix: o_cc / n on the diagonal, 2 o_ck / n off it
    rows, columns = np.tril_indices(n_values)
    probabilities = np.where(rows == columns, 1.0, 2.0) * coincidence[rows, columns] / n
    occupied = probabilities > 0
    cumulative = np.cumsum(probabilities[occupied])
    cumulative[-1] = 1.0
    cell_deltas = np.ascontiguousarray(delta[rows, columns][occupied])
    diagonal = np.diag(coincidence) / n
    nonzero_diagonal = int(np.count_nonzero(diagonal > 0))
    replicates = np.empty(n_resamples)
    backend, threads = _threads.choose(n_resamples * draws, parallel)
    key = stream_key(seed)

    block = _block_size(draws)

    def replicate_range(start, stop):
        for first in range(start, stop, block):
            last = min(first + block, stop)
            replicates[first:last] = _k.hayes_replicates(
                key, cumulative, cell_deltas, draws, expected, nonzero_diagonal, first, last
            )

    _threads.run_ranges(replicate_range, n_resamples, threads)
    # KALPHA's correction of the replicates that reached alpha = 1
    expected_ones = math.floor(n_resamples * float(np.sum(diagonal**pairs)) + 0.5)
    if expected_ones > 0 and nonzero_diagonal > 1:
        ones = np.nonzero(replicates == 1.0)[0]
        replicates[ones[: min(expected_ones, ones.shape[0])]] = 0.0
    low, high, below, undefined, degenerate = _summarize(
        alphas, replicates[None], level, minimums, True
    )
    common.update(backend=backend, n_threads=threads)
    return AgreementInterval(
        low,
        high,
        estimate,
        "hayes",
        level,
        "krippendorff_alpha",
        "monte_carlo",
        degenerate=degenerate,
        replicates=lambda: replicates.copy(),
        below=below,
        n_undefined=undefined,
        **common,
    )
