"""The index façade: load it, search it (every retriever of the registry, fused by RRF, filtered before the cut).

Query time reads the settings saved in the manifest, so tokenizer, model and fusion depth cannot drift from
what the index was built with.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ipqa.corpus.reading import Skipped
from ipqa.index import columns, store
from ipqa.index.build import BuildReport, build_index, off_reasons
from ipqa.index.manifest import Manifest, read_manifest, verify_files
from ipqa.index.state import index_state
from ipqa.index.store import IndexLoadError
from ipqa.records import Clause, Document, Filters, Hit, SearchResult
from ipqa.retrieval.base import Query, Retriever, RetrieverStatus
from ipqa.retrieval.expansion import expand
from ipqa.retrieval.fusion import rrf
from ipqa.retrieval.prior import rerank, row_prior
from ipqa.retrieval.registry import UnknownRetriever, retriever_classes
from ipqa.retrieval.tokens import query_tokens, tokenize
from ipqa.settings import MAX_QUESTION_CHARS as MAX_QUERY_CHARS
from ipqa.text import normalise

__all__ = ["MAX_QUERY_CHARS", "BuildReport", "Index", "IndexLoadError", "build_index", "index_state"]

log = logging.getLogger(__name__)

# What a search says instead of hits (people read these: in the answer, the app, the API's "message").
EMPTY_QUERY = "问题是空的：请输入几个词或一个问题。"
NO_SEARCHABLE_WORDS = (
    "问题中没有可检索的词（只有标点、符号或疑问词）：请写出要找的内容，例如“谁负责知识产权质押融资？”。"
)
NO_DOCUMENT_FILTERED = "没有符合筛选条件的文件。"
NO_CLAUSE_MATCHES = "没有与问题匹配的条款。"

MAX_CACHED_FILTERS = 256  # filters whose allowed rows are kept (least recently used dropped first)


class Index:
    """A loaded index. Row ``i`` of every retriever is ``clauses[i]``; ``retrievers`` are in fusion order."""

    def __init__(
        self,
        folder: Path,
        manifest: Manifest,
        documents: dict[str, Document],
        clauses: list[Clause],
        retrievers: dict[str, Retriever],
    ) -> None:
        self.folder = folder
        self.manifest = manifest
        self.settings = manifest.settings
        self.documents = documents
        self.clauses = clauses
        self.skipped = [Skipped(path=s.path, reason=s.reason) for s in manifest.skipped]
        self.retrievers = retrievers
        self._by_id = {c.clause_id: i for i, c in enumerate(clauses)}
        self._doc_of_row = np.asarray([c.doc_id for c in clauses], dtype=object)
        self._allowed_cache: dict[Filters, np.ndarray] = {}
        # ipqa.retrieval.prior: computed from the documents when the index is loaded (~0.1 s at 151k clauses), so
        # the citation counts always match the corpus the index holds.
        self._prior = row_prior(documents, clauses) if self.settings.document_prior else None

    def statuses(self) -> dict[str, RetrieverStatus]:
        """Every retriever the settings name → its status now (one that was not built, or whose model cannot be
        loaded at query time, is off with the reason)."""
        return {
            name: (self.retrievers[name].status() if name in self.retrievers else self.manifest.status(name))
            for name in self.settings.retrievers
        }

    @property
    def dense_status(self) -> str:
        """ "" when every retriever serves, else why those that do not are off (shown as "semantic search off")."""
        return off_reasons(self.statuses())

    @classmethod
    def load(cls, index_dir: Path) -> Index:
        """Load ``index_dir``; IndexLoadError names the missing, damaged or incompatible file and what to do."""
        from concurrent.futures import ThreadPoolExecutor

        folder = Path(index_dir)
        manifest = read_manifest(folder, verify=False)
        # The checksums are checked on the other core while the records are parsed (hashlib and file reads
        # release the GIL); when both fail, the damaged file is named rather than the parse error it caused.
        with ThreadPoolExecutor(1) as pool:
            checked = pool.submit(verify_files, folder, manifest)
            try:
                with store.gc_paused():
                    index = cls._read(folder, manifest)
            except BaseException:
                checked.result()
                raise
            checked.result()
        return index

    @classmethod
    def _read(cls, folder: Path, manifest: Manifest) -> Index:
        rebuild = f"请运行 `ipqa build --index {folder}` 重建"
        try:
            docs = columns.read_documents(folder)
            clauses = columns.read_clauses(folder, docs)
            documents = {d.doc_id: d for d in docs}
            retrievers = {}
            for kind in retriever_classes(manifest.settings.retrievers):
                status = manifest.status(kind.name)
                if status.on:
                    retrievers[kind.name] = kind.load(folder, status, manifest.settings)
        except UnknownRetriever as exc:
            raise IndexLoadError(f"{folder} 的索引需要这个版本的 ipqa 没有的检索器（{exc}）；{rebuild}") from None
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            log.info("reading the index in %s: %r", folder, exc)  # the file and line, for an administrator
            raise IndexLoadError(f"无法读取 {folder} 中的索引（{type(exc).__name__}）；{rebuild}") from None
        # BM25 keeps one placeholder row in an index without clauses (see Lexical.build_from_ids)
        sizes = {len(clauses), 1} if not clauses else {len(clauses)}
        for name, retriever in retrievers.items():
            if len(retriever) not in sizes:
                raise IndexLoadError(f"{folder} 中 {name} 检索器的条目数与 clauses.jsonl 不符；{rebuild}")
        return cls(folder, manifest, documents, clauses, retrievers)

    def clause(self, clause_id: str) -> Clause:
        return self.clauses[self._by_id[clause_id]]

    def document(self, doc_id: str) -> Document:
        return self.documents[doc_id]

    def allowed_rows(self, filters: Filters | None) -> np.ndarray | None:
        """Sorted row ids passing ``filters`` (None when there is no filter), computed per document."""
        if not filters:
            return None
        cache = self._allowed_cache
        if filters in cache:
            cache[filters] = cache.pop(filters)  # most recently used last
            return cache[filters]
        docs = [d for d, doc in self.documents.items() if filters.accepts(d, doc.meta)]
        rows = np.flatnonzero(np.isin(self._doc_of_row, docs)).astype(np.int64)
        # up to 8 bytes per clause per filter: bounded, since clients on a network may send endless distinct ones
        while len(cache) >= MAX_CACHED_FILTERS:
            cache.pop(next(iter(cache)))  # the least recently used
        cache[filters] = rows
        return rows

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> SearchResult:
        """The ``k`` best clauses for ``query``. Bad input (empty, only punctuation, too long) gives a message or
        a note, never an exception; filters apply inside both retrievers before the cut."""
        notes: list[str] = []
        text = (query or "").strip()
        if not text:
            return SearchResult(query=query or "", message=EMPTY_QUERY)
        if len(text) > MAX_QUERY_CHARS:
            notes.append(f"the query was cut to its first {MAX_QUERY_CHARS} characters")
            text = text[:MAX_QUERY_CHARS]
        s = self.settings
        tokens = query_tokens(text, s.tokenizer)
        terms = tuple(dict.fromkeys(tokenize(text, "words")))
        if not tokens:  # only punctuation, symbols, emoji or question words: nothing either retriever can use
            return SearchResult(
                query=query,
                notes=tuple(notes),
                message=NO_SEARCHABLE_WORDS,
            )
        allowed = self.allowed_rows(filters)
        if allowed is not None and allowed.size == 0:
            return SearchResult(query=query, notes=tuple(notes), terms=terms, message=NO_DOCUMENT_FILTERED)
        depth = max(s.depth, k)
        # Thesaurus expansion (ipqa.retrieval.expansion): related official terms at a weight below the query's own words.
        weighted = expand(text, weight=s.query_expansion) if s.query_expansion > 0 else []
        prepared = Query(text=text, tokens=tuple(tokens), expansion=tuple(weighted))
        ranked = {name: retriever.search(prepared, depth, allowed) for name, retriever in self.retrievers.items()}
        if self._prior is not None:  # keyword candidates re-ordered by the document prior (ipqa.retrieval.prior)
            for name, retriever in self.retrievers.items():
                if hasattr(retriever, "idf"):  # a keyword retriever: its scores are BM25's, the prior's units
                    ranked[name] = rerank(ranked[name], self._prior, self.settings.document_prior)
        if self.dense_status:
            notes.append(f"semantic search off: {self.dense_status}")
        weights = {name: 1.0 if hasattr(r, "idf") else s.dense_weight for name, r in self.retrievers.items()}
        hits = tuple(self._hit(f, terms) for f in rrf(ranked, k=s.rrf_k, limit=k, weights=weights))
        message = "" if hits else NO_CLAUSE_MATCHES
        return SearchResult(query=query, hits=hits, notes=tuple(notes), message=message, terms=terms)

    def _hit(self, fused, terms: tuple[str, ...]) -> Hit:
        clause = self.clauses[fused.row]
        haystack = normalise(clause.clean_text).lower()
        matched = tuple(t for t in terms if t in haystack)
        return Hit(clause=clause, score=fused.score, retrievers=fused.retrievers, matched_terms=matched)
