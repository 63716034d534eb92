"""Scanned PDFs: OCR with Tesseract on pdftoppm page images, only for PDFs without a text layer, stored by the
file's sha256 so citations index into the same text every time; pending at read time, read after the keyword
index of the other files is served. The slow tests run the real Tesseract on a scan made as a scanner makes it."""

from __future__ import annotations

import hashlib
import io
import json
import time
from pathlib import Path

import pytest

from ipqa.corpus import external, ocr, ocr_store, scanned
from ipqa.corpus.decode import UnreadableFile
from ipqa.corpus.reading import read_document, read_one
from ipqa.views.findings import flag_messages, skip_reason
from tests.helpers.convert import libreoffice, scan, tools_problem

TEXT = """测试市人民政府办公室关于印发测试市专利导航工作方案的通知

一、工作任务
（一）开展专利导航服务，建设专利导航服务基地。（市市场监管局负责）
（二）加强知识产权保护，严厉打击侵权假冒行为。（市司法局负责）

测试市人民政府办公室
2024年5月6日
"""
OCR_TOOLS = tools_problem("soffice", "pdftoppm", "tesseract") or ocr.missing()


@pytest.fixture(autouse=True)
def own_store(tmp_path, monkeypatch):
    monkeypatch.setenv("IPQA_OCR_CACHE", str(tmp_path / "ocr-store"))


def blank_scan() -> bytes:
    """A one-page PDF made of an image only (no text layer), with Pillow."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (600, 800), 255).save(buffer, format="PDF", resolution=100)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def scan_pdf(tmp_path_factory) -> bytes:
    """TEXT through LibreOffice → PDF → page images at 110 dpi → a PDF of the images."""
    if OCR_TOOLS:
        pytest.skip(f"OCR cannot run here: {OCR_TOOLS}")
    folder = tmp_path_factory.mktemp("scan")
    (folder / "notice.txt").write_text(TEXT, encoding="utf-8")
    (pdf,) = libreoffice([folder / "notice.txt"], "pdf", folder / "pdf")
    return scan(pdf, folder / "scan.pdf").read_bytes()


_ROWS = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
    "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t",
    "5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t96.5\t一、工作",
    "5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t90\t任务",
    "5\t1\t1\t1\t2\t1\t0\t0\t10\t10\t80\tISO",
    "5\t1\t1\t1\t2\t2\t0\t0\t10\t10\t70\t9001",
    "5\t1\t1\t1\t2\t3\t0\t0\t10\t10\t95\t认证",
)
TSV = "\n".join(_ROWS)


def test_tesseract_words_become_lines_without_the_spaces_it_puts_between_chinese_characters():
    text, conf = ocr.from_tsv(TSV)
    assert text == "一、工作任务\nISO 9001认证"
    assert conf == [(96.5, 4), (90.0, 2), (80.0, 3), (70.0, 4), (95.0, 2)]


def _word(line: int, left: int, top: int, text: str, word: int = 1) -> str:
    """One TSV word of 40 px characters, at most the 800 px the text block is wide."""
    return f"5\t1\t1\t1\t{line}\t{word}\t{left}\t{top}\t{min(40 * len(text), 800)}\t40\t95\t{text}"


def test_a_paragraph_the_page_wrapped_is_joined_and_punctuation_is_full_width():
    # a 1,000 px wide page with 100 px margins: lines reaching x = 900 were wrapped by the layout
    rows = [
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "1\t1\t0\t0\t0\t0\t0\t0\t1000\t1400\t-1\t",
        _word(1, 100, 100, "一、工作任务"),
        _word(2, 100, 160, "（一）开展专利导航服务，建设专利导航服务基地，推动专利导航成果运用(省市场监"),
        _word(3, 100, 220, "管局负责)"),
        _word(4, 100, 280, "（二）加强保护。单位:市司法局，标准ISO 9001:2015"),
    ]
    text, _ = ocr.from_tsv("\n".join(rows))
    assert text.split("\n") == [
        "一、工作任务",
        "（一）开展专利导航服务，建设专利导航服务基地，推动专利导航成果运用（省市场监管局负责）",
        "（二）加强保护。单位：市司法局，标准ISO 9001:2015",
    ]


def test_without_tesseract_the_reason_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(external, "program", lambda *names: None)
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_scan())
    result = read_one(path, tmp_path)
    assert "no text layer" in result.reason and "poppler-utils" in result.reason
    assert "poppler-utils" in skip_reason(result.reason) and "扫描件" in skip_reason(result.reason)


@pytest.mark.skipif(bool(ocr.missing()), reason=f"OCR cannot run here: {ocr.missing()}")
def test_a_scan_not_read_yet_is_pending_not_read_during_the_build(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_scan())
    began = time.perf_counter()
    result = read_one(path, tmp_path)
    assert time.perf_counter() - began < 5  # no OCR at read time
    assert scanned.is_pending(result.reason)
    assert "排队" in skip_reason(result.reason)


def _store(data: bytes, text: str, confidence: float = 91.0) -> None:
    result = ocr.OcrText(text, confidence, 1, 12.5, ocr.engine(), (), 1)
    ocr_store.save(hashlib.sha256(data).hexdigest(), result)


@pytest.mark.skipif(bool(ocr.missing()), reason=f"OCR cannot run here: {ocr.missing()}")
def test_a_stored_reading_is_the_documents_text_with_an_ocr_flag_and_citations_verify(tmp_path):
    from ipqa.answer.pipeline import ask
    from ipqa.evaluation.verify import verify_citations
    from ipqa.index import Index, build_index
    from ipqa.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    data = blank_scan()
    (corpus / "scan.pdf").write_bytes(data)
    _store(data, TEXT)
    doc = read_document(corpus / "scan.pdf", corpus)
    assert doc.text == TEXT and doc.encoding == "ocr"
    (flag,) = [f for f in doc.flags if f.kind == "ocr"]
    assert "mean confidence 91%" in flag.detail and ocr.engine() in flag.detail
    assert any("机器识别" in m and "91%" in m for m in flag_messages(doc.flags))
    build_index([corpus], tmp_path / "index", Settings(model=""))
    index = Index.load(tmp_path / "index")
    answer = ask(index, "谁负责专利导航服务？")
    assert "市市场监管局" in answer.text and answer.citations
    report = verify_citations([c.to_dict() for c in answer.citations], tmp_path / "index")
    assert report.problems == []


@pytest.mark.skipif(bool(ocr.missing()), reason=f"OCR cannot run here: {ocr.missing()}")
def test_a_failed_reading_is_kept_so_the_scan_is_not_retried_every_build(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_scan())
    result = scanned.run_ocr(path.read_bytes(), 1)
    assert isinstance(result, str) and "OCR found no text" in result
    assert "未识别出文字" in skip_reason(read_one(path, tmp_path).reason)


@pytest.mark.slow
def test_tesseract_reads_a_110_dpi_scan(scan_pdf):
    result = scanned.run_ocr(scan_pdf, 1)
    assert not isinstance(result, str), result
    assert result.pages == 1 and result.confidence > 60 and not result.failed
    for phrase in ("专利导航服务", "市市场监管局负责", "知识产权保护", "测试市人民政府办公室"):
        assert phrase in result.text.replace(" ", ""), phrase
    stored = json.loads(next(Path(ocr_store.folder()).glob("*.json")).read_text(encoding="utf-8"))
    assert stored["text"] == result.text


@pytest.mark.slow
def test_each_page_is_bounded_in_time(scan_pdf):
    began = time.perf_counter()
    result = ocr.ocr_pdf(scan_pdf, 1, page_seconds=0.3)
    assert time.perf_counter() - began < 10
    assert result.failed == (1,) and result.text == ""


@pytest.mark.slow
def test_the_build_serves_the_other_files_before_ocr_then_adds_the_scan(scan_pdf, tmp_path):
    from ipqa.index import Index, build_index
    from ipqa.settings import Settings
    from tests.helpers.paths import CORPUS

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notice.pdf").write_bytes(scan_pdf)
    seed = next(CORPUS.glob("004_*.txt"))
    (corpus / seed.name).write_bytes(seed.read_bytes())
    served = {}

    def progress(stage, done, total):
        if stage == "ocr" and not served:  # the first OCR page: the keyword index is already swapped in
            index = Index.load(tmp_path / "index")
            served["docs"] = set(index.documents)
            served["hits"] = len(index.search("知识产权", k=3).hits)

    report = build_index([corpus], tmp_path / "index", Settings(model=""), progress=progress)
    assert served == {"docs": {seed.stem}, "hits": 3}
    assert report.ocr.scans == 1 and report.ocr.pages == 1 and report.ocr.pages_per_second > 0
    index = Index.load(tmp_path / "index")
    doc = index.documents["notice"]
    assert any(f.kind == "ocr" for f in doc.flags)
    clauses = [c for c in index.clauses if c.doc_id == "notice"]
    assert clauses and all(doc.text[c.start : c.end] == c.text for c in clauses)
    assert not report.skipped


def test_a_pending_reason_is_not_taken_for_a_failure():
    with pytest.raises(UnreadableFile):
        raise scanned.OcrPending(3)
    assert scanned.is_pending(str(scanned.OcrPending(3)))
    assert not scanned.is_pending("scanned PDF with 3 page(s): OCR found no text")


def test_a_first_item_label_read_as_a_letter_is_put_back():
    assert ocr._first_item("（二）基本原则\n工.坚持市场导向。\n工作任务\nI.加强保护") == (
        "（二）基本原则\n1.坚持市场导向。\n工作任务\n1.加强保护"
    )
