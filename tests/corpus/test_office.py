""".doc and .wps through LibreOffice headless (Debian's libreoffice-writer-nogui): real conversions of files that
LibreOffice itself wrote, the time limit, and the skip reason where the converter is missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ipqa.clauses.split import split_clauses
from ipqa.corpus import external, office
from ipqa.corpus.decode import UnreadableFile
from ipqa.corpus.formats import extract, sniff
from ipqa.corpus.reading import read_document, read_one
from ipqa.views.findings import skip_reason
from tests.helpers.convert import libreoffice, tools_problem
from tests.helpers.paths import CORPUS

needs_soffice = pytest.mark.skipif(bool(tools_problem("soffice")), reason=tools_problem("soffice"))
SEED_004 = CORPUS / "004_deb30e83b76c7ed3.txt"
SEED_001 = CORPUS / "001_e22083f13b5790bb.txt"


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    """Seeds 001 and 004 and a Word file with automatic list numbering, saved as .doc by LibreOffice."""
    if problem := tools_problem("soffice"):
        pytest.skip(problem)
    import docx

    folder = tmp_path_factory.mktemp("office")
    numbered = docx.Document()
    numbered.add_paragraph("测试市专利导航工作方案")
    for text in ("开展专利导航服务。（市市场监管局负责）", "加强知识产权保护。（市司法局负责）"):
        numbered.add_paragraph(text, style="List Number")
    numbered.save(folder / "numbered.docx")
    sources = [folder / "004.txt", folder / "001.txt", folder / "numbered.docx"]
    shutil.copy(SEED_004, sources[0])
    shutil.copy(SEED_001, sources[1])
    libreoffice(sources, "doc", folder / "doc")
    return folder / "doc"


def _starts(clauses) -> set[str]:
    return {c.text[:24] for c in clauses}


@needs_soffice
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_seed_004_as_doc_and_wps_keeps_its_clauses(docs, tmp_path, suffix):
    path = tmp_path / f"004{suffix}"  # a .wps is a .doc by another name (WPS writes the same format)
    shutil.copy(docs / "004.doc", path)
    doc = read_document(path, tmp_path)
    assert doc.encoding == "doc" and not any(f.kind == "format_mismatch" for f in doc.flags)
    ref = split_clauses(read_document(SEED_004, CORPUS))
    got = split_clauses(doc)
    assert sum(start in _starts(got) for start in _starts(ref)) >= 0.9 * len(ref)
    assert doc.meta.title == "泰安市“十四五”知识产权保护和运用规划"
    for clause in got:
        assert doc.text[clause.start : clause.end] == clause.text


@needs_soffice
def test_seed_001_from_doc_has_the_same_lead_units(docs):
    ref = {c.text[:24]: c.departments.lead for c in split_clauses(read_document(SEED_001, CORPUS)) if c.departments}
    got = {c.text[:24]: c.departments.lead for c in split_clauses(read_document(docs / "001.doc", docs))}
    assert len(ref) > 30
    assert sum(got.get(start) == lead for start, lead in ref.items()) >= 0.9 * len(ref)


@needs_soffice
def test_automatic_numbering_is_kept_as_text(docs):
    # Word's list numbers are not characters of the paragraphs: LibreOffice's text export writes them out
    text = extract((docs / "numbered.doc").read_bytes(), ".doc").text
    assert "1. 开展专利导航服务" in text and "2. 加强知识产权保护" in text


@needs_soffice
def test_a_conversion_past_its_time_limit_is_killed(docs):
    with pytest.raises(UnreadableFile, match="longer than"):
        office.convert((docs / "004.doc").read_bytes(), "doc", timeout=0.3)
    profile = office._profiles[os.getpid()]
    running = []
    for entry in Path("/proc").iterdir():
        try:
            if profile.encode() in (entry / "cmdline").read_bytes():
                running.append(entry.name)
        except OSError:
            continue
    assert not running, f"soffice still running: {running}"


@needs_soffice
def test_a_broken_doc_is_skipped_with_a_reason(tmp_path):
    path = tmp_path / "broken.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4000))
    result = read_one(path, tmp_path)
    assert not hasattr(result, "text")
    assert skip_reason(result.reason) != result.reason  # said in Chinese


def test_without_libreoffice_the_reason_names_the_converter(monkeypatch, tmp_path):
    monkeypatch.setattr(external, "program", lambda *names: None)
    path = tmp_path / "a.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    result = read_one(path, tmp_path)
    assert "LibreOffice" in result.reason and "libreoffice-writer-nogui" in result.reason
    assert "libreoffice-writer-nogui" in skip_reason(result.reason) and "未安装" in skip_reason(result.reason)


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "doc"),
        (b"{\\rtf1\\ansi text}", "doc"),  # RTF saved as .doc: LibreOffice reads it
        (b"<html><body><p>\xe6\xad\xa3\xe6\x96\x87</p></body></html>", "html"),  # web pages saved as .doc
    ],
)
def test_what_a_doc_really_is_comes_from_its_bytes(data, kind):
    assert sniff(data) == kind


def test_a_doc_holding_html_is_read_as_html_with_a_note():
    got = extract("<html><body><p>一、工作任务</p></body></html>".encode(), ".doc")
    assert got.kind == "html" and got.text == "一、工作任务" and "holds html content" in got.note


@needs_soffice
def test_rtf_saved_as_doc_is_read(tmp_path):
    rtf = rb"{\rtf1\ansi\deff0{\fonttbl{\f0 SimSun;}}\f0 \u19968?\u12289?\u24037?\u20316?\u20219?\u21153?\par}"
    assert extract(rtf, ".doc").text.strip() == "一、工作任务"
