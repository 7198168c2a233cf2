"""Read a Google Forms export (CSV variants or .xlsx) into a typed polars DataFrame.

Every problem in the file is collected, with file, row, column, value and what was expected,
and raised together as one :class:`SurveyError`; nothing is dropped or coerced silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .codebook import FORMS_PERSONAL_HEADERS, SKIP, Codebook, Column, Mapping, normalise_header
from .multiselect import ChoiceSplitter
from .problems import Problem, SurveyError

CSV_SUFFIXES = (".csv", ".tsv")
XLSX_SUFFIXES = (".xlsx",)
SEPARATORS = (",", ";", "\t")
BOM = b"\xef\xbb\xbf"
HEADER_SCAN_CHARS = 1 << 18  # enough for any header row; the rest need not be copied
RESPONDENT = "respondent"
PERSONAL_WITHHELD = "<personal data withheld>"

# Forms writes "2025/03/03 10:00:00 AM GMT+1"; spreadsheets re-export in their locale. Day
# comes before month (Danish order) where both are possible; the time zone is dropped, so a
# timestamp is the wall-clock time the export shows.
TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H.%M.%S",
    "%d-%m-%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H.%M.%S",
    "%d.%m.%Y %H.%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H.%M.%S",
    "%m/%d/%Y %H:%M:%S",
)
TIME_ZONE_SUFFIX = r"\s+(?:(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d\d)?)?|CET|CEST)$"
TIMESTAMP_EXPECTED = (
    "a date and time such as '2025/03/03 10:00:00 AM GMT+1' or '03-03-2025 10:00:00'"
)
NUMBER_PATTERN = r"^[+-]?\d+(?:[.,]\d+)?$"
UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Table:
    """The cells of an export as text, column by column, before any typing."""

    headers: list[str]
    columns: list[pl.Series]  # String, "" for an empty cell
    rows: list[int]  # data row number of each kept row
    file_format: str
    separator: str | None


@dataclass(frozen=True)
class Export:
    """A read export: the typed frame and what the reading found out on the way."""

    frame: pl.DataFrame
    warnings: tuple[Problem, ...]
    sha256: str
    file_format: str
    separator: str | None
    dropped_personal: tuple[str, ...]
    skipped_columns: tuple[str, ...]


def read_export(path: Path | str, codebook: Codebook, mapping: Mapping | None = None) -> Export:
    """Read, validate and type one export; raise :class:`SurveyError` listing every problem."""
    path = Path(path)
    mapping = mapping or Mapping.empty()
    name = str(path)
    problems: list[Problem] = []
    data = _read_bytes(path, problems)
    table = None
    if data is not None:
        known = {normalise_header(c.header) for c in codebook.columns} | set(mapping.headers)
        table = read_table(path, data, known, codebook, problems)
    if table is None:
        raise SurveyError(problems)
    assigned, skipped, forms_personal = _match_headers(table, codebook, mapping, name, problems)
    frame = _type_columns(table, assigned, name, problems)
    if problems:
        raise SurveyError(sorted(problems, key=_problem_order))
    warnings = duplicate_submissions(table, assigned, name)
    dropped = tuple(c.variable for c in codebook.columns if c.personal) + tuple(forms_personal)
    kept = [
        variable
        for column in codebook.columns
        if not column.personal
        for variable in (column.variable, column.other_variable)
        if variable in frame.columns
    ]
    return Export(
        frame=frame.select(RESPONDENT, *kept),
        warnings=warnings,
        sha256=hashlib.sha256(data).hexdigest(),
        file_format=table.file_format,
        separator=table.separator,
        dropped_personal=dropped,
        skipped_columns=tuple(skipped),
    )


def read_table(
    path: Path, data: bytes, known: set[str], codebook: Codebook, problems: list[Problem]
) -> Table | None:
    """Split an export into text cells; ``None`` when nothing in it can be read as a table."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _csv_table(str(path), data, known, codebook, problems)
    if suffix in XLSX_SUFFIXES:
        return _xlsx_table(path, problems)
    problems.append(
        Problem(
            "unsupported-format",
            str(path),
            None,
            None,
            suffix or path.name,
            "a .csv or .xlsx export (Google Forms: Download responses; Sheets: File > Download)",
        )
    )
    return None


def _read_bytes(path: Path, problems: list[Problem]) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as error:
        problems.append(
            Problem("unreadable-file", str(path), None, None, error.strerror, "a readable file")
        )
        return None


def _csv_table(
    name: str, data: bytes, known: set[str], codebook: Codebook, problems: list[Problem]
) -> Table | None:
    text = data.removeprefix(BOM).decode("utf-8", errors="surrogateescape")
    if not text.strip():
        problems.append(
            Problem("empty-file", name, None, None, f"{len(data)} bytes", _header_and_rows())
        )
        return None
    separator = _guess_separator(text, known)
    fast = (
        _regular_csv_table(data.removeprefix(BOM), text, separator)
        if len(data) >= ARROW_MIN_BYTES
        else None
    )
    if fast is not None:
        return fast
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as error:
        problems.append(Problem("unreadable-file", name, None, None, str(error), "CSV text"))
        return None
    while records and not records[-1]:
        records.pop()
    headers, body = records[0], records[1:]
    if not body:
        problems.append(Problem("no-rows", name, None, None, "a header only", _header_and_rows()))
    personal = {normalise_header(c.header) for c in codebook.columns if c.personal}
    undecodable = UNDECODABLE.search(text) is not None
    if undecodable:
        headers = _report_undecodable(name, None, headers, headers, personal, problems)
    width = len(headers)
    kept: list[list[str]] = []
    rows: list[int] = []
    for number, record in enumerate(body, start=1):
        if len(record) != width:
            problems.append(
                Problem(
                    "ragged-row",
                    name,
                    number,
                    None,
                    f"{len(record)} fields",
                    f"{width} fields, one per header column",
                )
            )
            continue
        if undecodable:
            record = _report_undecodable(name, number, headers, record, personal, problems)
        kept.append(record)
        rows.append(number)
    columns = [list(cells) for cells in zip(*kept, strict=True)] if kept else [[] for _ in headers]
    text_columns = [pl.Series("", cells, dtype=pl.String) for cells in columns]
    return Table(headers, text_columns, rows, "csv", separator)


#: Files from this size on are parsed by Arrow when they are regular: below it the csv
#: module takes a few milliseconds, less than importing Arrow (about 0.3 s).
ARROW_MIN_BYTES = 1 << 20

#: Text that the csv module and Arrow's reader split differently: a blank line (the csv
#: module reports it as a ragged row, Arrow reads a row of empty cells), a carriage return
#: that does not end a line.
IRREGULAR_LINES = re.compile(r"\n\r?\n|\r(?!\n)")


def _regular_csv_table(data: bytes, text: str, separator: str) -> Table | None:
    """The table of a regular CSV file, parsed by Arrow's CSV reader (several times faster
    than the csv module on a large export); None for a file the line-by-line reader must
    read, so that it can name each problem: undecodable bytes, an irregular line, a row
    with too many or too few fields (Arrow refuses those), or no answer rows. Both give the
    same cells for a regular file (RFC 4180 quoting); a test compares them."""
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    body = text.rstrip("\r\n")
    if UNDECODABLE.search(text) or IRREGULAR_LINES.search(body) or body.startswith(("\r", "\n")):
        return None
    header = next(
        csv.reader(io.StringIO(text[:HEADER_SCAN_CHARS], newline=""), delimiter=separator)
    )
    names = [f"column {position}" for position in range(len(header))]
    try:
        grid = arrow_csv.read_csv(
            pa.py_buffer(data),
            # one thread: a threaded Arrow read in a process that had imported polars was
            # seen to abort the interpreter at exit (pyarrow 26, polars 2.1)
            read_options=arrow_csv.ReadOptions(column_names=names, use_threads=False),
            parse_options=arrow_csv.ParseOptions(
                delimiter=separator, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=arrow_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, csv.Error):
        return None
    if grid.num_rows < 2:
        return None  # no answer rows: the line-by-line reader says so
    frame = pl.from_arrow(grid)
    columns = [frame.get_column(name).slice(1).alias("") for name in names]
    return Table(list(frame.row(0)), columns, list(range(1, frame.height)), "csv", separator)


def _header_and_rows() -> str:
    return "a header row and at least one answer row"


def _guess_separator(text: str, known: set[str]) -> str:
    """The separator under which most header cells are known questions (then most cells)."""

    start = text[:HEADER_SCAN_CHARS]

    def score(separator: str) -> tuple[int, int]:
        header = next(csv.reader(io.StringIO(start, newline=""), delimiter=separator), [])
        return sum(normalise_header(h) in known for h in header), len(header)

    return max(SEPARATORS, key=score)


def _report_undecodable(
    name: str,
    row: int | None,
    headers: list[str],
    cells: list[str],
    personal: set[str],
    problems: list[Problem],
) -> list[str]:
    """Report cells that are not UTF-8 and blank them, so they are reported only once."""
    cleaned = []
    for header, cell in zip(headers, cells, strict=True):
        if UNDECODABLE.search(cell):
            raw = cell.encode("utf-8", errors="surrogateescape")
            shown = raw.decode("utf-8", errors="backslashreplace")
            if row is not None and normalise_header(header) in personal:
                shown = PERSONAL_WITHHELD
            problems.append(
                Problem(
                    "undecodable",
                    name,
                    row,
                    UNDECODABLE.sub("?", header),
                    shown,
                    "UTF-8 text (save the file as 'CSV UTF-8')",
                )
            )
            cell = ""
        cleaned.append(cell)
    return cleaned


def _xlsx_table(path: Path, problems: list[Problem]) -> Table | None:
    import fastexcel

    try:
        sheet = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string")
        grid = sheet.to_polars()
    except Exception as error:  # the engine has its own error classes for damaged files
        reason = " ".join(str(error).split())[:200]
        problems.append(
            Problem("unreadable-file", str(path), None, None, reason, "an .xlsx workbook")
        )
        return None
    cells = [grid.get_column(c).fill_null("") for c in grid.columns]
    height = grid.height
    while height and all(not column[height - 1] for column in cells):
        height -= 1
    if not cells or height == 0:
        problems.append(
            Problem("empty-file", str(path), None, None, "no cells", _header_and_rows())
        )
        return None
    if height == 1:
        problems.append(
            Problem("no-rows", str(path), None, None, "a header only", _header_and_rows())
        )
    headers = [column[0] for column in cells]
    columns = [column.slice(1, height - 1).alias("") for column in cells]
    return Table(headers, columns, list(range(1, height)), "xlsx", None)


def _match_headers(
    table: Table, codebook: Codebook, mapping: Mapping, name: str, problems: list[Problem]
) -> tuple[dict[int, Column], list[str], list[str]]:
    """Assign file columns to codebook columns; report unknown, duplicate and missing ones.

    Returns the assignment, the headers skipped by the mapping file, and the headers of Forms'
    own personal columns (dropped unread).
    """
    by_header = {normalise_header(c.header): c for c in codebook.columns}
    by_variable = {c.variable: c for c in codebook.columns}
    assigned: dict[int, Column] = {}
    first_position: dict[str, int] = {}
    skipped: list[str] = []
    forms_personal: list[str] = []
    for position, header in enumerate(table.headers):
        key = normalise_header(header)
        if key == "" and not (table.columns[position] != "").any():
            continue  # trailing separators and sheet dimensions leave empty, unnamed columns
        if key in FORMS_PERSONAL_HEADERS and key not in by_header:
            forms_personal.append(header)
            continue
        if key in mapping.headers:
            target = mapping.headers[key]
            if target == SKIP:
                skipped.append(header)
                continue
            column = by_variable[target]
        elif key in by_header:
            column = by_header[key]
        else:
            problems.append(
                Problem(
                    "unknown-column",
                    name,
                    None,
                    header,
                    header,
                    f"a question of the {codebook.survey} codebook, or an entry for it "
                    "in the mapping file",
                )
            )
            continue
        if column.variable in first_position:
            first = table.headers[first_position[column.variable]]
            problems.append(
                Problem(
                    "duplicate-column",
                    name,
                    None,
                    header,
                    header,
                    f"one column for variable {column.variable!r}, which column {first!r} "
                    "already gives",
                )
            )
            continue
        first_position[column.variable] = position
        assigned[position] = column
    for column in codebook.columns:
        if column.variable not in first_position and not column.personal:
            problems.append(
                Problem(
                    "missing-column",
                    name,
                    None,
                    column.header,
                    None,
                    f"a column for variable {column.variable!r} with this question, or a "
                    "mapping-file entry naming it",
                )
            )
    return assigned, skipped, forms_personal


def _type_columns(
    table: Table, assigned: dict[int, Column], name: str, problems: list[Problem]
) -> pl.DataFrame:
    """Type each assigned column (in file order, so problems follow the file); the frame
    has the respondent number first, then the variables in codebook order."""
    typed: list[pl.Series] = []
    for position, column in assigned.items():
        text = table.columns[position].alias(column.variable)
        cell = _CellReporter(name, table.headers[position], table.rows, problems)
        typed += TYPERS[column.type](text, column, cell)
    return pl.DataFrame([pl.Series(RESPONDENT, table.rows, dtype=pl.UInt32), *typed])


class _CellReporter:
    """Turns a mask of bad cells in one column into problems with their row numbers."""

    def __init__(self, name: str, header: str, rows: list[int], problems: list[Problem]):
        self.name, self.header, self.rows, self.problems = name, header, rows, problems

    def report(self, kind: str, text: pl.Series, bad: pl.Series, expected: str) -> None:
        for index in bad.arg_true().to_list():
            value = text[index] or None
            self.problems.append(
                Problem(kind, self.name, self.rows[index], self.header, value, expected)
            )


def _type_timestamp(text: pl.Series, column: Column, cell: _CellReporter) -> list[pl.Series]:
    missing = text == ""
    cell.report("missing-timestamp", text, missing, "the submission time Forms writes in every row")
    bare = text.str.replace(TIME_ZONE_SUFFIX, "")
    best = None
    for fmt in TIMESTAMP_FORMATS:
        parsed = bare.str.strptime(pl.Datetime("us"), fmt, strict=False)
        failed = parsed.is_null() & ~missing
        if best is None or failed.sum() < best[1].sum():
            best = (parsed, failed)
        if not failed.any():
            break
    parsed, failed = best
    cell.report("bad-timestamp", text, failed, TIMESTAMP_EXPECTED)
    return [parsed.alias(column.variable)]


def _categories_expected(column: Column) -> str:
    return "one of " + ", ".join(repr(v) for v in column.values) + " (or empty)"


def _type_binary(text: pl.Series, column: Column, cell: _CellReporter) -> list[pl.Series]:
    bad = ~(text.is_in(column.values) | (text == ""))
    cell.report("unknown-category", text, bad, _categories_expected(column))
    yes, no = column.values
    flags = text.replace_strict({yes: True, no: False}, default=None, return_dtype=pl.Boolean)
    return [flags.alias(column.variable)]


def _type_single_choice(text: pl.Series, column: Column, cell: _CellReporter) -> list[pl.Series]:
    known = text.is_in(column.values)
    cell.report("unknown-category", text, ~(known | (text == "")), _categories_expected(column))
    chosen = text.replace_strict({v: v for v in column.values}, default=None)
    return [chosen.cast(pl.Enum(column.values)).alias(column.variable)]


def _type_multi_select(text: pl.Series, column: Column, cell: _CellReporter) -> list[pl.Series]:
    splitter = ChoiceSplitter(column.values)
    distinct = text.unique(maintain_order=True)
    splits = [splitter.split(value) for value in distinct.to_list()]
    index = text.replace_strict(
        distinct, pl.int_range(len(distinct), eager=True), return_dtype=pl.UInt32
    )
    chosen = pl.Series(
        column.variable, [s.chosen for s in splits], dtype=pl.List(pl.Enum(column.values))
    )
    other = pl.Series(column.other_variable, [s.other for s in splits], dtype=pl.String)
    if not column.other:
        unknown = other.gather(index).is_not_null()
        expected = "options " + ", ".join(repr(v) for v in column.values) + " joined by ', ' or ';'"
        cell.report("unknown-category", text, unknown, expected)
        return [chosen.gather(index)]
    return [chosen.gather(index), other.gather(index)]


def _type_number(text: pl.Series, column: Column, cell: _CellReporter) -> list[pl.Series]:
    numeric = text.str.contains(NUMBER_PATTERN)
    expected = "a number such as 3, 3.5 or 3,5 (or empty)"
    cell.report("bad-number", text, ~numeric & (text != ""), expected)
    digits = text.str.replace(",", ".", literal=True)
    return [digits.cast(pl.Float64, strict=False).alias(column.variable)]


def _type_text(text: pl.Series, column: Column, cell: _CellReporter) -> list[pl.Series]:
    return [text.replace("", None).alias(column.variable)]


TYPERS = {
    "timestamp": _type_timestamp,
    "binary": _type_binary,
    "single_choice": _type_single_choice,
    "multi_select": _type_multi_select,
    "free_text": _type_text,
    "contact": _type_text,
    "number": _type_number,
}


def duplicate_submissions(
    table: Table, assigned: dict[int, Column], name: str
) -> tuple[Problem, ...]:
    """Rows that repeat another row's answers, including some written text, are suspicious.

    Identical closed answers alone are common in a short form; a repeated written answer or
    contact detail is not, so only rows with some text count.
    """
    answers = {str(p): table.columns[p] for p, c in assigned.items() if c.type != "timestamp"}
    texts = [str(p) for p, c in assigned.items() if c.type in ("free_text", "contact", "number")]
    if not answers or not texts:
        return ()
    frame = pl.DataFrame(answers).with_row_index("index")
    frame = frame.filter(pl.any_horizontal([pl.col(t) != "" for t in texts]))
    groups = frame.group_by(list(answers), maintain_order=True).agg(pl.col("index"))
    warnings = []
    for indices in groups.get_column("index").to_list():
        first, *repeats = (table.rows[i] for i in indices)
        warnings += [
            Problem(
                "duplicate-submission",
                name,
                row,
                None,
                f"the same answers as row {first}",
                "one submission per respondent (check whether it was sent twice)",
            )
            for row in repeats
        ]
    return tuple(warnings)


def _problem_order(problem: Problem) -> int:
    return 0 if problem.row is None else problem.row
