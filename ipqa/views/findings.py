"""What the reader found, in Chinese: data-quality flags (kind, detail, the injected text on demand), the reasons a
file was skipped, and search notes. The reader writes these for administrators in English; people see these."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Literal

from ipqa.records import Flag
from ipqa.views.labels import ASCII_WORD, FLAG_LABELS, INFO_FLAGS

SPAM_CLASS_LABELS = {"gambling": "赌博", "porn": "色情", "ads": "广告"}
BOILERPLATE_LABELS = {
    "navigation": "导航",
    "share": "分享",
    "registration": "备案",
    "footer": "页脚",
    "counter": "阅读计数",
    "related": "相关链接",
    "byline": "来源署名",
}
_QUOTED = r"“(?P<text>.*)”"
_OCR_DETAIL = (
    r"text machine-read by (?P<engine>\S+) .* from (?P<n>\d+) page image\(s\), mean confidence (?P<c>\d+)%(?P<rest>.*)$"
)
_SPAM_CLASSES = r"\((?P<classes>[a-z/]+)\)"
_BRACKETS = {
    "the brackets 〔〕 around the year": "年份两侧的“〔〕”",
    "the opening bracket 〔 before the year": "年份前的“〔”",
    "the closing bracket 〕": "“〕”",
}


def _classes(names: str) -> str:
    return "、".join(SPAM_CLASS_LABELS.get(n, "其他") for n in names.split("/"))


def _boilerplate(match: re.Match) -> str:
    parts = [p.rsplit(" ", 1) for p in match["kinds"].split(", ") if " " in p]
    kinds = "、".join(f"{BOILERPLATE_LABELS.get(k, '其他')} {n}" for k, n in parts)
    return f"{match['n']} 行（{kinds}）" if kinds else f"{match['n']} 行"


# The finding details the corpus reader writes (in English, for the log and the CLI), said in Chinese for the app:
# (pattern, Chinese). A spam finding's own text is left out (shown on demand, see ``spam_text``).
_DETAILS: tuple[tuple[re.Pattern, Callable[[re.Match], str]], ...] = tuple(
    (re.compile(pattern, re.DOTALL), say)
    for pattern, say in (
        (rf"spam line {_QUOTED} {_SPAM_CLASSES}$", lambda m: f"整行为无关内容（{_classes(m['classes'])}）"),
        (
            rf"inline phrase {_QUOTED} ×(?P<n>\d+) {_SPAM_CLASSES}$",
            lambda m: f"反复插入的无关短语，共 {m['n']} 处（{_classes(m['classes'])}）",
        ),
        (rf"spam phrase {_QUOTED} {_SPAM_CLASSES}$", lambda m: f"插入的无关短语（{_classes(m['classes'])}）"),
        (r"excluded text inside the clause$", lambda m: "条款中有已排除的文字"),
        (r"(?P<n>\d+) boilerplate line\(s\): (?P<kinds>.*)$", _boilerplate),
        (r"written in traditional characters.*$", lambda m: ""),
        (
            rf"doc number {_QUOTED} lacks (?P<lack>.+); recorded as written$",
            lambda m: f"“{m['text']}”缺少{_BRACKETS.get(m['lack'], '括号')}，按原文记录",
        ),
        (
            r"the text starts at (?P<label>.+): what comes before it is missing$",
            lambda m: f"正文从“{m['label']}”开始，前面的内容缺失",
        ),
        (r"title inferred from .*$", lambda m: "标题是根据开头引用的《》名称和相应的标题行推断的"),
        (r"no title line and none can be inferred.*$", lambda m: "没有标题行，也无法可靠推断"),
        (r"decoded as .*$", lambda m: ""),
        (
            _OCR_DETAIL,
            lambda m: (
                f"由 {m['engine']} 从 {m['n']} 页图像识别，平均置信度 {m['c']}%"
                + ("，部分页面未能识别" if m["rest"] else "")
            ),
        ),
    )
)


def flag_detail(flag: Flag) -> str:
    """The finding's detail in Chinese: a known English detail translated, a Chinese one as written, anything else
    left out (the label says what kind of finding it is)."""
    detail = flag.detail or ""
    for pattern, say in _DETAILS:
        if m := pattern.match(detail):
            return say(m)
    return "" if ASCII_WORD.search(detail) else detail


def spam_text(flag: Flag) -> str:
    """The injected text a spam finding quotes ("" when it quotes none): shown only on demand."""
    m = re.search(_QUOTED, flag.detail or "", re.DOTALL)
    return m["text"] if flag.kind == "spam" and m else ""


def flag_messages(flags: Iterable[Flag], kinds: Literal["all", "warning", "info"] = "all") -> list[str]:
    """One readable line per distinct flag kind, with the detail of the first finding of that kind; ``kinds``
    "warning" or "info" keeps only the findings a person should be warned about, or only the informative ones."""
    out, seen = [], set()
    for flag in flags:
        if (
            flag.kind in seen
            or (kinds == "warning" and flag.kind in INFO_FLAGS)
            or (kinds == "info" and flag.kind not in INFO_FLAGS)
        ):
            continue
        seen.add(flag.kind)
        label = FLAG_LABELS.get(flag.kind, "其他数据质量问题")
        detail = flag_detail(flag)
        out.append(f"{label}：{detail}" if detail else label)
    return out


_SKIP_REASONS: tuple[tuple[re.Pattern, Callable[[re.Match], str]], ...] = tuple(
    (re.compile(pattern, re.DOTALL), say)
    for pattern, say in (
        (
            r"unsupported format (?P<suffix>\S+)",
            lambda m: f"不支持的文件格式（{m['suffix'].replace('(no extension)', '无扩展名')}）",
        ),
        (r"encrypted PDF", lambda m: "PDF 已加密（需要密码）"),
        (r"scanned PDF waiting for OCR", lambda m: "扫描件，正在排队进行文字识别（OCR），识别后自动加入索引"),
        (r"scanned PDF with .*OCR found no text", lambda m: "扫描件，文字识别（OCR）未识别出文字"),
        (
            r"PDF with (?P<n>\d+) page.*no text layer.*OCR needs (?P<what>.*)$",
            lambda m: f"PDF 共 {m['n']} 页，是扫描件，但本机未安装文字识别所需的程序（{_package(m['what'])}）",
        ),
        (
            r"Word \.doc/\.wps file, but LibreOffice",
            lambda m: (
                "Word（.doc/.wps）文件需要 LibreOffice 转换，但本机未安装（Debian 软件包 libreoffice-writer-nogui）"
            ),
        ),
        (r"LibreOffice took longer", lambda m: "LibreOffice 转换超时，未读取"),
        (r"LibreOffice could not convert", lambda m: "LibreOffice 无法转换该文件（文件损坏或不是文档）"),
        (r"OpenDocument file without text", lambda m: "OpenDocument（.odt）文件中没有文字"),
        (r"OFD file with .*no text objects", lambda m: "OFD 文件中没有文字对象（可能是扫描件）"),
        (r"corrupt OFD|OFD file without its part", lambda m: "OFD 文件损坏，无法读取"),
        (r"corrupt OpenDocument|OpenDocument \.odt file without", lambda m: "OpenDocument（.odt）文件损坏，无法读取"),
        (
            r"PDF with (?P<n>\d+) page.*no extractable text",
            lambda m: f"PDF 共 {m['n']} 页但没有可提取的文字（可能是扫描件，需要文字识别）",
        ),
        (r"PDF over pypdf's size limits", lambda m: "PDF 超出安全读取的大小限制（可能是压缩炸弹），未读取"),
        (r"corrupt PDF", lambda m: "PDF 文件损坏，无法读取"),
        (r"corrupt (or not a )?(Word )?\.?docx", lambda m: "Word（.docx）文件损坏，无法读取"),
        (r"corrupt or not a ", lambda m: "文件损坏或格式不符，无法读取"),
        (r"Word document without text", lambda m: "Word 文件中没有文字"),
        (r"HTML page without visible text", lambda m: "网页中没有可见文字"),
        (r".* parts \(more than", lambda m: "压缩包内部件过多（可能是压缩炸弹），未读取"),
        (r"duplicate doc_id", lambda m: "与另一个文件同名（文件编号重复），未读取"),
        (r"internal error", lambda m: "读取时发生内部错误（已记录日志）"),
        (r"folder cannot be listed", lambda m: "文件夹无法列出，其中的文件未读取"),
        (r"hidden file", lambda m: "隐藏文件（文件名以点开头），未读取；去掉开头的点即可读取"),
        (r".*(too big|too large|size limit)", lambda m: "文件过大，未读取"),
        (r".*(outside|link)", lambda m: "链接指向语料文件夹之外或已失效，未读取"),
    )
)


def _package(what: str) -> str:
    """The Debian package named in a "needs …" reason ("Debian package tesseract-ocr" → tesseract-ocr)."""
    m = re.search(r"Debian package (\S+?)\)", what)
    return m[1] if m else "tesseract-ocr"


UNKNOWN_REASON = (
    "无法读取（原因见管理员视图）"  # a reason with no Chinese wording yet: the reader's words are the admin's
)


def skip_reason(reason: str) -> str:
    """Why a file could not be read, in Chinese (the reader's own words stay in the log and the admin view)."""
    for pattern, say in _SKIP_REASONS:
        if pattern.match(reason):
            return say(pattern.match(reason))
    return reason if not ASCII_WORD.search(reason) else UNKNOWN_REASON


NO_WORDS = "问题里没有可检索的词（只有标点、符号或疑问词）。请写出要找的内容，例如“谁负责知识产权质押融资？”。"


def message_text(message: str) -> str:
    """The searcher's message for a query it cannot search (ipqa.index.searcher: no searchable words, which
    ``ask`` also gives as its answer) in Chinese; any other text as it is."""
    return NO_WORDS if message.startswith("the query has no searchable words") else message


def note_text(note: str) -> str:
    """A search note for people ("" for the ones the page already says otherwise, such as semantic search off)."""
    if m := re.match(r"the query was cut to its first (\d+) characters", note):
        return f"问题太长，只用了前 {m[1]} 个字检索。"
    return "" if ASCII_WORD.search(note) else note
