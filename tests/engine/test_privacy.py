"""The built-output scan catches contact details and leaves the book's own numbers alone."""

from __future__ import annotations

import base64
import json
import random
import subprocess
import sys

import pytest

from benchmarks.bench_privacy import PAGES, write_pages
from welfare_paradoxes.engine.privacy import find_personal_data, main, scan

CAUGHT = [
    ("ring på 23456789 i morgen", "23456789"),
    ("12345678", "12345678"),
    ("12 34 56 78", "12 34 56 78"),
    ("1234 5678", "1234 5678"),
    ("23-45-67-89", "23-45-67-89"),
    ("+45 12345678", "+45 12345678"),
    ("+4512345678", "+4512345678"),
    ("0045 12345678", "0045 12345678"),
    ("0045 12 34 56 78", "0045 12 34 56 78"),
    ("(+45) 12 34 56 78", "(+45) 12 34 56 78"),
    ("Tlf.: 12 34 56 78.", "12 34 56 78"),
    ("navn,12345678,ja", "12345678"),
    ("navn,+4512345678", "+4512345678"),
    ("<td>12345678</td>", "12345678"),
    ("skriv til anna.hansen@example.dk", "anna.hansen@example.dk"),
    ("søren_k+survey@post.tele.dk,", "søren_k+survey@post.tele.dk"),
]

LEGITIMATE = [
    "unemployed since 2016, 2023 and 2015; fleksjob since 2019",
    "2016 2023",
    "sygedagpenge up to 20,350 kr/month, or 20.350 kr; 12.326 kr; 55.000.000.000 kr",
    "a fall of ca. 5,000-7,000 kr; 54.6 bn kr; 7.5 bn",
    "value 0.12345678 and 1,23456789",
    '"sha256": "2d5252553b419aaece9cf9645d473bfa749d8774d6c96e2a56c21d290427bd68"',
    "a1b2c3d412345678ef 12345678abcdef",
    '<link href="_static/pygments.css?v=23456789" rel="stylesheet">',
    "color: #23456789; width: 12345678px; margin: -23456789px",
    "array([26, 16, 23, 12]) and [26 16 23 12] and [18 17 11  8]",
    "26 16 23 12 39",
    "line 12345678901 and 123456789",
    '<img src="logo@2x.png"> import x from "pkg@1.2.3/index.js"',
    "2025-03-03 10:00:00, 2025/03/03 10:00:00 AM GMT+1, 03-03-2025",
    "@property\ndef f(self): ...",
    '<polyline points="10 20 30 40" /><path d="M12 34 56 78 90 12z"/>',
]


@pytest.mark.parametrize("text, match", CAUGHT)
def test_privacy_catches_contact_details(text, match):
    assert [m for _, _, m in find_personal_data(text)] == [match]


@pytest.mark.parametrize("text", LEGITIMATE)
def test_privacy_leaves_the_book_numbers_alone(text):
    assert list(find_personal_data(text)) == []


def test_privacy_planted_address_in_a_page_fails_the_scan(tmp_path, capsys):
    page = tmp_path / "html" / "chapters" / "survey.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        "<html><body>\n<p>n = 39, 20.350 kr</p>\n<p>Kontakt: anna.hansen@example.dk</p>\n</body>",
        encoding="utf-8",
    )
    (tmp_path / "tables.csv").write_text("id,k,n\nT05,26,39\n", encoding="utf-8")
    assert main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{page}: line 3: e-mail address 'anna.hansen@example.dk'" in err


def test_privacy_html_entities_do_not_hide_a_number(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>Ring 12&nbsp;34&nbsp;56&nbsp;78</p>", encoding="utf-8")
    ((_, kind, match),) = [(f.where, f.kind, f.match) for f in scan([tmp_path])[0]]
    assert (kind, match) == ("phone number", "12\u00a034\u00a056\u00a078")


def notebook(text_output: str) -> dict:
    image = base64.b64encode(random.Random(0).randbytes(200_000)).decode()
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 12345678,
                "metadata": {"papermill": {"duration": 0.12345678}},
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": [text_output]},
                    {"output_type": "display_data", "data": {"image/png": image}},
                ],
                "source": ["print(k, n)"],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_privacy_notebook_numbers_and_images_are_not_flagged(tmp_path):
    (tmp_path / "a.ipynb").write_text(json.dumps(notebook("26 39\n")), encoding="utf-8")
    manifest = {"files": [{"size": 23456789, "sha256": "0123456789abcdef" * 4}]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert scan([tmp_path]) == ([], 2)


def test_privacy_notebook_output_text_is_scanned(tmp_path):
    (tmp_path / "a.ipynb").write_text(json.dumps(notebook("Telefon:\n23456789\n")), "utf-8")
    (finding,) = scan([tmp_path])[0]
    assert (finding.where, finding.match) == ("$.cells[0].outputs[0].text[0]", "23456789")


def test_privacy_other_file_types_are_ignored(tmp_path):
    (tmp_path / "searchindex.js").write_text("var x = 23456789;", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ring 23456789", encoding="utf-8")
    assert [f.path.name for f in scan([tmp_path])[0]] == ["notes.md"]


def test_privacy_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert main([str(tmp_path / "build")]) == 2


def test_privacy_clean_folder_passes_from_the_command_line(tmp_path):
    (tmp_path / "page.html").write_text("<p>26 of 39 (66.7 %)</p>", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "welfare_paradoxes.engine.privacy", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no e-mail addresses or phone numbers in 1 files" in result.stdout


def test_privacy_finds_nothing_in_large_pages_of_numbers_and_images(tmp_path):
    """The pages `make bench` times (bench_privacy): their amounts, years, counts, digests
    and base64 images are not personal data."""
    write_pages(tmp_path)
    assert scan([tmp_path]) == ([], PAGES)


def test_privacy_line_ranges_are_not_phone_numbers_but_spaced_fours_are():
    assert list(find_personal_data("thesis lines 1479-1486 and 2476-2478")) == []
    assert [m for _, _, m in find_personal_data("ring 2476 2478")] == ["2476 2478"]


def test_privacy_svg_drawing_data_is_skipped_but_its_text_is_scanned(tmp_path):
    figure = tmp_path / "F01.svg"
    figure.write_text(
        '<svg><path d="M 12345678 20350000 L 87654321 12 z"/>'
        '<polyline points="23456789 10 98765432 20"/><text>ring 23 45 67 89</text></svg>'
    )
    findings, _ = scan([figure])
    assert [finding.match for finding in findings] == ["23 45 67 89"]
