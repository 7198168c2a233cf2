"""The exact locks, one per supported Python: complete, and in agreement with pyproject.toml.

Nothing is resolved at install time, so a lock that misses a package or pins a version the
project does not admit would break `make book` on that Python only; these tests read every
lock, not just the running interpreter's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from welfare_paradoxes.engine.paths import LOCK_FILE, LOCKS_DIR, REPO_ROOT

PROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)\s*(?:#\s*via\s+(.*))?$")
_SUPPORTED = re.compile(r"^SUPPORTED_PYTHONS := (.+)$", re.MULTILINE)


def supported_pythons() -> list[str]:
    return _SUPPORTED.search((REPO_ROOT / "Makefile").read_text()).group(1).split()


def read_lock(path: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return {package: pinned version} and {package: the packages it is pulled in by}."""
    pins, pulled_by = {}, {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        match = _PIN.match(line)
        assert match, f"{path.name}, line {number}: not an exact pin: {line!r}"
        name = canonicalize_name(match.group(1))
        pins[name] = match.group(2)
        pulled_by[name] = [part.strip() for part in (match.group(3) or "").split(",")]
    return pins, pulled_by


def environment_for(version: str) -> dict[str, str]:
    environment = default_environment()
    environment.update(python_version=version, python_full_version=f"{version}.0")
    return environment


def direct_requirements() -> list[Requirement]:
    return [
        Requirement(text)
        for text in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]
    ]


def test_every_supported_python_has_a_lock_and_pyproject_admits_exactly_those():
    versions = supported_pythons()
    assert sorted(path.stem.removeprefix("python") for path in LOCKS_DIR.glob("*.txt")) == sorted(
        versions
    )
    admitted = SpecifierSet(PROJECT["requires-python"])
    for version in versions:
        assert f"{version}.0" in admitted, version
    major, minor = map(int, versions[-1].split("."))
    assert f"{major}.{minor + 1}.0" not in admitted, "pyproject admits a Python with no lock"
    assert f"{major}.{int(versions[0].split('.')[1]) - 1}.0" not in admitted


@pytest.mark.parametrize("version", supported_pythons())
def test_lock_pins_every_requirement_of_pyproject_within_its_range(version):
    pins, _ = read_lock(LOCKS_DIR / f"python{version}.txt")
    environment = environment_for(version)
    for requirement in direct_requirements():
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"python{version}.txt does not pin {requirement.name}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"python{version}.txt pins {name}=={pins[name]}, pyproject asks {requirement}"
        )


@pytest.mark.parametrize("version", supported_pythons())
def test_lock_is_closed_under_the_packages_that_pull_others_in(version):
    pins, pulled_by = read_lock(LOCKS_DIR / f"python{version}.txt")
    for name, parents in pulled_by.items():
        assert parents != [""], f"python{version}.txt: {name} says nothing of why it is there"
        for parent in parents:
            parent_name = canonicalize_name(parent.split(" (")[0])
            if parent_name == canonicalize_name(PROJECT["name"]):
                continue
            assert parent_name in pins, f"python{version}.txt: {name} is pulled in by {parent}"


def test_running_environment_is_exactly_its_lock_and_misses_no_dependency():
    """For the interpreter at hand the installed metadata is the reference: every requirement
    of every locked package (markers evaluated here) is itself pinned, at the installed version."""
    pins, _ = read_lock(LOCK_FILE)
    for name, pinned in pins.items():
        assert metadata.version(name) == pinned, f"{name}: installed differs from {LOCK_FILE.name}"
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            assert canonicalize_name(requirement.name) in pins, (
                f"{LOCK_FILE.name} misses {requirement.name}, required by {name}"
            )


def test_environment_yml_installs_the_lock_of_its_python():
    text = (REPO_ROOT / "environment.yml").read_text()
    python = re.search(r"^\s*- python=(\d+\.\d+)$", text, re.MULTILINE).group(1)
    assert f"-r locks/python{python}.txt" in text
    assert python in supported_pythons()


def _other_interpreters() -> list[str]:
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    found = []
    for version in supported_pythons():
        path = shutil.which(f"python{version}")
        # A version manager's shim is on the PATH even where it has no such interpreter.
        if version != running and path and subprocess.run([path, "-c", ""]).returncode == 0:
            found.append(path)
    return found


@pytest.mark.build
@pytest.mark.skipif(not _other_interpreters(), reason="no other supported Python on the PATH")
@pytest.mark.parametrize("interpreter", _other_interpreters())
def test_quick_build_on_another_supported_python(interpreter, tmp_path):
    """A fresh environment from that Python's lock, then the quick book build with it."""
    venv = tmp_path / "venv"
    subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    version = subprocess.run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--requirement", LOCKS_DIR / f"python{version}.txt"], check=True)
    subprocess.run([*pip, "--no-deps", "--no-build-isolation", "--editable", REPO_ROOT], check=True)
    completed = subprocess.run(
        [
            python,
            "-m",
            "welfare_paradoxes.engine.build",
            "--params",
            "params/quick.yml",
            "--build-dir",
            tmp_path / "build",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")},
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert (tmp_path / "build" / "_build" / "html" / "index.html").is_file()
