"""Word bodies read in document order with nothing dropped (issue 14): content controls (``w:sdt``) at block, row,
cell and run level, nested tables, merged cells, and the compatibility copy of a drawing read once."""

from __future__ import annotations

from ipqa.corpus.formats import extract
from tests.helpers.office import docx_with_body_xml, para


def _lines(blocks) -> list[str]:
    return extract(docx_with_body_xml(blocks), ".docx").text.split("\n")


def _sdt(inner: str) -> str:
    return f'<w:sdt><w:sdtPr><w:alias w:val="占位"/></w:sdtPr><w:sdtContent>{inner}</w:sdtContent></w:sdt>'


def _tc(inner: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{inner}</w:tc>"


def test_block_content_control_is_read_in_order():
    lines = _lines([para("一、总体要求"), _sdt(para("（一）市市场监管局负责质押融资。")), para("二、保障措施")])
    assert lines == ["一、总体要求", "（一）市市场监管局负责质押融资。", "二、保障措施"]


def test_inline_content_control_and_hyperlink_runs_are_part_of_the_paragraph():
    inline = (
        "<w:p><w:r><w:t>由</w:t></w:r>"
        "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>市科技局</w:t></w:r></w:sdtContent></w:sdt>"
        '<w:hyperlink w:anchor="x"><w:r><w:t>牵头</w:t></w:r></w:hyperlink>'
        "<w:r><w:delText>删除的字</w:delText><w:instrText>PAGE</w:instrText><w:t>。</w:t></w:r>"
        "<w:moveFrom><w:r><w:t>移走的字</w:t></w:r></w:moveFrom></w:p>"
    )
    assert _lines([inline]) == ["由市科技局牵头。"]


def test_nested_table_and_controls_inside_cells():
    nested = "<w:tbl><w:tr>" + _tc(para("市财政局")) + _tc(para("配合")) + "</w:tr></w:tbl>"
    row = "<w:tr>" + _tc(para("质押融资")) + _sdt(_tc(para("市市场监管局"))) + _tc(para("牵头") + nested) + "</w:tr>"
    table = "<w:tbl>" + row + _sdt("<w:tr>" + _tc(para("专利导航")) + _tc(para("市科技局")) + "</w:tr>") + "</w:tbl>"
    assert _lines([table]) == ["质押融资\t市市场监管局\t牵头 市财政局 配合", "专利导航\t市科技局"]


def test_merged_cells_repeat_down_and_span_once_across():
    restart = '<w:vMerge w:val="restart"/>'
    rows = [
        "<w:tr>" + _tc(para("贯标"), "") + _tc(para("市市场监管局"), restart) + "</w:tr>",
        "<w:tr>" + _tc(para("质押融资")) + _tc(para(""), "<w:vMerge/>") + "</w:tr>",
        "<w:tr>" + _tc(para("保障措施"), '<w:gridSpan w:val="2"/>') + "</w:tr>",
    ]
    assert _lines(["<w:tbl>" + "".join(rows) + "</w:tbl>"]) == [
        "贯标\t市市场监管局",
        "质押融资\t市市场监管局",
        "保障措施",
    ]


def test_drawing_fallback_copy_is_not_read_twice():
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = (
        f'<w:p xmlns:mc="{mc}"><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent>'
        "<mc:Choice><w:txbxContent>" + para("文本框") + "</w:txbxContent></mc:Choice>"
        "<mc:Fallback><w:txbxContent>" + para("文本框") + "</w:txbxContent></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )
    assert _lines([box]) == ["正文", "文本框"]
