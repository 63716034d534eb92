"""ipqa: semantic search and question answering over Chinese intellectual-property policy texts.

The library API, imported lazily so that ``import ipqa`` and ``ipqa --help`` stay fast::

    from ipqa import Index, Settings, ask, build_index
    build_index(["corpus"], "index", Settings())
    answer = ask(Index.load("index"), "谁负责知识产权质押融资？")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name → the module that defines it (one home each)
_API = {
    "Index": "ipqa.index.searcher",
    "IndexLoadError": "ipqa.index.store",
    "BuildReport": "ipqa.index.build",
    "build_index": "ipqa.index.build",
    "index_state": "ipqa.index.state",
    "ask": "ipqa.answer.pipeline",
    "verify_citations": "ipqa.evaluation.verify",
    "Settings": "ipqa.settings",
    "Filters": "ipqa.records",
    "Document": "ipqa.records",
    "Clause": "ipqa.records",
    "Hit": "ipqa.records",
    "Answer": "ipqa.records",
    "Citation": "ipqa.records",
    "SearchResult": "ipqa.records",
    "Metadata": "ipqa.records",
    "Flag": "ipqa.records",
}

__all__ = [
    "Answer",
    "BuildReport",
    "Citation",
    "Clause",
    "Document",
    "Filters",
    "Flag",
    "Hit",
    "Index",
    "IndexLoadError",
    "Metadata",
    "SearchResult",
    "Settings",
    "__version__",
    "ask",
    "build_index",
    "index_state",
    "verify_citations",
]


def __getattr__(name: str):
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ipqa' has no attribute {name!r}")


if TYPE_CHECKING:  # for type checkers and editors; never executed
    from ipqa.answer.pipeline import ask
    from ipqa.evaluation.verify import verify_citations
    from ipqa.index.build import BuildReport, build_index
    from ipqa.index.searcher import Index
    from ipqa.index.state import index_state
    from ipqa.index.store import IndexLoadError
    from ipqa.records import Answer, Citation, Clause, Document, Filters, Flag, Hit, Metadata, SearchResult
    from ipqa.settings import Settings
