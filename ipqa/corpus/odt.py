"""OpenDocument text (.odt, written by LibreOffice, WPS and others): ``content.xml`` read directly, paragraphs and
headings one per line and table rows as tab-separated cells in body order, the title from ``meta.xml``.

The package gets the .docx zip-bomb bounds before any part is inflated (ipqa.corpus.xmlparts.Package), and the
parse tree is walked once without recursion, so deep nesting costs linear time and cannot overflow the stack.
"""

from __future__ import annotations

from lxml import etree

from ipqa.corpus.decode import UnreadableFile
from ipqa.corpus.formats import Extracted
from ipqa.corpus.xmlparts import Package, local

WHAT = "OpenDocument .odt file"
_PARAGRAPHS = frozenset({"p", "h"})
# Not body text: notes and comments (they would land mid-sentence), deleted text kept by change tracking, the
# merged-away cells of a table, and a drawing's alternative text.
_SKIP = frozenset({"note", "annotation", "tracked-changes", "covered-table-cell", "desc", "title", "sequence-decls"})


def read_odt(data: bytes) -> Extracted:
    package = Package(data, WHAT)
    body = package.xml("content.xml")
    text = "\n".join(line for line in _lines(body))
    if not text.strip():
        raise UnreadableFile("OpenDocument file without text")
    return Extracted(text, "odt", "odt", title_hint=_title(package))


def _title(package: Package) -> str:
    if not package.has("meta.xml"):
        return ""
    try:
        meta = package.xml("meta.xml")
    except UnreadableFile:  # a damaged meta.xml loses the title hint, not the document
        return ""
    for el in meta.iter():
        if local(el.tag) == "title" and el.text:
            return el.text.strip()
    return ""


def _lines(root: etree._Element) -> list[str]:
    """Every paragraph's text in document order; a table row is one line of cells joined by tabs."""
    out: list[str] = []
    sinks: list[list[str]] = [out]  # where a finished paragraph goes: the body, or the table cell it is in
    rows: list[list[str]] = []  # the cells of each open table row
    buffers: list[list[str]] = []  # open paragraphs (a text box inside a paragraph opens another)
    skipping = 0

    def add(text: str | None) -> None:
        if text and buffers:
            buffers[-1].append(text)

    for event, el in etree.iterwalk(root, events=("start", "end")):
        name = local(el.tag)
        if event == "start":
            if skipping or name in _SKIP:
                skipping += 1
                continue
            if name in _PARAGRAPHS:
                buffers.append([])
                add(el.text)
            elif name == "table-row":
                rows.append([])
            elif name == "table-cell":
                sinks.append([])
            elif name == "s":
                add(" " * _count(el.get("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}c")))
            elif name == "tab":
                add("\t")
            elif name == "line-break":
                add("\n")
            else:
                add(el.text)
            continue
        if skipping:
            skipping -= 1
            if not skipping:
                add(el.tail)
            continue
        if name in _PARAGRAPHS and buffers:
            line = "".join(buffers.pop())
            if line.strip():
                sinks[-1].append(line)
        elif name == "table-cell" and len(sinks) > 1:
            cell = " ".join(s.strip() for s in sinks.pop()).replace("\n", " ")
            if rows:
                rows[-1].append(cell)
        elif name == "table-row" and rows:
            cells = rows.pop()
            if any(cells):
                sinks[-1].append("\t".join(cells))
        add(el.tail)
    return out


def _count(value: str | None) -> int:
    """text:s's c attribute (how many spaces), bounded so a hostile value cannot allocate gigabytes."""
    try:
        return min(max(int(value or 1), 1), 1000)
    except ValueError:
        return 1
