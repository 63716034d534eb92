"""A question as a small record: what kind of answer it wants, the unit asked for, the places and years it
names, and which document field it asks about (发文字号, 发布机关, dates, validity).

Rule-based and documented: cue families for the kind, ``ipqa.answer.placenames`` (a gazetteer plus every place
the corpus' documents name) for places. Constraints are used downstream: a place the corpus has no document for
is refused with that reason; a place it has restricts the search to that place's documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ipqa.answer.cues import (
    KIND_CUES,
    METADATA_CUES,
    MOMENT_CUES,
    PERSON,
    UNIT_CUES,
    WHO_DUTY,
)
from ipqa.answer.measures import measure_asked
from ipqa.answer.placenames import find_places
from ipqa.answer.spans import UNIT_FAMILIES, figures, unit_of
from ipqa.text import normalise

# A number question that names a quantity ("多少", "几家"): no figure in the clauses means it is not given there.
QUANTITY_ASKED = re.compile(r"多少|(?<!哪)几(?:家|个|项|件|次|倍|期|名|所|人|种|亿|万|成|位|批)")
# 几 is also "a few" ("我们几家同行想抱团…，政府支不支持？"): beside another question word it asks nothing itself.
_INDEFINITE_JI = re.compile(r"(?<!哪)几(?=[家个项件次名所人种位批])")
_OTHER_QUESTION = re.compile(r"吗|什么|啥|哪|谁|怎么|如何|是否|有没有|能不能|可不可以|(.)不\1")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:年|[那这]一?年|$|[—\-–到至])")  # "2020那一年" too
_RANGE = re.compile(r"((?:19|20)\d\d)\s*(?:年)?\s*[—\-–~～至到]+\s*((?:19|20)\d\d)")
# A question for the names of things of a kind: "是哪几个县", "哪些城市是…". Not "哪几个园区的发展水平"
# (which of them is a list of what a clause says) nor "哪些城市有…政策" (which documents: the list kind).
_NAMED_KINDS = r"(县|市|城市|区|镇|街道|省|企业|公司|园区|高校|大学)"
_NAMES_ASKED = re.compile(rf"(?:是|为)哪(?:几|些)个?家?所?{_NAMED_KINDS}|哪(?:几|些)个?家?所?{_NAMED_KINDS}是")
# The members of a list a clause only says is kept ("培育库里现在都有哪些企业", "培育目录里都列了哪些产业"): the names in
# it, a firm's proper name (…公司) for an enterprise
_MEMBERS_ASKED = re.compile(
    r"(?:目录|名单|名录|清单|库|榜单)(?:里|中|上)?面?[,，]?(?:现在|目前)?(?:都|一共|具体)?(?:列了|有|包括|收了|入选了?|是)?"
    r"哪(?:几|些)个?家?所?(企业|公司|产业|行业|项目|产品|单位|机构|高校)"
)
# A year naming a document: "2021年的知识产权强省推进计划", "2018年示范城市工作计划" (no figure or clause between)
_DOCUMENT_YEAR = re.compile(
    r"((?:19|20)\d\d)\s*年?度?的?([^\d,，。?？、]{0,10}?(?:推进计划|工作计划|行动计划|计划|规划|工作方案|方案|工作要点|要点|纲要))"
)
_PERIODS = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}


@dataclass(frozen=True)
class Analysis:
    question: str  # normalised (NFKC, simplified script)
    kind: str  # who / number / when / fact / metadata
    unit: str = ""  # the unit family a number question asks for ("件", "元", "%", …), "" unknown
    places: tuple[str, ...] = ()  # place names as the question writes them ("甘肃", "邹城市")
    years: tuple[int, ...] = ()  # years named, a period (十四五) as its years
    field: str = ""  # the document field a metadata question asks for
    # every field it asks for, in the order of the cues ("以哪个单位的名义印发的，落款是哪天": issuer, date_written)
    fields: tuple[str, ...] = ()
    person: bool = False  # asks for the person holding a post, which policy texts do not name
    quantity: bool = False  # asks for a quantity in so many words (多少, 几家): an answer must give a figure
    moment: str = (
        ""  # "clock" / "day" / "address": asks for an hour, a day or an address, which an answer must state (MOMENTS)
    )
    measure: str = ""  # the noun a number question asks the quantity of ("官费", "利率"), "" unknown
    # the kind of thing a question asks the names of ("具体点名是哪几个县", "有哪些城市是示范城市"): an answer must name
    # some, not only count them ("培育1—2个…示范县")
    names_of: str = ""
    # a year naming a document, with the words that name it ((2021, "知识产权强省推进计划") of "甘肃2021年的知识产权
    # 强省推进计划"): a document of that name whose title names other years is another document
    document_years: tuple[tuple[int, str], ...] = ()


def years_in(text: str) -> set[int]:
    """The years a text names: 2024年, ranges 2024—2026 (every year between), and 十三五/十四五/十五五 periods."""
    years = {int(m.group(1)) for m in _YEAR.finditer(text)}
    for m in _RANGE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if a <= b <= a + 15:
            years.update(range(a, b + 1))
    for name, (a, b) in _PERIODS.items():
        if name in text:
            years.update(range(a, b + 1))
    return years


# A year a figure is compared with ("较2017年增长10%"), which does not say when the figure is due
_BASE_YEAR = re.compile(r"(?:较|比|同比|相比|与|对比)$")


def last_years(text: str) -> set[int]:
    """The years of the last year, range or period a text names: the one governing what follows it ("“十四五”期间…，
    到2025年年末…3300件，…3.6件": both figures are 2025's)."""
    found = [(m.start(), {int(m.group(1))}) for m in _YEAR.finditer(text) if not _BASE_YEAR.search(text[: m.start()])]
    found += [(m.start(), years_in(m.group())) for m in _RANGE.finditer(text)]
    found += [(m.start(), set(range(a, b + 1))) for name, (a, b) in _PERIODS.items() for m in re.finditer(name, text)]
    return max(found, key=lambda f: f[0])[1] if found else set()


def find_years(question: str) -> tuple[int, ...]:
    years = [int(m.group(1)) for m in _YEAR.finditer(question)]
    for name, (a, b) in _PERIODS.items():
        if name in question:
            years += list(range(a, b + 1))
    return tuple(dict.fromkeys(years))


def without_indefinite_ji(question: str) -> str:
    """The question without 几 used as "a few": kept when 几 is the only question word ("新增几家企业？")."""
    if not _INDEFINITE_JI.search(question):
        return question
    rest = _INDEFINITE_JI.sub("", question)
    return rest if _OTHER_QUESTION.search(rest) else question


def question_kind(question: str) -> str:
    """ "who" | "number" | "when" | "fact" by the first cue family the question contains (rule-based):
    who — 谁负责、哪个部门、牵头单位…; when — 什么时候、期限、到哪年…; number — 多少、目标、达到、比例…; else fact."""
    q = without_indefinite_ji(normalise(question))
    if "谁" in q and WHO_DUTY.search(q):
        return "who"
    return _first_cue(q, KIND_CUES) or "fact"


def _first_cue(question: str, cues) -> str:
    """The name of the first (name, pattern) pair whose pattern the normalised question contains, or ""."""
    q = normalise(question)
    return next((name for name, cue in cues if re.search(cue, q)), "")


def names_asked(question: str) -> str:
    """The kind of thing a question asks the names of ("县" of "具体点名是哪几个县"), "" when it asks none."""
    m = _NAMES_ASKED.search(question)
    if m:
        return m.group(1) or m.group(2)
    m = _MEMBERS_ASKED.search(question)
    return ("公司" if m.group(1) == "企业" else m.group(1)) if m else ""


def metadata_fields(question: str) -> tuple[str, ...]:
    """Every document field a question asks for ("doc_number", "issuer", …), in the order of the cues; the first is
    the one it asks for above all."""
    q = normalise(question)
    return tuple(name for name, cue in METADATA_CUES if re.search(cue, q))


def unit_asked(question: str) -> str:
    """The unit family a question asks for ("件", "元", "%", "号码", …), or "". A question that names no unit but
    states a figure of its own ("才25件，…想涨到多少") asks for the same unit."""
    return _first_cue(question, UNIT_CUES) or stated_unit(question)


def stated_unit(question: str) -> str:
    """The unit family of the first figure a question states (money as 元, shares as %), or ""."""
    for found in figures(normalise(question)):
        unit = unit_of(found.text)
        if unit:
            return "元" if unit.endswith("元") else "%" if unit in UNIT_FAMILIES["%"] else unit
    return ""


def analyse(question: str, corpus_places: dict[str, str] | None = None) -> Analysis:
    q = normalise(question)
    fields = metadata_fields(q)
    field = fields[0] if fields else ""
    kind = "metadata" if field else question_kind(q)
    unit = unit_asked(q) if kind in ("number", "fact") else ""
    if unit == "号码":
        kind = "number"  # a phone number is a figure to find, and none in the clauses means it is not given
    elif kind != "number":
        unit = ""
    return Analysis(
        question=q,
        kind=kind,
        unit=unit,
        places=find_places(q, corpus_places),
        years=find_years(q),
        field=field,
        fields=fields,
        person=bool(PERSON.search(q)),
        quantity=kind == "number" and bool(QUANTITY_ASKED.search(without_indefinite_ji(q))),
        moment=_first_cue(q, MOMENT_CUES) if kind != "metadata" else "",
        measure=measure_asked(q) if kind == "number" else "",
        names_of=names_asked(q),
        document_years=tuple((int(m.group(1)), m.group(2)) for m in _DOCUMENT_YEAR.finditer(q)),
    )
