"""The naive peer of ../shared/eval/README.md, for side-by-side figures: the files' lines as paragraphs, the
stock jieba dictionary, rank_bm25.BM25Okapi, no script normalisation, no cleaning, no answers.

It is what a quick first attempt looks like; ``ipqa eval --peer`` measures ipqa against it on the same files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()  # the stock dictionary, without ipqa's domain terms
    tk.initialize()
    return tk


def naive_tokens(text: str) -> list[str]:
    return [w for w in _jieba().lcut(text) if w.strip()]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


class NaivePeer:
    """BM25Okapi over every non-empty line of every text file under the roots."""

    def __init__(self, paragraphs: list[str]) -> None:
        from rank_bm25 import BM25Okapi

        self.paragraphs = paragraphs
        self._bm25 = BM25Okapi([naive_tokens(p) for p in paragraphs] or [[""]])

    @classmethod
    def from_roots(cls, roots: Sequence[Path]) -> NaivePeer:
        paragraphs = []
        files = sorted(p for root in roots for p in Path(root).rglob("*") if p.suffix.lower() in (".txt", ".md"))
        for path in files:  # the peer reads plain text only
            text = _decode(path.read_bytes())
            paragraphs.extend(line.strip() for line in text.splitlines() if line.strip())
        log.info("naive peer: %d paragraphs", len(paragraphs))
        return cls(paragraphs)

    def search(self, query: str, k: int = 10) -> list[str]:
        tokens = naive_tokens(query)
        if not tokens or not self.paragraphs:
            return []
        scores = self._bm25.get_scores(tokens)
        top = np.argsort(-scores, kind="stable")[:k]
        return [self.paragraphs[i] for i in top]


def evaluate_peer(peer: NaivePeer, questions: list, progress: Callable[[int, int], None] | None = None) -> dict:
    """The peer's figures with the same relevance rule and metrics as ipqa's (it gives no answers)."""
    from ipqa.evaluation.evaluate import metrics, score_question

    rows = []
    for n, q in enumerate(questions, start=1):
        rows.append(score_question(q, peer.search(q.question, 10), ""))  # no answers: accuracy 0
        if progress:
            progress(n, len(questions))
    return metrics(rows)
