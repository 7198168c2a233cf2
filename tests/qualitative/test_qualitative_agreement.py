"""The agreement table of two codings of the register, and the simulated coder's rule."""

import numpy as np
import pytest

import kernels
from welfare_paradoxes.qualitative import agreement, refi


@pytest.fixture(scope="module")
def thesis(register):
    return refi.register_codings(register)


def test_a_coder_who_keeps_every_code_agrees_perfectly(thesis, register):
    same = agreement.simulated_coder(thesis, register, seed=1, keep=1.0, extra=0.0)
    assert np.array_equal(same.presence[:, 0], same.presence[:, 1], equal_nan=True)
    table = agreement.agreement_table(same, register, 500, 1).frame
    pooled = table.filter(table["code"] == "all").row(0, named=True)
    assert pooled["alpha"] == 1.0 and pooled["low"] == pooled["high"] == 1.0


def test_the_simulated_coder_swaps_within_the_family_and_leaves_uncoded_excerpts(thesis, register):
    other = agreement.simulated_coder(thesis, register, seed=3, keep=0.0, extra=0.0)
    family = dict(zip(register.scheme["code"], register.scheme["family"], strict=True))
    first, second = other.presence[:, 0], other.presence[:, 1]
    assert np.array_equal(np.isnan(first), np.isnan(second))
    for unit in range(first.shape[1]):
        given = {family[other.codes[k]] for k in np.flatnonzero(first[:, unit] == 1)}
        swapped = {family[other.codes[k]] for k in np.flatnonzero(second[:, unit] == 1)}
        assert swapped <= given


def test_the_table_equals_the_kernels_on_each_code_and_on_the_pooled_decisions(
    thesis, register, tmp_path
):
    codings = agreement.simulated_coder(thesis, register, seed=5)
    # through a coding sheet, as a class would bring a second coding
    sheet = refi.write_coding_sheet(codings, tmp_path / "sheet.csv")
    codings = refi.read_coding_sheet(sheet, register)
    table = agreement.agreement_table(codings, register, 1000, 9).frame
    assert table.height == len(codings.codes) + 1
    for k in (0, 6, 9):
        row = table.row(k, named=True)
        alone = kernels.agreement_ci(codings.presence[k], n_resamples=1000, seed=9)
        assert row["code"] == codings.codes[k]
        assert row["alpha"] == pytest.approx(alone.estimate)
        both = ~np.isnan(codings.presence[k]).any(axis=0)
        kappa = kernels.cohen_kappa(codings.presence[k, 0, both], codings.presence[k, 1, both])
        assert row["kappa"] == pytest.approx(kappa)
    pooled = codings.presence.transpose(1, 0, 2).reshape(2, -1)
    last = table.row(-1, named=True)
    assert last["alpha"] == pytest.approx(kernels.krippendorff_alpha(pooled))


def test_one_coder_is_refused(thesis, register):
    with pytest.raises(ValueError, match="two coders"):
        agreement.agreement_table(thesis, register, 100, 1)
