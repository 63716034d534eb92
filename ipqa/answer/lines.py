"""The pieces every answer composer builds lines from: the question terms a clause's sentences are told apart by,
the document's name an answer line opens with, citation marks, and the quote of a span (trimmed of dangling
punctuation, cut by ``ipqa.answer.citations.quote_span`` so it never includes injected spam)."""

from __future__ import annotations

import re

from ipqa.answer.citations import display, quote_span
from ipqa.answer.gate import presence
from ipqa.answer.spans import Span, fold, overlap, phrases
from ipqa.records import display_title

MAX_CLAUSES = 6  # relevant clauses a composer reads
MAX_UNNAMED = 3  # documents listed as covering a task without naming a unit
MAX_LINES = 3  # figure / date / sentence lines in an answer
MAX_DOCUMENTS = 6  # documents a list answer names
LONG_SENTENCE = 240  # a longer sentence is narrowed to the phrases around its best phrase
_TRIM = "，,；;：:、"


def focus_terms(ctx, clause) -> list[str]:
    """The question terms a clause's title and heading path do not already hold. Those are shared by every
    sentence of the clause, so they cannot tell its sentences apart ("邹城市…工作专班的办公室设在哪里": the
    title holds 邹城市 and 强县建设; the sentence must hold 办公室 and 设在)."""
    doc = ctx.index.document(clause.doc_id)
    context = fold(f"{doc.meta.title} {doc.meta.short_title} {clause.path_text}").text
    return [t for t in ctx.terms if t not in context] or ctx.terms


def doc_name(ctx, doc_id: str) -> str:
    """The document's short name, as an answer line opens: 《name》：…"""
    meta = ctx.index.document(doc_id).meta
    return display_title(doc_id, meta.title, meta.short_title)


def term_fit(ctx, focus: list[str], text: str) -> float:
    folded = fold(text).text
    # relatives count too: "含金量高的发明专利" picks the figure of 高价值发明专利, as the gate let the clause in
    return overlap(focus, folded, score=presence) + 0.25 * overlap(ctx.terms, folded, score=presence)


# Composers mark citations with control characters that no display text holds; ``answer.renumber`` turns them
# into [1], [2] in reading order. A quote may itself contain "[2019]" (国发[2019]8号), which is not a citation.
MARK = re.compile("\x02(\\d+)\x03")


_LINE_OPENING = re.compile(r"^《[^》]*》[^：:]{0,12}[：:]")  # the document's name an answer line opens with


def line_quote(line: str) -> str:
    """What an answer line quotes: without the document's name it opens with and its citation marks."""
    return _LINE_OPENING.sub("", MARK.sub("", line))


def refs(numbers) -> str:
    return "".join(f"\x02{n}\x03" for n in dict.fromkeys(numbers))


def cite_span(ctx, clause, span: Span) -> int | None:
    """Cite a span given in clause-text coordinates (trimmed of dangling commas), or None if unquotable."""
    start, end = clause.start + span.start, clause.start + span.end
    while end > start and clause.text[end - clause.start - 1] in _TRIM:
        end -= 1
    cut = quote_span(clause, start, end)
    return ctx.cite(clause, *cut) if cut else None


def span_line(ctx, clause, span: Span) -> str | None:
    n = cite_span(ctx, clause, span)
    if n is None:
        return None
    quote = display(ctx.citations[n - 1].quote)
    return f"《{doc_name(ctx, clause.doc_id)}》：{quote}{refs([n])}"


def quote_line(ctx, clause, start: int, end: int) -> str | None:
    """An answer line quoting ``clause.text[start:end]`` (clause-text coordinates), or None if unquotable."""
    return span_line(ctx, clause, Span(start, end, clause.text[start:end]))


def join_spans(text: str, a: Span, b: Span) -> Span:
    start, end = min(a.start, b.start), max(a.end, b.end)
    return Span(start, end, text[start:end], max(a.score, b.score))


def sentence_of(sents: list[Span], span: Span) -> Span:
    return next((s for s in sents if s.start <= span.start < s.end), span)


def narrow_sentence(text: str, sent: Span, terms: list[str], blocked) -> Span:
    """A long sentence cut to its best phrase and one neighbour each side."""
    if len(sent.text) <= LONG_SENTENCE:
        return sent
    inner = [p for p in phrases(text, blocked) if sent.start <= p.start < sent.end]
    if not inner:
        return sent
    best = max(range(len(inner)), key=lambda i: overlap(terms, fold(inner[i].text).text))
    return join_spans(text, inner[max(best - 1, 0)], inner[min(best + 1, len(inner) - 1)])
