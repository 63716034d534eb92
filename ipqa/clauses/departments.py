"""Responsible units named in a clause: lead (牵头) and supporting (配合) departments, as data.

Recognised forms, in either script and with full- or half-width brackets:
- a responsibility bracket: "（省市场监管局负责）", "（省委军民融合办、省市场监管局负责）",
  "（省市场监管局牵头，各成员单位按照职责分工负责）", also unclosed at the line end ("(省市場監管局負責") or
  with the opening bracket lost ("…效益省市場監管局、省教育廳負責)");
- fields: "责任单位：…", "牵头单位：… 配合单位：…", "执行单位。…";
- prose: "由市市场监管局牵头（，…配合）", "市市场监管局要牵头做好…".

Roles: explicit 牵头 units lead and the other units of the same statement support. Several units that are only
"负责" are co-responsible (all lead), unless the document states the rule that the first named unit leads
("由多个部门负责的，列第一位的部门为牵头部门"): then the first leads and the rest support. Units are kept as
written (original script); "各成员单位", "有关部门" and the like are kept too.
"""

from __future__ import annotations

import re

from ipqa.records import Departments
from ipqa.text import to_simplified

_RESP = "(?:负责|負責)(?!人)"  # 负责人 is a person
_LEAD = "牵头|牽頭"
_SUPPORT = "配合|協助|协助|参与|參與|协同|協同|协办|協辦"
_KEYWORD = re.compile(rf"({_LEAD})|({_SUPPORT})|({_RESP})")
_BRACKET = re.compile(r"[（(]([^（）()\n]*)(?:[）)]|$)", re.MULTILINE)
# A closing bracket after 负责 whose opening bracket was lost: the list runs back to the last clause break.
_OPEN_LOST = re.compile(rf"([^（）()\n。；;，,]*?(?:{_RESP}))[）)]")
_FIELD = re.compile(
    r"(责任|責任|牵头|牽頭|配合|协办|協辦|参与|參與|执行|執行|主责|主責)(?:单位|單位|部门|部門)\s*[:：。]"
)
_FIELD_HINT = re.compile(r"单位|單位|部门|部門")
_FIELD_END = re.compile(r"[。；;\n]")
_BY = re.compile(rf"由([^。；;，,\n（）()]{{2,60}}?)(?:({_LEAD})|{_RESP})(?:[，,]([^。；;\n]{{2,80}}?)(?:{_SUPPORT}))?")
_MUST_LEAD = re.compile(
    rf"(?:^|[。；;，,\n])([^。；;，,\n]{{2,40}}?)要?(?:{_LEAD})(?:做好|负责|負責|抓好|组织|組織|推进|推進|落实|落實|实施|實施)"
)
_LEAD_RULE = re.compile(
    r"(多个|两个以上|二个以上|几个|多家)(部门|单位)[^。；;]{0,12}负责的[^。；;]{0,30}"
    r"(第一位|首位|第一个|排名第一|排在第一|排列第一|列首位)[^。；;]{0,10}牵头"
)
_QUALIFIERS = re.compile(r"(按照|按|根据|依据|依照|依)(各自)?(职责|職責)(分工)?|分别|分別|共同|等$|具体|具體")
_TAIL_WORDS = re.compile(r"(必做|选做|選做|等|落实|落實|执行|執行|实施|實施)$")
_SPLIT = re.compile(r"[、，,/]|或者|會同|会同|及(?=[省市区县国各])")
_SUFFIXES = (
    "局",
    "厅",
    "委",
    "办",
    "院",
    "部",
    "会",
    "署",
    "室",
    "关",
    "行",
    "队",
    "中心",
    "馆",
    "所",
    "政府",
    "小组",
    "分局",
    "支队",
)
_COLLECTIVE = re.compile(r"^(各|有关|相关|其他)[^，,、]{0,12}(单位|部门|机构|政府|委员会)$")
_REGION_START = re.compile(r"[省市区县州国中各自团]")


def states_lead_rule(text: str) -> bool:
    """Whether the document states that, of several responsible units, the first named one leads."""
    return bool(_LEAD_RULE.search(to_simplified(text)))


def _is_unit(name: str) -> bool:
    simple = to_simplified(name)
    if not 2 <= len(simple) <= 30 or any(c in simple for c in "的。；;：:"):
        return False
    return simple.endswith(_SUFFIXES) or bool(_COLLECTIVE.match(simple))


def _tail_unit(text: str) -> str:
    """The organisation name at the end of ``text`` when prose runs straight into it ("…效益省市場監管局")."""
    for m in _REGION_START.finditer(text):
        candidate = text[m.start() :]
        if len(candidate) <= 15 and _is_unit(candidate):
            return candidate
    return ""


def _units(text: str, loose_first: bool = False) -> list[str]:
    """Unit names in a list like "省委军民融合办、省市场监管局"; anything that is not an organisation is dropped."""
    text = _QUALIFIERS.sub("", text).strip(" \u3000\t（）()")
    text = re.sub(r"^(由|请|並|并|要|需)", "", text)
    out = []
    for i, part in enumerate(p.strip(" \u3000\t") for p in _SPLIT.split(text)):
        if not part:
            continue
        if i == 0 and loose_first and (len(part) > 15 or not _is_unit(part)):
            part = _tail_unit(part)  # prose ran into the list: keep only the name at its end
        part = _drop_tail(part)
        if part and _is_unit(part):
            out.extend(_split_and(part))
    return out


def _drop_tail(part: str) -> str:
    """ "各示范城市知识产权局必做" → "各示范城市知识产权局": a short instruction after the name is not part of it."""
    return _TAIL_WORDS.sub("", part)


def _split_and(name: str) -> list[str]:
    """ "A和B" is two units only when both halves are units ("市文化和旅游局" is one)."""
    for joiner in ("和", "与", "與"):
        if joiner in name:
            left, _, right = name.partition(joiner)
            if _is_unit(left) and _is_unit(right):
                return [left, *_split_and(right)]
    return [name]


class _Roles:
    """Lead / responsible / support units of one statement, resolved into lead and support."""

    def __init__(self) -> None:
        self.lead: list[str] = []
        self.resp: list[str] = []
        self.support: list[str] = []

    def add_phrases(self, text: str, default: str = "resp", loose_first: bool = False) -> None:
        """Comma-separated phrases, each ending in its role keyword; a phrase without one joins the next."""
        pending: list[str] = []
        for n, phrase in enumerate(re.split(r"[，,；;]", text)):
            m = _KEYWORD.search(phrase)
            units = pending + _units(phrase[: m.start()] if m else phrase, loose_first and n == 0)
            if m is None:
                pending = units
                continue
            pending = []
            role = "lead" if m.group(1) else "support" if m.group(2) else "resp"
            getattr(self, role).extend(units)
        getattr(self, default).extend(pending)

    def resolve(self, first_is_lead: bool) -> tuple[list[str], list[str]]:
        if self.lead:
            return self.lead, self.resp + self.support
        if first_is_lead and len(self.resp) > 1:
            return self.resp[:1], self.resp[1:] + self.support
        return self.resp, self.support


def _statements(text: str) -> list[_Roles]:
    found: list[_Roles] = []
    has_resp = "负责" in text or "負責" in text
    has_lead = "牵头" in text or "牽頭" in text
    if not (has_resp or has_lead or _FIELD_HINT.search(text)):
        return found  # most clauses name no unit: skip the regexes
    inside: list[tuple[int, int]] = []
    for m in _BRACKET.finditer(text):
        if _KEYWORD.search(m.group(1)):
            roles = _Roles()
            roles.add_phrases(m.group(1))
            found.append(roles)
            inside.append(m.span())
    for m in _OPEN_LOST.finditer(text) if has_resp else ():
        if not any(s <= m.start(1) < e for s, e in inside):
            roles = _Roles()
            roles.add_phrases(m.group(1), loose_first=True)
            found.append(roles)
    fields = list(_FIELD.finditer(text))
    for i, m in enumerate(fields):
        stop = fields[i + 1].start() if i + 1 < len(fields) else len(text)
        end = _FIELD_END.search(text, m.end(), stop)
        value = text[m.end() : end.start() if end else stop]
        roles = _Roles()
        kind = to_simplified(m.group(1))
        roles.add_phrases(
            value, default="lead" if kind == "牵头" else "support" if kind in ("配合", "协办", "参与") else "resp"
        )
        found.append(roles)
    for m in _BY.finditer(text) if "由" in text else ():
        roles = _Roles()
        (roles.lead if m.group(2) else roles.resp).extend(_units(m.group(1)))
        if m.group(3):
            roles.support.extend(_units(m.group(3)))
        found.append(roles)
    for m in _MUST_LEAD.finditer(text) if has_lead else ():
        roles = _Roles()
        roles.lead.extend(_units(m.group(1)))
        found.append(roles)
    return found


def extract_departments(text: str, first_is_lead: bool = False) -> Departments:
    """Lead and supporting units named in ``text`` (one clause), lead first, each in the order written."""
    lead: list[str] = []
    support: list[str] = []
    for roles in _statements(text):
        stmt_lead, stmt_support = roles.resolve(first_is_lead)
        lead.extend(u for u in stmt_lead if u not in lead)
        support.extend(u for u in stmt_support if u not in support)
    return Departments(tuple(lead), tuple(u for u in support if u not in lead))
