"""Every way a Google Forms export reaches a user reads to the same typed frame."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
import xlsxwriter

from welfare_paradoxes.survey import load_export, load_survey, read_export
from welfare_paradoxes.survey.codebook import Category, Codebook, Column


@pytest.fixture
def variants(write_csv, forms_time):
    """Writers of the four export shapes, each from the rows of a Sheets CSV."""

    def sheets_csv(tmp_path, header, body):
        return write_csv(tmp_path / "sheets.csv", header, body)

    def semicolon_joined_csv(tmp_path, header, body):
        rows = [[c.replace(", ", ";") if i == 1 else c for i, c in enumerate(r)] for r in body]
        return write_csv(tmp_path / "semicolons.csv", header, rows)

    def danish_spreadsheet_csv(tmp_path, header, body):
        rows = [[forms_time(r[0]).strftime("%d-%m-%Y %H:%M:%S"), *r[1:]] for r in body]
        return write_csv(tmp_path / "dansk.csv", header, rows, delimiter=";", bom=True)

    def workbook(tmp_path, header, body):
        path = tmp_path / "svar.xlsx"
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("Formularsvar 1")
        when = book.add_format({"num_format": "dd-mm-yyyy hh:mm:ss"})
        sheet.write_row(0, 0, header)
        for number, row in enumerate(body, start=1):
            sheet.write_datetime(number, 0, forms_time(row[0]), when)
            for position, cell in enumerate(row[1:], start=1):
                if cell:
                    sheet.write_string(number, position, cell)
        book.close()
        return path

    return {
        f.__name__: f for f in (sheets_csv, semicolon_joined_csv, danish_spreadsheet_csv, workbook)
    }


VARIANTS = ["sheets_csv", "semicolon_joined_csv", "danish_spreadsheet_csv", "workbook"]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("survey", ["citizens", "frontline"])
def test_survey_variant_reads_to_the_shipped_frame(tmp_path, variant, survey, variants, request):
    header, body = request.getfixturevalue(f"{survey}_rows")
    data = load_export(variants[variant](tmp_path, header, body), survey)
    assert data.frame.equals(load_survey(survey).frame)
    assert data.frame.schema == load_survey(survey).frame.schema


def test_survey_variants_are_really_different_files(tmp_path, citizens_rows, variants):
    header, body = citizens_rows
    semicolons = variants["semicolon_joined_csv"](tmp_path, header, body).read_bytes()
    danish = variants["danish_spreadsheet_csv"](tmp_path, header, body).read_bytes()
    assert b"Angst;S" in semicolons
    assert danish.startswith(b"\xef\xbb\xbfTidsstempel;")
    assert b"03-03-2025 10:00:00;" in danish


def test_survey_headers_match_whatever_their_spacing_and_case(tmp_path, citizens_rows, write_csv):
    header, body = citizens_rows
    shouted = ["  " + h.upper().replace(" ", "\n", 2) + " " for h in header]
    data = load_export(write_csv(tmp_path / "x.csv", shouted, body), "citizens")
    assert data.frame.equals(load_survey("citizens").frame)


def test_survey_mapping_file_matches_reworded_questions(tmp_path, citizens_rows, write_csv):
    header, body = citizens_rows
    reworded = ["Hvilke symptomer har du stadig?" if h.startswith("Hvilke") else h for h in header]
    export = write_csv(tmp_path / "x.csv", [*reworded, "Kommune"], [[*r, "Køge"] for r in body])
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(
        'citizens:\n  "Hvilke symptomer har du stadig?": symptoms\n  Kommune: skip\n',
        encoding="utf-8",
    )
    data = load_export(export, "citizens", mapping)
    assert data.frame.equals(load_survey("citizens").frame)
    assert data.provenance.skipped_columns == ("Kommune",)
    assert data.provenance.mapping == "mapping.yml"


def mixed_codebook() -> Codebook:
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
            "symptoms",
            "Symptomer",
            "multi_select",
            False,
            "s",
            "s",
            "reconstructed",
            categories=(Category("Ondt i hoved, nakke", "a"), Category("Ondt i hoved", "b")),
            other=True,
        ),
        Column("stress", "Stressniveau", "number", False, "n", "n", "reconstructed"),
    )
    return Codebook("citizens", "t", "t", "Borger", 2, "", columns, None)


def test_survey_choices_comma_labels_and_decimal_commas_read_alike(tmp_path, write_csv):
    header = ["Tidsstempel", "Stilling", "Symptomer", "Stressniveau"]
    sheets = [
        ["2025/03/03 10:00:00 AM GMT+1", "Mentor", "Ondt i hoved, nakke, Ondt i hoved", "3.5"],
        ["2025/03/03 1:00:00 PM GMT+1", "", "Ondt i hoved, Træthed, udmattelse", "7"],
    ]
    danish = [
        ["03.03.2025 10.00.00", "Mentor", "Ondt i hoved, nakke;Ondt i hoved", "3,5"],
        ["03.03.2025 13.00.00", "", "Ondt i hoved;Træthed, udmattelse", "7"],
    ]
    one = read_export(write_csv(tmp_path / "a.csv", header, sheets), mixed_codebook()).frame
    two = read_export(
        write_csv(tmp_path / "b.csv", header, danish, delimiter=";", bom=True), mixed_codebook()
    ).frame
    expected = pl.DataFrame(
        {
            "respondent": [1, 2],
            "timestamp": [datetime(2025, 3, 3, 10), datetime(2025, 3, 3, 13)],
            "role": ["Mentor", None],
            "symptoms": [["Ondt i hoved, nakke", "Ondt i hoved"], ["Ondt i hoved"]],
            "symptoms_other": [None, "Træthed, udmattelse"],
            "stress": [3.5, 7.0],
        },
        schema={
            "respondent": pl.UInt32,
            "timestamp": pl.Datetime("us"),
            "role": pl.Enum(["Socialrådgiver", "Mentor"]),
            "symptoms": pl.List(pl.Enum(["Ondt i hoved, nakke", "Ondt i hoved"])),
            "symptoms_other": pl.String,
            "stress": pl.Float64,
        },
    )
    assert one.equals(expected)
    assert two.equals(expected)


REGULAR_BUT_TRICKY = [
    ["Tidsstempel", "Hvad skete der?", "", "Antal"],
    ["2025/03/03 10:00:00 AM GMT+1", 'Jeg sagde "nej", og gik', "", "3,5"],
    ["2025/03/03 10:05:00 AM GMT+1", "To linjer:\r\nførst, så", "", ""],
    ["2025/03/03 10:09:00 AM GMT+1", "  mellemrum  ", "", "-2"],
    ["2025/03/03 10:12:00 AM GMT+1", "", "", "0"],
]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_fast_csv_path_splits_cells_as_the_csv_module_does(separator, line_end):
    """polars' parse of a regular export gives the cells Python's csv module gives: quoted
    separators and quotes, a line break inside a quoted answer, spaces, empty cells and an
    empty, unnamed column."""
    import csv
    import io

    from welfare_paradoxes.survey.reader import _regular_csv_table

    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=separator, lineterminator=line_end).writerows(REGULAR_BUT_TRICKY)
    text = buffer.getvalue()
    expected = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    table = _regular_csv_table(text.encode(), text, separator)
    assert table is not None
    assert table.headers == expected[0]
    assert [column.to_list() for column in table.columns] == [
        list(cells) for cells in zip(*expected[1:], strict=True)
    ]
    assert table.rows == list(range(1, len(expected)))


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2\n\n3,4\n",  # a blank line: the csv reader reports it as a ragged row
        "a,b\n1,2\n3\n",  # a short row
        "a,b\n1,2,3\n",  # a long row
        "a,b\r1,2\r",  # carriage returns alone
        "a,b\n",  # no answer rows
    ],
)
def test_irregular_csv_goes_to_the_line_by_line_reader(text):
    from welfare_paradoxes.survey.reader import _regular_csv_table

    assert _regular_csv_table(text.encode(), text, ",") is None
