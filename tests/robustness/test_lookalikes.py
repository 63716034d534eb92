"""Look-alike characters (issue 14): Kangxi radicals and CJK Radicals Supplement characters that PDF fonts put
where 门, 民, 长 … belong (NFKC folds only the Kangxi block), and zero-width spaces inside words, are folded in
the searchable form, at indexing as at query time. The documents keep their text as read: every clause is still
its document's text at its span."""

from __future__ import annotations

import unicodedata

import pytest

from ipqa.index.searcher import Index, build_index
from ipqa.settings import Settings
from ipqa.text import ZERO_WIDTH, normalise, radical_table

# "海门市人民政府" as a LibreOffice/Chromium PDF extracts it: ⻔ U+2ED4, ⼈ U+2F08 (Kangxi), ⺠ U+2EA0; and a
# web page's zero-width spaces inside 专利 and 导航.
DOC = (
    "海\u2ed4市\u2f08\u2ea0政府关于专利导航的通知\n\n"
    "第一条 海\u2ed4市\u2f08\u2ea0政府负责专\u200b利导\ufeff航工作。\n"
    "第二条 \u2ed1春市的商标品牌由市商务局负责。\n"
)


@pytest.mark.parametrize(
    ("char", "folded"),
    [
        ("\u2ed4", "门"),  # CJK RADICAL C-SIMPLIFIED GATE (supplement: NFKC leaves it)
        ("\u2ea0", "民"),  # CJK RADICAL CIVILIAN (supplement)
        ("\u2ed1", "长"),  # CJK RADICAL LONG ONE → 長 → simplified
        ("\u2ee2", "马"),  # CJK RADICAL C-SIMPLIFIED HORSE
        ("\u2f08", "人"),  # KANGXI RADICAL MAN (NFKC)
        ("\u2fa8", "门"),  # KANGXI RADICAL GATE → 門 (NFKC) → 门
    ],
)
def test_radical_lookalikes_fold_to_their_ideographs(char, folded):
    assert unicodedata.name(char).startswith(("CJK RADICAL", "KANGXI RADICAL"))
    assert normalise(char) == folded
    assert normalise(f"海{char}") == normalise(f"海{folded}")


def test_the_derived_table_maps_only_supplement_characters_to_ideographs():
    table = radical_table()
    assert table["\u2ed4"] == "门" and table["\u2ea0"] == "民"
    for char, target in table.items():
        assert 0x2E80 <= ord(char) <= 0x2EF3, hex(ord(char))
        assert unicodedata.name(target).startswith("CJK UNIFIED IDEOGRAPH"), (char, target)
    assert "\u2e98" not in table  # ⺘ (the 扌 component) stands for no standalone word: left alone


@pytest.mark.parametrize("zw", list(ZERO_WIDTH))
def test_zero_width_characters_inside_words_are_removed(zw):
    assert normalise(f"专{zw}利导航") == "专利导航"


def test_lookalikes_are_found_by_plain_queries_and_spans_stay_verbatim(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notice.txt").write_text(DOC, encoding="utf-8")
    build_index([corpus], tmp_path / "index", Settings(model=""))
    index = Index.load(tmp_path / "index")
    document = index.document("notice")
    assert document.text == DOC  # the document keeps what the file says
    for clause in index.clauses:
        assert document.text[clause.start : clause.end] == clause.text
    for query in ("海门市人民政府", "专利导航", "长春市商标品牌", "海\u200b门市"):
        hits = index.search(query, k=3).hits
        assert hits and hits[0].clause.doc_id == "notice", query
    first = next(c for c in index.clauses if c.label == "第一条")
    assert index.search("海门市人民政府负责专利导航工作", k=1).hits[0].clause.clause_id == first.clause_id
