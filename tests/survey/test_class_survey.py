"""A class's own Google Forms survey: `make codebook` drafts its codebook, `make validate
CODEBOOK=` checks an export against it, and its proportions get every interval of the book.

The export is written here (30 answers from a fixed seed), in three of Forms' shapes: the Sheets
CSV, a Danish spreadsheet CSV (";" with a BOM) and .xlsx.
"""

from __future__ import annotations

import csv
import io
import random
import subprocess
import sys
from datetime import datetime

import numpy as np
import openpyxl
import polars as pl
import pytest

import kernels
from welfare_paradoxes.survey import load_codebook_file, load_with_codebook
from welfare_paradoxes.survey.class_survey import class_proportions, class_proportions_table
from welfare_paradoxes.survey.draft import main as draft
from welfare_paradoxes.survey.statistics import INTERVAL_METHODS
from welfare_paradoxes.survey.validate import main as validate

TIME, EMAIL, COMPUTER, SUBJECT, MEDIA, HAPPY, OTHER = HEADERS = [
    "Tidsstempel",
    "E-mailadresse",
    "Har du en computer derhjemme?",
    "Hvilket fag er dit yndlingsfag?",
    "Hvilke sociale medier bruger du?",
    "Hvor glad er du for skolen? (1-5)",
    "Er der andet, du vil fortælle?",
]
EXPECTED_TYPES = {
    TIME: "timestamp",
    EMAIL: "contact",
    COMPUTER: "binary",
    SUBJECT: "single_choice",
    MEDIA: "multi_select",
    HAPPY: "number",
    OTHER: "free_text",
}
SUBJECTS = ["Dansk", "Matematik", "Engelsk", "Idræt"]
# An option with a comma of its own, as Forms allows.
PLATFORMS = ["Instagram", "TikTok", "Snapchat", "YouTube, mest musik"]
PLACES = "skolen frikvarteret kantinen lektiecaféen klassen biblioteket".split()
ROWS = 30


def class_answers(seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    answers = []
    for n in range(ROWS):
        chosen = [p for p in PLATFORMS if rng.random() < 0.5]
        text = ""
        if rng.random() < 0.7:
            text = (
                f"Jeg synes {rng.choice(PLACES)} er {rng.choice(['god', 'fin', 'for lille'])}, "
                f"men {rng.choice(PLACES)} kunne være bedre (svar {n})"
            )
        answers.append(
            {
                TIME: datetime(2025, 3, 3 + n // 10, 8 + n % 10, (7 * n) % 60, 12),
                EMAIL: f"elev{n:02d}@skolen.dk",
                COMPUTER: rng.choice(["Ja", "Nej"]),
                SUBJECT: SUBJECTS[n % 4] if n < 8 else rng.choice(SUBJECTS),
                MEDIA: chosen,
                HAPPY: rng.randint(1, 5),
                OTHER: text,
            }
        )
    return answers


def _cells(answer: dict, time_format: str) -> list[str]:
    return [
        answer[TIME].strftime(time_format),
        answer[EMAIL],
        answer[COMPUTER],
        answer[SUBJECT],
        ", ".join(answer[MEDIA]),
        str(answer[HAPPY]),
        answer[OTHER],
    ]


def write_export(folder, variant: str, answers: list[dict], name: str = "klasse"):
    if variant == "xlsx":
        path = folder / f"{name}.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(HEADERS)
        for answer in answers:
            cells = _cells(answer, "%Y-%m-%d %H:%M:%S")
            sheet.append([answer[TIME], *cells[1:5], answer[HAPPY], cells[6] or None])
        book.save(path)
        return path
    if variant == "sheets":
        delimiter, bom, time_format = ",", b"", "%Y/%m/%d %I:%M:%S %p GMT+1"
    else:  # a Danish spreadsheet's "CSV (semikolonsepareret)"
        delimiter, bom, time_format = ";", b"\xef\xbb\xbf", "%d-%m-%Y %H:%M:%S"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([HEADERS, *(_cells(answer, time_format) for answer in answers)])
    path = folder / f"{name}.csv"
    path.write_bytes(bom + buffer.getvalue().encode("utf-8"))
    return path


def assert_no_emails(*texts: str) -> None:
    for text in texts:
        assert "@" not in text
        assert not any(answer[EMAIL] in text for answer in class_answers())


@pytest.fixture
def drafted(tmp_path, capsys):
    """The Sheets export and the codebook `make codebook` drafts from it."""
    export = write_export(tmp_path, "sheets", class_answers())
    out = tmp_path / "codebook.yml"
    assert draft(["--out", str(out), str(export)]) == 0
    capsys.readouterr()
    return export, out


@pytest.mark.parametrize("variant", ["sheets", "semicolon-bom", "xlsx"])
def test_class_survey_draft_infers_each_type(tmp_path, capsys, variant):
    export = write_export(tmp_path, variant, class_answers())
    out = tmp_path / "codebook.yml"
    assert draft(["--out", str(out), str(export)]) == 0
    stdout, stderr = capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# DRAFT codebook, inferred from {ROWS} rows of {export.name}")
    assert "TODO: review" in text
    assert_no_emails(text, stdout, stderr)
    codebook = load_codebook_file(out)
    assert {c.header: c.type for c in codebook.columns} == EXPECTED_TYPES
    by_header = {c.header: c for c in codebook.columns}
    assert [c.header for c in codebook.columns if c.personal] == [EMAIL]
    assert by_header[EMAIL].categories == ()
    assert by_header[COMPUTER].values == ("Ja", "Nej")
    assert sorted(by_header[SUBJECT].values) == sorted(SUBJECTS)
    assert sorted(by_header[MEDIA].values) == sorted(PLATFORMS)
    assert "1 to 5" in by_header[HAPPY].note
    assert codebook.n_reported == ROWS


def test_class_survey_drafted_codebook_validates_and_locates_a_bad_value(tmp_path, capsys, drafted):
    export, codebook = drafted
    assert validate(["--codebook", str(codebook), str(export)]) == 0
    stdout, stderr = capsys.readouterr()
    assert stdout.startswith(f"{export.name}: {ROWS} rows, klasse survey, undeclared")
    assert "personal data: dropped at load" in stdout
    assert_no_emails(stdout, stderr)

    answers = class_answers()
    answers[16][COMPUTER] = "Måske"  # data row 17
    (tmp_path / "bad").mkdir()
    bad = write_export(tmp_path / "bad", "sheets", answers)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert validate(["--codebook", str(codebook), str(bad)]) == 1
    stdout, stderr = capsys.readouterr()
    assert stdout == ""
    assert "1 problem(s)" in stderr
    line = next(line for line in stderr.splitlines() if "Måske" in line)
    assert str(bad) in line
    assert "row 17 (spreadsheet row 18)" in line
    assert f"column {COMPUTER!r}" in line
    assert "found 'Måske', expected one of 'Ja', 'Nej'" in line
    assert_no_emails(stderr)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_class_survey_validate_every_variant_against_one_codebook(tmp_path, capsys, drafted):
    _, codebook = drafted
    for variant in ("semicolon-bom", "xlsx"):
        folder = tmp_path / variant
        folder.mkdir()
        export = write_export(folder, variant, class_answers())
        assert validate(["--codebook", str(codebook), str(export)]) == 0, capsys.readouterr().err


def test_class_survey_draft_refuses_to_overwrite(tmp_path, capsys, drafted):
    export, out = drafted
    out.write_text("# reviewed by the teacher\n", encoding="utf-8")
    assert draft(["--out", str(out), str(export)]) == 1
    assert "exists; not overwritten" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "# reviewed by the teacher\n"
    assert draft(["--out", str(out), "--force", str(export)]) == 0
    assert out.read_text(encoding="utf-8").startswith("# DRAFT codebook")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.csv", None, "unreadable-file"),
        ("damaged.xlsx", b"PK\x03\x04 not a workbook", "unreadable-file"),
        ("header-only.csv", b"Tidsstempel,E-mailadresse\r\n", "no-rows"),
        ("ragged.csv", b"Tidsstempel,Navn\r\n2025/03/03 1:00:00 PM,a,b\r\n", "ragged-row"),
        ("answers.pdf", b"%PDF-1.4", "unsupported-format"),
    ],
)
def test_class_survey_bad_export_is_one_located_line(tmp_path, capsys, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "codebook.yml"
    assert draft(["--out", str(out), str(path)]) == 1
    stdout, stderr = capsys.readouterr()
    assert stdout == ""
    assert len(stderr.strip().splitlines()) == 1
    assert stderr.startswith(f"{path}: ") and f": {expected}: " in stderr
    assert not out.exists()


def test_class_survey_draft_runs_as_a_module_without_a_traceback(tmp_path):
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(b"not a workbook at all")
    result = subprocess.run(
        [sys.executable, "-m", "welfare_paradoxes.survey.draft", "--out", "x.yml", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.yml").exists()


def test_class_survey_personal_column_found_by_its_answers(tmp_path, capsys):
    answers = class_answers()
    export = write_export(tmp_path, "sheets", answers)
    text = export.read_text(encoding="utf-8").replace(EMAIL, "Hvor kan vi kontakte dig?", 1)
    export.write_text(text, encoding="utf-8")
    out = tmp_path / "codebook.yml"
    assert draft(["--out", str(out), str(export)]) == 0
    stdout, stderr = capsys.readouterr()
    assert_no_emails(out.read_text(encoding="utf-8"), stdout, stderr)
    column = next(c for c in load_codebook_file(out).columns if c.header.startswith("Hvor kan"))
    assert column.personal and column.type == "contact"


def test_class_survey_proportions_equal_plain_counts_and_the_kernels(drafted):
    export, codebook = drafted
    data = load_with_codebook(export, codebook)
    frame, compute, errors = class_proportions(data, n_resamples=2_000, seed=11)
    raw = pl.DataFrame(
        {
            "computer": [a[COMPUTER] for a in class_answers()],
            "subject": [a[SUBJECT] for a in class_answers()],
            "media": [a[MEDIA] for a in class_answers()],
        }
    )
    expected = {}
    for column, header in (("computer", COMPUTER), ("subject", SUBJECT)):
        counts = raw.group_by(column).len()
        for value, k in counts.iter_rows():
            expected[(header, value)] = (k, raw.height)
    options = raw.explode("media").drop_nulls("media").group_by("media").len()
    for value, k in options.iter_rows():
        expected[(MEDIA, value)] = (k, raw.height)
    found = {(q, v): (k, n) for q, v, k, n in frame.select("question", "value", "k", "n").rows()}
    assert found == expected
    assert frame.height == 2 + len(SUBJECTS) + len(PLATFORMS)

    k, n = frame["k"].to_numpy(), frame["n"].to_numpy()
    for method in INTERVAL_METHODS:
        low, high = frame[f"{method.key}_low"].to_numpy(), frame[f"{method.key}_high"].to_numpy()
        if method.family == "exact bootstrap":
            want = kernels.proportion_ci(k, n, method=method.kernel_method)
        elif method.family == "analytic":
            want = kernels.analytic_ci(k, n, method=method.kernel_method)
        else:
            assert compute[method.key] == "monte_carlo (B = 2000, seed 11)"
            assert errors.height == frame.height
            share = frame["share"].to_numpy()
            assert np.all(low <= share) and np.all(share <= high)
            continue
        np.testing.assert_array_equal(low, np.asarray(want[0], dtype=float))
        np.testing.assert_array_equal(high, np.asarray(want[1], dtype=float))


def test_class_survey_proportions_table_names_its_sources(drafted):
    export, codebook = drafted
    data = load_with_codebook(export, codebook)
    table = class_proportions_table(data, n_resamples=500, seed=1)
    assert table.shown.height == table.frame.height == 10
    assert table.sources == (export, codebook)
    assert "B = 500 resamples, seed 1" in table.note
    assert set(table.shown["label"].to_list()) >= {"Yes", "No", "YouTube, mest musik"}
    assert_no_emails(table.frame.write_csv(), table.shown.write_csv(), table.note)
