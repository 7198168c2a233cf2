"""The provenance appendix: the manifest of a build as a page of the book.

Every artifact with the notebook and parameters that made it, the full sha256 of its files and
of every data file it read, how its intervals were computed; then the commit, Python, lock and
package versions the build ran with. The page is written by the build from ``manifest.json``
after the notebooks ran, and the manifest itself is published beside it.
"""

from __future__ import annotations

import json
from html import escape

PAGE_NAME = "provenance"


def _table(header: tuple[str, ...], rows: list[tuple]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td><code>{escape(str(cell))}</code></td>" for cell in row) + "</tr>"
        for row in rows
    )
    thead = f"<thead><tr>{head}</tr></thead>" if any(header) else ""
    return f'<table class="provenance-table">{thead}<tbody>{body}</tbody></table>'


def provenance_markdown(manifest: dict, manifest_href: str, notebooks_href: str) -> str:
    """The page (MyST markdown with HTML tables) for ``manifest``."""
    git = manifest.get("git", {})
    runtime = manifest.get("runtime", {})
    lines = [
        "# Appendix: provenance",
        "",
        "Every table, figure and file this book publishes, with the notebook and parameters that",
        "made it, the sha256 of its files and of every data file it read, and how its intervals",
        "were computed. A reviewer who reruns the book compares with these (`make verify` does it",
        "cell by cell). The same facts as data:",
        f'<a href="{escape(manifest_href)}" download>the build\'s manifest (JSON)</a>;',
        f"each chapter's executed notebook is under <code>{escape(notebooks_href)}/</code>.",
        "",
        "## The build",
        "",
        _table(
            ("what", "value"),
            [
                ("git commit", git.get("commit")),
                ("tracked files changed since the commit", git.get("tracked_changes")),
                ("parameter set", manifest.get("parameter_set")),
                ("Python", manifest.get("python")),
                ("lock file", manifest.get("lock_file")),
                ("lock file sha256", manifest.get("lock_file_sha256")),
                ("processors", runtime.get("cpu_count")),
                ("numba threads", runtime.get("numba_threads")),
                ("kernels", json.dumps(runtime.get("kernels", {}), sort_keys=True)),
            ],
        ),
        "",
        "## The artifacts",
        "",
    ]
    for record in manifest.get("artifacts", []):
        rows = [("notebook", record["notebook"]), ("kind", record["kind"])]
        rows += [
            (f"parameter {key}", json.dumps(value))
            for key, value in sorted(record.get("parameters", {}).items())
        ]
        rows += [(entry["path"], f"sha256 {entry['sha256']}") for entry in record["files"]]
        rows += [
            (f"read {path}", f"sha256 {digest}") for path, digest in record["data_files"].items()
        ]
        rows += [(f"computed {key}", how) for key, how in sorted(record.get("compute", {}).items())]
        lines += [f"### {record['id']}: {record['title']}", "", _table((), rows), ""]
    packages = sorted(manifest.get("packages", {}).items())
    lines += [
        "## The packages",
        "",
        f"The {len(packages)} packages of the lock, as installed.",
        "",
        "<details><summary>Show the package versions</summary>",
        "",
        _table(("package", "version"), packages),
        "",
        "</details>",
        "",
    ]
    return "\n".join(lines)
