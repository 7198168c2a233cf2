"""The thesis as one searchable string: whitespace normalised, every character mapped to its line.

The PDF extraction breaks lines inside quotes and attributions and puts blank lines between
printed lines, so a quote is searched for in text where every run of whitespace is one space. The
map back to line numbers lets every match be cited by the lines of ``data/thesis/thesis.txt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from welfare_paradoxes.thesis import THESIS_FILE, load_thesis

_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Return ``text`` with every run of whitespace (line breaks included) as one space."""
    return _WHITESPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class SearchableThesis:
    """The normalised thesis text and, for each of its characters, the 1-based line it is on."""

    text: str
    line_of: tuple[int, ...]
    path: Path
    line_count: int

    def lines_of(self, start: int, end: int) -> tuple[int, int]:
        """Return the first and last line of the characters ``text[start:end]``."""
        return self.line_of[start], self.line_of[max(start, end - 1)]

    def offset_of_line(self, line: int) -> int:
        """Return the offset of the first character on ``line`` or, if it is blank, after it."""
        if not 1 <= line <= self.line_count:
            raise ValueError(f"{self.path.name}: line {line} does not exist")
        low, high = 0, len(self.line_of)
        while low < high:
            middle = (low + high) // 2
            if self.line_of[middle] < line:
                low = middle + 1
            else:
                high = middle
        return low

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Return the offsets (start, end) of the normalised text of lines ``first``-``last``."""
        if last < first:
            raise ValueError(f"{self.path.name}: line range {first}-{last} runs backwards")
        end = self.offset_of_line(last + 1) if last < self.line_count else len(self.text)
        return self.offset_of_line(first), end

    def span_text(self, first: int, last: int) -> str:
        """Return the normalised text of lines ``first``-``last``."""
        start, end = self.span(first, last)
        return self.text[start:end].strip()


def searchable(data_dir: str | Path) -> SearchableThesis:
    """Return the searchable thesis of ``data_dir`` (cached per file and modification time)."""
    path = Path(data_dir) / THESIS_FILE
    stat = path.stat()
    return _searchable(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _searchable(path: str, _mtime: int, _size: int) -> SearchableThesis:
    thesis = load_thesis(Path(path).parent.parent)
    return from_lines(thesis.lines, thesis.path)


def from_lines(lines: tuple[str, ...] | list[str], path: Path) -> SearchableThesis:
    """Build the searchable text of ``lines`` (numbered from 1); ``path`` names it in errors."""
    characters: list[str] = []
    line_of: list[int] = []
    pending_space = False
    for number, line in enumerate(lines, start=1):
        for character in line + "\n":
            if character.isspace():
                pending_space = bool(characters)
                continue
            if pending_space:
                characters.append(" ")
                line_of.append(number)
                pending_space = False
            characters.append(character)
            line_of.append(number)
    return SearchableThesis(
        text="".join(characters),
        line_of=tuple(line_of),
        path=Path(path),
        line_count=len(lines),
    )
