"""Fixtures every test folder may use: exports that stand for the real answers.

A real export is one its user declares raw (``provenance.yml`` with ``status: raw``) and whose
submission times are not the reconstruction's placeholders. Helpers are fixtures, not imports,
so that they work under any pytest import mode.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]


def _declare_raw(folder: Path) -> Path:
    path = folder / "provenance.yml"
    path.write_text("status: raw\nnote: a test export\n", encoding="utf-8")
    return path


def _real_times(count: int) -> list[str]:
    """Submission times in the Forms format that are not the reconstruction's placeholders."""
    return [
        f"2025/04/{1 + n // 20:02d} {1 + n % 12}:{(7 * n) % 60:02d}:31 PM GMT+2"
        for n in range(count)
    ]


def _raw_copy(survey: str, folder: Path, drop_last: int = 0) -> Path:
    """The shipped answers of ``survey`` with real-looking times, declared raw in ``folder``."""
    text = (REPOSITORY / "data" / "surveys" / f"{survey}.csv").read_text(encoding="utf-8")
    header, *body = csv.reader(io.StringIO(text, newline=""))
    body = body[: len(body) - drop_last]
    for row, time in zip(body, _real_times(len(body)), strict=True):
        row[0] = time
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *body])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{survey}.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    _declare_raw(folder)
    return path


def _edited_data(folder: Path, relative: Path, old: str, new: str) -> Path:
    """A copy of the project's data/ in ``folder`` with ``old`` replaced once in one file."""
    data = folder / "data"
    shutil.copytree(REPOSITORY / "data", data)
    path = data / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


@pytest.fixture
def edited_data(tmp_path):
    """``edited_data(relative_path, old, new)``: a data folder with one planted change."""
    return lambda relative, old, new: _edited_data(tmp_path, Path(relative), old, new)


@pytest.fixture(scope="session")
def register():
    """The excerpt register as the book loads it (read only)."""
    from welfare_paradoxes.qualitative.register import load_register

    return load_register(REPOSITORY / "data")


@pytest.fixture(scope="session")
def surveys():
    """Both shipped surveys as the book loads them (read only)."""
    from welfare_paradoxes.survey import load_survey

    return {name: load_survey(name) for name in ("citizens", "frontline")}


@pytest.fixture
def declare_raw():
    return _declare_raw


@pytest.fixture
def real_times():
    return _real_times


@pytest.fixture
def raw_copy():
    return _raw_copy
