"""Metadata of a law in the lawrefbook Markdown layout: ``# title`` lines, then its history ("2009年2月28日
第十一届全国人民代表大会常务委员会第七次会议通过", "根据…《关于修改…的决定》第二次修正", "…批准", "…公布"), then
``<!-- INFO END -->``.

The document's date is the latest adoption or amendment (通过/修正/修订); its issuer is the body named in that
line, without the session numbers. The folder names the kind of law (法律 families, 行政法规, 司法解释…).
"""

from __future__ import annotations

import re
from pathlib import Path

from ipqa.corpus.metadata import places
from ipqa.corpus.metadata.dates import parse_date
from ipqa.corpus.metadata.headers import Header
from ipqa.corpus.metadata.titles import doc_type_of
from ipqa.records import Metadata

# Folder names of law collections → document type. The branches of law (宪法, 刑法, 民法商法 …) hold 法律.
FOLDER_TYPES = {
    "宪法": "法律",
    "宪法相关法": "法律",
    "民法典": "法律",
    "民法商法": "法律",
    "刑法": "法律",
    "行政法": "法律",
    "经济法": "法律",
    "社会法": "法律",
    "诉讼与非诉讼程序法": "法律",
    "法律": "法律",
    "行政法规": "行政法规",
    "司法解释": "司法解释",
    "部门规章": "部门规章",
    "地方性法规": "地方性法规",
    "自治条例": "自治条例",
    "单行条例": "单行条例",
    "案例": "案例",
}
_EVENT = re.compile(r"(通过|修正|修订|批准|公布|发布|施行)")
_DATE = re.compile(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日")
_SESSION = re.compile(r"第?[一二三四五六七八九十百零〇\d]+(届|次)")
_BODY = re.compile(
    r"(?P<body>[^\s《》（）()]*?(人民代表大会常务委员会|人民代表大会|国务院|委员会|人民法院|人民检察院"
    r"|政府|部|局|署|总局|办公厅))"
)
_ORDER = re.compile(r"(?P<body>[^\s《》（）()第]{2,30}?)令")
NATIONAL_TYPES = ("法律", "行政法规", "司法解释", "部门规章")


def _events(info_lines: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(date, event, rest of the line) for each dated segment of the history, in order of appearance."""
    found = []
    history = " ".join(info_lines)
    dates = list(_DATE.finditer(history))
    for i, m in enumerate(dates):
        segment = history[m.end() : dates[i + 1].start() if i + 1 < len(dates) else len(history)]
        event = _EVENT.search(segment)
        found.append((parse_date(m.group()), event.group(1) if event else "", segment))
    return found


def _issuer(segment: str) -> str:
    """The body named in a history line, without 第X届/第X次 session numbers."""
    segment = segment.replace("根据", " ").strip()
    head = re.split(r"[《（(]", segment, maxsplit=1)[0]
    if m := _ORDER.search(head):
        return m.group("body")
    cleaned = _SESSION.sub("", head)
    cleaned = re.sub(r"(会议|全体会议)?(通过|修正|修订|批准|公布|发布|施行).*$", "", cleaned).strip()
    m = _BODY.search(cleaned)
    if m:
        return m.group("body")
    # "根据《国务院关于修改〈…〉的决定》第一次修订": the body that made the amending decision
    m = re.search(r"《(?P<body>[^《》〈]{2,30}?)关于", segment)
    return m.group("body") if m else ""


def _doc_type(path: Path, title: str) -> str:
    for part in reversed(path.parts[:-1]):
        if part in FOLDER_TYPES:
            return FOLDER_TYPES[part]
    return doc_type_of(title)


def metadata_from_info(header: Header, path: Path) -> Metadata:
    title = " ".join(header.titles)
    events = _events(header.info_lines)
    made = [e for e in events if e[1] in ("通过", "修正", "修订")]
    latest = max(made or [e for e in events if e[1] in ("批准", "公布", "发布")] or [("", "", "")], key=lambda e: e[0])
    published = [e[0] for e in events if e[1] in ("公布", "发布")]
    issuer = _issuer(latest[2]) if latest[0] else ""
    doc_type = _doc_type(Path(path), title)
    # A local regulation's title names its region ("上海市专利保护条例") when its history names no body.
    place_name = issuer if places.place_units(issuer) or doc_type in NATIONAL_TYPES else title
    level = "national" if doc_type in NATIONAL_TYPES else places.level_of(place_name, "", doc_type)
    approvals = [_issuer(e[2]) for e in events if e[1] == "批准"]
    province = next((u for a in approvals for u in places.place_units(a)[:1] if u in places.PROVINCES), "")
    return Metadata(
        title=title,
        short_title=header.titles[0] if len(header.titles) == 1 else title,
        issuer=issuer,
        date_written=latest[0],
        date_published=max(published) if published else "",
        region=places.region_of(place_name, level, province),
        level=level,
        doc_type=doc_type,
    )
