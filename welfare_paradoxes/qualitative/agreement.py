"""How reliable is a coding? Agreement of two codings of the register, with intervals.

The thesis has one coder. To show what agreement statistics say at this size, the book
compares the thesis' coding with a *simulated* second coder (:func:`simulated_coder`), made by
a stated rule and called simulated wherever it appears; a class or a reviewer brings a real
second coding as a coding sheet or a .qdpx (``welfare_paradoxes.qualitative.refi``) and gets
the same table (:func:`agreement_table`).
"""

from __future__ import annotations

import numpy as np
import polars as pl

import kernels
from welfare_paradoxes.engine.artifacts import Table
from welfare_paradoxes.qualitative.refi import THESIS_CODER, Codings
from welfare_paradoxes.qualitative.register import ExcerptRegister

SIMULATED_CODER = "Simulated coder (invented for this example)"


def simulated_coder(
    codings: Codings, register: ExcerptRegister, seed: int, keep: float = 0.8, extra: float = 0.1
) -> Codings:
    """``codings`` (one coder) with a second, simulated coder added.

    The rule, per excerpt the first coder coded: each of its codes is kept with probability
    ``keep``, otherwise replaced by another code of the same theory family, chosen at random
    (dropped if the family has no other code); with probability ``extra`` one more code, drawn
    from the whole scheme, is added. Excerpts the first coder left uncoded stay uncoded.
    """
    if len(codings.coders) != 1:
        raise ValueError(f"expected one coder to simulate a second, got {codings.coders}")
    rng = np.random.default_rng(seed)
    first = codings.presence[:, 0, :]
    second = np.where(np.isnan(first), np.nan, 0.0)
    family_of = dict(zip(register.scheme["code"], register.scheme["family"], strict=True))
    families = {
        code: [k for k, other in enumerate(codings.codes) if family_of[other] == family_of[code]]
        for code in codings.codes
    }
    for unit in range(first.shape[1]):
        if np.isnan(first[:, unit]).all():
            continue
        for code in np.flatnonzero(first[:, unit] == 1.0):
            if rng.random() < keep:
                second[code, unit] = 1.0
                continue
            others = [k for k in families[codings.codes[code]] if k != code]
            if others:
                second[rng.choice(others), unit] = 1.0
        if rng.random() < extra:
            second[rng.integers(len(codings.codes)), unit] = 1.0
    presence = np.stack([first, second], axis=1)
    return Codings(codings.codes, (*codings.coders, SIMULATED_CODER), codings.units, presence, {})


def agreement_table(
    codings: Codings, register: ExcerptRegister, n_resamples: int, seed: int
) -> Table:
    """Per code (was it given to the excerpt?) Krippendorff's alpha with its units-bootstrap
    interval and, for two coders, Cohen's kappa; then the coding as a whole (every excerpt x
    code decision) with both bootstraps and Hayes' chance that alpha lies below 0.8."""
    if len(codings.coders) < 2:
        raise ValueError(f"agreement needs two coders or more, got {list(codings.coders)}")
    family_of = dict(zip(register.scheme["code"], register.scheme["family"], strict=True))
    label_of = dict(zip(register.scheme["code"], register.scheme["label"], strict=True))
    per_code = kernels.code_agreement(codings.presence, n_resamples=n_resamples, seed=seed)
    rows = []
    for k, code in enumerate(codings.codes):
        data = codings.presence[k]
        rows.append(
            {
                "code": code,
                "label": label_of[code],
                "family": family_of[code],
                "given": [int(np.nansum(data[c])) for c in range(len(codings.coders))],
                "alpha": float(per_code.alpha.estimate[k]),
                "low": float(per_code.alpha.low[k]),
                "high": float(per_code.alpha.high[k]),
                "kappa": None if per_code.kappa is None else float(per_code.kappa.estimate[k]),
            }
        )
    pooled = codings.presence.transpose(1, 0, 2).reshape(len(codings.coders), -1)
    by_units = kernels.agreement_ci(pooled, method="units", n_resamples=n_resamples, seed=seed)
    by_hayes = kernels.agreement_ci(pooled, method="hayes", n_resamples=n_resamples, seed=seed)
    rows.append(
        {
            "code": "all",
            "label": "All codes: every excerpt x code decision",
            "family": "",
            "given": [int(np.nansum(pooled[c])) for c in range(len(codings.coders))],
            "alpha": by_units.estimate,
            "low": by_units.low,
            "high": by_units.high,
            "kappa": None,
        }
    )
    frame = pl.DataFrame(rows).with_columns(
        pl.col("given").list.eval(pl.element().cast(pl.String)).list.join(" / ")
    )

    def two(value):
        return "–" if value is None or np.isnan(value) else f"{value:.2f}"

    shown = frame.select(
        pl.col("label"),
        pl.col("family"),
        pl.col("given"),
        pl.col("alpha").map_elements(two, return_dtype=pl.String),
        pl.struct("low", "high")
        .map_elements(lambda r: f"[{two(r['low'])}, {two(r['high'])}]", return_dtype=pl.String)
        .alias("interval"),
        pl.col("kappa").map_elements(two, return_dtype=pl.String, skip_nulls=False),
    )
    below = ", ".join(f"P(alpha < {m}) = {by_hayes.below[m]:.2f}" for m in (0.8, 0.667))
    return Table(
        id="agreement",
        title=f"Agreement of {' and '.join(codings.coders)}",
        frame=frame,
        shown=shown,
        sources=register.sources,
        labels={
            "label": "Code",
            "family": "Theory family",
            "given": "Excerpts given the code (" + " / ".join(codings.coders) + ")",
            "alpha": "Krippendorff's alpha",
            "interval": "95 % interval (excerpts resampled)",
            "kappa": "Cohen's kappa",
        },
        note=(
            f"Nominal alpha per code on whether each coder gave the excerpt the code; '–' where a "
            f"code was never or always given, so that no disagreement can be expected and alpha "
            f"is undefined. Interval: percentile, B = {n_resamples:,} resamples of the excerpts, "
            f"seed {seed}. For all codes together Hayes and Krippendorff's (2007) bootstrap of "
            f"pairs gives [{two(by_hayes.low)}, {two(by_hayes.high)}] from {by_hayes.draws} "
            f"pairs per replicate; {below}."
        ),
    )


def thesis_and_simulated(register: ExcerptRegister, seed: int) -> Codings:
    """The thesis' coding and the simulated second coder (see :func:`simulated_coder`)."""
    from welfare_paradoxes.qualitative.refi import register_codings

    return simulated_coder(register_codings(register), register, seed)


__all__ = [
    "SIMULATED_CODER",
    "THESIS_CODER",
    "agreement_table",
    "simulated_coder",
    "thesis_and_simulated",
]


def pooled_summary(table: Table) -> str:
    """The pooled row of an ``agreement_table``: alpha and its interval, for prose."""
    row = table.frame.filter(pl.col("code") == "all").row(0, named=True)
    return f"{row['alpha']:.2f} [{row['low']:.2f}, {row['high']:.2f}]"
