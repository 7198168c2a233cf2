"""In-text citations of the thesis, parsed from its text, and the audit of their consistency (T12).

A citation is an author-year reference such as ``(Hein, 2023:30)``, ``(Brinkmann & Kvale,
2015:47)``, ``(Andersen 2007:12)`` (no comma) or the narrative form ``Styrelsen for Arbejdsmarked
og Rekruttering (2025:C)``. Several may share one pair of parentheses, separated by ``;``. The PDF
extraction breaks lines inside citations, so parsing runs over the whole text, not line by line.

Citations of the same work are grouped by their authors, compared with a tolerance for spelling
(``Goffman`` and ``Goffmann`` are one author) and regardless of order (``Brinkmann & Kvale`` and
``Kvale & Brinkmann`` are one pair). A group is reported when its citations differ in spelling,
author order or year, or use an irregular form.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import polars as pl

from welfare_paradoxes.engine.artifacts import Table
from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.thesis import THESIS_FILE, line_of, line_starts, load_thesis

# Two surnames are taken as one author when they are this similar (difflib ratio): it joins
# "Goffman"/"Goffmann" (0.93) and "Caswell"/"Cawell" (0.92) but keeps "Kvale"/"Hein" apart.
SAME_AUTHOR_SIMILARITY = 0.85

_PARENTHESES = re.compile(r"\(([^()]*)\)")
_YEAR = r"(?:1[89]|20)\d{2}"
_CITATION = re.compile(
    rf"^(?P<authors>[A-ZÆØÅ][^\d();:]*?)(?:(?P<comma>,)\s*|\s+)(?P<year>{_YEAR})"
    rf"(?:\s*(?P<separator>[:.])(?P<space>\s*)(?P<pages>\S.*?))?$"
)
# "(2025:C)" after an author written outside the parentheses (the narrative form).
_YEAR_ONLY = re.compile(
    rf"^(?P<year>{_YEAR})(?:\s*(?P<separator>[:.])(?P<space>\s*)(?P<pages>\S.*))?$"
)
_NARRATIVE_AUTHOR = re.compile(r"([A-ZÆØÅ][\wÆØÅæøå&.\- ]*?)\s*$")
# Parenthesised text that has a year but is no reference to a work.
_NOT_AUTHORS = re.compile(r"\b(bilag|borger|frontlinje|s\.)\b|^\d", re.IGNORECASE)


@dataclass(frozen=True)
class Citation:
    """One author-year citation as printed, with where it starts and ends in the text."""

    authors: str
    year: int
    pages: str
    line: int
    end_line: int
    start: int
    end: int
    comma_before_year: bool
    separator: str
    space_after_separator: bool
    narrative: bool

    @property
    def surnames(self) -> tuple[str, ...]:
        """The authors as written, in their printed order."""
        return split_authors(self.authors)

    @property
    def printed(self) -> str:
        """The citation in one normalised line, as a reader would quote it."""
        comma = "," if self.comma_before_year else ""
        pages = f"{self.separator}{' ' if self.space_after_separator else ''}{self.pages}"
        return f"{self.authors}{comma} {self.year}{pages if self.pages else ''}"


def split_authors(authors: str) -> tuple[str, ...]:
    """Split an author string into names: ``&`` and ``,`` always separate, ``og`` only between
    two single words (``Juul og Pedersen``), not inside an agency's name (``Styrelsen for
    Arbejdsmarked og Rekruttering``)."""
    names = []
    for part in re.split(r"\s*[&,]\s*", authors):
        part = part.strip()
        if not part:
            continue
        pieces = re.split(r"\s+og\s+", part)
        if len(pieces) > 1 and all(len(piece.split()) == 1 for piece in pieces):
            names.extend(pieces)
        else:
            names.append(part)
    return tuple(names)


def parse_citations(text: str) -> list[Citation]:
    """Return every author-year citation in ``text`` (the whole thesis or any part of it).

    >>> [c.printed for c in parse_citations("som (Hein, 2023:30; Andersen 2007:12) og (Bilag 7)")]
    ['Hein, 2023:30', 'Andersen 2007:12']
    """
    starts = line_starts(text)
    citations = []
    for group in _PARENTHESES.finditer(text):
        offset = group.start(1)
        for part in group.group(1).split(";"):
            part_start = offset + len(part) - len(part.lstrip())
            offset += len(part) + 1
            flat = " ".join(part.split())
            part_end = part_start + len(part.strip())
            citation = _parse_part(flat, text, group.start(), part_start, part_end, starts)
            if citation is not None:
                citations.append(citation)
    return citations


def _parse_part(
    flat: str, text: str, paren_start: int, part_start: int, part_end: int, starts
) -> Citation | None:
    match = _CITATION.match(flat)
    narrative = False
    start = part_start
    if match is None or _NOT_AUTHORS.search(match.group("authors")):
        match = _YEAR_ONLY.match(flat)
        if match is None:
            return None
        before = text[max(0, paren_start - 120) : paren_start]
        opener = before.rfind("(")
        if opener < 0 or ")" in before[opener:]:
            return None
        author = _NARRATIVE_AUTHOR.search(" ".join(before[opener + 1 :].split()))
        if author is None or not author.group(1).strip():
            return None
        authors = author.group(1).strip()
        narrative = True
        start = paren_start - len(before) + opener + 1
        comma = False
    else:
        authors = match.group("authors").strip()
        comma = match.group("comma") is not None
    end = part_end
    return Citation(
        authors=" ".join(authors.split()),
        year=int(match.group("year")),
        pages=(match.group("pages") or "").strip(),
        line=line_of(start, starts),
        end_line=line_of(max(start, end - 1), starts),
        start=start,
        end=end,
        comma_before_year=comma,
        separator=match.group("separator") or "",
        space_after_separator=bool(match.group("space")),
        narrative=narrative,
    )


def _same_author(first: str, second: str) -> bool:
    ratio = SequenceMatcher(None, first.lower(), second.lower()).ratio()
    return ratio >= SAME_AUTHOR_SIMILARITY


def same_work_authors(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Whether two author lists name the same authors, in any order, allowing misspellings."""
    if len(first) != len(second):
        return False
    remaining = list(second)
    for name in first:
        partner = next((other for other in remaining if _same_author(name, other)), None)
        if partner is None:
            return False
        remaining.remove(partner)
    return True


def group_by_work(citations: list[Citation]) -> list[list[Citation]]:
    """Group citations whose author lists match (see ``same_work_authors``), in order of first
    citation. The year is not part of the key: a differing year is one of the findings."""
    groups: list[list[Citation]] = []
    for citation in citations:
        for group in groups:
            if same_work_authors(group[0].surnames, citation.surnames):
                group.append(citation)
                break
        else:
            groups.append([citation])
    return groups


def _counted(values: list[str]) -> str:
    counts = Counter(values)
    return "; ".join(f"{value} ×{count}" for value, count in counts.most_common())


def _lines(citations: list[Citation]) -> str:
    return ", ".join(str(citation.line) for citation in citations)


def _normalised_pages(pages: str) -> str:
    return pages.replace("–", "-").replace(" ", "")


def audit_group(group: list[Citation]) -> dict | None:
    """Describe what differs between the citations of one work; None when nothing does."""
    findings = []
    spellings = Counter(" & ".join(sorted(c.surnames, key=str.lower)) for c in group)
    if len(spellings) > 1:
        findings.append("spelling")
    orders = Counter(" & ".join(c.surnames) for c in group)
    if len(orders) > len(spellings):
        findings.append("author order")
    years = Counter(c.year for c in group)
    if len(years) > 1:
        findings.append("year")
    irregular = []
    for label, test in (
        ("no comma before the year", lambda c: not c.comma_before_year and not c.narrative),
        ("'.' instead of ':' before the page", lambda c: c.separator == "."),
        ("space after ':'", lambda c: c.space_after_separator),
        ("year in parentheses after the author", lambda c: c.narrative),
    ):
        hits = [c for c in group if test(c)]
        if hits:
            irregular.append(f"{label} (line {_lines(hits)})")
    if irregular:
        findings.append("form")
    if not findings:
        return None
    majority_year = years.most_common(1)[0][0]
    minority = [c for c in group if c.year != majority_year]
    pages_by_year = {
        year: sorted({_normalised_pages(c.pages) for c in group if c.year == year and c.pages})
        for year in sorted(years)
    }
    printed_authors = Counter(c.authors for c in group)
    return {
        "work": f"{printed_authors.most_common(1)[0][0]}, {majority_year}",
        "citations": len(group),
        "finding": ", ".join(findings),
        "spellings": _counted([c.authors for c in group]) if len(printed_authors) > 1 else "",
        "years": _counted([str(c.year) for c in group]) if len(years) > 1 else "",
        "other_year_lines": _lines(minority),
        "irregular_forms": "; ".join(irregular),
        "pages_by_year": "; ".join(
            f"{year}: {', '.join(pages) or '–'}" for year, pages in pages_by_year.items()
        ),
        "year_reading": _year_reading(group, years, pages_by_year) if len(years) > 1 else "",
        "first_line": group[0].line,
    }


def _is_page_number(pages: str) -> bool:
    return bool(re.match(r"\d", pages))


def _year_reading(group: list[Citation], years: Counter, pages_by_year: dict) -> str:
    """What the citations themselves say about a differing year (no reference list exists)."""
    if not any(_is_page_number(c.pages) for c in group):
        return "sections or parts of documents, not pages: the years name different documents"
    fewest_year, fewest = years.most_common()[-1]
    shared = set.intersection(*(set(pages) for pages in pages_by_year.values()))
    if shared:
        return f"page {', '.join(sorted(shared))} is cited under every year: likely one work"
    first_pages = {
        year: {int(re.match(r"\d+", page).group()) for page in pages if _is_page_number(page)}
        for year, pages in pages_by_year.items()
    }
    fewest_pages, other_pages = (
        first_pages[fewest_year],
        set().union(*(pages for year, pages in first_pages.items() if year != fewest_year)),
    )
    near = sorted(
        {page for page in fewest_pages if any(abs(page - other) <= 2 for other in other_pages)}
    )
    if near:
        pages = ", ".join(map(str, near))
        return f"page {pages} lies next to pages cited under another year: likely one work"
    if fewest == 1:
        return f"{fewest_year} occurs once: a typing error or another edition"
    return "no page is cited under more than one year: possibly different works"


def thesis_citations(data_dir: str | Path = DATA_DIR) -> list[Citation]:
    """Every citation in the thesis text shipped in ``data_dir``."""
    thesis = load_thesis(data_dir)
    return parse_citations("\n".join(thesis.lines))


def citation_audit_table(data_dir: str | Path = DATA_DIR) -> Table:
    """T12: works cited with differing spellings, author orders, years or irregular forms."""
    data_dir = Path(data_dir)
    citations = thesis_citations(data_dir)
    groups = group_by_work(citations)
    rows = [row for row in (audit_group(group) for group in groups) if row is not None]
    order = {"spelling": 0, "author order": 1, "year": 2, "form": 3}
    rows.sort(key=lambda row: (order[row["finding"].split(", ")[0]], row["first_line"]))
    schema = {
        "work": pl.String,
        "citations": pl.Int64,
        "finding": pl.String,
        "spellings": pl.String,
        "years": pl.String,
        "other_year_lines": pl.String,
        "irregular_forms": pl.String,
        "pages_by_year": pl.String,
        "year_reading": pl.String,
        "first_line": pl.Int64,
    }
    frame = pl.DataFrame(rows, schema=schema)
    return Table(
        id="T12",
        title="Citation audit: works cited in more than one way",
        frame=frame,
        sources=(data_dir / THESIS_FILE,),
        labels={
            "work": "Work (most frequent form)",
            "citations": "Citations",
            "finding": "What differs",
            "spellings": "Author spellings and orders",
            "years": "Years",
            "other_year_lines": "Lines with the other year",
            "irregular_forms": "Irregular forms",
            "pages_by_year": "Pages cited, by year",
            "year_reading": "What the pages suggest",
            "first_line": "First line",
        },
        note=(
            f"Computed from the thesis text: {len(citations)} author-year citations of "
            f"{len(groups)} works. A differing year may mark two editions or a typing error; "
            "the pages cited under each year help to tell which. The reference list is not part "
            "of the text, so no citation could be checked against it."
        ),
    )
