"""The citation parser and audit (T12): hand-made cases and findings verified in the thesis."""

import pytest

from welfare_paradoxes.audits import citations
from welfare_paradoxes.thesis import load_thesis


def test_parses_the_printed_forms():
    text = (
        "som (Hein, 2023:30; Andersen 2007:12) og (Brinkmann & Kvale,\n2015:47).\n"
        "(Bilag 7) (2022-2026) (DK2030) (Lykke borger 1, bilag 1)\n"
        "(Styrelsen for Arbejdsmarked og Rekruttering (2025:C). (Hein, 2023.245)"
    )
    parsed = citations.parse_citations(text)
    assert [c.printed for c in parsed] == [
        "Hein, 2023:30",
        "Andersen 2007:12",
        "Brinkmann & Kvale, 2015:47",
        "Styrelsen for Arbejdsmarked og Rekruttering 2025:C",
        "Hein, 2023.245",
    ]
    assert [c.line for c in parsed] == [1, 1, 1, 4, 4]
    assert parsed[2].end_line == 2
    assert parsed[3].narrative and not parsed[0].narrative
    assert parsed[4].separator == "."


def test_authors_split_on_and_only_between_single_names():
    assert citations.split_authors("Juul og Pedersen") == ("Juul", "Pedersen")
    assert citations.split_authors("Ploug, Henriksen & Kærgård") == (
        "Ploug",
        "Henriksen",
        "Kærgård",
    )
    agency = "Styrelsen for Arbejdsmarked og Rekruttering"
    assert citations.split_authors(agency) == (agency,)


def test_groups_misspellings_and_orders_but_not_other_authors():
    assert citations.same_work_authors(("Goffman",), ("Goffmann",))
    assert citations.same_work_authors(("Brinkmann", "Kvale"), ("Kvale", "Brinkmann"))
    assert not citations.same_work_authors(("Hein",), ("Kvale",))
    assert not citations.same_work_authors(("Brinkmann", "Kvale"), ("Brinkmann", "Tanggaard"))


def test_audit_of_a_hand_made_group():
    group = citations.parse_citations(
        "(Ponto, 2015:168) (Ponto, 2015:169) (Ponto, 2025:170) (Goffman, 1975:3)"
    )
    works = citations.group_by_work(group)
    assert len(works) == 2
    finding = citations.audit_group(works[0])
    assert finding["finding"] == "year"
    assert finding["years"] == "2015 ×2; 2025 ×1"
    assert "170 lies next to" in finding["year_reading"]
    assert citations.audit_group(works[1]) is None


@pytest.fixture(scope="module")
def audit():
    return {
        row["work"]: row for row in citations.citation_audit_table().frame.iter_rows(named=True)
    }


def test_real_findings_verified_in_the_thesis(audit):
    thesis = load_thesis()
    # Ponto: 2015 at lines 371, 404, 483; 2025 at lines 422 and 479.
    assert audit["Ponto, 2015"]["years"] == "2015 ×3; 2025 ×2"
    assert audit["Ponto, 2015"]["other_year_lines"] == "422, 479"
    assert "(Ponto, 2025:170)" in thesis.line(422) and "(Ponto, 2025:170)" in thesis.line(479)
    # Brinkmann & Kvale in both orders, and once as 2025 (line 624).
    row = audit["Brinkmann & Kvale, 2015"]
    assert "author order" in row["finding"] and row["other_year_lines"] == "624"
    assert "Kvale & Brinkmann ×6" in row["spellings"]
    assert "(Brinkmann & Kvale, 2025:344)" in thesis.line(624)
    # Goffman under two spellings and once as 1957 (line 2191).
    row = audit["Goffmann, 1975"]
    assert row["finding"].startswith("spelling") and row["other_year_lines"] == "2191"
    assert "(Goffman, 1957:17)" in thesis.line(2191)
    # Caswell spelled Cawell; Andersen without a comma at line 773; Hein with '.' at line 2455.
    assert "Cawell & Larsen ×2" in audit["Caswell & Larsen, 2015"]["spellings"]
    assert "line 773" in audit["Andersen, 2007"]["irregular_forms"]
    assert "(Andersen 2007:12)" in thesis.line(773)
    assert "line 2455" in audit["Hein, 2023"]["irregular_forms"]
    # Institutions cite different documents under different years: read as such.
    assert "different documents" in audit["Retsinformation, 2018"]["year_reading"]
