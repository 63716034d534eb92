"""Word files the tests build themselves with python-docx: paragraphs, an optional table, a title in the core
properties, and raw body XML for what python-docx cannot add (content controls, nested tables)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(
    paragraphs: Iterable[str], rows: Sequence[Sequence[str]] = (), title: str = "", after: Iterable[str] = ()
) -> bytes:
    """A .docx with one paragraph per string (or per line of one string) (a string with line breaks gives one paragraph per line), then a
    table of ``rows`` when given, then the ``after`` paragraphs."""
    import docx

    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    document = docx.Document()
    if title:
        document.core_properties.title = title
    for text in paragraphs:
        for line in text.splitlines() or [""]:
            document.add_paragraph(line)
    if rows:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    for text in after:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_body_xml(blocks: Iterable[str]) -> bytes:
    """A .docx whose body is the given WordprocessingML fragments (``w:`` prefix bound), in order."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    body = document.element.body
    sect = body[-1]  # the section properties stay last
    for block in blocks:
        sect.addprevious(parse_xml(f'<w:root xmlns:w="{W}">{block}</w:root>')[0])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def para(text: str) -> str:
    """One ``w:p`` paragraph of plain text."""
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
