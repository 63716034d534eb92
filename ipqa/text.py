"""Text normalisation shared by both retrievers, the evaluator and the answerer.

Display always uses the original text; these functions make the *searchable* form: NFKC (full-width → half-width
digits and punctuation, Kangxi radicals → ideographs), CJK radical look-alikes → ideographs, zero-width characters
removed, traditional → simplified at phrase level (OpenCC), whitespace collapsed. Also the one
definition of a line break (:func:`iter_lines`) and the span helpers every stage shares.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

_WS = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LEADING_ARTICLE = re.compile(r"^第[零一二三四五六七八九十百千万〇两0-9]+条")
# What ends a line: the mandatory breaks of Unicode line breaking (UAX #14 classes BK, CR, LF, NL), i.e. LF, CR
# and CRLF (one break), VT, FF, NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029). Not the
# information separators U+001C–U+001E, which str.splitlines() also splits at; nor only LF, as str.find("\n")
# and a regex "$" see it. Every stage that works line by line uses this through iter_lines.
LINE_BREAKS = "\n\r\v\f\x85\u2028\u2029"
_LINE_BREAK = re.compile(f"\r\n|[{LINE_BREAKS}]")
# A sentence ends at 。！？；(and their half-width forms) or a line break; closing quotes/brackets stay with it.
_SENTENCE_END = re.compile(f"[^。！？；!?;{LINE_BREAKS}]*(?:[。！？；!?;]+[”’」』）)]*|[{LINE_BREAKS}]+|$)")


# Zero-width characters inside words ("专\u200b利" from a web page or a PDF) are removed, so the word matches.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
# CJK Radicals Supplement (U+2E80-U+2EF3) characters that stand for a whole ideograph: PDF fonts map glyphs of 门,
# 民, 长 … to them (2,293 in one file), and NFKC folds only the Kangxi block (U+2F00-U+2FD5) and ⺟ ⻳. The rest
# are component shapes (扌, 氵, 灬 …) that no text writes standalone; they are left alone. The "C-SIMPLIFIED X" and
# "SIMPLIFIED X" radicals are derived from the Unicode names at run time (_radical_table); these have no such
# name to derive from, and are listed with their Unicode equivalent unified ideograph.
_RADICAL_NAMED = {
    "\u2e81": "厂",  # CLIFF
    "\u2e9d": "月",  # MOON
    "\u2ea0": "民",  # CIVILIAN
    "\u2ea9": "王",  # JADE
    "\u2eac": "示",  # SPIRIT ONE
    "\u2ebc": "月",  # MEAT
    "\u2ec1": "虎",  # TIGER
    "\u2ec4": "西",  # WEST TWO
    "\u2ec6": "角",  # SIMPLIFIED HORN
    "\u2ec7": "角",  # HORN
    "\u2ed1": "長",  # LONG ONE
    "\u2ed8": "青",  # BLUE
    "\u2edd": "食",  # EAT ONE
    "\u2ee1": "首",  # HEAD
    "\u2ee3": "骨",  # BONE
    "\u2ee4": "鬼",  # GHOST
    "\u2ef1": "龜",  # TURTLE
}


@lru_cache(maxsize=1)
def radical_table() -> dict[str, str]:
    """Look-alike character → the ideograph it stands for: every CJK Radicals Supplement character named
    "CJK RADICAL C-SIMPLIFIED X" or "CJK RADICAL SIMPLIFIED X" whose Kangxi radical X (NFKC) has a simplified form
    that OpenCC gives (⻔ C-SIMPLIFIED GATE: ⾨ → 門 → 门), plus _RADICAL_NAMED. Applied after NFKC."""
    kangxi = {}
    for code in range(0x2F00, 0x2FD6):
        name = unicodedata.name(chr(code), "")
        kangxi[name.removeprefix("KANGXI RADICAL ")] = unicodedata.normalize("NFKC", chr(code))
    table = dict(_RADICAL_NAMED)
    for code in range(0x2E80, 0x2EF4):
        char = chr(code)
        name = unicodedata.name(char, "").removeprefix("CJK RADICAL ")
        for prefix in ("C-SIMPLIFIED ", "SIMPLIFIED "):
            full = kangxi.get(name.removeprefix(prefix)) if name.startswith(prefix) else None
            if full and unicodedata.normalize("NFKC", char) == char and to_simplified(full) != full:
                table[char] = to_simplified(full)
    return table


@lru_cache(maxsize=1)
def _folds() -> tuple[re.Pattern, dict[str, str]]:
    table = {**radical_table(), **dict.fromkeys(ZERO_WIDTH, "")}
    return re.compile("[" + "".join(table) + "]"), table


def fold_lookalikes(text: str) -> str:
    """``text`` with the radical look-alikes replaced by their ideographs and zero-width characters removed (the
    part of :func:`normalise` that NFKC does not do)."""
    pattern, table = _folds()
    return pattern.sub(lambda m: table[m.group()], text) if pattern.search(text) else text


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # the C++ OpenCC binding: ~14M chars/s here, fast enough for a 150k-clause build

    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    # OpenCC's binding encodes to UTF-8, which a lone surrogate cannot pass (a command-line argument that was not
    # valid UTF-8 reaches Python as one, so does a JSON "\\ud800" escape): it is not text, so it becomes U+FFFD.
    return _t2s().convert(_SURROGATE.sub("\ufffd", text))


def normalise(text: str) -> str:
    """NFKC, radical look-alikes folded and zero-width characters removed (:func:`fold_lookalikes`), traditional →
    simplified, whitespace runs collapsed to one space, stripped. Used on indexed and query text alike; never on
    ``Document.text``, whose spans stay those of the file."""
    text = fold_lookalikes(unicodedata.normalize("NFKC", text))
    text = to_simplified(text)
    return _WS.sub(" ", text).strip()


def compact(text: str) -> str:
    """The form the evaluation's relevance rule compares: normalised, no whitespace, no leading 第X条."""
    text = _WS.sub("", normalise(text))
    return _LEADING_ARTICLE.sub("", text)


def iter_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, line)`` for every line of ``text``, without its line break (any of ``LINE_BREAKS``; CRLF
    is one break), so ``text[start:end] == line``. Blank lines are included; a break at the very end of the text
    opens no empty last line (as with ``str.splitlines``)."""
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        yield pos, m.start(), text[pos : m.start()]
        pos = m.end()
    if pos < len(text):
        yield pos, len(text), text[pos:]


def remove_spans(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    """``text`` with the given spans (in coordinates where ``text`` starts at ``offset``) cut out."""
    if not spans:
        return text
    out, pos = [], 0
    for start, end in sorted(spans):
        start, end = max(start - offset, 0), min(end - offset, len(text))
        if end <= pos or start >= len(text):
            continue
        out.append(text[pos : max(start, pos)])
        pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, covering it without gaps (whitespace stays attached)."""
    spans = []
    for m in _SENTENCE_END.finditer(text):
        if m.end() > m.start():
            spans.append((m.start(), m.end()))
    return spans


def merge_spans(spans) -> list[tuple[int, int]]:
    """Sorted spans with overlapping or touching ones merged."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]
