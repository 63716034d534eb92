"""Document → citable Clauses: numbering hierarchy, heading paths, verbatim spans, responsible units.

A document is read line by line. A line that starts with a label (see ``ipqa.clauses.numbering``) opens a new block; any
other line continues the current block, so a heading broken across lines ("…實施\\n\\n意見和具體措施") never
breaks a clause. Inside an article (第X条) only 编/章/节/条 and markdown headings open blocks: its paragraphs
(款) and items (（一）项) stay in the article. Lines wholly inside ``Document.excluded`` (headers, boilerplate,
spam lines) end a block and belong to none.

Conventions:
- A block whose only line is a heading (编/章/节, a markdown heading, or a short line directly followed by
  deeper items) is a path element, not a clause.
- Text before the first label (notice text, preamble) is a clause with an empty label, path ``("序言",)`` and
  clause id ``doc_id#序言``.
- ``clause_id = doc_id#`` + the normalised labels joined by "/" (unnumbered markdown headings add no label;
  an unnumbered heading with body text uses its normalised title). A repeated id gets ``_2``, ``_3`` …; the
  later parts of a clause cut at sentence boundaries (longer than ``max_chars``, or interrupted by an excluded
  line) get ``~2``, ``~3`` ….
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ipqa.clauses import departments as depts
from ipqa.clauses.numbering import PREAMBLE, RANKS, Label, match_label, normalise_label, path_element
from ipqa.records import Clause, Departments, Document, Flag
from ipqa.text import iter_lines, remove_spans, sentence_spans

_SOFT_BREAKS = "，,、；;：:"  # where an over-long sentence may be cut
_HEADING_LINE = 40  # a heading line without body text is at most this long


@dataclass(eq=False)
class _Block:
    label: Label | None
    parents: list[_Block]  # enclosing heading blocks, outermost first
    segments: list[list[int]] = field(default_factory=list)  # [start, end) spans, split at excluded lines
    lines: int = 0
    heading_only: bool = False

    def add(self, start: int, end: int, new_segment: bool) -> None:
        if new_segment or not self.segments:
            self.segments.append([start, end])
        else:
            self.segments[-1][1] = end
        self.lines += 1


class _Excluded:
    """Fast lookups into the document's excluded spans."""

    def __init__(self, spans: tuple[tuple[int, int], ...]):
        merged: list[tuple[int, int]] = []
        for s, e in sorted(spans):  # overlapping spans merged, so a bisect on starts finds every cover
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            elif e > s:
                merged.append((s, e))
        self.spans = merged
        self.starts = [s for s, _ in self.spans]

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        # walked by index from the bisect: a slice ``spans[i:]`` would copy the rest of the list on every call,
        # which made splitting a file with many excluded spans quadratic
        i = max(bisect.bisect_right(self.starts, start) - 1, 0)
        spans, out = self.spans, []
        while i < len(spans) and spans[i][0] < end:
            if spans[i][1] > start:
                out.append(spans[i])
            i += 1
        return out

    def covers(self, text: str, start: int, end: int) -> bool:
        """Every non-space character of text[start:end] lies in an excluded span."""
        spans = self.overlapping(start, end)
        if not spans:
            return False
        pos = start
        for s, e in spans:
            if text[pos : max(s, pos)].strip():
                return False
            pos = max(pos, e)
            if pos >= end:
                return True
        return not text[pos:end].strip()

    def inside(self, pos: int) -> tuple[int, int] | None:
        for s, e in self.overlapping(pos, pos + 1):
            if s <= pos < e:
                return s, e
        return None


def _lines(text: str):
    """(content start, content end) of every non-blank line, whitespace trimmed."""
    for start, end, line in iter_lines(text):
        lead = len(line) - len(line.lstrip())
        if lead < len(line):
            yield start + lead, start + len(line.rstrip())


def _blocks(doc: Document, excluded: _Excluded) -> list[_Block]:
    """Group the document's lines into labelled blocks, each knowing its enclosing heading blocks."""
    text = doc.text
    stack: list[_Block] = []
    blocks: list[_Block] = []
    current: _Block | None = None
    broken = False  # an excluded line came since the current segment began
    prev_number: int | None = None
    titles = {t for t in (doc.meta.title, doc.meta.short_title) if t}
    for start, end in _lines(text):
        if excluded.covers(text, start, end):
            broken = True
            continue
        label = match_label(text[start:end], prev_number)
        if label is not None and label.kind == "md1" and not label.text and label.title in titles:
            continue  # the document's own title as a markdown H1: metadata, not a heading
        if label is not None and any(b.label.kind == "tiao" for b in stack) and label.rank > RANKS["tiao"]:
            label = None  # 款 and 项 stay inside their article
        if label is None:
            if current is None:
                current = _Block(None, [])
                blocks.append(current)
            current.add(start, end, broken)
            broken = False
            continue
        if label.kind == "arabic":
            prev_number = label.number
        kinds = [b.label.kind for b in stack]
        if label.kind in kinds:  # a sibling of an open heading closes everything below it
            del stack[kinds.index(label.kind) :]
        else:
            while stack and stack[-1].label.rank >= label.rank:
                stack.pop()
        current = _Block(label, list(stack))
        current.add(start + label.start, end, True)
        blocks.append(current)
        stack.append(current)
        broken = False
    for block, after in zip(blocks, blocks[1:] + [None]):
        block.heading_only = _is_heading_only(block, after)
    return blocks


def _is_heading_only(block: _Block, after: _Block | None) -> bool:
    """A heading line without body text of its own: a path element, not a clause."""
    label = block.label
    if label is None or block.lines != 1:
        return False
    if label.structural:
        return True
    has_child = after is not None and block in after.parents
    return has_child and len(label.title) <= _HEADING_LINE and not any(c in label.title for c in "。；;")


def _id_part(block: _Block) -> str:
    label = block.label
    if label is None:
        return PREAMBLE
    return normalise_label(label.text or label.title)


def _trim(text: str, start: int, end: int, excluded: _Excluded) -> tuple[int, int]:
    """Shrink a span past surrounding whitespace and excluded text at its edges."""
    while True:
        before = (start, end)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end and (span := excluded.inside(start)):
            start = min(span[1], end)
        if start < end and (span := excluded.inside(end - 1)):
            end = max(span[0], start)
        if (start, end) == before:
            return start, end


def _pieces(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut text[start:end] into spans of at most ``max_chars`` at sentence boundaries; an over-long sentence is
    cut at its last comma-like break (or hard) so that no part exceeds the limit."""
    if end - start <= max_chars:
        return [(start, end)]
    out: list[tuple[int, int]] = []
    cur = start
    cut = start
    for s, e in sentence_spans(text[start:end]):
        s, e = s + start, e + start
        if e - cur <= max_chars:
            cut = e
            continue
        if cut > cur:
            out.append((cur, cut))
            cur = cut
        while e - cur > max_chars:  # one sentence longer than the limit
            window = text[cur : cur + max_chars]
            soft = max(window.rfind(c) for c in _SOFT_BREAKS)
            step = soft + 1 if soft >= max_chars // 2 else max_chars
            out.append((cur, cur + step))
            cur += step
        cut = e
    if cut > cur:
        out.append((cur, cut))
    return out


class _PlacedFlags:
    """The document's flags that have a span, sorted by start, for the flags overlapping one clause without
    scanning them all per clause (a 200 MB file has tens of thousands of clauses and of flags)."""

    def __init__(self, doc: Document) -> None:
        self.flags = sorted((f for f in doc.flags if f.start is not None and f.end is not None), key=lambda f: f.start)
        self.starts = [f.start for f in self.flags]
        self.longest = max((f.end - f.start for f in self.flags), default=0)

    def overlapping(self, start: int, end: int) -> list[Flag]:
        lo = bisect.bisect_left(self.starts, start - self.longest)
        hi = bisect.bisect_left(self.starts, end)
        return [f for f in self.flags[lo:hi] if f.end > start]


def _spam_flags(placed: _PlacedFlags, excluded: _Excluded, start: int, end: int) -> tuple[Flag, ...]:
    """Inline excluded text and the document's spam findings inside [start, end), in document coordinates."""
    flags: dict[tuple[int, int], Flag] = {}
    doc_spam = placed.overlapping(start, end)
    for s, e in excluded.overlapping(start, end):
        s, e = max(s, start), min(e, end)
        detail = next((f.detail for f in doc_spam if f.start < e and f.end > s), "excluded text inside the clause")
        flags[(s, e)] = Flag("spam", detail, s, e)
    for f in doc_spam:
        if f.kind == "spam":
            s, e = max(f.start, start), min(f.end, end)
            flags.setdefault((s, e), Flag("spam", f.detail, s, e))
    return tuple(flags[k] for k in sorted(flags))


def _spans(text: str, block: _Block, excluded: _Excluded, max_chars: int) -> list[tuple[int, int]]:
    """The block's clause spans: its segments trimmed, long ones cut at sentence boundaries."""
    spans: list[tuple[int, int]] = []
    for seg_start, seg_end in block.segments:
        seg_start, seg_end = _trim(text, seg_start, seg_end, excluded)
        for s, e in _pieces(text, seg_start, seg_end, max_chars) if seg_end > seg_start else ():
            s, e = _trim(text, s, e, excluded)
            if e > s:
                spans.append((s, e))
    return spans


def split_clauses(doc: Document, max_chars: int = 500) -> list[Clause]:
    """The document's clauses in reading order; ``doc.text[c.start:c.end] == c.text`` for every one.

    A clause that names no unit takes the units named on a heading above it ("（一）xx工作（市市场监管局牵头）"
    followed by its items): the heading assigns the whole section."""
    text = doc.text
    excluded = _Excluded(doc.excluded)
    placed = _PlacedFlags(doc)
    first_is_lead = depts.states_lead_rule(text)
    seen: dict[str, int] = {}
    heading_units: dict[int, Departments] = {}  # id(block) → units named on a heading-only line
    clauses: list[Clause] = []
    for block in _blocks(doc, excluded):
        spans = _spans(text, block, excluded, max_chars)
        clean = "\n".join(remove_spans(text[s:e], excluded.overlapping(s, e), offset=s) for s, e in spans)
        units = depts.extract_departments(clean, first_is_lead)
        if block.heading_only:
            heading_units[id(block)] = units
            continue
        if not spans:
            continue
        if not units:
            units = next((heading_units[id(b)] for b in reversed(block.parents) if heading_units.get(id(b))), units)
        labelled = [b for b in block.parents if b.label.text]
        base = f"{doc.doc_id}#" + "/".join([_id_part(b) for b in labelled] + [_id_part(block)])
        seen[base] = seen.get(base, 0) + 1
        if seen[base] > 1:
            base = f"{base}_{seen[base]}"
        own = block.label.text if block.label else ""
        labels = tuple(b.label.text for b in labelled) + ((own,) if own else ())
        path = tuple(path_element(b.label, b.heading_only) for b in [*block.parents, block])
        for i, (s, e) in enumerate(spans):
            clauses.append(
                Clause(
                    clause_id=base if i == 0 else f"{base}~{i + 1}",
                    doc_id=doc.doc_id,
                    label=own,
                    path=path,
                    text=text[s:e],
                    start=s,
                    end=e,
                    departments=units,
                    flags=_spam_flags(placed, excluded, s, e),
                    labels=labels,
                )
            )
    return clauses
