"""Documents managed on the corpus page (app_pages/manage.py): uploads saved into the first corpus folder and
indexed in the background, each shown as read (with its clauses) or not (why); refused names and formats say so;
removal asks first, then moves the file out of the corpus and the index."""

from __future__ import annotations

import pytest

from app_pages.indexing import wait_for_build
from ipqa.corpus.manage import REMOVED
from ipqa.index.searcher import Index
from tests.app.test_background_build import NEW, own_index  # noqa: F401 - the fixture
from tests.app.test_chinese import english_words, is_admin
from tests.helpers.apptest import app_test, page_text


@pytest.fixture
def corpus_page(own_index):  # noqa: F811 - the fixture imported above
    at = app_test()
    at.query_params["page"] = "corpus"
    at.run()
    assert not at.exception
    return at, *own_index


def _upload(at, files: list[tuple[str, bytes]]):
    at.get("file_uploader")[0].set_value([(name, data, "application/octet-stream") for name, data in files]).run()
    at.button(key="add_files").click().run()
    assert not at.exception
    return at


def _uploads(at) -> dict[str, dict]:
    table = next(df.value for df in at.dataframe if "索引" in df.value.columns)
    return {row["文件"]: row for row in table.to_dict("records")}


def test_uploaded_files_are_saved_indexed_and_reported(corpus_page):
    at, corpus, index_dir = corpus_page
    files = [
        ("../新增方案.txt", NEW.encode()),
        ("坏文件.pdf", b"%PDF-1.4 cut"),
        ("..txt", b"no name"),  # (other formats the uploader itself refuses)
    ]
    _upload(at, files)
    assert (corpus / "新增方案.txt").read_text(encoding="utf-8") == NEW  # the name sanitised, in the first folder
    assert not (corpus / "txt").exists() and not (corpus / "..txt").exists()
    rows = _uploads(at)
    assert "不可用" in rows["..txt"]["结果"] and rows["..txt"]["索引"] == "未保存"
    assert not wait_for_build(index_dir).running
    at.run()
    rows = _uploads(at)
    assert rows["../新增方案.txt"]["索引"].startswith("已索引（") and "个条款" in rows["../新增方案.txt"]["索引"]
    assert rows["坏文件.pdf"]["索引"].startswith("未能读取：")
    index = Index.load(index_dir)
    assert "新增方案" in index.documents
    assert any("索引已更新" in s.value for s in at.success)
    texts = page_text(at, skip_expander=is_admin)  # the results, the reasons included, in Chinese
    names = [s.path for s in index.skipped] + [name for name, _ in files]  # the person's own file names are theirs
    assert english_words([_without(t, names) for t in texts], index) == set()


def _without(text: str, names: list[str]) -> str:
    for name in names:
        text = text.replace(name, " ")
    return text


def test_a_file_of_the_same_name_is_kept_beside_unless_replace_is_ticked(corpus_page):
    at, corpus, index_dir = corpus_page
    seed = next(corpus.glob("001_*.txt"))
    original = seed.read_bytes()
    _upload(at, [(seed.name, NEW.encode())])
    renamed = seed.with_name(seed.stem + "（2）.txt")
    assert seed.read_bytes() == original and renamed.read_text(encoding="utf-8") == NEW
    assert "另存为" in _uploads(at)[seed.name]["结果"]
    wait_for_build(index_dir)


def test_removal_asks_first_then_moves_the_file_out_of_corpus_and_index(corpus_page):
    at, corpus, index_dir = corpus_page
    seed = next(corpus.glob("001_*.txt"))
    original = seed.read_bytes()
    at.multiselect(key="remove_docs").set_value([seed.stem]).run()
    at.button(key="remove").click().run()
    assert any("将把 1 个文件移出语料" in w.value for w in at.warning)
    assert seed.exists()  # nothing moved before the confirmation
    at.button(key="remove_cancel").click().run()
    assert seed.exists() and not any("将把" in w.value for w in at.warning)
    at.multiselect(key="remove_docs").set_value([seed.stem]).run()
    at.button(key="remove").click().run()
    at.button(key="remove_confirm").click().run()
    assert not at.exception
    assert not seed.exists()
    assert [p.read_bytes() for p in (corpus / REMOVED).rglob(seed.name)] == [original]  # kept, can be put back
    assert not wait_for_build(index_dir).running
    assert seed.stem not in Index.load(index_dir).documents
    at.run()
    assert not at.exception and not any("确认重建索引" in b.label for b in at.button)  # no second question


def test_a_document_whose_file_is_gone_cannot_be_removed_and_says_why(corpus_page):
    at, corpus, _ = corpus_page
    seed = next(corpus.glob("002_*.txt"))
    seed.unlink()  # deleted outside the app after the index was built
    at.multiselect(key="remove_docs").set_value([seed.stem]).run()
    at.button(key="remove").click().run()
    at.button(key="remove_confirm").click().run()
    assert not at.exception
    shown = [e.value.replace("\\", "") for e in at.error]  # (Markdown escapes)
    assert any(f"无法移除 {seed.stem}" in e and "不是语料中的普通文件" in e for e in shown), shown
    assert not (corpus / REMOVED).exists()
