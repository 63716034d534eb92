"""The decision to answer: does the best clause found speak to what the question is about?

The question's topic is its search words minus the words that only frame a question (谁、多少、负责、部门…) and
everyday words that say who asks or how (我们、一家、打算、想、有没有、这方面…, ``ipqa/data/colloquial.txt``).
A topic word counts as present in a clause when the clause holds it, most of its character bigrams (compounds are
cut differently: 贯标认证 vs 贯标…认证), or a term the IP thesaurus links it to (贷款 → 质押融资): everyday
wording reaches the documents' wording the same way the search does. Words no retrieved clause holds in any
form weigh double: a word missing from every hit is nearly absent from the corpus, the mark of a question it does
not cover. The threshold was fitted on the calibration questions (eval/everyday_calib.jsonl, the seed_dev set,
off-topic questions), never on the questions reported (benchmarks/calibrate_gate.py).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from ipqa.answer.spans import fold, term_score
from ipqa.retrieval.expansion import load_thesaurus

# Fitted by benchmarks/calibrate_gate.py; see the module docstring.
MIN_RELEVANCE = 0.6
ABSENT_WEIGHT = 2.0
RELATIVE = 0.75  # hits within this fraction of the best hit's coverage take part in the answer


@lru_cache(maxsize=1)
def colloquial_words() -> frozenset[str]:
    text = (resources.files("ipqa") / "data" / "colloquial.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() for w in line.split("#", 1)[0].split())


def _related(term: str) -> tuple[str, ...]:
    thesaurus = load_thesaurus()
    related = set(thesaurus.get(term, ()))
    # a compound holding a thesaurus term ("专利贷款" holds 贷款) reaches what that term reaches
    for head, others in thesaurus.items():
        if len(head) >= 2 and head != term and head in term:
            related.update(others)
    return tuple(fold(r).text for r in related)


def presence(term: str, folded: str) -> float:
    """How much of ``term`` a folded text holds: the term itself (or most of its bigrams), else a related term."""
    own = term_score(term, folded)
    if own >= 1.0:
        return own
    related = max((term_score(r, folded) for r in _related(term)), default=0.0)
    return max(own, 0.6 * related)


def topic_of(terms: list[str], frame_words: frozenset[str]) -> list[str]:
    everyday = colloquial_words()
    return [t for t in terms if t not in frame_words and t not in everyday]


def coverage(topic: list[str], folded: str, absent: frozenset[str] = frozenset()) -> float:
    """Weighted share of the topic present in a folded text; years weigh double (they pin what is asked)."""
    if not topic:
        return 0.0
    weights = [ABSENT_WEIGHT if t in absent else 2.0 if t.isdigit() and len(t) == 4 else 1.0 for t in topic]
    return sum(w * presence(t, folded) for t, w in zip(topic, weights)) / sum(weights)


def absent_terms(topic: list[str], texts: list[str]) -> frozenset[str]:
    """Topic words that no retrieved text holds in any form."""
    return frozenset(t for t in topic if not any(presence(t, text) > 0 for text in texts))


def confidence_line(best: float, second_doc: bool, constrained: str) -> str:
    """One short Chinese line: how sure, and why."""
    if best >= 0.9:
        level = "把握较大"
        why = "问题的主要词语都出现在引用条款中"
    elif best >= 0.75:
        level = "把握中等"
        why = "问题的大部分词语或其同义说法出现在引用条款中"
    else:
        level = "把握较小"
        why = "引用条款只覆盖了问题的一部分词语，请核对原文"
    extra = f"；已按{constrained}限定文件" if constrained else ""
    return f"{level}：{why}{extra}。"
