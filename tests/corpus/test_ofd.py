"""OFD (GB/T 33190): page text in reading order, wrapped paragraphs joined, DocInfo into empty metadata fields;
the packages are built here by tests/helpers/ofd.py, following the standard's structure."""

from __future__ import annotations

import io
import zipfile

import pytest

from ipqa.clauses.split import split_clauses
from ipqa.corpus.decode import UnreadableFile
from ipqa.corpus.formats import extract, sniff
from ipqa.corpus.reading import read_document, read_one
from ipqa.views.findings import skip_reason
from tests.helpers.ofd import NS, make_ofd
from tests.helpers.paths import CORPUS

LINES = [
    "测试市人民政府办公室关于印发测试市专利导航工作方案的通知",
    "一、工作任务",
    "（一）开展专利导航服务，建设专利导航服务基地，推动专利导航成果在产业规划中的运用。（市市场监管局负责）",
    "（二）加强知识产权保护。（市司法局负责）",
    "",
    "测试市人民政府办公室",
    "2024年5月6日",
]


def test_text_in_reading_order_even_when_objects_are_drawn_in_reverse():
    got = extract(make_ofd(LINES, scramble=True), ".ofd")
    assert got.kind == "ofd"
    assert got.text.split("\n") == [line for line in LINES if line]


def test_a_paragraph_wrapped_at_the_right_edge_is_one_line_again_but_labels_start_lines():
    got = extract(make_ofd(LINES, chars_per_line=20), ".ofd").text
    assert (
        "（一）开展专利导航服务，建设专利导航服务基地，推动专利导航成果在产业规划中的运用。（市市场监管局负责）" in got
    )
    assert "\n（二）加强知识产权保护。" in got  # a line starting with a label is never glued to the one above
    assert "\n测试市人民政府办公室\n2024年5月6日" in got  # short lines end their paragraph


def test_pages_in_document_order():
    lines = [f"第{n}行文字" for n in range(1, 91)]
    got = extract(make_ofd(lines, lines_per_page=40, scramble=True), ".ofd").text
    assert [line for line in got.split("\n") if line] == lines
    assert got.count("\n\n") == 2  # three pages


def test_doc_info_fills_the_fields_the_text_leaves_empty(tmp_path):
    body = ["一、工作任务", "（一）开展专利导航服务。（市市场监管局负责）"]
    path = tmp_path / "plan.ofd"
    path.write_bytes(make_ofd(body, title="测试市专利导航工作方案", author="测试市市场监管局", created="2024-05-06"))
    doc = read_document(path, tmp_path)
    assert doc.meta.title == "测试市专利导航工作方案" and doc.meta.short_title
    assert doc.meta.issuer == "测试市市场监管局" and doc.meta.date_published == "2024-05-06"
    assert doc.meta.doc_type == "方案"
    assert not any(f.kind == "missing_title" for f in doc.flags)
    # the text's own title and signature win over what the container declares
    path.write_bytes(make_ofd(LINES, title="别的标题", author="别的机关", created="2030-01-01"))
    doc = read_document(path, tmp_path)
    assert doc.meta.title == LINES[0] and doc.meta.issuer == "测试市人民政府办公室"
    for clause in split_clauses(doc):
        assert doc.text[clause.start : clause.end] == clause.text


def test_a_seed_as_ofd_keeps_its_clauses_and_units(tmp_path):
    seed = CORPUS / "001_e22083f13b5790bb.txt"
    (tmp_path / "a.txt").write_bytes(seed.read_bytes())
    (tmp_path / "a.ofd").write_bytes(make_ofd(seed.read_text("utf-8").split("\n"), chars_per_line=36))
    ref = split_clauses(read_document(tmp_path / "a.txt", tmp_path))
    got = split_clauses(read_document(tmp_path / "a.ofd", tmp_path))
    starts = {c.text[:24]: c for c in got}
    found = [c for c in ref if c.text[:24] in starts]
    assert len(found) >= 0.9 * len(ref)
    leads = [c for c in found if c.departments.lead]
    assert sum(starts[c.text[:24]].departments.lead == c.departments.lead for c in leads) >= 0.9 * len(leads)


def _package(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, text in parts.items():
            package.writestr(name, text)
    return buffer.getvalue()


ENTRY = (
    f'<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID>'
    "</ofd:DocInfo><ofd:DocRoot>/Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
)


def test_absolute_base_locations_delta_shorthand_and_codes_without_position():
    document = (
        f'<ofd:Document xmlns:ofd="{NS}"><ofd:Pages><ofd:Page ID="1" BaseLoc="/Doc_0/P/0.xml"/></ofd:Pages>'
        "</ofd:Document>"
    )
    page = (
        f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="2"><ofd:PageBlock ID="3">'
        '<ofd:TextObject ID="4" Boundary="20 20 100 10" Size="5"><ofd:TextCode X="0" Y="5" DeltaX="g 3 5">第一条'
        "</ofd:TextCode><ofd:TextCode>规定</ofd:TextCode></ofd:TextObject></ofd:PageBlock>"
        '<ofd:TextObject ID="5" Boundary="20 10 100 10" Size="5"><ofd:TextCode X="0" Y="5">标题</ofd:TextCode>'
        "</ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>"
    )
    data = _package({"OFD.xml": ENTRY, "Doc_0/Document.xml": document, "Doc_0/P/0.xml": page})
    assert sniff(data) == "ofd"
    assert extract(data, ".ofd").text == "标题\n第一条规定"


@pytest.mark.parametrize(
    "parts, reason",
    [
        ({"OFD.xml": ENTRY}, "OFD file without its part /Doc_0/Document.xml"),
        ({"OFD.xml": "<ofd:OFD"}, "corrupt OFD file: part OFD.xml"),
        ({"OFD.xml": "<x/>"}, "corrupt OFD file: OFD.xml is not an OFD entry file"),
        (
            {
                "OFD.xml": ENTRY,
                "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{NS}"><ofd:Pages/></ofd:Document>',
            },
            "no text objects",
        ),
    ],
)
def test_broken_ofd_is_skipped_with_a_chinese_reason(tmp_path, parts, reason):
    path = tmp_path / "bad.ofd"
    path.write_bytes(_package(parts))
    result = read_one(path, tmp_path)
    assert reason in result.reason
    assert "OFD 文件" in skip_reason(result.reason)


def test_ofd_packages_get_the_zip_bomb_bounds():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", ENTRY)
        with package.open("Doc_0/Document.xml", "w", force_zip64=True) as part:
            for _ in range(70):
                part.write(b" " * (1 << 20))
    with pytest.raises(UnreadableFile, match="zip bomb"):
        extract(buffer.getvalue(), ".ofd")
