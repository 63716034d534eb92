"""The label grammar of Chinese policy and legal texts: which line starts a numbered unit, of which family, at
which level.

All families are recognised together, with one explicit level order (lower rank = outer):

    markdown headings  (#, ##, … : always outermost, by depth)
    附件 -1 › 第X编 0 › 第X分编 1 › 第X章 2 › 第X节 3 › 第X条 4 › 一、 5 › （一） 6 › 1. 7 › （1） 8 › ① 9

Full- and half-width brackets and dots are the same family ("(一)" = "（一）", "1．" = "1."). An item whose dot
was lost in extraction ("13加快推进…") is a label only when its number continues the running sequence of
``1.`` items; any other line that starts with digits ("2020年…", "12.07件…") is text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ipqa.text import to_simplified

_CN = "零一二三四五六七八九十百千万〇两"
_WS = " \t\u3000\xa0\u2002\u2003"
_MD = re.compile(r"(#{1,6})[ \t\u3000]+(.*\S)?")
# 编 章 节 are headings: the number is followed by a space, the end of the line, or a short title line.
_PART = re.compile(rf"第([{_CN}\d]+)(分编|编|章|节)")
_ARTICLE = re.compile(rf"第([{_CN}\d]+)条(?:之[{_CN}]+)?")
# After "第X条" a sentence that merely starts with an article reference ("第二十条规定的…") is not a label.
_NOT_AFTER_ARTICLE = set("规至、和或的中第及所,，。")
# An annex ("附件", "附件2", "附件：") starts a part of its own, outside the body's numbering.
_ANNEX = re.compile(r"附件[ \t\u3000]*[0-9一二三四五六七八九十]*(?=[:：\s0-9]|$|(?<=[0-9一二三四五六七八九十]))")
_CN_ITEM = re.compile(r"([一二三四五六七八九十百]+)[、．.]")
_CN_PAREN = re.compile(r"[（(]([一二三四五六七八九十]+)[）)]")
_AR_ITEM = re.compile(r"(\d{1,3})[.．、](?![\d.．])")
_AR_PAREN = re.compile(r"[（(](\d{1,2})[）)]|(\d{1,2})[）)]")
_CIRCLED = re.compile(r"[①-⑳]")
_AR_BARE = re.compile(r"(\d{1,3})(?=[\u4e00-\u9fff])")
# Characters after a bare number that make it a quantity or a date, never an item number.
_UNIT_AFTER = set("年月日时号个件家项元万亿千百次人名条款章节位岁倍多余批所场期届户台套座种类级米吨亩天周度")

RANKS = {
    "annex": -1,
    "bian": 0,
    "fenbian": 1,
    "zhang": 2,
    "jie": 3,
    "tiao": 4,
    "cn": 5,
    "cn_paren": 6,
    "arabic": 7,
    "arabic_paren": 8,
    "circled": 9,
}
STRUCTURAL = {"bian", "fenbian", "zhang", "jie"}
_PART_KIND = {"编": "bian", "分编": "fenbian", "章": "zhang", "节": "jie"}
_TRAILING_PUNCT = "、.．。，,:：;； "
PREAMBLE = "序言"  # path of the text before the first label
_SHORT_TITLE = 20  # an item's inline title (up to the first 。) is at most this long
_HEADING_LINE = 40  # a heading line without body text is at most this long


@dataclass(frozen=True)
class Label:
    """A numbered (or markdown) heading found at the start of a line; offsets are relative to the line."""

    kind: str  # family: "tiao", "cn_paren", "arabic", … or "md1".."md6" for markdown headings
    rank: int  # level in the explicit order; markdown headings are negative (outermost)
    text: str  # the label as written: "（二）", "3.", "第十四条", "13"; "" for an unnumbered markdown heading
    start: int  # where the unit's text starts in the line (after any markdown #'s)
    end: int  # just after the label
    title: str  # the rest of the line after the label, stripped
    number: int | None = None  # value of an arabic item number, for the running sequence

    @property
    def structural(self) -> bool:
        """编/章/节 and markdown headings: always path elements, never items."""
        return self.kind in STRUCTURAL or self.kind.startswith("md")


@lru_cache(maxsize=4096)
def normalise_label(label: str) -> str:
    """The form used in clause ids: NFKC, simplified, no whitespace, no trailing punctuation ("（二）" → "(二)")."""
    text = to_simplified(unicodedata.normalize("NFKC", label))
    return "".join(text.split()).rstrip(_TRAILING_PUNCT)


def _title(line: str, pos: int) -> str:
    return line[pos:].strip(_WS).lstrip(":：").lstrip(_WS)


def _label(kind: str, line: str, m: re.Match, start: int, number: int | None = None) -> Label:
    return Label(kind, RANKS[kind], m.group(0), start, m.end(), _title(line, m.end()), number)


def match_label(line: str, prev_number: int | None = None) -> Label | None:
    """The label that starts ``line`` (one line, no newline), or None when the line is text.

    ``prev_number`` is the number of the latest ``1.``-family item in the document: a bare number that
    continues it ("13" after "12.") is taken as an item whose dot was lost."""
    start = len(line) - len(line.lstrip(_WS))
    md = _MD.fullmatch(line, start)
    if md:
        inner_start = md.start(2) if md.group(2) else len(line)
        inner = _match_body(line, inner_start, None, heading=True)
        depth = len(md.group(1))
        text = inner.text if inner else ""
        end = inner.end if inner else inner_start
        return Label(f"md{depth}", depth - 20, text, inner_start, end, _title(line, end))
    return _match_body(line, start, prev_number, heading=False)


def _match_body(line: str, pos: int, prev_number: int | None, heading: bool) -> Label | None:
    """Numbering families at ``pos``. ``heading``: the line is a markdown heading, so 编/章/节 need no check."""
    m = _PART.match(line, pos)
    if m:
        rest = _title(line, m.end())
        spaced = m.end() == len(line) or line[m.end()] in _WS
        # "第一章总则" (no space) is a heading only when the line is short and not a sentence.
        if heading or spaced or (len(rest) <= 20 and not any(c in rest for c in "。，,；;")):
            return _label(_PART_KIND[m.group(2)], line, m, pos)
        return None
    m = _ANNEX.match(line, pos)
    if m:
        return _label("annex", line, m, pos)
    m = _ARTICLE.match(line, pos)
    if m:
        if m.end() < len(line) and line[m.end()] in _NOT_AFTER_ARTICLE:
            return None
        return _label("tiao", line, m, pos)
    for kind, rx in (("cn", _CN_ITEM), ("cn_paren", _CN_PAREN), ("arabic_paren", _AR_PAREN), ("circled", _CIRCLED)):
        m = rx.match(line, pos)
        if m:
            return _label(kind, line, m, pos)
    m = _AR_ITEM.match(line, pos)
    if m:
        return _label("arabic", line, m, pos, int(m.group(1)))
    m = _AR_BARE.match(line, pos)
    if m and prev_number is not None and int(m.group(1)) == prev_number + 1 and line[m.end()] not in _UNIT_AFTER:
        return _label("arabic", line, m, pos, int(m.group(1)))
    return None


def path_element(label: Label | None, heading_only: bool) -> str:
    """A unit's own element of a clause path: its label plus its title when it has a short one
    ("3.持续优化知识产权金融服务", "第一章 总则"), else the bare label ("43.", "第十四条")."""
    if label is None:
        return PREAMBLE
    title = label.title.rstrip("。；;，,：:")
    if label.structural:  # "第一章 总则", but "一、一般规定": a space only after a label ending in a character
        gap = " " if label.text and label.text[-1] not in _TRAILING_PUNCT + "）)" else ""
        return " ".join(f"{label.text}{gap}{title}".split())
    if label.kind == "tiao":
        return label.text
    if heading_only:
        return label.text + title[:_HEADING_LINE]
    head = title.split("。", 1)[0] if "。" in label.title else title
    if len(head) <= _SHORT_TITLE and _balanced(head):
        return label.text + head
    return label.text


def _balanced(text: str) -> bool:
    pairs = ("（）", "()", "《》", "“”", "「」", "〈〉", "【】")
    return all(text.count(a) == text.count(b) for a, b in pairs)
