"""What a question's places and years do to the search: a place the corpus has no document for is a reason to
refuse ("语料中没有北京市的文件"); a place it has narrows the search to the documents of that place.

A document's places are the place names of its region (ipqa.corpus.metadata.places), so
"邹城" finds 邹城市's work programme and "山东" every Shandong document. National documents (laws) name no place:
a question about one place is not answered from them when documents of that place exist.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import replace

from ipqa.answer.analysis import Analysis, years_in
from ipqa.answer.placenames import gazetteer, place_stem
from ipqa.answer.spans import fold, term_score
from ipqa.corpus.metadata.places import PROVINCES, place_units
from ipqa.records import Filters, Hit
from ipqa.text import to_simplified

_PLACES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
SAME_NAME = 0.5  # the share of a document name's character bigrams a title must hold to be that document


def _document_places(index) -> dict[str, tuple[str, set[str]]]:
    """stem → (full name, the doc_ids naming it), computed once per loaded index."""
    if index not in _PLACES:
        places: dict[str, tuple[str, set[str]]] = {}
        for doc_id, doc in index.documents.items():
            # the region field only: the reader fills it from the issuer and signature with care, while place-like
            # runs of a title or an issuer name ("国家市场监督管理总局", "城市市容") are not places
            for unit in _checked_units(doc.meta):
                places.setdefault(place_stem(unit), (unit, set()))[1].add(doc_id)
        _PLACES[index] = places
    return _PLACES[index]


def _checked_units(meta) -> list[str]:
    """The region's place units that the title or issuer confirm, with every unit above a confirmed one (邹城市
    in the title confirms 山东省济宁市 above it); a province is taken as it is. Region inference can leave a
    non-place run at the end ("…技术市"), which no title names."""
    units = place_units(to_simplified(meta.region or ""))
    named = to_simplified(f"{meta.title} {meta.short_title} {meta.issuer}")
    confirmed = next((i for i in range(len(units) - 1, -1, -1) if units[i] in named), -1)
    return [u for i, u in enumerate(units) if i <= confirmed or u in PROVINCES]


def corpus_places(index) -> dict[str, str]:
    """stem → full name of every place the corpus' documents name."""
    return {stem: full for stem, (full, _) in _document_places(index).items()}


def missing_places(index, analysis: Analysis, hits=()) -> str:
    """The full name of the first place the question names that no document is about and no clause found for
    the question mentions, or "". "海门要贯彻的江苏省那个方案" has no 江苏省 document, but 海门's plan names it."""
    known = _document_places(index)
    for stem in analysis.places:
        if stem in known:
            continue
        if any(stem in to_simplified(h.clause.text) for h in hits):
            continue
        return gazetteer().get(stem, stem)
    return ""


def narrow(index, analysis: Analysis, filters: Filters | None) -> tuple[Filters | None, str]:
    """(filters restricted to the documents of the question's places, the places as said), or the given filters
    when the question names no place. Several places narrow to the documents naming all of them, else any."""
    if not analysis.places:
        return filters, ""
    known = _document_places(index)
    if any(s not in known for s in analysis.places):
        return filters, ""  # a place only mentioned in clause text (see missing_places): search everything
    sets = [known[s][1] for s in analysis.places if s in known]
    if not sets:
        return filters, ""
    docs = set.intersection(*sets) or set.union(*sets)
    base = filters or Filters()
    if base.doc_ids:
        docs &= set(base.doc_ids)
        if not docs:
            return filters, ""
    said = "、".join(known[s][0] for s in analysis.places if s in known)
    return replace(base, doc_ids=tuple(sorted(docs))), said


def another_years_document(index, analysis: Analysis, doc_id: str) -> bool:
    """Whether the question names the year of a document by words this document's title shares ("甘肃2021年的知识
    产权强省推进计划" of "2020年…知识产权强省推进计划") and the title names other years only: its clauses do not answer
    for the document asked about. A year naming some other document ("国家面向2035年的强国纲要", which a clause
    cites) or a title that names no year says nothing either way."""
    meta = index.document(doc_id).meta
    title = fold(to_simplified(f"{meta.title} {meta.short_title}")).text
    years = years_in(title)
    for year, name in analysis.document_years:
        if years and year not in years and term_score(fold(name).text, title) >= SAME_NAME:
            return True
    return False


def place_words(analysis: Analysis) -> frozenset[str]:
    """The question's place names in the forms the tokenizer may cut them (甘肃, 甘肃省): constraints, not topic."""
    words = set()
    for stem in analysis.places:
        words.update({stem, stem + "省", stem + "市", stem + "区", stem + "县"})
    return frozenset(words)


# What a page's title line adds to the title itself: "《…工作计划》印发(附全文)", "关于印发《…》的通知"
_TITLE_WRAPPER = re.compile(r"[《》“”\"()（）、,，.。:：\s]|关于|印发|发布|转发|附全文|全文|的通知|通知")


def ruled_out(index, analysis, hit: Hit) -> bool:
    """A clause that cannot answer whatever it shares with the question: a bare title line, or a clause of a
    document of other years than the one the question names."""
    return restates_title(index, hit) or another_years_document(index, analysis, hit.clause.doc_id)


def restates_title(index, hit: Hit) -> bool:
    """Whether the clause is only the document's title line: it says nothing the title does not, so it answers
    no question but one about the document (metadata, answered from the header fields): "2018年全国有哪些示范城市"
    is not answered by "《2018年国家知识产权示范城市工作计划》印发(附全文)"."""
    meta = index.document(hit.clause.doc_id).meta
    own = _TITLE_WRAPPER.sub("", fold(hit.clause.clean_text).text)
    return bool(own) and any(own in _TITLE_WRAPPER.sub("", fold(t).text) for t in (meta.title, meta.short_title) if t)


_PLACE_KINDS = frozenset(("县", "市", "城市", "区", "镇", "街道", "省"))
# How a name of each kind ends in the text: 海门大学科技园 is a 园区, 复旦大学 a 高校
_NAME_HEADS = {
    "园区": "园区?",
    "高校": "(?:大学|学院|高校)",
    "大学": "(?:大学|学院)",
    "企业": "(?:企业|公司)",
    "公司": "(?:公司|集团|厂)",  # a firm by its proper name
}


def names_given(index, lines: list[str], analysis: Analysis) -> bool:
    """Whether the answer lines name things of the kind a question asks the names of: a place other than those the
    question names (for 县, 市…), else an enumeration of two or more (甲园、乙园和丙园). The document's name that
    opens a line does not count."""
    from ipqa.answer.lines import line_quote
    from ipqa.answer.placenames import find_places

    texts = [to_simplified(line_quote(line)) for line in lines]
    kind = analysis.names_of
    if kind in _PLACE_KINDS:
        asked = set(analysis.places)
        known = corpus_places(index)
        return any(set(find_places(text, known)) - asked for text in texts)
    head = _NAME_HEADS.get(kind, re.escape(kind))
    listed = re.compile(rf"[\u4e00-\u9fff]{{2,}}{head}[\u4e00-\u9fff]*[、和及与][\u4e00-\u9fff]{{2,}}")
    return any(listed.search(text) for text in texts)
