"""Grounded answers: question kind → the matching clauses → an answer assembled only from clause text (and unit
names the clause splitter extracted from clause text), every line ending in numbered citations [1], [2] that
index into ``Answer.citations``.

The question is analysed first (ipqa.answer.analysis): a place the corpus has no document for is refused with
that reason, a place it has narrows the search to its documents, a question about a document's own fields is
answered from them (ipqa.answer.metadata). A weak match is not stretched into an answer: the best hit must cover
enough of the question's topic (ipqa.answer.gate), else the answer says so and the closest clauses stay in
``Answer.hits``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ipqa.answer import compose, constraints, documents, gate, typos
from ipqa.answer.analysis import analyse
from ipqa.answer.cues import MOMENT_MISSING, MOMENTS, cue_words
from ipqa.answer.lines import line_quote
from ipqa.answer.metadata import asked_document, basis_span, cited_document, metadata_answer, names_a_task_document
from ipqa.answer.spans import fold
from ipqa.records import Answer, Filters, Hit
from ipqa.text import normalise

log = logging.getLogger(__name__)

NOT_FOUND = "语料中没有找到能回答该问题的条款。"
LIST_DEPTH = 30
_A_YEAR = re.compile(
    r"(?<!\d)(?:19|20)\d\d(?!\d)"
)  # clauses a list question ("哪些地方有…") reads, for one line per document


def query_terms(question: str) -> list[str]:
    """The question's search words (same tokenizer as the index, words only), folded, without duplicates and
    without one-character words other than numbers (they match almost any clause)."""
    from ipqa.retrieval.tokens import tokenize

    seen: list[str] = []
    for word in tokenize(question, mode="words"):
        term = fold(word).text
        if (len(term) > 1 or term.isdigit()) and term not in seen:
            seen.append(term)
    return seen


def unglue(terms: list[str], texts: list[str]) -> list[str]:
    """Terms the segmenter glued to a one-character stopword ("融资额是多少" → 额是) lose it when no retrieved
    text holds the glued form; what is left must still be a word of two or more characters."""
    from ipqa.retrieval.tokens import stopwords

    single = {w for w in stopwords() if len(w) == 1}
    out: list[str] = []
    for term in terms:
        if not any(term in text for text in texts):
            while len(term) > 1 and term[-1] in single:
                term = term[:-1]
            while len(term) > 1 and term[0] in single:
                term = term[1:]
        if (len(term) > 1 or term.isdigit()) and term not in out:
            out.append(term)
    return out


def join_phrases(terms: list[str], question: str) -> list[str]:
    """Terms the segmenter cut out of one thesaurus phrase ("智慧|财产权", "代为|打理") joined back into it: the
    phrase as a whole reaches the words the corpus uses (智慧财产权 → 知识产权), its pieces do not."""
    folded = fold(question).text
    for head in _thesaurus_phrases():
        if head in terms or head not in folded:
            continue
        pieces = [t for t in terms if t in head]
        if len(pieces) >= 2 and "".join(pieces) == head:
            at = terms.index(pieces[0])
            terms = [t for t in terms if t not in pieces]
            terms.insert(min(at, len(terms)), head)
    return terms


@lru_cache(maxsize=1)
def _thesaurus_phrases() -> tuple[str, ...]:
    """The thesaurus heads of three or more characters, longest first (the thesaurus never changes)."""
    from ipqa.retrieval.expansion import load_thesaurus

    return tuple(sorted((h for h in load_thesaurus() if len(h) >= 3), key=len, reverse=True))


def topic_words(terms: list[str], analysis) -> list[str]:
    """The words that say what the question is about: its terms without cue words and the places it names."""
    return gate.topic_of(terms, cue_words() | constraints.place_words(analysis))


@dataclass
class Context:
    """What the composers share: the index, the question's terms and the citations collected so far."""

    index: object
    question: str  # normalised
    terms: list[str]
    citations: list = field(default_factory=list)
    unit: str = ""  # the unit family a number question asks for (ipqa.answer.analysis.unit_asked)
    measure: str = ""  # what a number question asks the quantity of (ipqa.answer.analysis.measure_asked)
    typed: bool = True  # whether the composer found what the kind asks for (a who answer: a named unit)
    _seen: dict = field(default_factory=dict)

    def cite(self, clause, start: int, end: int) -> int:
        """Number of the citation for this quote, adding it the first time (1-based)."""
        from ipqa.answer.citations import citation_for

        key = (clause.clause_id, start, end)
        if key not in self._seen:
            self.citations.append(citation_for(self.index, clause, start, end))
            self._seen[key] = len(self.citations)
        return self._seen[key]


def _match_text(index, hit: Hit) -> str:
    doc = index.document(hit.clause.doc_id)
    return fold(f"{doc.meta.title} {doc.meta.short_title} {hit.clause.path_text} {hit.clause.clean_text}").text


def ask(
    index,
    question: str,
    k: int = 10,
    filters: Filters | None = None,
    min_relevance: float | None = None,
    probe: dict | None = None,
) -> Answer:
    """Answer ``question`` from the clauses ``index.search`` finds: extractive, every line cited; when nothing
    relevant is found, ``answered=False``, the reason, and the closest clauses in ``hits``. ``min_relevance``
    overrides the gate's threshold and ``probe`` receives the best topic coverage: both for calibration
    (benchmarks/calibrate_gate.py). A homophone slip ("抵压" for 抵押) is read as the word meant, and the answer's
    confidence line says so (ipqa.answer.typos)."""
    lexical = gate.keyword_retriever(index)
    corrected, fixes = typos.correct(lexical, question) if lexical is not None else (question, [])
    answer = _answer(index, corrected, k, filters, min_relevance, probe)
    if not fixes:
        return answer
    return replace(answer, question=question, confidence=typos.note(fixes) + answer.confidence)


def _answer(index, question: str, k, filters, min_relevance, probe) -> Answer:
    analysis = analyse(question, constraints.corpus_places(index))
    kind = analysis.kind
    missing = ""
    if any(p not in constraints.corpus_places(index) for p in analysis.places):
        result = index.search(question, k=k, filters=filters)
        missing = constraints.missing_places(index, analysis, result.hits)
    if missing:
        why = f"语料中没有{missing}的文件。"
        return Answer(question, kind, why, hits=result.hits, answered=False, notes=tuple(result.notes), confidence=why)
    narrowed, constrained = constraints.narrow(index, analysis, filters)
    # a list question reads deeper, so that the clauses of more than one document come up
    depth = max(k, LIST_DEPTH) if kind == "list" else k
    result = index.search(question, k=depth, filters=narrowed)
    if narrowed is not filters and not result.hits:
        result, constrained = index.search(question, k=depth, filters=filters), ""
    shown = result.hits[:k]  # the closest clauses an answer or a refusal shows
    notes = tuple(result.notes)
    terms = query_terms(question)
    if result.message or not result.hits:
        # an unsearchable question gets the search's reason; a searchable one that matched nothing, NOT_FOUND
        text = NOT_FOUND if terms or not result.message else result.message
        return Answer(question, kind, text, hits=shown, answered=False, notes=notes, confidence=text)
    # "那个资金管理办法由哪个部门印发": the unit charged with making it (or the day), from the clause that says so;
    # the answer must then name a unit (a day), not fall back to the clause's other words
    task_document = kind == "metadata" and names_a_task_document(index, analysis, result)
    if task_document:
        kind = "who" if analysis.field == "issuer" else "when"
        analysis = replace(analysis, kind=kind, field="", moment="" if kind == "who" else "day")
    cited = kind == "metadata" and cited_document(index, analysis, result)
    if cited:
        confidence = "把握中等：所问的是条款引用的文件，语料中没有它的全文；其发文年份和发文机关代字见文号。"
        return quoted_answer(index, analysis, cited, shown, notes, confidence)
    absent, mentioned = documents.missing_document(index, question, result.hits, constraints.corpus_places(index))
    if absent and not task_document and not (mentioned and kind in ("who", "when", "metadata")):
        # "南通市十四五知识产权发展规划里…" over the 海门区 plan: its clauses answer for another document. Who is to make
        # a document a clause names ("研究制定《…办法》"), or its years or number, are the citing clause's to answer.
        why = f"语料中没有《{absent}》的全文，只有提到它的条款。" if mentioned else f"语料中没有《{absent}》这份文件。"
        return Answer(question, kind, why, hits=shown, answered=False, notes=notes, confidence=why)
    if kind == "metadata" and analysis.field == "basis":
        basis = basis_span(index, asked_document(index, analysis, result))
        confidence = "把握较大：制定依据取自该文件开头说明依据的句子。"
        return quoted_answer(index, analysis, basis, shown, notes, confidence)
    if kind == "metadata":
        return metadata_answer(index, analysis, result, notes)
    if analysis.person:
        why = "政策文件写明的是责任单位和职务，没有写明具体人员。"
        return Answer(question, kind, NOT_FOUND, hits=shown, answered=False, notes=notes, confidence=why)
    texts = [_match_text(index, hit) for hit in result.hits]
    terms = join_phrases(unglue(terms, texts) or terms, normalise(question))
    # a question of cue words alone ("谁负责？", "有哪些措施？") names no subject: nothing can be said to answer it
    topic = gate.weigh(index, topic_words(terms, analysis), bool(constrained), analysis.years)
    scored = [
        (hit, 0.0 if constraints.ruled_out(index, analysis, hit) else topic.coverage(text))
        for hit, text in zip(result.hits, texts)
    ]
    best = max(s for _, s in scored)
    log.info(
        "ask %r: kind %s, %d hits, best topic coverage %.2f, unknown %.2f",
        question,
        kind,
        len(scored),
        best,
        topic.unknown_share,
    )
    if min_relevance is None:
        min_relevance = gate.threshold(bool(constrained))
    if probe is not None:
        unknown = gate.unknown_topic(topic, bool(constrained), best)
        probe.update(coverage=best, narrowed=bool(constrained), unknown=unknown)
    if gate.unknown_topic(topic, bool(constrained), best) and not probe_all(probe):
        why = "问题的主要词语在语料中都没有出现"
        return Answer(question, kind, NOT_FOUND, hits=shown, answered=False, notes=notes, confidence=why + "。")
    if best < min_relevance:
        why = "最接近的条款与问题所问的内容不符"
        return Answer(question, kind, NOT_FOUND, hits=shown, answered=False, notes=notes, confidence=why + "。")
    # a list question wants every document that speaks to it, not only those as close as the best
    cut = max(min_relevance, best * (gate.LIST_RELATIVE if kind == "list" else gate.RELATIVE))
    # best coverage first; search order breaks ties (sorted() is stable)
    relevant = sorted(((hit, s) for hit, s in scored if s >= cut), key=lambda pair: -pair[1])
    ctx = Context(index, normalise(question), terms, unit=analysis.unit, measure=analysis.measure)
    lines = compose.COMPOSERS[kind](ctx, relevant)
    if lines:
        lines += compose.other_parts(ctx, kind, relevant, lines)
    if not lines and kind == "number" and (analysis.unit or analysis.quantity):
        # the figure in the unit asked may stand in a clause that passed the gate but not the relative cut
        wider = sorted(((hit, s) for hit, s in scored if s >= min_relevance), key=lambda pair: -pair[1])
        lines = compose.COMPOSERS[kind](ctx, wider) if len(wider) > len(relevant) else []
    if lines and not ctx.typed and (best < gate.MIN_UNTYPED or task_document):
        # a weak match that does not even hold what was asked for (no unit named for 谁负责) is no answer
        why = "相关条款没有写明所问的责任单位" if kind == "who" else "最接近的条款与问题所问的内容不符"
        return Answer(question, kind, NOT_FOUND, hits=shown, answered=False, notes=notes, confidence=why + "。")
    if not lines and kind == "number" and (analysis.unit or analysis.quantity):
        why = "相关条款没有给出所问的数字"
        return Answer(question, kind, NOT_FOUND, hits=shown, answered=False, notes=notes, confidence=why + "。")
    if not lines and kind != "fact":  # e.g. a "number" question whose clauses hold no figure
        lines = compose.COMPOSERS["fact"](ctx, relevant)
        if kind == "when" and not any(_A_YEAR.search(line_quote(line)) for line in lines):
            # "计划哪一年建成" over the clause that only says to speed the building up: no date, no answer; a year
            # in a name ("剑网 2020") is one the date finder leaves out
            why = MOMENT_MISSING["day"]
            return Answer(question, kind, NOT_FOUND, hits=shown, answered=False, notes=notes, confidence=why + "。")
    said = [fold(compose.MARK.sub("", line)).text for line in lines]
    if lines and analysis.moment and not any(MOMENTS[analysis.moment].search(line) for line in said):
        # "几点上班" answered by the clause that sets the office up: the hour asked for is not in it
        why = MOMENT_MISSING[analysis.moment]
        return Answer(question, kind, NOT_FOUND, hits=shown, answered=False, notes=notes, confidence=why + "。")
    if lines and analysis.names_of and not constraints.names_given(index, lines, analysis):
        # "具体是哪几个县" answered by "培育1—2个…示范县(区)": the clauses count them and name none
        why = "相关条款没有列出具体名称"
        return Answer(question, kind, NOT_FOUND, hits=shown, answered=False, notes=notes, confidence=why + "。")
    if not lines:
        return Answer(
            question,
            kind,
            NOT_FOUND,
            hits=shown,
            answered=False,
            notes=notes,
            confidence="相关条款中没有可引用的答案句。",
        )
    text, citations = renumber("\n".join(lines), ctx.citations)
    confidence = gate.confidence_line(best, len({h.clause.doc_id for h, _ in relevant}) > 1, constrained)
    return Answer(question, kind, text, citations, shown, True, notes, confidence)


def quoted_answer(index, analysis, quoted, shown: list[Hit], notes: tuple[str, ...], confidence: str) -> Answer:
    """An answer quoting one span ``(clause, start, end)`` of a clause: the number of a document a clause cites
    (国发〔2017〕37号: the corpus holds nothing else of that document), or the sentence a document names what it was
    drawn up on."""
    ctx = Context(index, normalise(analysis.question), query_terms(analysis.question))
    line = compose.quote_line(ctx, *quoted) if quoted else None
    if not line:
        why = "相关条款中没有可引用的答案句。"
        return Answer(
            analysis.question, analysis.kind, NOT_FOUND, hits=shown, answered=False, notes=notes, confidence=why
        )
    text, citations = renumber(line, ctx.citations)
    return Answer(analysis.question, analysis.kind, text, citations, shown, True, notes, confidence)


def probe_all(probe: dict | None) -> bool:
    """A calibration run sees every question through to the threshold (see benchmarks/calibrate_gate.py)."""
    return probe is not None and probe.get("all", False)


def renumber(text: str, citations: list) -> tuple[str, tuple]:
    """Citation markers numbered in reading order ([1] first), and only the citations the text uses."""
    order: dict[int, int] = {}
    for m in compose.MARK.finditer(text):
        order.setdefault(int(m.group(1)), len(order) + 1)
    text = compose.MARK.sub(lambda m: f"[{order[int(m.group(1))]}]", text)
    return text, tuple(citations[old - 1] for old in sorted(order, key=order.get))
