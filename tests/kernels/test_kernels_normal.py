"""The compiled normal CDF and quantile against scipy.special."""

import numpy as np
from scipy import special

from kernels._normal import bca_adjusted_z, normal_cdf, normal_quantile


def test_normal_quantile_matches_scipy_to_double_precision():
    p = np.r_[
        np.logspace(-300, -1, 500), np.linspace(0.001, 0.999, 999), 1 - np.logspace(-16, -1, 200)
    ]
    ours = np.array([normal_quantile(value) for value in p])
    expected = special.ndtri(p)
    np.testing.assert_allclose(ours, expected, rtol=4e-15, atol=4e-15)


def test_normal_quantile_edges():
    assert normal_quantile(0.0) == -np.inf
    assert normal_quantile(1.0) == np.inf
    assert abs(normal_quantile(0.5)) < 1e-15
    assert np.isnan(normal_quantile(1.5)) and np.isnan(normal_quantile(np.nan))


def test_normal_cdf_matches_scipy():
    x = np.linspace(-30, 10, 4001)
    ours = np.array([normal_cdf(value) for value in x])
    np.testing.assert_allclose(ours, special.ndtr(x), rtol=1e-12, atol=0)


def test_bca_adjustment_and_its_pole():
    z = special.ndtri(0.975)
    assert bca_adjusted_z(0.0, 0.0, z) == z
    assert bca_adjusted_z(0.1, 0.05, z) == (0.1 + (0.1 + z) / (1 - 0.05 * (0.1 + z)))
    assert bca_adjusted_z(0.0, 0.6, z) == np.inf  # 1 - a z <= 0: the far end
    # a > 0 pulls the lower level towards the centre: -z / (1 + 0.6 z)
    assert bca_adjusted_z(0.0, 0.6, -z) == -z / (1 + 0.6 * z)
