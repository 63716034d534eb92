"""One build at a time per index folder: an exclusive ``fcntl.flock`` on a lock file beside the folder.

Two builds into the same folder would race in the final swap (each moves the old folder aside and renames its
own temp folder in). The lock file ``.<index>-build.lock`` sits next to ``index/`` rather than inside it, because
the folder itself is replaced by every build. It is never deleted: removing a flock'ed file races with a process
that has just opened it. The kernel drops a flock when its process dies, so a build killed
with SIGKILL never leaves a stale lock behind; the pid written into the file is only for the message.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2


class BuildLocked(Exception):
    """Another process holds the build lock; ``str(exc)`` names its pid and what to do."""


def lock_path(index_dir: Path) -> Path:
    """The lock file for ``index_dir``: a hidden sibling, so it survives the folder being swapped."""
    index_dir = Path(index_dir)
    return index_dir.parent / f".{index_dir.name}-build.lock"


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip() or "unknown"
    except (OSError, UnicodeDecodeError):
        return "unknown"


@contextmanager
def build_lock(index_dir: Path, wait: float | None = 0.0) -> Iterator[Path]:
    """Hold the build lock for ``index_dir`` inside the ``with`` block.

    ``wait``: seconds to wait for another build to finish (0: fail at once, None: wait as long as it takes).
    Raises BuildLocked with "另一个建索引任务正在运行（进程 N）…" when the lock is still held after that.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no flock; builds are still atomic, just not serialised
        log.warning("no fcntl on this platform: concurrent builds into %s are not prevented", index_dir)
        yield lock_path(index_dir)
        return
    path = lock_path(index_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise BuildLocked(
                        f"另一个建索引任务正在运行（进程 {_holder(path)}），索引文件夹 {index_dir}；"
                        f"请等它完成后再试，或让本次构建等待它"
                    ) from None
                log.info("waiting for the build running on %s (pid %s)", index_dir, _holder(path))
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
