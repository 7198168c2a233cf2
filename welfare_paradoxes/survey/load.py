"""Load a survey with its codebook and provenance: the shipped reconstruction or a raw export.

A folder is told apart as reconstructed by its ``provenance.yml`` (written by
:mod:`welfare_paradoxes.survey.reconstruct`); an export elsewhere is raw unless its content
is the shipped reconstruction, so a copied reconstruction never passes for real answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl
import yaml

from .codebook import SHIPPED_DIR, SURVEYS, Codebook, load_codebook, load_mapping, normalise_header
from .problems import Problem, SurveyError
from .reader import CSV_SUFFIXES, XLSX_SUFFIXES, read_export, read_table

PROVENANCE_FILE = "provenance.yml"
MAPPING_FILES = ("mapping.yml", "mapping.yaml")


@dataclass(frozen=True)
class Provenance:
    survey: str
    status: Literal["reconstructed", "raw"]
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


def load_survey(
    survey: str, data_dir: Path | str | None = None, mapping: Path | str | None = None
) -> SurveyData:
    """Load one survey: the shipped reconstruction, or the raw export found in ``data_dir``.

    In ``data_dir`` the export is ``<survey>.csv`` or ``<survey>.xlsx`` if there is one;
    otherwise the one .csv/.xlsx file whose headers match this survey's codebook better than
    the other survey's. A ``mapping.yml`` there is used unless ``mapping`` names another.
    """
    directory = SHIPPED_DIR if data_dir is None else Path(data_dir)
    mapping = folder_mapping(directory) if mapping is None else mapping
    return load_export(find_export(survey, directory, mapping), survey, mapping, directory)


def load_export(
    path: Path | str,
    survey: str,
    mapping: Path | str | None = None,
    data_dir: Path | str | None = None,
) -> SurveyData:
    """Read one export file of ``survey`` and decide whether it is reconstructed or raw."""
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


def _status(
    path: Path, survey: str, sha256: str, frame: pl.DataFrame
) -> tuple[Literal["reconstructed", "raw"], str]:
    marker = folder_provenance(path.parent)
    entry = marker.get("surveys", {}).get(survey, {})
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
    if path.parent.resolve() != SHIPPED_DIR.resolve():
        shipped = load_survey(survey).frame
        if frame.equals(shipped):
            return "reconstructed", _RECONSTRUCTED_NOTE + " (a copy of the shipped file)"
    return "raw", "Real Google Forms answers; joint analyses are enabled."


_RECONSTRUCTED_NOTE = (
    "Reconstructed from the counts the thesis reports: each item reproduces its marginal "
    "counts, but rows are not real respondents, so analyses joining two items are refused."
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
