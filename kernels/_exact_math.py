"""The exact interval of one proportion, in plain Python (also compiled by numba).

The first exact intervals of a process are computed here, with no compilation and without
importing numba (see :func:`kernels.exact.proportion_ci`); the compiled kernels in
:mod:`kernels._exact_kernels` call the same functions, registered with numba, so both
tiers compute the same floating-point operations in the same order and give the same bits
(the tests compare them over a grid of k, n, methods and levels).

The one function that differs in source is :func:`log_binomial_term`: numba's
``math.lgamma`` is the C library's ``lgamma``, while CPython's ``math.lgamma`` is its own
implementation, which differs in the last bits. The Python tier therefore calls the C
library's ``lgamma`` through ctypes; where that library cannot be loaded, :data:`LIBM_LGAMMA`
is None and every exact interval uses the compiled tier.
"""

import ctypes
import math
import sys

from . import _grid


def _load_lgamma():
    names = {"linux": ["libm.so.6"], "darwin": ["libm.dylib"], "win32": ["ucrtbase"]}.get(
        sys.platform, []
    )
    for name in names:
        try:
            function = ctypes.CDLL(name).lgamma
        except (OSError, AttributeError):
            continue
        function.restype = ctypes.c_double
        function.argtypes = [ctypes.c_double]
        return function
    return None


#: The C library's lgamma (None where it cannot be loaded: then no Python tier).
LIBM_LGAMMA = _load_lgamma()


def log_binomial_term(n, mode, p):
    """log of ``C(n, mode) p^mode (1 - p)^(n - mode)``, from log-gamma (numba compiles an
    overload with ``math.lgamma``, the same C function, in :mod:`kernels._exact_kernels`;
    where the C library's cannot be loaded, CPython's is used, and the exact intervals run
    compiled)."""
    lgamma = LIBM_LGAMMA or math.lgamma
    return (
        lgamma(n + 1.0)
        - lgamma(mode + 1.0)
        - lgamma(n - mode + 1.0)
        + mode * math.log(p)
        + (n - mode) * math.log1p(-p)
    )


def binomial_pmf(n, k, out):
    """Write the Binomial(n, k / n) probabilities of 0..n into ``out`` (length n + 1)."""
    binomial_pmf_at(n, k / n, out)


def binomial_pmf_at(n, p, out):
    """Write the Binomial(n, p) probabilities of 0..n into ``out`` (length n + 1).

    Starts at the mode from log-gamma and walks outwards with the ratio recurrence
    ``P(j + 1) / P(j) = (n - j) / (j + 1) * p / (1 - p)``, which keeps relative precision
    in both tails; the result is normalised to sum to one. p = 0 and p = 1 give point masses.
    """
    for j in range(n + 1):
        out[j] = 0.0
    if p <= 0.0:
        out[0] = 1.0
        return
    if p >= 1.0:
        out[n] = 1.0
        return
    odds = p / (1.0 - p)
    mode = int(math.floor((n + 1) * p))
    if mode > n:
        mode = n
    out[mode] = math.exp(log_binomial_term(n, mode, p))
    for j in range(mode, n):
        out[j + 1] = out[j] * (n - j) / (j + 1.0) * odds
    for j in range(mode, 0, -1):
        out[j - 1] = out[j] * j / (n - j + 1.0) / odds
    total = 0.0
    for j in range(n + 1):
        total += out[j]
    for j in range(n + 1):
        out[j] /= total


def proportion_acceleration(k, n):
    """Jackknife acceleration of a proportion: (n - 2k) / (6 sqrt(n k (n - k))); 0 if k in {0, n}.

    Leaving out a 1 moves the estimate by (n - k) / (n (n - 1)), leaving out a 0 by
    -k / (n (n - 1)); Efron's a = sum d^3 / (6 (sum d^2)^(3/2)) then reduces to this form.
    """
    if k == 0 or k == n:
        return 0.0
    return (n - 2.0 * k) / (6.0 * math.sqrt(float(n) * k * (n - k)))


def proportion_interval(k, n, method, alpha_half, pmf):
    """(low, high, z0, a) of the exact bootstrap interval of k / n; ``pmf`` is scratch (n + 1)."""
    binomial_pmf(n, k, pmf)
    acceleration = proportion_acceleration(k, n)
    lower, upper, z0 = _grid.grid_interval(pmf, k, method, alpha_half, acceleration)
    return lower / n, upper / n, z0, acceleration
