"""The joint displays: every cell traceable to the register, the codes and the survey data."""

import csv

import polars as pl
import pytest
from statsmodels.stats.proportion import proportion_confint

from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.integration.joint_displays import (
    DISPLAYS_FILE,
    LINKS_FILE,
    JointDisplayError,
    joint_display,
)

# Counts the thesis prints for the items the displays use (SPEC C02-C05), typed from the thesis.
THESIS_COUNTS = {
    "J01-1": (18, 39),
    "J01-2": (26, 39),
    "J02-1": (16, 39),
    "J02-2": (23, 39),
    "J02-4": (12, 25),
}


@pytest.fixture(scope="module")
def displays(register, surveys):
    return {
        display_id: joint_display(display_id, register, surveys, "Wilson", 1000, 3)
        for display_id in ("J01", "J02")
    }


def _rows(displays):
    return [row for table in displays.values() for row in table.frame.iter_rows(named=True)]


def test_statistics_are_the_thesis_counts_with_statsmodels_intervals(displays):
    for row in _rows(displays):
        if row["theme_id"] not in THESIS_COUNTS:
            assert row["k"] is None and row["meta_inference"] == "qualitative only"
            continue
        k, n = THESIS_COUNTS[row["theme_id"]]
        assert (row["k"], row["n"]) == (k, n)
        low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert row["interval_low"] == pytest.approx(low) and row["interval_high"] == pytest.approx(
            high
        )


def test_every_linked_excerpt_exists_carries_a_theme_code_and_lies_in_its_lines(displays):
    with open(DATA_DIR / "excerpts" / "excerpt_codes.csv", encoding="utf-8") as handle:
        codes_of: dict[str, set[str]] = {}
        for record in csv.DictReader(handle):
            codes_of.setdefault(record["excerpt_id"], set()).add(record["code"])
    with open(DATA_DIR / "excerpts" / "excerpts.csv", encoding="utf-8") as handle:
        first_line = {
            r["excerpt_id"]: int(r["thesis_lines"].split("-")[0]) for r in csv.DictReader(handle)
        }
    with open(DATA_DIR / DISPLAYS_FILE, encoding="utf-8") as handle:
        themes = {r["theme_id"]: r for r in csv.DictReader(handle)}
    for row in _rows(displays):
        theme = themes[row["theme_id"]]
        wanted = {code.strip() for code in theme["codes"].split(";")}
        first, last = (int(x) for x in theme["excerpt_lines"].split("-"))
        ids = row["excerpt_ids"].split("; ")
        assert ids, row["theme_id"]
        for excerpt_id in ids:
            assert excerpt_id in first_line, excerpt_id
            assert codes_of[excerpt_id] & wanted, (row["theme_id"], excerpt_id)
            assert first <= first_line[excerpt_id] <= last, (row["theme_id"], excerpt_id)


def test_the_page_shows_the_excerpts_and_the_interval(displays):
    shown = displays["J02"].shown.row(3, named=True)
    assert "12/25 = 48.0 %, Wilson [30.0, 66.5]" in shown["statistic"]
    assert shown["excerpts"].startswith("Q2745 (Lars): “")
    assert shown["excerpts"].endswith("Citizens: none. Frontline: Laila 4, Lars 3, Heidi 3.")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            DISPLAYS_FILE,
            "work_related_stress; stress_not_recognised",
            "work_related_stress; no_such_code",
            r"joint_displays.csv: row 2, column 'codes': found \['no_such_code'\]",
        ),
        (
            DISPLAYS_FILE,
            "spørgeskemabesvarelser,1225,present",
            "spørgeskemabesvarelser,1225,most",
            r"joint_displays.csv: row 4, column 'qualitative_extent': found 'most'",
        ),
        (
            LINKS_FILE,
            "symptoms,Angst; Søvnproblemer,same",
            "symptoms,Angst; Hovedpine,same",
            r"statistic_links.csv: row 2, column 'values': found \['Hovedpine'\]",
        ),
        (
            LINKS_FILE,
            "Søvnproblemer,same,",
            "Søvnproblemer,identical,",
            r"statistic_links.csv: row 2, column 'relation': found 'identical'",
        ),
        (
            LINKS_FILE,
            "stresssymptomer,1052-1054,common",
            "stresssymptomer,1052-1054,many",
            r"statistic_links.csv: row 2, column 'extent': found 'many'",
        ),
        (
            LINKS_FILE,
            "J01-2,citizens,system_help_lacking",
            "J01-2,citizens,stress_cause",
            r"statistic_links.csv: row 4, column 'values'",
        ),
    ],
)
def test_bad_rows_name_file_row_column_and_value(
    edited_data, register, surveys, file, old, new, message
):
    data = edited_data(file, old, new)
    with pytest.raises(JointDisplayError, match=message):
        joint_display("J01", register, surveys, "Wilson", 100, 1, data)


def test_an_unknown_display_is_refused(register, surveys):
    with pytest.raises(ValueError, match="unknown joint display 'J03'"):
        joint_display("J03", register, surveys, "Wilson", 100, 1)


def test_frame_is_machine_readable(displays):
    frame = displays["J01"].frame
    assert frame.schema["k"] == pl.Int64 and frame.schema["interval_low"] == pl.Float64
