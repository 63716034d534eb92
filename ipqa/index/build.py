"""Building the index: plan the files → take unchanged documents from the old index as they are, read, split and
tokenise the rest (ipqa.index.ingest) → token table → embed → write a temp folder → swap it in.

A document is unchanged when its file, the places its metadata sidecars may be, its path and the ipqa code and
settings that split it are all the same as at the last build: then its Document, clause rows, tokens and vectors
are copied from the old index, and neither its file nor jieba is touched. Re-exported by :mod:`ipqa.index.searcher`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import ipqa
from ipqa.index import columns, manifest, store
from ipqa.index.ingest import REUSED, TokenIds, indexed_text, ingest
from ipqa.index.manifest import DocumentEntry, Manifest, SkippedEntry
from ipqa.index.reuse import Previous, keep_tuned_fusion, split_signature
from ipqa.index.state import source_files
from ipqa.records import Document
from ipqa.retrieval.base import BuildRows, RetrieverStatus
from ipqa.retrieval.registry import retriever_classes
from ipqa.retrieval.tokens import tokenizer_signature
from ipqa.settings import Settings

__all__ = ["BuildReport", "build_index", "indexed_text", "split_signature"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass
class BuildReport:
    documents: int
    clauses: int
    skipped: list = field(default_factory=list)  # ipqa.corpus.reading.Skipped
    reused_embeddings: int = 0
    encoded: int = 0
    dense_status: str = ""  # "" when semantic search is on, else the reason it is off
    seconds: float = 0.0
    reused_tokens: int = 0
    reused_documents: int = 0  # taken from the old index without reading their files
    retrievers: dict = field(default_factory=dict)  # name → ipqa.retrieval.base.RetrieverStatus
    ocr: object = None  # ipqa.index.ocr_pass.OcrReport when scans were read by OCR during this build


class _Rows:
    """The new index's rows as they are gathered: documents, clause columns, keys and token ids per clause."""

    def __init__(self, old: Previous | None) -> None:
        self.old = old
        self.docs: list[Document] = []
        self.cols: dict[str, list] = {name: [] for name in ("doc", *columns.COLUMNS)}
        self.own: dict[int, str] = {}
        self.keys: list[bytes] = []
        self.vocab = TokenIds((t, i) for i, t in enumerate(old.vocab)) if old else TokenIds()
        self.token_parts: list[np.ndarray] = []
        self.lengths: list[np.ndarray] = []
        self.reused_tokens = 0
        self.reused_documents = 0

    def add_old(self, doc: Document) -> None:
        """A document copied from the old index with its rows and tokens."""
        first, end = self.old.rows[doc.doc_id]
        self._add(
            doc,
            {name: self.old.cols[name][first:end] for name in columns.COLUMNS},
            {i - first: t for i, t in self.old.own.items() if first <= i < end},
            self.old.keys[first:end],
        )
        offsets = self.old.offsets
        self.token_parts.append(self.old.ids[offsets[first] : offsets[end]])
        self.lengths.append(np.diff(offsets[first : end + 1]))
        self.reused_tokens += end - first
        self.reused_documents += 1

    def add_new(self, doc: Document, rows, ids: np.ndarray, lengths: np.ndarray) -> None:
        """A document read now; ``ids`` are its tokenised clauses' ids, ``lengths`` may hold REUSED."""
        self._add(doc, rows.cols, rows.own, rows.keys)
        if (lengths == REUSED).any():  # unchanged clauses of a changed document: their stored tokens
            parts, pos = [], 0
            for key, n in zip(rows.keys, lengths.tolist()):
                if n == REUSED:
                    parts.append(self.old.tokens_of(key))
                else:
                    parts.append(ids[pos : pos + n])
                    pos += n
            self.reused_tokens += int((lengths == REUSED).sum())
            lengths = np.asarray([len(p) for p in parts], dtype=np.int64)
            ids = np.concatenate(parts) if parts else ids
        self.token_parts.append(ids)
        self.lengths.append(lengths)

    def _add(self, doc: Document, cols: dict[str, list], own: dict[int, str], keys: list[bytes]) -> None:
        base = len(self.keys)
        for name in columns.COLUMNS:
            self.cols[name].extend(cols[name])
        self.cols["doc"].extend([len(self.docs)] * len(keys))
        self.own.update({base + i: t for i, t in own.items()})
        self.keys.extend(keys)
        self.docs.append(doc)

    def text_of(self, i: int) -> str:
        doc = self.docs[self.cols["doc"][i]]
        return indexed_text(doc, columns.build_clause(self.cols, i, doc, self.own))


def build_index(
    roots: Sequence[Path],
    index_dir: Path,
    settings: Settings,
    progress: Progress | None = None,
    wait: float | None = 0.0,
    embed: bool = True,
    ocr: bool = True,
) -> BuildReport:
    """Index every readable file under ``roots`` into ``index_dir``; the old index stays until the new one is
    complete. Unchanged documents and clauses reuse their rows, tokens and embeddings from the existing index.
    One build at a time per folder: raises ipqa.index.lock.BuildLocked when another build holds it.

    The new index serves BM25 as soon as it is swapped in. Clause vectors still missing are computed after
    that, in checkpointed chunks (ipqa.index.embed), unless ``embed`` is False (the app does it in the
    background; ``ipqa embed`` resumes an interrupted run). Scanned PDFs are read by OCR the same way, after the
    swap, and indexed by an incremental rebuild, unless ``ocr`` is False (ipqa.index.ocr_pass)."""
    from ipqa.index.faults import IndexWriteError, write_error
    from ipqa.index.lock import build_lock

    try:
        with build_lock(Path(index_dir), wait=wait):  # wait: seconds (None: as long as it takes)
            if not Path(index_dir).exists():
                store.recover(Path(index_dir))
            store.remove_leftovers(Path(index_dir))  # safe: holding the lock, no other build is writing
            report = _build(roots, index_dir, settings, progress)
        if ocr:  # scans the build left pending: OCR them, then rebuild to add them (the rest serves meanwhile)
            from ipqa.index.ocr_pass import complete_pending

            scanned = complete_pending(Path(index_dir), progress, wait)
            if scanned:
                scanned[1].ocr, scanned[1].seconds = scanned[0], scanned[1].seconds + report.seconds
                report = scanned[1]
    except IndexWriteError:
        raise
    except OSError as exc:  # disk full, read-only folder …: corpus files that cannot be read never get here
        raise write_error(exc, Path(index_dir)) from exc
    if embed and "dense" in report.retrievers and _dense_pending(report.retrievers["dense"]):
        from ipqa.index.embed import embed_pending

        try:
            done = embed_pending(Path(index_dir), progress, wait=wait)
        except IndexWriteError:
            raise
        except OSError as exc:
            raise write_error(exc, Path(index_dir)) from exc
        report.encoded, report.reused_embeddings = done.encoded, done.reused
        report.retrievers["dense"] = done.status
        report.dense_status = off_reasons(report.retrievers)
    return report


def _build(roots: Sequence[Path], index_dir: Path, settings: Settings, progress: Progress | None) -> BuildReport:
    from ipqa.corpus import reading

    began = time.perf_counter()
    roots, index_dir = [Path(r) for r in roots], Path(index_dir)
    settings = keep_tuned_fusion(settings, index_dir)
    plan = reading.plan_corpus(roots, settings.outside_links)
    files = source_files(roots, settings.outside_links, plan)
    old = Previous.load(index_dir, settings)
    results: list = [None] * len(plan)
    todo = []
    for pos, item in enumerate(plan):
        if not isinstance(item, reading.Skipped):
            results[pos] = old.unchanged(item[0], item[1], files) if old else None
            if results[pos] is None:
                todo.append(pos)
    fresh: dict[int, tuple] = {}  # id(document read now) → (its rows, token ids, token counts)
    rows = _Rows(old)
    on_file = (lambda done: progress("split", done, len(todo))) if progress else None
    known = frozenset(old.token_row) if old else frozenset()
    chunks = ingest([plan[p] for p in todo], settings.max_clause_chars, settings.tokenizer, known, on_file)
    positions = iter(todo)
    for chunk in chunks:
        remap = np.fromiter(map(rows.vocab.__getitem__, chunk.vocab), dtype=np.int64, count=len(chunk.vocab))
        ids, at_token, at_clause = remap[chunk.ids], 0, 0
        for file_rows in chunk.files:
            results[next(positions)] = file_rows.result
            n = len(file_rows.keys)
            lengths = chunk.lengths[at_clause : at_clause + n]
            used = int(lengths[lengths > 0].sum())
            fresh[id(file_rows.result)] = (file_rows, ids[at_token : at_token + used], lengths)
            at_token, at_clause = at_token + used, at_clause + n
    read = reading.collect(plan, results)
    for doc in read.documents:
        if id(doc) in fresh:
            rows.add_new(doc, *fresh[id(doc)])
        else:
            rows.add_old(doc)
    table = _token_table(rows)
    if progress:
        progress("tokenize", len(rows.keys), len(rows.keys))
    built = _build_retrievers(rows, table, settings, old, progress, index_dir)

    tmp = store.temp_sibling(index_dir)
    try:
        written = _write(tmp, settings, roots, files, read, rows, table, built)
        if progress:
            progress("write", 1, 1)
        store.swap_in(tmp, index_dir)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise
    made = [r for r, _ in built.values() if r is not None]
    report = BuildReport(
        documents=len(rows.docs),
        clauses=len(rows.keys),
        skipped=list(read.skipped),
        reused_embeddings=sum(getattr(r, "reused", 0) for r in made),  # rows an encoding retriever reused
        encoded=sum(getattr(r, "encoded", 0) for r in made),
        dense_status=off_reasons({n: s for n, (_, s) in built.items()}),
        retrievers={n: s for n, (_, s) in built.items()},
        seconds=time.perf_counter() - began,
        reused_tokens=rows.reused_tokens,
        reused_documents=rows.reused_documents,
    )
    log.info("built %s: %d files, %s", index_dir, len(written), report)
    return report


def _token_table(rows: _Rows) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(vocab, ids, offsets) of every clause in row order. Tokens no clause uses any more are dropped."""
    lengths = np.concatenate(rows.lengths) if rows.lengths else np.zeros(0, dtype=np.int64)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    ids = np.concatenate(rows.token_parts).astype(np.int64) if rows.token_parts else np.zeros(0, dtype=np.int64)
    vocab = list(rows.vocab)
    used = np.bincount(ids, minlength=len(vocab)) > 0
    if not used.all():
        remap = np.cumsum(used) - 1
        ids, vocab = remap[ids], [t for t, keep in zip(vocab, used) if keep]
    return vocab, ids, offsets


def _build_retrievers(rows: _Rows, table, settings: Settings, old: Previous | None, progress, index_dir: Path):
    """name → (the retriever or None, its status), for every retriever the settings name, in fusion order."""
    vocab, ids, offsets = table
    data = BuildRows(
        keys=rows.keys,
        text_of=rows.text_of,
        vocab=vocab,
        ids=ids,
        offsets=offsets,
        progress=progress,
        index_dir=index_dir,
        clause_ids=rows.cols["clause_id"],
        doc_ids=[rows.docs[d].doc_id for d in rows.cols["doc"]],
    )
    previous = old.retrievers if old else None
    return {cls.name: cls.build(data, settings, previous) for cls in retriever_classes(settings.retrievers)}


def _dense_pending(status: RetrieverStatus) -> bool:
    from ipqa.retrieval.dense import is_pending  # imported only when a dense retriever was built

    return is_pending(status)


def off_reasons(statuses: dict[str, RetrieverStatus]) -> str:
    """ "" when every retriever is on, else why the ones that are off are off (what the CLI and app report)."""
    return "；".join(s.reason or "未建立" for s in statuses.values() if not s.on)


def _write(folder: Path, settings: Settings, roots, files, read, rows: _Rows, table, built) -> list:
    written = columns.write_documents(folder, rows.docs)
    written += columns.write_clauses(folder, rows.cols, rows.own, rows.keys)
    vocab, ids, offsets = table
    written += store.save_tokens(folder, vocab, ids, offsets)
    for retriever, _ in built.values():
        if retriever is not None:
            written += retriever.save(folder)
    per_doc = np.bincount(np.asarray(rows.cols["doc"], dtype=np.int64), minlength=len(rows.docs)).tolist()
    record = Manifest(
        settings=settings,
        retrievers={name: status for name, (_, status) in built.items()},
        documents={d.doc_id: DocumentEntry(d.sha256, d.source, n) for d, n in zip(rows.docs, per_doc)},
        skipped=[SkippedEntry(s.path, s.reason) for s in read.skipped],
        roots=[str(r) for r in roots],
        files=files,
        checksums=store.checksums(folder, written),
        tokenizer=tokenizer_signature(settings.tokenizer),
        split=split_signature(settings),
        created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        ipqa_version=ipqa.__version__,
    )
    manifest.write_manifest(folder, record)
    return written
