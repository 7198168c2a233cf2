"""Compare a build with the published results in ``reference/``, artifact by artifact.

The reference holds what the published book computed: its manifest, every table (with the
Monte Carlo error of its Monte Carlo columns) and the data every figure plots. A build is
compared with it cell by cell, with a tolerance that follows how each value was computed, as
the manifest records it:

- exact and analytic values, counts and text must be the same to the last printed digit;
- a Monte Carlo value may differ by its Monte Carlo error in the reference plus its error in
  the build (each from ``kernels.monte_carlo_error``: how far the endpoint can move with the
  seed at the B it was computed with), so a rerun with another seed or another B passes and
  an endpoint moved beyond that fails;
- a figure is compared through the data it plots (``figures/<ID>.data.csv``), each number
  within the figure's recorded Monte Carlo error; its image bytes are reported, not judged,
  since they change with the renderer.

Each artifact gets one verdict: ``identical``, ``within Monte Carlo error`` or ``differs``
(``missing`` when the build lacks it). The report also lists how the build's environment and
parameters differ from the reference's. ``python -m welfare_paradoxes.engine.verify`` prints it,
writes ``verify/report.json`` and ``verify/certificate.html`` into the build folder, and exits
with status 1 when anything differs beyond its tolerance.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import math
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from welfare_paradoxes.engine.chapter import FIGURE_DATA_SUFFIX, MONTE_CARLO_ERROR_SUFFIX
from welfare_paradoxes.engine.hashing import file_sha256
from welfare_paradoxes.engine.manifest import MANIFEST_NAME
from welfare_paradoxes.engine.paths import REPO_ROOT, relative_to_repo, resolve

REFERENCE_DIR = REPO_ROOT / "reference"
REPORT_DIR = "verify"
IDENTICAL, WITHIN, DIFFERS, MISSING = "identical", "within Monte Carlo error", "differs", "missing"
#: Differences listed per artifact before the rest is only counted.
SHOWN_DIFFERENCES = 20


class VerifyError(ValueError):
    """The build or the reference cannot be compared (a missing or unreadable file)."""


@dataclass
class Difference:
    row: int  # 1-based data row
    column: str
    reference: str
    build: str
    tolerance: float | None  # None: compared as text


@dataclass
class Verdict:
    id: str
    kind: str
    notebook: str
    verdict: str
    cells: int = 0
    within: int = 0
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- the reference


def reference_files(record: dict) -> list[str]:
    """The files of an artifact that the reference keeps: values, not images."""
    return [entry["path"] for entry in record["files"] if entry["path"].endswith(".csv")]


def write_reference(build_dir: Path, reference_dir: Path = REFERENCE_DIR) -> int:
    """Replace ``reference_dir`` with the manifest and value files of ``build_dir``; return
    the number of files written."""
    manifest = _read_manifest(build_dir)
    if reference_dir.exists():
        shutil.rmtree(reference_dir)
    reference_dir.mkdir(parents=True)
    written = 1
    for record in manifest["artifacts"]:
        for path in reference_files(record):
            target = reference_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(build_dir / path, target)
            written += 1
    shutil.copyfile(build_dir / MANIFEST_NAME, reference_dir / MANIFEST_NAME)
    return written


# ----------------------------------------------------------------------------- comparison


def _read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VerifyError(
            f"{relative_to_repo(path)} does not exist: build the book first (make book)"
        ) from None
    except json.JSONDecodeError as error:
        raise VerifyError(f"{relative_to_repo(path)} is not valid JSON: {error}") from None


def _read_rows(path: Path) -> list[list[str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.reader(handle))
    except FileNotFoundError:
        raise VerifyError(f"{relative_to_repo(path)} is missing") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise VerifyError(f"{relative_to_repo(path)} cannot be read as CSV: {error}") from None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def monte_carlo_columns(record: dict) -> set[str]:
    """The record's ``compute`` keys that were computed by Monte Carlo."""
    return {key for key, how in record.get("compute", {}).items() if how.startswith("monte_carlo")}


def _is_monte_carlo(column: str, keys: set[str]) -> bool:
    return any(column == key or column.startswith(f"{key}_") for key in keys)


def _errors(path: Path) -> dict[str, list[float]]:
    """Monte Carlo errors by column, from a ``.monte_carlo_error.csv`` (empty when absent)."""
    if not path.is_file():
        return {}
    header, *rows = _read_rows(path)
    return {column: [float(row[i]) for row in rows] for i, column in enumerate(header)}


def compare_values(
    reference: list[list[str]],
    build: list[list[str]],
    tolerance,
) -> tuple[int, int, list[Difference], list[str]]:
    """Compare two CSV tables cell by cell.

    ``tolerance(row, column)`` is the absolute tolerance of a numeric cell (0: equal to the
    last digit) or None for a cell compared as text. Returns the cells compared, the cells
    that differ within their tolerance, the differences beyond it, and notes on the shape.
    """
    if not reference or not build:
        return 0, 0, [], ["one of the two files is empty"]
    header, build_header = reference[0], build[0]
    notes = []
    if header != build_header:
        missing = [column for column in header if column not in build_header]
        extra = [column for column in build_header if column not in header]
        notes.append(f"columns differ: missing {missing}, extra {extra}")
    if len(reference) != len(build):
        notes.append(f"{len(reference) - 1} rows in the reference, {len(build) - 1} in the build")
    positions = {column: build_header.index(column) for column in header if column in build_header}
    cells = within = 0
    differences = []
    pairs = zip(reference[1:], build[1:], strict=False)
    for row_number, (expected, actual) in enumerate(pairs, start=1):
        for column, build_position in positions.items():
            cells += 1
            old, new = expected[header.index(column)], actual[build_position]
            if old == new:
                continue
            allowed = tolerance(row_number, column)
            old_value, new_value = _number(old), _number(new)
            if allowed is not None and old_value is not None and new_value is not None:
                if abs(old_value - new_value) <= allowed and allowed > 0:
                    within += 1
                    continue
            differences.append(Difference(row_number, column, old, new, allowed))
    return cells, within, differences, notes


def _table_verdict(record, built, reference_dir, build_dir) -> Verdict:
    path = next(entry["path"] for entry in record["files"] if entry["path"].endswith(".csv"))
    keys = monte_carlo_columns(record) | monte_carlo_columns(built)
    error_path = path.removesuffix(".csv") + MONTE_CARLO_ERROR_SUFFIX
    reference_errors = _errors(reference_dir / error_path)
    build_errors = _errors(build_dir / error_path)

    def tolerance(row: int, column: str) -> float:
        if not _is_monte_carlo(column, keys):
            return 0.0
        errors = [
            errors[column][row - 1]
            for errors in (reference_errors, build_errors)
            if column in errors and row <= len(errors[column])
        ]
        return sum(errors)

    return _verdict(
        record,
        _read_rows(reference_dir / path),
        _read_rows(build_dir / path),
        tolerance,
    )


def _figure_verdict(record, built, reference_dir, build_dir) -> Verdict:
    path = next(
        entry["path"] for entry in record["files"] if entry["path"].endswith(FIGURE_DATA_SUFFIX)
    )
    allowed = record.get("monte_carlo_error", 0.0) + built.get("monte_carlo_error", 0.0)
    verdict = _verdict(
        record,
        _read_rows(reference_dir / path),
        _read_rows(build_dir / path),
        lambda row, column: allowed,
    )
    images = {entry["path"]: entry["sha256"] for entry in record["files"]}
    changed = [
        entry["path"]
        for entry in built["files"]
        if entry["path"] in images
        and not entry["path"].endswith(".csv")
        and images[entry["path"]] != entry["sha256"]
    ]
    if changed:
        verdict.notes.append(
            f"image bytes differ ({', '.join(changed)}): compared through the data it plots"
        )
    return verdict


def _verdict(record, reference_rows, build_rows, tolerance) -> Verdict:
    cells, within, differences, notes = compare_values(reference_rows, build_rows, tolerance)
    if differences or notes:
        verdict = DIFFERS
    elif within:
        verdict = WITHIN
    else:
        verdict = IDENTICAL
    return Verdict(
        record["id"],
        record["kind"],
        record["notebook"],
        verdict,
        cells,
        within,
        differences,
        notes,
    )


def _file_verdict(record, built) -> Verdict:
    """An artifact that is neither a table nor a figure (an exchange file): by its hashes."""
    expected = {entry["path"]: entry["sha256"] for entry in record["files"]}
    actual = {entry["path"]: entry["sha256"] for entry in built["files"]}
    same = expected == actual
    return Verdict(
        record["id"],
        record["kind"],
        record["notebook"],
        IDENTICAL if same else DIFFERS,
        len(expected),
        notes=[] if same else ["file hashes differ from the reference's"],
    )


def verify_build(
    build_dir: Path, reference_dir: Path = REFERENCE_DIR, notebooks: list[str] | None = None
) -> dict:
    """Compare ``build_dir`` with ``reference_dir``; return the report (see the module doc)."""
    reference = _read_manifest(reference_dir)
    build = _read_manifest(build_dir)
    built = {record["id"]: record for record in build["artifacts"]}
    edited = {
        record["id"]: [
            entry["path"]
            for entry in record["files"]
            if (build_dir / entry["path"]).is_file()
            and file_sha256(build_dir / entry["path"]) != entry["sha256"]
        ]
        for record in build["artifacts"]
    }
    verdicts = []
    for record in reference["artifacts"]:
        if notebooks and Path(record["notebook"]).stem not in notebooks:
            continue
        if record["id"] not in built:
            verdicts.append(
                Verdict(
                    record["id"],
                    record["kind"],
                    record["notebook"],
                    MISSING,
                    notes=["the build has no such artifact"],
                )
            )
            continue
        other = built[record["id"]]
        files = [entry["path"] for entry in record["files"]]
        if record["kind"] == "table" and any(path.endswith(".csv") for path in files):
            verdicts.append(_table_verdict(record, other, reference_dir, build_dir))
        elif record["kind"] == "figure" and any(p.endswith(FIGURE_DATA_SUFFIX) for p in files):
            verdicts.append(_figure_verdict(record, other, reference_dir, build_dir))
        else:
            verdicts.append(_file_verdict(record, other))
    for verdict in verdicts:
        if edited.get(verdict.id):
            verdict.notes.append(
                f"{', '.join(edited[verdict.id])}: not the file the build wrote (its sha256 "
                "differs from the build's manifest)"
            )
            verdict.verdict = DIFFERS
    known = {record["id"] for record in reference["artifacts"]}
    extra = sorted(
        artifact_id
        for artifact_id, record in built.items()
        if artifact_id not in known
        and (not notebooks or Path(record["notebook"]).stem in notebooks)
    )
    if not verdicts:
        raise VerifyError(f"nothing to verify: no artifact of the notebooks {notebooks}")
    failed = [v.id for v in verdicts if v.verdict in (DIFFERS, MISSING)]
    return {
        "build": relative_to_repo(build_dir),
        "reference": relative_to_repo(reference_dir),
        "notebooks": notebooks or "all",
        "passed": not failed,
        "failed": failed,
        "not_in_reference": extra,
        "artifacts": [_plain(verdict) for verdict in verdicts],
        "environment": environment_differences(reference, build, notebooks),
    }


def _plain(verdict: Verdict) -> dict:
    return {
        "id": verdict.id,
        "kind": verdict.kind,
        "notebook": verdict.notebook,
        "verdict": verdict.verdict,
        "cells": verdict.cells,
        "within_monte_carlo_error": verdict.within,
        "differences": [difference.__dict__ for difference in verdict.differences],
        "notes": verdict.notes,
    }


def environment_differences(reference: dict, build: dict, notebooks) -> list[dict]:
    """What differs between the two manifests besides the results: Python, packages, lock,
    commit, machine, and the parameters each artifact was computed with."""
    rows = []

    def differ(what, old, new):
        if old != new:
            rows.append({"what": what, "reference": old, "build": new})

    differ("python", reference.get("python"), build.get("python"))
    differ("lock file", reference.get("lock_file"), build.get("lock_file"))
    differ("lock file sha256", reference.get("lock_file_sha256"), build.get("lock_file_sha256"))
    differ("git commit", reference.get("git", {}).get("commit"), build.get("git", {}).get("commit"))
    differ(
        "tracked changes",
        reference.get("git", {}).get("tracked_changes"),
        build.get("git", {}).get("tracked_changes"),
    )
    differ("parameter set", reference.get("parameter_set"), build.get("parameter_set"))
    old_packages, new_packages = reference.get("packages", {}), build.get("packages", {})
    for name in sorted(set(old_packages) | set(new_packages)):
        differ(f"package {name}", old_packages.get(name), new_packages.get(name))
    old_runtime, new_runtime = reference.get("runtime", {}), build.get("runtime", {})
    for key in ("cpu_count", "numba_threads"):
        differ(key, old_runtime.get(key), new_runtime.get(key))
    old_kernels, new_kernels = old_runtime.get("kernels", {}), new_runtime.get("kernels", {})
    for key in sorted(set(old_kernels) | set(new_kernels)):
        differ(f"kernels {key}", old_kernels.get(key), new_kernels.get(key))
    built = {record["id"]: record for record in build["artifacts"]}
    seen = set()
    for record in reference["artifacts"]:
        notebook = record["notebook"]
        if notebook in seen or record["id"] not in built:
            continue
        if notebooks and Path(notebook).stem not in notebooks:
            continue
        seen.add(notebook)
        old, new = record["parameters"], built[record["id"]]["parameters"]
        for key in sorted(set(old) | set(new)):
            differ(f"{Path(notebook).stem}: parameter {key}", old.get(key), new.get(key))
    return rows


# ----------------------------------------------------------------------------- output


def format_report(report: dict) -> str:
    lines = [f"verify {report['build']} against {report['reference']}"]
    for artifact in report["artifacts"]:
        extra = ""
        if artifact["within_monte_carlo_error"]:
            extra = f" ({artifact['within_monte_carlo_error']} Monte Carlo values moved)"
        lines.append(f"  {artifact['id']:<4} {artifact['verdict']}{extra}")
        for note in artifact["notes"]:
            lines.append(f"       {note}")
        for difference in artifact["differences"][:SHOWN_DIFFERENCES]:
            tolerance = (
                "as text"
                if difference["tolerance"] is None
                else "exact"
                if difference["tolerance"] == 0
                else f"± {difference['tolerance']:.6g}"
            )
            lines.append(
                f"       row {difference['row']}, column {difference['column']}: reference "
                f"{difference['reference']!r}, build {difference['build']!r} ({tolerance})"
            )
        hidden = len(artifact["differences"]) - SHOWN_DIFFERENCES
        if hidden > 0:
            lines.append(f"       ... and {hidden} more differences (see the report)")
    if report["not_in_reference"]:
        lines.append(f"  not in the reference: {', '.join(report['not_in_reference'])}")
    lines.append("environment and parameters that differ from the reference:")
    lines += [
        f"  {row['what']}: reference {row['reference']}, build {row['build']}"
        for row in report["environment"]
    ] or ["  none"]
    counts = {}
    for artifact in report["artifacts"]:
        counts[artifact["verdict"]] = counts.get(artifact["verdict"], 0) + 1
    summary = ", ".join(f"{count} {verdict}" for verdict, count in sorted(counts.items()))
    lines.append(
        f"{'PASS' if report['passed'] else 'FAIL'}: {len(report['artifacts'])} artifacts: {summary}"
    )
    return "\n".join(lines)


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }
h1 { font-size: 1.5rem; } table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left; font-size: 0.9rem;
         vertical-align: top; }
.identical { color: #1a7f37; } .within { color: #9a6700; } .differs, .missing { color: #cf222e; }
.verdict { font-size: 1.2rem; font-weight: bold; }
"""


def certificate_html(report: dict, build_manifest: dict) -> str:
    """A standalone page of the report, to attach to a review."""
    escape = html.escape
    passed = report["passed"]
    git = build_manifest.get("git", {})
    rows = []
    for artifact in report["artifacts"]:
        css = artifact["verdict"].split()[0]
        detail = "; ".join(artifact["notes"])
        for difference in artifact["differences"][:SHOWN_DIFFERENCES]:
            detail += (
                f"{'; ' if detail else ''}row {difference['row']}, {difference['column']}: "
                f"{difference['reference']} → {difference['build']}"
            )
        rows.append(
            f"<tr><td>{escape(artifact['id'])}</td><td>{escape(artifact['kind'])}</td>"
            f"<td>{escape(artifact['notebook'])}</td><td class='{css}'>"
            f"{escape(artifact['verdict'])}</td><td>{artifact['cells']}</td>"
            f"<td>{artifact['within_monte_carlo_error']}</td><td>{escape(detail)}</td></tr>"
        )
    environment = (
        "".join(
            f"<tr><td>{escape(str(row['what']))}</td><td>{escape(str(row['reference']))}</td>"
            f"<td>{escape(str(row['build']))}</td></tr>"
            for row in report["environment"]
        )
        or "<tr><td colspan='3'>none</td></tr>"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Verification certificate: welfare paradoxes book</title><style>{_CSS}</style></head>
<body>
<h1>Verification certificate</h1>
<p class="verdict {"identical" if passed else "differs"}">{
        "PASS: every artifact agrees with the published results"
        if passed
        else "FAIL: " + escape(", ".join(report["failed"])) + " differ from the published results"
    }</p>
<p>Build <code>{escape(report["build"])}</code>
(commit <code>{escape(str(git.get("commit")))}</code>,
tracked changes: {escape(str(git.get("tracked_changes")))}; Python {
        escape(str(build_manifest.get("python")))
    }; parameter set <code>{escape(str(build_manifest.get("parameter_set")))}</code>), compared with
<code>{escape(report["reference"])}</code>; notebooks: {escape(str(report["notebooks"]))}.</p>
<p>Exact and analytic values, counts and text must be equal to the last printed digit; a Monte
Carlo value may move by its Monte Carlo error in the reference plus its error in the build; a
figure is compared through the data it plots.</p>
<table><tr><th>id</th><th>kind</th><th>notebook</th><th>verdict</th><th>cells</th>
<th>Monte Carlo values moved</th><th>differences</th></tr>
{"".join(rows)}</table>
<h2>Environment and parameters that differ from the reference</h2>
<table><tr><th>what</th><th>reference</th><th>build</th></tr>{environment}</table>
</body></html>
"""


def write_report(report: dict, build_dir: Path) -> tuple[Path, Path]:
    folder = build_dir / REPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / "report.json"
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    page = folder / "certificate.html"
    page.write_text(certificate_html(report, _read_manifest(build_dir)), encoding="utf-8")
    return json_path, page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m welfare_paradoxes.engine.verify", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--build-dir", default="build", help="the build to verify")
    parser.add_argument("--reference", default=str(REFERENCE_DIR), help="the published results")
    parser.add_argument("--only", nargs="*", help="verify only these notebooks' artifacts")
    parser.add_argument(
        "--write-reference",
        action="store_true",
        help="replace the reference with this build's results (after a change made on purpose)",
    )
    arguments = parser.parse_args(argv)
    build_dir, reference_dir = resolve(arguments.build_dir), resolve(arguments.reference)
    try:
        if arguments.write_reference:
            count = write_reference(build_dir, reference_dir)
            print(f"[verify] wrote {count} files to {relative_to_repo(reference_dir)}")
            return 0
        report = verify_build(build_dir, reference_dir, arguments.only)
        json_path, page = write_report(report, build_dir)
    except VerifyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_report(report))
    print(f"[verify] report: {relative_to_repo(json_path)}; certificate: {relative_to_repo(page)}")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
