"""Builds started in the app run in the background (app_pages/indexing.py): other sessions keep answering from
the loaded index while one runs, and the new index is swapped in when it is done. An index folder deleted under
the running app keeps serving what is loaded and offers the rebuild."""

from __future__ import annotations

import shutil
import threading

import pytest

from app_pages.indexing import wait_for_build
from ipqa.index.searcher import Index
from ipqa.text import normalise
from tests.helpers.apptest import PLEDGE, app_test, visible_text, write_corpus

NEW = "新增市知识产权保护工作方案\n\n一、工作任务\n（一）建设知识产权保护中心。（新增市市场监管局负责）\n"


@pytest.fixture
def own_index(tmp_path, monkeypatch):
    """A corpus and index of this test's own (it changes them), and a clean process state around it."""
    import streamlit as st

    from ipqa.index.searcher import build_index
    from ipqa.settings import Settings

    corpus = write_corpus(tmp_path / "corpus")
    build_index([corpus], tmp_path / "index", Settings(model=""))
    for key, value in {"IPQA_INDEX": str(tmp_path / "index"), "IPQA_CORPUS": str(corpus), "IPQA_MODEL": ""}.items():
        monkeypatch.setenv(key, value)
    st.cache_resource.clear()
    yield corpus, tmp_path / "index"
    st.cache_resource.clear()


def _paused_builds(monkeypatch) -> threading.Event:
    """The real build, held at its first progress report until the returned event is set."""
    from ipqa.index import searcher

    release, real = threading.Event(), searcher.build_index

    def held(roots, index_dir, settings, progress=None, **kw):
        def hold(stage, done, total):
            release.wait(60)
            progress(stage, done, total)

        return real(roots, index_dir, settings, progress=hold, **kw)

    monkeypatch.setattr(searcher, "build_index", held)
    return release


def test_other_sessions_keep_answering_while_a_rebuild_runs(own_index, monkeypatch):
    corpus, index_dir = own_index
    release = _paused_builds(monkeypatch)
    admin = app_test()
    admin.query_params["page"] = "corpus"
    admin.run()
    (corpus / "950_new.txt").write_text(NEW, encoding="utf-8")
    admin.button(key="rebuild").click().run()  # returns at once: the build waits in the background
    assert not admin.exception
    try:
        reader = app_test()
        reader.query_params["q"] = PLEDGE
        reader.run()  # a second session while the build runs: answered from the loaded index
        assert not reader.exception
        assert "省市场监管局" in normalise(visible_text(reader))
        assert any("正在建立索引" in p.text for p in reader.get("progress"))
        assert "950_new" not in Index.load(index_dir).documents
    finally:
        release.set()
    assert not wait_for_build(index_dir).running
    reader.run()
    assert not reader.exception
    assert any("索引已更新" in s.value for s in reader.success)
    reader.text_input(key="question").set_value("谁负责建设知识产权保护中心？").run()
    answer = reader.session_state["_answer"][1]
    assert any(c.doc_id == "950_new" for c in answer.citations)  # the swapped-in index answers


def test_a_deleted_index_folder_keeps_serving_and_offers_the_rebuild(own_index):
    _corpus, index_dir = own_index
    at = app_test()
    at.query_params["q"] = PLEDGE
    at.run()
    assert not at.exception
    shutil.rmtree(index_dir)
    at.run()
    assert not at.exception
    assert not at.error and not any("无法加载索引" in w.value for w in at.warning)
    assert any("已被删除或损坏" in w.value for w in at.warning)
    assert "省市场监管局" in normalise(visible_text(at))  # still answering
    at.query_params.clear()
    at.query_params["page"] = "corpus"
    at.run()  # the corpus page too: the served index, and the rebuild offered
    assert not at.exception and at.title[0].value == "语料与数据质量"
    at.button(key="rebuild_missing").click().run()
    assert not at.exception
    assert not wait_for_build(index_dir).running
    assert len(Index.load(index_dir).documents) == 6
    at.run()
    assert not any("已被删除或损坏" in w.value for w in at.warning)
