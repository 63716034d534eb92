"""The index façade: build it, check it is fresh, load it, search it (BM25 + dense, fused by RRF, filtered).

Query time reads the settings saved in the manifest, so tokenizer, model and fusion depth cannot drift from
what the index was built with.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ipqa.index import columns, store
from ipqa.index.build import BuildReport, build_index, index_state
from ipqa.index.store import IndexLoadError
from ipqa.records import Clause, Document, Filters, Hit, SearchResult
from ipqa.retrieval.expansion import expand
from ipqa.retrieval.fusion import rrf
from ipqa.retrieval.lexical import Lexical
from ipqa.retrieval.tokens import tokenize
from ipqa.settings import MAX_QUESTION_CHARS as MAX_QUERY_CHARS
from ipqa.settings import Settings
from ipqa.text import normalise

__all__ = ["MAX_QUERY_CHARS", "BuildReport", "Index", "IndexLoadError", "build_index", "index_state"]

log = logging.getLogger(__name__)


class Index:
    """A loaded index. Row ``i`` of both retrievers is ``clauses[i]``."""

    def __init__(
        self,
        folder: Path,
        manifest: dict,
        documents: dict[str, Document],
        clauses: list[Clause],
        lexical: Lexical,
        dense,
    ) -> None:
        self.folder = folder
        self.manifest = manifest
        self.settings = Settings.from_dict(manifest.get("settings", {}))
        self.documents = documents
        self.clauses = clauses
        self.skipped = _skipped(manifest.get("skipped", []))
        self._lexical = lexical
        self._dense = dense
        self._encoder = None
        info = manifest.get("dense", {})
        self.dense_status = "" if dense is not None else (info.get("reason") or "no dense index")
        self._by_id = {c.clause_id: i for i, c in enumerate(clauses)}
        self._doc_of_row = np.asarray([c.doc_id for c in clauses], dtype=object)
        self._allowed_cache: dict[Filters, np.ndarray] = {}

    @classmethod
    def load(cls, index_dir: Path) -> Index:
        """Load ``index_dir``; IndexLoadError names the missing, damaged or incompatible file and what to do."""
        from concurrent.futures import ThreadPoolExecutor

        folder = Path(index_dir)
        manifest = store.read_manifest(folder, verify=False)
        # The checksums are checked on the other core while the records are parsed (hashlib and file reads
        # release the GIL); when both fail, the damaged file is named rather than the parse error it caused.
        with ThreadPoolExecutor(1) as pool:
            checked = pool.submit(store.verify_files, folder, manifest)
            try:
                with store.gc_paused():
                    index = cls._read(folder, manifest)
            except BaseException:
                checked.result()
                raise
            checked.result()
        return index

    @classmethod
    def _read(cls, folder: Path, manifest: dict) -> Index:
        try:
            docs = columns.read_documents(folder)
            clauses = columns.read_clauses(folder, docs)
            documents = {d.doc_id: d for d in docs}
            lexical = Lexical.load(folder)
            dense = None
            if manifest.get("dense", {}).get("status") == "on":
                from ipqa.retrieval.dense import DenseIndex

                dense = DenseIndex.load(folder / "dense")
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise IndexLoadError(
                f"cannot read the index in {folder} ({exc}); run `ipqa build --index {folder}` to rebuild it"
            ) from None
        if len(lexical) != max(len(clauses), 1) or (dense is not None and len(dense) != len(clauses)):
            raise IndexLoadError(
                f"the retrievers in {folder} do not match clauses.jsonl; run `ipqa build --index "
                f"{folder}` to rebuild it"
            )
        return cls(folder, manifest, documents, clauses, lexical, dense)

    def clause(self, clause_id: str) -> Clause:
        return self.clauses[self._by_id[clause_id]]

    def document(self, doc_id: str) -> Document:
        return self.documents[doc_id]

    def allowed_rows(self, filters: Filters | None) -> np.ndarray | None:
        """Sorted row ids passing ``filters`` (None when there is no filter), computed per document."""
        if not filters:
            return None
        if filters not in self._allowed_cache:
            docs = [d for d, doc in self.documents.items() if filters.accepts(d, doc.meta)]
            self._allowed_cache[filters] = np.flatnonzero(np.isin(self._doc_of_row, docs)).astype(np.int64)
        return self._allowed_cache[filters]

    def _query_vector(self, query: str) -> np.ndarray | None:
        """The query embedding, or None (with ``dense_status`` set) when the model cannot be loaded now."""
        if self._dense is None:
            return None
        if self._encoder is None:
            from ipqa.retrieval.dense import EncoderUnavailable, load_encoder

            try:
                self._encoder = load_encoder(self.settings.model)
            except EncoderUnavailable as exc:
                self.dense_status, self._dense = str(exc), None
                return None
        return self._encoder.encode_query(query, self.settings.query_instruction)

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> SearchResult:
        """The ``k`` best clauses for ``query``. Bad input (empty, only punctuation, too long) gives a message or
        a note, never an exception; filters apply inside both retrievers before the cut."""
        notes: list[str] = []
        text = (query or "").strip()
        if not text:
            return SearchResult(query=query or "", message="the query is empty: type a few words or a question")
        if len(text) > MAX_QUERY_CHARS:
            notes.append(f"the query was cut to its first {MAX_QUERY_CHARS} characters")
            text = text[:MAX_QUERY_CHARS]
        s = self.settings
        tokens = tokenize(text, s.tokenizer)
        terms = tuple(dict.fromkeys(tokenize(text, "words")))
        if not tokens:  # only punctuation, symbols, emoji or question words: nothing either retriever can use
            return SearchResult(
                query=query,
                notes=tuple(notes),
                message="the query has no searchable words (only punctuation, symbols or question words)",
            )
        allowed = self.allowed_rows(filters)
        if allowed is not None and allowed.size == 0:
            return SearchResult(query=query, notes=tuple(notes), terms=terms, message="no document matches the filters")
        depth = max(s.depth, k)
        # Thesaurus expansion (ipqa.retrieval.expansion): related official terms at a weight below the query's own words.
        weighted = expand(text, weight=s.query_expansion) if s.query_expansion > 0 else []
        ranked = {"bm25": self._lexical.search(tokens, depth, allowed, weighted)}
        vector = self._query_vector(text)
        if vector is not None:
            ranked["dense"] = self._dense.search(vector, depth, allowed)
        if self.dense_status:
            notes.append(f"semantic search off: {self.dense_status}")
        hits = tuple(self._hit(f, terms) for f in rrf(ranked, k=s.rrf_k, limit=k))
        message = "" if hits else "no clause matches the query"
        return SearchResult(query=query, hits=hits, notes=tuple(notes), message=message, terms=terms)

    def _hit(self, fused, terms: tuple[str, ...]) -> Hit:
        clause = self.clauses[fused.row]
        haystack = normalise(clause.clean_text).lower()
        matched = tuple(t for t in terms if t in haystack)
        return Hit(clause=clause, score=fused.score, retrievers=fused.retrievers, matched_terms=matched)


def _skipped(rows: list[dict]) -> list:
    try:
        from ipqa.corpus.reading import Skipped
    except ImportError:  # pragma: no cover - corpus lands with the reader
        return rows
    return [Skipped(path=r["path"], reason=r["reason"]) for r in rows]
