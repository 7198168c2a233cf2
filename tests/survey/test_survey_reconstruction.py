"""The shipped reconstructions reproduce what the thesis reports, and nothing more."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import yaml

from welfare_paradoxes.survey import item_counts, load_survey
from welfare_paradoxes.survey.reconstruct import reconstruct

# The counts as the thesis states them (SPEC C01-C05), typed in by hand.
THESIS_COUNTS = [
    ("citizens", "system_help_lacking", "Ja", 26, 39, 90),
    ("citizens", "symptoms", "Angst", 18, 39, 1056),
    ("citizens", "symptoms", "Søvnproblemer", 17, 39, 1056),
    ("citizens", "symptoms", "Problemer med hukommelsen", 11, 39, 1056),
    ("citizens", "symptoms", "Hjertebanken", 8, 39, 1058),
    ("citizens", "changing_caseworkers", "Ja", 16, 39, 2476),
    ("citizens", "postponed_sick_leave", "Ja", 23, 39, 2515),
    ("frontline", "economic_constraints", "Ja", 12, 25, 2788),
]


@pytest.mark.parametrize("survey, variable, value, k, n, line", THESIS_COUNTS)
def test_survey_item_reproduces_the_thesis_count(survey, variable, value, k, n, line):
    assert item_counts(load_survey(survey), variable, value) == (k, n)


@pytest.mark.parametrize("survey, variable, value, k, n, line", THESIS_COUNTS)
def test_survey_thesis_line_states_the_count(survey, variable, value, k, n, line, thesis_lines):
    assert re.search(rf"\b{k}\b", thesis_lines[line - 1]), thesis_lines[line - 1]


@pytest.mark.parametrize("survey, variable, value, k, n, line", THESIS_COUNTS)
def test_survey_codebook_cites_the_line_of_its_count(survey, variable, value, k, n, line):
    (reported,) = [
        r for r in load_survey(survey).codebook.column(variable).reported if r.value == value
    ]
    first, _, last = reported.lines.partition("-")
    assert (reported.k, reported.n) == (k, n)
    assert int(first) <= line <= int(last or first)


def test_survey_rows_match_the_sample_sizes():
    assert load_survey("citizens").frame.height == 39
    assert load_survey("frontline").frame.height == 25


def test_survey_reconstruction_invents_no_other_columns():
    assert load_survey("citizens").frame.columns == [
        "respondent",
        "timestamp",
        "symptoms",
        "symptoms_other",
        "stress_cause",
        "system_help_lacking",
        "stressful_transitions",
        "changing_caseworkers",
        "postponed_sick_leave",
        "what_would_help",
        "other_comments",
    ]
    assert load_survey("frontline").frame.columns == [
        "respondent",
        "timestamp",
        "economic_constraints",
        "other_comments",
    ]


def test_survey_fatigue_has_no_invented_count():
    citizens = load_survey("citizens")
    options = citizens.codebook.column("symptoms").values
    assert not [o for o in options if re.search("træt|udmatt", o, re.IGNORECASE)]
    assert citizens.frame.get_column("symptoms_other").null_count() == 39


def test_survey_rerunning_the_generator_gives_identical_files(tmp_path, survey_dir):
    for written in reconstruct(tmp_path):
        assert written.read_bytes() == (survey_dir / written.name).read_bytes(), written.name


def test_survey_documented_permutation_places_the_ja_answers(survey_dir, citizens_rows):
    """Re-derive one item from the method as data/surveys/README.md describes it."""
    marker = yaml.safe_load((survey_dir / "provenance.yml").read_text(encoding="utf-8"))
    seed = marker["seed"]
    order = sorted(
        range(1, 40),
        key=lambda row: hashlib.sha256(
            f"{seed}:citizens:postponed_sick_leave:Ja:{row}".encode()
        ).hexdigest(),
    )
    header, body = citizens_rows
    column = header.index(
        "Har du udskudt at sygemelde dig med arbejdsrelateret stress af frygt for "
        "arbejdsløshed og økonomiske konsekvenser ved at ende på overførselsindkomst?"
    )
    ja_rows = {number for number, row in enumerate(body, start=1) if row[column] == "Ja"}
    assert ja_rows == set(order[:23])


def test_survey_timestamps_are_hourly_placeholders_in_row_order(request, forms_time):
    for survey, start in (("citizens", "2025/03/03 10:00:00 AM GMT+1"), ("frontline", None)):
        header, body = request.getfixturevalue(f"{survey}_rows")
        times = [forms_time(row[0]) for row in body]
        assert all(b - a == timedelta(hours=1) for a, b in zip(times, times[1:], strict=False))
        if start:
            assert body[0][0] == start


def test_survey_provenance_marks_the_shipped_files_reconstructed(survey_dir):
    marker = yaml.safe_load((survey_dir / "provenance.yml").read_text(encoding="utf-8"))
    assert marker["status"] == "reconstructed"
    for survey in ("citizens", "frontline"):
        data = load_survey(survey)
        digest = hashlib.sha256((survey_dir / f"{survey}.csv").read_bytes()).hexdigest()
        assert data.reconstructed
        assert data.provenance.status == "reconstructed"
        assert data.provenance.source == f"{survey}.csv"
        assert data.provenance.sha256 == digest == marker["surveys"][survey]["sha256"]


def test_survey_contact_columns_are_empty_in_the_reconstruction(request):
    for survey in ("citizens", "frontline"):
        header, body = request.getfixturevalue(f"{survey}_rows")
        assert header[-2:] == [
            "E-mail (frivilligt, hvis du vil deltage i et opfølgende interview)",
            "Telefonnummer (frivilligt)",
        ]
        assert all(row[-2:] == ["", ""] for row in body)
