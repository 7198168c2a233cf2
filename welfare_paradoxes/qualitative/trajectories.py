"""Data behind F04 (the system pathway) and F05 (the three citizens' trajectories).

Both are transcribed from the thesis with the lines of every stage, transition, phase and event;
``data/trajectories/README.md`` gives the provenance. Nothing is dated that the thesis does not
date: events without a year are kept apart as such.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from welfare_paradoxes.engine.datafiles import read_text_csv
from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.qualitative.register import ExcerptRegister, RegisterError, _where
from welfare_paradoxes.qualitative.text import searchable
from welfare_paradoxes.thesis import parse_line_ranges

STAGES_FILE = Path("trajectories") / "pathway_stages.csv"
TRANSITIONS_FILE = Path("trajectories") / "pathway_transitions.csv"
TRAJECTORIES_FILE = Path("trajectories") / "citizen_trajectories.csv"

TRAJECTORY_KINDS = ("phase", "event", "interview")
TRAJECTORY_STATES = ("unemployed", "fleksjob")


def _read(data_dir: Path, relative: Path, integer_columns: tuple[str, ...] = ()) -> pl.DataFrame:
    path = data_dir / relative
    frame = read_text_csv(path).with_columns(pl.all().fill_null(""))
    line_count = searchable(data_dir).line_count
    for row, record in enumerate(frame.iter_rows(named=True), start=1):
        try:
            ranges = parse_line_ranges(record["thesis_lines"])
        except ValueError as error:
            raise RegisterError(
                f"{_where(path, row, 'thesis_lines', record['thesis_lines'])}: {error}"
            ) from error
        if max(last for _, last in ranges) > line_count:
            raise RegisterError(
                f"{_where(path, row, 'thesis_lines', record['thesis_lines'])}: the thesis has "
                f"{line_count} lines"
            )
        for column in integer_columns:
            value = record[column]
            if value and not value.isdigit():
                raise RegisterError(f"{_where(path, row, column, value)}: not a year")
    return frame.with_columns(
        [pl.col(column).replace("", None).cast(pl.Int64) for column in integer_columns]
    )


def pathway(data_dir: str | Path = DATA_DIR) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The stages and the transitions of the system pathway, checked against each other."""
    data_dir = Path(data_dir)
    stages = _read(data_dir, STAGES_FILE)
    transitions = _read(data_dir, TRANSITIONS_FILE)
    known = set(stages["stage"])
    path = data_dir / TRANSITIONS_FILE
    for row, record in enumerate(transitions.iter_rows(named=True), start=1):
        for column in ("from_stage", "to_stage"):
            if record[column] not in known:
                raise RegisterError(
                    f"{_where(path, row, column, record[column])}: not a stage of "
                    f"{data_dir / STAGES_FILE}"
                )
    return stages, transitions


def stage_mentions(register: ExcerptRegister, stages: pl.DataFrame) -> pl.DataFrame:
    """For each stage, the excerpts whose text names it (any of its ``quote_terms``)."""
    rows = []
    texts = list(zip(register.excerpts["excerpt_id"], register.excerpts["text"], strict=True))
    for record in stages.iter_rows(named=True):
        terms = [term.strip().lower() for term in record["quote_terms"].split(";") if term.strip()]
        ids = [
            excerpt_id for excerpt_id, text in texts if any(term in text.lower() for term in terms)
        ]
        rows.append({"stage": record["stage"], "excerpt_ids": ids, "quotes": len(ids)})
    return pl.DataFrame(
        rows,
        schema={"stage": pl.String, "excerpt_ids": pl.List(pl.String), "quotes": pl.Int64},
    )


def citizen_trajectories(data_dir: str | Path = DATA_DIR) -> pl.DataFrame:
    """Phases and events of the three interviewed citizens, with the time of the interviews."""
    data_dir = Path(data_dir)
    frame = _read(data_dir, TRAJECTORIES_FILE, integer_columns=("start_year", "end_year"))
    path = data_dir / TRAJECTORIES_FILE
    for row, record in enumerate(frame.iter_rows(named=True), start=1):
        if record["kind"] not in TRAJECTORY_KINDS:
            raise RegisterError(
                f"{_where(path, row, 'kind', record['kind'])}: expected one of {TRAJECTORY_KINDS}"
            )
        if record["kind"] == "phase":
            if record["state"] not in TRAJECTORY_STATES:
                raise RegisterError(
                    f"{_where(path, row, 'state', record['state'])}: expected one of "
                    f"{TRAJECTORY_STATES}"
                )
            if record["start_year"] is None:
                raise RegisterError(f"{_where(path, row, 'start_year', '')}: a phase needs a start")
    if frame.filter(pl.col("kind") == "interview").height != 1:
        raise RegisterError(f"{path}: needs exactly one row of kind 'interview'")
    return frame


def interview_year(trajectories: pl.DataFrame) -> int:
    return trajectories.filter(pl.col("kind") == "interview")["start_year"].item()
