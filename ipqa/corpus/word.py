"""The text of a Word body, in document order, from its XML: paragraphs one per line, table rows one per line with
cells tab-separated. Walked here rather than through python-docx's ``Paragraph.text`` / ``Table.rows``, which
see only direct children: text in content controls (``w:sdt``, block, row, cell or inline), in nested tables and
in ``w:customXml`` wrappers was dropped without a flag (issue 14)."""

from __future__ import annotations

from collections.abc import Iterator

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Elements that only wrap content: their children are read as if they stood in the wrapper's place.
_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag", W + "ins", W + "moveTo"}
# Text-bearing run children of a paragraph; w:delText (deleted text) and w:instrText (field codes) are not text.
_RUN_TEXT = {W + "t": None, W + "tab": "\t", W + "ptab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
# Never text: a content control's properties (its placeholder and tag), the compatibility copy of a drawing, and
# tracked deletions and the old place of moved text (the text stands where w:ins / w:moveTo put it).
_SKIP = {W + "sdtPr", W + "sdtEndPr", W + "rPr", W + "pPr", MC_FALLBACK, W + "del", W + "moveFrom"}


def children(element, tag: str) -> Iterator:
    """The children of ``element`` with ``tag``, looking through wrappers (a row inside a content control is a
    row of the table). Iterative: hostile nesting cannot overflow the stack."""
    stack = [iter(element)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            stack.append(iter(child))


def body_lines(body) -> list[str]:
    """The lines of a document body (or of any block container: a table cell, a content control)."""
    lines: list[str] = []
    stack = [iter(body)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == W + "p":
            lines.append(paragraph_text(child))
        elif child.tag == W + "tbl":
            lines.extend(table_lines(child))
        elif child.tag in _WRAPPERS:
            stack.append(iter(child))
    return lines


def paragraph_text(paragraph) -> str:
    """A paragraph's text: every run, wherever it sits (hyperlinks, inline content controls, fields' results,
    tracked insertions); a text box's paragraphs start a new line."""
    parts: list[str] = []
    stack = [iter(paragraph)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        tag = node.tag
        if not isinstance(tag, str) or tag in _SKIP or tag == W + "tbl":  # comments, PIs; a text box's table
            continue
        if tag in _RUN_TEXT:
            parts.append((node.text or "") if _RUN_TEXT[tag] is None else _RUN_TEXT[tag])
            continue
        if tag == W + "p":
            parts.append("\n")
        stack.append(iter(node))
    return "".join(parts)


def table_lines(table) -> list[str]:
    """One line per row, cells tab-separated. A cell merged down from the row above (``w:vMerge``) repeats that
    cell's text, so a unit named once for several tasks stays on each task's row; a cell spanning columns
    (``w:gridSpan``) appears once."""
    above: dict[int, str] = {}  # grid column -> text of the cell last seen there
    lines = []
    for row in children(table, W + "tr"):
        column = _int(row.find(f"{W}trPr/{W}gridBefore"), 0)
        cells = []
        for cell in children(row, W + "tc"):
            merge = cell.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(W + "val", "continue") == "continue":
                text = above.get(column, "")
            else:
                text = cell_text(cell)
            above[column] = text
            column += _int(cell.find(f"{W}tcPr/{W}gridSpan"), 1)
            cells.append(text)
        lines.append("\t".join(cells))
    return lines


def cell_text(cell) -> str:
    """A cell's text on one line: its paragraphs and nested tables, in order, joined by spaces."""
    pieces = (" ".join(line.replace("\t", " ").split()) for line in body_lines(cell))
    return " ".join(piece for piece in pieces if piece)


def _int(element, default: int) -> int:
    try:
        return int(element.get(W + "val")) if element is not None else default
    except (TypeError, ValueError):
        return default
