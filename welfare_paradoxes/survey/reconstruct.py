"""Write the reconstructed survey exports from the codebooks and the quoted answers.

Run ``python -m welfare_paradoxes.survey.reconstruct`` to rebuild data/surveys/citizens.csv,
frontline.csv and provenance.yml; the output is byte-identical on every run.

What is reconstructed, and how:

* Each binary item has exactly the reported number of "Ja" answers, and each multi-select
  option is chosen by exactly the reported number of rows. Which rows these are is a fixed
  pseudo-random permutation per item (per option): rows 1..n sorted by the SHA-256 hex digest
  of ``"<seed>:<survey>:<variable>:<value>:<row>"``; the first k rows answer "Ja" (choose the
  option). Independent permutations imply no association between items.
* Free-text cells hold the answers the thesis quotes, in row N for "Borger N" /
  "Frontlinjeaktør N" (data/surveys/quotes.yml); every other free-text cell is empty.
* Timestamps are placeholders: the thesis gives no collection period, so row N is submitted
  at ``start + (N - 1)`` hours, only to keep the participation order the numbers follow.
* Contact columns are empty. Nothing else (age, gender, durations, fatigue) is invented.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from .codebook import SHIPPED_DIR, SURVEYS, Codebook, Column, load_codebook

SEED = 20250841
START = {"citizens": datetime(2025, 3, 3, 10, 0, 0), "frontline": datetime(2025, 3, 10, 10, 0, 0)}
STEP = timedelta(hours=1)
TIME_ZONE = "GMT+1"  # Danish winter time, which the placeholder dates fall in
PARAGRAPH = "\n\n"


def permutation(survey: str, variable: str, value: str, n: int) -> list[int]:
    """Rows 1..n in the documented pseudo-random order of one item (or option)."""

    def key(row: int) -> str:
        return hashlib.sha256(f"{SEED}:{survey}:{variable}:{value}:{row}".encode()).hexdigest()

    return sorted(range(1, n + 1), key=key)


def chosen_rows(survey: str, column: Column, value: str, n: int) -> set[int]:
    (reported,) = [r for r in column.reported if r.value == value]
    if reported.n != n:
        raise ValueError(f"{column.variable}: reported n {reported.n} is not the survey's {n}")
    return set(permutation(survey, column.variable, value, n)[: reported.k])


def forms_timestamp(moment: datetime) -> str:
    """The Google Forms download format, e.g. '2025/03/03 9:00:00 AM GMT+1'."""
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return f"{moment:%Y/%m/%d} {hour}:{moment:%M:%S} {half} {TIME_ZONE}"


def load_quotes(directory: Path = SHIPPED_DIR) -> dict:
    return yaml.safe_load((directory / "quotes.yml").read_text(encoding="utf-8"))


def reconstruct_rows(codebook: Codebook, quotes: list[dict]) -> list[list[str]]:
    survey, n = codebook.survey, codebook.n_reported
    cells: dict[str, list[str]] = {}
    for column in codebook.columns:
        if column.type == "timestamp":
            cells[column.variable] = [forms_timestamp(START[survey] + STEP * i) for i in range(n)]
        elif column.type == "binary":
            yes, no = column.values
            ja = chosen_rows(survey, column, yes, n)
            cells[column.variable] = [yes if row in ja else no for row in range(1, n + 1)]
        elif column.type == "multi_select":
            chosen = {v: chosen_rows(survey, column, v, n) for v in column.values}
            cells[column.variable] = [
                ", ".join(v for v in column.values if row in chosen[v]) for row in range(1, n + 1)
            ]
        elif column.type in ("free_text", "contact"):
            cells[column.variable] = [
                PARAGRAPH.join(
                    " ".join(q["text"].split())
                    for q in quotes
                    if q["variable"] == column.variable and q["row"] == row
                )
                for row in range(1, n + 1)
            ]
        else:
            raise ValueError(f"{column.variable}: no reconstruction rule for {column.type}")
    return [[cells[c.variable][i] for c in codebook.columns] for i in range(n)]


def export_text(codebook: Codebook, rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in codebook.columns])
    writer.writerows(rows)
    return buffer.getvalue()


def reconstruct(out_dir: Path = SHIPPED_DIR, source_dir: Path = SHIPPED_DIR) -> list[Path]:
    """Write both exports and provenance.yml into ``out_dir``; return the written paths."""
    quotes = load_quotes(source_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written, entries = [], {}
    for survey in SURVEYS:
        codebook = load_codebook(survey, source_dir)
        data = export_text(codebook, reconstruct_rows(codebook, quotes[survey])).encode("utf-8")
        path = out_dir / f"{survey}.csv"
        path.write_bytes(data)
        written.append(path)
        entries[survey] = {
            "file": path.name,
            "codebook": codebook.path.name,
            "quotes": "quotes.yml",
            "rows": codebook.n_reported,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    marker = {
        "status": "reconstructed",
        "seed": SEED,
        "permutation": "rows 1..n sorted by sha256('<seed>:<survey>:<variable>:<value>:<row>')"
        " hex digest; the first k rows (k reported by the thesis) answer Ja / choose the option",
        "timestamps": "placeholders: row N at start + (N - 1) hours, Forms download format",
        "timestamp_start": {s: START[s].isoformat(sep=" ") for s in SURVEYS},
        "generator": "python -m welfare_paradoxes.survey.reconstruct",
        "surveys": entries,
    }
    header = (
        "# Machine-readable provenance of the survey exports in this folder, read by the loader:\n"
        "# the files listed here are reconstructions, not real answers. Generated by\n"
        "# `python -m welfare_paradoxes.survey.reconstruct`; do not edit by hand.\n"
    )
    path = out_dir / "provenance.yml"
    body = yaml.safe_dump(marker, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + body, encoding="utf-8")
    return [*written, path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SHIPPED_DIR, help="folder to write into")
    args = parser.parse_args(argv)
    for path in reconstruct(args.out):
        print(f"wrote {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
