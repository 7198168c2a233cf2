"""The build manifest: every artifact with its files, hashes, notebook, parameters and data.

The manifest holds nothing that changes between two builds of the same commit with the same
parameters on the same machine (no timestamps, no absolute paths), so two such builds give the
same bytes. The thread count is recorded under ``runtime``; no result depends on it.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

import polars as pl

from welfare_paradoxes.engine.chapter import RECORDS_DIR
from welfare_paradoxes.engine.datafiles import read_text_csv
from welfare_paradoxes.engine.hashing import file_sha256
from welfare_paradoxes.engine.paths import DATA_DIR, LOCK_FILE, REPO_ROOT

MANIFEST_NAME = "manifest.json"
ARTIFACT_REGISTRY = Path("book_artifacts.csv")
_LOCK_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)", re.MULTILINE)


def artifact_registry(data_dir: Path = DATA_DIR) -> pl.DataFrame:
    """Return the SPEC ids the book knows, with the chapter meant to make each and its status."""
    return read_text_csv(data_dir / ARTIFACT_REGISTRY, ("id", "kind", "title", "chapter", "status"))


def implemented_ids(data_dir: Path = DATA_DIR) -> list[str]:
    """Return the SPEC ids whose status in the registry is ``implemented``."""
    registry = artifact_registry(data_dir)
    return registry.filter(pl.col("status") == "implemented")["id"].to_list()


def locked_package_versions(lock_file: Path = LOCK_FILE) -> dict[str, str]:
    """Return {package: installed version} for every package pinned in the lock file.

    A version that differs from the pin is reported as ``"<installed> (lock: <pin>)"`` so a
    manifest made in a drifted environment says so.
    """
    versions = {}
    for name, pinned in _LOCK_PIN.findall(lock_file.read_text()):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        versions[name.lower()] = (
            installed if installed == pinned else f"{installed} (lock: {pinned})"
        )
    return dict(sorted(versions.items()))


def git_state(repo: Path = REPO_ROOT) -> dict[str, object]:
    """Return the commit the build ran on and whether tracked files differed from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = (
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=repo,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            != ""
        )
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "tracked_changes": None}
    return {"commit": commit, "tracked_changes": dirty}


def collect_records(build_dir: Path) -> list[dict]:
    """Read every artifact record under ``build_dir`` and check its files against their hashes."""
    records = []
    seen: dict[str, str] = {}
    for path in sorted((build_dir / RECORDS_DIR).glob("*/*.json")):
        record = json.loads(path.read_text())
        if record["id"] in seen:
            raise ValueError(
                f"artifact {record['id']} is made by both {seen[record['id']]} "
                f"and {record['notebook']}"
            )
        seen[record["id"]] = record["notebook"]
        for entry in record["files"]:
            actual = file_sha256(build_dir / entry["path"])
            if actual != entry["sha256"]:
                raise ValueError(
                    f"{entry['path']} changed after {record['notebook']} wrote it "
                    f"(recorded sha256 {entry['sha256'][:12]}, now {actual[:12]})"
                )
        records.append(record)
    return sorted(records, key=lambda record: record["id"])


def build_manifest(build_dir: Path, parameter_set: str, data_dir: Path = DATA_DIR) -> dict:
    """Assemble the manifest from the records of the chapters executed into ``build_dir``."""
    records = collect_records(build_dir)
    known = set(artifact_registry(data_dir)["id"])
    unknown = sorted({record["id"] for record in records} - known)
    if unknown:
        raise ValueError(f"artifacts {unknown} are not listed in data/{ARTIFACT_REGISTRY}")
    return {
        "book": "welfare-paradoxes-book",
        "parameter_set": parameter_set,
        "git": git_state(),
        "python": platform.python_version(),
        "lock_file": LOCK_FILE.relative_to(REPO_ROOT).as_posix(),
        "lock_file_sha256": file_sha256(LOCK_FILE),
        "packages": locked_package_versions(),
        "runtime": runtime(),
        "artifacts": records,
    }


def runtime() -> dict[str, object]:
    """The machine facts a build ran with that change no result (the tests check that),
    with the kernels' threads, SIMD level and the work size above which they run in parallel."""
    from numba import config

    import kernels

    return {
        "cpu_count": os.cpu_count() or 1,
        "numba_threads": config.NUMBA_NUM_THREADS,
        "kernels": kernels.runtime(),
    }


def write_manifest(build_dir: Path, parameter_set: str) -> Path:
    """Write ``manifest.json`` into ``build_dir`` and return its path."""
    manifest = build_manifest(build_dir, parameter_set)
    path = build_dir / MANIFEST_NAME
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return path
