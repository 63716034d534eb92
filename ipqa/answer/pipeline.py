"""Grounded answers: question kind → the matching clauses → an answer assembled only from clause text (and unit
names the clause splitter extracted from clause text), every line ending in numbered citations [1], [2] that
index into ``Answer.citations``.

A weak match is not stretched into an answer: the best hit must cover enough of the question's topic terms
(``MIN_RELEVANCE``, calibrated on the seeds with in-domain and off-topic questions, see tests/answer/test_pipeline.py),
else the answer says so and the closest clauses stay in ``Answer.hits``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from ipqa.answer import compose
from ipqa.answer.spans import fold, overlap, term_score
from ipqa.records import Answer, Filters, Hit, QuestionKind
from ipqa.text import normalise

log = logging.getLogger(__name__)

NOT_FOUND = "语料中没有找到能回答该问题的条款。"
# Share of the question's topic terms the best hit must contain (title + clause path + clause text). Measured on
# the seeds (BM25 only): the 16 dev questions reach 0.67–1.0; 15 off-topic ones ("如何申请离婚？", "谁负责城市垃圾
# 分类？", "网购的衣服有质量问题，商家拒绝退货怎么办？") at most 0.5, most under 0.15.
MIN_RELEVANCE = 0.6
ABSENT_WEIGHT = 2.0
# Hits within this fraction of the best hit's coverage take part in the answer.
RELATIVE = 0.75

# Checked in this order: "谁负责…的目标" asks for a unit, "什么时候达到…" for a date.
_KIND_CUES: tuple[tuple[QuestionKind, re.Pattern], ...] = (
    (
        "who",
        re.compile(
            r"哪个部门|哪些部门|哪一?个?单位|哪些单位|什么部门|什么单位|哪家|哪些机构|哪个机构|牵头单位|牵头部门"
            r"|责任单位|责任部门|主管部门|由谁|谁来|由哪|归口"
        ),
    ),
    (
        "when",
        re.compile(
            r"什么时候|何时|什么时间|哪一年|哪年|截止|截至|期限|时限|多长时间|多久|几年内|日期"
            r"|哪天|几月|何日|起施行"
        ),
    ),
    (
        "number",
        re.compile(
            r"多少|几家|几个|几项|几件|几次|几倍|目标|达到|比例|金额|数额|额度|增长|增幅|百分之"
            r"|占比|规模|上限|下限"
        ),
    ),
)
# A bare 谁 asks for a unit only next to a duty ("谁负责", "…的牵头单位是谁"); "谁可以成为个体工商户" is a fact question.
_WHO_DUTY = re.compile(r"负责|牵头|主管|管理|落实|承担|审批|监管|组织|实施|执行|受理|查处|颁发|批准|管辖|推进|开展")
# Words that say what kind of answer is wanted rather than what it is about; left out of the relevance test.
CUE_WORDS = frozenset(
    {
        "负责",
        "牵头",
        "部门",
        "单位",
        "牵头部门",
        "牵头单位",
        "责任单位",
        "责任部门",
        "主管部门",
        "落实",
        "承担",
        "多少",
        "达到",
        "目标",
        "要求",
        "规定",
        "数量",
        "比例",
        "金额",
        "时间",
        "期限",
        "时候",
        "何时",
        "哪年",
        "措施",
        "政策",
        "办法",
        "哪些",
        "具体",
        "编号",
        "名称",
        "内容",
        "地址",
        "地点",
        "电话",
        # question words the tokenizer keeps
        "怎么办",
        "一年",
        "多久",
        "多长",
        "多长时间",
        "多大",
        "多高",
        "几年",
        "几天",
        "几个月",
        "哪天",
        "哪一年",
        "为什么",
        "为何",
    }
)


def question_kind(question: str) -> QuestionKind:
    """ "who" | "number" | "when" | "fact", by the first cue family the question contains (rule-based):
    who — 谁、哪个部门、牵头单位…; when — 什么时候、期限、到哪年…; number — 多少、目标、达到、比例…; else fact."""
    q = normalise(question)
    if "谁" in q and _WHO_DUTY.search(q):
        return "who"
    for kind, cue in _KIND_CUES:
        if cue.search(q):
            return kind
    return "fact"


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


@dataclass
class Context:
    """What the composers share: the index, the question's terms and the citations collected so far."""

    index: object
    question: str  # normalised
    terms: list[str]
    citations: list = field(default_factory=list)
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


def topic_weights(topic: list[str], texts: list[str]) -> dict[str, float]:
    """Topic terms that no retrieved clause contains weigh ``ABSENT_WEIGHT``: BM25 ranks a clause holding a rare
    term high, so a term missing from every hit is (nearly) absent from the corpus — the mark of a question the
    corpus does not cover ("如何申请离婚？" shares 申请 with IP texts, never 离婚)."""
    return {t: ABSENT_WEIGHT for t in topic if not any(term_score(t, text) > 0 for text in texts)}


def ask(index, question: str, k: int = 10, filters: Filters | None = None) -> Answer:
    """Answer ``question`` from the clauses ``index.search`` finds: extractive, every line cited; when nothing
    relevant is found, ``answered=False`` and the closest clauses in ``hits``."""
    kind = question_kind(question)
    result = index.search(question, k=k, filters=filters)
    notes = tuple(result.notes)
    terms = query_terms(question)
    if result.message or not result.hits:
        # an unsearchable question gets the search's reason; a searchable one that matched nothing, NOT_FOUND
        text = NOT_FOUND if terms or not result.message else result.message
        return Answer(question, kind, text, hits=result.hits, answered=False, notes=notes)
    texts = [_match_text(index, hit) for hit in result.hits]
    terms = unglue(terms, texts) or terms
    # a question of cue words alone ("谁负责？", "有哪些措施？") names no subject: nothing can be said to answer it
    topic = [t for t in terms if t not in CUE_WORDS]
    weights = topic_weights(topic, texts)
    scored = [(hit, overlap(topic, text, weights)) for hit, text in zip(result.hits, texts)]
    best = max(s for _, s in scored)
    log.info("ask %r: kind %s, %d hits, best topic coverage %.2f", question, kind, len(scored), best)
    if best < MIN_RELEVANCE:
        return Answer(question, kind, NOT_FOUND, hits=result.hits, answered=False, notes=notes)
    cut = max(MIN_RELEVANCE, best * RELATIVE)
    # best coverage first; search order breaks ties (sorted() is stable)
    relevant = sorted(((hit, s) for hit, s in scored if s >= cut), key=lambda pair: -pair[1])
    ctx = Context(index, normalise(question), terms)
    lines = compose.COMPOSERS[kind](ctx, relevant)
    if not lines and kind != "fact":  # e.g. a "number" question whose clauses hold no figure
        lines = compose.COMPOSERS["fact"](ctx, relevant)
    if not lines:
        return Answer(question, kind, NOT_FOUND, hits=result.hits, answered=False, notes=notes)
    text, citations = renumber("\n".join(lines), ctx.citations)
    return Answer(question, kind, text, citations, result.hits, True, notes)


def renumber(text: str, citations: list) -> tuple[str, tuple]:
    """Citation markers numbered in reading order ([1] first), and only the citations the text uses."""
    order: dict[int, int] = {}
    for m in compose.MARK.finditer(text):
        order.setdefault(int(m.group(1)), len(order) + 1)
    text = compose.MARK.sub(lambda m: f"[{order[int(m.group(1))]}]", text)
    return text, tuple(citations[old - 1] for old in sorted(order, key=order.get))
