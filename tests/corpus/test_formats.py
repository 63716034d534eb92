"""Per-format extraction: HTML (scripts and navigation dropped, blocks kept as lines), docx (paragraphs and
tables in order), PDF (a minimal hand-written file, since no PDF writer is installed), corrupt containers and
files whose extension lies about their content."""

from __future__ import annotations

import io

import pytest

from ipqa.corpus.decode import UnreadableFile
from ipqa.corpus.formats import extract
from tests.helpers.office import docx_bytes

HTML = """<!DOCTYPE html><html><head><title>泰安市人民政府关于印发规划的通知_泰安市人民政府</title>
<style>.x { color: red }</style><script>var tracker = "secret_script_text";</script></head>
<body><nav><a href="/">首页</a> <a href="/zc">政策文件</a></nav>
<div class="content"><h1>泰安市“十四五”知识产权保护和运用规划</h1>
<p>一、总体要求</p><p>（一）指导思想。以高质量发展为引领。</p>
<table><tr><td>任务</td><td>责任单位</td></tr><tr><td>质押融资</td><td>市市场监管局</td></tr></table>
<p>第一行<br>第二行</p></div><script>document.write("more_script")</script></body></html>"""


def test_html_drops_script_style_nav_and_keeps_blocks():
    got = extract(HTML.encode("utf-8"), ".html")
    assert "secret_script_text" not in got.text and "more_script" not in got.text
    assert "color" not in got.text and "政策文件" not in got.text
    lines = got.text.split("\n")
    assert "泰安市“十四五”知识产权保护和运用规划" in lines
    assert "一、总体要求" in lines and "（一）指导思想。以高质量发展为引领。" in lines
    assert "质押融资\t市市场监管局" in [line.strip() for line in lines]
    assert "第一行" in lines and "第二行" in lines
    assert got.title_hint.startswith("泰安市人民政府关于印发")


def test_html_in_gbk_is_decoded():
    got = extract(HTML.replace("<head>", '<head><meta charset="gbk">').encode("gbk"), ".htm")
    assert "知识产权保护和运用规划" in got.text and got.encoding == "gb18030"


def _docx_bytes(paragraphs, rows=()) -> bytes:
    return docx_bytes(paragraphs, rows, title="测试文件", after=["附件：责任分解表"])


def test_docx_paragraphs_and_tables_in_order():
    data = _docx_bytes(["关于印发知识产权工作方案的通知", "一、工作目标"], [("任务", "责任单位"), ("贯标", "市科技局")])
    got = extract(data, ".docx")
    assert got.text.split("\n") == [
        "关于印发知识产权工作方案的通知",
        "一、工作目标",
        "任务\t责任单位",
        "贯标\t市科技局",
        "附件：责任分解表",
    ]
    assert got.kind == "docx" and got.title_hint == "测试文件"


def test_corrupt_docx():
    data = _docx_bytes(["正文"])
    with pytest.raises(UnreadableFile, match="docx"):
        extract(data[: len(data) // 2], ".docx")


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with Helvetica text, written by hand (ASCII only: no CJK font is embedded)."""
    ops = ["BT /F1 12 Tf 72 720 Td 14 TL"] + [f"({line}) Tj T*" for line in lines] + ["ET"]
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_pdf_text():
    got = extract(minimal_pdf(["Article 1 Patent pledge financing", "Article 2 The bureau leads"]), ".pdf")
    assert "Article 1 Patent pledge financing" in got.text and "Article 2 The bureau leads" in got.text
    assert got.kind == "pdf"


def test_corrupt_pdf():
    with pytest.raises(UnreadableFile, match="PDF"):
        extract(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF", ".pdf")


def test_pdf_without_text_layer():
    from ipqa.corpus.formats import NoTextLayer, _read_pdf

    with pytest.raises(NoTextLayer, match="no extractable text") as raised:
        _read_pdf(minimal_pdf([]))
    assert raised.value.pages == 1
    # extract hands it to OCR (tests/corpus/test_ocr.py): pending, or the missing OCR program named
    with pytest.raises(UnreadableFile, match="waiting for OCR|OCR needs"):
        extract(minimal_pdf([]), ".pdf")


def test_unsupported_suffix():
    with pytest.raises(UnreadableFile, match="unsupported format .wpd"):
        extract(b"whatever", ".wpd")


def test_docx_named_txt_is_read_as_docx():
    got = extract(_docx_bytes(["一、工作目标"]), ".txt")
    assert got.kind == "docx" and "一、工作目标" in got.text
    assert ".txt" in got.note


def test_text_named_docx_is_read_as_text():
    got = extract("一、工作目标\n（一）加强保护。".encode("gbk"), ".docx")
    assert got.kind == "text" and got.text == "一、工作目标\n（一）加强保护。"
    assert "docx" in got.note


def test_html_named_txt_is_read_as_html():
    got = extract(HTML.encode("utf-8"), ".txt")
    assert got.kind == "html" and "secret_script_text" not in got.text


def test_markdown_verbatim():
    text = "# 标题\r\n\r\n第一条 内容。\r\n"
    assert extract(text.encode("utf-8"), ".md").text == text
