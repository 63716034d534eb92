"""OpenDocument text (.odt): content.xml read directly, in body order, with the package bounds of a .docx."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from ipqa.corpus.decode import UnreadableFile
from ipqa.corpus.formats import ZIP_MAX_XML, extract, sniff
from ipqa.corpus.reading import read_one
from ipqa.views.findings import skip_reason

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)
MIME = b"application/vnd.oasis.opendocument.text"


def odt(body: str, title: str = "", prolog: str = "", mimetype: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        if mimetype:  # ODF: first, stored uncompressed
            package.writestr(zipfile.ZipInfo("mimetype"), MIME, compress_type=zipfile.ZIP_STORED)
        content = f"{prolog}<office:document-content {NS}><office:body><office:text>{body}</office:text></office:body></office:document-content>"
        package.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        if title:
            meta = f"<office:document-meta {NS}><office:meta><dc:title>{title}</dc:title></office:meta></office:document-meta>"
            package.writestr("meta.xml", meta)
    return buffer.getvalue()


BODY = (
    "<text:h>测试市知识产权工作方案</text:h>"
    "<text:p>一、<text:span>工作任务</text:span></text:p>"
    "<text:p>（一）开展<text:s text:c='2'/>专利导航<text:note><text:note-body><text:p>脚注不是正文</text:p>"
    "</text:note-body></text:note>服务。<text:tab/>（市市场监管局负责）</text:p>"
    "<text:tracked-changes><text:changed-region><text:deletion><text:p>已删除的文字</text:p></text:deletion>"
    "</text:changed-region></text:tracked-changes>"
    "<text:list><text:list-item><text:p>（二）加强保护。<text:line-break/>第二行</text:p></text:list-item></text:list>"
    "<table:table><table:table-row><table:table-cell><text:p>任务</text:p></table:table-cell>"
    "<table:table-cell><text:p>责任单位</text:p></table:table-cell></table:table-row>"
    "<table:table-row><table:table-cell><text:p>专利导航</text:p><text:p>（续）</text:p></table:table-cell>"
    "<table:covered-table-cell/><table:table-cell><text:p>市市场监管局</text:p></table:table-cell></table:table-row>"
    "</table:table>"
)


def test_paragraphs_headings_lists_and_table_rows_in_body_order():
    got = extract(odt(BODY, title="元数据标题"), ".odt")
    assert got.kind == "odt" and got.title_hint == "元数据标题"
    assert got.text.split("\n") == [
        "测试市知识产权工作方案",
        "一、工作任务",
        "（一）开展  专利导航服务。\t（市市场监管局负责）",  # text:s c=2 is two spaces; the note is left out
        "（二）加强保护。",
        "第二行",
        "任务\t责任单位",
        "专利导航 （续）\t市市场监管局",
    ]
    assert "已删除" not in got.text and "脚注" not in got.text


def test_odt_is_told_from_docx_by_its_mimetype_or_parts():
    assert sniff(odt(BODY)) == "odt"
    assert sniff(odt(BODY, mimetype=False)) == "docx"  # no mimetype, no way to tell: the docx reader says corrupt
    # an .odt named .docx is read as what it is, with the mismatch noted
    got = extract(odt(BODY), ".docx")
    assert got.kind == "odt" and "holds odt content" in got.note


def test_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    prolog = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
    try:
        text = extract(odt("<text:p>正文&e;结束</text:p>", prolog=prolog), ".odt").text
    except UnreadableFile:
        return  # refusing the file is as safe as leaving the entity out
    assert "机密" not in text


def test_deep_nesting_is_refused_or_read_quickly_without_recursion():
    body = "<text:p>" + "<text:span>" * 50_000 + "深" + "</text:span>" * 50_000 + "</text:p>"
    began = time.perf_counter()
    try:
        extract(odt(body), ".odt")
    except UnreadableFile as exc:
        assert "corrupt" in str(exc)
    assert time.perf_counter() - began < 10


def test_zip_bomb_is_refused_before_inflating():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), MIME, compress_type=zipfile.ZIP_STORED)
        with package.open("content.xml", "w", force_zip64=True) as part:
            part.write(f"<office:document-content {NS}><office:body><office:text><text:p>".encode())
            for _ in range(ZIP_MAX_XML // (1 << 20) + 1):
                part.write(b" " * (1 << 20))
            part.write(b"</text:p></office:text></office:body></office:document-content>")
    with pytest.raises(UnreadableFile, match="zip bomb"):
        extract(buffer.getvalue(), ".odt")


@pytest.mark.parametrize(
    "data, reason",
    [
        (odt(""), "OpenDocument file without text"),
        (odt("<text:p>未闭合"), "corrupt OpenDocument .odt file: part content.xml"),
        (b"PK\x03\x04" + b"\x00" * 40, "corrupt or not a"),
    ],
)
def test_bad_odt_is_skipped_with_a_chinese_reason(tmp_path, data, reason):
    path = tmp_path / "bad.odt"
    path.write_bytes(data)
    result = read_one(path, tmp_path)
    assert reason in result.reason
    assert skip_reason(result.reason) and "OpenDocument file" not in skip_reason(result.reason)
