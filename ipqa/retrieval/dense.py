"""The semantic retriever: clause embeddings from a local sentence-transformers model (ipqa.retrieval.encoder)
in a faiss index (ipqa.retrieval.faiss_index), searched with the query's embedding.

It is off, with the reason in its status, when the setting names no model or the model is not available
offline; the index then serves BM25 alone and says so. A rebuild re-encodes only clauses whose indexed text
changed: vectors of the old index are reused by the key of that text when the same model made them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import ClassVar

import numpy as np

from ipqa.retrieval.base import BuildRows, OldIndex, Query, RetrieverStatus
from ipqa.retrieval.encoder import EncoderUnavailable, load_encoder, passage_precision
from ipqa.retrieval.faiss_index import DenseIndex
from ipqa.retrieval.vector_cache import CHUNK, VectorCache, cache_dir
from ipqa.settings import Settings

log = logging.getLogger(__name__)

FOLDER = "dense"


class DenseRetriever:
    name: ClassVar[str] = "dense"
    label: ClassVar[str] = "语义相近"

    def __init__(self, index: DenseIndex, settings: Settings, encoded: int = 0, reused: int = 0) -> None:
        self.index = index
        self.model = settings.model
        self.precision = passage_precision(settings.encode_precision)  # what the passage vectors were encoded at
        self.instruction = settings.query_instruction
        self.encoded, self.reused = encoded, reused  # for the build report
        self._encoder = None
        self._off = ""  # set when the query encoder cannot be loaded at query time

    @classmethod
    def build(
        cls, rows: BuildRows, settings: Settings, old: OldIndex | None
    ) -> tuple[DenseRetriever | None, RetrieverStatus]:
        """The faiss index when every row has a vector already (from the old index or the checkpoints beside
        the index), else a "pending" status saying how many are done: the build does not wait for encoding,
        which :func:`complete` does afterwards (``ipqa embed``, or the app in the background)."""

        def off(reason: str, **details) -> tuple[None, RetrieverStatus]:
            return None, RetrieverStatus(
                cls.name, on=False, reason=reason, details={"model": settings.model, **details}
            )

        if not settings.model.strip():
            return off("disabled by setting")
        try:
            encoder = load_encoder(settings.model)
        except EncoderUnavailable as exc:
            log.info("semantic search off: %s", exc)  # the caller shows the status
            return off(str(exc))
        if not len(rows.keys):
            return off("no clauses to embed")
        precision = passage_precision(settings.encode_precision)
        known = _old_vectors(old, settings.model, encoder.dim, precision)
        source = vector_source(settings.model, precision)
        cache = VectorCache(cache_dir(rows.index_dir, source)) if rows.index_dir is not None else None
        cached = cache.load(encoder.dim) if cache is not None else {}
        known.update(cached)
        done = sum(key in known for key in rows.keys)
        if done < len(rows.keys):
            if cache is not None:
                # the old index goes with the swap: keep its vectors where the completion step will look
                carried = [k for k in dict.fromkeys(rows.keys) if k in known and k not in cached]
                for start in range(0, len(carried), CHUNK * 16):
                    part = carried[start : start + CHUNK * 16]
                    cache.add(part, np.stack([known[k] for k in part]))
            return off(pending_reason(done, len(rows.keys)), state=PENDING, done=done, total=len(rows.keys))
        vectors = np.stack([known[key] for key in rows.keys]).astype(np.float32)
        built = vector_index(vectors, settings, rows.clause_ids, rows.doc_ids, rows.keys)
        retriever = cls(built, settings, 0, len(rows.keys))
        retriever._encoder = encoder
        return retriever, retriever.status()

    @classmethod
    def load(cls, folder: Path, status: RetrieverStatus, settings: Settings) -> DenseRetriever:
        return cls(load_vector_index(folder / FOLDER, settings), settings)

    def save(self, folder: Path) -> list[str]:
        return [f"{FOLDER}/{name}" for name in self.index.save(folder / FOLDER)]

    def _query_vector(self, text: str) -> np.ndarray | None:
        if self._off:
            return None
        if self._encoder is None:
            try:
                self._encoder = load_encoder(self.model)
            except EncoderUnavailable as exc:
                self._off = str(exc)
                return None
        return self._encoder.encode_query(text, self.instruction)

    def search(self, query: Query, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        vector = self._query_vector(query.text)
        return [] if vector is None else self.index.search(vector, k, allowed)

    def status(self) -> RetrieverStatus:
        off = self._off or getattr(self.index, "failed", "")  # the encoder, or a Milvus that stopped answering
        if off:
            return RetrieverStatus(self.name, on=False, reason=off, details={"model": self.model})
        details = {"model": self.model, "dim": self.index.dim, "kind": self.index.kind, "precision": self.precision}
        engine = getattr(self.index, "engine", None)  # a Milvus collection: where, so a rebuild can reuse them
        if engine is not None:
            details.update(engine=engine.canonical(), collection=engine.collection)
        return RetrieverStatus(self.name, on=True, details=details)

    def __len__(self) -> int:
        return len(self.index)

    def vectors(self) -> np.ndarray:
        return self.index.vectors()


PENDING = "pending"


def pending_reason(done: int, total: int) -> str:
    return (
        f"clause vectors are being computed ({done:,} of {total:,} done); `ipqa embed` resumes the work and "
        "search turns hybrid when it is complete"
    )


def vector_source(model: str, precision: str) -> str:
    """What a vector is reused by: the model and the precision it was encoded at (bf16 vectors differ slightly)."""
    return model if precision == "fp32" else f"{model}@{precision}"


def is_pending(status: RetrieverStatus) -> bool:
    return not status.on and status.details.get("state") == PENDING


def complete(index_dir: Path, keys: list[bytes], text_of, settings: Settings, progress=None, clause_ids=(), doc_ids=()):
    """Encode the rows that have no vector yet, one checkpointed chunk at a time (ipqa.retrieval.vector_cache),
    and return (the finished retriever, the number of rows encoded now). A kill loses at most one chunk; the
    vectors of the index being completed are reused when the same model made them. ``clause_ids`` and ``doc_ids``
    (per row) are what a Milvus collection keys the vectors by."""
    encoder = load_encoder(settings.model)  # EncoderUnavailable goes to the caller
    precision = passage_precision(settings.encode_precision)
    cache = VectorCache(cache_dir(index_dir, vector_source(settings.model, precision)))
    known = cache.load(encoder.dim)
    todo = [i for i, key in enumerate(keys) if key not in known]
    for start in range(0, len(todo), CHUNK):
        part = todo[start : start + CHUNK]
        vectors = encoder.encode_passages(
            [text_of(i) for i in part], batch_size=settings.encode_batch_size, precision=precision
        )
        cache.add([keys[i] for i in part], vectors)
        known.update(zip((keys[i] for i in part), vectors))
        if progress:
            progress("encode", min(start + CHUNK, len(todo)), len(todo))
    if not keys:
        return None, 0
    vectors = np.stack([known[key] for key in keys]).astype(np.float32)
    built = vector_index(vectors, settings, clause_ids, doc_ids, keys)
    retriever = DenseRetriever(built, settings, len(todo), len(keys) - len(todo))
    retriever._encoder = encoder
    return retriever, len(todo)


def _old_vectors(old: OldIndex | None, model: str, dim: int, precision: str) -> dict[bytes, np.ndarray]:
    """Vectors of the old index by row key, when the same model made them at the same precision (else none)."""
    status = old.statuses.get(DenseRetriever.name) if old else None
    if status is None or not status.on or status.details.get("model") != model:
        return {}
    if status.details.get("precision", "fp32") != precision:
        return {}
    try:
        vectors = load_vector_index(old.folder / FOLDER, old_settings(old, status)).vectors()
        keys = old.read_keys()
    except (OSError, ValueError) as exc:
        log.warning("no embeddings reused from %s: %s", old.folder, exc)
        return {}
    if vectors.shape[1:] != (dim,) or len(vectors) != len(keys):
        return {}
    return dict(zip(keys, vectors))


def vector_index(vectors: np.ndarray, settings: Settings, clause_ids, doc_ids, keys):
    """The vectors' index on the settings' engine: faiss in the index folder, or a Milvus collection."""
    from ipqa.retrieval import milvus_store

    if not milvus_store.is_milvus(settings.engine):
        return DenseIndex.build(vectors, settings.exact_search_limit)
    from ipqa.retrieval.milvus_vectors import MilvusVectors

    engine = _engine(settings)
    source = vector_source(settings.model, passage_precision(settings.encode_precision))
    return MilvusVectors.build(vectors, engine, settings.milvus_dense_index, source, clause_ids, doc_ids, keys)


def load_vector_index(folder: Path, settings: Settings):
    from ipqa.retrieval import milvus_store

    if not milvus_store.is_milvus(settings.engine):
        return DenseIndex.load(folder)
    from ipqa.retrieval.milvus_vectors import MilvusVectors

    return MilvusVectors.load(folder, _engine(settings))


def _engine(settings: Settings):
    from ipqa.retrieval import milvus_store

    try:
        return milvus_store.parse_engine(settings.engine, settings.milvus_collection)
    except ValueError as exc:
        raise milvus_store.MilvusUnavailable(str(exc)) from None


def old_settings(old: OldIndex, status: RetrieverStatus) -> Settings:
    """Enough of the old index's settings to open its vectors: the engine its dense status names."""
    from dataclasses import replace

    return replace(
        Settings(), engine=status.details.get("engine", ""), milvus_collection=status.details.get("collection", "ipqa")
    )


RETRIEVER = DenseRetriever
