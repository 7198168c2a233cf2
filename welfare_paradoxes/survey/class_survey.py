"""A class's own survey: every category of its choice items, with every interval the book uses.

>>> from welfare_paradoxes.survey.class_survey import class_proportions_table
>>> from welfare_paradoxes.survey.load import load_with_codebook
>>> data = load_with_codebook("klasse.csv", "codebook.yml")        # doctest: +SKIP
>>> class_proportions_table(data, n_resamples=10_000, seed=1)     # doctest: +SKIP

Unlike the thesis' tables (:func:`welfare_paradoxes.survey.statistics.proportions_table`),
which show the proportions the thesis reports, every category of every binary and single-choice
item and every option of every multi-select item is a row. Items are answered by different
numbers of respondents (an empty single-choice cell is no answer; an empty multi-select cell
is "none chosen"), so the Monte Carlo bootstrap resamples the respondents who answered each
question, jointly across that question's categories.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from welfare_paradoxes.engine.artifacts import Table

from .analysis import CHOICE_TYPES, indicator
from .figures import forest_figure
from .load import SurveyData
from .statistics import INTERVAL_METHODS, LEVEL, method_intervals, shown_intervals


@dataclass(frozen=True)
class ClassItem:
    """One proportion of a class survey: a category (or option) of a choice item."""

    variable: str
    value: str
    question: str  # the question as the form asks it
    label: str  # the category's English label, or the value where it is still to be reviewed


def class_items(data: SurveyData) -> list[ClassItem]:
    """Every category of every non-personal choice item, in codebook order."""
    items = []
    for column in data.codebook.columns:
        if column.type not in CHOICE_TYPES or column.personal:
            continue
        for category in column.categories:
            label = category.value if category.label_en.startswith("TODO") else category.label_en
            items.append(ClassItem(column.variable, category.value, column.header, label))
    return items


def class_proportions(
    data: SurveyData, n_resamples: int, seed: int, level: float = LEVEL
) -> tuple[pl.DataFrame, dict[str, str], pl.DataFrame]:
    """k, n, the share and every interval of ``INTERVAL_METHODS`` for each of ``class_items``;
    how each method was computed; and the Monte Carlo error of every Monte Carlo endpoint.

    Questions nobody answered have no proportion and no row.
    """
    rows: list[dict] = []
    errors: list[dict] = []
    compute: dict[str, str] = {}
    for variable, items in _by_variable(class_items(data)).items():
        hits = [indicator(data, variable, item.value) for item in items]
        answered = hits[0].is_not_null().to_numpy()
        n = int(answered.sum())
        if n == 0:
            continue
        answers = np.vstack([hit.to_numpy()[answered].astype(np.int64) for hit in hits])
        k = answers.sum(axis=1)
        columns, method_compute, row_errors = method_intervals(
            k, n, answers, n_resamples, seed, level
        )
        compute.update(method_compute)
        for index, item in enumerate(items):
            rows.append(
                {
                    "variable": item.variable,
                    "value": item.value,
                    "question": item.question,
                    "label": item.label,
                    "k": int(k[index]),
                    "n": n,
                    "share": float(k[index]) / n,
                    **{key: float(values[index]) for key, values in columns.items()},
                }
            )
            errors.append({key: float(values[index]) for key, values in row_errors.items()})
    if not rows:
        raise ValueError(f"{data.provenance.source}: no choice item has any answer")
    return pl.DataFrame(rows), compute, pl.DataFrame(errors)


def _by_variable(items: list[ClassItem]) -> dict[str, list[ClassItem]]:
    grouped: dict[str, list[ClassItem]] = {}
    for item in items:
        grouped.setdefault(item.variable, []).append(item)
    return grouped


def class_proportions_table(
    data: SurveyData,
    n_resamples: int,
    seed: int,
    table_id: str = "class-proportions",
    title: str | None = None,
) -> Table:
    """The per-item proportions of a validated class survey, with its formatted page version."""
    frame, compute, errors = class_proportions(data, n_resamples, seed)
    shown = frame.select(pl.col("question"), pl.col("label"), *shown_intervals())
    labels = {"question": "Question", "label": "Answer", "count": "k/n", "percent": "%"}
    labels |= {m.key: m.label for m in INTERVAL_METHODS}
    note = (
        f"95 % intervals in percent. Monte Carlo: B = {n_resamples:,} resamples, seed {seed}, "
        "resampling the respondents who answered each question. n = respondents who answered "
        "the question (every respondent for a multi-select question). Data: "
        f"{data.provenance.source} ({data.provenance.status} export)."
    )
    return Table(
        id=table_id,
        title=("SYNTHETIC (teaching data): " if data.synthetic else "")
        + (title or f"Answers to {data.codebook.title_da}"),
        frame=frame,
        shown=shown,
        sources=(data.provenance.file, data.codebook.path),
        labels=labels,
        note=note,
        compute=compute,
        monte_carlo_error=errors,
    )


def class_forest_figure(answers: Table, data: SurveyData, n_resamples: int, seed: int):
    """The forest plot of a class survey's answers (every interval method, as F01)."""
    question = {column.variable: column.label_en for column in data.codebook.columns}
    rows = answers.frame.with_columns(
        pl.struct("variable", "label")
        .map_elements(
            lambda row: f"{question[row['variable']]}: {row['label']}", return_dtype=pl.String
        )
        .alias("label"),
        pl.lit("synthetic" if data.synthetic else "class").alias("group"),
    )
    source = (
        f"Source: {data.provenance.source} ({data.provenance.status}). "
        f"Monte Carlo: B = {n_resamples:,}, seed {seed}."
    )
    prefix = "SYNTHETIC: " if data.synthetic else ""
    return forest_figure(rows, source, f"{prefix}every answer, seven 95 % intervals")
