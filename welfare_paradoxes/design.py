"""The design-and-data chapter: informants (T01), samples (T02), framework map (T03)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl

from welfare_paradoxes.engine.artifacts import Table
from welfare_paradoxes.engine.datafiles import read_text_csv
from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.thesis import BILAG_CONTENTS, bilag_citations, load_thesis

INFORMANTS_FILE = Path("interviews") / "informants.csv"
SAMPLES_FILE = Path("design") / "samples.csv"
CHANNELS_FILE = Path("design") / "recruitment_channels.csv"
FRAMEWORK_FILE = Path("design") / "framework.csv"
ANALYSIS_PARTS_FILE = Path("design") / "analysis_parts.csv"
THESIS_FILE = Path("thesis") / "thesis.txt"

# The empirical sources an analysis part can draw on, in the order the tables show them.
CITATION_ROLE_WORDS = {"citizen": "borger", "frontline": "frontlinjeaktør"}
EMPIRICAL_SOURCES = (
    "citizen interview",
    "frontline interview",
    "citizen survey",
    "frontline survey",
)


def read_data_csv(
    data_dir: Path, relative: Path, integer_columns: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Read a project CSV with every column as text except the named integer columns.

    Reading as text first keeps the values exactly as written in the data file; the explicit
    casts fail loudly, naming the column, rather than guessing a type.
    """
    path = Path(data_dir) / relative
    frame = read_text_csv(path)
    for column in integer_columns:
        try:
            frame = frame.with_columns(pl.col(column).cast(pl.Int64, strict=True))
        except pl.exceptions.InvalidOperationError as error:
            raise ValueError(
                f"{path}: column {column!r} holds a value that is not an integer"
            ) from error
    return frame


def informants_table(data_dir: str | Path = DATA_DIR) -> Table:
    """T01: the six interviewed informants as the thesis presents them (lines 677-714)."""
    data_dir = Path(data_dir)
    frame = read_data_csv(data_dir, INFORMANTS_FILE, integer_columns=("number", "age"))
    unknown_roles = sorted(set(frame["role"]) - set(CITATION_ROLE_WORDS))
    if unknown_roles:
        raise ValueError(
            f"{data_dir / INFORMANTS_FILE}: column 'role' holds {unknown_roles}; "
            f"expected one of {sorted(CITATION_ROLE_WORDS)}"
        )
    # The thesis cites its informants as "<pseudonym> borger N" / "<pseudonym> frontlinjeaktør N".
    cited_as = pl.format(
        "{} {} {}",
        pl.col("pseudonym"),
        pl.col("role").replace_strict(CITATION_ROLE_WORDS),
        pl.col("number"),
    )
    frame = frame.with_columns(cited_as.alias("cited_as")).select(
        "informant_id",
        "cited_as",
        "pseudonym",
        "role",
        "number",
        "age",
        "former_or_current_position",
        "municipality_or_region",
        "trajectory",
        "source",
        "thesis_lines",
    )
    return Table(
        id="T01",
        title="Interviewed informants",
        frame=frame,
        sources=(data_dir / INFORMANTS_FILE,),
        labels={
            "informant_id": "Id",
            "cited_as": "Cited in the thesis as",
            "number": "No.",
            "former_or_current_position": "Position",
            "municipality_or_region": "Municipality or region",
            "source": "Transcript",
        },
        note="All names are pseudonyms given by the thesis. Ages are stated for the citizens only.",
    )


def samples_table(data_dir: str | Path = DATA_DIR) -> Table:
    """T02: the four samples (two surveys, two interview groups) and how each was recruited."""
    data_dir = Path(data_dir)
    samples = read_data_csv(data_dir, SAMPLES_FILE, integer_columns=("n",))
    channels = read_data_csv(data_dir, CHANNELS_FILE)
    groups = channels.group_by("survey", maintain_order=True).agg(
        pl.col("facebook_group").str.join("; ").alias("facebook_groups"),
        pl.len().alias("facebook_group_count"),
    )
    unknown = set(groups["survey"]) - set(samples["strand"])
    if unknown:
        raise ValueError(
            f"{data_dir / CHANNELS_FILE}: survey {sorted(unknown)} is not a strand of "
            f"{data_dir / SAMPLES_FILE}"
        )
    frame = samples.join(groups, left_on="strand", right_on="survey", how="left").with_columns(
        pl.col("facebook_group_count").fill_null(0).cast(pl.Int64),
        pl.col("facebook_groups").fill_null(""),
    )
    frame = frame.select(
        "strand",
        "population",
        "n",
        "instrument",
        "recruitment",
        "facebook_groups",
        "facebook_group_count",
        "item_types",
        "source",
        "thesis_lines",
    )
    return Table(
        id="T02",
        title="Samples and recruitment",
        frame=frame,
        sources=(data_dir / SAMPLES_FILE, data_dir / CHANNELS_FILE),
        labels={
            "n": "n",
            "facebook_groups": "Facebook groups",
            "facebook_group_count": "Groups",
            "source": "Bilag",
        },
        note=(
            "The surveys were shared in six Facebook groups, three per survey. The thesis gives no "
            "response rate: group sizes and the number of people who saw the posts are unknown."
        ),
    )


def source_citation_counts(data_dir: str | Path = DATA_DIR) -> pl.DataFrame:
    """Count, per analysis part, the citations of each empirical source in the thesis text.

    A citation of a range ("Bilag 1-8") counts once for every appendix it spans. Appendices that
    hold no data (consent forms, interview guides) are not counted.
    """
    data_dir = Path(data_dir)
    thesis = load_thesis(data_dir)
    parts = read_data_csv(
        data_dir, ANALYSIS_PARTS_FILE, integer_columns=("first_line", "last_line")
    )
    rows = []
    for part in parts.iter_rows(named=True):
        cited = Counter(
            BILAG_CONTENTS[number]
            for number in bilag_citations(thesis.span(part["first_line"], part["last_line"]))
        )
        rows.append(
            {"analysis_part": part["analysis_part"]}
            | {_source_column(source): cited.get(source, 0) for source in EMPIRICAL_SOURCES}
        )
    return pl.DataFrame(
        rows,
        schema={"analysis_part": pl.String}
        | {_source_column(source): pl.Int64 for source in EMPIRICAL_SOURCES},
    )


def parts_citing_only_citizens(data_dir: str | Path = DATA_DIR) -> list[str]:
    """Return the analysis parts that cite no frontline source (interviews or survey)."""
    counts = source_citation_counts(data_dir)
    frontline = pl.col("cites_frontline_interviews") + pl.col("cites_frontline_surveys")
    return counts.filter(frontline == 0)["analysis_part"].to_list()


def _source_column(source: str) -> str:
    return "cites_" + source.replace(" ", "_") + "s"


def theorist_quote_counts(data_dir: str | Path = DATA_DIR) -> pl.DataFrame:
    """Per row of the framework, the quotes of the part that the thesis reads with one of the
    theorist's concepts (codes of the excerpt register), counted by empirical source."""
    from welfare_paradoxes.qualitative.register import load_register

    data_dir = Path(data_dir)
    register = load_register(data_dir)
    framework = read_data_csv(data_dir, FRAMEWORK_FILE)
    parts = read_data_csv(
        data_dir, ANALYSIS_PARTS_FILE, integer_columns=("first_line", "last_line")
    )
    span = {row["analysis_part"]: row for row in parts.iter_rows(named=True)}
    rows = []
    for row in framework.iter_rows(named=True):
        surname = row["theorist"].split()[-1]
        codes = register.scheme.filter(pl.col("theorist").str.contains(surname, literal=True))
        part = span[row["analysis_part"]]
        quotes = register.find(code=codes["code"].to_list()).filter(
            (pl.col("first_line") >= part["first_line"])
            & (pl.col("last_line") <= part["last_line"])
        )
        counted = Counter(quotes["source"].to_list())
        rows.append(
            {"analysis_part": row["analysis_part"], "theorist": row["theorist"]}
            | {_quote_column(source): counted.get(source, 0) for source in EMPIRICAL_SOURCES}
        )
    return pl.DataFrame(
        rows,
        schema={"analysis_part": pl.String, "theorist": pl.String}
        | {_quote_column(source): pl.Int64 for source in EMPIRICAL_SOURCES},
    )


def _quote_column(source: str) -> str:
    return "quotes_" + source.replace(" ", "_")


def framework_table(data_dir: str | Path = DATA_DIR) -> Table:
    """T03: analysis part x theorist x concepts x the quotes each theorist is applied to."""
    data_dir = Path(data_dir)
    framework = read_data_csv(data_dir, FRAMEWORK_FILE)
    parts = read_data_csv(data_dir, ANALYSIS_PARTS_FILE)
    unknown = set(framework["analysis_part"]) - set(parts["analysis_part"])
    if unknown:
        raise ValueError(
            f"{data_dir / FRAMEWORK_FILE}: analysis part {sorted(unknown)} is not in "
            f"{data_dir / ANALYSIS_PARTS_FILE}"
        )
    counts = theorist_quote_counts(data_dir)
    frame = framework.join(counts, on=["analysis_part", "theorist"], how="left").select(
        "analysis_part",
        "part_title_en",
        "theorist",
        "work_cited",
        "concepts",
        *counts.columns[2:],
        "thesis_lines",
    )
    return Table(
        id="T03",
        title="Theoretical framework map",
        frame=frame,
        sources=(
            data_dir / FRAMEWORK_FILE,
            data_dir / ANALYSIS_PARTS_FILE,
            data_dir / THESIS_FILE,
            data_dir / "excerpts" / "excerpts.csv",
            data_dir / "excerpts" / "codes.csv",
            data_dir / "excerpts" / "excerpt_codes.csv",
        ),
        labels={
            "analysis_part": "Part",
            "part_title_en": "Analysis part",
            "work_cited": "Cited as",
            "quotes_citizen_interview": "Citizen interviews",
            "quotes_frontline_interview": "Frontline interviews",
            "quotes_citizen_survey": "Citizen survey",
            "quotes_frontline_survey": "Frontline survey",
        },
        note=(
            "Theorists and concepts as the thesis introduces them for each analysis part; the four "
            "source columns count the quotes of the part that the thesis reads with one of the "
            "theorist's concepts (the codes of the excerpt register, T13), by where the quote "
            "comes from."
        ),
    )


def design_numbers(samples: Table, framework: Table, data_dir: str | Path = DATA_DIR) -> dict:
    """The numbers the design chapter quotes, by name (for ``Chapter.glue``): the sizes of the
    four samples, one respondent's share of each survey, and the framework's breadth."""
    size = dict(zip(samples.frame["strand"], samples.frame["n"], strict=True))
    return {
        "n_citizen_survey": size["Citizen survey"],
        "n_frontline_survey": size["Frontline survey"],
        "one_citizen": f"{100 / size['Citizen survey']:.1f}",
        "one_frontline": f"{100 / size['Frontline survey']:.1f}",
        "n_interviews": size["Citizen interviews"] + size["Frontline interviews"],
        "n_facebook_groups": int(samples.frame["facebook_group_count"].sum()),
        "n_theorists": framework.frame["theorist"].n_unique(),
        "citizen_only_parts": " and ".join(parts_citing_only_citizens(data_dir)),
    }
