"""Span finders of ipqa.answer.spans: every span indexes the text given, across scripts, widths and line breaks."""

from __future__ import annotations

import pytest

from ipqa.answer.spans import dates, figures, fold, overlap, phrases, rank_spans, sentences, term_score, unit_of
from tests.helpers.paths import CORPUS

GOALS = (
    "到2026年年底,知识产权质押融资登记金额每年不低于2亿元,专利产品备案数量达到50件,达成专利开放许可数量60件。"
    "全区专利权质押融资总额达4.2亿元,其中2020年知识产权质押融资额1亿元,同比增长210%,惠及企业9家。"
)


def _texts(spans):
    return [s.text for s in spans]


def _check(text, spans):
    for s in spans:
        assert text[s.start : s.end] == s.text


def test_figures_keep_units_and_bounds_not_years():
    found = figures(GOALS)
    _check(GOALS, found)
    assert _texts(found) == ["2亿元", "50件", "60件", "4.2亿元", "1亿元", "210%", "9家"]
    text = "到2025年年末全市有效发明专利达到3300件以上，每万人口高价值发明专利达到3.6件，增长20％以上"
    assert _texts(figures(text)) == ["3300件以上", "3.6件", "20％以上"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("习近平在中央政治局第二十五次集体学习", []),  # an ordinal, not a figure
        ("“十四五”时期", []),
        ("处五万元以上二十万元以下的罚款", ["五万元以上", "二十万元以下"]),
        ("自收到通知之日起三十日内", ["三十日"]),
        ("ＧＢ/Ｔ 29490-2023", []),
        ("每年年初对上一年度工作进行考核", []),  # 上一年度 is a year before, not a span of one year
        ("每三年复核一次", ["三年"]),
    ],
)
def test_figures_edge_cases(text, expected):
    assert _texts(figures(text)) == expected


def test_unit_of():
    assert [unit_of(x) for x in ("3300件以上", "2億元", "20％", "9家", "三十日")] == ["件", "亿元", "%", "家", "日"]


def test_dates_and_deadlines():
    text = (
        "到2025年年末实现目标，2026年年底前完成，每年开展，2020-2021年试点，成文日期2024年4月29日，“十四五”期间，"
        "自收到通知之日起三十日内"
    )
    found = dates(text)
    _check(text, found)
    assert _texts(found) == [
        "到2025年年末",
        "2026年年底前",
        "每年",
        "2020-2021年",
        "2024年4月29日",
        "“十四五”期间",
        "之日起",
        "三十日内",
    ]


def test_sentences_cover_traditional_text_and_keep_unit_parenthetical():
    text = (
        "43.深化知識產權質押融資,加強與金融機構合作,力爭知識產權質押融資規模增長20%以上。(省市場監管局負責)\n\n"
        "42.組織開展需求調查,對有關疫情防\n\n控物資生產企業。"
    )
    sents = sentences(text)
    _check(text, sents)
    assert sents[0].text.endswith("(省市場監管局負責)")
    assert sents[1].text.startswith("42.") and "疫情防\n\n控" in sents[1].text
    assert fold(sents[1].text).text == "42.组织开展需求调查,对有关疫情防控物资生产企业。"


def test_blocked_spans_are_never_inside_a_piece():
    text = "为贯彻《0.1元入场捕鱼强化知识产权保护的意见》，落实工作。"
    spam = (text.index("0.1"), text.index("0.1") + len("0.1元入场捕鱼"))
    for finder in (sentences, phrases, figures, dates):
        for s in finder(text, blocked=(spam,)):
            assert s.end <= spam[0] or s.start >= spam[1], (finder.__name__, s)
    assert figures(text) and not figures(text, blocked=(spam,))


def test_fold_maps_back_to_original_offsets():
    text = "第 十 条　知識產權\n質押２０２０年"
    f = fold(text)
    assert f.text == "第十条知识产权质押2020年"
    for i, ch in enumerate(f.text):
        assert fold(text[f.pos[i]]).text == ch


def test_term_overlap_gives_partial_credit_for_split_compounds():
    clause = fold("2018年新增获得认证证书的企业数量较2017年增长10%以上").text
    assert term_score("企业", clause) == 1.0
    assert 0 < term_score("贯标认证", clause) < 1
    assert term_score("离婚", clause) == 0.0
    # a year in the question counts double: it pins which figure is meant
    assert overlap(["2018", "离婚"], clause) > overlap(["离婚", "企业", "结婚"], clause)


def test_best_sentence_of_a_seed_clause():
    text = (CORPUS / "000_81f9c92258dafa0e.txt").read_text(encoding="utf-8")
    start = text.index("5.深入发掘高附加值地理标志产品")
    clause = text[start : text.index("\n", start)]
    best = rank_spans(sentences(clause), ["邹城", "地理标志产品", "示范基地"])[0]
    assert "邹城金山大樱桃" in best.text and clause[best.start : best.end] == best.text


ALPHABET = "知識产权质押融资到年底前每不低于亿元件家%％０１２3456789。，,；;（）()\n \u3000“”" + "0.1元入场捕鱼"


@pytest.mark.parametrize("finder", [sentences, phrases, figures, dates])
def test_spans_index_the_text_and_avoid_blocked_spans(finder):
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    @hypothesis.settings(max_examples=150, deadline=None)
    @hypothesis.given(st.text(alphabet=ALPHABET, max_size=60), st.integers(0, 60), st.integers(0, 8))
    def check(text, at, width):
        blocked = ((min(at, len(text)), min(at + width, len(text))),) if width else ()
        for s in finder(text, blocked=blocked):
            assert 0 <= s.start < s.end <= len(text) and text[s.start : s.end] == s.text
            for a, b in blocked:
                assert s.end <= a or s.start >= b or a == b

    check()


def test_a_day_named_by_its_date_is_a_date():
    # "4·26知识产权宣传周", "5·10中国品牌日": the day of a yearly event, written month·day
    assert [d.text for d in dates("开展4·26知识产权宣传周、5·10中国品牌日活动")] == ["4·26", "5·10"]
    assert dates("增长3.5倍") == []
