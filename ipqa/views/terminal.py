"""Plain-text and JSON views of answers, documents and clauses for the command line (``ipqa ask``, ``ipqa show``).
Pure functions over the index and records; the CLI only prints what they return."""

from __future__ import annotations

from ipqa.answer.citations import display
from ipqa.records import Answer, Clause, Document, Flag, Hit, SearchResult, display_title
from ipqa.views.findings import flag_detail, message_text, note_text
from ipqa.views.labels import FLAG_LABELS, dense_banner, level_label, validity_label


class UnknownId(KeyError):
    """Neither a doc_id nor a clause_id of the index; the message suggests close matches."""

    def __str__(self) -> str:
        return str(self.args[0])


def hit_dict(index, hit: Hit, why: bool = True) -> dict:
    """A hit as JSON: ``ipqa search --json``, ``ipqa ask --json`` and (with ``why=False``, leaving out each
    retriever's rank and score and the matched terms) the hits of ``ipqa eval`` RUN lines."""
    c = hit.clause
    doc = index.documents.get(c.doc_id)
    out = {
        "clause_id": c.clause_id,
        "doc_id": c.doc_id,
        "title": doc.title if doc else "",
        "path": list(c.path),
        "text": c.text,
        "start": c.start,
        "end": c.end,
        "score": hit.score,
    }
    if why:
        out["retrievers"] = {name: {"rank": r.rank, "score": r.score} for name, r in hit.retrievers.items()}
        out["matched_terms"] = list(hit.matched_terms)
    return out


def answer_dict(index, answer: Answer) -> dict:
    """The ``ipqa ask --json`` object: what ``ipqa verify`` reads back."""
    return {
        "question": answer.question,
        "kind": answer.kind,
        "answered": answer.answered,
        "answer": answer.text,
        "confidence": answer.confidence,
        "citations": [c.to_dict() for c in answer.citations],
        "notes": list(answer.notes),
        "hits": [hit_dict(index, h) for h in answer.hits],
    }


def search_dict(index, result: SearchResult) -> dict:
    """The ``ipqa search --json`` object (and the API's ``/search``)."""
    return {
        "query": result.query,
        "terms": list(result.terms),
        "notes": list(result.notes),
        "message": result.message,
        "hits": [hit_dict(index, hit) for hit in result.hits],
    }


def document_dict(index, doc: Document) -> dict:
    """A document as JSON: its metadata, flags and clause outline (the API's ``/documents/{doc_id}``)."""
    m = doc.meta
    return {
        "doc_id": doc.doc_id,
        "title": m.title,
        "short_title": m.short_title,
        "issuer": m.issuer,
        "doc_number": m.doc_number,
        "date_written": m.date_written,
        "date_published": m.date_published,
        "date": m.date,
        "region": m.region,
        "level": m.level,
        "doc_type": m.doc_type,
        "validity": m.validity,
        "source_site": m.source_site,
        "addressees": m.addressees,
        "index_number": m.index_number,
        "subject": m.subject,
        "source": doc.source,
        "sha256": doc.sha256,
        "encoding": doc.encoding,
        "characters": len(doc.text),
        "flags": [f.to_dict() for f in doc.flags],
        "clauses": [
            {"clause_id": c.clause_id, "path": list(c.path), "start": c.start, "end": c.end}
            for c in index.clauses
            if c.doc_id == doc.doc_id
        ],
    }


def clause_dict(index, clause: Clause) -> dict:
    """A clause as JSON with the document's title and a citation of its quotable text (spam left out) that
    ``ipqa verify`` and the API's ``/verify`` re-check (the API's ``/clauses/{clause_id}``)."""
    from ipqa.answer.citations import citation_for, quote_span

    doc = index.documents.get(clause.doc_id)
    span = quote_span(clause, clause.start, clause.end)
    out = clause.to_dict()
    out["title"] = doc.title if doc else ""
    out["citation"] = citation_for(index, clause, *span).to_dict() if span and doc else None
    return out


def index_dict(index) -> dict:
    """What an index holds and how it serves: counts, dates, retriever statuses, model, tokenizer, skipped files
    (``ipqa info --json`` adds the freshness against the corpus; the API's ``/info``)."""
    m = index.manifest
    statuses = index.statuses()
    dense = statuses.get("dense")
    return {
        "counts": m.counts,
        "created": m.created,
        "ipqa_version": m.ipqa_version,
        "format_version": m.format_version,
        "retrievers": {name: s.to_dict() for name, s in statuses.items()},
        "model": dense.details.get("model", "") if dense else "",
        "dim": dense.details.get("dim") if dense else None,
        "semantic_search": "on" if dense and dense.on else "off",
        "semantic_reason": dense.reason if dense else "",
        "tokenizer": m.tokenizer,
        "skipped": [{"path": s.path, "reason": s.reason} for s in m.skipped],
    }


def answer_text(answer: Answer, closest: int = 3) -> str:
    """The answer, then each numbered citation (reference, 发文字号, quote); the closest clauses when unanswered."""
    lines = [message_text(answer.text)]
    if answer.confidence and answer.confidence != answer.text:
        lines.append(f"（{answer.confidence.rstrip('。')}）")
    if answer.citations:
        lines.append("")
        lines.append("引用：")
    for n, c in enumerate(answer.citations, start=1):
        details = "，".join(x for x in (c.doc_number, c.issuer, c.date) if x)
        lines.append(f"[{n}] {c.reference()}" + (f"（{details}）" if details else ""))
        lines.append(f"    “{display(c.quote)}”")
    if not answer.answered and answer.hits:
        lines.append("")
        lines.append("最接近的条款（不足以回答）：")
        for h in answer.hits[:closest]:
            lines.append(f"- {h.clause.clause_id}  {display(h.clause.clean_text)[:80]}")
    lines.extend(f"注意：{text}" for note in answer.notes if (text := cli_note(note)))
    return "\n".join(lines)


def cli_note(note: str) -> str:
    """A search note in Chinese for the terminal: semantic search off in one line (``ipqa info`` says why), the
    others as the app says them; "" for one with no Chinese wording (it stays in ``--json``)."""
    if note.startswith("semantic search off"):
        return dense_banner(note) + "（原因见 ipqa info）"
    return note_text(note)


def flag_line(flag: Flag) -> str:
    """A data-quality finding in Chinese: its label and, when it has one, its detail."""
    detail = flag_detail(flag)
    return FLAG_LABELS.get(flag.kind, "其他数据质量问题") + (f"：{detail}" if detail else "")


def _document_view(index, doc: Document) -> str:
    m = doc.meta
    fields = [
        ("标题", m.title),
        ("简称", m.short_title),
        ("发布机关", m.issuer),
        ("发文字号", m.doc_number),
        ("成文日期", m.date_written),
        ("发布日期", m.date_published),
        ("地区", m.region),
        ("层级", level_label(m.level) if m.level else ""),
        ("类型", m.doc_type),
        ("有效性", validity_label(m.validity)),
        ("主送机关", m.addressees),
        ("索引号", m.index_number),
        ("主题分类", m.subject),
        ("来源网站", m.source_site),
        ("来源文件", doc.source),
        ("文件校验值（SHA-256）", doc.sha256),
    ]
    lines = [f"{doc.doc_id}"] + [f"  {k}：{v}" for k, v in fields if v]
    lines.extend(f"  标记：{flag_line(f)}" for f in doc.flags)
    clauses = [c for c in index.clauses if c.doc_id == doc.doc_id]
    lines.append(f"  条款（{len(clauses)}）：")
    for c in clauses:
        lines.append(f"    {c.clause_id}  {display(c.clean_text)[:60]}")
    return "\n".join(lines)


def _clause_view(index, clause: Clause, context: int) -> str:
    doc = index.document(clause.doc_id)
    deps = clause.departments
    lines = [
        clause.clause_id,
        f"  文件：《{display_title(doc.doc_id, doc.title)}》",
        f"  位置：{clause.path_text}",
        f"  字符：[{clause.start}, {clause.end})",
    ]
    if deps.lead:
        lines.append(f"  牵头/负责：{'、'.join(deps.lead)}")
    if deps.support:
        lines.append(f"  配合：{'、'.join(deps.support)}")
    lines.extend(f"  标记：{flag_line(f)}" for f in clause.flags)
    siblings = [c for c in index.clauses if c.doc_id == clause.doc_id]
    at = next(i for i, c in enumerate(siblings) if c.clause_id == clause.clause_id)
    for c in siblings[max(at - context, 0) : at + context + 1]:
        marker = "▶" if c.clause_id == clause.clause_id else " "
        text = c.text if c is clause else display(c.clean_text)[:80]
        lines.append(f"{marker} {c.clause_id}\n    {text}")
    return "\n".join(lines)


def describe(index, item_id: str, context: int = 1) -> str:
    """A document's metadata and clause outline, or a clause with its path, units, flags and ``context``
    neighbours each side. Raises UnknownId for an id the index does not have."""
    if item_id in index.documents:
        return _document_view(index, index.document(item_id))
    try:
        return _clause_view(index, index.clause(item_id), context)
    except KeyError:
        pass
    close = [d for d in index.documents if item_id in d or d in item_id]
    close += [c.clause_id for c in index.clauses if c.clause_id.startswith(item_id)][:5]
    hint = f"；是不是 {'、'.join(close[:5])}？" if close else "；ipqa info 列出索引中的文件"
    raise UnknownId(f"索引中没有文件或条款 {item_id!r}{hint}")
