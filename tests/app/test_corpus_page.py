"""The corpus page (app_pages/corpus.py, ``?page=corpus``): documents, data-quality flags and unread files."""

from __future__ import annotations


def test_corpus_page_lists_documents_flags_and_unread_files(app):
    app.query_params["page"] = "corpus"
    at = app.run()
    assert not at.exception
    tables = [df.value for df in at.dataframe]
    assert "900_hostile" in set(tables[0]["文件"])
    skipped = next(t for t in tables if "原因" in t.columns)
    assert any("901_broken.pdf" in p for p in skipped["文件"])
