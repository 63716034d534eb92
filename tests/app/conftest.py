"""The app's pages driven end to end with ``AppTest`` on app.py, against a keyword-only index built once for
tests/app from the seeds plus a hostile file (HTML in clause text) and an unreadable one."""

from __future__ import annotations

import pytest

from tests.helpers.apptest import app_test, write_corpus


@pytest.fixture(scope="package")
def built(tmp_path_factory) -> dict[str, str]:
    """Environment for an app on a prebuilt keyword-only index (built once; the tests only read it)."""
    from ipqa.index.searcher import build_index
    from ipqa.settings import Settings

    base = tmp_path_factory.mktemp("app")
    corpus = write_corpus(base / "corpus")
    build_index([corpus], base / "index", Settings(model=""))
    return {"IPQA_INDEX": str(base / "index"), "IPQA_CORPUS": str(corpus), "IPQA_MODEL": ""}


@pytest.fixture
def app(built, monkeypatch):
    import streamlit as st

    for key, value in built.items():
        monkeypatch.setenv(key, value)
    st.cache_resource.clear()  # the cache outlives an AppTest: every test starts from a clean process state
    yield app_test()
    st.cache_resource.clear()
