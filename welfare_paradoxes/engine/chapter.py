"""The object a notebook holds while it runs: it exports artifacts and records their provenance.

Every table or figure a chapter exports is written under the build folder
(``tables/<ID>.csv``, ``figures/<ID>.png`` and ``.svg``) together with a record of the notebook,
the parameters and the sha256 of every data file it read. :mod:`.manifest` joins the records
into ``manifest.json``.
"""

from __future__ import annotations

import html
import io
import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from IPython.core.formatters import format_display_data
from IPython.display import HTML, display

from welfare_paradoxes.engine.artifacts import Table, check_spec_id
from welfare_paradoxes.engine.display import figure_html, provenance_html, table_html
from welfare_paradoxes.engine.figure_data import plotted_data
from welfare_paradoxes.engine.hashing import file_sha256
from welfare_paradoxes.engine.paths import NOTEBOOK_DIR, relative_to_repo, resolve

INPUT_FOLDERS = ("data_dir", "survey_dir")
RECORDS_DIR = "artifacts"
TABLES_DIR = "tables"
FIGURES_DIR = "figures"
#: Beside ``tables/<ID>.csv``: how far each Monte Carlo value can move with the seed.
MONTE_CARLO_ERROR_SUFFIX = ".monte_carlo_error.csv"
#: Beside ``figures/<ID>.png``: the data the figure plots.
FIGURE_DATA_SUFFIX = ".data.csv"
# Files for other programs (the REFI-QDA project and codebook of the register).
EXCHANGE_DIR = "qda"
# Figures are drawn about 8 inches wide at 150 dpi and shown at the width of the text column.
FIGURE_WIDTH_PX = 760
# Exported files are published with the pages under the theme's static folder, with the
# executed notebooks and the manifest.
PUBLISHED_DIR = "_static"
NOTEBOOKS_DIR = "notebooks"
MANIFEST_FILE = "manifest.json"
# myst-nb's glue output: the value's display data under this prefix, named in the metadata.
# Written here rather than with myst_nb.glue, whose module imports nbformat and with it
# jsonschema's IRI grammar: about 1.5 s in every notebook's kernel.
GLUE_MIME_PREFIX = "application/papermill.record/"


def published_path(exported: Path, build_dir: Path) -> str:
    """The link, relative to a chapter page, under which an exported file is published."""
    return f"{PUBLISHED_DIR}/{exported.relative_to(build_dir).as_posix()}"


class Chapter:
    """Export and provenance for one notebook.

    ``name`` is the notebook's file stem (``notebooks/<name>.md``); ``parameters`` are the values
    of its parameters cell, recorded with every artifact. Starting a chapter clears the records
    of its previous run, so an artifact the notebook no longer makes drops out of the manifest.
    """

    def __init__(self, name: str, parameters: dict[str, Any]):
        source = NOTEBOOK_DIR / f"{name}.md"
        if not source.is_file():
            raise ValueError(f"no notebook {relative_to_repo(source)} for chapter {name!r}")
        self.name = name
        self.source = relative_to_repo(source)
        self.parameters = dict(parameters)
        self.build_dir = resolve(self.parameters.get("build_dir", "build"))
        self.data_files: dict[str, str] = {}
        self._records_dir = self.build_dir / RECORDS_DIR / name
        if self._records_dir.exists():
            shutil.rmtree(self._records_dir)
        self._records_dir.mkdir(parents=True)

    def export_table(self, table: Table, columns: list[str] | None = None) -> HTML:
        """Write ``table`` to ``tables/<ID>.csv``, record it, and return its HTML for the page."""
        check_spec_id(table.id)
        path = self.build_dir / TABLES_DIR / f"{table.id}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        table.frame.write_csv(path, line_terminator="\n")
        paths = [path]
        if table.monte_carlo_error is not None:
            paths.append(path.with_suffix(MONTE_CARLO_ERROR_SUFFIX))
            table.monte_carlo_error.write_csv(paths[-1], line_terminator="\n")
        self._record(table.id, "table", table.title, paths, table.sources, table.compute)
        source_line = self._source_line(table.sources, path)
        return HTML(table_html(table, source_line, published_path(path, self.build_dir), columns))

    def show_table(self, table: Table, columns: list[str] | None = None) -> HTML:
        """Return a supporting table's HTML for the page, without exporting it as an artifact."""
        read = ", ".join(relative_to_repo(path) for path in table.sources)
        return HTML(table_html(table, f"Source: {read}." if read else "", None, columns))

    def export_figure(
        self,
        artifact_id: str,
        title: str,
        figure,
        sources: tuple[Path, ...],
        description: str = "",
        monte_carlo_error: float = 0.0,
    ) -> HTML:
        """Write a matplotlib figure to ``figures/<ID>.png`` and ``.svg``, record it, and return
        the PNG for the page (so the page shows exactly the exported image) with its id and
        title as caption, links to both files, and ``description`` (what it shows) as alt text.

        Metadata that would change between runs (creation date, software version, random SVG
        ids) is left out, so the same figure gives the same bytes. What the figure plots is
        written beside it (``figures/<ID>.data.csv``, see ``figure_data``): a rerun is checked
        through it, each plotted number within ``monte_carlo_error`` (the largest Monte Carlo
        error of what it plots; 0 for a figure of exact values).
        """
        check_spec_id(artifact_id)
        folder = self.build_dir / FIGURES_DIR
        folder.mkdir(parents=True, exist_ok=True)
        png, svg = folder / f"{artifact_id}.png", folder / f"{artifact_id}.svg"
        with matplotlib.rc_context({"svg.hashsalt": artifact_id, "svg.fonttype": "path"}):
            figure.savefig(png, dpi=150, bbox_inches="tight", metadata={"Software": None})
            figure.savefig(svg, bbox_inches="tight", metadata={"Date": None, "Creator": None})
        plotted = folder / f"{artifact_id}{FIGURE_DATA_SUFFIX}"
        plotted_data(figure).write_csv(plotted, line_terminator="\n")
        self._record(
            artifact_id,
            "figure",
            title,
            [png, svg, plotted],
            sources,
            monte_carlo_error=float(monte_carlo_error),
        )
        alt = f"Figure {artifact_id}: {title}." + (f" {description}" if description else "")
        downloads = tuple(
            (path.suffix[1:].upper(), published_path(path, self.build_dir)) for path in (png, svg)
        )
        return HTML(
            figure_html(png.read_bytes(), alt, FIGURE_WIDTH_PX, artifact_id, title, downloads)
        )

    def export_files(
        self,
        artifact_id: str,
        kind: str,
        title: str,
        paths: list[Path],
        sources: tuple[Path, ...],
        description: str = "",
    ) -> HTML:
        """Record files a package function has already written under the build folder (an
        exchange file for other programs) as artifact ``artifact_id``, and return a line for
        the page with their id, title, download links and ``description``."""
        check_spec_id(artifact_id)
        for path in paths:
            if not Path(path).is_file() or self.build_dir not in Path(path).parents:
                raise ValueError(f"{path} is not a file under the build folder")
        self._record(artifact_id, kind, title, [Path(path) for path in paths], sources)
        links = ", ".join(
            f'<a href="{html.escape(published_path(Path(path), self.build_dir))}" download>'
            f"{html.escape(Path(path).name)}</a>"
            for path in paths
        )
        text = f" {html.escape(description)}" if description else ""
        return HTML(
            f'<p class="exported-file"><strong>{html.escape(artifact_id)}.</strong> '
            f"{html.escape(title)}: {links}.{text}</p>"
        )

    def show_figure(self, figure, description: str) -> HTML:
        """Return a supporting figure's PNG for the page, without exporting it as an artifact;
        ``description`` (what it shows) is its alt text."""
        buffer = io.BytesIO()
        figure.savefig(
            buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None}
        )
        return HTML(figure_html(buffer.getvalue(), description, FIGURE_WIDTH_PX))

    def glue(self, numbers: Mapping[str, object]) -> None:
        """Glue every value of ``numbers`` under its name for the prose (``{glue:text}`name```),
        without displaying it: one call per notebook, the numbers computed in the package.

        Names must be identifiers; values are text or plain numbers (numpy scalars become
        Python numbers), so what a page quotes is what the package computed."""
        for name, value in numbers.items():
            if not name.isidentifier():
                raise ValueError(f"{self.name}: glue name {name!r} is not an identifier")
            if isinstance(value, np.generic):
                value = value.item()
            if not isinstance(value, str | int | float):
                raise ValueError(
                    f"{self.name}: glue {name!r} is a {type(value).__name__}; expected text or a "
                    "number"
                )
            bundle, metadata = format_display_data(value)
            metadata["scrapbook"] = {"name": name, "mime_prefix": GLUE_MIME_PREFIX}
            display(
                {GLUE_MIME_PREFIX + mime: data for mime, data in bundle.items()},
                raw=True,
                metadata=metadata,
            )

    def recorded_parameters(self) -> dict[str, Any]:
        """The parameters that can change a result: all but where the outputs are written.

        Leaving ``build_dir`` out lets two builds into different folders be compared byte for
        byte. Input folders are recorded as the pages show paths (no machine path outside the
        repository); the data files' hashes identify what was read.
        """
        return {
            key: relative_to_repo(resolve(value)) if key in INPUT_FOLDERS and value else value
            for key, value in self.parameters.items()
            if key != "build_dir"
        }

    def provenance(self, notes: tuple[str, ...] = ()) -> HTML:
        """Return the box that states the parameters and data this chapter ran with.

        ``notes`` adds lines such as a survey's provenance (reconstructed or raw).
        """
        rows = [("notebook", self.source)]
        rows += [
            (f"parameter {key}", repr(value))
            for key, value in sorted(self.recorded_parameters().items())
        ]
        rows += [
            (f"data {path}", f"sha256 {digest}") for path, digest in sorted(self.data_files.items())
        ]
        rows += [("note", note) for note in notes]
        downloads = (
            (
                "the executed notebook (.ipynb)",
                f"{PUBLISHED_DIR}/{NOTEBOOKS_DIR}/{self.name}.ipynb",
            ),
            ("the build's manifest (JSON)", f"{PUBLISHED_DIR}/{MANIFEST_FILE}"),
        )
        return HTML(provenance_html(rows, downloads=downloads))

    def _source_line(self, sources: tuple[Path, ...], exported: Path) -> str:
        read = ", ".join(relative_to_repo(path) for path in sources)
        written = exported.relative_to(self.build_dir).as_posix()
        return f"Source: {read}. Exported as {written}."

    def _record(
        self, artifact_id, kind, title, paths, sources, compute=None, monte_carlo_error=0.0
    ) -> None:
        data_files = {}
        for source in sources:
            digest = file_sha256(source)
            data_files[relative_to_repo(source)] = digest
        self.data_files.update(data_files)
        record = {
            "id": artifact_id,
            "kind": kind,
            "title": title,
            "files": [
                {"path": path.relative_to(self.build_dir).as_posix(), "sha256": file_sha256(path)}
                for path in paths
            ],
            "notebook": self.source,
            "parameters": self.recorded_parameters(),
            "data_files": dict(sorted(data_files.items())),
        }
        if compute:
            record["compute"] = dict(sorted(compute.items()))
        if monte_carlo_error:
            record["monte_carlo_error"] = monte_carlo_error
        target = self._records_dir / f"{artifact_id}.json"
        target.write_text(json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
