"""Completing a serving index with its clause vectors: BM25 serves from the moment a build swaps the index in;
this step computes the missing vectors in checkpointed chunks (ipqa.retrieval.dense.complete), then adds the
dense retriever's files to the index folder and rewrites the manifest in one step, so search turns hybrid.

It runs after ``ipqa build`` (same command, unless ``--no-embed``), as ``ipqa embed`` to resume an interrupted
run, and in the app's background. Encoding takes no lock (its checkpoints are keyed by text, so a rebuild in the
meantime loses nothing); only the final write takes the build lock, and if the index was rebuilt while encoding,
the work continues against the new one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ipqa.index import columns, store
from ipqa.index.ingest import indexed_text
from ipqa.index.manifest import read_manifest, write_manifest
from ipqa.retrieval.base import RetrieverStatus
from ipqa.retrieval.encoder import EncoderUnavailable

log = logging.getLogger(__name__)

DENSE = "dense"
MAX_ROUNDS = 3  # rebuilds that can overtake one completion before it gives up (the next run resumes)


@dataclass(frozen=True)
class EmbedReport:
    encoded: int  # rows encoded by this run
    reused: int  # rows whose vectors were already there
    status: RetrieverStatus  # the dense retriever's status afterwards


def _texts(index):
    """Row → the indexed text both retrievers see (ipqa.index.ingest.indexed_text)."""

    def text_of(i: int) -> str:
        clause = index.clauses[i]
        return indexed_text(index.documents[clause.doc_id], clause)

    return text_of


def needs_vectors(index_dir: Path) -> bool:
    """Whether the index at ``index_dir`` is waiting for its clause vectors."""
    from ipqa.retrieval.dense import is_pending

    try:
        return is_pending(read_manifest(Path(index_dir), verify=False).status(DENSE))
    except store.IndexLoadError:
        return False


def embed_pending(index_dir: Path, progress=None, wait: float | None = None) -> EmbedReport:
    """Compute the missing vectors of the index at ``index_dir`` and turn its dense retriever on."""
    from ipqa.index.lock import build_lock
    from ipqa.index.searcher import Index
    from ipqa.retrieval.dense import complete, is_pending

    index_dir = Path(index_dir)
    for _ in range(MAX_ROUNDS):
        manifest = read_manifest(index_dir)
        status = manifest.status(DENSE)
        if not is_pending(status):
            return EmbedReport(0, 0, status)
        index = Index.load(index_dir)
        keys = columns.read_keys(index_dir)
        try:
            retriever, encoded = complete(
                index_dir,
                keys,
                _texts(index),
                manifest.settings,
                progress,
                clause_ids=[c.clause_id for c in index.clauses],
                doc_ids=[c.doc_id for c in index.clauses],
            )
        except EncoderUnavailable as exc:
            log.warning("vectors not computed: %s", exc)
            return EmbedReport(0, 0, RetrieverStatus(DENSE, on=False, reason=str(exc), details=status.details))
        if retriever is None:
            return EmbedReport(0, 0, status)
        with build_lock(index_dir, wait=wait):
            current = read_manifest(index_dir, verify=False)
            if current.checksums.get("clauses.keys.npy") != manifest.checksums.get("clauses.keys.npy"):
                log.info("the index was rebuilt while its vectors were computed; continuing with the new one")
                continue
            written = retriever.save(index_dir)
            current.checksums.update(store.checksums(index_dir, written))
            current.retrievers[DENSE] = retriever.status()
            write_manifest(index_dir, current)
        log.info("vectors complete for %s: %d encoded now, %d reused", index_dir, encoded, len(keys) - encoded)
        return EmbedReport(encoded, len(keys) - encoded, retriever.status())
    return EmbedReport(0, 0, read_manifest(index_dir, verify=False).status(DENSE))
