"""The numbers the audits chapter quotes in its prose, by name (for ``Chapter.glue``)."""

from __future__ import annotations

import polars as pl

from welfare_paradoxes.audits import citations
from welfare_paradoxes.audits.claims import STATUSES
from welfare_paradoxes.survey.load import SurveyData


def audit_numbers(
    surveys: dict[str, SurveyData],
    search: dict,
    ledger: pl.DataFrame,
    attributions_parsed: int,
    attribution_disagreements: int,
    thesis_citations: list,
    works_flagged: int,
) -> dict[str, object]:
    """The search for numeric claims and the ledger's statuses (T10), the attribution audit
    (T11) and the citation audit (T12), counted."""
    return {
        "survey_status": " and ".join(sorted({s.provenance.status for s in surveys.values()})),
        "attributions_parsed": attributions_parsed,
        "attribution_disagreements": attribution_disagreements,
        "candidates_found": search["found"],
        "candidates_kept": search["kept"],
        "candidates_kept_digits": search["kept_digits"],
        "candidates_kept_words": search["kept_words"],
        "candidates_dropped": search["found"] - search["kept"],
        "ledger_rows": ledger.height,
        "ledger_spec_rows": int((ledger["found_by"] == "SPEC").sum()),
        **{
            f"status_{status.replace(' ', '_')}": int((ledger["status"] == status).sum())
            for status in STATUSES
        },
        "citations_parsed": len(thesis_citations),
        "works_cited": len(citations.group_by_work(thesis_citations)),
        "works_flagged": works_flagged,
    }
