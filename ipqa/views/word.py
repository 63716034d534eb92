"""The answer as a Word (.docx) file, the way officials file answers: the question and the conditions it was asked
under, the answer, then each citation with its source details, the quote and how to check it (clause id,
character span, SHA-256), like the Markdown export (ipqa.views.export), whose parts and script rules it follows."""

from __future__ import annotations

import io
import re

from docx import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import Pt

from ipqa.records import Answer, Filters
from ipqa.views.export import ORIGINAL_QUOTE, conditions
from ipqa.views.labels import Script, convert_script, one_script

# Characters XML 1.0 cannot hold (controls, lone surrogates, U+FFFE/FFFF): python-docx refuses a string holding
# one, and a question or a damaged document may; they are dropped from the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FONT = "宋体"  # the East Asian font Word offices use for body text; Word substitutes it where missing


def to_docx(question: str, answer: Answer, script: Script = "original", filters: Filters | None = None) -> bytes:
    """The .docx file's bytes. Text goes in as runs of plain text: nothing in a document or a question is ever
    read as markup or a field."""

    def shown(text: str) -> str:
        return convert_script(text, script)

    doc = _Safe(WordDocument())
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    doc.add_heading("问题", level=1)
    doc.add_paragraph(question)
    for label, value in conditions(script, filters):
        doc.add_paragraph(f"{label}：{value}")
    doc.add_heading("答案", level=1)
    doc.add_paragraph(one_script(answer.text, script))
    if answer.confidence and answer.confidence != answer.text:
        doc.add_paragraph(answer.confidence)
    if answer.citations:
        doc.add_heading("答案引用", level=1)
    for i, c in enumerate(answer.citations, 1):
        details = "；".join(shown(p) for p in (c.doc_number, c.issuer, c.date) if p)
        doc.add_paragraph(f"[{i}] {shown(c.reference())}" + (f"（{details}）" if details else ""), style="List Number")
        quote = doc.add_paragraph(f"“{shown(c.quote)}”")
        quote.paragraph_format.left_indent = Pt(21)
        if shown(c.quote) != c.quote:
            doc.add_paragraph(f"{ORIGINAL_QUOTE}：“{c.quote}”").paragraph_format.left_indent = Pt(21)
        check = doc.add_paragraph(f"条款 {c.clause_id}，字符 {c.start}–{c.end}，文件校验值（SHA-256）{c.sha256}")
        check.paragraph_format.left_indent = Pt(21)
        for run in check.runs:
            run.font.size = Pt(9)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


class _Safe:
    """The Word document with every text it is given made XML-safe first (see _NOT_XML)."""

    def __init__(self, doc) -> None:
        self._doc = doc
        self.styles = doc.styles

    def add_heading(self, text: str, level: int):
        return self._doc.add_heading(_NOT_XML.sub("", text), level=level)

    def add_paragraph(self, text: str, style: str | None = None):
        return self._doc.add_paragraph(_NOT_XML.sub("", text), style=style)

    def save(self, out) -> None:
        self._doc.save(out)
