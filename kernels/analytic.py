"""Analytic intervals for proportions, taken from statsmodels (not reimplemented).

statsmodels is imported on first use only: it takes longer to import than the whole cached
start-up of the numba kernels.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_count_array, check_level
from .results import ConfidenceInterval

#: Our method names -> statsmodels' ``proportion_confint`` names.
ANALYTIC_METHODS = {
    "wilson": "wilson",
    "clopper-pearson": "beta",
    "jeffreys": "jeffreys",
    "agresti-coull": "agresti_coull",
    "wald": "normal",
}
_ALIASES = {"beta": "clopper-pearson", "normal": "wald"}


def analytic_method_name(method: str) -> str:
    name = method.lower()
    name = _ALIASES.get(name, name)
    if name not in ANALYTIC_METHODS:
        raise ValueError(
            f"unknown analytic method {method!r}; expected one of {tuple(ANALYTIC_METHODS)}"
        )
    return name


def analytic_ci(k, n, method: str = "wilson", level: float = 0.95) -> ConfidenceInterval:
    """Analytic interval of a proportion via ``statsmodels.stats.proportion.proportion_confint``.

    ``method``: ``"wilson"`` (score), ``"clopper-pearson"`` (exact binomial, statsmodels'
    ``"beta"``), ``"jeffreys"`` (equal-tailed Beta(k + 1/2, n - k + 1/2)), ``"agresti-coull"``
    or ``"wald"`` (normal approximation). ``k`` and ``n`` may be arrays (broadcast). The
    endpoints are statsmodels' unchanged (e.g. its Jeffreys interval is not forced to 0 at
    k = 0); ``path = "analytic"``.
    """
    from statsmodels.stats.proportion import proportion_confint

    name = analytic_method_name(method)
    level = check_level(level)
    k_array = check_count_array(k, "k")
    n_array = check_count_array(n, "n")
    if np.any(n_array < 1):
        raise ValueError(f"n must be at least 1, got {n_array!r}")
    k_array, n_array = np.broadcast_arrays(k_array, n_array)
    if np.any(k_array > n_array):
        raise ValueError(f"k exceeds n: k = {k_array!r}, n = {n_array!r}")
    low, high = proportion_confint(
        k_array, n_array, alpha=1.0 - level, method=ANALYTIC_METHODS[name]
    )
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    estimate = k_array / n_array
    scalar = k_array.ndim == 0
    return ConfidenceInterval(
        float(low) if scalar else low,
        float(high) if scalar else high,
        float(estimate) if scalar else estimate,
        name,
        level,
        "proportion",
        "analytic",
    )


def analytic_difference_ci(k1, n1, k2, n2, level: float = 0.95) -> ConfidenceInterval:
    """Newcombe's hybrid score interval of ``p1 - p2`` (statsmodels'
    ``confint_proportions_2indep(..., method="newcomb")``)."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    level = check_level(level)
    k1, n1, k2, n2 = (
        int(check_count_array(v, name))
        for v, name in ((k1, "k1"), (n1, "n1"), (k2, "k2"), (n2, "n2"))
    )
    if n1 < 1 or n2 < 1:
        raise ValueError(f"n1 and n2 must be at least 1, got {n1} and {n2}")
    if k1 > n1 or k2 > n2:
        raise ValueError(f"counts exceed sample sizes: k1={k1}, n1={n1}, k2={k2}, n2={n2}")
    low, high = confint_proportions_2indep(
        k1, n1, k2, n2, method="newcomb", compare="diff", alpha=1.0 - level
    )
    return ConfidenceInterval(
        float(low),
        float(high),
        k1 / n1 - k2 / n2,
        "newcombe",
        level,
        "proportion_difference",
        "analytic",
    )
