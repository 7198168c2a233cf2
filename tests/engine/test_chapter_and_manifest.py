"""Artifact export, records and the manifest, checked against hashlib and the files themselves."""

import base64
import hashlib
import json
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402
import pytest  # noqa: E402

from welfare_paradoxes.engine import manifest  # noqa: E402
from welfare_paradoxes.engine.artifacts import Table  # noqa: E402
from welfare_paradoxes.engine.chapter import Chapter  # noqa: E402
from welfare_paradoxes.engine.paths import DATA_DIR, LOCK_FILE  # noqa: E402


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def chapter(tmp_path):
    return Chapter("design", parameters={"build_dir": str(tmp_path), "seed": 7, "data_dir": "data"})


@pytest.fixture
def table():
    source = DATA_DIR / "design" / "recruitment_channels.csv"
    frame = pl.DataFrame({"item": ["a", "b"], "count": [1, 20350]})
    return Table(id="T02", title="A test table", frame=frame, sources=(source,), note="n = 2")


def test_export_table_writes_the_csv_and_a_record_with_true_hashes(chapter, table, tmp_path):
    html = chapter.export_table(table).data
    csv = tmp_path / "tables" / "T02.csv"
    assert csv.read_text() == "item,count\na,1\nb,20350\n"
    record = json.loads((tmp_path / "artifacts" / "design" / "T02.json").read_text())
    assert record["files"] == [{"path": "tables/T02.csv", "sha256": _sha256(csv)}]
    source = DATA_DIR / "design" / "recruitment_channels.csv"
    assert record["data_files"] == {"data/design/recruitment_channels.csv": _sha256(source)}
    assert record["notebook"] == "notebooks/design.md"
    # Where the outputs go is not a parameter of the result.
    assert record["parameters"] == {"seed": 7, "data_dir": "data"}
    assert "<caption><strong>T02.</strong> A test table</caption>" in html
    assert "20\u202f350" in html and 'href="_static/tables/T02.csv"' in html


def test_table_html_escapes_cell_text(chapter):
    frame = pl.DataFrame({"quote": ["<script>alert(1)</script> & co"]})
    html = chapter.export_table(
        Table(id="T13", title="x", frame=frame, sources=(DATA_DIR / "thesis" / "thesis.txt",))
    ).data
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_restarting_a_chapter_drops_the_records_of_its_previous_run(chapter, table, tmp_path):
    chapter.export_table(table)
    Chapter("design", parameters={"build_dir": str(tmp_path)})
    assert list((tmp_path / "artifacts" / "design").iterdir()) == []


def test_unknown_notebook_and_bad_ids_are_refused(chapter, tmp_path):
    with pytest.raises(ValueError, match="no notebook notebooks/nonexistent.md"):
        Chapter("nonexistent", parameters={"build_dir": str(tmp_path)})
    supporting = Table(id="coverage", title="x", frame=pl.DataFrame({"a": [1]}), sources=())
    with pytest.raises(ValueError, match="not a SPEC id"):
        chapter.export_table(supporting)
    assert "Download" not in chapter.show_table(supporting).data
    assert not (tmp_path / "tables").exists()


def test_exported_figures_are_the_same_bytes_every_time(chapter, tmp_path):
    def draw():
        figure, axes = plt.subplots(figsize=(3, 2))
        axes.bar(["anxiety", "sleep"], [18, 17])
        axes.set_ylabel("mentions")
        return figure

    source = (DATA_DIR / "thesis" / "thesis.txt",)
    chapter.export_figure("F02", "test", draw(), source)
    first = [(tmp_path / "figures" / f"F02.{kind}").read_bytes() for kind in ("png", "svg")]
    chapter.export_figure("F02", "test", draw(), source)
    second = [(tmp_path / "figures" / f"F02.{kind}").read_bytes() for kind in ("png", "svg")]
    assert first == second
    assert first[0].startswith(b"\x89PNG") and b"<svg" in first[1]
    html = chapter.export_figure("F02", "Symptoms", draw(), source, "Two bars.").data
    embedded = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    assert base64.b64decode(embedded) == first[0]  # the page shows the exported file
    assert 'alt="Figure F02: Symptoms. Two bars."' in html
    assert "<figcaption><strong>F02.</strong> Symptoms" in html
    assert 'href="_static/figures/F02.svg" download' in html
    plt.close("all")


def test_manifest_collects_records_and_detects_a_changed_file(chapter, table, tmp_path):
    chapter.export_table(table)
    built = manifest.build_manifest(tmp_path, "params/quick.yml")
    assert [artifact["id"] for artifact in built["artifacts"]] == ["T02"]
    assert built["lock_file_sha256"] == _sha256(LOCK_FILE)
    assert built["packages"]["polars"] == pl.__version__
    (tmp_path / "tables" / "T02.csv").write_text("tampered\n")
    with pytest.raises(
        ValueError, match="tables/T02.csv changed after notebooks/design.md wrote it"
    ):
        manifest.build_manifest(tmp_path, "params/quick.yml")


def test_manifest_refuses_ids_missing_from_the_registry(chapter, tmp_path):
    frame = pl.DataFrame({"a": [1]})
    chapter.export_table(Table(id="T99", title="x", frame=frame, sources=()))
    with pytest.raises(ValueError, match=r"artifacts \['T99'\] are not listed"):
        manifest.build_manifest(tmp_path, "params/quick.yml")


def test_registry_lists_every_spec_id_once():
    registry = manifest.artifact_registry()
    expected = (
        [f"T{i:02d}" for i in range(1, 15)]
        + [f"F{i:02d}" for i in range(1, 9)]
        + ["J01", "J02", "J03"]
        + ["X01", "X02"]
    )
    assert sorted(registry["id"].to_list()) == sorted(expected)
    assert set(registry["status"]) <= {"implemented", "planned"}


def test_locked_versions_flag_drift(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text(f"polars=={pl.__version__}    # via x\nnumpy==0.0.1\nnot-a-package-xyz==1.0\n")
    versions = manifest.locked_package_versions(lock)
    assert versions["polars"] == pl.__version__
    assert versions["numpy"].endswith("(lock: 0.0.1)")
    assert versions["not-a-package-xyz"] == "missing (lock: 1.0)"


def test_the_provenance_page_lists_every_artifact_with_full_hashes():
    from welfare_paradoxes.engine.provenance_page import provenance_markdown

    digest = "ab" * 32
    manifest = {
        "git": {"commit": "c0ffee", "tracked_changes": False},
        "python": "3.11.7",
        "parameter_set": "params/quick.yml",
        "lock_file": "locks/python3.11.txt",
        "packages": {"numpy": "2.3.5"},
        "artifacts": [
            {
                "id": "T05",
                "title": "Key proportions",
                "kind": "table",
                "notebook": "notebooks/citizen_survey.md",
                "parameters": {"seed": 2025},
                "files": [{"path": "tables/T05.csv", "sha256": digest}],
                "data_files": {"data/surveys/citizens.csv": "cd" * 32},
                "compute": {"mc_bca": "monte_carlo (B = 2000, seed 2025)"},
            }
        ],
    }
    page = provenance_markdown(manifest, "_static/manifest.json", "_static/notebooks")
    assert "### T05: Key proportions" in page
    assert f"sha256 {digest}" in page and "sha256 " + "cd" * 32 in page
    assert "<td><code>parameter seed</code></td><td><code>2025</code></td>" in page
    assert "monte_carlo (B = 2000, seed 2025)" in page and "c0ffee" in page
    assert 'href="_static/manifest.json"' in page


def test_glue_writes_what_myst_nb_glue_writes(chapter, monkeypatch):
    """Chapter.glue writes myst-nb's glue output itself (see GLUE_MIME_PREFIX): the same
    display call as myst_nb.glue(..., display=False), for text and numbers."""
    from myst_nb.ext import glue as myst_glue

    from welfare_paradoxes.engine import chapter as chapter_module

    ours, theirs = [], []
    monkeypatch.setattr(chapter_module, "display", lambda *a, **k: ours.append((a, k)))
    monkeypatch.setattr(myst_glue, "ipy_display", lambda *a, **k: theirs.append((a, k)))
    values = {"share": 0.667, "count": 26, "label": "26 of 39"}
    chapter.glue(values)
    for name, value in values.items():
        myst_glue.glue(name, value, display=False)
    assert ours == theirs
    assert len(ours) == 3


def test_glue_refuses_values_a_page_cannot_quote(chapter):
    with pytest.raises(ValueError, match="not an identifier"):
        chapter.glue({"two words": 1})
    with pytest.raises(ValueError, match="expected text or a number"):
        chapter.glue({"values": [1, 2]})
