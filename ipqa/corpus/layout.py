"""Lines placed on a page → paragraphs: the layout of an OFD page or of a scan wrapped each paragraph at the
right edge of the text block, and "…加快推进知识\\n产权强市建设" breaks words, unit names ("（省市场监\\n管局负责）")
and figures apart. Both the OFD reader (positions in mm) and OCR (pixels) place each line and join it here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

# A line that starts a numbered item or heading never continues the line above it. (A small copy of the labels
# ipqa.clauses.numbering knows: the corpus stage does not import the clause stage.)
_LABEL_START = re.compile(
    r"\s*(第[一二三四五六七八九十百千\d]+[编章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,3}[.．、]|[①-⑳])"
)


@dataclass(frozen=True)
class Line:
    text: str
    left: float
    right: float
    size: float  # character size (font size in mm, glyph height in pixels)
    y: float  # vertical position (baseline or top, the same for every line of a page), growing down the page


def paragraphs(lines: list[Line], width: float) -> str:
    """The page's lines in order, with a line that runs to the right edge of the text block joined to the next
    one. The next line must start at the block's left edge (an indented line begins a paragraph), follow at the
    page's usual line distance (a wider gap is a blank line between paragraphs) and not start with a label. The
    block's right edge mirrors its left margin on the page (official documents' margins are near-symmetric,
    GB/T 9704), so a page of short lines is not mistaken for a wrapped paragraph; without a page width, the
    longest line's right end is taken."""
    if not lines:
        return ""
    left = min(line.left for line in lines)
    right = width - left if width > 2 * left else max(line.right for line in lines)
    gaps = sorted(b.y - a.y for a, b in pairwise(lines) if b.y > a.y)
    pitch = gaps[len(gaps) // 2] if gaps else 0.0  # the median distance between lines
    out = [lines[0].text]
    for before, line in pairwise(lines):
        wrapped = (
            before.right >= right - 2 * before.size
            and line.left <= left + 0.5 * line.size
            and 0 < line.y - before.y <= 1.25 * pitch
            and not _LABEL_START.match(line.text)
        )
        out.append(line.text if wrapped else "\n" + line.text)
    return "".join(out)
