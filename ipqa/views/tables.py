"""The corpus page's tables: one row per document (metadata, clause count, findings in short Chinese labels), one
row per finding, and the injected text, shown only on demand."""

from __future__ import annotations

from collections.abc import Mapping

from ipqa.records import Document
from ipqa.views.findings import flag_detail, spam_text
from ipqa.views.labels import FLAG_LABELS, LEVEL_LABELS, Script, convert_script, validity_label


def corpus_rows(
    documents: Mapping[str, Document], clause_counts: Mapping[str, int], script: Script = "original"
) -> list[dict]:
    """One row per document for the corpus page: metadata (in the chosen script), clause count, missing fields and
    flags."""

    def shown(value: str) -> str:
        return convert_script(value, script)

    rows = []
    for doc_id in sorted(documents):
        doc = documents[doc_id]
        m = doc.meta
        missing = [
            name
            for name, value in (("标题", m.title), ("发布机关", m.issuer), ("发文字号", m.doc_number), ("日期", m.date))
            if not value
        ]
        rows.append(
            {
                "文件": doc_id,
                "标题": shown(m.title),
                "发布机关": shown(m.issuer),
                "发文字号": shown(m.doc_number),
                "日期": m.date,
                "地区": shown(m.region),
                "层级": LEVEL_LABELS.get(m.level, m.level),
                "类型": m.doc_type,
                "有效性": validity_label(m.validity),
                "条款数": clause_counts.get(doc_id, 0),
                "缺少": "、".join(missing),
                "质量标记": "；".join(FLAG_SHORT.get(k, "其他") for k in sorted({f.kind for f in doc.flags})),
            }
        )
    return rows


FLAG_SHORT = {  # the flag kinds in a table cell
    "spam": "注入内容",
    "boilerplate": "网页模板",
    "missing_title": "无标题",
    "excerpt": "节选",
    "broken_doc_number": "发文字号不完整",
    "format_mismatch": "格式不符",
    "decoding": "字节损坏",
    "metadata_conflict": "元数据冲突",
    "sidecar": "修正文件有问题",
    "traditional_script": "繁体字",
}


def flag_rows(documents: Mapping[str, Document]) -> list[dict]:
    """Every data-quality finding of every document, in Chinese, with its place in the text when it has one (the
    injected text itself is not in the table: ``spam_rows`` has it, shown on demand)."""
    return [
        {
            "文件": d.doc_id,
            "类别": FLAG_LABELS.get(f.kind, "其他数据质量问题"),
            "说明": flag_detail(f),
            "位置": "" if f.start is None else f"{f.start}–{f.end}",
        }
        for d in documents.values()
        for f in d.flags
    ]


def spam_rows(documents: Mapping[str, Document]) -> list[dict]:
    """The injected text of every spam finding, each distinct text once per document."""
    rows, seen = [], set()
    for d in documents.values():
        for f in d.flags:
            text = spam_text(f)
            if text and (d.doc_id, text) not in seen:
                seen.add((d.doc_id, text))
                rows.append({"文件": d.doc_id, "注入的文字": text})
    return rows


SUMMARY_COLUMNS = ("标题", "文件", "发布机关", "日期", "条款数", "质量标记")  # what fits a screen; the rest on demand


def summary_rows(rows: list[dict]) -> list[dict]:
    """The corpus table narrowed to the columns that fit a screen (``corpus_rows`` has every field)."""
    return [{name: row[name] for name in SUMMARY_COLUMNS} for row in rows]


def upload_rows(uploads: list[dict], documents: Mapping[str, Document], skipped, clause_counts, building: bool):
    """One row per file added in this session: what was saved, and whether the index has read it (with its
    clause count), could not read it (why, in Chinese), or is still building. ``uploads`` holds the dicts the
    corpus page recorded: {"name", "path" (resolved, "" when refused), "message"}."""
    from pathlib import Path

    from ipqa.views.findings import skip_reason

    docs = {str(Path(d.source).resolve()): d for d in documents.values()}
    unread = {str(Path(s.path).resolve()): s.reason for s in skipped}
    rows = []
    for item in uploads:
        path = item["path"]
        if not path:
            state = "未保存"
        elif path in docs:
            state = f"已索引（{clause_counts.get(docs[path].doc_id, 0)} 个条款）"
        elif path in unread and not building:
            state = "未能读取：" + skip_reason(unread[path])
        else:
            state = "正在建立索引…" if building else "等待建立索引"
        rows.append({"文件": item["name"], "结果": item["message"], "索引": state})
    return rows
