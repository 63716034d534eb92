"""A PDF's page texts made into the text of the document: look-alike glyphs folded and lines wrapped by the page
width joined again.

PDF writers map the glyphs of common ideographs to radical code points (Chromium's print: ⼀ U+2F00 for 一, ⺠
U+2EA0 for 民), so "⼀、" is no numbering label and "省⽂旅廳" no unit; in a PDF those are artefacts of the font,
never the author's text, so the document text itself is folded (a .txt keeps its own characters). And a PDF has no
paragraphs, only lines cut at the right margin: "（省市場監\\n管局負責）" lost the unit to "管局" (16 of 82 clauses of
seed 001 printed by LibreOffice). A line that fills the text width and does not end a sentence is joined to the
next, unless the next starts a numbered item. Spaces pypdf puts where the writer switched fonts go too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ipqa.corpus.metadata.titles import starts_numbered
from ipqa.text import fold_lookalikes

_KANGXI = re.compile("[\u2f00-\u2fd5]")
# A wide (CJK) character: ideographs, radicals, CJK and full-width punctuation.
_WIDE = "\u2e80-\u303f\u3400-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffee"
# One space between a wide character and a narrow one ("( 一 )", "2020 年", "發布日期 :"): pypdf puts it where the
# writer switched fonts (Chromium draws digits and brackets in another font than ideographs); the page shows none.
_FONT_SEAM = re.compile(rf"(?<=[{_WIDE}]) (?=[^\s{_WIDE}])|(?<=[^\s{_WIDE}]) (?=[{_WIDE}])")
# A line ending in one of these ends its sentence or its item: never joined to the next.
_ENDS = tuple("。！？!?；;：:）)】］]")
# How close to the text width a line must reach to have been wrapped: the wrap leaves at most one wide character's
# room (a narrow digit or Latin letter is less than half one), and widths are estimated from character classes.
_FULL = 0.93
# Below this many half-width cells (20 ideographs) the widest lines are a list of names or a table's column, not
# running text cut by a margin: nothing is joined.
_MIN_WIDTH = 40
_DIGITS = re.compile(r"\d+")
_EDGE = 3  # running headers and footers are among a page's first or last three lines


def pdf_text(pages: Sequence[str]) -> str:
    """The document text of a PDF's pages (as pypdf extracts them), pages separated by a blank line unless a
    sentence runs on from one page to the next."""
    lines: list[str] = []
    breaks: list[str] = []  # breaks[i] stands between lines[i] and lines[i + 1]
    for page_lines in without_furniture([_fold(page).strip("\n").split("\n") for page in pages]):
        if lines:
            breaks.append("\n\n")
        lines.extend(page_lines)
        breaks.extend("\n" * (len(page_lines) - 1))
    width = text_width(lines)
    out = [lines[0]] if lines else []
    for before, line, gap in zip(lines, lines[1:], breaks):
        if wrapped(before, line, width):
            out[-1] = out[-1].rstrip()
            out.append(_glue(before, line) + line.lstrip())
        else:
            out.append(gap + line)
    return "".join(out)


def without_furniture(pages: list[list[str]]) -> list[list[str]]:
    """The pages' lines without running headers and footers: a line at the same place among the first or last
    few of a page on at least half the pages (two at least), its numbers aside ("file:///… 1/7", "第 2 页 共 7 页", a
    print date); one without a number (a running title) as the first or last line of every page of three or more. Left in, it lands inside
    whatever clause runs across the page break. Content lines repeat too ("（省市场监管局负责）"), never with a
    page's number in them on every page."""

    def places(lines: list[str]) -> set[tuple[int, str]]:
        # (position from the top, or from the bottom as a negative number; the line with its numbers masked)
        n = min(_EDGE, len(lines))
        keys = {(i, _DIGITS.sub("#", lines[i].strip())) for i in range(n)}
        return keys | {(i - len(lines), _DIGITS.sub("#", lines[i].strip())) for i in range(len(lines) - n, len(lines))}

    counts: dict[tuple[int, str], int] = {}
    for lines in pages:
        for place in places(lines):
            counts[place] = counts.get(place, 0) + 1
    half, every = max(2, (len(pages) + 1) // 2), max(3, len(pages))
    running = {p for p, n in counts.items() if p[1] and (n >= half if "#" in p[1] else n >= every and p[0] in (0, -1))}
    if not running:
        return pages
    out = []
    for lines in pages:
        drop = {i % len(lines) for i, key in places(lines) & running}
        out.append([line for i, line in enumerate(lines) if i not in drop] or [""])
    return out


def _fold(text: str) -> str:
    """Kangxi radicals (NFKC) and CJK Radicals Supplement look-alikes to their ideographs, zero-width characters
    and font-seam spaces removed."""
    text = _KANGXI.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return _FONT_SEAM.sub("", fold_lookalikes(text))


def display_width(line: str) -> int:
    """The line's width in half-width cells (wide characters 2), spaces not counted: PDF extraction inserts
    spaces where glyphs of two fonts meet (" , " between ideographs), which the page does not show."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line if not c.isspace())


def text_width(lines: Sequence[str]) -> float:
    """The width of a full line of text: the median of the widest lines (the top 5%, at least 3), so that one
    over-long line (two columns run together) does not set it."""
    widths = sorted((display_width(line) for line in lines), reverse=True)
    top = widths[: max(3, len(widths) // 20)]
    return float(top[len(top) // 2]) if top else 0.0


def wrapped(line: str, following: str, width: float) -> bool:
    """True when ``line`` was cut by the right margin in the middle of its sentence, so ``following`` goes on."""
    stripped, after = line.rstrip(), following.lstrip()
    return (
        width >= _MIN_WIDTH
        and bool(stripped)
        and bool(after)
        and not stripped.endswith(_ENDS)
        and display_width(stripped) >= _FULL * width
        and not starts_numbered(after)
    )


def _glue(line: str, following: str) -> str:
    """What stands between two joined lines: a space between two Latin letters or digits, else nothing."""
    a, b = line.rstrip()[-1:], following.lstrip()[:1]
    return " " if a.isascii() and b.isascii() and a.isalnum() and b.isalnum() else ""
