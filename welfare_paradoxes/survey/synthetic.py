"""A SYNTHETIC respondent-level citizen survey for teaching joint analyses: never the thesis' data.

Run ``python -m welfare_paradoxes.survey.synthetic`` to rebuild
data/synthetic/citizens_synthetic.csv and data/synthetic/provenance.yml; the output is
byte-identical on every run for a seed (``--seed``, default ``SEED``), on any platform: every
random number is derived from SHA-256, not from a library's generator.

The shipped reconstruction (data/surveys) matches the thesis' counts item by item, but its rows
are independent permutations, so the book refuses every analysis that joins two items. This
module builds another file with the same codebook and the same marginal counts whose rows carry
an *invented* joint structure, so that cross-tables, joint analyses and small-cell suppression
can be practised on it. Its associations are the model's, not the respondents'.

The model (one latent factor, thresholds fixed by the reported counts)
----------------------------------------------------------------------

For synthetic respondent ``i = 1..n`` (``n = 39``, the codebook's ``n_reported``)::

    Z_i      = Phi^-1(U(seed, "strain", i))                       latent "strain", N(0, 1)
    e_ij     = Phi^-1(U(seed, "<variable>=<value>", i))           item noise, N(0, 1)
    Y*_ij    = lambda_j * Z_i + sqrt(1 - lambda_j^2) * e_ij       N(0, 1), corr(Y*_j, Y*_l) =
                                                                  lambda_j * lambda_l
    Y_ij     = 1 ("Ja" / option chosen)  iff  Y*_ij > tau_j

where ``j`` runs over the binary items and each option of the multi-select item, ``Phi^-1`` is
the standard normal quantile function (``statistics.NormalDist().inv_cdf``) and
``U(seed, name, i) = (int(h[:13], 16) + 0.5) / 16**13`` with ``h`` the SHA-256 hex digest of
``"<seed>:synthetic:<survey>:<name>:<i>"``. The threshold ``tau_j`` is the midpoint between the
``k_j``-th and ``(k_j + 1)``-th largest ``Y*_ij``, with ``k_j`` the count the thesis reports
(the codebook's ``reported`` ``k``), so exactly ``k_j`` respondents answer "Ja" (choose the
option): every reported marginal is met exactly, by construction (ties, which have probability
zero, go to the lower row number). For a binary item the reported count is of "Ja"; "Nej" is
``n - k``.

The loadings ``lambda_j`` (``LOADINGS``) are chosen for teaching, not estimated: the thesis
reports no joint counts. Symptoms load most (0.5 to 0.7), experiences of the system less
(0.3 to 0.5), so items correlate positively and plausibly, more within the symptoms.

What else is in the file
------------------------

* **Marker**: every row's ``other_comments`` cell reads ``"SYNTETISK S01: ..."`` (S01..S39,
  ``MARKER``), and every submission time is a placeholder of a fixed synthetic form: row ``N``
  at 2000-01-01 00:00 + (N - 1) minutes (``START``, ``STEP``), in the Forms download format.
  The loader recognises a synthetic export by either marker (in at least half of its rows)
  or by ``status: synthetic`` in the folder's ``provenance.yml``, and ``load_survey`` (what the
  thesis' chapters call) refuses it; ``load_synthetic`` reads it for teaching.
* **No quotes**: the written answers the thesis quotes belong to real participants and are not
  attached to synthetic rows; the other free-text and the contact columns are empty.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

import yaml

from .codebook import Codebook, Column, load_codebook
from .reconstruct import forms_timestamp
from .synthetic_marker import (
    FILES,
    GENERATOR,
    MARKER,
    MARKER_COLUMN,
    MARKER_TEXT,
    START,
    STEP,
    SYNTHETIC_DIR,
)

SEED = 20251118
# Loading of each binary item ("Ja") and each option of the multi-select item on the latent
# strain factor.
LOADINGS: dict[str, dict[tuple[str, str], float]] = {
    "citizens": {
        ("symptoms", "Angst"): 0.7,
        ("symptoms", "Søvnproblemer"): 0.6,
        ("symptoms", "Problemer med hukommelsen"): 0.6,
        ("symptoms", "Hjertebanken"): 0.5,
        ("system_help_lacking", "Ja"): 0.5,
        ("changing_caseworkers", "Ja"): 0.4,
        ("postponed_sick_leave", "Ja"): 0.3,
    }
}
_NORMAL = NormalDist()
_DIGITS = 13  # 52 bits: every uniform is an exact double strictly inside (0, 1)


def uniform(seed: int, survey: str, name: str, row: int) -> float:
    """The documented pseudo-random uniform of one respondent and one name (item or factor)."""
    digest = hashlib.sha256(f"{seed}:synthetic:{survey}:{name}:{row}".encode()).hexdigest()
    return (int(digest[:_DIGITS], 16) + 0.5) / 16**_DIGITS


def normal(seed: int, survey: str, name: str, row: int) -> float:
    """A standard normal draw: the normal quantile of ``uniform``."""
    return _NORMAL.inv_cdf(uniform(seed, survey, name, row))


def respondent_id(row: int) -> str:
    return f"S{row:02d}"


@dataclass(frozen=True)
class Item:
    """One binary item's "Ja", or one option of a multi-select item, as the model sees it."""

    variable: str
    value: str
    loading: float
    k: int  # the count the thesis reports
    threshold: float
    chosen: frozenset[int]  # rows 1..n

    @property
    def name(self) -> str:
        return f"{self.variable}={self.value}"


def strain(seed: int, survey: str, n: int) -> list[float]:
    """The latent factor Z_1..Z_n."""
    return [normal(seed, survey, "strain", row) for row in range(1, n + 1)]


def model_items(codebook: Codebook, seed: int = SEED) -> list[Item]:
    """Every modelled item of the codebook with its loading, reported count, threshold and the
    rows that answer "Ja" (choose the option)."""
    survey, n = codebook.survey, codebook.n_reported
    loadings = LOADINGS.get(survey)
    if loadings is None:
        raise ValueError(f"no synthetic model for the {survey} survey")
    factor = strain(seed, survey, n)
    items = []
    for column in codebook.columns:
        if column.type not in ("binary", "multi_select"):
            if column.type == "single_choice":
                raise ValueError(f"{column.variable}: no synthetic rule for single_choice")
            continue
        values = column.values[:1] if column.type == "binary" else column.values
        for value in values:
            items.append(_item(survey, seed, column, value, loadings, factor, n))
    unused = set(loadings) - {(item.variable, item.value) for item in items}
    if unused:
        raise ValueError(f"loadings for items the codebook lacks: {sorted(unused)}")
    return items


def _item(
    survey: str,
    seed: int,
    column: Column,
    value: str,
    loadings: dict[tuple[str, str], float],
    factor: list[float],
    n: int,
) -> Item:
    key = (column.variable, value)
    if key not in loadings:
        raise ValueError(f"{column.variable}={value}: no loading in LOADINGS[{survey!r}]")
    reported = [r for r in column.reported if r.value == value]
    if len(reported) != 1 or reported[0].n != n:
        raise ValueError(f"{column.variable}={value}: needs one reported count of n = {n}")
    k, loading = reported[0].k, loadings[key]
    if not 0 < k < n or not 0 <= loading < 1:
        raise ValueError(f"{column.variable}={value}: k = {k}, loading = {loading}")
    noise, name = math.sqrt(1 - loading**2), f"{column.variable}={value}"
    latent = {
        row: loading * factor[row - 1] + noise * normal(seed, survey, name, row)
        for row in range(1, n + 1)
    }
    ranked = sorted(latent, key=lambda row: (-latent[row], row))
    threshold = (latent[ranked[k - 1]] + latent[ranked[k]]) / 2
    return Item(column.variable, value, loading, k, threshold, frozenset(ranked[:k]))


def synthetic_rows(codebook: Codebook, seed: int = SEED) -> list[list[str]]:
    """The export's rows, cells in codebook column order."""
    if MARKER_COLUMN not in {c.variable for c in codebook.columns}:
        raise ValueError(f"the {codebook.survey} codebook has no {MARKER_COLUMN} column")
    n = codebook.n_reported
    chosen = {(item.variable, item.value): item.chosen for item in model_items(codebook, seed)}
    rows = []
    for row in range(1, n + 1):
        cells = []
        for column in codebook.columns:
            if column.type == "timestamp":
                cells.append(forms_timestamp(START + STEP * (row - 1)))
            elif column.type == "binary":
                yes, no = column.values
                cells.append(yes if row in chosen[(column.variable, yes)] else no)
            elif column.type == "multi_select":
                picked = [v for v in column.values if row in chosen[(column.variable, v)]]
                cells.append(", ".join(picked))
            elif column.variable == MARKER_COLUMN:
                cells.append(MARKER_TEXT.format(marker=MARKER, id=respondent_id(row)))
            else:  # other free text, contact details
                cells.append("")
        rows.append(cells)
    return rows


def synthetic_text(survey: str = "citizens", seed: int = SEED) -> str:
    """The synthetic export of ``survey`` as CSV text (Forms layout, ``\\n`` line ends)."""
    codebook = load_codebook(survey)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in codebook.columns])
    writer.writerows(synthetic_rows(codebook, seed))
    return buffer.getvalue()


def provenance_text(survey: str, seed: int, sha256: str) -> str:
    """The folder's provenance.yml: the marker the loader reads, and the model's parameters."""
    codebook = load_codebook(survey)
    items = model_items(codebook, seed)
    marker = {
        "status": "synthetic",
        "note": "SYNTHETIC data for teaching joint analyses; never the thesis' data. Each item "
        "matches the thesis' reported count; the joint structure is invented by the model.",
        "generator": f"{GENERATOR} --seed {seed}",
        "seed": seed,
        "model": "one latent factor: Y*_ij = loading_j * Z_i + sqrt(1 - loading_j^2) * e_ij, "
        "Z_i and e_ij standard normal (normal quantile of a SHA-256 uniform of "
        "'<seed>:synthetic:<survey>:<name>:<row>'); Ja iff Y*_ij > threshold_j, the midpoint "
        "between the k-th and (k+1)-th largest Y*_ij, k the reported count",
        "markers": {
            "timestamps": f"row N at {START.isoformat(sep=' ')} + (N - 1) minutes",
            MARKER_COLUMN: MARKER_TEXT.format(marker=MARKER, id="S<NN>"),
        },
        "items": [
            {
                "item": item.name,
                "loading": item.loading,
                "k": item.k,
                "n": codebook.n_reported,
                "threshold": round(item.threshold, 6),
            }
            for item in items
        ],
        "surveys": {
            survey: {
                "file": FILES[survey],
                "codebook": codebook.path.name,
                "rows": codebook.n_reported,
                "sha256": sha256,
            }
        },
    }
    header = (
        "# SYNTHETIC data for teaching, not the thesis' data. Read by the loader: the files\n"
        "# listed here are synthetic. Generated by\n"
        f"# `{GENERATOR}`; do not edit by hand.\n"
    )
    return header + yaml.safe_dump(marker, sort_keys=False, allow_unicode=True, width=100)


def generate(out_dir: Path = SYNTHETIC_DIR, seed: int = SEED) -> list[Path]:
    """Write the synthetic citizen export and its provenance.yml into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = synthetic_text("citizens", seed).encode("utf-8")
    path = out_dir / FILES["citizens"]
    path.write_bytes(data)
    marker = out_dir / "provenance.yml"
    text = provenance_text("citizens", seed, hashlib.sha256(data).hexdigest())
    marker.write_text(text, encoding="utf-8")
    return [path, marker]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SYNTHETIC_DIR, help="folder to write into")
    parser.add_argument("--seed", type=int, default=SEED, help=f"default {SEED}")
    args = parser.parse_args(argv)
    for path in generate(args.out, args.seed):
        print(f"wrote {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
