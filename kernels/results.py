"""Result types shared by the exact, Monte Carlo and analytic intervals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: How an interval was computed: ``"exact"`` (the ideal bootstrap, B -> infinity, from the
#: resampling distribution itself), ``"monte_carlo"`` (B random resamples) or ``"analytic"``
#: (a closed-form interval taken from statsmodels).
PATHS = ("exact", "monte_carlo", "analytic")


def plain(value):
    """A numpy array or scalar as plain Python (lists, floats, ints); anything else as is."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass(frozen=True)
class ResamplingDistribution:
    """A discrete bootstrap distribution: ``values`` (increasing) and their ``probabilities``.

    For an exact interval these are the ideal-bootstrap distribution of the statistic: every
    value the resampled statistic can take with its exact probability (zero-probability grid
    points are left out). ``probabilities`` sum to one up to rounding.
    """

    values: np.ndarray
    probabilities: np.ndarray

    def cdf(self) -> np.ndarray:
        """Cumulative probabilities at ``values``."""
        return np.cumsum(self.probabilities)

    def mean(self) -> float:
        return float(np.dot(self.values, self.probabilities))

    def std(self) -> float:
        centred = self.values - self.mean()
        return float(np.sqrt(np.dot(centred * centred, self.probabilities)))


class ConfidenceInterval:
    """A confidence interval that unpacks as ``low, high`` and records how it was made.

    Attributes
    ----------
    low, high : float or ndarray
        The endpoints (arrays, one entry per item, for vectorised calls).
    estimate : float or ndarray
        The statistic on the original data (for a proportion, ``k / n``).
    method : str
        ``"percentile"``, ``"basic"``, ``"bca"`` or an analytic method name.
    level : float
        Nominal coverage, in (0, 1).
    statistic : str
        What was estimated (``"proportion"``, ``"mean"``, ``"mean_difference"``, ...).
    path : str
        ``"exact"``, ``"monte_carlo"`` or ``"analytic"`` (see :data:`PATHS`).
    backend : str
        ``"serial"`` or ``"parallel"``: whether the numba kernel ran with ``prange`` threads.
    n_threads : int
        Threads available to the kernel (1 for the serial backend).
    n_resamples : int or None
        Monte Carlo replicates B (None for exact and analytic intervals).
    seed : int or None
        The seed of the counter-based random stream (Monte Carlo only). Together with the
        data, ``statistic``, ``method``, ``level`` and ``n_resamples`` it fixes the result
        bit for bit, whatever the thread count.
    bias_correction, acceleration : float, ndarray or None
        BCa's ``z0`` and ``a`` (None for the other methods).
    degenerate : bool or ndarray
        True where the resampling distribution is a single point (k = 0, k = n, constant
        data, n = 1): the interval then has zero width, ``low == high == estimate``.
    """

    __slots__ = (
        "low",
        "high",
        "estimate",
        "method",
        "level",
        "statistic",
        "path",
        "backend",
        "n_threads",
        "n_resamples",
        "seed",
        "bias_correction",
        "acceleration",
        "degenerate",
        "_distribution",
        "_replicates",
    )

    def __init__(
        self,
        low,
        high,
        estimate,
        method,
        level,
        statistic,
        path,
        backend="serial",
        n_threads=1,
        n_resamples=None,
        seed=None,
        bias_correction=None,
        acceleration=None,
        degenerate=False,
        distribution=None,
        replicates=None,
    ):
        self.low = low
        self.high = high
        self.estimate = estimate
        self.method = method
        self.level = level
        self.statistic = statistic
        self.path = path
        self.backend = backend
        self.n_threads = n_threads
        self.n_resamples = n_resamples
        self.seed = seed
        self.bias_correction = bias_correction
        self.acceleration = acceleration
        self.degenerate = degenerate
        self._distribution = distribution
        self._replicates = replicates

    def __iter__(self):
        yield self.low
        yield self.high

    def __len__(self) -> int:
        return 2

    def __getitem__(self, index):
        return (self.low, self.high)[index]

    def __repr__(self) -> str:
        def show(value):
            if isinstance(value, np.ndarray):
                return np.array2string(value, precision=4, threshold=6)
            return f"{value:.4g}" if isinstance(value, float) else repr(value)

        extra = f", n_resamples={self.n_resamples}, seed={self.seed}" if self.n_resamples else ""
        return (
            f"ConfidenceInterval(low={show(self.low)}, high={show(self.high)}, "
            f"estimate={show(self.estimate)}, method={self.method!r}, level={self.level}, "
            f"path={self.path!r}, backend={self.backend!r}, n_threads={self.n_threads}{extra})"
        )

    @property
    def width(self):
        return self.high - self.low

    def distribution(self, item: int | None = None) -> ResamplingDistribution:
        """The exact resampling distribution behind an exact interval.

        For a vectorised result pass ``item`` (the position in the flattened inputs).
        Monte Carlo results have no exact distribution: use :meth:`replicates` instead.
        """
        if self._distribution is None:
            raise ValueError(
                f"a {self.path} interval has no exact resampling distribution; "
                "only exact (ideal-bootstrap) intervals carry one"
            )
        factory: Callable[[int | None], ResamplingDistribution] = self._distribution
        return factory(item)

    def replicates(self) -> np.ndarray:
        """The B bootstrap replicates of a Monte Carlo interval (items x B for 2-D data)."""
        if self._replicates is None:
            raise ValueError(f"a {self.path} interval has no Monte Carlo replicates")
        return self._replicates()

    def as_dict(self) -> dict:
        """Plain-Python summary (lists for arrays), e.g. for a build manifest."""
        return {
            name: plain(getattr(self, name))
            for name in ConfidenceInterval.__slots__
            if not name.startswith("_")
        }


@dataclass(frozen=True)
class CoverageResult:
    """Exact coverage of an interval method for a binomial proportion.

    ``coverage[i] = sum_k P(K = k | n, p[i]) * [lower[k] <= p[i] <= upper[k]]`` with
    ``K ~ Binomial(n, p[i])``; ``expected_length[i]`` is the same sum over interval widths.
    ``lower`` and ``upper`` hold the interval for every possible count ``k = 0..n``.
    """

    n: int
    p: np.ndarray
    coverage: np.ndarray
    expected_length: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    method: str
    level: float
    path: str
