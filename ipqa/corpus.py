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
from pathlib import Path

from ipqa import cleaning, metadata, sidecars
from ipqa.decode import UnreadableFile
from ipqa.formats import SUFFIXES, extract
from ipqa.headers import parse_header
from ipqa.records import Document, Flag

log = logging.getLogger(__name__)

__all__ = ["CorpusRead", "Skipped", "UnreadableFile", "doc_id_for", "find_files", "read_corpus", "read_document"]


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
    cleaned = cleaning.analyse(text, skip=header.span)
    found = metadata.extract_metadata(text, header, cleaned, path=path, title_hint=extracted.title_hint)
    flags = list(cleaned.flags) + list(found.flags)
    if extracted.note:
        flags.append(Flag("format_mismatch", extracted.note))
    if "replaced" in extracted.encoding or "removed" in extracted.encoding:
        flags.append(Flag("decoding", f"decoded as {extracted.encoding}; damaged bytes show as U+FFFD or "
                                      "were removed"))
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
        excluded=merge_spans(excluded),
        encoding=extracted.encoding,
    )


def merge_spans(spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted, overlapping or touching spans merged."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def read_corpus(roots: Sequence[Path]) -> CorpusRead:
    """Read every file under the roots. Never raises for a bad file: it is reported in ``skipped``."""
    documents: list[Document] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}
    for root, path in sorted(set(_walk(roots)), key=_sort_key):  # a root given twice is read once
        suffix = path.suffix.lower()
        if suffix not in SUFFIXES:
            skipped.append(Skipped(str(path), f"unsupported format {suffix or '(no extension)'}"))
            continue
        doc_id = doc_id_for(path, root)
        if doc_id in seen:
            skipped.append(Skipped(str(path), f"duplicate doc_id {doc_id!r}: {seen[doc_id]} has the same name"))
            continue
        try:
            document = read_document(path, root)
        except UnreadableFile as exc:
            log.warning("skipped %s: %s", path, exc)
            skipped.append(Skipped(str(path), str(exc)))
            continue
        except Exception as exc:  # one odd file must not stop a build; the bug is reported
            log.exception("internal error reading %s", path)
            skipped.append(Skipped(str(path), f"internal error while reading ({type(exc).__name__}: {exc}); "
                                              "please report it with the file"))
            continue
        seen[doc_id] = str(path)
        documents.append(document)
    warnings = sidecars.unmatched_rows(roots, set(seen))
    return CorpusRead(documents, skipped, warnings)
