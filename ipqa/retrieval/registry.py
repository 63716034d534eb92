"""Finding retrievers by name: the retriever named ``x`` is ``ipqa.retrieval.x.RETRIEVER``.

Adding one (another embedding backend, a reranker, an external engine) is a new module here plus its name in
``Settings.retrievers``; build, load, search, "why it matched", exports and ``ipqa info`` then include it.
"""

from __future__ import annotations

import importlib
import re

from ipqa.retrieval.base import Retriever

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class UnknownRetriever(ValueError):
    """A settings or manifest entry names no retriever this ipqa has."""


def retriever_class(name: str) -> type[Retriever]:
    if not _NAME.match(name or ""):
        raise UnknownRetriever(f"{name!r} is not a retriever name")
    try:
        module = importlib.import_module(f"ipqa.retrieval.{name}")
    except ModuleNotFoundError:
        raise UnknownRetriever(f"this ipqa has no retriever named {name!r}") from None
    cls = getattr(module, "RETRIEVER", None)
    if cls is None or getattr(cls, "name", None) != name:
        raise UnknownRetriever(f"ipqa.retrieval.{name} does not define the retriever {name!r}")
    return cls


def retriever_classes(names: tuple[str, ...]) -> list[type[Retriever]]:
    """The retriever classes in ``names``' order (the fusion order)."""
    return [retriever_class(n) for n in names]


def label_of(name: str) -> str:
    """The Chinese label of a retriever ("关键词匹配", "语义相近"), or its name when unknown."""
    try:
        return retriever_class(name).label
    except UnknownRetriever:
        return name
