"""The index folder: manifest, files, atomic swap and lock, build and reuse, and the ``Index`` searcher."""

from ipqa.index.build import BuildReport, build_index
from ipqa.index.searcher import MAX_QUERY_CHARS, Index
from ipqa.index.state import index_state
from ipqa.index.store import IndexLoadError

__all__ = ["MAX_QUERY_CHARS", "BuildReport", "Index", "IndexLoadError", "build_index", "index_state"]
