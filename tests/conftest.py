"""Fixtures every test folder may use: exports that stand for the real answers.

A real export is one its user declares raw (``provenance.yml`` with ``status: raw``) and whose
submission times are not the reconstruction's placeholders. Helpers are fixtures, not imports,
so that they work under any pytest import mode.
"""

from __future__ import annotations

import csv
import io
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


@pytest.fixture
def declare_raw():
    return _declare_raw


@pytest.fixture
def real_times():
    return _real_times


@pytest.fixture
def raw_copy():
    return _raw_copy
