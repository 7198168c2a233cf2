"""Reading the project's CSV data files: one reader, the same checks and messages everywhere."""

from __future__ import annotations

from pathlib import Path

import polars as pl


def read_text_csv(path: str | Path, required: tuple[str, ...] = ()) -> pl.DataFrame:
    """Read a data CSV with every column as text, exactly as written (empty cells are null).

    Raises FileNotFoundError when the file is missing, and ValueError when it is unreadable or
    lacks a ``required`` column, each naming the file. Typed reading (integers, amounts) is left
    to the caller, which knows what the column means.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: file not found")
    try:
        frame = pl.read_csv(path, infer_schema_length=0, encoding="utf8")
    except pl.exceptions.PolarsError as error:
        raise ValueError(f"{path}: not a readable CSV file: {error}") from None
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; expected {list(required)}")
    return frame
