"""The REFI-QDA exchange of the excerpt register: export, schemas, import, positions."""

import zipfile

import numpy as np
import pytest
from lxml import etree

from welfare_paradoxes.engine.paths import DATA_DIR
from welfare_paradoxes.qualitative import refi
from welfare_paradoxes.qualitative.text import normalise
from welfare_paradoxes.thesis import THESIS_FILE

NS = {"q": refi.PROJECT_NS}


@pytest.fixture(scope="module")
def exported(register, tmp_path_factory):
    folder = tmp_path_factory.mktemp("refi")
    return (
        refi.write_qdpx(register, folder / "register.qdpx"),
        refi.write_codebook(register, folder / "register.qdc"),
    )


def _project(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rezip(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def test_the_project_holds_the_thesis_text_and_every_coding(register, exported):
    files = _project(exported[0])
    assert sorted(files) == ["project.qde", f"sources/{refi.guid('source-text', 'thesis.txt')}.txt"]
    root = etree.fromstring(files["project.qde"])
    source = root.find("q:Sources/q:TextSource", NS)
    path = source.get("plainTextPath")
    assert path.startswith("internal://") and path.endswith(".txt")
    text_bytes = files["sources/" + path.removeprefix("internal://")]
    assert text_bytes == (DATA_DIR / THESIS_FILE).read_bytes()
    text = text_bytes.decode("utf-8")
    texts = dict(zip(register.excerpts["excerpt_id"], register.excerpts["text"], strict=True))
    selections = source.findall("q:PlainTextSelection", NS)
    codings = set()
    names = {c.get("guid"): c.get("name") for c in root.iter(f"{{{refi.PROJECT_NS}}}Code")}
    labels = dict(zip(register.scheme["label"], register.scheme["code"], strict=True))
    for selection in selections:
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        # Positions are code points of the source file; the selected text is the quote.
        assert normalise(text[start:end]) == texts[selection.get("name")]
        for coding in selection.findall("q:Coding", NS):
            code = labels[names[coding.find("q:CodeRef", NS).get("targetGUID")]]
            codings.add((selection.get("name"), code))
    expected = set(register.coded().select("excerpt_id", "code").iter_rows())
    assert codings == expected
    # Quotes the PDF broke over lines are selected across the line breaks.
    assert any(
        "\n" in text[int(s.get("startPosition")) : int(s.get("endPosition"))] for s in selections
    )


def test_the_code_system_has_the_families_as_parents(register, exported):
    root = etree.fromstring(_project(exported[0])["project.qde"])
    families = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [f.get("name") for f in families] == list(dict.fromkeys(register.scheme["family"]))
    assert {f.get("isCodable") for f in families} == {"false"}
    children = [c for f in families for c in f.findall("q:Code", NS)]
    assert [c.get("name") for c in children] == register.scheme["label"].to_list()
    assert all(c.find("q:Description", NS).text for c in children)
    assert [u.get("name") for u in root.findall("q:Users/q:User", NS)] == [refi.THESIS_CODER]


def test_the_export_follows_the_official_schemas(exported):
    refi.validate(_project(exported[0])["project.qde"], "project", "project.qde")
    refi.validate(exported[1].read_bytes(), "codebook", exported[1].name)
    codebook = etree.fromstring(exported[1].read_bytes())
    assert codebook.tag == f"{{{refi.CODEBOOK_NS}}}CodeBook"


def test_the_schema_check_reports_a_violation():
    broken = b'<Project xmlns="urn:QDA-XML:project:1.0"><Users/></Project>'
    with pytest.raises(refi.ExchangeError, match=r"project.qde \(line 1\).*name"):
        refi.validate(broken, "project", "project.qde")


def test_the_export_is_byte_identical(register, exported, tmp_path):
    again = refi.write_qdpx(register, tmp_path / "again.qdpx")
    assert again.read_bytes() == exported[0].read_bytes()
    with zipfile.ZipFile(again) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert (
        refi.write_codebook(register, tmp_path / "c.qdc").read_bytes() == exported[1].read_bytes()
    )


def test_export_then_import_gives_the_register_back(register, exported):
    codings = refi.read_qdpx(exported[0], register)
    own = refi.register_codings(register)
    assert codings.coders == (refi.THESIS_CODER,)
    assert codings.presence.shape == (28, 1, 69)
    np.testing.assert_array_equal(codings.presence, own.presence)
    assert codings.pairs(refi.THESIS_CODER) == set(
        register.coded().select("excerpt_id", "code").iter_rows()
    )
    assert codings.counting == {"thesis.txt": "code points"}


def _two_coders(register, exported, tmp_path):
    """The export with a second user who codes the first selection with one code."""
    files = _project(exported[0])
    qde = files["project.qde"].decode("utf-8")
    second = refi.guid("user", "Second coder")
    qde = qde.replace("</Users>", f'<User guid="{second}" name="Second coder"/></Users>')
    first = register.excerpts.filter(register.excerpts["codes"].list.len() > 0).row(0, named=True)
    stigma = refi.guid("code", "stigma")
    marker = f'name="{first["excerpt_id"]}"'
    head, tail = qde.split(marker, 1)
    extra = (
        f'<Coding guid="{refi.guid("x", "1")}" creatingUser="{second}">'
        f'<CodeRef targetGUID="{stigma}"/></Coding>'
    )
    selection_close = tail.index("</PlainTextSelection>")
    tail = tail[:selection_close] + extra + tail[selection_close:]
    qde = head + marker + tail
    files["project.qde"] = qde.encode("utf-8")
    return _rezip(tmp_path / "two.qdpx", files), first


def test_codings_of_several_users_come_back_as_arrays(register, exported, tmp_path):
    path, first = _two_coders(register, exported, tmp_path)
    codings = refi.read_qdpx(path, register)
    assert codings.coders == (refi.THESIS_CODER, "Second coder")
    unit = codings.units.index(first["excerpt_id"])
    second = codings.presence[:, 1, :]
    assert second[codings.codes.index("stigma"), unit] == 1.0
    assert np.isnan(np.delete(second, unit, axis=1)).all()
    # The thesis gives some quotes several codes: no single-label array for it.
    with pytest.raises(refi.ExchangeError, match="several codes from one coder: Thesis coding"):
        codings.nominal()


def test_nominal_codes_are_indices_with_nan_for_uncoded(register, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("excerpt_id,coder,codes\nQ0196,A,stigma\nQ0206,A,\nQ0196,B,Workfare\n")
    codings = refi.read_coding_sheet(sheet, register)
    nominal = codings.nominal()
    assert nominal.shape == (2, 69)
    q0196, q0206 = codings.units.index("Q0196"), codings.units.index("Q0206")
    assert nominal[0, q0196] == codings.codes.index("stigma")
    assert nominal[1, q0196] == codings.codes.index("workfare")
    assert np.isnan(nominal[0, q0206]) and np.isnan(nominal[1, q0206])
    assert (codings.presence[:, 0, q0206] == 0).all()
    assert np.isnan(codings.presence[:, 1, q0206]).all()


def test_a_coding_sheet_round_trips(register, tmp_path):
    own = refi.register_codings(register)
    sheet = refi.write_coding_sheet(own, tmp_path / "own.csv")
    np.testing.assert_array_equal(refi.read_coding_sheet(sheet, register).presence, own.presence)


def test_a_coding_sheet_reports_every_problem(register, tmp_path):
    sheet = tmp_path / "bad.csv"
    sheet.write_text("excerpt_id,coder,codes\nQ9999,A,stigma\nQ0196,,nonsense\nQ0206,C,stigma\n")
    with pytest.raises(refi.ExchangeError) as error:
        refi.read_coding_sheet(sheet, register, coders=["A", "B"])
    message = str(error.value)
    assert "4 problem(s)" in message
    assert "row 1 (line 2), column 'excerpt_id', value 'Q9999': no such excerpt" in message
    assert "row 2 (line 3), column 'coder', value '': empty" in message
    assert "unknown code 'nonsense'" in message
    assert "value 'C': not one of the coders" in message
    sheet.write_text("excerpt,who\nQ0196,A\n")
    with pytest.raises(refi.ExchangeError, match="missing column"):
        refi.read_coding_sheet(sheet, register)


def _edited(exported, tmp_path, old, new, count=1):
    files = _project(exported[0])
    qde = files["project.qde"].decode("utf-8")
    assert old in qde
    files["project.qde"] = qde.replace(old, new, count).encode("utf-8")
    return _rezip(tmp_path / "edited.qdpx", files)


def _first_selection(exported):
    root = etree.fromstring(_project(exported[0])["project.qde"])
    return root.find("q:Sources/q:TextSource/q:PlainTextSelection", NS)


def test_a_position_beyond_the_source_is_named(register, exported, tmp_path):
    selection = _first_selection(exported)
    start = selection.get("startPosition")
    path = _edited(exported, tmp_path, f'startPosition="{start}"', 'startPosition="999999"')
    with pytest.raises(refi.ExchangeError) as error:
        refi.read_qdpx(path, register)
    message = str(error.value)
    assert f"project.qde: PlainTextSelection guid={selection.get('guid')} (line" in message
    assert "startPosition 999999 beyond the source's 144468 characters" in message


def test_a_selection_that_is_not_the_quote_is_refused(register, exported, tmp_path):
    selection = _first_selection(exported)
    end = int(selection.get("endPosition"))
    path = _edited(exported, tmp_path, f'endPosition="{end}"', f'endPosition="{end - 20}"')
    with pytest.raises(refi.ExchangeError, match=r"is not the text of Q\d{4}"):
        refi.read_qdpx(path, register)


def test_unknown_codes_users_and_references_are_named(register, exported, tmp_path):
    path = _edited(
        exported, tmp_path, 'name="Workfare" isCodable="true"', 'name="Made up" isCodable="true"'
    )
    # The GUID still names the register's code, so a renamed code is found by its GUID.
    assert refi.read_qdpx(path, register).presence.shape[0] == 28
    workfare = refi.guid("code", "workfare")
    made_up = "00000000-0000-4000-8000-000000000001"
    path = _edited(exported, tmp_path, f'guid="{workfare}" name="Workfare"', f'guid="{made_up}"')
    with pytest.raises(
        refi.ExchangeError, match=f"CodeRef {workfare} names no Code of the CodeBook"
    ):
        refi.read_qdpx(path, register)
    files = _project(exported[0])
    files["project.qde"] = (
        files["project.qde"].decode().replace(workfare, made_up).replace('"Workfare"', '"Made up"')
    ).encode()
    with pytest.raises(refi.ExchangeError, match="code 'Made up' is not a code of the register"):
        refi.read_qdpx(_rezip(tmp_path / "renamed.qdpx", files), register)
    user = refi.guid("user", refi.THESIS_CODER)
    path = _edited(exported, tmp_path, f'<User guid="{user}"', f'<User guid="{made_up}"')
    with pytest.raises(refi.ExchangeError, match=f"creatingUser {user} is not a User"):
        refi.read_qdpx(path, register)
    with pytest.raises(refi.ExchangeError, match="user 'Thesis coding' is not one of the coders"):
        refi.read_qdpx(exported[0], register, coders=["Someone"])


def test_a_duplicate_coding_is_an_overlap(register, exported, tmp_path):
    selection = _first_selection(exported)
    files = _project(exported[0])
    qde = files["project.qde"].decode("utf-8")
    start = qde.index("<PlainTextSelection")
    end = qde.index("</PlainTextSelection>") + len("</PlainTextSelection>")
    copy = qde[start:end].replace(selection.get("guid"), "00000000-0000-4000-8000-000000000002")
    files["project.qde"] = (qde[:end] + copy + qde[end:]).encode("utf-8")
    with pytest.raises(refi.ExchangeError, match="overlapping codings"):
        refi.read_qdpx(_rezip(tmp_path / "dup.qdpx", files), register)


def test_malformed_files_are_named(register, exported, tmp_path):
    not_zip = tmp_path / "x.qdpx"
    not_zip.write_text("hello")
    with pytest.raises(refi.ExchangeError, match="is a zip file"):
        refi.read_qdpx(not_zip, register)
    empty = _rezip(tmp_path / "empty.qdpx", {"readme.txt": b""})
    with pytest.raises(refi.ExchangeError, match="no project.qde"):
        refi.read_qdpx(empty, register)
    files = _project(exported[0])
    files["project.qde"] = files["project.qde"][:-40]
    with pytest.raises(refi.ExchangeError, match="project.qde: not well-formed XML"):
        refi.read_qdpx(_rezip(tmp_path / "cut.qdpx", files), register)


def _with_source(exported, tmp_path, text: str, shift):
    """The export with its source replaced by ``text`` and every position moved by ``shift``."""
    files = _project(exported[0])
    root = etree.fromstring(files["project.qde"])
    for selection in root.iter(f"{{{refi.PROJECT_NS}}}PlainTextSelection"):
        for attribute in ("startPosition", "endPosition"):
            selection.set(attribute, str(shift(int(selection.get(attribute)))))
    files["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    name = next(n for n in files if n.startswith("sources/"))
    files[name] = text.encode("utf-8")
    return _rezip(tmp_path / "moved.qdpx", files)


def test_crlf_sources_count_crlf_as_stored_or_as_one(register, exported, tmp_path):
    thesis = (DATA_DIR / THESIS_FILE).read_text(encoding="utf-8")
    windows = thesis.replace("\n", "\r\n")
    own = refi.register_codings(register).presence

    def as_stored(position):  # each LF before the position gained a CR
        return position + thesis.count("\n", 0, position)

    path = _with_source(exported, tmp_path, "\ufeff" + windows, as_stored)
    codings = refi.read_qdpx(path, register)
    np.testing.assert_array_equal(codings.presence, own)
    assert codings.counting == {"thesis.txt": "code points"}
    # ATLAS.ti counts a CRLF as one character: the positions of the LF text.
    codings = refi.read_qdpx(_with_source(exported, tmp_path, windows, lambda p: p), register)
    np.testing.assert_array_equal(codings.presence, own)
    assert codings.counting == {"thesis.txt": "code points, CRLF as one"}


def test_characters_outside_the_bmp_count_as_code_points_or_utf16(register, exported, tmp_path):
    thesis = (DATA_DIR / THESIS_FILE).read_text(encoding="utf-8")
    own = refi.register_codings(register).presence
    source = "\U0001f600 " + thesis  # an emoji: one code point, two UTF-16 code units
    codings = refi.read_qdpx(_with_source(exported, tmp_path, source, lambda p: p + 2), register)
    np.testing.assert_array_equal(codings.presence, own)
    assert codings.counting == {"thesis.txt": "code points"}
    codings = refi.read_qdpx(_with_source(exported, tmp_path, source, lambda p: p + 3), register)
    np.testing.assert_array_equal(codings.presence, own)
    assert codings.counting == {"thesis.txt": "UTF-16"}
    # Positions that fit neither count are refused under the standard's.
    with pytest.raises(refi.ExchangeError, match=r"\(counted as code points\)"):
        refi.read_qdpx(_with_source(exported, tmp_path, source, lambda p: p + 7), register)


def test_the_build_records_both_exchange_files_in_the_manifest(register, tmp_path):
    from welfare_paradoxes.engine import manifest
    from welfare_paradoxes.engine.chapter import Chapter

    chapter = Chapter("qualitative", parameters={"build_dir": str(tmp_path), "data_dir": "data"})
    shown = refi.export_for_qda(chapter, register, DATA_DIR)
    assert "_static/qda/excerpt_register.qdpx" in shown.data
    built = manifest.build_manifest(tmp_path, "params/quick.yml")
    files = {a["id"]: [f["path"] for f in a["files"]] for a in built["artifacts"]}
    assert files == {
        "X01": ["qda/excerpt_register.qdpx"],
        "X02": ["qda/excerpt_register_codebook.qdc"],
    }
