"""Fixtures for the survey tests: the shipped exports as rows, and writers for other shapes.

Helpers are fixtures (not imports from this module) so that they work under any pytest
import mode and beside other conftest.py files.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


def _rows(survey: str) -> tuple[list[str], list[list[str]]]:
    text = (REPOSITORY / "data" / "surveys" / f"{survey}.csv").read_text(encoding="utf-8")
    header, *body = csv.reader(io.StringIO(text, newline=""))
    return header, body


def _write_csv(
    path: Path, header: list[str], body: list[list[str]], delimiter: str = ",", bom: bool = False
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *body])
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


def _forms_time(text: str) -> datetime:
    """'2025/03/03 1:00:00 PM GMT+1' -> datetime, parsed here independently of the reader."""
    day, clock, half, _zone = text.split(" ")
    return datetime.strptime(f"{day} {clock} {half}", "%Y/%m/%d %I:%M:%S %p")


@pytest.fixture
def survey_dir() -> Path:
    return REPOSITORY / "data" / "surveys"


@pytest.fixture
def citizens_rows() -> tuple[list[str], list[list[str]]]:
    return _rows("citizens")


@pytest.fixture
def frontline_rows() -> tuple[list[str], list[list[str]]]:
    return _rows("frontline")


@pytest.fixture
def thesis_lines() -> list[str]:
    return (REPOSITORY / "data" / "thesis" / "thesis.txt").read_text(encoding="utf-8").split("\n")


@pytest.fixture
def write_csv():
    return _write_csv


@pytest.fixture
def forms_time():
    return _forms_time
