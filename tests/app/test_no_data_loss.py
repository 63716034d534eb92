"""The app never replaces an index with a smaller one without asking: it keeps to the folders the index was built
from, and a rebuild that would drop documents waits for a confirmation while the old index serves."""

from __future__ import annotations

import shutil

import pytest

from app_pages.indexing import wait_for_build
from ipqa.index.build import build_index
from ipqa.index.searcher import Index
from ipqa.index.state import built_roots, index_changes
from ipqa.settings import Settings
from tests.helpers.apptest import app_test
from tests.helpers.paths import CORPUS


@pytest.fixture
def two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    seeds = sorted(CORPUS.glob("*.txt"))
    for path in seeds[:3]:
        shutil.copy(path, a / path.name)
    for path in seeds[3:]:
        shutil.copy(path, b / path.name)
    index_dir = tmp_path / "index"
    build_index([a, b], index_dir, Settings(model=""))
    return a, b, index_dir


def _run(monkeypatch, env: dict):
    import streamlit as st

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    st.cache_resource.clear()
    at = app_test()
    at.run()
    return at


def test_the_app_keeps_to_the_folders_the_index_was_built_from(two_folders, monkeypatch):
    a, b, index_dir = two_folders
    assert built_roots(index_dir) == [a, b]
    stamp = (index_dir / "manifest.json").stat().st_mtime
    monkeypatch.delenv("IPQA_CORPUS", raising=False)
    try:
        at = _run(monkeypatch, {"IPQA_INDEX": str(index_dir), "IPQA_MODEL": ""})
        assert not at.exception
        assert (index_dir / "manifest.json").stat().st_mtime == stamp  # nothing rebuilt
        assert len(Index.load(index_dir).documents) == 5
    finally:
        import streamlit as st

        st.cache_resource.clear()


def test_a_rebuild_that_drops_documents_waits_for_a_confirmation(two_folders, monkeypatch):
    a, _b, index_dir = two_folders
    assert len(index_changes([a], index_dir).removed) == 2
    try:
        at = _run(monkeypatch, {"IPQA_INDEX": str(index_dir), "IPQA_CORPUS": str(a), "IPQA_MODEL": ""})
        assert not at.exception
        assert any("将从索引中移除 2 个文件" in w.value for w in at.warning)
        assert len(Index.load(index_dir).documents) == 5  # still the old index, serving
        at.button(key="confirm_rebuild").click().run()
        assert not at.exception
        assert not wait_for_build(index_dir).running  # the rebuild runs in the background
        assert len(Index.load(index_dir).documents) == 3  # rebuilt only once confirmed
    finally:
        import streamlit as st

        st.cache_resource.clear()
