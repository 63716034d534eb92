"""Discovery and reading: doc ids, exact text, every way a file can be unreadable (reported, never raised by
read_corpus), big files, sidecar corrections and the ``ipqa report`` command."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipqa.cli import main
from ipqa.corpus.reading import UnreadableFile, find_files, read_corpus, read_document
from ipqa.corpus.sidecars import sidecar_paths
from tests.helpers.paths import CORPUS, need

TEXT = "泰安市知识产权保护办法\r\n\r\n第一条 为了加强知识产权保护，制定本办法。\r\n第二条 市市场监管局负责实施。\r\n"


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_find_files_sorted_recursive_without_sidecars_hidden_or_unsupported(tmp_path):
    for name in (
        "b.txt",
        "a/c.md",
        "a/d.html",
        "z.docx",
        "y.pdf",
        "x.htm",
        ".hidden.txt",
        ".git/e.txt",
        "b.meta.json",
        "meta.csv",
        "notes.xyz",
    ):
        write(tmp_path / name, "内容")
    found = [p.relative_to(tmp_path).as_posix() for _, p in find_files([tmp_path])]
    assert found == ["a/c.md", "a/d.html", "b.txt", "x.htm", "y.pdf", "z.docx"]
    assert all(root == tmp_path for root, _ in find_files([tmp_path]))


def test_read_document_exact_text_doc_id_and_sha(tmp_path):
    data = TEXT.encode("utf-8")
    path = write(tmp_path / "sub" / "办法.v2.txt", data)
    doc = read_document(path, tmp_path)
    assert doc.doc_id == "sub/办法.v2"
    assert doc.text == TEXT  # \r\n kept: offsets match the file's characters
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.source == str(path) and doc.encoding == "utf-8"
    assert doc.meta.title == "泰安市知识产权保护办法" and doc.meta.doc_type == "办法"


TRADITIONAL = (
    "臺北市智慧財產權保護辦法\r\n\r\n第一條 為了加強智慧財產權保護，制定本辦法。\r\n第二條 市政府負責實施。\r\n"
)


@pytest.mark.parametrize(
    "encoding, text, data",
    [
        ("gb18030", TEXT, TEXT.encode("gbk")),
        ("big5", TRADITIONAL, TRADITIONAL.encode("big5")),
        ("gb18030", TRADITIONAL, TRADITIONAL.encode("gbk")),
        ("utf-16-le", TEXT, codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")),
        ("utf-16-be", TEXT, TEXT.encode("utf-16-be")),
        ("utf-8-bom", TEXT, codecs.BOM_UTF8 + TEXT.encode("utf-8")),
    ],
    ids=["gbk", "big5", "gbk-traditional", "utf16le-bom", "utf16be", "utf8-bom"],
)
def test_encodings_in_files(tmp_path, encoding, text, data):
    doc = read_document(write(tmp_path / "f.txt", data), tmp_path)
    assert doc.text == text and doc.encoding == encoding
    assert doc.meta.doc_type == "办法"


def test_read_corpus_reports_every_unreadable_file(tmp_path, monkeypatch):
    write(tmp_path / "good.txt", TEXT)
    write(tmp_path / "empty.txt", b"")
    write(tmp_path / "blank.md", b" \n\t\r\n")
    write(tmp_path / "binary.txt", b"\x7fELF\x02\x01\x01" + bytes(500))
    write(tmp_path / "broken.docx", b"PK\x03\x04 not really a zip")
    write(tmp_path / "broken.pdf", b"%PDF-1.7\n garbage")
    write(tmp_path / "old.doc", b"\xd0\xcf\x11\xe0")
    write(tmp_path / "locked.txt", TEXT)
    real = os.open

    def locked_open(path, *args, **kwargs):  # chmod cannot lock root out, so the permission error is simulated
        if Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", locked_open)
    result = read_corpus([tmp_path])
    assert [d.doc_id for d in result.documents] == ["good"]
    reasons = {Path(s.path).name: s.reason for s in result.skipped}
    assert set(reasons) == {"empty.txt", "blank.md", "binary.txt", "broken.docx", "broken.pdf", "old.doc", "locked.txt"}
    assert "empty" in reasons["empty.txt"] and "whitespace" in reasons["blank.md"]
    assert "binary" in reasons["binary.txt"] and "docx" in reasons["broken.docx"]
    assert "PDF" in reasons["broken.pdf"] and "decode" in reasons["old.doc"]  # 4 bytes: not even a compound file
    assert "permission denied" in reasons["locked.txt"]
    with pytest.raises(UnreadableFile):
        read_document(tmp_path / "empty.txt", tmp_path)


def test_duplicate_doc_id_is_skipped_not_overwritten(tmp_path):
    write(tmp_path / "a.txt", TEXT)
    write(tmp_path / "a.md", "# 另一个办法\n\n第一条 内容。\n")
    result = read_corpus([tmp_path])
    assert [d.source for d in result.documents] == [str(tmp_path / "a.md")]
    assert "duplicate doc_id 'a'" in result.skipped[0].reason


def test_twenty_megabyte_text_file(tmp_path):
    line = "第一条 为了加强知识产权保护，促进专利转化运用，推动质押融资，制定本条例。\n"
    data = (TEXT + line * (20_000_000 // len(line.encode("utf-8")))).encode("utf-8")
    path = write(tmp_path / "big.txt", data)
    start = time.perf_counter()
    doc = read_document(path, tmp_path)
    seconds = time.perf_counter() - start
    assert len(doc.text) == len(data.decode("utf-8")) and doc.text.endswith(line)
    assert seconds < 30, f"reading 20 MB took {seconds:.1f} s"


def test_json_sidecar_overrides_and_reports_unknown_fields(tmp_path):
    path = write(tmp_path / "a.txt", TEXT)
    write(
        tmp_path / "a.meta.json",
        json.dumps({"issuer": "泰安市人民政府", "level": "municipal", "colour": "red"}, ensure_ascii=False),
    )
    doc = read_document(path, tmp_path)
    assert doc.meta.issuer == "泰安市人民政府" and doc.meta.level == "municipal"
    assert doc.meta.title == "泰安市知识产权保护办法"  # untouched fields keep what was read
    problems = [f.detail for f in doc.flags if f.kind == "sidecar"]
    assert len(problems) == 1 and "'colour'" in problems[0]
    assert [p for p in sidecar_paths(path, tmp_path) if p.is_file()] == [tmp_path / "a.meta.json"]


def test_bad_json_sidecar_is_a_warning(tmp_path):
    path = write(tmp_path / "a.txt", TEXT)
    write(tmp_path / "a.meta.json", "{not json")
    doc = read_document(path, tmp_path)
    assert doc.meta.title == "泰安市知识产权保护办法"
    assert any("not readable JSON" in f.detail for f in doc.flags if f.kind == "sidecar")


def test_meta_csv_overrides_by_file_or_doc_id(tmp_path):
    write(tmp_path / "a.txt", TEXT)
    write(tmp_path / "sub" / "b.txt", TEXT)
    write(
        tmp_path / "meta.csv",
        "file,doc_id,region,validity,bogus\na.txt,,山东省泰安市,有效,x\n,sub/b,,失效,\nmissing.txt,,,有效,\n",
    )
    result = read_corpus([tmp_path])
    docs = {d.doc_id: d for d in result.documents}
    assert docs["a"].meta.region == "山东省泰安市" and docs["a"].meta.validity == "有效"
    assert docs["sub/b"].meta.validity == "失效"
    assert docs["sub/b"].meta.region == "泰安市"  # a blank cell changes nothing: the inferred value stays
    assert any("'bogus'" in f.detail for f in docs["a"].flags if f.kind == "sidecar")
    assert result.warnings == [f"{tmp_path / 'meta.csv'}: row 'missing.txt' matches no document"]


def test_seeds_read_cleanly():
    result = read_corpus([need(CORPUS)])
    assert len(result.documents) == 5 and not result.skipped
    for doc in result.documents:
        for start, end in doc.excluded:
            assert 0 <= start < end <= len(doc.text)
        for flag in doc.flags:
            if flag.start is not None:
                assert 0 <= flag.start < flag.end <= len(doc.text)


def test_report_command_text_and_json(tmp_path):
    write(tmp_path / "good.txt", TEXT)
    write(tmp_path / "empty.txt", b"")
    runner = CliRunner()
    out = runner.invoke(main, ["report", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "documents read: 1" in out.output and "empty.txt: empty file" in out.output
    assert "issuer" in out.output
    out = runner.invoke(main, ["report", str(tmp_path), "--json"])
    report = json.loads(out.output)
    assert report["documents"] == 1 and report["skipped"][0]["reason"].startswith("empty file")
    assert report["metadata_completeness"]["title"] == 1
    assert "issuer" in report["missing_metadata"][0]["missing"]


def test_report_command_on_missing_folder():
    out = CliRunner().invoke(main, ["report", "/nonexistent/corpus"])
    assert out.exit_code != 0 and "does not exist" in out.output


def test_lawrefbook_sample_reads(lawrefbook):
    files = sorted(lawrefbook.rglob("*.md"))[::35]
    docs = [read_document(f, lawrefbook) for f in files]
    assert all(d.meta.title and d.excluded for d in docs)
    assert not any(f.kind == "spam" for d in docs for f in d.flags)


@pytest.mark.slow
def test_lawrefbook_whole(lawrefbook):
    start = time.perf_counter()
    result = read_corpus([lawrefbook])
    seconds = time.perf_counter() - start
    assert len(result.documents) == 3475 and not result.skipped
    assert not any(f.kind == "spam" for d in result.documents for f in d.flags)
    assert seconds < 120, seconds


def test_root_given_twice_or_as_a_file(tmp_path):
    path = write(tmp_path / "a.txt", TEXT)
    result = read_corpus([tmp_path, tmp_path])
    assert len(result.documents) == 1 and not result.skipped
    assert find_files([path]) == [(tmp_path, path)]
    assert read_corpus([path]).documents[0].doc_id == "a"


def test_an_internal_error_on_one_file_does_not_stop_the_read(tmp_path, monkeypatch):
    write(tmp_path / "a.txt", TEXT)
    write(tmp_path / "b.txt", TEXT)
    from ipqa.corpus import reading

    real = reading.extract

    def flaky(data, suffix):
        if data.startswith(TEXT.encode("utf-8")) and flaky.calls == 0:
            flaky.calls += 1
            raise RuntimeError("boom")
        return real(data, suffix)

    flaky.calls = 0
    monkeypatch.setattr(reading, "extract", flaky)
    result = read_corpus([tmp_path])
    assert len(result.documents) == 1
    assert "internal error" in result.skipped[0].reason and "boom" in result.skipped[0].reason


def test_sidecar_places_are_defined_once(tmp_path):
    """Where a sidecar may be: what a read applies, what a rebuild watches (input_files) and what index_state
    lists (sidecars_under) all come from ipqa.corpus.sidecars."""
    from ipqa.corpus.reading import input_files
    from ipqa.corpus.sidecars import sidecars_under

    path = write(tmp_path / "sub" / "a.txt", TEXT)
    places = [tmp_path / "sub" / "a.meta.json", tmp_path / "sub" / "a.txt.meta.json", tmp_path / "meta.csv"]
    assert sidecar_paths(path, tmp_path) == places
    assert input_files(path, tmp_path) == [path, *places]
    assert sidecars_under(tmp_path) == []
    write(places[1], '{"issuer": "泰安市人民政府"}')
    write(places[2], "file,issuer\nsub/a.txt,泰安市人民政府办公室\n")
    (tmp_path / "sub" / "folder.meta.json").mkdir()  # a folder with a sidecar's name is not a sidecar
    assert sorted(sidecars_under(tmp_path)) == sorted(places[1:])
    assert read_document(path, tmp_path).meta.issuer == "泰安市人民政府"  # the file's own sidecar wins
