"""Find and read corpus files into Documents: decoded text, metadata, quality flags and excluded spans.

A file that cannot be read never stops a build: ``read_corpus`` records it as ``Skipped`` with a reason a
person can act on, and so it never disappears silently either.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ipqa.corpus import boilerplate, sidecars
from ipqa.corpus.decode import UnreadableFile
from ipqa.corpus.formats import SUFFIXES, extract
from ipqa.corpus.metadata import infer
from ipqa.corpus.metadata.headers import parse_header
from ipqa.records import Document, Flag
from ipqa.text import merge_spans

log = logging.getLogger(__name__)

__all__ = [
    "CorpusRead",
    "Skipped",
    "UnreadableFile",
    "collect",
    "doc_id_for",
    "find_files",
    "input_files",
    "plan_corpus",
    "read_corpus",
    "read_document",
    "read_one",
    "resolved",
]


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class CorpusRead:
    documents: list[Document]
    skipped: list[Skipped]
    warnings: list[str] = field(default_factory=list)  # corpus-level problems, e.g. meta.csv rows matching no file


def _walk(roots: Sequence[Path]) -> Iterator[tuple[Path, Path]]:
    """Every non-hidden, non-sidecar file under the roots; a root may also be a single file."""
    for root in roots:
        root = Path(root)
        if root.is_file():
            if not sidecars.is_sidecar(root):
                yield root.parent, root
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                path = Path(folder) / name
                if not name.startswith(".") and not sidecars.is_sidecar(path):
                    yield root, path


def _sort_key(pair: tuple[Path, Path]) -> tuple[str, str]:
    return pair[0].as_posix(), pair[1].as_posix()


def find_files(roots: Sequence[Path]) -> list[tuple[Path, Path]]:
    """``(root, file)`` for every readable-format file under the roots, sorted; sidecars and hidden files out."""
    return sorted({(r, p) for r, p in _walk(roots) if p.suffix.lower() in SUFFIXES}, key=_sort_key)


def doc_id_for(path: Path, root: Path) -> str:
    """The file's path relative to its root, POSIX separators, without the extension."""
    rel = Path(path).relative_to(root) if Path(path) != Path(root) else Path(Path(path).name)
    return rel.with_suffix("").as_posix()


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except PermissionError as exc:
        raise UnreadableFile("permission denied: the file cannot be read by this user") from exc
    except IsADirectoryError as exc:
        raise UnreadableFile("is a directory, not a file") from exc
    except OSError as exc:
        raise UnreadableFile(f"cannot read the file: {exc.strerror or exc}") from exc


def read_document(path: Path, root: Path) -> Document:
    """Read one file into a Document (text, metadata, flags, excluded spans); raises UnreadableFile."""
    path, root = Path(path), Path(root)
    data = _read_bytes(path)
    extracted = extract(data, path.suffix.lower())
    text = extracted.text
    header = parse_header(text)
    cleaned = boilerplate.analyse(text, skip=header.span)
    found = infer.extract_metadata(text, header, cleaned, path=path, title_hint=extracted.title_hint)
    flags = list(cleaned.flags) + list(found.flags)
    if extracted.note:
        flags.append(Flag("format_mismatch", extracted.note))
    if "replaced" in extracted.encoding or "removed" in extracted.encoding:
        flags.append(Flag("decoding", f"decoded as {extracted.encoding}; damaged bytes show as U+FFFD or were removed"))
    meta, problems = sidecars.apply(found.meta, path, root)
    flags.extend(Flag("sidecar", problem) for problem in problems)
    excluded = tuple(sorted(set(cleaned.excluded) | set(found.excluded)))
    return Document(
        doc_id=doc_id_for(path, root),
        source=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        meta=meta,
        flags=tuple(flags),
        excluded=tuple(merge_spans(excluded)),
        encoding=extracted.encoding,
    )


def plan_corpus(roots: Sequence[Path]) -> list[tuple[Path, Path] | Skipped]:
    """What :func:`read_corpus` does, in its order, before reading: ``(root, file)`` to read, or a Skipped for a
    file of an unsupported format. A builder uses it to read only the files that changed since the last build."""
    plan: list[tuple[Path, Path] | Skipped] = []
    for root, path in sorted(set(_walk(roots)), key=_sort_key):  # a root given twice is read once
        suffix = path.suffix.lower()
        if suffix in SUFFIXES:
            plan.append((root, path))
        else:
            plan.append(Skipped(str(path), f"unsupported format {suffix or '(no extension)'}"))
    return plan


def read_one(path: Path, root: Path) -> Document | Skipped:
    """:func:`read_document`, with a file that cannot be read (or trips a bug) reported as Skipped, never raised."""
    try:
        return read_document(path, root)
    except UnreadableFile as exc:
        log.warning("skipped %s: %s", path, exc)
        return Skipped(str(path), str(exc))
    except Exception as exc:  # one odd file must not stop a build; the bug is reported
        log.exception("internal error reading %s", path)
        return Skipped(
            str(path), f"internal error while reading ({type(exc).__name__}: {exc}); please report it with the file"
        )


@lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def resolved(path: Path) -> str:
    """``str(Path(path).resolve())``, with each folder resolved once (resolving 3,500 paths one by one cost 1 s)."""
    folder, name = os.path.split(os.path.abspath(path))
    full = os.path.join(_real_folder(folder), name)
    return os.path.realpath(full) if os.path.islink(full) else full


def input_files(path: Path, root: Path) -> list[Path]:
    """Every file whose bytes can change what ``path`` reads as: the file itself and each place a metadata sidecar
    for it may be (existing or not), so a build can tell that nothing about a document changed."""
    return [Path(path), *sidecars.sidecar_paths(path, root)]


def collect(plan: Sequence[tuple[Path, Path] | Skipped], results: Sequence[Document | Skipped | None]) -> CorpusRead:
    """Documents and skipped files in plan order, given the read result of each planned file (None for a Skipped
    plan entry). The first readable file of a doc_id wins; a later one with the same doc_id is a duplicate."""
    documents: list[Document] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}
    for item, result in zip(plan, results):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        root, path = item
        doc_id = doc_id_for(path, root)
        if doc_id in seen:
            skipped.append(Skipped(str(path), f"duplicate doc_id {doc_id!r}: {seen[doc_id]} has the same name"))
        elif isinstance(result, Skipped):
            skipped.append(result)
        else:
            seen[doc_id] = str(path)
            documents.append(result)
    return CorpusRead(documents, skipped)


def read_corpus(roots: Sequence[Path]) -> CorpusRead:
    """Read every file under the roots. Never raises for a bad file: it is reported in ``skipped``."""
    plan = plan_corpus(roots)
    seen: set[str] = set()
    results: list[Document | Skipped | None] = []
    for item in plan:
        if isinstance(item, Skipped):
            results.append(None)
            continue
        doc_id = doc_id_for(item[1], item[0])
        # A duplicate doc_id of a file already read is not read at all (collect() reports it).
        results.append(None if doc_id in seen else read_one(item[1], item[0]))
        if isinstance(results[-1], Document):
            seen.add(doc_id)
    read = collect(plan, results)
    return CorpusRead(read.documents, read.skipped, sidecars.unmatched_rows(roots, {d.doc_id for d in read.documents}))
