"""Fail a build whose pages, tables or notebooks show an e-mail address or a phone number.

``python -m welfare_paradoxes.engine.privacy DIR [DIR ...]`` scans .html, .csv, .json, .ipynb, .md,
.txt and .svg files below each folder and exits 1 naming every file and match.

A phone number is a Danish one: eight digits written together (12345678), in pairs
(12 34 56 78) or in fours (1234 5678), with or without +45 / 0045 in front. Without a
prefix it must not start with 0 and must stand alone, so that the numbers a book shows
legitimately are not flagged: years and amounts (2016, 20,350 kr, 20.350), decimals, digit
runs inside hex digests, base64 images or identifiers, CSS/JS values, cache-busting ``?v=``
digests, printed arrays of small numbers ("[26 16 23 12]"), SVG coordinate lists
(``points="10 20 30 40"``) and side-by-side years ("2016 2023"). In JSON files (notebooks
included) only text is scanned: keys and string values, not numbers, not base64 images.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".html", ".csv", ".json", ".ipynb", ".md", ".txt", ".svg")
BINARY_MIME = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf")
# "user@2x.png" is an image name, not an address: these endings are file types, not domains.
FILE_SUFFIX_TLDS = frozenset(
    "png jpg jpeg gif svg webp css js html htm py ipynb pdf json csv md txt yml yaml".split()
)

# Attribute values that are drawing instructions (path data, coordinates, transforms): digits,
# separators and path commands only. A figure's text, if any, is in its text nodes.
SVG_GEOMETRY = re.compile(r'="[\d\s.,+\-eEMmLlHhVvCcSsQqTtAaZz()]*"')
EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@(?:[\w-]+\.)+([A-Za-z]{2,})(?![\w-])",
)
_SEP = r"[ \-\u00a0\u202f]"
_BODY = rf"(?:\d{{8}}|\d{{2}}(?:{_SEP}\d{{2}}){{3}}|\d{{4}}{_SEP}\d{{4}})"
# Fours are joined by a space only: "1479-1486" is a range of thesis lines, not a number.
_LOCAL_BODY = rf"(?:[1-9]\d{{7}}|[1-9]\d(?:{_SEP}\d{{2}}){{3}}|[1-9]\d{{3}}[ \u00a0\u202f]\d{{4}})"
_YEAR_PAIR = rf"(?:19|20)\d\d{_SEP}(?:19|20)\d\d(?!\d)"
PHONE = re.compile(
    # with a country prefix: any eight digits
    rf"(?<![\w+])(?<!\d[.,])(?:\(\+45\)|\+45|0045){_SEP}?{_BODY}(?![\w])"
    # without: a stand-alone number, not part of a longer number, word, list or digest
    rf"|(?<![\w.+\-/#=?&$€£\[])(?<!\d,)(?<!\d[ \u00a0])(?<!\[ )(?<!=\")(?<!=')"
    rf"(?!{_YEAR_PAIR}){_LOCAL_BODY}"
    rf"(?![\w\-/\]])(?![.,]\d)(?!{_SEP}+\d)"
)


@dataclass(frozen=True)
class Finding:
    path: Path
    where: str  # "line N" or, in JSON, the path to the string
    kind: str
    match: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.kind} {self.match!r}"


def find_personal_data(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, kind, match) of every e-mail address and phone number in ``text``."""
    for match in EMAIL.finditer(text):
        if match.group(1).lower() not in FILE_SUFFIX_TLDS:
            yield match.start(), "e-mail address", match.group()
    for match in PHONE.finditer(text):
        yield match.start(), "phone number", match.group()


def scan_file(path: Path) -> list[Finding]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".json", ".ipynb"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            pass
        else:
            return [
                Finding(path, where, kind, match)
                for where, string in _json_strings(document, "$")
                for _, kind, match in find_personal_data(string)
            ]
    if path.suffix == ".svg":
        text = SVG_GEOMETRY.sub('=""', text)
    if path.suffix in (".html", ".svg"):
        text = html.unescape(text)  # so "12&nbsp;34&nbsp;56&nbsp;78" reads as it shows
    return [
        Finding(path, f"line {text.count(chr(10), 0, offset) + 1}", kind, match)
        for offset, kind, match in sorted(find_personal_data(text))
    ]


def _json_strings(node: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _json_strings(item, f"{where}[{index}]")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield f"{where} (key)", str(key)
            if key not in BINARY_MIME:
                yield from _json_strings(value, f"{where}.{key}")


def scan(paths: list[Path]) -> tuple[list[Finding], int]:
    """Findings in every scanned file below ``paths``, and the number of files scanned."""
    files = sorted(
        {
            file
            for path in paths
            for file in ([path] if path.is_file() else path.rglob("*"))
            if file.is_file() and file.suffix in SUFFIXES
        }
    )
    findings = [finding for file in files for finding in scan_file(file)]
    return findings, len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m welfare_paradoxes.engine.privacy", description=__doc__.splitlines()[0]
    )
    parser.add_argument("paths", nargs="+", type=Path, help="folders (or files) to scan")
    args = parser.parse_args(argv)
    missing = [path for path in args.paths if not path.exists()]
    if missing:
        print(f"no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    findings, count = scan(args.paths)
    for finding in findings:
        print(finding, file=sys.stderr)
    if findings:
        print(
            f"{len(findings)} e-mail address(es) or phone number(s) in the built output; "
            "personal data must not reach the book",
            file=sys.stderr,
        )
        return 1
    print(f"privacy check: no e-mail addresses or phone numbers in {count} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
