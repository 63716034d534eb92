"""The keyword retriever: BM25 over the index's token table (engine: :mod:`ipqa.retrieval.lexical`, bm25s).

It always builds (it needs no model), so it is what serves first and what serves alone when no embedding model
is available. Query expansion tokens (ipqa.retrieval.expansion) count at their weight.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np

from ipqa.retrieval.base import BuildRows, OldIndex, Query, RetrieverStatus
from ipqa.retrieval.lexical import Lexical
from ipqa.settings import Settings


class BM25Retriever:
    name: ClassVar[str] = "bm25"
    label: ClassVar[str] = "关键词匹配"

    def __init__(self, lexical: Lexical) -> None:
        self.lexical = lexical

    @classmethod
    def build(cls, rows: BuildRows, settings: Settings, old: OldIndex | None) -> tuple[BM25Retriever, RetrieverStatus]:
        lexical = Lexical.build_from_ids(rows.ids, rows.offsets, rows.vocab, settings.bm25_k1, settings.bm25_b)
        retriever = cls(lexical)
        return retriever, retriever.status()

    @classmethod
    def load(cls, folder: Path, status: RetrieverStatus, settings: Settings) -> BM25Retriever:
        return cls(Lexical.load(folder))

    def save(self, folder: Path) -> list[str]:
        return self.lexical.save(folder)

    def search(self, query: Query, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        return self.lexical.search(list(query.tokens), k, allowed, query.expansion)

    def idf(self, token: str) -> float | None:
        """The idf BM25 scores ``token`` with (None: no clause holds it): what the answer gate weighs words by."""
        return self.lexical.idf(token)

    def status(self) -> RetrieverStatus:
        return RetrieverStatus(name=self.name, on=True)

    def __len__(self) -> int:
        return len(self.lexical)


RETRIEVER = BM25Retriever
