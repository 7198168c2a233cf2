"""The data a matplotlib figure plots, read off its artists, as a table.

A figure is compared through what it shows, not through its image bytes (which change with
the renderer and its fonts): every line's points, every marker's position and size, every
bar's or box's outline, every heatmap cell, and every text (tick labels carry the categories
of a categorical axis). Coordinates are in data units, in the order the artists were drawn,
which the same code always follows.

A figure's source line (a text with gid :data:`SOURCE_LINE`) is left out: it states the data
and parameters, which the manifest records and a verification compares on their own.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from matplotlib.collections import Collection, PathCollection, QuadMesh
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.spines import Spine
from matplotlib.text import Text

SOURCE_LINE = "source-line"
COLUMNS = ("axes", "artist", "kind", "point", "x", "y", "value", "text")


def plotted_data(figure) -> pl.DataFrame:
    """One row per plotted point, cell or text of ``figure``, in :data:`COLUMNS`."""
    rows: list[tuple] = []
    for axes_index, axes in enumerate(figure.axes):
        for artist_index, artist in enumerate(axes.get_children()):
            if not artist.get_visible() or artist is axes.patch or artist.get_gid() == SOURCE_LINE:
                continue
            for kind, point, x, y, value, text in _artist_rows(axes, artist):
                rows.append((axes_index, artist_index, kind, point, x, y, value, text))
        for artist_index, text in enumerate(
            [axes.title, axes.xaxis.label, axes.yaxis.label]
            + axes.get_xticklabels()
            + axes.get_yticklabels()
        ):
            if text.get_text():
                x, y = text.get_position()
                rows.append(
                    (axes_index, -1 - artist_index, "label", 0, x, y, None, text.get_text())
                )
    for index, text in enumerate(figure.texts):
        if text.get_gid() == SOURCE_LINE:
            continue
        x, y = text.get_position()
        rows.append((-1, index, "figure text", 0, x, y, None, text.get_text()))
    frame = pl.DataFrame(
        rows,
        schema={
            "axes": pl.Int64,
            "artist": pl.Int64,
            "kind": pl.String,
            "point": pl.Int64,
            "x": pl.Float64,
            "y": pl.Float64,
            "value": pl.Float64,
            "text": pl.String,
        },
        orient="row",
    )
    return frame


def _points(kind: str, xy) -> list[tuple]:
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    return [(kind, index, float(x), float(y), None, None) for index, (x, y) in enumerate(xy)]


def _artist_rows(axes, artist) -> list[tuple]:
    if isinstance(artist, Line2D):
        return _points("line", artist.get_xydata())
    if isinstance(artist, Text):
        if not artist.get_text():
            return []
        x, y = artist.get_position()
        return [("text", 0, float(x), float(y), None, artist.get_text())]
    if isinstance(artist, AxesImage):
        values = np.asarray(artist.get_array(), dtype=float)
        return [
            ("image cell", index, None, None, float(value), None)
            for index, value in enumerate(values.ravel())
        ]
    if isinstance(artist, QuadMesh):
        values = np.ma.filled(np.ma.asarray(artist.get_array(), dtype=float), np.nan)
        return [
            ("mesh cell", index, None, None, float(value), None)
            for index, value in enumerate(values.ravel())
        ]
    if isinstance(artist, PathCollection):
        rows = _points("marker", artist.get_offsets())
        sizes = artist.get_sizes()
        if len(sizes):
            rows = [
                (kind, index, x, y, float(sizes[index % len(sizes)]), text)
                for kind, index, x, y, _, text in rows
            ]
        return rows
    if isinstance(artist, Collection):
        rows = []
        for path in artist.get_paths():
            rows += _points("path", path.vertices)
        return [(kind, index, x, y, v, t) for index, (kind, _, x, y, v, t) in enumerate(rows)]
    if isinstance(artist, Patch) and not isinstance(artist, Spine):
        vertices = artist.get_patch_transform().transform(artist.get_path().vertices)
        return _points("patch", vertices)
    return []
