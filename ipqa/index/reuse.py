"""What a rebuild may take from the index it replaces: unchanged documents with their clause rows and tokens
(only when the same shaping code, settings and tokenizer made them), and for each retriever what it may reuse
itself (the dense retriever: clause vectors by the key of their indexed text, only from the same model)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np

import ipqa
from ipqa.index import columns, store
from ipqa.index.manifest import Manifest, read_manifest
from ipqa.records import Document
from ipqa.retrieval.base import OldIndex
from ipqa.retrieval.tokens import tokenizer_signature
from ipqa.settings import Settings

log = logging.getLogger(__name__)


# The code that decides documents, clauses, indexed texts and tokens, relative to the package folder. Editing
# anything else (answers, views, the app, the CLI) must not force the full re-read of every file (~47 s at 150k
# clauses); tests/index/test_rebuild.py checks which edits change the signature.
SHAPING_CODE = (
    "text.py",
    "records.py",
    "corpus",
    "clauses",
    "retrieval/tokens.py",
    "index/ingest.py",
    "index/columns.py",
)


def shaping_files() -> list[Path]:
    package = Path(ipqa.__file__).parent
    files = []
    for entry in SHAPING_CODE:
        path = package / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def split_signature(settings: Settings) -> str:
    """Identifies the code and settings that turn files into clauses and tokens: the shaping modules and the
    clause length. Only an index with the same signature may hand its clauses of unchanged documents to a rebuild."""
    package = Path(ipqa.__file__).parent
    digest = hashlib.sha256(str(settings.max_clause_chars).encode())
    for path in shaping_files():
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


class Previous:
    """The old index, read as far as a rebuild needs it."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}  # input file → sha256 at the last build
        self.docs: dict[str, Document] = {}  # doc_id → Document, when documents may be reused
        self.rows: dict[str, tuple[int, int]] = {}  # doc_id → its clause rows [first, end)
        self.cols: dict[str, list] = {}
        self.own: dict[int, str] = {}
        self.keys: list[bytes] = []
        self.vocab: list[str] = []
        self.ids = np.zeros(0, dtype=np.int64)
        self.offsets = np.zeros(1, dtype=np.int64)
        self.token_row: dict[bytes, int] = {}  # key → a row whose tokens are stored
        self.retrievers: OldIndex | None = None  # what each retriever may reuse (e.g. vectors by key)

    @classmethod
    def load(cls, index_dir: Path, settings: Settings) -> Previous | None:
        """The reusable parts of the index in ``index_dir``; None when there is none (or it is damaged)."""
        try:
            manifest = read_manifest(index_dir)
            with store.gc_paused():
                return cls._read(index_dir, manifest, settings)
        except store.IndexLoadError as exc:
            log.info("nothing to reuse: %s", exc)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("nothing reused from %s: %s", index_dir, exc)
        return None

    @classmethod
    def _read(cls, folder: Path, manifest: Manifest, settings: Settings) -> Previous:
        old = cls()
        old.files = manifest.files
        same_split = manifest.split == split_signature(settings)
        same_tokens = manifest.tokenizer == tokenizer_signature(settings.tokenizer)
        if same_split and same_tokens:
            docs = columns.read_documents(folder)
            old.cols, old.own = columns.read_clause_columns(folder)
            old.keys = columns.read_keys(folder)
            old.vocab, ids, old.offsets = store.load_tokens(folder)
            old.ids = ids
            bounds = np.searchsorted(np.asarray(old.cols["doc"], dtype=np.int64), np.arange(len(docs) + 1))
            for i, doc in enumerate(docs):
                old.docs[doc.doc_id] = doc
                old.rows[doc.doc_id] = (int(bounds[i]), int(bounds[i + 1]))
            old.token_row = {key: i for i, key in enumerate(old.keys)}
        old.retrievers = OldIndex(folder, dict(manifest.retrievers), lambda: old.keys or columns.read_keys(folder))
        return old

    def unchanged(self, root: Path, path: Path, files: dict[str, str]) -> Document | None:
        """The stored Document for ``path`` when neither it nor any sidecar that applies to it changed."""
        from ipqa.corpus.reading import doc_id_for, input_files, resolved

        doc = self.docs.get(doc_id_for(path, root))
        if doc is None or doc.source != str(path) or files.get(resolved(path)) is None:
            return None  # (a file that could not be hashed now is read, so that its problem is reported)
        for file in input_files(path, root):
            name = resolved(file)
            if self.files.get(name) != files.get(name):
                return None
        return doc

    def tokens_of(self, key: bytes) -> np.ndarray:
        row = self.token_row[key]
        return self.ids[self.offsets[row] : self.offsets[row + 1]]


def keep_tuned_fusion(settings: Settings, index_dir: Path) -> Settings:
    """The settings with the previous index's ``dense_weight`` when it was built with the same model and these
    settings carry the default: benchmarks/tune_fusion.py tuned it for that model, and a rebuild keeps it."""
    from dataclasses import replace

    from ipqa.index.store import IndexLoadError

    if settings.dense_weight != Settings.dense_weight:
        return settings  # chosen for this build
    try:
        old = read_manifest(index_dir, verify=False).settings
    except (IndexLoadError, OSError):  # no index yet, or one that cannot be read: nothing to keep
        return settings
    return replace(settings, dense_weight=old.dense_weight) if old.model == settings.model else settings
