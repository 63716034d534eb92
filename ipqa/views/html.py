"""Pure helpers for the app's pages: result cards, the document view (clause outline, the excerpt around a cited
clause as safe HTML), shareable links, the corpus page's tables and the options the sidebar filters offer.

Like ``ipqa.views.labels`` this never imports Streamlit; the app only lays out what these functions return.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ipqa.records import Clause, Document, Hit, Metadata, display_title
from ipqa.text import iter_lines
from ipqa.views.findings import flag_messages
from ipqa.views.labels import (
    FLAG_LABELS,
    LEVEL_LABELS,
    Script,
    convert_script,
    match_spans,
    meta_line,
    render_spans,
    validity_label,
    why_details,
    why_matched,
)


def group_clauses(clauses: Iterable[Clause]) -> dict[str, list[Clause]]:
    """Clauses per document, in document order."""
    by_doc: dict[str, list[Clause]] = defaultdict(list)
    for clause in clauses:
        by_doc[clause.doc_id].append(clause)
    for items in by_doc.values():
        items.sort(key=lambda c: c.start)
    return dict(by_doc)


@dataclass(frozen=True)
class Loaded:
    """A loaded index with what the pages derive from it once: clauses per document and the filter options."""

    index: Any  # ipqa.index.searcher.Index (not imported here: this module stays free of the index machinery)
    by_doc: dict[str, list[Clause]]
    options: FilterOptions

    @classmethod
    def of(cls, index) -> Loaded:
        return cls(index, group_clauses(index.clauses), filter_options(index.documents))


def link(**params: str) -> str:
    """A relative link to the app with these query parameters (``?doc=…&clause=…``), safely encoded."""
    return "?" + urlencode({k: v for k, v in params.items() if v})


def context_span(clauses: Sequence[Clause], position: int, around: int = 2) -> tuple[int, int]:
    """Document span from ``around`` clauses before the one at ``position`` to ``around`` clauses after it:
    the excerpt the document view opens at."""
    first = clauses[max(0, position - around)]
    last = clauses[min(len(clauses) - 1, position + around)]
    return first.start, last.end


def document_html(
    doc: Document,
    span: tuple[int, int],
    cited: Clause | None = None,
    terms: Iterable[str] = (),
    script: Script = "original",
) -> str:
    """``doc.text[span]`` as safe HTML: the cited clause marked (``ipqa-cited``) with the matched terms
    highlighted inside it, and text that is not policy text (boilerplate, injected spam, headers) muted."""
    start, end = span
    text = doc.text[start:end]

    def shift(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(s - start, e - start) for s, e in spans if e > start and s < end]

    layers: dict[str, list[tuple[int, int]]] = {"ipqa-excluded": shift(doc.excluded)}
    if cited is not None:
        layers["ipqa-cited"] = shift([(cited.start, cited.end)])
        hits = [(s + cited.start, e + cited.start) for s, e in match_spans(cited.text, terms)]
        layers["ipqa-hl"] = shift(hits)
    body = render_spans(text, layers, lambda s: convert_script(s, script))
    return f'<div class="ipqa-doc">{body}</div>'


def document_header_html(doc: Document, script: Script = "original") -> str:
    """The document's title, metadata line and source file, escaped."""
    title = html.escape(convert_script(display_title(doc.doc_id, doc.meta.title), script))
    meta = " · ".join(p for p in (meta_line(doc.meta), doc.source) if p)
    return f'<h2>{title}</h2><div class="ipqa-meta">{html.escape(convert_script(meta, script))}</div>'


@dataclass(frozen=True)
class OutlineRow:
    """A heading (``clause_id`` empty) or a clause of the outline, indented by its depth."""

    clause_id: str
    depth: int
    text: str
    current: bool = False


def outline(clauses: Sequence[Clause], current: str = "", snippet: int = 24) -> list[OutlineRow]:
    """The document's structure: each heading once, where it starts, then its clauses, each shown by the start
    of its own text (which begins with its number)."""
    rows: list[OutlineRow] = []
    shown: tuple[str, ...] = ()
    for c in clauses:
        headings = tuple(c.path[:-1])
        common = next((i for i, (a, b) in enumerate(zip(shown, headings)) if a != b), min(len(shown), len(headings)))
        rows += [OutlineRow("", depth, headings[depth]) for depth in range(common, len(headings))]
        shown = headings
        first_line = next((line.strip() for _, _, line in iter_lines(c.text) if line.strip()), c.label)
        text = first_line if len(first_line) <= snippet else first_line[: snippet - 1] + "…"
        rows.append(OutlineRow(c.clause_id, len(headings), text, c.clause_id == current))
    return rows


def outline_html(
    rows: Sequence[OutlineRow],
    doc_id: str,
    script: Script = "original",
    question: str = "",
    state: Mapping[str, str] | None = None,
) -> str:
    """The outline as nested ``<details>``: every heading folds, and only the headings above the current clause
        start open, so the cited clause is in view without scripts. Clauses are links that reopen the document at
        that clause (keeping the question, for the highlighting and the way back, and ``state``: the script and filters
    in the address). All text is escaped."""
    ancestors, stack = set(), []
    for i, row in enumerate(rows):
        while stack and rows[stack[-1]].depth >= row.depth:
            stack.pop()
        if row.current:
            ancestors.update(stack)
        if not row.clause_id:
            stack.append(i)
    out, open_depths = ['<div class="ipqa-outline">'], []
    for i, row in enumerate(rows):
        while open_depths and open_depths[-1] >= row.depth:
            out.append("</details>")
            open_depths.pop()
        text = html.escape(convert_script(row.text, script))
        if not row.clause_id:
            out.append(f"<details{' open' if i in ancestors else ''}><summary>{text}</summary>")
            open_depths.append(row.depth)
            continue
        cls = "ipqa-item ipqa-current" if row.current else "ipqa-item"
        href = html.escape(link(**(state or {}), doc=doc_id, clause=row.clause_id, q=question), quote=True)
        out.append(f'<div class="{cls}"><a href="{href}" target="_self">{text}</a></div>')
    return "".join(out + ["</details>"] * len(open_depths) + ["</div>"])


@dataclass(frozen=True)
class FilterOptions:
    """What the sidebar filters can offer, read from the documents in the index."""

    regions: tuple[str, ...]
    levels: tuple[str, ...]
    issuers: tuple[str, ...]
    doc_types: tuple[str, ...]
    validities: tuple[str, ...]
    years: tuple[int, int] | None
    documents: tuple[tuple[str, str], ...]  # (doc_id, display title), sorted by title


def filter_options(documents: Mapping[str, Document]) -> FilterOptions:
    metas = [d.meta for d in documents.values()]
    years = [m.year for m in metas if m.year is not None]
    order = {name: i for i, name in enumerate(LEVEL_LABELS)}
    return FilterOptions(
        regions=tuple(sorted({m.region for m in metas if m.region})),
        levels=tuple(sorted({m.level for m in metas if m.level}, key=lambda v: (order.get(v, 99), v))),
        issuers=tuple(sorted({m.issuer for m in metas if m.issuer})),
        doc_types=tuple(sorted({m.doc_type for m in metas if m.doc_type})),
        validities=tuple(sorted({m.validity for m in metas if validity_label(m.validity)})),
        years=(min(years), max(years)) if years else None,
        documents=tuple(
            sorted(((d, display_title(d, doc.meta.title)) for d, doc in documents.items()), key=lambda p: p[1])
        ),
    )


def clause_html(clause: Clause, terms: Iterable[str], script: Script = "original") -> str:
    """The verbatim clause text as safe HTML: matched terms highlighted, injected spam struck through (it stays
    visible for the record, but was left out of the index and answers)."""
    layers = {"ipqa-excluded": list(clause.spam_spans(relative=True)), "ipqa-hl": match_spans(clause.text, terms)}
    return render_spans(clause.text, layers, lambda s: convert_script(s, script))


@dataclass(frozen=True)
class HitCard:
    """What one result card shows; every field is plain text except ``body_html`` (already escaped)."""

    rank: int
    title: str
    meta: str
    path: str
    body_html: str
    lead: tuple[str, ...]
    support: tuple[str, ...]
    warnings: tuple[str, ...]
    why: str
    why_detail: str
    doc_id: str
    clause_id: str


def hit_card(rank: int, hit: Hit, doc: Document | None, terms: Iterable[str], script: Script = "original") -> HitCard:
    clause = hit.clause
    meta = doc.meta if doc else Metadata()
    warnings = flag_messages(clause.flags, "warning")
    if doc and any(f.kind == "spam" for f in doc.flags) and not clause.spam_spans():
        warnings.append("本文件其他位置含注入的无关内容，请核对原文")
    if doc and any(f.kind == "ocr" for f in doc.flags):  # a scan: the quote is what the OCR engine read
        warnings.append(FLAG_LABELS["ocr"])
    terms = tuple(terms) + tuple(hit.matched_terms)
    return HitCard(
        rank=rank,
        title=convert_script(display_title(clause.doc_id, meta.title), script),
        meta=convert_script(meta_line(meta), script),
        path=convert_script(clause.path_text, script),
        body_html=clause_html(clause, terms, script),
        lead=tuple(convert_script(u, script) for u in clause.departments.lead),
        support=tuple(convert_script(u, script) for u in clause.departments.support),
        warnings=tuple(warnings),
        why=why_matched(hit),
        why_detail=why_details(hit),
        doc_id=clause.doc_id,
        clause_id=clause.clause_id,
    )


def card_html(card: HitCard) -> str:
    """A result card as one block of safe HTML (no blank lines, so no Markdown processing can reach it)."""
    e = html.escape
    units = []
    if card.lead:
        units.append(f'<span class="ipqa-lead">牵头：{e("、".join(card.lead))}</span>')
    if card.support:
        units.append(f'<span class="ipqa-support">配合：{e("、".join(card.support))}</span>')
    parts = [
        f'<div class="ipqa-card" id="ipqa-hit-{card.rank}">',
        f'<div class="ipqa-title">{card.rank}. {e(card.title)}</div>',
        f'<div class="ipqa-meta">{e(card.meta)}</div>' if card.meta else "",
        f'<div class="ipqa-path">{e(card.path)}</div>' if card.path else "",
        f'<div class="ipqa-text">{card.body_html}</div>',
        f'<div class="ipqa-units">{" ".join(units)}</div>' if units else "",
        f'<details class="ipqa-why"><summary>命中依据：{e(card.why)}</summary>{e(card.why_detail)}</details>',
        "</div>",
    ]
    return "".join(parts)


def citation_header_html(number: int, reference: str, details: str) -> str:
    return (
        f'<div class="ipqa-citation" id="ipqa-cite-{number}"><strong>[{number}]</strong> {html.escape(reference)}'
        f' <span class="ipqa-meta">{html.escape(details)}</span></div>'
    )


STYLE = """<style>
.ipqa-card{border:1px solid #ddd;border-radius:8px;padding:.6em .9em;margin:.2em 0}
.ipqa-title{font-weight:600;font-size:1.05em}
.ipqa-meta,.ipqa-path,.ipqa-why{color:#666;font-size:.85em}
.ipqa-text,.ipqa-doc{white-space:pre-wrap;line-height:1.7;margin:.4em 0}
.ipqa-lead{background:#e6f4ea;padding:0 .3em;border-radius:4px;margin-right:.5em}
.ipqa-support{background:#eef3fb;padding:0 .3em;border-radius:4px}
mark.ipqa-hl{background:#ffe58f;padding:0}
.ipqa-cited{background:#fff1b8}
.ipqa-cited.ipqa-hl{background:#ffc53d}
.ipqa-excluded{color:#aaa;text-decoration:line-through}
.ipqa-outline{font-size:.9em}
.ipqa-outline details>details,.ipqa-outline details>.ipqa-item{margin-left:1em}
.ipqa-outline summary{color:#555;font-weight:600;cursor:pointer}
.ipqa-outline .ipqa-item{margin:.1em 0}
.ipqa-outline .ipqa-current a{font-weight:700;background:#fff1b8}
.ipqa-answer{font-size:1.1em;line-height:1.8}
[data-testid="stStatusWidget"] button{font-size:0}
[data-testid="stStatusWidget"] button::after{content:"停止";font-size:.875rem}
</style>"""
# (The last two rules: the toolbar's "Stop" while a page runs is English in Streamlit's frontend; drawn in Chinese.)
