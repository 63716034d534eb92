"""Changed files → index rows: read, split into clauses, make the indexed text, cut tokens. A large batch runs in
worker processes (jieba is pure Python: one process per core is the only way to use both cores of the target
machine); a small one runs here, where starting workers would cost more than it saves.

Workers hand back columns and token ids, not Clause objects or token strings: pickling 150k dataclasses or
millions of short strings across the process boundary cost more than the work itself.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ipqa.records import Document
from ipqa.retrieval.tokens import tokenize_normalised, warm_up
from ipqa.text import normalise

log = logging.getLogger(__name__)

PARALLEL_MIN_FILES = 48  # below this many files to read, worker start-up costs more than it saves
REUSED = -1  # token count of a clause whose tokens the caller already has (its key was known)

_known: frozenset[bytes] = frozenset()  # in a worker process: the keys whose tokens the builder already has


class TokenIds(dict):
    """token → id, numbering a token it has not seen next, in the order first seen. ``map(ids.__getitem__,
    tokens)`` numbers a clause's tokens at C speed (a lookup that finds the token never enters Python), where
    ``setdefault(t, len(ids))`` per token was a tenth of a worker's CPU."""

    def __missing__(self, token: str) -> int:
        self[token] = n = len(self)
        return n


def indexed_text(doc: Document, clause) -> str:
    """The one normalised text both retrievers see: short title and heading path as a header, then the clause
    with injected spam removed. Display always uses the original ``clause.text``."""
    title = doc.meta.short_title or doc.meta.title
    return normalise(f"{title} {clause.path_text} {clause.clean_text}")


def text_key(text: str) -> bytes:
    """What a clause's stored tokens and vector are reused by: the sha256 of its indexed text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


@dataclass
class FileRows:
    """One read file: its Document or Skipped and, for a document, its clauses as columns (ipqa.index.columns)."""

    result: object  # Document | ipqa.corpus.reading.Skipped
    cols: dict[str, list] = field(default_factory=dict)
    own: dict[int, str] = field(default_factory=dict)  # clause texts that are not a slice of the document
    keys: list[bytes] = field(default_factory=list)


@dataclass
class Chunk:
    """Rows of consecutive files, with the tokens of all their clauses as ids into the chunk's own vocabulary."""

    files: list[FileRows]
    vocab: list[str]
    ids: np.ndarray  # int64, every tokenised clause's ids concatenated in row order
    lengths: np.ndarray  # int64 per clause: its number of tokens, or REUSED


def _ingest(
    items: Sequence[tuple[Path, Path]],
    max_chars: int,
    mode: str,
    known: frozenset[bytes] | None = None,
    fast: bool = False,
) -> Chunk:
    # Module attributes are looked up at call time, so a test can count (or break) reading and splitting.
    from ipqa.clauses import split as splitting
    from ipqa.corpus import reading
    from ipqa.index import columns

    known = _known if known is None else known
    files, vocab, ids, lengths = [], TokenIds(), [], []
    for root, path in items:
        result = reading.read_one(path, root)
        rows = FileRows(result)
        files.append(rows)
        if not isinstance(result, Document):
            continue
        clauses = splitting.split_clauses(result, max_chars)
        rows.cols, rows.own = columns.clause_columns(result, clauses)
        for clause in clauses:
            text = indexed_text(result, clause)
            rows.keys.append(text_key(text))
            if rows.keys[-1] in known:
                lengths.append(REUSED)
                continue
            tokens = tokenize_normalised(text, mode, fast)
            ids.extend(map(vocab.__getitem__, tokens))
            lengths.append(len(tokens))
    return Chunk(files, list(vocab), np.asarray(ids, dtype=np.int64), np.asarray(lengths, dtype=np.int64))


def _ingest_packed(args: tuple) -> Chunk:
    return _ingest(*args)


def _set_known(known: frozenset[bytes]) -> None:
    global _known
    _known = known


def ingest(
    items: Sequence[tuple[Path, Path]],
    max_chars: int,
    mode: str,
    known: frozenset[bytes],
    progress: Callable[[int], None] | None = None,
) -> Iterator[Chunk]:
    """Chunks covering ``items`` in order. A clause whose key is in ``known`` is not tokenised (REUSED)."""
    if len(items) >= PARALLEL_MIN_FILES:
        yield from _parallel(items, max_chars, mode, known, progress)
        return
    for i, item in enumerate(items):
        yield _ingest([item], max_chars, mode, known)
        if progress:
            progress(i + 1)


def _parallel(items, max_chars: int, mode: str, known: frozenset[bytes], progress) -> Iterator[Chunk]:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    workers = max(1, min(os.cpu_count() or 1, 8))
    # ~16 chunks per worker: small enough to balance files of very different sizes, big enough that each
    # result's pickling and the per-chunk vocabulary stay cheap.
    size = max(4, min(64, len(items) // (workers * 16) or 1))
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    warm_up()  # load jieba, the fast cut's table and OpenCC here once: the forked workers inherit them
    normalise("專利")
    done = 0
    # fork: the workers share the loaded dictionaries, and ``known`` reaches them without being pickled.
    with ProcessPoolExecutor(
        workers, mp_context=mp.get_context("fork"), initializer=_set_known, initargs=(known,)
    ) as pool:
        # fast: the workers cut with ipqa.retrieval.fastcut (jieba's words, ~2× faster; its table is built
        # once by warm_up above); a small batch in this process is cut by jieba, not worth the table's 0.25 s.
        for chunk in pool.map(_ingest_packed, [(c, max_chars, mode, None, True) for c in chunks]):
            done += len(chunk.files)
            if progress:
                progress(done)
            yield chunk
