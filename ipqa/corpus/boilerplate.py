"""Web page chrome and injected spam → excluded spans and flags, working line by line.

Boilerplate is recognised by vocabulary classes, not by exact strings: breadcrumbs, share/print/QR widgets,
ICP and 公网安备 registrations, site footers (主办/承办/版权/联系我们/copyright notices), reading counters, 解读/图解/视频 link
lines and "来源: … 发布日期: …" bylines (whose 来源 names the publishing site). Once a strong boilerplate line
opens a page's trailing footer, the short sentence-less lines after it (slogans such as "发现数据的价值") are
footer too. 附件 lines are document text and are never boilerplate.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ipqa.corpus.spam import find_spam
from ipqa.records import Flag
from ipqa.text import iter_lines, to_simplified

_SEP = r"\s*[:：]\s*"
# Each pattern is searched in the NFKC, simplified form of a short line.
BOILERPLATE = {
    "navigation": re.compile(
        r"^(当前位置|您现在的位置|你现在的位置|您的位置|你的位置|所在位置)\s*[:：]|^首页\s*[>›»/＞]"
    ),
    "share": re.compile(
        r"扫一扫|(扫描|扫码).{0,8}(打开|关注|阅读|分享|下载)|(手机|移动端)(打开|浏览|阅读)当前页"
        r"|^分享(到)?(\s*[:：].{0,20})?$|^【?(打印|关闭)(本页|窗口|此页)?】?$"
        r"|字体\s*[:：]?\s*[【\[]?\s*大\s*中\s*小|^【?(收藏|返回顶部|返回首页|打印本页)】?$"
        r"|【\s*(打印|关闭|收藏)\s*】"
    ),
    "registration": re.compile(r"icp\s*(备|证)|公网安备|网站标识码|网站识别码|备案(号|编号)" + _SEP, re.IGNORECASE),
    "footer": re.compile(
        r"^(主办|承办|协办|主管|技术支持|网站维护|维护单位|主办单位|承办单位)"
        + _SEP
        + r"|\S主办(\s|$)|联系我们|版权所有|copyright|©|\(c\)\s*\d{4}|如发现本站|本站(文章|所有|发布)"
        + r"|网站地图|免责声明|隐私(声明|政策)|内容保障$",
        re.IGNORECASE,
    ),
    "counter": re.compile(r"(阅读|浏览|访问|点击)(次数|量|数)?" + _SEP + r"\d+|(阅读|浏览)\s*\d+\s*次"),
    "related": re.compile(
        r"^(相关|政策|文字|图片|图文|视频|动漫|专家)?(解读|图解|视频|链接|文件|阅读)" + _SEP + r"(点击查看|.{0,60}$)"
    ),
}
# A byline key starts the line or follows a space, and has a value: "来源:中商产业研究院 发布日期:2018-03-21".
_BYLINE = re.compile(r"(^|\s)(来源|发布(日期|时间)|作者|编辑|责任编辑|信息来源|文章来源)" + _SEP + r"\S")
_SOURCE = re.compile(r"(?:信息|文章)?来源" + _SEP + r"(?P<site>[^\s|｜]+)")
_PUBLISHED = re.compile(r"发布(?:日期|时间)" + _SEP + r"(?P<date>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2})")
_HOST = re.compile(r"^(?:主办(?:单位)?\s*[:：]\s*(?P<a>[^\s|｜]+)|(?P<b>[^\s|｜:：]{4,30}?)主办(?:\s|$))")
_ATTACHMENT = re.compile(r"^附件")
_NUMBERED = re.compile(r"^(第[一二三四五六七八九十百零〇\d]+[条章节]|[（(]?[一二三四五六七八九十\d]+[)）、.．])")
_SENTENCE = re.compile(r"[。；！？]")
_NOT_HANZI = re.compile(r"[^\u4e00-\u9fff]+")
# Every boilerplate pattern contains one of these words: lines without any are skipped before the costly
# normalisation (simplified-script text only; a traditional text's lines are all converted and checked).
_TRIGGER = re.compile(
    r"扫一扫|扫描|扫码|手机|移动端|隐私|分享|打印|关闭|字体|收藏|返回|icp|公网安备|标识码|识别码|备案|主办|承办|协办"
    r"|主管|技术支持|维护|联系我们|版权|copyright|©|\(c\)|本站|网站|声明|内容保障|阅读|浏览|访问|点击"
    r"|解读|图解|视频|首页|位置|(链接|文件|来源|作者|编辑|日期|时间)\s*[:：]",
    re.IGNORECASE,
)
SHORT_LINE = 100  # boilerplate lines are short; long lines are never inspected (and never cost a conversion)
FOOTER_SLOGAN = 20  # after a footer opens, sentence-less lines up to this length are footer too
TAIL_LINES = 15  # a trailing footer run is at most this many non-empty lines
TRADITIONAL_SHARE = 0.02  # share of hanzi that OpenCC changes above which a text is traditional script


@dataclass(frozen=True)
class Cleaned:
    excluded: tuple[tuple[int, int], ...] = ()
    flags: tuple[Flag, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)  # metadata the chrome reveals: source_site, date_published
    traditional: bool = False
    spam: tuple[tuple[int, int], ...] = ()


def is_traditional(text: str, sample: int = 4000) -> bool:
    """True when a visible share of the text's hanzi change under traditional → simplified conversion."""
    hanzi = _NOT_HANZI.sub("", text[: sample * 3])[:sample]
    if len(hanzi) < 20:
        return False
    converted = to_simplified(hanzi)
    if converted == hanzi:
        return False
    if len(converted) != len(hanzi):
        return True
    changed = sum(map(str.__ne__, hanzi, converted))
    return changed / len(hanzi) >= TRADITIONAL_SHARE


def _probe(line: str, traditional: bool) -> str:
    line = unicodedata.normalize("NFKC", line).strip()
    return to_simplified(line) if traditional else line


def boilerplate_kind(line: str) -> str | None:
    """The boilerplate class of one (probe) line, or None for document text."""
    if not line or len(line) > SHORT_LINE or _ATTACHMENT.match(line):
        return None
    for kind, pattern in BOILERPLATE.items():
        if pattern.search(line):
            return kind
    if _BYLINE.search(line) and not _SENTENCE.search(line) and not _NUMBERED.match(line):
        return "byline"
    return None


def _byline_fields(probe: str, original: str) -> dict[str, str]:
    """source_site / date_published from a byline; values are cut from the original line when the probe kept
    its length (so a traditional-script site name stays as written)."""
    found = {}
    source_text = unicodedata.normalize("NFKC", original).strip()
    same = len(source_text) == len(probe)
    if m := _SOURCE.search(probe):
        found["source_site"] = source_text[m.start("site") : m.end("site")] if same else m.group("site")
    if m := _PUBLISHED.search(probe):
        parts = re.split(r"[-/.年月]", m.group("date"))
        found["date_published"] = f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    return found


def find_boilerplate(
    text: str, traditional: bool = False, skip: tuple[int, int] | None = None
) -> tuple[list[tuple[int, int, str]], dict[str, str]]:
    """Boilerplate lines as (start, end, kind) plus the metadata fields bylines and footers reveal (source_site,
    date_published, host: the body a 主办 line names). Lines inside ``skip`` (a metadata header) are left alone."""
    lines = list(iter_lines(text))
    found: list[tuple[int, int, str]] = []
    fields: dict[str, str] = {}
    kinds: dict[int, str] = {}
    for i, (start, end, line) in enumerate(lines):
        if not line.strip() or len(line) > SHORT_LINE * 2 or (skip and skip[0] <= start < skip[1]):
            continue
        if not traditional and not _TRIGGER.search(line):
            continue
        probe = _probe(line, traditional)
        kind = boilerplate_kind(probe)
        if kind:
            kinds[i] = kind
            if kind == "byline" or _SOURCE.search(probe):
                for key, value in _byline_fields(probe, line).items():
                    fields.setdefault(key, value)
            if kind == "footer" and (m := _HOST.match(probe)):
                fields.setdefault("host", m.group("a") or m.group("b"))
    _extend_footer(lines, kinds, traditional)
    for i in sorted(kinds):
        start, _, line = lines[i]
        lead = len(line) - len(line.lstrip())
        found.append((start + lead, start + len(line.rstrip()), kinds[i]))
    return found, fields


def _extend_footer(lines: list[tuple[int, int, str]], kinds: dict[int, str], traditional: bool) -> None:
    """Mark the slogans of a trailing footer: walking up from the last line through boilerplate and short
    sentence-less lines, every such line below the run's first strong boilerplate line is footer."""
    run: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i][2]
        if not line.strip():
            continue
        if i in kinds:
            run.append(i)
            continue
        probe = _probe(line, traditional)
        if len(probe) > FOOTER_SLOGAN or _SENTENCE.search(probe) or _ATTACHMENT.match(probe) or len(run) >= TAIL_LINES:
            break
        run.append(i)
    strong = [i for i in run if kinds.get(i) in ("share", "registration", "footer")]
    if strong:
        opening = min(strong)
        for i in run:
            if i > opening and i not in kinds:
                kinds[i] = "footer"


def analyse(text: str, skip: tuple[int, int] | None = None) -> Cleaned:
    """Boilerplate and spam of a document: excluded spans, flags and the fields the page chrome reveals.
    ``skip`` is the span of a metadata header, which is excluded as a whole elsewhere."""
    traditional = is_traditional(text)
    boiler, fields = find_boilerplate(text, traditional, skip)
    flags: list[Flag] = []
    if boiler:
        counts: dict[str, int] = {}
        for _, _, kind in boiler:
            counts[kind] = counts.get(kind, 0) + 1
        detail = f"{len(boiler)} boilerplate line(s): " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
        flags.append(Flag("boilerplate", detail))
    spam = find_spam(text)
    flags.extend(spam)
    if traditional:
        flags.append(
            Flag("traditional_script", "written in traditional characters; search also matches simplified queries")
        )
    excluded = [(s, e) for s, e, _ in boiler] + [(f.start, f.end) for f in spam]
    return Cleaned(tuple(sorted(excluded)), tuple(flags), fields, traditional, tuple((f.start, f.end) for f in spam))
