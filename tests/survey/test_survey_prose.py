"""The numbers the survey chapters quote, against the tables they come from."""

import polars as pl
import pytest

import kernels
from welfare_paradoxes.survey import prose
from welfare_paradoxes.survey import statistics as stats


@pytest.fixture(scope="module")
def citizen_numbers(surveys):
    citizens, frontline = surveys["citizens"], surveys["frontline"]
    items = stats.reported_items(citizens)
    key = stats.proportion_intervals(
        citizens, [i for i in items if i.variable != "symptoms"], 200, 1
    )
    symptoms = stats.proportion_intervals(
        citizens, [i for i in items if i.variable == "symptoms"], 200, 1
    )
    summary = stats.survey_coverage([citizens, frontline])
    recommended = stats.recommended_method(summary)
    numbers = prose.citizen_survey_numbers(
        citizens, frontline, key, symptoms, summary, recommended, 200
    )
    return numbers, key, summary, recommended


def test_the_headline_count_and_its_recommended_interval(citizen_numbers):
    numbers, key, _, recommended = citizen_numbers
    row = key.filter(pl.col("variable") == "system_help_lacking").row(0, named=True)
    assert numbers["system_help_lacking_count"] == f"{row['k']} of 39"
    assert numbers["n_citizens"] == 39 and numbers["one_respondent"] == "2.6"
    if recommended == "Wilson":
        low, high = kernels.analytic_ci(row["k"], 39, method="wilson")
        assert numbers["system_help_lacking_recommended"].startswith(f"[{100 * low:.1f}")


def test_coverage_numbers_name_every_method_and_size_of_the_summary(citizen_numbers):
    numbers, _, summary, _ = citizen_numbers
    whole = summary.filter(pl.col("p_range") == "whole")
    for row in whole.iter_rows(named=True):
        name = f"{row['method'].lower().replace(' ', '_').replace('-', '_')}_{row['n']}"
        assert numbers[f"mean_{name}"] == f"{100 * row['mean_coverage']:.1f} %"
        assert f"plausible_min_{name}" in numbers


def test_glue_refuses_what_a_page_cannot_quote(tmp_path):
    from welfare_paradoxes.engine.chapter import Chapter

    chapter = Chapter("design", parameters={"build_dir": str(tmp_path)})
    with pytest.raises(ValueError, match="not an identifier"):
        chapter.glue({"n citizens": 39})
    with pytest.raises(ValueError, match="expected text or a number"):
        chapter.glue({"counts": [1, 2]})
