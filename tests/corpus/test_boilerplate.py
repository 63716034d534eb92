"""Boilerplate and spam: the seeds' page chrome and injections are found; clean texts, including law texts
that legitimately talk about gambling and pornography, get no spam flag."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipqa.corpus.boilerplate import analyse, find_boilerplate, is_traditional
from ipqa.corpus.spam import find_spam
from tests.helpers.paths import CORPUS, need


def seed(prefix: str) -> str:
    path = next(need(CORPUS).glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def excluded_lines(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in find_boilerplate(text, is_traditional(text))[0]]


PAGE = """当前位置：首页 > 政策文件 > 规范性文件
关于印发某市知识产权质押融资实施办法的通知
来源：某市市场监督管理局　发布时间：2023-05-06 09:30　浏览次数：1532
【字体：大 中 小】　【打印本页】　【关闭窗口】
一、总体要求
（一）加强质押融资服务。由市市场监管局牵头。
附件：1.质押融资申请表
相关链接：国家知识产权局
分享到：
主办：某市人民政府办公室　承办：某市大数据中心
网站标识码：1234567890　某ICP备12345678号　某公网安备 11010502030143号
联系我们 | 网站地图 | 隐私声明
Copyright © 2023 某市人民政府 版权所有
"""


def test_made_up_page_chrome_is_boilerplate_but_text_and_attachments_are_not():
    lines = excluded_lines(PAGE)
    body = [
        "关于印发某市知识产权质押融资实施办法的通知",
        "一、总体要求",
        "（一）加强质押融资服务。由市市场监管局牵头。",
        "附件：1.质押融资申请表",
    ]
    assert not set(body) & set(lines)
    assert len(lines) == len(PAGE.strip().split("\n")) - len(body)
    cleaned = analyse(PAGE)
    assert cleaned.fields["source_site"] == "某市市场监督管理局"
    assert cleaned.fields["date_published"] == "2023-05-06"
    assert cleaned.fields["host"] == "某市人民政府办公室"


def test_seed_000_footer():
    lines = excluded_lines(seed("000"))
    assert "扫一扫在手机打开当前页" in lines
    assert any("ICP备" in line for line in lines) and any(line.startswith("济宁市人民政府办公室主办") for line in lines)
    assert not any(line.startswith("附件") for line in lines)


def test_seed_002_and_004_link_lines():
    assert excluded_lines(seed("002")) == ["解读:点击查看", "图解:点击查看", "视频:点击查看"]
    assert excluded_lines(seed("004")) == ["相关解读：关于《泰安市“十四五”知识产权保护和运用规划》的解读"]


def test_seed_003_byline_and_slogan_footer():
    text = seed("003")
    lines = excluded_lines(text)
    assert lines[:2] == ["来源:中商产业研究院 发布日期:2018-03-21 12:00", "分享:"]
    assert {"中商情报网", "发现数据的价值", "免费高价值报告"} <= set(lines)
    assert analyse(text).fields["source_site"] == "中商产业研究院"


def test_seed_001_traditional_byline():
    text = seed("001")
    assert is_traditional(text)
    assert excluded_lines(text) == ["發布日期:2020-06-16 閱讀:930 來源:甘肅省市場監督管理局"]
    assert analyse(text).fields == {"source_site": "甘肅省市場監督管理局", "date_published": "2020-06-16"}


def test_seed_002_repeated_gambling_phrase():
    text = seed("002")
    flags = find_spam(text)
    assert len(flags) == 9
    assert all(text[f.start : f.end] == "0.1元入场捕鱼" for f in flags)
    assert "×9" in flags[0].detail and "gambling" in flags[0].detail
    cleaned = analyse(text)
    assert set(cleaned.spam) <= set(cleaned.excluded)


def test_seed_001_trailing_obscene_line():
    text = seed("001")
    flags = find_spam(text)
    assert len(flags) == 1 and text[flags[0].start : flags[0].end] == "欧美激欧美啪啪片sm"
    assert flags[0].end == len(text.rstrip())


@pytest.mark.parametrize("prefix", ["000", "003", "004"])
def test_clean_seeds_have_no_spam(prefix):
    assert find_spam(seed(prefix)) == []


LAW_TEXT = """第一条 为了加强彩票管理，规范彩票市场发展，维护彩票市场秩序，制定本条例。
第二条 禁止组织、强迫、引诱他人参与赌博、色情活动；禁止利用网络传播淫秽色情信息。
第三条 彩票发行机构、彩票销售机构应当依法开展彩票业务。体育彩票和福利彩票分别由不同机构发行。
第四条 任何单位不得以彩票名义开设赌场，不得组织百家乐等赌博活动。
第五条 欧美国家的成人教育经验可以借鉴。
"""


def test_law_text_about_gambling_is_not_spam():
    assert find_spam(LAW_TEXT * 5) == []


def test_injected_ad_cluster_and_ascii_tokens():
    text = "三、加强知识产权保护，加微信代开发票刷单日赚，推进执法协作。small business smart\n"
    flags = find_spam(text)
    assert len(flags) == 1 and "ads" in flags[0].detail
    assert "加微信" in text[flags[0].start : flags[0].end]


def test_repeated_phrase_needs_two_signals():
    # a legitimate phrase with one vocabulary word repeating is not an injection
    text = "推动体育彩票发展。" + "规范体育彩票销售。" * 5
    assert find_spam(text) == []


def test_lawrefbook_sample_has_no_spam_or_boilerplate(lawrefbook):
    files = sorted(lawrefbook.rglob("*.md"))
    for path in random.Random(7).sample(files, 200):
        text = path.read_text(encoding="utf-8")
        assert find_spam(text) == [], path
        assert excluded_lines(text) == [], path


def test_obscene_fragment_glued_to_a_text_line():
    text = "80.开展知识产权教育普及活动。(省市场监管局负责)欧美激欧美啪啪片sm\n"
    flags = find_spam(text)
    assert len(flags) == 1
    assert text[flags[0].start : flags[0].end] == "欧美激欧美啪啪片sm"


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("捕鱼入场0.1元欧美啪啪sm加微信扫一扫主办ICP备来源:发布日期2024-01-01\n 。，知识产权质押融资")
        ),
        max_size=300,
    )
)
def test_analyse_spans_always_lie_inside_the_text(text):
    cleaned = analyse(text)
    for start, end in cleaned.excluded:
        assert 0 <= start < end <= len(text)
    for flag in cleaned.flags:
        if flag.start is not None:
            assert 0 <= flag.start < flag.end <= len(text) and flag.kind == "spam"


def test_single_price_and_gambling_injection():
    text = "为贯彻《0.1元入场捕鱼强化知识产权保护的意见》，制定本规划。\n"
    flags = find_spam(text)
    assert [text[f.start : f.end] for f in flags] == ["0.1元入场捕鱼"]
    assert find_spam("彩票发行机构应当按照5元彩票的面值销售彩票。\n") == []


@pytest.mark.parametrize("br", ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85"])
def test_spam_and_boilerplate_agree_on_a_lines_span(br):
    """One line that is both page chrome and a spam line: both finders give it the same span, whatever breaks
    the lines (they share ipqa.text.iter_lines)."""
    line = "扫一扫 啪啪激情欧美无码"
    text = br.join(["一、加强专利导航服务。", f"  {line} ", "二、推进质押融资。"]) + br
    start = text.index(line)
    boiler, _ = find_boilerplate(text)
    spam = find_spam(text)
    assert [(s, e) for s, e, _ in boiler] == [(start, start + len(line))]
    assert [(f.start, f.end) for f in spam] == [(start, start + len(line))]
