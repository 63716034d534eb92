"""Answers about a document itself — its 发文字号, 发布机关, 发布/成文日期, 有效性, 主送机关, 索引号, 主题分类, 来源, 标题 — from its metadata fields, cited to
the place in the document text the field was read from (the header line, the signature, the date line), so the
citation verifies like any other. A field the document does not state is said to be unstated, never guessed.
"""

from __future__ import annotations

import re

from ipqa.answer.analysis import Analysis
from ipqa.answer.citations import document_citation
from ipqa.answer.spans import fold, overlap, term_score
from ipqa.corpus.metadata.headers import KEYS, parse_header
from ipqa.records import Answer, Citation, Document, SearchResult, display_title
from ipqa.text import to_simplified

FIELD_LABELS = {
    "doc_number": "发文字号",
    "issuer": "发布机关",
    "date_published": "发布日期",
    "date_written": "成文日期",
    "validity": "有效性",
    "addressees": "主送机关",
    "index_number": "索引号",
    "subject": "主题分类",
    "source_site": "来源",
    "title": "标题",
    "views": "阅读数",
    "time_published": "发布时刻",
    "basis": "制定依据",
}
# Header labels that introduce a field's value in a page header ("发文字号: 邹政字〔2024〕18号"); matched with the
# line's spaces removed, since pages space keys out ("索 引 号", "标  题").
_HEADER_LABELS = {
    "doc_number": ("发文字号", "文号"),
    "issuer": ("发布机关", "发文机关"),
    "date_published": ("发布日期", "发布时间"),
    "date_written": ("成文日期",),
    "validity": ("有效性",),
    "index_number": ("索引号",),
    "subject": ("主题分类",),
    "source_site": ("来源", "信息来源"),
    "title": ("标题", "名称"),
    "views": ("阅读", "浏览"),
    "time_published": ("发布日期", "发布时间"),
}
# What a web page states beside its fields and no Metadata field keeps: its view counter and the time of day it was
# posted ("发布日期:2018-03-21 12:00 阅读:930"), read from the page's first lines.
_PAGE_COUNTERS = {
    "views": re.compile(r"(?:阅读|浏览)(?:量|数|次数)?\s*[:：]\s*(\d+)"),
    "time_published": re.compile(r"发布(?:日期|时间)\s*[:：]\s*\d{4}-\d{1,2}-\d{1,2}\s+(\d{1,2}:\d{2})"),
}
_PAGE_LINES = 12
HEADER_PATH = ("文件信息",)

# A clause that creates a document: "印发实施《甘肃省知识产权计划项目资金管理办法》", "制定出台《…实施意见》".
_MAKES_DOCUMENT = re.compile(r"(?:印发|制定|出台|修订|发布|编制|起草)[^。；;《]{0,6}《([^》]{4,})》")
# Words of a "who issued it" question that say nothing of which document is meant.
_FIELD_WORDS = frozenset(
    {"印发", "发布", "制定", "出台", "下发", "发出", "部门", "单位", "机关", "机构", "哪个", "哪家", "什么"}
)


def _date_forms(iso: str) -> list[str]:
    """The ways a date is written in a document: 2024-04-29, 2024年4月29日, 2024年04月29日."""
    parts = iso.split("-")
    if len(parts) != 3:
        return [iso]
    y, m, d = parts
    return [iso, f"{y}年{int(m)}月{int(d)}日", f"{y}年{m}月{d}日", f"{y}.{m}.{d}", f"{y}/{m}/{d}"]


def field_span(doc: Document, field: str, value: str, signed: bool = False) -> tuple[int, int] | None:
    """The span of the line in ``doc.text`` that states ``value``: a line with the field's header label first,
    else the first line holding the value (in either script); with ``signed``, a line without the label first (the
    signature a question about the 落款 asks for)."""
    found = _field_match(doc, field, value, signed)
    return found[:2] if found else None


def field_as_written(doc: Document, field: str, value: str, signed: bool = False) -> str:
    """The value as the document writes it ("2023年4月3日" for the ISO 2023-04-03), else the value."""
    found = _field_match(doc, field, value, signed)
    return found[2] if found else value


# A question about what the signature says ("落款写的是几月几号"): the signed line answers, not the page's header field
SIGNED = re.compile(r"落款|署名|签署|盖章|签发")


def _field_match(doc: Document, field: str, value: str, signed: bool = False) -> tuple[int, int, str] | None:
    patterns = [
        re.escape(to_simplified(form)) for form in (_date_forms(value) if field.startswith("date") else [value])
    ]
    parts = value.split("-") if field.startswith("date") else []
    if len(parts) == 3:
        # the damaged 2020年6月4 (日 lost on the page; ipqa.corpus.metadata.dates reads it), never inside 2020年6月4日
        patterns.append(re.escape(f"{parts[0]}年{int(parts[1])}月{int(parts[2])}") + r"(?![日\d])")
    text = doc.text
    simple = _simplified_in_place(text)
    candidates = []
    for pattern in patterns:
        for m in re.finditer(pattern, simple):
            start = simple.rfind("\n", 0, m.start()) + 1
            end = simple.find("\n", m.end())
            end = len(text) if end < 0 else end
            line = simple[start:end]
            bare = re.sub(r"\s", "", line)
            labelled = any(label in bare for label in _HEADER_LABELS.get(field, ()))
            # a signature line is no "key: value" line of the page header
            worse = bool(re.search("[:：]", bare)) if signed else not labelled
            candidates.append((worse, start, end, text[m.start() : m.end()]))
    if not candidates:
        return None
    _, start, end, written = min(candidates)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end, written) if start < end else None


def _simplified_in_place(text: str) -> str:
    """``text`` in simplified script when the conversion keeps every offset (one character for one), else as is:
    spans found in it must index the original."""
    simple = to_simplified(text)
    return simple if len(simple) == len(text) else text


def header_citation(doc: Document, start: int, end: int) -> Citation:
    """A citation of a header line: the document's fields block is cited as its 文件信息, not as a clause."""
    return document_citation(doc, f"{doc.doc_id}#文件信息", HEADER_PATH, HEADER_PATH, start, end)


def names_a_task_document(index, analysis: Analysis, result: SearchResult, depth: int = 3) -> bool:
    """Whether an issuer or date question is about a document one of the best clauses says is to be made
    ("那些项目的资金管理办法由哪个部门印发" over a clause "印发实施《…资金管理办法》(省市场监管局负责)") rather than about a
    document of the corpus: the name in that clause shares more of the question's words than any hit's own title.
    Such a question asks who carries out a task (or when), which the clause answers."""
    from ipqa.answer.pipeline import query_terms

    if analysis.field not in ("issuer", "date_published", "date_written"):
        return False
    terms = [t for t in query_terms(analysis.question) if t not in _FIELD_WORDS]
    hits = result.hits[:depth]
    titles = max((_title_overlap(index.document(h.clause.doc_id), terms) for h in hits), default=0.0)
    named = [m.group(1) for h in hits for m in _MAKES_DOCUMENT.finditer(to_simplified(h.clause.clean_text))]
    return any(overlap(terms, fold(name).text) > max(titles, 0.5) for name in named)


# A document a clause cites with its number: "落实《国务院关于…的意见》(国发〔2017〕37号)要求".
_CITED_LEAD = 6  # characters before 《 that say what the clause does with the document ("落实", "依据")
_CITED = re.compile(r"《([^》]{4,})》\s*[（(]([^（）()]{0,12}〔(?:19|20)\d\d〕[^（）()]{0,8}号)[）)]")


def cited_document(index, analysis: Analysis, result: SearchResult, depth: int = 3):
    """``(clause, start, end)`` of the citation 《name》(文号) in one of the best clauses, when a question about a
    document's number, issuer or date is about that cited document rather than a document of the corpus ("计划里要
    落实的那份国务院推双创的意见是哪年发的文"): the question's words that no hit's own title holds (国务院, 意见,
    落实) are mostly in the citation and the words just before it ("落实《…》"). The number states the issuer's code
    and the year; the corpus holds no other field of that document."""
    from ipqa.answer.pipeline import query_terms
    from ipqa.retrieval.tokens import everyday_words

    if analysis.field not in ("doc_number", "issuer", "date_published", "date_written"):
        return None
    hits = result.hits[:depth]
    titles = " ".join(f"{d.meta.title} {d.meta.short_title}" for d in {index.document(h.clause.doc_id) for h in hits})
    folded_titles = fold(titles).text
    rest = [
        t
        for t in query_terms(analysis.question)
        if t not in _FIELD_WORDS and t not in everyday_words() and term_score(t, folded_titles) < 0.5
    ]
    if not rest:
        return None
    found = []
    for h in hits:
        simple = _simplified_in_place(h.clause.text)
        for m in _CITED.finditer(simple):
            window = fold(simple[max(m.start() - _CITED_LEAD, 0) : m.end()]).text
            if overlap(rest, fold(m.group(1)).text):
                found.append((overlap(rest, window), h.clause, m.start(), m.end()))
    best = max(found, key=lambda f: f[0], default=None)  # max() keeps the first of equals: the better hit
    return best[1:] if best and best[0] >= 0.5 else None


def _title_overlap(doc: Document, terms: list[str]) -> float:
    m = doc.meta
    return overlap(terms, fold(f"{m.title} {m.short_title}").text)


def _from_header(doc: Document, field: str) -> str:
    """A page-header field the stored metadata lacks: an index built before the field was read (索引号, 主题分类
    before this version) keeps that metadata until the next ``ipqa build`` re-reads its files, and must not say
    the document does not state it. Dates are left to the reader, which normalises them."""
    if field in _PAGE_COUNTERS:
        head = to_simplified("\n".join(doc.text.splitlines()[:_PAGE_LINES]))
        found = _PAGE_COUNTERS[field].search(head)
        return found.group(1) if found else ""
    if field.startswith("date_"):
        return ""
    fields = parse_header(doc.text).fields
    return next((v.strip() for key, v in fields.items() if KEYS.get(key) == field and v.strip()), "")


def asked_document(index, analysis: Analysis, result: SearchResult) -> Document:
    """Of the documents the hits belong to, the one whose title, region, issuer and source share most of the
    question's words (hit order breaks ties)."""
    from ipqa.answer.pipeline import query_terms

    terms = query_terms(analysis.question)
    docs = [index.document(d) for d in dict.fromkeys(h.clause.doc_id for h in result.hits)]

    def named(doc: Document) -> float:
        m = doc.meta
        # the site that carried a page names it too ("中商产业研究院贴出来的那篇")
        return overlap(terms, fold(f"{m.title} {m.short_title} {m.region} {m.issuer} {m.source_site}").text)

    return max(docs, key=named)  # max() keeps the first of equals: the better-ranked document


# The sentence of a preamble that says what a document was drawn up on: "…根据《A》和《B》，制定本规划。"
_BASIS = re.compile(r"[^。；;\n]*《[^。]*?(?:制定|编制)本(?:规划|工作方案|方案|计划|意见|办法|细则)")


def basis_span(index, doc: Document):
    """``(clause, start, end)`` (clause-text coordinates) of the sentence naming the documents ``doc`` was drawn up
    on, or None."""
    simple = _simplified_in_place(doc.text)
    m = _BASIS.search(simple)
    if not m:
        return None
    start = m.start() + len(m.group()) - len(m.group().lstrip())
    for clause in index.clauses:
        if clause.doc_id == doc.doc_id and clause.start <= start < clause.end:
            return clause, start - clause.start, min(m.end(), clause.end) - clause.start
    return None


def metadata_answer(index, analysis: Analysis, result: SearchResult, notes: tuple[str, ...]) -> Answer:
    """The asked fields of the document the question names, a line each: of the documents the hits belong to, the
    one whose title, region and issuer share most of the question's words (hit order breaks ties)."""

    doc = asked_document(index, analysis, result)
    name = f"《{to_simplified(display_title(doc.doc_id, doc.meta.title, doc.meta.short_title))}》"
    lines, citations, unstated, given = [], [], [], []
    signed = bool(SIGNED.search(analysis.question))
    for asked in analysis.fields or (analysis.field,):
        found = _field_line(doc, asked, signed)
        if found is None:
            unstated.append(FIELD_LABELS[asked])
            continue
        label, shown, citation, field = found
        if citation not in citations:  # two fields of one header line cite it once
            citations.append(citation)
        given.append(FIELD_LABELS[field])
        lines.append(f"{name}的{label}：{shown}[{citations.index(citation) + 1}]")
    if not lines:
        why = f"{name}没有标明{'、'.join(unstated)}。"
        return Answer(analysis.question, "metadata", why, hits=result.hits, answered=False, notes=notes, confidence=why)
    confidence = f"把握较大：{'、'.join(given)}取自该文件的文件信息，并已标出原文位置"
    # what a question of several fields asks and the document does not state is said, not dropped
    confidence += f"；该文件没有标明{'、'.join(unstated)}。" if unstated else "。"
    return Answer(
        analysis.question, "metadata", "\n".join(lines), tuple(citations), result.hits, True, notes, confidence
    )


def _field_line(doc: Document, asked: str, signed: bool = False) -> tuple[str, str, Citation, str] | None:
    """(label, value as written, citation of its header span, field given) for one asked field, or None when the
    document does not state it. A date the page does not give is answered by the other date, said so."""
    field = asked
    value = getattr(doc.meta, field, "") or _from_header(doc, field)
    if not value and field.startswith("date_"):
        # A page gives one of the two dates: the signature date (成文) of a notice is the day it was issued, and a
        # site's publication date is the closest to when it was written. Say which one is given.
        other = "date_written" if field == "date_published" else "date_published"
        if getattr(doc.meta, other, ""):
            field, value = other, getattr(doc.meta, other)
    label = FIELD_LABELS[field]
    if field != asked:
        label = f"{label}（文件未标明{FIELD_LABELS[asked]}）"
    span = field_span(doc, field, value, signed) if value else None
    if not value or span is None:
        return None
    return label, to_simplified(field_as_written(doc, field, value, signed)), header_citation(doc, *span), field
