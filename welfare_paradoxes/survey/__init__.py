"""The two surveys of the thesis: codebooks, the Google Forms export reader, provenance.

>>> from welfare_paradoxes.survey import load_survey, item_counts
>>> citizens = load_survey("citizens")          # the shipped reconstruction
>>> item_counts(citizens, "postponed_sick_leave")  # (k, n) of "Ja"
(23, 39)
>>> from welfare_paradoxes.survey import load_synthetic, crosstab
>>> teaching = load_synthetic()  # SYNTHETIC teaching data (data/synthetic), never the thesis'
>>> crosstab(teaching, "symptoms", "postponed_sick_leave").synthetic
True
"""

from .analysis import (
    DEFAULT_SUPPRESSION_THRESHOLD,
    SYNTHETIC_LABEL,
    CrossTable,
    count_table,
    crosstab,
    indicator,
    item_counts,
    require_joint,
    require_raw,
)
from .codebook import (
    SURVEYS,
    Codebook,
    Column,
    Mapping,
    load_codebook,
    load_codebook_file,
    load_mapping,
)
from .load import (
    Provenance,
    SurveyData,
    find_export,
    load_export,
    load_survey,
    load_synthetic,
    load_with_codebook,
)
from .problems import Problem, ReconstructedDataError, SurveyError, SyntheticDataError
from .reader import read_export

__all__ = [
    "DEFAULT_SUPPRESSION_THRESHOLD",
    "SURVEYS",
    "SYNTHETIC_LABEL",
    "Codebook",
    "Column",
    "CrossTable",
    "Mapping",
    "Problem",
    "Provenance",
    "ReconstructedDataError",
    "SurveyData",
    "SurveyError",
    "SyntheticDataError",
    "count_table",
    "crosstab",
    "find_export",
    "indicator",
    "item_counts",
    "load_codebook",
    "load_codebook_file",
    "load_export",
    "load_mapping",
    "load_survey",
    "load_synthetic",
    "load_with_codebook",
    "read_export",
    "require_joint",
    "require_raw",
]
