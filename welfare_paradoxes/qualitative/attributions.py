"""Who the thesis says is speaking: every attribution of a quote and every naming of an informant.

The thesis attributes a quote in parentheses after it, "(Lykke borger 1, bilag 1)",
"(Borger 27, bilag 7)", "(Heidi frontlinjeaktør 1, bilag 4)", with variants of order, commas,
case and spelling ("(Borger Lykke 1, bilag 1.)", "(Laila frontlinkeaktør 2, bilag 5)"). In the
prose it names informants as "Annette borger 2", "Heidi 1 frontlinjeaktør", "borger Lykke 1".
The presentation of the informants (the bullets after "Præsentation af interviewpersoner") is
the reference: the audit (T11) lists every place that disagrees with it, and every attribution
whose Bilag does not hold that kind of source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from welfare_paradoxes.design import INFORMANTS_FILE, read_data_csv
from welfare_paradoxes.engine.artifacts import Table
from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.qualitative.text import SearchableThesis, normalise, searchable
from welfare_paradoxes.thesis import BILAG_CONTENTS, THESIS_FILE

PRESENTATION_HEADING = "Præsentation af interviewpersoner"
PRESENTATION_END = "I det følgende redegør"
ROLE_OF_SOURCE = {
    "citizen interview": "citizen",
    "frontline interview": "frontline",
    "citizen survey": "citizen",
    "frontline survey": "frontline",
}
SURVEY_BILAG = {"citizen": 7, "frontline": 8}
SURVEY_LABEL = {"citizen": "Borger", "frontline": "Frontlinjeaktør"}

# "frontlinje aktør" and "frontlinkeaktør" occur as variants; the look-ahead keeps plurals and
# compounds ("borgere", "frontlinjeaktørerne") out.
_ROLE = r"(?:[Bb]orger|[Ff]rontlin[jk]e ?aktør)(?!\w)"
# A quote's speaker can be followed by a bare number that is its participation number.
_NUMBER = r"\d{1,2}(?!\d)"
# A sentence ends at ". " followed by a capital letter or a bullet; good enough to keep a
# municipality with the informant named next to it.
_SENTENCE_END = re.compile(r"[.!?:] (?=[A-ZÆØÅ•“”\"])")


def role_of_word(word: str) -> str:
    """Return "citizen" or "frontline" for a role word as printed ("Borger", "frontlinje aktør")."""
    return "citizen" if word.lower().startswith("borger") else "frontline"


@dataclass(frozen=True)
class PresentedInformant:
    """An interviewee as the presentation of the informants introduces them."""

    pseudonym: str
    role: str
    number: int
    bilag: int
    municipality: str
    first_line: int
    last_line: int

    @property
    def lines(self) -> str:
        return line_range(self.first_line, self.last_line)


@dataclass(frozen=True)
class Citation:
    """One place that names a speaker: a quote's attribution or a description in the prose."""

    place: str  # "attribution" or "description"
    start: int
    end: int
    first_line: int
    last_line: int
    as_printed: str
    pseudonym: str | None
    role_word: str | None
    number: int | None
    bilag: int | None

    @property
    def role(self) -> str | None:
        return role_of_word(self.role_word) if self.role_word else None

    @property
    def lines(self) -> str:
        return line_range(self.first_line, self.last_line)

    @property
    def speaker(self) -> str:
        """The canonical speaker this citation names: the pseudonym, or "Borger N" for surveys."""
        if self.pseudonym:
            return self.pseudonym
        if self.role and self.number is not None:
            return f"{SURVEY_LABEL[self.role]} {self.number}"
        return ""


@dataclass(frozen=True)
class Finding:
    """A disagreement between a citation and the presentation of the informants."""

    citation: Citation
    informant: str
    field: str
    printed: str
    presented: str
    belongs_to: str
    explanation: str


def line_range(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def display_range(spec: str) -> str:
    """A line range as a page prints it, "1062–1064": the en dash is the typographic range sign
    and keeps a range of two four-digit numbers from reading as a phone number."""
    return spec.replace("-", "\u2013")


def presented_informants(data_dir: str | Path = DATA_DIR) -> dict[str, PresentedInformant]:
    """Parse the presentation of the six interviewees from the thesis, keyed by pseudonym.

    Pseudonym, role, number and Bilag come from the bullets themselves; the municipality is
    taken from ``interviews/informants.csv`` and must occur in the informant's bullet.
    """
    data_dir = Path(data_dir)
    thesis = searchable(data_dir)
    return _presented_informants(thesis, read_data_csv(data_dir, INFORMANTS_FILE), data_dir)


def _presentation_span(thesis: SearchableThesis) -> tuple[int, int]:
    start = thesis.text.find(PRESENTATION_HEADING)
    end = thesis.text.find(PRESENTATION_END, start)
    if start < 0 or end < 0:
        raise ValueError(
            f"{thesis.path}: no presentation of the informants (heading "
            f"{PRESENTATION_HEADING!r} followed by {PRESENTATION_END!r})"
        )
    return start, end


def _presented_informants(
    thesis: SearchableThesis, informants: pl.DataFrame, data_dir: Path
) -> dict[str, PresentedInformant]:
    start, end = _presentation_span(thesis)
    bullet = re.compile(
        rf"• ?(?P<name>[A-ZÆØÅ]\w+) (?P<role>{_ROLE}) (?P<number>{_NUMBER})(?P<body>.*?)"
        r"\(Bilag (?P<bilag>\d{1,2}) ?\)",
        re.DOTALL,
    )
    municipality = dict(
        zip(informants["pseudonym"], informants["municipality_or_region"], strict=True)
    )
    presented = {}
    for match in bullet.finditer(thesis.text, start, end):
        name = match["name"]
        if name not in municipality:
            raise ValueError(
                f"{data_dir / INFORMANTS_FILE}: the thesis presents {name!r} "
                f"(line {thesis.line_of[match.start()]}) but column 'pseudonym' has no such row"
            )
        if municipality[name] not in match["body"]:
            raise ValueError(
                f"{data_dir / INFORMANTS_FILE}: column 'municipality_or_region' gives "
                f"{municipality[name]!r} for {name}, which is not in the thesis' presentation "
                f"of {name} (lines {line_range(*thesis.lines_of(match.start(), match.end()))})"
            )
        presented[name] = PresentedInformant(
            pseudonym=name,
            role=role_of_word(match["role"]),
            number=int(match["number"]),
            bilag=int(match["bilag"]),
            municipality=municipality[name],
            first_line=thesis.line_of[match.start()],
            last_line=thesis.line_of[match.end() - 1],
        )
    missing = sorted(set(municipality) - set(presented))
    if missing:
        raise ValueError(
            f"{thesis.path}: the presentation of the informants does not present {missing}, "
            f"listed in {data_dir / INFORMANTS_FILE}"
        )
    return presented


def _name_pattern(pseudonyms) -> str:
    return "(?:" + "|".join(re.escape(name) for name in sorted(pseudonyms, key=len)[::-1]) + ")"


def find_citations(thesis: SearchableThesis, pseudonyms) -> list[Citation]:
    """Every attribution and every description of a speaker in ``thesis``, in text order.

    Raises ValueError naming the lines of any parenthesis that cites a role and a Bilag but
    does not parse, so no attribution is silently skipped.
    """
    name = _name_pattern(pseudonyms)
    attribution = re.compile(
        rf"\( ?(?:(?P<name1>{name}),? )?(?P<role>{_ROLE})(?: (?P<name2>{name}))?"
        rf"(?: (?:nr\. ?)?(?P<number>{_NUMBER}))?,? [Bb]ilag (?P<bilag>\d{{1,2}}) ?\.? ?\)"
    )
    description = re.compile(
        rf"(?:(?P<role_before>{_ROLE}) )?(?<!\w)(?P<name>{name})(?:s|’s?|'s?)?(?!\w),?"
        rf"(?: (?P<number1>{_NUMBER}))?"
        rf"(?: (?P<role>{_ROLE})(?: nr\.)?(?: (?P<number2>{_NUMBER}))?)?"
    )
    text = thesis.text
    citations = []
    taken: list[tuple[int, int]] = []
    for match in attribution.finditer(text):
        citations.append(
            _citation(
                thesis,
                match,
                "attribution",
                pseudonym=match["name1"] or match["name2"],
                role_word=match["role"],
                number=match["number"],
                bilag=match["bilag"],
            )
        )
        taken.append(match.span())
    _check_every_attribution_parsed(thesis, taken)
    for match in description.finditer(text):
        if _overlaps(match.span(), taken):
            continue
        role_word = match["role"] or match["role_before"]
        number = match["number1"] or match["number2"]
        if role_word is None and number is None:
            continue  # a bare name says nothing to check
        citations.append(
            _citation(
                thesis,
                match,
                "description",
                pseudonym=match["name"],
                role_word=role_word,
                number=number,
                bilag=None,
            )
        )
        taken.append(match.span())
    bare = re.compile(rf"(?<!\w)(?P<role>{_ROLE})(?: nr\.)? (?P<number>{_NUMBER})")
    for match in bare.finditer(text):
        if _overlaps(match.span(), taken):
            continue
        citations.append(
            _citation(
                thesis,
                match,
                "description",
                pseudonym=None,
                role_word=match["role"],
                number=match["number"],
                bilag=None,
            )
        )
    return sorted(citations, key=lambda citation: citation.start)


def _citation(thesis, match, place, pseudonym, role_word, number, bilag) -> Citation:
    first, last = thesis.lines_of(*match.span())
    return Citation(
        place=place,
        start=match.start(),
        end=match.end(),
        first_line=first,
        last_line=last,
        as_printed=match.group(0).strip().rstrip(","),
        pseudonym=pseudonym,
        role_word=role_word,
        number=int(number) if number else None,
        bilag=int(bilag) if bilag else None,
    )


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _check_every_attribution_parsed(thesis: SearchableThesis, parsed: list[tuple[int, int]]):
    looks_like_attribution = re.compile(rf"\([^()]*{_ROLE}[^()]*[Bb]ilag[^()]*\)")
    unparsed = [
        match
        for match in looks_like_attribution.finditer(thesis.text)
        if match.span() not in parsed
    ]
    if unparsed:
        places = "; ".join(
            f"lines {line_range(*thesis.lines_of(*match.span()))}: {match.group(0)!r}"
            for match in unparsed
        )
        raise ValueError(f"{thesis.path}: attributions the parser cannot read: {places}")


def thesis_citations(data_dir: str | Path = DATA_DIR) -> list[Citation]:
    """Every attribution and description of a speaker in the thesis of ``data_dir``."""
    return find_citations(searchable(data_dir), presented_informants(data_dir))


def parsed_attributions(data_dir: str | Path = DATA_DIR) -> pl.DataFrame:
    """Every parsed attribution and description of a speaker, one row each, in text order."""
    rows = [
        {
            "thesis_lines": citation.lines,
            "first_line": citation.first_line,
            "place": citation.place,
            "as_printed": citation.as_printed,
            "speaker": citation.speaker,
            "role": citation.role,
            "number": citation.number,
            "bilag": citation.bilag,
        }
        for citation in thesis_citations(data_dir)
    ]
    return pl.DataFrame(
        rows,
        schema={
            "thesis_lines": pl.String,
            "first_line": pl.Int64,
            "place": pl.String,
            "as_printed": pl.String,
            "speaker": pl.String,
            "role": pl.String,
            "number": pl.Int64,
            "bilag": pl.Int64,
        },
    )


def audit_citations(
    thesis: SearchableThesis,
    citations: list[Citation],
    presented: dict[str, PresentedInformant],
) -> list[Finding]:
    """Compare every citation with the presentation and the Bilag plan; return the disagreements."""
    findings = []
    for citation in citations:
        if citation.pseudonym:
            findings += _named_disagreements(citation, presented)
        elif citation.place == "attribution":
            findings += _survey_disagreements(citation)
    findings += _municipality_disagreements(thesis, citations, presented)
    findings += _ambiguous_numbers(citations, presented)
    return sorted(findings, key=lambda finding: (finding.citation.start, finding.field))


def _owners(presented, **wanted) -> str:
    owners = [
        f"{informant.pseudonym} ({display_range(informant.lines)})"
        for informant in presented.values()
        if all(getattr(informant, key) == value for key, value in wanted.items())
    ]
    return ", ".join(owners)


def _named_disagreements(citation: Citation, presented) -> list[Finding]:
    informant = presented[citation.pseudonym]
    found = []

    def disagree(field, printed, presented_value, belongs_to, explanation):
        found.append(
            Finding(
                citation,
                informant.pseudonym,
                field,
                printed,
                f"{presented_value} (lines {display_range(informant.lines)})",
                belongs_to,
                explanation,
            )
        )

    if citation.role and citation.role != informant.role:
        disagree(
            "role",
            citation.role_word,
            informant.role,
            "",
            f"{informant.pseudonym} is presented as a {informant.role} informant",
        )
    if citation.number is None and citation.place == "attribution":
        disagree(
            "number missing",
            "none",
            str(informant.number),
            "",
            "the attribution gives no informant number",
        )
    elif citation.number is not None and citation.number != informant.number:
        disagree(
            "number",
            str(citation.number),
            str(informant.number),
            _owners(presented, role=informant.role, number=citation.number),
            f"{informant.role} informant {citation.number} is another person",
        )
    if citation.bilag is not None and citation.bilag != informant.bilag:
        holds = BILAG_CONTENTS.get(citation.bilag, "nothing")
        disagree(
            "Bilag",
            str(citation.bilag),
            str(informant.bilag),
            _owners(presented, bilag=citation.bilag),
            f"Bilag {citation.bilag} holds a {holds}, not {informant.pseudonym}'s interview",
        )
    return found


def _survey_disagreements(citation: Citation) -> list[Finding]:
    expected = SURVEY_BILAG[citation.role]
    if citation.bilag == expected:
        return []
    holds = BILAG_CONTENTS.get(citation.bilag, "nothing")
    return [
        Finding(
            citation,
            citation.speaker,
            "Bilag",
            str(citation.bilag),
            f"{expected} (the {citation.role} survey)",
            "",
            f"a survey respondent is cited with Bilag {citation.bilag}, which holds a {holds}",
        )
    ]


def _municipality_disagreements(thesis, citations, presented) -> list[Finding]:
    presentation = _presentation_span(thesis)
    named = [citation for citation in citations if citation.pseudonym]
    found = []
    for municipality in sorted({informant.municipality for informant in presented.values()}):
        for match in re.finditer(re.escape(municipality), thesis.text):
            if presentation[0] <= match.start() < presentation[1]:
                continue
            sentence_start = _sentence_start(thesis.text, match.start())
            in_sentence = [c for c in named if sentence_start <= c.start < match.start()]
            if not in_sentence:
                continue
            citation = in_sentence[-1]
            informant = presented[citation.pseudonym]
            if informant.municipality == municipality:
                continue
            first, last = thesis.lines_of(citation.start, match.end())
            place = Citation(
                "description",
                citation.start,
                match.end(),
                first,
                last,
                thesis.text[citation.start : match.end()],
                citation.pseudonym,
                citation.role_word,
                citation.number,
                None,
            )
            found.append(
                Finding(
                    place,
                    informant.pseudonym,
                    "municipality",
                    municipality,
                    f"{informant.municipality} (lines {display_range(informant.lines)})",
                    _owners(presented, municipality=municipality),
                    f"{informant.pseudonym} is presented as working or living elsewhere",
                )
            )
    return found


def _sentence_start(text: str, position: int) -> int:
    starts = [match.end() for match in _SENTENCE_END.finditer(text, 0, position)]
    return starts[-1] if starts else 0


# A bare "borger 3" in the prose is resolved when an attribution with the same role and number
# follows within this many characters (the quote it introduces); otherwise a reader cannot tell
# the survey respondent from the interviewee with the same number.
RESOLVING_DISTANCE = 400


def _ambiguous_numbers(citations, presented) -> list[Finding]:
    interview_numbers = {(i.role, i.number): i.pseudonym for i in presented.values()}
    attributions = [c for c in citations if c.place == "attribution"]
    found = []
    for citation in citations:
        if citation.place != "description" or citation.pseudonym is not None:
            continue
        key = (citation.role, citation.number)
        if key not in interview_numbers:
            continue
        following = [a for a in attributions if 0 <= a.start - citation.end <= RESOLVING_DISTANCE]
        if following and (following[0].role, following[0].number) == key:
            continue
        found.append(
            Finding(
                citation,
                "unclear",
                "ambiguous number",
                citation.as_printed,
                "",
                f"{interview_numbers[key]} (interview) or {SURVEY_LABEL[citation.role]} "
                f"{citation.number} (Bilag {SURVEY_BILAG[citation.role]})",
                "a bare number shared by an interviewee and a survey respondent, "
                "with no pseudonym, no Bilag and no attributed quote next to it",
            )
        )
    return found


def attribution_audit(data_dir: str | Path = DATA_DIR) -> Table:
    """T11: every place where a quote's speaker, number, Bilag or municipality disagrees."""
    data_dir = Path(data_dir)
    thesis = searchable(data_dir)
    presented = presented_informants(data_dir)
    citations = find_citations(thesis, presented)
    findings = audit_citations(thesis, citations, presented)
    rows = [
        {
            "thesis_lines": display_range(finding.citation.lines),
            "place": finding.citation.place,
            "as_printed": normalise(finding.citation.as_printed),
            "informant": finding.informant,
            "field": finding.field,
            "printed": finding.printed,
            "presented": finding.presented,
            "printed_value_belongs_to": finding.belongs_to,
            "explanation": finding.explanation,
        }
        for finding in findings
    ]
    schema = {
        key: pl.String
        for key in (
            "thesis_lines",
            "place",
            "as_printed",
            "informant",
            "field",
            "printed",
            "presented",
            "printed_value_belongs_to",
            "explanation",
        )
    }
    attributions = sum(citation.place == "attribution" for citation in citations)
    return Table(
        id="T11",
        title="Attribution audit",
        frame=pl.DataFrame(rows, schema=schema),
        sources=(data_dir / THESIS_FILE, data_dir / INFORMANTS_FILE),
        labels={
            "thesis_lines": "Lines",
            "as_printed": "As printed",
            "printed_value_belongs_to": "The printed value belongs to",
        },
        note=(
            f"Computed from the thesis text: {attributions} quote attributions and "
            f"{len(citations) - attributions} namings of a speaker in the prose, each compared "
            "with the presentation of the informants and with what each Bilag holds (1-3 "
            "citizen interviews, 4-6 frontline interviews, 7 citizen survey, 8 frontline "
            "survey). Spelling variants of the role word are not counted as disagreements."
        ),
    )
