"""The excerpt register as a REFI-QDA project (.qdpx) and codebook (.qdc), and codings back.

Export (REFI-QDA Standard 1.0 / QDA-XML, schemas in ``schemas/``):

- ``project.qde``: one ``User`` (the thesis' own coding, named ``THESIS_CODER``: the thesis text
  does not name its author), the ``CodeBook`` with the seven theory families as parent codes
  (``isCodable="false"``) and the 28 codes as their children, with descriptions, and one
  ``TextSource`` (the thesis text) holding one ``PlainTextSelection`` per coded excerpt with
  one ``Coding`` per code it carries;
- ``sources/<guid>.txt``: the thesis text, UTF-8 without byte order mark, exactly the bytes of
  ``data/thesis/thesis.txt`` (LF line endings), referenced as ``internal://<guid>.txt``.

Positions. REFI-QDA counts text positions in Unicode code points of the plain text file, from
0. The standard says a selection is defined by "the first and the last character"; this module,
like QualCoder and NVivo, writes ``endPosition`` as the position after the last character (a
half-open range ``[start, end)``). The export counts code points of the file as stored; the
thesis text has LF line endings and no character outside the Basic Multilingual Plane, so every
convention gives the same numbers for it.

Import (``read_qdpx``) takes what other tools write, where two counts differ: a source with
CRLF line endings (Windows tools) may have positions counting CRLF as two characters (as stored:
the standard, QualCoder, NVivo) or as one (ATLAS.ti), and a source with characters outside the
BMP may have positions in UTF-16 code units (tools built on .NET, Java or JavaScript strings)
rather than code points. For each source the importer tries the standard count (code points as
stored) first, then CRLF as one, then UTF-16 units, then both; it takes the first count under
which every selection of that source covers the text of a register excerpt, and records it in
``Codings.counting``. If none does, the errors are those of the standard count. A leading byte
order mark is not counted.

Errors. Every mistake in an imported file raises ``ExchangeError`` (a ``ValueError``), never a
traceback of the parser. A file that cannot be read (not a zip, no ``project.qde``, XML that does
not parse, a missing source file) stops at the first problem. Otherwise the whole file is read
and every problem is collected: the error lists them all, each naming the file and the element
(``project.qde: PlainTextSelection guid=... (line N): ...``) or the row and column of a coding
sheet. Nothing is returned from a file with a problem.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from lxml import etree

from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.qualitative.register import ExcerptRegister
from welfare_paradoxes.qualitative.text import normalise, searchable
from welfare_paradoxes.thesis import THESIS_FILE

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_DIR = Path(__file__).parent / "schemas"
PROJECT_SCHEMA = SCHEMA_DIR / "Project-mrt2019.xsd"
CODEBOOK_SCHEMA = SCHEMA_DIR / "Codebook-mrt2019.xsd"
ORIGIN = "welfare-paradoxes-book"
PROJECT_NAME = "Welfare paradoxes: excerpt register"
THESIS_CODER = "Thesis coding"
SOURCE_NAME = "thesis.txt"
SHEET_COLUMNS = ("excerpt_id", "coder", "codes")
# Every GUID is a uuid5 of a stable id in this namespace, so each export has the same bytes.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://qdasoftware.org/welfare-paradoxes-book")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# Characters a QDA user may take into a selection around the quote itself.
_QUOTE_EDGES = " \t\n\r\"'“”„«»‘’‚.,;:!?()[]–-"
COUNTINGS = ("code points", "code points, CRLF as one", "UTF-16", "UTF-16, CRLF as one")


class ExchangeError(ValueError):
    """A REFI-QDA file or coding sheet that cannot be read into the register's codings; the
    message names the file and the element, row or column of every problem."""


def guid(kind: str, key: str) -> str:
    """The deterministic GUID of a ``kind`` of element (code, excerpt, ...) with id ``key``."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


# ---------------------------------------------------------------------------------------------
# Where each excerpt stands in the source text


def _raw_offsets(text: str) -> tuple[str, list[int]]:
    """The whitespace-normalised ``text`` (as ``text.normalise`` and the register search it)
    and, for each of its characters, the offset of that character in ``text``."""
    characters: list[str] = []
    offsets: list[int] = []
    pending: int | None = None
    for index, character in enumerate(text):
        if character.isspace():
            if characters and pending is None:
                pending = index
            continue
        if pending is not None:
            characters.append(" ")
            offsets.append(pending)
            pending = None
        characters.append(character)
        offsets.append(index)
    return "".join(characters), offsets


def excerpt_spans(register: ExcerptRegister, data_dir: str | Path = DATA_DIR) -> dict:
    """{excerpt_id: (start, end)}: the code point range of each quote in ``thesis.txt``.

    The quote is found as the register finds it (its normalised text within its thesis lines);
    the range runs from its first to after its last character in the file as stored, so it may
    span line breaks, and its text normalised is the register's text.
    """
    data_dir = Path(data_dir)
    thesis = searchable(data_dir)
    raw = (data_dir / THESIS_FILE).read_text(encoding="utf-8")
    normalised, offsets = _raw_offsets(raw)
    if normalised != thesis.text:
        raise ExchangeError(f"{data_dir / THESIS_FILE}: text map does not match the register's")
    spans = {}
    for record in register.excerpts.iter_rows(named=True):
        low, high = thesis.span(record["first_line"], record["last_line"])
        found = thesis.text.find(record["text"], low, high)
        if found < 0:
            raise ExchangeError(f"excerpt {record['excerpt_id']} not found in {SOURCE_NAME}")
        spans[record["excerpt_id"]] = (offsets[found], offsets[found + len(record["text"]) - 1] + 1)
    return spans


# ---------------------------------------------------------------------------------------------
# Export


def _element(parent, tag: str, namespace: str = PROJECT_NS, **attributes):
    node = etree.SubElement(parent, f"{{{namespace}}}{tag}")
    for key, value in attributes.items():
        node.set(key, str(value))
    return node


def _codes(parent, register: ExcerptRegister, namespace: str) -> None:
    codes = _element(parent, "Codes", namespace)
    scheme = register.scheme.sort("order")
    for family in dict.fromkeys(scheme["family"]):
        node = _element(codes, "Code", namespace, guid=guid("family", family), name=family)
        node.set("isCodable", "false")
        members = scheme.filter(scheme["family"] == family)
        names = [name.strip() for value in members["theorist"] for name in value.split(";")]
        theorists = "; ".join(dict.fromkeys(names))
        _element(
            node, "Description", namespace
        ).text = f"Theory family of the thesis ({theorists}); its codes are the concepts below."
        for record in members.iter_rows(named=True):
            code = _element(
                node, "Code", namespace, guid=guid("code", record["code"]), name=record["label"]
            )
            code.set("isCodable", "true")
            _element(code, "Description", namespace).text = (
                f"{record['description']} [code: {record['code']}; theorist: "
                f"{record['theorist']}; thesis lines {record['concept_lines']}]"
            )


def _serialise(root) -> bytes:
    body = etree.tostring(root, xml_declaration=False, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def codebook_xml(register: ExcerptRegister) -> bytes:
    """The coding scheme as a REFI-QDA codebook (``.qdc``, namespace ``urn:QDA-XML:codebook``)."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", ORIGIN)
    _codes(root, register, CODEBOOK_NS)
    return _serialise(root)


def project_files(register: ExcerptRegister, data_dir: str | Path = DATA_DIR) -> dict:
    """{path inside the .qdpx: bytes}: ``project.qde`` and the thesis text under ``sources/``."""
    data_dir = Path(data_dir)
    source_bytes = (data_dir / THESIS_FILE).read_bytes()
    spans = excerpt_spans(register, data_dir)
    user = guid("user", THESIS_CODER)
    source_guid = guid("source", SOURCE_NAME)
    text_file = f"{guid('source-text', SOURCE_NAME)}.txt"
    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS, "xsi": XSI_NS})
    root.set(
        f"{{{XSI_NS}}}schemaLocation",
        f"{PROJECT_NS} http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd",
    )
    root.set("name", PROJECT_NAME)
    root.set("origin", ORIGIN)
    root.set("creatingUserGUID", user)
    users = _element(root, "Users")
    _element(users, "User", guid=user, name=THESIS_CODER, id="thesis")
    _codes(_element(root, "CodeBook"), register, PROJECT_NS)
    sources = _element(root, "Sources")
    source = _element(
        sources,
        "TextSource",
        guid=source_guid,
        name=SOURCE_NAME,
        plainTextPath=f"internal://{text_file}",
        creatingUser=user,
    )
    _element(source, "Description").text = (
        "The thesis text as extracted from its PDF (Danish); each selection is a quote of an "
        "informant or survey respondent as printed in the thesis, coded as the thesis reads it."
    )
    for record in register.excerpts.sort("first_line", "excerpt_id").iter_rows(named=True):
        if not record["codes"]:
            continue
        start, end = spans[record["excerpt_id"]]
        selection = _element(
            source,
            "PlainTextSelection",
            guid=guid("excerpt", record["excerpt_id"]),
            name=record["excerpt_id"],
            startPosition=start,
            endPosition=end,
            creatingUser=user,
        )
        _element(selection, "Description").text = (
            f"{record['excerpt_id']}: {record['speaker']} ({record['source']}), thesis lines "
            f"{record['thesis_lines']}"
        )
        for code in record["codes"]:
            coding = _element(
                selection,
                "Coding",
                guid=guid("coding", f"{record['excerpt_id']}/{code}"),
                creatingUser=user,
            )
            _element(coding, "CodeRef", targetGUID=guid("code", code))
    _element(root, "Description").text = (
        "The excerpt register of the book: every quote the thesis prints, coded with the "
        "concepts the thesis applies to it in the paragraphs around it."
    )
    return {"project.qde": _serialise(root), f"sources/{text_file}": source_bytes}


def _write_zip(path: Path, files: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[name], compresslevel=9)
    path.write_bytes(buffer.getvalue())
    return path


def write_qdpx(
    register: ExcerptRegister, path: str | Path, data_dir: str | Path = DATA_DIR
) -> Path:
    """Write the register as a REFI-QDA project; the same register gives the same bytes."""
    files = project_files(register, data_dir)
    validate(files["project.qde"], "project", "project.qde")
    return _write_zip(Path(path), files)


def write_codebook(register: ExcerptRegister, path: str | Path) -> Path:
    """Write the coding scheme as a REFI-QDA codebook (``.qdc``)."""
    data = codebook_xml(register)
    validate(data, "codebook", Path(path).name)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@lru_cache(maxsize=2)
def _schema(kind: str) -> etree.XMLSchema:
    return etree.XMLSchema(
        etree.parse(str(PROJECT_SCHEMA if kind == "project" else CODEBOOK_SCHEMA))
    )


def validate(data: bytes, kind: str, name: str) -> None:
    """Validate ``data`` against the REFI-QDA ``project`` or ``codebook`` schema; raise
    ExchangeError listing every violation with its line."""
    schema = _schema(kind)
    document = _parse(data, name)
    if not schema.validate(document):
        problems = [f"{name} (line {e.line}): {e.message}" for e in schema.error_log]
        raise ExchangeError(
            f"{name} does not follow the REFI-QDA {kind} schema:\n" + "\n".join(problems)
        )


# ---------------------------------------------------------------------------------------------
# Import


@dataclass(frozen=True)
class Codings:
    """Codings of the register's excerpts by one or more coders, ready for agreement statistics.

    ``presence`` has shape (codes, coders, units): 1.0 where the coder gave the unit the code,
    0.0 where the coder coded the unit but not with this code, NaN where the coder made no
    selection on the unit (a .qdpx) or gave it no row (a coding sheet; a row with no codes is a
    unit seen and left uncoded: 0 for every code). Codes follow the register's scheme, units
    (excerpt ids) the register's order, coders the order of the file. ``counting`` says, per
    source of a .qdpx, how its positions were counted (one of ``COUNTINGS``).
    """

    codes: tuple[str, ...]
    coders: tuple[str, ...]
    units: tuple[str, ...]
    presence: np.ndarray
    counting: dict

    def pairs(self, coder: str) -> set[tuple[str, str]]:
        """The (excerpt_id, code) pairs ``coder`` gave."""
        c = self.coders.index(coder)
        found = np.argwhere(self.presence[:, c, :] == 1.0)
        return {(self.units[u], self.codes[k]) for k, u in found}

    def code_matrix(self, code: str) -> np.ndarray:
        """The coders x units 0/1 array (NaN: not coded by that coder) of one code."""
        return self.presence[self.codes.index(code)]

    def nominal(self) -> np.ndarray:
        """A coders x units array of code indices (into ``codes``), NaN where the coder gave the
        unit no code, for single-label nominal agreement; raises ExchangeError where a coder
        gave a unit more than one code."""
        counts = np.nansum(self.presence, axis=0)
        several = np.argwhere(counts > 1)
        if len(several):
            listed = ", ".join(f"{self.coders[c]} on {self.units[u]}" for c, u in several[:10])
            raise ExchangeError(
                f"single-label codes asked for, but {len(several)} unit(s) carry several codes "
                f"from one coder: {listed}"
            )
        index = np.argmax(np.nan_to_num(self.presence, nan=0.0), axis=0).astype(float)
        index[counts == 0] = np.nan
        return index


def _parse(data: bytes, name: str):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ExchangeError(f"{name}: not well-formed XML: {error}") from None


def _code_lookup(register: ExcerptRegister) -> dict:
    lookup = {}
    for record in register.scheme.iter_rows(named=True):
        for key in (record["code"], record["label"], guid("code", record["code"])):
            lookup[key.casefold()] = record["code"]
    return lookup


def _counted_positions(text: str, counting: str) -> np.ndarray:
    """For each code point i of ``text`` (and its end), its position under ``counting``."""
    weights = np.ones(len(text), dtype=np.int64)
    if "UTF-16" in counting:
        weights += np.fromiter((ord(c) > 0xFFFF for c in text), dtype=np.int64, count=len(text))
    if "CRLF as one" in counting:
        for match in re.finditer("\r\n", text):
            weights[match.start()] = 0
    return np.concatenate([[0], np.cumsum(weights)])


def _strip_edges(text: str) -> str:
    return normalise(text).strip(_QUOTE_EDGES)


def _source_spans(text: str, register: ExcerptRegister, thesis_spans: dict, thesis: str) -> dict:
    """{excerpt_id: (start, end)} in code points of ``text``: the register's spans where the
    source is the thesis text (line endings aside), else each quote found by its text."""
    if text.replace("\r\n", "\n") == thesis and "\r\n" not in text:
        return thesis_spans
    normalised, offsets = _raw_offsets(text)
    spans = {}
    for record in register.excerpts.iter_rows(named=True):
        found = normalised.find(record["text"])
        if found >= 0:
            spans[record["excerpt_id"]] = (
                offsets[found],
                offsets[found + len(record["text"]) - 1] + 1,
            )
    return spans


@dataclass
class _Selection:
    guid: str
    line: int
    start: int
    end: int
    codings: list  # (coding guid, line, user guid or None, code guid)
    user: str | None


def read_qdpx(
    path: str | Path,
    register: ExcerptRegister,
    data_dir: str | Path = DATA_DIR,
    coders: Sequence[str] | None = None,
) -> Codings:
    """Read the text codings of a REFI-QDA project into the register's excerpts and codes.

    Selections are mapped to the register excerpt whose range in the source they overlap, and
    their text (normalised, quotation marks and punctuation at the edges aside) must be that
    excerpt's; codes are mapped by GUID (an export of this module), code id or label. Each
    coding is the coder's given on its ``Coding`` or else its selection (``creatingUser``), or
    the only user of a one-user project. ``coders``, if given, lists the user names allowed.
    See the module docstring for positions and errors.
    """
    path = Path(path)
    files = _read_zip(path)
    name = f"{path.name}: project.qde"
    root = _parse(files["project.qde"], name)
    if root.tag not in (f"{{{PROJECT_NS}}}Project", "Project"):
        raise ExchangeError(f"{name}: the root element is {root.tag}, not a REFI-QDA Project")
    ns = PROJECT_NS if root.tag.startswith("{") else ""

    def tag(local: str) -> str:
        return f"{{{ns}}}{local}" if ns else local

    def where(node) -> str:
        label = node.tag.split("}")[-1]
        ident = node.get("guid")
        return f"{name}: {label}{f' guid={ident}' if ident else ''} (line {node.sourceline})"

    problems: list[str] = []
    users = {}
    for node in root.iter(tag("User")):
        users[(node.get("guid") or "").strip("{}").lower()] = node.get("name") or node.get("guid")
    if coders is not None:
        for user_name in users.values():
            if user_name not in coders:
                problems.append(
                    f"{name}: user {user_name!r} is not one of the coders {list(coders)}"
                )
    lookup = _code_lookup(register)
    file_codes = {}
    for node in root.iter(tag("Code")):
        file_codes[(node.get("guid") or "").strip("{}").lower()] = node
    data_dir = Path(data_dir)
    thesis = (data_dir / THESIS_FILE).read_text(encoding="utf-8")
    thesis_spans = excerpt_spans(register, data_dir)
    texts = dict(zip(register.excerpts["excerpt_id"], register.excerpts["text"], strict=True))
    given: dict[tuple[str, str], set[str]] = {}
    claimed: dict[tuple[str, str, str], str] = {}
    counting_used = {}
    for source in root.iter(tag("TextSource")):
        selections = source.findall(tag("PlainTextSelection"))
        if not selections:
            continue
        text = _source_text(files, source, path, where(source))
        spans = _source_spans(text, register, thesis_spans, thesis)
        parsed = []
        for node in selections:
            try:
                start, end = int(node.get("startPosition")), int(node.get("endPosition"))
            except (TypeError, ValueError):
                problems.append(f"{where(node)}: startPosition and endPosition must be integers")
                continue
            codings = []
            for coding in node.findall(tag("Coding")):
                ref = coding.find(tag("CodeRef"))
                target = ref.get("targetGUID") if ref is not None else None
                if target is None:
                    problems.append(f"{where(coding)}: no CodeRef targetGUID")
                    continue
                codings.append(
                    (coding.get("guid"), coding.sourceline, coding.get("creatingUser"), target)
                )
            parsed.append(
                _Selection(
                    node.get("guid"), node.sourceline, start, end, codings, node.get("creatingUser")
                )
            )
        chosen, mapped = None, None
        for counting in COUNTINGS:
            attempt = _map_selections(parsed, text, counting, spans, texts)
            if not any(message for _, message in attempt):
                chosen, mapped = counting, attempt
                break
        if chosen is None:
            chosen, mapped = COUNTINGS[0], _map_selections(parsed, text, COUNTINGS[0], spans, texts)
        counting_used[source.get("name") or source.get("guid")] = chosen
        for selection, (excerpt_id, message) in zip(parsed, mapped, strict=True):
            label = f"{name}: PlainTextSelection guid={selection.guid} (line {selection.line})"
            if message:
                problems.append(f"{label}: {message}")
                continue
            for coding_guid, line, user_guid, target in selection.codings:
                coding_label = f"{name}: Coding guid={coding_guid} (line {line})"
                user_guid = user_guid or selection.user
                if user_guid is None and len(users) == 1:
                    user_guid = next(iter(users))
                if user_guid is None:
                    problems.append(
                        f"{coding_label}: no creatingUser, and the project has {len(users)} users"
                    )
                    continue
                user = users.get(user_guid.strip("{}").lower())
                if user is None:
                    problems.append(
                        f"{coding_label}: creatingUser {user_guid} is not a User of the project"
                    )
                    continue
                code_node = file_codes.get(target.strip("{}").lower())
                if code_node is None:
                    problems.append(
                        f"{coding_label}: CodeRef {target} names no Code of the CodeBook"
                    )
                    continue
                code = lookup.get(target.strip("{}").lower()) or lookup.get(
                    (code_node.get("name") or "").casefold()
                )
                if code is None:
                    problems.append(
                        f"{coding_label}: code {code_node.get('name')!r} is not a code of the "
                        "register (by GUID, code id or label)"
                    )
                    continue
                key = (user, excerpt_id, code)
                if key in claimed:
                    problems.append(
                        f"{coding_label}: {user} already gave {excerpt_id} the code {code} in "
                        f"selection {claimed[key]} (overlapping codings)"
                    )
                    continue
                claimed[key] = selection.guid
                given.setdefault((user, excerpt_id), set()).add(code)
    if problems:
        raise ExchangeError(_report(path, problems))
    order = list(dict.fromkeys(list(users.values())))
    return _codings(register, order, given, counting_used)


def _map_selections(parsed, text, counting, spans, texts) -> list[tuple[str | None, str | None]]:
    positions = _counted_positions(text, counting)
    total = int(positions[-1])
    results = []
    for selection in parsed:
        start, end = selection.start, selection.end
        if start < 0 or end > total or start >= end:
            reason = (
                f"startPosition {start} beyond the source's {total} characters"
                if start >= total
                else f"endPosition {end} beyond the source's {total} characters"
                if end > total
                else f"startPosition {start} and endPosition {end} give no text"
            )
            results.append((None, f"{reason} (counted as {counting})"))
            continue
        low = int(np.searchsorted(positions, start, side="left"))
        high = int(np.searchsorted(positions, end, side="left"))
        if positions[low] != start or positions[high] != end:
            results.append((None, f"a position falls inside a character (counted as {counting})"))
            continue
        overlapping = [eid for eid, (a, b) in spans.items() if a < high and low < b]
        selected = text[low:high]
        if len(overlapping) != 1:
            what = "no register excerpt" if not overlapping else f"several excerpts {overlapping}"
            results.append((None, f"positions {start}-{end} cover {what}: {_short(selected)!r}"))
            continue
        excerpt_id = overlapping[0]
        if _strip_edges(selected) != _strip_edges(texts[excerpt_id]):
            results.append(
                (
                    None,
                    f"the selected text {_short(selected)!r} is not the text of {excerpt_id} "
                    f"{_short(texts[excerpt_id])!r} (counted as {counting})",
                )
            )
            continue
        results.append((excerpt_id, None))
    return results


def _short(text: str, size: int = 60) -> str:
    text = normalise(text)
    return text if len(text) <= size else text[: size - 3] + "..."


def _report(path: Path, problems: list[str]) -> str:
    shown = problems[:30]
    more = f"\n... and {len(problems) - 30} more" if len(problems) > 30 else ""
    return f"{path}: {len(problems)} problem(s):\n" + "\n".join(shown) + more


def _read_zip(path: Path) -> dict:
    if not path.is_file():
        raise ExchangeError(f"{path}: file not found")
    try:
        with zipfile.ZipFile(path) as archive:
            names = {info.filename: info for info in archive.infolist() if not info.is_dir()}
            if "project.qde" not in names:
                raise ExchangeError(
                    f"{path}: no project.qde in the archive (a .qdpx is a zip "
                    "with project.qde and a sources folder)"
                )
            return {name: archive.read(name) for name in names}
    except (zipfile.BadZipFile, OSError) as error:
        raise ExchangeError(
            f"{path}: not a REFI-QDA project (.qdpx is a zip file): {error}"
        ) from None


def _source_text(files: dict, source, path: Path, label: str) -> str:
    content = source.find(
        f"{source.tag.rsplit('}', 1)[0]}}}PlainTextContent"
        if "}" in source.tag
        else "PlainTextContent"
    )
    reference = source.get("plainTextPath")
    if reference is None:
        if content is not None and content.text is not None:
            return content.text
        raise ExchangeError(f"{label}: neither plainTextPath nor PlainTextContent")
    if not reference.startswith("internal://"):
        raise ExchangeError(
            f"{label}: plainTextPath {reference!r} is not inside the project "
            "(only internal:// sources can be read)"
        )
    file_name = reference[len("internal://") :]
    for folder in ("sources", "Sources"):
        data = files.get(f"{folder}/{file_name}")
        if data is not None:
            break
    else:
        raise ExchangeError(f"{label}: {reference} is not in the archive's sources folder")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ExchangeError(f"{label}: {file_name} is not UTF-8 text: {error}") from None
    return text.removeprefix("\ufeff")


def _codings(register: ExcerptRegister, coders: list[str], given: dict, counting: dict) -> Codings:
    codes = tuple(register.scheme.sort("order")["code"])
    units = tuple(register.excerpts["excerpt_id"])
    presence = np.full((len(codes), len(coders), len(units)), np.nan)
    code_index = {code: k for k, code in enumerate(codes)}
    unit_index = {unit: u for u, unit in enumerate(units)}
    for (coder, unit), unit_codes in given.items():
        c, u = coders.index(coder), unit_index[unit]
        presence[:, c, u] = 0.0
        for code in unit_codes:
            presence[code_index[code], c, u] = 1.0
    return Codings(codes, tuple(coders), units, presence, counting)


def read_coding_sheet(
    path: str | Path, register: ExcerptRegister, coders: Sequence[str] | None = None
) -> Codings:
    """Read a coding sheet: a UTF-8 CSV with columns ``excerpt_id``, ``coder``, ``codes`` (code
    ids or labels separated by ";", empty for a unit seen and left uncoded), one row per
    (excerpt, coder). Every problem is collected (row numbers count data rows from 1)."""
    path = Path(path)
    if not path.is_file():
        raise ExchangeError(f"{path}: file not found")
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error) as error:
        raise ExchangeError(f"{path}: not a readable UTF-8 CSV file: {error}") from None
    header = list(rows[0].keys()) if rows else []
    missing = [column for column in SHEET_COLUMNS if column not in header]
    if missing or not rows:
        raise ExchangeError(
            f"{path}: missing column(s) {missing or list(SHEET_COLUMNS)}; "
            f"expected {list(SHEET_COLUMNS)} and one row per excerpt and coder"
        )
    lookup = _code_lookup(register)
    units = set(register.excerpts["excerpt_id"])
    problems, given, order = [], {}, []

    def where(row: int, column: str, value) -> str:
        return f"{path}, row {row} (line {row + 1}), column {column!r}, value {value!r}"

    for row, record in enumerate(rows, start=1):
        excerpt_id = (record["excerpt_id"] or "").strip()
        coder = (record["coder"] or "").strip()
        if excerpt_id not in units:
            problems.append(
                f"{where(row, 'excerpt_id', excerpt_id)}: no such excerpt in the register"
            )
        if not coder:
            problems.append(f"{where(row, 'coder', coder)}: empty")
        elif coders is not None and coder not in coders:
            problems.append(f"{where(row, 'coder', coder)}: not one of the coders {list(coders)}")
        codes = set()
        for item in (part.strip() for part in (record["codes"] or "").split(";")):
            if not item:
                continue
            code = lookup.get(item.casefold())
            if code is None:
                problems.append(f"{where(row, 'codes', record['codes'])}: unknown code {item!r}")
            else:
                codes.add(code)
        if (coder, excerpt_id) in given:
            problems.append(f"{where(row, 'excerpt_id', excerpt_id)}: a second row for {coder}")
        given[(coder, excerpt_id)] = codes
        if coder and coder not in order:
            order.append(coder)
    if problems:
        raise ExchangeError(_report(path, problems))
    return _codings(register, order, given, {})


def register_codings(register: ExcerptRegister) -> Codings:
    """The register's own codings (the thesis' reading) as ``Codings`` with one coder."""
    given = {
        (THESIS_CODER, record["excerpt_id"]): set(record["codes"])
        for record in register.excerpts.iter_rows(named=True)
        if record["codes"]
    }
    return _codings(register, [THESIS_CODER], given, {})


def write_coding_sheet(codings: Codings, path: str | Path) -> Path:
    """Write ``codings`` as a coding sheet (the format ``read_coding_sheet`` reads)."""
    path = Path(path)
    lines = [list(SHEET_COLUMNS)]
    for c, coder in enumerate(codings.coders):
        for u, unit in enumerate(codings.units):
            column = codings.presence[:, c, u]
            if np.isnan(column).all():
                continue
            chosen = [codings.codes[k] for k in np.flatnonzero(column == 1.0)]
            lines.append([unit, coder, ";".join(chosen)])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def export_paths(build_dir: str | Path) -> tuple[Path, Path]:
    """Where the build writes the project and the codebook."""
    from welfare_paradoxes.engine.chapter import EXCHANGE_DIR

    folder = Path(build_dir) / EXCHANGE_DIR
    return folder / "excerpt_register.qdpx", folder / "excerpt_register_codebook.qdc"


def export_for_qda(chapter, register: ExcerptRegister, data_dir: str | Path = DATA_DIR):
    """Write the project (X01) and the codebook (X02) into the chapter's build folder, record
    both in the manifest, and return the page's download lines."""
    from IPython.display import HTML

    from welfare_paradoxes.qualitative.register import CODES_FILE

    project, codebook = export_paths(chapter.build_dir)
    write_qdpx(register, project, data_dir)
    write_codebook(register, codebook)
    shown = [
        chapter.export_files(
            "X01",
            "exchange file",
            "REFI-QDA project of the excerpt register",
            [project],
            register.sources,
            "The thesis text with every quote selected and coded (.qdpx, REFI-QDA 1.0).",
        ),
        chapter.export_files(
            "X02",
            "exchange file",
            "REFI-QDA codebook of the coding scheme",
            [codebook],
            (Path(data_dir) / CODES_FILE,),
            "The seven theory families and their codes with descriptions (.qdc).",
        ),
    ]
    return HTML("\n".join(item.data for item in shown))
