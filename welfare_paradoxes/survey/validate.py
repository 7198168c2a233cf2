"""Check a Google Forms export against its codebook: ``make validate DATA=... SURVEY=...``
for the thesis' surveys, ``make validate DATA=... CODEBOOK=...`` for any other (a class's own).

Exit 0 with a per-variable summary on stdout, or 1 with every problem on stderr (file, row,
column, value, expected). Writes nothing. Personal columns are named, never shown.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from .analysis import item_counts
from .codebook import SURVEYS, CodebookError
from .load import SurveyData, folder_mapping, load_export, load_with_codebook
from .problems import SurveyError


def summary(data: SurveyData) -> str:
    frame, provenance = data.frame, data.provenance
    lines = [
        f"{provenance.source}: {frame.height} rows, {data.survey} survey, "
        f"{provenance.status} (sha256 {provenance.sha256})",
    ]
    if provenance.mapping:
        lines.append(f"headers mapped by {provenance.mapping}")
    if provenance.skipped_columns:
        lines.append(f"skipped by the mapping file: {', '.join(provenance.skipped_columns)}")
    width = max(len(c.variable) for c in data.codebook.columns)
    for column in data.codebook.columns:
        lines.append(f"  {column.variable:<{width}}  {column.type:<13}  {_describe(data, column)}")
    return "\n".join(lines)


def _describe(data: SurveyData, column) -> str:
    if column.personal:
        return "personal data: dropped at load"
    series = data.frame.get_column(column.variable)
    if column.type == "timestamp":
        return f"{series.min()} to {series.max()}"
    if column.type in ("binary", "single_choice", "multi_select"):
        parts = []
        for value in column.values:
            k, n = item_counts(data, column.variable, value)
            parts.append(f"{value} {k}/{n}")
        if column.other:
            other = data.frame.get_column(column.other_variable).drop_nulls().len()
            parts.append(f"other text {other}")
        return ", ".join(parts)
    if column.type == "number":
        return f"{series.drop_nulls().len()} answered, mean {series.mean():.3g}"
    return f"{series.drop_nulls().len()} answered"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m welfare_paradoxes.survey.validate", description=__doc__.splitlines()[0]
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--survey", choices=SURVEYS, help="one of the thesis' surveys")
    which.add_argument("--codebook", type=Path, help="a codebook file (e.g. from make codebook)")
    parser.add_argument(
        "--mapping",
        type=Path,
        help="YAML file mapping reworded headers (default: mapping.yml beside the export)",
    )
    parser.add_argument("path", type=Path, help="the export (.csv or .xlsx)")
    args = parser.parse_args(argv)
    try:
        mapping = args.mapping or folder_mapping(args.path.parent)
        if args.codebook is not None:
            data = load_with_codebook(args.path, args.codebook, mapping)
        else:
            data = load_export(args.path, args.survey, mapping)
    except (SurveyError, CodebookError) as error:
        print(error, file=sys.stderr)
        return 1
    with pl.Config(tbl_rows=-1):
        print(summary(data))
    for warning in data.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
