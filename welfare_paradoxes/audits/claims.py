"""The claims ledger (T10): every number in the thesis text, where it stands, what it recomputes to.

The ledger is built in two halves that check each other:

1. A tokenizer finds every *candidate* number in the text: digits in Danish formats (``20.350``,
   ``66,7``, ``5.000 - 7.000``), percentages, and number words (``tre``, ``seks``, ``femte``).
   Written rules drop the candidates that are not claims about the world: years and pages of
   citations, appendix (Bilag) and page references, speaker numbers, paragraphs of law, the
   numbers of the thesis' own sections. Each rule is listed in ``DROP_RULES`` with its reason.
2. ``data/claims/claims.csv`` gives every kept candidate a ledger row: the claim as printed,
   its kind, and either a recomputation (an arithmetic expression over named inputs, evaluated
   at build time) or a status saying why it cannot be recomputed.

A kept candidate without a row, or a row whose number is not in the text at its line, is an error,
so the ledger cannot silently fall behind the text. A recomputed row's status is not written by
hand: it is ``reproduced`` when the recomputed value agrees with the printed one (within half a unit
of the last printed digit, or within a printed range), and ``discrepancy`` otherwise, with the
size of the difference.

The survey counts are read from the thesis text (``data/claims/inputs.csv``) unless ``counts``
from the survey data (:func:`survey_counts`) replace them; the same rows then recompute from the
data.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from welfare_paradoxes import design, economics
from welfare_paradoxes.audits.citations import parse_citations
from welfare_paradoxes.engine.artifacts import Table
from welfare_paradoxes.engine.datafiles import read_text_csv
from welfare_paradoxes.engine.display import format_cell
from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.survey import SurveyData, item_counts
from welfare_paradoxes.thesis import THESIS_FILE, line_of, line_starts, load_thesis

CLAIMS_FILE = Path("claims") / "claims.csv"
INPUTS_FILE = Path("claims") / "inputs.csv"

KINDS = ("survey statistic", "external input", "derived", "descriptive")
STATUSES = (
    "reproduced",
    "consistent by construction",
    "input",
    "needs the appendices",
    "discrepancy",
)
# Statuses a row may state by hand; the others follow from its recomputation. A recomputation
# that agrees but reads a count of the reconstructed surveys is "consistent by construction":
# the reconstruction was built to match that count, so on it the check cannot fail.
STATED_STATUSES = ("input", "needs the appendices")

# The abstract (lines 1-55) is in English: "to" there is a preposition, not the Danish "two".
ENGLISH_ABSTRACT_LAST_LINE = 55

NUMBER_WORDS = {
    "to": 2,
    "tre": 3,
    "fire": 4,
    "fem": 5,
    "seks": 6,
    "syv": 7,
    "otte": 8,
    "ni": 9,
    "ti": 10,
    "elleve": 11,
    "tolv": 12,
    "tyve": 20,
    "halvtreds": 50,
    "hundrede": 100,
    "tusind": 1000,
    "tredje": 3,
    "fjerde": 4,
    "femte": 5,
    "sjette": 6,
    "syvende": 7,
    "ottende": 8,
    "niende": 9,
    "tiende": 10,
}
# Danish digits: a thousands point ("20.350") or a decimal comma ("66,7"); a trailing ":" or "."
# is punctuation, not part of the number.
_DIGITS = re.compile(r"(?<!\w)\d+(?:[.,]\d+)*")
_WORDS = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """A number found in the text: its line, the token as printed, and its value."""

    line: int
    token: str
    value: float
    start: int
    end: int


def parse_danish_number(token: str) -> float:
    """Read a number as Danish print writes it.

    >>> parse_danish_number("20.350"), parse_danish_number("66,7"), parse_danish_number("1.980")
    (20350.0, 66.7, 1980.0)
    """
    if token.lower() in NUMBER_WORDS:
        return float(NUMBER_WORDS[token.lower()])
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", token):
        return float(token.replace(".", ""))
    if re.fullmatch(r"\d+(?:,\d+)?", token):
        return float(token.replace(",", "."))
    raise ValueError(f"{token!r} is not a number in Danish notation")


def find_candidates(text: str) -> list[Candidate]:
    """Every digit group and number word in ``text``, in order."""
    starts = line_starts(text)
    found = []
    for pattern in (_DIGITS, _WORDS):
        for match in pattern.finditer(text):
            token = match.group(0)
            try:
                value = parse_danish_number(token)
            except ValueError:
                # Digits joined by points that are not thousands groups: a section number such
                # as "1.1" or a date; read the leading group and let the rules judge the context.
                value = float(re.match(r"\d+", token).group())
            line = line_of(match.start(), starts)
            found.append(Candidate(line, token, value, match.start(), match.end()))
    return sorted(found, key=lambda candidate: candidate.start)


@dataclass(frozen=True)
class DropRule:
    """A reason why a number in the text is not a claim."""

    id: str
    description: str
    applies: Callable[[Candidate, str, list[tuple[int, int]]], bool]


def _before(candidate: Candidate, text: str, width: int = 40) -> str:
    """The text just before a candidate, whitespace (line breaks included) collapsed to spaces."""
    return re.sub(r"\s+", " ", text[max(0, candidate.start - width) : candidate.start])


def _in_citation(candidate: Candidate, text: str, spans: list[tuple[int, int]]) -> bool:
    return any(start <= candidate.start < end for start, end in spans)


def _page_reference(candidate: Candidate, text: str, spans) -> bool:
    return bool(re.search(r"\bs\.\s*(\d+\s*[-–]\s*)?$", _before(candidate, text)))


def _appendix(candidate: Candidate, text: str, spans) -> bool:
    return bool(re.search(r"\bbilag\s+(\d+\s*(?:[-–,]|og)\s*)*$", _before(candidate, text), re.I))


_SPEAKERS = r"(borgere?|frontlinjeaktør|frontlinje aktør|frontlinkeaktør|nr\.|Lykke|Heidi)"


def _speaker_number(candidate: Candidate, text: str, spans) -> bool:
    before = _before(candidate, text)
    return bool(re.search(rf"\b{_SPEAKERS},?\s*$", before, re.I)) and candidate.token.isdigit()


def _law_paragraph(candidate: Candidate, text: str, spans) -> bool:
    return bool(re.search(r"§\s*$", _before(candidate, text)))


_SECTIONS = r"(analyse|delanalyse|analysedel|underspørgsmål)"


def _section_number(candidate: Candidate, text: str, spans) -> bool:
    before = _before(candidate, text)
    at_line_start = text[: candidate.start].rsplit("\n", 1)[-1].strip() == ""
    heading = at_line_start and re.match(r"\d\.\d\s+[A-ZÆØÅ]", text[candidate.start :])
    return bool(re.search(rf"\b{_SECTIONS}\s*$", before, re.I) or heading)


def _english_abstract(candidate: Candidate, text: str, spans) -> bool:
    return candidate.line <= ENGLISH_ABSTRACT_LAST_LINE and not candidate.token[0].isdigit()


def _name(candidate: Candidate, text: str, spans) -> bool:
    # "ICD-10" names a diagnosis system, not a quantity. ("DK2030" never becomes a candidate:
    # digits glued to letters are part of a word.)
    return bool(re.search(r"ICD-$", _before(candidate, text, 4)))


DROP_RULES = (
    DropRule(
        "citation",
        "year or page inside an author-year citation, e.g. (Hein, 2023:30)",
        _in_citation,
    ),
    DropRule("page reference", "a page of the thesis itself, e.g. (s. 23)", _page_reference),
    DropRule("appendix", "an appendix number, e.g. Bilag 7 or bilag 1-3", _appendix),
    DropRule(
        "speaker number",
        "the number that identifies a speaker, e.g. Lykke borger 1, Borger 27",
        _speaker_number,
    ),
    DropRule("law paragraph", "a paragraph of an act, e.g. §27", _law_paragraph),
    DropRule(
        "section number",
        "the number of a part of the thesis, e.g. analyse 1, Delanalyse 2.1, underspørgsmål 2",
        _section_number,
    ),
    DropRule(
        "english abstract", "a word in the English abstract (to = preposition)", _english_abstract
    ),
    DropRule("name", "part of a name: the ICD-10 and ICD-11 diagnosis systems", _name),
)


def classify_candidates(text: str) -> tuple[list[Candidate], dict[str, list[Candidate]]]:
    """Split the candidates into kept ones and dropped ones (by the first rule that applies)."""
    spans = [(citation.start, citation.end) for citation in parse_citations(text)]
    kept, dropped = [], {rule.id: [] for rule in DROP_RULES}
    for candidate in find_candidates(text):
        rule = next((rule for rule in DROP_RULES if rule.applies(candidate, text, spans)), None)
        if rule is None:
            kept.append(candidate)
        else:
            dropped[rule.id].append(candidate)
    return kept, dropped


# -- The ledger -------------------------------------------------------------------------------

_ATTRIBUTION = re.compile(
    r"\((?:[A-ZÆØÅ][a-zæøå]+,?\s+)?(borger|frontlinjeaktør|frontlinje aktør)\s+(?:nr\.\s*)?"
    r"(?:[A-ZÆØÅ][a-zæøå]+\s+)?(\d+),?\s+bilag\s+(\d+)",
    re.IGNORECASE,
)


def quote_attributions(text: str) -> list[tuple[str, int, int]]:
    """(role, speaker number, appendix) of every quote attribution such as ``(Borger 3, Bilag 7)``
    or ``(Heidi frontlinjeaktør 1, bilag 4)`` in ``text``."""
    return [
        (role.lower().replace(" ", ""), int(number), int(appendix))
        for role, number, appendix in _ATTRIBUTION.findall(" ".join(text.split()))
    ]


class _Evaluator(ast.NodeVisitor):
    """Evaluate an arithmetic expression over named values and a few whitelisted functions."""

    _BINARY = {
        ast.Add: operator.add,
        ast.Sub: operator.sub,
        ast.Mult: operator.mul,
        ast.Div: operator.truediv,
    }

    def __init__(self, values: Mapping[str, float], functions: Mapping[str, Callable]):
        self.values, self.functions = values, functions

    def visit_Expression(self, node):
        return self.visit(node.body)

    def visit_Constant(self, node):
        if not isinstance(node.value, int | float):
            raise ValueError(f"constant {node.value!r} is not a number")
        return node.value

    def visit_Name(self, node):
        if node.id not in self.values:
            raise ValueError(f"unknown name {node.id!r}")
        return self.values[node.id]

    def visit_BinOp(self, node):
        if type(node.op) not in self._BINARY:
            raise ValueError(f"operator {type(node.op).__name__} is not allowed")
        return self._BINARY[type(node.op)](self.visit(node.left), self.visit(node.right))

    def visit_UnaryOp(self, node):
        if not isinstance(node.op, ast.USub):
            raise ValueError(f"operator {type(node.op).__name__} is not allowed")
        return -self.visit(node.operand)

    def visit_Call(self, node):
        if not isinstance(node.func, ast.Name) or node.func.id not in self.functions:
            raise ValueError(f"unknown function in {ast.unparse(node)!r}")
        return self.functions[node.func.id](*(self.visit(argument) for argument in node.args))

    def generic_visit(self, node):
        raise ValueError(f"{type(node).__name__} is not allowed in a recomputation")


def evaluate(expression: str, values: Mapping[str, float], functions: Mapping[str, Callable]):
    """Evaluate ``expression`` (arithmetic over ``values``, calls of ``functions``)."""
    return _Evaluator(values, functions).visit(ast.parse(expression, mode="eval"))


def percent(count: float, total: float) -> float:
    """``count`` as a percentage of ``total``."""
    if total <= 0:
        raise ValueError(f"cannot take a percentage of a total of {total}")
    return 100.0 * count / total


@dataclass(frozen=True)
class Inputs:
    """The named values recomputations use, with where each one comes from."""

    values: dict[str, float]
    origin: dict[str, str]
    defining_line: dict[str, int]


def ledger_inputs(
    data_dir: Path, counts: Mapping[str, int] | None = None, constructed: Iterable[str] = ()
) -> Inputs:
    """Thesis counts (``inputs.csv``), overridden by ``counts`` from data (those named in
    ``constructed`` come from a reconstruction built to match them); the tax model's values;
    the societal cost figures; counts from the design data files."""
    values, origin, defining_line = {}, {}, {}
    path = data_dir / INPUTS_FILE
    for number, row in enumerate(_read_csv(path, ("name", "value", "line")), start=2):
        values[row["name"]] = _to_number(row["value"], path, number, "value")
        origin[row["name"]] = "thesis"
        defining_line[row["name"]] = int(_to_number(row["line"], path, number, "line"))
    constructed = set(constructed)
    for name, count in (counts or {}).items():
        if name not in values:
            raise ValueError(f"count {name!r} is not an input of {path}")
        values[name] = float(count)
        origin[name] = "reconstruction" if name in constructed else "data"
    for name, value in economics.model_values(data_dir).items():
        values[name], origin[name] = value, "model"
    for name, value in economics.cost_figures(data_dir).items():
        values[f"cost_{name}"], origin[f"cost_{name}"] = value, "source"
    informants = design.informants_table(data_dir).frame
    samples = design.samples_table(data_dir).frame
    parts = design.read_data_csv(data_dir, design.ANALYSIS_PARTS_FILE)["analysis_part"].to_list()
    analyses = {part.split(".")[0] for part in parts}
    derived = {
        "interviewed_citizens": informants.filter(pl.col("role") == "citizen").height,
        "interviewed_frontline": informants.filter(pl.col("role") == "frontline").height,
        "annette_age": informants.filter(pl.col("pseudonym") == "Annette")["age"].item(),
        "surveys": samples.filter(pl.col("strand").str.ends_with("survey")).height,
        "analyses": len(analyses),
        "parts_per_analysis": len(parts) / len(analyses),
        "interview_guides": sum(
            1 for kind in design.BILAG_CONTENTS.values() if kind == "interview guide"
        ),
    }
    for name, value in derived.items():
        values[name], origin[name] = float(value), "data"
    return Inputs(values, origin, defining_line)


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict]:
    return read_text_csv(path, required).fill_null("").to_dicts()


def _to_number(value: str, path: Path, row: int, column: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError(
            f"{path}, row {row}, column {column!r}: {value!r} is not a number"
        ) from None


def printed_bounds(tokens: list[str], comparison: str) -> tuple[float, float]:
    """The interval a printed claim states: a value, a range, or a lower bound ('over')."""
    numbers = [parse_danish_number(token) for token in tokens]
    if comparison == "range":
        if len(numbers) != 2:
            raise ValueError(f"a range needs two numbers, got {tokens}")
        return min(numbers), max(numbers)
    if len(numbers) != 1:
        raise ValueError(f"a {comparison!r} claim needs one number, got {tokens}")
    if comparison == "over":
        return numbers[0], math.inf
    return numbers[0], numbers[0]


def default_tolerance(token: str) -> float:
    """Half a unit of the last printed digit: 0.05 for '66,7', 0.5 for '41' or '12.326'."""
    decimals = token.split(",")[1] if "," in token else ""
    return 0.5 * 10.0 ** (-len(decimals))


def judge(value: float, low: float, high: float, tolerance: float, comparison: str):
    """(status, difference): reproduced when ``value`` lies in the printed interval, widened by
    the tolerance; for 'over', it must exceed the printed bound. Difference to the nearest bound.
    """
    if comparison == "over":
        return ("reproduced", 0.0) if value > low else ("discrepancy", value - low)
    if low - tolerance <= value <= high + tolerance:
        return "reproduced", 0.0
    return "discrepancy", value - (low if value < low else high)


def load_claims(data_dir: Path) -> list[dict]:
    """The rows of ``claims.csv``, checked: kinds, statuses, comparisons and line numbers."""
    path = data_dir / CLAIMS_FILE
    rows = _read_csv(
        path, ("claim_id", "line", "tokens", "claim", "kind", "recompute", "stated_status")
    )
    seen = set()
    for number, row in enumerate(rows, start=2):
        where = f"{path}, row {number}"
        if row["claim_id"] in seen:
            raise ValueError(f"{where}, column 'claim_id': {row['claim_id']!r} is used twice")
        seen.add(row["claim_id"])
        row["line"] = int(_to_number(row["line"], path, number, "line"))
        row["tokens"] = [token.strip() for token in row["tokens"].split(";") if token.strip()]
        if row["kind"] not in KINDS:
            raise ValueError(f"{where}, column 'kind': {row['kind']!r}; expected one of {KINDS}")
        if bool(row["recompute"]) == bool(row["stated_status"]):
            raise ValueError(
                f"{where}: give either 'recompute' or 'stated_status' (one of {STATED_STATUSES})"
            )
        if row["stated_status"] and row["stated_status"] not in STATED_STATUSES:
            raise ValueError(
                f"{where}, column 'stated_status': {row['stated_status']!r}; expected one of "
                f"{STATED_STATUSES} (the others follow from a recomputation)"
            )
        if row["recompute"] and row["comparison"] not in ("approx", "range", "over"):
            raise ValueError(
                f"{where}, column 'comparison': {row['comparison']!r}; "
                "expected approx, range or over"
            )
        row["_where"] = where
    return rows


def check_coverage(rows: list[dict], kept: list[Candidate], thesis_lines: tuple[str, ...]) -> None:
    """Every kept candidate has exactly one ledger row, and every row's numbers are on its line."""
    expected: dict[int, list[str]] = {}
    for candidate in kept:
        expected.setdefault(candidate.line, []).append(candidate.token.lower())
    listed: dict[int, list[str]] = {}
    problems = []
    for row in rows:
        line_text = thesis_lines[row["line"] - 1] if 0 < row["line"] <= len(thesis_lines) else ""
        for token in row["tokens"]:
            if not re.search(rf"(?<!\w){re.escape(token)}(?!\w)", line_text, re.IGNORECASE):
                problems.append(f"{row['_where']}: {token!r} is not on line {row['line']}")
            if row.get("found_by", "tokenizer") == "tokenizer":
                listed.setdefault(row["line"], []).append(token.lower())
    for line in sorted(set(expected) | set(listed)):
        missing = _multiset_difference(expected.get(line, []), listed.get(line, []))
        extra = _multiset_difference(listed.get(line, []), expected.get(line, []))
        if missing:
            problems.append(
                f"line {line}: number(s) {missing} found in the text have no ledger row"
            )
        if extra:
            problems.append(f"line {line}: ledger lists {extra}, which the tokenizer does not keep")
    if problems:
        raise ValueError("claims ledger out of step with the thesis text:\n" + "\n".join(problems))


def _multiset_difference(first: list[str], second: list[str]) -> list[str]:
    remaining = list(second)
    result = []
    for item in first:
        if item in remaining:
            remaining.remove(item)
        else:
            result.append(item)
    return result


def ledger(
    data_dir: str | Path = DATA_DIR,
    counts: Mapping[str, int] | None = None,
    constructed: Iterable[str] = (),
) -> pl.DataFrame:
    """Every ledger row with its recomputed value and status, evaluated now.

    ``constructed`` names the ``counts`` read from a reconstruction: a row that agrees only
    through one of them is consistent by construction, not reproduced.
    """
    data_dir = Path(data_dir)
    thesis = load_thesis(data_dir)
    text = "\n".join(thesis.lines)
    kept, _ = classify_candidates(text)
    rows = load_claims(data_dir)
    check_coverage(rows, kept, thesis.lines)
    inputs = ledger_inputs(data_dir, counts, constructed)

    def span(first, last):
        return thesis.span(int(first), int(last))

    functions = {
        "pct": percent,
        "speakers": lambda first, last: float(len(set(quote_attributions(span(first, last))))),
        "quotes": lambda first, last: float(len(quote_attributions(span(first, last)))),
    }
    records = []
    for row in rows:
        recomputed, difference, status, basis = None, None, row["stated_status"], ""
        if row["recompute"]:
            try:
                recomputed = float(evaluate(row["recompute"], inputs.values, functions))
            except ValueError as error:
                raise ValueError(f"{row['_where']}, column 'recompute': {error}") from None
            name = row["recompute"].strip()
            bare_thesis_input = inputs.origin.get(name) == "thesis"
            if bare_thesis_input and inputs.defining_line.get(name) == row["line"]:
                status, basis = "input", "printed here first"
            else:
                low, high = printed_bounds(row["tokens"], row["comparison"])
                tolerance = (
                    float(row["tolerance"])
                    if row["tolerance"]
                    else default_tolerance(row["tokens"][-1])
                )
                status, difference = judge(recomputed, low, high, tolerance, row["comparison"])
                basis = _basis(row["recompute"], inputs)
                if status == "reproduced" and "reconstruction" in _origins(
                    row["recompute"], inputs
                ):
                    status = "consistent by construction"
        records.append(
            {
                "claim_id": row["claim_id"],
                "line": row["line"],
                "printed": (" – " if row.get("comparison") == "range" else ", ").join(
                    row["tokens"]
                ),
                "claim": row["claim"],
                "kind": row["kind"],
                "recompute": row["recompute"],
                "recomputed": recomputed,
                "difference": difference,
                "status": status,
                "basis": basis,
                "spec_id": row.get("spec_id", ""),
                "found_by": row.get("found_by", ""),
                "note": row.get("note", ""),
            }
        )
    return pl.DataFrame(
        records,
        schema={
            "claim_id": pl.String,
            "line": pl.Int64,
            "printed": pl.String,
            "claim": pl.String,
            "kind": pl.String,
            "recompute": pl.String,
            "recomputed": pl.Float64,
            "difference": pl.Float64,
            "status": pl.String,
            "basis": pl.String,
            "spec_id": pl.String,
            "found_by": pl.String,
            "note": pl.String,
        },
    )


def _origins(expression: str, inputs: Inputs) -> list[str]:
    names = sorted(set(re.findall(r"[A-Za-z_]\w*", expression)) & set(inputs.values))
    return sorted({inputs.origin[name] for name in names})


def _basis(expression: str, inputs: Inputs) -> str:
    labels = {
        "thesis": "thesis counts",
        "data": "data files",
        "reconstruction": "reconstructed survey (built to match the thesis)",
        "model": "tax model",
        "source": "cited source",
    }
    origins = _origins(expression, inputs) or ["thesis text"]
    return ", ".join(labels.get(origin, origin) for origin in origins)


def search_summary(data_dir: str | Path = DATA_DIR) -> dict:
    """How the ledger was searched: candidates found, kept, and dropped by each rule."""
    thesis = load_thesis(Path(data_dir))
    kept, dropped = classify_candidates("\n".join(thesis.lines))
    digits = sum(1 for candidate in kept if candidate.token[0].isdigit())
    return {
        "found": len(kept) + sum(len(items) for items in dropped.values()),
        "kept": len(kept),
        "kept_digits": digits,
        "kept_words": len(kept) - digits,
        "dropped": {rule.id: len(dropped[rule.id]) for rule in DROP_RULES},
        "rules": {rule.id: rule.description for rule in DROP_RULES},
    }


def drop_rule_table(data_dir: str | Path = DATA_DIR) -> Table:
    """The drop rules with the number of candidates each removed (a supporting table)."""
    summary = search_summary(data_dir)
    return Table(
        id="drop rules",
        title="Numbers the tokenizer finds that are not claims",
        frame=pl.DataFrame(
            {
                "rule": list(summary["rules"]),
                "what it drops": list(summary["rules"].values()),
                "candidates dropped": list(summary["dropped"].values()),
            }
        ),
        sources=(Path(data_dir) / THESIS_FILE,),
        labels={"rule": "Rule", "what it drops": "What it drops", "candidates dropped": "Dropped"},
    )


def _display_number(value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return format_cell(int(round(value)))
    return f"{value:.1f}".replace(".", ",") if value != int(value) else str(int(value))


# Which survey item gives each count of data/claims/inputs.csv: (survey, variable, category);
# category None means the item's first category ("Ja").
SURVEY_COUNT_INPUTS = {
    "citizen_unsupported": ("citizens", "system_help_lacking", None),
    "caseworker_change": ("citizens", "changing_caseworkers", None),
    "postponed_sick_leave": ("citizens", "postponed_sick_leave", None),
    "symptom_anxiety": ("citizens", "symptoms", "Angst"),
    "symptom_sleep": ("citizens", "symptoms", "Søvnproblemer"),
    "symptom_memory": ("citizens", "symptoms", "Problemer med hukommelsen"),
    "symptom_palpitations": ("citizens", "symptoms", "Hjertebanken"),
    "frontline_economic": ("frontline", "economic_constraints", None),
}
SURVEY_SIZE_INPUTS = {"citizen_n": "citizens", "frontline_n": "frontline"}


def reconstructed_counts(surveys: Mapping[str, SurveyData]) -> set[str]:
    """The names of ``survey_counts`` whose survey is a reconstruction built to match them."""
    return {
        name
        for name, (survey, _, _) in SURVEY_COUNT_INPUTS.items()
        if surveys[survey].reconstructed
    } | {name for name, survey in SURVEY_SIZE_INPUTS.items() if surveys[survey].reconstructed}


def survey_counts(surveys: Mapping[str, SurveyData]) -> dict[str, int]:
    """The ledger's survey counts computed from the survey data (``{"citizens": ..., ...}``)."""
    counts = {
        name: item_counts(surveys[survey], variable, category)[0]
        for name, (survey, variable, category) in SURVEY_COUNT_INPUTS.items()
    }
    counts |= {name: surveys[survey].frame.height for name, survey in SURVEY_SIZE_INPUTS.items()}
    return counts


def status_counts_table(frame: pl.DataFrame) -> Table:
    """How many ledger rows of each kind have each status (a supporting table)."""
    rows = [
        {"kind": kind}
        | {
            status: frame.filter((pl.col("kind") == kind) & (pl.col("status") == status)).height
            for status in STATUSES
        }
        for kind in KINDS
    ]
    return Table(
        id="status counts",
        title="Ledger rows by kind and status",
        frame=pl.DataFrame(rows),
        sources=(),
        labels={"kind": "Kind"} | {status: status.capitalize() for status in STATUSES},
    )


def claims_table(
    data_dir: str | Path = DATA_DIR,
    counts: Mapping[str, int] | None = None,
    count_sources: tuple[Path, ...] = (),
    constructed: Iterable[str] = (),
) -> Table:
    """T10: the claims ledger; ``counts`` (read from ``count_sources``) replace thesis counts,
    and those named in ``constructed`` come from a reconstruction built to match them."""
    data_dir = Path(data_dir)
    frame = ledger(data_dir, counts, constructed)
    frame = frame.with_columns(
        pl.col("line").cast(pl.String).alias("line_shown"),
        pl.col("recomputed")
        .map_elements(_display_number, return_dtype=pl.String)
        .alias("recomputed_shown"),
        pl.when((pl.col("status") == "discrepancy") & (pl.col("difference") == 0))
        .then(pl.lit("0: equal to the bound the text says it exceeds"))
        .when(pl.col("status") == "discrepancy")
        .then(pl.col("difference").map_elements(_signed, return_dtype=pl.String))
        .otherwise(pl.lit(""))
        .alias("difference_shown"),
    )
    return Table(
        id="T10",
        title="Claims ledger: every number in the thesis text",
        frame=frame,
        sources=(
            data_dir / THESIS_FILE,
            data_dir / CLAIMS_FILE,
            data_dir / INPUTS_FILE,
            data_dir / economics.TAX_FILE,
            data_dir / economics.RATES_FILE,
            data_dir / economics.COST_FILE,
            data_dir / economics.TRAJECTORY_FILE,
            data_dir / design.INFORMANTS_FILE,
            data_dir / design.SAMPLES_FILE,
            data_dir / design.ANALYSIS_PARTS_FILE,
            *count_sources,
        ),
        labels={
            "claim_id": "Id (L + line)",
            "line": "Line",
            "line_shown": "Line",
            "printed": "Printed",
            "claim": "Claim (as printed, shortened)",
            "kind": "Kind",
            "recomputed_shown": "Recomputed",
            "difference_shown": "Difference",
            "status": "Status",
            "basis": "Recomputed from",
            "spec_id": "SPEC",
            "note": "Note",
        },
        note=(
            "Recomputed values are evaluated when the book is built; 'reproduced' means the "
            "printed figure agrees within half a unit of its last digit (or a stated rounding for "
            "'ca.' amounts), or lies in the printed range; 'consistent by construction' means it "
            "agrees through a count of the reconstructed surveys, which were built to match the "
            "thesis. Percentages use a decimal comma as printed in the thesis."
        ),
    )


def _signed(value: float) -> str:
    shown = _display_number(abs(value))
    return f"+{shown}" if value > 0 else (f"−{shown}" if value < 0 else "0")
