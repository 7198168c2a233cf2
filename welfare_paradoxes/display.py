"""HTML for the book's pages: tables with caption, source line and note, and the provenance box.

Hand-written rather than pandas' Styler because Styler puts random ids into its HTML, and the
executed notebooks should be the same bytes on every run.
"""

from __future__ import annotations

from html import escape

import polars as pl

from welfare_paradoxes.artifacts import Table


def format_cell(value: object) -> str:
    """Return the text a person should read for one table cell."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u2009")  # thin space groups thousands, as in SI print
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def table_html(
    table: Table, source_line: str, download_href: str, columns: list[str] | None = None
) -> str:
    """Render ``table`` as an HTML table with its id, title, note, source line and CSV link.

    ``columns`` selects and orders the columns shown (the CSV keeps all of them).
    """
    frame: pl.DataFrame = table.frame
    columns = columns or frame.columns
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{table.id}: cannot show columns it does not have: {missing}")
    numeric = {column for column in columns if frame.schema[column].is_numeric()}
    head = "".join(
        f'<th class="{_alignment(column, numeric)}">{escape(table.label(column))}</th>'
        for column in columns
    )
    body = []
    for row in frame.select(columns).iter_rows():
        cells = "".join(
            f'<td class="{_alignment(column, numeric)}">{escape(format_cell(value))}</td>'
            for column, value in zip(columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    note = f'<p class="artifact-note">{escape(table.note)}</p>' if table.note else ""
    return (
        f'<div class="artifact artifact-table" id="artifact-{table.id}">'
        f'<table class="artifact-table">'
        f"<caption><strong>{table.id}.</strong> {escape(table.title)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"{note}"
        f'<p class="artifact-source">{escape(source_line)} '
        f'<a href="{escape(download_href)}" download>Download {escape(table.id)}.csv</a></p>'
        "</div>"
    )


def _alignment(column: str, numeric: set[str]) -> str:
    return "num" if column in numeric else "text"


def provenance_html(rows: list[tuple[str, str]], title: str = "How this chapter was made") -> str:
    """Render the small provenance box: label/value pairs in a note admonition."""
    items = "".join(
        f"<tr><th>{escape(label)}</th><td><code>{escape(value)}</code></td></tr>"
        for label, value in rows
    )
    return (
        '<div class="admonition note provenance">'
        f'<p class="admonition-title">{escape(title)}</p>'
        f'<table class="provenance-table"><tbody>{items}</tbody></table>'
        "</div>"
    )
