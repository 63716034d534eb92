"""OCR of a PDF's page images: poppler's ``pdftoppm`` renders each page, Tesseract (Debian ``tesseract-ocr`` with
``tesseract-ocr-chi-sim`` / ``-chi-tra``) reads it, one page at a time within a time limit per page.

The text is assembled from Tesseract's TSV output (words with their block, paragraph and line, and a confidence
per word): one line of text per line Tesseract found, words joined without spaces except between two Latin words
or numbers (Tesseract separates Chinese characters it reads with spaces that are not in the document). The mean
confidence is weighted by characters. Tesseract runs on one thread (``OMP_THREAD_LIMIT=1``): OCR runs in the
background of a build and must leave the other core to the searches being served.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ipqa.corpus import external
from ipqa.corpus.layout import Line, paragraphs

log = logging.getLogger(__name__)

# Simplified Chinese first; a page it reads poorly (mean confidence under RETRY_BELOW, as a traditional-script scan
# is) is read again with the traditional model and the better reading kept. "chi_sim+chi_tra" in one pass took
# twice the time per page on seed 004 (23 s against 12 s) for the same confidence.
LANGUAGES = "chi_sim"
RETRY_LANGUAGES = "chi_tra"
RETRY_BELOW = 70.0
DPI = 300  # the page images of a scan are often ~100-150 dpi; Tesseract wants text ~30 px high
PAGE_SECONDS = 120.0  # one page: rendering plus recognition (a dense A4 page takes 10-25 s here)
MAX_PAGES = 500  # a longer scan is read up to here and flagged as cut
PACKAGES = "tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra poppler-utils"


@dataclass(frozen=True)
class OcrText:
    text: str
    confidence: float  # mean word confidence, 0-100, weighted by characters
    pages: int  # pages read
    seconds: float
    engine: str  # e.g. "tesseract 5.3.0 chi_sim 300dpi"
    failed: tuple[int, ...] = ()  # 1-based pages that timed out or could not be rendered
    total_pages: int = 0
    # Tesseract's own output per page (TSV): the text is assembled from it (:func:`assemble`), so a better
    # assembly applies to stored readings without reading the scans again.
    tsv: tuple[str, ...] = ()


def assemble(tsv: tuple[str, ...]) -> tuple[str, float]:
    """(text, mean confidence) of the pages' TSV output; pages are separated by a blank line."""
    texts, weights = [], []
    for page in tsv:
        text, conf = from_tsv(page)
        texts.append(text)
        weights.extend(conf)
    return "\n\n".join(t for t in texts if t.strip()), round(_mean(weights), 1)


def missing() -> str:
    """Why OCR cannot run here ("" when it can): the missing program or language data and its Debian package."""
    if not external.program("pdftoppm"):
        return "pdftoppm (Debian package poppler-utils) is not installed"
    if not external.program("tesseract"):
        return "Tesseract (Debian package tesseract-ocr) is not installed"
    if "chi_sim" not in _languages():
        return "Tesseract's Chinese data (Debian package tesseract-ocr-chi-sim) is not installed"
    return ""


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    try:
        _, out, err = external.run(["tesseract", "--list-langs"], 30, tempfile.gettempdir())
    except (external.TimedOut, OSError):
        return frozenset()
    return frozenset(line.strip() for line in (out + err).decode("utf-8", "replace").splitlines()[1:])


@lru_cache(maxsize=1)
def engine() -> str:
    """The engine and its settings, as recorded with every OCR text (a change of any of them means new text)."""
    try:
        _, out, err = external.run(["tesseract", "--version"], 30, tempfile.gettempdir())
        version = (out + err).decode("utf-8", "replace").split()[1]
    except (external.TimedOut, OSError, IndexError):
        version = "?"
    return f"tesseract {version} {LANGUAGES} ({RETRY_LANGUAGES} below {RETRY_BELOW:.0f}) {DPI}dpi"


def ocr_pdf(data: bytes, pages: int, page_seconds: float = PAGE_SECONDS, on_page=None) -> OcrText:
    """The text of a PDF's ``pages`` page images (at most MAX_PAGES), one page within ``page_seconds``."""
    began = time.perf_counter()
    tsv, failed = [], []
    with tempfile.TemporaryDirectory(prefix="ipqa-ocr-") as work:
        Path(work, "in.pdf").write_bytes(data)
        for number in range(1, min(pages, MAX_PAGES) + 1):
            try:
                tsv.append(_page(work, number, page_seconds))
            except (external.TimedOut, OSError, ValueError) as exc:
                log.warning("OCR of page %d failed: %s", number, exc)
                failed.append(number)
            if on_page:
                on_page(number, pages)
    text, confidence = assemble(tuple(tsv))
    return OcrText(
        text,
        confidence,
        min(pages, MAX_PAGES),
        time.perf_counter() - began,
        engine(),
        tuple(failed),
        pages,
        tuple(tsv),
    )


def _page(work: str, number: int, seconds: float) -> str:
    """Tesseract's TSV for one page: simplified Chinese, or traditional where that reads the page better."""
    deadline = time.perf_counter() + seconds
    image = Path(work, f"page-{number}")
    render = ["pdftoppm", "-r", str(DPI), "-f", str(number), "-l", str(number), "-singlefile", "-gray", "-png"]
    code, _, err = external.run([*render, "in.pdf", image.name], seconds, work)
    if code or not image.with_suffix(".png").is_file():
        raise ValueError(f"pdftoppm exited {code}: {err.decode('utf-8', 'replace')[-300:]}")
    png = image.with_suffix(".png").name
    try:
        tsv = _recognise(work, png, LANGUAGES, deadline)
        mean = _mean(from_tsv(tsv)[1])
        if mean < RETRY_BELOW and RETRY_LANGUAGES in _languages() and deadline - time.perf_counter() > 1:
            again = _recognise(work, png, RETRY_LANGUAGES, deadline)
            if _mean(from_tsv(again)[1]) > mean:
                tsv = again
    finally:
        image.with_suffix(".png").unlink(missing_ok=True)
    return tsv


def _recognise(work: str, png: str, languages: str, deadline: float) -> str:
    left = max(deadline - time.perf_counter(), 1.0)
    command = ["tesseract", png, "stdout", "-l", languages, "--psm", "3", "tsv"]
    code, out, err = external.run(command, left, work, env={"OMP_THREAD_LIMIT": "1"})
    if code:
        raise ValueError(f"tesseract exited {code}: {err.decode('utf-8', 'replace')[-300:]}")
    return out.decode("utf-8", "replace")


def _mean(conf: list[tuple[float, int]]) -> float:
    chars = sum(n for _, n in conf)
    return sum(c * n for c, n in conf) / chars if chars else 0.0


def from_tsv(tsv: str) -> tuple[str, list[tuple[float, int]]]:
    """(text, [(confidence, characters) per word]) from Tesseract's TSV output: its lines in its order, a
    paragraph wrapped at the right edge joined again (ipqa.corpus.layout), Chinese punctuation full-width."""
    words: dict[tuple[str, str, str], list[tuple[str, int, int, int, int]]] = {}
    conf: list[tuple[float, int]] = []
    width = 0.0
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12:
            continue
        try:
            left, top, w, h, c = int(cols[6]), int(cols[7]), int(cols[8]), int(cols[9]), float(cols[10])
        except ValueError:
            continue
        if cols[0] == "1":
            width = float(w)
        if cols[0] != "5" or not cols[11].strip():
            continue
        word = cols[11].strip()
        words.setdefault((cols[2], cols[3], cols[4]), []).append((word, left, top, w, h))
        conf.append((max(c, 0.0), len(word)))
    lines = []
    for line in words.values():
        heights = sorted(h for *_, h in line)
        lines.append(
            Line(
                _join([word for word, *_ in line]),
                min(left for _, left, *_ in line),
                max(left + w for _, left, _, w, _ in line),
                float(heights[len(heights) // 2]),
                float(min(top for _, _, top, *_ in line)),
            )
        )
    return _first_item(full_width(paragraphs(lines, width))), conf


def _join(words: list[str]) -> str:
    out = words[0]
    for word in words[1:]:
        out += (
            " " if out[-1].isascii() and out[-1].isalnum() and word[0].isascii() and word[0].isalnum() else ""
        ) + word
    return out


_CJK = "\u3400-\u9fff\uf900-\ufaff"
_HALF = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_HALF_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])[(),:;?!]|[(),:;?!](?=[{_CJK}])")


# "1." at the start of an item, read as 工/I/l/| (a serif 1): the first item of every list loses its label, and the
# clause with it. No Chinese line starts with 工 and a full stop before more text, so the label is put back.
_ONE = re.compile(rf"^[工Il|]([.．、])(?=[{_CJK}“《（(])", re.MULTILINE)


def _first_item(text: str) -> str:
    return _ONE.sub(r"1\1", text)


def full_width(text: str) -> str:
    """Half-width punctuation touching a Chinese character made full-width: Tesseract's Chinese models write
    "(省市场监管局负责)" and "单位:" for the document's "（…）" and "：", which the unit and label patterns (and a
    person reading the quote) expect as printed. Between Latin letters or digits ("ISO 9001:2015") they stay."""
    return _HALF_NEXT_TO_CJK.sub(lambda m: _HALF[m.group()], text)
