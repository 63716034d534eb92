"""app.py's wiring: the index built on first use, and the sidebar buttons that switch between the pages."""

from __future__ import annotations

from app_pages.indexing import wait_for_build
from ipqa.text import normalise
from tests.helpers.apptest import PLEDGE, app_test, ask, visible_text, write_corpus


def test_first_run_builds_the_index_then_answers(tmp_path, monkeypatch):
    import streamlit as st

    corpus = write_corpus(tmp_path / "corpus")
    monkeypatch.setenv("IPQA_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("IPQA_CORPUS", str(corpus))
    monkeypatch.setenv("IPQA_MODEL", "")
    st.cache_resource.clear()
    at = app_test()
    at.query_params["q"] = PLEDGE
    try:
        at.run()
        assert not at.exception
        assert any("首次使用" in p.text for p in at.get("progress"))  # the build runs in the background
        assert not wait_for_build(tmp_path / "index").running
        at.run()
    finally:
        st.cache_resource.clear()
    assert not at.exception
    assert (tmp_path / "index" / "manifest.json").exists()
    assert any("索引已更新" in s.value for s in at.success)
    assert "省市场监管局" in normalise(visible_text(at))


def test_sidebar_switches_between_the_ask_and_corpus_pages(app):
    at = ask(app, PLEDGE)
    at.button(key="nav_corpus").click().run()
    assert not at.exception
    assert at.query_params == {"page": "corpus"} and at.title[0].value == "语料与数据质量"
    at.button(key="nav_ask").click().run()
    assert not at.exception
    assert at.title[0].value == "知识产权政策问答" and at.text_input(key="question").value == ""
