"""The synthetic teaching data: marginals, determinism, joint structure, marking and refusal.

Expected counts are read from the codebook's ``reported`` entries with plain YAML, independently
of the generator, which reads them through ``load_codebook``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from welfare_paradoxes.survey import (
    SYNTHETIC_LABEL,
    ReconstructedDataError,
    SurveyError,
    SyntheticDataError,
    crosstab,
    indicator,
    item_counts,
    load_export,
    load_survey,
    load_synthetic,
    require_joint,
    require_raw,
    synthetic,
)
from welfare_paradoxes.survey import statistics as stats

REPOSITORY = Path(__file__).resolve().parents[2]
SHIPPED = REPOSITORY / "data" / "synthetic"
REFUSAL = (
    "is a synthetic data set for teaching; the chapters that report the thesis read only the "
    "thesis' survey data"
)


def reported_counts() -> list[tuple[str, str, int, int]]:
    """(variable, value, k, n) of every count the citizen codebook says the thesis reports."""
    path = REPOSITORY / "data" / "surveys" / "codebook_citizens.yml"
    codebook = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (column["variable"], str(r["value"]), int(r["k"]), int(r["n"]))
        for column in codebook["columns"]
        for r in column.get("reported", [])
    ]


def rows_of(text: str) -> tuple[list[str], list[list[str]]]:
    header, *body = csv.reader(io.StringIO(text, newline=""))
    return header, body


@pytest.fixture(scope="module")
def teaching():
    return load_synthetic()


@pytest.fixture(scope="module")
def other_seed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed")
    synthetic.generate(folder, synthetic.SEED + 1)
    return folder


def test_synthetic_matches_every_reported_marginal(teaching):
    expected = reported_counts()
    assert len(expected) == 7  # C01-C04: four symptoms and three yes/no items
    for variable, value, k, n in expected:
        assert item_counts(teaching, variable, value) == (k, n), (variable, value)
        if teaching.codebook.column(variable).type == "binary":
            assert item_counts(teaching, variable, "Nej") == (n - k, n)
    assert teaching.frame.height == 39
    assert teaching.frame["symptoms_other"].is_null().all()  # no invented "other" symptom


def test_synthetic_is_byte_identical_for_a_seed_and_the_shipped_files_are_its_output(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    synthetic.generate(first)
    synthetic.generate(second)
    for name in ("citizens_synthetic.csv", "provenance.yml"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
        assert (first / name).read_bytes() == (SHIPPED / name).read_bytes(), name
    marker = yaml.safe_load((SHIPPED / "provenance.yml").read_text(encoding="utf-8"))
    data = (SHIPPED / "citizens_synthetic.csv").read_bytes()
    assert marker["status"] == "synthetic"
    assert marker["seed"] == synthetic.SEED
    assert marker["surveys"]["citizens"]["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_different_seed_gives_other_rows_and_the_same_marginals(other_seed, teaching):
    shipped = (SHIPPED / "citizens_synthetic.csv").read_text(encoding="utf-8")
    other = (other_seed / "citizens_synthetic.csv").read_text(encoding="utf-8")
    assert rows_of(other)[0] == rows_of(shipped)[0]
    assert rows_of(other)[1] != rows_of(shipped)[1]
    variant = load_synthetic("citizens", other_seed)
    assert variant.synthetic
    for variable, value, k, n in reported_counts():
        assert item_counts(variant, variable, value) == (k, n)
    answers = [(variable, value) for variable, value, _, _ in reported_counts()]
    assert any(not indicator(variant, *item).equals(indicator(teaching, *item)) for item in answers)


def phi(data, first: tuple[str, str], second: tuple[str, str]) -> float:
    x = indicator(data, *first).to_numpy().astype(float)
    y = indicator(data, *second).to_numpy().astype(float)
    return float(np.corrcoef(x, y)[0, 1])


def test_the_rows_carry_a_joint_structure(teaching):
    anxiety, sleep = ("symptoms", "Angst"), ("symptoms", "Søvnproblemer")
    assert synthetic.LOADINGS["citizens"][anxiety] > 0
    assert synthetic.LOADINGS["citizens"][sleep] > 0
    assert phi(teaching, anxiety, sleep) > 0.2
    items = [(variable, value) for variable, value, _, _ in reported_counts()]
    pairs = list(itertools.combinations(items, 2))
    assert np.mean([phi(teaching, a, b) for a, b in pairs]) > 0.15
    # A cross-table that is not the independence table: more Ja/Ja than independence gives.
    table = crosstab(teaching, "system_help_lacking", "postponed_sick_leave", threshold=1)
    both = table.counts.filter(table.counts["system_help_lacking"] == "Ja")["Ja"][0]
    assert both > 26 * 23 / 39 + 1


def test_the_association_is_the_models_whatever_the_seed():
    """Over 20 seeds the anxiety-sleep correlation averages near the model's, and never near the
    reconstruction's independent permutations, whose expected correlation is zero."""
    codebook = synthetic.load_codebook("citizens")
    values = []
    for seed in range(1, 21):
        chosen = {i.name: i.chosen for i in synthetic.model_items(codebook, seed)}
        x = np.array([r in chosen["symptoms=Angst"] for r in range(1, 40)], dtype=float)
        y = np.array([r in chosen["symptoms=Søvnproblemer"] for r in range(1, 40)], dtype=float)
        values.append(np.corrcoef(x, y)[0, 1])
    assert 0.15 < np.mean(values) < 0.45


def test_the_uniforms_are_the_documented_sha256_ones():
    digest = hashlib.sha256(b"20251118:synthetic:citizens:strain:1").hexdigest()
    assert (
        synthetic.uniform(20251118, "citizens", "strain", 1)
        == (int(digest[:13], 16) + 0.5) / 16**13
    )
    assert math.isfinite(synthetic.normal(1, "citizens", "strain", 1))


def test_the_thesis_loader_refuses_synthetic_data():
    with pytest.raises(SyntheticDataError, match=REFUSAL) as refusal:
        load_survey("citizens", SHIPPED)
    assert "\n" not in str(refusal.value)
    assert isinstance(refusal.value, SurveyError)  # existing handlers of load errors catch it


def test_load_synthetic_refuses_the_thesis_data():
    with pytest.raises(ValueError, match="is not a synthetic data set"):
        load_synthetic("citizens", REPOSITORY / "data" / "surveys")


@pytest.mark.parametrize("keep", ["times", "comments"])
def test_a_synthetic_copy_is_recognised_even_declared_raw(
    tmp_path, keep, declare_raw, real_times, write_csv
):
    """Copied into a folder that declares its exports raw, with either marker removed, re-sorted
    and saved as a Danish spreadsheet CSV, the synthetic file is still synthetic."""
    header, body = rows_of((SHIPPED / "citizens_synthetic.csv").read_text(encoding="utf-8"))
    comments = header.index(
        "Er der andet, du vil fortælle om dine oplevelser med jobcentret og beskæftigelsessystemet?"
    )
    if keep == "times":
        for row in body:
            row[comments] = ""
    else:
        for row, time in zip(body, real_times(len(body)), strict=True):
            row[0] = time
    write_csv(tmp_path / "citizens.csv", header, body[::-1], delimiter=";", bom=True)
    declare_raw(tmp_path)
    assert load_export(tmp_path / "citizens.csv", "citizens").synthetic
    with pytest.raises(SyntheticDataError, match=REFUSAL):
        load_survey("citizens", tmp_path)


def test_a_changed_synthetic_file_is_refused(tmp_path):
    for name in ("citizens_synthetic.csv", "provenance.yml"):
        shutil.copy(SHIPPED / name, tmp_path / name)
    path = tmp_path / "citizens_synthetic.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",Ja,", ",Nej,", 1), "utf-8")
    with pytest.raises(SurveyError, match="changed-synthetic"):
        load_synthetic("citizens", tmp_path)


def test_the_reconstruction_is_not_synthetic():
    citizens = load_survey("citizens")
    assert citizens.reconstructed and not citizens.synthetic


def test_joint_analysis_on_synthetic_data_suppresses_small_cells(teaching):
    full = crosstab(teaching, "symptoms", "postponed_sick_leave", threshold=1)
    result = stats.joint_analysis(teaching, "symptoms", "postponed_sick_leave")
    assert not isinstance(result, str)
    assert result.synthetic and result.status == "synthetic" and result.label == SYNTHETIC_LABEL
    assert result.threshold == 3
    small = {
        (full.counts["symptoms"][i], value)
        for value in ("Ja", "Nej")
        for i, count in enumerate(full.counts[value])
        if 0 < count < 3
    }
    assert small  # this seed has cells of 1 to 2 respondents to hide
    assert small <= set(result.suppressed)
    for value in ("Ja", "Nej"):
        for i, count in enumerate(result.counts[value]):
            hidden = (result.counts["symptoms"][i], value) in result.suppressed
            assert (count is None) == hidden
            assert count is None or count == 0 or count >= 3
    # Every row with a hidden cell hides at least two, so its margin reveals neither.
    for i in range(result.counts.height):
        assert [result.counts[v][i] for v in ("Ja", "Nej")].count(None) in (0, 2)


def test_every_synthetic_result_is_labelled(teaching):
    result = stats.joint_analysis(teaching, "system_help_lacking", "changing_caseworkers")
    table = stats.cross_table(result, teaching, "system_help_lacking", "changing_caseworkers")
    assert table.id == "crosstab-synthetic"
    assert table.title.startswith("SYNTHETIC")
    assert table.note.startswith(SYNTHETIC_LABEL)
    assert "SYNTHETIC" in teaching.describe()
    assert "synthetic" in stats.count_check_status(teaching)


def test_synthetic_data_pass_the_joint_guard_but_not_the_raw_one(teaching):
    require_joint(teaching, "A teaching exercise")
    with pytest.raises(ReconstructedDataError, match="synthetic data set for teaching"):
        require_raw(teaching, "A chapter's analysis")
    with pytest.raises(ReconstructedDataError):
        require_joint(load_survey("citizens"), "A cross-table")


def test_the_readme_says_synthetic_first_and_lists_the_models_loadings():
    readme = (SHIPPED / "README.md").read_text(encoding="utf-8")
    first = readme.splitlines()[0]
    assert "SYNTHETIC" in first and synthetic.GENERATOR in first and "never the thesis" in first
    assert str(synthetic.SEED) in first
    for (variable, value), loading in synthetic.LOADINGS["citizens"].items():
        assert f"| `{variable}={value}` | {loading} |" in readme
