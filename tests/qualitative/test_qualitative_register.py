"""The excerpt register against the thesis text it is taken from."""

import csv
import re
import shutil

import polars as pl
import pytest

from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.qualitative.register import (
    RegisterError,
    excerpt_register_table,
    load_register,
    reading_evidence,
    short_text,
)

EXCERPTS = DATA_DIR / "excerpts" / "excerpts.csv"
CODES = DATA_DIR / "excerpts" / "codes.csv"
EXCERPT_CODES = DATA_DIR / "excerpts" / "excerpt_codes.csv"
OTHER = DATA_DIR / "excerpts" / "other_quotations.csv"
QUOTE_MARK = re.compile('["“”]')
# An attribution as a reader spots it: a parenthesis naming a role and a Bilag.
ATTRIBUTION = re.compile(r"\([^()]*(?:borger|frontlin)[^()]*bilag[^()]*\)", re.IGNORECASE)


@pytest.fixture(scope="module")
def lines():
    return (DATA_DIR / "thesis" / "thesis.txt").read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def register():
    return load_register()


@pytest.fixture
def data_copy(tmp_path):
    for folder in ("thesis", "interviews", "excerpts"):
        shutil.copytree(DATA_DIR / folder, tmp_path / folder)
    return tmp_path


def _rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _span(lines, spec):
    first, _, last = spec.partition("-")
    return " ".join(" ".join(lines[int(first) - 1 : int(last or first)]).split())


def _plain(text):
    return " ".join(text.split())


def test_every_excerpt_occurs_verbatim_at_its_lines(lines):
    for row in _rows(EXCERPTS):
        assert _plain(row["text"]) in _span(lines, row["thesis_lines"]), row["excerpt_id"]


def test_every_attribution_in_the_thesis_closes_exactly_one_excerpt(lines):
    text = "\n".join(lines)
    attribution_end_lines = [text.count("\n", 0, m.end()) + 1 for m in ATTRIBUTION.finditer(text)]
    excerpt_last_lines = [int(r["thesis_lines"].split("-")[-1]) for r in _rows(EXCERPTS)]
    # The two survey quotes without a participant number have no attribution of their own.
    unnumbered = [r for r in _rows(EXCERPTS) if r["speaker"].endswith("(unnumbered)")]
    assert len(unnumbered) == 2
    numbered_last_lines = sorted(
        int(r["thesis_lines"].split("-")[-1])
        for r in _rows(EXCERPTS)
        if not r["speaker"].endswith("(unnumbered)")
    )
    assert sorted(attribution_end_lines) == numbered_last_lines
    assert len(excerpt_last_lines) == len(attribution_end_lines) + 2


def test_every_quotation_mark_in_the_thesis_is_explained(lines):
    covered = set()
    for row in _rows(EXCERPTS) + _rows(OTHER):
        first, _, last = row["thesis_lines"].partition("-")
        covered.update(range(int(first), int(last or first) + 1))
    unexplained = [
        n for n, line in enumerate(lines, 1) if QUOTE_MARK.search(line) and n not in covered
    ]
    assert unexplained == []


def test_other_quotations_are_what_they_are_said_to_be(lines):
    texts = {r["excerpt_id"]: _plain(r["text"]).lower() for r in _rows(EXCERPTS)}
    for row in _rows(OTHER):
        quoted = _plain(row["quoted_text"])
        assert quoted in _span(lines, row["thesis_lines"]), row
        if row["kind"] == "echo":
            pieces = [p.strip().lower() for p in re.split(r"\[(?:\.\.\.|…)\]", quoted)]
            position = 0
            for piece in pieces:
                position = texts[row["excerpt_id"]].find(piece, position)
                assert position >= 0, row
        if row["kind"] in ("paraphrase", "not found"):
            assert not any(quoted.lower() in text for text in texts.values()), row


def test_register_size_by_source(register):
    counts = dict(register.excerpts.group_by("source").len().iter_rows())
    # Hand count of the attributions, by the Bilag they cite (Bilag 1-3 citizen interviews,
    # 4-6 frontline interviews, 7 citizen survey, 8 frontline survey), plus the two
    # unnumbered survey quotes at line 1062.
    assert counts == {
        "citizen interview": 26,
        "frontline interview": 24,
        "citizen survey": 16 + 2,
        "frontline survey": 1,
    }


def test_interview_excerpts_by_informant(register):
    counts = dict(register.excerpts.group_by("speaker").len().iter_rows())
    assert {name: counts[name] for name in ("Lykke", "Annette", "Bettina")} == {
        "Lykke": 14,
        "Annette": 4,
        "Bettina": 8,
    }
    assert {name: counts[name] for name in ("Heidi", "Laila", "Lars")} == {
        "Heidi": 7,
        "Laila": 10,
        "Lars": 7,
    }


def test_attribution_as_printed_comes_with_the_quote(register):
    heidi = register.excerpt("Q2963")
    assert (heidi["speaker"], heidi["bilag"]) == ("Heidi", 4)
    assert heidi["attribution"] == "(Heidi, frontlinjeaktør 1, bilag 5)"
    assert register.excerpt("Q3012")["attribution"] == "(Lars frontlinjeaktør 2, bilag 6)"
    assert register.excerpt("Q2629")["speaker"] == "Borger 1"
    assert register.excerpt("Q2629")["source"] == "citizen survey"
    assert register.excerpt("Q1062a")["attribution"] is None


def test_every_code_used_is_defined():
    defined = {row["code"] for row in _rows(CODES)}
    used = {row["code"] for row in _rows(EXCERPT_CODES)}
    assert used <= defined
    assert len(defined) == len(_rows(CODES))


def test_each_reading_names_the_concept_of_its_code():
    evidence = reading_evidence()
    for row in evidence.iter_rows(named=True):
        terms = [term.strip().lower() for term in row["reading_terms"].split(";")]
        assert any(term in row["reading_text"].lower() for term in terms), (
            row["excerpt_id"],
            row["code"],
            row["reading_lines"],
        )


def test_each_reading_is_near_its_quote():
    first_line = {r["excerpt_id"]: int(r["thesis_lines"].split("-")[0]) for r in _rows(EXCERPTS)}
    for row in _rows(EXCERPT_CODES):
        for piece in row["reading_lines"].split(";"):
            start = int(piece.strip().split("-")[0])
            assert abs(start - first_line[row["excerpt_id"]]) <= 160, row


def test_retrieval_by_code_family_speaker_and_role(register):
    assert register.find(code="creaming")["excerpt_id"].to_list() == ["Q2995"]
    soc = register.find(family="Sense of coherence")
    assert set(soc["source"]) == {"citizen survey"}
    assert soc.height == 8
    lykke_stigma = register.find(family="Stigma", speaker="Lykke")
    assert lykke_stigma["excerpt_id"].to_list() == [
        "Q1535",
        "Q2130",
        "Q2160",
        "Q2205",
        "Q2231",
        "Q2256",
        "Q2305",
    ]
    assert register.find(role="frontline", source="frontline survey")["speaker"].to_list() == [
        "Frontlinjeaktør 18"
    ]
    with pytest.raises(ValueError, match=r"unknown code \['stgma'\]; choose from"):
        register.find(code="stgma")


def test_short_text_cuts_at_a_word_boundary():
    assert short_text("Det er det mulige.", 40) == "Det er det mulige."
    assert short_text("Det er jo ikke nødvendigvis det rigtige, vi gør", 30) == (
        "Det er jo ikke nødvendigvis …"
    )
    with pytest.raises(ValueError):
        short_text("x", 5)


def test_t13_has_one_row_per_excerpt_and_its_codes(register):
    table = excerpt_register_table(register)
    assert table.id == "T13"
    assert table.frame.height == len(_rows(EXCERPTS))
    row = table.frame.filter(pl.col("excerpt_id") == "Q1097").row(0, named=True)
    assert row["codes"] == "work_related_stress; existential_stress"
    assert row["thesis_lines"] == "1097\u20131103"


def _rewrite(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_quote_not_in_the_thesis_names_file_row_column_and_value(data_copy):
    _rewrite(data_copy / "excerpts" / "excerpts.csv", "Jeg var dårlig til", "Jeg var god til")
    with pytest.raises(
        RegisterError,
        match=r"excerpts.csv, row 7 \(line 8\), column 'text'.*"
        r"not found verbatim in thesis lines 1097-1103",
    ):
        load_register(data_copy)


def test_a_duplicate_id_is_refused(data_copy):
    _rewrite(data_copy / "excerpts" / "excerpts.csv", "Q1090,", "Q1084,")
    with pytest.raises(
        RegisterError,
        match=r"row 6 \(line 7\), column 'excerpt_id', "
        r"value 'Q1084': duplicate id",
    ):
        load_register(data_copy)


def test_an_undefined_code_is_refused(data_copy):
    _rewrite(data_copy / "excerpts" / "excerpt_codes.csv", "Q2995,creaming", "Q2995,skimming")
    with pytest.raises(
        RegisterError,
        match=r"excerpt_codes.csv, row \d+ \(line \d+\), column "
        r"'code', value 'skimming': code not defined",
    ):
        load_register(data_copy)


def test_a_speaker_the_thesis_does_not_name_is_refused(data_copy):
    _rewrite(
        data_copy / "excerpts" / "excerpts.csv",
        "Q1084,1084-1086,Borger 2,",
        "Q1084,1084-1086,Borger 3,",
    )
    with pytest.raises(
        RegisterError,
        match=r"column 'speaker', value 'Borger 3': the thesis "
        r"attributes this quote to 'Borger 2'",
    ):
        load_register(data_copy)
    _rewrite(
        data_copy / "excerpts" / "excerpts.csv",
        "Q1084,1084-1086,Borger 3,",
        "Q1084,1084-1086,Karen,",
    )
    with pytest.raises(RegisterError, match=r"value 'Karen': not a presented informant"):
        load_register(data_copy)
