"""The teaching strand against independent references: the binomial distribution, the exact
coverage, the register's own coding, and the data files the activities quote."""

import re

import numpy as np
import polars as pl
import pytest
from scipy import stats as scipy_stats

import kernels
from welfare_paradoxes.engine.paths import DATA_DIR, NOTEBOOK_DIR
from welfare_paradoxes.qualitative import refi
from welfare_paradoxes.survey import item_counts
from welfare_paradoxes.teaching import activities, bootstrap, coding


def test_the_enumerated_hand_distribution_is_the_binomial():
    distribution = bootstrap.exact_resampling_distribution()
    n, k = len(bootstrap.HAND_SAMPLE), sum(bootstrap.HAND_SAMPLE)
    assert distribution["resamples"].sum() == n**n
    expected = scipy_stats.binom.pmf(np.arange(n + 1), n, k / n)
    np.testing.assert_allclose(distribution["probability"].to_numpy(), expected, rtol=1e-12)


def test_class_intervals_land_on_the_grid_within_one_count_of_the_exact_interval():
    intervals = bootstrap.class_intervals(26, 39, range(1, 21), 2000)
    exact = kernels.proportion_ci(26, 39, method="percentile")
    for end, reference in (("low", exact.low), ("high", exact.high)):
        counts = intervals[end].to_numpy() * 39
        np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)
        assert np.all(np.abs(counts - reference * 39) <= 1 + 1e-9)
    assert bootstrap.differing(intervals, exact) == int(
        ((intervals["low"] != exact.low) | (intervals["high"] != exact.high)).sum()
    )


def test_simulated_coverage_agrees_with_the_exact_coverage_within_its_error():
    table = bootstrap.coverage_simulation(0.48, 25, ("wilson", "bca"), 4000, seed=3)
    for row, method in zip(table.iter_rows(named=True), ("wilson", "bca"), strict=True):
        exact = kernels.coverage(25, np.array([0.48]), method=method).coverage[0]
        assert row["exact"] == pytest.approx(exact)
        assert abs(row["simulated"] - exact) < 4 * np.sqrt(exact * (1 - exact) / 4000)


def test_the_activity_quotes_are_register_quotes_with_translations(register):
    quotes = coding.activity_excerpts(register)
    assert quotes.height == 7
    assert quotes["text_en"].str.len_chars().min() > 20
    assert set(quotes["excerpt_id"]) <= set(register.excerpts["excerpt_id"])


def test_the_solution_lists_the_thesis_codes_of_every_activity_quote(register):
    page = (NOTEBOOK_DIR / "teaching_activities.md").read_text()
    listed = dict(re.findall(r"^- (Q\d{4}[a-z]?): (.+)$", page, re.MULTILINE))
    codes = pl.read_csv(DATA_DIR / "excerpts" / "excerpt_codes.csv")
    quotes = coding.activity_excerpts(register)["excerpt_id"].to_list()
    assert sorted(listed) == sorted(quotes)
    for excerpt_id, text in listed.items():
        expected = set(codes.filter(pl.col("excerpt_id") == excerpt_id)["code"])
        assert set(text.split("; ")) == expected, excerpt_id


def test_a_filled_template_is_read_back_and_set_beside_the_thesis(register, tmp_path):
    quotes = coding.activity_excerpts(register)["excerpt_id"].to_list()
    sheet = coding.coding_sheet_template(quotes, "Student A").replace(
        "Q1090,Student A,", "Q1090,Student A,work_related_stress"
    )
    path = tmp_path / "sheet.csv"
    path.write_text(sheet)
    student = refi.read_coding_sheet(path, register)
    both = coding.with_thesis(student, register, quotes)
    assert both.coders == ("Thesis coding", "Student A") and both.units == tuple(quotes)
    work = both.codes.index("work_related_stress")
    assert both.presence[work, :, 0].tolist() == [1.0, 1.0]
    assert np.nansum(both.presence[:, 1, 1:]) == 0


def test_the_joint_display_row_quotes_its_data(register, surveys):
    row = activities.postponed_row(register, 500, 1)
    k, n = item_counts(surveys["citizens"], "postponed_sick_leave", "Ja")
    assert n == 39
    assert row["postponed_count"] == f"{k} of 39"
    links = pl.read_csv(DATA_DIR / "integration" / "statistic_links.csv", infer_schema=False)
    link = links.filter(pl.col("row_id") == activities.ROW_ID).row(0, named=True)
    assert row["postponed_claim"] == link["claim"] and row["postponed_line"] == link["claim_lines"]
    low, high = kernels.analytic_ci(k, 39, method="wilson")
    assert row["postponed_interval"] == f"Wilson [{100 * low:.1f}, {100 * high:.1f}]"


def test_the_class_survey_table_of_the_synthetic_data_says_so_in_its_title():
    from welfare_paradoxes.survey import load_synthetic
    from welfare_paradoxes.survey.class_survey import class_proportions_table

    table = class_proportions_table(load_synthetic(), 200, 1)
    assert table.title.startswith("SYNTHETIC")


def test_a_class_coding_sheet_or_project_is_read_by_its_suffix(register, tmp_path):
    quotes = coding.activity_excerpts(register)["excerpt_id"].to_list()
    sheet = tmp_path / "class.csv"
    sheet.write_text(coding.coding_sheet_template(quotes, "Student B"))
    assert coding.read_codings(sheet, register).coders == ("Student B",)
    project = refi.write_qdpx(register, tmp_path / "class.qdpx")
    assert coding.read_codings(project, register).coders == (refi.THESIS_CODER,)
