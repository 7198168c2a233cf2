"""Split a multi-select cell into the options it names.

Forms joins the chosen options of a checkbox question into one cell (", " in Sheets, ";" on
some CSV routes), and an option label may itself contain a comma. So the cell is read by
matching the known options, longest first, each ending at a separator or at the end of the
cell; whatever no option covers is the respondent's "Other" text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEPARATOR = r"\s*[,;]\s*"


@dataclass(frozen=True)
class Split:
    chosen: list[str]  # in codebook order, each once
    other: str | None  # the text no option covers; None when there is none


class ChoiceSplitter:
    def __init__(self, options: tuple[str, ...]):
        self.options = options
        longest_first = sorted(options, key=len, reverse=True)
        alternatives = "|".join(re.escape(option) for option in longest_first)
        self._option = re.compile(rf"(?:{alternatives})(?={SEPARATOR}|\s*$)")
        self._separator = re.compile(SEPARATOR)

    def split(self, cell: str) -> Split:
        found: set[str] = set()
        leftovers: list[str] = []
        position = 0
        start_of_leftover = None
        while position < len(cell):
            match = self._option.match(cell, position) if self.options else None
            if match:
                if start_of_leftover is not None:
                    leftovers.append(cell[start_of_leftover:position])
                    start_of_leftover = None
                found.add(match.group())
                position = match.end()
            else:
                if start_of_leftover is None:
                    start_of_leftover = position
                separator = self._separator.search(cell, position)
                position = separator.start() if separator else len(cell)
            separator = self._separator.match(cell, position)
            if separator:
                if start_of_leftover is not None and self._ends_leftover(cell, separator.end()):
                    leftovers.append(cell[start_of_leftover:position])
                    start_of_leftover = None
                position = separator.end()
        if start_of_leftover is not None:
            leftovers.append(cell[start_of_leftover:])
        other = ", ".join(text.strip() for text in leftovers if text.strip()) or None
        return Split([option for option in self.options if option in found], other)

    def _ends_leftover(self, cell: str, position: int) -> bool:
        """Leftover text runs on through separators until a known option starts."""
        return bool(self.options) and self._option.match(cell, position) is not None
