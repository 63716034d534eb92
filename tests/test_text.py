from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ipqa.text import compact, normalise, remove_spans, sentence_spans


def test_normalise_full_width_and_traditional():
    assert normalise("深化知識產權質押融資，加強與金融機構合作　１２") == "深化知识产权质押融资,加强与金融机构合作 12"


def test_normalise_collapses_whitespace():
    assert normalise(" 一\n\n二\t三  ") == "一 二 三"


def test_compact_drops_whitespace_and_article_label():
    assert compact("第十四条  国家 鼓励") == "国家鼓励"
    assert compact("第14条 国家鼓励") == "国家鼓励"


def test_remove_spans_with_offset_and_overlap():
    assert remove_spans("南通市0.1元入场捕鱼办公室", [(103, 111)], offset=100) == "南通市办公室"
    assert remove_spans("abcdefgh", [(2, 4), (3, 6)]) == "abgh"


def test_sentence_spans_split_on_chinese_punctuation():
    text = "一句话。两句话！三句“引号。”四"
    parts = [text[a:b] for a, b in sentence_spans(text)]
    assert parts == ["一句话。", "两句话！", "三句“引号。”", "四"]


@given(st.text())
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@given(st.text(alphabet=st.sampled_from(list("一二三。！？；\n 知识产权,.;"))))
def test_sentence_spans_cover_text_without_gaps(text):
    spans = sentence_spans(text)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(a < b for a, b in spans)
