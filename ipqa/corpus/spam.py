"""Injected spam: gambling, obscene and advertising text pasted into policy pages by compromised sites.

Law texts talk *about* gambling and pornography legitimately ("…赌博、色情…"), so a vocabulary hit alone is
never enough. A finding needs one of:

- a line that is mostly spam vocabulary (density; e.g. a trailing obscene fragment),
- a phrase around a spam term that recurs verbatim several times while its surroundings vary (a paste-over:
  "0.1元入场捕鱼" ×9 where "关于" stood), carrying at least two spam signals (terms or a price like "0.1元"),
- a tight cluster of three or more distinct spam terms inside a sentence, or of two right after a price.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ipqa.records import Flag
from ipqa.text import LINE_BREAKS, iter_lines

# Vocabulary per class. Terms are matched case-insensitively; ASCII terms only as whole tokens.
VOCABULARY = {
    "gambling": (
        "捕鱼",
        "棋牌",
        "娱乐城",
        "彩票",
        "百家乐",
        "真人娱乐",
        "真人视讯",
        "真人荷官",
        "老虎机",
        "入场",
        "下注",
        "充值送",
        "博彩",
        "赌场",
        "时时彩",
        "六合彩",
        "北京赛车",
        "体育投注",
        "电子游艺",
        "开户送",
        "注册送",
        "彩金",
        "首存",
        "返水",
        "葡京",
        "威尼斯人",
        "太阳城",
        "炸金花",
        "牛牛",
        "德州扑克",
        "bet365",
        "娛樂城",
        "百家樂",
        "老虎機",
        "時時彩",
        "賭場",
        "捕魚",
        "下註",
        "入場",
    ),
    "porn": (
        "啪啪",
        "激情",
        "色情",
        "sm",
        "欧美",
        "无码",
        "约炮",
        "一夜情",
        "裸聊",
        "黄片",
        "av",
        "日韩",
        "偷拍",
        "巨乳",
        "人妻",
        "少妇",
        "丝袜",
        "成人影院",
        "成人视频",
        "成人网站",
        "成人电影",
        "成人影視",
        "歐美",
        "無碼",
        "約炮",
        "黃片",
        "日韓",
        "少婦",
        "絲襪",
    ),
    "ads": (
        "加微信",
        "加v",
        "代开发票",
        "代开",
        "发票代开",
        "刷单",
        "qq群",
        "网址",
        "日赚",
        "办证",
        "私服",
        "代孕",
        "加群",
        "微信号",
        "加微",
        "代開發票",
        "刷單",
        "網址",
        "日賺",
        "辦證",
    ),
}
_TERM_CLASS = {term.lower(): cls for cls, terms in VOCABULARY.items() for term in terms}


def _term_pattern(term: str) -> str:
    """A term as a case-insensitive pattern without re.IGNORECASE (which slows matching hanzi several-fold);
    ASCII terms match only as whole tokens ("sm" not in "small")."""
    body = "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() and c.isascii() else re.escape(c) for c in term)
    return rf"(?<![a-zA-Z0-9]){body}(?![a-zA-Z0-9])" if term.isascii() else body


# The lookahead on the terms' first characters lets the regex skip most positions cheaply.
_FIRST = "".join(sorted({c for t in _TERM_CLASS for c in (t[0].lower(), t[0].upper())}))
_TERMS = re.compile(
    f"(?=[{re.escape(_FIRST)}])(?:"
    + "|".join(_term_pattern(t) for t in sorted(_TERM_CLASS, key=len, reverse=True))
    + ")"
)
_PRICE = re.compile(r"\d+(?:\.\d+)?元")
_PRICE_BEFORE = re.compile(r"\d+(?:\.\d+)?元$")
_STOP = set("。，；：！？、,;:!?\t 《》“”\"'（）()【】[]" + LINE_BREAKS)  # a repeated phrase never grows across these
LINE_MAX = 80  # a spam line is short: a fragment, not a paragraph
LINE_DENSITY = 0.6  # share of the line's characters that are spam vocabulary
MIN_REPEATS = 3
MAX_GROW = 8  # characters a repeated phrase may grow on each side of its term
CLUSTER_GAP = 4  # characters between terms of one cluster


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    term: str
    cls: str


def _hits(text: str) -> list[_Hit]:
    return [_Hit(m.start(), m.end(), m.group().lower(), _TERM_CLASS[m.group().lower()]) for m in _TERMS.finditer(text)]


def _classes(hits: list[_Hit]) -> str:
    return "/".join(sorted({h.cls for h in hits}))


def _spam_lines(text: str, hits: list[_Hit]) -> list[Flag]:
    by_line: dict[tuple[int, int], list[_Hit]] = defaultdict(list)
    lines = [(start, end) for start, end, _ in iter_lines(text)]
    index = 0
    for hit in hits:
        while index < len(lines) and lines[index][1] < hit.start:
            index += 1
        if index < len(lines):
            by_line[lines[index]].append(hit)
    flags = []
    for (start, end), line_hits in by_line.items():
        line = text[start:end]
        stripped = line.strip()
        if len(line_hits) < 2 or not stripped or len(stripped) > LINE_MAX or "。" in stripped:
            continue
        covered = sum(h.end - h.start for h in line_hits)
        if covered / len(re.sub(r"\s", "", stripped)) >= LINE_DENSITY:
            lead = len(line) - len(line.lstrip())
            s, e = start + lead, start + lead + len(stripped)
            flags.append(Flag("spam", f"spam line “{stripped}” ({_classes(line_hits)})", s, e))
    return flags


def _grow(text: str, starts: list[int], length: int) -> tuple[int, int, bool]:
    """How far (left, right) every occurrence agrees character by character around the term, and whether the
    growth stopped on at least one side because the occurrences' surroundings differ (a paste-over) rather
    than at the same punctuation everywhere (a sentence that is simply repeated)."""
    varies = False
    left = 0
    while left < MAX_GROW:
        chars = {text[s - left - 1] if s - left - 1 >= 0 else None for s in starts}
        if len(chars) != 1 or None in chars or chars & _STOP:
            varies = varies or len(chars) > 1
            break
        left += 1
    right = 0
    while right < MAX_GROW:
        chars = {text[s + length + right] if s + length + right < len(text) else None for s in starts}
        if len(chars) != 1 or None in chars or chars & _STOP:
            varies = varies or len(chars) > 1
            break
        right += 1
    return left, right, varies


def _repeated_phrases(text: str, hits: list[_Hit]) -> list[Flag]:
    by_term: dict[str, list[_Hit]] = defaultdict(list)
    for hit in hits:
        by_term[hit.term].append(hit)
    flags, seen = [], set()
    for term, term_hits in by_term.items():
        if len(term_hits) < MIN_REPEATS:
            continue
        starts = [h.start for h in term_hits]
        left, right, varies = _grow(text, starts, len(term))
        if not varies:
            continue
        phrase = text[starts[0] - left : starts[0] + len(term) + right]
        inner = _hits(phrase)
        signals = len({h.term for h in inner}) + (1 if _PRICE.search(phrase) else 0)
        if signals < 2 or phrase in seen:
            continue
        seen.add(phrase)
        for s in starts:
            flags.append(
                Flag(
                    "spam",
                    f"inline phrase “{phrase}” ×{len(starts)} ({_classes(inner)})",
                    s - left,
                    s + len(term) + right,
                )
            )
    return flags


def _clusters(text: str, hits: list[_Hit]) -> list[Flag]:
    """Tight groups of spam terms: three distinct terms, or two right after a price ("0.1元入场捕鱼")."""
    flags, group = [], []
    for hit in hits + [None]:
        if hit is not None and group and hit.start - group[-1].end <= CLUSTER_GAP:
            group.append(hit)
            continue
        distinct = len({h.term for h in group})
        if group and distinct >= 2:
            s, e = group[0].start, group[-1].end
            price = _PRICE_BEFORE.search(text, max(0, s - 8), s)
            if distinct >= 3 or price:
                s = price.start() if price else s
                flags.append(Flag("spam", f"spam phrase “{text[s:e]}” ({_classes(group)})", s, e))
        group = [hit] if hit is not None else []
    return flags


def find_spam(text: str) -> list[Flag]:
    """Spam findings with their spans in ``text``; overlapping findings are reported once (the first kind)."""
    hits = _hits(text)
    if not hits:
        return []
    flags: list[Flag] = []
    covered: list[tuple[int, int]] = []
    for flag in _spam_lines(text, hits) + _repeated_phrases(text, hits) + _clusters(text, hits):
        if any(flag.start < e and s < flag.end for s, e in covered):
            continue
        covered.append((flag.start, flag.end))
        flags.append(flag)
    return sorted(flags, key=lambda f: f.start)
