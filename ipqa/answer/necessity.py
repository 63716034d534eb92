"""How likely a question word is to appear in the clause that answers it ("term necessity").

People ask in their own words. Some of a question's words are what it is about and stand in the answering clause
(质押融资, 发明专利, 地理标志); others are how the asker happens to say it (拿到, 专门, 乱象, 邻居) and the clause
says it otherwise. Counting every word by its idf alone gets this backwards: an everyday word that the documents
almost never use has the highest idf of all, so missing it weighs most.

A word's chance of standing in the answering clause is predicted from what can be known about any word, never
from the word itself (so it holds for questions never seen):

- its idf, relative to the corpus size: words of middling rarity are the subject words; the rarest are mostly
  everyday wording (measured over LeCoQA: 54% of words with idf 6–7.5 stand in the gold article, 13% above 10.5);
- how common it is in general Chinese (jieba's dictionary frequency): a common word the corpus rarely uses is
  the asker's wording;
- whether it is an IP-domain word, and its length (long compounds are terms).

The logistic coefficients in ``ipqa/data/necessity.json`` were fitted by ``python -m benchmarks.fit_necessity``
on LeCoQA train, eval/everyday_calib.jsonl, eval/everyday2.jsonl and seed_dev (never on the test split).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _coefficients() -> tuple[float, ...]:
    data = json.loads((resources.files("ipqa") / "data" / "necessity.json").read_text(encoding="utf-8"))
    return tuple(float(c) for c in data["coefficients"])


def features(idf: float | None, rows: int, frequency: int, ip_word: bool, length: int) -> list[float]:
    """The predictors of :func:`necessity`: ``idf`` over an index of ``rows`` clauses (None: no clause holds the
    word), the word's count in jieba's dictionary, whether it is an IP word, and its length in characters."""
    known = idf is not None
    rarity = idf / math.log(2 * max(rows, 1)) if known else 0.0  # ~1 for a word in one clause of the corpus
    common = math.log10(frequency + 1) / 5
    return [1.0, float(known), rarity, rarity * rarity, common, common * rarity, float(ip_word), min(length, 6) / 6]


def necessity(idf: float | None, rows: int, frequency: int, ip_word: bool, length: int) -> float:
    """The probability that the answering clause holds the word (or a thesaurus relative of it)."""
    z = sum(c * x for c, x in zip(_coefficients(), features(idf, rows, frequency, ip_word, length)))
    return 1.0 / (1.0 + math.exp(-z))
