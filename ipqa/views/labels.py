"""Pure presentation helpers for the app: safe HTML for document text, term highlighting across scripts and
line breaks, script conversion for display, citation markers, messages for people.

Everything here returns plain strings or small records and never imports Streamlit, so it is tested directly.
Every string that comes from a document is passed through ``html.escape`` before it is wrapped in markup: a
corpus file containing ``<script>`` renders as text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Literal

from ipqa.records import Answer, FlagKind, Hit, IndexState, Level, Metadata, QuestionKind
from ipqa.settings import MAX_QUESTION_CHARS
from ipqa.text import merge_spans, normalise, to_simplified

Script = Literal["original", "simplified", "traditional"]
SCRIPT_LABELS: dict[str, str] = {"original": "原文", "simplified": "简体", "traditional": "繁體"}

# The Chinese label of every key of the vocabularies in ipqa.records (tests/test_vocabularies.py checks that none
# is missing), so the app never shows a raw key.
FLAG_LABELS: dict[FlagKind, str] = {
    "spam": "原文含注入的无关内容（已排除出索引和答案，原文保留备查）",
    "boilerplate": "网页模板内容（分享、备案、页脚等）已排除",
    "missing_title": "未能识别标题",
    "excerpt": "节选，可能不是全文",
    "broken_doc_number": "发文字号不完整",
    "format_mismatch": "文件内容与扩展名不符",
    "decoding": "文件中有损坏的字节，个别字符无法还原（显示为 � 或已删去）",
    "metadata_conflict": "元数据字段前后不一致",
    "sidecar": "元数据修正文件有问题",
    "traditional_script": "繁体字文本（简体提问同样能检索到）",
    "ocr": "扫描件，文字由机器识别（OCR），可能有识别错误，引用前请核对原件",
}
# Findings that only inform (the text is fine to rely on); every other kind is shown as a warning.
INFO_FLAGS: frozenset[FlagKind] = frozenset({"boilerplate", "traditional_script"})
LEVEL_LABELS: dict[Level, str] = {"national": "国家", "provincial": "省级", "municipal": "市级", "county": "县级"}
KIND_LABELS: dict[QuestionKind, str] = {
    "who": "责任单位",
    "number": "数字目标",
    "when": "时间期限",
    "fact": "政策内容",
    "list": "各文件的规定",
    "metadata": "文件信息",
}
STATE_LABELS: dict[IndexState, str] = {
    "missing": "尚无索引",
    "stale": "索引已过期（语料有变化）",
    "fresh": "索引是最新的",
}
BUILD_STAGES = {
    "split": "读取和切分条款",
    "tokenize": "分词",
    "encode": "计算语义向量",
    "write": "写入索引",
    "ocr": "扫描件文字识别（页）",
}
_MARKER = re.compile(r"\[(\d{1,3})\]")
_MD_INLINE = re.compile(r"([\\`*_\[\]#|~$])")
# List items ("1." "1)" "-" "+") and setext underlines ("=") act only at the start of a line (CommonMark's line
# endings: LF, CR, CRLF).
_MD_BLOCK_MARKER = re.compile(r"(?:^|(?<=\r))[ \t]*(?:\d{1,9}[.)]|[-+=])", re.MULTILINE)
# What GFM Markdown turns into a link by itself: "scheme://", "www." and e-mail addresses. In a Markdown file a
# backslash before the ":", "." or "@" keeps the text as written and makes no link; Streamlit's renderer finds
# addresses after the escapes are gone, so the app also puts a word joiner (U+2060, invisible) there: md_text.
_MD_AUTOLINK = re.compile(r"(?<=[A-Za-z])(:)(?=//)|(?i:(?<=www)(\.))|(@)")
_APP_AUTOLINK = re.compile(r"(?<=[A-Za-z])(?=\\://)|(?i:(?<=www))(?=\\\.)|(?=\\@)")  # after md_escape
WORD_JOINER = "\u2060"
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")  # a word a Chinese reader should not meet
_SEARCHABLE = re.compile(r"[\w\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t.json")


def convert_script(text: str, script: Script) -> str:
    """Text for display in the chosen script; "original" leaves the document's own characters alone."""
    if script == "simplified":
        return to_simplified(text)
    if script == "traditional":
        return _s2t().convert(text)
    return text


def question_problem(question: str | None, max_chars: int = MAX_QUESTION_CHARS) -> str | None:
    """Why a question cannot be asked as typed (a message for the person), or None when it can."""
    text = (question or "").strip()
    if not text:
        return "请输入问题，例如：谁负责知识产权质押融资？"
    if len(text) > max_chars:
        return f"问题太长（{len(text)} 字）。请缩短到 {max_chars} 字以内，只保留要问的内容。"
    if not _SEARCHABLE.search(unicodedata.normalize("NFKC", text)):
        return "问题里没有可检索的文字（只有符号或表情）。请用中文或数字描述要找的内容。"
    return None


def _searchable(text: str) -> tuple[str, list[int]]:
    """``text`` in searchable form (NFKC, simplified, lower case) with whitespace removed, plus for each kept
    character its offset in ``text``. Characters are converted one for one so offsets map back exactly."""
    simplified = to_simplified(text)
    if len(simplified) != len(text):  # a phrase conversion changed the length: fall back to single characters
        simplified = "".join(c if len(s := to_simplified(c)) != 1 else s for c in text)
    chars, offsets = [], []
    for i, (orig, simp) in enumerate(zip(text, simplified)):
        if orig.isspace():
            continue
        folded = unicodedata.normalize("NFKC", simp).lower()
        chars.append(folded if len(folded) == 1 else simp)
        offsets.append(i)
    return "".join(chars), offsets


def match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of ``text`` where any term occurs, found in the searchable form so a simplified term matches a
    traditional-script clause and a term broken by a line break still matches. Spans are merged and sorted.
    Single-character terms are skipped: highlighting every 的 or 局 would hide the real matches."""
    needles = {re.sub(r"\s+", "", normalise(t)).lower() for t in terms}
    needles = {n for n in needles if len(n) >= 2}
    if not needles or not text:
        return []
    hay, offsets = _searchable(text)
    spans = []
    for needle in sorted(needles, key=len, reverse=True):
        for m in re.finditer(re.escape(needle), hay):
            spans.append((offsets[m.start()], offsets[m.end() - 1] + 1))
    return merge_spans(spans)


def render_spans(
    text: str, layers: Mapping[str, Sequence[tuple[int, int]]], convert: Callable[[str], str] | None = None
) -> str:
    """Escaped HTML of ``text`` in which each character carries the CSS classes of the layers covering it
    (e.g. ``{"ipqa-hl": matches, "ipqa-cited": [clause span]}``). Segments are converted (script) one by one
    and escaped after conversion, so the markup always nests correctly."""
    cuts = {0, len(text)}
    for spans in layers.values():
        for start, end in spans:
            cuts.update((max(0, min(start, len(text))), max(0, min(end, len(text)))))
    points = sorted(cuts)
    out = []
    for start, end in pairwise(points):
        segment = text[start:end]
        if convert is not None:
            segment = convert(segment)
        segment = html.escape(segment)
        classes = [name for name, spans in layers.items() if any(s <= start and end <= e for s, e in spans)]
        if not classes:
            out.append(segment)
        else:
            tag = "mark" if "ipqa-hl" in classes else "span"
            out.append(f'<{tag} class="{" ".join(classes)}">{segment}</{tag}>')
    return "".join(out)


_UNIT_NOTE = re.compile(r"（原文：([^（）]+)）")


def one_script(text: str, script: Script) -> str:
    """Composed text (an answer) in the chosen script with each unit shown once: the composer writes a unit as
    "省市场监管局（原文：省市場監管局）"; 简体/繁體 show it once in that script, 原文 shows the source spelling with the
    simplified form after it ("省市場監管局（简体：省市场监管局）"), or once when both are the same."""
    out, last = [], 0
    for m in _UNIT_NOTE.finditer(text):
        source = m[1]
        simple = to_simplified(unicodedata.normalize("NFKC", source))
        start = m.start() - len(simple)
        if start < last or text[start : m.start()] != simple:
            continue  # not a unit note (the text before it is not the simplified unit): leave it as written
        out.append(convert_script(text[last:start], script))
        if script != "original":
            out.append(convert_script(simple, script))
        else:
            out.append(source if source == simple else f"{source}（简体：{simple}）")
        last = m.end()
    out.append(convert_script(text[last:], script))
    return "".join(out)


def answer_html(answer: Answer, script: Script = "original") -> str:
    """The answer text escaped, in the chosen script (``one_script``), with its ``[n]`` citation markers turned
    into superscript links to the numbered citations below it."""
    escaped = html.escape(one_script(answer.text, script))
    escaped = escaped.replace("\n", "<br>")
    return _MARKER.sub(
        lambda m: f'<sup class="ipqa-cite"><a href="#ipqa-cite-{m.group(1)}">[{m.group(1)}]</a></sup>', escaped
    )


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)


def meta_line(meta: Metadata) -> str:
    """发布机关 · 发文字号 · 日期 · 地区 · 层级, leaving out the fields that are unknown."""
    parts = [meta.issuer, meta.doc_number, meta.date, meta.region, LEVEL_LABELS.get(meta.level, meta.level)]
    return " · ".join(p for p in parts if p)


@lru_cache(maxsize=16)
def retriever_label(name: str) -> str:
    """The Chinese label of a retriever (关键词匹配, 语义相近), from the retriever registry."""
    from ipqa.retrieval.registry import label_of

    label = label_of(name)
    return label if not ASCII_WORD.search(label) else "其他检索方式"


def why_matched(hit: Hit) -> str:
    """Why the clause matched, in words: the retrievers that found it (关键词匹配、语义相近)."""
    return "、".join(retriever_label(name) for name in sorted(hit.retrievers)) or "筛选条件"


def why_details(hit: Hit) -> str:
    """The numbers behind ``why_matched`` for a detail view: each retriever's rank and score, the fused score."""
    parts = [f"{retriever_label(name)} 第{r.rank}名（{r.score:.3f}）" for name, r in sorted(hit.retrievers.items())]
    parts.append(f"综合得分 {hit.score:.4f}")
    return " · ".join(parts)


DENSE_OFF = "目前按关键词检索，语义检索未开启。"


def dense_banner(status: str, progress: tuple[int, int] | None = None) -> str:
    """The one line shown to people while semantic search is off. While the clause vectors are being computed in
    the background it says so, with the progress when known. The how-to is ``dense_admin``'s (the corpus page)."""
    if "being computed" in status:
        done = f"（已完成 {progress[0]}/{progress[1]}）" if progress and progress[1] else ""
        return f"语义向量正在后台计算{done}，完成后自动启用语义检索；目前按关键词检索。"
    return DENSE_OFF


def dense_admin(status: str) -> str:
    """For the administrator (Markdown): why semantic search is off and how to turn it on."""
    return (
        f"语义检索未开启：{md_escape(status)}。当前只用关键词（BM25）检索。开启方法：把环境变量 `IPQA_MODEL` "
        "设为本地缓存中的模型名或本地模型目录，然后重建索引（`ipqa build`，或在本页点“重建索引”）。"
    )


def validity_label(validity: str) -> str:
    """The validity as stated when its meaning is known (有效, 失效, 已修改 …: Chinese words); a bare code such as
    "0" is shown as nothing, as what it stands for is not known."""
    return validity if re.search(r"[\u4e00-\u9fff]", validity or "") else ""


def build_step(stage: str, done: int, total: int) -> str:
    """Progress text for one stage of an index build."""
    return f"{BUILD_STAGES.get(stage, stage)} {done}/{total}"


def md_text(text: str) -> str:
    """:func:`md_escape` for an app element: no address in the text becomes a link in Streamlit's Markdown (a word
    joiner inside "https://", "www." and before "@"). Only for the screen; exports use md_escape, so a quote
    copied from them stays the document's own text."""
    return _APP_AUTOLINK.sub(WORD_JOINER, md_escape(text))


def md_escape(text: str) -> str:
    """Document text made literal for Markdown: an app element (st.warning, st.caption …) or an exported report.
    ``& < >`` become entities (no HTML, entity or block quote can form in any renderer), inline markup characters
    (emphasis, code, links, tables, strikethrough, Streamlit's ``$`` math) are backslash-escaped, and list and
    heading markers only at the start of a line, where they act, so "2." and "(负责)" inside a line stay as written;
    addresses ("https://", "www.", e-mail) are kept from becoming links."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_AUTOLINK.sub(lambda m: "\\" + m.group(), text)
    return _MD_BLOCK_MARKER.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], text)
