"""The lexical tokenizer: domain terms kept whole, question words and punctuation dropped, scripts unified."""

from __future__ import annotations

import pytest

from ipqa.retrieval.tokens import MODES, stopwords, tokenize, tokenizer_signature


def test_domain_terms_stay_whole():
    words = tokenize("深化知识产权质押融资，推进专利导航和高价值专利培育", mode="words")
    for term in ("知识产权质押融资", "专利导航", "高价值专利"):
        assert term in words
    assert "双随机一公开" in tokenize("推行“双随机、一公开”监管和双随机一公开抽查", mode="words")


def test_question_words_and_punctuation_are_dropped():
    words = tokenize("谁负责知识产权质押融资？如何申请？", mode="words")
    assert not {"谁", "如何", "？", "?"} & set(words)
    assert "负责" in words


def test_bigrams_do_not_span_a_dropped_word():
    tokens = tokenize("什么是专利", mode="words+bigrams")
    assert "专利" in tokens
    assert "么是" not in tokens and "是专" not in tokens  # 什么 and 是 are stopwords: the run starts at 专利


def test_bigrams_recover_a_phrase_cut_differently():
    # jieba cuts these two phrasings differently; their bigrams still overlap on 质押 and 金额.
    a, b = set(tokenize("质押金额", "words+bigrams")), set(tokenize("知识产权质押的金额", "words+bigrams"))
    assert {"质押", "金额"} <= a & b


@pytest.mark.parametrize(
    "traditional, simplified", [("知識產權質押融資", "知识产权质押融资"), ("專利導航", "专利导航")]
)
def test_traditional_and_simplified_give_the_same_tokens(traditional, simplified):
    for mode in MODES:
        assert tokenize(traditional, mode) == tokenize(simplified, mode)


def test_full_width_and_case_are_normalised():
    assert tokenize("ＧＢ／Ｔ　２９４９０－２０２３", "words") == tokenize("gb/t 29490-2023", "words")


@pytest.mark.parametrize("text", ["", "   ", "？！。，、", "😀🎉", "吗呢的了"])
def test_nothing_searchable_gives_no_tokens(text):
    assert tokenize(text) == []


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown tokenizer mode"):
        tokenize("专利", mode="trigrams")


def test_stopword_list_holds_question_words():
    assert {"谁", "哪个", "哪些", "什么", "如何", "怎么", "多少", "是否", "能否", "吗", "呢", "的", "了"} <= stopwords()


def test_signature_names_the_mode_and_changes_with_it():
    assert tokenizer_signature("words") != tokenizer_signature("words+bigrams")
    assert tokenizer_signature("words").startswith("words:")
