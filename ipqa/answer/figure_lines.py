"""Answer lines that give a figure (number questions) or a date (when questions): the phrase holding it, from
the sentence that best matches the question, in the unit, year and measure asked."""

from __future__ import annotations

import re

from ipqa.answer.analysis import QUANTITY_ASKED, find_years, last_years, years_in
from ipqa.answer.gate import presence
from ipqa.answer.lines import MAX_CLAUSES, MAX_LINES, focus_terms, join_spans, sentence_of, span_line, term_fit
from ipqa.answer.measures import MEASURE_BIGRAM, counted_thing, measure_bigrams, per_units
from ipqa.answer.spans import Span, dates, figures, fold, phrases, sentences, unit_fits, unit_of

# The year asked, named in a figure's own phrase, weighs as about one measure word: "其中2020年…质押融资额1亿元" over
# "专利权质押融资总额达4.2亿元" for "2020年用专利贷到了多少钱" (0.1 and 0.3 give the same calibration figures; 0.1
# loses that question when the total's phrase shares one more word, 专利)
YEAR_TIE = 0.3
_DEADLINE = re.compile(r"到|前|底|末|截至|截止|之日起|内")
_DATE_LEAD = re.compile(r"^(?:到|至|截至|截止|在|于)?(?:19|20)\d\d年")
# A quantity asked per occasion or per head ("每次能有多少家", "每场多少人", "每人能领多少"); a per-year or
# per-capita measure (每年, 每万人口) is not one of these. The figure's sentence must say it per the same (每次,
# 人均, 元/人).
_PER_ASKED = re.compile(r"每(次|场|期|届|批|人|户)(?=[^,，。?？]{0,12}(?:多少|几))")
_PHONE = re.compile(r"(?<!\d)(?:\d{3,4}-\d{7,8}|1\d{10}|\d{5,8})(?!\d)(?!年)")
_YEARLIKE = re.compile(r"^(?:19|20)\d\d(?:年)?$")
# A number the question states itself ("十三五末才25件，到十四五末想涨到多少件"): the asker has it, so the figure asked
# is another one. Years are no such figure.
_STATED = re.compile(r"(?<![\d.])(?!(?:19|20)\d\d(?![\d.]))(\d+(?:\.\d+)?)(?![\d.])(?!\s*年)")


def stated_figures(question: str) -> set[float]:
    """The numbers a question states, other than years."""
    return {float(m.group(1)) for m in _STATED.finditer(fold(question).text)}


def _without_stated(question: str, stated) -> str:
    """The question without the phrases that state its own figures: "十三五末…才25件" says when the asker's figure
    was, and the years asked are the others ("到十四五末想涨到多少件")."""
    if not stated:
        return question
    parts = re.split(r"([,，。;；])", question)
    return "".join(p for p in parts if not any(v in stated for v in stated_figures(p)))


def _value(figure: str) -> float | None:
    m = _STATED.search(fold(figure).text)
    return float(m.group(1)) if m else None


def _marked_lines(ctx, relevant, finder, extend, bonus, measure_only: bool = False, stated=frozenset()) -> list[str]:
    """Lines for the phrases holding a figure or date (``finder``), scored by term overlap with the phrase and
    its sentence, plus ``bonus``; the best per clause, the best ``MAX_LINES`` overall. With ``measure_only`` the
    phrase is scored on the question's words other than years: a year pins the sentence, the measure words pick
    the figure ("到2025年…有效发明专利达到3300件…每万人口高价值发明专利达到3.6件": 高价值 picks 3.6件). A sentence
    holding a figure the question ``stated`` is where the asker read it: its figures are the asker's (the baseline
    "马德里国际注册商标量25件" beside "商标注册量15371件"), and the one asked is elsewhere."""
    cands = []
    asked_years = set(find_years(_without_stated(ctx.question, stated)))
    per = next(iter(_PER_ASKED.findall(ctx.question)), "")  # "每次…多少": a figure per session is asked
    per_asked = per_units(ctx.question)  # "每万人口…", "每十亿元GDP…": what a per-unit measure asked is per
    for rank, (hit, _cov) in enumerate(relevant[:MAX_CLAUSES]):
        clause, blocked = hit.clause, hit.clause.spam_spans(relative=True)
        sents, phrs = sentences(clause.text, blocked), phrases(clause.text, blocked)
        focus, best = focus_terms(ctx, clause), None
        for i, p in enumerate(phrs):
            found = finder(p.text)
            if not found:
                continue
            sent = sentence_of(sents, p)
            if not term_fit(ctx, focus, sent.text):
                continue  # a figure in a sentence that shares nothing with the question answers nothing
            if stated and any(_value(f.text) in stated for f in figures(sent.text)):
                continue
            if measure_only and ctx.measure and presence(ctx.measure, fold(sent.text).text) < 0.5:
                continue  # "多少官费": a figure in a sentence that never names 官费 is the figure of something else
            if measure_only and per and not re.search(rf"每{per}|{per}均|/{per}", fold(sent.text).text):
                continue  # "每次能有多少家企业参加": a yearly count ("每年至少培育1家") is not one per session
            if measure_only and asked_years and (said := years_in(fold(sent.text).text)) and not said & asked_years:
                continue  # "到2025年…多少件" is not answered by "到2026年年底…达到1400件": that is another year's figure
            span = extend(clause.text, phrs, i, sent)
            governing = last_years(fold(clause.text[: span.end]).text)
            if measure_only and asked_years and governing and not governing & asked_years:
                continue  # "“十四五”期间…，到2025年年末…3300件" is 2025's figure, not 2021's, though the period spans both
            if measure_only and per_asked and per_units(p.text) != per_asked:
                continue  # "每万人口…多少件" is not the total "有效发明专利达到3300件"; nor per GDP what is per head
            if measure_only:  # the figure's own phrase: a date phrase joined to it must not score for it
                terms = [t for t in focus if not _YEARLIKE.match(t)] or focus
                score = term_fit(ctx, terms, p.text) + MEASURE_BIGRAM * measure_bigrams(ctx.question, p.text)
                # of figures of the same measure, the one whose own phrase names the year asked ("其中2020年…1亿元"
                # beside the five-year total "总额达4.2亿元")
                if asked_years & years_in(p.text):
                    score += YEAR_TIE
            else:
                score = term_fit(ctx, focus, span.text)
            score += 0.5 * term_fit(ctx, focus, sent.text) + bonus(found)
            score -= 0.05 * rank
            if best is None or score > best[0]:
                best = (score, span)
        if best:
            cands.append((best[0], clause, best[1]))
    cands.sort(key=lambda c: -c[0])
    return [line for _, clause, span in cands[:MAX_LINES] if (line := span_line(ctx, clause, span))]


def number_lines(ctx, relevant) -> list[str]:
    """The figures with units (and years) from the matching clauses, in the phrase that holds each. When the
    question says which unit it wants ("多少件", "多少钱"), only figures in that unit are answers: a figure in
    another unit answers another question, and none at all means the clauses do not give it."""
    hints = [ctx.unit] if ctx.unit else []  # ipqa.answer.analysis.unit_asked
    stated = stated_figures(ctx.question) if QUANTITY_ASKED.search(ctx.question) else set()
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
            return join_spans(text, phrs[i - 1], phrs[i])
        return phrs[i]

    return _marked_lines(ctx, relevant, finder, extend, bonus, measure_only=True, stated=stated)


def when_lines(ctx, relevant) -> list[str]:
    """Dates and deadlines from the matching clauses, with what is due when the date phrase stands alone."""

    def bonus(found: list[Span]) -> float:
        return 0.2 if any(_DEADLINE.search(f.text) for f in found) else 0.0

    def extend(text, phrs, i, sent):
        if len(fold(phrs[i].text).text) <= 12 and i + 1 < len(phrs) and phrs[i + 1].start < sent.end:
            return join_spans(text, phrs[i], phrs[i + 1])
        return phrs[i]

    return _marked_lines(ctx, relevant, dates, extend, bonus)
