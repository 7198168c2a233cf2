"""Each quoted answer sits verbatim in row N of the reconstruction, under its question."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from welfare_paradoxes.survey import load_survey

QUOTES_FILE = Path(__file__).resolve().parents[2] / "data" / "surveys" / "quotes.yml"
QUOTES = yaml.safe_load((QUOTES_FILE).read_text(encoding="utf-8"))
PLACED = [("citizens", q) for q in QUOTES["citizens"]] + [
    ("frontline", q) for q in QUOTES["frontline"]
]
IDS = [f"{survey}-row{q['row']}-line{q['lines']}" for survey, q in PLACED]
SPEAKER = {"citizens": "Borger", "frontline": "Frontlinjeaktør"}


def flat(text: str) -> str:
    return " ".join(text.split())


def thesis_span(lines: list[str], span: str, extra: int = 0) -> str:
    first, _, last = span.partition("-")
    return flat(" ".join(lines[int(first) - 1 : int(last or first) + extra]))


def test_survey_quotes_number_what_the_thesis_attributes():
    # Borger 2, 6, 9, 27, 17, 24, 37, 33, 6, 17, 3, 7, 3, 1, 3, 12 and Frontlinjeaktør 18.
    assert len(QUOTES["citizens"]) == 16
    assert sorted({q["row"] for q in QUOTES["citizens"]}) == [
        1, 2, 3, 6, 7, 9, 12, 17, 24, 27, 33, 37,
    ]  # fmt: skip
    assert [q["row"] for q in QUOTES["frontline"]] == [18]


@pytest.mark.parametrize("survey, quote", PLACED, ids=IDS)
def test_survey_quote_is_verbatim_in_the_thesis(survey, quote, thesis_lines):
    assert flat(quote["text"]) in thesis_span(thesis_lines, quote["lines"])


@pytest.mark.parametrize("survey, quote", PLACED, ids=IDS)
def test_survey_thesis_attributes_the_quote_to_its_row(survey, quote, thesis_lines):
    after = thesis_span(thesis_lines, quote["lines"], extra=3)
    attribution = (
        rf"\(\s*{SPEAKER[survey]} {quote['row']},\s*bilag {7 if survey == 'citizens' else 8}"
    )
    assert re.search(attribution, after, re.IGNORECASE), after[-120:]


@pytest.mark.parametrize("survey, quote", PLACED, ids=IDS)
def test_survey_quote_sits_in_its_row_and_column(survey, quote):
    frame = load_survey(survey).frame
    cell = frame.filter(frame["respondent"] == quote["row"])[quote["variable"]].item()
    assert flat(quote["text"]) in cell.split("\n\n")


def test_survey_only_quoted_cells_hold_text():
    citizens = load_survey("citizens").frame
    answered = {
        name: citizens[name].drop_nulls().len()
        for name in ("stress_cause", "stressful_transitions", "what_would_help", "other_comments")
    }
    # by hand: Borger 2, 6, 9 | 27 | 12 | 17, 24, 37, 33, 6, 3, 7, 1
    assert answered == {
        "stress_cause": 3,
        "stressful_transitions": 1,
        "what_would_help": 1,
        "other_comments": 8,
    }
    assert load_survey("frontline").frame["other_comments"].drop_nulls().len() == 1


def test_survey_named_questions_carry_the_thesis_wording(thesis_lines):
    codebook = load_survey("citizens").codebook
    for variable in ("stress_cause", "stressful_transitions"):
        column = codebook.column(variable)
        assert column.wording == "thesis"
        assert column.header in thesis_span(thesis_lines, column.wording_lines)
