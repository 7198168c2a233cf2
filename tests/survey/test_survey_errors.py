"""Each kind of bad input gets one problem naming file, row, column, value and expectation."""

from __future__ import annotations

import shutil

import pytest

from welfare_paradoxes.survey import (
    Problem,
    SurveyError,
    find_export,
    load_export,
    load_survey,
    read_export,
)
from welfare_paradoxes.survey.codebook import Category, Codebook, Column

ECONOMY = "Påvirker økonomiske begrænsninger, besparelser eller nedskæringer dit arbejde?"
COMMENTS = (
    "Er der andet, du vil fortælle om dit arbejde med borgere ramt af arbejdsrelateret stress?"
)
ROWS_ONLY = "a header row and at least one answer row"
JA_NEJ = "one of 'Ja', 'Nej' (or empty)"


def problems_of(path, survey="frontline", mapping=None) -> list[Problem]:
    with pytest.raises(SurveyError) as caught:
        load_export(path, survey, mapping)
    return list(caught.value.problems)


@pytest.fixture
def edited_frontline(tmp_path, frontline_rows, write_csv):
    """Apply ``edit(header, body)`` to a copy of the frontline export; return its problems."""

    def edited(edit) -> tuple[str, list[Problem]]:
        header, body = frontline_rows
        body = [list(row) for row in body]
        header = edit(header, body) or header
        path = write_csv(tmp_path / "frontline.csv", header, body)
        return str(path), problems_of(path)

    return edited


def test_survey_empty_file(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes(b"")
    assert problems_of(path) == [Problem("empty-file", str(path), None, None, "0 bytes", ROWS_ONLY)]


def test_survey_header_without_answers(tmp_path, frontline_rows, write_csv):
    path = write_csv(tmp_path / "svar.csv", frontline_rows[0], [])
    assert problems_of(path) == [
        Problem("no-rows", str(path), None, None, "a header only", ROWS_ONLY)
    ]


def test_survey_undecodable_bytes(tmp_path, frontline_rows, write_csv):
    header, body = frontline_rows
    path = write_csv(tmp_path / "svar.csv", header, body)
    # A cell saved as Windows-1252 ("Måske" with å as the single byte E5).
    first_row = b"2025/03/10 10:00:00 AM GMT+1,Ja,,,"
    path.write_bytes(path.read_bytes().replace(first_row, first_row[:-2] + b"M\xe5ske,,"))
    assert problems_of(path) == [
        Problem(
            "undecodable",
            str(path),
            1,
            COMMENTS,
            "M\\xe5ske",
            "UTF-8 text (save the file as 'CSV UTF-8')",
        )
    ]


def test_survey_ragged_row(edited_frontline):
    def edit(header, body):
        body[1].append("ekstra")

    path, problems = edited_frontline(edit)
    assert problems == [
        Problem("ragged-row", path, 2, None, "6 fields", "5 fields, one per header column")
    ]


def test_survey_missing_column(edited_frontline):
    def edit(header, body):
        for row in body:
            del row[1]
        return [h for h in header if h != ECONOMY]

    path, problems = edited_frontline(edit)
    assert problems == [
        Problem(
            "missing-column",
            path,
            None,
            ECONOMY,
            None,
            "a column for variable 'economic_constraints' with this question, or a mapping-file "
            "entry naming it",
        )
    ]


def test_survey_duplicate_column(edited_frontline):
    def edit(header, body):
        for row in body:
            row.append(row[2])
        return [*header, COMMENTS.upper()]

    path, problems = edited_frontline(edit)
    assert problems == [
        Problem(
            "duplicate-column",
            path,
            None,
            COMMENTS.upper(),
            COMMENTS.upper(),
            f"one column for variable 'other_comments', which column {COMMENTS!r} already gives",
        )
    ]


def test_survey_unknown_column(edited_frontline):
    def edit(header, body):
        for row in body:
            row.append("Køge")
        return [*header, "Hvilken kommune arbejder du i?"]

    path, problems = edited_frontline(edit)
    assert problems == [
        Problem(
            "unknown-column",
            path,
            None,
            "Hvilken kommune arbejder du i?",
            "Hvilken kommune arbejder du i?",
            "a question of the frontline codebook, or an entry for it in the mapping file",
        )
    ]


def test_survey_unknown_binary_category(edited_frontline):
    def edit(header, body):
        body[3][1] = "ja"

    path, problems = edited_frontline(edit)
    assert problems == [Problem("unknown-category", path, 4, ECONOMY, "ja", JA_NEJ)]
    assert str(problems[0]) == (
        f"{path}: row 4 (spreadsheet row 5), column {ECONOMY!r}: unknown-category: "
        f"found 'ja', expected {JA_NEJ}"
    )


def test_survey_bad_timestamp(edited_frontline):
    def edit(header, body):
        body[4][0] = "i går"

    path, problems = edited_frontline(edit)
    assert problems == [
        Problem(
            "bad-timestamp",
            path,
            5,
            "Tidsstempel",
            "i går",
            "a date and time such as '2025/03/03 10:00:00 AM GMT+1' or '03-03-2025 10:00:00'",
        )
    ]


def test_survey_missing_timestamp(edited_frontline):
    def edit(header, body):
        body[5][0] = ""

    path, problems = edited_frontline(edit)
    assert problems == [
        Problem(
            "missing-timestamp",
            path,
            6,
            "Tidsstempel",
            None,
            "the submission time Forms writes in every row",
        )
    ]


def choice_codebook() -> Codebook:
    columns = (
        Column("timestamp", "Tidsstempel", "timestamp", False, "t", "t", "forms"),
        Column(
            "role",
            "Stilling",
            "single_choice",
            False,
            "r",
            "r",
            "reconstructed",
            categories=(Category("Socialrådgiver", "a"), Category("Mentor", "b")),
        ),
        Column(
            "tasks",
            "Opgaver",
            "multi_select",
            False,
            "o",
            "o",
            "reconstructed",
            categories=(Category("Samtaler", "a"), Category("Opfølgning, kontrol", "b")),
        ),
        Column("years", "Antal år", "number", False, "y", "y", "reconstructed"),
    )
    return Codebook("frontline", "t", "t", "Frontlinjeaktør", 2, "", columns, None)


@pytest.fixture
def choice_problems(tmp_path, write_csv):
    """Problems of a two-row export of choice_codebook() whose second row is ``cells``."""

    def problems(cells: list[str]) -> tuple[str, list[Problem]]:
        good = ["2025/03/03 10:00:00 AM GMT+1", "Mentor", "Samtaler, Opfølgning, kontrol", "4,5"]
        header = ["Tidsstempel", "Stilling", "Opgaver", "Antal år"]
        path = write_csv(tmp_path / "svar.csv", header, [good, cells])
        with pytest.raises(SurveyError) as caught:
            read_export(path, choice_codebook())
        return str(path), list(caught.value.problems)

    return problems


def test_survey_unknown_single_choice(choice_problems):
    path, problems = choice_problems(
        ["2025/03/03 11:00:00 AM GMT+1", "Jobkonsulent", "Samtaler", "2"]
    )
    assert problems == [
        Problem(
            "unknown-category",
            path,
            2,
            "Stilling",
            "Jobkonsulent",
            "one of 'Socialrådgiver', 'Mentor' (or empty)",
        )
    ]


def test_survey_unknown_multi_select_option(choice_problems):
    path, problems = choice_problems(
        ["2025/03/03 11:00:00 AM GMT+1", "Mentor", "Samtaler, Kontrol", "2"]
    )
    assert problems == [
        Problem(
            "unknown-category",
            path,
            2,
            "Opgaver",
            "Samtaler, Kontrol",
            "options 'Samtaler', 'Opfølgning, kontrol' joined by ', ' or ';'",
        )
    ]


def test_survey_bad_number(choice_problems):
    path, problems = choice_problems(
        ["2025/03/03 11:00:00 AM GMT+1", "Mentor", "Samtaler", "1.000,5"]
    )
    assert problems == [
        Problem(
            "bad-number",
            path,
            2,
            "Antal år",
            "1.000,5",
            "a number such as 3, 3.5 or 3,5 (or empty)",
        )
    ]


def test_survey_unsupported_format(tmp_path):
    path = tmp_path / "svar.ods"
    path.write_bytes(b"PK\x03\x04")
    assert problems_of(path) == [
        Problem(
            "unsupported-format",
            str(path),
            None,
            None,
            ".ods",
            "a .csv or .xlsx export (Google Forms: Download responses; Sheets: File > Download)",
        )
    ]


def test_survey_missing_file(tmp_path):
    path = tmp_path / "svar.csv"
    assert problems_of(path) == [
        Problem(
            "unreadable-file", str(path), None, None, "No such file or directory", "a readable file"
        )
    ]


def test_survey_damaged_workbook(tmp_path):
    path = tmp_path / "svar.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    (problem,) = problems_of(path)
    assert (problem.kind, problem.file, problem.row, problem.column, problem.expected) == (
        "unreadable-file",
        str(path),
        None,
        None,
        "an .xlsx workbook",
    )
    assert problem.value


def test_survey_mapping_naming_an_unknown_variable(tmp_path, frontline_rows, write_csv):
    export = write_csv(tmp_path / "svar.csv", *frontline_rows)
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("frontline:\n  Stilling: role\n", encoding="utf-8")
    assert problems_of(export, mapping=mapping) == [
        Problem(
            "bad-mapping",
            str(mapping),
            None,
            "Stilling",
            "role",
            "a variable of the frontline codebook (contact_email, contact_phone, "
            "economic_constraints, other_comments, timestamp) or 'skip'",
        )
    ]


def test_survey_edited_reconstruction(tmp_path, survey_dir):
    copy = tmp_path / "surveys"
    shutil.copytree(survey_dir, copy)
    edited = copy / "frontline.csv"
    edited.write_text(edited.read_text(encoding="utf-8").replace(",Nej,", ",Ja,", 1), "utf-8")
    (problem,) = problems_of(edited)
    assert (problem.kind, problem.row, problem.column) == ("changed-reconstruction", None, None)
    assert "python -m welfare_paradoxes.survey.reconstruct" in problem.expected


def test_survey_folder_without_the_export(tmp_path, write_csv):
    write_csv(tmp_path / "andet.csv", ["Navn", "Alder"], [["x", "1"]])
    with pytest.raises(SurveyError) as caught:
        find_export("frontline", tmp_path)
    assert caught.value.problems == (
        Problem(
            "no-export",
            str(tmp_path),
            None,
            None,
            "andet.csv",
            "exactly one export of the frontline survey: name it frontline.csv or "
            "frontline.xlsx, or keep one file whose headers are this survey's questions",
        ),
    )


def test_survey_every_problem_is_listed_at_once(edited_frontline):
    def edit(header, body):
        body[0][1] = "Måske"
        body[2][0] = "?"
        body[1].append("x")
        for row in body:
            row.append("")
        body[1].append("")
        return [*header, "Ekstra"]

    path, problems = edited_frontline(edit)
    assert [(p.kind, p.row) for p in problems] == [
        ("unknown-column", None),
        ("unknown-category", 1),
        ("ragged-row", 2),
        ("bad-timestamp", 3),
    ]
    with pytest.raises(SurveyError) as caught:
        load_export(path, "frontline")
    message = str(caught.value)
    assert message.startswith("4 problem(s) in the survey export. Rows are data rows: row 1 is")
    assert all(str(p) in message for p in problems)


def test_survey_repeated_submission_is_a_warning(tmp_path, frontline_rows, write_csv):
    header, body = frontline_rows
    body = [list(row) for row in body]
    body[19][1:] = body[17][1:]  # row 20 repeats row 18's answers, written comment included
    data = load_export(write_csv(tmp_path / "frontline.csv", header, body), "frontline")
    assert data.warnings == (
        Problem(
            "duplicate-submission",
            str(tmp_path / "frontline.csv"),
            20,
            None,
            "the same answers as row 18",
            "one submission per respondent (check whether it was sent twice)",
        ),
    )
    assert load_survey("frontline").warnings == ()
    described = load_export(tmp_path / "frontline.csv", "frontline")
    assert "Warning: rows 20 repeat an earlier submission's answers (kept;" in (
        described.describe()
    )
    assert described.frame.height == len(body)  # nothing dropped
