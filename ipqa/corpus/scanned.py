"""PDFs: the text layer (ipqa.corpus.formats), else the OCR text of the page images (a scan).

Reading never runs OCR itself: it is slow (10-25 s a page here), and a build must serve keyword search over the
other files first. A scan whose OCR text is not stored yet is skipped as *pending* (:class:`OcrPending`); the
build then reads the pending scans page by page (ipqa.index.ocr_pass) and indexes them in a second, incremental
pass. A scan read before comes back from the store (ipqa.corpus.ocr_store) with an ``ocr`` flag naming the
engine and its mean confidence, so people are told the text is machine-read.
"""

from __future__ import annotations

import hashlib

from ipqa.corpus import ocr, ocr_store
from ipqa.corpus.decode import UnreadableFile
from ipqa.corpus.formats import Extracted, NoTextLayer, _read_pdf
from ipqa.records import Flag

PENDING = "scanned PDF waiting for OCR"


class OcrPending(UnreadableFile):
    """A scan whose OCR text is not stored yet; ``pages`` says how many page images it has."""

    def __init__(self, pages: int) -> None:
        super().__init__(f"{PENDING} ({pages} page(s); it is read after the other files are indexed)")
        self.pages = pages


def read_pdf(data: bytes) -> Extracted:
    try:
        return _read_pdf(data)
    except NoTextLayer as exc:
        return read_scan(data, exc.pages)


def read_scan(data: bytes, pages: int) -> Extracted:
    if problem := ocr.missing():
        raise UnreadableFile(f"PDF with {pages} page(s) but no text layer (a scan); OCR needs {problem}")
    stored = ocr_store.load(hashlib.sha256(data).hexdigest(), ocr.engine())
    if stored is None:
        raise OcrPending(pages)
    if isinstance(stored, str):
        raise UnreadableFile(stored)
    return Extracted(stored.text, "ocr", "pdf", flags=(ocr_flag(stored),))


def ocr_flag(result: ocr.OcrText) -> Flag:
    detail = (
        f"text machine-read by {result.engine} from {result.pages} page image(s), mean confidence "
        f"{result.confidence:.0f}%"
    )
    if result.failed:
        detail += f"; page(s) {', '.join(map(str, result.failed))} could not be read"
    if result.total_pages > result.pages:
        detail += f"; only the first {result.pages} of {result.total_pages} pages were read"
    return Flag("ocr", detail)


def is_pending(reason: str) -> bool:
    """Whether a skip reason is a scan waiting for OCR (what ipqa.index.ocr_pass picks up)."""
    return reason.startswith(PENDING)


def run_ocr(data: bytes, pages: int, on_page=None) -> ocr.OcrText | str:
    """Read a scan now and store the reading (or why it failed) for every later read of the same bytes."""
    result: ocr.OcrText | str = ocr.ocr_pdf(data, pages, on_page=on_page)
    if not result.text.strip():
        result = f"scanned PDF with {pages} page(s): OCR found no text"
    ocr_store.save(hashlib.sha256(data).hexdigest(), result)
    return result
