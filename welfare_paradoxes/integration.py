"""Joint displays (J01, J02): each theme's survey statistic beside its excerpts and concepts.

The theme list, the items and codes each theme is read with, and the meta-inference are data
(``data/integration/joint_displays.csv``). Everything else is computed when the book is built:
the proportions and their intervals from the survey data, the linked excerpts from the excerpt
register (every excerpt in the theme's lines that carries one of its codes).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from welfare_paradoxes.artifacts import Table
from welfare_paradoxes.datafiles import read_text_csv
from welfare_paradoxes.display import percent
from welfare_paradoxes.paths import DATA_DIR
from welfare_paradoxes.qualitative.register import ExcerptRegister
from welfare_paradoxes.survey import SurveyData
from welfare_paradoxes.survey_statistics import (
    Item,
    interval_text,
    method_key,
    proportion_intervals,
)
from welfare_paradoxes.thesis import parse_line_ranges

DISPLAYS_FILE = Path("integration") / "joint_displays.csv"
META_INFERENCES = ("confirms", "expands", "diverges", "qualitative only")
DISPLAY_TITLES = {
    "J01": "Joint display of analysis 1: support versus activation",
    "J02": "Joint display of analysis 2: stigma, sense of coherence and frontline steering",
}
SHOWN_EXCERPTS = 3


class JointDisplayError(ValueError):
    """A row of the joint-display file that cannot be used, with file, row, column and value."""


def _problem(path: Path, row: int, column: str, value: object, expected: str) -> JointDisplayError:
    return JointDisplayError(
        f"{path}: row {row}, column {column!r}: found {value!r}, expected {expected}"
    )


def load_themes(data_dir: str | Path, register: ExcerptRegister, surveys: dict[str, SurveyData]):
    """Read the theme rows and check every reference in them; return them as dicts."""
    path = Path(data_dir) / DISPLAYS_FILE
    frame = read_text_csv(path).fill_null("")
    codes = set(register.scheme["code"])
    themes = []
    for row_number, row in enumerate(frame.iter_rows(named=True), start=2):
        if row["display"] not in DISPLAY_TITLES:
            raise _problem(
                path, row_number, "display", row["display"], f"one of {list(DISPLAY_TITLES)}"
            )
        if row["meta_inference"] not in META_INFERENCES:
            raise _problem(
                path,
                row_number,
                "meta_inference",
                row["meta_inference"],
                f"one of {META_INFERENCES}",
            )
        row["codes"] = [code.strip() for code in row["codes"].split(";") if code.strip()]
        unknown = [code for code in row["codes"] if code not in codes]
        if unknown or not row["codes"]:
            raise _problem(path, row_number, "codes", unknown or "", "codes of the coding scheme")
        row["values"] = [value.strip() for value in row["values"].split(";") if value.strip()]
        has_item = bool(row["survey"])
        if has_item != (row["meta_inference"] != "qualitative only"):
            raise _problem(
                path,
                row_number,
                "meta_inference",
                row["meta_inference"],
                "'qualitative only' exactly when the row names no survey item",
            )
        if has_item:
            if row["survey"] not in surveys:
                raise _problem(path, row_number, "survey", row["survey"], f"one of {list(surveys)}")
            column = surveys[row["survey"]].codebook.column(row["variable"])
            bad = [value for value in row["values"] if value not in column.values]
            if bad or not row["values"]:
                raise _problem(path, row_number, "values", bad, f"categories of {row['variable']}")
        row["excerpt_ranges"] = parse_line_ranges(row["excerpt_lines"])
        row["row"] = row_number
        themes.append(row)
    return themes


def linked_excerpts(register: ExcerptRegister, codes: list[str], ranges) -> pl.DataFrame:
    """Every excerpt inside ``ranges`` carrying one of ``codes``, in thesis order."""
    inside = pl.lit(False)
    for first, last in ranges:
        inside = inside | ((pl.col("first_line") >= first) & (pl.col("last_line") <= last))
    return register.find(code=codes).filter(inside).sort("first_line")


def _statistics(theme: dict, surveys: dict[str, SurveyData], n_resamples: int, seed: int):
    if not theme["survey"]:
        return None
    data = surveys[theme["survey"]]
    column = data.codebook.column(theme["variable"])
    labels = {category.value: category.label_en for category in column.categories}
    items = [
        Item(
            theme["variable"],
            value,
            labels[value] if column.type == "multi_select" else column.label_en,
            "",
            theme["statistic_lines"],
            "",
            0,
            0,
        )
        for value in theme["values"]
    ]
    return proportion_intervals(data, items, n_resamples, seed)


def joint_display(
    display_id: str,
    register: ExcerptRegister,
    surveys: dict[str, SurveyData],
    method: str,
    n_resamples: int,
    seed: int,
    data_dir: str | Path = DATA_DIR,
) -> Table:
    """J01 or J02: one row per theme, every cell traceable to the data or excerpts behind it.

    ``method`` is the label of the interval shown (the book's recommended one).
    """
    if display_id not in DISPLAY_TITLES:
        raise ValueError(f"unknown joint display {display_id!r}; expected {list(DISPLAY_TITLES)}")
    scheme = register.scheme.select("code", "label", "theorist")
    labels = dict(zip(scheme["code"], scheme["label"], strict=True))
    theorists = dict(zip(scheme["code"], scheme["theorist"], strict=True))
    rows, shown = [], []
    for theme in load_themes(data_dir, register, surveys):
        if theme["display"] != display_id:
            continue
        statistics = _statistics(theme, surveys, n_resamples, seed)
        excerpts = linked_excerpts(register, theme["codes"], theme["excerpt_ranges"])
        ids = excerpts["excerpt_id"].to_list()
        quoted = [
            f"{row['excerpt_id']} ({row['speaker']}): “{register.short(row['excerpt_id'], 110)}”"
            for row in excerpts.head(SHOWN_EXCERPTS).iter_rows(named=True)
        ]
        if len(ids) > SHOWN_EXCERPTS:
            quoted.append(
                f"and {len(ids) - SHOWN_EXCERPTS} more: {', '.join(ids[SHOWN_EXCERPTS:])}"
            )
        concepts = "; ".join(f"{labels[code]} ({theorists[code]})" for code in theme["codes"])
        if statistics is None:
            statistic_text, item_text = "no survey item", ""
            k = n = share = low = high = None
        else:
            lines = [
                f"{row['label']}: {row['k']}/{row['n']} = {percent(row['share'])}, "
                f"{method} {interval_text(row, method)}"
                for row in statistics.iter_rows(named=True)
            ]
            statistic_text = "\n".join(lines)
            item_text = f"{theme['survey']}: {theme['variable']} = {', '.join(theme['values'])}"
            first = statistics.row(0, named=True)
            key = method_key(method)
            k, n, share = first["k"], first["n"], first["share"]
            low, high = first[f"{key}_low"], first[f"{key}_high"]
        rows.append(
            {
                "theme_id": theme["theme_id"],
                "theme": theme["theme"],
                "analysis_part": theme["analysis_part"],
                "survey_item": item_text,
                "k": k,
                "n": n,
                "share": share,
                "interval_low": low,
                "interval_high": high,
                "interval_method": method if statistics is not None else "",
                "statistic_lines": theme["statistic_lines"],
                "excerpt_ids": "; ".join(ids),
                "codes": "; ".join(theme["codes"]),
                "meta_inference": theme["meta_inference"],
                "rationale": theme["rationale"],
            }
        )
        shown.append(
            {
                "theme": f"{theme['theme']} (part {theme['analysis_part']})",
                "statistic": statistic_text
                + (
                    f"\n(thesis lines {theme['statistic_lines']})"
                    if theme["statistic_lines"]
                    else ""
                ),
                "excerpts": "\n".join(quoted) if quoted else "none",
                "concepts": concepts,
                "meta_inference": theme["meta_inference"],
                "rationale": theme["rationale"],
            }
        )
    frame = pl.DataFrame(
        rows,
        schema_overrides={
            "k": pl.Int64,
            "n": pl.Int64,
            "share": pl.Float64,
            "interval_low": pl.Float64,
            "interval_high": pl.Float64,
        },
    )
    sources = [Path(data_dir) / DISPLAYS_FILE, *register.sources]
    sources += [survey.provenance.file for survey in surveys.values()]
    return Table(
        id=display_id,
        title=DISPLAY_TITLES[display_id],
        frame=frame,
        shown=pl.DataFrame(shown),
        sources=tuple(dict.fromkeys(sources)),
        labels={
            "statistic": "Survey statistic (95 % interval)",
            "excerpts": "Linked excerpts",
            "concepts": "Theory concepts",
            "meta_inference": "Meta-inference",
            "rationale": "Why",
        },
        note=(
            "Statistics are computed from the survey data when the book is built; excerpts are "
            "every excerpt of the register in the theme's part of the thesis that carries one of "
            "its codes (ids as in T13). The meta-inference is the book's reading, not the thesis'."
        ),
    )
