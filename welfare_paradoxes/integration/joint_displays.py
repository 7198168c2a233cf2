"""Joint displays (J01, J02): each theme's survey statistics beside its excerpts and concepts.

The theme list and the codes each theme is read with are data
(``data/integration/joint_displays.csv``), and so are the *statistic links*
(``data/integration/statistic_links.csv``): which survey item bears on a row, the thesis' words
about how widespread the thing is, and whether the item measures those words or an aspect of
them. Everything else is computed when the book is built: the proportions and their intervals
from the survey data, the linked excerpts from the excerpt register, and the meta-inference by
the book's one rule (:mod:`.meta_inference`). The J03 display of the paradoxes
(:mod:`.findings`) uses the same links and the same rule.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl

from welfare_paradoxes.engine.artifacts import Table
from welfare_paradoxes.engine.datafiles import read_text_csv
from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.integration.meta_inference import (
    EXTENT_THRESHOLDS,
    RELATIONS,
    Decision,
    LinkedStatistic,
    decide,
    line_reference,
    qualitative_wording,
    summaries,
)
from welfare_paradoxes.qualitative.register import ExcerptRegister
from welfare_paradoxes.qualitative.text import normalise, searchable
from welfare_paradoxes.survey import SurveyData
from welfare_paradoxes.survey.statistics import Item, method_key, proportion_intervals
from welfare_paradoxes.thesis import parse_line_ranges

DISPLAYS_FILE = Path("integration") / "joint_displays.csv"
LINKS_FILE = Path("integration") / "statistic_links.csv"
DISPLAY_TITLES = {
    "J01": "Joint display of analysis 1: support versus activation",
    "J02": "Joint display of analysis 2: stigma, sense of coherence and frontline steering",
}
SHOWN_EXCERPTS = 3


class JointDisplayError(ValueError):
    """A row of an integration data file that cannot be used, with file, row, column and value."""


def problem(path: Path, row: int, column: str, value: object, expected: str) -> JointDisplayError:
    return JointDisplayError(
        f"{path}: row {row}, column {column!r}: found {value!r}, expected {expected}"
    )


def split_list(cell: str) -> list[str]:
    """A ``;``-separated cell as a list of its non-empty items."""
    return [item.strip() for item in (cell or "").split(";") if item.strip()]


def check_codes(path: Path, row_number: int, cell: str, register: ExcerptRegister) -> list[str]:
    codes = split_list(cell)
    unknown = [code for code in codes if code not in set(register.scheme["code"])]
    if unknown or not codes:
        raise problem(path, row_number, "codes", unknown or "", "codes of the coding scheme")
    return codes


def check_quoted(
    path: Path, row_number: int, column: str, words: str, lines: str, data_dir: str | Path
) -> None:
    """``words`` are the thesis' own, at ``lines`` (whitespace normalised)."""
    thesis = searchable(data_dir)
    first = min(first for first, _ in parse_line_ranges(lines))
    last = max(last for _, last in parse_line_ranges(lines))
    if not words or normalise(words) not in thesis.span_text(first, last):
        raise problem(path, row_number, column, words[:60], f"the thesis' words at lines {lines}")


def check_qualitative_claim(path: Path, row_number: int, row: dict) -> None:
    """The optional qualitative claim: its extent is one of the rule's when a claim is given."""
    if bool(row["qualitative_claim"]) != bool(row["qualitative_extent"]):
        raise problem(
            path,
            row_number,
            "qualitative_extent",
            row["qualitative_extent"],
            "an extent exactly when a qualitative claim is given",
        )
    if row["qualitative_extent"] and row["qualitative_extent"] not in EXTENT_THRESHOLDS:
        raise problem(
            path,
            row_number,
            "qualitative_extent",
            row["qualitative_extent"],
            f"one of {list(EXTENT_THRESHOLDS)}",
        )


def load_links(data_dir: str | Path, surveys: dict[str, SurveyData]) -> dict[str, list[dict]]:
    """The statistic links by row id, each checked against the codebooks."""
    path = Path(data_dir) / LINKS_FILE
    frame = read_text_csv(path).fill_null("")
    links: dict[str, list[dict]] = {}
    for row_number, row in enumerate(frame.iter_rows(named=True), start=2):
        if row["survey"] not in surveys:
            raise problem(path, row_number, "survey", row["survey"], f"one of {list(surveys)}")
        codebook = surveys[row["survey"]].codebook
        try:
            column = codebook.column(row["variable"])
        except KeyError:
            raise problem(
                path, row_number, "variable", row["variable"], "a variable of the codebook"
            ) from None
        row["values"] = split_list(row["values"])
        bad = [value for value in row["values"] if value not in column.values]
        if bad or not row["values"]:
            raise problem(path, row_number, "values", bad, f"categories of {row['variable']}")
        if column.measure is None:
            raise problem(
                path, row_number, "variable", row["variable"], "an item the thesis reports"
            )
        if row["relation"] not in RELATIONS:
            raise problem(path, row_number, "relation", row["relation"], f"one of {RELATIONS}")
        if row["extent"] not in EXTENT_THRESHOLDS:
            raise problem(
                path, row_number, "extent", row["extent"], f"one of {list(EXTENT_THRESHOLDS)}"
            )
        check_quoted(path, row_number, "claim", row["claim"], row["claim_lines"], data_dir)
        row["row"] = row_number
        links.setdefault(row["row_id"], []).append(row)
    return links


class StatisticComputer:
    """Proportions with the recommended interval, each computed once per build."""

    def __init__(self, surveys: dict[str, SurveyData], method: str, n_resamples: int, seed: int):
        self.surveys, self.method = surveys, method
        self.n_resamples, self.seed = n_resamples, seed
        self._cache: dict[tuple[str, str, str], dict] = {}

    def proportion(self, survey: str, variable: str, value: str) -> dict:
        key = (survey, variable, value)
        if key not in self._cache:
            data = self.surveys[survey]
            column = data.codebook.column(variable)
            labels = {category.value: category.label_en for category in column.categories}
            label = labels[value] if column.type == "multi_select" else column.label_en
            item = Item(variable, value, label, "", "", "", 0, 0)
            row = proportion_intervals(data, [item], self.n_resamples, self.seed).row(0, named=True)
            prefix = method_key(self.method)
            self._cache[key] = {
                "label": label,
                "k": row["k"],
                "n": row["n"],
                "low": row[f"{prefix}_low"],
                "high": row[f"{prefix}_high"],
                "measure": column.measure,
            }
        return self._cache[key]

    def statistics(self, links: list[dict]) -> list[LinkedStatistic]:
        """One statistic per category of each link, ready for the rule."""
        result = []
        for link in links:
            for value in link["values"]:
                found = self.proportion(link["survey"], link["variable"], value)
                result.append(
                    LinkedStatistic(
                        survey=link["survey"],
                        label=found["label"],
                        k=found["k"],
                        n=found["n"],
                        low=found["low"],
                        high=found["high"],
                        method=self.method,
                        relation=link["relation"],
                        extent=link["extent"],
                        claim=link["claim"],
                        claim_lines=link["claim_lines"],
                        measure=found["measure"],
                    )
                )
        return result


def voices(register: ExcerptRegister, excerpt_ids: list[str]) -> dict[str, str]:
    """Who speaks in ``excerpt_ids``, citizens and frontline workers apart, with counts."""
    excerpts = register.excerpts.filter(pl.col("excerpt_id").is_in(excerpt_ids))
    result = {}
    for role in ("citizen", "frontline"):
        speakers = Counter(excerpts.filter(pl.col("role") == role)["speaker"].to_list())
        result[role] = (
            ", ".join(f"{speaker} {count}" for speaker, count in speakers.most_common())
            if speakers
            else "none"
        )
    return result


def speaker_count(register: ExcerptRegister, excerpt_ids: list[str]) -> int:
    excerpts = register.excerpts.filter(pl.col("excerpt_id").is_in(excerpt_ids))
    return excerpts["speaker"].n_unique()


def wording_verdict(
    decision: Decision, row: dict, register: ExcerptRegister, excerpt_ids: list[str]
) -> str:
    """Whether the evidence carries the thesis' wording for a row, and why, in one line."""
    parts = []
    if decision.verdict != "qualitative only":
        if decision.wording_carried:
            parts.append("the survey carries it")
        elif any(position != "above" for position in decision.position.split("; ")):
            parts.append("stronger than the survey shows")
        else:
            parts.append("the survey measures a related item only")
    if row.get("qualitative_extent"):
        carried, why = qualitative_wording(
            row["qualitative_extent"], len(excerpt_ids), speaker_count(register, excerpt_ids)
        )
        verdict = "carried" if carried else "stronger than the evidence"
        parts.append(
            f"“{row['qualitative_claim']}” ({line_reference(row['qualitative_claim_lines'])}): "
            f"{verdict}: "
            f"{why}"
        )
    return "; ".join(parts) or "the thesis claims no extent for it"


def linked_excerpts(register: ExcerptRegister, codes: list[str], ranges) -> pl.DataFrame:
    """Every excerpt inside ``ranges`` carrying one of ``codes``, in thesis order."""
    inside = pl.lit(False)
    for first, last in ranges:
        inside = inside | ((pl.col("first_line") >= first) & (pl.col("last_line") <= last))
    return register.find(code=codes).filter(inside).sort("first_line")


def quoted_excerpts(register: ExcerptRegister, ids: list[str], shown: int = SHOWN_EXCERPTS) -> str:
    """The first ``shown`` excerpts quoted short, the rest listed by id, for a page's cell."""
    quoted = [
        f"{excerpt_id} ({register.excerpt(excerpt_id)['speaker']}): "
        f"“{register.short(excerpt_id, 110)}”"
        for excerpt_id in ids[:shown]
    ]
    if len(ids) > shown:
        quoted.append(f"and {len(ids) - shown} more: {', '.join(ids[shown:])}")
    return "\n".join(quoted) if quoted else "none"


def load_themes(data_dir: str | Path, register: ExcerptRegister) -> list[dict]:
    """Read the theme rows and check every reference in them; return them as dicts."""
    path = Path(data_dir) / DISPLAYS_FILE
    frame = read_text_csv(path).fill_null("")
    themes = []
    for row_number, row in enumerate(frame.iter_rows(named=True), start=2):
        if row["display"] not in DISPLAY_TITLES:
            raise problem(
                path, row_number, "display", row["display"], f"one of {list(DISPLAY_TITLES)}"
            )
        row["codes"] = check_codes(path, row_number, row["codes"], register)
        check_qualitative_claim(path, row_number, row)
        row["excerpt_ranges"] = parse_line_ranges(row["excerpt_lines"])
        row["row"] = row_number
        themes.append(row)
    return themes


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
    links = load_links(data_dir, surveys)
    computer = StatisticComputer(surveys, method, n_resamples, seed)
    rows, shown = [], []
    for theme in load_themes(data_dir, register):
        if theme["display"] != display_id:
            continue
        statistics = computer.statistics(links.get(theme["theme_id"], []))
        decision = decide(statistics)
        ids = linked_excerpts(register, theme["codes"], theme["excerpt_ranges"])[
            "excerpt_id"
        ].to_list()
        speaking = voices(register, ids)
        first = statistics[0] if statistics else None
        rows.append(
            {
                "theme_id": theme["theme_id"],
                "theme": theme["theme"],
                "analysis_part": theme["analysis_part"],
                "survey_items": "; ".join(
                    f"{link['survey']}: {link['variable']} = {', '.join(link['values'])}"
                    for link in links.get(theme["theme_id"], [])
                ),
                "k": first.k if first else None,
                "n": first.n if first else None,
                "share": first.k / first.n if first else None,
                "interval_low": first.low if first else None,
                "interval_high": first.high if first else None,
                "interval_method": method if first else "",
                "statistics": " | ".join(summaries(statistics)),
                "excerpt_ids": "; ".join(ids),
                "citizen_voices": speaking["citizen"],
                "frontline_voices": speaking["frontline"],
                "codes": "; ".join(theme["codes"]),
                "meta_inference": decision.verdict,
                "rule_reason": decision.reason,
                "wording": wording_verdict(decision, theme, register, ids),
                "reading": theme["reading"],
            }
        )
        shown.append(
            {
                "theme": f"{theme['theme']} (part {theme['analysis_part']})",
                "statistic": "\n".join(summaries(statistics)) or "no survey item",
                "excerpts": quoted_excerpts(register, ids)
                + f"\nCitizens: {speaking['citizen']}. Frontline: {speaking['frontline']}.",
                "concepts": "; ".join(
                    f"{labels[code]} ({theorists[code]})" for code in theme["codes"]
                ),
                "meta_inference": decision.verdict,
                "rationale": f"{decision.reason} {theme['reading']}",
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
    sources = [Path(data_dir) / DISPLAYS_FILE, Path(data_dir) / LINKS_FILE, *register.sources]
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
            "meta_inference": "Meta-inference (by the rule)",
            "rationale": "Why",
        },
        note=(
            "Statistics are computed from the survey data when the book is built; excerpts are "
            "every excerpt of the register in the theme's part of the thesis that carries one of "
            "its codes (ids as in T13). The meta-inference is decided by the book's rule from "
            "the interval and the thesis' wording; the reading after it is the book's."
        ),
    )


#: Themes whose statistic the integration chapter's prose quotes, by the name it uses.
QUOTED_STATISTICS = {
    "help": "J01-2",
    "caseworker": "J02-1",
    "postponed": "J02-2",
    "steering": "J02-4",
}


def display_numbers(displays: dict[str, Table], recommended: str) -> dict[str, object]:
    """The numbers the integration chapter quotes, by name (for ``Chapter.glue``): themes by
    meta-inference, the excerpts linked, and the statistics of the themes its prose discusses."""
    themes = [row for table in displays.values() for row in table.frame.iter_rows(named=True)]
    by_theme = {row["theme_id"]: row for row in themes}
    return {
        "recommended": recommended,
        "n_themes": len(themes),
        **{
            f"n_{verdict.replace(' ', '_')}": sum(
                row["meta_inference"] == verdict for row in themes
            )
            for verdict in ("confirms", "expands", "diverges", "qualitative only")
        },
        "n_linked": len({i for row in themes for i in row["excerpt_ids"].split("; ") if i}),
        **{
            f"{name}_statistic": by_theme[theme_id]["statistics"]
            for name, theme_id in QUOTED_STATISTICS.items()
        },
        "stigma_voices": (
            f"citizens' words only (excerpts by speaker: {by_theme['J02-3']['citizen_voices']})"
        ),
    }
