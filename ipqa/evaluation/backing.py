"""Is each sentence of a saved answer backed by the citations it marks? An answer is lines of claims, each claim
followed by its citation marks ("…负责[1][2]；…配合[3]。"). A claim backs when, without the words the answer
composers add themselves (the document's name opening the line, 负责 / 牵头 / 配合, "也涉及此事项，但未明确责任单位",
"的发文字号："), every piece of it is found in one of the quotes it marks, compared in the searchable form (script,
width and whitespace aside). An edited unit, figure or sentence is then reported by its line."""

from __future__ import annotations

import re

from ipqa.answer.compose import NO_UNIT_NAMED, NONE_NAMED
from ipqa.answer.metadata import FIELD_LABELS
from ipqa.records import display_title
from ipqa.text import normalise

_MARK = re.compile(r"\[(\d{1,4})\]")
_ORIGINAL = re.compile(r"（原文：(?P<text>[^（）]*)）")  # a unit's source spelling, shown after its simplified form
_TEMPLATE = sorted(
    [NO_UNIT_NAMED, NONE_NAMED, "牵头", "配合", "负责"]
    + [f"的{label}" for label in FIELD_LABELS.values()]  # "的成文日期（文件未标明发布日期）："
    + [f"（文件未标明{label}）" for label in FIELD_LABELS.values()],
    key=len,
    reverse=True,  # the longest first: "（文件未标明发布日期）" before "负责"
)
_PIECES = re.compile("|".join(map(re.escape, _TEMPLATE)) + r"|[：:，,；;。、！？!?\s]+")


def _form(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text))


def claims(line: str, count: int) -> tuple[list[tuple[str, list[int]]], str]:
    """The line's claims, each with the citation numbers of the marks right after it, and the text after the last
    mark. A bracketed number that names no citation (a quote's "国发[2019]8号") is text."""
    groups: list[tuple[int, int, list[int]]] = []  # (start, end, numbers) of each run of adjacent marks
    for m in _MARK.finditer(line):
        n = int(m.group(1))
        if not 1 <= n <= count:
            continue
        if groups and groups[-1][1] == m.start():
            groups[-1] = (groups[-1][0], m.end(), [*groups[-1][2], n])
        else:
            groups.append((m.start(), m.end(), [n]))
    out, pos = [], 0
    for start, end, numbers in groups:
        out.append((line[pos:start], numbers))
        pos = end
    return out, line[pos:]


def unbacked(answer: str, citations: list[dict]) -> list[str]:
    """Problems (in Chinese) with the answer's sentences: a claim without a citation mark, a document name that is
    not the cited document's, a piece found in none of the quotes the claim marks. [] when all are backed."""
    problems = []
    for n, line in enumerate(answer.split("\n"), start=1):
        if not line.strip():
            continue
        found, rest = claims(line, len(citations))
        if _PIECES.sub("", rest):
            problems.append(f"答案第 {n} 行“{rest.strip()[:40]}”没有引文标注")
        for i, (claim, numbers) in enumerate(found):
            cited = [citations[k - 1] for k in numbers]
            marks = "".join(f"[{k}]" for k in numbers)
            if i == 0 and (opening := _leading_name(claim)):
                name, end = opening
                if not any(_form(name) in _names(c) for c in cited):
                    problems.append(f"答案第 {n} 行的《{name}》不是引文 {marks} 所出自的文件")
                claim = claim[end:]
            if missing := _missing(claim, cited):
                problems.append(f"答案第 {n} 行的“{missing[:40]}”不见于所标引文 {marks} 的原文")
    return problems


def _leading_name(claim: str) -> tuple[str, int] | None:
    """The document name opening a line, ``(name, end of its closing 》)``: the brackets nest, as in
    《浙江省实施《中华人民共和国农村土地承包法》办法》. None when the line opens with no name."""
    start = len(claim) - len(claim.lstrip())
    if not claim[start:].startswith("《"):
        return None
    depth = 0
    for i in range(start, len(claim)):
        depth += {"《": 1, "》": -1}.get(claim[i], 0)
        if depth == 0:
            return claim[start + 1 : i], i + 1
    return None


def _names(cit: dict) -> set[str]:
    """The forms a document is named by in an answer line: its short title, its title, its id."""
    doc_id, title, short = (
        cit.get(k) if isinstance(cit.get(k), str) else "" for k in ("doc_id", "title", "short_title")
    )
    return {_form(display_title(doc_id, title, short)), _form(display_title(doc_id, title)), _form(doc_id)}


def _missing(claim: str, cited: list[dict]) -> str:
    """The first piece of ``claim`` that none of the cited quotes holds, or ""."""
    quotes = [_form(c["quote"]) for c in cited if isinstance(c.get("quote"), str)]
    originals = [m["text"] for m in _ORIGINAL.finditer(claim)]
    pieces = originals + _PIECES.split(_ORIGINAL.sub("、", claim))
    for piece in pieces:
        form = _form(piece)
        if form and not any(form in quote for quote in quotes):
            return piece.strip()
    return ""
