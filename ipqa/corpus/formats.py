"""Per-format text extraction: ``.txt``/``.md`` verbatim (decoded), ``.html``/``.htm`` via BeautifulSoup with
block structure kept as line breaks, ``.docx`` paragraphs and tables in body order
(content controls and nested tables included, :mod:`ipqa.corpus.word`), ``.pdf`` page text with wrapped
lines joined and look-alike glyphs folded (:mod:`ipqa.corpus.pdftext`). The formats read by their own modules are
dispatched from here: ``.doc``/``.wps`` (ipqa.corpus.office, LibreOffice), ``.odt`` (ipqa.corpus.odt), ``.ofd``
(ipqa.corpus.ofd) and PDFs without a text layer (ipqa.corpus.scanned, OCR).

The format is sniffed from the bytes as well as the name: a ``.txt`` that is really a PDF, or a ``.docx`` that
is really plain text, is read as what it is and reported with a ``format_mismatch`` note. A .docx is checked
for zip bombs (declared decompressed sizes and ratios, :func:`check_zip`) before it is opened; PDF streams are
bounded by pypdf's own output limits, reported as such.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, replace

from ipqa.corpus.decode import UnreadableFile, decode

log = logging.getLogger(__name__)

SUFFIXES = {
    ".txt": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".doc": "doc",
    ".wps": "doc",  # WPS Office's word-processor files are .doc-compatible (OLE2 compound files)
    ".odt": "odt",
    ".ofd": "ofd",
}
_PLAIN = ("text", "html")  # formats whose bytes carry no signature: anything else unsigned is read as text
# Elements that are never document text; nav is site chrome (menus, breadcrumbs).
_DROP_TAGS = ("script", "style", "nav", "noscript", "template", "iframe", "svg", "head", "button", "select")
_BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "hr",
    "form",
    "center",
    "main",
    "aside",
    "figure",
    "figcaption",
    "address",
    "caption",
    "tbody",
    "thead",
)
_CELL_TAGS = ("td", "th")
_SPACES = re.compile(r"[ \u00a0\u3000]+")
_CELL_GAP = re.compile(r"\s*\t[\s\t]*")
# Zip bombs (a 3.4 MB .docx holding 1 GB of XML reached 7 GB in python-docx): the sizes a Word package's
# members declare in its central directory are checked before anything is decompressed (zipfile never inflates a
# member past its declared size: it stops and fails the CRC). python-docx keeps every part it reads in memory and
# lxml's tree of an XML part takes several times its size, so the XML parts get the lower bound. A long real
# document.xml is a few MB (a 300-page report ~10 MB) and compresses 5-20x; image parts barely compress.
MB = 1 << 20
ZIP_MAX_TOTAL = 256 << 20  # all members, decompressed
ZIP_MAX_XML = 64 << 20  # the XML parts together (.xml, .rels), decompressed
ZIP_MAX_RATIO = 100  # decompressed / compressed for one member over ZIP_RATIO_FROM; deflate tops out near 1,030
ZIP_RATIO_FROM = 4 << 20  # small members compress in odd ratios (a run of spaces), and cost nothing anyway
ZIP_MAX_MEMBERS = 10_000  # a real .docx has a few dozen

_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .doc, .wps (and .xls, which LibreOffice reads too)


class NoTextLayer(UnreadableFile):
    """A PDF whose pages carry no text (a scan): ipqa.corpus.scanned reads it by OCR."""

    def __init__(self, reason: str, pages: int) -> None:
        super().__init__(reason)
        self.pages = pages


@dataclass(frozen=True)
class Extracted:
    text: str
    encoding: str  # how the text was decoded ("docx", "pdf" for container formats)
    kind: str  # the format actually read: text / html / docx / pdf
    title_hint: str = ""  # a title the container declares (<title>, docx core properties, PDF /Title)
    note: str = ""  # e.g. a mismatch between the file name and its content
    # Metadata fields the container declares (OFD's DocInfo): (Metadata field, value), used where the text says
    # nothing; and findings about how the text was obtained (OCR), as ipqa.records.Flag.
    declared: tuple[tuple[str, str], ...] = ()
    flags: tuple = ()


def sniff(data: bytes) -> str | None:
    """The format the bytes announce, or None when they carry no signature (plain text)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        from ipqa.corpus.packages import zip_kind

        return zip_kind(data)
    if data.startswith((_OLE2, b"{\\rtf")):  # RTF saved as .doc is common; LibreOffice reads it
        return "doc"
    if _HTML_START.match(data[:1024].lstrip(b"\xef\xbb\xbf")):
        return "html"
    return None


def extract(data: bytes, suffix: str) -> Extracted:
    """Text of a file's bytes; ``suffix`` is the lower-case extension. Raises UnreadableFile."""
    named = SUFFIXES.get(suffix)
    if named is None:
        raise UnreadableFile(f"unsupported format {suffix or '(no extension)'}")
    kind = sniff(data) or ("text" if named not in _PLAIN else named)
    result = _reader(kind)(data)
    if kind != named:
        note = f"file named {suffix} holds {kind} content; read as {kind}"
        log.info(note)
        result = replace(result, kind=kind, note=note)
    return result


def _reader(kind: str):
    """The function that reads a format's bytes; the formats with modules of their own are imported on use."""
    if kind == "doc":
        from ipqa.corpus.office import read_doc

        return read_doc
    if kind == "odt":
        from ipqa.corpus.odt import read_odt

        return read_odt
    if kind == "ofd":
        from ipqa.corpus.ofd import read_ofd

        return read_ofd
    if kind == "pdf":
        from ipqa.corpus.scanned import read_pdf  # the text layer, else OCR

        return read_pdf
    return {"text": _read_text, "html": _read_html, "docx": _read_docx}[kind]


def _read_text(data: bytes) -> Extracted:
    text, encoding = decode(data)
    return Extracted(text, encoding, "text")


def _read_html(data: bytes) -> Extracted:
    from bs4 import BeautifulSoup

    text, encoding = decode(data)
    soup = BeautifulSoup(text, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    lines = (_CELL_GAP.sub("\t", _SPACES.sub(" ", line)).strip() for line in _visible_text(soup).split("\n"))
    body = "\n".join(line for line in lines if line)
    if not body.strip():
        raise UnreadableFile("HTML page without visible text")
    return Extracted(body, encoding, "html", title_hint=title)


def _visible_text(soup) -> str:
    """The page's text with block elements on their own lines and table cells tab-separated, in one linear walk
    over the parse tree. Inserting separator nodes into the tree instead costs time proportional to each
    element's depth (bs4 finds the last descendant on every insert): 10,000 nested <div>s took seconds, 100,000
    minutes. No recursion either, so hostile nesting cannot overflow the stack."""
    from bs4.element import CData, NavigableString, Tag

    parts: list[str] = []
    open_tags: list[Tag] = []  # the current element's ancestors, innermost last
    hidden = 0  # how many of them are dropped elements (script, nav …): their text is not document text

    def close(tag: Tag) -> None:
        nonlocal hidden
        if tag.name in _DROP_TAGS:
            hidden -= 1
        elif not hidden and tag.name in _BLOCK_TAGS:
            parts.append("\n")
        elif not hidden and tag.name in _CELL_TAGS:
            parts.append("\t")

    for node in soup.descendants:
        while open_tags and node.parent is not open_tags[-1]:
            close(open_tags.pop())
        if isinstance(node, Tag):
            open_tags.append(node)
            if node.name in _DROP_TAGS:
                hidden += 1
            elif not hidden and node.name in _BLOCK_TAGS:
                parts.append("\n")
        elif not hidden and type(node) in (NavigableString, CData):
            parts.append(str(node))
    while open_tags:
        close(open_tags.pop())
    return "".join(parts)


# An object's default repr in a library's message ("file '<_io.BytesIO object at 0x7f…>' is not a Word file"):
# the reader hands libraries bytes in memory, so the file is "the file", not an address.
_OBJECT_REPR = re.compile(r"'?<[\w.]+ object at 0x[0-9a-fA-F]+>'?")


def _reason(exc: Exception) -> str:
    """A library's exception as a skip reason: its type and message, without object addresses."""
    return f"{type(exc).__name__}: {_OBJECT_REPR.sub('the file', str(exc))}"


def check_zip(data: bytes, what: str = "Word .docx file") -> None:
    """Refuse (UnreadableFile) a zip package whose declared decompressed sizes or ratios exceed the ZIP_MAX_*
    bounds; it reads only the central directory, never a member's content."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UnreadableFile(f"corrupt or not a {what} ({type(exc).__name__}: {exc})") from exc
    if len(members) > ZIP_MAX_MEMBERS:
        raise UnreadableFile(f"{what} with {len(members):,} parts (more than {ZIP_MAX_MEMBERS:,}): not read")
    for m in members:
        if m.file_size > ZIP_RATIO_FROM and m.file_size > ZIP_MAX_RATIO * max(m.compress_size, 1):
            raise UnreadableFile(
                f"{what} whose part {m.filename} decompresses {m.file_size / max(m.compress_size, 1):,.0f} times its "
                f"stored size (limit {ZIP_MAX_RATIO}): not read, it may be a zip bomb"
            )
    total = sum(m.file_size for m in members)
    xml = sum(m.file_size for m in members if m.filename.lower().endswith((".xml", ".rels")))
    if total > ZIP_MAX_TOTAL or xml > ZIP_MAX_XML:
        size, limit = (xml, ZIP_MAX_XML) if xml > ZIP_MAX_XML else (total, ZIP_MAX_TOTAL)
        raise UnreadableFile(
            f"{what} that decompresses to {size / MB:,.0f} MB (limit {limit / MB:,.0f} MB): not read, it may be "
            "a zip bomb"
        )


def _read_docx(data: bytes) -> Extracted:
    import docx

    from ipqa.corpus.word import body_lines

    check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile(f"corrupt or not a Word .docx file ({_reason(exc)})") from exc
    except Exception as exc:  # python-docx surfaces lxml/opc errors of many types for damaged packages
        raise UnreadableFile(f"corrupt .docx file ({_reason(exc)})") from exc
    lines = body_lines(document.element.body)
    text = "\n".join(lines)
    if not text.strip():
        raise UnreadableFile("Word document without text")
    title = (document.core_properties.title or "").strip()
    return Extracted(text, "docx", "docx", title_hint=title)


def _read_pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    from ipqa.corpus.pdftext import pdf_text

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every slightly malformed file
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("encrypted PDF (needs a password)")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except UnreadableFile:
        raise
    except LimitReachedError as exc:  # pypdf's own bounds on decompressed streams (75 MB each by default)
        raise UnreadableFile(f"PDF over pypdf's size limits ({exc}): not read, it may be a zip bomb") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise UnreadableFile(f"corrupt PDF ({_reason(exc)})") from exc
    text = pdf_text(pages)
    if not text.strip():
        raise NoTextLayer(f"PDF with {len(pages)} page(s) but no extractable text (scanned? needs OCR)", len(pages))
    title = str(info.title).strip() if info and info.title else ""
    return Extracted(text, "pdf", "pdf", title_hint=title)
