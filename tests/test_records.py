"""The records' shared helpers: a document's display title and a clause's spam spans, defined once."""

from __future__ import annotations

from ipqa.records import Citation, Clause, Flag, display_title


def test_display_title_prefers_short_title_only_when_given_then_title_then_doc_id():
    assert display_title("d", "关于印发某某方案的通知", "某某方案") == "某某方案"
    assert display_title("d", "关于印发某某方案的通知") == "关于印发某某方案的通知"
    assert display_title("d", "", "") == "d"
    assert display_title("d", "", "某某方案") == "某某方案"


def test_citation_reference_uses_the_short_name():
    fields = {
        "clause_id": "d#一",
        "doc_id": "d",
        "title": "关于印发某某方案的通知",
        "doc_number": "",
        "issuer": "",
        "date": "",
        "path": ("一、",),
        "labels": ("一、",),
        "quote": "q",
        "start": 0,
        "end": 1,
        "sha256": "",
        "source": "",
    }
    assert Citation(**fields, short_title="某某方案").reference() == "《某某方案》一、"
    assert Citation(**fields).reference() == "《关于印发某某方案的通知》一、"
    assert Citation(**{**fields, "title": ""}).reference() == "《d》一、"


def test_spam_spans_are_sorted_clipped_and_relative_on_request():
    text = "一、加强0.1元入场捕鱼专利导航服务。"
    flags = (
        Flag("spam", "b", 110, 120),  # runs past the clause end
        Flag("spam", "a", 104, 110),
        Flag("boilerplate", "not spam", 100, 102),
        Flag("spam", "outside", 200, 210),
    )
    clause = Clause("d#一", "d", "一、", ("一、",), text, 100, 100 + len(text), flags=flags)
    assert clause.spam_spans() == ((104, 110), (110, 100 + len(text)))
    assert clause.spam_spans(relative=True) == ((4, 10), (10, len(text)))
    assert clause.clean_text == "一、加强"
    assert Clause("d#二", "d", "二、", ("二、",), "二、正文", 0, 4).spam_spans() == ()
