"""Reading the scans a build left pending: OCR runs after the keyword index of every other file has been swapped
in (so search serves while it runs), one scan at a time, each page bounded in time (ipqa.corpus.ocr). Each
reading is stored by the scan's sha256 (ipqa.corpus.ocr_store); the build that follows reads the scans from
there and re-uses every other document as it is, so indexing them costs one incremental rebuild.

Like the clause vectors (ipqa.index.embed), this is a pass over the serving index rather than a step inside the
build; unlike them, its result is text, which changes clauses and tokens, so it ends in a rebuild.
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from ipqa.corpus import scanned
from ipqa.corpus.decode import UnreadableFile

log = logging.getLogger(__name__)


@dataclass
class OcrReport:
    scans: int = 0  # scans read by this pass
    pages: int = 0
    seconds: float = 0.0
    failed: list[str] = field(default_factory=list)  # "path: reason" of scans that could not be read

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def pending_scans(skipped) -> list[str]:
    """The paths of the skipped files (ipqa.corpus.reading.Skipped) that are scans waiting for OCR."""
    return [s.path for s in skipped if scanned.is_pending(s.reason)]


def read_pending(paths: list[str], progress=None) -> OcrReport:
    """OCR every pending scan and store its text; ``progress("ocr", page, pages)`` after each page."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    from ipqa.corpus.reading import read_bytes

    report = OcrReport()
    began = time.perf_counter()
    for path in paths:
        try:
            data = read_bytes(Path(path))
            pages = len(PdfReader(io.BytesIO(data)).pages)
        except (UnreadableFile, PyPdfError, ValueError, KeyError, OSError) as exc:  # changed since it was listed
            report.failed.append(f"{path}: {exc}")
            continue
        log.info("OCR of %s (%d pages)", path, pages)
        on_page = (lambda done, total: progress("ocr", done, total)) if progress else None
        result = scanned.run_ocr(data, pages, on_page)
        if isinstance(result, str):
            report.failed.append(f"{path}: {result}")
        else:
            report.pages += result.pages
        report.scans += 1
    report.seconds = time.perf_counter() - began
    log.info("OCR pass: %d scans, %d pages in %.1f s", report.scans, report.pages, report.seconds)
    return report
