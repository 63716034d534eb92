"""Find and read corpus files into Documents: decoded text, metadata, quality flags and excluded spans.

A file that cannot be read never stops a build: ``read_corpus`` records it as ``Skipped`` with a reason a
person can act on, and so it never disappears silently either. That holds for every entry of the corpus folders
(broken links, link loops, FIFOs, sockets, devices, names too long, files gone or unreadable, folders that cannot
be listed): only regular files of at most MAX_FILE_BYTES are read, opened without blocking, and links resolving
outside the corpus folders are refused unless the caller opts in (``outside_links``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ipqa.corpus import (
    boilerplate,
    declared,
    listing,  # listing.MAX_FILE_BYTES: the one limit the listing and the reader apply
    sidecars,
)
from ipqa.corpus.decode import UnreadableFile
from ipqa.corpus.formats import SUFFIXES, extract
from ipqa.corpus.listing import not_regular, os_problem, too_big, walk_entries
from ipqa.corpus.metadata import infer
from ipqa.corpus.metadata.headers import parse_header
from ipqa.records import Document, Flag
from ipqa.text import merge_spans

log = logging.getLogger(__name__)

# Reading never waits: opening a FIFO without a writer returns at once (and fstat then refuses it).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)

__all__ = [
    "CorpusRead",
    "Skipped",
    "UnreadableFile",
    "collect",
    "doc_id_for",
    "file_sha256",
    "find_files",
    "input_files",
    "plan_corpus",
    "read_bytes",
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


def _sort_key(pair: tuple[Path, Path]) -> tuple[str, str]:
    return pair[0].as_posix(), pair[1].as_posix()


def find_files(roots: Sequence[Path], outside_links: bool = False) -> list[tuple[Path, Path]]:
    """``(root, file)`` for every readable-format file under the roots, sorted; sidecars and hidden files out,
    and so is every entry that cannot be read (see :func:`plan_corpus`, which reports them)."""
    return [item for item in plan_corpus(roots, outside_links) if not isinstance(item, Skipped)]


def doc_id_for(path: Path, root: Path) -> str:
    """The file's path relative to its root, POSIX separators, without the extension."""
    rel = Path(path).relative_to(root) if Path(path) != Path(root) else Path(Path(path).name)
    return rel.with_suffix("").as_posix()


def _read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES. Opened without blocking and checked on the open
    file: a FIFO, a device or a file grown since the corpus was listed is refused, never waited on or read
    without end."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except IsADirectoryError as exc:
        raise UnreadableFile("is a directory, not a file") from exc
    except OSError as exc:
        raise UnreadableFile(os_problem(exc)) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(not_regular(info.st_mode))
        if info.st_size > listing.MAX_FILE_BYTES:
            raise UnreadableFile(too_big(info.st_size))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(listing.MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UnreadableFile(os_problem(exc)) from exc
    finally:
        os.close(fd)
    if len(data) > listing.MAX_FILE_BYTES:
        raise UnreadableFile(too_big(len(data)))
    return data


def read_bytes(path: Path) -> bytes:
    """The bytes of a corpus file, with every check the reader applies (regular file, size limit, no blocking)."""
    return _read_bytes(path)


def file_sha256(path: Path) -> str | None:
    """sha256 of a regular file's bytes, or None when it cannot be read now (gone, unreadable, not a regular
    file): the read that follows reports why. Never blocks on a FIFO or device."""
    digest = hashlib.sha256()
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            for block in iter(lambda: handle.read(8 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    finally:
        os.close(fd)
    return digest.hexdigest()


def read_document(path: Path, root: Path) -> Document:
    """Read one file into a Document (text, metadata, flags, excluded spans); raises UnreadableFile."""
    path, root = Path(path), Path(root)
    data = _read_bytes(path)
    extracted = extract(data, path.suffix.lower())
    text = extracted.text
    header = parse_header(text)
    cleaned = boilerplate.analyse(text, skip=header.span)
    found = infer.extract_metadata(text, header, cleaned, path=path, title_hint=extracted.title_hint)
    meta, flags = declared.fill(
        found.meta, list(cleaned.flags) + list(found.flags) + list(extracted.flags), extracted.declared
    )
    if extracted.note:
        flags.append(Flag("format_mismatch", extracted.note))
    if "replaced" in extracted.encoding or "removed" in extracted.encoding:
        flags.append(Flag("decoding", f"decoded as {extracted.encoding}; damaged bytes show as U+FFFD or were removed"))
    meta, problems = sidecars.apply(meta, path, root)
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


def plan_corpus(roots: Sequence[Path], outside_links: bool = False) -> list[tuple[Path, Path] | Skipped]:
    """What :func:`read_corpus` does, in its order, before reading: ``(root, file)`` to read, or a Skipped for an
    entry that cannot be read (unsupported format, broken link, FIFO, socket, too big, outside the corpus,
    folder that cannot be listed …). A builder uses it to read only the files that changed since the last
    build. Never raises for an entry of the corpus folders."""
    plan: list[tuple[Path, Path] | Skipped] = []
    entries = {(root, path): problem for root, path, problem in walk_entries(roots, outside_links)}
    for root, path in sorted(entries, key=_sort_key):  # a root given twice is read once
        problem, suffix = entries[root, path], path.suffix.lower()
        if problem:
            log.info("skipped %s: %s", path, problem)
            plan.append(Skipped(str(path), problem))
        elif suffix in SUFFIXES:
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


def read_corpus(roots: Sequence[Path], outside_links: bool = False) -> CorpusRead:
    """Read every file under the roots. Never raises for a bad file: it is reported in ``skipped``. Links that
    resolve outside the roots are refused unless ``outside_links``."""
    plan = plan_corpus(roots, outside_links)
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
