"""What a chapter produces: tables and figures with stable SPEC ids and their sources."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

_SPEC_ID = re.compile(r"[TFJX]\d{2}")


def is_spec_id(artifact_id: str) -> bool:
    """True for ids of the book's specification (T01, F03, J02) and its exchange files (X01)."""
    return _SPEC_ID.fullmatch(artifact_id) is not None


def check_spec_id(artifact_id: str) -> str:
    """Return ``artifact_id`` if it has the SPEC form (T01, F03, J02), else raise ValueError."""
    if not is_spec_id(artifact_id):
        raise ValueError(
            f"artifact id {artifact_id!r} is not a SPEC id (a letter T, F, J or X and two digits)"
        )
    return artifact_id


@dataclass(frozen=True)
class Table:
    """A table: machine-readable columns, human labels, and the data files it read.

    ``id`` is the SPEC id (T01 ...) of an exported table, or a short name for a table a page
    only shows.

    ``frame`` is what the CSV holds (full-precision numbers). ``shown``, when given, is the
    same table formatted for people (percentages with one decimal, intervals in brackets),
    one row per row of ``frame``; the page shows it instead.

    ``compute`` says how result columns were computed, keyed by a column or a column prefix
    (``mc_bca`` covers ``mc_bca_low`` and ``mc_bca_high``): ``exact``, ``analytic`` or
    ``monte_carlo (B = ..., seed ...)``. ``monte_carlo_error``, for the Monte Carlo columns,
    holds how far each value can move with the seed (``kernels.monte_carlo_error``), one row
    per row of ``frame``; a rerun is checked against it.
    """

    id: str
    title: str
    frame: pl.DataFrame
    sources: tuple[Path, ...]
    labels: dict[str, str] = field(default_factory=dict)
    note: str = ""
    shown: pl.DataFrame | None = None
    compute: dict[str, str] = field(default_factory=dict)  # how each result column was computed
    monte_carlo_error: pl.DataFrame | None = None

    def __post_init__(self) -> None:
        if self.shown is not None and self.shown.height != self.frame.height:
            raise ValueError(
                f"{self.id}: the shown table has {self.shown.height} rows, the data "
                f"{self.frame.height}"
            )
        if self.monte_carlo_error is not None:
            if self.monte_carlo_error.height != self.frame.height:
                raise ValueError(f"{self.id}: Monte Carlo errors for another number of rows")
            stray = sorted(set(self.monte_carlo_error.columns) - set(self.frame.columns))
            if stray:
                raise ValueError(f"{self.id}: Monte Carlo errors for columns it lacks: {stray}")
        columns = set(self.frame.columns) | set(() if self.shown is None else self.shown.columns)
        unknown = sorted(set(self.labels) - columns)
        if unknown:
            raise ValueError(f"{self.id}: labels given for columns it does not have: {unknown}")

    @property
    def page_frame(self) -> pl.DataFrame:
        """The frame a page shows: the formatted one when there is one."""
        return self.frame if self.shown is None else self.shown

    def label(self, column: str) -> str:
        """Return the heading shown on a page for ``column``."""
        return self.labels.get(column, column.replace("_", " ").capitalize())
