"""Per-item counts for the interval kernels, and the guarded cross-table for raw data (and for
the synthetic teaching data, labelled synthetic)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from .codebook import Column
from .load import SurveyData
from .problems import ReconstructedDataError

DEFAULT_SUPPRESSION_THRESHOLD = 3
CHOICE_TYPES = ("binary", "single_choice", "multi_select")


SYNTHETIC_LABEL = "SYNTHETIC data for teaching, not the thesis' data"


def require_raw(data: SurveyData, purpose: str) -> None:
    """Refuse an analysis that joins items when the rows are not real respondents."""
    if data.synthetic:
        raise ReconstructedDataError(
            f"{purpose} needs the real {data.survey} survey export: {data.provenance.source} is "
            "a synthetic data set for teaching, whose joint structure is invented."
        )
    if data.reconstructed:
        raise ReconstructedDataError(
            f"{purpose} needs the real {data.survey} survey export: it joins answers within "
            f"respondents, but {data.provenance.source} is a reconstruction whose rows are "
            "not people (each item's answers are an independent permutation that only "
            "matches the thesis' counts). Build with the raw exports: "
            "make book DATA_DIR=<folder with the Google Forms exports>."
        )
    if not data.raw:
        raise ReconstructedDataError(
            f"{purpose} needs an export declared raw: {data.provenance.source} is not the "
            "reconstruction, but no provenance.yml beside it says 'status: raw'."
        )


def require_joint(data: SurveyData, purpose: str) -> None:
    """Admit an analysis that joins items on raw data, or on synthetic data (for teaching, its
    results labelled synthetic); refuse it otherwise, as ``require_raw`` does."""
    if not data.synthetic:
        require_raw(data, purpose)


def indicator(data: SurveyData, variable: str, value: str | None = None) -> pl.Series:
    """True where a respondent gave ``value`` (the first category, "Ja", by default)."""
    column = data.codebook.column(variable)
    if column.type not in CHOICE_TYPES:
        raise ValueError(f"{variable} is a {column.type} item; counts need a choice item")
    value = column.values[0] if value is None else value
    if value not in column.values:
        raise ValueError(f"{value!r} is not a category of {variable}: {column.values}")
    series = data.frame.get_column(variable)
    if column.type == "multi_select":
        return series.list.contains(value).alias(f"{variable}={value}")
    if column.type == "binary":
        return (series == (value == column.values[0])).alias(f"{variable}={value}")
    return (series.cast(pl.String) == value).alias(f"{variable}={value}")


def item_counts(data: SurveyData, variable: str, value: str | None = None) -> tuple[int, int]:
    """(k, n): respondents giving ``value`` and respondents who answered the item.

    A multi-select item counts every respondent, since an empty cell means "none chosen".
    """
    hits = indicator(data, variable, value)
    return int(hits.sum()), int(hits.is_not_null().sum())


def count_table(data: SurveyData) -> pl.DataFrame:
    """Every category of every choice item: k, n and, where the thesis reports it, its figures."""
    records = []
    for column in data.codebook.columns:
        if column.type not in CHOICE_TYPES or column.personal:
            continue
        reported = {r.value: r for r in column.reported}
        for category in column.categories:
            k, n = item_counts(data, column.variable, category.value)
            r = reported.get(category.value)
            records.append(
                {
                    "variable": column.variable,
                    "value": category.value,
                    "label_da": column.label_da,
                    "label_en": column.label_en,
                    "value_en": category.label_en,
                    "k": k,
                    "n": n,
                    "reported_k": None if r is None else r.k,
                    "reported_n": None if r is None else r.n,
                    "claim": None if r is None else r.claim,
                    "thesis_lines": None if r is None else r.lines,
                }
            )
    return pl.DataFrame(records, schema_overrides={"reported_k": pl.Int64, "reported_n": pl.Int64})


@dataclass(frozen=True)
class CrossTable:
    """Counts of one item against another; suppressed cells are null."""

    counts: pl.DataFrame
    suppressed: tuple[tuple[str, str], ...]  # (row category, column category)
    threshold: int
    status: str = "raw"  # the data's provenance status: "raw" or "synthetic"

    @property
    def synthetic(self) -> bool:
        return self.status == "synthetic"

    @property
    def label(self) -> str:
        """What the counts are: ``SYNTHETIC_LABEL`` on synthetic data, else empty."""
        return SYNTHETIC_LABEL if self.synthetic else ""


def crosstab(
    data: SurveyData,
    row: str,
    column: str,
    threshold: int = DEFAULT_SUPPRESSION_THRESHOLD,
) -> CrossTable:
    """Cross-table of two choice items on raw (or synthetic) data, with small cells suppressed.

    Cells with 1 to ``threshold - 1`` respondents are hidden, and so is the next smallest
    cell of any row or column left with a single hidden cell, which its margin (published
    elsewhere as a per-item count) would otherwise reveal. No margins are shown. On synthetic
    data the result's ``status`` is ``"synthetic"`` (see ``CrossTable.label``).
    """
    require_joint(data, f"A cross-table of {row} by {column}")
    row_item, column_item = data.codebook.column(row), data.codebook.column(column)
    grid = [
        [_joint_count(data, row_item, r, column_item, c) for c in column_item.values]
        for r in row_item.values
    ]
    hidden = _suppress(grid, threshold)
    counts = pl.DataFrame(
        {
            row: list(row_item.values),
            **{
                c: [None if (i, j) in hidden else grid[i][j] for i in range(len(grid))]
                for j, c in enumerate(column_item.values)
            },
        },
        schema_overrides={c: pl.Int64 for c in column_item.values},
    )
    suppressed = tuple((row_item.values[i], column_item.values[j]) for i, j in sorted(hidden))
    return CrossTable(counts, suppressed, threshold, data.provenance.status)


def _joint_count(data: SurveyData, row: Column, r: str, column: Column, c: str) -> int:
    both = indicator(data, row.variable, r) & indicator(data, column.variable, c)
    return int(both.sum())


def _suppress(grid: list[list[int]], threshold: int) -> set[tuple[int, int]]:
    cells = {(i, j) for i, line in enumerate(grid) for j, _ in enumerate(line)}
    hidden = {(i, j) for i, j in cells if 0 < grid[i][j] < threshold}
    lines = [{(i, j) for j in range(len(grid[i]))} for i in range(len(grid))]
    lines += [{(i, j) for i in range(len(grid))} for j in range(len(grid[0]) if grid else 0)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if len(line & hidden) == 1 and len(line) > 1:
                visible = sorted(line - hidden, key=lambda cell: (grid[cell[0]][cell[1]], cell))
                hidden.add(visible[0])
                changed = True
    return hidden
