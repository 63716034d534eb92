"""Export of an answer and its search results with full citations, as CSV (for spreadsheets), Markdown (for
reports) and Word (.docx, the way officials file answers), plus the one-citation text a person copies into a
document.

Every export has the same four parts, each on its own: the question with the conditions it was asked under (the
script, the filters), the answer, the answer's citations, the search results. Text is in the chosen script, like
the page; when that is not the documents' own, each quote is also given as written (原文引文), since that is what
an auditor checks. Every citation carries what is needed to re-check it: clause id, document title, 发文字号,
issuer, date, clause path, the quote, its character span in the document and the document's sha256. Headers are
Chinese (条款编号, 文件编号, 起始字符, 结束字符, 文件校验值 …): the files go to people, not programs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from ipqa.records import Answer, Citation, Filters, Hit
from ipqa.retrieval.registry import label_of
from ipqa.settings import Settings
from ipqa.text import iter_lines
from ipqa.views.labels import SCRIPT_LABELS, Script, convert_script, level_label, md_escape, one_script

RETRIEVERS = Settings().retrievers  # the default registry; a hit's own retrievers fill their columns

CITATION_COLUMNS = [
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
]
ORIGINAL_QUOTE = "原文引文"  # the quote as the document writes it, when the export is in another script
RESULT_COLUMNS = [
    *CITATION_COLUMNS,
    "综合得分",
    # one rank column per retriever of the registry, in fusion order: "关键词匹配名次", "语义相近名次", …
    *(f"{label_of(name)}名次" for name in RETRIEVERS),
]
COLUMNS = ["类别", *RESULT_COLUMNS]  # export_rows: both tables in one, told apart by 类别
# A cell starting with one of these is run as a formula by Excel / LibreOffice (CSV injection); such cells get a
# leading apostrophe, which spreadsheets hide and treat as "this is text".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SECTIONS = ("答案引用", "检索结果")


def describe_filters(filters: Filters | None) -> str:
    """The filters a search ran under, in words ("层级：省级；年份：2018–2024"), or "无" for none."""
    if not filters:
        return "无"
    parts = [
        (name, value)
        for name, value in (
            ("地区", filters.region),
            ("层级", level_label(filters.level) if filters.level else ""),
            ("发布机关", filters.issuer),
            ("文件类型", filters.doc_type),
            ("有效性", filters.validity),
        )
        if value
    ]
    if filters.year_from is not None or filters.year_to is not None:
        parts.append(("年份", f"{filters.year_from or ''}–{filters.year_to or ''}"))
    if filters.doc_ids:
        parts.append(("文件", "、".join(filters.doc_ids)))
    return "；".join(f"{name}：{value}" for name, value in parts) or "无"


def conditions(script: Script, filters: Filters | None) -> list[tuple[str, str]]:
    """What the answer was asked under: the script of the export and the filters."""
    return [("文字", SCRIPT_LABELS.get(script, script)), ("筛选", describe_filters(filters))]


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


def _row(kind: str, n: int, c: Citation, hit: Hit | None, script: Script = "original") -> dict:
    def shown(text: str) -> str:
        return convert_script(text, script)

    # by label, so the Milvus engine's keyword retriever (milvus_bm25) fills the 关键词匹配 column as bm25 does
    ranks = {label_of(name): r.rank for name, r in (hit.retrievers if hit else {}).items()}
    row = {
        "类别": kind,
        "序号": n,
        "引用": shown(c.reference()),
        "引文": shown(c.quote),
        "条款编号": c.clause_id,
        "文件编号": c.doc_id,
        "标题": shown(c.title),
        "发文字号": shown(c.doc_number),
        "发布机关": shown(c.issuer),
        "日期": c.date,
        "条款路径": shown(" › ".join(c.path)),
        "起始字符": c.start,
        "结束字符": c.end,
        "文件校验值": c.sha256,
        "来源文件": c.source,
        "综合得分": f"{hit.score:.6f}" if hit else "",
        **{f"{label_of(name)}名次": ranks.get(label_of(name), "") for name in RETRIEVERS},
    }
    if script != "original":
        row[ORIGINAL_QUOTE] = c.quote
    return row


def export_rows(
    answer: Answer | None, results: Sequence[tuple[Hit, Citation]], script: Script = "original"
) -> list[dict]:
    """The answer's citations (类别 答案引用) followed by the search results (类别 检索结果), each with its
    citation covering the whole clause; text in ``script``, the quote as written in 原文引文 when converted."""
    rows = [_row("答案引用", i, c, None, script) for i, c in enumerate(answer.citations if answer else (), 1)]
    rows += [_row("检索结果", i, c, hit, script) for i, (hit, c) in enumerate(results, 1)]
    return rows


def _safe_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(
    question: str,
    answer: Answer | None,
    results: Sequence[tuple[Hit, Citation]],
    script: Script = "original",
    filters: Filters | None = None,
) -> str:
    """CSV text in sections: 问题 / 答案 / 文字 / 筛选 as label–value rows, then the answer's citations and the
    search results, each under its own title row and header. Encode it as utf-8-sig for Excel to detect the
    encoding."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["问题", _safe_cell(question)])
    if answer is not None:
        writer.writerow(["答案", _safe_cell(one_script(answer.text, script))])
    writer.writerows([label, value] for label, value in conditions(script, filters))
    rows = export_rows(answer, results, script)
    extra = [ORIGINAL_QUOTE] if script != "original" else []
    for section, columns in zip(SECTIONS, (CITATION_COLUMNS, RESULT_COLUMNS)):
        writer.writerow([])
        writer.writerow([section])
        writer.writerow(columns + extra)
        for row in rows:
            if row["类别"] == section:
                writer.writerow([_safe_cell(row[name]) for name in columns + extra])
    return out.getvalue()


def read_csv_sections(text: str) -> dict[str, list[dict]]:
    """A CSV export read back: {"问题": [{"值": …}], …, "答案引用": [rows], "检索结果": [rows]} (for tests and for
    anyone re-checking an exported file with a program)."""
    lines = list(csv.reader(io.StringIO(text)))
    out: dict[str, list[dict]] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if line and line[0] in SECTIONS and len(line) == 1:
            header, rows, i = lines[i + 1], [], i + 2
            while i < len(lines) and lines[i]:
                rows.append(dict(zip(header, lines[i])))
                i += 1
            out[line[0]] = rows
        elif line:
            out[line[0]] = [{"值": line[1] if len(line) > 1 else ""}]
        i += 1
    return out


def _quote_block(text: str) -> str:
    lines = [line for _, _, line in iter_lines(text)] or [""]
    return "\n".join("> " + md_escape(line) if line.strip() else ">" for line in lines)


def to_markdown(
    question: str,
    answer: Answer | None,
    results: Sequence[tuple[Hit, Citation]],
    script: Script = "original",
    filters: Filters | None = None,
) -> str:
    """A report: the question and its conditions, the answer, its numbered citations, then each result with its
    citation, each part under its own heading."""

    def shown(text: str) -> str:
        return md_escape(convert_script(text, script))

    parts = [f"# 问题：{md_escape(question)}", ""]
    parts += [f"- {label}：{md_escape(value)}" for label, value in conditions(script, filters)] + [""]
    if answer is not None:
        parts += ["## 答案", "", md_escape(one_script(answer.text, script)), ""]
        if answer.citations:
            parts += ["## 答案引用", ""]
        for i, c in enumerate(answer.citations, 1):
            parts += [
                f"[{i}] {shown(c.reference())}（{shown(c.doc_number or '无发文字号')}）",
                "",
                *_quotes(c, script),
                f"`{c.clause_id}` · 字符 {c.start}–{c.end} · 文件校验值（SHA-256）`{c.sha256}`",
                "",
            ]
    parts += ["## 检索结果", ""]
    for i, (hit, c) in enumerate(results, 1):
        meta = "；".join(shown(p) for p in (c.issuer, c.doc_number, c.date) if p)
        parts += [
            f"### {i}. {shown(c.reference())}",
            "",
            meta,
            f"条款路径：{shown(' › '.join(c.path))}",
            "",
            *_quotes(c, script),
            f"`{c.clause_id}` · 字符 {c.start}–{c.end} · 文件校验值（SHA-256）`{c.sha256}` · 综合得分 {hit.score:.4f}",
            "",
        ]
    return "\n".join(parts).rstrip() + "\n"


def _quotes(c: Citation, script: Script) -> list[str]:
    """The quote in the export's script, then, when that changed it, as the document writes it."""
    converted = convert_script(c.quote, script)
    out = [_quote_block(converted), ""]
    if converted != c.quote:
        out += [f"{ORIGINAL_QUOTE}：", "", _quote_block(c.quote), ""]
    return out
