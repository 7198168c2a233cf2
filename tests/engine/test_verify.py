"""The tolerance rule of `make verify`, on small tables."""

from welfare_paradoxes.engine import verify

HEADER = ["item", "k", "wilson_low", "mc_bca_low"]
REFERENCE = [HEADER, ["a", "16", "0.2707931000072518", "0.2564102564102564"]]


def rows(*cells):
    return [HEADER, ["a", *cells]]


def tolerance(row, column):
    return 0.026 if column == "mc_bca_low" else 0.0


def test_the_same_cells_are_identical():
    cells, within, differences, notes = verify.compare_values(REFERENCE, REFERENCE, tolerance)
    assert (cells, within, differences, notes) == (4, 0, [], [])


def test_a_monte_carlo_value_moved_within_its_error_passes_and_beyond_it_fails():
    moved = rows("16", "0.2707931000072518", "0.28205128205128205")
    assert verify.compare_values(REFERENCE, moved, tolerance)[1:3] == (1, [])
    far = rows("16", "0.2707931000072518", "0.3333333333333333")
    (difference,) = verify.compare_values(REFERENCE, far, tolerance)[2]
    assert (difference.row, difference.column, difference.tolerance) == (1, "mc_bca_low", 0.026)


def test_an_analytic_value_must_match_to_the_last_digit():
    changed = rows("16", "0.2707931000072519", "0.2564102564102564")
    (difference,) = verify.compare_values(REFERENCE, changed, tolerance)[2]
    assert difference.column == "wilson_low" and difference.tolerance == 0.0


def test_a_count_or_text_that_changes_differs_and_a_lost_column_is_said():
    changed = [HEADER[:3], ["b", "17", "0.2707931000072518"]]
    _, _, differences, notes = verify.compare_values(REFERENCE, changed, tolerance)
    assert {d.column for d in differences} == {"item", "k"}
    assert notes == ["columns differ: missing ['mc_bca_low'], extra []"]


def test_the_columns_of_a_monte_carlo_key_are_found_by_prefix():
    record = {"compute": {"mc_bca": "monte_carlo (B = 2000, seed 1)", "wilson": "analytic"}}
    keys = verify.monte_carlo_columns(record)
    assert keys == {"mc_bca"}
    assert verify._is_monte_carlo("mc_bca_low", keys)
    assert not verify._is_monte_carlo("mc_bcax", keys)
    assert not verify._is_monte_carlo("wilson_low", keys)
