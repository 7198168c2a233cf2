"""Speed of the agreement kernels against what a Python user writes today: a loop of the
``krippendorff`` package's ``alpha`` over bootstrap resamples of the units, with numpy.

The data have the size of the register: 69 excerpts (units), three coders, a nominal (0/1)
code, a few excerpts left uncoded by one coder. The peer is timed on fewer replicates and
scaled per replicate to B = 10,000 (the loop's cost is linear in B); the scale is printed.
"""

from __future__ import annotations

import statistics
from importlib.metadata import version

import krippendorff
import numpy as np

import kernels

from .bench_kernels import compiled_kernels, summary, target, timed

UNITS = 69
CODERS = 3
B = 10_000
PEER_B = 500
SEED = 20240601
TARGET_RATIO = 100.0


def register_like(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.random(UNITS) < 0.35
    data = np.where(rng.random((CODERS, UNITS)) < 0.88, truth, ~truth).astype(float)
    data[rng.integers(0, CODERS, 6), rng.choice(UNITS, 6, replace=False)] = np.nan
    return data


def peer_bootstrap(data: np.ndarray, n_resamples: int) -> np.ndarray:
    """Alpha of B resamples of the units with the krippendorff package."""
    rng = np.random.default_rng(1)
    units = data.shape[1]
    replicates = np.empty(n_resamples)
    for b in range(n_resamples):
        sample = data[:, rng.integers(0, units, units)]
        try:
            replicates[b] = krippendorff.alpha(
                reliability_data=sample, level_of_measurement="nominal"
            )
        except ValueError:  # a resample holding one value only
            replicates[b] = np.nan
    return replicates


def run() -> dict:
    with compiled_kernels():
        return _run()


def _run() -> dict:
    data = register_like()
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    rows = []
    # warm-up: compile or load the kernels
    kernels.agreement_ci(data, n_resamples=B, seed=SEED)
    kernels.agreement_ci(data, method="hayes", n_resamples=B, seed=SEED)

    ours_alpha = timed(lambda: kernels.krippendorff_alpha(data), runs=7, inner=200)
    peer_alpha = timed(
        lambda: krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"),
        runs=7,
        inner=200,
    )
    rows.append(summary("krippendorff_alpha, 69 units x 3 coders", ours_alpha, "us", 1e6))
    rows.append(summary("krippendorff.alpha (package), same data", peer_alpha, "us", 1e6))

    ours_units = timed(lambda: kernels.agreement_ci(data, n_resamples=B, seed=SEED), runs=7)
    ours_hayes = timed(
        lambda: kernels.agreement_ci(data, method="hayes", n_resamples=B, seed=SEED), runs=7
    )
    peer = timed(lambda: peer_bootstrap(pairable, PEER_B), runs=3)
    peer_scaled = [value * B / PEER_B for value in peer]
    rows.append(summary(f"agreement_ci, units bootstrap, B = {B:,}", ours_units))
    rows.append(summary(f"agreement_ci, Hayes bootstrap, B = {B:,}", ours_hayes))
    rows.append(
        summary(
            f"peer: krippendorff.alpha loop, {PEER_B} resamples scaled to B = {B:,}",
            peer_scaled,
        )
    )
    ratio = statistics.median(peer_scaled) / statistics.median(ours_units)
    rows.append(
        {
            "benchmark": "units bootstrap: peer / ours",
            "median": ratio,
            "min": min(peer_scaled) / max(ours_units),
            "max": max(peer_scaled) / min(ours_units),
            "unit": "x",
            "runs": len(ours_units),
        }
    )
    note = (
        f"Register-sized data: {UNITS} units, {CODERS} coders, nominal 0/1, some values "
        f"missing. The peer loops krippendorff.alpha (version {version('krippendorff')}) "
        f"over numpy resamples of the pairable units; it is timed on {PEER_B} resamples and "
        f"scaled per replicate to B = {B:,} (x{B // PEER_B}). The kernels run compiled "
        "(KERNELS_COMPILE=always)."
    )
    return {
        "title": "kernels: intercoder agreement (alpha and its bootstrap interval)",
        "note": note,
        "rows": rows,
        "targets": [
            target(
                "alpha units-bootstrap interval (B = 10,000) vs a krippendorff.alpha loop",
                ratio,
                "x",
                TARGET_RATIO,
                "min",
            )
        ],
    }
