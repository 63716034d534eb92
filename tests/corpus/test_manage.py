"""Adding files to a corpus folder and moving them out (ipqa/corpus/manage.py): sanitised names, supported formats
and the size limit only, never an overwrite, removal that can be undone, and what the listing then reads."""

from __future__ import annotations

import pytest

from ipqa.corpus import manage
from ipqa.corpus.manage import REMOVED, RejectedFile, add_file, move_out, safe_name
from ipqa.corpus.reading import find_files

TEXT = "测试市知识产权工作方案\n\n一、加强专利保护。（测试市市场监管局负责）\n".encode()


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("方案.txt", "方案.txt"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\a\\通知.DOCX", "通知.docx"),
        (".hidden.md", "hidden.md"),
        ("a\x00b<>|?.html", "a_b_.html"),
    ],
)
def test_names_are_sanitised(given, stored):
    assert safe_name(given) == stored


@pytest.mark.parametrize("given", ["noext", "..txt", "/", "x.exe", "x.txt.zip", ""])
def test_unusable_names_and_formats_are_refused_in_chinese(given):
    with pytest.raises(RejectedFile) as exc:
        safe_name(given)
    assert "文件" in str(exc.value) or "格式" in str(exc.value)


def test_long_names_are_cut_to_fit_the_file_system(tmp_path):
    name = safe_name("知" * 300 + ".txt")
    assert name.endswith(".txt") and len(name.encode()) <= manage.MAX_NAME_BYTES
    assert add_file(tmp_path, "知" * 300 + ".txt", TEXT).path.exists()


def test_added_file_is_read_by_the_listing_and_leaves_no_temp_file(tmp_path):
    added = add_file(tmp_path, "新方案.txt", TEXT)
    assert added.status == "added" and added.path.read_bytes() == TEXT
    assert [p.name for _, p in find_files([tmp_path])] == ["新方案.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["新方案.txt"]


def test_a_different_file_of_the_same_name_is_never_overwritten(tmp_path):
    add_file(tmp_path, "方案.txt", TEXT)
    second = add_file(tmp_path, "方案.txt", TEXT + "二、另一条。\n".encode())
    assert second.status == "renamed" and second.path.name == "方案（2）.txt"
    assert (tmp_path / "方案.txt").read_bytes() == TEXT
    assert "另存为" in second.message


def test_the_same_file_again_is_not_stored_twice(tmp_path):
    add_file(tmp_path, "方案.txt", TEXT)
    again = add_file(tmp_path, "方案.txt", TEXT)
    assert again.status == "same" and len(list(tmp_path.iterdir())) == 1


def test_replace_moves_the_old_file_out_first(tmp_path):
    add_file(tmp_path, "方案.txt", TEXT)
    new = TEXT + "二、另一条。\n".encode()
    replaced = add_file(tmp_path, "方案.txt", new, replace=True)
    assert replaced.status == "replaced" and (tmp_path / "方案.txt").read_bytes() == new
    assert replaced.moved_to.read_bytes() == TEXT and REMOVED in replaced.moved_to.parts


def test_empty_and_oversized_uploads_are_refused(tmp_path, monkeypatch):
    with pytest.raises(RejectedFile, match="空文件"):
        add_file(tmp_path, "a.txt", b"")
    monkeypatch.setattr(manage, "MAX_FILE_BYTES", 10)
    with pytest.raises(RejectedFile, match="上限"):
        add_file(tmp_path, "a.txt", b"x" * 11)
    assert not list(tmp_path.iterdir())


def test_move_out_keeps_the_file_and_its_sidecar_out_of_the_listing(tmp_path):
    sub = tmp_path / "省级"
    sub.mkdir()
    path = add_file(sub, "方案.txt", TEXT).path
    (sub / "方案.meta.json").write_text('{"title": "方案"}', encoding="utf-8")
    dest = move_out(tmp_path, path)
    assert dest.read_bytes() == TEXT and dest.relative_to(tmp_path).parts[0] == REMOVED
    assert dest.parent.name == "省级" and (dest.parent / "方案.meta.json").exists()
    assert not path.exists() and find_files([tmp_path]) == []


def test_move_out_refuses_what_is_not_a_corpus_file(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(TEXT)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "link.txt").symlink_to(outside)
    for path in (outside, corpus / "link.txt", corpus / "missing.txt"):
        with pytest.raises(RejectedFile):
            move_out(corpus, path)
    assert outside.read_bytes() == TEXT


def test_every_format_of_the_formats_table_has_a_name_in_words():
    from ipqa.corpus.formats import SUFFIXES

    assert set(SUFFIXES.values()) <= set(manage.KIND_NAMES)
    assert manage.supported_in_words() == "文本、网页、Word、PDF、WPS 与旧版 Word（.doc）、ODT、OFD 版式"
