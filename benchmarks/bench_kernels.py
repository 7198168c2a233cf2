"""Speed of the numba kernels against scipy.stats.bootstrap, arch and resample.

Every figure is the median of several runs, reported with the minimum and maximum (the
machine is shared, so the spread is part of the result). Nothing here is asserted: the
targets are compared and reported.

The machine is measured first (usable cores, the throughput of several busy processes
against one, the processor's SIMD level), and parallel efficiency is stated against that
measured throughput, not against an ideal machine: on a virtual machine whose second vCPU
gives two processes 1.4 times the throughput of one, two threads cannot do better.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import statistics
import subprocess
import sys
import time

import numpy as np

import kernels
from kernels import _quantized, _resampling, _threads, exact
from kernels._numpy_kernels import COMPILE_SETTING
from kernels._random import lane_scratch
from kernels._streams import stream_key

N = 39
B = 100_000
SEED = 20240601


def timed(function, runs: int, inner: int = 1) -> list[float]:
    """Seconds per call for ``runs`` repetitions of ``inner`` calls each."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(inner):
            function()
        times.append((time.perf_counter() - start) / inner)
    return times


def paired_rounds(ours, theirs, rounds: int = 5, ours_per_round: int = 3):
    """Seconds per call of ``ours`` and ``theirs``, timed in alternating rounds (a few calls of
    ours, then one of theirs), and each round's ratio of their time to the median of ours:
    on a shared machine whose speed changes from one second to the next, a ratio of two
    timings taken at the same moment is the one that says how the two compare."""
    ours_times, their_times, ratios = [], [], []
    for _ in range(rounds):
        round_times = timed(ours, runs=ours_per_round)
        their_time = timed(theirs, runs=1)[0]
        ours_times += round_times
        their_times.append(their_time)
        ratios.append(their_time / statistics.median(round_times))
    return ours_times, their_times, ratios


def summary(name: str, times: list[float], unit: str = "ms", scale: float = 1e3) -> dict:
    return {
        "benchmark": name,
        "median": statistics.median(times) * scale,
        "min": min(times) * scale,
        "max": max(times) * scale,
        "unit": unit,
        "runs": len(times),
    }


def target(name, measured, unit, goal, direction):
    ratio = goal / measured if direction == "max" else measured / goal
    return {
        "name": name,
        "measured": float(measured),
        "unit": unit,
        "target": float(goal),
        "ratio": float(ratio),
        "passed": bool(ratio >= 1.0),
        "direction": direction,
    }


@contextlib.contextmanager
def compiled_kernels():
    """Every call runs the compiled kernels, not their numpy twins (``KERNELS_COMPILE=always``):
    the steady state of a process that calls them often, which the speed targets are about."""
    previous = os.environ.get(COMPILE_SETTING)
    os.environ[COMPILE_SETTING] = "always"
    try:
        yield
    finally:
        if previous is None:
            del os.environ[COMPILE_SETTING]
        else:
            os.environ[COMPILE_SETTING] = previous


def subprocess_seconds(code: str, runs: int, env: dict | None = None) -> list[float]:
    values = []
    for _ in range(runs):
        completed = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        values.append(float(completed.stdout.strip().splitlines()[-1]))
    return values


#: Replicates (float sums, n = 39) each worker computes in a round of :func:`parallel_rounds`.
WORKER_REPLICATES = 500_000

#: A busy process of :func:`parallel_rounds`: it computes WORKER_REPLICATES replicates each
#: time it reads a start time, from that time on, and prints the seconds they took.
THROUGHPUT_SCRIPT = f"""
import sys, time
import numpy as np
from kernels import _resampling
from kernels._random import lane_scratch
from kernels._streams import stream_key
x = np.append(np.sort(np.random.default_rng(0).lognormal(size=39)), -0.0)  # padded
out = np.empty({WORKER_REPLICATES})
key = stream_key(1)
scratch = lane_scratch(39, _resampling.GATHER_LANES)
_resampling.gather_sums_narrow(key, x, 0, np.zeros(1, dtype=np.int64), 1024, out, scratch)
print("ready", flush=True)
for line in sys.stdin:
    start_at = float(line)
    while time.time() < start_at:
        pass
    begin = time.perf_counter()
    claim = np.zeros(1, dtype=np.int64)
    _resampling.gather_sums_narrow(key, x, 0, claim, out.shape[0], out, scratch)
    print(time.perf_counter() - begin, flush=True)
"""


def float_sums(key, padded, out, threads):
    """A call that fills ``out`` with resampled sums of ``padded`` (a sorted sample and its
    identity element) on ``threads`` threads, as ``bootstrap_ci`` runs them."""

    def kernel(claim, scratch):
        _resampling.gather_sums_narrow(key, padded, 0, claim, out.shape[0], out, scratch)

    return lambda: _threads.run_shared(
        kernel, [lane_scratch(N, _resampling.GATHER_LANES) for _ in range(threads)]
    )


def parallel_rounds(cores: int, threads: int, count: int = 21) -> list[dict]:
    """Rounds of four measurements taken within about 50 ms of each other: one busy process
    alone, ``cores`` busy processes together (the machine's throughput), then the same
    kernel in this process on one thread and on ``threads`` threads (float sums, n = 39,
    WORKER_REPLICATES per process or thread).

    On a shared virtual machine the second vCPU slows down for seconds at a time (two busy
    processes then take up to twice as long as one), so a round's thread speed-up is judged
    against the throughput measured in the same round, not against one taken minutes apart.
    """
    x = np.append(np.sort(np.random.default_rng(0).lognormal(size=N)), -0.0)  # padded
    out = np.empty(threads * WORKER_REPLICATES)
    key = stream_key(SEED)

    def draws(workers):
        return float_sums(key, x, out, workers)

    children = [
        subprocess.Popen(
            [sys.executable, "-c", THROUGHPUT_SCRIPT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(cores)
    ]

    def busy(processes):
        start_at = time.time() + 0.005
        for child in processes:
            child.stdin.write(f"{start_at}\n")
            child.stdin.flush()
        return max(float(child.stdout.readline()) for child in processes)

    try:
        for child in children:
            child.stdout.readline()  # "ready": imported and compiled
        draws(threads)()
        rounds = []
        for _ in range(count):
            alone = busy(children[:1])
            together = busy(children)
            one = timed(draws(1), runs=1)[0]
            many = timed(draws(threads), runs=1)[0]
            rounds.append({"machine": cores * alone / together, "speedup": one / many})
    finally:
        for child in children:
            child.stdin.close()
            child.wait()
    return rounds


def run() -> dict:
    with compiled_kernels():
        return _run()


def _run() -> dict:
    from arch.bootstrap import IIDBootstrap
    from resample.bootstrap import confidence_interval as resample_interval
    from scipy import stats

    rows = []
    targets = []
    rng = np.random.default_rng(0)
    binary = np.r_[np.ones(26), np.zeros(13)]
    continuous = rng.lognormal(size=N)
    items = (rng.random((20, N)) < rng.random((20, 1))).astype(float)
    threads = _threads.get_num_threads()

    # -- the machine (the throughput of busy processes) and the threads' speed-up, measured
    # in alternating rounds so that both see the same load
    cores = _threads.configured_threads()
    rounds = parallel_rounds(cores, threads)
    machine = [r["machine"] for r in rounds]
    speedups = [r["speedup"] for r in rounds]
    efficiencies = [r["speedup"] / r["machine"] for r in rounds]
    rows.append(
        {
            "benchmark": f"machine: usable cores {cores}, SIMD {_threads.simd_level()}",
            "median": float(cores),
            "min": float(cores),
            "max": float(cores),
            "unit": "cores",
            "runs": 1,
        }
    )
    rows.append(
        summary(f"machine: throughput of {cores} busy processes against one", machine, "x", 1)
    )

    def scipy_bca(data, **kwargs):
        return lambda: stats.bootstrap(
            (data,),
            np.mean,
            n_resamples=B,
            method="BCa",
            rng=np.random.default_rng(1),
            **kwargs,
        )

    def ours_bca(data):
        return lambda: kernels.bootstrap_ci(data, "mean", "bca", n_resamples=B, seed=SEED)

    # warm-up: compile or load every kernel used below (the exact intervals too: they run
    # compiled under compiled_kernels(), in plain Python for a process's first calls
    # otherwise, see kernels.exact)
    for data in (binary, continuous, items):
        ours_bca(data)()
    python_tier = timed(
        lambda: exact._exact_math.proportion_interval(26, 39, 2, 0.025, [0.0] * 40),
        runs=9,
        inner=200,
    )
    kernels.proportion_ci(26, 39)
    kernels.proportion_ci(np.arange(40), 39)

    # -- exact intervals
    single_item = timed(lambda: kernels.proportion_ci(26, 39), runs=9, inner=2000)
    rows.append(summary("exact BCa, one binary item (n=39), compiled", single_item, "us", 1e6))
    rows.append(
        summary("exact BCa, one binary item, first calls (plain Python)", python_tier, "us", 1e6)
    )
    targets.append(
        target("exact interval, one item", statistics.median(single_item) * 1e6, "us", 5, "max")
    )
    counts = rng.integers(0, N + 1, size=1000)
    thousand = timed(lambda: kernels.proportion_ci(counts, N), runs=9, inner=20)
    rows.append(summary("exact BCa, 1,000 binary items", thousand))
    targets.append(
        target("exact intervals, 1,000 items", statistics.median(thousand) * 1e3, "ms", 2, "max")
    )

    # -- Monte Carlo BCa against scipy.stats.bootstrap
    cases = (
        ("binary n=39", binary, {}, 100),
        ("continuous n=39", continuous, {}, 25),
        ("20 binary items x 39, joint", items, {"axis": -1}, 30),
    )
    ours_binary = None
    for label, data, kwargs, goal in cases:
        scipy_bca(data, **kwargs)()  # warm-up, as for ours
        ours, theirs, ratios = paired_rounds(ours_bca(data), scipy_bca(data, **kwargs))
        backend = ours_bca(data)().backend
        rows.append(summary(f"kernels MC BCa, {label}, B=1e5 ({backend})", ours))
        rows.append(summary(f"scipy.stats.bootstrap BCa, {label}, B=1e5", theirs))
        speedup = statistics.median(ratios)
        rows.append(summary(f"speed-up over scipy, {label}", ratios, "x", 1))
        targets.append(target(f"MC BCa vs scipy, {label}", speedup, "x", goal, "min"))
        if ours_binary is None:
            ours_binary = ours
    # A 1-D sample is prepared once and reused by later calls on equal data (as above);
    # with a new sample on each call the preparation is timed too (informational).
    new_samples = itertools.cycle([continuous + 1e-9 * k for k in range(1, 1000)])

    def ours_new_sample():
        return kernels.bootstrap_ci(next(new_samples), "mean", "bca", n_resamples=B, seed=SEED)

    ours, theirs, ratios = paired_rounds(ours_new_sample, scipy_bca(continuous))
    rows.append(summary("kernels MC BCa, continuous n=39, a new sample each call", ours))
    rows.append(
        summary("speed-up over scipy, continuous n=39, a new sample each call", ratios, "x", 1)
    )

    # -- arch and resample, on the binary item (each warmed up once, as ours were)
    def arch_bca():
        return IIDBootstrap(binary, seed=1).conf_int(np.mean, reps=B, method="bca")

    def resample_bca():
        return resample_interval(
            np.mean, binary, size=B, ci_method="bca", random_state=np.random.default_rng(1)
        )

    arch_bca()
    resample_bca()
    arch_times = timed(arch_bca, runs=3)
    resample_times = timed(resample_bca, runs=3)
    for label, times in (("arch IIDBootstrap", arch_times), ("resample", resample_times)):
        rows.append(summary(f"{label} BCa, binary n=39, B=1e5", times))
        speedup = statistics.median(times) / statistics.median(ours_binary)
        rows.append(
            {
                "benchmark": f"speed-up over {label}",
                "median": speedup,
                "min": min(times) / max(ours_binary),
                "max": max(times) / min(ours_binary),
                "unit": "x",
                "runs": len(times),
            }
        )
        targets.append(target(f"MC BCa vs {label}", speedup, "x", 100, "min"))

    # -- index draws per second per core, and parallel efficiency
    big = 1_000_000
    x_sorted = np.append(np.sort(continuous), -0.0)  # padded, as the narrow loop reads it
    out = np.empty(big)
    key = stream_key(SEED)

    def draws(count):
        return float_sums(key, x_sorted, out, count)

    def draw_rate(label, call):
        times = timed(call, runs=9)
        rows.append(
            {
                "benchmark": f"index draws per second, one core ({label}, n=39, B=1e6)",
                "median": big * N / statistics.median(times),
                "min": big * N / max(times),
                "max": big * N / min(times),
                "unit": "draws/s",
                "runs": len(times),
            }
        )
        return big * N / statistics.median(times)

    float_rate = draw_rate("float sums", draws(1))
    quantized = _quantized.quantize(np.sort(continuous)) if _quantized.available() else None
    if quantized is not None:
        # what bootstrap_ci runs for the mean of this sample (kernels._quantized): the
        # same indices, ranked by whole-number sums and counted as they are made
        observed = float(np.sort(continuous).sum())
        per_core = draw_rate(
            "float sample, whole-number sums",
            lambda: _quantized.whole_number_sums(quantized, key, 0, big, 1, observed),
        )
    else:
        per_core = float_rate
    targets.append(
        target(
            "index draws per second per core (float sample, as bootstrap_ci draws them)",
            per_core,
            "draws/s",
            2e9,
            "min",
        )
    )
    guide, thresholds = kernels.montecarlo._binomial_tables(26, N)
    counts_out = np.empty(big, dtype=np.int32)
    histogram = np.zeros(N + 1, dtype=np.int64)
    binomial = timed(
        lambda: _resampling.binomial_counts(
            key,
            0,
            guide,
            thresholds,
            0,
            1,
            0,
            big,
            counts_out,
            True,
            histogram,
            _resampling.binomial_scratch(N),
        ),
        runs=9,
    )
    rows.append(
        {
            "benchmark": "binomial replicates per second, one core (binary item, n=39)",
            "median": big / statistics.median(binomial),
            "min": big / max(binomial),
            "max": big / min(binomial),
            "unit": "replicates/s",
            "runs": len(binomial),
        }
    )
    rows.append(summary(f"speed-up of {threads} threads, B=1e6 float sums", speedups, "x", 1))
    rows.append(
        summary(
            f"parallel efficiency, {threads} threads, against the machine's throughput",
            [value * 100 for value in efficiencies],
            "%",
            1,
        )
    )
    rows.append(
        summary(
            f"parallel efficiency, {threads} threads, against {threads} ideal cores",
            [value / threads * 100 for value in speedups],
            "%",
            1,
        )
    )
    targets.append(
        target(
            f"parallel efficiency ({threads} threads, against the machine's throughput)",
            statistics.median(efficiencies) * 100,
            "%",
            80,
            "min",
        )
    )

    # -- peak memory, 20 items x B = 1e5, each in a fresh process
    # tracemalloc sees numpy's allocations (the replicates, scipy's resample arrays); the
    # kernels' per-chunk scratch (numba NRT, about items x 1024 x 8 bytes per thread) is not
    # traced and is small.
    memory_code = """
import tracemalloc, numpy as np
rng = np.random.default_rng(0)
items = (rng.random((20, 39)) < rng.random((20, 1))).astype(float)
{setup}
tracemalloc.start()
{call}
print(tracemalloc.get_traced_memory()[1])
"""
    ours_code = memory_code.format(
        setup="import kernels; kernels.bootstrap_ci(items, n_resamples=2000, seed=1)",
        call="kernels.bootstrap_ci(items, n_resamples=100_000, seed=1)",
    )
    scipy_code = memory_code.format(
        setup="from scipy import stats; stats.bootstrap((items[:, :5],), np.mean, "
        "n_resamples=100, axis=-1)",
        call="stats.bootstrap((items,), np.mean, n_resamples=100_000, method='BCa', axis=-1)",
    )
    ours_memory = subprocess_seconds(ours_code, 3)
    scipy_memory = subprocess_seconds(scipy_code, 3)
    cells = 20 * B
    rows.append(summary("peak traced memory, kernels (20 items, B=1e5)", ours_memory, "MB", 1e-6))
    rows.append(summary("peak traced memory, scipy (20 items, B=1e5)", scipy_memory, "MB", 1e-6))
    per_cell = statistics.median(ours_memory) / cells
    rows.append(
        {
            "benchmark": "kernels bytes per item x replicate (int32 replicates = 4)",
            "median": per_cell,
            "min": min(ours_memory) / cells,
            "max": max(ours_memory) / cells,
            "unit": "bytes",
            "runs": len(ours_memory),
        }
    )
    rows.append(
        {
            "benchmark": "scipy bytes per item x replicate",
            "median": statistics.median(scipy_memory) / cells,
            "min": min(scipy_memory) / cells,
            "max": max(scipy_memory) / cells,
            "unit": "bytes",
            "runs": len(scipy_memory),
        }
    )
    targets.append(target("peak memory per item x replicate", per_cell, "bytes", 8, "max"))

    # -- cached start-up: import plus first call, in a fresh interpreter as a user starts it
    # (KERNELS_COMPILE unset, not the compiled_kernels() setting these benchmarks run under)
    user_env = {name: value for name, value in os.environ.items() if name != COMPILE_SETTING}
    startup = subprocess_seconds(
        "import time; t = time.perf_counter(); import kernels; kernels.proportion_ci(26, 39); "
        "print(time.perf_counter() - t)",
        7,
        env=user_env,
    )
    rows.append(summary("cached import + first call", startup, "s", 1))
    targets.append(
        target("cached import + first call", statistics.median(startup), "s", 0.3, "max")
    )

    # -- exact coverage of every method, n in {25, 39}, 981 values of p
    grid = np.linspace(0.01, 0.99, 981)

    def all_coverage():
        for n in (25, 39):
            for method in kernels.COVERAGE_METHODS:
                kernels.coverage(n, grid, method)

    all_coverage()  # statsmodels' import is not part of the computation
    coverage_times = timed(all_coverage, runs=7)
    rows.append(
        summary(
            f"exact coverage, {len(kernels.COVERAGE_METHODS)} methods x 2 n x 981 p",
            coverage_times,
            "s",
            1,
        )
    )
    targets.append(
        target("exact coverage, all methods", statistics.median(coverage_times), "s", 1, "max")
    )
    note = (
        "Every library is warmed up once before timing (compilation and first-use imports "
        "excluded for all alike); the kernels' times include their Python wrapper, and every "
        "Monte Carlo call runs compiled (KERNELS_COMPILE=always; a process's first small calls "
        "run numpy twins instead, see the cold start). Peers: "
        "scipy.stats.bootstrap(method='BCa', vectorized), arch "
        "IIDBootstrap.conf_int(method='bca'), resample confidence_interval(ci_method='bca'); "
        f"same data, statistic (the mean), B = {B:,} and level 0.95. Medians of repeated "
        f"runs with min and max; a speed-up over scipy is the median of five rounds' ratios, "
        "each round timing three calls of the kernels and then one of scipy, so that both "
        f"see the same load; {threads} threads. The scalar exact interval is timed "
        "compiled (after its first calls, which run in plain Python and are reported too)."
    )
    return {
        "title": "kernels: exact and Monte Carlo bootstrap",
        "note": note,
        "rows": rows,
        "targets": targets,
    }
