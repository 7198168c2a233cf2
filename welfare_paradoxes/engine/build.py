"""Build the book: run the notebooks with papermill, write the manifest, render with Jupyter Book.

    python -m welfare_paradoxes.engine.build --params params/default.yml [--build-dir build]
        [--data-dir PATH] [--only NAME ...] [--jobs N]

A notebook is executed again only when its input fingerprint changes: its source, its resolved
parameters, the library source (welfare_paradoxes/, kernels/), the data files (data/ and a raw
export folder if one is given) or the lock file. The book is rendered again only when a staged
source changed. A failed cell stops the build with a message naming the notebook and the cell,
and the previous rendering is removed so that no stale book looks current.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import yaml

from welfare_paradoxes.engine import privacy
from welfare_paradoxes.engine.chapter import (
    EXCHANGE_DIR,
    FIGURES_DIR,
    MANIFEST_FILE,
    NOTEBOOKS_DIR,
    PUBLISHED_DIR,
    RECORDS_DIR,
    TABLES_DIR,
    published_path,
)
from welfare_paradoxes.engine.hashing import file_sha256, files_sha256, text_sha256, tree_files
from welfare_paradoxes.engine.manifest import MANIFEST_NAME, write_manifest
from welfare_paradoxes.engine.paths import (
    BOOK_DIR,
    DATA_DIR,
    LIBRARY_DIRS,
    LOCK_FILE,
    NOTEBOOK_DIR,
    REPO_ROOT,
    relative_to_repo,
    resolve,
)
from welfare_paradoxes.engine.provenance_page import PAGE_NAME, provenance_markdown

EXECUTED_DIR = "executed"
STAMPS_DIR = "stamps"
SOURCE_DIR = "src"
GENERATED_DIR = "generated"
HTML_DIR = Path("_build") / "html"
RENDER_STAMP = "book.json"
RENDER_LOG = "jupyter-book.log"
PARAMETER_SET_KEYS = {"name", "description", "parameters", "notebooks"}
EDITIONS = ("default", "student")
#: How an exercise's solution starts in a page's markdown (sphinx-exercise's directive).
SOLUTION_FENCES = ("```{solution}", ":::{solution}", "````{solution}")
HIDDEN_CELL_TAG = "remove-cell"


class BuildError(RuntimeError):
    """A build step failed; the message says what, where, and where to look."""


@dataclass(frozen=True)
class BuildSettings:
    parameter_set: Path
    build_dir: Path
    survey_dir: Path | None
    jobs: int
    overrides: dict = field(default_factory=dict)  # --set key=value, over the set's values
    edition: str = "default"  # or "student": the same book without the exercises' solutions

    @property
    def student(self) -> bool:
        return self.edition == "student"

    @property
    def output_dir(self) -> Path:
        """Where Jupyter Book writes this edition (``_build/html`` below it)."""
        return self.build_dir / "student" if self.student else self.build_dir

    @property
    def html_dir(self) -> Path:
        return self.output_dir / HTML_DIR


@dataclass(frozen=True)
class NotebookJob:
    name: str
    source: Path
    executed: Path
    parameters: dict
    fingerprint: str


def load_parameter_set(path: Path) -> dict:
    """Read a parameter set (YAML) and check its shape, naming the file in every error."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(
            f"parameter set {path} does not exist (see params/ for the sets)"
        ) from None
    except yaml.YAMLError as error:
        raise BuildError(f"parameter set {path} is not valid YAML: {error}") from None
    if not isinstance(content, dict):
        raise BuildError(
            f"parameter set {path}: expected a mapping with keys {sorted(PARAMETER_SET_KEYS)}"
        )
    unknown = set(content) - PARAMETER_SET_KEYS
    if unknown:
        raise BuildError(
            f"parameter set {path}: unknown keys {sorted(unknown)}; "
            f"expected {sorted(PARAMETER_SET_KEYS)}"
        )
    content.setdefault("parameters", {})
    content.setdefault("notebooks", {})
    for key in ("parameters", "notebooks"):
        if not isinstance(content[key] or {}, dict):
            raise BuildError(f"parameter set {path}: {key!r} must be a mapping")
        content[key] = content[key] or {}
    return content


def notebook_sources(only: list[str] | None = None) -> list[Path]:
    """Return the notebook sources (MyST markdown), all of them or the named ones."""
    sources = sorted(NOTEBOOK_DIR.glob("*.md"))
    if only:
        by_name = {source.stem: source for source in sources}
        missing = sorted(set(only) - set(by_name))
        if missing:
            raise BuildError(f"no notebook named {missing} in notebooks/ (have {sorted(by_name)})")
        sources = [by_name[name] for name in only]
    return sources


def notebook_parameters(settings: BuildSettings, parameter_set: dict, name: str) -> dict:
    """The values injected into notebook ``name``: paths from the build, then the set's values."""
    unknown = set(parameter_set["notebooks"]) - {source.stem for source in notebook_sources()}
    if unknown:
        raise BuildError(
            f"parameter set {relative_to_repo(settings.parameter_set)} names notebooks that do not "
            f"exist: {sorted(unknown)}"
        )
    parameters = {
        "parameter_set": relative_to_repo(settings.parameter_set),
        "data_dir": "data",
        "survey_dir": _parameter_path(settings.survey_dir) if settings.survey_dir else "",
        "build_dir": _parameter_path(settings.build_dir),
    }
    parameters.update(parameter_set["parameters"])
    parameters.update(parameter_set["notebooks"].get(name) or {})
    unknown = sorted(set(settings.overrides) - set(parameters))
    if unknown:
        raise BuildError(
            f"--set {', '.join(unknown)}: not a parameter of notebook {name} "
            f"(its parameters: {', '.join(sorted(parameters))})"
        )
    parameters.update(settings.overrides)
    return parameters


def parse_overrides(assignments: list[str]) -> dict:
    """``key=value`` pairs from the command line, values read as YAML (7, 2000, text)."""
    overrides = {}
    for assignment in assignments:
        key, separator, value = assignment.partition("=")
        if not separator or not key.strip():
            raise BuildError(f"--set {assignment!r}: expected key=value, e.g. seed=7")
        try:
            overrides[key.strip()] = yaml.safe_load(value)
        except yaml.YAMLError:
            raise BuildError(f"--set {assignment!r}: the value is not valid") from None
    return overrides


def _parameter_path(path: Path) -> str:
    """A folder as a notebook parameter: relative inside the repository, absolute outside."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path.resolve())


def input_fingerprint(source: Path, parameters: dict, survey_dir: Path | None) -> str:
    """One sha256 over everything a notebook's results may depend on."""
    library = [path for folder in LIBRARY_DIRS for path in tree_files(folder, (".py",))]
    parts = {
        "notebook": file_sha256(source),
        "parameters": json.dumps(parameters, sort_keys=True),
        "library": files_sha256(library, REPO_ROOT),
        "data": files_sha256(tree_files(DATA_DIR), REPO_ROOT),
        "lock": file_sha256(LOCK_FILE),
    }
    if survey_dir is not None:
        parts["raw exports"] = files_sha256(tree_files(survey_dir), survey_dir)
    return text_sha256(json.dumps(parts, sort_keys=True))


def plan_jobs(settings: BuildSettings, only: list[str] | None) -> list[NotebookJob]:
    parameter_set = load_parameter_set(settings.parameter_set)
    jobs = []
    for source in notebook_sources(only):
        parameters = notebook_parameters(settings, parameter_set, source.stem)
        jobs.append(
            NotebookJob(
                name=source.stem,
                source=source,
                executed=settings.build_dir / EXECUTED_DIR / f"{source.stem}.ipynb",
                parameters=parameters,
                fingerprint=input_fingerprint(source, parameters, settings.survey_dir),
            )
        )
    return jobs


def _stamp_path(settings: BuildSettings, name: str) -> Path:
    return settings.build_dir / STAMPS_DIR / f"{name}.json"


def is_current(settings: BuildSettings, job: NotebookJob) -> bool:
    stamp = _stamp_path(settings, job.name)
    if not (stamp.is_file() and job.executed.is_file()):
        return False
    try:
        fingerprint = json.loads(stamp.read_text()).get("fingerprint")
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return False
    return fingerprint == job.fingerprint and changed_output(settings, job) is None


def _last_seconds(settings: BuildSettings, job: NotebookJob) -> float:
    """How long the notebook's last successful run took (0 when not known)."""
    try:
        seconds = json.loads(_stamp_path(settings, job.name).read_text()).get("seconds", 0.0)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return 0.0
    return float(seconds) if isinstance(seconds, int | float) else 0.0


def changed_output(settings: BuildSettings, job: NotebookJob) -> str | None:
    """Why a notebook's outputs are no longer what it wrote (an exported file edited, deleted
    or corrupted, or its record unreadable), or None when they are."""
    for record_path in sorted((settings.build_dir / RECORDS_DIR / job.name).glob("*.json")):
        try:
            files = json.loads(record_path.read_text())["files"]
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
            return f"{record_path.relative_to(settings.build_dir).as_posix()} is unreadable"
        for entry in files:
            path = settings.build_dir / entry["path"]
            if not path.is_file():
                return f"{entry['path']} is missing"
            if file_sha256(path) != entry["sha256"]:
                return f"{entry['path']} changed after the notebook wrote it"
    return None


def execute_notebook(job: NotebookJob) -> tuple[str | None, float]:
    """Execute one notebook into ``job.executed``; return None, or a message naming the failed
    cell, and the seconds it took.

    Runs in a worker process. The executed copy keeps the traceback when a cell fails.
    """
    started = time.perf_counter()
    failure = _execute(job)
    return failure, time.perf_counter() - started


def _execute(job: NotebookJob) -> str | None:
    import jupytext
    import papermill

    notebook = jupytext.read(job.source)
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    _send_kernel_chatter_to_log(job)
    try:
        papermill.execute_notebook(
            notebook,
            str(job.executed),
            parameters=job.parameters,
            kernel_name="python3",
            cwd=str(REPO_ROOT),
            progress_bar=False,
            log_output=False,
            # written once at the end (with the traceback when a cell fails), not after
            # every cell: the writes cost about 2 s of a notebook's run
            request_save_on_cell_execute=False,
            # the cells have all finished when the kernel stops: no need to wait for it
            shutdown_kernel="immediate",
        )
    except papermill.PapermillExecutionError as error:
        return describe_failure(job, error)
    except RuntimeError as error:
        # the kernel did not start or stopped answering (a machine under load, a killed
        # kernel): no cell is to blame
        return (
            f"{relative_to_repo(job.source)}: the kernel failed before a cell could: {error}; "
            "run the build again"
        )
    finalise_executed_notebook(job)
    return None


def _send_kernel_chatter_to_log(job: NotebookJob) -> None:
    """Point this worker's stderr, which the kernel inherits, at a log file.

    The kernel's start-up and shutdown messages would otherwise interleave with the build's
    own; what a cell prints to stderr still lands in the executed notebook, where the strict
    rendering fails on it.
    """
    log = job.executed.parent.parent / "logs" / f"kernel-{job.name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(handle, 2)
    os.close(handle)


def describe_failure(job: NotebookJob, error) -> str:
    """Say which cell of the source notebook failed, with what, and where the traceback is."""
    import nbformat

    executed = nbformat.read(job.executed, as_version=4)
    cell_number, first_line = None, ""
    source_position = 0
    for cell in executed.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            continue
        source_position += 1
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            cell_number = source_position
            first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            break
    where = f"cell {cell_number}" if cell_number else f"cell index {error.cell_index}"
    return (
        f"{relative_to_repo(job.source)}: {where} failed"
        + (f" (it starts: {first_line!r})" if first_line else "")
        + f": {error.ename}: {error.evalue}\n"
        f"  the executed copy with the full traceback is {relative_to_repo(job.executed)}"
    )


def finalise_executed_notebook(job: NotebookJob) -> None:
    """Hide the parameter cells on the page and drop run times, so reruns give the same file."""
    import nbformat

    notebook = nbformat.read(job.executed, as_version=4)
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"  # in place of random ids
        tags = cell.metadata.get("tags", [])
        if ("parameters" in tags or "injected-parameters" in tags) and HIDDEN_CELL_TAG not in tags:
            cell.metadata["tags"] = [*tags, HIDDEN_CELL_TAG]
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    notebook.metadata["papermill"] = {
        "source": relative_to_repo(job.source),
        "parameters": job.parameters,
    }
    nbformat.write(notebook, job.executed)


def execute_stale(settings: BuildSettings, jobs: list[NotebookJob]) -> None:
    """Execute the notebooks whose fingerprint changed, in parallel; raise on any failure."""
    stale = [job for job in jobs if not is_current(settings, job)]
    for job in jobs:
        if job not in stale:
            print(f"[book] {relative_to_repo(job.source)}: unchanged, not executed")
    if not stale:
        return
    # the longest first (by their last run), so that no long notebook starts last
    stale.sort(key=lambda job: -_last_seconds(settings, job))
    for job in stale:
        stamp = _stamp_path(settings, job.name)
        reason = changed_output(settings, job) if stamp.is_file() else None
        stamp.unlink(missing_ok=True)
        again = f" again: {reason}" if reason else ""
        print(f"[book] {relative_to_repo(job.source)}: executing{again}", flush=True)
    started = time.perf_counter()
    workers = max(1, min(settings.jobs, len(stale)))
    # Always in worker processes: each redirects its own stderr (see execute_notebook).
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        outcomes = list(pool.map(execute_notebook, stale))
    messages = [failure for failure, _ in outcomes if failure]
    for job, (failure, seconds) in zip(stale, outcomes, strict=True):
        if failure is None:
            stamp = _stamp_path(settings, job.name)
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(
                json.dumps({"fingerprint": job.fingerprint, "seconds": seconds}) + "\n"
            )
    durations = ", ".join(
        f"{job.name} {seconds:.1f} s" for job, (_, seconds) in zip(stale, outcomes, strict=True)
    )
    print(
        f"[book] executed {len(stale)} notebook(s) in {time.perf_counter() - started:.1f} s "
        f"on {workers} worker(s): {durations}"
    )
    if messages:
        raise BuildError("a notebook failed:\n" + "\n".join(messages))


def stage_sources(settings: BuildSettings, jobs: list[NotebookJob]) -> Path:
    """Mirror book/ and the executed notebooks into one Jupyter Book source folder.

    Files are copied only when their bytes changed, keeping modification times, so Sphinx
    re-reads only the pages that changed; files no longer wanted are removed.
    """
    staged = settings.build_dir / (f"{SOURCE_DIR}-student" if settings.student else SOURCE_DIR)
    wanted = {path.relative_to(BOOK_DIR).as_posix(): path for path in tree_files(BOOK_DIR)}
    if settings.student:
        wanted["_config.yml"] = write_student_config(settings)
    for job in jobs:
        page = f"{job.name}.ipynb"
        clash = [name for name in wanted if Path(name).stem == job.name and "/" not in name]
        if clash:
            raise BuildError(
                f"book/{clash[0]} and notebooks/{job.name}.md would be the same page; "
                "remove the placeholder page when its chapter becomes a notebook"
            )
        wanted[page] = job.executed
        wanted[f"{PUBLISHED_DIR}/{NOTEBOOKS_DIR}/{page}"] = (
            write_student_notebook(settings, job) if settings.student else job.executed
        )
    manifest = settings.build_dir / MANIFEST_NAME
    if manifest.is_file():
        wanted[f"{PUBLISHED_DIR}/{MANIFEST_FILE}"] = manifest
        wanted[f"{PAGE_NAME}.md"] = write_provenance_page(settings, manifest)
    for folder in (TABLES_DIR, FIGURES_DIR, EXCHANGE_DIR):
        for exported in (
            tree_files(settings.build_dir / folder)
            if (settings.build_dir / folder).is_dir()
            else []
        ):
            wanted[published_path(exported, settings.build_dir)] = exported
    for name, origin in wanted.items():
        target = staged / name
        if target.is_file() and file_sha256(target) == file_sha256(origin):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, target)
    for path in tree_files(staged):
        if path.relative_to(staged).as_posix() not in wanted:
            path.unlink()
    return staged


def _write_if_changed(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return path


def write_student_config(settings: BuildSettings) -> Path:
    """The book's configuration with the solutions left out (sphinx-exercise's hide_solutions)."""
    config = yaml.safe_load((BOOK_DIR / "_config.yml").read_text())
    config.setdefault("sphinx", {}).setdefault("config", {})["hide_solutions"] = True
    config["title"] = f"{config['title']} (student edition)"
    return _write_if_changed(
        settings.build_dir / GENERATED_DIR / "student" / "_config.yml",
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
    )


def is_solution_cell(cell: dict) -> bool:
    """A markdown cell that holds an exercise's solution (one solution per cell, by convention)."""
    source = "".join(cell.get("source", ""))
    return cell.get("cell_type") == "markdown" and source.lstrip().startswith(SOLUTION_FENCES)


def write_student_notebook(settings: BuildSettings, job: NotebookJob) -> Path:
    """The executed notebook without its solution cells, for the student edition's download."""
    notebook = json.loads(job.executed.read_text())
    notebook["cells"] = [cell for cell in notebook["cells"] if not is_solution_cell(cell)]
    return _write_if_changed(
        settings.build_dir / GENERATED_DIR / "student" / f"{job.name}.ipynb",
        json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
    )


def write_provenance_page(settings: BuildSettings, manifest: Path) -> Path:
    """Write the provenance appendix from the manifest; return its path (under the build)."""
    text = provenance_markdown(
        json.loads(manifest.read_text()),
        f"{PUBLISHED_DIR}/{MANIFEST_FILE}",
        f"{PUBLISHED_DIR}/{NOTEBOOKS_DIR}",
    )
    return _write_if_changed(settings.build_dir / GENERATED_DIR / f"{PAGE_NAME}.md", text)


def remove_rendering(settings: BuildSettings) -> None:
    """Remove the rendered book and the manifest: a failed build leaves nothing looking current."""
    shutil.rmtree(settings.html_dir, ignore_errors=True)
    for edition_stamp in (RENDER_STAMP, f"student-{RENDER_STAMP}"):
        (settings.build_dir / STAMPS_DIR / edition_stamp).unlink(missing_ok=True)
    (settings.build_dir / MANIFEST_NAME).unlink(missing_ok=True)


def render(settings: BuildSettings, staged: Path) -> None:
    """Render the staged sources with Jupyter Book, strictly; skip when nothing changed."""
    fingerprint = text_sha256(
        json.dumps(
            {"sources": files_sha256(tree_files(staged), staged), "lock": file_sha256(LOCK_FILE)}
        )
    )
    stamp = (
        settings.build_dir
        / STAMPS_DIR
        / (f"student-{RENDER_STAMP}" if settings.student else RENDER_STAMP)
    )
    index = settings.html_dir / "index.html"
    if (
        index.is_file()
        and stamp.is_file()
        and json.loads(stamp.read_text()) == {"fingerprint": fingerprint}
    ):
        print("[book] pages unchanged, not rendered")
        return
    stamp.unlink(missing_ok=True)
    command = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(staged),
        "--path-output",
        str(settings.output_dir),
        "-W",
        "-n",
        "--keep-going",
    ]
    log_path = settings.build_dir / "logs" / RENDER_LOG
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print("[book] rendering with Jupyter Book", flush=True)
    started = time.perf_counter()
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO_ROOT
        )
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            if _worth_showing(line):
                sys.stdout.write(line)
        returncode = process.wait()
    if returncode != 0 or not index.is_file():
        remove_rendering(settings)
        raise BuildError(
            f"Jupyter Book failed (exit {returncode}); warnings count as errors. "
            f"The full log is {relative_to_repo(log_path)}"
        )
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"fingerprint": fingerprint}) + "\n")
    print(f"[book] rendered in {time.perf_counter() - started:.1f} s")


_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
_SHOWN_MARKERS = (
    "WARNING:",
    "ERROR:",
    "CRITICAL:",
    "Traceback",
    "Exception",
    "build succeeded",
    "build finished with problems",
    "Error:",
)


def _worth_showing(line: str) -> bool:
    """Jupyter Book is chatty; show warnings, errors and the verdict, keep the rest in the log."""
    plain = _ANSI_ESCAPE.sub("", line)
    return any(marker in plain for marker in _SHOWN_MARKERS)


def check_privacy(settings: BuildSettings) -> None:
    """Fail the build, removing the pages, if any output shows an e-mail address or phone number."""
    outputs = [settings.html_dir] + [
        settings.build_dir / folder for folder in (TABLES_DIR, FIGURES_DIR, EXECUTED_DIR)
    ]
    findings, count = privacy.scan([path for path in outputs if path.exists()])
    if findings:
        remove_rendering(settings)
        listed = "\n".join(f"  {finding}" for finding in findings)
        raise BuildError(
            f"personal data in the built output ({len(findings)} finding(s)); the pages were "
            f"removed:\n{listed}"
        )
    print(f"[book] privacy check: no e-mail address or phone number in {count} files")


def build_book(settings: BuildSettings, only: list[str] | None = None) -> Path:
    """Run the whole build and return the path of the rendered ``index.html``."""
    jobs = plan_jobs(settings, only)
    try:
        execute_stale(settings, jobs)
    except BuildError:
        remove_rendering(settings)
        raise
    all_jobs = jobs if only is None else plan_jobs(settings, None)
    missing = [job for job in all_jobs if not job.executed.is_file()]
    if missing:
        raise BuildError(
            "cannot render: never executed: "
            + ", ".join(relative_to_repo(job.source) for job in missing)
        )
    try:
        manifest = write_manifest(settings.build_dir, relative_to_repo(settings.parameter_set))
    except ValueError as error:
        raise BuildError(f"cannot write the manifest: {error}; run the build again") from None
    print(f"[book] manifest: {relative_to_repo(manifest)}")
    render(settings, stage_sources(settings, all_jobs))
    check_privacy(settings)
    return settings.html_dir / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m welfare_paradoxes.engine.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--params", default="params/default.yml", help="parameter set (YAML) in params/"
    )
    parser.add_argument(
        "--build-dir", default="build", help="where executed notebooks, tables and pages go"
    )
    parser.add_argument(
        "--data-dir", default="", help="folder of raw survey exports (default: the reconstructions)"
    )
    parser.add_argument(
        "--only", nargs="*", help="execute only these notebooks (by name); render all"
    )
    parser.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="KEY=VALUE",
        help="override parameters of the executed notebooks (seed=7 n_resamples=20000)",
    )
    parser.add_argument(
        "--edition",
        choices=EDITIONS,
        default="default",
        help="student: the same book without the exercises' solutions (in <build-dir>/student)",
    )
    parser.add_argument(
        "--jobs", type=int, default=min(2, os.cpu_count() or 1), help="notebooks run at once"
    )
    arguments = parser.parse_args(argv)
    survey_dir = resolve(arguments.data_dir) if arguments.data_dir else None
    if survey_dir is not None and not survey_dir.is_dir():
        print(f"error: DATA_DIR {arguments.data_dir} is not a folder", file=sys.stderr)
        return 2
    try:
        settings = BuildSettings(
            parameter_set=resolve(arguments.params),
            build_dir=resolve(arguments.build_dir),
            survey_dir=survey_dir,
            jobs=arguments.jobs,
            overrides=parse_overrides(arguments.set),
            edition=arguments.edition,
        )
        index = build_book(settings, arguments.only)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
