"""Building the index: read → split → tokenize + embed (reusing unchanged clauses) → write a temp folder → swap.

Re-exported by :mod:`ipqa.index`, which is the façade callers use.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ipqa
from ipqa import store
from ipqa.lexical import Lexical
from ipqa.settings import Settings
from ipqa.text import normalise
from ipqa.tokenize import tokenize_normalised, tokenizer_signature

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
PARALLEL_MIN = 4000  # below this many clauses to tokenize, starting worker processes costs more than it saves


@dataclass
class BuildReport:
    documents: int
    clauses: int
    skipped: list = field(default_factory=list)  # ipqa.corpus.Skipped
    reused_embeddings: int = 0
    encoded: int = 0
    dense_status: str = ""  # "" when semantic search is on, else the reason it is off
    seconds: float = 0.0
    reused_tokens: int = 0


def indexed_text(doc, clause) -> str:
    """The one normalised text both retrievers see: short title and heading path as a header, then the clause
    with injected spam removed. Display always uses the original ``clause.text``."""
    title = doc.meta.short_title or doc.meta.title
    return normalise(f"{title} {clause.path_text} {clause.clean_text}")


def source_files(roots: Sequence[Path]) -> dict[str, str]:
    """Every input file under ``roots`` (documents and metadata sidecars) → sha256 of its bytes."""
    from ipqa.corpus import find_files

    files = {str(path.resolve()) for _, path in find_files(roots)}
    for root in roots:
        if Path(root).is_dir():
            files.update(str(p.resolve()) for p in Path(root).rglob("*.meta.json"))
            files.update(str(p.resolve()) for p in Path(root).rglob("meta.csv"))
    return {path: store.sha256_file(Path(path)) for path in sorted(files)}


def index_state(roots: Sequence[Path], index_dir: Path) -> tuple[str, list[str]]:
    """("missing" | "stale" | "fresh", the changed, added and removed file paths) for the files under ``roots``."""
    try:
        manifest = store.read_manifest(Path(index_dir), verify=False)
    except store.IndexLoadError:
        return "missing", []
    built, now = manifest.get("files", {}), source_files(roots)
    changed = sorted(p for p in now if p in built and built[p] != now[p])
    added = sorted(p for p in now if p not in built)
    removed = sorted(p for p in built if p not in now)
    problems = changed + added + removed
    return ("stale" if problems else "fresh"), problems


def split_signature(settings: Settings) -> str:
    """Identifies the code and settings that turn files into clauses: the ipqa sources and the clause length.
    Only an index with the same signature may hand its clauses of unchanged documents to a rebuild."""
    import hashlib

    digest = hashlib.sha256(str(settings.max_clause_chars).encode())
    for path in sorted(Path(ipqa.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _previous(index_dir: Path, settings: Settings) -> tuple[dict, list[str], dict, dict]:
    """From the existing index, where still valid to reuse: token-id slices and vocabulary, vectors (both keyed by
    the sha256 of each clause's indexed text), and per doc_id its Document, clauses and keys."""
    try:
        manifest = store.read_manifest(index_dir)
    except store.IndexLoadError as exc:
        log.info("nothing to reuse: %s", exc)
        return {}, [], {}, {}
    rows = store.read_jsonl(index_dir / "clauses.jsonl")
    keys = [row["key"] for row in rows]
    slices, vocab, vectors, split = {}, [], {}, {}
    if manifest.get("split") == split_signature(settings):
        documents = store.read_jsonl(index_dir / "documents.jsonl")
        split = {d["doc_id"]: (store.document_from_dict(d), [], []) for d in documents}
        for row in rows:
            _, old_clauses, old_keys = split[row["doc_id"]]
            old_clauses.append(store.clause_from_dict(row))
            old_keys.append(row["key"])
    if manifest.get("tokenizer") == tokenizer_signature(settings.tokenizer):
        vocab, ids, offsets = store.load_tokens(index_dir)
        slices = {key: ids[offsets[i]:offsets[i + 1]] for i, key in enumerate(keys)}
    dense = manifest.get("dense", {})
    if dense.get("status") == "on" and dense.get("model") == settings.model:
        from ipqa.dense import DenseIndex

        old = DenseIndex.load(index_dir / "dense").vectors()
        vectors = dict(zip(keys, old))
    return slices, vocab, vectors, split


def _token_table(text_of: Callable[[int], str], keys: list[str], slices: dict, vocab: list[str], mode: str):
    """(vocab, ids, offsets, reused count): unchanged clauses keep their stored token ids, the rest are cut now.
    Tokens no clause uses any more are dropped from the vocabulary."""
    import numpy as np

    index = {t: i for i, t in enumerate(vocab)}
    todo = [i for i, key in enumerate(keys) if key not in slices]
    parts = [slices.get(key) for key in keys]
    for i, tokens in zip(todo, _tokenize_all([text_of(i) for i in todo], mode)):
        parts[i] = np.fromiter((index.setdefault(t, len(index)) for t in tokens), dtype=np.int64, count=len(tokens))
    vocab = list(index)
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(p) for p in parts])
    ids = np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)
    used = np.bincount(ids, minlength=len(vocab)) > 0
    if not used.all():
        remap = np.cumsum(used) - 1
        ids, vocab = remap[ids], [t for t, keep in zip(vocab, used) if keep]
    return vocab, ids, offsets, len(keys) - len(todo)


def _joined_tokens(text: str, mode: str) -> str:
    # One string per clause crosses the process boundary instead of a list of hundreds of small strings
    # (pickling those cost more than the tokenizing). Tokens never hold a line break: normalise() collapsed them.
    return "\n".join(tokenize_normalised(text, mode))


def _tokenize_all(texts: list[str], mode: str) -> list[list[str]]:
    """Tokens of already-normalised texts; large batches are spread over the CPU cores."""
    if len(texts) < PARALLEL_MIN:
        return [tokenize_normalised(t, mode) for t in texts]
    import multiprocessing as mp
    import os
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    workers = max(1, min(os.cpu_count() or 1, 8))
    tokenize_normalised("", mode)  # load jieba here once; the forked workers inherit it
    # fork: workers inherit the loaded modules; each initialises jieba once.
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        joined = pool.map(partial(_joined_tokens, mode=mode), texts, chunksize=500)
        return [j.split("\n") if j else [] for j in joined]


def _embed(text_of: Callable[[int], str], keys: list[str], old: dict, settings: Settings,
           progress: Progress | None):
    """(vectors or None, dense status reason, reused count, encoded count)."""
    import numpy as np

    from ipqa.dense import EncoderUnavailable, load_encoder

    if not settings.model.strip():
        return None, "disabled by setting", 0, 0
    try:
        encoder = load_encoder(settings.model)
    except EncoderUnavailable as exc:
        log.info("semantic search off: %s", exc)  # the caller shows BuildReport.dense_status
        return None, str(exc), 0, 0
    todo = [i for i, key in enumerate(keys) if key not in old or len(old[key]) != encoder.dim]
    vectors = np.zeros((len(keys), encoder.dim), dtype=np.float32)
    for i, key in enumerate(keys):
        if key in old and len(old[key]) == encoder.dim:
            vectors[i] = old[key]
    step = max(settings.encode_batch_size * 8, 1)
    for done in range(0, len(todo), step):
        part = todo[done:done + step]
        vectors[part] = encoder.encode_passages([text_of(i) for i in part], batch_size=settings.encode_batch_size)
        if progress:
            progress("encode", min(done + step, len(todo)), len(todo))
    return (vectors, encoder.dim), "", len(keys) - len(todo), len(todo)


def build_index(roots: Sequence[Path], index_dir: Path, settings: Settings,
                progress: Progress | None = None) -> BuildReport:
    """Index every readable file under ``roots`` into ``index_dir``; the old index stays until the new one is
    complete. Unchanged clauses reuse their tokens and embeddings from the existing index. One build at a time
    per folder: raises ipqa.lock.BuildLocked when another build holds it."""
    from ipqa.lock import build_lock

    with build_lock(Path(index_dir)):
        return _build(roots, index_dir, settings, progress)


def _build(roots: Sequence[Path], index_dir: Path, settings: Settings, progress: Progress | None) -> BuildReport:
    from ipqa.clauses import split_clauses
    from ipqa.corpus import read_corpus

    began = time.perf_counter()
    roots, index_dir = [Path(r) for r in roots], Path(index_dir)
    files = source_files(roots)
    read = read_corpus(roots)
    slices, old_vocab, old_vectors, old_split = _previous(index_dir, settings)
    docs, clauses, keys, texts = [], [], [], []
    for i, doc in enumerate(read.documents):
        docs.append(doc)
        previous = old_split.get(doc.doc_id)
        if previous is not None and previous[0] == doc:  # same text, metadata and flags: same clauses
            clauses.extend((doc, c) for c in previous[1])
            keys.extend(previous[2])
            texts.extend([None] * len(previous[1]))
        else:
            for clause in split_clauses(doc, settings.max_clause_chars):
                clauses.append((doc, clause))
                texts.append(indexed_text(doc, clause))
                keys.append(store.sha256_text(texts[-1]))
        if progress:
            progress("split", i + 1, len(read.documents))

    def text_of(i: int) -> str:
        if texts[i] is None:
            texts[i] = indexed_text(*clauses[i])
        return texts[i]

    table = _token_table(text_of, keys, slices, old_vocab, settings.tokenizer)
    if progress:
        progress("tokenize", len(keys), len(keys))
    embedded, reason, reused, encoded = _embed(text_of, keys, old_vectors, settings, progress)

    tmp = store.temp_sibling(index_dir)
    try:
        written = _write(tmp, settings, roots, files, read, docs, clauses, keys, table[:3], embedded, reason)
        if progress:
            progress("write", 1, 1)
        store.swap_in(tmp, index_dir)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise
    report = BuildReport(documents=len(docs), clauses=len(clauses), skipped=list(read.skipped),
                         reused_embeddings=reused, encoded=encoded, dense_status=reason,
                         seconds=time.perf_counter() - began, reused_tokens=table[3])
    log.info("built %s: %d files, %s", index_dir, len(written), report)
    return report


def _write(folder: Path, settings: Settings, roots, files, read, docs, clauses, keys, tokens, embedded, reason) -> list:
    written = ["documents.jsonl", "clauses.jsonl"]
    store.write_jsonl(folder / "documents.jsonl", (store.document_to_dict(d) for d in docs))
    store.write_jsonl(folder / "clauses.jsonl", (dict(c.to_dict(), key=k) for (_, c), k in zip(clauses, keys)))
    vocab, ids, offsets = tokens
    written += store.save_tokens(folder, vocab, ids, offsets)
    written += Lexical.build_from_ids(ids, offsets, vocab, settings.bm25_k1, settings.bm25_b).save(folder)
    dense = {"status": "off", "reason": reason, "model": settings.model}
    if embedded is not None:
        from ipqa.dense import DenseIndex

        vectors, dim = embedded
        index = DenseIndex.build(vectors, settings.exact_search_limit) if len(vectors) else None
        if index is not None:
            written += [f"dense/{name}" for name in index.save(folder / "dense")]
            dense = {"status": "on", "model": settings.model, "dim": dim, "kind": index.kind}
        else:
            dense = {"status": "off", "reason": "no clauses to embed", "model": settings.model}
    per_doc: dict[str, int] = {}
    for doc, _ in clauses:
        per_doc[doc.doc_id] = per_doc.get(doc.doc_id, 0) + 1
    manifest = {
        "format_version": store.FORMAT_VERSION, "ipqa_version": ipqa.__version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "settings": settings.to_dict(),
        "tokenizer": tokenizer_signature(settings.tokenizer), "split": split_signature(settings), "dense": dense,
        "counts": {"documents": len(docs), "clauses": len(clauses), "skipped": len(read.skipped)},
        "documents": {d.doc_id: {"sha256": d.sha256, "source": d.source, "clauses": per_doc.get(d.doc_id, 0)}
                      for d in docs},
        "skipped": [{"path": s.path, "reason": s.reason} for s in read.skipped],
        "roots": [str(r) for r in roots], "files": files, "checksums": store.checksums(folder, written),
    }
    store.write_manifest(folder, manifest)
    return written
