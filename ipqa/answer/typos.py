"""Homophone slips in a typed question ("抵压" for 抵押, "机够" for 机构, "年低" for 年底): pinyin input makes them
the commonest typo in Chinese, and each one hides a word from the keyword search and the answer gate.

A slip is corrected only when all of these hold, so that a word the corpus merely lacks is left alone:
- the segmenter keeps the two characters together as one token, and they are no word: neither the corpus nor
  jieba's general dictionary holds them, and neither is a function character (a pair across two words, "的知" of
  的知识产权, is no token; "搞个", "贷到" are two words glued);
- replacing one of them by a character of the same pinyin (tones aside) gives a common word of general Chinese
  that the corpus holds (or the thesaurus links to what it holds: 抵押 → 质押).
The corrections are said to the user ("已把“抵压”按“抵押”理解"), never made silently.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ipqa.retrieval.expansion import load_thesaurus
from ipqa.retrieval.tokens import general_frequency

MIN_WORD_FREQUENCY = 50  # the corrected word must be a common word of general Chinese (jieba's counts)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# Function characters the segmenter glues to a neighbour ("搞个", "贷到", "港要", "太高", "政策上鼓不鼓励"): such a
# token is two words, not a slip
_FUNCTION_CHARS = frozenset("个到要能先太之了的得地着过也就都还又再才很更最被把给让向在从对和与及或是有没不会想可上里")


@lru_cache(maxsize=65536)
def _sound(ch: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(ch, style=Style.NORMAL)[0]


def _known(lexical, word: str) -> bool:
    """Whether the corpus holds ``word`` (or the thesaurus links it to terms the corpus uses)."""
    return lexical.idf(word) is not None or word in load_thesaurus()


def _is_word(lexical, word: str) -> bool:
    return general_frequency(word) > 0 or lexical.idf(word) is not None


def correct(lexical, question: str) -> tuple[str, list[tuple[str, str]]]:
    """The question with its homophone slips corrected, and the (typed, corrected) pairs."""
    from ipqa.retrieval.tokens import tokenize

    alphabet = sound_alphabet()
    fixes: list[tuple[str, str]] = []
    for token in dict.fromkeys(tokenize(question, mode="words")):
        # the segmenter keeps an unknown pair of characters together ("抵压", "机够"): a slip is a token, while a
        # pair across two words ("的知" of 的知识产权) is none
        if len(token) != 2 or not _CJK_RUN.fullmatch(token) or _is_word(lexical, token):
            continue
        if _FUNCTION_CHARS & set(token):
            continue
        word = _best_fix(lexical, token, alphabet)
        if word:
            question = question.replace(token, word)
            fixes.append((token, word))
    return question, fixes


def _best_fix(lexical, typed: str, alphabet) -> str | None:
    """The most common word a one-character homophone change of ``typed`` makes, that the corpus holds."""
    best = None
    for j in (0, 1):
        for ch in alphabet.get(_sound(typed[j]), ()):
            if ch == typed[j]:
                continue
            word = typed[:j] + ch + typed[j + 1 :]
            freq = general_frequency(word)
            if freq >= MIN_WORD_FREQUENCY and _known(lexical, word) and (best is None or freq > best[0]):
                best = (freq, word)
    return best[1] if best else None


@lru_cache(maxsize=1)
def sound_alphabet() -> dict[str, tuple[str, ...]]:
    """pinyin syllable → the characters of the common two-character words of general Chinese that are read so:
    the only characters a correction can bring in."""
    from ipqa.retrieval.tokens import general_words

    table: dict[str, list[str]] = {}
    chars = {ch for word in general_words(MIN_WORD_FREQUENCY) if len(word) == 2 for ch in word}
    for ch in sorted(chars):
        if "\u4e00" <= ch <= "\u9fff":
            table.setdefault(_sound(ch), []).append(ch)
    return {k: tuple(v) for k, v in table.items()}


def note(fixes: list[tuple[str, str]]) -> str:
    """The one line saying how the question was read."""
    said = "、".join(f"“{typed}”按“{word}”" for typed, word in fixes)
    return f"已把{said}理解。"
