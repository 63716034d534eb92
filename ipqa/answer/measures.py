"""The measure a number question asks the quantity of, and how close a figure's phrase comes to it: 多少官费 asks
for a fee, 利率是多少 for a rate, and 每一万个人 is the per-capita measure the plans write as 每万人口. Used by the
question analysis (ipqa.answer.analysis) and the number composer (ipqa.answer.compose)."""

from __future__ import annotations

import re

from ipqa.answer.spans import fold
from ipqa.text import normalise

# The measure a quantity is asked of: the noun after 多少 and its unit ("多少官费", "多少件发明专利"), else the one
# before it ("利率大概是多少", "专项资金一年有多少钱"). Units and money words are no measure.
# Units, money and generic words ("目标是多少") are passed over, as are places and names (tags ns, nr).
_NOUN_TAGS = frozenset(("n", "nz", "nt", "vn", "nl", "ng"))
_COUNTER_TAGS = ("m", "q", "zg", "uj")
_PASSED_BEFORE = ("v", "d", "b", "uj", "ul", "r", "p", "m", "t", "l", "c")
_NOT_A_MEASURE = frozenset(
    ("钱", "资金", "数量", "数字", "金额", "比例", "时间", "一年", "每年", "元", "件", "人", "目标", "标准", "情况")
    + ("总量", "总数", "数", "规模", "累计", "水平", "指标", "任务")
    # which bound is asked, not what is counted ("登记额保底是多少"), and the document it is asked of ("规划期末")
    + ("保底", "底线", "上限", "下限", "起码", "最少", "最多", "规划", "方案", "计划", "文件", "政策")
)

_PERIOD = re.compile(r"十[一二三四五六七八九]五")


def measure_asked(question: str) -> str:
    """The noun a 多少 question asks the quantity of, or "" (jieba's part-of-speech tags; the shipped dictionary)."""
    from ipqa.retrieval.tokens import pos_tags

    tagged = pos_tags(normalise(question))
    at = next((i for i, (w, _) in enumerate(tagged) if w == "多少"), None)
    if at is None:
        return ""

    def noun(word: str, tag: str) -> bool:
        # a period (十四五) says when, not what is counted
        return tag in _NOUN_TAGS and len(word) > 1 and word not in _NOT_A_MEASURE and not _PERIOD.fullmatch(word)

    for word, tag in tagged[at + 1 : at + 4]:  # 多少 (件) (的) 发明专利
        if noun(word, tag):
            return word
        if not (tag.startswith(_COUNTER_TAGS) or word in _NOT_A_MEASURE):
            break
    commas = 0
    for word, tag in reversed(tagged[max(at - 8, 0) : at]):  # 利率 (大概) (是) 多少; 质押金额的累计目标是多少
        if word.startswith(("比", "较")):
            break  # "比头一年多出多少": a difference is asked, of whatever was counted before the comparison
        if noun(word, tag):
            return word
        if word in "，," and not commas:
            commas += 1  # "那支志愿者队伍，打算招多少人": the thing counted was said before the comma
            continue
        if not (tag.startswith(_PASSED_BEFORE) or word in _NOT_A_MEASURE):
            break
    return ""


# Per shared character bigram of the question and a figure's phrase, after measure words are written one way
# (measure_bigrams): it breaks ties between figures of one sentence that word scores cannot tell apart.
MEASURE_BIGRAM = 0.05
# The forms a measure is said in: "平均每一万个人", "每万人口", "万人" are one per-capita measure.
_MEASURE_FORMS = ((re.compile(r"(?:平均)?每?一?万个?人口?"), "万人"), (re.compile(r"人均"), "每人"))


def measure_bigrams(question: str, phrase: str) -> int:
    """How many character bigrams a figure's phrase shares with the question, measure forms made one."""

    def grams(text: str) -> set[str]:
        text = fold(text).text
        for pattern, form in _MEASURE_FORMS:
            text = pattern.sub(form, text)
        return {text[i : i + 2] for i in range(len(text) - 1) if not any(c.isdigit() for c in text[i : i + 2])}

    return len(grams(question) & grams(phrase))


# What a per-unit measure is per: "每万人口", "万人" and "人均" are per head, "每十亿元GDP" per output. A figure per
# one thing does not answer a question per another ("每十亿元GDP的高价值发明专利" is not "每万人高价值发明专利").
_PER = (
    ("人", re.compile(r"万个?人口?|人均|每人")),
    ("产值", re.compile(r"(?:亿|万)元?(?:GDP|gdp|生产总值|产值)")),
    ("企业", re.compile(r"万企|万户企业|每家企业")),
)


def per_units(text: str) -> set[str]:
    """What the per-unit measures a text names are per (人, 产值, 企业)."""
    folded = fold(text).text
    return {name for name, pattern in _PER if pattern.search(folded)}


# A count asked with 几 of a named thing: "几个省" (四省), "按几个体系" (三个体系), "第几次集体学习" (第二十五次).
_CLASSIFIERS = "个|项|家|大|位|类|种|级|届|次|批|条|方面"
_COUNTED = re.compile(rf"(?<!哪)(第)?几(?:{_CLASSIFIERS})?([\u4e00-\u9fff]{{1,6}})")
_CN_NUMERAL = "[二两三四五六七八九十百]"


def counted_thing(question: str) -> re.Pattern | None:
    """A pattern for the count a 几 question asks, written in words in the text: the numeral (or ordinal 第…)
    right before the thing counted ("几个省" → 四省, 三个省; "第几次集体学习" → 第二十五次集体学习). 一 is left out:
    "一批", "一体" are no counts. None when the question asks no such count."""
    m = _COUNTED.search(normalise(question))
    if not m:
        return None
    from ipqa.retrieval.tokens import pos_tags

    ordinal, after = m.groups()
    thing = pos_tags(after)[0][0]  # the word counted: "省" of 省的部分城市, "体系" of 体系的要求
    lead = rf"第[一{_CN_NUMERAL[1:-1]}]+" if ordinal else rf"(?<![第一{_CN_NUMERAL[1:-1]}]){_CN_NUMERAL}{{1,3}}"
    return re.compile(rf"{lead}(?:{_CLASSIFIERS})?[“\"]?(?={re.escape(thing)})")
