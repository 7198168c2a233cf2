"""The ledger's survey rows recomputed from the survey data rather than copied from the text."""

import polars as pl

from welfare_paradoxes.audits import claims
from welfare_paradoxes.survey import load_survey


def _surveys():
    return {name: load_survey(name) for name in ("citizens", "frontline")}


def test_survey_counts_are_the_counts_the_thesis_prints():
    # Typed from the thesis (SPEC C01-C05), independent of the data files.
    assert claims.survey_counts(_surveys()) == {
        "citizen_unsupported": 26,
        "caseworker_change": 16,
        "postponed_sick_leave": 23,
        "symptom_anxiety": 18,
        "symptom_sleep": 17,
        "symptom_memory": 11,
        "symptom_palpitations": 8,
        "frontline_economic": 12,
        "citizen_n": 39,
        "frontline_n": 25,
    }


def test_every_recomputable_survey_statistic_reproduces_from_the_data():
    ledger = claims.ledger(counts=claims.survey_counts(_surveys()))
    survey_rows = ledger.filter(
        (pl.col("kind") == "survey statistic") & (pl.col("recompute") != "")
    )
    assert survey_rows.height >= 19
    assert set(survey_rows["status"]) == {"reproduced"}


def test_on_the_reconstruction_the_survey_rows_are_consistent_by_construction():
    surveys = _surveys()
    assert all(survey.reconstructed for survey in surveys.values())
    ledger = claims.ledger(
        counts=claims.survey_counts(surveys), constructed=claims.reconstructed_counts(surveys)
    )
    survey_rows = ledger.filter(
        (pl.col("kind") == "survey statistic") & (pl.col("recompute") != "")
    )
    assert set(survey_rows["status"]) == {"consistent by construction"}
    assert "reconstructed survey" in survey_rows["basis"][0]
    # Rows that read no survey count keep their own status.
    others = ledger.filter(pl.col("kind") != "survey statistic")
    assert "consistent by construction" not in set(others["status"])


def test_a_count_that_differs_in_the_data_is_a_discrepancy():
    counts = claims.survey_counts(_surveys()) | {"postponed_sick_leave": 22}
    ledger = claims.ledger(counts=counts)
    row = ledger.filter((pl.col("line") == 2515) & (pl.col("printed") == "23")).row(0, named=True)
    assert row["status"] == "discrepancy" and row["recomputed"] == 22
