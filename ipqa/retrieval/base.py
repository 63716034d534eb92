"""The contract every retriever keeps, so build, reuse, load, search, "why it matched", exports and ``ipqa info``
iterate retrievers instead of naming them.

A retriever is a class with a ``name`` (its key in the manifest and in ``Hit.retrievers``), a Chinese ``label``
(what the app says it matched by), and five operations: ``build`` (from the rows of a new index, reusing what it
can of the old one), ``save`` / ``load`` (its own plain files under ``index/<name>/``), ``search(query, k,
allowed)`` returning ``(row, score)`` pairs best first, and ``status``. Row ``i`` is clause ``i`` of the index.
It is found through :mod:`ipqa.retrieval.registry`: the retriever named ``x`` lives in ``ipqa.retrieval.x`` as
its ``RETRIEVER`` attribute, and ``Settings.retrievers`` lists the names in use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

import numpy as np

if TYPE_CHECKING:
    from ipqa.settings import Settings

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Query:
    """A query as every retriever may need it: the (cut) text, its tokens, and weighted expansion tokens."""

    text: str
    tokens: tuple[str, ...]
    expansion: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class RetrieverStatus:
    """Whether a retriever serves queries, and if not why (a sentence an administrator can act on). ``details``
    holds what ``ipqa info`` shows about it (model, dimension, index kind); it is saved in the manifest."""

    name: str
    on: bool
    reason: str = ""
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"status": "on" if self.on else "off", "reason": self.reason, **self.details}

    @classmethod
    def from_dict(cls, name: str, data: dict) -> RetrieverStatus:
        details = {k: v for k, v in data.items() if k not in ("status", "reason")}
        return cls(name=name, on=data.get("status") == "on", reason=str(data.get("reason") or ""), details=details)


@dataclass
class BuildRows:
    """What a new index hands every retriever's ``build``: the rows in order and how to reach their content."""

    keys: Sequence[bytes]  # sha256 of each row's indexed text: what embeddings and tokens are reused by
    text_of: Callable[[int], str]  # the indexed text of row i (built on demand: 150k strings cost memory)
    vocab: list[str]  # the token table: row i's tokens are vocab[ids[offsets[i]:offsets[i+1]]]
    ids: np.ndarray
    offsets: np.ndarray
    progress: Progress | None = None
    index_dir: Path | None = None  # where the index will live: a retriever may keep checkpoints beside it
    clause_ids: Sequence[str] = ()  # row i's clause id and document: what an external engine keys its rows by
    doc_ids: Sequence[str] = ()


@dataclass
class OldIndex:
    """The index a build replaces, as far as a retriever may reuse it: its folder, the status each retriever
    saved there, and its row keys in row order (read on first use: only a retriever that reuses rows needs them)."""

    folder: Path
    statuses: dict[str, RetrieverStatus]
    read_keys: Callable[[], Sequence[bytes]]


class Retriever(Protocol):
    name: ClassVar[str]
    label: ClassVar[str]

    @classmethod
    def build(
        cls, rows: BuildRows, settings: Settings, old: OldIndex | None
    ) -> tuple[Retriever | None, RetrieverStatus]:
        """A retriever over ``rows`` (None, with the reason in the status, when it cannot be built now)."""
        ...

    @classmethod
    def load(cls, folder: Path, status: RetrieverStatus, settings: Settings) -> Retriever:
        """Read the files :meth:`save` wrote under ``folder``; ValueError/OSError name what is wrong."""
        ...

    def save(self, folder: Path) -> list[str]:
        """Write its files under ``folder``; return their paths relative to ``folder`` (for the checksums)."""
        ...

    def search(self, query: Query, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        """The ``k`` best rows among ``allowed`` (sorted row ids; None: all), best first."""
        ...

    def status(self) -> RetrieverStatus: ...

    def __len__(self) -> int: ...
