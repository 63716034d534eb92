"""Text normalisation shared by both retrievers, the evaluator and the answerer.

Display always uses the original text; these functions make the *searchable* form: NFKC (full-width → half-width
digits and punctuation), traditional → simplified at phrase level (OpenCC), whitespace collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ALL_WS = re.compile(r"\s+")
_LEADING_ARTICLE = re.compile(r"^第[零一二三四五六七八九十百千万〇两0-9]+条")
# A sentence ends at 。！？；(and their half-width forms) or a line break; closing quotes/brackets stay with it.
_SENTENCE_END = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)]*|\n+|$)")


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # the C++ OpenCC binding: ~14M chars/s here, fast enough for a 150k-clause build

    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    # OpenCC's binding encodes to UTF-8, which a lone surrogate cannot pass (a command-line argument that was not
    # valid UTF-8 reaches Python as one, so does a JSON "\\ud800" escape): it is not text, so it becomes U+FFFD.
    return _t2s().convert(_SURROGATE.sub("\ufffd", text))


def normalise(text: str) -> str:
    """NFKC, traditional → simplified, whitespace runs collapsed to one space, stripped."""
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    return _WS.sub(" ", text).strip()


def compact(text: str) -> str:
    """The form the evaluation's relevance rule compares: normalised, no whitespace, no leading 第X条."""
    text = _ALL_WS.sub("", normalise(text))
    return _LEADING_ARTICLE.sub("", text)


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
