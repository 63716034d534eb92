"""Answer composers, one per question kind. Each takes the relevant hits (best first, with their topic
coverage) and returns answer lines built only from clause text and clause units, each line ending in its
citation markers. Spans come from ``ipqa.answer.spans``; quotes are cut by ``ipqa.answer.citations.quote_span`` so they
never include injected spam. The figure and date composers are in ``ipqa.answer.figure_lines``, the pieces all of
them build lines from in ``ipqa.answer.lines``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ipqa.answer.analysis import question_kind
from ipqa.answer.citations import unit_display
from ipqa.answer.figure_lines import number_lines, when_lines
from ipqa.answer.lines import (
    LONG_SENTENCE,
    MARK,
    MAX_CLAUSES,
    MAX_DOCUMENTS,
    MAX_LINES,
    MAX_UNNAMED,
    cite_span,
    doc_name,
    focus_terms,
    join_spans,
    narrow_sentence,
    quote_line,
    refs,
    span_line,
    term_fit,
)
from ipqa.answer.spans import Span, fold, rank_spans, sentences
from ipqa.records import QuestionKind

__all__ = ["COMPOSERS", "MARK", "NONE_NAMED", "NO_UNIT_NAMED", "quote_line"]  # what other modules take from here

# A sentence giving a unit a duty: 负责 but not 负责人 (a person), 职能 ("发挥市场监督管理局在各镇的管理职能").
_DUTY = re.compile(r"负责(?!人)|牵头|主管|承担|归口|设在|职责|职能|组织实施")
# What a who answer says of clauses that name no unit (ipqa verify knows these words are the composer's own).
NO_UNIT_NAMED = "也涉及此事项，但未明确责任单位"
NONE_NAMED = "以上条款均未明确责任单位"
# Units named in running text rather than in a （…负责） note: "由市市场监管局、市公安局、市文化和旅游局等部门查处",
# or a statute's "县级以上工商行政管理部门": a sentence naming them answers a who question in its own words.
_UNIT = r"[\u4e00-\u9fff]{1,14}?(?:监管局|管理局|局|厅|委员会|委|办公室|法院|检察院|中心|海关|公安机关|机关)"
_UNIT_LIST = re.compile(
    rf"{_UNIT}(?:[、和及与]{_UNIT})+(?:等(?:有关)?(?:部门|单位|机构))?"
    r"|[\u4e00-\u9fff]{2,12}(?:行政管理部门|行政部门|主管部门|执法部门)"
)

# "我们不是高企也不是专精特新": the kinds the asker says they are not. A sentence for those kinds answers another
# asker; the one for the rest ("其他企业…") answers this one.
_NOT_ONE_OF = re.compile(r"(?:(?<!是)不是|不属于|并非|算不上)([^，,。？?！!]{2,12}?)(?=也|又|，|,|。|？|\?|$)")
_THE_REST = re.compile(r"其他|其余|其它|以外的|之外的")
REST_BONUS = 0.5  # a sentence for "the other" kinds, when the asker says what kind they are not


def _not_one_of(ctx) -> list[str]:
    """The question's terms that name kinds the asker says they are not."""
    said = "".join(m.group(1) for m in _NOT_ONE_OF.finditer(ctx.question))
    return [t for t in ctx.terms if t in said] if said else []


def fact_lines(ctx, relevant) -> list[str]:
    """The best sentences of the top clauses by overlap with the question's terms (at most 2 per clause)."""
    cands = []
    negated = _not_one_of(ctx)
    for rank, (hit, cov) in enumerate(relevant[:MAX_CLAUSES]):
        clause, blocked = hit.clause, hit.clause.spam_spans(relative=True)
        focus = [t for t in focus_terms(ctx, clause) if t not in negated] or focus_terms(ctx, clause)

        def fit(sent: Span, focus=focus) -> float:
            rest = REST_BONUS if negated and _THE_REST.search(sent.text) else 0.0
            return term_fit(ctx, focus, sent.text) + rest

        ranked = sorted(sentences(clause.text, blocked), key=lambda s: -fit(s))
        for sent in ranked[:2]:
            score = fit(sent)
            if score > 0:
                span = narrow_sentence(clause.text, sent, focus, blocked)
                cands.append((score + 0.3 * cov - 0.03 * rank, clause, span))
    cands.sort(key=lambda c: -c[0])
    return [line for _, clause, span in cands[:MAX_LINES] if (line := span_line(ctx, clause, span))]


def list_lines(ctx, relevant) -> list[str]:
    """One line per document for "which documents / places say X": each document's best-matching sentence,
    documents in the order of their best clause, at most ``MAX_DOCUMENTS``."""
    best: dict[str, tuple] = {}
    for rank, (hit, cov) in enumerate(relevant):
        if hit.clause.doc_id in best:
            continue
        clause, blocked = hit.clause, hit.clause.spam_spans(relative=True)
        focus = focus_terms(ctx, clause)
        ranked = sorted(sentences(clause.text, blocked), key=lambda s: -term_fit(ctx, focus, s.text))
        if ranked and term_fit(ctx, focus, ranked[0].text) > 0:
            best[clause.doc_id] = (clause, narrow_sentence(clause.text, ranked[0], focus, blocked))
        if len(best) == MAX_DOCUMENTS:
            break
    return [line for clause, span in best.values() if (line := span_line(ctx, clause, span))]


def _unit_span(ctx, clause, blocked) -> Span | None:
    """The quote for a clause's units: from the sentence that best matches the question to the sentence naming
    the first unit (often the trailing "（省市场监管局负责）"), or just the naming sentence when that span is long
    or the naming sentence matches about as well. None when the best match comes *after* the unit's sentence:
    a "（…负责）" covers the task before it, not a note that follows ("上述各项任务分工中…")."""
    sents = sentences(clause.text, blocked)
    if not sents:
        return None
    focus = focus_terms(ctx, clause)
    best = max(sents, key=lambda s: term_fit(ctx, focus, s.text))
    unit = fold((clause.departments.lead or clause.departments.support)[0]).text
    naming = next((s for s in sents if unit in fold(s.text).text), None)
    if naming is None:
        return best
    if best.start >= naming.end:
        return None
    joined = join_spans(clause.text, best, naming)
    if len(joined.text) > LONG_SENTENCE * 1.5 or term_fit(ctx, focus, naming.text) >= term_fit(ctx, focus, best.text):
        return naming
    return joined


def _units_text(deps, quotes: list[str]) -> str:
    """ "甲、乙牵头，丙配合"; a lone lead is said to 牵头 when its quote says so, else to 负责."""
    lead = "、".join(unit_display(u) for u in deps.lead)
    support = "、".join(unit_display(u) for u in deps.support)
    if lead and support:
        return f"{lead}牵头，{support}配合"
    verb = "牵头" if lead and all("牵头" in fold(q).text for q in quotes) else "负责"
    return f"{lead or support}{verb}"


def who_lines(ctx, relevant) -> list[str]:
    """The units of the matching clauses, lead before supporting, grouped by document; a document whose matching
    clause names a duty in a sentence ("市市场监管局要牵头…") gets that sentence; one that names no unit gets
    "未明确责任单位" — never a guess."""
    named: dict[str, dict] = {}  # doc_id → {Departments: [citation numbers]}
    duty: list[str] = []
    duty_docs: set[str] = set()
    unnamed: dict[str, list[int]] = {}
    for hit, _cov in relevant[:MAX_CLAUSES]:
        clause, blocked = hit.clause, hit.clause.spam_spans(relative=True)
        span = _unit_span(ctx, clause, blocked) if clause.departments else None
        if span is not None:
            n = cite_span(ctx, clause, span)
            if n is not None:
                named.setdefault(clause.doc_id, {}).setdefault(clause.departments, []).append(n)
            continue
        # Sentences giving a duty that match the question: half the question's words, or a quarter when the
        # sentence names the unit — of a clause the gate let through, a short sentence that names the unit
        # ("专班下设办公室,办公室设在市市场监管局") answers before a long one of the same clause that only speaks of
        # duties ("…工作专班,统筹协调本方案的组织实施").
        naming, unnaming = [], []
        for s in rank_spans(sentences(clause.text, blocked), ctx.terms):
            text = fold(s.text).text
            if not (_DUTY.search(text) or _UNIT_LIST.search(text)):
                continue
            if re.search(_UNIT, text):
                if s.score >= 0.25:
                    naming.append(s)
            elif s.score >= 0.5:
                unnaming.append(s)
        duties = naming + unnaming
        if duties and (line := span_line(ctx, clause, duties[0])):
            duty.append(line)
            duty_docs.add(clause.doc_id)
        elif clause.doc_id not in named:
            best = rank_spans(sentences(clause.text, blocked), ctx.terms)[:1]
            n = cite_span(ctx, clause, best[0]) if best else None
            if n is not None:
                unnamed.setdefault(clause.doc_id, []).append(n)
    ctx.typed = bool(named or duty)
    if not named and not duty:
        # No matching clause names a unit: say so, citing the best sentences rather than guessing one.
        lines = fact_lines(ctx, relevant)
        marks = refs(int(m) for line in lines for m in MARK.findall(line))
        return lines + [f"{NONE_NAMED}{marks}。"] if lines else []
    lines = []
    for doc_id, groups in named.items():
        parts = "；".join(
            _units_text(deps, [ctx.citations[n - 1].quote for n in ns]) + refs(ns) for deps, ns in groups.items()
        )
        lines.append(f"《{doc_name(ctx, doc_id)}》：{parts}。")
    lines.extend(duty)
    for doc_id, ns in [(d, ns) for d, ns in unnamed.items() if d not in named and d not in duty_docs][:MAX_UNNAMED]:
        lines.append(f"《{doc_name(ctx, doc_id)}》{NO_UNIT_NAMED}{refs(ns)}。")
    return lines


COMPOSERS: dict[QuestionKind, Callable] = {
    "who": who_lines,
    "number": number_lines,
    "when": when_lines,
    "fact": fact_lines,
    "list": list_lines,
}


def other_parts(ctx, kind: str, relevant: list, lines: list[str]) -> list[str]:
    """The lines a question of several parts asks for besides its main kind: "靠哪个中心？哪个部门负责？" wants the
    clause's words on the centre as well as the unit. Each part of another kind (who / when / fact) is answered from
    the same clauses; a line already given is not repeated. Whether the answer holds what its main kind asks for
    (``ctx.typed``) is the main part's."""
    kinds = dict.fromkeys(question_kind(part) for part in re.split(r"[？?]", ctx.question) if part.strip())
    typed, extra = ctx.typed, []
    for part_kind in kinds:
        if part_kind != kind and part_kind in ("who", "when", "fact"):
            extra += [line for line in COMPOSERS[part_kind](ctx, relevant) if line not in lines + extra]
    ctx.typed = typed
    return extra
