"""The thesis text helpers against hand-read passages of the thesis."""

import pytest

from welfare_paradoxes.thesis import bilag_citations, load_thesis, parse_line_ranges


def test_thesis_lines_are_numbered_as_in_an_editor():
    thesis = load_thesis()
    # SPEC.md line 221 holds the heading of the research question.
    assert thesis.line(221).strip() == "Problemformulering"
    assert thesis.line(1).strip() == "ABSTRACT"


def test_span_is_inclusive_and_checks_its_bounds():
    thesis = load_thesis()
    assert thesis.span(384, 388).splitlines()[0].startswith("• Stress")
    assert thesis.span(384, 388).splitlines()[-1].startswith("• Jobcentrets ofre")
    with pytest.raises(ValueError, match="line 99999 does not exist"):
        thesis.span(1, 99999)
    with pytest.raises(ValueError, match="runs backwards"):
        thesis.span(10, 9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(Bilag 7)", [7]),
        ("(Lykke borger 1, bilag 1)", [1]),
        ("(Bilag 4-6,8)", [4, 5, 6, 8]),
        ("(Bilag 1–3, 7)", [1, 2, 3, 7]),
        ("fremgår af Bilag 1, 2 og 3, og", [1, 2, 3]),
        ("(Bilag\n\n5).", [5]),
        ("ingen henvisning her", []),
    ],
)
def test_bilag_citations_expand_ranges_lists_and_line_breaks(text, expected):
    assert bilag_citations(text) == expected


def test_citation_of_an_appendix_that_does_not_exist_is_an_error():
    with pytest.raises(ValueError, match=r"Bilag \[13\]"):
        bilag_citations("(Bilag 13)")


def test_line_ranges_parse_and_reject_malformed_specs():
    assert parse_line_ranges("373-380; 426; 463-475") == [(373, 380), (426, 426), (463, 475)]
    for bad in ("", "12-", "20-10", "a-b"):
        with pytest.raises(ValueError):
            parse_line_ranges(bad)


def test_line_of_an_offset_counts_lines_from_one():
    from welfare_paradoxes.thesis import line_of, line_starts

    text = "ab\ncd\n\nef"
    starts = line_starts(text)
    assert starts == [0, 3, 6, 7]
    assert [line_of(offset, starts) for offset in range(len(text))] == [1, 1, 1, 2, 2, 2, 3, 4, 4]
