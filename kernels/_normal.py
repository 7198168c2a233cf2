"""The standard normal CDF and quantile, and the BCa level adjustment (Python and numba).

scipy's ``ndtr``/``ndtri`` cannot be called from cached numba code, and importing scipy would
cost more than the whole cached start-up budget, so both are computed here:

- ``normal_cdf(x) = erfc(-x / sqrt(2)) / 2`` (libm's ``erfc`` is accurate in both tails);
- ``normal_quantile(p)`` starts from Abramowitz & Stegun 26.2.23 (absolute error < 4.5e-4)
  and polishes with Halley steps on ``normal_cdf``; each step roughly triples the number of
  correct digits, so three steps reach double precision (checked against scipy in the tests).

These are plain Python functions: the interval arithmetic after the resampling runs in
Python, and :mod:`kernels._jit` registers the same functions with numba for the compiled
kernels that need them, so both compute the same floating-point operations in the same
order (no fastmath) and give the same bits.
"""

import math

_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)


def normal_cdf(x):
    """Phi(x), the standard normal CDF."""
    return 0.5 * math.erfc(-x / _SQRT2)


def normal_quantile(p):
    """Phi^-1(p) for p in [0, 1]; -inf at 0, +inf at 1, NaN outside."""
    if not (p >= 0.0 and p <= 1.0):
        return math.nan
    if p == 0.0:
        return -math.inf
    if p == 1.0:
        return math.inf
    lower = p < 0.5
    tail = p if lower else 1.0 - p
    t = math.sqrt(-2.0 * math.log(tail))
    x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (
        1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t
    )
    x = -x if lower else x
    for _ in range(3):
        # Halley's step on f(x) = Phi(x) - p. In the upper half, Phi(-x) - (1 - p) is used
        # instead so that the residual keeps its relative precision in the far tail.
        if lower:
            residual = normal_cdf(x) - p
        else:
            residual = tail - normal_cdf(-x)
        u = residual * _SQRT2PI * math.exp(0.5 * x * x)
        x = x - u / (1.0 + 0.5 * x * u)
    return x


def bca_adjusted_z(z0, acceleration, z_alpha):
    """The BCa-adjusted normal score ``z0 + (z0 + z) / (1 - a (z0 + z))``.

    Efron's formula is monotone in ``z`` only while ``1 - a (z0 + z) > 0``. Past that pole
    the adjusted level is taken as its limit (the far end of the bootstrap distribution:
    +inf or -inf, following the sign of ``z0 + z``) instead of wrapping round; this only
    happens for extreme levels or accelerations (``|a (z0 + z)| >= 1``).
    """
    shifted = z0 + z_alpha
    denominator = 1.0 - acceleration * shifted
    if denominator <= 0.0:
        return math.inf if shifted > 0.0 else -math.inf
    return z0 + shifted / denominator
