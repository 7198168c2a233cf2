"""Numba compute core of the book: bootstrap intervals, exact and Monte Carlo, and coverage.

Exact ("ideal", B -> infinity) bootstrap intervals where the resampling distribution is known:

- :func:`proportion_ci` -- a proportion k / n (also analytic methods from statsmodels);
- :func:`difference_ci` -- a difference of two independent proportions;
- :func:`mean_ci` -- the mean of a Likert item or count, from values and frequencies.

Monte Carlo for everything else (:func:`monte_carlo_error` says how far each endpoint can move
with the seed):

- :func:`bootstrap_ci` -- mean, median, proportion, std, var and a two-sample difference of
  means, for one sample or items x respondents resampled jointly.

And :func:`coverage`, the exact coverage of an interval method for a binomial proportion.

Intercoder agreement (:mod:`kernels.agreement`): :func:`krippendorff_alpha`,
:func:`agreement_ci` (units or Hayes & Krippendorff bootstrap), :func:`cohen_kappa`,
:func:`kappa_ci` and :func:`code_agreement` (every code of a multi-label coding at once).

Every result is a :class:`ConfidenceInterval` that unpacks as ``(low, high)`` and records
how it was computed (``path``, ``backend``, ``n_threads``, ``seed``).

:func:`runtime` describes how the kernels run on this machine (threads, the work from which
a call runs in parallel, the processor's SIMD level) and :func:`backend_for` the
serial/parallel choice for a given problem size, for the build's manifest.
"""

from ._threads import get_num_threads, runtime, set_num_threads
from .analytic import ANALYTIC_METHODS, analytic_ci
from .exact import difference_ci, mean_ci, proportion_ci
from .interval_coverage import COVERAGE_METHODS, coverage
from .results import ConfidenceInterval, CoverageResult, ResamplingDistribution

#: Imported on first use (PEP 562): the Monte Carlo module and its kernels are not needed by
#: the exact intervals, and leaving them out shortens the start-up.
_LAZY = {
    "STATISTICS": "montecarlo",
    "bootstrap_ci": "montecarlo",
    "backend_for": "montecarlo",
    "monte_carlo_error": "montecarlo",
    "AgreementInterval": "agreement",
    "CodeAgreement": "agreement",
    "agreement_ci": "agreement",
    "code_agreement": "agreement",
    "cohen_kappa": "agreement",
    "kappa_ci": "agreement",
    "krippendorff_alpha": "agreement",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "ANALYTIC_METHODS",
    "AgreementInterval",
    "CodeAgreement",
    "COVERAGE_METHODS",
    "STATISTICS",
    "ConfidenceInterval",
    "CoverageResult",
    "ResamplingDistribution",
    "agreement_ci",
    "analytic_ci",
    "backend_for",
    "bootstrap_ci",
    "code_agreement",
    "cohen_kappa",
    "coverage",
    "difference_ci",
    "get_num_threads",
    "kappa_ci",
    "krippendorff_alpha",
    "mean_ci",
    "monte_carlo_error",
    "proportion_ci",
    "runtime",
    "set_num_threads",
]
