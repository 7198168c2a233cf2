"""The thesis text as an analysed source document: numbered lines and Bilag citations.

The text in ``data/thesis/thesis.txt`` was extracted from the thesis PDF; line numbers are those
of that file (the ids of SPEC.md and every ``thesis_lines`` column refer to them).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from welfare_paradoxes.engine.paths import DATA_DIR

THESIS_FILE = Path("thesis") / "thesis.txt"

# What each appendix (Bilag) of the thesis holds (method section, thesis lines 373-380, 604-654).
BILAG_CONTENTS = {
    1: "citizen interview",
    2: "citizen interview",
    3: "citizen interview",
    4: "frontline interview",
    5: "frontline interview",
    6: "frontline interview",
    7: "citizen survey",
    8: "frontline survey",
    9: "consent form",
    10: "consent form",
    11: "interview guide",
    12: "interview guide",
}

# "Bilag 7", "bilag 1-3", "Bilag 4-6,8", "Bilag 1, 2 og 3"; the PDF extraction may break the
# line inside a citation, so the pattern runs over whitespace including newlines.
_BILAG_CITATION = re.compile(
    r"\bbilag\s+(\d{1,2}(?:\s*(?:[-–]|,|og)\s*\d{1,2})*)",
    re.IGNORECASE,
)
_BILAG_PART = re.compile(r"(\d{1,2})(?:\s*[-–]\s*(\d{1,2}))?")


@dataclass(frozen=True)
class ThesisText:
    """The thesis as numbered lines (1-based, as in an editor)."""

    lines: tuple[str, ...]
    path: Path

    def line(self, number: int) -> str:
        """Return line ``number`` (1-based)."""
        if not 1 <= number <= len(self.lines):
            raise ValueError(
                f"{self.path.name}: line {number} does not exist (the text has "
                f"{len(self.lines)} lines)"
            )
        return self.lines[number - 1]

    def span(self, first: int, last: int) -> str:
        """Return lines ``first`` to ``last`` inclusive, joined with newlines."""
        if first > last:
            raise ValueError(f"{self.path.name}: line range {first}-{last} runs backwards")
        self.line(first)
        self.line(last)
        return "\n".join(self.lines[first - 1 : last])


def load_thesis(data_dir: str | Path = DATA_DIR) -> ThesisText:
    """Read the thesis text shipped in ``data_dir``."""
    path = Path(data_dir) / THESIS_FILE
    text = path.read_text(encoding="utf-8")
    return ThesisText(lines=tuple(text.split("\n")), path=path)


def line_starts(text: str) -> list[int]:
    """The offset at which each line of ``text`` starts (line 1 at offset 0)."""
    return [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]


def line_of(offset: int, starts: list[int]) -> int:
    """The 1-based line holding character ``offset``, given ``line_starts`` of the text."""
    return bisect.bisect_right(starts, offset)


def parse_line_ranges(spec: str) -> list[tuple[int, int]]:
    """Parse a ``thesis_lines`` cell such as ``"373-380; 426"`` into (first, last) pairs."""
    ranges = []
    for piece in spec.split(";"):
        piece = piece.strip()
        if not piece:
            continue
        match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", piece)
        if match is None:
            raise ValueError(f"line range {piece!r} is not of the form N or N-M")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise ValueError(f"line range {piece!r} runs backwards")
        ranges.append((first, last))
    if not ranges:
        raise ValueError(f"no line range in {spec!r}")
    return ranges


def bilag_citations(text: str) -> list[int]:
    """Return every appendix number cited in ``text``, ranges expanded, in order of citation.

    >>> bilag_citations("(Bilag 4-6,8) og (Borger 2, bilag 7) samt Bilag 1, 2 og 3")
    [4, 5, 6, 8, 7, 1, 2, 3]
    """
    cited = []
    for citation in _BILAG_CITATION.finditer(text):
        for part in _BILAG_PART.finditer(citation.group(1)):
            first = int(part.group(1))
            last = int(part.group(2) or first)
            cited.extend(range(first, last + 1))
    unknown = sorted({number for number in cited if number not in BILAG_CONTENTS})
    if unknown:
        raise ValueError(f"citation of an appendix the thesis does not have: Bilag {unknown}")
    return cited
