"""What a chapter produces: tables and figures with stable SPEC ids and their sources."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

_SPEC_ID = re.compile(r"[TFJ]\d{2}")


def check_spec_id(artifact_id: str) -> str:
    """Return ``artifact_id`` if it has the SPEC form (T01, F03, J02), else raise ValueError."""
    if not _SPEC_ID.fullmatch(artifact_id):
        raise ValueError(
            f"artifact id {artifact_id!r} is not a SPEC id (a letter T, F or J and two digits)"
        )
    return artifact_id


@dataclass(frozen=True)
class Table:
    """A table artifact: machine-readable columns, human labels, and the data files it read."""

    id: str
    title: str
    frame: pl.DataFrame
    sources: tuple[Path, ...]
    labels: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        check_spec_id(self.id)
        unknown = sorted(set(self.labels) - set(self.frame.columns))
        if unknown:
            raise ValueError(f"{self.id}: labels given for columns it does not have: {unknown}")

    def label(self, column: str) -> str:
        """Return the heading shown on a page for ``column``."""
        return self.labels.get(column, column.replace("_", " ").capitalize())
