"""The Monte Carlo error of an endpoint, against what reruns with other seeds actually do."""

import numpy as np
import pytest

import kernels

SEEDS = range(200)
rng = np.random.default_rng(7)
SAMPLES = {
    "binary 16 of 39": (np.r_[np.ones(16), np.zeros(23)], "proportion"),
    "binary 3 of 39": (np.r_[np.ones(3), np.zeros(36)], "proportion"),
    "continuous": (rng.normal(size=39), "mean"),
    "median of a scale": (rng.integers(1, 6, size=25).astype(float), "median"),
}


@pytest.mark.parametrize("method", ["percentile", "bca", "basic"])
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_reruns_with_other_seeds_stay_within_the_sum_of_their_errors(name, method):
    data, statistic = SAMPLES[name]
    runs = [kernels.bootstrap_ci(data, statistic, method, 2000, seed=seed) for seed in SEEDS]
    ends = np.array([(run.low, run.high) for run in runs])
    errors = np.array([kernels.monte_carlo_error(run) for run in runs])
    apart = np.abs(ends[:, None, :] - ends[None, :, :])
    allowed = errors[:, None, :] + errors[None, :, :]
    assert (apart <= allowed + 1e-12).all(), "a rerun moved beyond the Monte Carlo error"
    # not a band that allows anything: at most a few spreads of the reruns, or one grid step
    spread = ends.std(axis=0)
    step = 1 / data.size if statistic == "proportion" else 0.5
    assert (errors.mean(axis=0) <= np.maximum(10 * spread, step + 1e-12)).all()


def test_an_endpoint_away_from_a_jump_mostly_has_no_error():
    data = np.r_[np.ones(3), np.zeros(36)]
    runs = [kernels.bootstrap_ci(data, "proportion", "percentile", 2000, seed=s) for s in SEEDS]
    # The exact 2.5 % quantile of Binomial(39, 3/39) / 39 is 0, with P(K = 0) = 4.4 %: about
    # 88 of 2000 replicates are 0 and the band reaches rank 50 + 23, so a run's low endpoint
    # is sure not to move unless it drew 1.6 standard deviations fewer zeros than expected.
    errors = np.array([kernels.monte_carlo_error(run)[0] for run in runs])
    assert all(run.low == 0.0 for run in runs)
    assert np.all(np.isclose(errors, 0.0) | np.isclose(errors, 1 / 39))
    assert 0.8 < np.mean(errors == 0.0) < 1.0


def test_vectorised_errors_equal_the_one_item_errors():
    data = np.vstack([SAMPLES["binary 16 of 39"][0], SAMPLES["binary 3 of 39"][0]])
    joint = kernels.bootstrap_ci(data, "proportion", "bca", 2000, seed=3)
    low_errors, high_errors = kernels.monte_carlo_error(joint)
    assert low_errors.shape == high_errors.shape == (2,)
    assert np.all(low_errors >= 0) and np.all(high_errors >= 0)


def test_an_exact_interval_has_no_monte_carlo_error():
    with pytest.raises(ValueError, match="no Monte Carlo error"):
        kernels.monte_carlo_error(kernels.proportion_ci(16, 39, method="bca"))
