"""Counts behind F06 (code x informant) and F07 (code co-occurrence), from the register alone."""

from __future__ import annotations

import polars as pl

from welfare_paradoxes.qualitative.register import SURVEY_GROUP, ExcerptRegister


def speaker_groups(register: ExcerptRegister) -> list[str]:
    """The matrix columns: the interviewees in presentation order, then each survey as a group."""
    interviews = (
        register.excerpts.filter(pl.col("informant_id").is_not_null())
        .sort("informant_id")["group"]
        .unique(maintain_order=True)
        .to_list()
    )
    surveys = [group for group in SURVEY_GROUP.values() if group in set(register.excerpts["group"])]
    return interviews + surveys


def code_group_matrix(register: ExcerptRegister) -> pl.DataFrame:
    """Excerpts per code (rows, scheme order) and speaker group (columns); zeros included.

    A cell counts excerpts, not mentions: an excerpt carries a code at most once.
    """
    groups = speaker_groups(register)
    coded = register.coded()
    counts = coded.group_by("code", "group").len()
    frame = register.scheme.select("code", "family", "label")
    for group in groups:
        per_code = counts.filter(pl.col("group") == group).select(
            "code", pl.col("len").alias(group)
        )
        frame = frame.join(per_code, on="code", how="left")
    frame = frame.with_columns(pl.col(groups).fill_null(0).cast(pl.Int64))
    return frame.with_columns(pl.sum_horizontal(groups).alias("total"))


def excerpts_per_group(register: ExcerptRegister) -> dict[str, int]:
    """The number of excerpts (coded or not) from each speaker group."""
    counts = register.excerpts.group_by("group").len()
    return dict(zip(counts["group"], counts["len"], strict=True))


def code_cooccurrence(register: ExcerptRegister, used_only: bool = True) -> pl.DataFrame:
    """Excerpts carrying both codes, for every pair; the diagonal counts excerpts per code."""
    codes = register.scheme["code"].to_list()
    coded = register.coded().select("excerpt_id", "code")
    if used_only:
        used = set(coded["code"])
        codes = [code for code in codes if code in used]
    pairs = coded.join(coded, on="excerpt_id", suffix="_other").group_by("code", "code_other").len()
    frame = pl.DataFrame({"code": codes})
    for other in codes:
        column = pairs.filter(pl.col("code_other") == other).select(
            "code", pl.col("len").alias(other)
        )
        frame = frame.join(column, on="code", how="left")
    return frame.with_columns(pl.col(codes).fill_null(0).cast(pl.Int64))
