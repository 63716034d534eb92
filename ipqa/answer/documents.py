"""Documents a question names, and whether the corpus holds them.

A question may name the document it asks about: in 《》 ("《邹城市专利转化运用实施方案（2024—2026年）》里…"), or by a
place, a year or a period and a document kind ("南通市十四五知识产权发展规划里", "海门十三五规划当年…"). When no document
of the corpus is that one, its clauses answer for another document, however many words they share: the district's
plan is not the city's, the 十四五 plan is not the 十三五 one, and a document a clause only mentions ("研究制定《…管理
办法》") is not in the corpus. Such a question is refused with that reason.

A name is the corpus document's when the kinds agree (a 法 is not its 条例; the plan kinds 规划/计划/方案/纲要/要点 are
said loosely and count as one), the years agree where both name some, every place the name gives is in the title and
the title names no lower place the name leaves out (南通市海门区's plan is not 南通市's), and the name's other words
are mostly in the title (SAME_NAME of them, a word counting by its character bigrams or thesaurus relatives: 知产
for 知识产权). A name
giving years or a period is not a title that gives none. A name in 《》 is meant as a title; one without is judged
only against the corpus titles it nearly matches (see held).
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from ipqa.answer.analysis import years_in
from ipqa.answer.gate import presence
from ipqa.answer.placenames import find_places
from ipqa.answer.spans import fold, overlap
from ipqa.retrieval.tokens import tokenize
from ipqa.text import normalise, to_simplified

SAME_NAME = 0.5  # the share of a name's own words' character bigrams a title must hold
_KINDS = r"规划|计划|方案|办法|意见|纲要|条例|细则|规定|决定|通知|要点|解释|法"
_UNQUOTED_KINDS = r"规划|计划|方案|办法|意见|纲要|条例|细则|规定|要点"  # 法 ends 执法, 说法; 通知 is sent, not asked of
_PLAN_KINDS = frozenset(("规划", "计划", "方案", "纲要", "要点"))
_KIND_AT_END = re.compile(rf"({_KINDS})$")
_QUOTED = re.compile(r"《([^《》]{2,60})》")
# An unquoted name ends in a kind word said as a document, not as a verb ("中心计划哪一年建成"): what follows it is
# where or what in the document, a particle or the end of a phrase
_UNQUOTED_END = re.compile(
    rf"({_UNQUOTED_KINDS})(?=里|中|上|的|规定|提出|要求|明确|说|提到|写|定|给|当|对|有|，|,|。|？|\?|$)"
)
# What opens an unquoted name: a place (found separately), a year or period, or a national body
_ANCHOR = re.compile(r"(?:19|20)\d\d|十[三四五]五|国家|国务院")
_LOOKBACK = 40
_STOP = re.compile(r"[，,。？?；;]")  # characters before the kind word an unquoted name may start
_BRACKETS = re.compile(r"[（(][^（）()]*[）)]$")
_WRAPPER = re.compile(r"关于印发|关于|印发|的通知$")
_NOISE = re.compile(r"[“”\"《》（）()、,，.。:：\s—\-–~～]|年度|年|的|发|那个|这个|那份|这份")
_PERIOD = re.compile(r"十[三四五]五")
_TITLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class NamedDocument:
    name: str  # as the question writes it
    quoted: bool  # written in 《》


def named_documents(question: str, corpus_places: dict[str, str] | None = None) -> list[NamedDocument]:
    """The documents a question names: every 《name》, and an unquoted name that opens with a place, a year, a
    period or a national body and ends in a document kind."""
    q = normalise(question)
    found = [NamedDocument(m.group(1), True) for m in _QUOTED.finditer(q)]
    rest = _QUOTED.sub("，", q)
    for m in _UNQUOTED_END.finditer(rest):
        window_start = max(m.start() - _LOOKBACK, 0)
        window = rest[window_start : m.end()]
        # a name opens at the last place before its kind ("邹城方案依据的山东省十四五知产规划" names 山东省's plan),
        # else at the first year, period or national body
        places = [window.rfind(p) for p in find_places(window, corpus_places)]
        others = [a.start() for a in _ANCHOR.finditer(window)]
        places, others = (
            [i for i in found_at if i >= 0 and not _STOP.search(window[i:])] for found_at in (places, others)
        )
        if places or others:
            found.append(NamedDocument(window[max(places) if places else min(others) :], False))
    return found


def _kind(name: str) -> str:
    core = _BRACKETS.sub("", name.strip())
    m = _KIND_AT_END.search(core)
    return m.group(1) if m else ""


def _kinds_agree(a: str, b: str) -> bool:
    return a == b or (a in _PLAN_KINDS and b in _PLAN_KINDS) or (bool(a) and b.endswith(a) and len(a) > 1)


def same_document(name: str, title: str, corpus_places: dict[str, str] | None = None) -> bool:
    """Whether ``name`` (as a question says it) names the document titled ``title`` (see the module docstring)."""
    return _compare(name, title, corpus_places) == "same"


def _compare(name: str, title: str, corpus_places: dict[str, str] | None) -> str:
    """ "same"; "sibling" when kind and words agree but the years do, or the title is of a place below the one
    named ("南通市…规划" beside "南通市海门区…规划"); else "other"."""
    name, title = fold(to_simplified(name)).text, fold(to_simplified(title)).text
    if not _kinds_agree(_kind(name), _kind(title)):
        return "other"
    name_places, title_places = find_places(name, corpus_places), find_places(title, corpus_places)
    if any(p not in title for p in name_places):
        return "other"
    own = name
    for p in name_places:
        own = re.sub(rf"{re.escape(p)}[省市区县]?", "", own)
    own = _KIND_AT_END.sub("", _BRACKETS.sub("", _PERIOD.sub("", re.sub(r"(?:19|20)\d\d", "", own))))
    own = _NOISE.sub("", own)
    if own and overlap(tokenize(own, mode="words") or [own], title, score=presence) < SAME_NAME:
        return "other"
    asked_years = years_in(name)
    if asked_years and not asked_years & years_in(title):
        return "sibling"  # "海门十三五规划" is neither the 十四五 plan nor a 纲要 of no stated years
    if name_places:
        lowest_named = max(title.find(p) for p in name_places)
        if any(p not in name_places and title.find(p) > lowest_named for p in title_places):
            return "sibling"  # "南通市…规划" is not "南通市海门区…规划": the title is of a place below the one named
    return "same"


def _titles(index) -> list[str]:
    """Every name a corpus document goes by: its title, its short title and the name its title wraps (关于印发《…》
    的通知), computed once per loaded index."""
    if index not in _TITLES:
        names = []
        for doc in index.documents.values():
            title = to_simplified(doc.meta.title or "")
            names += [title, to_simplified(doc.meta.short_title or "")]
            names += _QUOTED.findall(title) + [_WRAPPER.sub("", title)]
        _TITLES[index] = [n for n in dict.fromkeys(names) if n]
    return _TITLES[index]


def held(index, named: NamedDocument, corpus_places: dict[str, str] | None = None) -> bool | None:
    """Whether a document of the corpus is the one named: True, False, or None when an unquoted name cannot be
    judged. An unquoted name is said not to be held only when it is a sibling of a corpus document: its kind and
    words, in another year or place ("海门十三五规划" beside the 十四五 one); else it may be the asker's words for
    something else ("那个行动方案", "这方面的说法")."""
    compared = {_compare(named.name, title, corpus_places) for title in _titles(index)}
    if "same" in compared:
        return True
    if named.quoted or "sibling" in compared:
        return False
    return None


def cited_in(hits, named: NamedDocument, corpus_places: dict[str, str] | None = None) -> bool:
    """Whether one of the clauses found cites the named document by name (《…》): the corpus mentions it, but holds
    only what that clause says of it."""
    return any(
        same_document(named.name, name, corpus_places)
        for hit in hits
        for cited in _QUOTED.findall(to_simplified(hit.clause.text))
        for name in (cited, _WRAPPER.sub("", cited))  # 《关于印发…规划的通知》 names the 规划 too
    )


def missing_document(index, question: str, hits, corpus_places: dict[str, str] | None = None) -> tuple[str, bool]:
    """(the first document the question names that the corpus does not hold, as the question writes it, whether a
    found clause cites it), or ("", False)."""
    for named in named_documents(question, corpus_places):
        if held(index, named, corpus_places) is not False:
            continue
        return named.name, cited_in(hits, named, corpus_places)
    return "", False
