"""Content hashes: the one way the project fingerprints files and trees."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

_CHUNK = 1 << 20


def file_sha256(path: str | Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def files_sha256(paths: Iterable[Path], root: Path) -> str:
    """Return one sha256 over several files, each entered by its path relative to ``root``.

    Names enter the hash as well as contents, so renaming or moving a file changes it.
    """
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(file_sha256(path).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def tree_files(root: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """Return the files under ``root`` (sorted), skipping caches and hidden folders."""
    found = []
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if any(part.startswith(".") or part == "__pycache__" for part in parts):
            continue
        if path.is_file() and (suffixes is None or path.suffix in suffixes):
            found.append(path)
    return sorted(found)


def text_sha256(text: str) -> str:
    """Return the hex sha256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode()).hexdigest()
