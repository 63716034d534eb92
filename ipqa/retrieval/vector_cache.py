"""Clause vectors checkpointed in chunks beside an index, by the key of each clause's indexed text.

Embedding 150k clauses takes hours on a 2-core CPU, so the vectors are not made inside a build: the build serves
BM25 at once, and the vectors are computed afterwards in chunks of ``CHUNK`` clauses, each written as soon as it is
done (``<index>.vectors/<model>/chunk-NNNNNN.keys.npy`` + ``.vectors.npy``, plain arrays, written to a temporary
name and renamed). A killed or interrupted run loses at most the chunk it was in; the next run reads the chunks
back and encodes only what is missing. The store is keyed by text, not by row, so it survives rebuilds: an
unchanged clause is never encoded twice by the same model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

CHUNK = 256  # clauses per checkpoint: ~10–20 s of encoding here, so a kill loses little
KEY_BYTES = 32


def cache_dir(index_dir: Path, model: str) -> Path:
    """The folder holding one model's vectors for the index at ``index_dir`` (a sibling, outside the index
    folder, so an index swap keeps it)."""
    index_dir = Path(index_dir)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model.strip())[-60:] or "model"
    digest = hashlib.sha256(model.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return index_dir.parent / f".{index_dir.name}.vectors" / f"{slug}-{digest}"


class VectorCache:
    """Read and extend the vectors of one model for one index."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _chunks(self) -> list[Path]:
        return sorted(self.folder.glob("chunk-*.keys.npy")) if self.folder.is_dir() else []

    def load(self, dim: int | None = None) -> dict[bytes, np.ndarray]:
        """key → vector for every complete chunk (a chunk whose files do not agree is skipped and reported)."""
        out: dict[bytes, np.ndarray] = {}
        for keys_file in self._chunks():
            vectors_file = keys_file.with_name(keys_file.name.replace(".keys.npy", ".vectors.npy"))
            try:
                keys = np.load(keys_file, allow_pickle=False)
                vectors = np.load(vectors_file, allow_pickle=False)
            except (OSError, ValueError) as exc:
                log.warning("skipping vector chunk %s: %s", keys_file.name, exc)
                continue
            if keys.ndim != 2 or keys.shape[1] != KEY_BYTES or len(keys) != len(vectors) or vectors.ndim != 2:
                log.warning("skipping vector chunk %s: its keys and vectors do not match", keys_file.name)
                continue
            if dim is not None and vectors.shape[1] != dim:
                continue
            out.update(zip((k.tobytes() for k in keys), vectors))
        return out

    def add(self, keys: list[bytes], vectors: np.ndarray) -> Path:
        """Write one chunk; it becomes visible only when both of its files are complete."""
        self.folder.mkdir(parents=True, exist_ok=True)
        number = len(self._chunks())
        while (self.folder / f"chunk-{number:06d}.keys.npy").exists():
            number += 1
        stem = self.folder / f"chunk-{number:06d}"
        key_array = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES)
        vectors_tmp = stem.with_name(stem.name + ".vectors.tmp.npy")
        keys_tmp = stem.with_name(stem.name + ".keys.tmp.npy")
        np.save(vectors_tmp, np.asarray(vectors, dtype=np.float32), allow_pickle=False)
        np.save(keys_tmp, key_array, allow_pickle=False)
        os.replace(vectors_tmp, stem.with_name(stem.name + ".vectors.npy"))
        os.replace(keys_tmp, stem.with_name(stem.name + ".keys.npy"))  # last: the chunk now counts
        return stem
