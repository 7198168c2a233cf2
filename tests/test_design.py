"""T01-T03 against the thesis text they are taken from."""

import re
import shutil

import polars as pl
import pytest

from welfare_paradoxes import design
from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.thesis import load_thesis, parse_line_ranges


@pytest.fixture(scope="module")
def thesis():
    return load_thesis()


def _cited_text(thesis, spec: str) -> str:
    return " ".join(" ".join(thesis.span(a, b).split()) for a, b in parse_line_ranges(spec))


def test_informants_are_described_where_the_table_says(thesis):
    frame = design.informants_table().frame
    assert frame.height == 6
    for row in frame.iter_rows(named=True):
        text = _cited_text(thesis, row["thesis_lines"])
        # The thesis introduces each informant as "<pseudonym> borger|frontlinjeaktør N".
        assert row["cited_as"] in text
        assert row["source"] in text
        if row["age"] is not None:
            assert f"({row['age']} år)" in text


def test_informant_ages_and_years_match_spec_c13():
    frame = design.informants_table().frame.filter(pl.col("role") == "citizen")
    assert frame["age"].to_list() == [43, 58, 59]
    trajectories = frame["trajectory"].to_list()
    for year, trajectory in zip(("2016", "2023", "2015"), trajectories, strict=True):
        assert year in trajectory
    assert "since 2019" in trajectories[2] and "7-13 hours" in trajectories[2]


def test_samples_match_the_method_section(thesis):
    frame = design.samples_table().frame
    n = dict(zip(frame["strand"], frame["n"], strict=True))
    assert n == {
        "Citizen survey": 39,
        "Frontline survey": 25,
        "Citizen interviews": 3,
        "Frontline interviews": 3,
    }
    assert "I alt deltog 39 borgere" in thesis.line(424)
    assert "besvaret af 25 personer" in thesis.line(445)
    for row in frame.filter(pl.col("strand").str.ends_with("survey")).iter_rows(named=True):
        assert str(row["n"]) in _cited_text(thesis, row["thesis_lines"])
    # Three Facebook groups per survey, each named verbatim on the line the data file gives.
    channels = pl.read_csv(DATA_DIR / design.CHANNELS_FILE, infer_schema_length=0)
    assert channels.group_by("survey").len().sort("survey")["len"].to_list() == [3, 3]
    for row in channels.iter_rows(named=True):
        assert row["facebook_group"] in thesis.line(int(row["thesis_line"]))
    assert frame["facebook_group_count"].to_list() == [3, 3, 0, 0]


def test_framework_rows_cite_their_theorist_inside_their_lines(thesis):
    frame = design.framework_table().frame
    assert sorted(set(frame["analysis_part"])) == ["1.1", "1.2", "2.1", "2.2"]
    for row in frame.iter_rows(named=True):
        text = _cited_text(thesis, row["thesis_lines"])
        for work in row["work_cited"].split("; "):
            author, year = work.rsplit(" ", 1)
            assert re.search(rf"{re.escape(author)},? {year}", text), (work, row["thesis_lines"])


def test_citation_counts_of_part_2_2_match_a_hand_count():
    # Hand count of thesis lines 2724-3149 (part 2.2): "Bilag 4-6,8" once, then single citations
    # of Bilag 4 (2x), 5 (6x), 6 (6x) and Bilag 8 (1x); no citizen source is cited.
    counts = (
        design.source_citation_counts().filter(pl.col("analysis_part") == "2.2").row(0, named=True)
    )
    assert counts == {
        "analysis_part": "2.2",
        "cites_citizen_interviews": 0,
        "cites_frontline_interviews": 3 + 2 + 6 + 6,
        "cites_citizen_surveys": 0,
        "cites_frontline_surveys": 1 + 1,
    }


def test_theorist_columns_count_the_quotes_read_with_their_concepts():
    # Hand count: part 1.1 (lines 1015-1197) quotes five survey answers (lines 1062, 1062,
    # 1084, 1090, 1097), all read as work-related stress (Hein; Andersen), and no interview.
    counts = {
        (row["analysis_part"], row["theorist"]): row
        for row in design.framework_table().frame.iter_rows(named=True)
    }
    hein = counts[("1.1", "Hein")]
    assert (hein["quotes_citizen_interview"], hein["quotes_frontline_interview"]) == (0, 0)
    assert hein["quotes_citizen_survey"] == 5
    lipsky = counts[("2.2", "Michael Lipsky")]
    assert lipsky["quotes_citizen_interview"] == lipsky["quotes_citizen_survey"] == 0


def test_parts_citing_only_citizens():
    assert design.parts_citing_only_citizens() == ["2.1"]


def test_an_unknown_role_names_the_file_and_the_value(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    path = tmp_path / "data" / design.INFORMANTS_FILE
    path.write_text(path.read_text().replace(",frontline,1,", ",caseworker,1,"))
    with pytest.raises(ValueError, match=r"informants.csv: column 'role' holds \['caseworker'\]"):
        design.informants_table(tmp_path / "data")


def test_a_non_integer_age_names_the_file_and_the_column(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    path = tmp_path / "data" / design.INFORMANTS_FILE
    path.write_text(path.read_text().replace(",citizen,1,43,", ",citizen,1,forty-three,"))
    with pytest.raises(
        ValueError, match=r"informants.csv: column 'age' holds a value that is not an integer"
    ):
        design.informants_table(tmp_path / "data")


def test_the_data_reader_names_the_file_for_every_failure(tmp_path):
    from welfare_paradoxes.engine.datafiles import read_text_csv

    with pytest.raises(FileNotFoundError, match=r"nope.csv: file not found"):
        read_text_csv(tmp_path / "nope.csv")
    path = tmp_path / "few.csv"
    path.write_text("a,b\n1,007\n")
    with pytest.raises(ValueError, match=r"few.csv: missing column\(s\) \['c'\]"):
        read_text_csv(path, ("a", "c"))
    assert read_text_csv(path, ("a", "b"))["b"].to_list() == ["007"]  # text, as written
