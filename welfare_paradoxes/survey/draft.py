"""Draft a codebook from any Google Forms export: ``make codebook DATA=export.csv OUT=...``.

One entry per header, its type inferred from the answers: a timestamp (Forms' "Tidsstempel" or
"Timestamp", or date-time values), a binary or single choice (few distinct answers that
recur), a multi-select (options joined by ", " or ";" that recur across answers), a number
(a rating scale when the answers are whole numbers in a small range), or free text. Forms' own
personal columns (e-mail address, name, phone) and columns whose answers look like e-mail
addresses or phone numbers are ``personal: true`` and ``type: contact``; their values are never
written or shown. The draft loads with the project's codebook loader and validates the export it
was drafted from; what the teacher must review is marked ``TODO: review``.

Exit 0 with one line naming the draft, or 1 with one located line on stderr and nothing written.
An existing OUT is kept unless ``--force`` (``FORCE=1``) is given.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl
import yaml

from .codebook import (
    BINARY_VALUES,
    Codebook,
    CodebookError,
    codebook_from_dict,
    normalise_header,
)
from .problems import Problem, SurveyError
from .reader import (
    BOM,
    CSV_SUFFIXES,
    SEPARATORS,
    TIME_ZONE_SUFFIX,
    TIMESTAMP_FORMATS,
    Table,
    read_export,
    read_table,
)

TODO = "TODO: review"
TIMESTAMP_HEADERS = ("tidsstempel", "timestamp", "tidspunkt")
# Forms' own personal columns and the usual questions for contact details, Danish and English.
PERSONAL_HEADERS = (
    "e-mailadresse",
    "e-mail-adresse",
    "e-mail",
    "email",
    "mail",
    "mailadresse",
    "email address",
    "e-mail address",
    "navn",
    "fulde navn",
    "dit navn",
    "fornavn",
    "efternavn",
    "name",
    "full name",
    "your name",
    "first name",
    "last name",
    "telefon",
    "telefonnummer",
    "tlf",
    "tlf.",
    "mobil",
    "mobilnummer",
    "phone",
    "phone number",
    "telephone",
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"^\+?[\d\s().-]{8,}$")
MAX_CHOICES = 12  # more distinct answers than this are free text, not options
MAX_OPTIONS = 25  # a multi-select question with more options than this is unusual
MAX_RATING_SPAN = 10  # 0-10 or 1-10 at most
MULTI_SEPARATORS = {", ": re.compile(r"\s*,\s+"), ";": re.compile(r"\s*;\s*")}
ROW_SAMPLE = 200  # rows read to judge which separator splits a CSV export into even rows


@dataclass(frozen=True)
class Inferred:
    """One column of the draft: its codebook entry and why its type was chosen."""

    entry: dict
    reason: str
    personal: bool = False
    categories: tuple[str, ...] = field(default=())


def read_cells(path: Path | str) -> Table:
    """The export's cells as text, through the project's reader; :class:`SurveyError` when it
    cannot be read (a missing or damaged file, no answers, rows of different widths)."""
    path = Path(path)
    problems: list[Problem] = []
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise SurveyError(
            [Problem("unreadable-file", str(path), None, None, reason, "a readable file")]
        ) from None
    known = _header_cells(data) if path.suffix.lower() in CSV_SUFFIXES else set()
    empty = Codebook("draft", "", "", "", 0, "", (), path)
    table = read_table(path, data, known, empty, problems)
    if table is not None and not table.rows and not problems:
        problems.append(
            Problem("no-rows", str(path), None, None, "a header only", "at least one answer row")
        )
    if problems:
        # Undecodable cells may be personal data: say where they are, never what they hold.
        hidden = [
            replace(p, value="bytes that are not UTF-8") if p.kind == "undecodable" else p
            for p in problems
        ]
        raise SurveyError(hidden)
    return table


def _header_cells(data: bytes) -> set[str]:
    """The header cells under the separator that splits the header into several cells and the
    first rows evenly (then into most cells). The reader picks the separator under which most
    header cells are known; a draft knows no questions yet, only that a question may contain
    commas, so it is given these cells as the known ones."""
    import csv
    import io

    text = data.removeprefix(BOM).decode("utf-8", errors="replace")

    def records(separator: str) -> list[list[str]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        try:
            return [row for _, row in zip(range(ROW_SAMPLE), reader, strict=False) if row]
        except csv.Error:
            return []

    def score(separator: str) -> tuple[bool, float, int]:
        rows = records(separator)
        if not rows:
            return (False, 0.0, 0)
        even = sum(len(row) == len(rows[0]) for row in rows) / len(rows)
        return (len(rows[0]) > 1, even, len(rows[0]))

    best = max(SEPARATORS, key=score)
    header = records(best)[:1]
    return {normalise_header(cell) for cell in (header[0] if header else [])}


def infer_columns(table: Table) -> list[Inferred]:
    """A codebook entry for every named (or non-empty) column of the export, in file order."""
    inferred: list[Inferred] = []
    variables: set[str] = set()
    for header, cells in zip(table.headers, table.columns, strict=True):
        if not header.strip() and not any(cells):
            continue  # trailing separators leave empty, unnamed columns; the reader skips them
        column = infer_column(header, cells)
        variable = _unique(_variable_name(header, column.entry["type"]), variables)
        variables.add(variable)
        inferred.append(replace(column, entry={"variable": variable, **column.entry}))
    return inferred


def infer_column(header: str, cells: list[str]) -> Inferred:
    """The type, categories and labels of one column (without its variable name)."""
    header = " ".join(header.split())
    key = normalise_header(header)
    answers = [cell.strip() for cell in cells if cell.strip()]
    base = {"header": header}

    def entry(kind: str, personal: bool = False, **extra) -> dict:
        return {
            **base,
            "type": kind,
            "personal": personal,
            "label_da": header,
            "label_en": TODO,
            "wording": "forms",
            **extra,
        }

    if key in PERSONAL_HEADERS or _looks_personal(answers):
        why = "a personal column" if key in PERSONAL_HEADERS else "answers like e-mails or phones"
        return Inferred(entry("contact", True), f"contact details ({why}): personal, never shown")
    if answers and _all_timestamps(answers):
        return Inferred(
            {**entry("timestamp"), "label_en": "Submission time"},
            "timestamp: every answer is a date and time",
        )
    if not answers:
        return Inferred(
            entry("free_text", note=f"{TODO}: no answers in the export, so the type is a guess"),
            "free text: no answers to infer a type from",
        )
    numbers = _whole_numbers(answers)
    if numbers is not None:
        low, high = min(numbers), max(numbers)
        if 0 <= low and high <= MAX_RATING_SPAN:
            note = f"{TODO}: a rating scale, answers from {low} to {high} (say its end points)"
            return Inferred(entry("number", note=note), f"rating scale: whole numbers {low}-{high}")
    if _all_numbers(answers):
        return Inferred(entry("number"), "number: every answer is a number")
    split = multi_select_options(answers)
    if split is not None:
        separator, options = split
        categories = [{"value": option, "label_en": TODO} for option in options]
        return Inferred(
            entry("multi_select", categories=categories),
            f"multi-select: {len(options)} options joined by {separator!r} in "
            f"{len(answers)} answers",
            categories=tuple(options),
        )
    distinct = Counter(answers)
    mean_length = sum(map(len, answers)) / len(answers)
    if len(distinct) <= MAX_CHOICES and len(distinct) < len(answers) and mean_length <= 60:
        return _choice(distinct, answers, entry)
    return Inferred(
        entry("free_text"), f"free text: {len(distinct)} distinct answers of {len(answers)}"
    )


def _choice(distinct: Counter, answers: list[str], entry) -> Inferred:
    values = set(distinct)
    for yes, no in BINARY_VALUES:
        if values == {yes, no}:
            categories = [
                {"value": yes, "label_en": "Yes"},
                {"value": no, "label_en": "No"},
            ]
            return Inferred(
                entry("binary", categories=categories),
                f"binary: {yes}/{no} in {len(answers)} answers",
                categories=(yes, no),
            )
    ordered = _by_frequency(distinct, answers)
    categories = [{"value": value, "label_en": TODO} for value in ordered]
    return Inferred(
        entry("single_choice", categories=categories),
        f"single choice: {len(ordered)} distinct answers in {len(answers)}",
        categories=tuple(ordered),
    )


def multi_select_options(answers: list[str]) -> tuple[str, list[str]] | None:
    """(separator, options) when the answers are options joined as Forms joins checkboxes.

    Forms writes ", " between the chosen options; an option may itself contain a comma, so a
    part of an answer that starts in lower case, or that always follows the same part (and
    only it), is joined back to the part before it. The answers are
    a multi-select when some answer names several options and nearly every option named
    recurs.
    """
    best = None
    for separator, pattern in MULTI_SEPARATORS.items():
        options = _options(answers, pattern)
        several = sum(len(chosen) > 1 for chosen in options)
        if several == 0:
            continue
        counts = Counter(option for chosen in options for option in chosen)
        mentions = sum(counts.values())
        recurring = sum(count for count in counts.values() if count > 1)
        if len(counts) > MAX_OPTIONS or recurring < 0.9 * mentions or len(counts) < 2:
            continue
        ordered = _by_frequency(counts, [o for chosen in options for o in chosen])
        if best is None or several > best[0]:
            best = (several, separator, ordered)
    return None if best is None else (best[1], best[2])


def _options(answers: list[str], pattern: re.Pattern) -> list[list[str]]:
    pieces = [[p for p in pattern.split(answer) if p] for answer in answers]
    follows: Counter = Counter()
    seen: Counter = Counter()
    for parts in pieces:
        seen.update(parts)
        follows.update(zip(parts, parts[1:], strict=False))
    joiner = ", " if pattern is MULTI_SEPARATORS[", "] else "; "
    chosen_per_answer = []
    for parts in pieces:
        chosen: list[str] = []
        for index, part in enumerate(parts):
            previous = parts[index - 1] if index else None
            glue = previous is not None and (
                part[:1].islower()
                or (seen[part] > 1 and follows[(previous, part)] == seen[part] == seen[previous])
            )
            if chosen and glue:
                chosen[-1] = f"{chosen[-1]}{joiner}{part}"
            else:
                chosen.append(part)
        chosen_per_answer.append(chosen)
    return chosen_per_answer


def _by_frequency(counts: Counter, order: list[str]) -> list[str]:
    first = {value: index for index, value in reversed(list(enumerate(order)))}
    return sorted(counts, key=lambda value: (-counts[value], first[value]))


def _looks_personal(answers: list[str]) -> bool:
    if not answers:
        return False
    contact = sum(bool(EMAIL.search(a)) or _phone(a) for a in answers)
    return 2 * contact >= len(answers)


def _phone(text: str) -> bool:
    return bool(PHONE.match(text)) and sum(ch.isdigit() for ch in text) >= 8


def contains_contact(text: str) -> bool:
    """Whether a text holds something that looks like an e-mail address or a phone number."""
    return bool(EMAIL.search(text)) or any(_phone(part) for part in re.split(r"[,;]", text))


def _all_timestamps(answers: list[str]) -> bool:
    bare = pl.Series(answers, dtype=pl.String).str.replace(TIME_ZONE_SUFFIX, "")
    for fmt in TIMESTAMP_FORMATS:
        parsed = bare.str.strptime(pl.Datetime("us"), fmt, strict=False)
        if parsed.null_count() == 0:
            return True
    return False


def _whole_numbers(answers: list[str]) -> list[int] | None:
    numbers = []
    for answer in answers:
        match = re.fullmatch(r"([+-]?\d{1,3})(?:[.,]0+)?", answer)
        if match is None:
            return None
        numbers.append(int(match.group(1)))
    return numbers


def _all_numbers(answers: list[str]) -> bool:
    return all(re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", answer) for answer in answers)


def _variable_name(header: str, kind: str) -> str:
    if kind == "timestamp":
        return "timestamp"
    text = header.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", text)
    name = ""
    for word in words:
        if len(name) + len(word) + 1 > 40 and name:
            break
        name = f"{name}_{word}" if name else word
    name = name or "question"
    return f"q_{name}" if name[0].isdigit() else name


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name}_{number}" in taken:
        number += 1
    return f"{name}_{number}"


def draft_codebook(path: Path | str) -> tuple[str, Codebook]:
    """The draft codebook of an export as YAML text, and as the loader reads it.

    Raises :class:`SurveyError` when the export cannot be read or the draft does not describe
    it (the draft is checked against the export it was drafted from).
    """
    path = Path(path)
    table = read_cells(path)
    columns = infer_columns(table)
    _check_headers(path, table, columns)
    survey = _variable_name(path.stem, "single_choice")
    top = {
        "survey": survey,
        "title_da": path.stem,
        "title_en": TODO,
        "respondent_label": "Respondent",
        "n_reported": len(table.rows),
        "n_lines": "",
    }
    lines = [
        f"# DRAFT codebook, inferred from {len(table.rows)} rows of {path.name} (make codebook).",
        f"# Review every '{TODO}': labels in English, the categories and their order (most",
        "# frequent first), each inferred type (see the comment above each column). Personal",
        "# columns (contact details) are dropped when the export is read; their answers are",
        "# not in this file. Check an export with it:",
        "#   make validate DATA=<export> CODEBOOK=<this file>",
        yaml.safe_dump(top, allow_unicode=True, sort_keys=False, width=100).rstrip(),
        "columns:",
    ]
    for column in columns:
        lines.append(f"  # inferred: {column.reason}")
        block = yaml.safe_dump([column.entry], allow_unicode=True, sort_keys=False, width=96)
        lines += ["  " + line if line else line for line in block.rstrip().split("\n")]
        lines.append("")
    text = "\n".join(lines).rstrip() + "\n"
    try:
        codebook = codebook_from_dict(yaml.safe_load(text), path.with_suffix(".yml"))
    except CodebookError as error:  # a bug of the drafter, not of the export
        raise SurveyError(
            [Problem("draft-invalid", str(path), None, None, str(error), "a loadable codebook")]
        ) from None
    read_export(path, codebook)  # raises SurveyError with every located problem
    return text, codebook


def _check_headers(path: Path, table: Table, columns: list[Inferred]) -> None:
    seen: dict[str, str] = {}
    for column in columns:
        header = column.entry["header"]
        key = normalise_header(header)
        if not key:
            problem = Problem(
                "unnamed-column",
                str(path),
                None,
                f"column {table.headers.index(header) + 1}",
                None,
                "a question title in every header cell",
            )
            raise SurveyError([problem])
        if key in seen:
            problem = Problem(
                "duplicate-header",
                str(path),
                None,
                header,
                header,
                "distinct question titles (rename one in the form or the sheet)",
            )
            raise SurveyError([problem])
        seen[key] = header
        for value in column.categories:
            if contains_contact(value):
                raise SurveyError(
                    [
                        Problem(
                            "personal-category",
                            str(path),
                            None,
                            header,
                            "<personal data withheld>",
                            "options without e-mail addresses or phone numbers",
                        )
                    ]
                )


def one_line(error: SurveyError) -> str:
    """The first problem, located, and how many more there are."""
    first, rest = error.problems[0], len(error.problems) - 1
    return str(first) + (f" (and {rest} more problem(s))" if rest else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m welfare_paradoxes.survey.draft", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--out", type=Path, required=True, help="the codebook file to write")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --out")
    parser.add_argument("path", type=Path, help="the Google Forms export (.csv or .xlsx)")
    args = parser.parse_args(argv)
    if args.out.exists() and not args.force:
        print(
            f"{args.out}: exists; not overwritten (review it, or run with FORCE=1 / --force)",
            file=sys.stderr,
        )
        return 1
    try:
        text, codebook = draft_codebook(args.path)
    except SurveyError as error:
        print(one_line(error), file=sys.stderr)
        return 1
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"{args.out}: cannot write the codebook: {error.strerror}", file=sys.stderr)
        return 1
    kinds = Counter(column.type for column in codebook.columns)
    summary = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
    print(
        f"{args.out}: draft codebook of {len(codebook.columns)} columns ({summary}) from "
        f"{codebook.n_reported} rows of {args.path.name}; review every '{TODO}'"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
