"""Survey codebooks (data in data/surveys) and user mapping files for reworded questions."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Problem, SurveyError

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_DIR = REPOSITORY_ROOT / "data" / "surveys"
SURVEYS = ("citizens", "frontline")
TYPES = ("timestamp", "binary", "single_choice", "multi_select", "free_text", "number", "contact")
WORDINGS = ("forms", "thesis", "reconstructed")
# How the thesis reports a choice item's statistic: as answers to a closed question ("angiver")
# or as counts of mentions ("nævner", "nævnt ... gange"), which suggests coded free text and is
# only a lower bound on how many share the experience.
MEASURES = ("closed", "mention")
SKIP = "skip"
# A binary item's categories, yes first: Danish forms, and English ones (a class's own survey).
BINARY_VALUES = (("Ja", "Nej"), ("Yes", "No"))
CODEBOOK_KEYS = ("survey", "title_da", "title_en", "respondent_label", "n_reported", "n_lines")
COLUMN_KEYS = ("variable", "header", "type", "personal", "label_da", "label_en", "wording")
# The column Google Forms adds itself when a form collects e-mail addresses ("Collect email
# addresses"), in the languages a Danish form is exported in. It is personal data whatever the
# codebook says: dropped when the export is read, never typed or echoed.
FORMS_PERSONAL_HEADERS = ("e-mailadresse", "e-mail-adresse", "mailadresse", "email address")


def normalise_header(text: str) -> str:
    """Headers match whatever their spacing, line breaks, case or Unicode composition."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


@dataclass(frozen=True)
class Category:
    value: str
    label_en: str


@dataclass(frozen=True)
class Reported:
    """A statistic the thesis reports for one category of an item."""

    value: str
    k: int
    n: int
    claim: str
    lines: str
    statistic: str


@dataclass(frozen=True)
class Column:
    variable: str
    header: str
    type: str
    personal: bool
    label_da: str
    label_en: str
    wording: str
    wording_lines: str | None = None
    categories: tuple[Category, ...] = ()
    other: bool = False
    reported: tuple[Reported, ...] = ()
    note: str | None = None
    measure: str | None = None
    measure_evidence: str | None = None

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(category.value for category in self.categories)

    @property
    def other_variable(self) -> str:
        return f"{self.variable}_other"


@dataclass(frozen=True)
class Codebook:
    survey: str
    title_da: str
    title_en: str
    respondent_label: str
    n_reported: int
    n_lines: str
    columns: tuple[Column, ...]
    path: Path = field(compare=False)

    def column(self, variable: str) -> Column:
        for column in self.columns:
            if column.variable == variable:
                return column
        raise KeyError(f"{self.survey} codebook has no variable {variable!r}")

    @property
    def personal_variables(self) -> tuple[str, ...]:
        return tuple(c.variable for c in self.columns if c.personal)


class CodebookError(ValueError):
    """A codebook file that does not describe a survey."""


def load_codebook(survey: str, directory: Path = SHIPPED_DIR) -> Codebook:
    if survey not in SURVEYS:
        raise CodebookError(f"unknown survey {survey!r}; expected one of {', '.join(SURVEYS)}")
    path = directory / f"codebook_{survey}.yml"
    return codebook_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")), path)


def load_codebook_file(path: Path | str) -> Codebook:
    """Any codebook file (a class's own survey, a draft of ``make codebook``), checked as the
    thesis' codebooks are; a file that is not one raises :class:`CodebookError` naming it."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CodebookError(f"{path}: cannot read the codebook: {error.strerror}") from None
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        reason = " ".join(str(error).split())
        raise CodebookError(f"{path}: not a YAML codebook: {reason}") from None
    return codebook_from_dict(raw, path)


def codebook_from_dict(raw: object, path: Path) -> Codebook:
    """A codebook from its parsed YAML, every required key and column checked."""
    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), list):
        raise CodebookError(f"{path.name}: expected a mapping with a list of 'columns'")
    missing = [key for key in CODEBOOK_KEYS if key not in raw]
    if missing:
        raise CodebookError(f"{path.name}: missing key(s) {', '.join(missing)}")
    columns = tuple(_column(entry, path) for entry in raw["columns"])
    _check_unique(columns, path)
    return Codebook(
        survey=str(raw["survey"]),
        title_da=str(raw["title_da"]),
        title_en=str(raw["title_en"]),
        respondent_label=str(raw["respondent_label"]),
        n_reported=int(raw["n_reported"]),
        n_lines=str(raw["n_lines"]),
        columns=columns,
        path=path,
    )


def _column(entry: dict, path: Path) -> Column:
    if not isinstance(entry, dict):
        raise CodebookError(f"{path.name}: a column entry is not a mapping: {str(entry)[:60]!r}")
    variable = entry.get("variable", "?")
    where = f"{path.name}, variable {variable!r}"
    missing = [key for key in COLUMN_KEYS if key not in entry]
    if missing:
        raise CodebookError(f"{where}: missing key(s) {', '.join(missing)}")
    if entry.get("type") not in TYPES:
        raise CodebookError(f"{where}: type {entry.get('type')!r} is not one of {TYPES}")
    if entry.get("wording") not in WORDINGS:
        raise CodebookError(f"{where}: wording {entry.get('wording')!r} is not one of {WORDINGS}")
    categories = tuple(
        Category(str(c["value"]), str(c["label_en"])) for c in entry.get("categories", [])
    )
    needs_categories = entry["type"] in ("binary", "single_choice", "multi_select")
    if needs_categories != bool(categories):
        raise CodebookError(f"{where}: categories belong to choice items and only to them")
    if entry["type"] == "binary" and tuple(c.value for c in categories) not in BINARY_VALUES:
        raise CodebookError(
            f"{where}: a binary item has the categories Ja and Nej (or Yes and No), in that order"
        )
    if entry["type"] == "contact" and not entry["personal"]:
        raise CodebookError(f"{where}: contact details are personal data")
    if entry.get("other") and entry["type"] != "multi_select":
        raise CodebookError(f"{where}: only multi-select items have an 'other' text")
    reported = tuple(
        Reported(
            str(r["value"]), int(r["k"]), int(r["n"]), r["claim"], str(r["lines"]), r["statistic"]
        )
        for r in entry.get("reported", [])
    )
    for r in reported:
        if r.value not in (c.value for c in categories):
            raise CodebookError(f"{where}: reported value {r.value!r} is not a category")
    measure = entry.get("measure")
    if reported and (measure not in MEASURES or not entry.get("measure_evidence")):
        raise CodebookError(
            f"{where}: an item with reported statistics needs 'measure' (one of {MEASURES}) "
            "and 'measure_evidence' (the thesis' words and lines that show it)"
        )
    return Column(
        variable=variable,
        header=" ".join(str(entry["header"]).split()),
        type=entry["type"],
        personal=bool(entry["personal"]),
        label_da=entry["label_da"],
        label_en=entry["label_en"],
        wording=entry["wording"],
        wording_lines=entry.get("wording_lines"),
        categories=categories,
        other=bool(entry.get("other", False)),
        reported=reported,
        note=entry.get("note"),
        measure=measure,
        measure_evidence=entry.get("measure_evidence"),
    )


def _check_unique(columns: tuple[Column, ...], path: Path) -> None:
    for key in ("variable", "header"):
        seen = [normalise_header(getattr(c, key)) for c in columns]
        duplicates = sorted({name for name in seen if seen.count(name) > 1})
        if duplicates:
            raise CodebookError(f"{path.name}: {key}s are not unique: {duplicates}")


@dataclass(frozen=True)
class Mapping:
    """Export headers that differ from the codebook, each naming a variable or ``skip``.

    The file is YAML with one section per survey::

        citizens:
          "Hvilke symptomer har du stadig?": symptoms
          "Hvilken kommune bor du i?": skip
    """

    path: Path | None
    headers: dict[str, str]  # normalised export header -> variable or SKIP

    @classmethod
    def empty(cls) -> Mapping:
        return cls(None, {})


def load_mapping(path: Path | str | None, codebook: Codebook) -> Mapping:
    """Read the codebook's survey section of a mapping file; every problem is reported."""
    if path is None:
        return Mapping.empty()
    path = Path(path)
    expected = "a YAML file with sections 'citizens' and/or 'frontline' of 'header: variable'"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        reason = " ".join(str(error).split())
        raise SurveyError(
            [Problem("bad-mapping", str(path), None, None, reason, expected)]
        ) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict) or not all(isinstance(v, dict | type(None)) for v in raw.values()):
        raise SurveyError([Problem("bad-mapping", str(path), None, None, str(raw)[:80], expected)])
    unknown_sections = sorted(set(raw) - set(SURVEYS) - {codebook.survey})
    problems = [
        Problem(
            "bad-mapping",
            str(path),
            None,
            None,
            name,
            f"a section named {' or '.join(sorted(set(SURVEYS) | {codebook.survey}))}",
        )
        for name in unknown_sections
    ]
    variables = {c.variable for c in codebook.columns}
    headers: dict[str, str] = {}
    for header, variable in (raw.get(codebook.survey) or {}).items():
        if variable != SKIP and variable not in variables:
            problems.append(
                Problem(
                    "bad-mapping",
                    str(path),
                    None,
                    str(header),
                    str(variable),
                    f"a variable of the {codebook.survey} codebook "
                    f"({', '.join(sorted(variables))}) or '{SKIP}'",
                )
            )
        headers[normalise_header(str(header))] = str(variable)
    if problems:
        raise SurveyError(problems)
    return Mapping(path, headers)
