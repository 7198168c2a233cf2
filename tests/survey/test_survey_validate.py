"""`make validate`: a summary and exit 0, or every problem and exit 1; never a written file."""

from __future__ import annotations

import subprocess
import sys

from welfare_paradoxes.survey.validate import main as validate


def test_survey_validate_summarises_a_good_export(capsys, survey_dir):
    assert validate(["--survey", "citizens", str(survey_dir / "citizens.csv")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("citizens.csv: 39 rows, citizens survey, reconstructed (sha256 ")
    assert "system_help_lacking    binary         Ja 26/39, Nej 13/39" in out
    assert (
        "symptoms               multi_select   Angst 18/39, Søvnproblemer 17/39, "
        "Problemer med hukommelsen 11/39, Hjertebanken 8/39, other text 0"
    ) in out
    assert "stress_cause           free_text      3 answered" in out


def test_survey_validate_lists_every_problem_and_writes_nothing(
    tmp_path, frontline_rows, capsys, write_csv
):
    header, body = frontline_rows
    body = [list(row) for row in body]
    body[0][1], body[1][1] = "måske", "JA"
    path = write_csv(tmp_path / "svar.csv", header, body)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert validate(["--survey", "frontline", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "2 problem(s)" in err
    assert "row 1 (spreadsheet row 2)" in err and "found 'måske'" in err
    assert "row 2 (spreadsheet row 3)" in err and "found 'JA'" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_survey_validate_warns_about_repeated_submissions(
    tmp_path, frontline_rows, capsys, write_csv
):
    header, body = frontline_rows
    body = [list(row) for row in body] + [list(frontline_rows[1][17])]
    assert (
        validate(["--survey", "frontline", str(write_csv(tmp_path / "x.csv", header, body))]) == 0
    )
    assert "warning: " in capsys.readouterr().err


def test_survey_validate_runs_as_a_module(survey_dir):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "welfare_paradoxes.survey.validate",
            "--survey",
            "frontline",
            str(survey_dir / "citizens.csv"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "missing-column" in result.stderr and "unknown-column" in result.stderr


def test_survey_validate_uses_the_mapping_beside_the_export(
    tmp_path, frontline_rows, capsys, write_csv
):
    header, body = frontline_rows
    header = ["Tidsstempel", "Spares der på dit arbejde?", *header[2:]]
    path = write_csv(tmp_path / "svar.csv", header, body)
    (tmp_path / "mapping.yml").write_text(
        "frontline:\n  Spares der på dit arbejde?: economic_constraints\n", encoding="utf-8"
    )
    assert validate(["--survey", "frontline", str(path)]) == 0
    out = capsys.readouterr().out
    assert "headers mapped by mapping.yml" in out
    assert "economic_constraints  binary         Ja 12/25, Nej 13/25" in out
