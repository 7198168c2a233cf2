"""The class coding activity: seven register quotes with the book's English translations,
a coding sheet for the students, and their codings set beside the thesis' own."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import polars as pl

from welfare_paradoxes.engine.artifacts import Table
from welfare_paradoxes.engine.datafiles import read_text_csv
from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.qualitative.agreement import simulated_coder
from welfare_paradoxes.qualitative.refi import (
    SHEET_COLUMNS,
    Codings,
    read_coding_sheet,
    read_qdpx,
    register_codings,
)
from welfare_paradoxes.qualitative.register import ExcerptRegister

ACTIVITY_FILE = Path("teaching") / "coding_excerpts.csv"


def activity_excerpts(register: ExcerptRegister, data_dir: str | Path = DATA_DIR) -> pl.DataFrame:
    """The activity's quotes: id, speaker, source, the thesis' Danish text, the book's English."""
    chosen = read_text_csv(Path(data_dir) / ACTIVITY_FILE, ("excerpt_id", "text_en"))
    unknown = sorted(set(chosen["excerpt_id"]) - set(register.excerpts["excerpt_id"]))
    if unknown:
        raise ValueError(f"{ACTIVITY_FILE}: excerpts not in the register: {unknown}")
    return chosen.join(
        register.excerpts.select("excerpt_id", "speaker", "source", "text"), on="excerpt_id"
    ).select("excerpt_id", "speaker", "source", "text", "text_en")


def coding_sheet_template(excerpt_ids, coder: str) -> str:
    """An empty coding sheet (the format ``refi.read_coding_sheet`` reads) for one coder."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SHEET_COLUMNS)
    writer.writerows([excerpt_id, coder, ""] for excerpt_id in excerpt_ids)
    return buffer.getvalue()


def with_thesis(students: Codings, register: ExcerptRegister, excerpt_ids) -> Codings:
    """The thesis' coding and the students' on the activity's excerpts only, keeping the codes
    someone gave there: ready for ``qualitative.agreement.agreement_table``."""
    thesis = register_codings(register)
    units = [students.units.index(excerpt_id) for excerpt_id in excerpt_ids]
    presence = np.concatenate(
        [thesis.presence[:, :, units], students.presence[:, :, units]], axis=1
    )
    used = np.flatnonzero(np.nansum(presence, axis=(1, 2)) > 0)
    return Codings(
        tuple(thesis.codes[k] for k in used),
        (*thesis.coders, *students.coders),
        tuple(excerpt_ids),
        presence[used],
        {},
    )


def quotes_table(quotes: pl.DataFrame, register: ExcerptRegister) -> Table:
    """The activity's quotes for the page: who, where, the Danish and the book's English."""
    return Table(
        id="coding-activity",
        title="Seven quotes to code",
        frame=quotes,
        sources=(*register.sources, DATA_DIR / ACTIVITY_FILE),
        labels={
            "excerpt_id": "Excerpt",
            "speaker": "Speaker",
            "source": "Source",
            "text": "Quote (Danish, as printed)",
            "text_en": "English (the book's translation)",
        },
        note="The translations are the book's, made for class; the quotes are the thesis'.",
    )


def simulated_student(register: ExcerptRegister, seed: int) -> Codings:
    """The simulated coder of ``qualitative.agreement`` alone, as a stand-in for a student."""
    simulated = simulated_coder(register_codings(register), register, seed)
    return Codings(
        simulated.codes, simulated.coders[1:], simulated.units, simulated.presence[:, 1:], {}
    )


def read_codings(path: Path, register: ExcerptRegister) -> Codings:
    """A class's codings: a REFI-QDA project (.qdpx) or a coding sheet (CSV)."""
    if Path(path).suffix.lower() == ".qdpx":
        return read_qdpx(path, register)
    return read_coding_sheet(path, register)
