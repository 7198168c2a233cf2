"""The attribution audit (T11): hand-made cases, and the real disagreements of the thesis."""

import re

import polars as pl
import pytest

from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.qualitative import attribution_audit, parsed_attributions
from welfare_paradoxes.qualitative.attributions import presented_informants

INFORMANTS = """\
informant_id,pseudonym,role,number,age,former_or_current_position,municipality_or_region,trajectory,source,thesis_lines
I1,Lykke,citizen,1,43,x,Københavns Kommune,x,Bilag 1,1
I2,Heidi,frontline,1,,x,Køge Kommune,,Bilag 4,1
I3,Laila,frontline,2,,x,Københavns Kommune,,Bilag 5,1
"""

PRESENTATION = """\
Præsentation af interviewpersoner

• Lykke borger 1 (43 år) bor i Københavns

Kommune (Bilag 1).

• Heidi frontlinjeaktør 1 arbejder i Køge Kommune (Bilag 4).

• Laila frontlinjeaktør 2 arbejder i Københavns Kommune (Bilag

5).

I det følgende redegør jeg for teorien.
"""


def _audit(tmp_path, body):
    (tmp_path / "thesis").mkdir()
    (tmp_path / "interviews").mkdir()
    (tmp_path / "thesis" / "thesis.txt").write_text(PRESENTATION + body, encoding="utf-8")
    (tmp_path / "interviews" / "informants.csv").write_text(INFORMANTS, encoding="utf-8")
    return attribution_audit(tmp_path).frame


def _first_line_of_body():
    return PRESENTATION.count("\n") + 1


def test_agreeing_attributions_give_no_finding(tmp_path):
    body = (
        '"Citat" (Lykke borger 1, bilag 1). "Citat" (Borger Lykke 1, bilag\n\n1.) '
        '"Citat" (Heidi, frontlinjeaktør 1 bilag 4). "Citat" (Borger 27, Bilag 7). '
        '"Citat" (Frontlinjeaktør 18, bilag 8). Som Laila frontlinkeaktør 2 siger.\n'
    )
    assert _audit(tmp_path, body).height == 0


def test_each_kind_of_disagreement_is_found_with_its_line(tmp_path):
    body = "\n".join(
        [
            '"A" (Lykke borger 2, bilag 1).',  # number of another citizen
            '"B" (Heidi frontlinjeaktør 1, bilag 5).',  # Laila's transcript
            '"C" (Laila, frontlinjeaktør 2, bilag 2).',  # a citizen interview
            '"D" (Borger 5, bilag 3).',  # a survey respondent with an interview Bilag
            '"E" (Heidi frontlinje aktør, bilag 4).',  # no number
            "Laila frontlinjeaktør 2 som arbejder i Køge Kommune, fortæller noget.",
            "Det stemmer med borger 1's oplevelse.",  # Lykke or survey respondent 1?
            '"F" (Lykke frontlinjeaktør 1, bilag 1).',  # wrong role word
        ]
    )
    found = _audit(tmp_path, body)
    start = _first_line_of_body()
    got = sorted(zip(found["thesis_lines"], found["field"], found["printed"], strict=True))
    assert got == sorted(
        [
            (str(start), "number", "2"),
            (str(start + 1), "Bilag", "5"),
            (str(start + 2), "Bilag", "2"),
            (str(start + 3), "Bilag", "3"),
            (str(start + 4), "number missing", "none"),
            (str(start + 5), "municipality", "Køge Kommune"),
            (str(start + 6), "ambiguous number", "borger 1"),
            (str(start + 7), "role", "frontlinjeaktør"),
        ]
    )
    belongs = dict(
        zip(found["field"] + found["printed"], found["printed_value_belongs_to"], strict=True)
    )
    assert belongs["Bilag5"].startswith("Laila")
    assert belongs["municipalityKøge Kommune"].startswith("Heidi")


def test_a_bare_number_resolved_by_the_next_attribution_is_not_ambiguous(tmp_path):
    body = 'Det oplever borger nr. 1, som skriver: "Citat" (Borger 1, bilag 7).\n'
    assert _audit(tmp_path, body).height == 0


def test_an_attribution_the_parser_cannot_read_stops_the_audit(tmp_path):
    with pytest.raises(ValueError, match=r"attributions the parser cannot read: lines? \d+"):
        _audit(tmp_path, '"Citat" (Lykke borger en, bilag 1).\n')


def test_the_presentation_is_parsed_from_the_thesis():
    presented = presented_informants()
    assert {name: (p.role, p.number, p.bilag) for name, p in presented.items()} == {
        "Lykke": ("citizen", 1, 1),
        "Annette": ("citizen", 2, 2),
        "Bettina": ("citizen", 3, 3),
        "Heidi": ("frontline", 1, 4),
        "Laila": ("frontline", 2, 5),
        "Lars": ("frontline", 3, 6),
    }


def test_every_attribution_of_the_thesis_is_parsed():
    text = (DATA_DIR / "thesis" / "thesis.txt").read_text(encoding="utf-8")
    by_eye = re.findall(r"\([^()]*(?:borger|frontlin)[^()]*bilag[^()]*\)", text, re.IGNORECASE)
    parsed = parsed_attributions().filter(pl.col("place") == "attribution")
    assert parsed.height == len(by_eye) == 67
    assert [" ".join(a.split()) for a in by_eye] == parsed["as_printed"].to_list()


def test_the_real_disagreements_found_by_reading_the_thesis():
    # Each checked by reading the lines: Heidi cited without a number (1918-1920); Annette
    # introduced as "borger 1" (2482); a bare "borger 3" that may be Bettina or survey
    # respondent 3 (2834); Heidi's quote cited to Bilag 5, Laila's interview (2967); Lars
    # called frontlinjeaktør 2 three times (3004, 3022, 3026); Laila said to work in Køge,
    # Heidi's municipality (3034); two of Laila's quotes cited to Bilag 6, Lars' interview
    # (3048, 3054-3056).
    frame = attribution_audit().frame
    got = list(zip(frame["thesis_lines"], frame["informant"], frame["field"], strict=True))
    assert got == [
        ("1918\u20131920", "Heidi", "number missing"),
        ("2482", "Annette", "number"),
        ("2834", "unclear", "ambiguous number"),
        ("2967", "Heidi", "Bilag"),
        ("3004", "Lars", "number"),
        ("3022", "Lars", "number"),
        ("3026", "Lars", "number"),
        ("3034", "Laila", "municipality"),
        ("3048", "Laila", "Bilag"),
        ("3054\u20133056", "Laila", "Bilag"),
    ]
