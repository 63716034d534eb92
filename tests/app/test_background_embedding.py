"""The app serves keyword search while the clause vectors are computed in the background, says so in one
Chinese line, and turns hybrid by itself when they are complete (tiny test model: plumbing, not quality)."""

from __future__ import annotations

import time

from ipqa.index.embed import needs_vectors
from tests.helpers.apptest import PLEDGE, app_test
from tests.helpers.paths import CORPUS


def test_vectors_are_computed_in_the_background_and_search_turns_hybrid(tmp_path, tiny_model_dir, monkeypatch):
    import streamlit as st

    from ipqa.index.build import build_index
    from ipqa.settings import Settings

    index_dir = tmp_path / "index"
    build_index([CORPUS], index_dir, Settings(model=str(tiny_model_dir)), embed=False)
    assert needs_vectors(index_dir)
    for key, value in {
        "IPQA_INDEX": str(index_dir),
        "IPQA_CORPUS": str(CORPUS),
        "IPQA_MODEL": str(tiny_model_dir),
    }.items():
        monkeypatch.setenv(key, value)
    st.cache_resource.clear()
    try:
        at = app_test()
        at.query_params["q"] = PLEDGE
        at.run()
        assert not at.exception
        deadline = time.monotonic() + 120
        while needs_vectors(index_dir) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not needs_vectors(index_dir), "the background embedding did not finish"
        at.run()
        assert not at.exception
        assert not [w for w in at.warning if "语义" in w.value]  # no banner once hybrid
    finally:
        st.cache_resource.clear()


def test_the_banner_says_vectors_are_being_computed():
    from ipqa.views.labels import dense_banner

    line = dense_banner("clause vectors are being computed (10 of 200 done); `ipqa embed` resumes", (10, 200))
    assert line.startswith("语义向量正在后台计算") and "10/200" in line and "`" not in line
