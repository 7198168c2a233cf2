"""The thesis' findings: its welfare paradoxes with their evidence (J03, F08) and its
concluding claims set against that evidence (T14).

The paradoxes are data (``data/findings/paradoxes.csv``): each with the thesis' own wording,
quoted with its lines (checked against the text), the book's one-sentence statement, the
analysis part, the theory codes it is read with, and the excerpts that speak to it. The survey
statistics that bear on a paradox are statistic links (``data/integration/statistic_links.csv``)
like those of J01 and J02, and the meta-inference is decided by the same rule
(:mod:`.meta_inference`). The concluding claims (``conclusions.csv``) name the paradoxes and
excerpts they rest on; whether the evidence carries their wording is decided by the rule too.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from matplotlib.figure import Figure

from welfare_paradoxes.engine.artifacts import Table
from welfare_paradoxes.engine.datafiles import read_text_csv
from welfare_paradoxes.engine.manifest import implemented_ids
from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.integration.joint_displays import (
    LINKS_FILE,
    StatisticComputer,
    check_codes,
    check_qualitative_claim,
    check_quoted,
    load_links,
    problem,
    quoted_excerpts,
    speaker_count,
    split_list,
    voices,
    wording_verdict,
)
from welfare_paradoxes.integration.meta_inference import (
    EXTENT_THRESHOLDS,
    decide,
    line_reference,
    qualitative_wording,
    summaries,
)
from welfare_paradoxes.qualitative.register import ExcerptRegister
from welfare_paradoxes.survey import SurveyData
from welfare_paradoxes.thesis import parse_line_ranges

PARADOXES_FILE = Path("findings") / "paradoxes.csv"
CONCLUSIONS_FILE = Path("findings") / "conclusions.csv"
STRANDS = ("citizen survey", "frontline survey", "citizen interviews", "frontline interviews")
SOURCE_COLOUR = "#555555"
VERDICT_COLOURS = {
    "confirms": "#2f7d4f",
    "expands": "#3b6ea5",
    "diverges": "#b5452f",
    "qualitative only": "#7a7a7a",
}


def _check_excerpts(path: Path, row_number: int, ids: list[str], register: ExcerptRegister):
    known = set(register.excerpts["excerpt_id"])
    unknown = [excerpt_id for excerpt_id in ids if excerpt_id not in known]
    if unknown:
        raise problem(path, row_number, "excerpts", unknown, "excerpt ids of the register (T13)")


def load_paradoxes(
    data_dir: str | Path, register: ExcerptRegister, linked: frozenset[str] = frozenset()
) -> list[dict]:
    """The paradoxes, every reference checked: wording in the thesis, codes, excerpt ids, other
    evidence; each must have some evidence (excerpts, another artifact, or a statistic link
    in ``linked``)."""
    data_dir = Path(data_dir)
    path = data_dir / PARADOXES_FILE
    frame = read_text_csv(path).fill_null("")
    artifacts = set(implemented_ids(data_dir))
    paradoxes, seen = [], set()
    for row_number, row in enumerate(frame.iter_rows(named=True), start=2):
        if row["paradox_id"] in seen or not row["paradox_id"].startswith("WP"):
            raise problem(
                path, row_number, "paradox_id", row["paradox_id"], "a new id of the form WPnn"
            )
        seen.add(row["paradox_id"])
        check_quoted(path, row_number, "wording", row["wording"], row["wording_lines"], data_dir)
        if row["qualitative_claim"]:
            check_quoted(
                path,
                row_number,
                "qualitative_claim",
                row["qualitative_claim"],
                row["qualitative_claim_lines"],
                data_dir,
            )
        parse_line_ranges(row["also_lines"] or row["wording_lines"])
        row["other_evidence"] = split_list(row["other_evidence"])
        unknown = [i for i in row["other_evidence"] if i not in artifacts]
        if unknown:
            raise problem(
                path, row_number, "other_evidence", unknown, "ids of the book's tables and figures"
            )
        if not row["excerpts"] and not row["other_evidence"] and row["paradox_id"] not in linked:
            raise problem(path, row_number, "excerpts", "", "at least one piece of evidence")
        row["codes"] = check_codes(path, row_number, row["codes"], register)
        row["excerpts"] = split_list(row["excerpts"])
        _check_excerpts(path, row_number, row["excerpts"], register)
        check_qualitative_claim(path, row_number, row)
        row["named"] = "paradoks" in row["wording"].lower()
        row["row"] = row_number
        paradoxes.append(row)
    return paradoxes


def strands_of(register: ExcerptRegister, excerpt_ids: list[str]) -> dict[str, int]:
    """How many of ``excerpt_ids`` come from each strand (survey free text or interview)."""
    excerpts = register.excerpts.filter(pl.col("excerpt_id").is_in(excerpt_ids))
    counts = dict.fromkeys(STRANDS, 0)
    for role, source in zip(excerpts["role"], excerpts["source"], strict=True):
        kind = "survey" if "survey" in source else "interviews"
        counts[f"{role} {kind}"] += 1
    return counts


def paradox_evidence(
    register: ExcerptRegister,
    surveys: dict[str, SurveyData],
    method: str,
    n_resamples: int,
    seed: int,
    data_dir: str | Path = DATA_DIR,
) -> list[dict]:
    """Each paradox with its computed statistics, its decision and its voices by strand."""
    links = load_links(data_dir, surveys)
    computer = StatisticComputer(surveys, method, n_resamples, seed)
    evidence = []
    for paradox in load_paradoxes(data_dir, register, frozenset(links)):
        statistics = computer.statistics(links.get(paradox["paradox_id"], []))
        decision = decide(statistics)
        evidence.append(
            paradox
            | {
                "statistics": statistics,
                "decision": decision,
                "voices": voices(register, paradox["excerpts"]),
                "strands": strands_of(register, paradox["excerpts"]),
                "wording_check": wording_verdict(decision, paradox, register, paradox["excerpts"]),
            }
        )
    return evidence


def paradoxes_table(
    evidence: list[dict], register: ExcerptRegister, surveys, data_dir: str | Path = DATA_DIR
) -> Table:
    """J03: each paradox, its thesis wording, statistics, citizen and frontline excerpts apart."""
    labels = dict(zip(register.scheme["code"], register.scheme["label"], strict=True))
    theorists = dict(zip(register.scheme["code"], register.scheme["theorist"], strict=True))
    rows, shown = [], []
    for paradox in evidence:
        statistics, decision = paradox["statistics"], paradox["decision"]
        by_role = {
            role: register.excerpts.filter(
                pl.col("excerpt_id").is_in(paradox["excerpts"]) & (pl.col("role") == role)
            )["excerpt_id"].to_list()
            for role in ("citizen", "frontline")
        }
        rows.append(
            {
                "paradox_id": paradox["paradox_id"],
                "name": paradox["name"],
                "statement": paradox["statement"],
                "thesis_wording": paradox["wording"],
                "wording_lines": paradox["wording_lines"],
                "also_lines": paradox["also_lines"],
                "named_a_paradox": paradox["named"],
                "analysis_part": paradox["analysis_part"],
                "codes": "; ".join(paradox["codes"]),
                "statistics": " | ".join(summaries(statistics)),
                "citizen_excerpts": "; ".join(by_role["citizen"]),
                "frontline_excerpts": "; ".join(by_role["frontline"]),
                "other_evidence": "; ".join(paradox["other_evidence"]),
                **{
                    f"{strand.replace(' ', '_')}_excerpts": count
                    for strand, count in paradox["strands"].items()
                },
                "meta_inference": decision.verdict,
                "rule_reason": decision.reason,
                "wording_check": paradox["wording_check"],
            }
        )
        shown.append(
            {
                "paradox": f"{paradox['paradox_id']} {paradox['name']}\n{paradox['statement']}"
                f"\n\nThe thesis: “{paradox['wording']}” "
                f"({line_reference(paradox['wording_lines'])}"
                + (f"; also {paradox['also_lines']}" if paradox["also_lines"] else "")
                + f"; part {paradox['analysis_part']})",
                "statistic": ("\n".join(summaries(statistics)) or "no survey item")
                + (
                    f"\nOther evidence: {', '.join(paradox['other_evidence'])}"
                    if paradox["other_evidence"]
                    else ""
                ),
                "citizens": quoted_excerpts(register, by_role["citizen"], shown=2),
                "frontline": quoted_excerpts(register, by_role["frontline"], shown=2),
                "theory": "; ".join(
                    f"{labels[code]} ({theorists[code]})" for code in paradox["codes"]
                ),
                "meta_inference": f"{decision.verdict}\n{decision.reason}\n"
                f"Wording: {paradox['wording_check']}.",
            }
        )
    sources = [Path(data_dir) / PARADOXES_FILE, Path(data_dir) / LINKS_FILE, *register.sources]
    sources += [survey.provenance.file for survey in surveys.values()]
    return Table(
        id="J03",
        title="The welfare paradoxes and their evidence",
        frame=pl.DataFrame(rows),
        shown=pl.DataFrame(shown),
        sources=tuple(dict.fromkeys(sources)),
        labels={
            "paradox": "Paradox: the book's statement and the thesis' words",
            "statistic": "Survey statistic (95 % interval)",
            "citizens": "Citizens' excerpts",
            "frontline": "Frontline workers' excerpts",
            "theory": "Theory",
            "meta_inference": "Meta-inference by the rule, why, and the thesis' wording",
        },
        note=(
            "The thesis' words are quoted with their lines in data/thesis/thesis.txt; the "
            "statement is the book's. Statistics are computed when the book is built; the "
            "meta-inference and the wording check are decided by the book's rule."
        ),
    )


def load_conclusions(data_dir: str | Path, register: ExcerptRegister, paradox_ids: set[str]):
    data_dir = Path(data_dir)
    path = data_dir / CONCLUSIONS_FILE
    frame = read_text_csv(path).fill_null("")
    conclusions = []
    for row_number, row in enumerate(frame.iter_rows(named=True), start=2):
        check_quoted(path, row_number, "wording", row["wording"], row["wording_lines"], data_dir)
        row["paradoxes"] = split_list(row["paradoxes"])
        unknown = [pid for pid in row["paradoxes"] if pid not in paradox_ids]
        if unknown:
            raise problem(path, row_number, "paradoxes", unknown, "ids of paradoxes.csv")
        row["excerpts"] = split_list(row["excerpts"])
        _check_excerpts(path, row_number, row["excerpts"], register)
        if not row["paradoxes"] and not row["excerpts"]:
            raise problem(path, row_number, "paradoxes", "", "at least one paradox or excerpt")
        if row["extent"] not in EXTENT_THRESHOLDS:
            raise problem(
                path, row_number, "extent", row["extent"], f"one of {list(EXTENT_THRESHOLDS)}"
            )
        row["strands_claimed"] = split_list(row["strands_claimed"])
        bad = [strand for strand in row["strands_claimed"] if strand not in STRANDS]
        if bad:
            raise problem(path, row_number, "strands_claimed", bad, f"strands of {STRANDS}")
        row["row"] = row_number
        conclusions.append(row)
    return conclusions


def carried(
    conclusion: dict, statistics: list, excerpts: list[str], register: ExcerptRegister
) -> tuple[str, str]:
    """Whether the evidence a concluding claim rests on carries its wording, and why.

    With survey statistics of its own (statistic links), the rule decides. Without them, a claim
    of more than presence is not carried (excerpts cannot measure how common something is).
    A claim that names its sources also needs an excerpt from each strand it names.
    """
    problems = []
    if statistics:
        decision = decide(statistics)
        why = decision.reason
        if not decision.wording_carried:
            problems.append(why)
    else:
        ok, why = qualitative_wording(
            conclusion["extent"], len(excerpts), speaker_count(register, excerpts)
        )
        if not ok:
            problems.append(
                why if conclusion["extent"] == "present" else f"{why}; no survey item measures it"
            )
    present = strands_of(register, excerpts)
    for statistic in statistics:
        present[f"{'citizen' if statistic.survey == 'citizens' else 'frontline'} survey"] += 1
    missing = [strand for strand in conclusion["strands_claimed"] if not present[strand]]
    if missing:
        problems.append(f"it names the {' and '.join(missing)}, where no excerpt speaks to it")
    if problems:
        return "stronger than the evidence", "; ".join(p.rstrip(".") for p in problems) + "."
    return "carried", why.rstrip(".") + "."


def conclusions_table(
    evidence: list[dict],
    register: ExcerptRegister,
    surveys: dict[str, SurveyData],
    method: str,
    n_resamples: int,
    seed: int,
    data_dir: str | Path = DATA_DIR,
) -> Table:
    """T14: each concluding claim, what it rests on, and whether the evidence carries it."""
    by_id = {paradox["paradox_id"]: paradox for paradox in evidence}
    links = load_links(data_dir, surveys)
    computer = StatisticComputer(surveys, method, n_resamples, seed)
    rows = []
    for conclusion in load_conclusions(data_dir, register, set(by_id)):
        paradoxes = [by_id[pid] for pid in conclusion["paradoxes"]]
        statistics = computer.statistics(links.get(conclusion["conclusion_id"], []))
        excerpts = list(
            dict.fromkeys(conclusion["excerpts"] + [i for p in paradoxes for i in p["excerpts"]])
        )
        verdict, why = carried(conclusion, statistics, excerpts, register)
        rows.append(
            {
                "conclusion_id": conclusion["conclusion_id"],
                "section": conclusion["section"],
                "thesis_wording": conclusion["wording"],
                "wording_lines": conclusion["wording_lines"],
                "statement": conclusion["statement"],
                "extent": conclusion["extent"],
                "paradoxes": "; ".join(conclusion["paradoxes"]),
                "statistics": " | ".join(summaries(statistics)),
                "excerpts": "; ".join(excerpts),
                "verdict": verdict,
                "why": why,
            }
        )
    frame = pl.DataFrame(rows)
    shown = frame.select(
        pl.format(
            "{} ({})\n“{}” (lines {})",
            "conclusion_id",
            "section",
            "thesis_wording",
            "wording_lines",
        ).alias("claim"),
        "paradoxes",
        pl.when(pl.col("statistics") == "")
        .then(pl.lit("none"))
        .otherwise(pl.col("statistics").str.replace_all(r" \| ", "\n"))
        .alias("statistics"),
        pl.col("excerpts").str.split("; ").list.len().alias("excerpts"),
        "verdict",
        "why",
    )
    return Table(
        id="T14",
        title="The thesis' conclusions and the evidence they rest on",
        frame=frame,
        shown=shown,
        sources=(
            Path(data_dir) / CONCLUSIONS_FILE,
            Path(data_dir) / PARADOXES_FILE,
            Path(data_dir) / LINKS_FILE,
            *register.sources,
        ),
        labels={
            "claim": "Concluding claim (the thesis' words)",
            "paradoxes": "Paradoxes",
            "statistics": "Survey statistics (95 % interval)",
            "excerpts": "Excerpts",
            "verdict": "Does the evidence carry the wording?",
            "why": "Why (by the book's rule)",
        },
        note=(
            "A claim that something occurs is carried by any excerpt that shows it; a claim that "
            "it is common or general needs a survey statistic that measures it with its whole "
            "interval above one quarter or one half (the rule of the joint displays); a claim "
            "that names its sources needs an excerpt from each."
        ),
    )


def paradox_figure(evidence: list[dict], register: ExcerptRegister) -> Figure:
    """F08: paradox x evidence strand (excerpts, and survey statistics) x theory family."""
    families = list(dict.fromkeys(register.scheme.sort("order")["family"].to_list()))
    family_of = dict(zip(register.scheme["code"], register.scheme["family"], strict=True))
    theorists = (
        register.scheme.group_by("family", maintain_order=True)
        .agg(pl.col("theorist").first())
        .to_dict(as_series=False)
    )
    theorist_of = dict(zip(theorists["family"], theorists["theorist"], strict=True))
    n_rows = len(evidence)
    figure = Figure(figsize=(8.6, 0.5 * n_rows + 2.9))
    strands_ax, theory_ax = figure.subplots(
        1,
        2,
        gridspec_kw={"width_ratios": [len(STRANDS) + 2.4, 0.8 * len(families)], "wspace": 0.03},
    )
    survey_column = {"citizens": 0, "frontline": 1}
    for row, paradox in enumerate(evidence):
        colour = VERDICT_COLOURS[paradox["decision"].verdict]
        for column, strand in enumerate(STRANDS):
            count = paradox["strands"][strand]
            if count:
                strands_ax.scatter(column, row, s=50 + 45 * count, color=colour, alpha=0.85)
                strands_ax.text(
                    column, row, str(count), ha="center", va="center", color="white", fontsize=8
                )
        counts: dict[str, list[str]] = {}
        for statistic in paradox["statistics"]:
            shown = counts.setdefault(statistic.survey, [])
            if f"{statistic.k}/{statistic.n}" not in shown:
                shown.append(f"{statistic.k}/{statistic.n}")
        for survey, shown in counts.items():
            column = survey_column[survey]
            strands_ax.scatter(column + 0.3, row - 0.3, marker="s", s=30, color="#e0a526")
            strands_ax.text(
                column + 0.42,
                row - 0.3,
                ", ".join(shown),
                va="center",
                fontsize=7.5,
                color="#8a5f00",
            )
        strands_ax.text(
            len(STRANDS) - 0.35,
            row,
            paradox["decision"].verdict,
            va="center",
            fontsize=8.5,
            color=colour,
        )
        for code in paradox["codes"]:
            theory_ax.scatter(families.index(family_of[code]), row, s=45, color="#555555")
    for ax in (strands_ax, theory_ax):
        ax.set_ylim(n_rows - 0.4, -0.6)
        ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
        ax.grid(True, color="#e6e6e6", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("right", "bottom"):
            ax.spines[side].set_visible(False)
    strands_ax.set_xlim(-0.5, len(STRANDS) + 1.9)
    strands_ax.set_xticks(
        [*range(len(STRANDS)), len(STRANDS) + 0.6],
        [*STRANDS, "meta-inference"],
        fontsize=8,
        rotation=90,
    )
    strands_ax.set_yticks(
        range(n_rows),
        [f"{p['paradox_id']} {p['name']}" + (" *" if p["named"] else "") for p in evidence],
        fontsize=9,
    )
    theory_ax.set_xlim(-0.5, len(families) - 0.5)
    theory_ax.set_xticks(
        range(len(families)), [theorist_of[family] for family in families], fontsize=8, rotation=90
    )
    theory_ax.set_yticks(range(n_rows), [""] * n_rows)
    for ax, heading in ((strands_ax, "Evidence: excerpts per strand"), (theory_ax, "Theory")):
        ax.text(0.5, 1.3, heading, transform=ax.transAxes, ha="center", fontsize=10)
    legend = [
        strands_ax.scatter([], [], color=colour, s=80, label=verdict)
        for verdict, colour in VERDICT_COLOURS.items()
    ]
    legend.append(
        strands_ax.scatter([], [], marker="s", color="#e0a526", s=42, label="survey statistic")
    )
    figure.legend(
        handles=legend,
        loc="lower center",
        ncol=5,
        fontsize=8.5,
        frameon=False,
        bbox_to_anchor=(0.5, 0.055),
    )
    figure.text(
        0.01,
        0.005,
        "Source: data/findings/paradoxes.csv, data/integration/statistic_links.csv, the excerpt "
        "register, the survey data.\nA circle's number counts excerpts, its colour is the "
        "paradox's meta-inference; a square marks a survey statistic\n(k/n beside it). "
        "* = the thesis calls it a paradox in so many words. Theory: the theorist of each "
        "family of concepts.",
        fontsize=8.5,
        color=SOURCE_COLOUR,
        ha="left",
        va="bottom",
    )
    figure.subplots_adjust(left=0.31, right=0.99, top=0.82, bottom=0.15)
    return figure


def summary(
    evidence: list[dict], paradoxes: Table, conclusions: Table, register: ExcerptRegister
) -> dict[str, object]:
    """The counts and lists the findings chapter's prose cites, computed from J03 and T14."""
    rows, claims = paradoxes.frame, conclusions.frame
    verdicts = dict(zip(*rows["meta_inference"].value_counts().to_dict().values(), strict=True))
    names = {paradox["paradox_id"]: paradox["name"].lower() for paradox in evidence}
    citizens_only = rows.filter(pl.col("frontline_excerpts") == "")["paradox_id"].to_list()
    frontline_only = rows.filter(pl.col("citizen_excerpts") == "")["paradox_id"].to_list()
    measured = [
        paradox["paradox_id"]
        for paradox in evidence
        if any(statistic.relation == "same" for statistic in paradox["statistics"])
    ]
    single = [
        f"{paradox['name']} ({paradox['paradox_id']}) rests on the words of one speaker ("
        f"{' and '.join(v for v in paradox['voices'].values() if v != 'none')} excerpts): "
        "documented for one person, whatever the thesis says of others"
        for paradox in evidence
        if paradox["excerpts"] and speaker_count(register, paradox["excerpts"]) == 1
    ]
    stronger = claims.filter(pl.col("verdict") != "carried")
    sources = claims.filter(pl.col("why").str.contains("it names the"))
    return {
        "n_paradoxes": rows.height,
        "n_named": int(rows["named_a_paradox"].sum()),
        "n_described": int((~rows["named_a_paradox"]).sum()),
        "n_with_statistic": int((rows["statistics"] != "").sum()),
        "n_measured": len(measured),
        "measured_ids": ", ".join(measured) or "none",
        "n_qualitative_only": verdicts.get("qualitative only", 0),
        "n_expands": verdicts.get("expands", 0),
        "n_confirms": verdicts.get("confirms", 0),
        "n_diverges": verdicts.get("diverges", 0),
        "n_citizens_only": len(citizens_only),
        "citizens_only": "; ".join(names[i] for i in citizens_only) or "none",
        "n_frontline_only": len(frontline_only),
        "frontline_only": "; ".join(names[i] for i in frontline_only) or "none",
        "n_both_sides": rows.height - len(citizens_only) - len(frontline_only),
        "single_voice": "; ".join(single) or "No paradox rests on a single speaker",
        "n_conclusions": claims.height,
        "n_carried": claims.height - stronger.height,
        "n_stronger": stronger.height,
        "n_extent": stronger.filter(pl.col("extent") != "present").height,
        "n_sources": sources.height,
        "sources_ids": ", ".join(sources["conclusion_id"]) or "none",
    }
