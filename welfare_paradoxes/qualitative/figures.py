"""The qualitative figures F04-F07 as matplotlib figures; the notebook exports and shows them."""

from __future__ import annotations

import textwrap

import numpy as np
import polars as pl
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from welfare_paradoxes.engine.figure_data import SOURCE_LINE
from welfare_paradoxes.qualitative.matrices import (
    code_cooccurrence,
    code_group_matrix,
    excerpts_per_group,
)
from welfare_paradoxes.qualitative.register import ExcerptRegister
from welfare_paradoxes.qualitative.trajectories import interview_year

SOURCE_COLOUR = "#555555"
STATE_COLOURS = {"unemployed": "#8fa9c9", "fleksjob": "#6aa57a"}

# Box centres (x, y) in axes fractions: the pathway reads left to right; the reassessment fans
# out into three outcomes, jobafklaring leads on to the ressourceforløb, and the ressourceforløb
# to the three lasting ones (work, fleksjob, førtidspension); an extension can end in work.
_STAGE_POSITIONS = {
    "sygedagpenge": (0.115, 0.55),
    "revurdering": (0.345, 0.55),
    "forlaengelse": (0.60, 0.88),
    "jobafklaring": (0.60, 0.55),
    "ressourceforloeb": (0.60, 0.20),
    "arbejde": (0.885, 0.88),
    "fleksjob": (0.885, 0.45),
    "foertidspension": (0.885, 0.10),
}
_BOX_WIDTH, _BOX_HEIGHT = 0.21, 0.22


def _edge_points(start: tuple[float, float], end: tuple[float, float]):
    """Where an arrow from box ``start`` to box ``end`` leaves and enters: the sides facing
    each other (left/right when the boxes sit side by side, top/bottom when stacked)."""
    (x0, y0), (x1, y1) = start, end
    if abs(x1 - x0) >= _BOX_WIDTH:
        side = _BOX_WIDTH / 2 if x1 > x0 else -_BOX_WIDTH / 2
        return (x0 + side, y0), (x1 - side, y1)
    side = _BOX_HEIGHT / 2 if y1 > y0 else -_BOX_HEIGHT / 2
    return (x0, y0 + side), (x1, y1 - side)


def _source_line(figure: Figure, text: str) -> None:
    figure.text(
        0.01, 0.01, text, fontsize=8.5, color=SOURCE_COLOUR, ha="left", va="bottom", gid=SOURCE_LINE
    )


def pathway_figure(stages: pl.DataFrame, transitions: pl.DataFrame, mentions: pl.DataFrame):
    """F04: the stages of the system, the transitions between them, and the quotes naming each."""
    figure = Figure(figsize=(8.6, 5.6))
    ax = figure.subplots()
    ax.set_axis_off()
    ax.set_xlim(-0.01, 1.0)
    ax.set_ylim(-0.06, 1.02)
    quotes = dict(zip(mentions["stage"], mentions["quotes"], strict=True))
    for record in stages.iter_rows(named=True):
        x, y = _STAGE_POSITIONS[record["stage"]]
        ax.add_patch(
            FancyBboxPatch(
                (x - _BOX_WIDTH / 2, y - _BOX_HEIGHT / 2),
                _BOX_WIDTH,
                _BOX_HEIGHT,
                boxstyle="round,pad=0.005,rounding_size=0.015",
                facecolor="#eef2f7",
                edgecolor="#4a6a8a",
                linewidth=1.0,
            )
        )
        label = "\n".join(textwrap.wrap(record["label"], 24))
        ax.text(x, y + 0.035, label, ha="center", va="center", fontsize=9.5, fontweight="bold")
        count = quotes[record["stage"]]
        quoted = f"named in {count} quote{'s' if count != 1 else ''}"
        ax.text(
            x,
            y - 0.055,
            f"lines {record['thesis_lines']}\n{quoted}",
            ha="center",
            va="center",
            fontsize=8.5,
            color="#333333",
        )
    for record in transitions.iter_rows(named=True):
        leave, enter = _edge_points(
            _STAGE_POSITIONS[record["from_stage"]], _STAGE_POSITIONS[record["to_stage"]]
        )
        ax.annotate(
            "",
            xy=enter,
            xytext=leave,
            arrowprops={"arrowstyle": "-|>", "color": "#4a6a8a", "linewidth": 1.2},
        )
    ax.set_title(
        "The employment system's pathway after sick leave, as the thesis describes it",
        fontsize=11,
        loc="left",
    )
    _source_line(
        figure,
        "Source: thesis text (lines per box and arrow: data/trajectories); quotes counted in the\n"
        f"excerpt register (n = {mentions['excerpt_ids'].explode().drop_nulls().n_unique()} "
        "quotes name a stage).",
    )
    figure.subplots_adjust(left=0.01, right=0.99, top=0.93, bottom=0.09)
    return figure


def trajectories_figure(trajectories: pl.DataFrame):
    """F05: the three interviewed citizens on one time axis, up to the time of the interviews."""
    interview = interview_year(trajectories)
    citizens = [
        name for name in trajectories["pseudonym"].unique(maintain_order=True) if name != "all"
    ]
    first_year = trajectories["start_year"].drop_nulls().min() - 1
    figure = Figure(figsize=(8.6, 5.2))
    ax = figure.subplots()
    lanes = {name: len(citizens) - index for index, name in enumerate(citizens)}
    for record in trajectories.filter(pl.col("kind") == "phase").iter_rows(named=True):
        lane = lanes[record["pseudonym"]]
        end = record["end_year"] or interview
        ax.barh(
            lane,
            end - record["start_year"],
            left=record["start_year"],
            height=0.32,
            color=STATE_COLOURS[record["state"]],
            edgecolor="white",
        )
        short = end - record["start_year"] < 4
        ax.text(
            record["start_year"] - 0.1 if short else record["start_year"] + 0.1,
            lane,
            f"{record['state']} from {record['start_year']}",
            va="center",
            ha="right" if short else "left",
            fontsize=9,
        )
    for name, lane in lanes.items():
        events = trajectories.filter((pl.col("pseudonym") == name) & (pl.col("kind") == "event"))
        now = [r["what"] for r in events.iter_rows(named=True) if r["dated"] == "at the interview"]
        undated = [r for r in events.iter_rows(named=True) if r["dated"] == "year not given"]
        for what in now:
            ax.plot(interview, lane, marker="D", color="#333333", markersize=6)
            ax.text(interview - 0.15, lane + 0.3, what, ha="right", va="center", fontsize=8)
        for offset, record in enumerate(undated):
            wrapped = textwrap.fill(
                f"{name}, year not given: {record['what']} (lines {record['thesis_lines']})", 85
            )
            ax.text(
                first_year + 0.1,
                lane - 0.33 - 0.2 * offset,
                wrapped,
                ha="left",
                va="top",
                fontsize=7.5,
                style="italic",
                color="#444444",
            )
    ax.axvline(interview, color="#999999", linestyle="--", linewidth=1)
    ax.text(interview, len(citizens) + 0.72, "interviews", ha="center", fontsize=8, color="#555555")
    ax.set_yticks(list(lanes.values()), list(lanes))
    ax.set_xlim(first_year, interview + 0.6)
    ax.set_ylim(0.2, len(citizens) + 0.9)
    ax.set_xticks(range(first_year, interview + 1))
    ax.set_xlabel("Year")
    ax.set_ylabel("Interviewed citizen (pseudonym)")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(
        "Three citizens' trajectories after work-related stress (n = 3 interviews)",
        fontsize=11,
        loc="left",
    )
    _source_line(
        figure,
        "Source: presentation of the informants (lines 685-703) and the quotes cited; "
        "data/trajectories/citizen_trajectories.csv.\nThe interviews are undated in the thesis "
        f"and placed in {interview} (see lines 3366-3370).",
    )
    figure.subplots_adjust(left=0.12, right=0.98, top=0.92, bottom=0.19)
    return figure


def code_matrix_figure(register: ExcerptRegister):
    """F06: excerpts per code and speaker, each survey's respondents as one group."""
    matrix = code_group_matrix(register)
    per_group = excerpts_per_group(register)
    groups = [c for c in matrix.columns if c not in ("code", "family", "label", "total")]
    values = matrix.select(groups).to_numpy()
    figure = Figure(figsize=(8.2, 9.8))
    ax = figure.subplots()
    ax.imshow(values, cmap="Blues", aspect="auto", vmin=0, vmax=max(values.max(), 1))
    for row, column in np.ndindex(values.shape):
        value = values[row, column]
        ax.text(
            column,
            row,
            str(value) if value else "·",
            ha="center",
            va="center",
            fontsize=9,
            color="white" if value > values.max() * 0.6 else ("#222222" if value else "#bbbbbb"),
        )
    headers = [
        "\n".join(group.split(" ")) + f"\n(n = {per_group.get(group, 0)})" for group in groups
    ]
    ax.set_xticks(range(len(groups)), headers)
    ax.tick_params(
        axis="x", labelsize=8.5, top=True, labeltop=True, bottom=False, labelbottom=False
    )
    labels = [f"{label}" for label in matrix["label"]]
    ax.set_yticks(range(len(labels)), labels, fontsize=9)
    families = matrix["family"].to_list()
    for index in range(1, len(families)):
        if families[index] != families[index - 1]:
            ax.axhline(index - 0.5, color="#333333", linewidth=0.8)
    theorists = _family_theorists(register.scheme)
    starts = [i for i, f in enumerate(families) if i == 0 or f != families[i - 1]]
    for start in starts:
        end = start + families[start:].count(families[start]) - 1
        family = families[start]
        ax.text(
            len(groups) - 0.4,
            (start + end) / 2,
            "\n".join(textwrap.wrap(family, 18)) + f"\n({theorists[family]})",
            ha="left",
            va="center",
            fontsize=8,
            color="#333333",
        )
    for boundary in (2.5, 5.5):
        ax.axvline(boundary, color="#333333", linewidth=0.8)
    ax.set_xlabel("Speaker: the six interviewees, and each survey's respondents as one group")
    ax.set_ylabel("Code (grouped by theory family)")
    total = register.excerpts.height
    coded = register.excerpts.filter(pl.col("codes").list.len() > 0).height
    _source_line(
        figure,
        f"Source: excerpt register (data/excerpts); n = {total} quotes, {coded} of them coded.\n"
        "A cell counts quotes carrying the code; · = none.",
    )
    figure.subplots_adjust(left=0.27, right=0.79, top=0.92, bottom=0.08)
    return figure


def _family_theorists(scheme: pl.DataFrame) -> dict[str, str]:
    theorists: dict[str, list[str]] = {}
    for family, names in zip(scheme["family"], scheme["theorist"], strict=True):
        for name in names.split("; "):
            if name not in theorists.setdefault(family, []):
                theorists[family].append(name)
    return {family: ", ".join(names) for family, names in theorists.items()}


def cooccurrence_figure(register: ExcerptRegister):
    """F07: how often two codes are carried by the same excerpt (lower triangle)."""
    matrix = code_cooccurrence(register)
    codes = matrix["code"].to_list()
    values = matrix.select(codes).to_numpy()
    off_diagonal = values - np.diag(np.diag(values))
    keep = [i for i in range(len(codes)) if off_diagonal[i].sum() > 0]
    values = values[np.ix_(keep, keep)]
    labels_of = dict(zip(register.scheme["code"], register.scheme["label"], strict=True))
    labels = [labels_of[codes[i]] for i in keep]
    shown = np.where(np.tril(np.ones_like(values, dtype=bool)), values, np.nan).astype(float)
    off = values - np.diag(np.diag(values))
    figure = Figure(figsize=(8.2, 8.4))
    ax = figure.subplots()
    pair_max = max(off.max(), 1)
    masked = np.where(np.eye(len(keep), dtype=bool), np.nan, shown)
    ax.imshow(masked, cmap="Oranges", vmin=0, vmax=pair_max)
    for row, column in np.ndindex(values.shape):
        if column > row:
            continue
        value = int(values[row, column])
        if row == column:
            ax.text(
                column,
                row,
                str(value),
                ha="center",
                va="center",
                fontsize=8,
                color="#1f4e79",
                fontweight="bold",
            )
        elif value:
            ax.text(column, row, str(value), ha="center", va="center", fontsize=8.5)
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8.5)
    ax.set_yticks(range(len(labels)), labels, fontsize=8.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlabel("Code")
    ax.set_ylabel("Code")
    ax.set_title(
        "Codes carried by the same quote (diagonal, blue: quotes carrying the code)",
        fontsize=10.5,
        loc="left",
    )
    never = len(codes) - len(keep)
    multi = register.excerpts.filter(pl.col("codes").list.len() > 1).height
    _source_line(
        figure,
        f"Source: excerpt register (data/excerpts); {multi} of {register.excerpts.height} quotes "
        f"carry two or more codes;\n{never} used codes never share a quote and are left out.",
    )
    figure.subplots_adjust(left=0.3, right=0.98, top=0.95, bottom=0.3)
    return figure
