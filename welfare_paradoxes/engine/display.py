"""HTML for the book's pages: tables with caption, source line and note, and the provenance box.

Hand-written rather than pandas' Styler because Styler puts random ids into its HTML, and the
executed notebooks should be the same bytes on every run.
"""

from __future__ import annotations

import base64
import re
from html import escape

import polars as pl

from welfare_paradoxes.engine.artifacts import Table, is_spec_id


def format_cell(value: object) -> str:
    """Return the text a person should read for one table cell."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        # A narrow no-break space groups thousands, as in SI print, and never splits a number.
        return f"{value:,}".replace(",", "\u202f")
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def table_html(
    table: Table, source_line: str, download_href: str | None, columns: list[str] | None = None
) -> str:
    """Render ``table`` as an HTML table with its id, title, note, source line and CSV link.

    ``columns`` selects and orders the columns shown (the CSV keeps all of them).
    """
    frame: pl.DataFrame = table.page_frame
    columns = columns or frame.columns
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{table.id}: cannot show columns it does not have: {missing}")
    numeric = {column for column in columns if _reads_as_number(frame.get_column(column))}
    keys = {column for column in columns if _reads_as_key(frame.get_column(column))}
    head = "".join(
        f'<th class="{_alignment(column, numeric, keys)}"'
        f"{_min_width(frame.get_column(column), table.label(column))}>"
        f"{escape(table.label(column))}</th>"
        for column in columns
    )
    body = []
    for row in frame.select(columns).iter_rows():
        cells = "".join(
            f'<td class="{_alignment(column, numeric, keys)}">{escape(format_cell(value))}</td>'
            for column, value in zip(columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    number = f"<strong>{escape(table.id)}.</strong> " if is_spec_id(table.id) else ""
    note = f'<p class="artifact-note">{escape(table.note)}</p>' if table.note else ""
    download = (
        f' <a href="{escape(download_href)}" download>Download {escape(table.id)}.csv</a>'
        if download_href
        else ""
    )
    return (
        f'<div class="artifact artifact-table" id="artifact-{table.id}">'
        f'<table class="artifact-table">'
        f"<caption>{number}{escape(table.title)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"{note}"
        f'<p class="artifact-source">{escape(source_line)}{download}</p>'
        "</div>"
    )


_NUMBER_TEXT = re.compile(r"^[\[(]?[-−–]?\d")


def _reads_as_number(series: pl.Series) -> bool:
    """Numbers, and text that is a formatted number or interval, are right-aligned."""
    if series.dtype.is_numeric():
        return True
    if series.dtype != pl.String:
        return False
    values = series.drop_nulls()
    return values.len() > 0 and bool(values.str.contains(_NUMBER_TEXT.pattern).all())


def percent(share: float | None, decimals: int = 1) -> str:
    """A share in [0, 1] as a percentage for people: ``0.6667 -> "66.7 %"``."""
    if share is None:
        return "–"
    return f"{100 * share:.{decimals}f} %"


def percent_interval(low: float | None, high: float | None, decimals: int = 1) -> str:
    """An interval of shares as percentages in brackets: ``(0.5, 0.8) -> "[50.0, 80.0]"``."""
    if low is None or high is None:
        return "–"
    return f"[{100 * low:.{decimals}f}, {100 * high:.{decimals}f}]"


def _alignment(column: str, numeric: set[str], keys: set[str] = frozenset()) -> str:
    if column in numeric:
        return "num"
    return "key" if column in keys else "text"


# Cells may break a word only where it is longer than this (in characters): short words keep
# a narrow column readable, and a long compound or hash cannot push the table out of its box.
UNBROKEN_WORD = 14


def _min_width(series: pl.Series, label: str) -> str:
    """A column is never narrower than its longest word (heading included), up to
    ``UNBROKEN_WORD`` characters."""
    words = label.split() + [
        word for value in series.drop_nulls().to_list() for word in format_cell(value).split()
    ]
    longest = min(max((len(word) for word in words), default=0), UNBROKEN_WORD)
    return f' style="min-width: {longest}ch"' if longest else ""


def _reads_as_key(series: pl.Series) -> bool:
    """Short codes without spaces (ids, SPEC ids, line numbers) are kept on one line."""
    if series.dtype != pl.String:
        return False
    values = series.drop_nulls()
    return values.len() > 0 and bool(
        (values.str.len_chars() <= 8).all() and (~values.str.contains(" ")).all()
    )


def provenance_html(
    rows: list[tuple[str, str]],
    title: str = "How this chapter was made",
    downloads: tuple[tuple[str, str], ...] = (),
) -> str:
    """Render the small provenance box: label/value pairs in a note admonition, then links to
    download ``(label, href)``."""
    items = "".join(
        f"<tr><th>{escape(label)}</th><td><code>{escape(value)}</code></td></tr>"
        for label, value in rows
    )
    links = " · ".join(
        f'<a href="{escape(href)}" download>{escape(label)}</a>' for label, href in downloads
    )
    return (
        '<div class="admonition note provenance">'
        f'<p class="admonition-title">{escape(title)}</p>'
        f'<table class="provenance-table"><tbody>{items}</tbody></table>'
        + (f"<p>Download: {links}</p>" if links else "")
        + "</div>"
    )


def figure_html(
    png: bytes,
    alt: str,
    width: int,
    artifact_id: str = "",
    title: str = "",
    downloads: tuple[tuple[str, str], ...] = (),
) -> str:
    """A figure for a page: the PNG inline (so the executed notebook shows it too), its alt
    text, and a caption with the figure's id, title and download links."""
    data = base64.b64encode(png).decode("ascii")
    links = " · ".join(
        f'<a href="{escape(href)}" download>{escape(label)}</a>' for label, href in downloads
    )
    caption = ""
    if artifact_id or title or links:
        number = f"<strong>{escape(artifact_id)}.</strong> " if artifact_id else ""
        caption = (
            f"<figcaption>{number}{escape(title)}"
            + (f" <span class='artifact-source'>Download {links}</span>" if links else "")
            + "</figcaption>"
        )
    anchor = f' id="artifact-{escape(artifact_id)}"' if artifact_id else ""
    return (
        f'<figure class="artifact artifact-figure"{anchor}>'
        f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}" width="{width}"/>'
        f"{caption}</figure>"
    )
