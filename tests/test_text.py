from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipqa.text import compact, iter_lines, normalise, remove_spans, sentence_spans


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


def test_sentence_spans_end_at_any_line_break():
    text = "第一句\r第二句\u2028第三句\r\n第四句"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["第一句\r", "第二句\u2028", "第三句\r\n", "第四句"]


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


BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\v", "\f"]


@pytest.mark.parametrize("br", BREAKS)
def test_iter_lines_treats_every_line_break_alike(br):
    text = f"一、甲{br}{br}  二、乙 {br}三、丙{br}"
    lines = list(iter_lines(text))
    assert [line for _, _, line in lines] == ["一、甲", "", "  二、乙 ", "三、丙"]
    assert all(text[s:e] == line for s, e, line in lines)


def test_iter_lines_edges():
    assert list(iter_lines("")) == []
    assert list(iter_lines("a")) == [(0, 1, "a")]
    assert list(iter_lines("a\r\n\r\nb")) == [(0, 1, "a"), (3, 3, ""), (5, 6, "b")]
    assert list(iter_lines("a\n\rb")) == [(0, 1, "a"), (2, 2, ""), (3, 4, "b")]  # LF CR is two breaks
    # the information separators are not line breaks (str.splitlines splits at them)
    assert [line for _, _, line in iter_lines("a\x1cb\x1dc\x1ed")] == ["a\x1cb\x1dc\x1ed"]


@given(st.text(alphabet=st.sampled_from(list("甲乙 \t\n\r\v\f\x85\u2028\u2029"))))
def test_iter_lines_agrees_with_splitlines_where_both_see_line_breaks(text):
    lines = list(iter_lines(text))
    assert [line for _, _, line in lines] == text.splitlines()
    assert all(text[s:e] == line for s, e, line in lines)
