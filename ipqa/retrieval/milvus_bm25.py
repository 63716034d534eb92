"""The keyword retriever served by Milvus: the BM25 of :mod:`ipqa.retrieval.bm25` (same tokens, k1, b, idf), with
the clauses in a Milvus collection (:mod:`ipqa.retrieval.milvus_store`) instead of bm25s files.

The index folder keeps what it keeps for the files engine (documents, clauses, manifest) plus this retriever's row
table (``milvus_bm25/rows.json``: each row's primary key and document), so rows, filters, fusion and "why it
matched" are the index's own. A build updates the collection one document at a time: a document whose clauses
(ids and indexed text) are what the collection holds is left alone, a changed one is deleted and re-inserted, a
removed one deleted.

Query expansion: Milvus takes a query as text, and a token repeated in it counts again (BM25 is linear in the query
term counts), so ``w·BM25(t)`` for an expansion token is reproduced by repeating the query's own tokens ``m`` times
and ``t`` ``w·m`` times, then dividing the scores by ``m`` (weight 0.2: own tokens ×5, expansion ×1).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from fractions import Fraction
from math import lcm
from pathlib import Path
from typing import ClassVar

import numpy as np

from ipqa import jsonio
from ipqa.retrieval import milvus_store as ms
from ipqa.retrieval.base import BuildRows, OldIndex, Query, RetrieverStatus
from ipqa.retrieval.tokens import tokenizer_signature
from ipqa.settings import Settings

log = logging.getLogger(__name__)

FOLDER = "milvus_bm25"
ROWS = "rows.json"
MAX_REPEAT = 10  # expansion weights are rounded to tenths of the query's own weight at most


class MilvusBM25Retriever:
    name: ClassVar[str] = "milvus_bm25"
    label: ClassVar[str] = "关键词匹配"

    def __init__(
        self,
        engine: ms.Engine,
        pks: list[str],
        docs: list[str],
        doc_of_row: np.ndarray,
        df: dict[str, int],
        client=None,
    ):
        self.engine = engine
        self.df = df  # token → clauses holding it: the idf the answer gate weighs words by, without a round trip
        self.pks = pks
        self.docs = docs  # the documents in row order
        self.doc_of_row = doc_of_row  # row → index into docs
        self._row = {pk: i for i, pk in enumerate(pks)}
        self._client = client
        self._off = ""  # set when Milvus cannot be reached at query time

    @classmethod
    def build(
        cls, rows: BuildRows, settings: Settings, old: OldIndex | None
    ) -> tuple[MilvusBM25Retriever, RetrieverStatus]:
        """Raises MilvusUnavailable when the collection cannot be written: the keyword index is the one every search
        needs, so the build stops before its swap and the previous index keeps serving."""
        try:
            engine = ms.parse_engine(settings.engine, settings.milvus_collection)
        except ValueError as exc:
            raise ms.MilvusUnavailable(str(exc)) from None
        from ipqa.retrieval.milvus_vectors import check_index_type

        # the keyword collection is written first: a dense setting Milvus would refuse stops the build before it
        check_index_type(engine, settings.milvus_dense_index)
        client = ms.connect(engine)
        pks = [ms.clause_pk(c) for c in rows.clause_ids]
        docs = list(dict.fromkeys(rows.doc_ids))
        position = {d: i for i, d in enumerate(docs)}
        doc_of_row = np.fromiter((position[d] for d in rows.doc_ids), dtype=np.int32, count=len(rows.doc_ids))
        try:
            sync(client, engine.collection, rows, pks, settings)
        except ms.errors() as exc:
            log.warning("Milvus build failed: %s", exc)
            raise ms.MilvusUnavailable(f"写入 Milvus 失败（{engine.describe()}）：{exc}") from None
        retriever = cls(engine, pks, docs, doc_of_row, doc_frequencies(rows), client)
        return retriever, retriever.status()

    @classmethod
    def load(cls, folder: Path, status: RetrieverStatus, settings: Settings) -> MilvusBM25Retriever:
        data = json.loads((folder / FOLDER / ROWS).read_text(encoding="utf-8"))
        engine = ms.parse_engine(settings.engine, settings.milvus_collection)
        df = dict(zip(data["vocab"], data["df"]))
        return cls(engine, data["pks"], data["docs"], np.asarray(data["doc_of_row"], dtype=np.int32), df)

    def save(self, folder: Path) -> list[str]:
        target = folder / FOLDER
        target.mkdir(parents=True, exist_ok=True)
        data = {
            "pks": self.pks,
            "docs": self.docs,
            "doc_of_row": self.doc_of_row.tolist(),
            "vocab": list(self.df),
            "df": list(self.df.values()),
        }
        (target / ROWS).write_text(jsonio.dumps(data), encoding="utf-8")
        return [f"{FOLDER}/{ROWS}"]

    def _connected(self):
        """The client, connecting on first use (loading an index never waits for Milvus); None when unreachable."""
        if self._client is None:
            try:
                client = ms.connect(self.engine)
                client.load_collection(self.engine.collection)
                self._client = client
            except ms.MilvusUnavailable as exc:
                self._fail(str(exc))
            except ms.errors() as exc:  # a dropped collection, a refused request
                self._fail(str(exc))
        return self._client

    def _fail(self, reason: str) -> None:
        # off until a later query succeeds: a server that comes back is used again without a reload
        self._off = f"Milvus 不可用（{self.engine.describe()}）：{reason}"
        log.warning("milvus_bm25 off: %s", reason)

    def search(self, query: Query, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        if k <= 0 or not query.tokens or (allowed is not None and allowed.size == 0):
            return []
        client = self._connected()
        if client is None:
            return []
        text, scale = weighted_text(query.tokens, query.expansion)
        kwargs = {}
        if allowed is not None:
            # the index's own filter (Filters.accepts, per document) as the documents it allows: equivalent by
            # construction, and Milvus applies it before the top k is cut
            kwargs = {"filter": ms.doc_filter(self._allowed_docs(allowed))}
        try:
            found = client.search(
                self.engine.collection,
                data=[text],
                anns_field="sparse",
                limit=min(k, 16_384),  # Milvus' largest top k
                output_fields=["pk"],
                search_params={"params": {"drop_ratio_search": 0.0}},
                timeout=ms.REQUEST_SECONDS,
                **kwargs,
            )[0]
        except ms.errors() as exc:
            self._client = None  # reconnect next time
            self._fail(str(exc))
            return []
        self._off = ""
        hits = [(self._row[h["id"]], float(h["distance"]) / scale) for h in found if h["id"] in self._row]
        # the files engine's order: score descending, then row ascending (Milvus leaves ties in any order)
        return sorted((h for h in hits if h[1] > 0), key=lambda h: (-h[1], h[0]))

    def idf(self, token: str) -> float | None:
        """Lucene's idf of ``token`` over the rows, as :meth:`ipqa.retrieval.lexical.Lexical.idf` and Milvus compute it."""
        df = self.df.get(token, 0)
        if not df:
            return None
        return float(np.log1p((len(self.pks) - df + 0.5) / (df + 0.5)))

    def _allowed_docs(self, allowed: np.ndarray) -> list[str]:
        return [self.docs[i] for i in np.unique(self.doc_of_row[allowed]).tolist()]

    def status(self) -> RetrieverStatus:
        if self._off:
            return RetrieverStatus(self.name, on=False, reason=self._off, details={"engine": self.engine.describe()})
        return RetrieverStatus(self.name, on=True, details={"engine": self.engine.describe()})

    def __len__(self) -> int:
        return len(self.pks)


def weighted_text(tokens: Sequence[str], expansion: Sequence[tuple[str, float]]) -> tuple[str, int]:
    """(query text for Milvus, the factor its scores are to be divided by): own tokens repeated ``m`` times and
    each expansion token ``round(w·m)`` times, ``m`` the least common denominator of the weights."""
    weights = [Fraction(w).limit_denominator(MAX_REPEAT) for _, w in expansion if w > 0]
    m = lcm(*(w.denominator for w in weights)) if weights else 1
    words = [t for t in tokens for _ in range(m)]
    for (token, _), w in zip(((t, w) for t, w in expansion if w > 0), weights):
        words.extend([token] * int(w * m))
    return " ".join(words), m


def doc_frequencies(rows: BuildRows) -> dict[str, int]:
    """Token → number of rows holding it (a row × token count matrix in CSC layout: its column lengths)."""
    from scipy import sparse

    n = len(rows.offsets) - 1
    if n == 0 or len(rows.ids) == 0:
        return {}
    docs = np.repeat(np.arange(n, dtype=np.int32), np.diff(rows.offsets))
    ones = np.ones(len(docs), dtype=np.int32)
    counts = sparse.csc_matrix((ones, (docs, rows.ids.astype(np.int32))), shape=(n, len(rows.vocab)))
    counts.sum_duplicates()
    df = np.diff(counts.indptr)
    return {rows.vocab[t]: int(df[t]) for t in np.flatnonzero(df).tolist()}


def _tokens_text(rows: BuildRows, i: int) -> str:
    text = " ".join(rows.vocab[j] for j in rows.ids[rows.offsets[i] : rows.offsets[i + 1]].tolist())
    return text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate is not valid UTF-8 for Milvus


def sync(client, name: str, rows: BuildRows, pks: list[str], settings: Settings) -> None:
    """Bring collection ``name`` in step with ``rows``: per document, delete and re-insert only what changed."""
    description = ms.signature(settings.bm25_k1, settings.bm25_b, tokenizer_signature(settings.tokenizer))
    ms.open_collection(client, name, description, settings.bm25_k1, settings.bm25_b)
    ms.sync_documents(client, name, pks, rows.doc_ids, rows.keys, lambda i: {"tokens": _tokens_text(rows, i)})


RETRIEVER = MilvusBM25Retriever
