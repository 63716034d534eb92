"""Titles of policy documents: recognising a title line, its document type, the wrapped document's name, and
inferring a lost title when the text makes it certain.

A page that lost its title line still names the document twice: the 印发 notice quotes it (《泰安市“十四五”
知识产权保护和运用规划》已经…同意) and the wrapped document opens with the same name as a standalone heading. When
both agree the title is certain; otherwise it stays empty and the document is flagged.
"""

from __future__ import annotations

import re

from ipqa.text import to_simplified

# Matched at the end of a title, where the earliest start wins: 办法 beats 法, 实施方案 beats 方案.
DOC_TYPES = (
    "实施方案",
    "实施意见",
    "实施细则",
    "工作方案",
    "行动方案",
    "行动计划",
    "工作计划",
    "修正案",
    "通知",
    "通告",
    "公告",
    "决定",
    "决议",
    "意见",
    "方案",
    "规划",
    "计划",
    "纲要",
    "办法",
    "条例",
    "规定",
    "细则",
    "规则",
    "措施",
    "指南",
    "指引",
    "批复",
    "报告",
    "解释",
    "章程",
    "要点",
    "规程",
    "制度",
    "函",
    "法",
)
# The type recorded for a compound type word: 工作方案 is a 方案, 行动计划 a 计划.
_BASE_TYPE = {
    "实施方案": "方案",
    "工作方案": "方案",
    "行动方案": "方案",
    "行动计划": "计划",
    "工作计划": "计划",
    "实施意见": "意见",
    "实施细则": "细则",
}
_TYPE_END = re.compile("(" + "|".join(DOC_TYPES) + ")$")
_TRAILING_NOTE = re.compile(r"\s*[（(【\[][^（()）【】\[\]]{1,24}[)）】\]]\s*$")  # (2024—2026年) (试行) (附全文)
_NEWS_HEADLINE = re.compile(r"^《(?P<name>[^《》]{4,80})》\s*(正式)?(印发|发布|出台|公布|出炉|全文)")
_WRAPPED = re.compile(r"关于(?:印发|转发|发布|颁布)\s*《?(?P<name>.+?)》?\s*的(?:通知|通告|决定|公告)$")
_QUOTED = re.compile(r"《([^《》\n]{4,80})》")
_NUMBERED = re.compile(
    r"^([（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|第[一二三四五六七八九十百零〇]+[章条节编]|\d+[.．、])"
)
TITLE_MIN, TITLE_MAX = 6, 150
TOP_LINES = 6  # a title stands among the first lines, before the addressees and the first sentence


def doc_type_of(title: str) -> str:
    """The document type named at the end of a title (simplified script), or ""."""
    probe = to_simplified(title).strip()
    while True:
        stripped = _TRAILING_NOTE.sub("", probe)
        if stripped == probe:
            break
        probe = stripped
    m = _TYPE_END.search(probe.rstrip("》"))
    return _BASE_TYPE.get(m.group(1), m.group(1)) if m else ""


def short_title(title: str) -> str:
    """The wrapped document's name for a 关于印发《X》的通知 title, else the title itself."""
    title = title.strip()
    probe = to_simplified(title)
    m = _WRAPPED.search(probe)
    if not m:
        return title
    name = title[m.start("name") : m.end("name")] if len(probe) == len(title) else m.group("name")
    return name.strip("《》 ")


def looks_like_title(line: str) -> bool:
    """A short sentence-less line ending in a document type word, not an addressee or a numbered heading."""
    stripped = line.strip()
    if not TITLE_MIN <= len(stripped) <= TITLE_MAX or "。" in stripped or stripped.endswith((":", "：")):
        return False
    if stripped.startswith("各") or _NUMBERED.match(stripped):
        return False
    return bool(doc_type_of(stripped))


def headline_subject(line: str) -> str:
    """The document a news headline reports on: 《X》印发(附全文) → X, or ""."""
    m = _NEWS_HEADLINE.match(line.strip())
    return m.group("name") if m else ""


def _opening(lines: list[str]) -> list[str]:
    """The lines above the body: a title stands before the addressee line (各…：) and the first sentence."""
    top = []
    for line in lines[:TOP_LINES]:
        stripped = line.strip()
        if "。" in stripped or (stripped.startswith("各") and stripped.endswith((":", "："))):
            break
        top.append(stripped)
    return top


def title_from_lines(lines: list[str], is_organ) -> str:
    """The title among the opening lines of a text: a title line, an organ line followed by a 关于… title line,
    or a news headline's subject. ``is_organ`` recognises a line naming an issuing body."""
    top = _opening(lines)
    for i, line in enumerate(top):
        nxt = top[i + 1] if i + 1 < len(top) else ""
        if is_organ(line) and to_simplified(nxt).startswith("关于") and looks_like_title(nxt):
            return line + nxt
        if looks_like_title(line):
            return line
        if subject := headline_subject(line):
            return subject
    return ""


def inferred_title(lines: list[str], window: int = 15) -> str:
    """A lost title, when certain: a name quoted 《…》 in the opening lines that also stands alone as a heading
    line further on. "" when the two do not agree."""
    head = lines[:window]
    quoted = []
    for line in head[:6]:
        quoted.extend(_QUOTED.findall(line))
    standalone = {re.sub(r"\s+", "", line) for line in head}
    for name in quoted:
        if re.sub(r"\s+", "", name) in standalone and doc_type_of(name):
            return name
    return ""


# What else starts a numbered line: (1) and ① items, and an item whose dot was lost ("11开展…"), told from a
# quantity ("2020年", "12件") by the character after the digits.
_NUMBERED_MORE = re.compile(
    r"^([（(]\d{1,2}[)）]|[①-⑳]|\d{1,3}(?![\d年月日号个件家项元万亿千百次人名倍%％.．])[\u4e00-\u9fff])"
)


def starts_numbered(line: str) -> bool:
    """True when ``line`` starts with a numbering label (一、（一）第X条 1. (1) ① "11开展"): the start of an item."""
    stripped = line.strip()
    return bool(_NUMBERED.match(stripped) or _NUMBERED_MORE.match(stripped))


def first_numbering(lines: list[str]) -> str:
    """The first numbering label of the text's numbered lines (e.g. "(五)"), or ""."""
    for line in lines:
        m = _NUMBERED.match(line.strip())
        if m:
            return m.group(1)
    return ""


def is_first_label(label: str) -> bool:
    """True for the first label of its family: 一、（一）第一条/章 1."""
    core = re.sub(r"[（()）、.．第章条节编]", "", label)
    return core in ("一", "1")
