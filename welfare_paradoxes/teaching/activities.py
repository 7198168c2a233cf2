"""Activity 4: the ingredients of one joint-display row, for students to decide by the rule."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from welfare_paradoxes.engine.display import percent_interval
from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.integration.joint_displays import joint_display, load_links
from welfare_paradoxes.qualitative.register import ExcerptRegister
from welfare_paradoxes.survey import load_survey
from welfare_paradoxes.survey import statistics as stats

#: The row the activity builds: postponed reporting sick (J02).
ROW_ID = "J02-2"


def postponed_row(
    register: ExcerptRegister, n_resamples: int, seed: int, data_dir: str | Path = DATA_DIR
) -> dict[str, str]:
    """What the row joins, by name (for ``Chapter.glue``): the statistic with the recommended
    interval, the thesis' claim and its line, and the excerpts; not the verdict."""
    surveys = {name: load_survey(name) for name in ("citizens", "frontline")}
    recommended = stats.recommended_method(stats.survey_coverage(list(surveys.values())))
    display = joint_display(
        ROW_ID.split("-")[0], register, surveys, recommended, n_resamples, seed, data_dir
    )
    row = display.frame.filter(pl.col("theme_id") == ROW_ID).row(0, named=True)
    (link,) = load_links(data_dir, surveys)[ROW_ID]
    interval = percent_interval(row["interval_low"], row["interval_high"])
    return {
        "postponed_count": f"{row['k']} of {row['n']}",
        "postponed_interval": f"{recommended} {interval}",
        "postponed_claim": link["claim"],
        "postponed_line": link["claim_lines"],
        "postponed_excerpts": row["excerpt_ids"],
    }
