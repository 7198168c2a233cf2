"""The build's parameter sets and stamps, without running a notebook."""

import hashlib
import json

import pytest

from welfare_paradoxes.engine import build
from welfare_paradoxes.engine.paths import PARAMS_DIR


def test_every_shipped_parameter_set_loads():
    names = set()
    for path in sorted(PARAMS_DIR.glob("*.yml")):
        content = build.load_parameter_set(path)
        names.add(content["name"])
        assert content["name"] == path.stem
        assert isinstance(content["parameters"]["seed"], int)
        assert content["parameters"]["n_resamples"] >= 1
    assert {"default", "quick", "teaching"} <= names


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: [unclosed", "is not valid YAML"),
        ("- a list", "expected a mapping"),
        ("name: x\nparamters: {}\n", "unknown keys ['paramters']"),
        ("name: x\nparameters: [1, 2]\n", "'parameters' must be a mapping"),
    ],
)
def test_malformed_parameter_sets_are_named_in_the_error(tmp_path, text, message):
    path = tmp_path / "broken.yml"
    path.write_text(text)
    with pytest.raises(build.BuildError, match="broken.yml") as error:
        build.load_parameter_set(path)
    assert message in str(error.value)


def test_missing_parameter_set_says_where_to_look(tmp_path):
    with pytest.raises(build.BuildError, match="does not exist"):
        build.load_parameter_set(tmp_path / "nope.yml")


def test_parameters_for_an_unknown_notebook_are_refused(tmp_path):
    settings = build.BuildSettings(tmp_path / "p.yml", tmp_path / "b", None, 1)
    parameter_set = {"parameters": {}, "notebooks": {"desing": {"seed": 1}}}
    with pytest.raises(build.BuildError, match=r"notebooks that do not exist: \['desing'\]"):
        build.notebook_parameters(settings, parameter_set, "design")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A miniature project tree for the fingerprint: one notebook, library, data, lock file."""
    for folder in ("notebooks", "lib", "data"):
        (tmp_path / folder).mkdir()
    (tmp_path / "notebooks" / "a.md").write_text("# A\n")
    (tmp_path / "lib" / "code.py").write_text("x = 1\n")
    (tmp_path / "lib" / "notes.txt").write_text("not code\n")
    (tmp_path / "data" / "d.csv").write_text("a\n1\n")
    (tmp_path / "lock.txt").write_text("numpy==2.0\n")
    monkeypatch.setattr(build, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(build, "LIBRARY_DIRS", (tmp_path / "lib",))
    monkeypatch.setattr(build, "DATA_DIR", tmp_path / "data")
    monkeypatch.setattr(build, "LOCK_FILE", tmp_path / "lock.txt")
    return tmp_path


def _fingerprint(project, parameters=None, survey_dir=None):
    return build.input_fingerprint(
        project / "notebooks" / "a.md", parameters or {"seed": 1}, survey_dir
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda p: (p / "notebooks" / "a.md").write_text("# A changed\n"),
        lambda p: (p / "lib" / "code.py").write_text("x = 2\n"),
        lambda p: (p / "lib" / "new_module.py").write_text(""),
        lambda p: (p / "data" / "d.csv").write_text("a\n2\n"),
        lambda p: (p / "data" / "d.csv").rename(p / "data" / "renamed.csv"),
        lambda p: (p / "lock.txt").write_text("numpy==2.1\n"),
    ],
    ids=["notebook", "library", "new module", "data", "renamed data", "lock"],
)
def test_fingerprint_changes_with_every_input(project, change):
    before = _fingerprint(project)
    change(project)
    assert _fingerprint(project) != before


def test_fingerprint_ignores_what_cannot_change_a_result(project):
    before = _fingerprint(project)
    (project / "lib" / "notes.txt").write_text("edited\n")
    (project / "lib" / "__pycache__").mkdir()
    (project / "lib" / "__pycache__" / "code.cpython-311.pyc").write_bytes(b"\0")
    assert _fingerprint(project) == before


def test_fingerprint_changes_with_parameters_and_raw_exports(project):
    raw = project / "raw"
    raw.mkdir()
    (raw / "export.csv").write_text("Tidsstempel\n")
    base = _fingerprint(project)
    assert _fingerprint(project, {"seed": 2}) != base
    with_raw = _fingerprint(project, survey_dir=raw)
    assert with_raw != base
    (raw / "export.csv").write_text("Tidsstempel\nx\n")
    assert _fingerprint(project, survey_dir=raw) != with_raw


def test_a_stamp_is_current_only_for_the_same_fingerprint(tmp_path):
    settings = build.BuildSettings(tmp_path / "p.yml", tmp_path, None, 1)
    executed = tmp_path / "executed" / "a.ipynb"
    job = build.NotebookJob("a", tmp_path / "a.md", executed, {}, "abc")
    assert not build.is_current(settings, job)
    executed.parent.mkdir()
    executed.write_text("{}")
    stamp = tmp_path / "stamps" / "a.json"
    stamp.parent.mkdir()
    stamp.write_text(json.dumps({"fingerprint": "abc"}))
    assert build.is_current(settings, job)
    stamp.write_text(json.dumps({"fingerprint": "abd"}))
    assert not build.is_current(settings, job)
    stamp.write_text("{not json")
    assert not build.is_current(settings, job)


def test_a_stamp_keeps_the_last_run_time_for_the_order_of_the_next_build(tmp_path):
    settings = build.BuildSettings(tmp_path / "p.yml", tmp_path, None, 1)
    job = build.NotebookJob("a", tmp_path / "a.md", tmp_path / "executed" / "a.ipynb", {}, "abc")
    assert build._last_seconds(settings, job) == 0.0
    stamp = tmp_path / "stamps" / "a.json"
    stamp.parent.mkdir()
    stamp.write_text(json.dumps({"fingerprint": "abc", "seconds": 12.5}))
    assert build._last_seconds(settings, job) == 12.5
    for unusable in ('{"fingerprint": "abc", "seconds": "long"}', "[1]", "{not json"):
        stamp.write_text(unusable)
        assert build._last_seconds(settings, job) == 0.0


def test_an_edited_deleted_or_unreadable_output_makes_its_notebook_run_again(tmp_path):
    settings = build.BuildSettings(tmp_path / "p.yml", tmp_path, None, 1)
    job = build.NotebookJob("a", tmp_path / "a.md", tmp_path / "executed" / "a.ipynb", {}, "abc")
    table = tmp_path / "tables" / "T01.csv"
    table.parent.mkdir()
    table.write_text("a\n1\n")
    record = tmp_path / "artifacts" / "a" / "T01.json"
    record.parent.mkdir(parents=True)
    entry = {"path": "tables/T01.csv", "sha256": hashlib.sha256(b"a\n1\n").hexdigest()}
    record.write_text(json.dumps({"files": [entry]}))
    assert build.changed_output(settings, job) is None
    table.write_text("a\n2\n")
    changed = "tables/T01.csv changed after the notebook wrote it"
    assert build.changed_output(settings, job) == changed
    table.unlink()
    assert build.changed_output(settings, job) == "tables/T01.csv is missing"
    record.write_text("{")
    assert build.changed_output(settings, job) == "artifacts/a/T01.json is unreadable"


def test_the_student_notebook_keeps_the_exercises_and_drops_the_solutions(tmp_path):
    executed = tmp_path / "executed" / "a.ipynb"
    executed.parent.mkdir()
    cells = [
        {"cell_type": "markdown", "source": "```{exercise} One\n:label: ex-one\n\nAsk.\n```"},
        {"cell_type": "markdown", "source": ["```{solution} ex-one\n", ":class: dropdown\n"]},
        {"cell_type": "code", "source": "1 + 1", "outputs": []},
        {"cell_type": "markdown", "source": "  :::{solution} ex-two\nAnswer.\n:::"},
    ]
    executed.write_text(json.dumps({"cells": cells, "metadata": {}}))
    settings = build.BuildSettings(tmp_path / "p.yml", tmp_path, None, 1, edition="student")
    job = build.NotebookJob("a", tmp_path / "a.md", executed, {}, "abc")
    kept = json.loads(build.write_student_notebook(settings, job).read_text())["cells"]
    assert [cell["cell_type"] for cell in kept] == ["markdown", "code"]
    assert "{exercise}" in kept[0]["source"]
    assert settings.html_dir == tmp_path / "student" / "_build" / "html"
