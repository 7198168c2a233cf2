"""Load a survey with its codebook and provenance: the shipped reconstruction or a raw export.

An export is *reconstructed* when it is the shipped file (its folder's ``provenance.yml``, written
by :mod:`welfare_paradoxes.survey.reconstruct`, says so) or when its content is the
reconstruction's, whatever a spreadsheet did to the formatting (separator, BOM, line endings,
date formats, row order): at least half of its submission times are the reconstruction's
placeholders, or, unless it is declared raw, at least half of its rows are rows of the
reconstruction. An export is *raw* only when its user declares it, with a ``provenance.yml``
beside it that says ``status: raw``; any other export is *undeclared*, which ``load_export``
reads (for validation) and ``load_survey`` refuses. Only raw data switch on joint analyses, so
the reconstruction never passes for real answers.

An export is *synthetic* (:mod:`welfare_paradoxes.survey.synthetic`, a data set for teaching
joint analyses) when its folder's ``provenance.yml`` says ``status: synthetic`` or when at least
half of its rows carry the generator's markers (its placeholder submission times, or the
``SYNTETISK S<NN>`` text in the comment column), whatever its folder declares. ``load_survey``,
which the thesis' chapters call, refuses a synthetic export; ``load_synthetic`` reads it, and
the joint analyses accept it, labelled synthetic.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

import polars as pl
import yaml

from .codebook import (
    SHIPPED_DIR,
    SURVEYS,
    Codebook,
    load_codebook,
    load_codebook_file,
    load_mapping,
    normalise_header,
)
from .problems import Problem, SurveyError, SyntheticDataError
from .reader import CSV_SUFFIXES, RESPONDENT, XLSX_SUFFIXES, read_export, read_table
from .synthetic_marker import GENERATOR, MARKER, MARKER_COLUMN, START, STEP, SYNTHETIC_DIR

PROVENANCE_FILE = "provenance.yml"
Status = Literal["reconstructed", "raw", "undeclared", "synthetic"]
MAPPING_FILES = ("mapping.yml", "mapping.yaml")


@dataclass(frozen=True)
class Provenance:
    survey: str
    status: Status
    source: str  # the export's path relative to the data folder
    sha256: str
    file_format: str
    separator: str | None
    mapping: str | None
    dropped_personal: tuple[str, ...]
    skipped_columns: tuple[str, ...]
    note: str
    file: Path  # the file as read, for recording its hash with the artifacts made from it

    @property
    def reconstructed(self) -> bool:
        return self.status == "reconstructed"

    @property
    def raw(self) -> bool:
        return self.status == "raw"

    @property
    def synthetic(self) -> bool:
        return self.status == "synthetic"

    def describe(self) -> str:
        """One line for a chapter's provenance box."""
        text = f"{self.survey}: {self.status} data from {self.source} (sha256 {self.sha256[:12]})"
        if self.mapping:
            text += f", headers mapped by {self.mapping}"
        return f"{text}. {self.note}"


@dataclass(frozen=True)
class SurveyData:
    """A typed survey frame (personal columns already dropped) with its codebook and origin."""

    frame: pl.DataFrame
    codebook: Codebook
    provenance: Provenance
    warnings: tuple[Problem, ...] = ()

    @property
    def survey(self) -> str:
        return self.codebook.survey

    @property
    def reconstructed(self) -> bool:
        return self.provenance.reconstructed

    @property
    def raw(self) -> bool:
        return self.provenance.raw

    @property
    def synthetic(self) -> bool:
        return self.provenance.synthetic

    def describe(self) -> str:
        """The provenance line, with any warning about the rows (a submission sent twice)."""
        text = self.provenance.describe()
        if self.warnings:
            rows = ", ".join(str(warning.row) for warning in self.warnings)
            text += (
                f" Warning: rows {rows} repeat an earlier submission's answers (kept; check "
                "whether they were sent twice)."
            )
        return text


def load_survey(
    survey: str, data_dir: Path | str | None = None, mapping: Path | str | None = None
) -> SurveyData:
    """Load one survey: the shipped reconstruction, or the raw export found in ``data_dir``.

    An export in ``data_dir`` must be recognised as the reconstruction or declared raw (see the
    module's docstring); an undeclared one is refused with a located error.

    In ``data_dir`` the export is ``<survey>.csv`` or ``<survey>.xlsx`` if there is one;
    otherwise the one .csv/.xlsx file whose headers match this survey's codebook better than
    the other survey's. A ``mapping.yml`` there is used unless ``mapping`` names another.

    A synthetic export (see ``load_synthetic``) is refused: these are the thesis' data.
    """
    directory = SHIPPED_DIR if data_dir is None else Path(data_dir)
    mapping = folder_mapping(directory) if mapping is None else mapping
    data = load_export(find_export(survey, directory, mapping), survey, mapping, directory)
    if data.synthetic:
        raise SyntheticDataError(
            f"{data.provenance.file} is a synthetic data set for teaching; the chapters that "
            "report the thesis read only the thesis' survey data (load it for teaching with "
            "welfare_paradoxes.survey.load_synthetic)",
            str(data.provenance.file),
        )
    if data.provenance.status == "undeclared":
        raise SurveyError(
            [
                Problem(
                    "undeclared-export",
                    str(data.provenance.file),
                    None,
                    None,
                    "answers that are not the shipped reconstruction's, with no declaration",
                    f"a {PROVENANCE_FILE} in {directory} that says 'status: raw' if these are "
                    "the real Google Forms answers (see data/surveys/README.md)",
                )
            ]
        )
    return data


def load_synthetic(
    survey: str = "citizens",
    data_dir: Path | str | None = None,
    mapping: Path | str | None = None,
) -> SurveyData:
    """Load a synthetic export for teaching: data/synthetic by default, or the one in ``data_dir``.

    Joint analyses (``crosstab``, ``statistics.joint_analysis``) accept the result, labelled
    synthetic; the thesis' chapters (``load_survey``) refuse it. An export that is not
    synthetic is refused here, so real or reconstructed answers never pass as teaching data.
    """
    directory = SYNTHETIC_DIR if data_dir is None else Path(data_dir)
    mapping = folder_mapping(directory) if mapping is None else mapping
    data = load_export(find_export(survey, directory, mapping), survey, mapping, directory)
    if not data.synthetic:
        raise ValueError(
            f"{data.provenance.file} is not a synthetic data set ({data.provenance.status} "
            f"data); load_synthetic reads only what `{GENERATOR}` writes"
        )
    return data


def load_export(
    path: Path | str,
    survey: str,
    mapping: Path | str | None = None,
    data_dir: Path | str | None = None,
) -> SurveyData:
    """Read one export file of ``survey`` and decide whether it is reconstructed, raw,
    undeclared or synthetic."""
    path = Path(path)
    directory = Path(data_dir) if data_dir is not None else path.parent
    codebook = load_codebook(survey)
    export = read_export(path, codebook, load_mapping(mapping, codebook))
    status, note = _status(path, survey, export.sha256, export.frame)
    provenance = Provenance(
        survey=survey,
        status=status,
        source=_relative(path, directory),
        sha256=export.sha256,
        file_format=export.file_format,
        separator=export.separator,
        mapping=None if mapping is None else _relative(Path(mapping), directory),
        dropped_personal=export.dropped_personal,
        skipped_columns=export.skipped_columns,
        note=note,
        file=path,
    )
    return SurveyData(export.frame, codebook, provenance, export.warnings)


def folder_mapping(directory: Path) -> Path | None:
    """The mapping file a folder of exports carries, if any."""
    return next((directory / m for m in MAPPING_FILES if (directory / m).is_file()), None)


def folder_provenance(directory: Path) -> dict:
    """The reconstruction marker of a folder; empty when the folder has none."""
    path = directory / PROVENANCE_FILE
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _status(path: Path, survey: str, sha256: str, frame: pl.DataFrame) -> tuple[Status, str]:
    marker = folder_provenance(path.parent)
    entry = marker.get("surveys", {}).get(survey, {})
    if marker.get("status") == "synthetic" and entry.get("file") == path.name:
        if entry.get("sha256") != sha256:
            raise SurveyError(
                [
                    Problem(
                        "changed-synthetic",
                        str(path),
                        None,
                        None,
                        f"sha256 {sha256}",
                        f"sha256 {entry.get('sha256')} as {PROVENANCE_FILE} records: rebuild "
                        f"it with `{GENERATOR}` (--out and --seed for a variant of your own)",
                    )
                ]
            )
        return "synthetic", _SYNTHETIC_NOTE
    marked, rows = synthetic_matches(frame)
    if rows and 2 * marked >= rows:
        return "synthetic", (
            f"{_SYNTHETIC_NOTE} Recognised by its content: {marked} of its {rows} rows carry "
            "the generator's markers."
        )
    if marker.get("status") == "reconstructed" and entry.get("file") == path.name:
        if entry.get("sha256") != sha256:
            raise SurveyError(
                [
                    Problem(
                        "changed-reconstruction",
                        str(path),
                        None,
                        None,
                        f"sha256 {sha256}",
                        f"sha256 {entry.get('sha256')} as {PROVENANCE_FILE} records: rebuild "
                        "it with `python -m welfare_paradoxes.survey.reconstruct`; real "
                        "exports belong in a folder of their own (DATA_DIR)",
                    )
                ]
            )
        return "reconstructed", _RECONSTRUCTED_NOTE
    declared_raw = marker.get("status") == "raw"
    timestamps, answers, rows = reconstruction_matches(frame, survey)
    if rows and (2 * timestamps >= rows or (2 * answers >= rows and not declared_raw)):
        return "reconstructed", (
            f"{_RECONSTRUCTED_NOTE} Recognised by its content: {timestamps} of its {rows} "
            f"submission times are the reconstruction's placeholders and {answers} of its rows "
            "are rows of the shipped reconstruction."
        )
    if declared_raw:
        return "raw", (
            f"Real Google Forms answers, declared raw in {PROVENANCE_FILE}; joint analyses are "
            "enabled."
        )
    return "undeclared", (
        "Not the shipped reconstruction, but not declared raw either: joint analyses stay off "
        f"until a {PROVENANCE_FILE} beside the export says 'status: raw'."
    )


def synthetic_matches(frame: pl.DataFrame) -> tuple[int, int]:
    """(rows carrying a marker of the synthetic generator, rows of ``frame``).

    A row is marked when its submission time is one of the generator's placeholders (a whole
    minute of ``START``'s day, ``START + (N - 1) * STEP``) or its comment cell starts with
    ``"SYNTETISK "``, so a copy is recognised whatever a spreadsheet did to its formatting or
    row order, and whether its times or its comments were changed.
    """
    marked = pl.Series("marked", [False] * frame.height, dtype=pl.Boolean)
    if "timestamp" in frame.columns and frame.schema["timestamp"] == pl.Datetime("us"):
        since = (frame["timestamp"] - START).dt.total_microseconds()
        step = STEP // timedelta(microseconds=1)
        day = timedelta(days=1) // timedelta(microseconds=1)
        marked = marked | ((since >= 0) & (since < day) & (since % step == 0)).fill_null(False)
    if MARKER_COLUMN in frame.columns and frame.schema[MARKER_COLUMN] == pl.String:
        comment = frame[MARKER_COLUMN].fill_null("").str.strip_chars_start()
        marked = marked | comment.str.starts_with(f"{MARKER} ")
    total = int(marked.sum())
    return total, frame.height


def answer_rows(frame: pl.DataFrame) -> list[tuple]:
    """Each respondent's answers as a comparable tuple (no respondent number, no timestamp)."""
    columns = [c for c in frame.columns if c not in (RESPONDENT, "timestamp")]
    shown = frame.select(
        pl.col(c).cast(pl.List(pl.String)).list.join(", ")
        if frame.schema[c] == pl.List
        else pl.col(c)
        for c in columns
    )
    return shown.cast(pl.String).fill_null("").rows()


def reconstruction_matches(frame: pl.DataFrame, survey: str) -> tuple[int, int, int]:
    """How much of ``frame`` is the shipped reconstruction: (submission times that are its
    placeholders, rows whose answers are one of its rows, rows of ``frame``), each counted as a
    multiset, so that re-sorted or re-formatted copies are recognised.

    The placeholders tell a copy apart whatever its answers; the answers tell apart a copy whose
    times were changed, unless its user declares it raw (a survey with few items, such as the
    frontline survey, can match the reconstruction's rows by chance).
    """
    shipped = load_survey(survey).frame
    times = Counter(frame["timestamp"].to_list()) & Counter(shipped["timestamp"].to_list())
    answers = Counter(answer_rows(frame)) & Counter(answer_rows(shipped))
    return sum(times.values()), sum(answers.values()), frame.height


_RECONSTRUCTED_NOTE = (
    "Reconstructed from the counts the thesis reports: each item reproduces its marginal "
    "counts, but rows are not real respondents, so analyses joining two items are refused."
)


_SYNTHETIC_NOTE = (
    "SYNTHETIC data for teaching, not the thesis' data: each item matches the thesis' reported "
    "count, and the joint structure between items is invented by a one-factor model "
    f"(`{GENERATOR}`)."
)


def find_export(survey: str, directory: Path, mapping: Path | str | None = None) -> Path:
    """The export of ``survey`` in ``directory``: by file name, else by its headers."""
    if survey not in SURVEYS:
        raise ValueError(f"unknown survey {survey!r}; expected one of {', '.join(SURVEYS)}")
    if not directory.is_dir():
        raise SurveyError(
            [Problem("no-export", str(directory), None, None, "no such folder", "a folder")]
        )
    named = [p for p in _exports(directory) if p.stem == survey]
    if len(named) == 1:
        return named[0]
    candidates = named or _exports(directory)
    matching = [p for p in candidates if _best_survey(p, mapping) == survey]
    if len(matching) == 1:
        return matching[0]
    found = ", ".join(p.name for p in candidates) or "no .csv or .xlsx files"
    expected = (
        f"exactly one export of the {survey} survey: name it {survey}.csv or {survey}.xlsx, "
        "or keep one file whose headers are this survey's questions"
    )
    if matching:
        found = "several matching files: " + ", ".join(p.name for p in matching)
    raise SurveyError([Problem("no-export", str(directory), None, None, found, expected)])


def _exports(directory: Path) -> list[Path]:
    suffixes = CSV_SUFFIXES + XLSX_SUFFIXES
    return sorted(p for p in directory.iterdir() if p.suffix.lower() in suffixes and p.is_file())


def _best_survey(path: Path, mapping: Path | str | None) -> str | None:
    """The survey whose codebook (with the mapping) knows most of the file's question headers."""
    scores = {}
    for survey in SURVEYS:
        codebook = load_codebook(survey)
        known = {
            normalise_header(c.header) for c in codebook.columns if c.type != "timestamp"
        } | set(load_mapping(mapping, codebook).headers)
        table = read_table(path, path.read_bytes(), known, codebook, [])
        headers = [] if table is None else table.headers
        scores[survey] = sum(normalise_header(h) in known for h in headers)
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 and list(scores.values()).count(scores[best]) == 1 else None


def _relative(path: Path, directory: Path) -> str:
    try:
        return path.resolve().relative_to(directory.resolve()).as_posix()
    except ValueError:
        return path.name


def load_with_codebook(
    path: Path | str, codebook: Codebook | Path | str, mapping: Path | str | None = None
) -> SurveyData:
    """Read an export of any survey (a class's own) against its codebook file.

    The export is *raw* when a ``provenance.yml`` beside it says ``status: raw``, otherwise
    *undeclared*; there is no reconstruction to recognise.
    """
    path = Path(path)
    if not isinstance(codebook, Codebook):
        codebook = load_codebook_file(codebook)
    export = read_export(path, codebook, load_mapping(mapping, codebook))
    declared_raw = folder_provenance(path.parent).get("status") == "raw"
    status: Literal["raw", "undeclared"] = "raw" if declared_raw else "undeclared"
    note = (
        f"Google Forms answers declared raw in {PROVENANCE_FILE}; joint analyses are enabled."
        if declared_raw
        else f"Not declared raw: joint analyses stay off until a {PROVENANCE_FILE} beside the "
        "export says 'status: raw'."
    )
    provenance = Provenance(
        survey=codebook.survey,
        status=status,
        source=path.name,
        sha256=export.sha256,
        file_format=export.file_format,
        separator=export.separator,
        mapping=None if mapping is None else Path(mapping).name,
        dropped_personal=export.dropped_personal,
        skipped_columns=export.skipped_columns,
        note=note,
        file=path,
    )
    return SurveyData(export.frame, codebook, provenance, export.warnings)
