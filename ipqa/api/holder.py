"""One loaded index per process, reloaded when the folder's manifest.json changes (an ``ipqa build`` swap or the
clause vectors completing): a stat per request, a load only when the manifest's identity moved. A reload that
fails keeps the index already serving (logged); with none loaded, requests get a 503 naming the problem."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from ipqa.index.store import MANIFEST

log = logging.getLogger(__name__)


class IndexUnavailable(RuntimeError):
    """No index could be loaded from the folder; the message says why."""


def _signature(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_dev, st.st_mtime_ns, st.st_size)


class IndexHolder:
    def __init__(self, index_dir: Path) -> None:
        self.folder = Path(index_dir)
        self._lock = threading.Lock()
        self._index = None
        self._signature: tuple | None = None
        self._error = ""

    @property
    def error(self) -> str:
        """Why the last load failed ("" after a good one)."""
        return self._error

    def get(self):
        """The current index, reloaded first when the manifest changed since it was loaded."""
        sig = _signature(self.folder / MANIFEST)
        if self._index is not None and sig == self._signature:
            return self._index
        with self._lock:
            if self._index is None or sig != self._signature:
                self._load(sig)
        if self._index is None:
            raise IndexUnavailable(self._error)
        return self._index

    def _load(self, sig: tuple | None) -> None:
        from ipqa.index.searcher import Index, IndexLoadError

        try:
            index = Index.load(self.folder)
        except (IndexLoadError, OSError) as exc:
            self._error = str(exc)
            # remember the failing manifest, so a broken swap is retried only once it changes again
            self._signature = sig
            if self._index is not None:
                log.error("index reload from %s failed, still serving the previous one: %s", self.folder, exc)
            else:
                log.error("cannot load the index from %s: %s", self.folder, exc)
            return
        self._index, self._signature, self._error = index, sig, ""
        log.info("index loaded from %s (%d clauses)", self.folder, len(index.clauses))
