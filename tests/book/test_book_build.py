"""Build the whole book (quick parameters) and check what it produced.

Two builds into separate folders must give the same tables and manifest bytes; an unchanged
rerun must execute and render nothing; a failing cell must be named and leave no book behind;
`make verify` must pass the build against the published reference and name a hand-edited cell.
"""

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from welfare_paradoxes.engine.manifest import implemented_ids
from welfare_paradoxes.engine.paths import BOOK_DIR, DEFAULT_BUILD_DIR, REPO_ROOT

pytestmark = pytest.mark.build

CHECK_DIR = DEFAULT_BUILD_DIR / "test-builds"
QUICK = "params/quick.yml"


def run_build(build_dir, *extra, threads=None):
    command = [
        sys.executable,
        "-m",
        "welfare_paradoxes.engine.build",
        "--params",
        QUICK,
        "--build-dir",
        str(build_dir.relative_to(REPO_ROOT) if build_dir.is_relative_to(REPO_ROOT) else build_dir),
        *extra,
    ]
    return subprocess.run(
        command,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env=os.environ
        | {"PYTHONHASHSEED": "0"}
        | ({"NUMBA_NUM_THREADS": str(threads)} if threads else {}),
        timeout=1200,
    )


@pytest.fixture(scope="module")
def builds():
    shutil.rmtree(CHECK_DIR, ignore_errors=True)
    results = {}
    # The third build runs the kernels on one thread: no result may depend on it.
    for name, threads in (("first", None), ("second", None), ("one-thread", 1)):
        result = run_build(CHECK_DIR / name, threads=threads)
        assert result.returncode == 0, result.stdout + result.stderr
        results[name] = result
    return results


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_build_ends_by_printing_the_index(builds):
    last_line = builds["first"].stdout.strip().splitlines()[-1]
    assert last_line == str(CHECK_DIR / "first" / "_build" / "html" / "index.html")


def test_every_page_of_the_table_of_contents_is_rendered(builds):
    toc = yaml.safe_load((BOOK_DIR / "_toc.yml").read_text())
    pages = [toc["root"]] + [
        chapter["file"] for part in toc["parts"] for chapter in part["chapters"]
    ]
    html = CHECK_DIR / "first" / "_build" / "html"
    missing = [page for page in pages if not (html / f"{page}.html").is_file()]
    assert not missing
    assert len(pages) == 17


def test_the_manifest_lists_every_implemented_artifact_with_true_hashes(builds):
    build_dir = CHECK_DIR / "first"
    manifest = json.loads((build_dir / "manifest.json").read_text())
    listed = {artifact["id"]: artifact for artifact in manifest["artifacts"]}
    assert set(implemented_ids()) <= set(listed)
    for artifact in listed.values():
        for entry in artifact["files"]:
            assert _sha256(build_dir / entry["path"]) == entry["sha256"], entry["path"]
        for path, digest in artifact["data_files"].items():
            assert _sha256(REPO_ROOT / path) == digest, path
        assert artifact["notebook"].startswith("notebooks/")
        assert artifact["parameters"]["parameter_set"] == QUICK
    for table_id in (i for i in listed if i.startswith("T")):
        assert (build_dir / "tables" / f"{table_id}.csv").is_file()
    for figure_id in (i for i in listed if i.startswith("F")):
        for kind in ("png", "svg"):
            assert (build_dir / "figures" / f"{figure_id}.{kind}").is_file()


def _same_files(first, second, folder):
    names = sorted(path.name for path in (first / folder).iterdir())
    assert names == sorted(path.name for path in (second / folder).iterdir())
    for name in names:
        assert (first / folder / name).read_bytes() == (second / folder / name).read_bytes(), name


def test_two_builds_give_identical_tables_figures_and_manifest(builds):
    first, second = CHECK_DIR / "first", CHECK_DIR / "second"
    _same_files(first, second, "tables")
    _same_files(first, second, "figures")
    _same_files(first, second, "qda")
    assert (first / "manifest.json").read_bytes() == (second / "manifest.json").read_bytes()


def test_one_thread_gives_the_same_bytes_and_the_manifest_says_so(builds):
    first, single = CHECK_DIR / "first", CHECK_DIR / "one-thread"
    _same_files(first, single, "tables")
    _same_files(first, single, "figures")
    manifests = [json.loads((folder / "manifest.json").read_text()) for folder in (first, single)]
    assert manifests[1]["runtime"]["numba_threads"] == 1
    assert manifests[1]["runtime"]["kernels"]["threads"] == 1
    assert [{k: v for k, v in m.items() if k != "runtime"} for m in manifests][0] == {
        k: v for k, v in manifests[1].items() if k != "runtime"
    }
    proportions = next(a for a in manifests[0]["artifacts"] if a["id"] == "T05")
    assert proportions["compute"]["exact_bca"] == "exact"
    assert proportions["compute"]["mc_bca"].startswith("monte_carlo (B = ")


def test_a_build_outside_the_repository_is_complete_and_leaves_it_clean(builds, tmp_path):
    outside = tmp_path / "elsewhere"
    result = run_build(outside)
    assert result.returncode == 0, result.stdout + result.stderr
    _same_files(CHECK_DIR / "first", outside, "tables")
    manifests = [
        json.loads((d / "manifest.json").read_text()) for d in (CHECK_DIR / "first", outside)
    ]
    assert len(manifests[1]["artifacts"]) == len(manifests[0]["artifacts"]) > 20
    assert not list(REPO_ROOT.glob("…*")), "a build wrote into the repository"
    assert str(tmp_path) not in (outside / "_build" / "html" / "findings.html").read_text()


def test_exported_tables_are_published_with_the_pages(builds):
    html = CHECK_DIR / "first" / "_build" / "html"
    for table in (CHECK_DIR / "first" / "tables").iterdir():
        assert (html / "_static" / "tables" / table.name).read_bytes() == table.read_bytes()


def test_every_page_links_its_executed_notebook_and_the_manifest_and_both_exist(builds):
    html = CHECK_DIR / "first" / "_build" / "html"
    for notebook in (REPO_ROOT / "notebooks").glob("*.md"):
        page = (html / f"{notebook.stem}.html").read_text()
        link = f"_static/notebooks/{notebook.stem}.ipynb"
        assert f'href="{link}"' in page, notebook.stem
        executed = json.loads((html / link).read_text())
        assert executed["cells"], notebook.stem
    manifest = json.loads((html / "_static" / "manifest.json").read_text())
    provenance = (html / "provenance.html").read_text()
    for record in manifest["artifacts"]:
        assert record["id"] in provenance
        assert all(entry["sha256"] in provenance for entry in record["files"])


def test_the_start_page_shows_the_repository_address_of_the_setting(builds):
    config = yaml.safe_load((BOOK_DIR / "_config.yml").read_text())
    address = config["parse"]["myst_substitutions"]["repository_url"]
    page = (CHECK_DIR / "first" / "_build" / "html" / "intro.html").read_text()
    assert f"From a fresh clone of {address}" in page


def _solution_texts(build_dir):
    """A distinctive line of every solution, from the executed notebooks of a build."""
    from welfare_paradoxes.engine.build import is_solution_cell

    texts = []
    for notebook in (build_dir / "executed").glob("*.ipynb"):
        for cell in json.loads(notebook.read_text())["cells"]:
            if is_solution_cell(cell):
                lines = "".join(cell["source"]).splitlines()
                texts.append(max(lines[2:], key=len).strip()[:60])
    return texts


def test_every_chapter_has_exercises_with_folded_solutions(builds):
    html = CHECK_DIR / "first" / "_build" / "html"
    for notebook in (REPO_ROOT / "notebooks").glob("*.md"):
        page = (html / f"{notebook.stem}.html").read_text()
        assert 'class="exercise admonition' in page, notebook.stem
        assert page.count('class="solution dropdown admonition') == page.count(
            'class="exercise admonition'
        ), notebook.stem


def test_the_student_edition_has_the_exercises_and_none_of_the_solutions(builds):
    build_dir = CHECK_DIR / "first"
    result = run_build(build_dir, "--edition", "student")
    assert result.returncode == 0, result.stdout + result.stderr
    student = build_dir / "student" / "_build" / "html"
    assert result.stdout.strip().splitlines()[-1] == str(student / "index.html")
    solutions = _solution_texts(build_dir)
    assert len(solutions) >= len(list((REPO_ROOT / "notebooks").glob("*.md")))
    published = [path for path in student.rglob("*") if path.is_file()]
    for path in published:
        if path.suffix in (".html", ".js", ".ipynb", ".txt", ".json"):
            text = path.read_text(errors="replace")
            assert 'class="solution' not in text, path
            for solution in solutions:
                assert solution not in text, (path, solution)
    assert 'class="exercise admonition' in (student / "citizen_survey.html").read_text()


def test_an_unchanged_rerun_executes_and_renders_nothing(builds):
    result = run_build(CHECK_DIR / "first")
    assert result.returncode == 0, result.stderr
    assert "executing" not in result.stdout
    assert "pages unchanged, not rendered" in result.stdout


def test_a_failing_cell_is_named_and_leaves_no_book(builds, tmp_path):
    build_dir = CHECK_DIR / "failing"
    shutil.copytree(CHECK_DIR / "first", build_dir)
    params = tmp_path / "failing.yml"
    params.write_text(
        "name: failing\nparameters:\n  seed: 1\n  n_resamples: 10\n"
        "notebooks:\n  design:\n    data_dir: no-such-folder\n"
    )
    command = [
        sys.executable,
        "-m",
        "welfare_paradoxes.engine.build",
        "--params",
        str(params),
        "--build-dir",
        str(build_dir.relative_to(REPO_ROOT) if build_dir.is_relative_to(REPO_ROOT) else build_dir),
    ]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    assert "notebooks/design.md: cell " in result.stderr
    assert "FileNotFoundError" in result.stderr
    executed = f"{build_dir.relative_to(REPO_ROOT)}/executed/design.ipynb"
    assert executed in result.stderr
    assert (
        "Traceback" in (REPO_ROOT / executed).read_text()
        or "FileNotFoundError" in (REPO_ROOT / executed).read_text()
    )
    assert not (build_dir / "_build" / "html").exists()
    assert not (build_dir / "manifest.json").exists()


def test_personal_data_in_a_built_page_fails_the_build_and_removes_the_pages(builds):
    from welfare_paradoxes.engine.build import BuildError, BuildSettings, check_privacy

    build_dir = CHECK_DIR / "planted"
    shutil.copytree(CHECK_DIR / "first", build_dir)
    page = build_dir / "_build" / "html" / "design.html"
    page.write_text(
        page.read_text().replace("</body>", "<p>Skriv til mig: borger@example.dk</p></body>")
    )
    settings = BuildSettings(REPO_ROOT / QUICK, build_dir, None, 1)
    with pytest.raises(
        BuildError, match=r"design.html: line \d+: e-mail address 'borger@example.dk'"
    ):
        check_privacy(settings)
    assert not (build_dir / "_build" / "html").exists()


def test_a_folder_of_raw_exports_builds_the_whole_book(builds, tmp_path, raw_copy):
    """`make book DATA_DIR=...`: a raw export replaces the reconstruction in every chapter."""
    raw = tmp_path / "exports"
    citizens = raw_copy("citizens", raw)  # real-looking times, declared raw
    raw_copy("frontline", raw)
    lines = citizens.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",Nej,", ",Ja,", 1)
    lines[2] = lines[2].rsplit(",", 2)[0] + ",borger@example.dk,"
    citizens.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build_dir = CHECK_DIR / "raw"
    result = run_build(build_dir, "--data-dir", str(raw))
    assert result.returncode == 0, result.stdout + result.stderr
    page = (build_dir / "_build" / "html" / "citizen_survey.html").read_text()
    assert "Refused on" not in page and "suppressed" in page
    manifest = (build_dir / "manifest.json").read_text()
    assert "…/exports/citizens.csv" in manifest and str(tmp_path) not in manifest
    assert "borger@example.dk" not in page
    with open(build_dir / "tables" / "T10.csv", encoding="utf-8") as handle:
        statuses = {row["status"] for row in csv.DictReader(handle)}
    assert "consistent by construction" not in statuses  # real answers reproduce the counts
    assert "reproduced" in statuses


def test_an_undeclared_folder_of_exports_is_refused_by_name(builds, tmp_path, raw_copy):
    exports = tmp_path / "exports"
    citizens = raw_copy("citizens", exports)
    raw_copy("frontline", exports)
    (exports / "provenance.yml").unlink()
    # Other answers than the reconstruction's: every closed Ja/Nej answer flipped.
    text = citizens.read_text(encoding="utf-8")
    flipped = text.replace(",Ja,", ",\0,").replace(",Nej,", ",Ja,").replace(",\0,", ",Nej,")
    citizens.write_text(flipped, encoding="utf-8")
    build_dir = CHECK_DIR / "undeclared"
    result = run_build(build_dir, "--data-dir", str(exports), "--only", "citizen_survey")
    assert result.returncode != 0
    assert "notebooks/citizen_survey.md: cell" in result.stderr
    assert "citizens.csv" in result.stderr and "'status: raw'" in result.stderr
    assert not (build_dir / "_build" / "html").exists()


# `make verify` on real builds: a fresh quick build agrees with the published reference, a
# hand-edited cell is named, and one notebook rerun with another seed and B passes.


def verify(build_dir, *extra):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "welfare_paradoxes.engine.verify",
            "--build-dir",
            str(build_dir),
            *extra,
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_fresh_build_agrees_with_the_published_results(builds):
    result = verify(CHECK_DIR / "first")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS" in result.stdout
    # quick parameters: the Monte Carlo resamples differ from the published B, and say so
    assert "parameter n_resamples: reference 100000, build 2000" in result.stdout
    assert (CHECK_DIR / "first" / "verify" / "certificate.html").is_file()


def test_a_hand_edited_cell_is_named_with_both_values(builds, tmp_path):
    edited = tmp_path / "edited"
    shutil.copytree(CHECK_DIR / "first", edited)
    table = edited / "tables" / "T05.csv"
    with table.open(newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("wilson_low")
    original, rows[1][column] = rows[1][column], "0.5"
    with table.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    result = verify(edited)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "T05  differs" in result.stdout
    assert f"row 1, column wilson_low: reference '{original}', build '0.5' (exact)" in result.stdout
    assert "FAIL" in result.stdout


def test_one_notebook_rerun_with_another_seed_and_b_passes(builds, tmp_path):
    rerun = tmp_path / "rerun"
    shutil.copytree(CHECK_DIR / "first", rerun)
    result = run_build(rerun, "--only", "citizen_survey", "--set", "seed=99", "n_resamples=3000")
    assert result.returncode == 0, result.stdout + result.stderr
    result = verify(rerun, "--only", "citizen_survey")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "citizen_survey: parameter seed: reference 2025, build 99" in result.stdout
    assert "T05" in result.stdout and "frontline" not in result.stdout
