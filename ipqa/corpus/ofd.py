"""OFD (GB/T 33190, China's format for electronic official documents): the text of every page's TextObjects in
reading order, and the document's DocInfo (title, author, creation date) as declared metadata.

An OFD file is a zip package: ``OFD.xml`` names each document's ``Document.xml`` (DocBody/DocRoot) and its
DocInfo; ``Document.xml`` lists the pages (Pages/Page/@BaseLoc, relative to its own folder or, with a leading
"/", to the package); a page's ``Content.xml`` holds Layers (and nested PageBlocks) of TextObjects, each with a
Boundary ("x y w h", millimetres from the page's top left) and TextCodes whose X/Y place the first character
relative to that boundary. Page order is the order Document.xml lists; within a page, characters are grouped
into lines by their baseline and each line is read left to right, because writers emit text objects in drawing
order, not reading order (a stamp, a page number or a later correction can come first). Templates (page
backgrounds) and annotations are not read. The package gets the .docx zip-bomb bounds first.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from lxml import etree

from ipqa.corpus.decode import UnreadableFile
from ipqa.corpus.formats import Extracted
from ipqa.corpus.layout import Line, paragraphs
from ipqa.corpus.xmlparts import Package, local

WHAT = "OFD file"
DEFAULT_SIZE = 3.5  # mm: a TextObject without Size (the spec's default font size is not fixed; 五号 is ~3.7 mm)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")


@dataclass(frozen=True)
class _Glyphs:
    """One TextCode placed on its page: baseline y, left x, font size (mm) and its text."""

    y: float
    x: float
    size: float
    text: str
    width: float


def read_ofd(data: bytes) -> Extracted:
    package = Package(data, WHAT)
    root = package.xml("OFD.xml")
    if local(root.tag) != "OFD":
        raise UnreadableFile(f"corrupt {WHAT}: OFD.xml is not an OFD entry file")
    pages: list[str] = []
    declared: list[tuple[str, str]] = []
    for body in _children(root, "DocBody"):
        doc_root = _child_text(body, "DocRoot")
        if not doc_root:
            continue
        if not declared:  # the first document's DocInfo describes the file
            declared = _doc_info(body)
        width, locations = _pages(package, doc_root)
        pages.extend(_page_text(package, page, width) for page in locations)
    text = "\n\n".join(p for p in pages if p.strip())
    if not text.strip():
        raise UnreadableFile(f"{WHAT} with {len(pages)} page(s) but no text objects (scanned? needs OCR)")
    title = dict(declared).get("title", "")
    return Extracted(text, "ofd", "ofd", title_hint=title, declared=tuple(declared))


def _children(el: etree._Element, name: str):
    return (child for child in el if local(child.tag) == name)


def _child_text(el: etree._Element, name: str) -> str:
    for child in _children(el, name):
        return (child.text or "").strip()
    return ""


def _doc_info(body: etree._Element) -> list[tuple[str, str]]:
    """(Metadata field, value) from DocInfo: Title → title, Author → issuer (the publishing organ signs an
    official OFD), CreationDate → date_published (the day the published file was made). Used only where the
    text itself says nothing (ipqa.corpus.reading)."""
    info = next(_children(body, "DocInfo"), None)
    if info is None:
        return []
    out = []
    for tag, field in (("Title", "title"), ("Author", "issuer")):
        if value := _child_text(info, tag):
            out.append((field, value))
    if m := _DATE.match(_child_text(info, "CreationDate")):
        out.append(("date_published", m.group()))
    return out


def _pages(package: Package, doc_root: str) -> tuple[float, list[str]]:
    """The page width (mm, from CommonData/PageArea/PhysicalBox; 0 when not given) and each page's Content.xml."""
    document = package.xml(doc_root)
    folder = posixpath.dirname(doc_root.lstrip("/"))
    width = 0.0
    for el in document.iter():
        if local(el.tag) == "PhysicalBox" and len(box := _numbers(el.text)) == 4:
            width = box[2]
            break
    locations = []
    for pages in _children(document, "Pages"):
        for page in _children(pages, "Page"):
            base = (page.get("BaseLoc") or "").strip()
            if base:
                locations.append(base if base.startswith("/") else posixpath.join(folder, base))
    return width, locations


def _page_text(package: Package, location: str, width: float) -> str:
    page = package.xml(location)
    glyphs = [g for obj in page.iter() if local(obj.tag) == "TextObject" for g in _text_object(obj)]
    return paragraphs(_lines(glyphs), width)


def _numbers(value: str | None) -> list[float]:
    return [float(n) for n in _NUMBER.findall(value or "")]


def _text_object(obj: etree._Element) -> list[_Glyphs]:
    box = _numbers(obj.get("Boundary"))
    left, top = (box[0], box[1]) if len(box) >= 2 else (0.0, 0.0)
    sizes = _numbers(obj.get("Size"))
    size = sizes[0] if sizes and sizes[0] > 0 else DEFAULT_SIZE
    out: list[_Glyphs] = []
    x = y = 0.0
    for code in obj:
        if local(code.tag) != "TextCode":
            continue
        text = "".join(code.itertext())
        # A TextCode without X/Y continues where the previous one ended (same baseline).
        x = _numbers(code.get("X"))[0] if _numbers(code.get("X")) else x
        y = _numbers(code.get("Y"))[0] if _numbers(code.get("Y")) else y
        deltas = _deltas(code.get("DeltaX"))
        width = sum(deltas[: max(len(text) - 1, 0)]) + size if deltas else size * len(text)
        if text.strip():
            out.append(_Glyphs(top + y, left + x, size, text, width))
        x += width
    return out


def _deltas(value: str | None) -> list[float]:
    """DeltaX as a list of advances; "g 3 5.2" is OFD's shorthand for three advances of 5.2."""
    parts, out = (value or "").split(), []
    i = 0
    while i < len(parts) and len(out) < 100_000:
        if parts[i] == "g" and i + 2 < len(parts):
            try:
                out.extend([float(parts[i + 2])] * min(int(float(parts[i + 1])), 100_000))
            except ValueError:
                pass
            i += 3
            continue
        try:
            out.append(float(parts[i]))
        except ValueError:
            pass
        i += 1
    return out


def _lines(glyphs: list[_Glyphs]) -> list[Line]:
    """Glyph runs grouped into lines (baselines within half a character of the line's first), each line left to
    right; a gap wider than two characters becomes a space (a signature block's name … date)."""
    lines: list[list[_Glyphs]] = []
    for g in sorted(glyphs, key=lambda g: (g.y, g.x)):
        if lines and abs(g.y - lines[-1][0].y) <= 0.5 * max(g.size, lines[-1][0].size):
            lines[-1].append(g)
        else:
            lines.append([g])
    out = []
    for line in lines:
        parts, end = [], None
        ordered = sorted(line, key=lambda g: g.x)
        for g in ordered:
            if end is not None and g.x - end > 2 * g.size:
                parts.append(" ")
            parts.append(g.text)
            end = g.x + g.width
        out.append(Line("".join(parts), ordered[0].x, end or 0.0, max(g.size for g in line), line[0].y))
    return out
