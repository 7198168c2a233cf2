"""The excerpt register (T13): every quote of an informant or survey respondent, coded as the
thesis reads it, with retrieval by code, family, speaker, role and source.

Three data files make the register (see ``data/excerpts/README.md``):

- ``excerpts.csv``: one row per quote: id, thesis lines, canonical speaker, verbatim text, note;
- ``codes.csv``: the coding scheme, one row per code, grouped in theory families;
- ``excerpt_codes.csv``: which code each quote carries and the lines where the thesis reads it so.

The attribution "as printed" is not typed into the data: it is the attribution the parser of
``welfare_paradoxes.qualitative.attributions`` finds after the quote, so the register and the
attribution audit (T11) read the thesis with one piece of code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from welfare_paradoxes.design import INFORMANTS_FILE
from welfare_paradoxes.engine.artifacts import Table
from welfare_paradoxes.engine.datafiles import read_text_csv
from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.qualitative.attributions import (
    SURVEY_BILAG,
    SURVEY_LABEL,
    Citation,
    display_range,
    presented_informants,
    thesis_citations,
)
from welfare_paradoxes.qualitative.text import normalise, searchable
from welfare_paradoxes.thesis import THESIS_FILE, parse_line_ranges

EXCERPTS_FILE = Path("excerpts") / "excerpts.csv"
CODES_FILE = Path("excerpts") / "codes.csv"
EXCERPT_CODES_FILE = Path("excerpts") / "excerpt_codes.csv"
OTHER_QUOTATIONS_FILE = Path("excerpts") / "other_quotations.csv"

EXCERPT_COLUMNS = ("excerpt_id", "thesis_lines", "speaker", "text", "note")
CODE_COLUMNS = (
    "code",
    "family",
    "theorist",
    "label",
    "description",
    "concept_lines",
    "reading_terms",
)
EXCERPT_CODE_COLUMNS = ("excerpt_id", "code", "reading_lines")
UNNUMBERED = "(unnumbered)"
_EXCERPT_ID = re.compile(r"Q\d{4}[a-z]?")
_SURVEY_SPEAKER = re.compile(rf"(?P<label>{'|'.join(SURVEY_LABEL.values())}) (?P<number>\d+)")
SURVEY_GROUP = {"citizen": "Citizen survey", "frontline": "Frontline survey"}


class RegisterError(ValueError):
    """Bad register data; the message names the file, row, column and value."""


def _where(path: Path, row: int, column: str, value: object) -> str:
    # Row numbers count data rows from 1; the file line adds the header.
    shown = str(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"{path}, row {row} (line {row + 1}), column {column!r}, value {shown!r}"


def _read(path: Path, columns: tuple[str, ...]) -> pl.DataFrame:
    try:
        frame = read_text_csv(path, columns)
    except (FileNotFoundError, ValueError) as error:
        raise RegisterError(str(error)) from None
    return frame.select(columns).with_columns(pl.all().fill_null(""))


def _line_ranges(path: Path, row: int, column: str, value: str, line_count: int):
    try:
        ranges = parse_line_ranges(value)
    except ValueError as error:
        raise RegisterError(f"{_where(path, row, column, value)}: {error}") from error
    for _first, last in ranges:
        if last > line_count:
            raise RegisterError(
                f"{_where(path, row, column, value)}: the thesis has {line_count} lines"
            )
    return ranges


def coding_scheme(data_dir: str | Path = DATA_DIR) -> pl.DataFrame:
    """The codes with family, theorist, label and description, in the order of ``codes.csv``."""
    path = Path(data_dir) / CODES_FILE
    frame = _read(path, CODE_COLUMNS)
    line_count = searchable(data_dir).line_count
    seen: set[str] = set()
    for row, record in enumerate(frame.iter_rows(named=True), start=1):
        for column in ("code", "family", "theorist", "label", "description", "reading_terms"):
            if not record[column].strip():
                raise RegisterError(f"{_where(path, row, column, record[column])}: empty")
        if not re.fullmatch(r"[a-z_]+", record["code"]):
            raise RegisterError(
                f"{_where(path, row, 'code', record['code'])}: a code is lower case letters "
                "and underscores"
            )
        if record["code"] in seen:
            raise RegisterError(f"{_where(path, row, 'code', record['code'])}: duplicate code")
        seen.add(record["code"])
        _line_ranges(path, row, "concept_lines", record["concept_lines"], line_count)
    return frame.with_row_index("order")


@dataclass(frozen=True)
class ExcerptRegister:
    """The register as loaded and checked: one row per excerpt, its codes as a list."""

    excerpts: pl.DataFrame
    scheme: pl.DataFrame
    sources: tuple[Path, ...]

    def find(
        self,
        code: str | Iterable[str] | None = None,
        family: str | Iterable[str] | None = None,
        speaker: str | Iterable[str] | None = None,
        role: str | Iterable[str] | None = None,
        source: str | Iterable[str] | None = None,
    ) -> pl.DataFrame:
        """The excerpts that match every filter given; a list for a filter means any of them.

        >>> register.find(code="stigma", role="citizen")              # doctest: +SKIP
        >>> register.find(family="Stigma", speaker=["Lykke", "Annette"])  # doctest: +SKIP
        """
        frame = self.excerpts
        if code is not None:
            wanted = self._known("code", code, self.scheme["code"])
            frame = frame.filter(pl.col("codes").list.eval(pl.element().is_in(wanted)).list.any())
        if family is not None:
            families = self._known("family", family, self.scheme["family"])
            codes = self.scheme.filter(pl.col("family").is_in(families))["code"].to_list()
            frame = frame.filter(pl.col("codes").list.eval(pl.element().is_in(codes)).list.any())
        for column, value in (("speaker", speaker), ("role", role), ("source", source)):
            if value is not None:
                wanted = self._known(column, value, self.excerpts[column])
                frame = frame.filter(pl.col(column).is_in(wanted))
        return frame

    def excerpt(self, excerpt_id: str) -> dict:
        """One excerpt as a dict, by id."""
        found = self.excerpts.filter(pl.col("excerpt_id") == excerpt_id)
        if found.height == 0:
            raise KeyError(f"no excerpt {excerpt_id!r} in the register")
        return found.row(0, named=True)

    def short(self, excerpt_id: str, max_chars: int = 120) -> str:
        """The excerpt's text cut at a word boundary to ``max_chars``, for joint displays."""
        return short_text(self.excerpt(excerpt_id)["text"], max_chars)

    def coded(self) -> pl.DataFrame:
        """One row per (excerpt, code) with the code's family and the excerpt's speaker group."""
        return (
            self.excerpts.select("excerpt_id", "speaker", "group", "role", "source", "codes")
            .explode("codes")
            .rename({"codes": "code"})
            .drop_nulls("code")
            .join(self.scheme.select("code", "family", "label", "order"), on="code", how="left")
        )

    @staticmethod
    def _known(column: str, value, allowed: pl.Series) -> list[str]:
        values = [value] if isinstance(value, str) else list(value)
        known = set(allowed.to_list())
        unknown = [item for item in values if item not in known]
        if unknown:
            raise ValueError(f"unknown {column} {unknown}; choose from {sorted(known)}")
        return values


def short_text(text: str, max_chars: int = 120) -> str:
    """Cut ``text`` at the last word boundary within ``max_chars`` and mark the cut with " …"."""
    if max_chars < 10:
        raise ValueError("max_chars must be at least 10")
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 2]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:–-") + " …"


def load_register(data_dir: str | Path = DATA_DIR) -> ExcerptRegister:
    """Read and check the register; raise RegisterError naming file, row, column and value."""
    data_dir = Path(data_dir)
    thesis = searchable(data_dir)
    scheme = coding_scheme(data_dir)
    presented = presented_informants(data_dir)
    informant_ids = _informant_ids(data_dir)
    attributions = [c for c in thesis_citations(data_dir) if c.place == "attribution"]
    path = data_dir / EXCERPTS_FILE
    rows = []
    seen: set[str] = set()
    for row, record in enumerate(_read(path, EXCERPT_COLUMNS).iter_rows(named=True), start=1):
        excerpt_id = record["excerpt_id"]
        if not _EXCERPT_ID.fullmatch(excerpt_id):
            raise RegisterError(
                f"{_where(path, row, 'excerpt_id', excerpt_id)}: an id is Q, four digits (the "
                "first thesis line) and an optional letter"
            )
        if excerpt_id in seen:
            raise RegisterError(f"{_where(path, row, 'excerpt_id', excerpt_id)}: duplicate id")
        seen.add(excerpt_id)
        ranges = _line_ranges(path, row, "thesis_lines", record["thesis_lines"], thesis.line_count)
        if len(ranges) != 1:
            raise RegisterError(
                f"{_where(path, row, 'thesis_lines', record['thesis_lines'])}: one range per quote"
            )
        first, last = ranges[0]
        text = normalise(record["text"])
        if not text:
            raise RegisterError(f"{_where(path, row, 'text', record['text'])}: empty")
        span_start, span_end = thesis.span(first, last)
        found = thesis.text.find(text, span_start, span_end)
        if found < 0:
            raise RegisterError(
                f"{_where(path, row, 'text', record['text'])}: not found verbatim in thesis "
                f"lines {record['thesis_lines']} (whitespace and line breaks normalised)"
            )
        speaker = _speaker(path, row, record["speaker"], presented, informant_ids)
        attribution = _attribution_after(attributions, found + len(text), span_end)
        if speaker["numbered"]:
            if attribution is None:
                raise RegisterError(
                    f"{_where(path, row, 'thesis_lines', record['thesis_lines'])}: no "
                    "attribution after the quote within these lines"
                )
            if attribution.speaker != speaker["speaker"]:
                raise RegisterError(
                    f"{_where(path, row, 'speaker', record['speaker'])}: the thesis attributes "
                    f"this quote to {attribution.speaker!r} ({attribution.as_printed})"
                )
        rows.append(
            {
                "excerpt_id": excerpt_id,
                "speaker": speaker["speaker"],
                "group": speaker["group"],
                "role": speaker["role"],
                "source": speaker["source"],
                "bilag": speaker["bilag"],
                "informant_id": speaker["informant_id"],
                "respondent": speaker["respondent"],
                "first_line": first,
                "last_line": last,
                "thesis_lines": record["thesis_lines"],
                "attribution": attribution.as_printed if attribution else None,
                "attribution_lines": attribution.lines if attribution else None,
                "text": text,
                "note": record["note"],
            }
        )
    codes = _excerpt_codes(data_dir, seen, scheme, thesis.line_count)
    frame = pl.DataFrame(rows, schema=_REGISTER_SCHEMA).join(codes, on="excerpt_id", how="left")
    frame = frame.with_columns(pl.col("codes").fill_null(pl.lit([], dtype=pl.List(pl.String))))
    return ExcerptRegister(
        excerpts=frame.sort("first_line", "excerpt_id"),
        scheme=scheme,
        sources=(
            data_dir / EXCERPTS_FILE,
            data_dir / CODES_FILE,
            data_dir / EXCERPT_CODES_FILE,
            data_dir / THESIS_FILE,
            data_dir / INFORMANTS_FILE,
        ),
    )


_REGISTER_SCHEMA = {
    "excerpt_id": pl.String,
    "speaker": pl.String,
    "group": pl.String,
    "role": pl.String,
    "source": pl.String,
    "bilag": pl.Int64,
    "informant_id": pl.String,
    "respondent": pl.Int64,
    "first_line": pl.Int64,
    "last_line": pl.Int64,
    "thesis_lines": pl.String,
    "attribution": pl.String,
    "attribution_lines": pl.String,
    "text": pl.String,
    "note": pl.String,
}


def _informant_ids(data_dir: Path) -> dict[str, str]:
    frame = read_text_csv(data_dir / INFORMANTS_FILE)
    return dict(zip(frame["pseudonym"], frame["informant_id"], strict=True))


def _speaker(path, row, value, presented, informant_ids) -> dict:
    """Resolve a canonical speaker into role, source, Bilag and group."""
    if value in presented:
        informant = presented[value]
        return {
            "speaker": value,
            "group": value,
            "role": informant.role,
            "source": f"{informant.role} interview",
            "bilag": informant.bilag,
            "informant_id": informant_ids[value],
            "respondent": None,
            "numbered": True,
        }
    match = _SURVEY_SPEAKER.fullmatch(value)
    label = value.removesuffix(f" {UNNUMBERED}")
    role_of_label = {label: role for role, label in SURVEY_LABEL.items()}
    if match or (value.endswith(UNNUMBERED) and label in role_of_label):
        role = role_of_label[match["label"] if match else label]
        return {
            "speaker": value,
            "group": SURVEY_GROUP[role],
            "role": role,
            "source": f"{role} survey",
            "bilag": SURVEY_BILAG[role],
            "informant_id": None,
            "respondent": int(match["number"]) if match else None,
            "numbered": bool(match),
        }
    choices = sorted(presented) + [f"{label} N" for label in SURVEY_LABEL.values()]
    raise RegisterError(
        f"{_where(path, row, 'speaker', value)}: not a presented informant or a survey "
        f"respondent; expected one of {choices} or '<Borger|Frontlinjeaktør> {UNNUMBERED}'"
    )


def _attribution_after(attributions: list[Citation], start: int, end: int) -> Citation | None:
    for citation in attributions:
        if start <= citation.start < end:
            return citation
    return None


def _excerpt_codes(data_dir: Path, excerpt_ids: set[str], scheme, line_count) -> pl.DataFrame:
    path = data_dir / EXCERPT_CODES_FILE
    frame = _read(path, EXCERPT_CODE_COLUMNS)
    defined = set(scheme["code"])
    seen = set()
    for row, record in enumerate(frame.iter_rows(named=True), start=1):
        if record["excerpt_id"] not in excerpt_ids:
            raise RegisterError(
                f"{_where(path, row, 'excerpt_id', record['excerpt_id'])}: no such excerpt in "
                f"{data_dir / EXCERPTS_FILE}"
            )
        if record["code"] not in defined:
            raise RegisterError(
                f"{_where(path, row, 'code', record['code'])}: code not defined in "
                f"{data_dir / CODES_FILE}"
            )
        key = (record["excerpt_id"], record["code"])
        if key in seen:
            raise RegisterError(
                f"{_where(path, row, 'code', record['code'])}: {record['excerpt_id']} already "
                "carries this code"
            )
        seen.add(key)
        _line_ranges(path, row, "reading_lines", record["reading_lines"], line_count)
    order = dict(zip(scheme["code"], scheme["order"], strict=True))
    return (
        frame.with_columns(pl.col("code").replace_strict(order, return_dtype=pl.Int64).alias("o"))
        .sort("o")
        .group_by("excerpt_id", maintain_order=True)
        .agg(pl.col("code").alias("codes"))
    )


def reading_evidence(data_dir: str | Path = DATA_DIR) -> pl.DataFrame:
    """Each (excerpt, code) with the thesis text of its reading lines, the quote itself removed.

    The tests check that this text names the code's concept (one of its ``reading_terms``).
    """
    data_dir = Path(data_dir)
    register = load_register(data_dir)
    thesis = searchable(data_dir)
    codes = _read(data_dir / EXCERPT_CODES_FILE, EXCERPT_CODE_COLUMNS)
    texts = dict(zip(register.excerpts["excerpt_id"], register.excerpts["text"], strict=True))
    rows = []
    for record in codes.iter_rows(named=True):
        pieces = [
            thesis.span_text(first, last)
            for first, last in parse_line_ranges(record["reading_lines"])
        ]
        reading = " ".join(pieces).replace(texts[record["excerpt_id"]], " ")
        rows.append(record | {"reading_text": reading})
    return pl.DataFrame(rows).join(
        register.scheme.select("code", "reading_terms"), on="code", how="left"
    )


def excerpt_register_table(register: ExcerptRegister) -> Table:
    """T13: the register, one row per quote."""
    labels = dict(zip(register.scheme["code"], register.scheme["label"], strict=True))
    frame = register.excerpts.with_columns(
        pl.col("codes").list.join("; ").alias("codes"),
        pl.col("codes")
        .list.eval(pl.element().replace_strict(labels, return_dtype=pl.String))
        .list.join("; ")
        .alias("concepts"),
        pl.Series("thesis_lines", [display_range(s) for s in register.excerpts["thesis_lines"]]),
        (pl.col("source").str.slice(0, 1).str.to_uppercase() + pl.col("source").str.slice(1)),
    ).select(
        "excerpt_id",
        "speaker",
        "role",
        "source",
        "bilag",
        "thesis_lines",
        "attribution",
        "codes",
        "concepts",
        "text",
        "note",
    )
    return Table(
        id="T13",
        title="Excerpt register",
        frame=frame,
        sources=register.sources,
        labels={
            "excerpt_id": "Id",
            "thesis_lines": "Lines",
            "attribution": "Attribution as printed",
            "concepts": "Codes (theory concepts)",
            "text": "Quote (verbatim, Danish)",
        },
        note=(
            "Every quote of an interviewee or a survey respondent in the thesis. The speaker is "
            "the informant the quote belongs to; where the printed attribution disagrees, the "
            "note says so and T11 lists it. Codes follow the thesis' own reading of each quote "
            "in the paragraphs around it."
        ),
    )
