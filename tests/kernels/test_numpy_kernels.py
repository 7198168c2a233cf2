"""The numpy twins of the Monte Carlo kernels against the compiled kernels, bit for bit, and
the rule that chooses between them."""

import threading

import numpy as np
import pytest
from numba import njit

import kernels
from kernels import _numpy_kernels, _random, _resampling
from kernels._jit import fetch_add
from kernels._streams import narrow_slots, replicate_words, stream_key
from kernels.montecarlo import _binomial_tables, _packed_columns

SIZES = [2, 3, 5, 7, 25, 39, 40, 57, 69, 101, 200, 333, 1932]
#: (replicates, first word): one replicate, a partial lane group, more than one block (with
#: the blocks of :func:`small_blocks`).
RANGES = [(1, 0), (63, 3), (4193, 11)]


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Blocks of 4,096 draws, so that every sample size here spans several."""
    monkeypatch.setattr(_numpy_kernels, "BLOCK_DRAWS", 4096)


def narrow_rejections(key, n, replicates):
    """Replicates with a biased 16-bit quarter in their first ceil(n / 4) words."""
    words = replicate_words(key, np.arange(replicates, dtype=np.uint64), 0, (n + 3) // 4)
    quarters = words.view(np.uint16)[:, :n].astype(np.uint32)
    return int(np.any((quarters * n) % (1 << 16) < (1 << 16) % n, axis=1).sum())


def test_the_sizes_include_redrawn_replicates():
    # the twins' redraw path runs: n = 69 rejects about one replicate in seventeen
    assert narrow_slots(69) and narrow_rejections(stream_key(1), 69, 4096) > 100
    assert not narrow_slots(1932) and not narrow_slots(333)


def sample_kinds(rng, n):
    return [
        rng.normal(size=n),
        -rng.random(size=n),  # negative: the partial sums start at -0.0
        np.zeros(n),
        rng.integers(0, 9, n).astype(np.int64),
    ]


@pytest.mark.parametrize("n", [n for n in SIZES if narrow_slots(n)])
@pytest.mark.parametrize("seed", [1, 99])
def test_gather_sums_match_the_compiled_kernel(n, seed):
    rng = np.random.default_rng(n)
    key = stream_key(seed)
    for replicates, word in RANGES:
        for data in sample_kinds(rng, n):
            x = np.sort(data)
            padded = np.append(x, x.dtype.type(-0.0 if x.dtype.kind == "f" else 0))
            compiled = np.empty(replicates, dtype=x.dtype)
            twin = np.empty(replicates, dtype=x.dtype)
            scratch = _random.lane_scratch(n, _resampling.GATHER_LANES)
            claim = np.zeros(1, dtype=np.int64)
            _resampling.gather_sums_narrow(key, padded, word, claim, replicates, compiled, scratch)
            _numpy_kernels.gather_sums_narrow(key, padded, word, 0, replicates, twin)
            assert compiled.tobytes() == twin.tobytes()


@njit(nogil=True)
def _take_one_at_a_time(counter, stop, taken):
    while True:
        value = fetch_add(counter, 1)
        if value >= stop:
            return
        taken[value] += 1


def test_threads_sharing_a_counter_take_every_value_once():
    """fetch_add is atomic: four threads taking values one at a time from one counter take
    each value exactly once (a plain read and write would hand some out twice)."""
    counter = np.zeros(1, dtype=np.int64)
    taken = np.zeros(400_000, dtype=np.int64)
    _take_one_at_a_time(counter, 0, taken)  # compile first (it takes the value 0)
    counter[0] = 0
    workers = [
        threading.Thread(target=_take_one_at_a_time, args=(counter, taken.size, taken))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert taken.min() == 1 and taken.max() == 1


def test_threads_sharing_a_range_compute_the_sums_of_one_thread():
    """Float sums computed by four threads sharing one range (each taking chunks from the
    counter) are those one thread computes, every replicate written."""
    x = np.sort(np.random.default_rng(4).normal(size=39))
    padded = np.append(x, -0.0)
    key = stream_key(8)
    total = 64 * 16 * 9 + 77  # a partial chunk and a partial group at the end
    alone = np.full(total, np.nan)
    _resampling.gather_sums_narrow(
        key, padded, 0, np.zeros(1, dtype=np.int64), total, alone, _random.lane_scratch(39, 64)
    )
    shared = np.full(total, np.nan)
    claim = np.zeros(1, dtype=np.int64)
    workers = [
        threading.Thread(
            target=_resampling.gather_sums_narrow,
            args=(key, padded, 0, claim, total, shared, _random.lane_scratch(39, 64)),
        )
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not np.isnan(alone).any()
    assert shared.tobytes() == alone.tobytes()


@pytest.mark.parametrize("n", [n for n in SIZES if narrow_slots(n)])
def test_joint_packed_sums_match_the_compiled_kernel(n):
    rng = np.random.default_rng(n)
    key = stream_key(5)
    for values in (
        rng.integers(0, 2, size=(20, n)),  # ten 0/1 items share a word
        rng.integers(1, 6, size=(7, n)),
        rng.integers(-(10**6), 10**6, size=(3, n)),  # one or two items per word
    ):
        packed, offsets, bits = _packed_columns(values)
        for replicates, word in RANGES:
            compiled = np.zeros((values.shape[0], replicates), dtype=np.int32)
            twin = np.zeros((values.shape[0], replicates), dtype=np.int32)
            arguments = (key, packed, offsets, bits, word, 0, replicates)
            scratch = _random.lane_scratch(n, _resampling.GATHER_LANES)
            _resampling.joint_sums_packed_narrow(
                key,
                packed,
                offsets,
                bits,
                word,
                np.zeros(1, dtype=np.int64),
                replicates,
                compiled,
                scratch,
            )
            _numpy_kernels.joint_sums_packed_narrow(*arguments, twin)
            assert compiled.tobytes() == twin.tobytes()


@pytest.mark.parametrize("n", SIZES)
def test_unit_multiplicities_match_the_compiled_kernels(n):
    key = stream_key(7)
    kernel = (
        _random.unit_multiplicities_narrow if narrow_slots(n) else _random.unit_multiplicities_wide
    )
    for replicates, word in RANGES:
        compiled = np.zeros((replicates, n))
        twin = np.zeros((replicates, n))
        kernel(key, n, word, 5, 5 + replicates, compiled, _random.unit_scratch(n))
        _numpy_kernels.unit_multiplicities(key, n, word, 5, 5 + replicates, twin)
        assert compiled.tobytes() == twin.tobytes()
        assert np.all(twin.sum(axis=1) == n)


@pytest.mark.parametrize("n", [n for n in SIZES if n <= 400])
@pytest.mark.parametrize("keep", [True, False])
def test_binomial_counts_match_the_compiled_kernel(n, keep):
    key = stream_key(3)
    for k in sorted({1, max(n // 3, 1), n - 1}):
        guide, thresholds = _binomial_tables(k, n)
        for replicates, word in RANGES:
            counts = [np.zeros(n + 1, dtype=np.int64) for _ in range(2)]
            out = [np.zeros(replicates, dtype=np.int32) for _ in range(2)]
            tables = (key, word, guide, thresholds, 3, 2, 0, replicates)
            _resampling.binomial_counts(
                *tables, out[0], keep, counts[0], _resampling.binomial_scratch(n)
            )
            _numpy_kernels.binomial_counts(*tables, out[1], keep, counts[1])
            assert counts[0].tolist() == counts[1].tolist()
            assert out[0].tobytes() == out[1].tobytes()
            assert counts[1].sum() == replicates


def test_histograms_match_the_compiled_kernel():
    rng = np.random.default_rng(2)
    replicates = rng.integers(-5, 40, size=(7, 3000)).astype(np.float64)
    origin = np.full(7, -5, dtype=np.int64)
    compiled = np.full((7, 50), -1, dtype=np.int64)
    twin = np.full((7, 50), -1, dtype=np.int64)
    _resampling.histograms(replicates, origin, 1, 6, compiled)
    _numpy_kernels.histograms(replicates, origin, 1, 6, twin)
    assert np.array_equal(compiled, twin)
    assert twin[3].sum() == 3000


@pytest.mark.parametrize(
    "data, statistic",
    [
        (np.r_[np.ones(26), np.zeros(13)], "proportion"),
        (np.random.default_rng(4).lognormal(size=39), "mean"),
        ((np.random.default_rng(5).normal(size=39), np.arange(25.0)), "mean_difference"),
        (
            (np.r_[np.ones(26), np.zeros(13)], np.r_[np.ones(12), np.zeros(13)]),
            "proportion_difference",
        ),
        (np.random.default_rng(6).integers(0, 2, size=(20, 39)), "proportion"),
        (np.random.default_rng(7).integers(1, 6, size=(4, 39)), "mean"),
    ],
)
def test_intervals_are_the_same_with_either(monkeypatch, data, statistic):
    results = []
    for setting in ("always", "never"):
        monkeypatch.setenv(_numpy_kernels.COMPILE_SETTING, setting)
        result = kernels.bootstrap_ci(data, statistic, n_resamples=9_999, seed=12)
        fields = (result.low, result.high, result.bias_correction, result.replicates())
        results.append(b"".join(np.asarray(field, dtype=float).tobytes() for field in fields))
    assert results[0] == results[1]


def test_agreement_intervals_are_the_same_with_either(monkeypatch):
    coded = (np.random.default_rng(6).random((3, 69)) < 0.35).astype(float)
    coded[1, :5] = np.nan
    results = []
    for setting in ("always", "never"):
        monkeypatch.setenv(_numpy_kernels.COMPILE_SETTING, setting)
        result = kernels.agreement_ci(coded, n_resamples=3_000, seed=8)
        results.append((result.low, result.high))
    assert results[0] == results[1]


def fresh_kernel():
    """A compiled function that no call has compiled yet."""

    @njit
    def kernel(x):
        return x

    return kernel


def test_small_calls_run_the_twin_until_the_kernel_is_hot(monkeypatch):
    monkeypatch.delenv(_numpy_kernels.COMPILE_SETTING, raising=False)
    kernel = fresh_kernel()
    step = _numpy_kernels.COMPILE_MIN_WORK - 1
    calls = 0
    while not _numpy_kernels.compiled(kernel, step):
        calls += 1
    # the twin runs until HOT_WORK draws are done, then the kernel for every call
    assert calls == -(-_numpy_kernels.HOT_WORK // step)
    assert _numpy_kernels.compiled(kernel, 1)


def test_large_calls_and_compiled_kernels_run_compiled(monkeypatch):
    monkeypatch.delenv(_numpy_kernels.COMPILE_SETTING, raising=False)
    kernel = fresh_kernel()
    assert _numpy_kernels.compiled(kernel, _numpy_kernels.COMPILE_MIN_WORK)
    assert not _numpy_kernels.compiled(kernel, 1)
    kernel(1)
    assert _numpy_kernels.compiled(kernel, 1)


def test_the_setting_overrides_the_choice_and_is_checked(monkeypatch):
    kernel = fresh_kernel()
    monkeypatch.setenv(_numpy_kernels.COMPILE_SETTING, "always")
    assert _numpy_kernels.compiled(kernel, 1)
    monkeypatch.setenv(_numpy_kernels.COMPILE_SETTING, "never")
    assert not _numpy_kernels.compiled(kernel, 10 * _numpy_kernels.COMPILE_MIN_WORK)
    monkeypatch.setenv(_numpy_kernels.COMPILE_SETTING, "yes")
    with pytest.raises(ValueError, match="KERNELS_COMPILE is 'yes'; expected one of auto"):
        _numpy_kernels.compiled(kernel, 1)


def test_an_empty_setting_chooses_as_an_unset_one(monkeypatch):
    """``KERNELS_COMPILE=`` (as a shell or a Makefile leaves it) is the default, not an error."""
    monkeypatch.setenv(_numpy_kernels.COMPILE_SETTING, "")
    kernel = fresh_kernel()
    assert _numpy_kernels.compile_setting() == "auto"
    assert not _numpy_kernels.compiled(kernel, 1)
    assert _numpy_kernels.compiled(kernel, _numpy_kernels.COMPILE_MIN_WORK)
