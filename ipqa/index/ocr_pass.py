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


def needs_ocr(index_dir: Path) -> bool:
    """Whether the index at ``index_dir`` lists scans waiting for OCR (and OCR can run here)."""
    from ipqa.corpus import ocr
    from ipqa.index import store
    from ipqa.index.manifest import read_manifest

    try:
        skipped = read_manifest(Path(index_dir), verify=False).skipped
    except store.IndexLoadError:
        return False
    return bool(pending_scans(skipped)) and not ocr.missing()


def complete_pending(index_dir: Path, progress=None, wait: float | None = None):
    """OCR the scans the index at ``index_dir`` lists as pending, then rebuild it from the folders and settings
    its manifest records (every other document is re-used as it is): the OCR report and the rebuild's
    BuildReport, or None when no scan was pending. ``ipqa build`` runs this after its swap; the app runs it in
    the background, as it does the clause vectors."""
    from ipqa.index.build import build_index
    from ipqa.index.manifest import read_manifest

    manifest = read_manifest(Path(index_dir), verify=False)
    scans = pending_scans(manifest.skipped)
    if not scans:
        return None
    done = read_pending(scans, progress)
    roots = [Path(r) for r in manifest.roots]
    rebuilt = build_index(
        roots, Path(index_dir), manifest.settings, progress=progress, wait=wait, embed=False, ocr=False
    )
    return done, rebuilt
