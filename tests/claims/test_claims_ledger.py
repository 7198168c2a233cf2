"""The claims ledger (T10): tokenizer, rules, recomputation and the coverage check."""

import shutil

import pytest

from welfare_paradoxes.audits import claims
from welfare_paradoxes.engine.paths import DATA_DIR


def test_danish_numbers():
    assert claims.parse_danish_number("20.350") == 20350
    assert claims.parse_danish_number("66,7") == 66.7
    assert claims.parse_danish_number("tre") == 3
    assert claims.parse_danish_number("femte") == 5
    with pytest.raises(ValueError):
        claims.parse_danish_number("1.1")


def test_rules_keep_claims_and_drop_references():
    # Past the English abstract (lines 1-55), where "to" is a preposition and words are dropped.
    text = (
        "to\n" * 55
        + "\n" * 5
        + (
            "Hele 20.350 kr. og 66,7 % (Hein, 2023:30) samt tre borgere (Bilag 7) og\n"
            "Borger 27 (s. 23) efter §27 i Delanalyse 2.1 med ICD-10 og DK2030 i 2016."
        )
    )
    kept, dropped = claims.classify_candidates(text)
    assert [c.token for c in kept] == ["20.350", "66,7", "tre", "2016"]
    assert [c.token for c in dropped["citation"]] == ["2023", "30"]
    assert [c.token for c in dropped["appendix"]] == ["7"]
    assert [c.token for c in dropped["speaker number"]] == ["27"]
    assert [c.token for c in dropped["page reference"]] == ["23"]
    assert [c.token for c in dropped["law paragraph"]] == ["27"]
    assert [c.token for c in dropped["section number"]] == ["2.1"]
    assert [c.token for c in dropped["name"]] == ["10"]  # DK2030 is a word, not a number
    assert len(dropped["english abstract"]) == 55 and min(c.line for c in kept) == 61


def test_safe_evaluation():
    assert claims.evaluate("pct(k, n)", {"k": 1, "n": 4}, {"pct": claims.percent}) == 25
    for bad in ("__import__('os')", "k.real", "k ** 2", "[k]"):
        with pytest.raises(ValueError):
            claims.evaluate(bad, {"k": 1}, {"pct": claims.percent})


def test_quote_attributions():
    text = "(Borger 3, Bilag 7) ... (Heidi frontlinjeaktør 1, bilag 4) (borger nr. 3, bilag\n7)"
    assert claims.quote_attributions(text) == [
        ("borger", 3, 7),
        ("frontlinjeaktør", 1, 4),
        ("borger", 3, 7),
    ]


@pytest.fixture(scope="module")
def ledger():
    return {row["claim_id"]: row for row in claims.ledger().iter_rows(named=True)}


# Independent hand computations of every reproduced derived value (thesis line in the id).
HAND = {
    "L0090c": 26 / 39 * 100,
    "L2476a": 16 / 39 * 100,
    "L2515c": 23 / 39 * 100,
    "L2788c": 12 / 25 * 100,
    "L1479a": 4695 * 52 / 12,
    "L1483a": 12326,
    "L1484a": (4695 * 52 - 12326 * 12) * (1 - 0.1206 - 0.25018) / 12,
    "L0125a": 55600,
    "L0125b": 54.6,
    "L3323a": 54.6,
    "L2568a": 4,  # Borger 3, 7, 1 and 12 are quoted in lines 2566-2716
    "L2286a": 3,  # Annette, Borger 33 and Bettina just before line 2286
    "L2633a": 2,
    "L2924a": 3,
    "L1353a": 58,
}


def test_reproduced_claims_match_hand_computations(ledger):
    for claim_id, expected in HAND.items():
        row = ledger[claim_id]
        assert row["status"] == "reproduced", claim_id
        assert row["recomputed"] == pytest.approx(expected), claim_id


def test_discrepancies_and_their_size(ledger):
    resource_net = 12326 - (0.1206 + 0.25018) * (12326 * 12 - 49700) / 12
    assert ledger["L1483b"]["status"] == "discrepancy"
    assert ledger["L1483b"]["difference"] == pytest.approx(resource_net - 7500)
    flexjob = 200 * 7 * 52 / 12 * 0.7 + 19952
    assert ledger["L1712a"]["difference"] == pytest.approx(flexjob - 20670)
    assert ledger["L0127a"]["status"] == "discrepancy"  # "over 7,5" where the source says 7.5
    statuses = {row["status"] for row in ledger.values()}
    assert statuses == set(claims.STATUSES) - {"consistent by construction"}  # thesis counts


def test_counts_from_data_replace_the_thesis_counts():
    frame = claims.ledger(counts={"citizen_unsupported": 25})
    rows = {row["claim_id"]: row for row in frame.iter_rows(named=True)}
    assert rows["L0090b"]["status"] == "discrepancy"  # data 25 against printed 26
    assert rows["L0090c"]["status"] == "discrepancy"  # 25/39 = 64.1 against 66,7
    with pytest.raises(ValueError, match="not an input"):
        claims.ledger(counts={"no_such_count": 1})


@pytest.fixture
def data_copy(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    return tmp_path / "data"


def test_a_number_without_a_row_stops_the_ledger(data_copy):
    path = data_copy / "claims" / "claims.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("L2999a")))
    with pytest.raises(ValueError, match=r"line 2999: number\(s\) \['80', '90'\]"):
        claims.ledger(data_copy)


def test_bad_kind_names_file_row_and_column(data_copy):
    path = data_copy / "claims" / "claims.csv"
    path.write_text(path.read_text().replace(",survey statistic,", ",survey,", 1))
    with pytest.raises(ValueError, match=r"claims.csv, row 2, column 'kind': 'survey'"):
        claims.ledger(data_copy)


def test_table_shows_people_numbers_and_keeps_machine_columns():
    table = claims.claims_table()
    row = table.frame.filter(table.frame["claim_id"] == "L1483b").row(0, named=True)
    assert row["line"] == 1483 and row["line_shown"] == "1483"
    assert row["recomputed_shown"] == "9\u202f291" and row["difference_shown"] == "+1\u202f791"
