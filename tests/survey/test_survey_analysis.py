"""Counts for the kernels, the raw-data guard, and small-cell suppression."""

from __future__ import annotations

import polars as pl
import pytest

from welfare_paradoxes.survey import (
    ReconstructedDataError,
    count_table,
    crosstab,
    item_counts,
    load_export,
    load_survey,
    require_raw,
)

# A made-up raw citizen export of 14 respondents. Closed answers by hand:
#   system_help_lacking x postponed_sick_leave:  Ja/Ja 7, Ja/Nej 2, Nej/Ja 4, Nej/Nej 1
PAIRS = [("Ja", "Ja")] * 7 + [("Ja", "Nej")] * 2 + [("Nej", "Ja")] * 4 + [("Nej", "Nej")] * 1


@pytest.fixture
def raw_citizens(tmp_path, citizens_rows, write_csv, declare_raw, real_times):
    header, _ = citizens_rows
    declare_raw(tmp_path)
    body = []
    times = real_times(len(PAIRS))
    for number, (lacking, postponed) in enumerate(PAIRS):
        row = ["" for _ in header]
        row[0] = times[number]
        row[1] = "Angst, Hjertebanken" if number < 5 else "Angst"
        row[3], row[5], row[6] = lacking, "", postponed
        body.append(row)
    return load_export(write_csv(tmp_path / "citizens.csv", header, body), "citizens")


def test_survey_item_counts_on_raw_data(raw_citizens):
    assert item_counts(raw_citizens, "system_help_lacking") == (9, 14)
    assert item_counts(raw_citizens, "postponed_sick_leave", "Nej") == (3, 14)
    assert item_counts(raw_citizens, "symptoms", "Hjertebanken") == (5, 14)
    assert item_counts(raw_citizens, "changing_caseworkers") == (0, 0)  # nobody answered


def test_survey_crosstab_suppresses_small_cells_and_their_complements(raw_citizens):
    table = crosstab(raw_citizens, "system_help_lacking", "postponed_sick_leave", threshold=3)
    # 2 (Ja/Nej) and 1 (Nej/Nej) are below 3; each row then has one hidden cell, which its
    # margin would reveal, so 7 and 4 go too; column Nej then holds two hidden cells.
    assert table.counts.equals(
        pl.DataFrame(
            {"system_help_lacking": ["Ja", "Nej"], "Ja": [None, None], "Nej": [None, None]},
            schema={"system_help_lacking": pl.String, "Ja": pl.Int64, "Nej": pl.Int64},
        )
    )
    assert table.suppressed == (("Ja", "Ja"), ("Ja", "Nej"), ("Nej", "Ja"), ("Nej", "Nej"))


def test_survey_crosstab_threshold_is_configurable(raw_citizens):
    table = crosstab(raw_citizens, "system_help_lacking", "postponed_sick_leave", threshold=1)
    assert table.counts["Ja"].to_list() == [7, 4]
    assert table.counts["Nej"].to_list() == [2, 1]
    assert table.suppressed == ()


def test_survey_crosstab_keeps_cells_a_margin_cannot_reveal(raw_citizens):
    table = crosstab(raw_citizens, "symptoms", "postponed_sick_leave", threshold=2)
    # Hjertebanken rows are 0-4 (all postponed Ja); Angst is every row: Ja 11, Nej 3.
    assert table.counts["symptoms"].to_list() == [
        "Angst",
        "Søvnproblemer",
        "Problemer med hukommelsen",
        "Hjertebanken",
    ]
    assert table.counts["Ja"].to_list() == [11, 0, 0, 5]
    assert table.counts["Nej"].to_list() == [3, 0, 0, 0]


def test_survey_joint_analyses_refuse_reconstructed_data():
    citizens = load_survey("citizens")
    with pytest.raises(ReconstructedDataError, match="make book DATA_DIR="):
        require_raw(citizens, "A correlation of symptoms and support")
    with pytest.raises(ReconstructedDataError, match="cross-table of symptoms by"):
        crosstab(citizens, "symptoms", "postponed_sick_leave")


def test_survey_raw_data_passes_the_guard(raw_citizens):
    require_raw(raw_citizens, "anything")


def test_survey_count_table_pairs_counts_with_the_thesis():
    table = count_table(load_survey("citizens"))
    reported = table.filter(pl.col("reported_k").is_not_null())
    assert reported.select("variable", "value", "k", "n", "claim").rows() == [
        ("symptoms", "Angst", 18, 39, "C02"),
        ("symptoms", "Søvnproblemer", 17, 39, "C02"),
        ("symptoms", "Problemer med hukommelsen", 11, 39, "C02"),
        ("symptoms", "Hjertebanken", 8, 39, "C02"),
        ("system_help_lacking", "Ja", 26, 39, "C01"),
        ("changing_caseworkers", "Ja", 16, 39, "C03"),
        ("postponed_sick_leave", "Ja", 23, 39, "C04"),
    ]
    assert (reported["k"] == reported["reported_k"]).all()


def test_survey_counts_need_a_choice_item():
    with pytest.raises(ValueError, match="free_text item"):
        item_counts(load_survey("citizens"), "stress_cause")
    with pytest.raises(ValueError, match="not a category"):
        item_counts(load_survey("citizens"), "symptoms", "Træthed")
