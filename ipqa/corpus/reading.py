"""Find and read corpus files into Documents: decoded text, metadata, quality flags and excluded spans.

A file that cannot be read never stops a build: ``read_corpus`` records it as ``Skipped`` with a reason a
person can act on, and so it never disappears silently either. That holds for every entry of the corpus folders
(broken links, link loops, FIFOs, sockets, devices, names too long, files gone or unreadable, folders that cannot
be listed): only regular files of at most MAX_FILE_BYTES are read, opened without blocking, and links resolving
outside the corpus folders are refused unless the caller opts in (``outside_links``).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
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
from ipqa.settings import MAX_FILE_BYTES
from ipqa.text import merge_spans

log = logging.getLogger(__name__)

OUTSIDE_LINK = "link points outside the corpus folders"
# Reading never waits: opening a FIFO without a writer returns at once (and fstat then refuses it).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)

__all__ = [
    "CorpusRead",
    "Skipped",
    "UnreadableFile",
    "collect",
    "doc_id_for",
    "entry_problem",
    "file_sha256",
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


def _inside(real: str, real_roots: Sequence[str]) -> bool:
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in real_roots)


def _os_problem(exc: OSError, what: str = "file") -> str:
    """One sentence for an OSError met while listing or checking an entry."""
    if exc.errno == errno.ELOOP:
        return "link loop: the link points, through other links, back at itself"
    if exc.errno == errno.ENAMETOOLONG:
        return "path too long for the operating system (a name over 255 bytes or a path over 4,096 bytes)"
    if isinstance(exc, PermissionError):
        return f"permission denied: the {what} cannot be read by this user"
    if isinstance(exc, FileNotFoundError):
        return f"the {what} disappeared while the corpus was being read"
    return f"cannot read the {what}: {exc.strerror or exc}"


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_regular(mode: int) -> str:
    kind = next((name for test, name in _KINDS if test(mode)), "an entry of an unknown kind")
    return f"{kind}, not a regular file; only regular files are read"


def _too_big(size: int) -> str:
    return f"file of {size / 2**20:,.0f} MB is over the {MAX_FILE_BYTES / 2**20:,.0f} MB limit for one file"


def entry_problem(path: Path, real_roots: Sequence[str] = (), outside_links: bool = True) -> str | None:
    """Why the entry at ``path`` cannot be read as a corpus file, or None when it can: a broken link, a link
    loop, a name too long, something that is not a regular file (FIFO, socket, device), a file over
    MAX_FILE_BYTES, or (unless ``outside_links``) a link resolving outside the ``real_roots``."""
    try:
        info = os.stat(path)  # follows links
    except FileNotFoundError:
        try:
            return f"broken link: it points to {os.readlink(path)!r}, which does not exist"
        except OSError:  # not a link: it was deleted since it was listed
            return "the file disappeared while the corpus was being read"
    except OSError as exc:
        return _os_problem(exc)
    if not stat.S_ISREG(info.st_mode):
        return _not_regular(info.st_mode)
    if info.st_size > MAX_FILE_BYTES:
        return _too_big(info.st_size)
    # A link to a file; links in the folders above are the walker's (it follows only folder links it may).
    if not outside_links and real_roots and os.path.islink(path):
        real = os.path.realpath(path)
        if not _inside(real, real_roots):
            return f"{OUTSIDE_LINK} ({real}); build with --outside-links (Settings.outside_links) to read it"
    return None


def _walk(roots: Sequence[Path], outside_links: bool = False) -> Iterator[tuple[Path, Path, str | None]]:
    """``(root, entry, problem)`` for every non-hidden, non-sidecar file under the roots (a root may also be a
    single file), ``problem`` being None or why the entry cannot be read (:func:`entry_problem`); and
    ``(root, folder, reason)`` for every folder that cannot be listed and every folder link not followed.

    A folder link is followed, after the real folders are all listed, when it resolves inside a root to a
    folder not listed already (or outside the roots, when ``outside_links``). Each folder is listed once, so
    a link loop ends; every link not followed is reported."""
    real_roots = [os.path.realpath(r) for r in roots]
    seen: set[tuple[int, int]] = set()  # (device, inode) of every folder listed, over all roots
    for root in roots:
        root = Path(root)
        try:
            info = os.stat(root)
        except FileNotFoundError:
            yield root, root, "corpus folder not found"
            continue
        except OSError as exc:
            yield root, root, "corpus folder: " + _os_problem(exc, "folder")
            continue
        if not stat.S_ISDIR(info.st_mode):
            if not sidecars.is_sidecar(root):
                yield root.parent, root, entry_problem(root)  # named by the user: a link out is fine
            continue
        links: list[str] = []
        yield from _walk_tree(root, str(root), real_roots, outside_links, seen, links)
        while links:
            link = links.pop(0)
            reason = _link_problem(link, real_roots, outside_links, seen)
            if reason:
                yield root, Path(link), reason
            else:
                yield from _walk_tree(root, link, real_roots, outside_links, seen, links)


def _link_problem(link: str, real_roots: Sequence[str], outside_links: bool, seen: set) -> str | None:
    """Why the folder link at ``link`` is not followed, or None."""
    try:
        info = os.stat(link)
    except OSError as exc:
        return "folder link: " + _os_problem(exc, "folder")
    real = os.path.realpath(link)
    if not outside_links and not _inside(real, real_roots):
        return f"folder {OUTSIDE_LINK} ({real}); build with --outside-links (Settings.outside_links) to read it"
    if (info.st_dev, info.st_ino) in seen:
        return f"folder link to {real}, which is read already (through its own path or another link)"
    return None


def _walk_tree(root: Path, top: str, real_roots, outside_links: bool, seen: set, links: list):
    """:func:`_walk` for one folder tree, not following links (they go to ``links``)."""
    problems: list[tuple[str, str]] = []

    def on_error(exc: OSError) -> None:
        reason = _os_problem(exc, "folder")
        problems.append((exc.filename or top, f"folder cannot be listed, so its files are not read: {reason}"))

    for folder, dirs, files in os.walk(top, onerror=on_error):
        yield from ((root, Path(f), reason) for f, reason in problems)
        problems.clear()
        try:
            info = os.stat(folder)
        except OSError as exc:
            yield root, Path(folder), "folder cannot be read: " + _os_problem(exc, "folder")
            dirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen:  # reached a second time (a bind mount): listed once
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        keep = []
        for name in dirs:
            if name.startswith("."):
                continue
            full = os.path.join(folder, name)
            if os.path.islink(full):
                links.append(full)  # followed (or reported) once the real folders are all listed
            else:
                keep.append(name)
        dirs[:] = keep
        for name in files:
            path = Path(folder) / name
            if not name.startswith(".") and not sidecars.is_sidecar(path):
                yield root, path, entry_problem(path, real_roots, outside_links)
    yield from ((root, Path(f), reason) for f, reason in problems)


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
        raise UnreadableFile(_os_problem(exc)) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(_not_regular(info.st_mode))
        if info.st_size > MAX_FILE_BYTES:
            raise UnreadableFile(_too_big(info.st_size))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UnreadableFile(_os_problem(exc)) from exc
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(_too_big(len(data)))
    return data


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


def plan_corpus(roots: Sequence[Path], outside_links: bool = False) -> list[tuple[Path, Path] | Skipped]:
    """What :func:`read_corpus` does, in its order, before reading: ``(root, file)`` to read, or a Skipped for an
    entry that cannot be read (unsupported format, broken link, FIFO, socket, too big, outside the corpus,
    folder that cannot be listed …). A builder uses it to read only the files that changed since the last
    build. Never raises for an entry of the corpus folders."""
    plan: list[tuple[Path, Path] | Skipped] = []
    entries = {(root, path): problem for root, path, problem in _walk(roots, outside_links)}
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
