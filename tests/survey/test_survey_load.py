"""Loading from a folder of exports: finding the files, provenance, and personal data."""

from __future__ import annotations

import shutil

import pytest

from welfare_paradoxes.survey import SurveyError, load_export, load_survey
from welfare_paradoxes.survey.reader import PERSONAL_WITHHELD
from welfare_paradoxes.survey.validate import main as validate

EMAIL, PHONE = "anna.hansen@example.dk", "+45 12 34 56 78"


def with_contacts(body: list[list[str]]) -> list[list[str]]:
    planted = [list(row) for row in body]
    planted[4][-2:] = [EMAIL, PHONE]
    planted[7][-2:] = ["", "23456789"]
    return planted


def everything_as_text(frame) -> str:
    return repr(frame.to_dicts())


@pytest.mark.parametrize("survey", ["citizens", "frontline"])
def test_survey_personal_columns_never_survive_loading(tmp_path, survey, request, write_csv):
    header, body = request.getfixturevalue(f"{survey}_rows")
    data = load_export(write_csv(tmp_path / "svar.csv", header, with_contacts(body)), survey)
    assert "contact_email" not in data.frame.columns
    assert "contact_phone" not in data.frame.columns
    text = everything_as_text(data.frame)
    assert EMAIL not in text and "12 34 56 78" not in text and "23456789" not in text
    assert data.provenance.dropped_personal == ("contact_email", "contact_phone")


@pytest.mark.parametrize("header_text", ["E-mailadresse", "Email Address"])
def test_forms_own_email_column_is_dropped_unread(tmp_path, frontline_rows, write_csv, header_text):
    header, body = frontline_rows
    header = [header[0], header_text, *header[1:]]
    body = [[row[0], f"person{n}@example.dk", *row[1:]] for n, row in enumerate(body)]
    data = load_export(write_csv(tmp_path / "frontline.csv", header, body), "frontline")
    assert "example.dk" not in everything_as_text(data.frame)
    assert header_text in data.provenance.dropped_personal


def test_survey_exports_without_contact_columns_are_fine(tmp_path, frontline_rows, write_csv):
    header, body = frontline_rows
    data = load_export(
        write_csv(tmp_path / "x.csv", header[:-2], [r[:-2] for r in body]), "frontline"
    )
    assert data.frame.equals(load_survey("frontline").frame)


def test_survey_validate_never_prints_personal_data(tmp_path, frontline_rows, capsys, write_csv):
    header, body = frontline_rows
    path = write_csv(tmp_path / "svar.csv", header, with_contacts(body))
    assert validate(["--survey", "frontline", str(path)]) == 0
    out, err = capsys.readouterr()
    assert EMAIL not in out + err and "12 34 56 78" not in out + err
    assert "contact_email" in out and "personal data: dropped at load" in out


def test_survey_undecodable_contact_detail_is_withheld(tmp_path, frontline_rows, write_csv):
    header, body = frontline_rows
    path = write_csv(tmp_path / "svar.csv", header, with_contacts(body))
    path.write_bytes(path.read_bytes().replace(b"anna.hansen", b"s\xf8ren"))
    with pytest.raises(SurveyError) as caught:
        load_export(path, "frontline")
    (problem,) = caught.value.problems
    assert (problem.kind, problem.row, problem.value) == ("undecodable", 5, PERSONAL_WITHHELD)
    assert "example.dk" not in str(caught.value)


def test_survey_raw_export_is_found_by_its_name(tmp_path, raw_copy):
    raw_copy("frontline", tmp_path)
    data = load_survey("frontline", tmp_path)
    assert data.provenance.status == "raw"
    assert data.provenance.source == "frontline.csv"
    assert data.raw and not data.reconstructed
    assert "declared raw" in data.provenance.note


def test_survey_undeclared_export_is_read_but_refused_for_the_book(
    tmp_path, citizens_rows, write_csv, real_times
):
    header, body = citizens_rows
    # Other respondents: every column's answers rotated by its own offset, new times.
    columns = [[row[c] for row in body] for c in range(len(header))]
    columns = [column[c:] + column[:c] for c, column in enumerate(columns)]
    columns[0] = real_times(len(body))
    path = write_csv(
        tmp_path / "citizens.csv", header, [list(r) for r in zip(*columns, strict=True)]
    )
    data = load_export(path, "citizens")  # what `make validate` reads
    assert data.provenance.status == "undeclared" and not data.raw
    with pytest.raises(SurveyError, match=r"citizens.csv.*'status: raw'"):
        load_survey("citizens", tmp_path)


def test_survey_raw_export_is_found_by_its_headers(
    tmp_path, citizens_rows, frontline_rows, write_csv
):
    for name, (header, body) in (
        ("Spørgeskema til borgere (svar).csv", citizens_rows),
        ("Frontlinje (svar).csv", frontline_rows),
    ):
        body = [list(row) for row in body]
        body[0][-3] = "Tak for spørgeskemaet"
        write_csv(tmp_path / name, header, body)
    assert (
        load_survey("citizens", tmp_path).provenance.source == "Spørgeskema til borgere (svar).csv"
    )
    assert load_survey("frontline", tmp_path).provenance.source == "Frontlinje (svar).csv"


def test_survey_mapping_file_in_the_folder_is_used(tmp_path, frontline_rows, write_csv):
    header, body = frontline_rows
    header = ["Tidsstempel", "Spares der på dit arbejde?", *header[2:]]
    write_csv(tmp_path / "frontline.csv", header, body)
    (tmp_path / "mapping.yml").write_text(
        "frontline:\n  Spares der på dit arbejde?: economic_constraints\n", encoding="utf-8"
    )
    data = load_survey("frontline", tmp_path)
    assert data.provenance.mapping == "mapping.yml"
    assert data.frame.equals(load_survey("frontline").frame)


def test_survey_copied_reconstruction_stays_reconstructed(tmp_path, survey_dir, declare_raw):
    shutil.copy(survey_dir / "citizens.csv", tmp_path / "citizens.csv")
    declare_raw(tmp_path)  # a declaration does not make the reconstruction real
    data = load_survey("citizens", tmp_path)
    assert data.reconstructed
    assert "Recognised by its content: 39 of its 39 submission times" in data.provenance.note


@pytest.mark.parametrize("survey", ["citizens", "frontline"])
def test_a_re_formatted_reconstruction_is_still_recognised(
    tmp_path, survey, request, write_csv, forms_time
):
    """A spreadsheet's round trip: Danish dates, ';', a BOM, CRLF, rows sorted another way."""
    header, body = request.getfixturevalue(f"{survey}_rows")
    danish = [
        [forms_time(row[0]).strftime("%d-%m-%Y %H:%M:%S"), *row[1:]] for row in reversed(body)
    ]
    write_csv(tmp_path / f"{survey}.csv", header, danish, delimiter=";", bom=True)
    data = load_survey(survey, tmp_path)
    assert data.reconstructed, data.provenance.note


def test_a_reconstruction_with_new_times_is_recognised_by_its_answers(
    tmp_path, citizens_rows, write_csv, real_times
):
    header, body = citizens_rows
    body = [[time, *row[1:]] for time, row in zip(real_times(len(body)), body, strict=True)]
    body[0][3] = "Nej" if body[0][3] == "Ja" else "Ja"  # one answer changed as well
    path = write_csv(tmp_path / "citizens.csv", header, body)
    data = load_export(path, "citizens")
    assert data.reconstructed
    assert "38 of its rows are rows of the shipped reconstruction" in data.provenance.note


def test_survey_provenance_describes_itself():
    line = load_survey("frontline").provenance.describe()
    assert line.startswith("frontline: reconstructed data from frontline.csv (sha256 ")
    assert "rows are not real respondents" in line
