"""Metadata headers at the top of a document: government-site "key: value" blocks (often pasted twice, keys
spaced out as "标  题" or "有 效 性") and the lawrefbook Markdown header that ends at ``<!-- INFO END -->``.

A header is parsed once, its repeated fields merged, and its whole span returned so that it is excluded from
clause text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

from ipqa.text import iter_lines, to_simplified

# Canonical header keys (simplified, spaces removed) → Metadata field (or "" for keys kept only for display).
KEYS = {
    "标题": "title",
    "名称": "title",
    "发布机关": "issuer",
    "发文机关": "issuer",
    "发布机构": "issuer",
    "发文单位": "issuer",
    "制发机关": "issuer",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "成文日期": "date_written",
    "发布日期": "date_published",
    "发布时间": "date_published",
    "有效性": "validity",
    "时效性": "validity",
    "效力状态": "validity",
    "来源": "source_site",
    "信息来源": "source_site",
    "索引号": "index_number",
    "主题分类": "subject",
    "统一编号": "",
    "公文种类": "",
    "主题词": "",
    "体裁分类": "",
    "组配分类": "",
    "所属机构": "",
    "生效日期": "",
    "实施日期": "",
    "废止日期": "",
    "分类": "",
}
INFO_END = "<!-- INFO END -->"
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*$", re.MULTILINE)
HEAD_LINES = 60  # a header block lies within the first lines of the text
HEAD_WINDOW = 8  # a key-value header starts within this many non-empty lines of the top (after breadcrumbs)
MIN_KEYS = 3  # fewer distinct keys is a byline, not a header


@dataclass(frozen=True)
class Header:
    fields: dict[str, str] = field(default_factory=dict)  # canonical key → value (first non-empty wins)
    span: tuple[int, int] | None = None  # the whole header block in the text
    conflicts: tuple[str, ...] = ()  # "key: value1 ≠ value2" when a repeated field disagrees
    kind: str = ""  # "fields" (key: value block) or "info" (lawrefbook Markdown header)
    titles: tuple[str, ...] = ()  # Markdown "# " titles of an info header, outermost first
    info_lines: tuple[str, ...] = ()  # the non-title lines of an info header (adoption / amendment history)


# A key may be written with spaces between its characters; lines are matched in simplified script.
_KEY = re.compile(
    "(?:" + "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(KEYS, key=len, reverse=True)) + r")(?:\s*[:：]|\t)"
)  # "key: value", or key and value in adjacent table cells


def _canonical(key: str) -> str:
    return to_simplified(re.sub(r"[\s:：]", "", key))


def parse_line(line: str) -> list[tuple[str, str]] | None:
    """The (key, value) pairs of a header line, or None when the line is not made of known keys only."""
    stripped = line.strip()
    probe = to_simplified(stripped)
    if len(probe) != len(stripped):  # values are cut from the original line by the probe's offsets
        stripped = probe
    matches = list(_KEY.finditer(probe))
    if not matches or matches[0].start() != 0:
        return None
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(stripped)
        pairs.append((_canonical(m.group()), stripped[m.end() : end].strip()))
    return pairs


def _field_header(text: str) -> Header:
    start = end = None
    values: dict[str, str] = {}
    conflicts: list[str] = []
    seen_filled = 0
    for line_start, line_end, line in islice(iter_lines(text), HEAD_LINES):
        if not line.strip():
            if start is None:
                continue
            break  # the block ends at its first blank line
        pairs = parse_line(line)
        if pairs is None:
            if start is None and seen_filled < HEAD_WINDOW:
                seen_filled += 1
                continue
            break
        if start is None:
            start = line_start + len(line) - len(line.lstrip())
        end = line_end
        for key, value in pairs:
            old = values.get(key, "")
            if value and old and value != old:
                conflicts.append(f"{key}: {old} ≠ {value}")
            elif value and not old:
                values[key] = value
            values.setdefault(key, "")
    if start is None or len(values) < MIN_KEYS:
        return Header()
    return Header(values, (start, end), tuple(conflicts), "fields")


def _info_header(text: str) -> Header:
    marker = text.find(INFO_END, 0, 20_000)
    if marker < 0:
        return Header()
    head = text[:marker]
    titles = tuple(m.group(1) for m in _MD_TITLE.finditer(head))
    info = tuple(line.strip() for _, _, line in iter_lines(head) if line.strip() and not line.lstrip().startswith("#"))
    return Header({}, (0, marker + len(INFO_END)), (), "info", titles, info)


def parse_header(text: str) -> Header:
    """The document's metadata header, or an empty Header when it has none."""
    info = _info_header(text)
    return info if info.kind else _field_header(text)


def markdown_title(text: str) -> str:
    """The first Markdown ``# `` title near the top of a text, or ""."""
    m = _MD_TITLE.search(text[:2000])
    return m.group(1) if m else ""
