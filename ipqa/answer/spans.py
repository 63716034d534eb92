"""Pure span finders over clause text: sentences, comma-level phrases, figures with units, dates and deadlines,
and query-term overlap. Every result is a character span into the text given, so a quote built from it is
verbatim and re-checkable.

Matching runs on a *folded* copy of the text (per-character NFKC, traditional → simplified, lower case,
whitespace removed) that keeps a map back to the original offsets: a traditional-script clause, a full-width
digit or a figure broken across a web-page line break ("疫情防\\n\\n控") still matches, and the span returned
covers the original characters. Blocked spans (injected spam) become hard boundaries: no sentence, phrase or
figure ever crosses or includes one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ipqa.text import to_simplified

_BOUNDARY = "\x00"  # stands in for a blocked span in the folded text
_LINE_END = "\x01"  # a line break after a closing bracket: "（省市场监管局负责）\n" ends a sentence
_MARKS = _BOUNDARY + _LINE_END
_SENT_END = re.compile(r"[。！？；!?;\x00\x01]+[”’」』]*")
_PHRASE_END = re.compile(r"[，,：:。！？；!?;\x00\x01]+[”’」』]*")
_PAREN_ONLY = re.compile(r"^[(（][^()（）]*[)）]?$")

_NUM = r"\d+(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千万]+"
_UNITS = (
    r"亿元|万元|千元|元|万件|万个|万户|万人次|万人|件|家次|家|个百分点|百分点|个|项|人次|人|名|所|户|倍|%|‰"
    r"|平方公里|平方米|万平方米|公顷|万亩|亩|万吨|吨|公里|篇|场|期|座|条|次|批|届|轮|种|类|位|台|套|份"
    r"|天|个工作日|工作日|小时|个月|周|年"
)
# A figure: digits (or Chinese numerals before money/time units) with a unit ("1100余人次") and an optional bound; a four-digit
# 19xx/20xx before 年 is a year, which dates() reports instead.
_FIGURE = re.compile(
    rf"(?<![\d.第])(?!(?:19|20)\d\d年)(?:{_NUM}(?:万|亿|千)?(?:余|多)?(?:{_UNITS})"
    rf"|(?<![第零〇一二两三四五六七八九十百千万])(?!(?<=[上下同当每])一)(?![一二][〇零一二三四五六七八九]{{3}}年){_CN}(?:亿元|万元|元|个工作日|工作日|日|天|个月|年|倍)|百分之{_CN}(?:点{_CN})?)"
    r"(?:以上|以下|左右|以内|之内|/年)?"
)
_YEAR = r"(?:19|20)\d\d"
_DATE = re.compile(
    rf"(?:到|至|截至|截止到|截止|自|从|于|在)?"
    rf"(?:{_YEAR}(?:年)?[-—–~至到]{_YEAR}年(?:度)?"
    rf"|{_YEAR}年\d{{1,2}}月(?:\d{{1,2}}日)?(?:起|前|以前|之前)?"
    rf"|{_YEAR}-\d{{1,2}}-\d{{1,2}}"
    rf"|{_YEAR}年(?:度)?(?:年末|年底|底|末|上半年|下半年|第[一二三四]季度|年内|内|起)?(?:前|以前|之前)?"
    r"|每(?:年|季度|月|半年|周|\d+年|[一二三两]年)(?:度)?"
    r"|(?<![\d.])(?:1[0-2]|[1-9])[·•・](?:3[01]|[12]\d|[1-9])(?![\d.])"  # a day named by its date: 4·26, 5·10
    r"|[“\"]?十[一二三四五六七八九]五[”\"]?(?:期间|时期|末)?"
    rf"|(?:{_NUM}|{_CN})(?:个)?(?:工作日|日|天|个月|年)(?:内|以内|之内)"
    r"|之日起|即日起)"
)
# Question years ("2020年") count double when a phrase repeats them: the year pins the figure asked for.
_YEAR_TERM = re.compile(rf"^{_YEAR}$")
_CJK_TERM = re.compile(r"^[\u3400-\u9fff]+$")


@dataclass(frozen=True)
class Span:
    """A piece of some text: ``text == source[start:end]``; ``score`` is set by the rankers."""

    start: int
    end: int
    text: str
    score: float = 0.0


@dataclass(frozen=True)
class Folded:
    """``text`` is the folded (searchable) form; ``pos[i]`` is the original offset of ``text[i]``."""

    text: str
    pos: tuple[int, ...]

    def span(self, source: str, start: int, end: int, score: float = 0.0) -> Span:
        a, b = self.pos[start], self.pos[end - 1] + 1
        return Span(a, b, source[a:b], score)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    n = unicodedata.normalize("NFKC", ch)
    n = n if len(n) == 1 else ch
    s = to_simplified(n)
    return (s if len(s) == 1 else n).lower()


def fold(text: str, blocked: tuple[tuple[int, int], ...] = ()) -> Folded:
    """The searchable form of ``text`` with its offset map; each blocked span becomes one boundary mark."""
    out, pos = [], []
    blocks = sorted(blocked)
    i, b = 0, 0
    while i < len(text):
        while b < len(blocks) and blocks[b][1] <= i:
            b += 1
        if b < len(blocks) and blocks[b][0] <= i:
            out.append(_BOUNDARY)
            pos.append(i)
            i = blocks[b][1]
            continue
        ch = text[i]
        if ch == "\n" and out and out[-1] in ")）":
            out.append(_LINE_END)
            pos.append(i)
        elif not ch.isspace():
            out.append(_fold_char(ch))
            pos.append(i)
        i += 1
    return Folded("".join(out), tuple(pos))


def _pieces(text: str, blocked, splitter: re.Pattern) -> tuple[Folded, list[tuple[int, int]]]:
    """Folded-text spans between separators (separators kept with the piece before them, marks dropped).
    A blocked span's mark always ends a piece, wherever it falls among the separators."""
    f = fold(text, tuple(blocked))
    clean, seg_start = [], 0
    for segment in f.text.split(_BOUNDARY):
        start = 0
        bounds = [m.end() for m in splitter.finditer(segment)] + [len(segment)]
        for end in bounds:
            a, b = seg_start + start, seg_start + end
            while a < b and f.text[a] in _MARKS:
                a += 1
            while b > a and f.text[b - 1] in _MARKS:
                b -= 1
            if b > a:
                clean.append((a, b))
            start = end
        seg_start += len(segment) + 1
    return f, clean


def sentences(text: str, blocked=()) -> list[Span]:
    """Sentences of ``text``; a trailing parenthetical such as "（省市场监管局负责）" stays with its sentence."""
    f, spans = _pieces(text, blocked, _SENT_END)
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        gap_ok = merged and _BOUNDARY not in f.text[merged[-1][1] : a]
        if merged and gap_ok and _PAREN_ONLY.match(f.text[a:b].rstrip("。；;" + _MARKS)):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return [f.span(text, a, b) for a, b in merged]


def phrases(text: str, blocked=()) -> list[Span]:
    """Comma-level pieces of ``text`` (split at ，：。；！？), the unit a figure or deadline is read in."""
    f, spans = _pieces(text, blocked, _PHRASE_END)
    return [f.span(text, a, b) for a, b in spans]


def _find(pattern: re.Pattern, text: str, blocked) -> list[Span]:
    f = fold(text, tuple(blocked))
    return [f.span(text, m.start(), m.end()) for m in pattern.finditer(f.text) if m.end() > m.start()]


def figures(text: str, blocked=()) -> list[Span]:
    """Numbers with units ("2亿元", "3300件以上", "20%", "三十日") — not years, not ordinals (第二十五次)."""
    return _find(_FIGURE, text, blocked)


def dates(text: str, blocked=()) -> list[Span]:
    """Dates, years, periods and deadlines ("到2025年年末", "2026年年底前", "每年", "2020-2021年", "三十日内")."""
    return _find(_DATE, text, blocked)


def unit_of(figure: str) -> str:
    """The unit of a figure found by ``figures``: "3300件以上" → "件", "2亿元" → "亿元", "20%" → "%"."""
    m = re.search(rf"({_UNITS}|日)(?:以上|以下|左右|以内|之内|/年)?$", fold(figure).text)
    return m.group(1) if m else ""


def unit_fits(unit: str, asked: str) -> bool:
    """Whether a figure's unit answers a question asking for ``asked``: money for money (元, 万元, 亿元), a share
    for a share (%, 百分点), 人 for 人/名/人次; 个 is said of any count; other counts must match (件 ≠ 家)."""
    family = UNIT_FAMILIES.get(asked)
    if family is None:
        return unit.endswith(asked)
    return any(unit.endswith(u) for u in family)


UNIT_FAMILIES = {
    "元": ("元",),
    "%": ("%", "百分点", "‰"),
    "人": ("人", "名", "人次"),
    "个": ("个", "件", "家", "项", "所", "户", "次", "期", "名", "人"),
    "家": ("家", "家次", "户"),
    "时长": ("年", "个月", "月", "天", "日", "工作日", "小时", "周"),
}


def term_score(term: str, folded: str) -> float:
    """How much of one query term a folded text contains: 1 for the whole term, else the share of its
    character bigrams (question and clause cut compounds differently: 贯标认证 vs 贯标…认证)."""
    if term in folded:
        return 1.0
    if len(term) < 3 or not _CJK_TERM.match(term):
        return 0.0  # numbers and Latin words match whole or not at all: "2020" is not half of "2024"
    grams = [term[i : i + 2] for i in range(len(term) - 1)]
    return sum(g in folded for g in grams) / len(grams)


def overlap(terms: list[str], folded: str, weights: dict[str, float] | None = None, score=None) -> float:
    """Weighted mean term score of ``terms`` over a folded text. Years weigh double (they pin the figure asked
    for), as does any term ``weights`` names. ``score(term, folded)`` replaces :func:`term_score` (the answer
    gate's ``presence`` also counts thesaurus relatives)."""
    if not terms:
        return 0.0
    score = score or term_score
    w = [(weights or {}).get(t, 2.0 if _YEAR_TERM.match(t) else 1.0) for t in terms]
    return sum(x * score(t, folded) for t, x in zip(terms, w)) / sum(w)


def rank_spans(spans: list[Span], terms: list[str]) -> list[Span]:
    """``spans`` scored by term overlap, best first (ties keep text order)."""
    scored = [Span(s.start, s.end, s.text, overlap(terms, fold(s.text).text)) for s in spans]
    return sorted(scored, key=lambda s: -s.score)
