"""Answer composers, one per question kind. Each takes the relevant hits (best first, with their topic
coverage) and returns answer lines built only from clause text and clause units, each line ending in its
citation markers. Spans come from ``ipqa.answer.spans``; quotes are cut by ``ipqa.answer.citations.quote_span`` so they
never include injected spam.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ipqa.answer.analysis import find_years, years_in
from ipqa.answer.citations import display, quote_span, unit_display
from ipqa.answer.gate import presence
from ipqa.answer.measures import MEASURE_BIGRAM, counted_thing, measure_bigrams
from ipqa.answer.spans import Span, dates, figures, fold, overlap, phrases, rank_spans, sentences, unit_fits, unit_of
from ipqa.records import QuestionKind, display_title

MAX_CLAUSES = 6  # relevant clauses a composer reads
MAX_UNNAMED = 3  # documents listed as covering a task without naming a unit
MAX_LINES = 3  # figure / date / sentence lines in an answer
MAX_DOCUMENTS = 6  # documents a list answer names
LONG_SENTENCE = 240  # a longer sentence is narrowed to the phrases around its best phrase
# The year asked, named in a figure's own phrase, weighs as about one measure word: "其中2020年…质押融资额1亿元" over
# "专利权质押融资总额达4.2亿元" for "2020年用专利贷到了多少钱" (0.1 and 0.3 give the same calibration figures; 0.1
# loses that question when the total's phrase shares one more word, 专利)
YEAR_TIE = 0.3
# A sentence giving a unit a duty: 负责 but not 负责人 (a person), 职能 ("发挥市场监督管理局在各镇的管理职能").
_DUTY = re.compile(r"负责(?!人)|牵头|主管|承担|归口|设在|职责|职能|组织实施")
_DEADLINE = re.compile(r"到|前|底|末|截至|截止|之日起|内")
_DATE_LEAD = re.compile(r"^(?:到|至|截至|截止|在|于)?(?:19|20)\d\d年")
_TRIM = "，,；;：:、"
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
# A quantity asked per occasion or per head ("每次能有多少家", "每场多少人", "每人能领多少"); a per-year or
# per-capita measure (每年, 每万人口) is not one of these. The figure's sentence must say it per the same (每次,
# 人均, 元/人).
_PER_ASKED = re.compile(r"每(次|场|期|届|批|人|户)(?=[^,，。?？]{0,12}(?:多少|几))")
_PHONE = re.compile(r"(?<!\d)(?:\d{3,4}-\d{7,8}|1\d{10}|\d{5,8})(?!\d)(?!年)")
_YEARLIKE = re.compile(r"^(?:19|20)\d\d(?:年)?$")


def _focus(ctx, clause) -> list[str]:
    """The question terms a clause's title and heading path do not already hold. Those are shared by every
    sentence of the clause, so they cannot tell its sentences apart ("邹城市…工作专班的办公室设在哪里": the
    title holds 邹城市 and 强县建设; the sentence must hold 办公室 and 设在)."""
    doc = ctx.index.document(clause.doc_id)
    context = fold(f"{doc.meta.title} {doc.meta.short_title} {clause.path_text}").text
    return [t for t in ctx.terms if t not in context] or ctx.terms


def _name(ctx, doc_id: str) -> str:
    """The document's short name, as an answer line opens: 《name》：…"""
    meta = ctx.index.document(doc_id).meta
    return display_title(doc_id, meta.title, meta.short_title)


def _score(ctx, focus: list[str], text: str) -> float:
    folded = fold(text).text
    # relatives count too: "含金量高的发明专利" picks the figure of 高价值发明专利, as the gate let the clause in
    return overlap(focus, folded, score=presence) + 0.25 * overlap(ctx.terms, folded, score=presence)


# Composers mark citations with control characters that no display text holds; ``answer.renumber`` turns them
# into [1], [2] in reading order. A quote may itself contain "[2019]" (国发[2019]8号), which is not a citation.
MARK = re.compile("\x02(\\d+)\x03")


def _refs(numbers) -> str:
    return "".join(f"\x02{n}\x03" for n in dict.fromkeys(numbers))


def _cite_span(ctx, clause, span: Span) -> int | None:
    """Cite a span given in clause-text coordinates (trimmed of dangling commas), or None if unquotable."""
    start, end = clause.start + span.start, clause.start + span.end
    while end > start and clause.text[end - clause.start - 1] in _TRIM:
        end -= 1
    cut = quote_span(clause, start, end)
    return ctx.cite(clause, *cut) if cut else None


def _line(ctx, clause, span: Span) -> str | None:
    n = _cite_span(ctx, clause, span)
    if n is None:
        return None
    quote = display(ctx.citations[n - 1].quote)
    return f"《{_name(ctx, clause.doc_id)}》：{quote}{_refs([n])}"


def quote_line(ctx, clause, start: int, end: int) -> str | None:
    """An answer line quoting ``clause.text[start:end]`` (clause-text coordinates), or None if unquotable."""
    return _line(ctx, clause, Span(start, end, clause.text[start:end]))


def _join(text: str, a: Span, b: Span) -> Span:
    start, end = min(a.start, b.start), max(a.end, b.end)
    return Span(start, end, text[start:end], max(a.score, b.score))


def _sentence_of(sents: list[Span], span: Span) -> Span:
    return next((s for s in sents if s.start <= span.start < s.end), span)


def _narrow(text: str, sent: Span, terms: list[str], blocked) -> Span:
    """A long sentence cut to its best phrase and one neighbour each side."""
    if len(sent.text) <= LONG_SENTENCE:
        return sent
    inner = [p for p in phrases(text, blocked) if sent.start <= p.start < sent.end]
    if not inner:
        return sent
    best = max(range(len(inner)), key=lambda i: overlap(terms, fold(inner[i].text).text))
    return _join(text, inner[max(best - 1, 0)], inner[min(best + 1, len(inner) - 1)])


def _marked_lines(ctx, relevant, finder, extend, bonus, measure_only: bool = False) -> list[str]:
    """Lines for the phrases holding a figure or date (``finder``), scored by term overlap with the phrase and
    its sentence, plus ``bonus``; the best per clause, the best ``MAX_LINES`` overall. With ``measure_only`` the
    phrase is scored on the question's words other than years: a year pins the sentence, the measure words pick
    the figure ("到2025年…有效发明专利达到3300件…每万人口高价值发明专利达到3.6件": 高价值 picks 3.6件)."""
    cands = []
    asked_years = set(find_years(ctx.question))
    per = next(iter(_PER_ASKED.findall(ctx.question)), "")  # "每次…多少": a figure per session is asked
    for rank, (hit, _cov) in enumerate(relevant[:MAX_CLAUSES]):
        clause, blocked = hit.clause, hit.clause.spam_spans(relative=True)
        sents, phrs = sentences(clause.text, blocked), phrases(clause.text, blocked)
        focus, best = _focus(ctx, clause), None
        for i, p in enumerate(phrs):
            found = finder(p.text)
            if not found:
                continue
            sent = _sentence_of(sents, p)
            if not _score(ctx, focus, sent.text):
                continue  # a figure in a sentence that shares nothing with the question answers nothing
            if measure_only and ctx.measure and presence(ctx.measure, fold(sent.text).text) < 0.5:
                continue  # "多少官费": a figure in a sentence that never names 官费 is the figure of something else
            if measure_only and per and not re.search(rf"每{per}|{per}均|/{per}", fold(sent.text).text):
                continue  # "每次能有多少家企业参加": a yearly count ("每年至少培育1家") is not one per session
            if measure_only and asked_years and (said := years_in(fold(sent.text).text)) and not said & asked_years:
                continue  # "到2025年…多少件" is not answered by "到2026年年底…达到1400件": that is another year's figure
            span = extend(clause.text, phrs, i, sent)
            if measure_only:  # the figure's own phrase: a date phrase joined to it must not score for it
                terms = [t for t in focus if not _YEARLIKE.match(t)] or focus
                score = _score(ctx, terms, p.text) + MEASURE_BIGRAM * measure_bigrams(ctx.question, p.text)
                # of figures of the same measure, the one whose own phrase names the year asked ("其中2020年…1亿元"
                # beside the five-year total "总额达4.2亿元")
                if asked_years & years_in(p.text):
                    score += YEAR_TIE
            else:
                score = _score(ctx, focus, span.text)
            score += 0.5 * _score(ctx, focus, sent.text) + bonus(found)
            score -= 0.05 * rank
            if best is None or score > best[0]:
                best = (score, span)
        if best:
            cands.append((best[0], clause, best[1]))
    cands.sort(key=lambda c: -c[0])
    return [line for _, clause, span in cands[:MAX_LINES] if (line := _line(ctx, clause, span))]


def number_lines(ctx, relevant) -> list[str]:
    """The figures with units (and years) from the matching clauses, in the phrase that holds each. When the
    question says which unit it wants ("多少件", "多少钱"), only figures in that unit are answers: a figure in
    another unit answers another question, and none at all means the clauses do not give it."""
    hints = [ctx.unit] if ctx.unit else []  # ipqa.answer.analysis.unit_asked
    counted = counted_thing(ctx.question)  # "几个省": 四省, written in words

    def finder(text: str) -> list[Span]:
        if hints == ["号码"]:
            return [Span(m.start(), m.end(), m.group()) for m in _PHONE.finditer(text)]
        found = figures(text)
        found = [f for f in found if any(unit_fits(unit_of(f.text), h) for h in hints)] if hints else found
        if counted:
            folded = fold(text)
            found += [folded.span(text, m.start(), m.end()) for m in counted.finditer(folded.text)]
        return found

    def bonus(found: list[Span]) -> float:
        return 0.0

    def extend(text, phrs, i, sent):
        # "到2026年年底，…金额每年不低于2亿元": keep the date phrase that leads the figure's phrase.
        if (
            i
            and phrs[i - 1].start >= sent.start
            and _DATE_LEAD.match(fold(phrs[i - 1].text).text)
            and len(phrs[i - 1].text) <= 16
        ):
            return _join(text, phrs[i - 1], phrs[i])
        return phrs[i]

    return _marked_lines(ctx, relevant, finder, extend, bonus, measure_only=True)


def when_lines(ctx, relevant) -> list[str]:
    """Dates and deadlines from the matching clauses, with what is due when the date phrase stands alone."""

    def bonus(found: list[Span]) -> float:
        return 0.2 if any(_DEADLINE.search(f.text) for f in found) else 0.0

    def extend(text, phrs, i, sent):
        if len(fold(phrs[i].text).text) <= 12 and i + 1 < len(phrs) and phrs[i + 1].start < sent.end:
            return _join(text, phrs[i], phrs[i + 1])
        return phrs[i]

    return _marked_lines(ctx, relevant, dates, extend, bonus)


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
        focus = [t for t in _focus(ctx, clause) if t not in negated] or _focus(ctx, clause)

        def fit(sent: Span, focus=focus) -> float:
            rest = REST_BONUS if negated and _THE_REST.search(sent.text) else 0.0
            return _score(ctx, focus, sent.text) + rest

        ranked = sorted(sentences(clause.text, blocked), key=lambda s: -fit(s))
        for sent in ranked[:2]:
            score = fit(sent)
            if score > 0:
                span = _narrow(clause.text, sent, focus, blocked)
                cands.append((score + 0.3 * cov - 0.03 * rank, clause, span))
    cands.sort(key=lambda c: -c[0])
    return [line for _, clause, span in cands[:MAX_LINES] if (line := _line(ctx, clause, span))]


def list_lines(ctx, relevant) -> list[str]:
    """One line per document for "which documents / places say X": each document's best-matching sentence,
    documents in the order of their best clause, at most ``MAX_DOCUMENTS``."""
    best: dict[str, tuple] = {}
    for rank, (hit, cov) in enumerate(relevant):
        if hit.clause.doc_id in best:
            continue
        clause, blocked = hit.clause, hit.clause.spam_spans(relative=True)
        focus = _focus(ctx, clause)
        ranked = sorted(sentences(clause.text, blocked), key=lambda s: -_score(ctx, focus, s.text))
        if ranked and _score(ctx, focus, ranked[0].text) > 0:
            best[clause.doc_id] = (clause, _narrow(clause.text, ranked[0], focus, blocked))
        if len(best) == MAX_DOCUMENTS:
            break
    return [line for clause, span in best.values() if (line := _line(ctx, clause, span))]


def _unit_span(ctx, clause, blocked) -> Span | None:
    """The quote for a clause's units: from the sentence that best matches the question to the sentence naming
    the first unit (often the trailing "（省市场监管局负责）"), or just the naming sentence when that span is long
    or the naming sentence matches about as well. None when the best match comes *after* the unit's sentence:
    a "（…负责）" covers the task before it, not a note that follows ("上述各项任务分工中…")."""
    sents = sentences(clause.text, blocked)
    if not sents:
        return None
    focus = _focus(ctx, clause)
    best = max(sents, key=lambda s: _score(ctx, focus, s.text))
    unit = fold((clause.departments.lead or clause.departments.support)[0]).text
    naming = next((s for s in sents if unit in fold(s.text).text), None)
    if naming is None:
        return best
    if best.start >= naming.end:
        return None
    joined = _join(clause.text, best, naming)
    if len(joined.text) > LONG_SENTENCE * 1.5 or _score(ctx, focus, naming.text) >= _score(ctx, focus, best.text):
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
            n = _cite_span(ctx, clause, span)
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
        if duties and (line := _line(ctx, clause, duties[0])):
            duty.append(line)
            duty_docs.add(clause.doc_id)
        elif clause.doc_id not in named:
            best = rank_spans(sentences(clause.text, blocked), ctx.terms)[:1]
            n = _cite_span(ctx, clause, best[0]) if best else None
            if n is not None:
                unnamed.setdefault(clause.doc_id, []).append(n)
    ctx.typed = bool(named or duty)
    if not named and not duty:
        # No matching clause names a unit: say so, citing the best sentences rather than guessing one.
        lines = fact_lines(ctx, relevant)
        refs = _refs(int(m) for line in lines for m in MARK.findall(line))
        return lines + [f"{NONE_NAMED}{refs}。"] if lines else []
    lines = []
    for doc_id, groups in named.items():
        parts = "；".join(
            _units_text(deps, [ctx.citations[n - 1].quote for n in ns]) + _refs(ns) for deps, ns in groups.items()
        )
        lines.append(f"《{_name(ctx, doc_id)}》：{parts}。")
    lines.extend(duty)
    for doc_id, ns in [(d, ns) for d, ns in unnamed.items() if d not in named and d not in duty_docs][:MAX_UNNAMED]:
        lines.append(f"《{_name(ctx, doc_id)}》{NO_UNIT_NAMED}{_refs(ns)}。")
    return lines


COMPOSERS: dict[QuestionKind, Callable] = {
    "who": who_lines,
    "number": number_lines,
    "when": when_lines,
    "fact": fact_lines,
    "list": list_lines,
}
