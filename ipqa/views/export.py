"""Export of an answer and its search results with full citations, as CSV (for spreadsheets) and Markdown
(for reports), plus the one-citation text a person copies into a document.

Every row carries what an auditor needs to re-check the quote: clause id, document title, 发文字号, issuer,
date, clause path, the verbatim quote, its character span in the document and the document's sha256. Headers
are Chinese (条款编号, 文件编号, 起始字符, 结束字符, 文件校验值 …): the files go to people, not programs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from ipqa.records import Answer, Citation, Hit
from ipqa.retrieval.registry import label_of
from ipqa.settings import Settings
from ipqa.text import iter_lines
from ipqa.views.labels import md_escape

RETRIEVERS = Settings().retrievers  # the default registry; a hit's own retrievers fill their columns

COLUMNS = [
    "类别",
    "序号",
    "引用",
    "引文",
    "条款编号",
    "文件编号",
    "标题",
    "发文字号",
    "发布机关",
    "日期",
    "条款路径",
    "起始字符",
    "结束字符",
    "文件校验值",
    "来源文件",
    "综合得分",
    # one rank column per retriever of the registry, in fusion order: "关键词匹配名次", "语义相近名次", …
    *(f"{label_of(name)}名次" for name in RETRIEVERS),
]
# A cell starting with one of these is run as a formula by Excel / LibreOffice (CSV injection); such cells get a
# leading apostrophe, which spreadsheets hide and treat as "this is text".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def citation_text(c: Citation, convert: Callable[[str], str] | None = None) -> str:
    """A citation to paste into a report: reference, source details, the verbatim quote and how to check it.
    ``convert`` (the app's script choice) applies to the reference, details and quote, never to the ids."""
    convert = convert or (lambda s: s)
    details = "；".join(p for p in (c.doc_number, c.issuer, c.date) if p)
    lines = [
        convert(c.reference() + (f"（{details}）" if details else "")),
        f"“{convert(c.quote)}”",
        f"条款 {c.clause_id}，字符 {c.start}–{c.end}，文件校验值（SHA-256）{c.sha256}",
    ]
    return "\n".join(lines)


def _row(kind: str, n: int, c: Citation, hit: Hit | None) -> dict:
    # by label, so the Milvus engine's keyword retriever (milvus_bm25) fills the 关键词匹配 column as bm25 does
    ranks = {label_of(name): r.rank for name, r in (hit.retrievers if hit else {}).items()}
    return {
        "类别": kind,
        "序号": n,
        "引用": c.reference(),
        "引文": c.quote,
        "条款编号": c.clause_id,
        "文件编号": c.doc_id,
        "标题": c.title,
        "发文字号": c.doc_number,
        "发布机关": c.issuer,
        "日期": c.date,
        "条款路径": " › ".join(c.path),
        "起始字符": c.start,
        "结束字符": c.end,
        "文件校验值": c.sha256,
        "来源文件": c.source,
        "综合得分": f"{hit.score:.6f}" if hit else "",
        **{f"{label_of(name)}名次": ranks.get(label_of(name), "") for name in RETRIEVERS},
    }


def export_rows(answer: Answer | None, results: Sequence[tuple[Hit, Citation]]) -> list[dict]:
    """The answer's citations (类别 答案引用) followed by the search results (类别 检索结果), each with its
    citation covering the whole clause."""
    rows = [_row("答案引用", i, c, None) for i, c in enumerate(answer.citations if answer else (), 1)]
    rows += [_row("检索结果", i, c, hit) for i, (hit, c) in enumerate(results, 1)]
    return rows


def _safe_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(question: str, answer: Answer | None, results: Sequence[tuple[Hit, Citation]]) -> str:
    """CSV text with a header row; the question and answer go in the first two rows so the file stands alone.
    Encode it as utf-8-sig for Excel to detect the encoding."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow({"类别": "问题", "引文": _safe_cell(question)})
    if answer is not None:
        writer.writerow({"类别": "答案", "引文": _safe_cell(answer.text)})
    for row in export_rows(answer, results):
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
    return out.getvalue()


def _quote_block(text: str) -> str:
    lines = [line for _, _, line in iter_lines(text)] or [""]
    return "\n".join("> " + md_escape(line) if line.strip() else ">" for line in lines)


def to_markdown(question: str, answer: Answer | None, results: Sequence[tuple[Hit, Citation]]) -> str:
    """A report: the question, the answer with its numbered citations, then each result with its citation."""
    parts = [f"# 问题：{md_escape(question)}", ""]
    if answer is not None:
        parts += ["## 答案", "", md_escape(answer.text), ""]
        for i, c in enumerate(answer.citations, 1):
            parts += [
                f"[{i}] {md_escape(c.reference())}（{md_escape(c.doc_number or '无发文字号')}）",
                "",
                _quote_block(c.quote),
                "",
                f"`{c.clause_id}` · 字符 {c.start}–{c.end} · 文件校验值（SHA-256）`{c.sha256}`",
                "",
            ]
    parts += ["## 检索结果", ""]
    for i, (hit, c) in enumerate(results, 1):
        meta = "；".join(md_escape(p) for p in (c.issuer, c.doc_number, c.date) if p)
        parts += [
            f"### {i}. {md_escape(c.reference())}",
            "",
            meta,
            f"条款路径：{md_escape(' › '.join(c.path))}",
            "",
            _quote_block(c.quote),
            "",
            f"`{c.clause_id}` · 字符 {c.start}–{c.end} · 文件校验值（SHA-256）`{c.sha256}` · 综合得分 {hit.score:.4f}",
            "",
        ]
    return "\n".join(parts).rstrip() + "\n"
