"""Citations: a verbatim quote of a clause with its span in document coordinates and the document's sha256,
so anyone can re-read the file and check it (``ipqa verify``). Also the helpers that choose a quotable span
(never injected spam, no dangling whitespace) and show a unit in simplified script next to its original."""

from __future__ import annotations

import re
import unicodedata

from ipqa.records import Citation, Clause, Document
from ipqa.text import LINE_BREAKS, to_simplified

_WS_LINE = re.compile(rf"\s*[{LINE_BREAKS}]\s*")
_WS = re.compile(r"\s+")


class QuoteOutsideClause(ValueError):
    """A quote span that does not lie inside its clause: the caller computed it wrongly."""


def quote_span(clause: Clause, start: int, end: int) -> tuple[int, int] | None:
    """The quotable part of [start, end) (document coordinates): clipped to the clause, the longest piece free
    of spam, trimmed of surrounding whitespace. None when nothing quotable is left."""
    start, end = max(start, clause.start), min(end, clause.end)
    pieces, pos = [], start
    for a, b in clause.spam_spans():
        if b <= pos or a >= end:
            continue
        pieces.append((pos, max(a, pos)))
        pos = max(pos, b)
    pieces.append((pos, end))
    best = None
    for a, b in pieces:
        text = clause.text[a - clause.start : b - clause.start]
        lead = len(text) - len(text.lstrip())
        trail = len(text) - len(text.rstrip())
        a, b = a + lead, b - trail
        if b > a and (best is None or b - a > best[1] - best[0]):
            best = (a, b)
    return best


def citation_for(index, clause: Clause, quote_start: int, quote_end: int) -> Citation:
    """A citation of ``document.text[quote_start:quote_end]``, which must lie inside ``clause``."""
    if not (clause.start <= quote_start < quote_end <= clause.end):
        raise QuoteOutsideClause(
            f"quote [{quote_start}, {quote_end}) is outside clause {clause.clause_id} [{clause.start}, {clause.end})"
        )
    doc: Document = index.document(clause.doc_id)
    return document_citation(doc, clause.clause_id, tuple(clause.path), tuple(clause.labels), quote_start, quote_end)


def document_citation(
    doc: Document, clause_id: str, path: tuple[str, ...], labels: tuple[str, ...], start: int, end: int
) -> Citation:
    """A citation of ``doc.text[start:end]`` under the given clause id and path: the one place that copies a
    document's title, 发文字号, issuer, date, sha256 and source into a citation."""
    meta = doc.meta
    return Citation(
        clause_id=clause_id,
        doc_id=doc.doc_id,
        title=meta.title,
        doc_number=meta.doc_number,
        issuer=meta.issuer,
        date=meta.date,
        path=path,
        labels=labels,
        quote=doc.text[start:end],
        start=start,
        end=end,
        sha256=doc.sha256,
        source=doc.source,
        short_title=meta.short_title,
    )


def display(text: str) -> str:
    """A quote as it reads in an answer sentence: line breaks from web extraction ("疫情防\\n\\n控") closed up,
    other whitespace runs collapsed, the control characters answers use as citation marks dropped."""
    return _WS.sub(" ", _WS_LINE.sub("", text)).strip().replace("\x02", "").replace("\x03", "")


def unit_display(unit: str) -> str:
    """A unit in simplified script, with the source spelling after it when that differs:
    "省市场监管局（原文：省市場監管局）" — readers of either script find it."""
    simple = to_simplified(unicodedata.normalize("NFKC", unit))
    return simple if simple == unit else f"{simple}（原文：{unit}）"
