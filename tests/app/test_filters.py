"""The sidebar filters of the ask page (app_pages/common.py): they restrict the results and stay set while a
document is open."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.apptest import PLEDGE, ask


def test_document_filter_restricts_results(app):
    at = ask(app, PLEDGE)
    hits = at.session_state["_answer"][1].hits
    other = next(h.clause.doc_id for h in hits if h.clause.doc_id.startswith("000_"))
    at.multiselect(key="f_docs").set_value([other]).run()
    hits = at.session_state["_answer"][1].hits
    assert hits and {h.clause.doc_id for h in hits} == {other}
    at.button(key="open_hit_1").click().run()
    at.button(key="back").click().run()  # the filter is still set after visiting a document
    assert at.multiselect(key="f_docs").value == [other]


def test_level_and_year_filters_restrict_results(app, built):
    from ipqa.index.searcher import Index

    documents = Index.load(Path(built["IPQA_INDEX"])).documents
    at = ask(app, PLEDGE)
    at.selectbox(key="f_level").set_value("provincial").run()
    hits = at.session_state["_answer"][1].hits
    assert hits and all(documents[h.clause.doc_id].meta.level == "provincial" for h in hits)
    at.selectbox(key="f_level").set_value("全部").run()
    at.slider(key="f_years").set_value((2022, 2024)).run()
    hits = at.session_state["_answer"][1].hits
    assert hits and all(2022 <= (documents[h.clause.doc_id].meta.year or 0) <= 2024 for h in hits)
