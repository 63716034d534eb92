"""Metadata of a document: header fields when present, else inferred from the title, the signature block and
the dates in the text. A field that the text does not settle stays empty (never a guess); what is odd is flagged
(missing_title, excerpt, broken_doc_number, metadata_conflict). Values stay in the script they are written in;
``doc_type`` and ``level`` are controlled vocabularies (simplified / English).
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from ipqa.corpus.boilerplate import Cleaned
from ipqa.corpus.metadata import lawheader, places, titles
from ipqa.corpus.metadata.dates import parse_date
from ipqa.corpus.metadata.headers import Header, markdown_title
from ipqa.records import Flag, Metadata
from ipqa.text import iter_lines, to_simplified

_ORGAN = re.compile(r"(人民政府|政府|办公室|办公厅|委员会|领导小组|小组|局|厅|部|委|院|中心|管委会|常委会|署|协会)$")
_DATE_LINE = re.compile(
    r"^\s*(\d{4}年\d{1,2}月\d{1,2}日?|[〇零一二三四五六七八九○]{4}年[一二三四五六七八九十]{1,3}月"
    r"[一二三四五六七八九十]{1,3}日?)\s*$"
)
_SEAL = re.compile(r"^[（(].{2,40}(代章|印章|盖章)[)）]$|^[（(]此件.{0,10}[)）]$")
_DOC_NUMBER = re.compile(
    r"^(?P<prefix>[\u4e00-\u9fff]{1,15})(?P<open>[〔\[［(（【]?)\s*(?P<year>(?:19|20)\d{2})\s*"
    r"(?P<close>[〕\]］)）】]?)\s*第?(?P<num>\d{1,4})\s*[号號]$"
)
_ISSUER_IN_TITLE = re.compile(r"^(?P<body>.{2,40}?(?:人民政府|办公室|办公厅|委员会|领导小组|局|厅|部|院))关于")
# Site-specific numeric codes (有 效 性: 0) are kept as written: what 0 means is not stated in the text.
VALIDITY = {"有效": "有效", "失效": "失效", "废止": "失效", "现行有效": "有效"}
HEAD_LINES = 25  # doc numbers, titles and signatures are looked for in the opening lines


@dataclass(frozen=True)
class Found:
    meta: Metadata
    flags: tuple[Flag, ...] = ()
    excluded: tuple[tuple[int, int], ...] = ()  # the header block


def is_organ(line: str) -> bool:
    """A short line that names an issuing body ("泰安市人民政府办公室")."""
    line = line.strip()
    return 3 <= len(line) <= 50 and not re.search(r"[。，,：:；、]", line) and bool(_ORGAN.search(to_simplified(line)))


def _body_lines(text: str, cleaned: Cleaned, header: Header) -> list[tuple[int, int, str]]:
    """Non-empty lines that no excluded span (header, boilerplate line, spam line) covers entirely."""
    # One span covers [first, last] iff, of the spans starting at or before ``first``, the one reaching furthest
    # reaches ``last``: a bisect and a running maximum per line instead of a scan of every span (that scan made
    # reading a 200 MB file quadratic).
    excluded = sorted(list(cleaned.excluded) + ([header.span] if header.span else []))
    starts = [s for s, _ in excluded]
    reach = list(itertools.accumulate((e for _, e in excluded), max))
    out = []
    for start, end, line in iter_lines(text):
        if not line.strip():
            continue
        first, last = start + len(line) - len(line.lstrip()), start + len(line.rstrip())
        i = bisect.bisect_right(starts, first) - 1
        if not (i >= 0 and last <= reach[i]):
            out.append((start, end, line))
    return out


def _signature(lines: list[tuple[int, int, str]], spam: tuple[tuple[int, int], ...]) -> tuple[str, str]:
    """(issuer, date) of the first signature block: an organ line, maybe a seal note, then a date line."""
    for i, (_, _, line) in enumerate(lines):
        if not _DATE_LINE.match(line):
            continue
        for j in (i - 1, i - 2):
            if j < 0:
                break
            start, end, candidate = lines[j]
            if _SEAL.match(candidate.strip()):
                continue
            if is_organ(candidate):
                damaged = any(s < end and start < e for s, e in spam)
                return ("" if damaged else candidate.strip()), parse_date(line)
            break
    return "", ""


def _doc_number(lines: list[tuple[int, int, str]], header_value: str) -> tuple[str, Flag | None]:
    candidates = [header_value] if header_value else [line.strip() for _, _, line in lines[:HEAD_LINES]]
    for candidate in candidates:
        m = _DOC_NUMBER.match(candidate)
        if not m:
            continue
        if bool(m.group("open")) != bool(m.group("close")) or not m.group("open"):
            if not m.group("open") and not m.group("close"):
                lack = "the brackets 〔〕 around the year"
            else:
                lack = "the opening bracket 〔 before the year" if not m.group("open") else "the closing bracket 〕"
            detail = f"doc number “{candidate}” lacks {lack}; recorded as written"
            return candidate, Flag("broken_doc_number", detail)
        return candidate, None
    return header_value, None


# 主送机关 (GB/T 9704): a line of its own after the title, naming units and ending in a colon ("各县、市、区人民
# 政府，各功能区管委会，市政府各部门：", "省…领导小组成员单位："). A header field line ("发布机关: …") is not one.
_ADDRESSEE_END = re.compile(r"[:：]\s*$")
_ADDRESSEE_UNITS = re.compile(r"政府|部门|单位|局|委|办|管委会|办事处|街道|机关|机构|厅")
_ADDRESSEE_LIST = re.compile(r"^各|[、，,]|(成员单位|有关部门|有关单位|各部门)[:：]\s*$")
# ... and it ends in a unit, not in what the units are to do ("各单位要做好以下工作：" opens the body)
_ADDRESSEE_TAIL = re.compile(r"(政府|部门|单位|局|委|办|管委会|办事处|街道|机关|机构|厅|院|中心|企业|公司|协会)$")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
_FIELD_LINE = re.compile(r"发布机关|发文机关|统一编号|发文字号|成文日期|发布日期|来源|标题|分享|索引号")


def _addressees(lines: list[tuple[int, int, str]]) -> str:
    """The 主送机关 line among the opening lines, without its colon, or ""."""
    for _, _, line in lines[:HEAD_LINES]:
        text = line.strip()
        probe = to_simplified(text)
        if not (4 <= len(text) <= 150 and _ADDRESSEE_END.search(text)) or "。" in text:
            continue
        if len(re.findall(r"[:：]", text)) > 1 or _FIELD_LINE.search(probe):
            continue
        tail = _BRACKETED.sub("", _ADDRESSEE_END.sub("", probe)).strip()
        if _ADDRESSEE_UNITS.search(probe) and _ADDRESSEE_LIST.search(probe) and _ADDRESSEE_TAIL.search(tail):
            return _ADDRESSEE_END.sub("", text).strip()
    return ""


def _source_site(header: Header, cleaned: Cleaned) -> str:
    return header.fields.get("来源") or cleaned.fields.get("source_site") or cleaned.fields.get("host", "")


def extract_metadata(text: str, header: Header, cleaned: Cleaned, path: Path, title_hint: str = "") -> Found:
    """Metadata, flags and the header span of a document's text."""
    if header.kind == "info":
        meta = lawheader.metadata_from_info(header, path)
        return Found(meta, (), (header.span,))
    fields = header.fields
    flags: list[Flag] = [Flag("metadata_conflict", c) for c in header.conflicts]
    lines = _body_lines(text, cleaned, header)
    plain = [line for _, _, line in lines]
    title = fields.get("标题", "") or markdown_title(text) or titles.title_from_lines(plain, is_organ)
    if not title:
        title = titles.inferred_title(plain)
        how = (
            "title inferred from the 《…》 name the opening quotes and the matching heading line"
            if title
            else "no title line and none can be inferred with certainty"
        )
        flags.append(Flag("missing_title", how))
        if not title and title_hint and titles.doc_type_of(title_hint):
            title = title_hint
    sig_issuer, sig_date = _signature(lines[: HEAD_LINES * 2], cleaned.spam)
    issuer = fields.get("发布机关") or fields.get("发文机关") or sig_issuer
    if not issuer and (m := _ISSUER_IN_TITLE.match(to_simplified(title))):
        issuer = title[: m.end("body")]
    doc_number, broken = _doc_number(lines, fields.get("发文字号", ""))
    if broken:
        flags.append(broken)
    doc_type = titles.doc_type_of(title)
    place_name = issuer or title
    level = places.level_of(place_name, text, doc_type)
    host_units = places.place_units(cleaned.fields.get("host", ""))
    region = places.region_of(
        place_name, level, places.province_from_registration(text), host_units[-1] if host_units else ""
    )
    label = titles.first_numbering(plain)
    if label and not titles.is_first_label(label):
        flags.append(Flag("excerpt", f"the text starts at {label}: what comes before it is missing"))
    meta = Metadata(
        title=title.strip(),
        short_title=titles.short_title(title),
        issuer=issuer,
        doc_number=doc_number,
        date_written=parse_date(fields.get("成文日期", "")) or sig_date,
        date_published=parse_date(fields.get("发布日期", "")) or cleaned.fields.get("date_published", ""),
        region=region,
        level=level,
        doc_type=doc_type,
        validity=VALIDITY.get(fields.get("有效性", "").strip(), fields.get("有效性", "").strip()),
        source_site=_source_site(header, cleaned),
        addressees=_addressees(lines),
        index_number=fields.get("索引号", "").strip(),
        subject=fields.get("主题分类", "").strip(),
    )
    return Found(meta, tuple(flags), (header.span,) if header.span else ())
