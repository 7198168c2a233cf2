"""Cold start: the first calls of a fresh process with an empty numba cache.

This is what a student's first run, a reviewer's and every new machine starts with: every
kernel a call needs is compiled before it runs. Each measurement runs in a new interpreter
with ``NUMBA_CACHE_DIR`` pointing at a new, empty folder, so nothing compiled by this
benchmark or by earlier runs is reused. scipy.stats.bootstrap's first call (its import and
one BCa interval, in a fresh interpreter too) is reported beside it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile

from kernels._numpy_kernels import COMPILE_SETTING

from .bench_kernels import summary

TARGET_SECONDS = 5.0
RUNS = 2

COLD_SCRIPT = r"""
import json, time
start = time.perf_counter()
import numpy as np
import kernels
times = {"import kernels": time.perf_counter() - start}

def first(name, call):
    begin = time.perf_counter()
    call()
    times[name] = time.perf_counter() - begin

rng = np.random.default_rng(0)
binary = np.r_[np.ones(26), np.zeros(13)]
first("proportion_ci (exact BCa)", lambda: kernels.proportion_ci(26, 39))
first("bootstrap_ci, binary item", lambda: kernels.bootstrap_ci(binary, "proportion", seed=1))
first("bootstrap_ci, continuous", lambda: kernels.bootstrap_ci(rng.lognormal(size=39), seed=1))
first("bootstrap_ci, two-sample continuous", lambda: kernels.bootstrap_ci(
    (rng.gamma(2.0, size=39), rng.gamma(2.5, size=25)), "mean_difference", seed=1))
first("bootstrap_ci, two-sample binary", lambda: kernels.bootstrap_ci(
    (binary, np.r_[np.ones(12), np.zeros(13)]), "proportion_difference", seed=1))
coded = (rng.random((3, 69)) < 0.35).astype(float)
coded[1, :5] = np.nan
first("krippendorff_alpha", lambda: kernels.krippendorff_alpha(coded))
first("agreement_ci, units bootstrap", lambda: kernels.agreement_ci(coded, seed=1))
first("agreement_ci, Hayes bootstrap", lambda: kernels.agreement_ci(coded, method="hayes", seed=1))

from numba.core.registry import CPUDispatcher
from kernels import _exact_kernels, _random, _resampling
compiled = {
    f"{value.py_func.__module__.split('.')[-1]}.{value.py_func.__name__}": len(value.signatures)
    for module in (_resampling, _exact_kernels, _random)
    for value in vars(module).values()
    if isinstance(value, CPUDispatcher) and value.signatures
}
print(json.dumps({"times": times, "compiled": compiled}))
"""

SCIPY_SCRIPT = r"""
import time
start = time.perf_counter()
import numpy as np
from scipy import stats
stats.bootstrap((np.r_[np.ones(26), np.zeros(13)],), np.mean, n_resamples=100_000,
                method="BCa", rng=np.random.default_rng(1))
print(time.perf_counter() - start)
"""


def _is_agreement(name: str) -> bool:
    return name.startswith(("krippendorff_alpha", "agreement_ci"))


def _run(script: str, environment: dict) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    return completed.stdout.strip().splitlines()[-1]


def _cold_runs(setting: str):
    """Per-call seconds, totals and the compiled kernels of RUNS cold processes run with
    ``KERNELS_COMPILE=setting``."""
    totals = []
    per_call: dict[str, list[float]] = {}
    compiled = {}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory(prefix="numba-cold-") as cache:
            environment = dict(os.environ, NUMBA_CACHE_DIR=cache, **{COMPILE_SETTING: setting})
            result = json.loads(_run(COLD_SCRIPT, environment))
        for name, seconds in result["times"].items():
            per_call.setdefault(name, []).append(seconds)
        totals.append(sum(result["times"].values()))
        compiled = result["compiled"]
    return per_call, totals, compiled


def _compiled_list(compiled: dict) -> str:
    if not compiled:
        return "none"
    return ", ".join(f"{name} ({count})" for name, count in sorted(compiled.items()))


def run() -> dict:
    rows = []
    per_call, totals, compiled = _cold_runs("auto")
    for name, values in per_call.items():
        rows.append(summary(f"cold: {name}", values, "s", 1))
    rows.append(summary("cold: import and all first calls", totals, "s", 1))
    agreement = [
        sum(seconds for name, seconds in zip(per_call, run, strict=True) if _is_agreement(name))
        for run in zip(*per_call.values(), strict=True)
    ]
    rows.append(summary("cold: of which the agreement kernels' first calls", agreement, "s", 1))
    always_per_call, always_totals, always_compiled = _cold_runs("always")
    for name, values in always_per_call.items():
        rows.append(summary(f"cold, every call compiled: {name}", values, "s", 1))
    rows.append(
        summary("cold, every call compiled: import and all first calls", always_totals, "s", 1)
    )
    scipy_first = [float(_run(SCIPY_SCRIPT, dict(os.environ))) for _ in range(RUNS)]
    rows.append(summary("scipy.stats.bootstrap: import and first BCa call", scipy_first, "s", 1))
    specializations = sum(always_compiled.values())
    rows.append(
        {
            "benchmark": f"kernels compiled when every call is ({len(always_compiled)} functions)",
            "median": float(specializations),
            "min": float(specializations),
            "max": float(specializations),
            "unit": "specializations",
            "runs": RUNS,
        }
    )
    measured = statistics.median(totals)
    note = (
        "Each run is a fresh interpreter with an empty NUMBA_CACHE_DIR: import kernels, then "
        "the first exact proportion, the first Monte Carlo BCa intervals (B = 100,000) of a "
        "binary item, a continuous sample and two two-sample differences, then Krippendorff's "
        "alpha and its units and Hayes bootstrap intervals (B = 10,000) of register-sized "
        "coding (69 units, 3 coders). As a user runs them (KERNELS_COMPILE unset), calls this "
        "small run the kernels' numpy twins, which give the same bits; compiled: "
        + _compiled_list(compiled)
        + ". With KERNELS_COMPILE=always every call compiles its kernel first, as a process "
        "that calls the kernels often does once; compiled: " + _compiled_list(always_compiled) + "."
    )
    return {
        "title": "kernels: cold start (empty compilation cache)",
        "note": note,
        "rows": rows,
        "targets": [
            {
                "name": "cold start: import and first calls, empty cache",
                "measured": float(measured),
                "unit": "s",
                "target": TARGET_SECONDS,
                "ratio": float(TARGET_SECONDS / measured),
                "passed": bool(measured <= TARGET_SECONDS),
                "direction": "max",
            }
        ],
    }
