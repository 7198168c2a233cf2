"""The numbers the qualitative chapter quotes in its prose, by name (for ``Chapter.glue``)."""

from __future__ import annotations

import polars as pl

from welfare_paradoxes.qualitative.register import ExcerptRegister

#: The concepts of Goffman's finer stigma types, whose quotes the chapter names.
FINE_STIGMA_CODES = (
    "self_consciousness",
    "other_consciousness",
    "bodily_stigma",
    "character_stigma",
)


def register_numbers(
    register: ExcerptRegister, stage_mentions: pl.DataFrame, code_matrix: pl.DataFrame
) -> dict[str, object]:
    """Counts of the register: quotes by source, survey respondents quoted, the coding
    scheme's use, the disputed attributions, and the quotes the pathway figure names."""
    excerpts = register.excerpts
    by_source = dict(excerpts.group_by("source").len().iter_rows())
    citizen_survey = excerpts.filter(pl.col("source") == "citizen survey")
    unused = code_matrix.filter(pl.col("total") == 0)["label"].to_list()
    fine = register.find(code=list(FINE_STIGMA_CODES))
    return {
        "n_excerpts": excerpts.height,
        **{
            f"n_{source.replace(' ', '_')}": by_source.get(source, 0)
            for source in (
                "citizen interview",
                "frontline interview",
                "citizen survey",
                "frontline survey",
            )
        },
        "n_survey_respondents": citizen_survey["respondent"].drop_nulls().n_unique(),
        "n_unnumbered": citizen_survey["respondent"].null_count(),
        "n_codes": register.scheme.height,
        "n_families": register.scheme["family"].n_unique(),
        "n_uncoded": excerpts.filter(pl.col("codes").list.len() == 0).height,
        "n_multi_coded": excerpts.filter(pl.col("codes").list.len() > 1).height,
        "unused_codes": " and ".join(label.lower() for label in unused),
        "n_disputed": excerpts.filter(pl.col("note").str.contains("See T11")).height,
        "n_stage_quotes": stage_mentions["excerpt_ids"].explode().drop_nulls().n_unique(),
        "n_lykke": excerpts.filter(pl.col("speaker") == "Lykke").height,
        "n_fine": fine.height,
        "fine_speakers": " and ".join(sorted(set(fine["speaker"]))),
    }
