"""The paradoxes, the conclusions and the one rule for meta-inferences, checked from the raw files.

The rule is checked two ways: on hand-made intervals against its written statement, and over
every row of J01, J02 and J03, where the counts are taken from the survey CSV files with the
csv module, the Wilson intervals from statsmodels, and the thresholds from the rule's text.
"""

import csv
import re
from pathlib import Path

import pytest
from statsmodels.stats.proportion import proportion_confint

from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.integration import findings
from welfare_paradoxes.integration.joint_displays import JointDisplayError, joint_display
from welfare_paradoxes.integration.meta_inference import (
    LinkedStatistic,
    decide,
    decide_link,
    position,
)

# As the rule is written: a majority or a whole group, more than a quarter, more than none.
THRESHOLDS = {"general": 0.5, "group": 0.5, "common": 0.25, "present": 0.0}
MENTION_ITEMS = {"symptoms", "changing_caseworkers", "economic_constraints"}  # "nævner"


def _statistic(low, high, relation="same", extent="general", measure="closed"):
    return LinkedStatistic(
        "citizens", "item", 1, 2, low, high, "Wilson", relation, extent, "claim", "1", measure
    )


@pytest.mark.parametrize(
    ("low", "high", "relation", "extent", "measure", "verdict"),
    [
        (0.51, 0.79, "same", "general", "closed", "confirms"),
        (0.434, 0.729, "same", "general", "closed", "expands"),  # straddles one half
        (0.30, 0.45, "same", "general", "closed", "diverges"),
        (0.30, 0.45, "same", "general", "mention", "expands"),  # a lower bound cannot diverge
        (0.51, 0.79, "aspect", "general", "closed", "expands"),  # measures something else
        (0.30, 0.45, "aspect", "general", "closed", "diverges"),
        (0.27, 0.56, "same", "common", "mention", "confirms"),
        (0.20, 0.56, "same", "common", "closed", "expands"),
        (0.01, 0.10, "same", "present", "closed", "confirms"),
    ],
)
def test_the_rule_as_written(low, high, relation, extent, measure, verdict):
    assert decide_link(_statistic(low, high, relation, extent, measure)).verdict == verdict


def test_a_row_diverges_if_any_statistic_does_and_confirms_only_if_all_do():
    confirming, straddling = _statistic(0.6, 0.8), _statistic(0.4, 0.7)
    assert decide([confirming, confirming]).verdict == "confirms"
    assert decide([confirming, straddling]).verdict == "expands"
    assert decide([confirming, _statistic(0.1, 0.3)]).verdict == "diverges"
    assert decide([]).verdict == "qualitative only"
    assert position(0.5, 0.7, "general") == "straddles"  # the bound itself does not clear it


@pytest.fixture(scope="module")
def evidence(register, surveys):
    return findings.paradox_evidence(register, surveys, "Wilson", 1000, 3, DATA_DIR)


def _read(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _independent_verdict(links, survey_rows):
    """The rule applied to counts read with csv and intervals from statsmodels."""
    verdicts = []
    for link in links:
        for value in link["values"].split("; "):
            rows = survey_rows[link["survey"]]
            header = next(h for h in rows[0] if link["header"] == h)
            k = sum(value in row[header].split(", ") for row in rows)
            low, high = proportion_confint(k, len(rows), alpha=0.05, method="wilson")
            t = THRESHOLDS[link["extent"]]
            if low > t and link["relation"] == "same":
                verdicts.append("confirms")
            elif high < t and link["variable"] not in MENTION_ITEMS:
                verdicts.append("diverges")
            else:
                verdicts.append("expands")
    if not verdicts:
        return "qualitative only"
    if "diverges" in verdicts:
        return "diverges"
    return "confirms" if set(verdicts) == {"confirms"} else "expands"


def test_every_meta_inference_of_every_display_agrees_with_the_rule(register, surveys, evidence):
    survey_rows = {
        name: _read(DATA_DIR / "surveys" / f"{name}.csv") for name in ("citizens", "frontline")
    }
    headers = {
        (name, column.variable): column.header
        for name, data in surveys.items()
        for column in data.codebook.columns
    }
    links: dict[str, list[dict]] = {}
    for link in _read(DATA_DIR / "integration" / "statistic_links.csv"):
        link["header"] = headers[(link["survey"], link["variable"])]
        links.setdefault(link["row_id"], []).append(link)
    decided = {}
    for display_id in ("J01", "J02"):
        table = joint_display(display_id, register, surveys, "Wilson", 1000, 3)
        decided |= dict(zip(table.frame["theme_id"], table.frame["meta_inference"], strict=True))
    decided |= {p["paradox_id"]: p["decision"].verdict for p in evidence}
    assert len(decided) == 7 + 14
    for row_id, verdict in decided.items():
        assert verdict == _independent_verdict(links.get(row_id, []), survey_rows), row_id


def test_every_paradox_is_quoted_from_its_lines_and_has_evidence(evidence):
    lines = (DATA_DIR / "thesis" / "thesis.txt").read_text(encoding="utf-8").split("\n")
    excerpts = {row["excerpt_id"]: row for row in _read(DATA_DIR / "excerpts" / "excerpts.csv")}
    assert len(evidence) == 14
    for paradox in evidence:
        first, last = (int(x) for x in paradox["wording_lines"].split("-"))
        text = re.sub(r"\s+", " ", " ".join(lines[first - 1 : last]))
        assert re.sub(r"\s+", " ", paradox["wording"]) in text, paradox["paradox_id"]
        assert paradox["excerpts"] or paradox["statistics"] or paradox["other_evidence"]
        assert all(excerpt_id in excerpts for excerpt_id in paradox["excerpts"])
    named = {p["paradox_id"] for p in evidence if p["named"]}
    assert named == {p["paradox_id"] for p in evidence if "paradoks" in p["wording"].lower()}


def test_j03_lists_citizens_and_frontline_workers_apart(evidence, register, surveys):
    table = findings.paradoxes_table(evidence, register, surveys)
    informants = {
        r["pseudonym"]: r["role"] for r in _read(DATA_DIR / "interviews" / "informants.csv")
    }
    speakers = {
        r["excerpt_id"]: r["speaker"] for r in _read(DATA_DIR / "excerpts" / "excerpts.csv")
    }

    def role(excerpt_id):
        speaker = speakers[excerpt_id]
        if speaker.startswith("Frontlinjeaktør"):
            return "frontline"
        return informants.get(speaker, "citizen")

    for row in table.frame.iter_rows(named=True):
        for column, expected in (
            ("citizen_excerpts", "citizen"),
            ("frontline_excerpts", "frontline"),
        ):
            ids = [i for i in row[column].split("; ") if i]
            assert all(role(i) == expected for i in ids), (row["paradox_id"], column)
    by_id = {row["paradox_id"]: row for row in table.frame.iter_rows(named=True)}
    assert by_id["WP08"]["citizen_excerpts"] == ""  # the double role: frontline voices only
    lykke = {i for i, s in speakers.items() if s == "Lykke"}
    wp03 = set(by_id["WP03"]["citizen_excerpts"].split("; "))
    assert {"Q2130", "Q2160", "Q2205", "Q2256"} <= wp03 & lykke  # her four, and others' too
    assert wp03 - lykke


def test_conclusions_name_a_source_only_where_it_speaks(evidence, register, surveys):
    table = findings.conclusions_table(evidence, register, surveys, "Wilson", 1000, 3)
    by_id = {row["conclusion_id"]: row for row in table.frame.iter_rows(named=True)}
    # K05 says frontline workers in the survey describe the grey zone; the only frontline survey
    # quote the thesis prints (Frontlinjeaktør 18, line 1235) is about the week-22 reassessment.
    frontline_survey = [
        r["excerpt_id"]
        for r in _read(DATA_DIR / "excerpts" / "excerpts.csv")
        if r["speaker"].startswith("Frontlinjeaktør")
    ]
    assert not set(by_id["K05"]["excerpts"].split("; ")) & set(frontline_survey)
    assert by_id["K05"]["verdict"] == "stronger than the evidence"
    assert "frontline survey" in by_id["K05"]["why"]
    # "mange", "ofte" and claims about the citizens as such are not carried by excerpts alone.
    for row in by_id.values():
        if row["extent"] != "present" and row["statistics"] == "":
            assert row["verdict"] == "stronger than the evidence", row["conclusion_id"]


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            findings.PARADOXES_FILE,
            "men rask nok til at kunne håndtere systemets krav.",
            "men rask nok til at klare systemets krav.",
            r"paradoxes.csv: row 2, column 'wording'.*lines 1969-1971",
        ),
        (
            findings.PARADOXES_FILE,
            "Q1596; Q1606",
            "Q1596; Q9999",
            r"paradoxes.csv: row 2, column 'excerpts': found \['Q9999'\]",
        ),
        (
            findings.CONCLUSIONS_FILE,
            ",WP01; WP11,",
            ",WP01; WP99,",
            r"conclusions.csv: row 2, column 'paradoxes': found \['WP99'\]",
        ),
        (
            findings.CONCLUSIONS_FILE,
            "frontline survey; frontline interviews",
            "frontline survey; frontline press",
            r"conclusions.csv: row 6, column 'strands_claimed': found \['frontline press'\]",
        ),
        (
            findings.PARADOXES_FILE,
            ",T09",
            ",T99",
            r"paradoxes.csv: row 8, column 'other_evidence': found \['T99'\]",
        ),
        (
            Path("integration") / "statistic_links.csv",
            "23 ud af 39 borgere (59 %),2515",
            "23 ud af 39 borgere (60 %),2515",
            r"statistic_links.csv: row 6, column 'claim'.*at lines 2515",
        ),
    ],
)
def test_bad_rows_name_file_row_column_and_value(
    edited_data, register, surveys, file, old, new, message
):
    data = edited_data(file, old, new)
    with pytest.raises(JointDisplayError, match=message):
        evidence = findings.paradox_evidence(register, surveys, "Wilson", 100, 1, data)
        findings.conclusions_table(evidence, register, surveys, "Wilson", 100, 1, data)


def test_the_chapter_summary_counts_what_the_tables_hold(evidence, register, surveys):
    paradoxes = findings.paradoxes_table(evidence, register, surveys)
    conclusions = findings.conclusions_table(evidence, register, surveys, "Wilson", 1000, 3)
    numbers = findings.summary(evidence, paradoxes, conclusions, register)
    assert numbers["n_named"] + numbers["n_described"] == numbers["n_paradoxes"] == 14
    assert (
        numbers["n_confirms"]
        + numbers["n_expands"]
        + numbers["n_diverges"]
        + numbers["n_qualitative_only"]
    ) == 14
    assert numbers["n_carried"] + numbers["n_stronger"] == numbers["n_conclusions"]
    assert numbers["frontline_only"] == "savings that waste; helper and controller in one"
