"""Which entries under the corpus folders are files to read, and why each other one is skipped: regular files only,
of at most MAX_FILE_BYTES, opened without blocking; links resolving outside the corpus folders refused unless the
caller opts in; link loops, sockets, FIFOs, devices, over-long names and unlistable folders reported, never fatal."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from ipqa.corpus import sidecars
from ipqa.corpus.formats import SUFFIXES
from ipqa.settings import MAX_FILE_BYTES

OUTSIDE_LINK = "link points outside the corpus folders"
HIDDEN = "hidden file (its name starts with a dot): not read; rename it without the leading dot to index it"


def _inside(real: str, real_roots: Sequence[str]) -> bool:
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in real_roots)


def os_problem(exc: OSError, what: str = "file") -> str:
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


def not_regular(mode: int) -> str:
    kind = next((name for test, name in _KINDS if test(mode)), "an entry of an unknown kind")
    return f"{kind}, not a regular file; only regular files are read"


def too_big(size: int) -> str:
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
        return os_problem(exc)
    if not stat.S_ISREG(info.st_mode):
        return not_regular(info.st_mode)
    if info.st_size > MAX_FILE_BYTES:
        return too_big(info.st_size)
    # A link to a file; links in the folders above are the walker's (it follows only folder links it may).
    if not outside_links and real_roots and os.path.islink(path):
        real = os.path.realpath(path)
        if not _inside(real, real_roots):
            return f"{OUTSIDE_LINK} ({real}); build with --outside-links (Settings.outside_links) to read it"
    return None


def walk_entries(roots: Sequence[Path], outside_links: bool = False) -> Iterator[tuple[Path, Path, str | None]]:
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
            yield root, root, "corpus folder: " + os_problem(exc, "folder")
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
        return "folder link: " + os_problem(exc, "folder")
    real = os.path.realpath(link)
    if not outside_links and not _inside(real, real_roots):
        return f"folder {OUTSIDE_LINK} ({real}); build with --outside-links (Settings.outside_links) to read it"
    if (info.st_dev, info.st_ino) in seen:
        return f"folder link to {real}, which is read already (through its own path or another link)"
    return None


def _walk_tree(root: Path, top: str, real_roots, outside_links: bool, seen: set, links: list):
    """:func:`walk_entries` for one folder tree, not following links (they go to ``links``)."""
    problems: list[tuple[str, str]] = []

    def on_error(exc: OSError) -> None:
        reason = os_problem(exc, "folder")
        problems.append((exc.filename or top, f"folder cannot be listed, so its files are not read: {reason}"))

    for folder, dirs, files in os.walk(top, onerror=on_error):
        yield from ((root, Path(f), reason) for f, reason in problems)
        problems.clear()
        try:
            info = os.stat(folder)
        except OSError as exc:
            yield root, Path(folder), "folder cannot be read: " + os_problem(exc, "folder")
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
            if name.startswith("."):
                # dot-files are the system's (.DS_Store, editors' swap files) and stay unlisted; one named like a
                # document ("..txt", ".txt") was most likely meant as one: said, not dropped without a word
                if name.lower().endswith(tuple(SUFFIXES)):
                    yield root, path, HIDDEN
            elif not sidecars.is_sidecar(path):
                yield root, path, entry_problem(path, real_roots, outside_links)
    yield from ((root, Path(f), reason) for f, reason in problems)
