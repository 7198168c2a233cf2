"""Problems found in a survey export, and the error that carries them.

Rows are counted as data rows: row 1 is the first answer, which a spreadsheet shows as row 2
under the header row. ``row=None`` means the problem concerns the whole file or its header.
"""

from __future__ import annotations

from dataclasses import dataclass

ROW_CONVENTION = (
    "Rows are data rows: row 1 is the first answer (spreadsheet row 2, under the header)."
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or, for warnings, suspicious) in an export."""

    kind: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def where(self) -> str:
        place = "header" if self.row is None else f"row {self.row} (spreadsheet row {self.row + 1})"
        if self.column is not None:
            place += f", column {self.column!r}"
        return place

    def __str__(self) -> str:
        found = "nothing" if self.value is None else repr(self.value)
        return f"{self.file}: {self.where()}: {self.kind}: found {found}, expected {self.expected}"


class SurveyError(ValueError):
    """An export that cannot be read as the survey its codebook describes."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        lines = [f"{len(self.problems)} problem(s) in the survey export. {ROW_CONVENTION}"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


class ReconstructedDataError(RuntimeError):
    """A joint analysis asked for on the reconstructed surveys, whose rows are not people."""


class SyntheticDataError(SurveyError):
    """A synthetic teaching data set loaded as the thesis' survey: a one-line refusal."""

    def __init__(self, message: str, file: str):
        self.problems = (
            Problem("synthetic-data", file, None, None, "a synthetic data set", "the thesis' data"),
        )
        ValueError.__init__(self, message)
