"""The ``index/`` folder on disk: plain files, a manifest with checksums, and an atomic swap on build.

Layout (no pickle anywhere)::

    manifest.json      format version, ipqa version, settings, model, per-document sha256, counts, checksums
    documents.jsonl    one Document per line without its text (metadata, flags, excluded spans); texts.txt
    clauses.jsonl      the clauses as columns, one per line; clauses.keys.npy: sha256 of each one's indexed text
                       (see ipqa.index.columns)
    tokens.npy         uint32 token ids of every clause, concatenated; tokens.offsets.npy (n+1 int64);
    tokens.vocab.json  the token strings, so a rebuild reuses unchanged clauses' tokens without jieba
    bm25/ dense/       the lexical and dense retrievers' own plain files (dense/ holds the clause vectors)
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ipqa.jsonio import write_jsonl  # noqa: F401  (re-exported: ipqa.index.columns writes through it)

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"  # written last by a build: a folder without it is incomplete (see recover)


class IndexLoadError(Exception):
    """The index folder cannot be used; ``str(exc)`` names the problem and what to do."""


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while loading many objects at once. Building 150k clauses (plus the
    lists JSON gives) makes it rescan every live object again and again: 40% of an index's load time. The
    records hold no reference cycles, so nothing is left for it to find afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(8 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- JSON lines and token arrays ---------------------------------------------------------------------------


def save_tokens(folder: Path, vocab: list[str], ids: np.ndarray, offsets: np.ndarray) -> list[str]:
    """Clause ``i``'s tokens are ``vocab[ids[offsets[i]:offsets[i+1]]]``."""
    np.save(folder / "tokens.npy", np.asarray(ids, dtype=np.uint32), allow_pickle=False)
    np.save(folder / "tokens.offsets.npy", np.asarray(offsets, dtype=np.int64), allow_pickle=False)
    (folder / "tokens.vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return ["tokens.npy", "tokens.offsets.npy", "tokens.vocab.json"]


def load_tokens(folder: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(vocab, ids, offsets) as written by :func:`save_tokens`."""
    ids = np.load(folder / "tokens.npy", allow_pickle=False)
    offsets = np.load(folder / "tokens.offsets.npy", allow_pickle=False)
    vocab = json.loads((folder / "tokens.vocab.json").read_text(encoding="utf-8"))
    return vocab, ids, offsets


# --- manifest, verification, swap ----------------------------------------------------------------------------


def checksums(folder: Path, files: list[str]) -> dict[str, str]:
    return {name: sha256_file(folder / name) for name in sorted(files)}


def recover(index_dir: Path) -> bool:
    """Put back a complete index when a build died inside :func:`swap_in`, between moving the old folder aside
    and renaming the new one in. A sibling with a manifest is complete (the manifest is written last); the
    newest one wins. Returns whether an index was restored."""
    candidates = [
        p
        for pattern in (f".{index_dir.name}.old-*", f".{index_dir.name}.building-*")
        for p in index_dir.parent.glob(pattern)
        if (p / MANIFEST).is_file()
    ]
    if not candidates:
        return False
    best = max(candidates, key=lambda p: (p / MANIFEST).stat().st_mtime)
    try:
        os.replace(best, index_dir)
    except OSError as exc:
        log.warning("could not restore %s from %s: %s", index_dir, best, exc)
        return False
    log.warning("restored the index %s from %s (a build was interrupted while swapping)", index_dir, best.name)
    return True


def temp_sibling(index_dir: Path) -> Path:
    """A fresh folder next to ``index_dir`` (same file system, so the final rename is atomic)."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = index_dir.parent / f".{index_dir.name}.building-{os.getpid()}-{int(time.time() * 1000)}"
    tmp.mkdir()
    return tmp


def remove_leftovers(index_dir: Path) -> None:
    """Delete the temp and backup folders of builds that were killed (each as large as the index). Only call it
    while holding the build lock: then no other build is writing one of them."""
    for pattern in (f".{index_dir.name}.building-*", f".{index_dir.name}.old-*"):
        for folder in index_dir.parent.glob(pattern):
            log.info("removing %s, left by an interrupted build", folder)
            shutil.rmtree(folder, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where that is unavailable."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def swap_in(new: Path, index_dir: Path) -> None:
    """Replace ``index_dir`` by ``new`` so that a complete index is in place at every instant where the OS can
    exchange two folders atomically; elsewhere old → backup, new → index (recover() repairs a crash between)."""
    if index_dir.is_dir() and _exchange(new, index_dir):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the old index
        return
    backup = None
    if index_dir.exists():
        backup = index_dir.parent / f".{index_dir.name}.old-{os.getpid()}-{int(time.time() * 1000)}"
        os.replace(index_dir, backup)
    try:
        os.replace(new, index_dir)
    except OSError:
        if backup is not None:
            os.replace(backup, index_dir)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
