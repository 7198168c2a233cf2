"""Argument checks shared by the public functions. Every failure is a ValueError or TypeError
that names the argument, the offending value and what was expected."""

import math
import numbers

import numpy as np

BOOTSTRAP_METHODS = ("percentile", "basic", "bca")
METHOD_CODES = {"percentile": 0, "basic": 1, "bca": 2}


def check_level(level) -> float:
    if type(level) is float and 0.0 < level < 1.0:  # the common case, without the ABC check
        return level
    if isinstance(level, bool) or not isinstance(level, numbers.Real):
        raise TypeError(f"level must be a real number in (0, 1), got {level!r}")
    level = float(level)
    if not (0.0 < level < 1.0):
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    return level


def check_bootstrap_method(method) -> str:
    if not isinstance(method, str):
        raise TypeError(f"method must be a string, got {method!r}")
    name = method.lower()
    if name not in METHOD_CODES:
        raise ValueError(
            f"unknown bootstrap method {method!r}; expected one of {BOOTSTRAP_METHODS}"
        )
    return name


def check_count_scalar(value, name: str) -> int:
    """A non-negative whole number given as int, numpy integer or integral float."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if isinstance(value, numbers.Integral):
        value = int(value)
    elif isinstance(value, numbers.Real):
        if not math.isfinite(value) or value != int(value):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
        value = int(value)
    else:
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be non-negative, got {value}")
    return value


def check_count_array(values, name: str) -> np.ndarray:
    """An array of non-negative whole numbers, returned as int64."""
    array = np.asarray(values)
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(f"{name} must hold whole numbers, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} contains NaN or infinity")
        if not np.all(array == np.round(array)):
            raise ValueError(f"{name} must hold whole numbers, got {array!r}")
    if np.any(array < 0):
        raise ValueError(f"{name} must be non-negative, got {array!r}")
    return array.astype(np.int64)


def check_proportion_counts(k: int, n: int, k_name: str = "k", n_name: str = "n") -> None:
    if n < 1:
        raise ValueError(f"{n_name} must be at least 1, got {n}")
    if k > n:
        raise ValueError(f"{k_name} = {k} exceeds {n_name} = {n}")


def check_n_resamples(n_resamples) -> int:
    if type(n_resamples) is int and 1 <= n_resamples < 2**31:  # without the ABC check
        return n_resamples
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, numbers.Integral):
        raise TypeError(f"n_resamples must be a whole number, got {n_resamples!r}")
    n_resamples = int(n_resamples)
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    if n_resamples >= 2**31:
        raise ValueError(f"n_resamples must be below 2**31, got {n_resamples}")
    return n_resamples


def check_seed(seed) -> int:
    """An explicit seed in [0, 2**64), or None for a fresh one from the operating system."""
    if seed is None:
        return int(np.random.SeedSequence().entropy) % 2**64
    if type(seed) is int and 0 <= seed < 2**64:  # the common case, without the ABC check
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a whole number in [0, 2**64) or None, got {seed!r}")
    seed = int(seed)
    if not 0 <= seed < 2**64:
        raise ValueError(f"seed must lie in [0, 2**64), got {seed}")
    return seed


def check_finite_data(array: np.ndarray, name: str = "data") -> np.ndarray:
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    if array.dtype == bool:
        array = array.astype(np.int64)
    kind = array.dtype.kind  # (np.issubdtype costs microseconds a call)
    if kind not in "iuf":
        raise TypeError(f"{name} must be numeric, got dtype {array.dtype}")
    if kind == "f" and not np.isfinite(array).all():
        bad = np.argwhere(~np.isfinite(array))[0]
        raise ValueError(
            f"{name} contains NaN or infinity (first at index {tuple(int(i) for i in bad)}); "
            "drop missing answers before resampling"
        )
    return array
