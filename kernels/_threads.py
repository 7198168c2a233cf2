"""Threads for the kernels: serial kernels run on several threads, and the choice of
serial or parallel.

The kernels are compiled without ``parallel=True``: a kernel computes a range of
replicates, releases the GIL (``nogil=True``), and :func:`run_ranges` runs contiguous ranges
of the B replicates on a small pool of Python threads (or :func:`run_shared` runs one
kernel call on every thread, the threads taking chunks of one range from a shared counter).
Compiling a ``prange`` loop (numba's parfors) cost most of the first call's compilation,
and a replicate's value does not depend on which range or thread computes it, so the
results are bit-identical for any number of threads.

The number of threads is numba's configured count (``NUMBA_NUM_THREADS``, by default the
number of CPUs) unless :func:`set_num_threads` lowers it. A call runs in parallel when its
work (index draws, ``B x n x items``, or equivalent) reaches :data:`PARALLEL_MIN_WORK` and
more than one thread is available.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

#: Below this many index draws (or equivalent work) a call runs serially: handing ranges to
#: threads costs tens of microseconds, about what one thread draws 10^5 indices in.
PARALLEL_MIN_WORK = 1 << 18
#: Ranges are aligned to this many replicates (a multiple of the kernels' lane count).
ALIGN = 256
#: A parallel call is cut into this many ranges per thread (see :func:`run_ranges`).
PIECES_PER_THREAD = 4

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_threads: int | None = None


@functools.lru_cache(maxsize=1)
def configured_threads() -> int:
    """numba's configured thread count (``NUMBA_NUM_THREADS``), without starting numba's
    threading layer; the CPUs this process may use if numba is not imported yet."""
    value = os.environ.get("NUMBA_NUM_THREADS")
    if value:
        return max(1, int(value))
    return max(1, configured_cpus())


def get_num_threads() -> int:
    """Threads a parallel call uses."""
    return _threads if _threads is not None else configured_threads()


def set_num_threads(count: int | None) -> None:
    """Use ``count`` threads from now on (None: back to the configured count). Results do
    not depend on it."""
    global _threads
    if count is not None and (int(count) < 1 or int(count) > configured_threads()):
        raise ValueError(f"thread count must lie in [1, {configured_threads()}], got {count}")
    _threads = None if count is None else int(count)


def choose(work: int, parallel: bool | None = None) -> tuple[str, int]:
    """``(backend, threads)`` for a call of ``work`` index draws: ``("serial", 1)`` or
    ``("parallel", n)``. ``parallel`` forces the choice (True still runs serially on one
    thread)."""
    threads = get_num_threads()
    if parallel is None:
        parallel = work >= PARALLEL_MIN_WORK and threads > 1
    if parallel:
        return "parallel", threads
    return "serial", 1


def runtime() -> dict:
    """How the kernels run here, for a manifest: the thread count of parallel calls, the
    CPUs this process may use, the work from which a call runs in parallel, numba's
    configured thread count, the processor's SIMD level. No result depends on any of it."""
    return {
        "threads": get_num_threads(),
        "cpus": configured_cpus(),
        "parallel_min_work": PARALLEL_MIN_WORK,
        "numba_num_threads": configured_threads(),
        "simd": simd_level(),
    }


@functools.lru_cache(maxsize=1)
def configured_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def simd_level() -> str:
    """The widest vector extension the processor reports (from /proc/cpuinfo; "unknown"
    where that is not available)."""
    try:
        with open("/proc/cpuinfo") as handle:
            flags = next((line for line in handle if line.startswith(("flags", "Features"))), "")
    except OSError:
        return "unknown"
    words = set(flags.split(":", 1)[-1].split())
    for flag, name in (
        ("avx512f", "AVX-512"),
        ("avx2", "AVX2"),
        ("avx", "AVX"),
        ("sse4_2", "SSE4.2"),
        ("asimd", "NEON"),
    ):
        if flag in words:
            return name
    return "none reported"


def ranges(total: int, parts: int, align: int = ALIGN) -> list[tuple[int, int]]:
    """At most ``parts`` contiguous ranges covering ``0..total``, boundaries aligned to
    ``align``."""
    parts = max(1, min(parts, -(-total // align)))
    size = -(-total // parts)
    size = -(-size // align) * align
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def _executor(workers: int) -> ThreadPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size < workers:
            if _pool is not None:
                _pool.shutdown(wait=False)
            # imported here: a process that never runs in parallel does not pay for it
            from concurrent.futures import ThreadPoolExecutor

            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kernels")
            _pool_size = workers
        return _pool


def run_shared(function, scratches) -> None:
    """Call ``function(claim, scratch)`` on ``len(scratches)`` threads at once, the calling
    thread included (with ``scratches[0]``), and wait for all of them; ``claim`` is one
    counter (int64, one element, starting at 0) shared by every thread: for a kernel whose
    threads share one range of replicates and take their parts of it from that counter,
    atomically, as they go (see :func:`kernels._resampling.gather_sums_narrow`). A pool
    thread can start a millisecond late on a shared virtual machine, or be stopped for as
    long in the middle of its work; then the other threads compute the rest, and only the
    chunk it holds waits for it.

    Each thread's scratch is made by the caller beforehand, in the calling thread, so that a
    pool thread needs Python's lock only to start its call: a pool thread that allocated its
    own while its vCPU was stopped held the lock, and the calling thread with it (on the
    AVX-512 machine one call in ten waited 1.47 ms or more for it). When the calling thread
    finds the range used up, a pool thread that has not started yet is not waited for: its
    call is cancelled (it would have found nothing to take)."""
    claim = np.zeros(1, dtype=np.int64)
    if len(scratches) <= 1:
        function(claim, scratches[0])
        return
    pool = _executor(len(scratches) - 1)
    futures = [pool.submit(function, claim, scratch) for scratch in scratches[1:]]
    function(claim, scratches[0])
    for future in futures:
        # one that has not started yet finds nothing left to take: it is not waited for
        if not future.cancel():
            future.result()


def run_ranges(function, total: int, threads: int, align: int = ALIGN) -> None:
    """Call ``function(start, stop)`` for ranges covering ``0..total``, on ``threads``
    threads, the calling thread included.

    The work is cut into :data:`PIECES_PER_THREAD` ranges per thread, and each thread takes
    the next unclaimed range until none is left: where another job keeps a CPU busy, the
    threads that do run take over its share instead of waiting for it. Which thread
    computes a range changes no result.
    """
    if threads <= 1 or total <= align:
        function(0, total)
        return
    pieces = ranges(total, threads * PIECES_PER_THREAD, align)
    if len(pieces) == 1:
        function(0, total)
        return
    claim = iter(pieces).__next__  # next() on a list iterator is atomic under the GIL

    def work():
        while True:
            try:
                start, stop = claim()
            except StopIteration:
                return
            function(start, stop)

    pool = _executor(threads - 1)
    futures = [pool.submit(work) for _ in range(min(threads, len(pieces)) - 1)]
    work()
    for future in futures:
        future.result()
