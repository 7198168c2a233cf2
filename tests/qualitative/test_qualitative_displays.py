"""F04-F07: the counts behind the figures against the register's data files, and the figures."""

import csv
from collections import Counter
from itertools import combinations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402
import pytest  # noqa: E402

from welfare_paradoxes.engine.paths import DATA_DIR  # noqa: E402
from welfare_paradoxes.qualitative import figures, trajectories  # noqa: E402
from welfare_paradoxes.qualitative.matrices import (  # noqa: E402
    code_cooccurrence,
    code_group_matrix,
)
from welfare_paradoxes.qualitative.register import load_register  # noqa: E402


@pytest.fixture(scope="module")
def register():
    return load_register()


def _rows(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _group(speaker):
    if speaker.startswith("Borger"):
        return "Citizen survey"
    if speaker.startswith("Frontlinjeaktør"):
        return "Frontline survey"
    return speaker


def test_matrix_counts_equal_the_register_files(register):
    speaker = {r["excerpt_id"]: r["speaker"] for r in _rows("excerpts/excerpts.csv")}
    expected = Counter(
        (r["code"], _group(speaker[r["excerpt_id"]])) for r in _rows("excerpts/excerpt_codes.csv")
    )
    matrix = code_group_matrix(register)
    groups = [c for c in matrix.columns if c not in ("code", "family", "label", "total")]
    assert groups == [
        "Lykke",
        "Annette",
        "Bettina",
        "Heidi",
        "Laila",
        "Lars",
        "Citizen survey",
        "Frontline survey",
    ]
    for row in matrix.iter_rows(named=True):
        for group in groups:
            assert row[group] == expected[(row["code"], group)], (row["code"], group)
    assert matrix["total"].sum() == len(_rows("excerpts/excerpt_codes.csv"))


def test_matrix_hand_counts(register):
    matrix = {r["code"]: r for r in code_group_matrix(register).iter_rows(named=True)}
    # Lykke is read through other-consciousness twice (lines 2160-2168, 2205-2209); Laila's
    # three quotes on the stress course are read as control over clients (3044-3077).
    assert matrix["other_consciousness"]["Lykke"] == 2
    assert matrix["control_over_clients"]["Laila"] == 3
    assert matrix["tribal_stigma"]["total"] == 0


def test_cooccurrence_counts_equal_the_register_files(register):
    codes_of = {}
    for r in _rows("excerpts/excerpt_codes.csv"):
        codes_of.setdefault(r["excerpt_id"], set()).add(r["code"])
    pairs = Counter(frozenset(p) for codes in codes_of.values() for p in combinations(codes, 2))
    singles = Counter(code for codes in codes_of.values() for code in codes)
    matrix = code_cooccurrence(register)
    codes = matrix["code"].to_list()
    for row in matrix.iter_rows(named=True):
        for other in codes:
            want = (
                singles[other] if other == row["code"] else pairs[frozenset((row["code"], other))]
            )
            assert row[other] == want
    # The missing diagnosis read as stigma: Annette, Lykke, Bettina (lines 1528-1543).
    assert matrix.filter(pl.col("code") == "stigma")["stress_not_recognised"].item() == 3


def test_f06_shows_the_matrix_numbers(register):
    figure = figures.code_matrix_figure(register)
    ax = figure.axes[0]
    shown = [int(t.get_text()) for t in ax.texts if t.get_text().isdigit()]
    matrix = code_group_matrix(register)
    assert sum(shown) == matrix["total"].sum()
    assert ax.get_xlabel() and ax.get_ylabel()
    plt.close(figure)


def test_stage_and_trajectory_data_match_their_lines():
    lines = (DATA_DIR / "thesis" / "thesis.txt").read_text(encoding="utf-8").split("\n")

    def cited(spec):
        text = []
        for piece in spec.split(";"):
            first, _, last = piece.strip().partition("-")
            text += lines[int(first) - 1 : int(last or first)]
        return " ".join(" ".join(text).split()).lower()

    stages, transitions = trajectories.pathway()
    for row in stages.iter_rows(named=True):
        assert row["quote_terms"].split(";")[0].strip() in cited(row["thesis_lines"]), row
    assert transitions.height == 9
    # No stage but the lasting outcomes is a dead end, and every stage can be reached.
    ends = set(stages["stage"]) - set(transitions["from_stage"])
    assert ends == {"arbejde", "fleksjob", "foertidspension"}
    assert set(stages["stage"]) - set(transitions["to_stage"]) == {"sygedagpenge"}
    paths = trajectories.citizen_trajectories()
    for row in paths.filter(pl.col("kind") == "phase").iter_rows(named=True):
        assert str(row["start_year"]) in cited(row["thesis_lines"]), row
        assert row["pseudonym"].lower() in cited(row["thesis_lines"]), row


def test_stage_mentions_by_hand(register):
    stages, _ = trajectories.pathway()
    mentions = dict(
        zip(
            *trajectories.stage_mentions(register, stages)
            .select("stage", "excerpt_ids")
            .to_dict(as_series=False)
            .values(),
            strict=True,
        )
    )
    assert mentions["fleksjob"] == ["Q1704"]
    assert mentions["revurdering"] == ["Q1235"]
    assert mentions["foertidspension"] == ["Q1347", "Q2419"]


def test_every_figure_draws_with_labels(register):
    stages, transitions = trajectories.pathway()
    made = [
        figures.pathway_figure(stages, transitions, trajectories.stage_mentions(register, stages)),
        figures.trajectories_figure(trajectories.citizen_trajectories()),
        figures.code_matrix_figure(register),
        figures.cooccurrence_figure(register),
    ]
    for figure in made[1:]:
        ax = figure.axes[0]
        assert ax.get_xlabel() and ax.get_ylabel()
    for figure in made:
        assert any(text.get_text().startswith("Source:") for text in figure.texts)
        plt.close(figure)


def test_a_transition_to_an_unknown_stage_is_refused(tmp_path):
    import shutil

    for folder in ("thesis", "trajectories"):
        shutil.copytree(DATA_DIR / folder, tmp_path / folder)
    path = tmp_path / "trajectories" / "pathway_transitions.csv"
    path.write_text(path.read_text().replace("ressourceforloeb,fleksjob", "ressourceforloeb,job"))
    with pytest.raises(
        ValueError,
        match=r"pathway_transitions.csv, row 5 \(line 6\), column "
        r"'to_stage', value 'job': not a stage",
    ):
        trajectories.pathway(tmp_path)
