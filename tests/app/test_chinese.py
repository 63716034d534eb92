"""Chinese throughout where users look: the rendered text of the ask, document and corpus pages has no ASCII-letter
word except the allowed ones (format names, the documents' own words, ids, file names); English and the engineers'
terms (BM25, the model's environment variable, the reader's own words) only in the corpus page's admin expander."""

from __future__ import annotations

import re

import pytest

from app_pages.corpus import ADMIN
from ipqa.corpus.formats import SUFFIXES
from tests.helpers.apptest import PLEDGE, ask, page_text

# Words a Chinese reader of this app meets as they are: file formats (the upload box lists every suffix the
# reader takes: txt, docx, odt, ofd …) and the checksum's name.
ALLOWED = {"CSV", "Markdown", "SHA", "PDF", "Word", "HTML", "OFD", "ODT", "WPS"} | {s.lstrip(".") for s in SUFFIXES}
WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(texts: list[str], index) -> set[str]:
    """The ASCII-letter words left in ``texts`` once ids, checksums and file paths are taken out, less the allowed
    ones and the words the documents themselves contain (a clause may cite the PCT; injected text is shown)."""
    strip = {d.source for d in index.documents.values()} | {s.path for s in index.skipped}
    strip |= {d.sha256 for d in index.documents.values()} | set(index.documents)
    strip |= {c.clause_id for c in index.clauses}
    own = {w for d in index.documents.values() for w in WORD.findall(d.text)}
    found = set()
    for text in texts:
        for item in sorted(strip, key=len, reverse=True):
            text = text.replace(item, " ")
        found |= set(WORD.findall(text))
    return found - ALLOWED - own


def is_admin(label: str) -> bool:
    return label == ADMIN


@pytest.fixture
def index(built):
    from pathlib import Path

    from ipqa.index.searcher import Index

    return Index.load(Path(built["IPQA_INDEX"]))


def test_ask_page_speaks_chinese(app, index):
    at = app.run()
    assert english_words(page_text(at), index) == set()
    at = ask(app, PLEDGE)
    texts = page_text(at)
    assert any("命中依据：关键词匹配" in t for t in texts)
    assert english_words(texts, index) == set()
    assert not any("BM25" in t for t in texts)


def test_document_pages_speak_chinese(app, index):
    at = ask(app, PLEDGE)
    at.button(key="open_cite_1").click().run()
    assert not at.exception
    assert english_words(page_text(at), index) == set()
    for doc_id in ("001_e22083f13b5790bb", "900_hostile"):  # traditional script and spam; markup in the text
        app.query_params.clear()
        app.query_params["doc"] = doc_id
        at = app.run()
        assert not at.exception
        assert english_words(page_text(at), index) == set()


def test_corpus_page_speaks_chinese_and_keeps_the_engineering_in_the_admin_expander(app, index):
    app.query_params["page"] = "corpus"
    at = app.run()
    assert not at.exception
    texts = page_text(at, skip_expander=is_admin)
    assert english_words(texts, index) == set()
    assert not any(w in t for t in texts for w in ("BM25", "IPQA_MODEL", "boilerplate", "traditional_script"))
    assert not any(
        "欧美激欧美啪啪片" in t for t in page_text(at, skip_expander=lambda label: "注入" in label or is_admin(label))
    )
    admin = "\n".join(page_text(next(e for e in at.expander if e.label == ADMIN)))
    assert "IPQA_MODEL" in admin and "corrupt PDF" in admin  # the how-to and the reader's own words, for the admin


def test_the_check_finds_english(index):
    assert english_words(["spam line (porn)", "层级：provincial", "导出 CSV"], index) == {
        "spam",
        "line",
        "porn",
        "provincial",
    }
